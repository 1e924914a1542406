//! Updates of the kiosk against a local update server on loopback (issue 14): the real app, its
//! Tauri updater plugin and a package signed with a key made for the test. A tampered package is
//! refused and nothing of it is kept; a signed one is kept, waits while a resident is at the
//! station, and replaces the kiosk (an AppImage here) only once the visit has ended, keeping the
//! previous version for the first-start trial.

use std::path::Path;
use std::time::Duration;

use station_e2e::bed::{bed, insert_resident, launch, pull_and_settle, socket, zh};
use station_e2e::station::{Station, StationOptions};
use station_e2e::update_server::{Signer, UpdateServer};
use station_e2e::wait_for;

const NEW_VERSION: &str = "0.2.0";
const PACKAGE: &[u8] = b"\x7fELF the kiosk, version 0.2.0 (an AppImage in real life)";
const INSTALLED: &[u8] = b"\x7fELF the kiosk as installed, version 0.1.0";

/// A server offering version 0.2.0: `served` bytes under a signature of `signed` bytes.
fn server(signer: &Signer, signed: &[u8], served: &[u8]) -> UpdateServer {
    let server = UpdateServer::start().expect("update server");
    let manifest = serde_json::json!({
        "version": NEW_VERSION,
        "notes": "test update",
        "pub_date": "2026-12-01T00:00:00Z",
        "platforms": {
            "linux-x86_64": { "url": server.url("/package"), "signature": signer.sign(signed, NEW_VERSION) }
        }
    });
    server.put("/package", served.to_vec());
    server.put("/latest.json", serde_json::to_vec(&manifest).expect("json"));
    server
}

fn start(
    signer: &Signer,
    server: &UpdateServer,
    updates: &Path,
    appimage: &Path,
) -> (
    Station,
    std::sync::MutexGuard<'static, station_e2e::bed::Bed>,
) {
    let bed = bed();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            update: Some((server.url("/latest.json"), signer.pubkey())),
            updates_dir: Some(updates.to_path_buf()),
            env: vec![("APPIMAGE".to_string(), appimage.to_path_buf())],
            ..Default::default()
        },
    );
    (st, bed)
}

fn wait_log(st: &Station, line: &str, timeout: Duration) -> String {
    wait_for(timeout, || {
        let log = st.app_log();
        Ok(log.contains(line).then_some(log))
    })
    .unwrap_or_else(|e| panic!("the app never logged {line:?}: {e}\n{}", st.app_log()))
}

#[test]
fn a_tampered_update_is_refused_and_nothing_of_it_is_kept() {
    let tmp = tempfile::tempdir().expect("tmp");
    let signer = Signer::new();
    let mut tampered = PACKAGE.to_vec();
    tampered[10] ^= 1;
    let server = server(&signer, PACKAGE, &tampered);
    let appimage = tmp.path().join("health-station.AppImage");
    std::fs::write(&appimage, INSTALLED).expect("write");
    let updates = tmp.path().join("updates");
    let (st, _bed) = start(&signer, &server, &updates, &appimage);
    st.wait_screen("welcome", &zh().text("welcome-insert-card"))
        .unwrap();

    wait_log(&st, "an update was refused", Duration::from_secs(60));
    assert!(
        server.asked().contains(&"/package".to_string()),
        "{:?}",
        server.asked()
    );
    assert!(!updates.join("staged").exists(), "nothing of it is kept");
    assert!(!updates.join("trial.json").exists());
    assert_eq!(std::fs::read(&appimage).expect("read"), INSTALLED);
    // Staff find it in the audit trail (and among the recent problems: it is an error line).
    let store = station_store::Store::open(&st.data_dir).expect("store");
    let refused = store
        .audit_events(50)
        .expect("audit")
        .into_iter()
        .find(|e| e.action == "update_refused")
        .expect("an update_refused audit event");
    assert!(refused.detail.starts_with(NEW_VERSION), "{refused:?}");
    drop(store);

    // Staff see it in admin mode: the update's state, and the error among the recent problems.
    let t = zh();
    st.open_admin(&t, "2468").unwrap();
    st.press(&t.text("admin-section-logs")).unwrap();
    let refused = t.text_with(
        "admin-update-refused",
        &[("version", NEW_VERSION.to_string())],
    );
    let page = st.wait_screen("admin", &refused).unwrap();
    assert!(page.contains(env!("CARGO_PKG_VERSION")), "{page}");
    assert!(page.contains("an update was refused"), "{page}");
}

#[test]
fn a_signed_update_waits_for_the_visit_to_end_then_replaces_the_kiosk() {
    let tmp = tempfile::tempdir().expect("tmp");
    let signer = Signer::new();
    let server = server(&signer, PACKAGE, PACKAGE);
    let appimage = tmp.path().join("health-station.AppImage");
    std::fs::write(&appimage, INSTALLED).expect("write");
    let updates = tmp.path().join("updates");
    let (st, bed) = start(&signer, &server, &updates, &appimage);
    let t = zh();
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();

    // A resident arrives before the first look for an update (5 s after start).
    let card = insert_resident(&bed);
    st.wait_screen("home", &t.text("service-self-test"))
        .unwrap();
    wait_log(&st, "it waits for a quiet station", Duration::from_secs(60));
    let staged = std::fs::read(updates.join("staged").join("package")).expect("staged package");
    assert_eq!(staged, PACKAGE, "kept byte for byte");

    // Well past the moment a quiet station would have been updated: the visit goes on.
    std::thread::sleep(Duration::from_secs(12));
    assert_eq!(
        std::fs::read(&appimage).expect("read"),
        INSTALLED,
        "never mid-visit"
    );
    st.wait_screen("home", &t.text("service-self-test"))
        .unwrap();

    // The visit ends; the station is quiet again and the update goes in.
    pull_and_settle(card);
    wait_for(Duration::from_secs(60), || {
        Ok((std::fs::read(&appimage).ok().as_deref() == Some(PACKAGE)).then_some(()))
    })
    .unwrap_or_else(|e| panic!("the update was never installed: {e}\n{}", st.app_log()));
    // The previous version is kept for the new one's first starts.
    assert_eq!(
        std::fs::read(updates.join("previous")).expect("previous kept"),
        INSTALLED
    );
    let trial: serde_json::Value =
        serde_json::from_slice(&std::fs::read(updates.join("trial.json")).expect("trial"))
            .expect("json");
    assert_eq!(trial["version"], NEW_VERSION);
    assert_eq!(trial["starts"], 0);
    assert!(
        !updates.join("staged").exists(),
        "installed, not kept twice"
    );
    wait_log(
        &st,
        "update installed; restarting into it",
        Duration::from_secs(10),
    );
}

/// A trial record as the updater leaves it when it installed `version` over `installed_to`.
fn trial_record(updates: &Path, installed_to: &Path, version: &str, starts: u32) {
    std::fs::create_dir_all(updates).expect("updates dir");
    std::fs::write(updates.join("previous"), INSTALLED).expect("previous");
    let record = serde_json::json!({
        "version": version,
        "previous_version": "0.0.9",
        "installed_to": installed_to,
        "starts": starts,
    });
    std::fs::write(
        updates.join("trial.json"),
        serde_json::to_vec(&record).expect("json"),
    )
    .expect("trial");
}

/// The station started with `updates` as its updates folder, at its welcome screen.
fn welcome_with_updates_in(updates: &Path) -> Station {
    let bed = bed();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            updates_dir: Some(updates.to_path_buf()),
            ..Default::default()
        },
    );
    if let Err(e) = st.wait_screen("welcome", &zh().text("welcome-insert-card")) {
        panic!("{e}");
    }
    st
}

fn audit_actions(st: &Station) -> Vec<(String, String)> {
    let store = station_store::Store::open(&st.data_dir).expect("store");
    store
        .audit_events(100)
        .expect("audit")
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect()
}

#[test]
fn a_new_version_that_reaches_the_welcome_screen_stays() {
    let tmp = tempfile::tempdir().expect("tmp");
    let updates = tmp.path().join("updates");
    let appimage = tmp.path().join("health-station.AppImage");
    std::fs::write(&appimage, PACKAGE).expect("write");
    // This build is the new version, on its first start after the update.
    trial_record(&updates, &appimage, env!("CARGO_PKG_VERSION"), 0);
    let st = welcome_with_updates_in(&updates);
    wait_for(Duration::from_secs(10), || {
        Ok((!updates.join("trial.json").exists()).then_some(()))
    })
    .unwrap();
    assert!(!updates.join("previous").exists(), "the old copy goes");
    assert_eq!(std::fs::read(&appimage).expect("read"), PACKAGE);
    let installed = format!("0.0.9 -> {}", env!("CARGO_PKG_VERSION"));
    assert!(
        audit_actions(&st).contains(&("update_installed".to_string(), installed)),
        "{:?}",
        audit_actions(&st)
    );
}

#[test]
fn a_new_version_that_never_came_up_is_rolled_back_and_staff_are_told() {
    let tmp = tempfile::tempdir().expect("tmp");
    let updates = tmp.path().join("updates");
    let appimage = tmp.path().join("health-station.AppImage");
    std::fs::write(&appimage, PACKAGE).expect("write");
    // Three starts of this version never reached the welcome screen.
    trial_record(&updates, &appimage, env!("CARGO_PKG_VERSION"), 3);

    // The fourth start puts the previous version back and exits before anything else (no
    // config, no window), for the service manager to start it.
    let out = std::process::Command::new(station_e2e::station::app_binary())
        .env("HEALTH_STATION_UPDATES_DIR", &updates)
        .env(
            "HEALTH_STATION_CONFIG",
            tmp.path().join("no-such-config.toml"),
        )
        .output()
        .expect("the app runs");
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("is back in place"), "{said}");
    assert_eq!(
        std::fs::read(&appimage).expect("read"),
        INSTALLED,
        "the previous version is back"
    );

    // The previous version starts (here the same build: the record says it was rolled back)
    // and tells staff once.
    let st = welcome_with_updates_in(&updates);
    assert!(!updates.join("trial.json").exists());
    let rolled_back = (
        "update_rolled_back".to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
    );
    assert!(
        audit_actions(&st).contains(&rolled_back),
        "{:?}",
        audit_actions(&st)
    );
    assert!(
        st.app_log().contains("was rolled back"),
        "an error line staff see among the recent problems"
    );
}
