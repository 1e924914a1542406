//! The root-side installer of a .deb against a machine double: what it refuses, what it
//! installs, when it puts the previous version back, and how it finishes a trial cut off by a
//! power cut. (dpkg and systemd themselves: e2e/tests/installed_update.rs.)

#![allow(clippy::unwrap_used)]

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use base64::Engine;
use station_update::{InstallResult, PackageInstaller, System, UpdateDir};

fn b64(text: String) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

struct Signer(minisign::KeyPair);

impl Signer {
    fn new() -> Signer {
        Signer(minisign::KeyPair::generate_unencrypted_keypair().unwrap())
    }
    fn pubkey(&self) -> String {
        b64(self.0.pk.to_box().unwrap().to_string())
    }
    fn sign(&self, bytes: &[u8], version: &str) -> String {
        let sig = minisign::sign(
            Some(&self.0.pk),
            &self.0.sk,
            std::io::Cursor::new(bytes),
            Some(&format!("timestamp:1\tfile:p\tversion:{version}")),
            None,
        )
        .unwrap();
        b64(sig.to_string())
    }
}

/// A machine: what is installed, what the kiosk does when started, and every step taken.
struct Machine {
    installed: RefCell<String>,
    /// The package inside the .deb being looked at (name, version).
    fields: (String, String),
    /// Versions with which the kiosk reaches its first screen.
    comes_up: Vec<String>,
    dpkg_fails: bool,
    steps: RefCell<Vec<String>>,
}

impl Machine {
    fn new(installed: &str, offered: &str) -> Machine {
        Machine {
            installed: RefCell::new(installed.into()),
            fields: ("health-station".into(), offered.into()),
            comes_up: vec![installed.into(), offered.into()],
            dpkg_fails: false,
            steps: RefCell::default(),
        }
    }
    fn step(&self, s: String) {
        self.steps.borrow_mut().push(s);
    }
}

impl System for &Machine {
    fn deb_fields(&self, _deb: &Path) -> Result<(String, String), String> {
        Ok(self.fields.clone())
    }
    fn installed_version(&self) -> Result<String, String> {
        Ok(self.installed.borrow().clone())
    }
    fn is_newer(&self, candidate: &str, installed: &str) -> Result<bool, String> {
        // Plain dotted numbers are enough for the double.
        let parse = |v: &str| -> Vec<u32> { v.split('.').filter_map(|p| p.parse().ok()).collect() };
        Ok(parse(candidate) > parse(installed))
    }
    fn keep_installed(&self, dir: &Path) -> Result<PathBuf, String> {
        let v = self.installed.borrow().clone();
        let path = dir.join(format!("health-station_{v}.deb"));
        std::fs::write(&path, format!("deb {v}")).map_err(|e| e.to_string())?;
        self.step(format!("keep {v}"));
        Ok(path)
    }
    fn install(&self, deb: &Path) -> Result<(), String> {
        if self.dpkg_fails && deb.ends_with("incoming.deb") {
            self.step("install failed".into());
            return Err("dpkg: error processing archive".into());
        }
        let version = if deb.ends_with("incoming.deb") {
            self.fields.1.clone()
        } else {
            std::fs::read_to_string(deb)
                .unwrap()
                .trim_start_matches("deb ")
                .to_string()
        };
        self.step(format!("install {version}"));
        *self.installed.borrow_mut() = version;
        Ok(())
    }
    fn stop_kiosk(&self) -> Result<(), String> {
        self.step("stop".into());
        Ok(())
    }
    fn start_kiosk(&self) -> Result<bool, String> {
        let v = self.installed.borrow().clone();
        let up = self.comes_up.contains(&v);
        self.step(format!("start {v}: {}", if up { "up" } else { "never up" }));
        Ok(up)
    }
}

struct Bed {
    _tmp: tempfile::TempDir,
    updates: UpdateDir,
    state: PathBuf,
    signer: Signer,
}

fn bed() -> Bed {
    let tmp = tempfile::tempdir().unwrap();
    Bed {
        updates: UpdateDir::new(tmp.path().join("updates")),
        state: tmp.path().join("root"),
        signer: Signer::new(),
        _tmp: tmp,
    }
}

impl Bed {
    /// The kiosk's part: a verified package staged, and the request.
    fn kiosk_asks(&self, version: &str, package: &[u8], signed: &[u8]) {
        let signature = self.signer.sign(signed, version);
        self.updates.stage(version, package, &signature).unwrap();
        self.updates.request_install(version).unwrap();
    }

    fn installer<'m>(&self, machine: &'m Machine) -> PackageInstaller<&'m Machine> {
        PackageInstaller {
            updates: self.updates.clone(),
            state: self.state.clone(),
            pubkey: self.signer.pubkey(),
            system: machine,
        }
    }

    /// The kiosk's side of the answer, and that nothing of the request is left.
    fn kiosk_reads(&self) -> InstallResult {
        assert_eq!(
            self.updates.install_request().unwrap(),
            None,
            "request cleared"
        );
        assert_eq!(self.updates.staged().unwrap(), None, "staged package gone");
        assert!(!self.state.join("incoming.deb").exists());
        self.updates.take_result().unwrap().expect("a result")
    }
}

const PACKAGE: &[u8] = b"!<arch>\ndebian-binary the new kiosk";

#[test]
fn a_signed_newer_package_is_installed_after_keeping_the_previous_one() {
    let bed = bed();
    let machine = Machine::new("0.1.0", "0.2.0");
    bed.kiosk_asks("0.2.0", PACKAGE, PACKAGE);
    let result = bed.installer(&machine).run().unwrap();
    assert_eq!(
        result,
        Some(InstallResult::Installed {
            version: "0.2.0".into(),
            previous: "0.1.0".into()
        })
    );
    assert_eq!(
        *machine.steps.borrow(),
        ["keep 0.1.0", "stop", "install 0.2.0", "start 0.2.0: up"]
    );
    assert_eq!(bed.kiosk_reads(), result.unwrap());
    assert!(!bed.state.join("trial.json").exists());
    // Nothing asked: nothing done.
    assert_eq!(bed.installer(&machine).run().unwrap(), None);
}

#[test]
fn a_version_that_never_comes_up_is_replaced_by_the_kept_one() {
    let bed = bed();
    let mut machine = Machine::new("0.1.0", "0.2.0");
    machine.comes_up = vec!["0.1.0".into()];
    bed.kiosk_asks("0.2.0", PACKAGE, PACKAGE);
    let result = bed.installer(&machine).run().unwrap().unwrap();
    assert!(
        matches!(&result, InstallResult::RolledBack { version, previous, .. }
            if version == "0.2.0" && previous == "0.1.0"),
        "{result:?}"
    );
    assert_eq!(
        *machine.steps.borrow(),
        [
            "keep 0.1.0",
            "stop",
            "install 0.2.0",
            "start 0.2.0: never up",
            "stop",
            "install 0.1.0",
            "start 0.1.0: up"
        ]
    );
    assert_eq!(bed.kiosk_reads(), result);
}

#[test]
fn a_failed_dpkg_puts_the_previous_version_back() {
    let bed = bed();
    let mut machine = Machine::new("0.1.0", "0.2.0");
    machine.dpkg_fails = true;
    bed.kiosk_asks("0.2.0", PACKAGE, PACKAGE);
    let result = bed.installer(&machine).run().unwrap().unwrap();
    assert!(
        matches!(&result, InstallResult::RolledBack { reason, .. } if reason.contains("dpkg")),
        "{result:?}"
    );
    assert_eq!(*machine.installed.borrow(), "0.1.0");
}

/// What a case does to the bed and the machine before the installer runs.
type Setup = dyn Fn(&Bed, &mut Machine);

#[test]
fn what_root_cannot_trust_is_refused_before_anything_is_touched() {
    let cases: Vec<(&str, Box<Setup>, &str)> = vec![
        (
            "tampered after the kiosk checked it",
            Box::new(|bed, _| {
                let mut tampered = PACKAGE.to_vec();
                tampered[9] ^= 1;
                bed.kiosk_asks("0.2.0", &tampered, PACKAGE);
            }),
            "does not match",
        ),
        (
            "another package",
            Box::new(|bed, m| {
                m.fields.0 = "openssh-server".into();
                bed.kiosk_asks("0.2.0", PACKAGE, PACKAGE);
            }),
            "openssh-server",
        ),
        (
            "a version inside other than the signed one",
            Box::new(|bed, m| {
                m.fields.1 = "0.3.0".into();
                bed.kiosk_asks("0.2.0", PACKAGE, PACKAGE);
            }),
            "0.3.0",
        ),
        (
            "not newer",
            Box::new(|bed, m| {
                *m.installed.borrow_mut() = "0.2.0".into();
                bed.kiosk_asks("0.2.0", PACKAGE, PACKAGE);
            }),
            "not newer",
        ),
        (
            "asked for a version that is not staged",
            Box::new(|bed, _| {
                bed.kiosk_asks("0.2.0", PACKAGE, PACKAGE);
                bed.updates.request_install("0.2.1").unwrap();
            }),
            "staged",
        ),
    ];
    for (what, setup, says) in cases {
        let bed = bed();
        let mut machine = Machine::new("0.1.0", "0.2.0");
        setup(&bed, &mut machine);
        let before = machine.installed.borrow().clone();
        let result = bed.installer(&machine).run().unwrap().unwrap();
        match &result {
            InstallResult::Refused { reason, .. } => {
                assert!(reason.contains(says), "{what}: {reason}")
            }
            other => panic!("{what}: {other:?}"),
        }
        assert!(
            machine.steps.borrow().is_empty(),
            "{what}: {:?}",
            machine.steps
        );
        assert_eq!(*machine.installed.borrow(), before);
        assert_eq!(bed.kiosk_reads(), result, "{what}");
    }
}

#[test]
fn a_trial_cut_off_by_a_power_cut_is_finished_at_the_next_run() {
    // Cut off after dpkg installed the new version, before the kiosk came up: the trial
    // record as the installer leaves it, and the new version installed.
    let bed = bed();
    let mut machine = Machine::new("0.1.0", "0.2.0");
    bed.kiosk_asks("0.2.0", PACKAGE, PACKAGE);
    let trial = serde_json::json!({
        "version": "0.2.0",
        "previous": "0.1.0",
        "previous_deb": bed.state.join("previous/health-station_0.1.0.deb"),
    });
    std::fs::create_dir_all(bed.state.join("previous")).unwrap();
    std::fs::write(
        bed.state.join("previous/health-station_0.1.0.deb"),
        "deb 0.1.0",
    )
    .unwrap();
    std::fs::write(bed.state.join("trial.json"), trial.to_string()).unwrap();
    *machine.installed.borrow_mut() = "0.2.0".into();
    machine.comes_up = vec!["0.2.0".into()];
    let result = bed.installer(&machine).run().unwrap().unwrap();
    assert_eq!(
        result,
        InstallResult::Installed {
            version: "0.2.0".into(),
            previous: "0.1.0".into()
        }
    );
    assert_eq!(*machine.steps.borrow(), ["start 0.2.0: up"]);

    // Cut off before dpkg finished: the previous version is put back whole.
    let bed2 = self::bed();
    let machine2 = Machine::new("0.1.0", "0.2.0");
    std::fs::create_dir_all(bed2.updates.root()).unwrap();
    std::fs::create_dir_all(bed2.state.join("previous")).unwrap();
    std::fs::write(
        bed2.state.join("previous/health-station_0.1.0.deb"),
        "deb 0.1.0",
    )
    .unwrap();
    let trial = serde_json::json!({
        "version": "0.2.0",
        "previous": "0.1.0",
        "previous_deb": bed2.state.join("previous/health-station_0.1.0.deb"),
    });
    std::fs::write(bed2.state.join("trial.json"), trial.to_string()).unwrap();
    let result = bed2.installer(&machine2).run().unwrap().unwrap();
    assert!(
        matches!(result, InstallResult::RolledBack { .. }),
        "{result:?}"
    );
    assert_eq!(
        *machine2.steps.borrow(),
        ["stop", "install 0.1.0", "start 0.1.0: up"]
    );
    assert!(!bed2.state.join("trial.json").exists());
}
