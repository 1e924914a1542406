//! The station runtime: owns the phase and the screen, reacts to the card readers, the
//! devices, the camera, the printer, the clock and the resident's actions, and publishes a
//! whole [`StationView`] after every change. The Tauri shell only forwards actions in and views
//! out.
//!
//! One visit (Wenzhou 6.3): Welcome → Identifying → InVisit (home, self-test, results, reports,
//! questionnaire, staff manual entry) → (logout | card pulled | idle timeout) → Goodbye →
//! Welcome. `station.rs` is the state machine, `visit.rs` the visit as one value, `flows/` one
//! file per flow; this file runs the threads and carries out their effects.

mod call_media;
mod effects;
mod flows;
mod phase;
mod readers;
mod report_input;
mod station;
#[cfg(test)]
mod tests;
mod visit;
mod workers;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use call_media::LiveVideoSink;
use effects::Effects;
use flows::Capabilities;
use readers::Readers;
use station::Station;
pub use station_call::{MediaSettings, RemoteVideo, VideoCodec};
use station_camera::QrVerifier;
use station_card::{CardReaderBackend, ReaderEvent, ReaderHandle, SimulatedReader};
use station_clinic_link::{ClinicLink, LinkEvent};
pub use station_core::clock::{Clock, ManualClock, SystemClock};
use station_core::config::{StationConfig, StationMode};
use station_devices::Instrument;
use station_idcard::{IdCardEvent, IdCardReaderBackend, IdReaderHandle, SimulatedIdCardReader};
use station_printer::Printer;
use station_protocol::{Action, DemoCard, MeasureKind, Notice, ReaderStatus, StationView};
use station_store::{AuditEvent, Store};
use station_voice::Voice;
use workers::caught;
pub use workers::install_panic_hook;

/// The hardware a station runs with. When the card slot is simulated (demo mode), its handle
/// is kept in `demo_reader` so the on-screen demo controls can insert and pull cards.
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
    /// The doctor console to call (`[clinic]` with its key read from the key file), if any.
    pub clinic: Option<LinkConfig>,
    /// The medicine cabinet prescriptions go to, if the station has one.
    pub cabinet: Option<Arc<dyn station_cabinet::MedicineCabinet>>,
    /// Where live pictures go (the shell's window): the call's, the camera self-test's.
    pub live_video: Option<LiveVideoSink>,
    /// The call's media: addresses offered, frame rate, bitrate.
    pub media_settings: station_call::MediaSettings,
    /// Opens the microphone for a call (on only while the resident talks with a doctor).
    pub microphone: Option<station_call::audio::MicrophoneOpener>,
    /// Opens the way to the speaker for the doctor's voice, for a call.
    pub speaker: Option<station_call::audio::SpeakerOpener>,
}

pub use station_clinic_link::LinkConfig;

/// The link settings of `[clinic]`: the address and station id, and the key read from its file
/// (surrounding whitespace dropped). The key is never logged.
pub fn clinic_link_config(
    settings: &station_core::config::ClinicSettings,
) -> std::io::Result<LinkConfig> {
    let key = std::fs::read_to_string(&settings.key_file)?
        .trim()
        .to_string();
    if key.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the clinic key file is empty",
        ));
    }
    Ok(LinkConfig {
        url: settings.url.clone(),
        station: settings.station.clone(),
        key,
    })
}

pub use station_camera::CameraOpener;

pub type Publisher = Box<dyn Fn(StationView) + Send + Sync>;

/// What closes the app when staff ask for the desktop.
pub type ExitHandler = Box<dyn Fn() + Send + Sync>;

pub use flows::admin::StationFiles;

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
    /// Closes the app (admin mode's "关闭自助机"); the shell sets it.
    exit: Mutex<Option<ExitHandler>>,
    id_reader_handle: Mutex<Option<IdReaderHandle>>,
    /// The link to the doctor console, while the station has one.
    clinic: Mutex<Option<ClinicLink>>,
    cabinet: Option<Arc<dyn station_cabinet::MedicineCabinet>>,
    /// The media of the call in progress (only while talking with a doctor).
    media: Mutex<Option<station_call::MediaCall>>,
    /// The newest quality the call's media reported; the station clock carries it into the view
    /// (the media thread never takes the station's lock: see `call_media.rs`).
    call_quality: Arc<Mutex<station_protocol::CallQuality>>,
    live_video: Option<LiveVideoSink>,
    media_settings: station_call::MediaSettings,
    /// The console's relays for the call's media (told as the link comes up).
    call_relays: Mutex<call_media::CallRelays>,
    microphone: Option<station_call::audio::MicrophoneOpener>,
    speaker: Option<station_call::audio::SpeakerOpener>,
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
        let demo = config.mode == StationMode::Demo;
        let caps = Capabilities {
            has_printer: hardware.printer.is_some(),
            printer_busy: false,
            measure_kinds,
            clinic_online: false,
            has_cabinet: hardware.cabinet.is_some(),
        };
        let readers = Readers {
            // The simulator is always there; a real reader reports its own status.
            card: hardware
                .demo_reader
                .is_some()
                .then_some(ReaderStatus::Ready),
            id_card: None,
            has_camera: hardware.camera.is_some(),
            demo_cards: [
                (hardware.demo_reader.is_some(), DemoCard::Resident),
                (hardware.demo_reader.is_some(), DemoCard::Unreadable),
                (hardware.demo_id_card.is_some(), DemoCard::IdCard),
            ]
            .into_iter()
            .filter_map(|(present, card)| present.then_some(card))
            .collect(),
        };
        let pins = flows::admin::Pins(station_staff::StaffPins::new(store.clone(), clock.clone()));
        let mut state = Station::new(config, demo, caps, readers, clock.as_ref(), pins);
        if store.recovery().is_some() {
            // Which backup, and from when, is in the log and the audit; the screen tells staff.
            state.notice = Some(Notice::StoreRestored);
        }
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
                exit: Mutex::new(None),
                id_reader_handle: Mutex::new(None),
                clinic: Mutex::new(None),
                cabinet: hardware.cabinet,
                media: Mutex::new(None),
                call_quality: Arc::default(),
                live_video: hardware.live_video,
                media_settings: hardware.media_settings,
                call_relays: Mutex::default(),
                microphone: hardware.microphone,
                speaker: hardware.speaker,
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
        // A panic while handling an event must not kill the reader's watcher thread.
        let handle = hardware.reader.start(Box::new(move |event| {
            let _ = caught("card-reader event", || k.on_reader_event(event));
        }));
        if let Ok(mut h) = kiosk.shared.reader_handle.lock() {
            *h = Some(handle);
        }
        if let Some(config) = hardware.clinic {
            kiosk.start_clinic_link(config);
        }
        if let Some(id_reader) = hardware.id_card_reader {
            let k = kiosk.clone();
            let handle = id_reader.start(Box::new(move |event| {
                let _ = caught("id-card-reader event", || k.on_id_card_event(event));
            }));
            if let Ok(mut h) = kiosk.shared.id_reader_handle.lock() {
                *h = Some(handle);
            }
        }
        kiosk
    }

    /// Runs [`Kiosk::tick`] on a background thread for as long as the process lives; a tick
    /// that panics is logged and the next one runs (the clock never stops).
    pub fn spawn_ticker(&self) {
        let k = self.clone();
        std::thread::Builder::new()
            .name("station-tick".into())
            .spawn(move || loop {
                std::thread::sleep(TICK);
                let _ = caught("station-tick", || k.tick());
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
        let quality = self.call_quality();
        let effects = {
            let mut st = self.lock();
            let now = self.shared.clock.monotonic();
            let mut fx = st.tick(now, &self.shared.store, self.shared.clock.as_ref());
            fx.changed |= st.note_call_quality(quality);
            fx
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

    /// Starts the link to the doctor console; its events come back through `on_clinic`.
    fn start_clinic_link(&self, config: LinkConfig) {
        let k = self.clone();
        let link = ClinicLink::start(config, move |event| {
            let _ = caught("clinic-link event", || k.on_clinic_event(event));
        });
        match link {
            Ok(link) => {
                if let Ok(mut slot) = self.shared.clinic.lock() {
                    *slot = Some(link);
                }
            }
            // Staff see it in the log; residents see the tile say the doctors cannot be reached.
            Err(e) => tracing::error!(error = %e, "cannot start the doctor console link"),
        }
    }

    fn on_clinic_event(&self, event: LinkEvent) {
        if let LinkEvent::Connected {
            ice_servers,
            relay_only,
            ..
        } = &event
        {
            self.set_call_relays(call_media::CallRelays::from_console(
                ice_servers,
                *relay_only,
            ));
        }
        let effects = {
            let mut st = self.lock();
            let now = self.shared.clock.monotonic();
            st.on_clinic(event, now, &self.shared.store, self.shared.clock.as_ref())
        };
        self.apply(effects);
    }

    /// Sends the station's messages to the doctor console, in order. One the link cannot take
    /// (down at that instant) is logged: the console ends a call it stops hearing about.
    fn send_to_clinic(&self, messages: Vec<station_clinic_protocol::FromStation>) {
        if messages.is_empty() {
            return;
        }
        let Ok(link) = self.shared.clinic.lock() else {
            return;
        };
        for message in messages {
            let sent = link.as_ref().map(|l| l.send(message));
            if !matches!(sent, Some(Ok(()))) {
                tracing::warn!("a message to the doctor console was not sent (link down)");
            }
        }
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
        if let Some((locale, text)) = effects.read {
            s.voice.read(locale, &text);
        }
        if effects.replay {
            s.voice.replay();
        }
        self.send_to_clinic(effects.clinic_send);
        self.follow_call_media(effects.media_signals);
        if let Some((token, order)) = effects.reserve_medicine {
            self.reserve_medicine(token, order);
        }
        if let Some(card) = effects.demo_insert {
            match (card, &s.demo_reader, &s.demo_id_card) {
                (DemoCard::IdCard, _, Some(id)) => {
                    id.place(station_idcard::simulated::sample_holder())
                }
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
        if effects.admin_test_page {
            self.print_test_page();
        }
        if effects.admin_test_camera {
            self.test_camera();
        }
        if effects.admin_fault_photo {
            self.take_fault_photo();
        }
        if let Some(kind) = effects.admin_test_instrument {
            self.test_instrument(kind);
        }
        if let Some(server) = effects.admin_find_printers {
            self.find_printers(server);
        }
        if effects.exit {
            if let Ok(exit) = s.exit.lock() {
                if let Some(exit) = exit.as_ref() {
                    exit();
                }
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

    /// Where admin mode writes settings and reads the logs.
    pub fn set_station_files(&self, files: StationFiles) {
        self.lock().files = files;
    }

    /// What closes the app when staff ask for the desktop from admin mode.
    pub fn set_exit_handler(&self, exit: ExitHandler) {
        if let Ok(mut h) = self.shared.exit.lock() {
            *h = Some(exit);
        }
    }

    /// The kiosk's version, for staff (admin mode's problems page).
    pub fn set_version(&self, version: &str) {
        self.lock().software.version = version.to_string();
    }

    /// How the kiosk's updates stand now (the shell's updater tells), for staff.
    pub fn set_update_state(&self, state: station_protocol::UpdateState) {
        self.lock().software.update = state;
    }

    /// Whether nobody is using the station (see `Station::is_quiet`): the moment for an update.
    pub fn is_quiet(&self) -> bool {
        self.lock().is_quiet()
    }

    /// Whether the window may close: only from admin mode (a kiosk has no close button).
    pub fn may_close(&self) -> bool {
        self.lock().may_close()
    }

    /// Ends any visit (app shutdown).
    pub fn shutdown(&self) {
        let effects = self.lock().shutdown(&self.shared.store);
        self.send_to_clinic(effects.clinic_send);
        // Dropping the link closes the socket after the farewell above went out. Taken out of
        // the lock first: the link's thread may be waiting for that lock to deliver an event.
        let link = self
            .shared
            .clinic
            .lock()
            .ok()
            .and_then(|mut slot| slot.take());
        drop(link);
        // The call's media (and the camera) end with the app.
        let media = self.shared.media.lock().ok().and_then(|mut m| m.take());
        drop(media);
        self.shared.voice.stop();
        if let Ok(mut h) = self.shared.reader_handle.lock() {
            h.take();
        }
        if let Ok(mut h) = self.shared.id_reader_handle.lock() {
            h.take();
        }
    }
}
