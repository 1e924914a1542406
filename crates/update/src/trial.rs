//! The first starts of a newly installed version: a trial it passes by reaching the welcome
//! screen. Each start is counted before anything else runs (before the config, the store or a
//! window, any of which the new version may fail at); the service manager restarts a kiosk that
//! ends, so a version that never comes up is started again and again. After [`TRIAL_STARTS`]
//! starts without reaching the welcome screen, the copy of the previous version kept by
//! [`Trials::begin`] is put back and the kiosk exits, to be started as the old version.
//!
//! Not covered: a new version that cannot even reach `main` (a missing shared library) never
//! counts its starts; the service manager's own restart limit is the last line there.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use station_keys::files;

use crate::error::{io, UpdateError};
use crate::staged::check_version;

/// Starts a new version gets to reach the welcome screen.
pub const TRIAL_STARTS: u32 = 3;

const RECORD: &str = "trial.json";
const PREVIOUS: &str = "previous";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TrialRecord {
    /// The version on trial.
    version: String,
    previous_version: String,
    /// The file the update replaced (the AppImage, or the program on Windows).
    installed_to: PathBuf,
    starts: u32,
    /// Set when the previous version was put back; cleared when that version has started.
    #[serde(default)]
    rolled_back: bool,
}

/// What a start of the kiosk should do about an update on trial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartVerdict {
    /// No update on trial: start as usual.
    Normal,
    /// Start `attempt` (1 ..= [`TRIAL_STARTS`]) of a new version: start, and call
    /// [`Trials::confirm`] at the welcome screen.
    OnTrial { version: String, attempt: u32 },
    /// The new version used up its starts: the previous one is back in place. Exit at once;
    /// the service manager starts the previous version.
    RolledBack {
        version: String,
        previous_version: String,
    },
    /// The previous version runs again after `failed_version` was rolled back; staff must hear
    /// of it. Reported once.
    CameBack { failed_version: String },
}

/// The trial of a new version, kept in the updates folder.
#[derive(Debug, Clone)]
pub struct Trials {
    root: PathBuf,
}

impl Trials {
    pub fn new(root: impl Into<PathBuf>) -> Trials {
        Trials { root: root.into() }
    }

    fn record_path(&self) -> PathBuf {
        self.root.join(RECORD)
    }

    fn previous_path(&self) -> PathBuf {
        self.root.join(PREVIOUS)
    }

    fn read(&self) -> Result<Option<TrialRecord>, UpdateError> {
        let path = self.record_path();
        match fs::read(&path) {
            Ok(text) => serde_json::from_slice(&text)
                .map(Some)
                .map_err(|source| UpdateError::Record { path, source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("read", &path)(e)),
        }
    }

    fn write(&self, record: &TrialRecord) -> Result<(), UpdateError> {
        let path = self.record_path();
        let text = serde_json::to_vec_pretty(record).map_err(|source| UpdateError::Record {
            path: path.clone(),
            source,
        })?;
        files::replace_private(&path, &text).map_err(io("write", &path))
    }

    fn clear(&self) -> Result<(), UpdateError> {
        let record = self.record_path();
        files::durable_remove(&record).map_err(io("remove", &record))?;
        let previous = self.previous_path();
        files::durable_remove(&previous).map_err(io("remove", &previous))
    }

    /// Before `version` is installed over `installed_to`: keeps a copy of the running version
    /// (with its permissions) and opens the trial. Call [`Trials::abandon`] if the install then
    /// fails without changing anything.
    pub fn begin(
        &self,
        installed_to: &Path,
        running_version: &str,
        version: &str,
    ) -> Result<(), UpdateError> {
        check_version(version)?;
        files::create_private_dir(&self.root).map_err(io("create", &self.root))?;
        let previous = self.previous_path();
        let copy = previous.with_extension("new");
        fs::copy(installed_to, &copy).map_err(io("copy", installed_to))?;
        files::sync_file(&copy).map_err(io("sync", &copy))?;
        files::durable_rename(&copy, &previous).map_err(io("move", &previous))?;
        self.write(&TrialRecord {
            version: version.to_string(),
            previous_version: running_version.to_string(),
            installed_to: installed_to.to_path_buf(),
            starts: 0,
            rolled_back: false,
        })
    }

    /// The install failed and left the running version in place: no trial.
    pub fn abandon(&self) -> Result<(), UpdateError> {
        self.clear()
    }

    /// Counts this start; first thing at every start of the kiosk.
    pub fn on_start(&self, running_version: &str) -> Result<StartVerdict, UpdateError> {
        let Some(mut record) = self.read()? else {
            return Ok(StartVerdict::Normal);
        };
        if record.rolled_back || running_version != record.version {
            // The previous version is running: after a rollback, or because the install never
            // took. Either way the trial is over.
            let failed_version = record.version.clone();
            let told = record.rolled_back;
            self.clear()?;
            return Ok(if told {
                StartVerdict::CameBack { failed_version }
            } else {
                StartVerdict::Normal
            });
        }
        record.starts += 1;
        if record.starts <= TRIAL_STARTS {
            self.write(&record)?;
            return Ok(StartVerdict::OnTrial {
                version: record.version,
                attempt: record.starts,
            });
        }
        self.put_back(&record)?;
        record.rolled_back = true;
        self.write(&record)?;
        Ok(StartVerdict::RolledBack {
            version: record.version,
            previous_version: record.previous_version,
        })
    }

    /// The previous version's copy over the file the update replaced, atomically: a power cut
    /// leaves the one or the other, never half of each.
    fn put_back(&self, record: &TrialRecord) -> Result<(), UpdateError> {
        let previous = self.previous_path();
        let target = &record.installed_to;
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".rollback");
        let staging = target.with_file_name(name);
        fs::copy(&previous, &staging).map_err(io("copy", &previous))?;
        files::sync_file(&staging).map_err(io("sync", &staging))?;
        files::durable_rename(&staging, target).map_err(io("replace", target))
    }

    /// The running version reached the welcome screen: it stays, and the previous version's
    /// copy goes. Returns the version it replaced, when this ended a trial.
    pub fn confirm(&self, running_version: &str) -> Result<Option<String>, UpdateError> {
        match self.read()? {
            Some(record) if !record.rolled_back && record.version == running_version => {
                self.clear()?;
                Ok(Some(record.previous_version))
            }
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An "installed program" file and a trials folder beside it.
    fn setup() -> (tempfile::TempDir, PathBuf, Trials) {
        let tmp = tempfile::tempdir().expect("tmp");
        let program = tmp.path().join("health-station.AppImage");
        fs::write(&program, b"version 0.1.0").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&program, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        let trials = Trials::new(tmp.path().join("station.updates"));
        (tmp, program, trials)
    }

    /// What the updater does: keep the old, write the new.
    fn install(program: &Path, trials: &Trials) {
        trials.begin(program, "0.1.0", "0.2.0").expect("begin");
        fs::write(program, b"version 0.2.0").expect("install");
    }

    #[test]
    fn a_new_version_that_reaches_the_welcome_screen_stays() {
        let (_tmp, program, trials) = setup();
        assert_eq!(
            trials.on_start("0.1.0").expect("start"),
            StartVerdict::Normal
        );
        install(&program, &trials);
        assert_eq!(
            trials.on_start("0.2.0").expect("start"),
            StartVerdict::OnTrial {
                version: "0.2.0".into(),
                attempt: 1
            }
        );
        assert_eq!(
            trials.confirm("0.2.0").expect("confirm"),
            Some("0.1.0".into())
        );
        assert!(!trials.previous_path().exists(), "the old copy goes");
        assert_eq!(
            trials.on_start("0.2.0").expect("start"),
            StartVerdict::Normal
        );
        assert_eq!(fs::read(&program).expect("read"), b"version 0.2.0");
    }

    #[test]
    fn a_new_version_that_never_comes_up_is_rolled_back_and_staff_hear_of_it_once() {
        let (_tmp, program, trials) = setup();
        install(&program, &trials);
        for attempt in 1..=TRIAL_STARTS {
            assert_eq!(
                trials.on_start("0.2.0").expect("start"),
                StartVerdict::OnTrial {
                    version: "0.2.0".into(),
                    attempt
                }
            );
            // ...and it crashes before the welcome screen.
        }
        assert_eq!(
            trials.on_start("0.2.0").expect("start"),
            StartVerdict::RolledBack {
                version: "0.2.0".into(),
                previous_version: "0.1.0".into()
            }
        );
        assert_eq!(fs::read(&program).expect("read"), b"version 0.1.0");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&program).expect("meta").permissions().mode();
            assert_eq!(mode & 0o111, 0o111, "still executable: {mode:o}");
        }
        // A late confirm from the failed version changes nothing.
        assert_eq!(trials.confirm("0.2.0").expect("confirm"), None);
        assert_eq!(
            trials.on_start("0.1.0").expect("start"),
            StartVerdict::CameBack {
                failed_version: "0.2.0".into()
            }
        );
        assert_eq!(
            trials.on_start("0.1.0").expect("start"),
            StartVerdict::Normal
        );
    }

    #[test]
    fn an_install_that_never_took_ends_the_trial_quietly() {
        let (_tmp, program, trials) = setup();
        trials.begin(&program, "0.1.0", "0.2.0").expect("begin");
        // The package manager refused; the old version starts again.
        assert_eq!(
            trials.on_start("0.1.0").expect("start"),
            StartVerdict::Normal
        );
        assert_eq!(trials.confirm("0.1.0").expect("confirm"), None);
        trials.begin(&program, "0.1.0", "0.2.0").expect("begin");
        trials.abandon().expect("abandon");
        assert_eq!(
            trials.on_start("0.1.0").expect("start"),
            StartVerdict::Normal
        );
    }

    #[test]
    fn a_damaged_record_is_an_error_not_a_rollback() {
        let (_tmp, program, trials) = setup();
        install(&program, &trials);
        fs::write(trials.record_path(), b"{").expect("damage");
        assert!(matches!(
            trials.on_start("0.2.0"),
            Err(UpdateError::Record { .. })
        ));
        assert_eq!(fs::read(&program).expect("read"), b"version 0.2.0");
    }
}
