//! A downloaded, verified update waiting on disk for a quiet station.
//!
//! Layout in the updates folder: `staged/package` and `staged/update.json`. The pair is written
//! in `staged.new/` and renamed into place in one durable step, so after a power cut there is
//! either the whole update or none.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use station_keys::files;

use crate::error::{io, UpdateError};

/// The updates folder's name in the station's data folder (every name there starts with
/// `station.`).
pub const UPDATES_DIR: &str = "station.updates";

const STAGED: &str = "staged";
const STAGING: &str = "staged.new";
const PACKAGE: &str = "package";
const RECORD: &str = "update.json";

/// The folder holding a staged update and the trial of a new version.
#[derive(Debug, Clone)]
pub struct UpdateDir {
    root: PathBuf,
}

/// An update that passed its signature check and waits to be installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedUpdate {
    pub version: String,
    /// The package, byte for byte as downloaded.
    pub package: PathBuf,
    /// The signature it was verified with, kept so an installer with more rights than the
    /// kiosk can check it again before trusting a file the kiosk wrote.
    pub signature: String,
}

#[derive(Serialize, Deserialize)]
struct Record {
    version: String,
    signature: String,
    size: u64,
}

/// A version is used in records and log lines only, but it came from a server: keep it plain.
pub(crate) fn check_version(version: &str) -> Result<(), UpdateError> {
    let plain = !version.is_empty()
        && version.len() <= 64
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    if plain {
        Ok(())
    } else {
        Err(UpdateError::BadVersion(version.to_string()))
    }
}

impl UpdateDir {
    pub fn new(root: impl Into<PathBuf>) -> UpdateDir {
        UpdateDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Keeps a verified package until the station is quiet; replaces any older staged one.
    pub fn stage(
        &self,
        version: &str,
        package: &[u8],
        signature: &str,
    ) -> Result<StagedUpdate, UpdateError> {
        check_version(version)?;
        files::create_private_dir(&self.root).map_err(io("create", &self.root))?;
        let staging = self.root.join(STAGING);
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io("clear", &staging))?;
        }
        files::create_private_dir(&staging).map_err(io("create", &staging))?;
        let package_path = staging.join(PACKAGE);
        files::replace_private(&package_path, package).map_err(io("write", &package_path))?;
        let record = Record {
            version: version.to_string(),
            signature: signature.to_string(),
            size: package.len() as u64,
        };
        let record_path = staging.join(RECORD);
        let text = serde_json::to_vec_pretty(&record).map_err(|source| UpdateError::Record {
            path: record_path.clone(),
            source,
        })?;
        files::replace_private(&record_path, &text).map_err(io("write", &record_path))?;
        files::sync_dir(&staging).map_err(io("sync", &staging))?;
        self.discard()?;
        let staged = self.root.join(STAGED);
        files::durable_rename(&staging, &staged).map_err(io("move", &staged))?;
        Ok(StagedUpdate {
            version: version.to_string(),
            package: staged.join(PACKAGE),
            signature: signature.to_string(),
        })
    }

    /// The staged update, if a whole one is there. A package whose size is not the recorded
    /// one (a damaged disk) is thrown away: it will be downloaded again.
    pub fn staged(&self) -> Result<Option<StagedUpdate>, UpdateError> {
        let dir = self.root.join(STAGED);
        let record_path = dir.join(RECORD);
        let text = match fs::read(&record_path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io("read", &record_path)(e)),
        };
        let record: Record = match serde_json::from_slice(&text) {
            Ok(r) => r,
            Err(_) => {
                self.discard()?;
                return Ok(None);
            }
        };
        let package = dir.join(PACKAGE);
        let whole = fs::metadata(&package).is_ok_and(|m| m.len() == record.size);
        if !whole || check_version(&record.version).is_err() {
            self.discard()?;
            return Ok(None);
        }
        Ok(Some(StagedUpdate {
            version: record.version,
            package,
            signature: record.signature,
        }))
    }

    /// Forgets the staged update (installed, or not wanted any more).
    pub fn discard(&self) -> Result<(), UpdateError> {
        let dir = self.root.join(STAGED);
        match fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("remove", &dir)(e)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_update_is_found_again_whole_and_a_newer_one_replaces_it() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = UpdateDir::new(tmp.path().join(UPDATES_DIR));
        assert_eq!(dir.staged().expect("read"), None);
        let first = dir.stage("0.2.0", b"package one", "sig-1").expect("stage");
        assert_eq!(dir.staged().expect("read"), Some(first.clone()));
        assert_eq!(fs::read(&first.package).expect("package"), b"package one");
        let second = dir.stage("0.3.0", b"package two!", "sig-2").expect("stage");
        let found = dir.staged().expect("read").expect("staged");
        assert_eq!(found, second);
        assert_eq!(fs::read(&found.package).expect("package"), b"package two!");
        dir.discard().expect("discard");
        assert_eq!(dir.staged().expect("read"), None);
    }

    #[test]
    fn a_half_written_or_damaged_update_is_never_offered() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = UpdateDir::new(tmp.path());
        // Power cut while staging: only staged.new exists.
        fs::create_dir_all(tmp.path().join(STAGING)).expect("dir");
        fs::write(tmp.path().join(STAGING).join(PACKAGE), b"half").expect("write");
        assert_eq!(dir.staged().expect("read"), None);

        // A package cut short after it was staged.
        let staged = dir
            .stage("0.2.0", b"the whole package", "sig")
            .expect("stage");
        fs::write(&staged.package, b"the whole").expect("truncate");
        assert_eq!(dir.staged().expect("read"), None);
        assert!(!tmp.path().join(STAGED).exists(), "thrown away");

        // A record that is not JSON.
        let staged = dir.stage("0.2.0", b"p", "sig").expect("stage");
        let record = staged.package.with_file_name(RECORD);
        fs::write(&record, b"{not json").expect("write");
        assert_eq!(dir.staged().expect("read"), None);
    }

    #[test]
    fn a_version_that_is_not_plain_is_refused() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = UpdateDir::new(tmp.path());
        for bad in ["", "../../etc", "1.0 beta", "1.0\n", &"9".repeat(65)] {
            assert!(
                matches!(dir.stage(bad, b"p", "s"), Err(UpdateError::BadVersion(_))),
                "{bad:?}"
            );
        }
        assert!(dir.stage("1.2.3-rc.1+build.5", b"p", "s").is_ok());
    }
}
