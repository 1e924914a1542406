//! Staff-assisted manual entry. A listed staff badge tapped during a resident's visit opens the
//! form; one value saved (or "返回") ends the assistance, so every typed reading has one staff
//! member on record. Values pass the device plausibility ranges (`station_core::manual`) and
//! are saved like a device's reading, with the badge written and audited in the same
//! transaction.

use std::time::Duration;

use station_card::StaffBadge;
use station_core::manual::{blank_form, parse_entry};
use station_protocol::{
    GlucoseTiming, ManualEntryView, ManualKey, MeasureKind, MeasureStep, Notice, Screen,
};
use station_store::Store;

use super::{Effects, ReadingSource, State};

/// The device name of a typed reading.
const MANUAL_DEVICE: &str = "manual";

/// Staff may step in whenever the resident is not in the middle of a measurement.
fn staff_may_assist(screen: &Screen) -> bool {
    match screen {
        Screen::Measure { step, .. } => *step != MeasureStep::Measuring,
        Screen::Home
        | Screen::SelfTest
        | Screen::MeasureResult { .. }
        | Screen::Reports { .. }
        | Screen::Questionnaire { .. }
        | Screen::QuestionnaireResult { .. }
        | Screen::ManualEntry { .. } => true,
        _ => false,
    }
}

impl State {
    /// A staff badge during a visit: open the manual-entry form for this resident.
    pub(super) fn staff_assist(
        &mut self,
        badge: StaffBadge,
        now: Duration,
        store: &Store,
        fx: &mut Effects,
    ) {
        if !staff_may_assist(&self.screen) || self.pending_switch.is_some() {
            tracing::info!("staff card ignored: the resident is in the middle of a step");
            return;
        }
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let _ = store.audit(
            &format!("staff:{}", badge.hex()),
            "staff_assist",
            Some(session.visit),
            "manual entry opened",
        );
        let entry = ManualEntryView {
            staff: badge.masked(),
            kind: None,
            fields: Vec::new(),
            active: 0,
            timing: None,
            timing_missing: false,
        };
        session.staff = Some(badge);
        self.last_activity = now;
        self.idle_warning = None;
        self.notice = None;
        self.show(Screen::ManualEntry { entry }, fx);
    }

    fn assisting_staff(&self) -> Option<(&ManualEntryView, &StaffBadge)> {
        let Screen::ManualEntry { entry } = &self.screen else {
            return None;
        };
        Some((entry, self.session.as_ref()?.staff.as_ref()?))
    }

    pub(super) fn choose_manual_kind(&mut self, kind: MeasureKind, fx: &mut Effects) {
        let Some((entry, _)) = self.assisting_staff() else {
            return;
        };
        let entry = ManualEntryView {
            staff: entry.staff.clone(),
            kind: Some(kind),
            fields: blank_form(kind),
            active: 0,
            timing: None,
            timing_missing: false,
        };
        self.screen = Screen::ManualEntry { entry };
        self.changed(fx);
    }

    /// A change to the open form (a key, another field, the glucose timing).
    pub(super) fn edit_manual_entry(
        &mut self,
        edit: impl FnOnce(&mut ManualEntryView),
        fx: &mut Effects,
    ) {
        if self.assisting_staff().is_none() {
            return;
        }
        if let Screen::ManualEntry { entry } = &mut self.screen {
            if entry.kind.is_some() {
                edit(entry);
                self.changed(fx);
            }
        }
    }

    pub(super) fn type_manual_key(&mut self, key: ManualKey, fx: &mut Effects) {
        self.edit_manual_entry(
            |entry| {
                if let Some(field) = entry.fields.get_mut(entry.active) {
                    field.value = key.apply(&field.value);
                    field.error = None;
                }
            },
            fx,
        );
    }

    pub(super) fn select_manual_field(&mut self, index: usize, fx: &mut Effects) {
        self.edit_manual_entry(
            |entry| {
                if index < entry.fields.len() {
                    entry.active = index;
                }
            },
            fx,
        );
    }

    pub(super) fn choose_manual_timing(&mut self, timing: GlucoseTiming, fx: &mut Effects) {
        self.edit_manual_entry(
            |entry| {
                if entry.kind == Some(MeasureKind::Glucose) {
                    entry.timing = Some(timing);
                    entry.timing_missing = false;
                }
            },
            fx,
        );
    }

    pub(super) fn save_manual_reading(&mut self, store: &Store, fx: &mut Effects) {
        let Some((entry, badge)) = self.assisting_staff() else {
            return;
        };
        let Some(kind) = entry.kind else {
            return;
        };
        let values: Vec<String> = entry.fields.iter().map(|f| f.value.clone()).collect();
        let timing = entry.timing;
        let entered_by = badge.hex();
        let Some((visit, resident)) = self.session.as_ref().map(|s| (s.visit, s.resident)) else {
            return;
        };
        let (reading, assessed) = match parse_entry(kind, &values, timing) {
            Ok(checked) => checked,
            Err(problems) => {
                // Staff see what is wrong next to each field; what they typed stays.
                if let Screen::ManualEntry { entry } = &mut self.screen {
                    entry.active = problems
                        .fields
                        .iter()
                        .position(|f| f.error.is_some())
                        .unwrap_or(entry.active);
                    entry.fields = problems.fields;
                    entry.timing_missing = problems.timing_missing;
                }
                self.changed(fx);
                return;
            }
        };
        let source = ReadingSource {
            device: MANUAL_DEVICE,
            entered_by: Some(entered_by),
        };
        if let Err(e) = self.save_and_show(reading, assessed, source, (visit, resident), store, fx)
        {
            // The form stays as typed, so staff can try again.
            tracing::error!(error = %e, "cannot save the manual reading");
            self.notify(Notice::SaveFailed, fx);
        }
    }
}
