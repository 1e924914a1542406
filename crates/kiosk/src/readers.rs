//! The station's readers: the card slot's watcher and the ID card reader tell the station how
//! they are (a missing reader is a fault told to staff, and clears itself when the reader is
//! back) and what they read; a staff badge during a visit opens manual entry.

use std::time::Duration;

use station_card::{ReaderEvent, StaffBadge};
use station_core::clock::Clock;
use station_idcard::IdCardEvent;
use station_protocol::{DemoCard, IdentifyMethod, Notice, PromptId, ReaderStatus};
use station_store::{AuditEvent, Store, VisitEnd};

use crate::effects::Effects;
use crate::flows;
use crate::flows::identify::{Identified, Identifying, Step};
use crate::station::{Phase, Speak, Station, To};
use crate::visit::{PendingSwitch, Visit};

/// The hardware's state as the screens show it.
#[derive(Debug)]
pub(crate) struct Readers {
    /// `None` until the card reader's watcher has said how it is.
    pub card: Option<ReaderStatus>,
    /// `None` = the station has no ID card reader.
    pub id_card: Option<ReaderStatus>,
    pub has_camera: bool,
    /// The sample cards of the simulated readers (demo mode).
    pub demo_cards: Vec<DemoCard>,
}

impl Station {
    pub fn reader_event(
        &mut self,
        event: ReaderEvent,
        now: Duration,
        store: &Store,
        clock: &dyn Clock,
    ) -> Effects {
        let mut fx = Effects::default();
        // Staff adding a badge take the next card; otherwise a card with a UID counts as staff
        // by the station's list as it is now (badges added or removed since the reader started).
        if self.on_badge_card(&event, now, store, clock, &mut fx) {
            return fx;
        }
        match self.as_listed_now(event) {
            ReaderEvent::Status(status) => self.on_card_reader_status(status, now, store, &mut fx),
            ReaderEvent::StaffCard(badge) if self.phase.visit().is_some() => {
                self.on_staff_badge(badge, now, store, clock, &mut fx)
            }
            // No resident here: the badge opens admin mode (its PIN first).
            ReaderEvent::StaffCard(badge)
                if matches!(
                    &self.phase,
                    Phase::Welcome { .. }
                        | Phase::Identifying(Identifying {
                            step: Step::ReadingCard,
                            ..
                        })
                ) =>
            {
                self.enter_admin_with_badge(badge, now, &mut fx)
            }
            ReaderEvent::CardRemoved if self.phase.visit().is_some_and(Visit::by_card) => {
                self.end_visit(VisitEnd::CardRemoved, now, store, &mut fx)
            }
            event => self.on_card_event(event, now, store, clock, &mut fx),
        }
        self.sync_volume(&mut fx);
        fx
    }

    /// The card slot's state. A reader that goes (or is missing at start) is a fault told on
    /// screen and recorded for staff; when it is back the message goes by itself.
    fn on_card_reader_status(
        &mut self,
        status: ReaderStatus,
        now: Duration,
        store: &Store,
        fx: &mut Effects,
    ) {
        let before = self.readers.card;
        if before == Some(status) {
            return;
        }
        tracing::info!(?status, "card reader status");
        self.readers.card = Some(status);
        self.changed(fx);
        let notice = match status {
            ReaderStatus::Ready => {
                if matches!(
                    self.notice,
                    Some(Notice::ReaderUnavailable | Notice::ReaderMissing)
                ) {
                    self.notice = None;
                }
                if before.is_some() {
                    self.record(store, None, AuditEvent::CardReaderBack, fx);
                }
                return;
            }
            ReaderStatus::NoReader => Notice::ReaderMissing,
            ReaderStatus::NoService => Notice::ReaderUnavailable,
        };
        let fault = AuditEvent::CardReaderFault {
            reason: format!("{status:?}"),
        };
        if before.is_none() {
            // Missing from the start: the welcome screen says so in place; staff are told.
            self.record(store, None, fault, fx);
            return;
        }
        if self.phase.visit().is_some_and(Visit::by_card) {
            // The card can no longer be seen: end the visit rather than keep a resident
            // identified by a card that may be gone.
            self.end_visit(VisitEnd::CardRemoved, now, store, fx);
        } else if matches!(&self.phase, Phase::Identifying(i) if i.step == Step::ReadingCard) {
            let prefs = self.prefs();
            self.show(To::Phase(Phase::Welcome { prefs }), Speak::Yes, fx);
        }
        self.notify(notice, fx);
        self.record(store, None, fault, fx);
    }

    /// A staff badge during a visit opens manual entry for the resident.
    pub fn on_staff_badge(
        &mut self,
        badge: StaffBadge,
        now: Duration,
        store: &Store,
        clock: &dyn Clock,
        fx: &mut Effects,
    ) {
        self.in_visit(store, clock, now, fx, |visit, ctx| {
            flows::manual::staff_assist(visit, badge, ctx)
        });
    }

    /// The resident-ID-card reader. A read ID card starts a visit like an inserted card; taking
    /// it off the reader does not end the visit (residents pick it up at once), logout and idle do.
    pub(crate) fn id_card_event(
        &mut self,
        event: IdCardEvent,
        now: Duration,
        store: &Store,
    ) -> Effects {
        let mut fx = Effects::default();
        match event {
            IdCardEvent::Status(status) => {
                if self.readers.id_card != Some(status) {
                    tracing::info!(?status, "ID card reader status");
                    self.readers.id_card = Some(status);
                    self.changed(&mut fx);
                }
            }
            IdCardEvent::CardRead(holder) => {
                if let Phase::InVisit(visit) = &mut self.phase {
                    // The same person's ID card changes nothing; another person's is asked about.
                    if store.id_hash(&holder.id_number) != visit.session.id_hash {
                        tracing::info!(
                            "another resident's ID card during a visit: asking before switching"
                        );
                        visit.idle.last_activity = now;
                        visit.pending_switch = Some(PendingSwitch {
                            id_number: holder.id_number.clone(),
                            name: holder.name.clone(),
                            method: IdentifyMethod::IdCard,
                        });
                        fx.say = Some((visit.prefs.locale, vec![PromptId::SwitchResident]));
                        self.changed(&mut fx);
                    }
                } else if let Some(prefs) = self.arriving_prefs() {
                    let who = Identified {
                        id_number: &holder.id_number,
                        name: &holder.name,
                        method: IdentifyMethod::IdCard,
                    };
                    self.begin_visit(who, prefs, now, store, &mut fx);
                } else {
                    tracing::info!("ID card read while busy; ignored");
                }
            }
            IdCardEvent::CardUnreadable(err) => {
                if matches!(self.phase, Phase::Welcome { .. }) {
                    tracing::info!(error = %err, "ID card not usable");
                    self.notify(Notice::IdCardUnreadable, &mut fx);
                    let reason = err.to_string();
                    self.record(
                        store,
                        None,
                        AuditEvent::IdCardUnreadable { reason },
                        &mut fx,
                    );
                }
            }
            IdCardEvent::CardRemoved => {}
        }
        fx
    }
}
