//! A crash in a device, camera or printer library (a panic on its thread) is caught: the
//! resident sees a plain message, nothing stays stuck, and the visit goes on.

use chrono::NaiveTime;
use station_devices::{Measurement, SimulatedOutcome};
use station_printer::SimulatedFault;
use station_protocol::{Action, MeasureKind, MeasureStep, Notice, Screen};

use super::{rig, rig_with};

#[test]
fn a_device_driver_that_crashes_is_a_device_that_did_not_answer_and_the_visit_goes_on() {
    let r = rig_with(
        vec![(
            MeasureKind::Temperature,
            vec![
                SimulatedOutcome::Panic,
                SimulatedOutcome::Result(Measurement::Temperature { celsius: 36.6 }),
            ],
        )],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
    );
    r.identify();
    r.start_measuring(MeasureKind::Temperature);
    let v = r.wait("the crash told", |v| {
        v.notice == Some(Notice::DeviceNoResponse)
    });
    assert!(v.resident.is_some(), "the visit goes on");
    assert_eq!(
        v.screen,
        Screen::Measure {
            kind: MeasureKind::Temperature,
            step: MeasureStep::PlaceThermometer
        }
    );
    assert_eq!(r.store.reading_count().expect("count"), 0);
    // The same device, measured again, works.
    r.kiosk.act(Action::MeasureContinue);
    let v = r.wait("result", |v| {
        matches!(v.screen, Screen::MeasureResult { .. })
    });
    assert!(v.resident.is_some());
    assert_eq!(r.store.reading_count().expect("count"), 1);
}

#[test]
fn a_printer_driver_that_crashes_never_leaves_the_printer_busy() {
    let r = rig();
    r.identify();
    r.measure(MeasureKind::BloodPressure);
    r.printer.set_fault(SimulatedFault::Panic);
    r.kiosk.act(Action::PrintReport);
    let v = r.wait("the crash told", |v| {
        v.notice == Some(Notice::PrinterUnavailable)
    });
    assert!(v.resident.is_some(), "the visit goes on");
    // Not stuck "printing": the next press prints.
    r.kiosk.act(Action::PrintReport);
    r.wait("printed", |v| v.notice == Some(Notice::Printed));
    assert_eq!(r.printer.printed(), 1);
    let audit = r.store.audit_events(20).expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "print_failed" && e.detail.contains("crashed")),
        "{audit:?}"
    );
}
