//! Picks the hardware backends for this station from the config and what is attached.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use station_camera::{CameraError, FrameSource, NotConfiguredVerifier, StillImageSource};
use station_card::{PcscReader, SimulatedReader, StaffCards};
use station_core::config::InstrumentChoice;
use station_core::config::{
    CameraChoice, CardReaderChoice, IdCardReaderChoice, PrinterChoice, StationConfig,
};
use station_devices::simulated::{script_env, SECONDS_ENV};
use station_devices::{Instrument, SimulatedInstrument};
use station_idcard::{IdCardReaderBackend, SerialSamReader, SimulatedIdCardReader};
use station_kiosk::{CameraOpener, Hardware};
use station_printer::{CupsPrinter, Printer, SimulatedPrinter};
use station_protocol::MeasureKind;
use station_voice::{PromptLibrary, RodioVoice};

pub fn select(config: &StationConfig, audio_dir: &Path) -> Hardware {
    let use_pcsc = match config.card_reader {
        CardReaderChoice::Pcsc => true,
        CardReaderChoice::Simulated => false,
        CardReaderChoice::Auto => station_card::pcsc_reader_attached(),
    };
    let staff = StaffCards::new(config.staff_card_uids.iter().cloned());
    let (reader, demo_reader): (Box<dyn station_card::CardReaderBackend>, _) = if use_pcsc {
        tracing::info!("card reader: PC/SC");
        (Box::new(PcscReader::new().with_staff_cards(staff)), None)
    } else {
        tracing::info!("card reader: simulated (demo mode)");
        let sim = SimulatedReader::new().with_staff_cards(staff);
        (Box::new(sim.clone()), Some(sim))
    };
    let (id_card_reader, demo_id_card) = id_card_reader(config, demo_reader.is_some());
    let printer = printer(config, demo_reader.is_some());
    let camera = camera(config, demo_reader.is_some());
    Hardware {
        camera,
        // The platform link (a later feature) brings the real verifier; until then every health
        // code is kept as "unverified" and the screen says so.
        qr_verifier: Arc::new(NotConfiguredVerifier),
        reader,
        demo_reader,
        id_card_reader,
        demo_id_card,
        printer,
        instruments: match config.instruments {
            InstrumentChoice::Simulated => simulated_instruments(),
            InstrumentChoice::Ble => ble_instruments(),
        },
        voice: Arc::new(RodioVoice::open(PromptLibrary::new(
            audio_dir.to_path_buf(),
        ))),
    }
}

/// The camera for health QR codes: opened only while a resident is showing a code.
fn camera(config: &StationConfig, demo: bool) -> Option<CameraOpener> {
    let simulated = || -> Option<CameraOpener> {
        tracing::info!("camera: simulated (shows a sample health code)");
        Some(Box::new(|| {
            station_camera::sim::demo_camera().map(|c| Box::new(c) as Box<dyn FrameSource>)
        }))
    };
    match &config.camera {
        CameraChoice::Auto if demo => simulated(),
        CameraChoice::Auto | CameraChoice::None => None,
        CameraChoice::Simulated => simulated(),
        CameraChoice::Stills(dir) => {
            tracing::info!(dir = %dir.display(), "camera: still images");
            let dir = dir.clone();
            Some(Box::new(move || {
                let mut files: Vec<_> = std::fs::read_dir(&dir)
                    .map_err(|e| CameraError::Backend(e.to_string()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "jpg"))
                    .collect();
                files.sort();
                StillImageSource::from_files(files).map(|c| Box::new(c) as Box<dyn FrameSource>)
            }))
        }
        CameraChoice::Device(index) => device_camera(*index),
    }
}

#[cfg(feature = "camera")]
fn device_camera(index: u32) -> Option<CameraOpener> {
    tracing::info!(index, "camera: a real camera through nokhwa");
    Some(Box::new(move || {
        let config = station_camera::NokhwaConfig {
            index,
            ..Default::default()
        };
        station_camera::NokhwaSource::open(config).map(|c| Box::new(c) as Box<dyn FrameSource>)
    }))
}

#[cfg(not(feature = "camera"))]
fn device_camera(index: u32) -> Option<CameraOpener> {
    tracing::error!(
        index,
        "[hardware] camera names a device, but this build has no camera support (feature \"camera\"); QR codes are off"
    );
    None
}

/// The resident-ID-card reader: a SAM module on a serial port, the simulator, or none.
fn id_card_reader(
    config: &StationConfig,
    demo: bool,
) -> (
    Option<Box<dyn IdCardReaderBackend>>,
    Option<SimulatedIdCardReader>,
) {
    let simulated = || {
        tracing::info!("ID card reader: simulated (demo mode)");
        let sim = SimulatedIdCardReader::new();
        (
            Some(Box::new(sim.clone()) as Box<dyn IdCardReaderBackend>),
            Some(sim),
        )
    };
    match &config.id_card_reader {
        IdCardReaderChoice::Auto if demo => simulated(),
        IdCardReaderChoice::Auto | IdCardReaderChoice::None => (None, None),
        IdCardReaderChoice::Simulated => simulated(),
        IdCardReaderChoice::Serial(path) => {
            tracing::info!(path = %path.display(), "ID card reader: SAM module on a serial port");
            (Some(Box::new(SerialSamReader::new(path.clone()))), None)
        }
    }
}

/// The report printer: a CUPS queue over IPP, the simulator, or none.
fn printer(config: &StationConfig, demo: bool) -> Option<Arc<dyn Printer>> {
    match &config.printer {
        PrinterChoice::Auto if demo => Some(Arc::new(SimulatedPrinter::new())),
        PrinterChoice::Auto | PrinterChoice::None => None,
        PrinterChoice::Simulated => Some(Arc::new(SimulatedPrinter::new())),
        PrinterChoice::Ipp {
            uri,
            job_timeout_secs,
        } => match CupsPrinter::new(uri) {
            Ok(p) => {
                tracing::info!(%uri, "printer: CUPS queue");
                let timeout = Duration::from_secs(u64::from(*job_timeout_secs));
                Some(Arc::new(p.with_job_timeout(timeout)))
            }
            Err(e) => {
                tracing::error!(error = %e, %uri, "printer queue address not usable; printing off");
                None
            }
        },
        #[cfg(windows)]
        PrinterChoice::WindowsSpooler {
            name,
            job_timeout_secs,
        } => match station_printer::WindowsSpoolerPrinter::new(name) {
            Ok(p) => {
                tracing::info!(printer = %name, "printer: Windows spooler");
                let timeout = Duration::from_secs(u64::from(*job_timeout_secs));
                Some(Arc::new(p.with_job_timeout(timeout)))
            }
            Err(e) => {
                tracing::error!(
                    error = %e,
                    printer = %name,
                    "Windows printer name not usable; printing off"
                );
                None
            }
        },
        #[cfg(not(windows))]
        PrinterChoice::WindowsSpooler { name, .. } => {
            tracing::error!(
                printer = %name,
                "printer.queue \"windows:…\" works only on Windows; printing off (use an ipp:// queue)"
            );
            None
        }
    }
}

/// One BLE instrument per kind, each finding its device by the profile's service when a
/// measurement starts (devices sleep between uses). Compiled in CI, not exercised: no Bluetooth
/// adapter there (see crates/devices/README.md).
#[cfg(feature = "ble")]
fn ble_instruments() -> Vec<Arc<dyn Instrument>> {
    use station_devices::ble::{BleInstrument, BtleplugConnector, Profile};
    MeasureKind::ALL
        .into_iter()
        .filter_map(|kind| match BtleplugConnector::new() {
            Ok(connector) => Some(Arc::new(BleInstrument::new(
                Profile::for_kind(kind),
                format!("ble:{}", kind.as_str()),
                connector,
            )) as Arc<dyn Instrument>),
            Err(e) => {
                tracing::error!(error = %e, kind = kind.as_str(), "BLE not usable; kind off");
                None
            }
        })
        .collect()
}

/// `devices.instruments = "ble"` in a build without BLE: no devices rather than pretend ones.
#[cfg(not(feature = "ble"))]
fn ble_instruments() -> Vec<Arc<dyn Instrument>> {
    tracing::error!("devices.instruments = \"ble\" but this build has no BLE (build with --features ble); measuring is off");
    Vec::new()
}

/// The demo's devices. `STATION_SIM_<KIND>` scripts each one; see crates/devices/README.md.
fn simulated_instruments() -> Vec<Arc<dyn Instrument>> {
    let seconds = std::env::var(SECONDS_ENV)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| (0.0..=120.0).contains(s))
        .unwrap_or(3.0);
    MeasureKind::ALL
        .into_iter()
        .map(|kind| {
            let (env, _) = script_env(kind);
            let script = std::env::var(env)
                .ok()
                .and_then(|s| match SimulatedInstrument::parse_script(kind, &s) {
                    Ok(script) => Some(script),
                    Err(e) => {
                        tracing::warn!(error = %e, "ignoring {env}");
                        None
                    }
                })
                .unwrap_or_default();
            Arc::new(SimulatedInstrument::new(
                kind,
                Duration::from_secs_f64(seconds),
                script,
            )) as Arc<dyn Instrument>
        })
        .collect()
}
