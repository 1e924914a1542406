//! The Windows installer as made on this machine (scripts/package-msi: the app cross-built with
//! MinGW, then wixl), read back with msitools as a Windows installer would see it: its tables,
//! its summary, and every file it installs extracted and compared with what was packed. What
//! this cannot prove (Windows running it) is said in packaging/README.md.

use std::path::{Path, PathBuf};
use std::process::Command;

use station_e2e::{assert_bundle_type, built_installer, files_under, workspace_root};

fn msi() -> PathBuf {
    built_installer("msi", "msi", "scripts/package-msi")
}

fn msiinfo(args: &[&str]) -> String {
    let out = Command::new("msiinfo")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("msiinfo (msitools): {e}"));
    assert!(out.status.success(), "msiinfo {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A table's rows, tab-separated, after its three header lines (names, types, table name).
fn rows(msi: &Path, table: &str) -> Vec<Vec<String>> {
    msiinfo(&["export", &msi.display().to_string(), table])
        .lines()
        .skip(3)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn the_msi_installs_the_windows_kiosk_its_runtime_and_every_voice_prompt() {
    let msi = msi();
    let path = msi.display().to_string();
    let version = env!("CARGO_PKG_VERSION");

    let summary = msiinfo(&["suminfo", &path]);
    assert!(summary.contains("Template: x64;1033"), "{summary}");
    assert!(
        summary.contains(&format!("Health Station Kiosk {version}")),
        "{summary}"
    );
    let tables = msiinfo(&["tables", &path]);
    for table in [
        "File",
        "Component",
        "Directory",
        "Feature",
        "FeatureComponents",
        "Media",
    ] {
        assert!(
            tables.lines().any(|t| t == table),
            "no {table} table: {tables}"
        );
    }
    let property = rows(&msi, "Property");
    let prop = |name: &str| {
        property
            .iter()
            .find(|r| r[0] == name)
            .map(|r| r[1].clone())
            .unwrap_or_default()
    };
    assert_eq!(prop("ProductVersion"), version);
    assert_eq!(prop("ProductName"), "Health Station Kiosk");
    assert_eq!(
        prop("UpgradeCode"),
        "{6B0E6E2C-3C1F-4B0B-9A67-2F1D5C3A8E41}",
        "the upgrade code never changes: it is how a newer MSI finds this one"
    );
    // A newer MSI replaces this one, an older one is refused (MajorUpgrade).
    let upgrade = rows(&msi, "Upgrade");
    for action in ["WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"] {
        assert!(
            upgrade
                .iter()
                .any(|r| r.last().is_some_and(|a| a == action)),
            "{upgrade:?}"
        );
    }
    assert!(
        rows(&msi, "InstallExecuteSequence")
            .iter()
            .any(|r| r[0] == "RemoveExistingProducts"),
        "the older version is removed on upgrade"
    );
    // Under Program Files (64-bit), in its own folder.
    let directories = rows(&msi, "Directory");
    assert!(
        directories
            .iter()
            .any(|r| r[0] == "INSTALLDIR" && r[1] == "ProgramFiles64Folder"),
        "{directories:?}"
    );
    // Every component is 64-bit (msidbComponentAttributes64bit = 256) and in the one feature.
    let components = rows(&msi, "Component");
    let features = rows(&msi, "FeatureComponents");
    for c in &components {
        let attributes: u32 = c[3].parse().unwrap_or(0);
        assert_ne!(attributes & 256, 0, "{c:?} is not 64-bit");
        assert!(
            features.iter().any(|f| f[1] == c[0]),
            "{} is in no feature",
            c[0]
        );
    }

    // What it installs, byte for byte: the program a Windows machine can load, the DLLs it
    // names, the voice prompts, the example config and the lockdown guide.
    let out = tempfile::tempdir().expect("temp dir");
    let extract = Command::new("msiextract")
        .arg("-C")
        .arg(out.path())
        .arg(&msi)
        .output()
        .expect("msiextract (msitools)");
    assert!(extract.status.success(), "{extract:?}");
    let installed = out.path().join("Health Station");
    let exe = std::fs::read(installed.join("health-station.exe")).expect("the program");
    assert_eq!(&exe[..2], b"MZ", "a Windows program");
    let pe = u32::from_le_bytes(exe[0x3c..0x40].try_into().expect("PE offset")) as usize;
    assert_eq!(&exe[pe..pe + 4], b"PE\0\0");
    assert_eq!(
        u16::from_le_bytes([exe[pe + 4], exe[pe + 5]]),
        0x8664,
        "built for x86-64"
    );
    // Its updater takes the manifest's windows-x86_64-msi entry.
    assert_bundle_type(&exe, "MSI");
    for dll in [
        "WebView2Loader.dll",
        "libstdc++-6.dll",
        "libgcc_s_seh-1.dll",
    ] {
        let bytes = std::fs::read(installed.join(dll)).unwrap_or_else(|e| panic!("{dll}: {e}"));
        assert_eq!(&bytes[..2], b"MZ", "{dll}");
        let name = dll.as_bytes();
        assert!(
            exe.windows(name.len())
                .any(|w| w.eq_ignore_ascii_case(name))
                || dll == "libgcc_s_seh-1.dll",
            "the program does not load {dll}: why ship it?"
        );
    }
    let root = workspace_root();
    for (shipped, source) in [
        ("station.example.toml", "config/station.example.toml"),
        ("lockdown.md", "docs/lockdown.md"),
    ] {
        assert_eq!(
            std::fs::read(installed.join(shipped)).expect(shipped),
            std::fs::read(root.join(source)).expect(source),
            "{shipped}"
        );
    }
    let prompts_dir = root.join("assets/audio");
    let prompts: Vec<PathBuf> = files_under(&prompts_dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "ogg"))
        .collect();
    assert!(prompts.len() > 100, "{} prompts", prompts.len());
    let shipped = files_under(&installed.join("audio"));
    assert_eq!(shipped.len(), prompts.len(), "one file per voice prompt");
    for prompt in &prompts {
        let relative = prompt.strip_prefix(&prompts_dir).expect("under audio");
        let copy = installed.join("audio").join(relative);
        assert_eq!(
            std::fs::read(&copy).unwrap_or_else(|e| panic!("{}: {e}", copy.display())),
            std::fs::read(prompt).expect("prompt"),
            "{}",
            relative.display()
        );
    }
    // The File table says the same (sizes as packed).
    let file_rows = rows(&msi, "File");
    assert_eq!(file_rows.len(), prompts.len() + 6, "{file_rows:?}");
    let exe_row = file_rows
        .iter()
        .find(|r| r[2] == "health-station.exe")
        .expect("the program's row");
    assert_eq!(exe_row[3], exe.len().to_string());
}
