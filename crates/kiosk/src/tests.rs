//! The station runtime with its real store and the simulated reader, monitor and a recording
//! voice; the clock is moved by hand.

use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveTime;
use station_camera::{NotConfiguredVerifier, QrVerifier};
use station_card::SimulatedReader;
use station_core::config::StationConfig;
use station_devices::{
    DeviceError, Instrument, Measurement, SimulatedInstrument, SimulatedOutcome,
};
use station_idcard::SimulatedIdCardReader;
use station_printer::{SimulatedFault, SimulatedPrinter};
use station_protocol::{
    Action, DemoCard, GlucoseTiming, IdentifyMethod, Locale, MeasureKind, MeasureStep, Notice,
    PromptId, ResultView, Screen, Service, Severity, StationView, TextSize,
};
use station_store::Store;
use station_voice::RecordingVoice;

use crate::{Hardware, Kiosk, ManualClock};

mod admin;
mod admin_badges;
mod admin_name;
mod admin_printers;
mod admin_settings;
mod audit;
mod call_media;
mod clinic;
mod crashes;
mod faults;
mod manual;
mod quiet;
mod unverified;
mod wipe;

pub(crate) const CONFIG: &str = r#"
[station]
town = "五马街道"
community = "禅街社区"
mode = "demo"
[idle]
timeout_seconds = 60
warning_seconds = 20
[devices]
measure_timeout_seconds = 30
[staff]
card_uids = ["04A1B2C3"]
"#;

/// The test station's one staff badge, as `CONFIG` lists it.
pub(crate) const BADGE_LINE: &str = "card_uids = [\"04A1B2C3\"]";

/// A station without staff badges (its admin mode opens from the corner).
fn rig_without_badges() -> Rig {
    rig_from(&CONFIG.replace(BADGE_LINE, ""))
}

/// The station of `config` at 10:00, with no scripts, camera or ID-card reader.
fn rig_from(config: &str) -> Rig {
    rig_config(
        config,
        vec![],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        None,
        Arc::new(NotConfiguredVerifier),
    )
}

/// Scripted outcomes for one kind's simulated device.
type Script = (MeasureKind, Vec<SimulatedOutcome>);

struct Rig {
    kiosk: Kiosk,
    printer: Arc<SimulatedPrinter>,
    views: Receiver<StationView>,
    clock: Arc<ManualClock>,
    voice: Arc<RecordingVoice>,
    store: Arc<Store>,
    /// The doctor's video frames handed to the screen during calls.
    doctor_frames: Arc<std::sync::atomic::AtomicU64>,
    /// The resident's own small pictures the window got (self-view).
    self_view_pictures: Arc<std::sync::atomic::AtomicU64>,
    /// Microphones open now (a tone each), and how many were ever opened.
    microphones: Arc<std::sync::atomic::AtomicI64>,
    microphone_opens: Arc<std::sync::atomic::AtomicU64>,
    /// Where the doctor's voice went.
    speaker: station_call::audio::CountingSpeaker,
    /// The simulated devices, when the rig made them (not when a test brought its own).
    simulated: Vec<Arc<SimulatedInstrument>>,
    _dir: tempfile::TempDir,
}

impl Drop for Rig {
    /// The kiosk's threads hold it alive: a rig that goes must stop it, or its link would go on
    /// talking to the console as the same station beside the next rig.
    fn drop(&mut self) {
        self.kiosk.shutdown();
    }
}

/// The test tone as the station's microphone, counting the microphones open.
struct Microphone {
    tone: station_call::audio::TestTone,
    open: Arc<std::sync::atomic::AtomicI64>,
}

impl station_call::audio::Microphone for Microphone {
    fn next_frame(&mut self) -> Result<Vec<i16>, station_call::audio::AudioError> {
        self.tone.next_frame()
    }
}

impl Drop for Microphone {
    fn drop(&mut self) {
        self.open.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

fn rig_with(scripts: Vec<Script>, at: NaiveTime) -> Rig {
    rig_full(scripts, at, None)
}

fn rig_full(scripts: Vec<Script>, at: NaiveTime, id_card: Option<SimulatedIdCardReader>) -> Rig {
    rig_parts(scripts, at, id_card, None, Arc::new(NotConfiguredVerifier))
}

fn rig_parts(
    scripts: Vec<Script>,
    at: NaiveTime,
    id_card: Option<SimulatedIdCardReader>,
    camera: Option<crate::CameraOpener>,
    qr_verifier: Arc<dyn QrVerifier>,
) -> Rig {
    rig_config(CONFIG, scripts, at, id_card, camera, qr_verifier)
}

fn rig_config(
    config: &str,
    scripts: Vec<Script>,
    at: NaiveTime,
    id_card: Option<SimulatedIdCardReader>,
    camera: Option<crate::CameraOpener>,
    qr_verifier: Arc<dyn QrVerifier>,
) -> Rig {
    let parsed = StationConfig::parse(config, std::path::Path::new("t.toml")).expect("config");
    let cabinet = station_cabinet::open_cabinet(parsed.cabinet);
    rig_cabinet(config, scripts, at, id_card, camera, qr_verifier, cabinet)
}

/// [`rig_config`] with a medicine cabinet of the test's own.
fn rig_cabinet(
    config: &str,
    mut scripts: Vec<Script>,
    at: NaiveTime,
    id_card: Option<SimulatedIdCardReader>,
    camera: Option<crate::CameraOpener>,
    qr_verifier: Arc<dyn QrVerifier>,
    cabinet: Option<Arc<dyn station_cabinet::MedicineCabinet>>,
) -> Rig {
    let simulated = MeasureKind::ALL
        .into_iter()
        .map(|kind| {
            let script = scripts
                .iter_mut()
                .find(|(k, _)| *k == kind)
                .map(|(_, s)| std::mem::take(s))
                .unwrap_or_default();
            Arc::new(SimulatedInstrument::new(kind, Duration::ZERO, script))
        })
        .collect::<Vec<_>>();
    let mut r = rig_instruments(
        config,
        simulated
            .iter()
            .map(|i| Arc::clone(i) as Arc<dyn Instrument>)
            .collect(),
        at,
        id_card,
        camera,
        qr_verifier,
        cabinet,
    );
    r.simulated = simulated;
    r
}

/// [`rig_cabinet`] with measuring devices of the test's own.
fn rig_instruments(
    config: &str,
    instruments: Vec<Arc<dyn Instrument>>,
    at: NaiveTime,
    id_card: Option<SimulatedIdCardReader>,
    camera: Option<crate::CameraOpener>,
    qr_verifier: Arc<dyn QrVerifier>,
    cabinet: Option<Arc<dyn station_cabinet::MedicineCabinet>>,
) -> Rig {
    let printer = Arc::new(SimulatedPrinter::new());
    let doctor_frames = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let frames = Arc::clone(&doctor_frames);
    let self_view_pictures = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let self_views = Arc::clone(&self_view_pictures);
    let microphones = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let open_microphones = Arc::clone(&microphones);
    let microphone_opens = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let opens = Arc::clone(&microphone_opens);
    let speaker = station_call::audio::CountingSpeaker::default();
    let call_speaker = speaker.clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = StationConfig::parse(config, std::path::Path::new("t.toml")).expect("config");
    let clinic_link = config
        .clinic
        .as_ref()
        .map(|c| crate::clinic_link_config(c).expect("clinic key file"));
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
            instruments,
            printer: Some(printer.clone()),
            voice: voice.clone(),
            camera,
            qr_verifier,
            clinic: clinic_link,
            cabinet,
            live_video: Some(Arc::new(move |packet: Vec<u8>| {
                let counter = if packet.first() == Some(&station_call::self_view::PACKET_KIND) {
                    &self_views
                } else {
                    &frames
                };
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            })),
            media_settings: crate::MediaSettings {
                addresses: vec![std::net::Ipv4Addr::LOCALHOST.into()],
                ..crate::MediaSettings::default()
            },
            microphone: Some(Arc::new(move || {
                open_microphones.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                opens.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(Box::new(Microphone {
                    tone: station_call::audio::TestTone::new(),
                    open: Arc::clone(&open_microphones),
                })
                    as Box<dyn station_call::audio::Microphone>)
            })),
            speaker: Some(Arc::new(move || {
                Ok(Box::new(call_speaker.clone()) as Box<dyn station_call::audio::Speaker>)
            })),
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
        doctor_frames,
        self_view_pictures,
        microphones,
        microphone_opens,
        speaker,
        simulated: Vec::new(),
        _dir: dir,
    }
}

/// A station with the demo camera (health codes, face) and no platform to verify codes.
fn rig_with_camera() -> Rig {
    rig_parts(
        vec![],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        demo_camera(),
        Arc::new(NotConfiguredVerifier),
    )
}

/// A station with a simulated ID card reader, once the reader says it is ready.
fn rig_with_id_reader() -> (Rig, SimulatedIdCardReader) {
    let id_reader = SimulatedIdCardReader::new();
    let r = rig_full(
        vec![],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        Some(id_reader.clone()),
    );
    r.wait("id reader ready", |v| {
        v.identify_methods.contains(&IdentifyMethod::IdCard)
    });
    (r, id_reader)
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

    /// Walks the guided steps of `kind` up to "measuring" (fasting, for glucose).
    fn start_measuring(&self, kind: MeasureKind) {
        // Views of an earlier measurement may still be queued: only what follows counts.
        while self.views.try_recv().is_ok() {}
        self.kiosk.act(Action::OpenService {
            service: Service::SelfTest,
        });
        assert!(matches!(self.kiosk.view().screen, Screen::SelfTest));
        self.kiosk.act(Action::ChooseMeasurement { kind });
        for _ in kind.steps() {
            match self.kiosk.view().screen {
                Screen::Measure {
                    step: MeasureStep::ChooseGlucoseTiming,
                    ..
                } => self.kiosk.act(Action::ChooseGlucoseTiming {
                    timing: GlucoseTiming::Fasting,
                }),
                Screen::Measure {
                    step: MeasureStep::Measuring,
                    ..
                } => break,
                _ => self.kiosk.act(Action::MeasureContinue),
            };
        }
    }

    /// Measures `kind` and gives the result's reading.
    fn measure_summary(&self, kind: MeasureKind) -> station_protocol::ReadingSummary {
        self.measure(kind).summary
    }

    /// Measures `kind` and waits for its result.
    fn measure(&self, kind: MeasureKind) -> ResultView {
        self.start_measuring(kind);
        let v = self.wait("result", |v| {
            matches!(v.screen, Screen::MeasureResult { .. })
        });
        match v.screen {
            Screen::MeasureResult { result } => *result,
            _ => unreachable!(),
        }
    }

    fn resident_id(&self) -> station_store::ResidentId {
        self.store
            .upsert_resident(
                &station_core::resident::IdNumber::parse(
                    &station_card::virtual_card::sample_id_number(),
                )
                .expect("id"),
                "张*华",
            )
            .expect("resident")
    }

    /// Waits until the simulated `kind` device has begun `n` measurements: its thread may be
    /// slow to start on a loaded machine, and the clock must not move before it has.
    fn wait_device_started(&self, kind: MeasureKind, n: u64) {
        let device = self
            .simulated
            .iter()
            .find(|i| i.kind() == kind)
            .expect("a simulated device of this kind");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while device.measurements_started() < n {
            assert!(
                std::time::Instant::now() < deadline,
                "the {kind:?} device never began measurement {n}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
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
        said.contains(&(Locale::ZhCn, vec![PromptId::ReadingCard])),
        "{said:?}"
    );
    assert_eq!(said.last(), Some(&(Locale::ZhCn, vec![PromptId::Home])));
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
    r.kiosk.act(Action::ChooseMeasurement {
        kind: MeasureKind::BloodPressure,
    });
    assert!(matches!(
        r.kiosk.view().screen,
        Screen::Measure {
            kind: MeasureKind::BloodPressure,
            step: MeasureStep::Sit
        }
    ));
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::ZhCn, vec![PromptId::BpSit]))
    );
    r.kiosk.act(Action::MeasureContinue);
    r.kiosk.act(Action::MeasureContinue);
    let v = r.wait("result", |v| {
        matches!(v.screen, Screen::MeasureResult { .. })
    });
    let Screen::MeasureResult { result } = v.screen else {
        unreachable!()
    };
    let values: Vec<&str> = result
        .summary
        .values
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(values, ["128", "82", "72"]);
    assert_eq!(result.summary.category, "bp-category-high-normal");
    // A demonstration's reading says so, on screen and in the store.
    assert_eq!(result.summary.source, station_protocol::ReadingSource::Demo);
    assert_eq!(result.summary.severity, Severity::Caution);
    assert!(!result.summary.urgent);
    let stored = r
        .store
        .readings(r.resident_id(), Some(MeasureKind::BloodPressure), 5)
        .expect("readings");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id.0, result.reading_id);
    // The trend holds this reading; the chart's axis covers it.
    assert_eq!(result.trend.series.len(), 2);
    assert_eq!(result.trend.series[0].points.len(), 1);
    assert!(result.trend.high >= 128.0);
    // The result is read out: 高压一百二十八，低压八十二毫米汞柱，脉搏七十二次每分钟.
    use station_protocol::{PromptId::Numeral as N, ValueLabel, ValueUnit};
    assert_eq!(
        r.voice.last_said(),
        Some((
            Locale::ZhCn,
            vec![
                PromptId::ResultIntro,
                PromptId::Label(ValueLabel::Systolic),
                N(1),
                PromptId::Hundred,
                N(20),
                N(8),
                PromptId::Label(ValueLabel::Diastolic),
                N(80),
                N(2),
                PromptId::Unit(ValueUnit::MmHg),
                PromptId::Label(ValueLabel::Pulse),
                N(70),
                N(2),
                PromptId::Unit(ValueUnit::PerMinute),
            ]
        ))
    );
    // "再听一遍" replays the whole utterance.
    r.kiosk.act(Action::ReplayPrompt);
    assert_eq!(r.voice.replays(), 1);
}

#[test]
fn every_kind_is_guided_measured_judged_and_stored() {
    let r = rig_with(
        vec![
            (
                MeasureKind::Body,
                vec![SimulatedOutcome::Result(Measurement::Body {
                    weight_kg: 70.0,
                    height_cm: 165.0,
                })],
            ),
            (
                MeasureKind::Temperature,
                vec![SimulatedOutcome::Result(Measurement::Temperature {
                    celsius: 37.6,
                })],
            ),
            (
                MeasureKind::Glucose,
                vec![SimulatedOutcome::Result(Measurement::Glucose {
                    mmol_per_l: 6.5,
                })],
            ),
        ],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
    );
    r.identify();
    let body = r.measure_summary(MeasureKind::Body);
    assert_eq!(body.category, "bmi-category-overweight");
    assert!(body
        .values
        .iter()
        .any(|v| v.label == "value-bmi" && v.value == "25.7"));
    r.kiosk.act(Action::BackHome);
    let temp = r.measure_summary(MeasureKind::Temperature);
    assert_eq!(temp.category, "temperature-category-low-fever");
    r.kiosk.act(Action::BackHome);
    // Glucose is judged by the timing the resident chose (fasting: 6.5 is impaired).
    let glucose = r.measure_summary(MeasureKind::Glucose);
    assert_eq!(glucose.category, "glucose-category-impaired-fasting");
    assert!(glucose
        .notes
        .contains(&"glucose-timing-fasting".to_string()));
    r.kiosk.act(Action::BackHome);
    let spo2 = r.measure_summary(MeasureKind::Spo2);
    assert_eq!(spo2.category, "spo2-category-normal");
    let all = r
        .store
        .readings(r.resident_id(), None, 10)
        .expect("readings");
    assert_eq!(all.len(), 4);
    assert!(r.store.queued_alerts(10).expect("alerts").is_empty());
}

#[test]
fn an_urgent_value_says_so_and_queues_an_alert_for_the_family_doctor() {
    let r = rig_with(
        vec![(
            MeasureKind::Spo2,
            vec![SimulatedOutcome::Result(Measurement::Spo2 {
                percent: 86.0,
                pulse: 110,
            })],
        )],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
    );
    r.identify();
    let result = r.measure(MeasureKind::Spo2);
    assert!(result.summary.urgent);
    assert_eq!(result.summary.severity, Severity::Alert);
    // 血氧饱和度百分之八十六，脉搏一百一十次每分钟, then the urgent prompt.
    use station_protocol::{PromptId::Numeral as N, ValueLabel, ValueUnit};
    let spo2 = PromptId::Label(ValueLabel::Spo2);
    let pulse = PromptId::Label(ValueLabel::Pulse);
    let (percent, per_minute) = (
        PromptId::Unit(ValueUnit::Percent),
        PromptId::Unit(ValueUnit::PerMinute),
    );
    let (intro, hundred, urgent) = (PromptId::ResultIntro, PromptId::Hundred, PromptId::Urgent);
    assert_eq!(
        r.voice.last_said(),
        Some((
            Locale::ZhCn,
            vec![
                intro,
                spo2,
                percent,
                N(80),
                N(6),
                pulse,
                N(1),
                hundred,
                N(1),
                N(10),
                per_minute,
                urgent
            ]
        ))
    );
    // In English: "eighty-six percent", "one hundred ten".
    r.kiosk.act(Action::ChooseLocale {
        locale: Locale::EnUs,
    });
    assert_eq!(
        r.voice.last_said(),
        Some((
            Locale::EnUs,
            vec![
                intro,
                spo2,
                N(80),
                N(6),
                percent,
                pulse,
                N(1),
                hundred,
                N(10),
                per_minute,
                urgent
            ]
        ))
    );
    let alerts = r.store.queued_alerts(10).expect("alerts");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].reading.0, result.reading_id);
    assert_eq!(alerts[0].reason, "spo2-category-very-low");
}

#[test]
fn a_device_fault_offers_a_retry_and_stores_nothing() {
    let r = rig_with(
        vec![(
            MeasureKind::BloodPressure,
            vec![
                SimulatedOutcome::Fault(DeviceError::NoResponse),
                SimulatedOutcome::Result(Measurement::BloodPressure {
                    systolic: 400,
                    diastolic: 80,
                    pulse: 70,
                    irregular_pulse: false,
                    body_movement: false,
                    cuff_loose: false,
                }),
            ],
        )],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
    );
    r.identify();
    r.start_measuring(MeasureKind::BloodPressure);
    let cuff = Screen::Measure {
        kind: MeasureKind::BloodPressure,
        step: MeasureStep::Cuff,
    };
    let v = r.wait("fault", |v| v.notice == Some(Notice::DeviceNoResponse));
    assert_eq!(v.screen, cuff);
    r.kiosk.act(Action::MeasureContinue);
    // An impossible value (systolic 400) is a fault too, never a stored reading.
    r.wait("second fault", |v| {
        v.notice == Some(Notice::DeviceNoResponse) && v.screen == cuff
    });
    assert_eq!(r.store.reading_count().expect("count"), 0);
}

#[test]
fn a_device_that_never_answers_times_out_with_a_retry() {
    let r = rig_with(
        vec![(MeasureKind::Temperature, vec![SimulatedOutcome::Hang])],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
    );
    r.identify();
    r.start_measuring(MeasureKind::Temperature);
    // The hang must be the first try's, not the retry's.
    r.wait_device_started(MeasureKind::Temperature, 1);
    r.idle_for(29);
    assert!(matches!(
        r.kiosk.view().screen,
        Screen::Measure {
            step: MeasureStep::Measuring,
            ..
        }
    ));
    r.idle_for(1);
    let v = r.kiosk.view();
    assert_eq!(v.notice, Some(Notice::DeviceNoResponse));
    assert_eq!(
        v.screen,
        Screen::Measure {
            kind: MeasureKind::Temperature,
            step: MeasureStep::PlaceThermometer
        }
    );
    // Retrying measures again (the script now gives the default reading).
    r.kiosk.act(Action::MeasureContinue);
    r.wait("result", |v| {
        matches!(v.screen, Screen::MeasureResult { .. })
    });
    let audit = r.store.audit_events(20).expect("audit");
    assert!(
        audit.iter().any(|e| e.action == "device_timeout"),
        "{audit:?}"
    );
}

#[test]
fn a_duplicated_device_answer_is_stored_once() {
    let r = rig();
    r.identify();
    r.start_measuring(MeasureKind::Temperature);
    let token = r.kiosk.lock().measure_token_for_tests();
    r.wait("result", |v| {
        matches!(v.screen, Screen::MeasureResult { .. })
    });
    let again = Ok(Measurement::Temperature { celsius: 36.6 });
    let fx = r.kiosk.lock().on_measurement(
        token,
        again,
        "simulated",
        Duration::ZERO,
        &r.store,
        r.clock.as_ref(),
    );
    assert!(fx.is_empty());
    assert_eq!(r.store.reading_count().expect("count"), 1);
}

#[test]
fn a_station_without_a_device_does_not_offer_it() {
    let r = rig();
    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    let v = r.kiosk.view();
    assert_eq!(v.measure_kinds.len(), MeasureKind::ALL.len());
    r.kiosk
        .lock()
        .set_measure_kinds(vec![MeasureKind::BloodPressure]);
    r.kiosk.act(Action::ChooseMeasurement {
        kind: MeasureKind::Glucose,
    });
    let v = r.kiosk.view();
    assert_eq!(v.notice, Some(Notice::NotAvailableYet));
    assert!(matches!(v.screen, Screen::SelfTest));
}

#[test]
fn my_reports_lists_earlier_visits_and_reprints_only_the_residents_own() {
    let r = rig();
    r.identify();
    r.measure(MeasureKind::BloodPressure);
    r.kiosk.act(Action::BackHome);
    r.measure(MeasureKind::Temperature);
    r.kiosk.act(Action::Logout);
    r.idle_for(5);
    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::Reports,
    });
    let v = r.kiosk.view();
    let Screen::Reports { reports } = v.screen else {
        panic!("not the reports screen: {:?}", v.screen)
    };
    assert_eq!(reports.len(), 1);
    assert_eq!(
        reports[0].kinds,
        vec![MeasureKind::BloodPressure, MeasureKind::Temperature]
    );
    assert_eq!(reports[0].readings, 2);
    r.kiosk.act(Action::PrintVisitReport {
        visit: reports[0].visit,
    });
    r.wait("printed", |v| v.notice == Some(Notice::Printed));
    let jobs_before = r.printer.printed();
    // Another resident's visit id is refused.
    r.kiosk.act(Action::PrintVisitReport { visit: 9999 });
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(r.printer.printed(), jobs_before);
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
        Some((Locale::ZhCn, vec![PromptId::IdleWarning]))
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
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::ZhCn, vec![PromptId::Goodbye]))
    );
    r.idle_for(5);
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
}

#[test]
fn a_touch_before_the_warning_restarts_the_idle_time() {
    let r = rig();
    r.identify();
    r.idle_for(50);
    // Any touch on the screen (no button needed) counts as the resident still being there.
    r.kiosk.act(Action::Touch);
    r.idle_for(50);
    assert_eq!(r.kiosk.view().idle_warning, None, "50 s since the touch");
    r.idle_for(10);
    assert_eq!(
        r.kiosk.view().idle_warning,
        Some(20),
        "60 s since the touch"
    );
}

#[test]
fn measuring_is_not_idleness() {
    // A slow device: slower than the idle logout, within the station's measurement timeout.
    let config = CONFIG.replace(
        "measure_timeout_seconds = 30",
        "measure_timeout_seconds = 600",
    );
    let r = rig_from(&config);
    r.identify();
    // Put the state in "measuring" without a result arriving yet: a slow device.
    r.kiosk.lock().set_measure_kinds(MeasureKind::ALL.to_vec());
    r.kiosk
        .lock()
        .force_measuring_for_tests(MeasureKind::BloodPressure, Duration::ZERO);
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
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::EnUs, vec![PromptId::Home]))
    );
    r.kiosk.act(Action::Logout);
    let v = r.kiosk.view();
    assert!(matches!(v.screen, Screen::Goodbye));
    // Goodbye is shown and spoken in the resident's language; the next resident starts fresh.
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::EnUs, vec![PromptId::Goodbye]))
    );
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
    let token = r
        .kiosk
        .lock()
        .force_measuring_for_tests(MeasureKind::BloodPressure, Duration::ZERO);
    r.kiosk.act(Action::Logout);
    r.identify();
    r.kiosk
        .lock()
        .force_measuring_for_tests(MeasureKind::BloodPressure, Duration::ZERO);
    let late = Ok(Measurement::BloodPressure {
        systolic: 120,
        diastolic: 80,
        pulse: 70,
        irregular_pulse: false,
        body_movement: false,
        cuff_loose: false,
    });
    let fx = {
        let mut st = r.kiosk.lock();
        st.on_measurement(
            token,
            late,
            "simulated",
            Duration::ZERO,
            &r.store,
            r.clock.as_ref(),
        )
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
    r.measure(MeasureKind::BloodPressure);
    assert!(r.kiosk.view().printer);
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

#[test]
fn another_residents_id_card_during_a_visit_asks_before_switching() {
    let (r, id_reader) = rig_with_id_reader();
    r.identify();
    r.kiosk.act(Action::ChooseLocale {
        locale: Locale::EnUs,
    });
    // The same person's ID card changes nothing.
    id_reader.place(station_idcard::simulated::sample_holder());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(r.kiosk.view().switch_to, None);
    id_reader.take();
    // The reader polls: let it see the card gone before the next one.
    std::thread::sleep(Duration::from_millis(400));
    // Another person's: asked, and "keep" keeps the visit.
    let mut other = station_idcard::simulated::sample_holder();
    other.name = "王明".into();
    other.id_number =
        station_core::resident::IdNumber::parse("11010519491231002X").expect("valid id");
    id_reader.place(other.clone());
    let v = r.wait("switch question", |v| v.switch_to.is_some());
    assert_eq!(v.switch_to.as_deref(), Some("王*"));
    assert_eq!(
        v.resident.as_ref().map(|p| p.masked_name.as_str()),
        Some("张*华")
    );
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::EnUs, vec![PromptId::SwitchResident]))
    );
    r.kiosk.act(Action::CancelSwitch);
    assert_eq!(r.kiosk.view().switch_to, None);
    assert_eq!(r.store.resident_count().expect("count"), 1);
    id_reader.take();
    std::thread::sleep(Duration::from_millis(400));
    // Asked again; this time the switch: a new visit for the new resident, settings reset.
    id_reader.place(other);
    r.wait("switch question", |v| v.switch_to.is_some());
    r.kiosk.act(Action::ConfirmSwitch);
    let v = r.kiosk.view();
    assert_eq!(v.resident.map(|p| p.masked_name), Some("王*".to_string()));
    assert!(matches!(v.screen, Screen::Home));
    assert_eq!(v.prefs.locale, Locale::ZhCn);
    assert_eq!(r.store.resident_count().expect("count"), 2);
    // The first resident takes their card out: the new resident's visit goes on.
    r.kiosk.act(Action::DemoRemoveCard);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        r.kiosk.view().resident.map(|p| p.masked_name),
        Some("王*".to_string())
    );
    let audit = r.store.audit_events(30).expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "visit_ended" && e.detail == "switched"),
        "{audit:?}"
    );
}

#[test]
fn the_questionnaire_is_asked_one_question_at_a_time_resumes_and_is_stored() {
    let r = rig();
    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    r.kiosk.act(Action::StartQuestionnaire);
    let question = |v: &StationView| match v.screen {
        Screen::Questionnaire { number, chosen, .. } => Some((number, chosen)),
        _ => None,
    };
    assert_eq!(question(&r.kiosk.view()), Some((1, None)));
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::ZhCn, vec![PromptId::TcmQuestion(1)]))
    );
    // Out-of-range answers are ignored; the question stays.
    r.kiosk.act(Action::AnswerQuestion { score: 9 });
    assert_eq!(question(&r.kiosk.view()), Some((1, None)));
    r.kiosk.act(Action::AnswerQuestion { score: 3 });
    r.kiosk.act(Action::AnswerQuestion { score: 1 });
    assert_eq!(question(&r.kiosk.view()), Some((3, None)));
    r.kiosk.act(Action::PreviousQuestion);
    assert_eq!(question(&r.kiosk.view()), Some((2, Some(1))));
    // Stepping away keeps the answers for this visit; coming back resumes.
    r.kiosk.act(Action::BackHome);
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    r.kiosk.act(Action::StartQuestionnaire);
    assert_eq!(question(&r.kiosk.view()), Some((3, None)));
    // Question 9 shows the form's own BMI anchors under the answers.
    for _ in 3..9 {
        r.kiosk.act(Action::AnswerQuestion { score: 1 });
    }
    assert!(matches!(
        r.kiosk.view().screen,
        Screen::Questionnaire {
            number: 9,
            anchors: true,
            ..
        }
    ));
    for _ in 9..=33 {
        r.kiosk.act(Action::AnswerQuestion { score: 1 });
    }
    let v = r.kiosk.view();
    let Screen::QuestionnaireResult { result } = v.screen else {
        panic!("no result: {:?}", v.screen)
    };
    assert_eq!(result.primary, vec!["tcm-constitution-pinghe".to_string()]);
    assert_eq!(result.advice, vec!["tcm-advice-pinghe".to_string()]);
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::ZhCn, vec![PromptId::QuestionnaireDone]))
    );
    let visit = r
        .store
        .past_visits(r.resident_id(), 1)
        .expect("visits")
        .first()
        .map(|p| p.visit);
    let audit = r.store.audit_events(30).expect("audit");
    let saved = audit
        .iter()
        .find(|e| e.action == "questionnaire_saved")
        .expect("questionnaire audited");
    // A visit with only a questionnaire is one of "我的报告" too.
    assert_eq!(visit, saved.visit);
    let stored = r
        .store
        .visit_questionnaires(saved.visit.expect("visit"))
        .expect("stored");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].answers[0], 3);
    assert_eq!(stored[0].primary, vec!["pinghe".to_string()]);
    // The report of this visit carries it (no readings needed).
    r.kiosk.act(Action::PrintReport);
    r.wait("printed", |v| v.notice == Some(Notice::Printed));
    let (_, pdf) = r.printer.last_job().expect("printed");
    assert!(pdf.starts_with(b"%PDF"));
    r.kiosk.act(Action::DismissNotice);
    r.kiosk.act(Action::BackHome);
    // A logout wipes any half-filled sheet.
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    r.kiosk.act(Action::StartQuestionnaire);
    r.kiosk.act(Action::AnswerQuestion { score: 2 });
    r.kiosk.act(Action::Logout);
    r.idle_for(5);
    r.identify();
    r.kiosk.act(Action::OpenService {
        service: Service::SelfTest,
    });
    r.kiosk.act(Action::StartQuestionnaire);
    assert_eq!(question(&r.kiosk.view()), Some((1, None)));
}

/// A camera that shows the sample voucher after two empty frames.
fn demo_camera() -> Option<crate::CameraOpener> {
    Some(Box::new(|| {
        station_camera::simulated::demo_camera()
            .map(|c| Box::new(c) as Box<dyn station_camera::FrameSource>)
    }))
}

#[test]
fn a_health_code_identifies_an_unverified_resident_kept_by_the_code() {
    let r = rig_with_camera();
    assert!(r
        .kiosk
        .view()
        .identify_methods
        .contains(&IdentifyMethod::HealthQr));
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::HealthQr,
    });
    assert!(matches!(r.kiosk.view().screen, Screen::ScanQr { .. }));
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::ZhCn, vec![PromptId::ScanQr]))
    );
    let v = r.wait("home", |v| matches!(v.screen, Screen::Home));
    let resident = v.resident.expect("resident");
    assert!(!resident.verified);
    assert_eq!(resident.masked_name, "");
    assert!(
        !resident.masked_id.contains("66950908404089609933"),
        "{}",
        resident.masked_id
    );
    // The same code again is the same resident; a measurement attaches to them.
    r.kiosk.act(Action::Logout);
    r.idle_for(5);
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::HealthQr,
    });
    r.wait("home", |v| matches!(v.screen, Screen::Home));
    assert_eq!(r.store.resident_count().expect("count"), 1);
    let audit = r.store.audit_events(20).expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "identified" && e.detail == "health_qr"),
        "{audit:?}"
    );
}

#[test]
fn a_verified_health_code_is_the_same_resident_as_their_card() {
    struct Platform;
    impl QrVerifier for Platform {
        fn verify(&self, _qr: &station_camera::HealthQr) -> station_camera::Verification {
            station_camera::Verification::Verified {
                id_number: station_core::resident::IdNumber::parse(
                    &station_card::virtual_card::sample_id_number(),
                )
                .expect("id"),
                name: "张小华".into(),
            }
        }
    }
    let r = rig_parts(
        vec![],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        demo_camera(),
        Arc::new(Platform),
    );
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::HealthQr,
    });
    let v = r.wait("home", |v| matches!(v.screen, Screen::Home));
    assert_eq!(v.resident.expect("resident").masked_name, "张*华");
    r.kiosk.act(Action::Logout);
    r.idle_for(5);
    r.identify();
    assert_eq!(r.store.resident_count().expect("count"), 1);
}

#[test]
fn no_camera_and_no_code_are_told_and_the_scan_can_be_left() {
    let absent: crate::CameraOpener = Box::new(|| Err(station_camera::CameraError::Absent));
    let r = rig_parts(
        vec![],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        Some(absent),
        Arc::new(NotConfiguredVerifier),
    );
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::HealthQr,
    });
    let v = r.wait("camera notice", |v| {
        v.notice == Some(Notice::CameraUnavailable)
    });
    assert!(matches!(v.screen, Screen::Welcome));

    // A camera that sees only a web address: a hint, then "no health code" after the time limit.
    let url: crate::CameraOpener = Box::new(|| {
        let frame =
            station_camera::simulated::qr_frame("https://example.com/pay?id=1", 6, 640, 480)
                .map_err(station_camera::CameraError::BadFrame)?;
        station_camera::StillImageSource::new(vec![frame])
            .map(|c| Box::new(c) as Box<dyn station_camera::FrameSource>)
    });
    let r = rig_parts(
        vec![],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        Some(url),
        Arc::new(NotConfiguredVerifier),
    );
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::HealthQr,
    });
    r.wait("hint", |v| {
        v.screen
            == Screen::ScanQr {
                hint: Some(station_protocol::QrHint::NotAHealthCode),
            }
    });
    r.idle_for(30);
    let v = r.kiosk.view();
    assert_eq!(v.notice, Some(Notice::QrNotFound));
    assert!(matches!(v.screen, Screen::Welcome));
    assert!(v.resident.is_none());
    // Leaving the scan screen by hand works too.
    r.kiosk.act(Action::DismissNotice);
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::HealthQr,
    });
    r.kiosk.act(Action::BackHome);
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
    assert_eq!(r.store.resident_count().expect("count"), 0);
}

#[test]
fn the_face_needs_consent_first_and_ends_not_configured_without_keeping_a_picture() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let opened = Arc::new(AtomicUsize::new(0));
    let count = opened.clone();
    let camera: crate::CameraOpener = Box::new(move || {
        count.fetch_add(1, Ordering::SeqCst);
        station_camera::StillImageSource::from_files([concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../camera/tests/images/astronaut_face.png"
        )])
        .map(|c| Box::new(c) as Box<dyn station_camera::FrameSource>)
    });
    let r = rig_parts(
        vec![],
        NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        Some(camera),
        Arc::new(NotConfiguredVerifier),
    );
    assert!(r
        .kiosk
        .view()
        .identify_methods
        .contains(&IdentifyMethod::Face));
    // "不同意": back to the welcome screen; the camera was never switched on.
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::Face,
    });
    assert!(matches!(r.kiosk.view().screen, Screen::FaceConsent));
    assert_eq!(
        r.voice.last_said(),
        Some((Locale::ZhCn, vec![PromptId::FaceConsent]))
    );
    r.kiosk.act(Action::BackHome);
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(opened.load(Ordering::SeqCst), 0);
    // "同意": the guide runs, takes one picture, and says plainly that face matching is not set up.
    r.kiosk.act(Action::IdentifyWith {
        method: IdentifyMethod::Face,
    });
    r.kiosk.act(Action::ConsentToFace);
    let v = r.wait("not configured", |v| {
        v.notice == Some(Notice::FaceNotConfigured)
    });
    assert!(matches!(v.screen, Screen::Welcome));
    assert!(v.resident.is_none());
    assert_eq!(opened.load(Ordering::SeqCst), 1);
    assert_eq!(r.store.resident_count().expect("count"), 0);
    let audit = r.store.audit_events(20).expect("audit");
    for action in ["face_consent_given", "face_not_configured"] {
        assert!(audit.iter().any(|e| e.action == action), "{audit:?}");
    }
}

#[test]
fn a_closed_date_keeps_the_station_closed_all_day() {
    // The ManualClock's day is 2026-11-23; that date is closed in the config.
    let config = CONFIG.to_string()
        + "[hours]\nopens = \"08:30\"\ncloses = \"19:00\"\nclosed_dates = [\"2026-11-23\"]\n";
    let r = rig_from(&config);
    assert!(matches!(r.kiosk.view().screen, Screen::Closed { .. }));
    r.idle_for(2);
    assert!(matches!(r.kiosk.view().screen, Screen::Closed { .. }));
}
