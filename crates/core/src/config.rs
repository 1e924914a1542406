//! Station configuration: one TOML file written by the installer or staff, validated at start.
//! Every error names the key at fault so staff can fix the file without reading code.

use std::path::{Path, PathBuf};

use chrono::NaiveTime;
use serde::Deserialize;
use station_protocol::Locale;
use thiserror::Error;

mod storage;
pub use storage::StorageSettings;

#[derive(Debug, Clone, PartialEq)]
pub struct StationConfig {
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
}

pub use station_protocol::Paper;

/// The measuring devices: simulated (demo) or Bluetooth SIG health-profile devices over BLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentChoice {
    Simulated,
    Ble,
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardReaderChoice {
    /// PC/SC when a reader is attached at start, otherwise the simulator (demo mode).
    Auto,
    Pcsc,
    Simulated,
}

/// The resident-ID-card reader (SAM module on a serial port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdCardReaderChoice {
    /// Simulated in demo mode (when the card reader is simulated), otherwise none.
    Auto,
    None,
    Simulated,
    /// The serial device of the SAM module, e.g. `/dev/ttyUSB0` or `COM3`.
    Serial(PathBuf),
}

/// `[hardware] camera`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraChoice {
    /// Simulated in demo mode (showing a sample health code), otherwise none.
    Auto,
    None,
    Simulated,
    /// Still images looped as camera frames (`stills:<directory>`): for tests and trials.
    Stills(PathBuf),
    /// A real camera by the OS's index (`device:0` = /dev/video0); needs the `camera` build feature.
    Device(u32),
}

impl CameraChoice {
    fn parse(s: &str) -> Option<CameraChoice> {
        match s.trim() {
            "auto" => Some(CameraChoice::Auto),
            "none" => Some(CameraChoice::None),
            "simulated" => Some(CameraChoice::Simulated),
            other => {
                if let Some(dir) = other.strip_prefix("stills:").filter(|d| !d.is_empty()) {
                    Some(CameraChoice::Stills(PathBuf::from(dir)))
                } else {
                    other
                        .strip_prefix("device:")
                        .and_then(|n| n.parse().ok())
                        .map(CameraChoice::Device)
                }
            }
        }
    }
}

impl IdCardReaderChoice {
    fn parse(s: &str) -> Option<IdCardReaderChoice> {
        match s.trim() {
            "" => None,
            "auto" => Some(IdCardReaderChoice::Auto),
            "none" => Some(IdCardReaderChoice::None),
            "simulated" => Some(IdCardReaderChoice::Simulated),
            path => Some(IdCardReaderChoice::Serial(PathBuf::from(path))),
        }
    }
}

/// The report printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterChoice {
    /// Simulated in demo mode (when the card reader is simulated), otherwise none.
    Auto,
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
            instruments: "simulated".into(),
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
    card_reader: CardReaderChoice,
    #[serde(default = "default_id_card_reader")]
    id_card_reader: String,
    #[serde(default = "default_camera")]
    camera: String,
}

fn default_card_reader() -> CardReaderChoice {
    CardReaderChoice::Auto
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
    pub fn load(path: &Path) -> Result<StationConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        StationConfig::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<StationConfig, ConfigError> {
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

        let camera = CameraChoice::parse(&raw.hardware.camera).ok_or_else(|| {
            invalid(
                "hardware.camera",
                "must be \"auto\", \"none\", \"simulated\", \"stills:<directory>\" or \"device:<index>\"",
            )
        })?;
        let id_card_reader =
            IdCardReaderChoice::parse(&raw.hardware.id_card_reader).ok_or_else(|| {
                invalid(
                    "hardware.id_card_reader",
                    "must be \"auto\", \"none\", \"simulated\" or a serial device path",
                )
            })?;

        let job_timeout_secs = u32::try_from(raw.printer.job_timeout_seconds)
            .ok()
            .filter(|s| (5..=600).contains(s))
            .ok_or_else(|| invalid("printer.job_timeout_seconds", "must be between 5 and 600"))?;
        let printer = match raw.printer.queue.trim() {
            "auto" => PrinterChoice::Auto,
            "none" => PrinterChoice::None,
            "simulated" => PrinterChoice::Simulated,
            uri if uri.starts_with("ipp://") || uri.starts_with("http://") => PrinterChoice::Ipp {
                uri: uri.to_string(),
                job_timeout_secs,
            },
            queue if queue.starts_with("windows:") => {
                let name = queue["windows:".len()..].trim();
                if name.is_empty() || name.contains('\0') {
                    return Err(invalid(
                        "printer.queue",
                        "needs the printer's name as Windows shows it after \"windows:\", \
                         e.g. \"windows:Microsoft Print to PDF\"",
                    ));
                }
                PrinterChoice::WindowsSpooler {
                    name: name.to_string(),
                    job_timeout_secs,
                }
            }
            _ => {
                return Err(invalid(
                    "printer.queue",
                    "must be \"auto\", \"none\", \"simulated\", an ipp:// queue address \
                     or \"windows:<printer name>\"",
                ))
            }
        };

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

        let instruments = match raw.devices.instruments.trim() {
            "simulated" => InstrumentChoice::Simulated,
            "ble" => InstrumentChoice::Ble,
            _ => {
                return Err(invalid(
                    "devices.instruments",
                    "must be \"simulated\" or \"ble\"",
                ))
            }
        };

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

        Ok(StationConfig {
            station_name,
            locale,
            opening: OpeningHours { opens, closes },
            idle: IdlePolicy {
                timeout_secs,
                warning_secs,
            },
            volume,
            card_reader: raw.hardware.card_reader,
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
mod tests {
    use super::*;

    const GOOD: &str = r#"
[station]
town = "五马街道"
community = "禅街社区"
"#;

    fn parse(text: &str) -> Result<StationConfig, ConfigError> {
        StationConfig::parse(text, Path::new("station.toml"))
    }

    fn bad_key(text: &str) -> String {
        match parse(text) {
            Err(ConfigError::Invalid { key, .. }) => key.to_string(),
            Err(other) => other.to_string(),
            Ok(_) => panic!("expected an error"),
        }
    }

    #[test]
    fn defaults_follow_the_issue() {
        let c = parse(GOOD).expect("valid");
        assert_eq!(c.station_name, "五马街道禅街社区智慧健康站");
        assert_eq!(c.locale, Locale::ZhCn);
        assert_eq!(
            c.opening.opens,
            NaiveTime::from_hms_opt(8, 30, 0).expect("time")
        );
        assert_eq!(
            c.opening.closes,
            NaiveTime::from_hms_opt(19, 0, 0).expect("time")
        );
        assert_eq!(
            c.idle,
            IdlePolicy {
                timeout_secs: 60,
                warning_secs: 20
            }
        );
        assert_eq!(c.card_reader, CardReaderChoice::Auto);
        assert_eq!(c.paper, Paper::A4);
        assert_eq!(c.measure_timeout_secs, 90);
    }

    #[test]
    fn camera_choices() {
        assert_eq!(parse(GOOD).expect("valid").camera, CameraChoice::Auto);
        let c = parse(&format!(
            "{GOOD}[hardware]\ncamera = \"stills:/tmp/codes\"\n"
        ))
        .expect("valid");
        assert_eq!(c.camera, CameraChoice::Stills(PathBuf::from("/tmp/codes")));
        let c = parse(&format!("{GOOD}[hardware]\ncamera = \"device:1\"\n")).expect("valid");
        assert_eq!(c.camera, CameraChoice::Device(1));
        for bad in ["device:x", "stills:", "webcam"] {
            assert_eq!(
                bad_key(&format!("{GOOD}[hardware]\ncamera = \"{bad}\"\n")),
                "hardware.camera"
            );
        }
    }

    #[test]
    fn paper_and_measure_timeout() {
        let c = parse(&format!(
            "{GOOD}[printer]\npaper = \"receipt-80mm\"\n[devices]\nmeasure_timeout_seconds = 30\n"
        ))
        .expect("valid");
        assert_eq!((c.paper, c.measure_timeout_secs), (Paper::Receipt80mm, 30));
        assert_eq!(
            bad_key(&format!("{GOOD}[printer]\npaper = \"letter\"\n")),
            "printer.paper"
        );
        assert_eq!(
            bad_key(&format!("{GOOD}[devices]\nmeasure_timeout_seconds = 1\n")),
            "devices.measure_timeout_seconds"
        );
        assert_eq!(c.instruments, InstrumentChoice::Simulated);
        let ble = parse(&format!("{GOOD}[devices]\ninstruments = \"ble\"\n")).expect("valid");
        assert_eq!(ble.instruments, InstrumentChoice::Ble);
        assert_eq!(
            bad_key(&format!("{GOOD}[devices]\ninstruments = \"usb\"\n")),
            "devices.instruments"
        );
    }

    #[test]
    fn opening_hours_are_half_open() {
        let c = parse(GOOD).expect("valid");
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("time");
        assert!(!c.opening.is_open(t(8, 29)));
        assert!(c.opening.is_open(t(8, 30)));
        assert!(c.opening.is_open(t(18, 59)));
        assert!(!c.opening.is_open(t(19, 0)));
    }

    #[test]
    fn errors_name_the_bad_key() {
        assert_eq!(
            bad_key(&format!(
                "{GOOD}[hours]\nopens = \"8h\"\ncloses = \"19:00\"\n"
            )),
            "hours.opens"
        );
        assert_eq!(
            bad_key(&format!(
                "{GOOD}[hours]\nopens = \"20:00\"\ncloses = \"19:00\"\n"
            )),
            "hours.closes"
        );
        assert_eq!(
            bad_key(&format!(
                "{GOOD}[idle]\ntimeout_seconds = 0\nwarning_seconds = 20\n"
            )),
            "idle.timeout_seconds"
        );
        assert_eq!(
            bad_key(&format!("{GOOD}[voice]\nvolume = 300\n")),
            "voice.volume"
        );
        assert_eq!(
            bad_key("[station]\ntown = \"\"\ncommunity = \"x\"\n"),
            "station.town"
        );
        assert_eq!(
            bad_key("[station]\ntown = \"a\"\ncommunity = \"b\"\nlocale = \"fr\"\n"),
            "station.locale"
        );
        assert_eq!(
            bad_key(&format!("{GOOD}[staff]\ncard_uids = [\"04A1\"]\n")),
            "staff.card_uids"
        );
    }

    #[test]
    fn printer_choices() {
        assert_eq!(parse(GOOD).expect("valid").printer, PrinterChoice::Auto);
        let c = parse(&format!(
            "{GOOD}[printer]\nqueue = \"ipp://localhost:631/printers/R\"\n"
        ))
        .expect("valid");
        assert_eq!(
            c.printer,
            PrinterChoice::Ipp {
                uri: "ipp://localhost:631/printers/R".into(),
                job_timeout_secs: 60
            }
        );
        assert_eq!(
            bad_key(&format!("{GOOD}[printer]\nqueue = \"lp0\"\n")),
            "printer.queue"
        );
        assert_eq!(
            bad_key(&format!("{GOOD}[printer]\njob_timeout_seconds = 1\n")),
            "printer.job_timeout_seconds"
        );
    }

    #[test]
    fn windows_spooler_printer() {
        let c = parse(&format!(
            "{GOOD}[printer]\nqueue = \"windows: Microsoft Print to PDF \"\njob_timeout_seconds = 30\n"
        ))
        .expect("valid");
        assert_eq!(
            c.printer,
            PrinterChoice::WindowsSpooler {
                name: "Microsoft Print to PDF".into(),
                job_timeout_secs: 30
            }
        );
        for queue in ["windows:", "windows:   ", "windows:R\\u0000"] {
            let err = parse(&format!("{GOOD}[printer]\nqueue = \"{queue}\"\n"))
                .expect_err("no usable printer name");
            assert!(
                matches!(
                    &err,
                    ConfigError::Invalid {
                        key: "printer.queue",
                        ..
                    }
                ),
                "{queue}: {err}"
            );
            assert!(err.to_string().contains("windows:"), "{err}");
        }
        // The prefix is case-sensitive like the other values.
        assert_eq!(
            bad_key(&format!("{GOOD}[printer]\nqueue = \"Windows:R\"\n")),
            "printer.queue"
        );
    }

    #[test]
    fn id_card_reader_choices() {
        assert_eq!(
            parse(GOOD).expect("valid").id_card_reader,
            IdCardReaderChoice::Auto
        );
        let c = parse(&format!(
            "{GOOD}[hardware]\nid_card_reader = \"/dev/ttyUSB0\"\n"
        ))
        .expect("valid");
        assert_eq!(
            c.id_card_reader,
            IdCardReaderChoice::Serial(PathBuf::from("/dev/ttyUSB0"))
        );
        assert_eq!(c.card_reader, CardReaderChoice::Auto);
        assert_eq!(
            bad_key(&format!("{GOOD}[hardware]\nid_card_reader = \" \"\n")),
            "hardware.id_card_reader"
        );
    }

    #[test]
    fn staff_card_uids_are_read_as_bytes() {
        let c = parse(&format!(
            "{GOOD}[staff]\ncard_uids = [\"04:A1:B2:C3\", \"0102030405060708\"]\n"
        ))
        .expect("valid");
        assert_eq!(c.staff_card_uids[0], vec![0x04, 0xA1, 0xB2, 0xC3]);
        assert_eq!(c.staff_card_uids.len(), 2);
        assert!(parse(GOOD).expect("valid").staff_card_uids.is_empty());
    }

    #[test]
    fn unknown_and_missing_keys_are_named() {
        let msg = bad_key(&format!(
            "{GOOD}[hours]\nopen = \"08:30\"\ncloses = \"19:00\"\n"
        ));
        assert!(msg.contains("open"), "{msg}");
        let msg = bad_key("[station]\ntown = \"a\"\n");
        assert!(msg.contains("community"), "{msg}");
        let msg = bad_key("this is not toml [");
        assert!(msg.contains("station.toml"), "{msg}");
    }

    #[test]
    fn missing_file_is_reported_with_its_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nope.toml");
        let err = StationConfig::load(&path).expect_err("missing");
        assert!(err.to_string().contains("nope.toml"));
    }
}
