//! Backups and recovery.
//!
//! A backup is SQLite's online backup of the live store into an encrypted copy (same key) in
//! the backup folder, taken on its own connection in one step: in WAL mode a reader never
//! blocks the writer, so a reading saved meanwhile waits for nothing. Each copy is checked
//! (`quick_check`) before it counts, then renamed into place durably; the newest N are kept.
//!
//! At open, a store that fails `quick_check` (or is missing while backups exist) is restored
//! from the newest backup that passes it; the damaged file is kept aside, and the caller gets a
//! [`Recovery`] saying what was restored and from when.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Local, NaiveDateTime};
use rusqlite::backup::{Backup, StepResult};

use crate::cipher;
use crate::files;
use crate::keys::DerivedKeys;
use crate::{AuditEvent, Store, StoreError};

/// The backup folder when none is configured: inside the data directory (the copies are
/// encrypted with the store's own key, so they add no exposure).
pub const DEFAULT_BACKUP_DIR: &str = "station.backups";
/// Copies kept when none is configured.
pub const DEFAULT_BACKUP_COPIES: usize = 24;
const PREFIX: &str = "station-";
const SUFFIX: &str = ".sqlite3";
/// `station-20261123T091500-000.sqlite3`: sorts by time; the counter separates copies taken in
/// the same second.
const STAMP: &str = "%Y%m%dT%H%M%S";

/// One backup copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub path: PathBuf,
    /// When it was taken (station local time, from its name).
    pub taken_at: DateTime<Local>,
}

/// A damaged store replaced by a backup at open: what staff must be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// What was wrong with the store ("quick_check: …", "file is not a database", "missing").
    pub reason: String,
    /// The backup restored.
    pub backup: PathBuf,
    /// When that backup was taken: anything stored after it is lost.
    pub backup_taken_at: DateTime<Local>,
    /// Where the damaged file was kept (for a technician), if there was one.
    pub damaged_copy: Option<PathBuf>,
    /// Residents and readings in the restored store.
    pub residents: i64,
    pub readings: i64,
}

/// What the background maintenance does, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maintenance {
    /// Time between backups.
    pub backup_every: Duration,
    /// Readings and questionnaires older than this many days are purged once delivered
    /// upstream; `None` keeps everything.
    pub retention_days: Option<u32>,
}

/// The running maintenance thread; dropping it (or [`MaintenanceHandle::stop`]) ends it.
pub struct MaintenanceHandle {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MaintenanceHandle {
    /// Stops the thread and waits for a backup in progress to finish.
    pub fn stop(mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for MaintenanceHandle {
    fn drop(&mut self) {
        // Closing the channel wakes the thread, which ends after any backup in progress.
        self.stop.take();
    }
}

/// The backups in `dir`, newest first (files not named like a backup are ignored).
pub fn list(dir: &Path) -> Result<Vec<BackupInfo>, StoreError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut found: Vec<BackupInfo> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
            let (time, counter) = stamp.split_once('-')?;
            if counter.len() != 3 || !counter.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let naive = NaiveDateTime::parse_from_str(time, STAMP).ok()?;
            Some(BackupInfo {
                path: e.path(),
                taken_at: naive.and_local_timezone(Local).earliest()?,
            })
        })
        .collect();
    found.sort_by(|a, b| b.path.file_name().cmp(&a.path.file_name()));
    Ok(found)
}

/// Checks a copy: it decrypts with this key and passes `quick_check`.
pub(crate) fn check_copy(path: &Path, keys: &DerivedKeys) -> Result<(), String> {
    let conn = cipher::open_keyed(path, keys, cipher::read_only()).map_err(|e| e.to_string())?;
    cipher::quick_check(&conn)
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io { path, source }
}

/// Online backup of `db` into a new copy in `dir`, checked, made durable, then the oldest
/// copies beyond `copies` removed.
pub(crate) fn take(
    db: &Path,
    dir: &Path,
    copies: usize,
    keys: &DerivedKeys,
    now: DateTime<Local>,
) -> Result<BackupInfo, StoreError> {
    files::create_private_dir(dir).map_err(io_err(dir))?;
    let stamp = now.format(STAMP).to_string();
    let name = (0..1000)
        .map(|n| format!("{PREFIX}{stamp}-{n:03}{SUFFIX}"))
        .find(|name| !dir.join(name).exists())
        .ok_or_else(|| StoreError::Backup(format!("too many backups at {stamp}")))?;
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.partial"));
    // A copy cut short (power cut, kill) left its partial file: never a backup, remove it.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.filter_map(|e| e.ok()) {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&format!(".{PREFIX}")) && n.ends_with(".partial") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let result = (|| {
        files::durable_remove(&tmp).map_err(io_err(&tmp))?;
        files::touch_private(&tmp).map_err(io_err(&tmp))?;
        // Never CREATE: a store deleted under us must not be backed up as an empty one.
        let src = cipher::open_keyed(db, keys, cipher::existing())?;
        let mut dst = cipher::open_keyed(&tmp, keys, cipher::read_write())?;
        {
            let backup = Backup::new(&src, &mut dst)?;
            // One step copies every page under one read transaction: a consistent snapshot,
            // and (WAL) the writer is never blocked. Busy/locked only while another
            // connection recovers the WAL: wait and retry.
            let mut tries = 0;
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More | StepResult::Busy | StepResult::Locked if tries < 100 => {
                        tries += 1;
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    other => {
                        return Err(StoreError::Backup(format!(
                            "online backup did not finish: {other:?}"
                        )))
                    }
                }
            }
        }
        // The copy is a standalone file: no WAL of its own.
        dst.pragma_update(None, "journal_mode", "DELETE")?;
        cipher::quick_check(&dst).map_err(StoreError::Backup)?;
        drop(dst);
        drop(src);
        files::sync_file(&tmp).map_err(io_err(&tmp))?;
        files::durable_rename(&tmp, &path).map_err(io_err(&path))?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    // Rotation: only after the new copy is durable, so there are never fewer good copies.
    for old in list(dir)?.into_iter().skip(copies.max(1)) {
        files::durable_remove(&old.path).map_err(io_err(&old.path))?;
    }
    Ok(BackupInfo {
        path,
        taken_at: now,
    })
}

/// Replaces the damaged (or missing) store with the newest backup that passes the check.
pub(crate) fn restore(
    db: &Path,
    backup_dir: &Path,
    keys: &DerivedKeys,
    reason: String,
    now: DateTime<Local>,
) -> Result<Recovery, StoreError> {
    let mut tried = Vec::new();
    let chosen = list(backup_dir)?.into_iter().find(|b| {
        let ok = check_copy(&b.path, keys);
        if let Err(why) = &ok {
            tracing::warn!(backup = %b.path.display(), %why, "backup unusable");
            tried.push(b.path.clone());
        }
        ok.is_ok()
    });
    let Some(chosen) = chosen else {
        return Err(StoreError::Damaged {
            path: db.to_path_buf(),
            reason,
            backups: backup_dir.to_path_buf(),
            tried: tried.len(),
        });
    };
    let dir = db.parent().unwrap_or(Path::new("."));
    let name = db
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let stamp = now.format(STAMP);
    // Keep the damaged file (and its WAL) aside for a technician; the shared-memory index is
    // rebuilt by SQLite and must not outlive its database.
    let damaged_copy = if db.exists() {
        let aside = dir.join(format!("{name}.damaged-{stamp}"));
        files::durable_rename(db, &aside).map_err(io_err(db))?;
        Some(aside)
    } else {
        None
    };
    let wal = dir.join(format!("{name}-wal"));
    if wal.exists() {
        let aside = dir.join(format!("{name}.damaged-{stamp}-wal"));
        files::durable_rename(&wal, &aside).map_err(io_err(&wal))?;
    }
    files::durable_remove(&dir.join(format!("{name}-shm"))).map_err(io_err(db))?;

    let incoming = dir.join(format!("{name}.restoring"));
    files::durable_remove(&incoming).map_err(io_err(&incoming))?;
    files::touch_private(&incoming).map_err(io_err(&incoming))?;
    std::fs::copy(&chosen.path, &incoming).map_err(io_err(&incoming))?;
    files::make_private(&incoming).map_err(io_err(&incoming))?;
    files::sync_file(&incoming).map_err(io_err(&incoming))?;
    files::durable_rename(&incoming, db).map_err(io_err(db))?;

    let conn = cipher::open_keyed(db, keys, cipher::read_only())?;
    let count = |table: &str| -> Result<i64, StoreError> {
        Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(Recovery {
        reason,
        backup: chosen.path,
        backup_taken_at: chosen.taken_at,
        damaged_copy,
        residents: count("residents")?,
        readings: count("readings")?,
    })
}

impl Store {
    /// Takes a backup now (online: saves go on meanwhile) and rotates the folder.
    pub fn backup_now(&self) -> Result<BackupInfo, StoreError> {
        let _one_at_a_time = self.backup_lock.lock().map_err(|_| StoreError::Poisoned)?;
        take(
            &self.path,
            &self.backup_dir,
            self.backup_copies,
            &self.keys,
            self.clock.now(),
        )
    }

    /// The backups of this store, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>, StoreError> {
        list(&self.backup_dir)
    }

    pub fn backup_dir(&self) -> &Path {
        &self.backup_dir
    }

    /// What was restored when this store was opened, if it had to be (see [`Recovery`]). Staff
    /// must be told: readings after `backup_taken_at` are lost.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// One round of maintenance: a backup, then (with a retention) the purge of delivered data
    /// past it. Failures are audited and returned; the next round tries again.
    pub fn maintain(&self, retention_days: Option<u32>) -> Result<(), StoreError> {
        if let Err(e) = self.backup_now() {
            tracing::error!(error = %e, "backup failed");
            let _ = self.record(
                None,
                AuditEvent::BackupFailed {
                    reason: e.to_string(),
                },
            );
            return Err(e);
        }
        if let Some(days) = retention_days {
            self.purge_delivered_older_than(chrono::Duration::days(i64::from(days)))?;
        }
        Ok(())
    }

    /// Starts the background thread: a round of [`Store::maintain`] at once when the newest
    /// backup is older than the interval (or there is none), then every interval.
    pub fn spawn_maintenance(self: &Arc<Self>, plan: Maintenance) -> MaintenanceHandle {
        let (stop, stopped) = mpsc::channel::<()>();
        let store = Arc::clone(self);
        let thread = std::thread::Builder::new()
            .name("store-maintenance".into())
            .spawn(move || {
                let every = plan.backup_every.max(Duration::from_secs(1));
                let due_now = match store.backups() {
                    Ok(list) => list.first().is_none_or(|newest| {
                        let age = store.clock.now() - newest.taken_at;
                        age.to_std().map(|a| a >= every).unwrap_or(false)
                    }),
                    Err(_) => true,
                };
                let mut wait = if due_now { Duration::ZERO } else { every };
                loop {
                    match stopped.recv_timeout(wait) {
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            let _ = store.maintain(plan.retention_days);
                            wait = every;
                        }
                        _ => return,
                    }
                }
            });
        match thread {
            Ok(t) => MaintenanceHandle {
                stop: Some(stop),
                thread: Some(t),
            },
            Err(e) => {
                tracing::error!(error = %e, "cannot start the store maintenance thread");
                MaintenanceHandle {
                    stop: None,
                    thread: None,
                }
            }
        }
    }
}
