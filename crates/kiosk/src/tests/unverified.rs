//! A health code no platform has checked can be replayed by anyone who photographed it: such a
//! visit gets self-test only, and sees nothing of earlier visits.

use station_protocol::{Action, IdentifyMethod, MeasureKind, Notice, Screen, Service};

use super::{rig_with_camera, Rig};

fn show_the_code(r: &Rig) {
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::HealthQr,
    });
    let v = r.wait("home", |v| matches!(v.screen, Screen::Home));
    assert!(!v.resident.expect("resident").verified);
}

#[test]
fn an_unverified_visit_measures_but_sees_no_earlier_visit() {
    let r = rig_with_camera();
    show_the_code(&r);
    let first = r.measure(MeasureKind::BloodPressure);
    assert_eq!(first.trend.series[0].points.len(), 1);
    r.kiosk.act(Action::Logout);
    r.idle_for(5);

    // The same code again: the earlier reading is on record, but not shown.
    show_the_code(&r);
    let second = r.measure(MeasureKind::BloodPressure);
    assert_eq!(r.store.reading_count().expect("count"), 2);
    assert_eq!(
        second.trend.series[0].points.len(),
        1,
        "the trend holds this visit's reading only"
    );
    r.kiosk.act(Action::BackHome);
    let v = r.kiosk.act(Action::OpenService {
        service: Service::Reports,
    });
    assert_eq!(v.notice, Some(Notice::HistoryNeedsVerifiedIdentity));
    assert!(matches!(v.screen, Screen::Home), "{:?}", v.screen);
}
