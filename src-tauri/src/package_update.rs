//! `health-station --install-staged-update`: the root side of updating a .deb install, run by
//! `health-station-update.service` when the kiosk leaves `install.request` (a systemd path unit
//! watches for it). The work is `station_update::PackageInstaller`'s; this reads where things
//! are from the unit's environment (packaging/linux/health-station-update.service).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use station_update::debian::Debian;
use station_update::{root_key, InstallResult, PackageInstaller, UpdateDir};

/// The command-line flag.
pub const FLAG: &str = "--install-staged-update";

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

pub fn run() -> ExitCode {
    let updates = UpdateDir::new(crate::updates::updates_dir());
    let state = PathBuf::from(env_or(
        "HEALTH_STATION_UPDATER_STATE",
        "/var/lib/health-station-updater",
    ));
    let key_file = PathBuf::from(env_or(
        "HEALTH_STATION_UPDATE_KEY",
        "/etc/health-station/update-key.pub",
    ));
    let systemctl: Vec<String> = env_or("HEALTH_STATION_SYSTEMCTL", "systemctl")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let start_within = env_or("HEALTH_STATION_START_WITHIN_SECS", "180")
        .parse()
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(180));
    let pubkey = match root_key(&key_file) {
        Ok(key) => key,
        Err(e) => {
            // Without root's own key nothing the kiosk kept is installed; the request stays
            // for when staff put the key in place.
            tracing::error!(error = %e, "no update key root trusts; not installing");
            return ExitCode::FAILURE;
        }
    };
    let installer = PackageInstaller {
        updates,
        state,
        pubkey,
        system: Debian::new(systemctl, start_within),
    };
    match installer.run() {
        Ok(None) => tracing::info!("no update asked for"),
        Ok(Some(InstallResult::Installed { version, previous })) => {
            tracing::info!(%version, %previous, "update installed")
        }
        Ok(Some(InstallResult::RolledBack {
            version, reason, ..
        })) => tracing::error!(%version, %reason, "update rolled back"),
        Ok(Some(InstallResult::Refused { version, reason })) => {
            tracing::error!(%version, %reason, "update refused")
        }
        Err(e) => {
            tracing::error!(error = %e, "the update installer failed");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
