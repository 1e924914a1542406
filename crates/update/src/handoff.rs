//! Between the kiosk and the root-side installer of a .deb, through two small files in the
//! updates folder (the kiosk's):
//! - `install.request` — written by the kiosk when a verified package is staged and the station
//!   is quiet: "install version X now". A systemd path unit starts the installer on it.
//! - `install.result` — written by the installer (root) when it is done: installed, rolled back
//!   or refused, and why. The kiosk audits it and removes it.
//!
//! The folder belongs to the kiosk, so root writes there only through a new file renamed into
//! place (never following a link the kiosk may have left), and reads without following links.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use station_keys::files;

use crate::error::{io, UpdateError};
use crate::staged::{check_version, UpdateDir};

const REQUEST: &str = "install.request";
const RESULT: &str = "install.result";
/// A request or a result is a few lines; anything longer is not one.
const MAX_RECORD_BYTES: u64 = 4096;

#[derive(Serialize, Deserialize)]
struct Request {
    version: String,
}

/// What the installer did with a requested version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum InstallResult {
    /// Installed, and the kiosk reached its first screen with it.
    Installed { version: String, previous: String },
    /// Installed, but the kiosk did not come up with it: the previous version is back.
    RolledBack {
        version: String,
        previous: String,
        reason: String,
    },
    /// Not installed (signature, package name, not newer, or no copy of the running version
    /// could be kept to roll back to).
    Refused { version: String, reason: String },
}

impl UpdateDir {
    /// The kiosk: asks the installer to install the staged `version` now (the station is quiet).
    pub fn request_install(&self, version: &str) -> Result<(), UpdateError> {
        check_version(version)?;
        let path = self.root().join(REQUEST);
        let text = serde_json::to_vec(&Request {
            version: version.to_string(),
        })
        .map_err(|source| UpdateError::Record {
            path: path.clone(),
            source,
        })?;
        files::replace_private(&path, &text).map_err(io("write", &path))
    }

    /// The installer: the version asked for, if any (a damaged request is no request).
    pub fn install_request(&self) -> Result<Option<String>, UpdateError> {
        let path = self.root().join(REQUEST);
        let Some(bytes) = read_no_follow(&path)? else {
            return Ok(None);
        };
        Ok(serde_json::from_slice::<Request>(&bytes)
            .ok()
            .map(|r| r.version)
            .filter(|v| check_version(v).is_ok()))
    }

    /// The installer: the request is dealt with.
    pub fn clear_request(&self) -> Result<(), UpdateError> {
        remove(&self.root().join(REQUEST))
    }

    /// The installer (root): leaves its result for the kiosk, readable by it.
    pub fn leave_result(&self, result: &InstallResult) -> Result<(), UpdateError> {
        let path = self.root().join(RESULT);
        let text = serde_json::to_vec_pretty(result).map_err(|source| UpdateError::Record {
            path: path.clone(),
            source,
        })?;
        let tmp = self.root().join(format!("{RESULT}.new"));
        let _ = fs::remove_file(&tmp);
        let mut options = fs::OpenOptions::new();
        // `create_new`: never through a link left at the temporary name.
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o644);
        let mut file = options.open(&tmp).map_err(io("create", &tmp))?;
        file.write_all(&text).map_err(io("write", &tmp))?;
        file.sync_all().map_err(io("sync", &tmp))?;
        drop(file);
        files::durable_rename(&tmp, &path).map_err(io("move", &path))
    }

    /// The kiosk: the installer's result, once (it is removed when read). A damaged one is
    /// dropped.
    pub fn take_result(&self) -> Result<Option<InstallResult>, UpdateError> {
        let path = self.root().join(RESULT);
        let Some(bytes) = read_no_follow(&path)? else {
            return Ok(None);
        };
        remove(&path)?;
        Ok(serde_json::from_slice(&bytes).ok())
    }
}

/// The file's bytes, `None` when it is missing; a link is refused, a long file cut short.
pub(crate) fn read_no_follow(path: &Path) -> Result<Option<Vec<u8>>, UpdateError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("read", path)(e)),
    };
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES)
        .read_to_end(&mut bytes)
        .map_err(io("read", path))?;
    Ok(Some(bytes))
}

fn remove(path: &Path) -> Result<(), UpdateError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("remove", path)(e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_and_a_result_pass_between_kiosk_and_installer_once() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = UpdateDir::new(tmp.path());
        assert_eq!(dir.install_request().expect("read"), None);
        dir.request_install("0.2.0").expect("request");
        assert_eq!(
            dir.install_request().expect("read").as_deref(),
            Some("0.2.0")
        );
        dir.clear_request().expect("clear");
        assert_eq!(dir.install_request().expect("read"), None);

        let result = InstallResult::RolledBack {
            version: "0.2.0".into(),
            previous: "0.1.0".into(),
            reason: "no first screen in 180 s".into(),
        };
        dir.leave_result(&result).expect("leave");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(tmp.path().join(RESULT))
                .expect("result")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644, "the kiosk reads what root wrote");
        }
        assert_eq!(dir.take_result().expect("take"), Some(result));
        assert_eq!(dir.take_result().expect("take"), None, "once");
    }

    #[test]
    fn damaged_or_linked_records_are_not_trusted() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = UpdateDir::new(tmp.path());
        fs::write(tmp.path().join(REQUEST), b"{\"version\": \"../../etc\"}").expect("write");
        assert_eq!(dir.install_request().expect("read"), None);
        fs::write(tmp.path().join(REQUEST), b"not json").expect("write");
        assert_eq!(dir.install_request().expect("read"), None);
        fs::write(tmp.path().join(RESULT), b"{\"outcome\": \"installed\"}").expect("write");
        assert_eq!(dir.take_result().expect("take"), None);
        assert!(!tmp.path().join(RESULT).exists(), "dropped");

        #[cfg(unix)]
        {
            // A link left where root writes: replaced, the file it points at untouched.
            let target = tmp.path().join("elsewhere");
            fs::write(&target, b"precious").expect("write");
            std::os::unix::fs::symlink(&target, tmp.path().join(RESULT)).expect("link");
            assert!(dir.install_request().is_ok());
            std::os::unix::fs::symlink(&target, tmp.path().join(format!("{RESULT}.new")))
                .expect("link");
            dir.leave_result(&InstallResult::Refused {
                version: "0.2.0".into(),
                reason: "test".into(),
            })
            .expect("leave");
            assert_eq!(fs::read(&target).expect("read"), b"precious");
            // A link as the request is refused, not followed.
            fs::remove_file(tmp.path().join(RESULT)).expect("rm");
            fs::remove_file(tmp.path().join(REQUEST)).expect("rm");
            std::os::unix::fs::symlink(&target, tmp.path().join(REQUEST)).expect("link");
            assert!(dir.install_request().is_err());
        }
    }
}
