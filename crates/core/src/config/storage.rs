//! `[storage]`: where the data, the station key and the backups live, how often backups are
//! taken and how many are kept, and how long delivered data is kept.

use std::path::PathBuf;

use serde::Deserialize;

/// The store's settings (the store itself is `station-store`; the app passes these to it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageSettings {
    /// Directory of the station key file when the unit has no systemd credential; `None` = the
    /// store's default (`<OS config dir>/cn.healthstation.kiosk/keys`). Never inside the data.
    pub key_dir: Option<PathBuf>,
    /// Backup folder; `None` = `<data dir>/station.backups`.
    pub backup_dir: Option<PathBuf>,
    /// Minutes between backups.
    pub backup_interval_minutes: u32,
    /// Backup copies kept (the newest).
    pub backup_copies: u32,
    /// Days delivered readings are kept; `None` = kept for ever.
    pub retention_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawStorage {
    pub(super) data_dir: Option<PathBuf>,
    key_dir: Option<PathBuf>,
    backup_dir: Option<PathBuf>,
    backup_interval_minutes: i64,
    backup_copies: i64,
    retention_days: i64,
}

impl Default for RawStorage {
    fn default() -> Self {
        RawStorage {
            data_dir: None,
            key_dir: None,
            backup_dir: None,
            backup_interval_minutes: 60,
            backup_copies: 24,
            retention_days: 0,
        }
    }
}

/// The settings, or the key at fault and why.
pub(super) fn resolve(raw: &RawStorage) -> Result<StorageSettings, (&'static str, &'static str)> {
    for (key, dir) in [
        ("storage.key_dir", &raw.key_dir),
        ("storage.backup_dir", &raw.backup_dir),
    ] {
        if dir.as_ref().is_some_and(|d| !d.is_absolute()) {
            return Err((key, "must be an absolute path"));
        }
    }
    if let (Some(keys), Some(data)) = (&raw.key_dir, &raw.data_dir) {
        if keys.starts_with(data) {
            return Err((
                "storage.key_dir",
                "must be outside storage.data_dir (a copy of the data must not carry its key)",
            ));
        }
    }
    let backup_interval_minutes = u32::try_from(raw.backup_interval_minutes)
        .ok()
        .filter(|m| (5..=10_080).contains(m))
        .ok_or((
            "storage.backup_interval_minutes",
            "must be between 5 and 10080 (a week)",
        ))?;
    let backup_copies = u32::try_from(raw.backup_copies)
        .ok()
        .filter(|n| (1..=1000).contains(n))
        .ok_or(("storage.backup_copies", "must be between 1 and 1000"))?;
    let retention_days = u32::try_from(raw.retention_days)
        .ok()
        .filter(|d| *d <= 36_500)
        .ok_or((
            "storage.retention_days",
            "must be 0 (keep everything) or a number of days up to 36500",
        ))?;
    Ok(StorageSettings {
        key_dir: raw.key_dir.clone(),
        backup_dir: raw.backup_dir.clone(),
        backup_interval_minutes,
        backup_copies,
        retention_days: (retention_days > 0).then_some(retention_days),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{ConfigError, StationConfig};
    use super::*;

    const GOOD: &str = "[station]\ntown = \"五马街道\"\ncommunity = \"禅街社区\"\n";

    fn parse(storage: &str) -> Result<StationConfig, ConfigError> {
        StationConfig::parse(
            &format!("{GOOD}[storage]\n{storage}"),
            Path::new("station.toml"),
        )
    }

    fn bad_key(storage: &str) -> String {
        match parse(storage) {
            Err(ConfigError::Invalid { key, .. }) => key.to_string(),
            Err(other) => other.to_string(),
            Ok(_) => panic!("expected an error for {storage:?}"),
        }
    }

    #[test]
    fn storage_defaults() {
        let c = parse("").expect("valid");
        assert_eq!(
            c.storage,
            StorageSettings {
                key_dir: None,
                backup_dir: None,
                backup_interval_minutes: 60,
                backup_copies: 24,
                retention_days: None,
            }
        );
    }

    #[test]
    fn storage_keys_are_read_and_checked() {
        let c = parse(
            "data_dir = \"/var/lib/health-station\"\nkey_dir = \"/etc/health-station/keys\"\n\
             backup_dir = \"/var/backups/health-station\"\nbackup_interval_minutes = 30\n\
             backup_copies = 48\nretention_days = 1825\n",
        )
        .expect("valid");
        assert_eq!(
            c.storage.key_dir.as_deref(),
            Some(Path::new("/etc/health-station/keys"))
        );
        assert_eq!(
            c.storage.backup_dir.as_deref(),
            Some(Path::new("/var/backups/health-station"))
        );
        assert_eq!(c.storage.backup_interval_minutes, 30);
        assert_eq!(c.storage.backup_copies, 48);
        assert_eq!(c.storage.retention_days, Some(1825));

        assert_eq!(bad_key("key_dir = \"keys\"\n"), "storage.key_dir");
        assert_eq!(
            bad_key("data_dir = \"/srv/hs\"\nkey_dir = \"/srv/hs/keys\"\n"),
            "storage.key_dir"
        );
        assert_eq!(bad_key("backup_dir = \"b\"\n"), "storage.backup_dir");
        assert_eq!(
            bad_key("backup_interval_minutes = 1\n"),
            "storage.backup_interval_minutes"
        );
        assert_eq!(bad_key("backup_copies = 0\n"), "storage.backup_copies");
        assert_eq!(bad_key("retention_days = -1\n"), "storage.retention_days");
        let msg = bad_key("backups = 3\n");
        assert!(msg.contains("backups"), "{msg}");
    }
}
