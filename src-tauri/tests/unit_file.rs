//! The systemd unit that starts the kiosk at boot and restarts it (packaging/linux): systemd's
//! own checker finds nothing to say about it, and it names what the app reads (the station key
//! credential, the config variable). Whether systemd really restarts a killed kiosk cannot be
//! shown on a machine whose PID 1 is not systemd; see docs/lockdown.md for what is proven where.

use std::path::{Path, PathBuf};
use std::process::Command;

fn unit_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging/linux/health-station.service")
}

fn unit() -> String {
    std::fs::read_to_string(unit_path()).expect("packaging/linux/health-station.service")
}

/// `key=value` lines of the unit, comments and section headers dropped.
fn settings(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn setting(text: &str, key: &str) -> Vec<String> {
    settings(text)
        .into_iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v)
        .collect()
}

#[test]
fn systemd_analyze_finds_nothing_to_say_about_the_unit() {
    // cage is installed on a station, not on the test machine: `true` stands in for it (the
    // checker refuses a command that does not exist); everything else as shipped.
    let text = unit().replace("/usr/bin/cage", "/bin/true");
    verify("unit-check", &[("health-station.service", text)]);
}

/// Copies of `units` (name, text) in a folder of their own, checked together by
/// `systemd-analyze verify`. It exits 0 on unknown keys and bad values but says so: any word
/// from it is a finding.
fn verify(folder: &str, units: &[(&str, String)]) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(folder);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let copies: Vec<PathBuf> = units
        .iter()
        .map(|(name, text)| {
            let copy = dir.join(name);
            std::fs::write(&copy, text).expect("copy of the unit");
            copy
        })
        .collect();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(&copies)
        .output()
        .expect("systemd-analyze (scripts/setup test installs systemd)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}

#[test]
fn the_unit_restarts_the_kiosk_forever_and_gives_it_what_the_app_reads() {
    let text = unit();
    assert_eq!(setting(&text, "Restart"), ["always"]);
    assert_eq!(setting(&text, "StartLimitIntervalSec"), ["0"]);
    // The credential the store looks for in $CREDENTIALS_DIRECTORY.
    let credential = setting(&text, "LoadCredentialEncrypted");
    assert_eq!(credential.len(), 1, "{credential:?}");
    assert!(
        credential[0].starts_with(&format!("{}:", station_store::CREDENTIAL_NAME)),
        "{credential:?}"
    );
    // The config the app reads (src/paths.rs), in a folder the unit lets it write: admin mode
    // edits station.toml.
    let env = setting(&text, "Environment");
    let config = env
        .iter()
        .find_map(|e| e.strip_prefix("HEALTH_STATION_CONFIG="))
        .expect("HEALTH_STATION_CONFIG");
    let config_dir = Path::new(config).parent().expect("a folder");
    let writable = setting(&text, "ReadWritePaths").join(" ");
    assert!(
        writable
            .split_whitespace()
            .any(|p| Path::new(p) == config_dir),
        "{config_dir:?} not in ReadWritePaths {writable}"
    );
    let exec = setting(&text, "ExecStart");
    assert!(
        exec.len() == 1 && exec[0].ends_with("/usr/bin/health-station"),
        "{exec:?}"
    );
}

#[test]
fn systemd_analyze_finds_nothing_to_say_about_roots_update_units() {
    // The path unit and the installer it starts, checked together (the path names the service).
    let linux = Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging/linux");
    let units: Vec<(&str, String)> = [
        "health-station-update.path",
        "health-station-update.service",
    ]
    .into_iter()
    .map(|name| {
        let text = std::fs::read_to_string(linux.join(name)).expect(name);
        // The program is installed on a station, not here: `true` stands in for it.
        (name, text.replace("/usr/bin/health-station", "/bin/true"))
    })
    .collect();
    verify("update-unit-check", &units);
    // The installer and the kiosk agree where updates wait.
    let updates_dir = |text: &str| {
        setting(text, "Environment")
            .iter()
            .find_map(|e| {
                e.strip_prefix("HEALTH_STATION_UPDATES_DIR=")
                    .map(str::to_string)
            })
            .expect("HEALTH_STATION_UPDATES_DIR")
    };
    let installer =
        std::fs::read_to_string(linux.join("health-station-update.service")).expect("installer");
    let path = std::fs::read_to_string(linux.join("health-station-update.path")).expect("path");
    let dir = updates_dir(&unit());
    assert_eq!(updates_dir(&installer), dir);
    assert_eq!(
        setting(&path, "PathExists"),
        [format!("{dir}/install.request")]
    );
}
