//! Picks the hardware backends for this station from the config and what is attached.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use station_card::{PcscReader, SimulatedReader, StaffCards};
use station_core::config::{CardReaderChoice, IdCardReaderChoice, PrinterChoice, StationConfig};
use station_devices::blood_pressure::SCRIPT_ENV;
use station_devices::SimulatedBpMonitor;
use station_idcard::{IdCardReaderBackend, SerialSamReader, SimulatedIdCardReader};
use station_kiosk::Hardware;
use station_printer::{CupsPrinter, Printer, SimulatedPrinter};
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
    Hardware {
        reader,
        demo_reader,
        id_card_reader,
        demo_id_card,
        printer,
        bp_monitor: Arc::new(simulated_bp_monitor()),
        voice: Arc::new(RodioVoice::open(PromptLibrary::new(
            audio_dir.to_path_buf(),
        ))),
    }
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
    }
}

/// Blood pressure is simulated until the BLE backend lands (self-test issue).
fn simulated_bp_monitor() -> SimulatedBpMonitor {
    let script = std::env::var(SCRIPT_ENV)
        .ok()
        .and_then(|s| match SimulatedBpMonitor::parse_script(&s) {
            Ok(script) => Some(script),
            Err(e) => {
                tracing::warn!(error = %e, "ignoring {SCRIPT_ENV}");
                None
            }
        })
        .unwrap_or_default();
    let seconds = std::env::var("STATION_SIM_BP_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| (0.0..=120.0).contains(s))
        .unwrap_or(3.0);
    SimulatedBpMonitor::new(Duration::from_secs_f64(seconds), script)
}
