//! Station configuration: one TOML file written by the installer or staff, validated at start.
//! Every error names the key at fault so staff can fix the file without reading code.

use std::path::{Path, PathBuf};

use station_protocol::{IdentifyMethod, Locale};
use thiserror::Error;

use raw::RawConfig;

mod clinic;
pub mod edit;
mod hardware;
mod hours;
mod raw;
mod storage;
mod update;
pub use clinic::ClinicSettings;
pub use edit::{write_setting, Setting};
pub use hardware::{
    CabinetChoice, CameraChoice, CardReaderChoice, IdCardReaderChoice, InstrumentChoice,
    MicrophoneChoice, PrinterChoice, StationMode,
};
pub use hours::{
    weekday_key, MonthDay, OpeningHours, Season, Span, WeekdayHours, When, MIN_OPEN_WEEKDAYS,
    WEEKDAY_KEYS,
};
pub use storage::StorageSettings;
pub use update::UpdateSettings;

#[derive(Debug, Clone, PartialEq)]
pub struct StationConfig {
    /// A real station, or a demonstration (asked for explicitly; see [`StationMode`]).
    pub mode: StationMode,
    /// Full name per Wenzhou standard 5.3.1: 街镇名 + 村（社区）名 + 识别名(可选) + 智慧健康站.
    pub station_name: String,
    /// The parts of the name, as written (`station.town`, `station.community`, `station.label`).
    pub name_parts: NameParts,
    /// The station's tier per Wenzhou appendix A (`station.tier`); `None` until the installer
    /// or staff say which.
    pub tier: Option<StationTier>,
    /// The ways of identifying this station offers (`station.identify`, all four by default),
    /// in the file's order. The welcome screen shows those of them the station has hardware for.
    pub identify: Vec<IdentifyMethod>,
    pub locale: Locale,
    pub opening: OpeningHours,
    pub idle: IdlePolicy,
    pub volume: u8,
    pub card_reader: CardReaderChoice,
    pub id_card_reader: IdCardReaderChoice,
    /// The camera for health QR codes.
    pub camera: CameraChoice,
    /// The microphone of the video call with a doctor (`[hardware] microphone`).
    pub microphone: MicrophoneChoice,
    /// The medicine cabinet prescriptions go to (`[hardware] cabinet`).
    pub cabinet: CabinetChoice,
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
    /// Where the logs go and how long they are kept (`[logs]`).
    pub logs: LogSettings,
    /// The cloud-clinic console (`[clinic]`), when the station offers "呼叫医生".
    pub clinic: Option<ClinicSettings>,
    /// Where newer versions of the kiosk come from (`[update]`), when the station updates itself.
    pub update: Option<UpdateSettings>,
}

pub use station_protocol::Paper;

/// The parts of the station's name (Wenzhou 5.3.1: 街镇名 + 村（社区）名 + 识别名(可选)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameParts {
    pub town: String,
    pub community: String,
    pub label: Option<String>,
}

/// The station's tier lives with the screens' types: admin mode shows and sets it.
pub use station_protocol::StationTier;

/// `[logs]`: where the log files go and for how long they are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// `logs.dir`; `None` = `<data dir>/station.logs`, chosen by the shell.
    pub dir: Option<PathBuf>,
    /// `logs.keep_days`: files older than this are deleted (at start and daily).
    pub keep_days: u32,
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
    /// A setting could not be written back (the file is as it was).
    #[error("config file {path} cannot be written: {source}")]
    Unwritable {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ConfigError {
    /// The key at fault, when one is.
    pub fn key(&self) -> Option<&'static str> {
        match self {
            ConfigError::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }
}

/// The suffix every station name carries (Wenzhou 5.3.1).
const NAME_SUFFIX: &str = "智慧健康站"; // i18n-exempt: the name ending Wenzhou 5.3.1 requires

/// The longest a part of the name may be, in characters: the welcome screen's title and the
/// report's heading hold the whole name on one line.
pub const NAME_PART_MAX_CHARS: usize = 12;

/// A part of the station's name: letters only (汉字, or Latin letters and digits), at most
/// [`NAME_PART_MAX_CHARS`], and not the suffix itself, which the station adds.
fn check_name_part(part: &str) -> Result<(), &'static str> {
    if part.chars().count() > NAME_PART_MAX_CHARS {
        return Err("is longer than 12 characters");
    }
    if !part.chars().all(char::is_alphanumeric) {
        return Err("may hold only letters and digits (no spaces or punctuation)");
    }
    if part.contains(NAME_SUFFIX) {
        return Err("must not contain 智慧健康站: the station adds it"); // i18n-exempt: the suffix the standard names
    }
    Ok(())
}

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
                "must name the town or street (街镇名)", // i18n-exempt: the standard's term in a message to the installer
            ));
        }
        if community.is_empty() {
            return Err(invalid(
                "station.community",
                "must name the village or community (村/社区名)", // i18n-exempt: the standard's term in a message to the installer
            ));
        }
        let label = raw.station.label.as_deref().map(str::trim).unwrap_or("");
        for (key, part) in [
            ("station.town", town),
            ("station.community", community),
            ("station.label", label),
        ] {
            check_name_part(part).map_err(|reason| invalid(key, reason))?;
        }
        let station_name = format!("{town}{community}{label}{NAME_SUFFIX}");
        let name_parts = NameParts {
            town: town.to_string(),
            community: community.to_string(),
            label: (!label.is_empty()).then(|| label.to_string()),
        };
        let tier = raw
            .station
            .tier
            .as_deref()
            .map(|t| {
                StationTier::parse(t).ok_or_else(|| {
                    invalid(
                        "station.tier",
                        "must be \"A\", \"B\" or \"C\" (Wenzhou appendix A)",
                    )
                })
            })
            .transpose()?;
        let mut identify = Vec::new();
        for name in &raw.station.identify {
            let method = IdentifyMethod::ALL
                .into_iter()
                .find(|m| m.as_str() == name.trim())
                .ok_or_else(|| {
                    invalid(
                        "station.identify",
                        "must list ways among \"insurance_card\", \"id_card\", \"health_qr\" and \"face\"",
                    )
                })?;
            if identify.contains(&method) {
                return Err(invalid("station.identify", "names a way twice"));
            }
            identify.push(method);
        }
        if identify.is_empty() {
            return Err(invalid(
                "station.identify",
                "must offer at least one way of identifying",
            ));
        }

        let mode = match StationMode::parse(&raw.station.mode) {
            Some(_) if demo => StationMode::Demo,
            Some(mode) => mode,
            None => return Err(invalid("station.mode", "must be \"station\" or \"demo\"")),
        };
        let locale = Locale::from_tag(&raw.station.locale)
            .ok_or_else(|| invalid("station.locale", "must be \"zh-CN\" or \"en-US\""))?;

        let opening = hours::resolve(&raw.hours).map_err(|(key, why)| invalid(key, why))?;

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
        let microphone = hardware::microphone(&raw.hardware.microphone)
            .ok_or("must be \"auto\", \"none\", \"simulated\" or \"default\"")
            .and_then(|s| {
                s.resolve(
                    mode,
                    MicrophoneChoice::Simulated,
                    MicrophoneChoice::Default,
                    |_| false,
                )
            })
            .map_err(|why| invalid("hardware.microphone", why))?;
        let cabinet = hardware::cabinet(&raw.hardware.cabinet)
            .ok_or("must be \"auto\", \"none\" or \"simulated\"")
            .and_then(|s| {
                s.resolve(mode, CabinetChoice::Simulated, CabinetChoice::None, |_| {
                    false
                })
            })
            .map_err(|why| invalid("hardware.cabinet", why))?;
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

        if raw.logs.dir.as_ref().is_some_and(|d| !d.is_absolute()) {
            return Err(invalid("logs.dir", "must be an absolute path"));
        }
        let keep_days = u32::try_from(raw.logs.keep_days)
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .ok_or_else(|| invalid("logs.keep_days", "must be between 1 and 3650"))?;

        let clinic = raw
            .clinic
            .as_ref()
            .map(clinic::resolve)
            .transpose()
            .map_err(|(key, why)| invalid(key, why))?;

        let update = raw
            .update
            .as_ref()
            .map(update::resolve)
            .transpose()
            .map_err(|(key, why)| invalid(key, why))?;

        Ok(StationConfig {
            clinic,
            update,
            panel_diagonal_inches,
            mode,
            station_name,
            name_parts,
            tier,
            identify,
            locale,
            opening,
            idle: IdlePolicy {
                timeout_secs,
                warning_secs,
            },
            volume,
            card_reader,
            id_card_reader,
            camera,
            microphone,
            cabinet,
            printer,
            paper,
            measure_timeout_secs,
            instruments,
            data_dir: raw.storage.data_dir,
            storage,
            staff_card_uids,
            logs: LogSettings {
                dir: raw.logs.dir,
                keep_days,
            },
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

#[cfg(test)]
mod tests;
