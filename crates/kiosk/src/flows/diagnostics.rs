//! "保存诊断包" in admin mode: the masked logs, the config without secrets, versions and the
//! device list in one zip (`station_logs::bundle`), written to a USB drive when one is mounted,
//! else to the station's diagnostics folder, for a maintainer (Wenzhou 7.2).

use std::path::PathBuf;

use station_logs::bundle::{destination, write_bundle, BundleInput, DeviceEntry, Versions};
use station_logs::Masker;
use station_protocol::DeviceLine;

use super::admin::StationFiles;

/// Writes the bundle; its path, or why not (for the log).
pub(crate) fn save(
    devices: &[DeviceLine],
    files: &StationFiles,
    now: chrono::DateTime<chrono::Local>,
) -> Result<PathBuf, String> {
    let (Some(log_dir), Some(config_path), Some(fallback)) = (
        files.logs.as_deref(),
        files.config.as_deref(),
        files.diagnostics.as_deref(),
    ) else {
        return Err("the station's folders are not known".into());
    };
    let devices: Vec<DeviceEntry> = devices
        .iter()
        .map(|line| DeviceEntry {
            name: line.device.key(),
            status: format!("{:?}", line.status),
        })
        .collect();
    let masker = Masker::new();
    let input = BundleInput {
        log_dir,
        config_path,
        versions: Versions::detect(env!("CARGO_PKG_VERSION")),
        devices: &devices,
        masker: &masker,
    };
    let dest = destination(fallback).map_err(|e| e.to_string())?;
    write_bundle(&input, &dest, now).map_err(|e| e.to_string())
}
