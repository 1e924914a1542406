//! "我的报告" and printing. The result screens print this visit's report; "我的报告" lists this
//! resident's earlier visits and prints any of them again — never another resident's (the
//! visit's owner is checked against the store). One job at a time; the outcome is audited
//! whatever happens and told only to the visit that asked.
//!
//! States: `Task::Reports(list)`; the printer's busy flag is the station's (`Capabilities`).
//! Actions: `OpenService { Reports }` (see `flows::open_service`), `PrintReport`,
//! `PrintVisitReport`. Events: the printer's outcome (`on_print_outcome`).

use station_printer::PrintOutcome;
use station_protocol::{Action, MeasureKind, Notice, PastReportView};
use station_store::{AuditEvent, StoreError, VisitId};

use super::{Ctx, Next};
use crate::effects::{Document, PrintJob};
use crate::report_input::report_for;
use crate::visit::{Task, Visit};

/// Visits listed in "我的报告" (as many as fit one screen at the largest text size).
const REPORTS_LISTED: usize = 5;

pub(crate) fn act(visit: &mut Visit, action: &Action, ctx: &mut Ctx<'_>) -> Next {
    match (action, &visit.task) {
        (Action::PrintReport, Task::Result(_) | Task::QuestionnaireResult(_)) => {
            print(visit, visit.visit_id(), ctx)
        }
        (Action::PrintVisitReport { visit: past }, Task::Reports(_)) => {
            print(visit, VisitId(*past), ctx)
        }
        _ => Next::Stay,
    }
}

/// This resident's earlier visits with readings or a questionnaire, newest first.
pub(crate) fn list(visit: &Visit, ctx: &mut Ctx<'_>) -> Next {
    let store = ctx.store;
    let listed = store
        .past_visits(visit.session.resident, REPORTS_LISTED)
        .and_then(|past| {
            past.into_iter()
                .map(|p| {
                    let readings = store.visit_readings(p.visit)?;
                    let mut kinds: Vec<MeasureKind> = Vec::new();
                    for r in &readings {
                        let kind = r.record.reading.kind();
                        if !kinds.contains(&kind) {
                            kinds.push(kind);
                        }
                    }
                    let questionnaire = !store.visit_questionnaires(p.visit)?.is_empty();
                    Ok(PastReportView {
                        visit: p.visit.0,
                        date: station_core::clock::minute_stamp_of_rfc3339(&p.first_reading_at),
                        kinds,
                        questionnaire,
                        readings: p.readings,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        });
    match listed {
        Ok(reports) => Next::Show(Task::Reports(reports)),
        Err(e) => {
            tracing::error!(error = %e, "cannot list the resident's reports");
            ctx.notify(Notice::SaveFailed);
            Next::Stay
        }
    }
}

/// Prints one of this resident's visits (never another resident's: the visit is checked).
fn print(visit: &Visit, target: VisitId, ctx: &mut Ctx<'_>) -> Next {
    if !ctx.caps.has_printer || ctx.caps.printer_busy {
        return Next::Stay;
    }
    if target != visit.visit_id() && !visit.verified() {
        ctx.notify(Notice::HistoryNeedsVerifiedIdentity);
        return Next::Stay;
    }
    match ctx.store.visit_resident(target) {
        Ok(Some(owner)) if owner == visit.session.resident => {}
        Ok(_) => {
            tracing::warn!(
                visit = target.0,
                "refusing to print a visit of another resident"
            );
            return Next::Stay;
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot look up the visit to print");
            ctx.notify(Notice::PrinterUnavailable);
            return Next::Stay;
        }
    }
    let printed_at = ctx.clock.now();
    match report_for(ctx.store, ctx.config, visit, target, printed_at) {
        Ok(input) => {
            ctx.caps.printer_busy = true;
            ctx.fx.print = Some(PrintJob {
                visit: visit.visit_id(),
                paper: ctx.config.paper,
                name: format!("health-report-{}", input.report_id),
                document: Document::Report(input),
            });
            ctx.notify(Notice::Printing);
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot gather the report");
            ctx.notify(Notice::PrinterUnavailable);
        }
    }
    Next::Stay
}

/// The printer's answer for a job of `job_visit`: audited always, told only if that visit is
/// still the one on screen.
pub(crate) fn on_print_outcome(
    on_screen: Option<VisitId>,
    job_visit: VisitId,
    outcome: Result<PrintOutcome, String>,
    ctx: &mut Ctx<'_>,
) {
    ctx.caps.printer_busy = false;
    let event = match &outcome {
        Ok(PrintOutcome::Completed) => AuditEvent::ReportPrinted,
        Ok(PrintOutcome::Aborted(reason)) => AuditEvent::PrintFailed {
            reason: format!("aborted: {reason}"),
        },
        Ok(PrintOutcome::TimedOut) => AuditEvent::PrintFailed {
            reason: "timed out".into(),
        },
        Err(e) => AuditEvent::PrintFailed { reason: e.clone() },
    };
    if let AuditEvent::PrintFailed { reason } = &event {
        tracing::warn!(%reason, "report not printed");
    }
    let recorded = ctx.record(Some(job_visit), event);
    if on_screen != Some(job_visit) || !recorded {
        return;
    }
    let notice = if matches!(outcome, Ok(PrintOutcome::Completed)) {
        Notice::Printed
    } else {
        Notice::PrinterUnavailable
    };
    ctx.notify(notice);
}
