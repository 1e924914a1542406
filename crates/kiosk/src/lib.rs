//! The station runtime: owns the phase and the screen, reacts to the card readers, the
//! devices, the camera, the printer, the clock and the resident's actions, and publishes a
//! whole [`StationView`] after every change. The Tauri shell only forwards actions in and views
//! out.
//!
//! One visit (Wenzhou 6.3): Welcome → Identifying → InVisit (home, self-test, results, reports,
//! questionnaire, staff manual entry) → (logout | card pulled | idle timeout) → Goodbye →
//! Welcome. `station.rs` is the state machine, `visit.rs` the visit as one value, `flows/` one
//! file per flow; this file runs the threads and carries out their effects.

mod effects;
mod flows;
mod report_input;
mod station;
#[cfg(test)]
mod tests;
mod visit;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use effects::{Effects, PrintJob};
use flows::identify::{FaceEvent, ScanEvent};
use flows::Capabilities;
use station::{Readers, Station};
use station_camera::{
    read_qr, CameraError, FaceGuide, FaceGuideConfig, FrameSource, Framing, QrError, QrVerifier,
};
use station_card::{CardReaderBackend, ReaderEvent, ReaderHandle, SimulatedReader};
pub use station_core::clock::{Clock, ManualClock, SystemClock};
use station_core::config::StationConfig;
use station_devices::Instrument;
use station_idcard::{IdCardEvent, IdCardReaderBackend, IdReaderHandle, SimulatedIdCardReader};
use station_printer::Printer;
use station_protocol::{
    Action, DemoCard, FaceHint, MeasureKind, Notice, QrHint, ReaderStatus, StationView,
};
use station_store::{AuditEvent, Store};
use station_voice::Voice;

/// The hardware a station runs with. Demo mode passes the simulator as `reader` and keeps a
/// handle in `demo_reader` so the on-screen demo controls can insert and pull cards.
pub struct Hardware {
    pub reader: Box<dyn CardReaderBackend>,
    pub demo_reader: Option<SimulatedReader>,
    /// The resident-ID-card reader, when the station has one.
    pub id_card_reader: Option<Box<dyn IdCardReaderBackend>>,
    /// Demo mode's ID card reader, for the on-screen "place ID card" control.
    pub demo_id_card: Option<SimulatedIdCardReader>,
    /// The measuring devices, at most one per kind (the first of a kind is used).
    pub instruments: Vec<Arc<dyn Instrument>>,
    pub voice: Arc<dyn Voice>,
    /// The report printer, when the station has one.
    pub printer: Option<Arc<dyn Printer>>,
    /// Opens the camera for a health-code scan (the camera is on only while scanning).
    pub camera: Option<CameraOpener>,
    /// Checks health codes with their issuing platform (`NotConfiguredVerifier` until the
    /// platform link exists: every code is then "unverified").
    pub qr_verifier: Arc<dyn QrVerifier>,
}

/// Opens the station's camera, or says why it cannot.
pub type CameraOpener = Box<dyn Fn() -> Result<Box<dyn FrameSource>, CameraError> + Send + Sync>;

/// Time between frames looked at for a QR code (decoding one takes a few ms).
const SCAN_FRAME_EVERY: Duration = Duration::from_millis(100);

pub type Publisher = Box<dyn Fn(StationView) + Send + Sync>;

/// How often the clock is looked at (idle countdown, opening hours, goodbye screen).
pub const TICK: Duration = Duration::from_millis(250);

#[derive(Clone)]
pub struct Kiosk {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<Station>,
    publish: Publisher,
    store: Arc<Store>,
    instruments: Vec<Arc<dyn Instrument>>,
    printer: Option<Arc<dyn Printer>>,
    camera: Option<CameraOpener>,
    qr_verifier: Arc<dyn QrVerifier>,
    voice: Arc<dyn Voice>,
    demo_reader: Option<SimulatedReader>,
    demo_id_card: Option<SimulatedIdCardReader>,
    clock: Arc<dyn Clock>,
    reader_handle: Mutex<Option<ReaderHandle>>,
    id_reader_handle: Mutex<Option<IdReaderHandle>>,
}

impl Kiosk {
    /// Builds the runtime and starts listening to the card reader. Call [`Kiosk::tick`] every
    /// [`TICK`] (see [`Kiosk::spawn_ticker`]).
    pub fn start(
        config: StationConfig,
        store: Arc<Store>,
        hardware: Hardware,
        clock: Arc<dyn Clock>,
        publish: Publisher,
    ) -> Kiosk {
        // A visit left open by a crash or power cut is closed before anyone else walks up.
        match store.close_dangling_visits() {
            Ok(0) => {}
            Ok(n) => tracing::warn!(visits = n, "closed visits left open by an earlier run"),
            Err(e) => {
                tracing::error!(error = %e, "cannot close visits left open by an earlier run")
            }
        }
        let mut measure_kinds: Vec<MeasureKind> =
            hardware.instruments.iter().map(|i| i.kind()).collect();
        measure_kinds.sort();
        measure_kinds.dedup();
        let demo = hardware.demo_reader.is_some();
        let caps = Capabilities {
            has_printer: hardware.printer.is_some(),
            printer_busy: false,
            measure_kinds,
        };
        let readers = Readers {
            // The simulator is always there; a real reader reports its own status.
            card: if demo {
                ReaderStatus::Ready
            } else {
                ReaderStatus::NoService
            },
            id_card: None,
            has_camera: hardware.camera.is_some(),
        };
        let mut state = Station::new(config, demo, caps, readers, clock.as_ref());
        if let Err(e) = store.record(None, AuditEvent::StationStarted) {
            tracing::error!(error = %e, "cannot write the audit record");
            state.notice = Some(Notice::RecordFailed);
        }
        let kiosk = Kiosk {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                publish,
                store,
                instruments: hardware.instruments,
                printer: hardware.printer,
                camera: hardware.camera,
                qr_verifier: hardware.qr_verifier,
                voice: hardware.voice,
                demo_reader: hardware.demo_reader,
                demo_id_card: hardware.demo_id_card,
                clock,
                reader_handle: Mutex::new(None),
                id_reader_handle: Mutex::new(None),
            }),
        };
        {
            let mut st = kiosk.lock();
            let (locale, speech) = st.speech();
            kiosk.shared.voice.set_volume(st.prefs().volume);
            kiosk.shared.voice.say(locale, &speech);
            st.touch_seq();
        }
        let k = kiosk.clone();
        let handle = hardware
            .reader
            .start(Box::new(move |event| k.on_reader_event(event)));
        if let Ok(mut h) = kiosk.shared.reader_handle.lock() {
            *h = Some(handle);
        }
        if let Some(id_reader) = hardware.id_card_reader {
            let k = kiosk.clone();
            let handle = id_reader.start(Box::new(move |event| k.on_id_card_event(event)));
            if let Ok(mut h) = kiosk.shared.id_reader_handle.lock() {
                *h = Some(handle);
            }
        }
        kiosk
    }

    /// Runs [`Kiosk::tick`] on a background thread for as long as the process lives.
    pub fn spawn_ticker(&self) {
        let k = self.clone();
        std::thread::Builder::new()
            .name("station-tick".into())
            .spawn(move || loop {
                std::thread::sleep(TICK);
                k.tick();
            })
            .map(|_| ())
            .unwrap_or_else(|e| tracing::error!(error = %e, "cannot start the station clock"));
    }

    pub fn view(&self) -> StationView {
        self.lock().view()
    }

    pub fn act(&self, action: Action) -> StationView {
        let effects = {
            let mut st = self.lock();
            let now = self.shared.clock.monotonic();
            st.act(action, now, &self.shared.store, self.shared.clock.as_ref())
        };
        self.apply(effects)
    }

    pub fn tick(&self) {
        let effects = {
            let mut st = self.lock();
            let now = self.shared.clock.monotonic();
            st.tick(now, &self.shared.store, self.shared.clock.as_ref())
        };
        if !effects.is_empty() {
            self.apply(effects);
        }
    }

    fn on_reader_event(&self, event: ReaderEvent) {
        let effects = {
            let mut st = self.lock();
            let now = self.shared.clock.monotonic();
            st.reader_event(event, now, &self.shared.store, self.shared.clock.as_ref())
        };
        self.apply(effects);
    }

    fn on_id_card_event(&self, event: IdCardEvent) {
        let effects = {
            let mut st = self.lock();
            let now = self.shared.clock.monotonic();
            st.id_card_event(event, now, &self.shared.store)
        };
        self.apply(effects);
    }

    fn lock(&self) -> MutexGuard<'_, Station> {
        // A panic while holding the lock must not freeze the kiosk: keep going with the state.
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Carries out what a state change asked for (voice, devices, demo reader), then publishes.
    fn apply(&self, effects: Effects) -> StationView {
        let s = &self.shared;
        if effects.stop_voice {
            s.voice.stop();
        }
        if let Some(v) = effects.volume {
            s.voice.set_volume(v);
        }
        if let Some((locale, speech)) = effects.say {
            s.voice.say(locale, &speech);
        }
        if effects.replay {
            s.voice.replay();
        }
        if let Some(card) = effects.demo_insert {
            match (card, &s.demo_reader, &s.demo_id_card) {
                (DemoCard::IdCard, _, Some(id)) => id.place(station_idcard::sim::sample_holder()),
                (DemoCard::IdCard, _, None) => {}
                (_, Some(r), _) => r.insert(card),
                (_, None, _) => {}
            }
        }
        if effects.demo_remove {
            if let Some(r) = &s.demo_reader {
                r.remove();
            }
            if let Some(id) = &s.demo_id_card {
                id.take();
            }
        }
        if let Some((token, kind)) = effects.start_measure {
            self.measure(token, kind);
        }
        if let Some(token) = effects.start_scan {
            self.scan_qr(token);
        }
        if let Some(token) = effects.start_face {
            self.scan_face(token);
        }
        if let Some(job) = effects.print {
            self.print_report(job);
        }
        let view = self.view();
        (s.publish)(view.clone());
        view
    }

    /// Measures on its own thread; the result is attached only to the visit that asked for it.
    /// A device that never returns is given up by the station's timeout (see `State::tick`).
    fn measure(&self, token: u64, kind: MeasureKind) {
        let Some(device) = self
            .shared
            .instruments
            .iter()
            .find(|i| i.kind() == kind)
            .cloned()
        else {
            tracing::error!(kind = kind.as_str(), "no device for this measurement");
            return;
        };
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("measure-{}", kind.as_str()))
            .spawn(move || {
                let outcome = device.measure();
                let effects = {
                    let mut st = k.lock();
                    let now = k.shared.clock.monotonic();
                    let (store, clock) = (&k.shared.store, k.shared.clock.as_ref());
                    st.on_measurement(token, outcome, device.model(), now, store, clock)
                };
                k.apply(effects);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the measurement thread");
        }
    }

    /// Looks for a health code on its own thread until one is found, the resident leaves the
    /// screen or the scan times out. Frames stay in memory and are dropped at once.
    fn scan_qr(&self, token: u64) {
        let k = self.clone();
        let report = move |k: &Kiosk, event: ScanEvent| {
            let effects = {
                let mut st = k.lock();
                let now = k.shared.clock.monotonic();
                st.on_scan(token, event, now, &k.shared.store)
            };
            k.apply(effects);
        };
        let spawned = std::thread::Builder::new()
            .name("qr-scan".into())
            .spawn(move || {
                let Some(open) = &k.shared.camera else {
                    return;
                };
                let mut camera = match open() {
                    Ok(c) => c,
                    Err(e) => return report(&k, ScanEvent::CameraFailed(e.to_string())),
                };
                let mut last_hint = None;
                while k.lock().scan_wanted(token) {
                    let frame = match camera.next_frame() {
                        Ok(f) => f,
                        Err(e) => return report(&k, ScanEvent::CameraFailed(e.to_string())),
                    };
                    let hint = match read_qr(&frame) {
                        Ok(qr) => {
                            // The platform may be slow: ask it before taking the station lock.
                            let verification = k.shared.qr_verifier.verify(&qr);
                            let found = ScanEvent::Found {
                                token: qr.token,
                                verification,
                            };
                            return report(&k, found);
                        }
                        Err(QrError::NotFound) => None,
                        Err(QrError::Unreadable) => Some(QrHint::HoldSteady),
                        Err(QrError::Foreign | QrError::TooLong(_)) => Some(QrHint::NotAHealthCode),
                        Err(QrError::Several) => Some(QrHint::OneAtATime),
                    };
                    if let Some(h) = hint.filter(|h| last_hint != Some(*h)) {
                        last_hint = Some(h);
                        report(&k, ScanEvent::Hint(h));
                    }
                    std::thread::sleep(SCAN_FRAME_EVERY);
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the QR scan thread");
        }
    }

    /// Runs the face framing guide on its own thread (after the resident's consent) until one
    /// good picture is taken, the resident leaves or the time runs out. The picture is wiped at
    /// once: no matcher is configured, so nothing may be concluded from it.
    fn scan_face(&self, token: u64) {
        let k = self.clone();
        let report = move |k: &Kiosk, event: FaceEvent| {
            let effects = k.lock().on_face(token, event, &k.shared.store);
            k.apply(effects);
        };
        let spawned = std::thread::Builder::new()
            .name("face-guide".into())
            .spawn(move || {
                let Some(open) = &k.shared.camera else {
                    return;
                };
                let mut guide = match FaceGuide::new(FaceGuideConfig::default()) {
                    Ok(g) => g,
                    Err(e) => return report(&k, FaceEvent::CameraFailed(e.to_string())),
                };
                let mut camera = match open() {
                    Ok(c) => c,
                    Err(e) => return report(&k, FaceEvent::CameraFailed(e.to_string())),
                };
                let mut last_hint = None;
                while k.lock().scan_wanted(token) {
                    let frame = match camera.next_frame() {
                        Ok(f) => f,
                        Err(e) => return report(&k, FaceEvent::CameraFailed(e.to_string())),
                    };
                    let step = guide.step(&frame);
                    if let Some(face) = step.captured {
                        // Matching needs a reference (the ID card photo, a platform search):
                        // neither is configured, so nothing is compared.
                        drop(face);
                        let outcome = station_camera::MatchOutcome::NotConfigured;
                        return report(&k, FaceEvent::Captured(outcome));
                    }
                    let hint = face_hint(&step.framing);
                    if last_hint != Some(hint) {
                        last_hint = Some(hint);
                        report(&k, FaceEvent::Hint(hint));
                    }
                    std::thread::sleep(SCAN_FRAME_EVERY);
                }
                guide.reset();
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the face guide thread");
        }
    }

    /// Renders and prints on its own thread (printing can take a minute); the outcome is shown
    /// only to the visit that asked for it.
    fn print_report(&self, job: PrintJob) {
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("report-print".into())
            .spawn(move || {
                let outcome = match (
                    &k.shared.printer,
                    station_report::render(&job.input, job.paper),
                ) {
                    (Some(printer), Ok(report)) => {
                        if !report.missing_glyphs.is_empty() {
                            // The characters may be the resident's name: count only.
                            tracing::warn!(
                                count = report.missing_glyphs.len(),
                                "report font lacks characters; printed as placeholders"
                            );
                        }
                        printer
                            .print(&job.name, &report.pdf)
                            .map_err(|e| e.to_string())
                    }
                    (None, _) => Err("no printer".to_string()),
                    (_, Err(e)) => Err(format!("report: {e}")),
                };
                let effects = {
                    let mut st = k.lock();
                    let now = k.shared.clock.monotonic();
                    let (store, clock) = (&k.shared.store, k.shared.clock.as_ref());
                    st.on_print_outcome(job.visit, outcome, now, store, clock)
                };
                k.apply(effects);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the print thread");
        }
    }

    /// Ends any visit (app shutdown).
    pub fn shutdown(&self) {
        self.lock().shutdown(&self.shared.store);
        self.shared.voice.stop();
        if let Ok(mut h) = self.shared.reader_handle.lock() {
            h.take();
        }
        if let Ok(mut h) = self.shared.id_reader_handle.lock() {
            h.take();
        }
    }
}

/// The guide's judgment of a frame, as advice for the resident.
fn face_hint(framing: &Framing) -> FaceHint {
    match framing {
        Framing::NoFace => FaceHint::NoFace,
        Framing::TwoOrMoreFaces => FaceHint::SeveralFaces,
        Framing::TooFar => FaceHint::TooFar,
        Framing::TooClose => FaceHint::TooClose,
        Framing::TooDark => FaceHint::TooDark,
        Framing::OffCentre => FaceHint::OffCentre,
        Framing::Good { .. } => FaceHint::HoldStill,
    }
}
