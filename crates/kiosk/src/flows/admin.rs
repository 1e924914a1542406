//! Staff admin mode (Wenzhou 6.1, 7.2), a phase of its own: a staff badge tapped while no
//! resident is at the station (or, on a station without badges, a long press on the welcome
//! screen's corner) asks for the PIN; the right PIN opens admin mode. A resident's visit can
//! never reach it: a badge during a visit is manual entry (`flows/manual.rs`).
//!
//! States (`Phase::Admin`): `Pin { Enter | Choose | Confirm }` → `Open { section }`; left with
//! "退出管理", after 2 minutes without a touch, or to the desktop ("关闭自助机", audited).
//! Actions: `Action::Admin { .. }`. PINs, their lockout and their audit lines are
//! `station_staff`'s; settings are written to station.toml by `station_core::config::edit`.

use std::path::PathBuf;
use std::time::Duration;

use chrono::Timelike;
use station_core::config::{Setting, StationConfig};
use station_protocol::{
    AdminMessage, AdminPinView, AdminSection, AdminSetting, AdminView, DeviceClass, ManualKey,
    PinProblem, PinStage,
};
use station_staff::{PinHolder, StaffPins, Verdict};
use station_store::{AuditEvent, Store};

use crate::effects::Effects;
use crate::readers::Readers;

use super::admin_name;
use super::admin_pages::{badges_view, page, set, settings_view, test, write};
use super::fault::FaultPhoto;
use super::Capabilities;

/// Admin mode is left after this long without a touch.
pub(crate) const ADMIN_IDLE: Duration = Duration::from_secs(120);

/// The station's PIN store, kept by the runtime (its `Debug` says nothing about PINs).
pub(crate) struct Pins(pub StaffPins);

impl std::fmt::Debug for Pins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pins")
    }
}

/// The print server asked for its printers when the station has no CUPS queue yet.
const DEFAULT_PRINT_SERVER: &str = "ipp://localhost:631/";

/// Files admin mode works on, known to the shell.
#[derive(Debug, Clone, Default)]
pub struct StationFiles {
    /// station.toml, where settings are written back.
    pub config: Option<PathBuf>,
    /// The log folder, for the recent problems shown to staff.
    pub logs: Option<PathBuf>,
    /// The station runs as a demonstration (settings are checked as such).
    pub demo: bool,
    /// Where a diagnostics bundle goes when no USB drive is mounted.
    pub diagnostics: Option<PathBuf>,
}

#[derive(Debug)]
pub(crate) struct AdminSession {
    holder: PinHolder,
    /// The badge masked ("****B2C3"), or empty for the station PIN.
    masked: String,
    pub step: AdminStep,
    pub last_activity: Duration,
    /// The photo taken for the fault report being filled in (`fault_draft.photo`).
    pub(super) fault_photo: Option<FaultPhoto>,
}

#[derive(Debug)]
pub(crate) enum AdminStep {
    Pin {
        stage: PinStage,
        typed: String,
        /// The first of the two PINs typed when choosing one.
        chosen: Option<String>,
        problem: Option<PinProblem>,
    },
    Open(Box<AdminView>),
}

impl Drop for AdminSession {
    fn drop(&mut self) {
        // Digits typed stay in memory no longer than the keypad.
        if let AdminStep::Pin { typed, chosen, .. } = &mut self.step {
            typed.clear();
            if let Some(c) = chosen.as_mut() {
                c.clear();
            }
        }
    }
}

/// What admin mode reads to draw its pages.
pub(crate) struct AdminCtx<'a> {
    pub store: &'a Store,
    pub pins: &'a StaffPins,
    pub config: &'a StationConfig,
    pub readers: &'a Readers,
    pub caps: &'a Capabilities,
    pub files: &'a StationFiles,
    pub software: &'a station_protocol::SoftwareView,
    pub now: chrono::DateTime<chrono::Local>,
    pub fx: &'a mut Effects,
}

/// What admin mode asks of the station.
pub(crate) enum AdminNext {
    Stay,
    Changed,
    /// Admin mode opened (the PIN was right): speak its prompt.
    Opened,
    /// Back to the welcome screen.
    Leave,
    /// A setting changed the station's config.
    Reconfigured(Box<StationConfig>),
}

impl AdminSession {
    pub fn for_badge(uid: Vec<u8>, masked: String, now: Duration) -> AdminSession {
        AdminSession::new(PinHolder::Badge(uid), masked, now)
    }

    pub fn for_station(now: Duration) -> AdminSession {
        AdminSession::new(PinHolder::Station, String::new(), now)
    }

    fn new(holder: PinHolder, masked: String, now: Duration) -> AdminSession {
        AdminSession {
            holder,
            masked,
            step: AdminStep::Pin {
                stage: PinStage::Enter,
                typed: String::new(),
                chosen: None,
                problem: None,
            },
            last_activity: now,
            fault_photo: None,
        }
    }

    pub fn staff_key(&self) -> String {
        self.holder.key()
    }

    pub fn is_open(&self) -> bool {
        matches!(self.step, AdminStep::Open(_))
    }

    /// The badge masked ("****B2C3"), or empty for the station PIN.
    pub(super) fn masked(&self) -> &str {
        &self.masked
    }

    pub fn screen(&self) -> station_protocol::Screen {
        match &self.step {
            AdminStep::Pin {
                stage,
                typed,
                problem,
                ..
            } => station_protocol::Screen::AdminPin {
                pin: AdminPinView {
                    holder: self.masked.clone(),
                    stage: *stage,
                    typed: u8::try_from(typed.len()).unwrap_or(u8::MAX),
                    problem: problem.clone(),
                },
            },
            AdminStep::Open(view) => station_protocol::Screen::Admin {
                admin: view.clone(),
            },
        }
    }

    /// Starts with the right stage: choose a PIN when the holder has none.
    pub fn begin(&mut self, pins: &StaffPins) {
        let stage = match pins.is_set(&self.holder) {
            Ok(true) => PinStage::Enter,
            Ok(false) => PinStage::Choose,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the staff PINs");
                if let AdminStep::Pin { problem, .. } = &mut self.step {
                    *problem = Some(PinProblem::Unavailable);
                }
                PinStage::Enter
            }
        };
        if let AdminStep::Pin { stage: s, .. } = &mut self.step {
            *s = stage;
        }
    }

    pub fn key(&mut self, key: ManualKey) -> AdminNext {
        let AdminStep::Pin { typed, problem, .. } = &mut self.step else {
            return AdminNext::Stay;
        };
        match key {
            ManualKey::Digit(d) if d < 10 && typed.len() < station_staff::MAX_PIN_LEN => {
                typed.push(char::from(b'0' + d));
            }
            ManualKey::Delete => {
                typed.pop();
            }
            _ => return AdminNext::Stay,
        }
        *problem = None;
        AdminNext::Changed
    }

    pub fn submit(&mut self, ctx: &mut AdminCtx<'_>) -> AdminNext {
        let AdminStep::Pin {
            stage,
            typed,
            chosen,
            problem,
        } = &mut self.step
        else {
            return AdminNext::Stay;
        };
        let pin = std::mem::take(typed);
        let verdict = match *stage {
            PinStage::Choose => {
                if station_staff::check_pin(&pin).is_err() {
                    *problem = Some(PinProblem::BadLength);
                    return AdminNext::Changed;
                }
                *chosen = Some(pin);
                *stage = PinStage::Confirm;
                *problem = None;
                return AdminNext::Changed;
            }
            PinStage::Confirm => {
                if chosen.as_deref() != Some(pin.as_str()) {
                    *chosen = None;
                    *stage = PinStage::Choose;
                    *problem = Some(PinProblem::Mismatch);
                    return AdminNext::Changed;
                }
                // Set (audited admin_pin_set), then entered like any right PIN.
                ctx.pins
                    .set_first(&self.holder, &pin)
                    .and_then(|()| ctx.pins.verify(&self.holder, &pin))
            }
            PinStage::Enter => ctx.pins.verify(&self.holder, &pin),
        };
        let shown =
            |t: chrono::DateTime<chrono::Local>| format!("{:02}:{:02}", t.hour(), t.minute());
        *problem = match verdict {
            Ok(Verdict::Entered) => {
                self.step =
                    AdminStep::Open(Box::new(page(&self.masked, AdminSection::Today, None, ctx)));
                return AdminNext::Opened;
            }
            Ok(Verdict::Wrong { tries_left }) => Some(PinProblem::Wrong { tries_left }),
            Ok(Verdict::LockedOut { until } | Verdict::StillLocked { until }) => {
                Some(PinProblem::Locked {
                    until: shown(until),
                })
            }
            Ok(Verdict::NotSet) => {
                *stage = PinStage::Choose;
                None
            }
            Err(station_staff::StaffError::Pin(_)) => Some(PinProblem::BadLength),
            Err(e) => {
                tracing::error!(error = %e, "cannot check the staff PIN");
                Some(PinProblem::Unavailable)
            }
        };
        AdminNext::Changed
    }

    /// An action of the open admin mode.
    pub fn act(
        &mut self,
        action: &station_protocol::AdminAction,
        ctx: &mut AdminCtx<'_>,
    ) -> AdminNext {
        use station_protocol::AdminAction as A;
        if *action == A::Leave {
            return AdminNext::Leave;
        }
        let AdminStep::Open(view) = &mut self.step else {
            return AdminNext::Stay;
        };
        let staff = self.holder.key();
        match action {
            A::Show { section } => {
                **view = page(&self.masked, *section, None, ctx);
                AdminNext::Changed
            }
            // The camera's picture already shows: a second press opens no second camera.
            A::Test {
                device: DeviceClass::Camera,
            } if view.message == Some(AdminMessage::CameraPreviewing) => AdminNext::Stay,
            // A device is being looked for: a second press would only queue a second search.
            A::Test {
                device: DeviceClass::Instrument(_),
            } if view.message == Some(AdminMessage::InstrumentChecking) => AdminNext::Stay,
            A::Test { device } => {
                view.message = test(*device, ctx);
                AdminNext::Changed
            }
            A::Set { setting } => {
                let (next, mut message) = set(setting, &staff, ctx);
                // The printer is opened at start: a new queue is used from the next one.
                if next.is_some() && matches!(setting, AdminSetting::PrinterQueue(_)) {
                    message = AdminMessage::RestartToApply;
                }
                **view = page(&self.masked, setting.section(), Some(message), ctx);
                if let Some(config) = next {
                    // The page shows the settings as now written.
                    view.settings = settings_view(&config, ctx.now.date_naive());
                    view.badges = badges_view(&config);
                    return AdminNext::Reconfigured(Box::new(config));
                }
                AdminNext::Changed
            }
            A::ExitToDesktop => {
                if record(ctx.store, AuditEvent::ExitToDesktop { staff }) {
                    ctx.fx.exit = true;
                }
                AdminNext::Changed
            }
            A::FaultDevice { device } => {
                view.fault_draft.device = Some(*device);
                view.message = None;
                AdminNext::Changed
            }
            A::FaultProblem { problem } => {
                view.fault_draft.problem = Some(*problem);
                view.message = None;
                AdminNext::Changed
            }
            // The picture already shows: a second press opens no second camera.
            A::FaultPhoto if view.message == Some(AdminMessage::FaultPhotoTaking) => {
                AdminNext::Stay
            }
            A::FaultPhoto => {
                view.message = Some(if ctx.readers.has_camera {
                    ctx.fx.admin_fault_photo = true;
                    AdminMessage::FaultPhotoTaking
                } else {
                    AdminMessage::FaultPhotoFailed
                });
                AdminNext::Changed
            }
            A::FaultPhotoDiscard => {
                view.fault_draft.photo = false;
                self.fault_photo = None;
                view.message = None;
                AdminNext::Changed
            }
            A::FaultSubmit => {
                let photo = self.fault_photo.as_ref().filter(|_| view.fault_draft.photo);
                if let Some(message) =
                    super::fault::file(&view.fault_draft, &staff, photo, ctx.store)
                {
                    let filed = message == AdminMessage::FaultFiled;
                    if filed {
                        // A fresh form, and the report at the top of the list.
                        **view = page(&self.masked, AdminSection::Faults, Some(message), ctx);
                    } else {
                        view.message = Some(message);
                    }
                }
                AdminNext::Changed
            }
            A::FindPrinters if view.message == Some(AdminMessage::PrintersSearching) => {
                AdminNext::Stay
            }
            A::FindPrinters => {
                view.message = Some(AdminMessage::PrintersSearching);
                view.printer_queues.clear();
                ctx.fx.admin_find_printers = Some(
                    view.settings
                        .printer_queue
                        .clone()
                        .unwrap_or_else(|| DEFAULT_PRINT_SERVER.to_string()),
                );
                AdminNext::Changed
            }
            A::AddBadge => {
                **view = page(
                    &self.masked,
                    AdminSection::Badges,
                    Some(AdminMessage::BadgeWaiting),
                    ctx,
                );
                AdminNext::Changed
            }
            A::SaveDiagnostics => {
                match super::diagnostics::save(&view.devices, ctx.files, ctx.now) {
                    Ok(path) => {
                        tracing::info!(path = %path.display(), "diagnostics bundle written");
                        view.saved_to = Some(path.display().to_string());
                        view.message = Some(AdminMessage::DiagnosticsSaved);
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "cannot write the diagnostics bundle");
                        view.saved_to = None;
                        view.message = Some(AdminMessage::DiagnosticsFailed);
                    }
                }
                AdminNext::Changed
            }
            A::NamePart { part } => {
                admin_name::choose_part(&mut view.name, *part);
                view.message = None;
                AdminNext::Changed
            }
            A::NameLetter { letter } => changed(admin_name::letter(&mut view.name, *letter)),
            A::NameDelete => changed(admin_name::delete(&mut view.name)),
            A::NamePick { index } => changed(admin_name::pick(&mut view.name, *index)),
            A::NameMore => changed(admin_name::more(&mut view.name)),
            A::NameSave => {
                let setting = Setting::Name(admin_name::parts(&view.name));
                match write(&setting, &staff, ctx) {
                    (Some(config), _) => {
                        **view = page(
                            &self.masked,
                            AdminSection::Name,
                            Some(AdminMessage::NameSaved),
                            ctx,
                        );
                        view.name = admin_name::draft(&config);
                        view.settings = settings_view(&config, ctx.now.date_naive());
                        AdminNext::Reconfigured(Box::new(config))
                    }
                    // What was typed stays, to be put right.
                    (None, message) => {
                        view.message = Some(message);
                        AdminNext::Changed
                    }
                }
            }
            A::Leave => AdminNext::Leave,
            A::CornerHold | A::PinKey { .. } | A::PinSubmit => AdminNext::Stay,
        }
    }
}

/// A key that changed nothing (a letter past the longest pinyin) draws nothing again.
fn changed(did: bool) -> AdminNext {
    if did {
        AdminNext::Changed
    } else {
        AdminNext::Stay
    }
}

pub(super) fn record(store: &Store, event: AuditEvent) -> bool {
    match store.record(None, event) {
        Ok(()) => true,
        Err(e) => {
            tracing::error!(error = %e, "cannot write the audit record");
            false
        }
    }
}

use crate::station::{default_prefs, Phase, Speak, Station, To};
use station_core::clock::Clock;

impl Station {
    /// A staff badge while no resident is here: the PIN keypad for that badge.
    pub(crate) fn enter_admin_with_badge(
        &mut self,
        badge: station_card::StaffBadge,
        now: Duration,
        fx: &mut Effects,
    ) {
        let mut session = AdminSession::for_badge(badge.uid().to_vec(), badge.masked(), now);
        session.begin(&self.pins.0);
        self.enter_admin(session, fx);
    }

    fn enter_admin(&mut self, session: AdminSession, fx: &mut Effects) {
        let prefs = default_prefs(&self.config);
        let session = Box::new(session);
        self.show(To::Phase(Phase::Admin { session, prefs }), Speak::Yes, fx);
    }

    fn leave_admin(&mut self, store: &Store, fx: &mut Effects) {
        let Phase::Admin { session, prefs } = &self.phase else {
            return;
        };
        if session.is_open() {
            record(
                store,
                AuditEvent::AdminLeft {
                    staff: session.staff_key(),
                },
            );
        }
        let prefs = *prefs;
        self.show(To::Phase(Phase::Welcome { prefs }), Speak::Quietly, fx);
    }

    /// Admin mode is only ever the screen of nobody's visit: from the welcome screen (the
    /// corner, on a station without badges) or in admin mode itself.
    pub(crate) fn act_admin(
        &mut self,
        action: station_protocol::AdminAction,
        now: Duration,
        store: &Store,
        clock: &dyn Clock,
        fx: &mut Effects,
    ) {
        use station_protocol::AdminAction as A;
        if matches!(self.phase, Phase::Welcome { .. }) {
            if action == A::CornerHold && self.config.staff_card_uids.is_empty() {
                let mut session = AdminSession::for_station(now);
                session.begin(&self.pins.0);
                self.enter_admin(session, fx);
            }
            return;
        }
        let Phase::Admin { session, .. } = &mut self.phase else {
            return;
        };
        session.last_activity = now;
        let mut ctx = AdminCtx {
            store,
            pins: &self.pins.0,
            config: &self.config,
            readers: &self.readers,
            caps: &self.caps,
            files: &self.files,
            software: &self.software,
            now: clock.now(),
            fx,
        };
        let next = match &action {
            A::PinKey { key } => session.key(*key),
            A::PinSubmit => session.submit(&mut ctx),
            other => session.act(other, &mut ctx),
        };
        session.keep_photo_with_its_form();
        match next {
            AdminNext::Stay => {}
            AdminNext::Changed => self.changed(fx),
            AdminNext::Opened => {
                fx.say = Some(self.speech());
                self.changed(fx);
            }
            AdminNext::Leave => self.leave_admin(store, fx),
            AdminNext::Reconfigured(config) => {
                // Volume, language, idle time and paper apply to the next person at once.
                self.config = *config;
                self.changed(fx);
            }
        }
    }

    /// Admin mode closes by itself after [`ADMIN_IDLE`] without a touch.
    pub(crate) fn tick_admin(&mut self, now: Duration, store: &Store, fx: &mut Effects) {
        if let Phase::Admin { session, .. } = &self.phase {
            if now.saturating_sub(session.last_activity) >= ADMIN_IDLE {
                tracing::info!("admin mode left after two minutes without a touch");
                self.leave_admin(store, fx);
            }
        }
    }

    /// Closing the window is refused outside admin mode (a kiosk has no close button).
    pub fn may_close(&self) -> bool {
        matches!(&self.phase, Phase::Admin { session, .. } if session.is_open())
    }
}
