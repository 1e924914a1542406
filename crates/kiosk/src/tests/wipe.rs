//! Ending a visit drops it, and with it every trace of the resident: whatever the resident was
//! doing, however the visit ended, nothing of them is left in the runtime's state or its view.

use std::time::Duration;

use station_card::{ReaderEvent, StaffBadge};
use station_protocol::{Action, ManualKey, MeasureKind, Screen, Service};

use super::{rig, rig_with_id_reader, Rig};

/// How the visit ends.
#[derive(Debug, Clone, Copy)]
enum End {
    Logout,
    Idle,
    CardPulled,
}

/// What the resident left behind on the way in: their name, ID number and the masked forms.
fn traces(r: &Rig) -> Vec<String> {
    let view = r.kiosk.view();
    let resident = view.resident.expect("a resident is identified");
    let id = station_card::virtual_card::sample_id_number();
    vec![
        station_card::virtual_card::SAMPLE_NAME.to_string(),
        resident.masked_name,
        resident.masked_id,
        id.clone(),
        // The birth date inside the ID number.
        id[6..14].to_string(),
    ]
}

fn state_and_view(r: &Rig) -> String {
    let state = format!("{:?}", *r.kiosk.lock());
    format!("{state}\n{:?}", r.kiosk.view())
}

/// Puts the visit in `task`, checks the resident is in the state (so the check below can
/// fail), ends the visit, and checks nothing of them is left.
fn wiped_after(task: &str, end: End, enter: impl Fn(&Rig)) {
    let r = rig();
    r.identify();
    let traces = traces(&r);
    enter(&r);
    let before = state_and_view(&r);
    assert!(
        before.contains(&traces[1]) && before.contains(&traces[2]),
        "{task}: the resident should be on record during the visit"
    );
    match end {
        End::Logout => {
            r.kiosk.act(Action::Logout);
        }
        End::Idle => r.idle_for(200),
        End::CardPulled => {
            r.kiosk.act(Action::DemoRemoveCard);
            r.wait("goodbye", |v| v.resident.is_none());
        }
    }
    let after = state_and_view(&r);
    for t in &traces {
        assert!(
            !after.contains(t.as_str()),
            "{task} ended by {end:?}: {t:?} is still in the runtime:\n{after}"
        );
    }
    assert!(r.kiosk.view().resident.is_none());
}

fn open_self_test(r: &Rig) {
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
}

#[test]
fn a_visit_at_home_or_choosing_leaves_nothing() {
    wiped_after("home", End::Logout, |_| {});
    wiped_after("self-test menu", End::Idle, open_self_test);
}

#[test]
fn a_visit_mid_measurement_leaves_nothing() {
    wiped_after("a guided step", End::CardPulled, |r| {
        open_self_test(r);
        r.kiosk.act(Action::ChooseMeasurement {
            kind: MeasureKind::Glucose,
        });
        r.kiosk.act(Action::ChooseGlucoseTiming {
            timing: station_protocol::GlucoseTiming::Fasting,
        });
    });
    wiped_after("the device at work", End::Logout, |r| {
        r.kiosk
            .lock()
            .force_measuring_for_tests(MeasureKind::BloodPressure, Duration::ZERO);
    });
    wiped_after("a result", End::Idle, |r| {
        r.measure(MeasureKind::BloodPressure);
        assert!(matches!(
            r.kiosk.view().screen,
            Screen::MeasureResult { .. }
        ));
    });
}

#[test]
fn a_visit_in_the_questionnaire_or_reports_leaves_nothing() {
    wiped_after("a half-answered questionnaire", End::CardPulled, |r| {
        open_self_test(r);
        r.kiosk.act(Action::StartQuestionnaire);
        for _ in 0..5 {
            r.kiosk.act(Action::AnswerQuestion { score: 4 });
        }
        assert!(format!("{:?}", *r.kiosk.lock()).contains("questionnaire: Some"));
    });
    wiped_after("my reports", End::Logout, |r| {
        r.measure(MeasureKind::Temperature);
        r.kiosk.act(Action::BackHome);
        r.kiosk.act(Action::OpenService {
            service: Service::Reports,
        });
        assert!(matches!(r.kiosk.view().screen, Screen::Reports { .. }));
    });
}

#[test]
fn a_visit_with_staff_typing_leaves_nothing_of_the_resident_or_the_badge() {
    wiped_after("manual entry", End::Idle, |r| {
        r.kiosk
            .on_reader_event(ReaderEvent::StaffCard(StaffBadge::new(vec![
                0x04, 0xA1, 0xB2, 0xC3,
            ])));
        r.kiosk.act(Action::ManualChooseKind {
            kind: MeasureKind::BloodPressure,
        });
        r.kiosk.act(Action::ManualKey {
            key: ManualKey::Digit(1),
        });
        assert!(matches!(r.kiosk.view().screen, Screen::ManualEntry { .. }));
    });
}

#[test]
fn a_visit_with_another_residents_card_waiting_leaves_neither_of_them() {
    let (r, id_reader) = rig_with_id_reader();
    r.identify();
    let mut traces = traces(&r);
    let mut other = station_idcard::simulated::sample_holder();
    other.name = "王明".into();
    other.id_number =
        station_core::resident::IdNumber::parse("11010519491231002X").expect("valid id");
    id_reader.place(other);
    r.wait("switch question", |v| v.switch_to.is_some());
    assert!(state_and_view(&r).contains("王明"));
    traces.extend([
        "王明".to_string(),
        "王*".to_string(),
        "11010519491231002X".to_string(),
    ]);
    r.kiosk.act(Action::Logout);
    let after = state_and_view(&r);
    for t in &traces {
        assert!(
            !after.contains(t.as_str()),
            "{t:?} is still in the runtime:\n{after}"
        );
    }
}
