//! The diagnostics bundle (issue 14): one zip for a maintainer, written to a USB drive or a
//! chosen folder, holding
//!
//! - `logs/station.YYYY-MM-DD.log`: every log file, masked again line by line (the files are
//!   masked when written; this also covers files written by an older version);
//! - `config/station.toml`: the config with secrets removed (staff badge UIDs, and any key
//!   named like a token, secret, password or key value), then masked;
//! - `versions.txt`: app version, OS, kernel, architecture;
//! - `devices.txt`: the device list the caller passes (name and status), masked;
//! - `README.txt`: what this is and when it was made.
//!
//! The zip is written beside its destination as a hidden temporary file, fsynced, renamed into
//! place and the folder fsynced: a drive pulled out mid-write leaves no half bundle under the
//! final name.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Local, Timelike};
use toml_edit::{DocumentMut, Item, TableLike, Value};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::{log_files, LogError, Masker};

/// What the bundle says about the software.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    /// The app's version (`CARGO_PKG_VERSION` of the shell).
    pub app: String,
    /// The OS in words ("Debian GNU/Linux 12 (bookworm), kernel 6.1.0-…, x86_64").
    pub os: String,
}

impl Versions {
    /// `app` with the OS as this machine describes itself.
    pub fn detect(app: &str) -> Versions {
        let arch = std::env::consts::ARCH;
        let os = if cfg!(target_os = "linux") {
            let name = fs::read_to_string("/etc/os-release")
                .ok()
                .and_then(|t| {
                    t.lines().find_map(|l| {
                        l.strip_prefix("PRETTY_NAME=")
                            .map(|v| v.trim_matches('"').to_string())
                    })
                })
                .unwrap_or_else(|| "Linux".into());
            let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
                .map(|k| k.trim().to_string())
                .unwrap_or_else(|_| "unknown".into());
            format!("{name}, kernel {kernel}, {arch}")
        } else {
            format!("{}, {arch}", std::env::consts::OS)
        };
        Versions {
            app: app.to_string(),
            os,
        }
    }
}

/// One device as the caller sees it ("card reader", "ACS ACR39U: ready").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceEntry {
    pub name: String,
    pub status: String,
}

/// What goes into a bundle.
pub struct BundleInput<'a> {
    /// The log folder (`Logging::dir`).
    pub log_dir: &'a Path,
    /// `station.toml` as the station reads it.
    pub config_path: &'a Path,
    pub versions: Versions,
    pub devices: &'a [DeviceEntry],
    /// The masker of the running logs (`Logging::masker`, knowing the station's place names).
    pub masker: &'a Masker,
}

/// Where a bundle goes: the first USB drive mounted for a user (`/media/<user>/<label>`,
/// `/run/media/<user>/<label>`) that can be written, else `fallback` (created when missing).
pub fn destination(fallback: &Path) -> Result<PathBuf, LogError> {
    destination_among(&[Path::new("/media"), Path::new("/run/media")], fallback)
}

/// [`destination`] with the mount roots given (tests).
pub fn destination_among(roots: &[&Path], fallback: &Path) -> Result<PathBuf, LogError> {
    let mut drives: Vec<PathBuf> = roots
        .iter()
        .filter_map(|root| fs::read_dir(root).ok())
        .flat_map(|users| users.flatten().map(|u| u.path()))
        .filter_map(|user| fs::read_dir(user).ok())
        .flat_map(|labels| labels.flatten().map(|l| l.path()))
        .filter(|p| p.is_dir() && writable(p))
        .collect();
    drives.sort();
    if let Some(drive) = drives.into_iter().next() {
        return Ok(drive);
    }
    fs::create_dir_all(fallback).map_err(|e| LogError::Bundle {
        path: fallback.to_path_buf(),
        message: format!("cannot create the folder: {e}"),
    })?;
    Ok(fallback.to_path_buf())
}

/// Can a file be made here (a read-only or full drive cannot take a bundle).
fn writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".health-station-probe-{}", std::process::id()));
    let ok = fs::File::create(&probe).is_ok();
    let _ = fs::remove_file(&probe);
    ok
}

/// Writes `health-station-diagnostics-YYYYMMDD-HHMMSS.zip` into `dest_dir` (a USB mount or a
/// chosen folder) and returns its path. `now`: the station's clock.
pub fn write_bundle(
    input: &BundleInput<'_>,
    dest_dir: &Path,
    now: DateTime<Local>,
) -> Result<PathBuf, LogError> {
    let stem = format!("health-station-diagnostics-{}", now.format("%Y%m%d-%H%M%S"));
    let path = free_name(dest_dir, &stem);
    let tmp = dest_dir.join(format!(".{}.tmp-{}", stem, std::process::id()));
    let failed = |message: String| LogError::Bundle {
        path: path.clone(),
        message,
    };
    let result = write_zip(input, &tmp, now).and_then(|()| {
        fs::rename(&tmp, &path).map_err(|e| format!("cannot move it into place: {e}"))?;
        sync_dir(dest_dir).map_err(|e| format!("cannot sync {}: {e}", dest_dir.display()))
    });
    if let Err(message) = result {
        let _ = fs::remove_file(&tmp);
        return Err(failed(message));
    }
    Ok(path)
}

fn write_zip(input: &BundleInput<'_>, tmp: &Path, now: DateTime<Local>) -> Result<(), String> {
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let mut zip = ZipWriter::new(file);
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(now.year()).unwrap_or(1980),
        u8::try_from(now.month()).unwrap_or(1),
        u8::try_from(now.day()).unwrap_or(1),
        u8::try_from(now.hour()).unwrap_or(0),
        u8::try_from(now.minute()).unwrap_or(0),
        u8::try_from(now.second()).unwrap_or(0),
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o600)
        .last_modified_time(stamp);
    let masker = input.masker;
    let zip_err = |e: zip::result::ZipError| format!("zip: {e}");
    let io_err = |e: std::io::Error| format!("zip: {e}");

    // Logs, newest day first, masked line by line.
    let logs = log_files(input.log_dir).unwrap_or_default();
    for (_, log) in &logs {
        let Some(name) = log.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Ok(f) = fs::File::open(log) else {
            continue; // deleted by the daily prune meanwhile
        };
        zip.start_file(format!("logs/{name}"), options)
            .map_err(zip_err)?;
        let mut reader = BufReader::new(f);
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| format!("cannot read {}: {e}", log.display()))?;
            if n == 0 {
                break;
            }
            zip.write_all(&masker.mask_bytes(&line)).map_err(io_err)?;
        }
    }

    zip.start_file("config/station.toml", options)
        .map_err(zip_err)?;
    let config = match fs::read_to_string(input.config_path) {
        Ok(text) => scrub_config(&text).unwrap_or_else(|| {
            "# station.toml is not valid TOML: not included (its secrets could not be told \
             apart).\n"
                .to_string()
        }),
        Err(e) => format!("# station.toml could not be read: {e}\n"),
    };
    zip.write_all(masker.mask(&config).as_bytes())
        .map_err(io_err)?;

    zip.start_file("versions.txt", options).map_err(zip_err)?;
    let versions = format!(
        "app: health-station {}\nos: {}\n",
        input.versions.app, input.versions.os
    );
    zip.write_all(masker.mask(&versions).as_bytes())
        .map_err(io_err)?;

    zip.start_file("devices.txt", options).map_err(zip_err)?;
    let mut devices = String::new();
    for d in input.devices {
        devices.push_str(&format!("{}: {}\n", d.name, d.status));
    }
    if devices.is_empty() {
        devices.push_str("(no devices listed)\n");
    }
    zip.write_all(masker.mask(&devices).as_bytes())
        .map_err(io_err)?;

    zip.start_file("README.txt", options).map_err(zip_err)?;
    let readme = format!(
        "Health-station diagnostics, made {}.\n\
         logs/: the station's log files ({} day(s)); ID numbers, long numbers, health-code\n\
         tokens and Chinese names are masked. config/: station.toml without staff badge UIDs\n\
         or secrets. versions.txt, devices.txt: software and devices at that time.\n",
        now.format("%Y-%m-%d %H:%M:%S %:z"),
        logs.len()
    );
    zip.write_all(readme.as_bytes()).map_err(io_err)?;

    let file = zip.finish().map_err(zip_err)?;
    file.sync_all().map_err(io_err)?;
    Ok(())
}

/// Key names whose values are secrets wherever they appear.
fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    (k.contains("token")
        || k.contains("secret")
        || k.contains("password")
        || k.contains("passphrase")
        || k.contains("credential")
        || k == "key"
        || k.ends_with("_key"))
        && !k.ends_with("_dir")
}

/// The config with secret values replaced by a note; `None` when it is not TOML.
fn scrub_config(text: &str) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    scrub_table(doc.as_table_mut(), "");
    Some(doc.to_string())
}

fn scrub_table(table: &mut dyn TableLike, path: &str) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    for key in keys {
        let full = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let Some(item) = table.get_mut(&key) else {
            continue;
        };
        if let Some(inner) = item.as_table_like_mut() {
            scrub_table(inner, &full);
            continue;
        }
        let secret = full == "staff.card_uids" || is_secret(&key);
        if let (true, Item::Value(v)) = (secret, &mut *item) {
            let note = match v {
                Value::Array(a) => format!("<removed: {} entries>", a.len()),
                _ => "<removed>".to_string(),
            };
            let decor = v.decor().clone();
            let mut new: Value = note.into();
            *new.decor_mut() = decor;
            *v = new;
        }
    }
}

/// `<stem>.zip` in `dir`, or `<stem>-2.zip`, … when taken.
fn free_name(dir: &Path, stem: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}.zip"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.zip"));
        n += 1;
    }
    path
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::tests::{assert_clean, plant};
    use crate::Logging;

    const CONFIG: &str = "# staff config\n[station]\ntown = \"五马街道\"\ncommunity = \"禅街社区\"\n\
        label = \"张三\"\n\n[staff]\ncard_uids = [\"04A1B2C3\", \"0102030405060708\"]  # badges\n\n\
        [platform]\napi_token = \"AbCdEf0123456789GhIjKl\"\nendpoint = \"https://platform.example\"\n\
        [storage]\nkey_dir = \"/etc/health-station/keys\"\n";

    /// Every file of the zip, by name.
    fn unzip(path: &Path) -> Vec<(String, String)> {
        let mut archive = zip::ZipArchive::new(fs::File::open(path).expect("open")).expect("zip");
        (0..archive.len())
            .map(|i| {
                let mut f = archive.by_index(i).expect("entry");
                let mut text = String::new();
                f.read_to_string(&mut text).expect("utf8 entry");
                (f.name().to_string(), text)
            })
            .collect()
    }

    #[test]
    fn the_bundle_holds_no_personal_data_and_no_secret() {
        let dir = tempfile::tempdir().expect("tempdir");
        let logs = dir.path().join("logs");
        let config_path = dir.path().join("station.toml");
        fs::write(&config_path, CONFIG).expect("config");
        // Logs written through the real logging path, with planted ID numbers and names.
        let (logging, subscriber) = Logging::new(tracing_subscriber::EnvFilter::new("info"), false);
        logging
            .open_files(&logs, 30, ["五马街道", "禅街社区"])
            .expect("open");
        tracing::subscriber::with_default(subscriber, plant);
        // And a file an older version wrote without masking.
        fs::write(
            logs.join("station.2000-01-03.log"),
            "{\"level\":\"INFO\",\"fields\":{\"message\":\"card read 11010519491231002X 张三\"}}\n",
        )
        .expect("old file");
        let devices = [
            DeviceEntry {
                name: "card reader".into(),
                status: "ready; last card of 欧阳小华 11010519491231002X".into(),
            },
            DeviceEntry {
                name: "printer".into(),
                status: "ipp://localhost:631/printers/R: idle".into(),
            },
        ];
        let usb = dir.path().join("usb");
        fs::create_dir(&usb).expect("usb");
        let now = Local::now();
        let path = write_bundle(
            &BundleInput {
                log_dir: &logs,
                config_path: &config_path,
                versions: Versions::detect("0.1.0"),
                devices: &devices,
                masker: logging.masker(),
            },
            &usb,
            now,
        )
        .expect("bundle");
        assert_eq!(path.parent(), Some(usb.as_path()));
        assert!(path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("health-station-diagnostics-") && n.ends_with(".zip")));
        // Nothing else is left in the folder.
        assert_eq!(fs::read_dir(&usb).expect("dir").count(), 1);

        let files = unzip(&path);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"config/station.toml"), "{names:?}");
        assert!(names.contains(&"versions.txt") && names.contains(&"devices.txt"));
        assert_eq!(names.iter().filter(|n| n.starts_with("logs/")).count(), 2);
        for (name, text) in &files {
            assert_clean(name, text);
            for secret in ["04A1B2C3", "0102030405060708", "AbCdEf0123456789GhIjKl"] {
                assert!(!text.contains(secret), "{name} holds {secret}:\n{text}");
            }
        }
        let text = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.clone())
                .expect("entry")
        };
        let config = text("config/station.toml");
        assert!(
            config.contains("card_uids = \"<removed: 2 entries>\"  # badges"),
            "{config}"
        );
        assert!(config.contains("api_token = \"<removed>\""), "{config}");
        assert!(
            config.contains("key_dir = \"/etc/health-station/keys\""),
            "{config}"
        );
        assert!(config.contains("town = \"五马街道\"") && config.contains("# staff config"));
        assert!(config.contains("label = \"张*\""), "{config}");
        assert!(text("versions.txt").contains("app: health-station 0.1.0"));
        assert!(text("devices.txt").contains("printer: ipp://localhost:631/printers/R: idle"));
        let today_log = files
            .iter()
            .find(|(n, _)| n.starts_with("logs/") && !n.contains("2000-01-03"))
            .map(|(_, t)| t.clone())
            .expect("today's log");
        assert!(today_log.contains("card read"), "{today_log}");
    }

    #[test]
    fn a_bad_config_is_left_out_and_a_second_bundle_gets_its_own_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config_path = dir.path().join("station.toml");
        fs::write(&config_path, "card_uids = [\"04A1B2C3\" oops").expect("config");
        let masker = Masker::new();
        let input = BundleInput {
            log_dir: &dir.path().join("no-logs"),
            config_path: &config_path,
            versions: Versions {
                app: "0.1.0".into(),
                os: "test".into(),
            },
            devices: &[],
            masker: &masker,
        };
        let now = Local::now();
        let first = write_bundle(&input, dir.path(), now).expect("bundle");
        let second = write_bundle(&input, dir.path(), now).expect("bundle");
        assert_ne!(first, second);
        let config = unzip(&first)
            .into_iter()
            .find(|(n, _)| n == "config/station.toml")
            .map(|(_, t)| t)
            .expect("config entry");
        assert!(!config.contains("04A1B2C3"), "{config}");
        assert!(config.contains("not included"), "{config}");
    }

    #[test]
    fn a_missing_destination_is_an_error_naming_the_bundle() {
        let dir = tempfile::tempdir().expect("tempdir");
        let masker = Masker::new();
        let err = write_bundle(
            &BundleInput {
                log_dir: dir.path(),
                config_path: &dir.path().join("station.toml"),
                versions: Versions::detect("0.1.0"),
                devices: &[],
                masker: &masker,
            },
            &dir.path().join("no-usb"),
            Local::now(),
        )
        .expect_err("no folder");
        assert!(
            err.to_string().contains("health-station-diagnostics-"),
            "{err}"
        );
    }

    #[test]
    fn a_mounted_usb_drive_is_chosen_else_the_fallback_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let media = dir.path().join("media");
        let fallback = dir.path().join("station.diagnostics");
        // No drive: the fallback, created.
        let to = destination_among(&[&media], &fallback).expect("fallback");
        assert_eq!(to, fallback);
        assert!(fallback.is_dir());
        // A drive mounted for the kiosk user.
        let drive = media.join("kiosk").join("USB-STICK");
        fs::create_dir_all(&drive).expect("drive");
        assert_eq!(
            destination_among(&[&media], &fallback).expect("drive"),
            drive
        );
    }
}
