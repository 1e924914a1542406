//! The root side of updating a .deb install (`health-station --install-staged-update`, run by
//! `health-station-update.service` when the kiosk leaves `install.request`).
//!
//! The kiosk (unprivileged) downloaded, verified and staged the package and asked when the
//! station was quiet. Root trusts none of that: it copies the package into its own folder,
//! checks the signature again against a key only root can change, checks that it is this
//! program's package and newer than the installed one, keeps a copy of the installed version
//! (`dpkg-repack`), installs with `dpkg -i`, and starts the kiosk. The kiosk must reach its
//! first screen (the unit is `Type=notify`: active = READY=1) within the trial, or the kept
//! copy is installed again. A power cut in the middle leaves `trial.json`, and the next run
//! finishes the trial first.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use station_keys::files;

use crate::error::{io, UpdateError};
use crate::handoff::InstallResult;
use crate::signature;
use crate::staged::UpdateDir;

/// The Debian package the installer may install.
pub const PACKAGE_NAME: &str = "health-station";
/// No kiosk package comes near this; a bigger file is not one.
const MAX_PACKAGE_BYTES: u64 = 1 << 30;
const INCOMING: &str = "incoming.deb";
const PREVIOUS: &str = "previous";
const TRIAL: &str = "trial.json";

/// What the installer needs of the machine: dpkg and the service manager. The real one is
/// [`crate::debian::Debian`]; tests use a double.
pub trait System {
    /// The package name and version inside a .deb.
    fn deb_fields(&self, deb: &Path) -> Result<(String, String), String>;
    /// The installed version of [`PACKAGE_NAME`].
    fn installed_version(&self) -> Result<String, String>;
    /// Whether `candidate` is a newer Debian version than `installed`.
    fn is_newer(&self, candidate: &str, installed: &str) -> Result<bool, String>;
    /// A .deb of the installed package, written into `dir`.
    fn keep_installed(&self, dir: &Path) -> Result<PathBuf, String>;
    /// `dpkg -i`.
    fn install(&self, deb: &Path) -> Result<(), String>;
    fn stop_kiosk(&self) -> Result<(), String>;
    /// Starts the kiosk; `Ok(true)` once it reached its first screen within the trial.
    fn start_kiosk(&self) -> Result<bool, String>;
}

/// An install under way: what to put back if the new version never comes up.
#[derive(Serialize, Deserialize)]
struct Trial {
    version: String,
    previous: String,
    previous_deb: PathBuf,
}

pub struct PackageInstaller<S: System> {
    /// The kiosk's updates folder (staged package, request, result).
    pub updates: UpdateDir,
    /// Root's own folder (0700): the package as checked, the kept copy, the trial.
    pub state: PathBuf,
    /// The update key (base64 of minisign's public key), from a file only root can change.
    pub pubkey: String,
    pub system: S,
}

impl<S: System> PackageInstaller<S> {
    /// Finishes an interrupted trial, then deals with a request if there is one. The result is
    /// left for the kiosk and returned.
    pub fn run(&self) -> Result<Option<InstallResult>, UpdateError> {
        files::create_private_dir(&self.state).map_err(io("create", &self.state))?;
        if let Some(result) = self.resume_trial()? {
            self.finish(&result)?;
            return Ok(Some(result));
        }
        let Some(version) = self.updates.install_request()? else {
            // A request that is not one (damaged, a link): nothing to do but drop it.
            self.updates.clear_request()?;
            return Ok(None);
        };
        let result = self.install(&version)?;
        self.finish(&result)?;
        Ok(Some(result))
    }

    fn finish(&self, result: &InstallResult) -> Result<(), UpdateError> {
        // Whatever came of it, this package is not asked for again.
        self.updates.discard()?;
        self.updates.clear_request()?;
        remove(&self.state.join(INCOMING))?;
        self.updates.leave_result(result)
    }

    fn install(&self, version: &str) -> Result<InstallResult, UpdateError> {
        let refused = |reason: String| {
            tracing::error!(%version, %reason, "update refused");
            Ok(InstallResult::Refused {
                version: version.to_string(),
                reason,
            })
        };
        let staged = match self.updates.staged() {
            Ok(Some(s)) if s.version == version => s,
            _ => return refused("no whole package of this version is staged".into()),
        };
        let incoming = self.state.join(INCOMING);
        let bytes = match copy_package(&staged.package, &incoming) {
            Ok(bytes) => bytes,
            Err(e) => return refused(format!("cannot copy the staged package: {e}")),
        };
        if let Err(e) = signature::verify(&bytes, &staged.signature, &self.pubkey, version) {
            return refused(e.to_string());
        }
        drop(bytes);
        match self.system.deb_fields(&incoming) {
            Ok((name, v)) if name == PACKAGE_NAME && v == version => {}
            Ok((name, v)) => return refused(format!("the package is {name} {v}")),
            Err(e) => return refused(format!("not a Debian package: {e}")),
        }
        let installed = match self.system.installed_version() {
            Ok(v) => v,
            Err(e) => return refused(format!("cannot tell the installed version: {e}")),
        };
        match self.system.is_newer(version, &installed) {
            Ok(true) => {}
            Ok(false) => return refused(format!("not newer than the installed {installed}")),
            Err(e) => return refused(e),
        }
        let previous_dir = self.state.join(PREVIOUS);
        if previous_dir.exists() {
            fs::remove_dir_all(&previous_dir).map_err(io("clear", &previous_dir))?;
        }
        files::create_private_dir(&previous_dir).map_err(io("create", &previous_dir))?;
        let previous_deb = match self.system.keep_installed(&previous_dir) {
            Ok(p) => p,
            Err(e) => return refused(format!("cannot keep {installed} to roll back to: {e}")),
        };
        let trial = Trial {
            version: version.to_string(),
            previous: installed,
            previous_deb,
        };
        self.write_trial(&trial)?;
        if let Err(e) = self.system.stop_kiosk() {
            tracing::warn!(error = %e, "cannot stop the kiosk before installing");
        }
        tracing::info!(%version, previous = %trial.previous, "installing an update");
        if let Err(e) = self.system.install(&incoming) {
            return self.roll_back(&trial, format!("dpkg -i failed: {e}"));
        }
        self.try_new_version(&trial)
    }

    /// Starts the new version: it stays if the kiosk comes up, else the kept copy goes back.
    fn try_new_version(&self, trial: &Trial) -> Result<InstallResult, UpdateError> {
        match self.system.start_kiosk() {
            Ok(true) => {
                remove(&self.state.join(TRIAL))?;
                tracing::info!(version = %trial.version, "update installed");
                Ok(InstallResult::Installed {
                    version: trial.version.clone(),
                    previous: trial.previous.clone(),
                })
            }
            Ok(false) => self.roll_back(trial, "the kiosk never reached its first screen".into()),
            Err(e) => self.roll_back(trial, format!("cannot start the kiosk: {e}")),
        }
    }

    fn roll_back(&self, trial: &Trial, reason: String) -> Result<InstallResult, UpdateError> {
        tracing::error!(version = %trial.version, %reason, previous = %trial.previous, "rolling back an update");
        let _ = self.system.stop_kiosk();
        let mut said = reason;
        if let Err(e) = self.system.install(&trial.previous_deb) {
            // Staff must act: say it in the result and the log, and start what is there.
            tracing::error!(error = %e, "cannot put the previous version back");
            said = format!("{said}; putting {} back failed: {e}", trial.previous);
        }
        remove(&self.state.join(TRIAL))?;
        if !matches!(self.system.start_kiosk(), Ok(true)) {
            tracing::error!("the kiosk does not come up after the rollback either");
        }
        Ok(InstallResult::RolledBack {
            version: trial.version.clone(),
            previous: trial.previous.clone(),
            reason: said,
        })
    }

    /// A trial left by a run that was cut off (a power cut between installing and the
    /// kiosk's first screen): decided now.
    fn resume_trial(&self) -> Result<Option<InstallResult>, UpdateError> {
        let path = self.state.join(TRIAL);
        let text = match fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io("read", &path)(e)),
        };
        let Ok(trial) = serde_json::from_slice::<Trial>(&text) else {
            tracing::error!("the update trial record is damaged; dropped");
            remove(&path)?;
            return Ok(None);
        };
        tracing::warn!(version = %trial.version, "an update was cut off; finishing its trial");
        let installed = self.system.installed_version().unwrap_or_default();
        if installed != trial.version {
            // Cut off before or during dpkg: make sure the previous version is whole.
            return self
                .roll_back(&trial, "the install was cut off".into())
                .map(Some);
        }
        self.try_new_version(&trial).map(Some)
    }

    fn write_trial(&self, trial: &Trial) -> Result<(), UpdateError> {
        let path = self.state.join(TRIAL);
        let text = serde_json::to_vec(trial).map_err(|source| UpdateError::Record {
            path: path.clone(),
            source,
        })?;
        files::replace_private(&path, &text).map_err(io("write", &path))
    }
}

/// Copies the kiosk's staged package into root's folder without following a link, and gives
/// its bytes: what is checked is what is installed.
fn copy_package(from: &Path, to: &Path) -> std::io::Result<Vec<u8>> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let mut bytes = Vec::new();
    options
        .open(from)?
        .take(MAX_PACKAGE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_PACKAGE_BYTES {
        return Err(std::io::Error::other("larger than any kiosk package"));
    }
    files::replace_private(to, &bytes)?;
    Ok(bytes)
}

fn remove(path: &Path) -> Result<(), UpdateError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("remove", path)(e)),
        _ => Ok(()),
    }
}

/// The update key root trusts: a file owned by root that nobody else can change (a key the
/// kiosk could rewrite would prove nothing). Its text: base64 of minisign's public key, as
/// `[update] pubkey` in station.toml.
pub fn root_key(path: &Path) -> Result<String, String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::symlink_metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !meta.is_file() || meta.uid() != 0 || meta.mode() & 0o022 != 0 {
            return Err(format!(
                "{} must be a file owned by root that only root can write",
                path.display()
            ));
        }
    }
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.trim().to_string())
}
