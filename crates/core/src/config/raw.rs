//! `station.toml` as written: the raw sections serde reads, with the defaults of a key left out.
//! `StationConfig::parse` checks them and turns them into the settings the station uses.

use std::path::PathBuf;

use serde::Deserialize;
use station_protocol::IdentifyMethod;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) station: RawStation,
    #[serde(default)]
    pub(super) hours: super::hours::RawHours,
    #[serde(default)]
    pub(super) idle: RawIdle,
    #[serde(default)]
    pub(super) voice: RawVoice,
    #[serde(default)]
    pub(super) hardware: RawHardware,
    #[serde(default)]
    pub(super) storage: super::storage::RawStorage,
    #[serde(default)]
    pub(super) staff: RawStaff,
    #[serde(default)]
    pub(super) printer: RawPrinter,
    #[serde(default)]
    pub(super) devices: RawDevices,
    #[serde(default)]
    pub(super) display: RawDisplay,
    #[serde(default)]
    pub(super) logs: RawLogs,
    pub(super) clinic: Option<super::clinic::RawClinic>,
    pub(super) update: Option<super::update::RawUpdate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawLogs {
    pub(super) dir: Option<PathBuf>,
    pub(super) keep_days: i64,
}

impl Default for RawLogs {
    fn default() -> Self {
        // A month: long enough for a maintainer to follow up a fault report (Wenzhou 7.2).
        RawLogs {
            dir: None,
            keep_days: 30,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawDisplay {
    pub(super) diagonal_inches: f64,
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
pub(super) struct RawDevices {
    pub(super) measure_timeout_seconds: i64,
    pub(super) instruments: String,
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
pub(super) struct RawPrinter {
    #[serde(default = "default_printer_queue")]
    pub(super) queue: String,
    #[serde(default = "default_job_timeout")]
    pub(super) job_timeout_seconds: i64,
    #[serde(default = "default_paper")]
    pub(super) paper: String,
}

pub(super) fn default_paper() -> String {
    "a4".into()
}

pub(super) fn default_printer_queue() -> String {
    "auto".into()
}

pub(super) fn default_job_timeout() -> i64 {
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
pub(super) struct RawStaff {
    #[serde(default)]
    pub(super) card_uids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStation {
    pub(super) town: String,
    pub(super) community: String,
    #[serde(default)]
    pub(super) label: Option<String>,
    #[serde(default = "default_locale")]
    pub(super) locale: String,
    #[serde(default = "default_mode")]
    pub(super) mode: String,
    #[serde(default)]
    pub(super) tier: Option<String>,
    #[serde(default = "default_identify")]
    pub(super) identify: Vec<String>,
}

pub(super) fn default_identify() -> Vec<String> {
    IdentifyMethod::ALL
        .iter()
        .map(|m| m.as_str().to_string())
        .collect()
}

pub(super) fn default_mode() -> String {
    "station".into()
}

pub(super) fn default_locale() -> String {
    "zh-CN".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawIdle {
    pub(super) timeout_seconds: i64,
    pub(super) warning_seconds: i64,
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
pub(super) struct RawVoice {
    pub(super) volume: i64,
}

impl Default for RawVoice {
    fn default() -> Self {
        RawVoice { volume: 80 }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHardware {
    #[serde(default = "default_card_reader")]
    pub(super) card_reader: String,
    #[serde(default = "default_id_card_reader")]
    pub(super) id_card_reader: String,
    #[serde(default = "default_camera")]
    pub(super) camera: String,
    #[serde(default = "default_microphone")]
    pub(super) microphone: String,
    #[serde(default = "default_cabinet")]
    pub(super) cabinet: String,
}

pub(super) fn default_card_reader() -> String {
    "auto".into()
}

pub(super) fn default_camera() -> String {
    "auto".into()
}

pub(super) fn default_microphone() -> String {
    "auto".into()
}

pub(super) fn default_cabinet() -> String {
    "auto".into()
}

pub(super) fn default_id_card_reader() -> String {
    "auto".into()
}

impl Default for RawHardware {
    fn default() -> Self {
        RawHardware {
            card_reader: default_card_reader(),
            id_card_reader: default_id_card_reader(),
            camera: default_camera(),
            microphone: default_microphone(),
            cabinet: default_cabinet(),
        }
    }
}
