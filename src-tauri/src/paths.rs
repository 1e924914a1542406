//! Where the station keeps its files. Environment variables override for tests and for
//! installers that place files elsewhere.

use std::path::{Path, PathBuf};

use station_core::config::{StationConfig, StationMode};

/// Same identifier as tauri.conf.json, so our paths match Tauri's app dirs.
const APP_ID: &str = "cn.healthstation.kiosk";

/// `HEALTH_STATION_CONFIG`, else `--config <path>`, else `<OS config dir>/cn.healthstation.kiosk/station.toml`.
pub fn config_file() -> PathBuf {
    if let Some(p) = std::env::var_os("HEALTH_STATION_CONFIG") {
        return PathBuf::from(p);
    }
    let mut args = std::env::args_os();
    while let Some(a) = args.next() {
        if a == "--config" {
            if let Some(p) = args.next() {
                return PathBuf::from(p);
            }
        }
    }
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_ID)
        .join("station.toml")
}

/// `--demo` on the command line: run as a demonstration whatever the config's mode.
pub fn demo_asked() -> bool {
    std::env::args_os().any(|a| a == "--demo")
}

/// `HEALTH_STATION_DATA_DIR`, else `storage.data_dir` from the config, else the OS app-data
/// dir: the station's folder, whatever the mode.
pub fn base_data_dir(config: &StationConfig) -> PathBuf {
    if let Some(p) = std::env::var_os("HEALTH_STATION_DATA_DIR") {
        PathBuf::from(p)
    } else if let Some(p) = &config.data_dir {
        p.clone()
    } else {
        dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join(APP_ID)
    }
}

/// [`base_data_dir`]; a demonstration keeps its data in `demo/` inside it, apart from a
/// station's residents.
pub fn data_dir(config: &StationConfig) -> PathBuf {
    let base = base_data_dir(config);
    match config.mode {
        StationMode::Demo => base.join("demo"),
        StationMode::Station => base,
    }
}

/// `[storage] backup_dir` (a demonstration's copies in `demo/` inside it), else
/// `<data dir>/station.backups`.
pub fn backup_dir(config: &StationConfig, data_dir: &Path) -> PathBuf {
    match (&config.storage.backup_dir, config.mode) {
        (Some(dir), StationMode::Demo) => dir.join("demo"),
        (Some(dir), StationMode::Station) => dir.clone(),
        (None, _) => data_dir.join(station_store::DEFAULT_BACKUP_DIR),
    }
}

/// The single-instance lock: `$XDG_RUNTIME_DIR/health-station.lock`, else `station.lock` in the
/// station's folder (the same for a demonstration: one kiosk window per station either way).
pub fn lock_file(config: &StationConfig) -> PathBuf {
    station_lockdown::default_lock_path(&base_data_dir(config))
}

/// `[logs] dir` (a demonstration's files in `demo/` inside it), else `<data dir>/station.logs`
/// (every name in the data folder starts with `station.`).
pub fn log_dir(config: &StationConfig, data_dir: &Path) -> PathBuf {
    match (&config.logs.dir, config.mode) {
        (Some(dir), StationMode::Demo) => dir.join("demo"),
        (Some(dir), StationMode::Station) => dir.clone(),
        (None, _) => data_dir.join("station.logs"),
    }
}

/// Voice prompts: `HEALTH_STATION_AUDIO_DIR`, else the bundled resources, else the source tree
/// (development builds run from the repository).
pub fn audio_dir(resource_dir: Option<PathBuf>) -> PathBuf {
    if let Some(p) = std::env::var_os("HEALTH_STATION_AUDIO_DIR") {
        return PathBuf::from(p);
    }
    if let Some(bundled) = resource_dir.map(|r| r.join("audio")).filter(|p| p.is_dir()) {
        return bundled;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/audio"))
}
