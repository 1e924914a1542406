//! `[clinic]`: the cloud-clinic doctor console this station calls (Wenzhou 6.3.3.2). Absent =
//! no clinic: the "呼叫医生" tile stays closed and urgent advice does not mention it.

use std::path::PathBuf;

use serde::Deserialize;

/// Where the console is and who this station is to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicSettings {
    /// `ws://…` or `wss://…` (`clinic.url`); the console's `/ws/station` is added.
    pub url: String,
    /// The station's id at the console (`clinic.station`).
    pub station: String,
    /// The file holding the key the console issued (`clinic.key_file`): a secret, so it stays
    /// out of station.toml, which staff edit and the diagnostics bundle carries.
    pub key_file: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClinic {
    url: String,
    station: String,
    key_file: PathBuf,
}

/// The settings, or the key at fault and why.
pub(super) fn resolve(raw: &RawClinic) -> Result<ClinicSettings, (&'static str, &'static str)> {
    let url = raw.url.trim();
    let host = url
        .strip_prefix("wss://")
        .or_else(|| url.strip_prefix("ws://"))
        .unwrap_or("");
    if host.is_empty() || host.starts_with('/') {
        return Err((
            "clinic.url",
            "must be the console's address, like \"wss://clinic.example.cn\"",
        ));
    }
    let station = raw.station.trim();
    if station.is_empty()
        || station.chars().count() > 64
        || !station
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err((
            "clinic.station",
            "must be the station's id at the console: 1 to 64 letters, digits, - or _",
        ));
    }
    if !raw.key_file.is_absolute() {
        return Err(("clinic.key_file", "must be an absolute path"));
    }
    Ok(ClinicSettings {
        url: url.to_string(),
        station: station.to_string(),
        key_file: raw.key_file.clone(),
    })
}
