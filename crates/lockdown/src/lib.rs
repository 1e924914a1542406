//! One running copy of the kiosk per station, without a D-Bus session (issue 14).
//!
//! A kiosk started by a system unit has no session bus, so `tauri-plugin-single-instance`
//! (D-Bus on Linux) lets a second copy start. This is an exclusive OS lock on a file instead:
//! `flock(2)` on Unix, `LockFileEx` on Windows (through `fs4`). The OS releases it when the
//! holder exits or dies (even `kill -9`), so a crashed kiosk never leaves a stale lock behind;
//! the file itself stays and is reused.
//!
//! Where: `$XDG_RUNTIME_DIR/health-station.lock` (per user, tmpfs, made by logind), else
//! `station.lock` in the station's data folder ([`lock_path`]; every name the station keeps
//! there starts with `station.`). The holder writes its
//! process id into the file, so a refused second launch can say which process runs.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

mod service;
pub use service::tell_service_manager_ready;

/// The lock file's name in the runtime folder.
pub const LOCK_FILE: &str = "health-station.lock";
/// The lock file's name in the station's data folder (when there is no runtime folder).
pub const DATA_LOCK_FILE: &str = "station.lock";

#[derive(Debug, Error)]
pub enum LockError {
    /// Another copy holds the lock.
    #[error("another copy of the health station is already running{} (lock {path})", pid.map(|p| format!(" as process {p}")).unwrap_or_default())]
    AlreadyRunning { path: PathBuf, pid: Option<u32> },
    #[error("the single-instance lock {path} cannot be used: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The lock file: [`LOCK_FILE`] in `runtime_dir` (`$XDG_RUNTIME_DIR`, when it is an absolute
/// path), else [`DATA_LOCK_FILE`] in `fallback_dir` (the station's data folder).
pub fn lock_path(runtime_dir: Option<&Path>, fallback_dir: &Path) -> PathBuf {
    match runtime_dir.filter(|d| d.is_absolute()) {
        Some(run) => run.join(LOCK_FILE),
        None => fallback_dir.join(DATA_LOCK_FILE),
    }
}

/// [`lock_path`] with this process's `$XDG_RUNTIME_DIR`.
pub fn default_lock_path(fallback_dir: &Path) -> PathBuf {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    lock_path(runtime.as_deref(), fallback_dir)
}

/// Held for as long as this value lives (keep it until the process ends).
#[derive(Debug)]
pub struct InstanceLock {
    // Closing the file releases the lock.
    _file: File,
    path: PathBuf,
}

impl InstanceLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Takes the lock at `path` without waiting: [`LockError::AlreadyRunning`] when another copy
/// (or another open of the file) holds it. The folder is made (0700) when absent; the file is
/// 0600 and holds the holder's process id.
pub fn acquire(path: &Path) -> Result<InstanceLock, LockError> {
    let io = |source| LockError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir).map_err(io)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    // Called through the trait: std's own `File::try_lock` is newer than this workspace's
    // rust-version.
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) => {
            return Err(LockError::AlreadyRunning {
                path: path.to_path_buf(),
                pid: holder_pid(&mut file),
            })
        }
        Err(fs4::TryLockError::Error(source)) => return Err(io(source)),
    }
    // Ours: say who holds it (best effort; the lock is what counts).
    let _ = file
        .set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| writeln!(file, "{}", std::process::id()))
        .and_then(|()| file.sync_all());
    Ok(InstanceLock {
        _file: file,
        path: path.to_path_buf(),
    })
}

/// The process id the holder wrote (`None` if unreadable, e.g. Windows' mandatory lock).
fn holder_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests;
