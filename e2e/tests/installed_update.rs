//! Updating an installed .deb, the whole way (issue 14), under a real systemd service manager
//! (see `station_e2e::service`) running the package's own three units: the installed kiosk finds
//! a signed update on a local update server, downloads, verifies and stages it, and asks when
//! the station is quiet; the path unit starts root's installer, which checks the package again
//! with root's key, keeps the installed version (dpkg-repack), installs with `dpkg -i` and
//! starts the kiosk. A version whose kiosk never comes up is replaced by the kept one. The
//! kiosk picks up the installer's answer and audits it (the log lines checked here are written
//! with the audit records).
//!
//! The packages are the test build's own .deb (scripts/test builds and installs it) with a
//! higher version; the broken one has a program that exits at once. The package installed
//! before is put back at the end, whatever happens.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use station_e2e::bed::{bed, socket};
use station_e2e::service::{KioskBed, ServiceManager};
use station_e2e::station::{write_config, StationOptions};
use station_e2e::update_server::{Signer, UpdateServer};
use station_e2e::{wait_for, workspace_root};

const APP: &str = "/usr/bin/health-station";
const UNITS: &str = "/lib/systemd/system";

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn installed_version() -> String {
    run("dpkg-query", &["-W", "-f=${Version}", "health-station"])
}

/// The package scripts/test installed.
fn test_package() -> PathBuf {
    let dir = workspace_root().join("target/debug/bundle/deb");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (scripts/package --debug builds it)", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .expect("the test build's .deb")
}

/// The test package as `version`; `broken`: its program exits at once.
fn repack(original: &Path, version: &str, broken: bool, dir: &Path) -> PathBuf {
    let tree = dir.join(format!("tree-{version}"));
    run(
        "dpkg-deb",
        &[
            "-R",
            &original.display().to_string(),
            &tree.display().to_string(),
        ],
    );
    let control = tree.join("DEBIAN/control");
    let text = std::fs::read_to_string(&control).expect("control");
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("Version:") {
                format!("Version: {version}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&control, text).expect("control");
    if broken {
        std::fs::write(
            tree.join("usr/bin/health-station"),
            "#!/bin/sh\necho 'a broken kiosk' >&2\nexit 3\n",
        )
        .expect("broken program");
    }
    let deb = dir.join(format!("health-station_{version}_amd64.deb"));
    run(
        "dpkg-deb",
        &[
            "-Zgzip",
            "-z1",
            "-b",
            &tree.display().to_string(),
            &deb.display().to_string(),
        ],
    );
    std::fs::remove_dir_all(&tree).expect("tree");
    deb
}

/// Puts the package that was installed before back, whatever the test did.
struct Reinstall(PathBuf);

impl Drop for Reinstall {
    fn drop(&mut self) {
        let _ = Command::new("dpkg").arg("-i").arg(&self.0).status();
    }
}

/// The server offers `version` (its package under `path`), or nothing newer (`None`).
fn offer(server: &UpdateServer, signer: &Signer, offered: Option<(&str, &Path)>) {
    let manifest = match offered {
        Some((version, deb)) => {
            let bytes = std::fs::read(deb).expect("package");
            let path = format!("/{version}.deb");
            let signature = signer.sign(&bytes, version);
            server.put(&path, bytes);
            serde_json::json!({
                "version": version,
                "pub_date": "2026-12-01T00:00:00Z",
                "platforms": {
                    "linux-x86_64": { "url": server.url(&path), "signature": signature }
                }
            })
        }
        None => serde_json::json!({
            "version": "0.0.1",
            "pub_date": "2026-12-01T00:00:00Z",
            "platforms": {}
        }),
    };
    server.put("/latest.json", serde_json::to_vec(&manifest).expect("json"));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn an_installed_kiosk_is_updated_by_roots_installer_and_a_broken_version_rolled_back() {
    assert!(
        Path::new(APP).exists(),
        "install the package first (scripts/test does)"
    );
    let original = test_package();
    let before = installed_version();
    let _reinstall = Reinstall(original.clone());
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    let (newer, broken) = ("0.1.1", "0.1.2");
    let newer_deb = repack(&original, newer, false, root);
    let broken_deb = repack(&original, broken, true, root);

    // Root's key: a root-owned file nobody else can write; the kiosk's copy in station.toml.
    let signer = Signer::new();
    let key_file = root.join("update-key.pub");
    std::fs::write(&key_file, signer.pubkey()).expect("key");
    let server = UpdateServer::start().expect("update server");
    offer(&server, &signer, Some((newer, &newer_deb)));

    let bed = bed();
    let (config, data, home, updates, state) = (
        root.join("station.toml"),
        root.join("data"),
        root.join("home"),
        root.join("updates"),
        root.join("updater"),
    );
    std::fs::create_dir_all(&home).expect("home");
    let pcsc = socket(&bed).expect("the test bed's pcscd");
    let options = StationOptions {
        update: Some((server.url("/latest.json"), signer.pubkey())),
        ..Default::default()
    };
    write_config(&config, &options, &data).expect("config");

    let manager = ServiceManager::start(root).expect("systemd user manager");
    let app = PathBuf::from(APP);
    manager
        .install_kiosk_unit(
            &Path::new(UNITS).join("health-station.service"),
            &KioskBed {
                root,
                home: &home,
                display: &bed.display.name(),
                config: &config,
                pcsc: &pcsc,
                app: &app,
                env: &[],
            },
        )
        .expect("the kiosk's unit");
    // Root's installer as shipped, pointed at the test's folders and its manager.
    let installer_log = root.join("installer.log");
    manager
        .install_unit(
            &Path::new(UNITS).join("health-station-update.service"),
            &format!(
                "[Service]\nStateDirectory=\n\
                 StandardOutput=append:{log}\nStandardError=append:{log}\n\
                 Environment=HEALTH_STATION_UPDATES_DIR={updates} \
                 HEALTH_STATION_UPDATE_KEY={key} HEALTH_STATION_UPDATER_STATE={state} \
                 HEALTH_STATION_START_WITHIN_SECS=90 XDG_RUNTIME_DIR={runtime}\n\
                 Environment=\"HEALTH_STATION_SYSTEMCTL=systemctl --user\"\n",
                runtime = manager.runtime_dir().display(),
                log = installer_log.display(),
                updates = updates.display(),
                key = key_file.display(),
                state = state.display(),
            ),
        )
        .expect("the installer's unit");
    manager
        .install_unit(
            &Path::new(UNITS).join("health-station-update.path"),
            &format!(
                "[Path]\nPathExists=\nPathExists={}\n",
                updates.join("install.request").display()
            ),
        )
        .expect("the path unit");
    manager.run(&["daemon-reload"]).expect("reload");
    manager
        .run(&["start", "health-station-update.path"])
        .expect("watching for requests");
    manager
        .run(&["start", "--no-block", "health-station.service"])
        .expect("start the kiosk");

    let logs = || {
        format!(
            "--- app log ---\n{}\n--- installer log ---\n{}",
            read(&root.join("app.log")),
            read(&installer_log)
        )
    };
    let wait = |what: &str, secs: u64, done: &dyn Fn() -> bool| {
        wait_for(Duration::from_secs(secs), || Ok(done().then_some(())))
            .unwrap_or_else(|e| panic!("never: {what}: {e}\n{}", logs()));
    };
    // Once the kiosk has the package, the server has nothing newer (the installed program
    // still calls itself 0.1.0 and would ask again).
    wait("the kiosk downloads 0.1.1", 120, &|| {
        server.asked().iter().any(|p| p == "/0.1.1.deb")
    });
    offer(&server, &signer, None);

    // 1. A signed, newer package: installed, the kiosk up again, the previous version kept.
    wait("0.1.1 installed", 240, &|| installed_version() == newer);
    wait("the installer's answer audited by the kiosk", 120, &|| {
        read(&root.join("app.log")).contains("update installed by the system's installer")
    });
    assert_eq!(
        manager
            .property("health-station.service", "ActiveState")
            .unwrap(),
        "active",
        "{}",
        logs()
    );
    let kept: Vec<_> = std::fs::read_dir(state.join("previous"))
        .expect("kept copy")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(
        kept.iter()
            .any(|n| n.contains(&before) && n.ends_with(".deb")),
        "{kept:?}"
    );
    assert!(!updates.join("staged").exists(), "nothing left staged");

    // 2. A signed version whose kiosk never comes up: installed, then replaced by the kept one.
    offer(&server, &signer, Some((broken, &broken_deb)));
    manager
        .run(&["restart", "--no-block", "health-station.service"])
        .expect("restart: look for updates now");
    wait("the kiosk downloads 0.1.2", 120, &|| {
        server.asked().iter().any(|p| p == "/0.1.2.deb")
    });
    offer(&server, &signer, None);
    wait("0.1.2 rolled back", 300, &|| {
        read(&installer_log).contains("update rolled back")
    });
    assert_eq!(installed_version(), newer, "{}", logs());
    wait("the rollback audited by the kiosk", 120, &|| {
        read(&root.join("app.log")).contains("was rolled back")
    });
    manager
        .run(&[
            "stop",
            "health-station.service",
            "health-station-update.path",
        ])
        .expect("stop");
}
