//! Fault reports: "报告故障" under a message about something broken records the screen, the
//! message and the device; staff file one from admin mode. Both wait for upload.

use chrono::NaiveTime;
use station_devices::{DeviceError, Measurement, SimulatedOutcome};
use station_protocol::{
    Action, AdminAction, AdminMessage, AdminSection, DemoCard, DeviceClass, FaultProblem,
    ManualKey, MeasureKind, Notice, Screen,
};

use super::admin::admin_view;
use super::{rig, rig_with, rig_without_badges, Rig};

#[test]
fn a_resident_reports_a_device_that_did_not_answer() {
    let r = rig_with(
        vec![(
            MeasureKind::Temperature,
            vec![
                SimulatedOutcome::Fault(DeviceError::NoResponse),
                SimulatedOutcome::Result(Measurement::Temperature { celsius: 36.6 }),
            ],
        )],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
    );
    r.identify();
    r.start_measuring(MeasureKind::Temperature);
    r.wait("the fault told", |v| {
        v.notice == Some(Notice::DeviceNoResponse)
    });
    let v = r.kiosk.act(Action::ReportFault);
    assert_eq!(v.notice, Some(Notice::FaultReported));
    assert!(v.resident.is_some(), "the visit goes on");
    let kept = r.store.fault_reports(10).expect("reports");
    assert_eq!(kept.len(), 1);
    let report = &kept[0].record;
    assert_eq!(report.staff, None);
    assert_eq!(report.device.as_deref(), Some("instrument:temperature"));
    assert_eq!(report.screen.as_deref(), Some("measure"));
    assert_eq!(report.notice.as_deref(), Some("notice-device-no-response"));
    assert!(!kept[0].delivered);
    // Pressed again under its own "recorded" message: nothing more is filed.
    r.kiosk.act(Action::ReportFault);
    assert_eq!(r.store.fault_reports(10).expect("reports").len(), 1);
}

#[test]
fn a_message_about_the_residents_own_card_files_nothing() {
    let r = rig();
    r.kiosk.act(Action::DemoInsertCard {
        card: DemoCard::Unreadable,
    });
    r.wait("notice", |v| v.notice == Some(Notice::CardUnreadable));
    assert!(!Notice::CardUnreadable.is_fault());
    let v = r.kiosk.act(Action::ReportFault);
    assert_eq!(v.notice, Some(Notice::CardUnreadable));
    assert!(r.store.fault_reports(10).expect("reports").is_empty());
}

fn admin(r: &Rig, action: AdminAction) -> station_protocol::StationView {
    r.kiosk.act(Action::Admin { action })
}

fn open_admin(r: &Rig) {
    admin(r, AdminAction::CornerHold);
    for _ in 0..2 {
        for d in [2, 4, 6, 8] {
            admin(
                r,
                AdminAction::PinKey {
                    key: ManualKey::Digit(d),
                },
            );
        }
        admin(r, AdminAction::PinSubmit);
    }
    assert!(matches!(r.kiosk.view().screen, Screen::Admin { .. }));
}

#[test]
fn staff_file_a_report_with_a_device_and_a_problem() {
    let r = rig_without_badges();
    open_admin(&r);
    admin(
        &r,
        AdminAction::Show {
            section: AdminSection::Faults,
        },
    );
    // Not before both are chosen.
    admin(
        &r,
        AdminAction::FaultDevice {
            device: DeviceClass::Printer,
        },
    );
    admin(&r, AdminAction::FaultSubmit);
    assert!(r.store.fault_reports(10).expect("reports").is_empty());
    admin(
        &r,
        AdminAction::FaultProblem {
            problem: FaultProblem::NeedsSupplies,
        },
    );
    let v = admin(&r, AdminAction::FaultSubmit);
    let view = admin_view(&v);
    assert_eq!(view.message, Some(AdminMessage::FaultFiled));
    assert_eq!(view.fault_draft, Default::default(), "a fresh form");
    assert_eq!(view.faults.len(), 1);
    let line = &view.faults[0];
    assert_eq!(
        (line.device, line.problem, line.by_staff, line.uploaded),
        (
            Some(DeviceClass::Printer),
            Some(FaultProblem::NeedsSupplies),
            true,
            false
        )
    );
    let kept = r.store.fault_reports(10).expect("reports");
    assert_eq!(kept[0].record.staff.as_deref(), Some("station"));
    assert!(r
        .store
        .audit_events(10)
        .expect("audit")
        .iter()
        .any(|e| e.action == "fault_reported" && e.detail == "printer"));
}
