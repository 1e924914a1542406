//! File-system steps the key and the store depend on for privacy and durability.
//!
//! Privacy: every file the store writes (database, WAL, shared memory, key, backups) is 0600 and
//! its directories 0700 on Unix. SQLite creates the WAL and shared-memory files with the mode
//! of the database file, so the database file is made (0600) before SQLite opens it.
//!
//! Durability: a rename is atomic but not durable until the directory entry is on disk, so
//! every rename the store relies on is followed by an fsync of the directory
//! ([`durable_rename`]). On Windows, NTFS journals the rename itself and a directory cannot be
//! opened for flushing through std, so there the directory sync is a no-op.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Creates `dir` (and its parents) when absent; a directory the store creates is 0700.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
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

/// Makes an existing file readable and writable by its owner only (no-op when absent).
pub fn make_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match fs::set_permissions(path, fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

fn private_options() -> fs::OpenOptions {
    let mut opts = fs::OpenOptions::new();
    opts.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts
}

/// Creates `path` empty and 0600 when absent (so SQLite's files inherit the mode); an existing
/// file is made 0600.
pub fn touch_private(path: &Path) -> io::Result<()> {
    match private_options().create_new(true).open(path) {
        Ok(f) => {
            f.sync_all()?;
            if let Some(dir) = path.parent() {
                sync_dir(dir)?;
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => make_private(path),
        Err(e) => Err(e),
    }
}

/// Writes `bytes` to a new 0600 file at `path`, whole or not at all: through a temporary file,
/// then linked into place only if nothing is there (never replacing). Returns false when a
/// file was already there (it is left as it was).
pub fn write_new_private(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = unique_temp(path);
    let result = (|| {
        let mut f = private_options().create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        match place_no_clobber(&tmp, path) {
            Ok(()) => {
                sync_dir(dir)?;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    })();
    let _ = fs::remove_file(&tmp);
    result
}

#[cfg(unix)]
fn place_no_clobber(tmp: &Path, path: &Path) -> io::Result<()> {
    // link(2) fails with EEXIST instead of replacing: atomic and never clobbers.
    fs::hard_link(tmp, path)
}

#[cfg(not(unix))]
fn place_no_clobber(tmp: &Path, path: &Path) -> io::Result<()> {
    if path.exists() {
        return Err(io::Error::from(io::ErrorKind::AlreadyExists));
    }
    fs::copy(tmp, path).map(|_| ())
}

/// Replaces `path` with `bytes` (0600), atomically and durably.
pub fn replace_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = unique_temp(path);
    let result = (|| {
        let mut f = private_options().create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        durable_rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `path` + ".tmp-<random>": unique, so concurrent writers never share a temporary file.
fn unique_temp(path: &Path) -> std::path::PathBuf {
    let mut salt = [0u8; 6];
    let _ = getrandom::fill(&mut salt);
    let tag: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{tag}"));
    path.with_file_name(name)
}

/// Flushes the file's data and metadata to disk.
pub fn sync_file(path: &Path) -> io::Result<()> {
    fs::File::open(path)?.sync_all()
}

/// Renames atomically, then makes the rename durable by syncing the target's directory (and the
/// source's, when it differs).
pub fn durable_rename(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)?;
    let to_dir = to.parent().unwrap_or(Path::new("."));
    sync_dir(to_dir)?;
    if let Some(from_dir) = from.parent().filter(|d| *d != to_dir) {
        sync_dir(from_dir)?;
    }
    Ok(())
}

/// Removes a file (absent is fine) and makes the removal durable.
pub fn durable_remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Ok(()) => sync_dir(path.parent().unwrap_or(Path::new("."))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// fsync of a directory, so the entries created, renamed or removed in it survive a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(any(test, feature = "durability-probe"))]
    synced::record(dir);
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Test hook (feature `durability-probe`): which directories this thread synced, so tests can
/// prove each rename is made durable (an fsync itself cannot be observed from inside the
/// process). Bounded, so a long test run of the whole app cannot grow it without end.
#[cfg(any(test, feature = "durability-probe"))]
pub mod synced {
    use std::cell::RefCell;
    use std::path::{Path, PathBuf};

    thread_local! {
        static DIRS: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
    }

    pub fn record(dir: &Path) {
        DIRS.with(|d| d.borrow_mut().push(dir.to_path_buf()));
    }

    /// The directories synced on this thread since the last call (and forgets them).
    pub fn take() -> Vec<PathBuf> {
        DIRS.with(|d| std::mem::take(&mut *d.borrow_mut()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rename_is_followed_by_a_sync_of_its_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        fs::write(&a, b"x").expect("write");
        synced::take();
        durable_rename(&a, &b).expect("rename");
        assert_eq!(synced::take(), vec![dir.path().to_path_buf()]);
        assert!(b.exists() && !a.exists());
    }

    #[test]
    fn a_new_private_file_never_replaces_one_that_exists() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("k");
        assert!(write_new_private(&p, b"first").expect("write"));
        assert!(!write_new_private(&p, b"second").expect("write"));
        assert_eq!(fs::read(&p).expect("read"), b"first");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 1);
    }
}
