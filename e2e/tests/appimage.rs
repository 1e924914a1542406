//! The Linux AppImage as made on this machine (`scripts/package-appimage --debug`: the debug
//! .deb's files, the AppImage runtime from crates.io, an xz SquashFS image). It is what an
//! AppImage is (an ELF runtime marked `AI 02`, then the image), it carries exactly the .deb's
//! files, it starts the real kiosk window through FUSE as a station runs it, and a computer
//! without WebKitGTK is told which libraries are missing. What is not proven here is said in
//! packaging/README.md.

use std::path::{Path, PathBuf};
use std::process::Command;

use station_e2e::bed::{bed, launch, socket, zh};
use station_e2e::station::StationOptions;
use station_e2e::{assert_bundle_type, built_installer, files_under, workspace_root};

fn appimage() -> PathBuf {
    built_installer(
        "debug/bundle/appimage",
        "AppImage",
        "scripts/package --debug",
    )
}

/// The tree the .deb was made from: what the AppImage must carry under usr/.
fn deb_tree() -> PathBuf {
    let dir = workspace_root().join("target/debug/bundle/deb");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (scripts/package --debug makes it)", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path().join("data")))
        .find(|p| p.is_dir())
        .expect("the .deb's tree")
}

fn run_in(dir: &Path, program: &Path, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
}

#[test]
fn the_appimage_is_a_runtime_and_an_image_holding_the_deb_s_files() {
    let app = appimage();
    let bytes = std::fs::read(&app).expect("read the AppImage");
    assert_eq!(&bytes[..4], b"\x7fELF", "an executable");
    assert_eq!(&bytes[8..11], b"AI\x02", "the AppImage type-2 mark");
    let meta = std::fs::metadata(&app).expect("metadata");
    assert_ne!(
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111,
        0,
        "executable"
    );
    // The runtime says where its image starts; a SquashFS image is there.
    let tmp = tempfile::tempdir().expect("temp dir");
    let offset = run_in(tmp.path(), &app, &["--appimage-offset"]);
    assert!(offset.status.success(), "{offset:?}");
    let offset: usize = String::from_utf8_lossy(&offset.stdout)
        .trim()
        .parse()
        .expect("the offset is a number");
    assert_eq!(&bytes[offset..offset + 4], b"hsqs", "SquashFS at {offset}");

    let extract = run_in(tmp.path(), &app, &["--appimage-extract"]);
    assert!(extract.status.success(), "{extract:?}");
    let root = tmp.path().join("squashfs-root");
    // usr/ exactly as the .deb's usr/: the same paths, byte for byte.
    let deb = deb_tree().join("usr");
    let carried = root.join("usr");
    let relative = |base: &Path| -> Vec<PathBuf> {
        files_under(base)
            .into_iter()
            .map(|p| p.strip_prefix(base).expect("under").to_path_buf())
            .collect()
    };
    let names = relative(&deb);
    let program = PathBuf::from("bin/health-station");
    assert!(names.contains(&program));
    assert!(names
        .iter()
        .any(|p| p.starts_with("lib/health-station/audio")));
    assert_eq!(relative(&carried), names);
    for name in names.iter().filter(|n| **n != program) {
        assert!(
            std::fs::read(deb.join(name)).ok() == std::fs::read(carried.join(name)).ok(),
            "{} differs from the .deb's",
            name.display()
        );
    }
    // The program is the .deb's but for its bundle-type mark: an AppImage's, so its updater takes
    // the manifest's linux-x86_64-appimage entry and replaces the AppImage (never dpkg).
    let ours = std::fs::read(carried.join(&program)).expect("the program");
    let debs = std::fs::read(deb.join(&program)).expect("the .deb's program");
    assert_bundle_type(&ours, "APP");
    assert_bundle_type(&debs, "DEB");
    assert_eq!(ours.len(), debs.len());
    let differing: Vec<usize> = (0..ours.len()).filter(|&i| ours[i] != debs[i]).collect();
    // "DEB" and "APP" differ in each of their three bytes.
    let slot = differing.first().copied().expect("the marks differ");
    assert_eq!(differing, vec![slot, slot + 1, slot + 2]);
    assert_eq!(&debs[slot - 24..slot + 3], b"__TAURI_BUNDLE_TYPE_VAR_DEB");
    assert_eq!(&ours[slot - 24..slot + 3], b"__TAURI_BUNDLE_TYPE_VAR_APP");
    // What an AppImage has at its root: the entry point (the repository's), a desktop entry
    // whose icon is there too.
    assert_eq!(
        std::fs::read(root.join("AppRun")).expect("AppRun"),
        std::fs::read(workspace_root().join("packaging/appimage/AppRun")).expect("source")
    );
    let desktop =
        std::fs::read_to_string(root.join("health-station.desktop")).expect("desktop entry");
    assert!(desktop.contains("\nExec=health-station\n"), "{desktop}");
    assert!(desktop.contains("\nIcon=health-station\n"), "{desktop}");
    assert!(root.join("health-station.png").is_file());
    assert!(root.join(".DirIcon").exists());
    // Units are the .deb's business: an AppImage installs nothing.
    assert!(!root.join("lib/systemd").exists());
}

#[test]
fn the_appimage_starts_the_kiosk_through_fuse_and_names_itself_for_updates() {
    let app = appimage();
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            app: Some(app.clone()),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    // The app runs from the mounted image, and the runtime told it which file it came from:
    // the file an update replaces (src-tauri/src/updates.rs).
    let pid = st.app_pid().expect("the app's process");
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).expect("exe");
    assert!(
        exe.to_string_lossy().contains("/.mount_") && exe.ends_with("usr/bin/health-station"),
        "run from the mounted image: {}",
        exe.display()
    );
    let environ = std::fs::read(format!("/proc/{pid}/environ")).expect("environ");
    let appimage_var = environ
        .split(|b| *b == 0)
        .find_map(|v| v.strip_prefix(b"APPIMAGE="))
        .map(|v| PathBuf::from(String::from_utf8_lossy(v).into_owned()));
    assert_eq!(appimage_var, Some(app));
}

#[test]
fn a_computer_without_the_libraries_is_told_which_are_missing() {
    // AppRun before an app that needs a library this machine lacks (as a desktop without
    // WebKitGTK lacks libwebkit2gtk): patchelf adds the need to a copy of a small program.
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = dir.path().join("usr/bin");
    std::fs::create_dir_all(&bin).expect("usr/bin");
    let app = bin.join("health-station");
    std::fs::copy("/bin/true", &app).expect("copy");
    let patched = Command::new("patchelf")
        .args(["--add-needed", "libwebkit2gtk-9.9.so.0"])
        .arg(&app)
        .status()
        .expect("patchelf (scripts/setup test installs it)");
    assert!(patched.success());
    let apprun = dir.path().join("AppRun");
    std::fs::copy(workspace_root().join("packaging/appimage/AppRun"), &apprun).expect("AppRun");

    let out = run_in(dir.path(), &apprun, &["--config", "/nowhere"]);
    assert_eq!(out.status.code(), Some(127), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("lacks libraries"), "{said}");
    assert!(said.contains("  libwebkit2gtk-9.9.so.0\n"), "{said}");
    assert!(
        said.contains("sudo apt install libwebkit2gtk-4.1-0"),
        "{said}"
    );

    // With nothing missing it is the app that runs, with the arguments it was given.
    std::fs::copy("/bin/echo", &app).expect("copy");
    let out = run_in(dir.path(), &apprun, &["--config", "/x.toml"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "--config /x.toml\n");
}
