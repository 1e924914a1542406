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

mod photo {
    //! The optional photo of a fault: the camera's picture for a moment, then one frame kept
    //! with the form and filed with the report; the camera off afterwards.

    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use station_protocol::{AdminAction, AdminMessage, AdminSection, DeviceClass, FaultProblem};

    use super::super::admin::{admin_view, admin_with_camera};
    use super::super::call_media::eventually;
    use super::super::{rig_without_badges, Rig};
    use super::{admin, open_admin};

    fn faults_page(r: &Rig) {
        admin(
            r,
            AdminAction::Show {
                section: AdminSection::Faults,
            },
        );
    }

    fn fill_in(r: &Rig) -> station_protocol::StationView {
        admin(
            r,
            AdminAction::FaultDevice {
                device: DeviceClass::Camera,
            },
        );
        admin(
            r,
            AdminAction::FaultProblem {
                problem: FaultProblem::NotWorking,
            },
        );
        admin(r, AdminAction::FaultSubmit)
    }

    fn take_photo(r: &Rig, open: &AtomicI64) {
        let before = r.self_view_pictures.load(Ordering::Relaxed);
        let v = admin(r, AdminAction::FaultPhoto);
        assert_eq!(admin_view(&v).message, Some(AdminMessage::FaultPhotoTaking));
        // Pressed again while its picture shows: still one camera.
        admin(r, AdminAction::FaultPhoto);
        eventually(
            "the live picture to aim with",
            Duration::from_secs(10),
            || r.self_view_pictures.load(Ordering::Relaxed) >= before + 3,
        );
        assert_eq!(
            open.load(Ordering::SeqCst),
            1,
            "one camera, on while it shows"
        );
        r.wait("the photo taken", |v| {
            matches!(&v.screen, station_protocol::Screen::Admin { admin }
                if admin.message == Some(AdminMessage::FaultPhotoTaken) && admin.fault_draft.photo)
        });
        assert_eq!(open.load(Ordering::SeqCst), 0, "the camera off once taken");
    }

    #[test]
    fn a_photo_staff_take_is_filed_with_the_report() {
        let open = Arc::new(AtomicI64::new(0));
        let r = admin_with_camera(&open);
        faults_page(&r);
        take_photo(&r, &open);
        let v = fill_in(&r);
        let view = admin_view(&v);
        assert_eq!(view.message, Some(AdminMessage::FaultFiled));
        assert!(!view.fault_draft.photo, "a fresh form");
        assert!(view.faults[0].photo, "the list says it has a photo");

        let kept = r.store.fault_reports(10).expect("reports");
        assert!(kept[0].has_photo);
        let jpeg = r
            .store
            .fault_photo(kept[0].id)
            .expect("read")
            .expect("the photo");
        // The camera's own picture (the test pattern's bars), not a blank or made-up one.
        let picture = station_camera::Frame::from_encoded(&jpeg).expect("a JPEG");
        assert_eq!((picture.width(), picture.height()), (320, 240));
        assert!(station_call::pattern::shows_bars(
            picture.luma(),
            320,
            240,
            24
        ));
    }

    #[test]
    fn a_deleted_photo_or_one_left_on_another_page_is_not_filed() {
        let open = Arc::new(AtomicI64::new(0));
        let r = admin_with_camera(&open);
        faults_page(&r);
        take_photo(&r, &open);
        let v = admin(&r, AdminAction::FaultPhotoDiscard);
        assert!(!admin_view(&v).fault_draft.photo);
        fill_in(&r);

        take_photo(&r, &open);
        admin(
            &r,
            AdminAction::Show {
                section: AdminSection::Devices,
            },
        );
        faults_page(&r);
        assert!(!admin_view(&r.kiosk.view()).fault_draft.photo);
        fill_in(&r);

        let kept = r.store.fault_reports(10).expect("reports");
        assert_eq!(kept.len(), 2);
        assert!(kept.iter().all(|f| !f.has_photo));
    }

    #[test]
    fn leaving_admin_mode_while_aiming_turns_the_camera_off_and_keeps_nothing() {
        let open = Arc::new(AtomicI64::new(0));
        let r = admin_with_camera(&open);
        faults_page(&r);
        admin(&r, AdminAction::FaultPhoto);
        eventually("the live picture", Duration::from_secs(10), || {
            r.self_view_pictures.load(Ordering::Relaxed) >= 2
        });
        admin(&r, AdminAction::Leave);
        eventually("the camera off", Duration::from_secs(1), || {
            open.load(Ordering::SeqCst) == 0
        });
        assert!(r.store.fault_reports(10).expect("reports").is_empty());
    }

    #[test]
    fn without_a_camera_staff_are_told_and_file_the_report_without_a_photo() {
        let r = rig_without_badges();
        open_admin(&r);
        faults_page(&r);
        let v = admin(&r, AdminAction::FaultPhoto);
        assert_eq!(admin_view(&v).message, Some(AdminMessage::FaultPhotoFailed));
        let v = fill_in(&r);
        assert_eq!(admin_view(&v).message, Some(AdminMessage::FaultFiled));
        assert!(!r.store.fault_reports(10).expect("reports")[0].has_photo);
    }
}
