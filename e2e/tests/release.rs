//! The release pipeline as a station meets it: `scripts/release` signs the installers with a
//! release key made by the tauri CLI (`tauri signer generate`) and writes `latest.json`; a local
//! update server on loopback serves what it wrote. A kiosk running from the real AppImage
//! (`scripts/package --debug`), given only the key's public half, takes the manifest's AppImage
//! entry (never the .deb beside it), checks the CLI's signature and replaces its AppImage with the
//! new one once the station is quiet.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use station_e2e::bed::{bed, launch, socket, zh};
use station_e2e::station::StationOptions;
use station_e2e::update_server::UpdateServer;
use station_e2e::{built_installer, wait_for, workspace_root};

const NEW_VERSION: &str = "0.2.0";
const PASSWORD: &str = "release-test";

fn run(command: &mut Command) -> Output {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(out.status.success(), "{command:?}: {out:?}");
    out
}

/// A release key as the release machine makes it once: (private key file, public half).
fn release_key(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("release.key");
    run(
        Command::new(workspace_root().join(".tools/node_modules/.bin/tauri"))
            .args([
                "signer",
                "generate",
                "--ci",
                "--password",
                PASSWORD,
                "--write-keys",
            ])
            .arg(&key),
    );
    let public = std::fs::read_to_string(dir.join("release.key.pub")).expect("the public half");
    (key, public.trim().to_string())
}

/// Version 0.2.0 as an AppImage: the same runtime, an image whose entry point says its version.
fn new_appimage(installed: &Path, dir: &Path) -> PathBuf {
    let offset = run(Command::new(installed).arg("--appimage-offset"));
    let offset: usize = String::from_utf8_lossy(&offset.stdout)
        .trim()
        .parse()
        .expect("offset");
    let runtime = &std::fs::read(installed).expect("the AppImage")[..offset];
    let appdir = dir.join("new.AppDir");
    std::fs::create_dir_all(&appdir).expect("AppDir");
    let apprun = appdir.join("AppRun");
    std::fs::write(
        &apprun,
        format!("#!/bin/sh\necho health-station {NEW_VERSION}\n"),
    )
    .expect("AppRun");
    run(Command::new("chmod").arg("0755").arg(&apprun));
    let image = dir.join("new.squashfs");
    run(Command::new("mksquashfs").arg(&appdir).arg(&image).args([
        "-root-owned",
        "-noappend",
        "-quiet",
        "-comp",
        "xz",
    ]));
    let file = dir.join(format!("health-station_{NEW_VERSION}_amd64.AppImage"));
    let mut bytes = runtime.to_vec();
    bytes.extend(std::fs::read(&image).expect("image"));
    std::fs::write(&file, bytes).expect("new AppImage");
    run(Command::new("chmod").arg("0755").arg(&file));
    file
}

#[test]
fn a_release_made_by_the_script_updates_an_appimage_station() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (key, public) = release_key(tmp.path());
    // The station's AppImage where an installer put it (writable: it is replaced in place).
    let station_dir = tmp.path().join("station");
    std::fs::create_dir_all(&station_dir).expect("station dir");
    let installed = station_dir.join("health-station.AppImage");
    std::fs::copy(
        built_installer(
            "debug/bundle/appimage",
            "AppImage",
            "scripts/package --debug",
        ),
        &installed,
    )
    .expect("install the AppImage");
    let new = new_appimage(&installed, tmp.path());
    // A .deb of the same release beside it: a Debian station's entry, which this one must skip.
    let deb = tmp
        .path()
        .join(format!("health-station_{NEW_VERSION}_amd64.deb"));
    std::fs::write(&deb, b"!<arch>\na Debian station's package").expect("deb");

    let server = UpdateServer::start().expect("update server");
    let published = tmp.path().join("published");
    run(Command::new(workspace_root().join("scripts/release"))
        .args(["--out"])
        .arg(&published)
        .args(["--base-url", &server.url("/releases/")])
        .args(["--version", NEW_VERSION, "--notes", "测量更快"])
        .arg(&new)
        .arg(&deb)
        .env("TAURI_SIGNING_PRIVATE_KEY_PATH", &key)
        .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", PASSWORD));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(published.join("latest.json")).expect("latest.json"))
            .expect("json");
    assert_eq!(manifest["version"], NEW_VERSION);
    assert_eq!(manifest["notes"], "测量更快");
    let platforms = manifest["platforms"].as_object().expect("platforms");
    let mut entries: Vec<&str> = platforms.keys().map(String::as_str).collect();
    entries.sort();
    assert_eq!(entries, ["linux-x86_64-appimage", "linux-x86_64-deb"]);
    for entry in std::fs::read_dir(&published).expect("published") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        server.put(
            &format!("/releases/{name}"),
            std::fs::read(&path).expect("file"),
        );
    }

    let bed = bed();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            app: Some(installed.clone()),
            update: Some((server.url("/releases/latest.json"), public)),
            updates_dir: Some(tmp.path().join("updates")),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &zh().text("welcome-insert-card"))
        .unwrap();
    // Quiet at the welcome screen: the update goes in.
    let wanted = std::fs::read(&new).expect("new");
    wait_for(Duration::from_secs(90), || {
        Ok((std::fs::read(&installed).ok() == Some(wanted.clone())).then_some(()))
    })
    .unwrap_or_else(|e| panic!("the station never took the release: {e}\n{}", st.app_log()));
    let asked = server.asked();
    assert!(
        asked.contains(&format!(
            "/releases/health-station_{NEW_VERSION}_amd64.AppImage"
        )),
        "{asked:?}"
    );
    assert!(
        !asked.iter().any(|p| p.ends_with(".deb")),
        "an AppImage station took the .deb: {asked:?}"
    );
    drop(st);
    // What is there now is the new version.
    let said = run(&mut Command::new(&installed));
    assert_eq!(
        String::from_utf8_lossy(&said.stdout),
        format!("health-station {NEW_VERSION}\n")
    );
}
