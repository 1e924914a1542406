//! The resident's flows during a visit, one file each: what states the flow has and which
//! actions it accepts. A flow changes its own state and returns [`Next`]; the station applies
//! it (`Station::show`), so changing screen, speaking and the visit's rules live in one place.
//!
//! Identification (before a visit exists) changes the station's phase and lives in
//! `identify.rs` as methods of the station.

pub(crate) mod admin;
mod admin_answers;
mod admin_badges;
mod admin_name;
mod admin_pages;
mod admin_printers;
pub(crate) mod clinic;
pub(crate) mod diagnostics;
pub(crate) mod fault;
pub(crate) mod identify;
pub(crate) mod manual;
pub(crate) mod measure;
pub(crate) mod prescription;
pub(crate) mod questionnaire;
pub(crate) mod reports;

use std::time::Duration;

use station_core::clock::Clock;
use station_core::config::StationConfig;
use station_protocol::{Action, MeasureKind, Notice, Service};
use station_store::{AuditEvent, Store, VisitEnd, VisitId};

use crate::effects::Effects;
use crate::visit::{Task, Visit};

/// What the station's hardware can do right now, as the flows need to know it.
#[derive(Debug)]
pub(crate) struct Capabilities {
    pub has_printer: bool,
    /// A print job is under way (one at a time; the button does nothing meanwhile).
    pub printer_busy: bool,
    /// The kinds this station has a measuring device for.
    pub measure_kinds: Vec<MeasureKind>,
    /// The link to the doctor console is up (only with `[clinic]` configured).
    pub clinic_online: bool,
    /// The station has a medicine cabinet for prescriptions.
    pub has_cabinet: bool,
}

/// What a flow may use while it handles one event.
pub(crate) struct Ctx<'a> {
    pub store: &'a Store,
    pub config: &'a StationConfig,
    pub caps: &'a mut Capabilities,
    pub clock: &'a dyn Clock,
    /// Monotonic time of the event.
    pub now: Duration,
    pub fx: &'a mut Effects,
    /// Tokens tag work running on other threads (a measurement); an answer carrying an older
    /// token is dropped. They never repeat, so no answer reaches a later visit.
    pub next_token: &'a mut u64,
    /// A notice raised while handling the event; shown (and spoken) after the screen change.
    pub notice: Option<Notice>,
}

impl Ctx<'_> {
    pub fn token(&mut self) -> u64 {
        *self.next_token += 1;
        *self.next_token
    }

    pub fn notify(&mut self, notice: Notice) {
        self.notice = Some(notice);
    }

    /// Records an event that stands alone. A record that cannot be written is told (to the
    /// screen, for staff, and to the log), never dropped; returns whether it was written.
    pub fn record(&mut self, visit: Option<VisitId>, event: AuditEvent) -> bool {
        match self.store.record(visit, event) {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, "cannot write the audit record");
                self.notify(Notice::RecordFailed);
                false
            }
        }
    }
}

/// What a flow asks of the station after an event.
#[derive(Debug)]
pub(crate) enum Next {
    /// Nothing changed.
    Stay,
    /// Something on this screen changed (published, not spoken).
    Changed,
    /// Another screen of the visit (spoken).
    Show(Task),
    /// The visit ends.
    End(VisitEnd),
}

/// The actions of a visit, by the flow that owns them.
pub(crate) fn act(visit: &mut Visit, action: &Action, ctx: &mut Ctx<'_>) -> Next {
    match action {
        Action::OpenService { service } => open_service(visit, *service, ctx),
        Action::BackHome if matches!(visit.task, Task::Clinic | Task::Prescription) => {
            clinic::act(visit, action, ctx)
        }
        Action::BackHome => back_home(visit),
        Action::LeaveClinic | Action::HangUp | Action::ReturnToCall | Action::PrintPrescription => {
            clinic::act(visit, action, ctx)
        }
        Action::Logout => Next::End(VisitEnd::Logout),
        Action::ChooseMeasurement { .. }
        | Action::ChooseGlucoseTiming { .. }
        | Action::MeasureContinue
        | Action::MeasureRetry => measure::act(visit, action, ctx),
        Action::StartQuestionnaire | Action::AnswerQuestion { .. } | Action::PreviousQuestion => {
            questionnaire::act(visit, action, ctx)
        }
        Action::PrintReport | Action::PrintVisitReport { .. } => reports::act(visit, action, ctx),
        Action::ManualChooseKind { .. }
        | Action::ManualSelectField { .. }
        | Action::ManualKey { .. }
        | Action::ManualChooseTiming { .. }
        | Action::ManualSave => manual::act(visit, action, ctx),
        _ => Next::Stay,
    }
}

/// The home screen's services, also offered from a result.
fn open_service(visit: &mut Visit, service: Service, ctx: &mut Ctx<'_>) -> Next {
    // During a call the doctor may ask for a measurement: the self-test opens from the call.
    let from_call = matches!(visit.task, Task::Clinic) && visit.in_call();
    let from_menu = from_call
        || matches!(
            visit.task,
            Task::Home | Task::Result(_) | Task::QuestionnaireResult(_) | Task::Prescription
        );
    if !from_menu {
        return Next::Stay;
    }
    match service {
        Service::SelfTest => Next::Show(Task::SelfTest),
        Service::Reports if !visit.verified() => {
            ctx.notify(Notice::HistoryNeedsVerifiedIdentity);
            Next::Stay
        }
        Service::Reports => reports::list(visit, ctx),
        Service::CallDoctor => clinic::call(visit, ctx),
        _ => {
            ctx.notify(Notice::NotAvailableYet);
            Next::Stay
        }
    }
}

/// "返回首页": anywhere but mid-measurement.
fn back_home(visit: &Visit) -> Next {
    if visit.measuring() || matches!(visit.task, Task::Home) {
        Next::Stay
    } else {
        Next::Show(Task::Home)
    }
}

#[cfg(test)]
mod tests;
