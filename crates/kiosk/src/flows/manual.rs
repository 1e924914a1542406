//! Staff-assisted manual entry. A listed staff badge tapped during a resident's visit opens the
//! form; one value saved (or leaving the screen) ends the assistance, so every typed reading has
//! one staff member on record. Values pass the device plausibility ranges
//! (`station_core::manual`) and are saved like a device's reading, with the badge written and
//! audited in the same transaction.
//!
//! States: `Task::ManualEntry(Assist)` — the badge lives in the task, so it goes when the
//! screen does. Actions: `ManualChooseKind`, `ManualSelectField`, `ManualKey`,
//! `ManualChooseTiming`, `ManualSave`. Events: a staff badge (`staff_assist`).

use station_card::StaffBadge;
use station_core::manual::{blank_form, parse_entry};
use station_protocol::{Action, ManualEntryView, MeasureKind, Notice};
use station_store::AuditEvent;

use super::measure::{save, Origin};
use super::{Ctx, Next};
use crate::visit::{Task, Visit};

/// The form and the staff member filling it in.
#[derive(Debug)]
pub(crate) struct Assist {
    pub entry: ManualEntryView,
    staff: StaffBadge,
}

/// A staff badge during a visit: open the manual-entry form for this resident. Staff may step
/// in whenever the resident is not in the middle of a measurement or a switch question.
pub(crate) fn staff_assist(visit: &mut Visit, badge: StaffBadge, ctx: &mut Ctx<'_>) -> Next {
    if visit.measuring() || visit.pending_switch.is_some() {
        tracing::info!("staff card ignored: the resident is in the middle of a step");
        return Next::Stay;
    }
    let opened = AuditEvent::StaffAssist { staff: badge.hex() };
    if !ctx.record(Some(visit.visit_id()), opened) {
        return Next::Stay;
    }
    visit.idle.last_activity = ctx.now;
    visit.idle.warning = None;
    let entry = ManualEntryView {
        staff: badge.masked(),
        kind: None,
        fields: Vec::new(),
        active: 0,
        timing: None,
        timing_missing: false,
    };
    Next::Show(Task::ManualEntry(Assist {
        entry,
        staff: badge,
    }))
}

pub(crate) fn act(visit: &mut Visit, action: &Action, ctx: &mut Ctx<'_>) -> Next {
    let Task::ManualEntry(assist) = &mut visit.task else {
        return Next::Stay;
    };
    let entry = &mut assist.entry;
    match action {
        Action::ManualChooseKind { kind } => {
            *entry = ManualEntryView {
                staff: entry.staff.clone(),
                kind: Some(*kind),
                fields: blank_form(*kind),
                active: 0,
                timing: None,
                timing_missing: false,
            };
            Next::Changed
        }
        // The form's fields exist once a kind is chosen.
        _ if entry.kind.is_none() => Next::Stay,
        Action::ManualKey { key } => {
            if let Some(field) = entry.fields.get_mut(entry.active) {
                field.value = key.apply(&field.value);
                field.error = None;
            }
            Next::Changed
        }
        Action::ManualSelectField { index } => {
            if *index < entry.fields.len() {
                entry.active = *index;
            }
            Next::Changed
        }
        Action::ManualChooseTiming { timing } => {
            if entry.kind == Some(MeasureKind::Glucose) {
                entry.timing = Some(*timing);
                entry.timing_missing = false;
            }
            Next::Changed
        }
        Action::ManualSave => save_typed(visit, ctx),
        _ => Next::Stay,
    }
}

fn save_typed(visit: &mut Visit, ctx: &mut Ctx<'_>) -> Next {
    let Task::ManualEntry(assist) = &mut visit.task else {
        return Next::Stay;
    };
    let Some(kind) = assist.entry.kind else {
        return Next::Stay;
    };
    let values: Vec<String> = assist
        .entry
        .fields
        .iter()
        .map(|f| f.value.clone())
        .collect();
    let (reading, assessed) = match parse_entry(kind, &values, assist.entry.timing) {
        Ok(checked) => checked,
        Err(problems) => {
            // Staff see what is wrong next to each field; what they typed stays.
            let entry = &mut assist.entry;
            entry.active = problems
                .fields
                .iter()
                .position(|f| f.error.is_some())
                .unwrap_or(entry.active);
            entry.fields = problems.fields;
            entry.timing_missing = problems.timing_missing;
            return Next::Changed;
        }
    };
    let staff = Origin::Staff(assist.staff.hex());
    match save(visit, reading, assessed, staff, ctx) {
        Ok(result) => Next::Show(result),
        Err(e) => {
            // The form stays as typed, so staff can try again.
            tracing::error!(error = %e, "cannot save the manual reading");
            ctx.notify(Notice::SaveFailed);
            Next::Stay
        }
    }
}
