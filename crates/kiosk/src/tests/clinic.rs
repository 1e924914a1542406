//! "呼叫医生" against the real doctor console on loopback (`station_clinic::testbed`), a doctor
//! reduced to their page's socket: the waiting room, the call, the prescription and its slip,
//! and every way of leaving telling the console.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use station_cabinet::{CabinetError, CabinetOrder, MedicineCabinet, PickupCode};
use station_camera::NotConfiguredVerifier;
use station_clinic::testbed::{TestConsole, TestDoctor as Doctor};
use station_clinic_link::LinkEvent;
use station_clinic_protocol::{EndReason, ToStation};
use station_devices::SimulatedOutcome;
use station_protocol::{
    Action, ClinicBanner, Locale, MeasureKind, Notice, PromptId, Screen, Service, StationView,
};

use super::{rig_cabinet, Rig, CONFIG};

/// A station whose `[clinic]` names the test console (as station s1), with a BP monitor that
/// measures `bp` once.
fn station(clinic: &TestConsole, dir: &tempfile::TempDir, bp: &[(u16, u16)]) -> Rig {
    let key = dir.path().join("clinic.key");
    std::fs::write(&key, format!("{}\n", clinic.keys[0])).expect("key file");
    station_at(&format!("ws://{}", clinic.addr), &key, bp)
}

fn station_at(url: &str, key: &std::path::Path, readings: &[(u16, u16)]) -> Rig {
    let config = clinic_config(url, key);
    let parsed =
        station_core::config::StationConfig::parse(&config, std::path::Path::new("t.toml"))
            .expect("config");
    station_with(
        &config,
        readings,
        station_cabinet::open_cabinet(parsed.cabinet),
    )
}

pub(super) fn clinic_config(url: &str, key: &std::path::Path) -> String {
    format!(
        "{CONFIG}[clinic]\nurl = \"{url}\"\nstation = \"s1\"\nkey_file = \"{}\"\n",
        key.display()
    )
}

fn station_with(
    config: &str,
    readings: &[(u16, u16)],
    cabinet: Option<std::sync::Arc<dyn MedicineCabinet>>,
) -> Rig {
    let bp = readings
        .iter()
        .map(|&(s, d)| SimulatedOutcome::Result(bp(s, d)))
        .collect();
    rig_cabinet(
        config,
        vec![(MeasureKind::BloodPressure, bp)],
        chrono::NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        None,
        std::sync::Arc::new(NotConfiguredVerifier),
        cabinet,
    )
}

fn bp(systolic: u16, diastolic: u16) -> station_devices::Measurement {
    station_devices::Measurement::BloodPressure {
        systolic,
        diastolic,
        pulse: 72,
        irregular_pulse: false,
        body_movement: false,
        cuff_loose: false,
    }
}

impl Rig {
    pub(super) fn clinic_online(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.kiosk.lock().caps.clinic_online {
            assert!(
                Instant::now() < deadline,
                "the station never reached the console"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(super) fn call_doctor(&self) -> StationView {
        self.kiosk.act(Action::OpenService {
            service: Service::CallDoctor,
        });
        self.wait(
            "a place in line",
            |v| matches!(&v.screen, Screen::ClinicWaiting { wait } if wait.position.is_some()),
        )
    }
}

#[test]
fn a_resident_calls_a_doctor_talks_and_prints_the_prescription_slip() {
    let clinic = TestConsole::start();
    let dir = tempfile::tempdir().expect("dir");
    let r = station(&clinic, &dir, &[(128, 82), (135, 85)]);
    r.clinic_online();
    let home = r.identify();
    assert!(home
        .services
        .iter()
        .any(|t| t.service == Service::CallDoctor && t.available));
    r.measure(MeasureKind::BloodPressure);

    let v = r.call_doctor();
    let Screen::ClinicWaiting { wait } = &v.screen else {
        unreachable!()
    };
    assert_eq!(wait.position, Some(1));
    assert!(!wait.back_in_line && !wait.reconnecting);
    let said = r.voice.said();
    assert!(
        said.iter().any(|(_, words)| words.starts_with(&[
            PromptId::ClinicWaiting,
            PromptId::ClinicPlaceBefore,
            PromptId::Numeral(1),
            PromptId::ClinicPlaceAfter
        ])),
        "{said:?}"
    );

    let mut doctor = Doctor::sign_in(&clinic, "li");
    let accepted = doctor.accept();
    // The doctor sees the masked identity and this visit's readings, in the station's words.
    let resident = accepted["resident"].as_str().expect("resident");
    assert!(
        resident.starts_with("张*华") && resident.contains("**********"),
        "{resident}"
    );
    let vitals = accepted["vitals"].as_array().expect("vitals");
    assert_eq!(vitals.len(), 3, "{vitals:?}");
    assert_eq!(vitals[0]["value"], "128");
    let words = station_i18n::Catalog::new(Locale::ZhCn);
    assert_eq!(vitals[0]["unit"], words.text("unit-mmhg"));
    assert_eq!(vitals[0]["kind"], words.text("bp-systolic"));
    let call = accepted["call"].clone();
    let v = r.wait("the call", |v| {
        matches!(v.screen, Screen::ClinicCall { .. })
    });
    let Screen::ClinicCall { call: view } = &v.screen else {
        unreachable!()
    };
    assert_eq!(view.doctor, "李医生");
    // Three values of one reading.
    assert_eq!(view.vitals_sent, 1);
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::ZhCn, vec![PromptId::ClinicCall]))
    );
    // Talking is not idling: well past the idle limit the call is still on.
    r.idle_for(120);
    assert!(matches!(r.kiosk.view().screen, Screen::ClinicCall { .. }));

    // The doctor asks for the blood pressure again: measured during the call (the banner leads
    // back to it), and the new reading reaches the doctor at once.
    let again = r.measure(MeasureKind::BloodPressure);
    assert!(
        !again.offer_doctor,
        "no 呼叫医生 while a doctor is on the call"
    );
    assert_eq!(
        r.kiosk.view().clinic,
        Some(ClinicBanner::InCall {
            doctor: "李医生".into()
        })
    );
    let sent = doctor.wait("the new reading", |v| v["type"] == "vitals");
    assert_eq!(sent["call"], call);
    assert_eq!(sent["vitals"][0]["value"], "135");
    r.kiosk.act(Action::ReturnToCall);
    let v = r.kiosk.view();
    assert!(
        matches!(&v.screen, Screen::ClinicCall { call } if call.vitals_sent == 2),
        "{:?}",
        v.screen
    );
    assert_eq!(v.clinic, None);

    let items = json!([
        {"drug": "苯磺酸氨氯地平片", "dose": "5mg", "quantity": "7片", "usage": "每日一次"},
        {"drug": "阿司匹林肠溶片", "dose": "100mg", "quantity": "14片", "usage": "每日一次"}
    ]);
    doctor.send(json!({"type": "prescription", "call": call, "items": items}));
    r.wait(
        "prescribed",
        |v| matches!(&v.screen, Screen::ClinicCall { call } if call.prescribed),
    );
    doctor.send(json!({"type": "hangup", "call": call}));
    let v = r.wait("the prescription", |v| {
        matches!(v.screen, Screen::Prescription { .. })
    });
    let Screen::Prescription { prescription } = &v.screen else {
        unreachable!()
    };
    assert_eq!(prescription.doctor, "李医生");
    assert_eq!(prescription.items.len(), 2);
    assert_eq!(prescription.items[0].drug, "苯磺酸氨氯地平片");
    // The demonstration's medicine cabinet took the order: its pickup code joins the screen.
    let v = r.wait("the pickup code", |v| {
        matches!(&v.screen, Screen::Prescription { prescription } if prescription.pickup_code.is_some())
    });
    let Screen::Prescription { prescription } = &v.screen else {
        unreachable!()
    };
    let code = prescription.pickup_code.clone().unwrap_or_default();
    assert_eq!(code.len(), 6, "{code}");
    assert_eq!(
        r.voice.last_said(),
        Some((
            Locale::ZhCn,
            vec![
                PromptId::Prescription,
                PromptId::Numeral(2),
                PromptId::PrescriptionCount
            ]
        ))
    );
    // Then what the doctor prescribed, read aloud as written (no recording has drug names),
    // right after that utterance, so "再听一遍" replays both.
    let events = r.voice.events();
    let last_say = events
        .iter()
        .rposition(|e| matches!(e, station_voice::VoiceEvent::Say(..)))
        .expect("said");
    assert_eq!(
        events.get(last_say + 1),
        Some(&station_voice::VoiceEvent::Read(
            Locale::ZhCn,
            "苯磺酸氨氯地平片，5mg，7片，每日一次。阿司匹林肠溶片，100mg，14片，每日一次。".into()
        )),
        "{events:?}"
    );

    r.kiosk.act(Action::PrintPrescription);
    r.wait("printed", |v| v.notice == Some(Notice::Printed));
    let (name, pdf) = r.printer.last_job().expect("a job");
    assert!(name.starts_with("pickup-slip-"), "{name}");
    assert!(pdf.starts_with(b"%PDF"));

    // The prescription is part of the visit only: gone with it.
    r.kiosk.act(Action::Logout);
    r.wait("goodbye", |v| matches!(v.screen, Screen::Goodbye));
}

#[test]
fn leaving_by_button_logout_or_idle_takes_the_resident_out_of_the_queue() {
    let clinic = TestConsole::start();
    let dir = tempfile::tempdir().expect("dir");
    let r = station(&clinic, &dir, &[(128, 82), (135, 85)]);
    r.clinic_online();
    let mut doctor = Doctor::sign_in(&clinic, "li");
    let waiting =
        |v: &Value| v["type"] == "queue" && v["calls"].as_array().is_some_and(|c| c.len() == 1);
    let empty =
        |v: &Value| v["type"] == "queue" && v["calls"].as_array().is_some_and(Vec::is_empty);

    r.identify();
    r.call_doctor();
    doctor.wait("the call waiting", waiting);
    r.kiosk.act(Action::LeaveClinic);
    assert!(matches!(r.kiosk.view().screen, Screen::Home));
    doctor.wait("the queue empty after 离开", empty);

    r.call_doctor();
    doctor.wait("the call waiting", waiting);
    r.kiosk.act(Action::Logout);
    doctor.wait("the queue empty after logout", empty);

    r.identify();
    r.call_doctor();
    doctor.wait("the call waiting", waiting);
    // The waiting room idles out like any screen (warning first, then logout).
    r.idle_for(60);
    assert!(r.kiosk.view().idle_warning.is_some());
    r.idle_for(21);
    assert!(matches!(r.kiosk.view().screen, Screen::Goodbye));
    doctor.wait("the queue empty after idling out", empty);
}

#[test]
fn a_doctor_who_drops_sends_the_resident_back_in_line_and_hanging_up_tells_the_doctor() {
    let clinic = TestConsole::start();
    let dir = tempfile::tempdir().expect("dir");
    let r = station(&clinic, &dir, &[(128, 82), (135, 85)]);
    r.clinic_online();
    r.identify();
    r.call_doctor();
    let mut li = Doctor::sign_in(&clinic, "li");
    li.accept();
    r.wait("the call", |v| {
        matches!(v.screen, Screen::ClinicCall { .. })
    });
    drop(li);
    let v = r.wait(
        "back in line",
        |v| matches!(&v.screen, Screen::ClinicWaiting { wait } if wait.back_in_line),
    );
    assert_eq!(v.notice, Some(Notice::ClinicBackInLine));

    let mut wang = Doctor::sign_in(&clinic, "wang");
    let accepted = wang.accept();
    let v = r.wait("the call again", |v| {
        matches!(v.screen, Screen::ClinicCall { .. })
    });
    let Screen::ClinicCall { call } = &v.screen else {
        unreachable!()
    };
    assert_eq!(call.doctor, "王医生");
    r.kiosk.act(Action::HangUp);
    // No prescription: home, and the doctor is told the resident hung up.
    assert!(matches!(r.kiosk.view().screen, Screen::Home));
    let ended = wang.wait("the end", |v| v["type"] == "ended");
    assert_eq!(ended["call"], accepted["call"]);
    assert_eq!(ended["reason"], "resident_hung_up");
}

#[test]
fn a_doctor_hanging_up_is_said_and_a_lost_link_ends_the_wait() {
    let clinic = TestConsole::start();
    let dir = tempfile::tempdir().expect("dir");
    let r = station(&clinic, &dir, &[(128, 82), (135, 85)]);
    r.clinic_online();
    r.identify();
    r.call_doctor();
    let mut doctor = Doctor::sign_in(&clinic, "li");
    let call = doctor.accept()["call"].clone();
    r.wait("the call", |v| {
        matches!(v.screen, Screen::ClinicCall { .. })
    });
    doctor.send(json!({"type": "hangup", "call": call}));
    let v = r.wait("home", |v| matches!(v.screen, Screen::Home));
    assert_eq!(v.notice, Some(Notice::ClinicCallEnded));

    // A call that ends with a prescription while the resident is on a result: they stay on
    // their result, told; the prescription waits behind the banner.
    r.call_doctor();
    let call = doctor.accept()["call"].clone();
    r.wait("the call", |v| {
        matches!(v.screen, Screen::ClinicCall { .. })
    });
    r.measure(MeasureKind::BloodPressure);
    doctor.send(json!({"type": "prescription", "call": call, "items": [
        {"drug": "阿司匹林肠溶片", "dose": "100mg", "quantity": "14片", "usage": "每日一次"}
    ]}));
    doctor.send(json!({"type": "hangup", "call": call}));
    let v = r.wait("the end told", |v| {
        v.notice == Some(Notice::ClinicCallEnded)
    });
    assert!(matches!(v.screen, Screen::MeasureResult { .. }));
    assert_eq!(
        v.clinic,
        Some(ClinicBanner::Prescription {
            doctor: "李医生".into()
        })
    );
    r.kiosk.act(Action::ReturnToCall);
    let v = r.kiosk.view();
    assert!(
        matches!(v.screen, Screen::Prescription { .. }),
        "{:?}",
        v.screen
    );
    assert_eq!(v.clinic, None);
    r.kiosk.act(Action::BackHome);

    // The link drops while waiting: said at once, the place kept a while, then given up.
    r.call_doctor();
    r.kiosk.on_clinic_event(LinkEvent::Disconnected {
        reason: "test".into(),
        retry_in: Duration::from_secs(1),
    });
    let v = r.kiosk.view();
    assert_eq!(v.notice, Some(Notice::ClinicReconnecting));
    assert!(matches!(&v.screen, Screen::ClinicWaiting { wait } if wait.reconnecting));
    r.idle_for(29);
    assert!(matches!(
        r.kiosk.view().screen,
        Screen::ClinicWaiting { .. }
    ));
    r.idle_for(2);
    let v = r.kiosk.view();
    assert!(matches!(v.screen, Screen::Home));
    assert_eq!(v.notice, Some(Notice::ClinicLinkLost));
}

#[test]
fn an_unreachable_console_is_said_and_urgent_advice_offers_the_doctor_only_with_a_clinic() {
    let dir = tempfile::tempdir().expect("dir");
    let key = dir.path().join("clinic.key");
    std::fs::write(&key, "k").expect("key");
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let r = station_at(&format!("ws://127.0.0.1:{port}"), &key, &[(185, 112)]);
    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::CallDoctor,
    });
    let v = r.kiosk.view();
    assert!(matches!(v.screen, Screen::Home));
    assert_eq!(v.notice, Some(Notice::ClinicOffline));
    // Something at the station is broken: the resident can tell staff from the message.
    r.kiosk.act(Action::ReportFault);
    let faults = r.store.fault_reports(10).expect("faults");
    assert_eq!(faults.len(), 1);
    assert_eq!(faults[0].record.device.as_deref(), Some("clinic_link"));
    let urgent = r.measure(MeasureKind::BloodPressure);
    assert!(urgent.summary.urgent && urgent.offer_doctor);
    assert_eq!(
        r.voice.last_said().and_then(|(_, w)| w.last().copied()),
        Some(PromptId::UrgentClinic)
    );

    // Without [clinic]: no tile, and urgent advice does not mention it.
    let plain = super::rig_with(
        vec![(
            MeasureKind::BloodPressure,
            vec![SimulatedOutcome::Result(bp(185, 112))],
        )],
        chrono::NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
    );
    let home = plain.identify();
    assert!(home
        .services
        .iter()
        .any(|t| t.service == Service::CallDoctor && !t.available));
    let urgent = plain.measure(MeasureKind::BloodPressure);
    assert!(urgent.summary.urgent && !urgent.offer_doctor);
    assert_eq!(
        plain.voice.last_said().and_then(|(_, w)| w.last().copied()),
        Some(PromptId::Urgent)
    );
    plain.kiosk.act(Action::OpenService {
        service: Service::CallDoctor,
    });
    assert_eq!(plain.kiosk.view().notice, Some(Notice::NotAvailableYet));
}

/// A cabinet that is not answering (its network is down).
struct BrokenCabinet;

impl MedicineCabinet for BrokenCabinet {
    fn reserve(&self, _: &CabinetOrder) -> Result<PickupCode, CabinetError> {
        Err(CabinetError::Unavailable("no route to the cabinet".into()))
    }
}

/// A cabinet that answers only when the test lets it (or never).
struct StuckCabinet(std::sync::Mutex<std::sync::mpsc::Receiver<()>>);

impl MedicineCabinet for StuckCabinet {
    fn reserve(&self, _: &CabinetOrder) -> Result<PickupCode, CabinetError> {
        if let Ok(rx) = self.0.lock() {
            let _ = rx.recv_timeout(Duration::from_secs(30));
        }
        PickupCode::parse("123456")
    }
}

/// Calls, gets a prescription and hangs up: the prescription screen.
fn prescribed(r: &Rig, clinic: &TestConsole) -> Doctor {
    r.clinic_online();
    r.identify();
    r.call_doctor();
    let mut doctor = Doctor::sign_in(clinic, "li");
    let call = doctor.accept()["call"].clone();
    r.wait("the call", |v| {
        matches!(v.screen, Screen::ClinicCall { .. })
    });
    doctor.send(json!({"type": "prescription", "call": call, "items": [
        {"drug": "阿司匹林肠溶片", "dose": "100mg", "quantity": "14片", "usage": "每日一次"}
    ]}));
    r.wait(
        "prescribed",
        |v| matches!(&v.screen, Screen::ClinicCall { call } if call.prescribed),
    );
    r.kiosk.act(Action::HangUp);
    doctor
}

#[test]
fn a_failing_or_silent_medicine_cabinet_leaves_the_slip_to_the_pharmacy() {
    let clinic = TestConsole::start();
    let dir = tempfile::tempdir().expect("dir");
    let key = dir.path().join("clinic.key");
    std::fs::write(&key, &clinic.keys[0]).expect("key file");
    let config = clinic_config(&format!("ws://{}", clinic.addr), &key);

    // Not answering: no code, the slip prints at once (it sends the resident to the pharmacy).
    let r = station_with(&config, &[], Some(std::sync::Arc::new(BrokenCabinet)));
    let _doctor = prescribed(&r, &clinic);
    let v = r.wait("the prescription", |v| {
        matches!(v.screen, Screen::Prescription { .. })
    });
    assert!(
        matches!(&v.screen, Screen::Prescription { prescription } if prescription.pickup_code.is_none())
    );
    let printed = r.printer.printed();
    let deadline = Instant::now() + Duration::from_secs(10);
    while r
        .kiosk
        .lock()
        .phase
        .visit()
        .is_some_and(|v| v.cabinet_pending.is_some())
    {
        assert!(
            Instant::now() < deadline,
            "the broken cabinet's answer never came"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    r.kiosk.act(Action::PrintPrescription);
    r.wait("printed", |v| v.notice == Some(Notice::Printed));
    assert_eq!(r.printer.printed(), printed + 1);
    r.kiosk.act(Action::Logout);
    drop(r);

    // Silent: printing waits for it at most a few seconds, then goes without a code; its late
    // answer is dropped. A console of its own: nothing of the first call carries over.
    let clinic = TestConsole::start();
    std::fs::write(&key, &clinic.keys[0]).expect("key file");
    let config = clinic_config(&format!("ws://{}", clinic.addr), &key);
    let (release, hold) = std::sync::mpsc::channel();
    let stuck = StuckCabinet(std::sync::Mutex::new(hold));
    let r = station_with(&config, &[], Some(std::sync::Arc::new(stuck)));
    let _doctor = prescribed(&r, &clinic);
    r.wait("the prescription", |v| {
        matches!(v.screen, Screen::Prescription { .. })
    });
    let printed = r.printer.printed();
    r.kiosk.act(Action::PrintPrescription);
    assert_eq!(
        r.kiosk.view().notice,
        None,
        "not while the cabinet is answering"
    );
    r.idle_for(11);
    r.kiosk.act(Action::PrintPrescription);
    r.wait("printed", |v| v.notice == Some(Notice::Printed));
    assert_eq!(r.printer.printed(), printed + 1);
    let _ = release.send(());
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        matches!(&r.kiosk.view().screen, Screen::Prescription { prescription } if prescription.pickup_code.is_none()),
        "a late code is not shown for a slip printed without it"
    );
}

/// The resident identified and talking with doctor li: the doctor's side and the call's id.
fn on_a_call(r: &Rig, clinic: &TestConsole) -> (Doctor, String) {
    r.clinic_online();
    r.identify();
    let mut doctor = Doctor::sign_in(clinic, "li");
    r.call_doctor();
    let call = doctor.accept()["call"]
        .as_str()
        .expect("the call's id")
        .to_string();
    r.wait("the call", |v| {
        matches!(v.screen, Screen::ClinicCall { .. })
    });
    (doctor, call)
}

#[test]
fn calling_again_right_after_hanging_up_keeps_the_new_place_in_line() {
    let clinic = TestConsole::start();
    let dir = tempfile::tempdir().expect("dir");
    let r = station(&clinic, &dir, &[]);
    let (_doctor, _) = on_a_call(&r, &clinic);
    // Hang up and call again at once: the console's echo of the hang-up ("ended:
    // resident_hung_up") crosses the new call and must not end it.
    r.kiosk.act(Action::HangUp);
    let again = r.call_doctor();
    assert!(matches!(again.screen, Screen::ClinicWaiting { .. }));
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        matches!(&r.kiosk.view().screen, Screen::ClinicWaiting { wait } if wait.position == Some(1)),
        "{:?}",
        r.kiosk.view().screen
    );
}

#[test]
fn the_end_of_an_earlier_call_that_crosses_a_new_one_leaves_the_new_one_alone() {
    let clinic = TestConsole::start();
    let dir = tempfile::tempdir().expect("dir");
    let r = station(&clinic, &dir, &[]);
    let (mut doctor, first) = on_a_call(&r, &clinic);
    r.kiosk.act(Action::HangUp);
    r.call_doctor();
    r.wait(
        "a place in line for the new call",
        |v| matches!(&v.screen, Screen::ClinicWaiting { wait } if wait.position.is_some()),
    );
    // The doctor's end of the first call, as if it had crossed the new call on the way.
    let ended = |call: &str| {
        LinkEvent::Console(ToStation::Ended {
            reason: EndReason::DoctorHungUp,
            call: Some(call.to_string()),
        })
    };
    r.kiosk.on_clinic_event(ended(&first));
    let v = r.kiosk.view();
    assert!(
        matches!(&v.screen, Screen::ClinicWaiting { .. }),
        "{:?}",
        v.screen
    );
    assert_ne!(v.notice, Some(Notice::ClinicCallEnded));
    // The new call's own end does end it.
    let queue = doctor.wait("the new call in line", |m| {
        m["type"] == "queue" && m["calls"][0]["call"].is_string()
    });
    let second = queue["calls"][0]["call"].as_str().expect("id").to_string();
    assert_ne!(second, first);
    r.kiosk.on_clinic_event(ended(&second));
    r.wait("the new call ended", |v| {
        v.notice == Some(Notice::ClinicCallEnded)
    });
}
