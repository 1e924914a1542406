//! Staff-assisted manual entry, through the runtime with its real store.

use station_card::{ReaderEvent, StaffBadge};
use station_protocol::{
    Action, GlucoseTiming, ManualEntryView, ManualField, ManualFieldError, ManualKey, MeasureKind,
    MeasureStep, PromptId, Screen, Service,
};

use chrono::NaiveTime;
use station_devices::SimulatedOutcome;

use super::{rig, rig_with, Rig};

const UID: [u8; 4] = [0x04, 0xA1, 0xB2, 0xC3];

fn tap_staff_card(r: &Rig) {
    r.kiosk
        .on_reader_event(ReaderEvent::StaffCard(StaffBadge::new(UID.to_vec())));
}

fn entry(r: &Rig) -> ManualEntryView {
    match r.kiosk.view().screen {
        Screen::ManualEntry { entry } => entry,
        other => panic!("expected the manual-entry screen, got {other:?}"),
    }
}

/// Types `values` into the form's fields on the keypad (clearing each first), then saves.
fn type_and_save(r: &Rig, values: &[&str]) {
    for (index, value) in values.iter().enumerate() {
        r.kiosk.act(Action::ManualSelectField { index });
        for _ in 0..ManualKey::MAX_LEN {
            r.kiosk.act(Action::ManualKey {
                key: ManualKey::Delete,
            });
        }
        for c in value.chars() {
            let key = match c.to_digit(10) {
                Some(d) => ManualKey::Digit(d as u8),
                None => ManualKey::Point,
            };
            r.kiosk.act(Action::ManualKey { key });
        }
    }
    r.kiosk.act(Action::ManualSave);
}

#[test]
fn staff_type_a_reading_for_the_resident_validated_stored_and_audited() {
    let r = rig();
    r.identify();
    tap_staff_card(&r);
    let e = entry(&r);
    assert_eq!(e.staff, "****B2C3");
    assert_eq!(e.kind, None);
    assert!(r
        .voice
        .said()
        .iter()
        .any(|(_, speech)| speech.first() == Some(&PromptId::ManualEntry)));

    r.kiosk.act(Action::ManualChooseKind {
        kind: MeasureKind::BloodPressure,
    });
    let fields: Vec<ManualField> = entry(&r).fields.iter().map(|f| f.field).collect();
    assert_eq!(
        fields,
        [
            ManualField::Systolic,
            ManualField::Diastolic,
            ManualField::Pulse
        ]
    );

    // Out of range and a diastolic above systolic: told per field, what was typed kept,
    // nothing stored.
    type_and_save(&r, &["400", "90", "70"]);
    let e = entry(&r);
    assert_eq!(e.fields[0].error, Some(ManualFieldError::OutOfRange));
    assert_eq!(e.fields[0].value, "400");
    assert_eq!(
        (e.fields[0].min.as_str(), e.fields[0].max.as_str()),
        ("50", "280")
    );
    type_and_save(&r, &["120", "130", "70"]);
    assert_eq!(
        entry(&r).fields[1].error,
        Some(ManualFieldError::NotBelowSystolic)
    );
    assert_eq!(r.store.reading_count().expect("count"), 0);

    type_and_save(&r, &["145", "92", "70"]);
    let Screen::MeasureResult { result } = r.kiosk.view().screen else {
        panic!("expected the result, got {:?}", r.kiosk.view().screen);
    };
    assert_eq!(result.summary.category, "bp-category-grade1");
    assert_eq!(
        result.summary.source,
        station_protocol::ReadingSource::Staff {
            badge: "****B2C3".into()
        }
    );
    let stored = r
        .store
        .readings(r.resident_id(), Some(MeasureKind::BloodPressure), 5)
        .expect("readings");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].record.device, "manual");
    assert_eq!(stored[0].record.entered_by.as_deref(), Some("04A1B2C3"));
    let audit = r.store.audit_events(50).expect("audit");
    let typed_by: Vec<&str> = audit
        .iter()
        .filter(|e| e.action == "manual_reading")
        .map(|e| e.actor.as_str())
        .collect();
    assert_eq!(typed_by, ["staff:04A1B2C3"]);
    assert!(audit.iter().any(|e| e.action == "staff_assist"));

    // One entry per tap: the form cannot be reused without the badge again.
    type_and_save(&r, &["140", "90", "70"]);
    assert_eq!(r.store.reading_count().expect("count"), 1);
}

#[test]
fn glucose_asks_when_the_resident_ate_and_an_urgent_value_queues_an_alert() {
    let r = rig();
    r.identify();
    tap_staff_card(&r);
    r.kiosk.act(Action::ManualChooseKind {
        kind: MeasureKind::Glucose,
    });
    type_and_save(&r, &["18.2"]);
    assert!(entry(&r).timing_missing);
    r.kiosk.act(Action::ManualChooseTiming {
        timing: GlucoseTiming::Random,
    });
    r.kiosk.act(Action::ManualSave);
    let Screen::MeasureResult { result } = r.kiosk.view().screen else {
        panic!("expected the result");
    };
    assert!(result.summary.urgent);
    assert_eq!(r.store.queued_alerts(5).expect("alerts").len(), 1);
}

#[test]
fn staff_cannot_step_in_mid_measurement_or_without_a_resident_and_back_ends_assistance() {
    let r = rig_with(
        vec![(MeasureKind::Temperature, vec![SimulatedOutcome::Hang])],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
    );
    // No visit: the staff card does not open a form for nobody (it asks for the admin PIN).
    tap_staff_card(&r);
    assert!(matches!(r.kiosk.view().screen, Screen::AdminPin { .. }));
    r.kiosk.act(Action::Admin {
        action: station_protocol::AdminAction::Leave,
    });
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));

    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    r.kiosk.act(Action::ChooseMeasurement {
        kind: MeasureKind::Temperature,
    });
    r.kiosk.act(Action::MeasureContinue);
    assert!(matches!(
        r.kiosk.view().screen,
        Screen::Measure {
            step: MeasureStep::Measuring,
            ..
        }
    ));
    // The thermometer never answers: a tap now would pull the screen from under the
    // resident, so it is ignored.
    tap_staff_card(&r);
    assert!(matches!(
        r.kiosk.view().screen,
        Screen::Measure {
            step: MeasureStep::Measuring,
            ..
        }
    ));
    r.idle_for(31);
    assert!(matches!(
        r.kiosk.view().screen,
        Screen::Measure {
            step: MeasureStep::PlaceThermometer,
            ..
        }
    ));

    tap_staff_card(&r);
    r.kiosk.act(Action::ManualChooseKind {
        kind: MeasureKind::Temperature,
    });
    r.kiosk.act(Action::BackHome);
    assert!(matches!(r.kiosk.view().screen, Screen::Home));
    // Assistance ended with its screen: choosing or submitting does nothing now.
    r.kiosk.act(Action::ManualChooseKind {
        kind: MeasureKind::Temperature,
    });
    type_and_save(&r, &["36.5"]);
    assert!(matches!(r.kiosk.view().screen, Screen::Home));
    assert_eq!(r.store.reading_count().expect("count"), 0);

    // Logging out wipes it as well: the next resident never sees the form.
    tap_staff_card(&r);
    r.kiosk.act(Action::Logout);
    assert!(!matches!(r.kiosk.view().screen, Screen::ManualEntry { .. }));
}
