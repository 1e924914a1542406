//! `[station] mode`, `[hardware]`, `[printer] queue` and `[devices] instruments`: which backend
//! each hardware class uses. Resolved once, when the config is read, by one rule
//! ([`Setting::resolve`]): in a station, "auto" means the real device (or none) and
//! "simulated" is refused, so a value no device measured is never shown or stored; in demo mode
//! "auto" means the simulator. Demo mode is only ever asked for (`mode = "demo"` or `--demo`).

use std::path::PathBuf;

/// How the station runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StationMode {
    /// Real hardware only. A missing device is a fault told to staff, never a simulator.
    Station,
    /// Simulated hardware allowed (and the default), its own data directory, a 演示模式 banner,
    /// every reading marked as a demonstration.
    Demo,
}

impl StationMode {
    pub(super) fn parse(s: &str) -> Option<StationMode> {
        match s.trim() {
            "station" => Some(StationMode::Station),
            "demo" => Some(StationMode::Demo),
            _ => None,
        }
    }
}

/// The social-security card slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardReaderChoice {
    /// Any PC/SC reader; none attached is a fault ("读卡器未连接") until one appears.
    Pcsc,
    Simulated,
}

/// The resident-ID-card reader (SAM module on a serial port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdCardReaderChoice {
    None,
    Simulated,
    /// The serial device of the SAM module, e.g. `/dev/ttyUSB0` or `COM3`.
    Serial(PathBuf),
}

/// The camera for health QR codes and the face guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraChoice {
    None,
    /// Shows a sample health code.
    Simulated,
    /// Still images looped as camera frames (`stills:<directory>`): frames no camera took, so
    /// demo mode only (tests and trials).
    Stills(PathBuf),
    /// A real camera by the OS's index (`device:0` = /dev/video0); needs the `camera` build feature.
    Device(u32),
}

/// The microphone of the cloud clinic's video call (on only during a call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicrophoneChoice {
    None,
    /// A steady tone: the doctor hears that sound flows, and no one's voice (demo mode only).
    Simulated,
    /// The OS's default input device.
    Default,
}

/// The report printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterChoice {
    None,
    Simulated,
    /// A CUPS queue over IPP, e.g. `ipp://localhost:631/printers/Report`, with how long a job
    /// may take before it is cancelled (a paused queue would otherwise hold it forever).
    Ipp {
        uri: String,
        job_timeout_secs: u32,
    },
    /// A printer installed in Windows, by its name there (`queue = "windows:<name>"`), through
    /// the Windows spooler; Windows builds only. Same job deadline as `Ipp`.
    WindowsSpooler {
        name: String,
        job_timeout_secs: u32,
    },
}

/// The measuring devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentChoice {
    /// No measuring device: every kind is shown as "本站暂无此设备".
    None,
    Simulated,
    /// Bluetooth SIG health-profile devices over BLE.
    Ble,
}

/// The medicine cabinet (便民取药柜) a doctor's prescription goes to (`[hardware] cabinet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CabinetChoice {
    /// No cabinet (no vendor adapter yet): the pickup slip sends the resident to the pharmacy.
    None,
    Simulated,
}

/// One hardware setting as written in the file, before the mode decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Setting<T> {
    Auto,
    Simulated,
    Given(T),
}

/// Why a setting cannot be used in this mode.
pub(super) const SIMULATED_ONLY_IN_DEMO: &str =
    "names simulated hardware, which only demo mode may use ([station] mode = \"demo\" or --demo): \
     a station never shows a value no device measured";

impl<T> Setting<T> {
    /// The one rule: "auto" is the simulator in demo mode and `in_station` otherwise;
    /// "simulated" (and anything `simulated_only` says is not a real device) only in demo mode.
    pub(super) fn resolve(
        self,
        mode: StationMode,
        simulated: T,
        in_station: T,
        simulated_only: impl Fn(&T) -> bool,
    ) -> Result<T, &'static str> {
        match (self, mode) {
            (Setting::Auto, StationMode::Demo) | (Setting::Simulated, StationMode::Demo) => {
                Ok(simulated)
            }
            (Setting::Auto, StationMode::Station) => Ok(in_station),
            (Setting::Simulated, StationMode::Station) => Err(SIMULATED_ONLY_IN_DEMO),
            (Setting::Given(t), StationMode::Station) if simulated_only(&t) => {
                Err(SIMULATED_ONLY_IN_DEMO)
            }
            (Setting::Given(t), _) => Ok(t),
        }
    }
}

pub(super) fn card_reader(s: &str) -> Option<Setting<CardReaderChoice>> {
    match s.trim() {
        "auto" => Some(Setting::Auto),
        "simulated" => Some(Setting::Simulated),
        "pcsc" => Some(Setting::Given(CardReaderChoice::Pcsc)),
        _ => None,
    }
}

pub(super) fn id_card_reader(s: &str) -> Option<Setting<IdCardReaderChoice>> {
    match s.trim() {
        "" => None,
        "auto" => Some(Setting::Auto),
        "none" => Some(Setting::Given(IdCardReaderChoice::None)),
        "simulated" => Some(Setting::Simulated),
        path => Some(Setting::Given(IdCardReaderChoice::Serial(PathBuf::from(
            path,
        )))),
    }
}

pub(super) fn camera(s: &str) -> Option<Setting<CameraChoice>> {
    match s.trim() {
        "auto" => Some(Setting::Auto),
        "none" => Some(Setting::Given(CameraChoice::None)),
        "simulated" => Some(Setting::Simulated),
        other => {
            if let Some(dir) = other.strip_prefix("stills:").filter(|d| !d.is_empty()) {
                Some(Setting::Given(CameraChoice::Stills(PathBuf::from(dir))))
            } else {
                other
                    .strip_prefix("device:")
                    .and_then(|n| n.parse().ok())
                    .map(|n| Setting::Given(CameraChoice::Device(n)))
            }
        }
    }
}

pub(super) fn microphone(s: &str) -> Option<Setting<MicrophoneChoice>> {
    match s.trim() {
        "auto" => Some(Setting::Auto),
        "none" => Some(Setting::Given(MicrophoneChoice::None)),
        "simulated" => Some(Setting::Simulated),
        "default" => Some(Setting::Given(MicrophoneChoice::Default)),
        _ => None,
    }
}

pub(super) fn cabinet(s: &str) -> Option<Setting<CabinetChoice>> {
    match s.trim() {
        "auto" => Some(Setting::Auto),
        "none" => Some(Setting::Given(CabinetChoice::None)),
        "simulated" => Some(Setting::Simulated),
        _ => None,
    }
}

pub(super) fn instruments(s: &str) -> Option<Setting<InstrumentChoice>> {
    match s.trim() {
        "auto" => Some(Setting::Auto),
        "none" => Some(Setting::Given(InstrumentChoice::None)),
        "simulated" => Some(Setting::Simulated),
        "ble" => Some(Setting::Given(InstrumentChoice::Ble)),
        _ => None,
    }
}

/// `[printer] queue`; `None` with the reason when it is not a queue we know.
pub(super) fn printer(
    s: &str,
    job_timeout_secs: u32,
) -> Result<Setting<PrinterChoice>, &'static str> {
    match s.trim() {
        "auto" => Ok(Setting::Auto),
        "none" => Ok(Setting::Given(PrinterChoice::None)),
        "simulated" => Ok(Setting::Simulated),
        uri if uri.starts_with("ipp://") || uri.starts_with("http://") => {
            Ok(Setting::Given(PrinterChoice::Ipp {
                uri: uri.to_string(),
                job_timeout_secs,
            }))
        }
        queue if queue.starts_with("windows:") => {
            let name = queue["windows:".len()..].trim();
            if name.is_empty() || name.contains('\0') {
                return Err(
                    "needs the printer's name as Windows shows it after \"windows:\", \
                            e.g. \"windows:Microsoft Print to PDF\"",
                );
            }
            Ok(Setting::Given(PrinterChoice::WindowsSpooler {
                name: name.to_string(),
                job_timeout_secs,
            }))
        }
        _ => Err(
            "must be \"auto\", \"none\", \"simulated\", an ipp:// queue address \
                  or \"windows:<printer name>\"",
        ),
    }
}
