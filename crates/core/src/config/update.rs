//! `[update]`: where this station looks for a newer version of the kiosk, and the key its
//! packages must be signed with. Absent = the station never updates itself.

use std::time::Duration;

use serde::Deserialize;

/// The update server and the signing key (the Tauri updater's format: the base64 of a minisign
/// public key file, as `tauri signer generate` prints it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSettings {
    /// `update.url`: the update manifest (`latest.json`), `https://…` (`http://` only to a
    /// loopback address, for a local update server).
    pub url: String,
    /// `update.pubkey`.
    pub pubkey: String,
    /// `update.check_hours`: how often to look (1 to 168, 6 by default).
    pub check_every: Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUpdate {
    url: String,
    pubkey: String,
    #[serde(default = "default_check_hours")]
    check_hours: i64,
}

fn default_check_hours() -> i64 {
    6
}

/// The settings, or the key at fault and why.
pub(super) fn resolve(raw: &RawUpdate) -> Result<UpdateSettings, (&'static str, &'static str)> {
    let url = raw.url.trim();
    let secure = url
        .strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    let loopback = [
        "http://127.0.0.1:",
        "http://127.0.0.1/",
        "http://localhost:",
        "http://[::1]:",
    ]
    .iter()
    .any(|p| url.starts_with(p));
    if !secure && !loopback {
        return Err((
            "update.url",
            "must be the update manifest's https:// address, like \"https://updates.example.cn/latest.json\"",
        ));
    }
    let pubkey = raw.pubkey.trim();
    let is_base64 = !pubkey.is_empty()
        && pubkey
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='));
    if !is_base64 || pubkey.len() < 40 || pubkey.len() > 1024 {
        return Err((
            "update.pubkey",
            "must be the update signing key's public half, as `tauri signer generate` prints it",
        ));
    }
    let hours = u64::try_from(raw.check_hours)
        .ok()
        .filter(|h| (1..=168).contains(h))
        .ok_or(("update.check_hours", "must be between 1 and 168"))?;
    Ok(UpdateSettings {
        url: url.to_string(),
        pubkey: pubkey.to_string(),
        check_every: Duration::from_secs(hours * 3600),
    })
}
