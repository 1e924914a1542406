//! The station runtime with its real store and the simulated reader, monitor and a recording
//! voice; the clock is moved by hand.

use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveTime;
use station_card::SimulatedReader;
use station_core::config::StationConfig;
use station_devices::{DeviceError, SimulatedBpMonitor};
use station_idcard::SimulatedIdCardReader;
use station_printer::{SimulatedFault, SimulatedPrinter};
use station_protocol::{
    Action, BpCategory, BpStep, DemoCard, IdentifyMethod, Locale, Notice, PromptId, Screen,
    Service, StationView, TextSize,
};
use station_store::Store;
use station_voice::RecordingVoice;

use crate::{Hardware, Kiosk, ManualClock};

const CONFIG: &str = r#"
[station]
town = "五马街道"
community = "禅街社区"
[idle]
timeout_seconds = 60
warning_seconds = 20
"#;

struct Rig {
    kiosk: Kiosk,
    printer: Arc<SimulatedPrinter>,
    views: Receiver<StationView>,
    clock: Arc<ManualClock>,
    voice: Arc<RecordingVoice>,
    store: Arc<Store>,
    _dir: tempfile::TempDir,
}

fn rig_with(
    script: Vec<Result<station_devices::BpMeasurement, DeviceError>>,
    at: NaiveTime,
) -> Rig {
    rig_full(script, at, None)
}

fn rig_full(
    script: Vec<Result<station_devices::BpMeasurement, DeviceError>>,
    at: NaiveTime,
    id_card: Option<SimulatedIdCardReader>,
) -> Rig {
    let printer = Arc::new(SimulatedPrinter::new());
    let dir = tempfile::tempdir().expect("tempdir");
    let config = StationConfig::parse(CONFIG, std::path::Path::new("t.toml")).expect("config");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let voice = Arc::new(RecordingVoice::new());
    let sim = SimulatedReader::new();
    let clock = Arc::new(ManualClock::new(at));
    let (tx, views) = channel();
    let tx = std::sync::Mutex::new(tx);
    let kiosk = Kiosk::start(
        config,
        store.clone(),
        Hardware {
            reader: Box::new(sim.clone()),
            demo_reader: Some(sim),
            id_card_reader: id_card
                .clone()
                .map(|r| Box::new(r) as Box<dyn station_idcard::IdCardReaderBackend>),
            demo_id_card: id_card,
            bp_monitor: Arc::new(SimulatedBpMonitor::new(Duration::ZERO, script)),
            printer: Some(printer.clone()),
            voice: voice.clone(),
        },
        clock.clone(),
        Box::new(move |v| {
            if let Ok(tx) = tx.lock() {
                let _ = tx.send(v);
            }
        }),
    );
    Rig {
        kiosk,
        printer,
        views,
        clock,
        voice,
        store,
        _dir: dir,
    }
}

fn rig() -> Rig {
    rig_with(vec![], NaiveTime::from_hms_opt(10, 0, 0).expect("time"))
}

impl Rig {
    /// Waits for a published view that satisfies `want`.
    fn wait(&self, what: &str, want: impl Fn(&StationView) -> bool) -> StationView {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let current = self.kiosk.view();
        if want(&current) {
            return current;
        }
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            if let Ok(v) = self.views.recv_timeout(left) {
                if want(&v) {
                    return v;
                }
            }
        }
        panic!("never saw {what}; last view: {:?}", self.kiosk.view());
    }

    fn identify(&self) -> StationView {
        // Views of an earlier visit may still be queued: only what follows this insert counts.
        while self.views.try_recv().is_ok() {}
        self.kiosk.act(Action::DemoInsertCard {
            card: DemoCard::Resident,
        });
        self.wait("home", |v| matches!(v.screen, Screen::Home))
    }

    fn idle_for(&self, secs: u64) {
        for _ in 0..secs {
            self.clock.advance(Duration::from_secs(1));
            self.kiosk.tick();
        }
    }
}

#[test]
fn a_card_identifies_the_resident_with_masked_forms_only() {
    let r = rig();
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
    let v = r.identify();
    let resident = v.resident.expect("resident");
    assert_eq!(resident.masked_name, "张*华");
    assert!(resident.masked_id.contains("**********"));
    assert_eq!(r.store.resident_count().expect("count"), 1);
    let said = r.voice.said();
    assert!(
        said.contains(&(Locale::ZhCn, PromptId::ReadingCard)),
        "{said:?}"
    );
    assert_eq!(said.last(), Some(&(Locale::ZhCn, PromptId::Home)));
}

#[test]
fn an_unreadable_card_says_so_and_starts_no_visit() {
    let r = rig();
    r.kiosk.act(Action::DemoInsertCard {
        card: DemoCard::Unreadable,
    });
    let v = r.wait("notice", |v| v.notice == Some(Notice::CardUnreadable));
    assert!(matches!(v.screen, Screen::Welcome));
    assert!(v.resident.is_none());
    assert_eq!(r.store.resident_count().expect("count"), 0);
}

#[test]
fn blood_pressure_is_saved_before_it_is_shown() {
    let r = rig();
    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    assert!(matches!(
        r.kiosk.view().screen,
        Screen::BloodPressure { step: BpStep::Sit }
    ));
    r.kiosk.act(Action::BpContinue);
    r.kiosk.act(Action::BpContinue);
    let v = r.wait("result", |v| matches!(v.screen, Screen::BpResult { .. }));
    let Screen::BpResult { reading } = v.screen else {
        unreachable!()
    };
    assert_eq!(
        (reading.systolic, reading.diastolic, reading.pulse),
        (128, 82, 72)
    );
    assert_eq!(reading.category, BpCategory::HighNormal);
    let resident = r
        .store
        .upsert_resident(
            &station_core::resident::IdNumber::parse(
                &station_card::virtual_card::sample_id_number(),
            )
            .expect("id"),
            "张*华",
        )
        .expect("resident");
    let stored = r.store.bp_readings(resident, 5).expect("readings");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id.0, reading.reading_id);
}

#[test]
fn a_device_fault_offers_a_retry_and_stores_nothing() {
    let r = rig_with(
        vec![
            Err(DeviceError::NoResponse),
            Ok(station_devices::BpMeasurement {
                systolic: 400,
                diastolic: 80,
                pulse: 70,
                irregular_pulse: false,
            }),
        ],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
    );
    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    r.kiosk.act(Action::BpContinue);
    r.kiosk.act(Action::BpContinue);
    let v = r.wait("fault", |v| v.notice == Some(Notice::DeviceNoResponse));
    assert!(matches!(
        v.screen,
        Screen::BloodPressure { step: BpStep::Cuff }
    ));
    r.kiosk.act(Action::BpContinue);
    // An impossible value (systolic 400) is a fault too, never a stored reading.
    r.wait("second fault", |v| {
        v.notice == Some(Notice::DeviceNoResponse)
            && matches!(v.screen, Screen::BloodPressure { step: BpStep::Cuff })
    });
    assert_eq!(r.store.reading_count().expect("count"), 0);
}

#[test]
fn idle_warns_counts_down_and_logs_out() {
    let r = rig();
    r.identify();
    r.idle_for(59);
    assert_eq!(r.kiosk.view().idle_warning, None);
    r.idle_for(1);
    assert_eq!(r.kiosk.view().idle_warning, Some(20));
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::ZhCn, PromptId::IdleWarning))
    );
    r.idle_for(5);
    assert_eq!(r.kiosk.view().idle_warning, Some(15));
    // A stray touch does not dismiss the warning; "继续使用" does.
    r.kiosk.act(Action::Touch);
    assert_eq!(r.kiosk.view().idle_warning, Some(15));
    r.kiosk.act(Action::KeepAlive);
    assert_eq!(r.kiosk.view().idle_warning, None);
    r.idle_for(80);
    let v = r.kiosk.view();
    assert!(matches!(v.screen, Screen::Goodbye), "{v:?}");
    assert!(v.resident.is_none());
    assert_eq!(r.voice.last_said(), Some((Locale::ZhCn, PromptId::Goodbye)));
    r.idle_for(5);
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
}

#[test]
fn measuring_is_not_idleness() {
    let r = rig_with(vec![], NaiveTime::from_hms_opt(10, 0, 0).expect("time"));
    r.identify();
    // Put the state in "measuring" without a result arriving yet: a slow device.
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    r.kiosk.act(Action::BpContinue);
    {
        let mut st = r.kiosk.lock();
        st.screen = Screen::BloodPressure {
            step: BpStep::Measuring,
        };
    }
    r.idle_for(200);
    assert!(r.kiosk.view().resident.is_some());
}

#[test]
fn ending_a_visit_resets_the_residents_settings() {
    let r = rig();
    r.identify();
    r.kiosk.act(Action::ChooseLocale {
        locale: Locale::EnUs,
    });
    r.kiosk.act(Action::ChooseTextSize {
        size: TextSize::ExtraLarge,
    });
    r.kiosk.act(Action::SetVolume { volume: 20 });
    assert_eq!(r.voice.last_said(), Some((Locale::EnUs, PromptId::Home)));
    r.kiosk.act(Action::Logout);
    let v = r.kiosk.view();
    assert!(matches!(v.screen, Screen::Goodbye));
    // Goodbye is shown and spoken in the resident's language; the next resident starts fresh.
    assert_eq!(r.voice.last_said(), Some((Locale::EnUs, PromptId::Goodbye)));
    assert_eq!(v.prefs.locale, Locale::EnUs);
    assert!(v.resident.is_none());
    r.idle_for(5);
    let v = r.kiosk.view();
    assert!(matches!(v.screen, Screen::Welcome));
    assert_eq!(v.prefs.locale, Locale::ZhCn);
    assert_eq!(v.prefs.text_size, TextSize::Large);
    assert_eq!(v.prefs.volume, 80);
    assert_eq!(r.voice.volume(), Some(80));
}

#[test]
fn pulling_the_card_ends_the_visit() {
    let r = rig();
    r.identify();
    r.kiosk.act(Action::DemoRemoveCard);
    let v = r.wait("goodbye", |v| matches!(v.screen, Screen::Goodbye));
    assert!(v.resident.is_none());
    let audit = r.store.audit_events(10).expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "visit_ended" && e.detail == "card_removed"),
        "{audit:?}"
    );
}

#[test]
fn a_measurement_arriving_after_logout_is_dropped() {
    let r = rig();
    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    r.kiosk.act(Action::BpContinue);
    let token = {
        let mut st = r.kiosk.lock();
        st.screen = Screen::BloodPressure {
            step: BpStep::Measuring,
        };
        st.measure_token_for_tests()
    };
    r.kiosk.act(Action::Logout);
    r.identify();
    let late = Ok(station_devices::BpMeasurement {
        systolic: 120,
        diastolic: 80,
        pulse: 70,
        irregular_pulse: false,
    });
    let fx = {
        let mut st = r.kiosk.lock();
        st.on_bp_outcome(token, late, "simulated", Duration::ZERO, &r.store)
    };
    assert!(fx.is_empty());
    assert_eq!(r.store.reading_count().expect("count"), 0);
}

#[test]
fn closed_hours_show_the_closed_screen_and_reopen() {
    let r = rig_with(vec![], NaiveTime::from_hms_opt(20, 0, 0).expect("time"));
    let v = r.kiosk.view();
    assert_eq!(
        v.screen,
        Screen::Closed {
            opens: "08:30".into(),
            closes: "19:00".into()
        }
    );
    r.clock
        .set_local_time(NaiveTime::from_hms_opt(8, 30, 0).expect("time"));
    r.kiosk.tick();
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
    r.clock
        .set_local_time(NaiveTime::from_hms_opt(19, 0, 0).expect("time"));
    r.kiosk.tick();
    assert!(matches!(r.kiosk.view().screen, Screen::Closed { .. }));
}

#[test]
fn other_ways_to_identify_say_not_yet() {
    let r = rig();
    r.kiosk.act(Action::IdentifyWith {
        method: station_protocol::IdentifyMethod::Face,
    });
    assert_eq!(r.kiosk.view().notice, Some(Notice::NotAvailableYet));
    r.kiosk.act(Action::DismissNotice);
    assert_eq!(r.kiosk.view().notice, None);
}

#[test]
fn an_id_card_identifies_the_same_resident_as_the_insurance_card() {
    let id_reader = SimulatedIdCardReader::new();
    let r = rig_full(
        vec![],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        Some(id_reader),
    );
    // Once the ID card reader answers, the welcome screen offers it.
    r.wait("id reader ready", |v| {
        v.identify_methods.contains(&IdentifyMethod::IdCard)
    });
    r.kiosk.act(Action::DemoInsertCard {
        card: DemoCard::IdCard,
    });
    let v = r.wait("home", |v| matches!(v.screen, Screen::Home));
    assert_eq!(v.resident.expect("resident").masked_name, "张*华");
    // Taking the ID card off the reader does not end the visit.
    r.kiosk.act(Action::DemoRemoveCard);
    std::thread::sleep(Duration::from_millis(300));
    assert!(r.kiosk.view().resident.is_some());
    r.kiosk.act(Action::Logout);
    r.idle_for(5);
    // The same person by social-security card: one resident record, two visits.
    r.identify();
    assert_eq!(r.store.resident_count().expect("count"), 1);
    let audit = r.store.audit_events(20).expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "identified" && e.detail == "id_card"),
        "{audit:?}"
    );
    assert!(
        audit
            .iter()
            .any(|e| e.action == "identified" && e.detail == "insurance_card"),
        "{audit:?}"
    );
}

#[test]
fn the_report_prints_from_the_result_screen_and_faults_are_told_and_recorded() {
    let r = rig();
    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    r.kiosk.act(Action::BpContinue);
    r.kiosk.act(Action::BpContinue);
    let v = r.wait("result", |v| matches!(v.screen, Screen::BpResult { .. }));
    assert!(v.printer);
    r.kiosk.act(Action::PrintReport);
    r.wait("printed", |v| v.notice == Some(Notice::Printed));
    let (_, pdf) = r.printer.last_job().expect("a job reached the printer");
    assert!(pdf.starts_with(b"%PDF"));

    r.printer.set_fault(SimulatedFault::State(
        station_printer::PrinterState::NoPaper,
    ));
    r.kiosk.act(Action::PrintReport);
    r.wait("printer fault", |v| {
        v.notice == Some(Notice::PrinterUnavailable)
    });
    let audit = r.store.audit_events(20).expect("audit");
    assert!(
        audit.iter().any(|e| e.action == "report_printed"),
        "{audit:?}"
    );
    assert!(
        audit.iter().any(|e| e.action == "print_failed"),
        "{audit:?}"
    );
}
