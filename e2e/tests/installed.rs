//! The Linux package as an installer leaves it. scripts/test builds it (`scripts/package
//! --debug`: the test build's binary in the very package a release ships) and installs it with
//! apt before these run. The installed app starts at the welcome screen; the package put the
//! unit, the voice prompts, the kiosk user, the station config and a sealed station key in
//! place; and systemd's own service manager, running the shipped unit, brings a kiosk killed with
//! SIGKILL back to its first screen.

use std::path::{Path, PathBuf};
use std::time::Duration;

use station_e2e::bed::{bed, launch, socket, zh};
use station_e2e::service::{KioskBed, ServiceManager};
use station_e2e::station::{write_config, StationOptions};
use station_e2e::{wait_for, workspace_root};

const APP: &str = "/usr/bin/health-station";
const UNIT: &str = "/lib/systemd/system/health-station.service";
const KEY: &str = "/etc/health-station/station-key.cred";

fn installed_app() -> PathBuf {
    let app = PathBuf::from(APP);
    assert!(
        app.exists(),
        "{APP} is missing: install the package first (scripts/test does: scripts/package --debug, \
         then apt-get install ./target/debug/bundle/deb/health-station_*.deb)"
    );
    app
}

fn run(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_installed_package_has_its_files_and_starts_at_the_welcome_screen() {
    let app = installed_app();
    let status = run(
        "dpkg-query",
        &["-W", "-f=${Status} ${Version}", "health-station"],
    );
    assert_eq!(
        status,
        format!("install ok installed {}", env!("CARGO_PKG_VERSION"))
    );
    // The unit exactly as in the repository (packaging/linux).
    let shipped = std::fs::read_to_string(UNIT).expect("the unit is installed");
    let source =
        std::fs::read_to_string(workspace_root().join("packaging/linux/health-station.service"))
            .expect("packaging/linux/health-station.service");
    assert_eq!(shipped, source);
    // Every voice prompt, where the app looks for bundled resources.
    let prompts = |dir: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        names.sort();
        names
    };
    // Marked as a .deb's program: its updater takes the manifest's linux-x86_64-deb entry.
    station_e2e::assert_bundle_type(&std::fs::read(&app).expect("the program"), "DEB");
    let bundled = prompts(Path::new("/usr/lib/health-station/audio"));
    assert!(!bundled.is_empty());
    assert_eq!(bundled, prompts(&workspace_root().join("assets/audio")));
    // What postinst made: the kiosk user, its config, the key sealed by systemd-creds (never
    // readable as plain bytes) that decrypts to a 32-byte master key.
    assert!(run("getent", &["passwd", "kiosk"]).starts_with("kiosk:"));
    assert!(Path::new("/etc/health-station/station.toml").is_file());
    let sealed = std::fs::read(KEY).expect("the sealed station key");
    assert_ne!(sealed.len(), 32, "the key must not be stored in the clear");
    let key = std::process::Command::new("systemd-creds")
        .args(["decrypt", "--name=health-station-key", KEY, "-"])
        .output()
        .expect("systemd-creds");
    assert!(key.status.success(), "{key:?}");
    assert_eq!(key.stdout.len(), 32);

    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            app: Some(app),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
}

/// The shipped unit under a real systemd service manager (systemd's user manager in a mount
/// namespace of its own: this machine's PID 1 is not systemd; see `station_e2e::service`), with
/// a test-bed drop-in for what a test machine lacks (`ServiceManager::install_kiosk_unit`).
#[test]
fn systemd_brings_a_killed_kiosk_back_to_its_first_screen() {
    let app = installed_app();
    let bed = bed();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let (config, data, home) = (
        root.join("station.toml"),
        root.join("data"),
        root.join("home"),
    );
    std::fs::create_dir_all(&home).expect("home");
    let pcsc = socket(&bed).expect("the test bed's pcscd");
    write_config(&config, &StationOptions::default(), &data).expect("config");

    let manager = ServiceManager::start(root).expect("systemd user manager");
    manager
        .install_kiosk_unit(
            Path::new(UNIT),
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
    manager.run(&["daemon-reload"]).expect("reload");
    // The shipped policy, as systemd read it: restart always; started = the app said READY=1.
    for (name, value) in [
        ("Restart", "always"),
        ("Type", "notify"),
        ("NotifyAccess", "all"),
    ] {
        assert_eq!(
            manager.property("health-station.service", name).unwrap(),
            value,
            "{name}"
        );
    }
    manager
        .run(&["start", "--no-block", "health-station.service"])
        .expect("start");

    let log = || std::fs::read_to_string(root.join("app.log")).unwrap_or_default();
    // Type=notify: "active" only once the app said READY=1, i.e. its window asked for the
    // station's first screen.
    let up = |not: &str| {
        wait_for(Duration::from_secs(60), || {
            let state = manager.property("health-station.service", "ActiveState")?;
            let pid = manager.property("health-station.service", "MainPID")?;
            Ok((state == "active" && pid != "0" && pid != not).then_some(pid))
        })
        .unwrap_or_else(|e| panic!("{e}\n--- app log ---\n{}", log()))
    };
    let first = up("");
    let kill = std::process::Command::new("kill")
        .args(["-9", &first])
        .status()
        .expect("kill");
    assert!(kill.success());
    let second = up(&first);
    assert_ne!(first, second);
    assert_eq!(
        manager
            .property("health-station.service", "NRestarts")
            .unwrap(),
        "1"
    );
    // The key came from the unit's credential: the store opened with it.
    assert!(
        data.join(station_store::DB_FILE).exists(),
        "no store in {}\n{}",
        data.display(),
        log()
    );
    manager
        .run(&["stop", "health-station.service"])
        .expect("stop");
}
