//! The work that runs on threads of its own: a device measuring, the camera looking for a code
//! or a face, the printer printing. Each reports back to the state machine with the token it
//! was given, and each is supervised: a panic in a device, camera or printer library is caught
//! ([`caught`]), logged, and reported as that hardware failing, so the resident sees a plain
//! message, the state machine frees what the work held (the printer, the camera) and the visit
//! goes on.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use station_call::self_view::SelfView;
use station_camera::{read_qr, FaceGuide, FaceGuideConfig, Framing, QrError};
use station_devices::DeviceError;
use station_protocol::{FaceHint, MeasureKind, QrHint};

use crate::effects::{Document, PrintJob};
use crate::flows::identify::{FaceEvent, ScanEvent};
use crate::Kiosk;

/// Time between frames looked at for a QR code (decoding one takes a few ms).
const SCAN_FRAME_EVERY: Duration = Duration::from_millis(100);
/// The camera's self-test shows its live picture this long (25 pictures, 5 a second): enough
/// for staff to see the lens is clean and the resident's face would be in view.
const CAMERA_PREVIEW_PICTURES: u32 = 25;
const CAMERA_PREVIEW_EVERY: Duration = Duration::from_millis(200);
/// A fault photo is taken after this many pictures of live view (2 s): time to aim.
const FAULT_PHOTO_PICTURES: u32 = 10;

/// Every panic is logged (thread, place, message) before unwinding, wherever it happens.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("unnamed");
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(thread = name, %place, why = %panic_text(info.payload()), "panic");
        default(info);
    }));
}

/// Runs `work`, turning a panic into an error with its message.
pub(crate) fn caught<T>(what: &str, work: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|payload| {
        let why = panic_text(payload.as_ref());
        tracing::error!(work = what, %why, "crashed; the station carries on");
        why
    })
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

impl Kiosk {
    /// The station's device for this kind of measurement (the first of a kind is used).
    fn instrument(&self, kind: MeasureKind) -> Option<Arc<dyn station_devices::Instrument>> {
        self.shared
            .instruments
            .iter()
            .find(|i| i.kind() == kind)
            .cloned()
    }

    /// Measures on its own thread; the result is attached only to the visit that asked for it.
    /// A device that never returns is given up by the station's timeout (see `flows::measure`).
    pub(crate) fn measure(&self, token: u64, kind: MeasureKind) {
        let Some(device) = self.instrument(kind) else {
            tracing::error!(kind = kind.as_str(), "no device for this measurement");
            return;
        };
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("measure-{}", kind.as_str()))
            .spawn(move || {
                // A crashing device library is a device that did not answer: the resident may
                // try again, the visit goes on.
                let outcome =
                    caught("measure", || device.measure()).unwrap_or(Err(DeviceError::NoResponse));
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
    pub(crate) fn scan_qr(&self, token: u64) {
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("qr-scan".into())
            .spawn(move || {
                let event = caught("qr-scan", || k.look_for_a_code(token))
                    .unwrap_or_else(|why| Some(ScanEvent::CameraFailed(format!("crashed: {why}"))));
                if let Some(event) = event {
                    k.report_scan(token, event);
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the QR scan thread");
        }
    }

    fn report_scan(&self, token: u64, event: ScanEvent) {
        let effects = {
            let mut st = self.lock();
            let now = self.shared.clock.monotonic();
            st.on_scan(token, event, now, &self.shared.store)
        };
        self.apply(effects);
    }

    /// The scan loop: hints are reported as they change; the last event (found, or the camera
    /// failing) is returned. `None`: the resident left, nothing more to say.
    fn look_for_a_code(&self, token: u64) -> Option<ScanEvent> {
        let open = self.shared.camera.as_ref()?;
        let mut camera = match open() {
            Ok(c) => c,
            Err(e) => return Some(ScanEvent::CameraFailed(e.to_string())),
        };
        let mut last_hint = None;
        while self.lock().scan_wanted(token) {
            let frame = match camera.next_frame() {
                Ok(f) => f,
                Err(e) => return Some(ScanEvent::CameraFailed(e.to_string())),
            };
            let hint = match read_qr(&frame) {
                Ok(qr) => {
                    // The platform may be slow: ask it before taking the station lock.
                    let verification = self.shared.qr_verifier.verify(&qr);
                    return Some(ScanEvent::Found {
                        token: qr.token,
                        verification,
                    });
                }
                Err(QrError::NotFound) => None,
                Err(QrError::Unreadable) => Some(QrHint::HoldSteady),
                Err(QrError::Foreign | QrError::TooLong(_)) => Some(QrHint::NotAHealthCode),
                Err(QrError::Several) => Some(QrHint::OneAtATime),
            };
            if let Some(h) = hint.filter(|h| last_hint != Some(*h)) {
                last_hint = Some(h);
                self.report_scan(token, ScanEvent::Hint(h));
            }
            std::thread::sleep(SCAN_FRAME_EVERY);
        }
        None
    }

    /// Runs the face framing guide on its own thread (after the resident's consent) until one
    /// good picture is taken, the resident leaves or the time runs out. The picture is wiped at
    /// once: no matcher is configured, so nothing may be concluded from it.
    pub(crate) fn scan_face(&self, token: u64) {
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("face-guide".into())
            .spawn(move || {
                let event = caught("face-guide", || k.frame_a_face(token))
                    .unwrap_or_else(|why| Some(FaceEvent::CameraFailed(format!("crashed: {why}"))));
                if let Some(event) = event {
                    k.report_face(token, event);
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the face guide thread");
        }
    }

    fn report_face(&self, token: u64, event: FaceEvent) {
        let effects = self.lock().on_face(token, event, &self.shared.store);
        self.apply(effects);
    }

    /// The face guide's loop, like [`Kiosk::look_for_a_code`].
    fn frame_a_face(&self, token: u64) -> Option<FaceEvent> {
        let open = self.shared.camera.as_ref()?;
        let mut guide = match FaceGuide::new(FaceGuideConfig::default()) {
            Ok(g) => g,
            Err(e) => return Some(FaceEvent::CameraFailed(e.to_string())),
        };
        let mut camera = match open() {
            Ok(c) => c,
            Err(e) => return Some(FaceEvent::CameraFailed(e.to_string())),
        };
        let mut last_hint = None;
        while self.lock().scan_wanted(token) {
            let frame = match camera.next_frame() {
                Ok(f) => f,
                Err(e) => return Some(FaceEvent::CameraFailed(e.to_string())),
            };
            let step = guide.step(&frame);
            if let Some(face) = step.captured {
                // Matching needs a reference (the ID card photo, a platform search): neither
                // is configured, so nothing is compared.
                drop(face);
                let outcome = station_camera::MatchOutcome::NotConfigured;
                return Some(FaceEvent::Captured(outcome));
            }
            let hint = face_hint(&step.framing);
            if last_hint != Some(hint) {
                last_hint = Some(hint);
                self.report_face(token, FaceEvent::Hint(hint));
            }
            std::thread::sleep(SCAN_FRAME_EVERY);
        }
        guide.reset();
        None
    }

    /// Renders and prints on its own thread (printing can take a minute); the outcome is shown
    /// only to the visit that asked for it. Whatever happens — a crash while rendering
    /// included — an outcome is reported, so the printer is never left marked busy.
    pub(crate) fn print_report(&self, job: PrintJob) {
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("report-print".into())
            .spawn(move || {
                let outcome = caught("report-print", || k.render_and_print(&job))
                    .unwrap_or_else(|why| Err(format!("printing crashed: {why}")));
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

    fn render_and_print(&self, job: &PrintJob) -> Result<station_printer::PrintOutcome, String> {
        let printer = self.shared.printer.as_ref().ok_or("no printer")?;
        let report = match &job.document {
            Document::Report(input) => station_report::render(input, job.paper),
            Document::Slip(input) => station_report::render_slip(input, job.paper),
        }
        .map_err(|e| format!("report: {e}"))?;
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

impl Kiosk {
    /// Admin mode's printer self-test: a page with the station's name and no resident on it.
    pub(crate) fn print_test_page(&self) {
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("admin-test-page".into())
            .spawn(move || {
                let printed = caught("admin-test-page", || k.render_and_print_test_page())
                    .unwrap_or_else(|why| Err(format!("crashed: {why}")));
                if let Err(why) = &printed {
                    tracing::warn!(%why, "test page not printed");
                }
                let effects = k.lock().on_admin_test_page(
                    printed.is_ok_and(|o| o == station_printer::PrintOutcome::Completed),
                );
                k.apply(effects);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the test page thread");
        }
    }

    fn render_and_print_test_page(&self) -> Result<station_printer::PrintOutcome, String> {
        let printer = self.shared.printer.as_ref().ok_or("no printer")?;
        let (input, paper) = {
            let st = self.lock();
            let now = self.shared.clock.now();
            let input = station_report::ReportInput {
                station_name: st.config.station_name.clone(),
                printed_at: station_core::clock::minute_stamp(&now),
                locale: st.config.locale,
                resident_masked_name: "—".into(),
                resident_masked_id: "—".into(),
                report_id: format!("TEST-{}", now.format("%Y%m%d%H%M")),
                bp: Vec::new(),
                bp_history: Vec::new(),
                other_readings: Vec::new(),
                questionnaire: None,
            };
            (input, st.config.paper)
        };
        let report = station_report::render(&input, paper).map_err(|e| format!("report: {e}"))?;
        printer
            .print("station-test-page", &report.pdf)
            .map_err(|e| e.to_string())
    }

    /// Admin mode's camera self-test: open it, take one frame, close it (nothing is kept).
    pub(crate) fn test_camera(&self) {
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("admin-test-camera".into())
            .spawn(move || {
                // The live picture for a few seconds, or until staff move on; the camera is
                // dropped (off) when this closure returns.
                let works = caught("admin-test-camera", || {
                    let open = k.shared.camera.as_ref()?;
                    let mut camera = open().ok()?;
                    let mut shown = 0;
                    for _ in 0..CAMERA_PREVIEW_PICTURES {
                        if !k.lock().admin_camera_previewing() {
                            break;
                        }
                        let frame = camera.next_frame().ok()?;
                        if let Some(window) = &k.shared.live_video {
                            window(SelfView::of(&frame).to_packet());
                        }
                        shown += 1;
                        std::thread::sleep(CAMERA_PREVIEW_EVERY);
                    }
                    (shown > 0).then_some(())
                })
                .ok()
                .flatten()
                .is_some();
                let effects = k.lock().on_admin_camera_test(works);
                k.apply(effects);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the camera test thread");
        }
    }
}

impl Kiosk {
    /// A photo for a fault report: the camera's picture for a moment (so staff can aim it),
    /// then the last frame as a JPEG. The camera is off when this thread ends.
    pub(crate) fn take_fault_photo(&self) {
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("admin-fault-photo".into())
            .spawn(move || {
                let photo = caught("admin-fault-photo", || {
                    let open = k.shared.camera.as_ref()?;
                    let mut camera = open().ok()?;
                    let mut last = None;
                    for _ in 0..FAULT_PHOTO_PICTURES {
                        if !k.lock().admin_fault_photo_taking() {
                            return None;
                        }
                        let frame = camera.next_frame().ok()?;
                        if let Some(window) = &k.shared.live_video {
                            window(SelfView::of(&frame).to_packet());
                        }
                        last = Some(frame);
                        std::thread::sleep(CAMERA_PREVIEW_EVERY);
                    }
                    let jpeg = last?.to_jpeg(crate::flows::fault::PHOTO_QUALITY);
                    jpeg.map_err(|e| tracing::warn!(error = %e, "cannot encode the fault photo"))
                        .ok()
                })
                .ok()
                .flatten();
                if photo.is_none() && k.lock().admin_fault_photo_taking() {
                    tracing::warn!("no photo for the fault report: the camera gave no picture");
                }
                let effects = k
                    .lock()
                    .on_admin_fault_photo(photo.map(crate::flows::fault::FaultPhoto));
                k.apply(effects);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the fault photo thread");
        }
    }
}

impl Kiosk {
    /// Admin mode's self-test of a measuring device: connect, read its battery, let it go.
    pub(crate) fn test_instrument(&self, kind: MeasureKind) {
        let Some(instrument) = self.instrument(kind) else {
            return;
        };
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("admin-test-instrument".into())
            .spawn(move || {
                let answer =
                    caught("admin-test-instrument", || instrument.check()).unwrap_or_else(|why| {
                        tracing::warn!(%why, "the device's self-test crashed");
                        Err(DeviceError::NoResponse)
                    });
                if let Err(e) = &answer {
                    tracing::warn!(kind = kind.as_str(), error = %e, "device self-test: no answer");
                }
                let effects = k.lock().on_admin_instrument_check(answer.ok());
                k.apply(effects);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the device test thread");
        }
    }

    /// Admin mode's "查找打印机": the print server's queues, asked on a thread of its own.
    pub(crate) fn find_printers(&self, server: String) {
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("admin-find-printers".into())
            .spawn(move || {
                let answer = caught("admin-find-printers", || {
                    station_printer::cups_queues(&server)
                })
                .map_err(station_printer::PrintError::Protocol)
                .and_then(|r| r);
                let queues = match answer {
                    Ok(q) => Some(q),
                    Err(e) => {
                        tracing::warn!(error = %e, "the print server did not list its printers");
                        None
                    }
                };
                let effects = k.lock().on_admin_printers(queues);
                k.apply(effects);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the printer search thread");
        }
    }

    /// Gives the prescription to the medicine cabinet on its own thread (a vendor's cabinet
    /// answers over a network or a serial line); the pickup code comes back tagged with `token`.
    pub(crate) fn reserve_medicine(&self, token: u64, order: station_cabinet::CabinetOrder) {
        let Some(cabinet) = self.shared.cabinet.clone() else {
            return;
        };
        let k = self.clone();
        let spawned = std::thread::Builder::new()
            .name("medicine-cabinet".into())
            .spawn(move || {
                let answer =
                    caught("medicine-cabinet", || cabinet.reserve(&order)).unwrap_or_else(|why| {
                        Err(station_cabinet::CabinetError::Unavailable(format!(
                            "crashed: {why}"
                        )))
                    });
                let effects = {
                    let mut st = k.lock();
                    let now = k.shared.clock.monotonic();
                    let (store, clock) = (&k.shared.store, k.shared.clock.as_ref());
                    st.on_cabinet(token, answer, now, store, clock)
                };
                k.apply(effects);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the medicine cabinet's thread");
        }
    }
}
