//! Staff admin mode: a badge (or the corner, without badges) and a PIN; never from a visit.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use station_card::{ReaderEvent, StaffBadge};
use station_protocol::{
    Action, AdminAction, AdminMessage, AdminSection, AdminSetting, DeviceClass, ManualKey,
    MeasureKind, PinProblem, PinStage, Screen,
};

use super::call_media::{counting_camera, eventually};
use super::{rig, Rig, CONFIG};
use crate::StationFiles;

const UID: [u8; 4] = [0x04, 0xA1, 0xB2, 0xC3];

/// The station's settings in a file of their own (with a comment staff wrote), as installed.
pub(super) fn config_file(r: &Rig) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("station.toml");
    std::fs::write(&config, format!("# staff keep this comment\n{CONFIG}")).expect("config");
    r.kiosk.set_station_files(StationFiles {
        config: Some(config.clone()),
        logs: None,
        demo: true,
        diagnostics: None,
    });
    (dir, config)
}

/// Badge, then the PIN set at first use and typed again: admin mode's first page.
pub(super) fn enter_admin(r: &Rig) -> station_protocol::StationView {
    tap_badge(r);
    type_pin(r, "2468");
    type_pin(r, "2468")
}

pub(super) fn admin(r: &Rig, action: AdminAction) -> station_protocol::StationView {
    r.kiosk.act(Action::Admin { action })
}

fn tap_badge(r: &Rig) {
    r.kiosk
        .on_reader_event(ReaderEvent::StaffCard(StaffBadge::new(UID.to_vec())));
}

fn type_pin(r: &Rig, pin: &str) -> station_protocol::StationView {
    for c in pin.chars() {
        let d = c.to_digit(10).expect("digit") as u8;
        admin(
            r,
            AdminAction::PinKey {
                key: ManualKey::Digit(d),
            },
        );
    }
    admin(r, AdminAction::PinSubmit)
}

/// The admin page on screen (fails the test on any other screen).
pub(super) fn admin_view(v: &station_protocol::StationView) -> &station_protocol::AdminView {
    match &v.screen {
        Screen::Admin { admin } => admin,
        other => panic!("expected admin mode, got {other:?}"),
    }
}

fn pin_screen(v: &station_protocol::StationView) -> station_protocol::AdminPinView {
    match &v.screen {
        Screen::AdminPin { pin } => pin.clone(),
        other => panic!("expected the PIN keypad, got {other:?}"),
    }
}

#[test]
fn a_badge_with_nobody_here_asks_for_a_pin_set_at_first_use_then_opens_admin() {
    let r = rig();
    tap_badge(&r);
    let v = r.kiosk.view();
    let pin = pin_screen(&v);
    assert_eq!(
        (pin.holder.as_str(), pin.stage),
        ("****B2C3", PinStage::Choose)
    );
    assert!(v.resident.is_none(), "a badge never starts a visit");
    // Too short, then two PINs that differ: chosen again.
    assert_eq!(
        pin_screen(&type_pin(&r, "12")).problem,
        Some(PinProblem::BadLength)
    );
    assert_eq!(pin_screen(&type_pin(&r, "2468")).stage, PinStage::Confirm);
    let v = type_pin(&r, "2469");
    assert_eq!(pin_screen(&v).problem, Some(PinProblem::Mismatch));
    assert_eq!(pin_screen(&v).stage, PinStage::Choose);
    type_pin(&r, "2468");
    let v = type_pin(&r, "2468");
    let view = admin_view(&v);
    assert_eq!(view.staff, "****B2C3");
    assert_eq!(view.section, AdminSection::Today);
    // The typed digits are never in the view.
    assert!(!format!("{v:?}").contains("2468"));
    admin(&r, AdminAction::Leave);
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
    // Next time the PIN is asked, not chosen.
    tap_badge(&r);
    assert_eq!(pin_screen(&r.kiosk.view()).stage, PinStage::Enter);
    let actions: Vec<String> = r
        .store
        .audit_events(20)
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for want in ["admin_pin_set", "admin_entered", "admin_left"] {
        assert!(actions.iter().any(|a| a == want), "{want}: {actions:?}");
    }
}

#[test]
fn five_wrong_pins_lock_entry_for_five_minutes() {
    let r = rig();
    tap_badge(&r);
    type_pin(&r, "2468");
    type_pin(&r, "2468");
    admin(&r, AdminAction::Leave);
    tap_badge(&r);
    for left in [4, 3, 2, 1] {
        let v = type_pin(&r, "1111");
        assert_eq!(
            pin_screen(&v).problem,
            Some(PinProblem::Wrong { tries_left: left })
        );
    }
    let v = type_pin(&r, "1111");
    assert!(matches!(
        pin_screen(&v).problem,
        Some(PinProblem::Locked { .. })
    ));
    // Locked: even the right PIN is refused.
    let v = type_pin(&r, "2468");
    assert!(matches!(
        pin_screen(&v).problem,
        Some(PinProblem::Locked { .. })
    ));
    r.clock.advance(Duration::from_secs(5 * 60));
    let v = type_pin(&r, "2468");
    assert!(matches!(v.screen, Screen::Admin { .. }), "{:?}", v.screen);
}

#[test]
fn admin_mode_closes_itself_after_two_minutes_without_a_touch() {
    let r = rig();
    tap_badge(&r);
    type_pin(&r, "2468");
    type_pin(&r, "2468");
    r.idle_for(119);
    assert!(matches!(r.kiosk.view().screen, Screen::Admin { .. }));
    r.idle_for(1);
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
}

#[test]
fn a_residents_visit_never_reaches_admin_mode() {
    let r = rig();
    r.identify();
    // The corner and the keypad mean nothing during a visit; a badge is manual entry.
    admin(&r, AdminAction::CornerHold);
    admin(&r, AdminAction::PinSubmit);
    admin(
        &r,
        AdminAction::Show {
            section: AdminSection::Settings,
        },
    );
    assert!(matches!(r.kiosk.view().screen, Screen::Home));
    tap_badge(&r);
    assert!(matches!(r.kiosk.view().screen, Screen::ManualEntry { .. }));
}

#[test]
fn the_corner_opens_the_station_pin_only_on_a_station_without_badges() {
    let r = super::rig_without_badges();
    let v = admin(&r, AdminAction::CornerHold);
    assert_eq!(pin_screen(&v).holder, "");
    admin(&r, AdminAction::Leave);
    // With badges configured (the test station has one), the corner does nothing.
    let r = rig();
    let v = admin(&r, AdminAction::CornerHold);
    assert!(matches!(v.screen, Screen::Welcome));
}

#[test]
fn staff_see_counts_test_the_printer_and_change_a_setting_written_to_the_config() {
    let r = rig();
    r.identify();
    r.measure(MeasureKind::BloodPressure);
    r.kiosk.act(Action::Logout);
    r.idle_for(5);
    let (_dir, config) = config_file(&r);
    let v = enter_admin(&r);
    let view = admin_view(&v);
    assert_eq!(view.today.visits, 1);
    assert_eq!(view.today.readings, vec![(MeasureKind::BloodPressure, 1)]);
    // The printer's self-test prints a page.
    admin(
        &r,
        AdminAction::Test {
            device: DeviceClass::Printer,
        },
    );
    let v = r.wait("test page", |v| match &v.screen {
        Screen::Admin { admin } => admin.message == Some(AdminMessage::TestPagePrinted),
        _ => false,
    });
    assert!(matches!(v.screen, Screen::Admin { .. }));
    assert_eq!(r.printer.printed(), 1);
    // A setting: written, comments kept, audited; a bad one refused with the file untouched.
    let v = admin(
        &r,
        AdminAction::Set {
            setting: AdminSetting::Volume(55),
        },
    );
    let view = admin_view(&v);
    assert_eq!(view.message, Some(AdminMessage::SettingSaved));
    assert_eq!(view.settings.volume, 55);
    let text = std::fs::read_to_string(&config).expect("config");
    assert!(
        text.contains("# staff keep this comment") && text.contains("volume = 55"),
        "{text}"
    );
    let v = admin(
        &r,
        AdminAction::Set {
            setting: AdminSetting::IdleTimeout(1),
        },
    );
    let view = admin_view(&v);
    assert_eq!(view.message, Some(AdminMessage::SettingRefused));
    assert_eq!(std::fs::read_to_string(&config).expect("config"), text);
    let audit = r.store.audit_events(30).expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "setting_changed" && e.detail.contains("volume")),
        "{audit:?}"
    );
    // The next resident hears the new volume.
    admin(&r, AdminAction::Leave);
    assert_eq!(r.kiosk.view().prefs.volume, 80, "this person keeps theirs");
}

#[test]
fn the_window_may_close_only_in_admin_mode() {
    let r = rig();
    assert!(!r.kiosk.may_close(), "welcome");
    tap_badge(&r);
    assert!(!r.kiosk.may_close(), "at the PIN keypad");
    type_pin(&r, "2468");
    type_pin(&r, "2468");
    assert!(r.kiosk.may_close(), "in admin mode");
    admin(&r, AdminAction::Leave);
    assert!(!r.kiosk.may_close(), "after leaving admin mode");
}

#[test]
fn staff_save_a_diagnostics_bundle_without_personal_data() {
    let r = rig();
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir.path().join("station.logs");
    std::fs::create_dir_all(&logs).expect("logs");
    // A log line that slipped through with an ID number and a name must come out masked.
    std::fs::write(
        logs.join("station.2026-12-01.log"),
        "{\"level\":\"WARN\",\"message\":\"card 11010519491231002X of 张小华 refused\"}\n",
    )
    .expect("log");
    let config = dir.path().join("station.toml");
    std::fs::write(&config, CONFIG).expect("config");
    let out = dir.path().join("station.diagnostics");
    r.kiosk.set_station_files(StationFiles {
        config: Some(config),
        logs: Some(logs),
        demo: true,
        diagnostics: Some(out.clone()),
    });
    tap_badge(&r);
    type_pin(&r, "2468");
    type_pin(&r, "2468");
    let v = admin(&r, AdminAction::SaveDiagnostics);
    let view = admin_view(&v);
    assert_eq!(view.message, Some(AdminMessage::DiagnosticsSaved));
    let saved = std::path::PathBuf::from(view.saved_to.clone().expect("where"));
    assert!(saved.starts_with(&out), "{saved:?}");
    let bytes = std::fs::read(&saved).expect("the bundle");
    assert!(bytes.starts_with(b"PK"), "a zip");
    let text = unzip(&saved);
    assert!(text.contains("station.2026-12-01.log"), "{text}");
    assert!(!text.contains("11010519491231002X"), "{text}");
    assert!(!text.contains("张小华"), "{text}");
}

#[test]
fn a_bundle_with_no_folders_known_is_told_not_claimed() {
    let r = rig();
    tap_badge(&r);
    type_pin(&r, "2468");
    type_pin(&r, "2468");
    let v = admin(&r, AdminAction::SaveDiagnostics);
    let view = admin_view(&v);
    assert_eq!(view.message, Some(AdminMessage::DiagnosticsFailed));
    assert_eq!(view.saved_to, None);
}

/// Every entry of a zip, names and contents, as one text.
fn unzip(path: &std::path::Path) -> String {
    use std::io::Read;
    let file = std::fs::File::open(path).expect("open");
    let mut archive = zip::ZipArchive::new(file).expect("zip");
    let mut all = String::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        all.push_str(entry.name());
        all.push('\n');
        entry.read_to_string(&mut all).expect("utf-8 entry");
    }
    all
}

/// A station with a camera (the test pattern; `open` counts it on), admin mode open.
pub(super) fn admin_with_camera(open: &Arc<AtomicI64>) -> Rig {
    let r = super::rig_cabinet(
        CONFIG,
        Vec::new(),
        chrono::NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        Some(counting_camera(open)),
        Arc::new(station_camera::NotConfiguredVerifier),
        None,
    );
    tap_badge(&r);
    type_pin(&r, "2468");
    type_pin(&r, "2468");
    r
}

#[test]
fn the_camera_self_test_shows_its_live_picture_then_says_it_works_and_turns_it_off() {
    let open = Arc::new(AtomicI64::new(0));
    let r = admin_with_camera(&open);
    let v = admin(
        &r,
        AdminAction::Test {
            device: DeviceClass::Camera,
        },
    );
    assert_eq!(admin_view(&v).message, Some(AdminMessage::CameraPreviewing));
    eventually(
        "the live picture on the screen",
        Duration::from_secs(10),
        || r.self_view_pictures.load(Ordering::Relaxed) >= 10,
    );
    assert_eq!(open.load(Ordering::SeqCst), 1, "on while its picture shows");
    // Pressed again while it shows: still one camera (a real one opens only once).
    admin(
        &r,
        AdminAction::Test {
            device: DeviceClass::Camera,
        },
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(open.load(Ordering::SeqCst), 1, "no second camera");
    r.wait("the camera works", |v| match &v.screen {
        Screen::Admin { admin } => admin.message == Some(AdminMessage::CameraWorks),
        _ => false,
    });
    assert_eq!(open.load(Ordering::SeqCst), 0, "off once the test is over");
}

#[test]
fn leaving_admin_mode_turns_the_camera_preview_off_at_once() {
    let open = Arc::new(AtomicI64::new(0));
    let r = admin_with_camera(&open);
    admin(
        &r,
        AdminAction::Test {
            device: DeviceClass::Camera,
        },
    );
    eventually(
        "the live picture on the screen",
        Duration::from_secs(10),
        || r.self_view_pictures.load(Ordering::Relaxed) >= 2,
    );
    admin(&r, AdminAction::Leave);
    // The preview looks before each picture: off within one picture's time.
    eventually("the camera off", Duration::from_secs(1), || {
        open.load(Ordering::SeqCst) == 0
    });
    let shown = r.self_view_pictures.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(r.self_view_pictures.load(Ordering::Relaxed), shown);
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
}

#[test]
fn staff_check_a_measuring_device_and_hear_its_battery_or_that_it_is_silent() {
    use station_devices::{DeviceCheck, DeviceError, Instrument, SimulatedInstrument};
    let device = |kind, check| {
        Arc::new(SimulatedInstrument::new(kind, Duration::ZERO, Vec::new()).with_check(check))
            as Arc<dyn Instrument>
    };
    let r = super::rig_instruments(
        CONFIG,
        vec![
            device(
                MeasureKind::BloodPressure,
                Ok(DeviceCheck {
                    battery_percent: Some(64),
                }),
            ),
            device(MeasureKind::Temperature, Err(DeviceError::NoResponse)),
        ],
        chrono::NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        None,
        Arc::new(station_camera::NotConfiguredVerifier),
        None,
    );
    let v = enter_admin(&r);
    let lines = &admin_view(&v).devices;
    let line = |kind| {
        lines
            .iter()
            .find(|l| l.device == DeviceClass::Instrument(kind))
            .expect("a line per kind")
            .testable
    };
    assert!(line(MeasureKind::BloodPressure) && line(MeasureKind::Temperature));
    assert!(
        !line(MeasureKind::Glucose),
        "no glucose meter here: nothing to test"
    );

    let test = |kind| {
        admin(
            &r,
            AdminAction::Test {
                device: DeviceClass::Instrument(kind),
            },
        )
    };
    let v = test(MeasureKind::BloodPressure);
    assert!(matches!(
        admin_view(&v).message,
        Some(AdminMessage::InstrumentChecking | AdminMessage::InstrumentAnswered)
    ));
    let v = r.wait("the monitor answers", |v| match &v.screen {
        Screen::Admin { admin } => admin.message == Some(AdminMessage::InstrumentAnswered),
        _ => false,
    });
    assert_eq!(admin_view(&v).battery_percent, Some(64));

    test(MeasureKind::Temperature);
    let v = r.wait("the thermometer is silent", |v| match &v.screen {
        Screen::Admin { admin } => admin.message == Some(AdminMessage::InstrumentSilent),
        _ => false,
    });
    assert_eq!(admin_view(&v).battery_percent, None);
    // A kind the station has no device for is not tested.
    let v = test(MeasureKind::Glucose);
    assert_eq!(admin_view(&v).message, None);
}
