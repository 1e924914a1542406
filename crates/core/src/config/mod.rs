//! Station configuration: one TOML file written by the installer or staff, validated at start.
//! Every error names the key at fault so staff can fix the file without reading code.

use std::path::{Path, PathBuf};

use chrono::NaiveTime;
use serde::Deserialize;
use station_protocol::Locale;
use thiserror::Error;

mod hardware;
mod storage;
pub use hardware::{
    CameraChoice, CardReaderChoice, IdCardReaderChoice, InstrumentChoice, PrinterChoice,
    StationMode,
};
pub use storage::StorageSettings;

#[derive(Debug, Clone, PartialEq)]
pub struct StationConfig {
    /// A real station, or a demonstration (asked for explicitly; see [`StationMode`]).
    pub mode: StationMode,
    /// Full name per Wenzhou standard 5.3.1: 街镇名 + 村（社区）名 + 识别名(可选) + 智慧健康站.
    pub station_name: String,
    pub locale: Locale,
    pub opening: OpeningHours,
    pub idle: IdlePolicy,
    pub volume: u8,
    pub card_reader: CardReaderChoice,
    pub id_card_reader: IdCardReaderChoice,
    /// The camera for health QR codes.
    pub camera: CameraChoice,
    pub printer: PrinterChoice,
    /// Paper the report is laid out for.
    pub paper: Paper,
    /// A measurement not finished by then is given up ("设备没有响应"), whatever the device does.
    pub measure_timeout_secs: u32,
    /// Where measurements come from.
    pub instruments: InstrumentChoice,
    /// Where the store lives; `None` = the OS app-data directory chosen by the shell.
    pub data_dir: Option<PathBuf>,
    /// The station key's directory, backups and retention (`[storage]`).
    pub storage: StorageSettings,
    /// UIDs of this station's staff cards (fixed-UID badges); such cards never identify a resident.
    pub staff_card_uids: Vec<Vec<u8>>,
    /// The touchscreen's diagonal in inches (`[display] diagonal_inches`, 21.5 by default): text
    /// and targets are sized in millimetres on the glass.
    pub panel_diagonal_inches: f32,
}

pub use station_protocol::Paper;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpeningHours {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

impl OpeningHours {
    pub fn is_open(&self, now: NaiveTime) -> bool {
        now >= self.opens && now < self.closes
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdlePolicy {
    /// Seconds without a touch before the warning appears.
    pub timeout_secs: u32,
    /// Seconds the warning (with its countdown) stays before logout.
    pub warning_secs: u32,
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("config file {path} cannot be read: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("config file {path}: key `{key}` {reason}")]
    Invalid {
        path: PathBuf,
        key: &'static str,
        reason: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    station: RawStation,
    #[serde(default)]
    hours: RawHours,
    #[serde(default)]
    idle: RawIdle,
    #[serde(default)]
    voice: RawVoice,
    #[serde(default)]
    hardware: RawHardware,
    #[serde(default)]
    storage: storage::RawStorage,
    #[serde(default)]
    staff: RawStaff,
    #[serde(default)]
    printer: RawPrinter,
    #[serde(default)]
    devices: RawDevices,
    #[serde(default)]
    display: RawDisplay,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawDisplay {
    diagonal_inches: f64,
}

impl Default for RawDisplay {
    fn default() -> Self {
        // The commonest health-station all-in-one panel.
        RawDisplay {
            diagonal_inches: 21.5,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawDevices {
    measure_timeout_seconds: i64,
    instruments: String,
}

impl Default for RawDevices {
    fn default() -> Self {
        RawDevices {
            measure_timeout_seconds: 90,
            // Demo: the simulators. Station: none, until the devices are named ("ble").
            instruments: "auto".into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrinter {
    #[serde(default = "default_printer_queue")]
    queue: String,
    #[serde(default = "default_job_timeout")]
    job_timeout_seconds: i64,
    #[serde(default = "default_paper")]
    paper: String,
}

fn default_paper() -> String {
    "a4".into()
}

fn default_printer_queue() -> String {
    "auto".into()
}

fn default_job_timeout() -> i64 {
    60
}

impl Default for RawPrinter {
    fn default() -> Self {
        RawPrinter {
            queue: default_printer_queue(),
            job_timeout_seconds: default_job_timeout(),
            paper: default_paper(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStaff {
    #[serde(default)]
    card_uids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStation {
    town: String,
    community: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default = "default_locale")]
    locale: String,
    #[serde(default = "default_mode")]
    mode: String,
}

fn default_mode() -> String {
    "station".into()
}

fn default_locale() -> String {
    "zh-CN".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    opens: String,
    closes: String,
}

impl Default for RawHours {
    fn default() -> Self {
        RawHours {
            opens: "08:30".into(),
            closes: "19:00".into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdle {
    timeout_seconds: i64,
    warning_seconds: i64,
}

impl Default for RawIdle {
    fn default() -> Self {
        RawIdle {
            timeout_seconds: 60,
            warning_seconds: 20,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVoice {
    volume: i64,
}

impl Default for RawVoice {
    fn default() -> Self {
        RawVoice { volume: 80 }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHardware {
    #[serde(default = "default_card_reader")]
    card_reader: String,
    #[serde(default = "default_id_card_reader")]
    id_card_reader: String,
    #[serde(default = "default_camera")]
    camera: String,
}

fn default_card_reader() -> String {
    "auto".into()
}

fn default_camera() -> String {
    "auto".into()
}

fn default_id_card_reader() -> String {
    "auto".into()
}

impl Default for RawHardware {
    fn default() -> Self {
        RawHardware {
            card_reader: default_card_reader(),
            id_card_reader: default_id_card_reader(),
            camera: default_camera(),
        }
    }
}

/// The suffix every station name carries (Wenzhou 5.3.1).
const NAME_SUFFIX: &str = "智慧健康站";

impl StationConfig {
    /// Reads the file; `demo` (the `--demo` flag) runs it as a demonstration whatever its mode.
    pub fn load(path: &Path, demo: bool) -> Result<StationConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        StationConfig::parse_with(&text, path, demo)
    }

    /// The config as the file says, in the file's mode.
    pub fn parse(text: &str, path: &Path) -> Result<StationConfig, ConfigError> {
        StationConfig::parse_with(text, path, false)
    }

    pub fn parse_with(text: &str, path: &Path, demo: bool) -> Result<StationConfig, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        let invalid = |key: &'static str, reason: &str| ConfigError::Invalid {
            path: path.to_path_buf(),
            key,
            reason: reason.to_string(),
        };

        let town = raw.station.town.trim();
        let community = raw.station.community.trim();
        if town.is_empty() {
            return Err(invalid(
                "station.town",
                "must name the town or street (街镇名)",
            ));
        }
        if community.is_empty() {
            return Err(invalid(
                "station.community",
                "must name the village or community (村/社区名)",
            ));
        }
        let label = raw.station.label.as_deref().map(str::trim).unwrap_or("");
        let station_name = format!("{town}{community}{label}{NAME_SUFFIX}");

        let mode = match StationMode::parse(&raw.station.mode) {
            Some(_) if demo => StationMode::Demo,
            Some(mode) => mode,
            None => return Err(invalid("station.mode", "must be \"station\" or \"demo\"")),
        };
        let locale = Locale::from_tag(&raw.station.locale)
            .ok_or_else(|| invalid("station.locale", "must be \"zh-CN\" or \"en-US\""))?;

        let opens = parse_time(&raw.hours.opens)
            .ok_or_else(|| invalid("hours.opens", "must be a time like \"08:30\""))?;
        let closes = parse_time(&raw.hours.closes)
            .ok_or_else(|| invalid("hours.closes", "must be a time like \"19:00\""))?;
        if closes <= opens {
            return Err(invalid("hours.closes", "must be later than hours.opens"));
        }

        let timeout_secs = u32::try_from(raw.idle.timeout_seconds)
            .ok()
            .filter(|s| (10..=3600).contains(s))
            .ok_or_else(|| invalid("idle.timeout_seconds", "must be between 10 and 3600"))?;
        let warning_secs = u32::try_from(raw.idle.warning_seconds)
            .ok()
            .filter(|s| (5..=300).contains(s))
            .ok_or_else(|| invalid("idle.warning_seconds", "must be between 5 and 300"))?;

        let volume = u8::try_from(raw.voice.volume)
            .ok()
            .filter(|v| *v <= 100)
            .ok_or_else(|| invalid("voice.volume", "must be between 0 and 100"))?;

        let card_reader = hardware::card_reader(&raw.hardware.card_reader)
            .ok_or("must be \"auto\", \"pcsc\" or \"simulated\"")
            .and_then(|s| {
                s.resolve(
                    mode,
                    CardReaderChoice::Simulated,
                    CardReaderChoice::Pcsc,
                    |_| false,
                )
            })
            .map_err(|why| invalid("hardware.card_reader", why))?;
        let camera = hardware::camera(&raw.hardware.camera)
            .ok_or("must be \"auto\", \"none\", \"simulated\", \"stills:<directory>\" or \"device:<index>\"")
            .and_then(|s| {
                s.resolve(mode, CameraChoice::Simulated, CameraChoice::None, |c| {
                    matches!(c, CameraChoice::Stills(_))
                })
            })
            .map_err(|why| invalid("hardware.camera", why))?;
        let id_card_reader = hardware::id_card_reader(&raw.hardware.id_card_reader)
            .ok_or("must be \"auto\", \"none\", \"simulated\" or a serial device path")
            .and_then(|s| {
                s.resolve(
                    mode,
                    IdCardReaderChoice::Simulated,
                    IdCardReaderChoice::None,
                    |_| false,
                )
            })
            .map_err(|why| invalid("hardware.id_card_reader", why))?;

        let job_timeout_secs = u32::try_from(raw.printer.job_timeout_seconds)
            .ok()
            .filter(|s| (5..=600).contains(s))
            .ok_or_else(|| invalid("printer.job_timeout_seconds", "must be between 5 and 600"))?;
        let printer = hardware::printer(&raw.printer.queue, job_timeout_secs)
            .and_then(|s| {
                s.resolve(mode, PrinterChoice::Simulated, PrinterChoice::None, |_| {
                    false
                })
            })
            .map_err(|why| invalid("printer.queue", why))?;

        let paper = match raw.printer.paper.trim() {
            "a4" => Paper::A4,
            "receipt-80mm" => Paper::Receipt80mm,
            _ => {
                return Err(invalid(
                    "printer.paper",
                    "must be \"a4\" or \"receipt-80mm\"",
                ))
            }
        };
        let measure_timeout_secs = u32::try_from(raw.devices.measure_timeout_seconds)
            .ok()
            .filter(|s| (5..=600).contains(s))
            .ok_or_else(|| {
                invalid(
                    "devices.measure_timeout_seconds",
                    "must be between 5 and 600",
                )
            })?;

        let instruments = hardware::instruments(&raw.devices.instruments)
            .ok_or("must be \"auto\", \"none\", \"ble\" or \"simulated\"")
            .and_then(|s| {
                s.resolve(
                    mode,
                    InstrumentChoice::Simulated,
                    InstrumentChoice::None,
                    |_| false,
                )
            })
            .map_err(|why| invalid("devices.instruments", why))?;

        let staff_card_uids = raw
            .staff
            .card_uids
            .iter()
            .map(|s| parse_uid(s))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                invalid(
                    "staff.card_uids",
                    "must list card UIDs of 4 to 10 bytes in hexadecimal, like \"04A1B2C3\"",
                )
            })?;

        let storage = storage::resolve(&raw.storage).map_err(|(key, why)| invalid(key, why))?;

        let diagonal = raw.display.diagonal_inches;
        if !(10.0..=100.0).contains(&diagonal) {
            return Err(invalid(
                "display.diagonal_inches",
                "must be the touchscreen's diagonal in inches, between 10 and 100",
            ));
        }
        #[allow(clippy::cast_possible_truncation)] // 10..=100 fits an f32 exactly enough
        let panel_diagonal_inches = diagonal as f32;

        Ok(StationConfig {
            panel_diagonal_inches,
            mode,
            station_name,
            locale,
            opening: OpeningHours { opens, closes },
            idle: IdlePolicy {
                timeout_secs,
                warning_secs,
            },
            volume,
            card_reader,
            id_card_reader,
            camera,
            printer,
            paper,
            measure_timeout_secs,
            instruments,
            data_dir: raw.storage.data_dir,
            storage,
            staff_card_uids,
        })
    }
}

/// A card UID in hexadecimal; spaces and colons between bytes are allowed.
fn parse_uid(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s.bytes().filter(|b| !matches!(b, b' ' | b':')).collect();
    if !digits.len().is_multiple_of(2) || !(8..=20).contains(&digits.len()) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

#[cfg(test)]
mod tests;
