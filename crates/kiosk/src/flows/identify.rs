//! Identification (Wenzhou 6.3.1): a social-security card in the slot, an ID card on the SAM
//! reader, a health QR code shown to the camera, or (after a separate consent) the face. Every
//! way ends in the same place, `begin_visit`: one resident record, one new visit. Also here:
//! another resident's ID card during a visit, which asks before switching.
//!
//! States (`Phase::Identifying`): `ReadingCard`, `ScanQr`, `FaceConsent`, `FaceScan`; from
//! `Welcome` (or `Goodbye`, for the next person) into `InVisit`, or back to `Welcome` with a
//! notice. Actions: `IdentifyWith`, `ConsentToFace`, `BackHome`, `ConfirmSwitch`. Events: the
//! card reader, the ID card reader, the camera threads (`on_scan`, `on_face`), the clock.

use std::time::Duration;

use station_camera::{MatchOutcome, Verification};
use station_card::{ReaderEvent, SocialSecurityCard};
use station_core::clock::Clock;
use station_core::resident::{mask_name, IdNumber};
use station_protocol::{
    Action, DisplayPrefs, FaceHint, IdentifyMethod, Notice, QrHint, ResidentView, Screen,
};
use station_store::{AuditEvent, ResidentId, Store, StoreError, VisitEnd, VisitId};

use crate::effects::Effects;
use crate::station::{default_prefs, Phase, Speak, Station, To};
use crate::visit::{Session, Visit};

/// How long the station looks for a health code (or a good face picture) before giving up.
const SCAN_FOR: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub(crate) struct Identifying {
    pub prefs: DisplayPrefs,
    pub step: Step,
}

#[derive(Debug, PartialEq)]
pub(crate) enum Step {
    /// A card was inserted and is being read.
    ReadingCard,
    ScanQr {
        scan: Scan,
        hint: Option<QrHint>,
    },
    /// What the camera is for, and the resident's yes or no; the camera stays off meanwhile.
    FaceConsent,
    FaceScan {
        scan: Scan,
        hint: Option<FaceHint>,
    },
}

/// The camera at work, tagged so that only its own findings are taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scan {
    token: u64,
    since: Duration,
}

impl Identifying {
    pub fn screen(&self) -> Screen {
        match &self.step {
            Step::ReadingCard => Screen::ReadingCard,
            Step::ScanQr { hint, .. } => Screen::ScanQr { hint: *hint },
            Step::FaceConsent => Screen::FaceConsent,
            Step::FaceScan { hint, .. } => Screen::FaceScan { hint: *hint },
        }
    }

    pub fn scan_token(&self) -> Option<u64> {
        match &self.step {
            Step::ScanQr { scan, .. } | Step::FaceScan { scan, .. } => Some(scan.token),
            Step::ReadingCard | Step::FaceConsent => None,
        }
    }
}

/// What the camera thread reports about a health-code scan.
pub(crate) enum ScanEvent {
    Hint(QrHint),
    /// A health code, and what its platform (or the lack of one) said about it.
    Found {
        token: String,
        verification: Verification,
    },
    CameraFailed(String),
}

/// What the camera thread reports about the face guide.
pub(crate) enum FaceEvent {
    Hint(FaceHint),
    /// One good picture was taken (and already wiped); what matching it gave.
    Captured(MatchOutcome),
    CameraFailed(String),
}

/// A resident identified by one of the station's ways.
pub(crate) struct Identified<'a> {
    pub id_number: &'a IdNumber,
    pub name: &'a str,
    pub method: IdentifyMethod,
}

impl<'a> Identified<'a> {
    fn from_insurance_card(card: &'a SocialSecurityCard) -> Self {
        Identified {
            id_number: &card.id_number,
            name: &card.name,
            method: IdentifyMethod::InsuranceCard,
        }
    }
}

impl Station {
    /// The settings a new identification starts with: the welcome screen's (the resident may
    /// have chosen a language before the card), the station's after someone else's goodbye.
    pub(crate) fn arriving_prefs(&self) -> Option<DisplayPrefs> {
        match &self.phase {
            Phase::Welcome { prefs } => Some(*prefs),
            Phase::Goodbye { .. } => Some(default_prefs(&self.config)),
            _ => None,
        }
    }

    fn back_to_welcome(&mut self, notice: Notice, fx: &mut Effects) {
        let prefs = self.prefs();
        self.show(To::Phase(Phase::Welcome { prefs }), Speak::Yes, fx);
        self.notify(notice, fx);
    }

    fn identifying(&self) -> Option<&Step> {
        match &self.phase {
            Phase::Identifying(i) => Some(&i.step),
            _ => None,
        }
    }

    /// Records an event that stands alone; a record that cannot be written is told (on screen,
    /// for staff, and in the log), never dropped.
    pub(crate) fn record(
        &mut self,
        store: &Store,
        visit: Option<VisitId>,
        event: AuditEvent,
        fx: &mut Effects,
    ) -> bool {
        match store.record(visit, event) {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, "cannot write the audit record");
                self.notify(Notice::RecordFailed, fx);
                false
            }
        }
    }

    /// Actions before a visit: the ways to identify on the welcome screen, consent, going back.
    pub(crate) fn act_identify(
        &mut self,
        action: Action,
        now: Duration,
        store: &Store,
        _clock: &dyn Clock,
        fx: &mut Effects,
    ) {
        match action {
            Action::IdentifyWith { method } => {
                let welcome = matches!(self.phase, Phase::Welcome { .. });
                if !self.identify_methods().contains(&method) {
                    self.notify(Notice::NotAvailableYet, fx);
                } else if welcome && method == IdentifyMethod::HealthQr {
                    let scan = Scan {
                        token: self.token(),
                        since: now,
                    };
                    fx.start_scan = Some(scan.token);
                    let step = Step::ScanQr { scan, hint: None };
                    self.enter_identifying(step, fx);
                } else if welcome && method == IdentifyMethod::Face {
                    // Consent first; the camera stays off until the resident agrees.
                    self.enter_identifying(Step::FaceConsent, fx);
                }
            }
            Action::ConsentToFace
                if self.identifying() == Some(&Step::FaceConsent)
                    && self.record(store, None, AuditEvent::FaceConsentGiven, fx) =>
            {
                let scan = Scan {
                    token: self.token(),
                    since: now,
                };
                fx.start_face = Some(scan.token);
                self.enter_identifying(Step::FaceScan { scan, hint: None }, fx);
            }
            Action::BackHome => {
                // Leaving a scan screen stops the camera (its token is gone with the phase).
                if matches!(
                    self.identifying(),
                    Some(Step::ScanQr { .. } | Step::FaceConsent | Step::FaceScan { .. })
                ) {
                    let prefs = self.prefs();
                    self.show(To::Phase(Phase::Welcome { prefs }), Speak::Yes, fx);
                }
            }
            _ => {}
        }
    }

    fn enter_identifying(&mut self, step: Step, fx: &mut Effects) {
        let prefs = self.prefs();
        self.show(
            To::Phase(Phase::Identifying(Identifying { prefs, step })),
            Speak::Yes,
            fx,
        );
    }

    /// The card slot (the visit's own card leaving, staff badges and the reader's status are
    /// taken by the station first).
    pub(crate) fn on_card_event(
        &mut self,
        event: ReaderEvent,
        now: Duration,
        store: &Store,
        _clock: &dyn Clock,
        fx: &mut Effects,
    ) {
        let reading = self.identifying() == Some(&Step::ReadingCard);
        match event {
            ReaderEvent::CardInserted => {
                if let Some(prefs) = self.arriving_prefs() {
                    let step = Step::ReadingCard;
                    self.show(
                        To::Phase(Phase::Identifying(Identifying { prefs, step })),
                        Speak::Yes,
                        fx,
                    );
                }
            }
            ReaderEvent::CardRead(card) if reading => {
                let prefs = self.prefs();
                self.begin_visit(
                    Identified::from_insurance_card(&card),
                    prefs,
                    now,
                    store,
                    fx,
                );
            }
            ReaderEvent::CardUnreadable(err) if reading => {
                tracing::info!(error = %err, "card not usable");
                self.back_to_welcome(Notice::CardUnreadable, fx);
                let reason = err.to_string();
                self.record(store, None, AuditEvent::CardUnreadable { reason }, fx);
            }
            // A card with a UID that is no badge of this station: of no use to a resident.
            ReaderEvent::UnlistedCard(_) if reading => {
                tracing::info!("a card that is neither a social-security card nor a staff badge");
                self.back_to_welcome(Notice::CardUnreadable, fx);
                let reason = "neither a social-security card nor a staff badge".to_string();
                self.record(store, None, AuditEvent::CardUnreadable { reason }, fx);
            }
            ReaderEvent::CardPulledEarly | ReaderEvent::CardRemoved if reading => {
                self.back_to_welcome(Notice::CardPulledEarly, fx);
            }
            _ => {}
        }
    }

    /// "是，换人": the visit on screen ends (no goodbye: the next resident is already here) and
    /// one starts for the resident whose card was presented. Nothing of the first carries over.
    pub(crate) fn confirm_switch(
        &mut self,
        now: Duration,
        store: &Store,
        _clock: &dyn Clock,
        fx: &mut Effects,
    ) {
        let Phase::InVisit(visit) = &mut self.phase else {
            return;
        };
        let Some(next) = visit.pending_switch.take() else {
            return;
        };
        let ending = visit.visit_id();
        if let Err(e) = store.end_visit(ending, VisitEnd::Switched) {
            tracing::error!(error = %e, visit = ending.0, "cannot close the visit record");
        }
        let who = Identified {
            id_number: &next.id_number,
            name: &next.name,
            method: next.method,
        };
        let prefs = default_prefs(&self.config);
        self.begin_visit(who, prefs, now, store, fx);
    }

    /// One identity flow: whichever way succeeded, the same resident record and a new visit.
    pub(crate) fn begin_visit(
        &mut self,
        who: Identified<'_>,
        prefs: DisplayPrefs,
        now: Duration,
        store: &Store,
        fx: &mut Effects,
    ) {
        let masked_name = mask_name(who.name);
        tracing::info!(id = %who.id_number, method = who.method.as_str(), "resident identified");
        let resident = store.upsert_resident(who.id_number, &masked_name);
        let view = ResidentView {
            masked_name,
            masked_id: who.id_number.masked(),
            verified: true,
        };
        let id_hash = store.id_hash(who.id_number);
        self.open_visit(resident, id_hash, who.method, view, prefs, now, store, fx);
    }

    /// A health code no platform could check: the resident is kept by the code alone and the
    /// screen says "身份未核验" for the whole visit.
    fn begin_unverified_visit(
        &mut self,
        token: &str,
        now: Duration,
        store: &Store,
        fx: &mut Effects,
    ) {
        let masked = mask_token(token);
        let resident = store.upsert_health_code_resident(token, &masked);
        let view = ResidentView {
            masked_name: String::new(),
            masked_id: masked,
            verified: false,
        };
        let id_hash = store.health_code_hash(token);
        let prefs = self.prefs();
        self.open_visit(
            resident,
            id_hash,
            IdentifyMethod::HealthQr,
            view,
            prefs,
            now,
            store,
            fx,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn open_visit(
        &mut self,
        resident: Result<ResidentId, StoreError>,
        id_hash: Vec<u8>,
        method: IdentifyMethod,
        view: ResidentView,
        prefs: DisplayPrefs,
        now: Duration,
        store: &Store,
        fx: &mut Effects,
    ) {
        // The visit row and its "identified" audit line are written together.
        let started = resident.and_then(|r| Ok((r, store.start_visit(r, method)?)));
        match started {
            Ok((resident, visit)) => {
                tracing::info!(visit = visit.0, method = method.as_str(), "visit started");
                let session = Session {
                    visit,
                    resident,
                    id_hash,
                    method,
                    view,
                };
                let visit = Visit::new(session, prefs, now);
                self.show(To::Phase(Phase::InVisit(Box::new(visit))), Speak::Yes, fx);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot record the visit");
                self.show(To::Phase(Phase::Welcome { prefs }), Speak::Yes, fx);
                self.notify(Notice::SaveFailed, fx);
            }
        }
    }

    /// Gives up a scan that found nothing in time.
    pub(crate) fn tick_identify(&mut self, now: Duration, fx: &mut Effects) {
        let notice = match self.identifying() {
            Some(Step::ScanQr { scan, .. }) if now.saturating_sub(scan.since) >= SCAN_FOR => {
                Notice::QrNotFound
            }
            Some(Step::FaceScan { scan, .. }) if now.saturating_sub(scan.since) >= SCAN_FOR => {
                Notice::FaceNotCaptured
            }
            _ => return,
        };
        self.back_to_welcome(notice, fx);
    }

    /// The camera could not be opened or stopped delivering: back to the welcome screen.
    fn camera_failed(&mut self, why: String, store: &Store, fx: &mut Effects) {
        tracing::warn!(%why, "camera not usable");
        self.back_to_welcome(Notice::CameraUnavailable, fx);
        self.record(
            store,
            None,
            AuditEvent::CameraUnavailable { reason: why },
            fx,
        );
    }

    /// What the camera found for the scan `token`.
    pub(crate) fn on_scan(
        &mut self,
        token: u64,
        event: ScanEvent,
        now: Duration,
        store: &Store,
    ) -> Effects {
        let mut fx = Effects::default();
        if !self.scan_wanted(token) {
            return fx;
        }
        match event {
            ScanEvent::Hint(new) => {
                if let Phase::Identifying(Identifying {
                    step: Step::ScanQr { hint, .. },
                    ..
                }) = &mut self.phase
                {
                    if *hint != Some(new) {
                        *hint = Some(new);
                        self.changed(&mut fx);
                    }
                }
            }
            ScanEvent::CameraFailed(why) => self.camera_failed(why, store, &mut fx),
            ScanEvent::Found {
                token: code,
                verification,
            } => match verification {
                Verification::Verified { id_number, name } => {
                    let who = Identified {
                        id_number: &id_number,
                        name: &name,
                        method: IdentifyMethod::HealthQr,
                    };
                    let prefs = self.prefs();
                    self.begin_visit(who, prefs, now, store, &mut fx);
                }
                Verification::Unverified => {
                    self.begin_unverified_visit(&code, now, store, &mut fx);
                }
                Verification::Rejected(reason) => {
                    tracing::info!(%reason, "health code refused by its platform");
                    self.back_to_welcome(Notice::QrRejected, &mut fx);
                    self.record(store, None, AuditEvent::QrRejected { reason }, &mut fx);
                }
            },
        }
        fx
    }

    /// What the face guide saw for the scan `token`.
    pub(crate) fn on_face(&mut self, token: u64, event: FaceEvent, store: &Store) -> Effects {
        let mut fx = Effects::default();
        if !self.scan_wanted(token) {
            return fx;
        }
        match event {
            FaceEvent::Hint(new) => {
                if let Phase::Identifying(Identifying {
                    step: Step::FaceScan { hint, .. },
                    ..
                }) = &mut self.phase
                {
                    if *hint != Some(new) {
                        *hint = Some(new);
                        self.changed(&mut fx);
                    }
                }
            }
            FaceEvent::CameraFailed(why) => self.camera_failed(why, store, &mut fx),
            FaceEvent::Captured(outcome) => {
                // The picture itself was wiped on the camera thread; only the outcome is here.
                tracing::info!(?outcome, "face captured; no matcher configured");
                self.back_to_welcome(Notice::FaceNotConfigured, &mut fx);
                self.record(store, None, AuditEvent::FaceNotConfigured, &mut fx);
            }
        }
        fx
    }
}

/// A token on screen: its first three and last four characters only.
fn mask_token(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    // A fixed run of stars: the length of the code says nothing and the line stays short.
    format!("{head}****{tail}")
}
