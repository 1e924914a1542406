//! An audit record that cannot be written is surfaced, never swallowed: the change it would
//! record is not made (or, for an outcome that already happened, staff are told on screen).

use station_protocol::{Action, IdentifyMethod, MeasureKind, Notice, Screen};

use super::{rig, rig_with_camera, Rig};

/// Makes every audit insert fail, as a full disk or a damaged page would, through a second
/// connection to the station's own file.
fn break_the_audit_trail(r: &Rig) {
    let conn = r.store.second_connection().expect("open the station file");
    conn.execute_batch(
        "CREATE TRIGGER no_audit BEFORE INSERT ON audit_events
         BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    )
    .expect("trigger");
}

#[test]
fn no_visit_starts_when_its_audit_line_cannot_be_written() {
    let r = rig();
    break_the_audit_trail(&r);
    r.kiosk.act(Action::DemoInsertCard {
        card: station_protocol::DemoCard::Resident,
    });
    let v = r.wait("save failed", |v| v.notice == Some(Notice::SaveFailed));
    assert!(v.resident.is_none());
    assert!(matches!(v.screen, Screen::Welcome));
    let visits: i64 = r
        .store
        .second_connection()
        .expect("open")
        .query_row("SELECT COUNT(*) FROM visits", [], |row| row.get(0))
        .expect("count");
    assert_eq!(visits, 0);
}

#[test]
fn a_print_outcome_that_cannot_be_recorded_is_told_to_staff() {
    let r = rig();
    r.identify();
    r.measure(MeasureKind::BloodPressure);
    break_the_audit_trail(&r);
    r.kiosk.act(Action::PrintReport);
    let v = r.wait("record failed", |v| v.notice == Some(Notice::RecordFailed));
    // The resident's visit goes on.
    assert!(v.resident.is_some());
    assert_eq!(r.printer.printed(), 1);
}

#[test]
fn the_camera_stays_off_when_consent_cannot_be_recorded() {
    let r = rig_with_camera();
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::Face,
    });
    assert!(matches!(r.kiosk.view().screen, Screen::FaceConsent));
    break_the_audit_trail(&r);
    let v = r.kiosk.act(Action::ConsentToFace);
    assert_eq!(v.notice, Some(Notice::RecordFailed));
    assert!(matches!(v.screen, Screen::FaceConsent), "{:?}", v.screen);
}
