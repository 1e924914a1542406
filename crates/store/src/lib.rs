//! The station's store: one SQLite file in the app-data directory, encrypted with SQLCipher.
//!
//! Why these settings: WAL so a reader never blocks the writer; `synchronous = FULL` so a reading
//! that was committed survives a power cut; foreign keys on so no reading can point at a visit
//! that does not exist; `secure_delete` so purged rows are overwritten. Residents are kept by a
//! keyed hash of their ID number (HMAC-SHA256) plus the last four characters for display: the
//! plain number is never stored. Every page is encrypted (SQLCipher, AES-256 with a per-page
//! HMAC) with a key derived from the station key, which lives in the OS credential store, not
//! beside the data (see `keys.rs` and the README).

mod audit;
mod backup;
mod cipher;
mod files;
mod keys;
mod migrations;
mod retention;
mod staff_pins;
mod stats;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Local};
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::Sha256;
use station_core::clock::{Clock, SystemClock};
use station_core::reading::Reading;
use station_core::resident::IdNumber;
use station_protocol::{IdentifyMethod, MeasureKind};
use thiserror::Error;
use zeroize::Zeroizing;

pub use audit::{Actor, AuditEvent, AuditRecord};
pub use backup::{
    BackupInfo, Maintenance, MaintenanceHandle, Recovery, DEFAULT_BACKUP_COPIES, DEFAULT_BACKUP_DIR,
};
pub use cipher::{cipher_version, PLAIN_HEADER};
pub use keys::{default_key_dir, KeyStore, CREDENTIAL_NAME, KEY_DIR_ENV, KEY_FILE};
pub use migrations::SCHEMA_VERSION;
pub use retention::Purged;
pub use staff_pins::PinRecord;

pub const DB_FILE: &str = "station.sqlite3";
/// Where stores written before encryption kept their HMAC key: beside the database. Taken into
/// the encrypted store at the first open, then removed.
pub const LEGACY_KEY_FILE: &str = "station.key";
/// A one-way check value of the station key, beside the database: tells "wrong key" from
/// "damaged file". Not secret.
pub const KEY_CHECK_FILE: &str = "station.keycheck";
pub(crate) const LEGACY_HMAC_SECRET: &str = "legacy_id_hmac_key";
/// How many characters of an ID number (or health-code token) the store keeps: the last four.
pub const KEPT_ID_CHARS: usize = 4;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("store directory {path} cannot be used: {source}")]
    Directory {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("station key {path} is damaged (expected 32 bytes, or 64 hex digits)")]
    BadKey { path: PathBuf },
    /// The key is gone but data exists: a stop, never a new key (which could read nothing).
    #[error(
        "the station key is missing ({keys}) but {data} holds a store: restore the key from the \
         installer's copy; a new key could not read any of it"
    )]
    KeyMissing { keys: String, data: PathBuf },
    /// A key is there but it is not the one the store was written with.
    #[error("the station key ({keys}) is not the key of the store in {data}")]
    KeyMismatch { keys: String, data: PathBuf },
    #[error("station key ({keys}) cannot be read or kept: {source}")]
    KeyUnavailable {
        keys: String,
        source: std::io::Error,
    },
    /// The linked SQLite has no SQLCipher: refused, so nothing is ever written in the clear.
    #[error("this build's SQLite has no encryption (SQLCipher): refusing to store health data")]
    NoEncryption,
    /// Damaged (or missing) and no backup could restore it.
    #[error(
        "the store {path} is damaged ({reason}) and no backup in {backups} could restore it \
         ({tried} tried)"
    )]
    Damaged {
        path: PathBuf,
        reason: String,
        backups: PathBuf,
        tried: usize,
    },
    #[error("backup failed: {0}")]
    Backup(String),
    #[error("file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database schema version {found} is newer than this program ({supported})")]
    TooNew { found: i64, supported: i64 },
    #[error("a reading could not be encoded: {0}")]
    Encode(serde_json::Error),
    #[error("the store lock was poisoned by an earlier panic")]
    Poisoned,
}

/// Where the store finds its key and keeps its backups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    pub keys: KeyStore,
    /// Backup folder (default: `<data dir>/station.backups`).
    pub backup_dir: PathBuf,
    /// Backup copies kept (the newest).
    pub backup_copies: usize,
}

impl StoreOptions {
    /// What [`Store::open`] uses: the key where the app looks for it by default
    /// ([`KeyStore::locate`] with no configured directory) and backups in the data directory.
    pub fn for_dir(data_dir: &Path) -> Result<StoreOptions, StoreError> {
        Ok(StoreOptions::with_keys(data_dir, KeyStore::locate(None)?))
    }

    /// Default backups, the given key store.
    pub fn with_keys(data_dir: &Path, keys: KeyStore) -> StoreOptions {
        StoreOptions {
            keys,
            backup_dir: data_dir.join(DEFAULT_BACKUP_DIR),
            backup_copies: DEFAULT_BACKUP_COPIES,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResidentId(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VisitId(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadingId(pub i64);

/// How a visit ended (kept for staff statistics and the audit trail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitEnd {
    Logout,
    CardRemoved,
    IdleTimeout,
    Shutdown,
    /// Another resident's card was presented and the change confirmed.
    Switched,
}

impl VisitEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            VisitEnd::Logout => "logout",
            VisitEnd::CardRemoved => "card_removed",
            VisitEnd::IdleTimeout => "idle_timeout",
            VisitEnd::Shutdown => "shutdown",
            VisitEnd::Switched => "switched",
        }
    }
}

/// A reading ready to be stored, with what it was judged to mean.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadingRecord {
    pub reading: Reading,
    /// Category message id (e.g. "bp-category-grade1") and the guideline it was judged by.
    pub category: String,
    pub guideline: String,
    /// Which device produced it ("simulated", a model name, "manual").
    pub device: String,
    /// Staff-assisted manual entry: the staff badge that typed it (audited with the reading).
    pub entered_by: Option<String>,
    pub taken_at: DateTime<Local>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredReading {
    pub id: ReadingId,
    pub visit: VisitId,
    pub record: ReadingRecord,
}

/// An abnormal value waiting to reach the resident's family doctor (the upload is the
/// platform link's job; until then the alert waits here, durable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedAlert {
    pub id: i64,
    pub visit: VisitId,
    pub reading: ReadingId,
    pub kind: String,
    /// Category message id of the reading that raised it.
    pub reason: String,
    pub created_at: String,
}

/// A finished questionnaire: the answers as given and what they were judged to mean.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuestionnaireRecord {
    /// Which form and scoring rules ("nbphs-elderly-33").
    pub method: String,
    /// One score (1–5) per question, in form order.
    pub answers: Vec<u8>,
    /// Stable keys of the constitutions judged yes / basically yes ("pinghe", "qixu", …).
    pub primary: Vec<String>,
    /// … and judged "tendency".
    pub tendencies: Vec<String>,
    pub needs_review: bool,
    /// RFC 3339, station local time.
    pub taken_at: String,
}

/// One earlier visit with readings or a questionnaire: a line of "我的报告".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastVisit {
    pub visit: VisitId,
    /// Local time of its first reading or questionnaire, RFC 3339.
    pub first_reading_at: String,
    /// Readings and questionnaires.
    pub readings: usize,
}

pub struct Store {
    conn: Mutex<Connection>,
    /// The HMAC key for ID numbers (derived, or a pre-encryption store's own). Zeroized on drop.
    id_key: Zeroizing<[u8; 32]>,
    keys: keys::DerivedKeys,
    path: PathBuf,
    backup_dir: PathBuf,
    backup_copies: usize,
    /// One backup at a time (the schedule and a manual call may meet).
    backup_lock: Mutex<()>,
    recovery: Option<Recovery>,
    /// Every stamp the store writes comes from here (the runtime's clock).
    clock: Arc<dyn Clock>,
}

impl Store {
    /// Opens (creating when absent) the store in `dir`, applying pending migrations; stamps
    /// come from the system clock; the key is found as the app finds it by default
    /// ([`StoreOptions::for_dir`]).
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_clock(dir, Arc::new(SystemClock::new()))
    }

    /// [`Store::open`] with the station's clock as the source of every stamp.
    pub fn open_with_clock(dir: &Path, clock: Arc<dyn Clock>) -> Result<Store, StoreError> {
        Store::open_with(dir, clock, &StoreOptions::for_dir(dir)?)
    }

    /// Opens the store in `dir` with its key from `options.keys`:
    /// - a fresh, empty directory gets a new station key (unless the key store is a systemd
    ///   credential, which only an installer provisions);
    /// - a store whose key is missing is a stop ([`StoreError::KeyMissing`]), never a new key;
    ///   a key that is not the store's is [`StoreError::KeyMismatch`];
    /// - a store written before encryption is encrypted in place, its HMAC key kept inside;
    /// - `PRAGMA quick_check` runs; a damaged (or vanished) store is restored from the newest
    ///   good backup and [`Store::recovery`] says so; with no good backup,
    ///   [`StoreError::Damaged`].
    pub fn open_with(
        dir: &Path,
        clock: Arc<dyn Clock>,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        let dir_err = |source| StoreError::Directory {
            path: dir.to_path_buf(),
            source,
        };
        files::create_private_dir(dir).map_err(dir_err)?;
        let path = dir.join(DB_FILE);
        let check_path = dir.join(KEY_CHECK_FILE);
        let legacy_path = dir.join(LEGACY_KEY_FILE);
        let legacy_key = read_legacy_key(&legacy_path)?;
        let backups = backup::list(&options.backup_dir)?;
        let db_len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let plaintext = db_len > 0 && cipher::is_plaintext(&path).map_err(dir_err)?;
        if plaintext && legacy_key.is_none() {
            // A pre-encryption store whose HMAC key is gone: its residents can never be
            // recognised again. Stop, as for any lost key.
            return Err(StoreError::KeyMissing {
                keys: format!("key file {}", legacy_path.display()),
                data: dir.to_path_buf(),
            });
        }

        let master = match options.keys.load()? {
            Some(master) => master,
            None => {
                let encrypted_data = (db_len > 0 && !plaintext) || check_path.exists();
                if encrypted_data || !backups.is_empty() {
                    return Err(StoreError::KeyMissing {
                        keys: options.keys.to_string(),
                        data: dir.to_path_buf(),
                    });
                }
                tracing::info!(keys = %options.keys, "no station key yet: making one");
                options.keys.create()?
            }
        };
        let keys = keys::DerivedKeys::derive(&master);
        drop(master);
        match std::fs::read_to_string(&check_path) {
            Ok(text) if text.trim() != keys.check_text() => {
                return Err(StoreError::KeyMismatch {
                    keys: options.keys.to_string(),
                    data: dir.to_path_buf(),
                })
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(StoreError::Io {
                    path: check_path,
                    source,
                })
            }
        }

        if let (true, Some(legacy)) = (plaintext, &legacy_key) {
            tracing::info!(store = %path.display(), "encrypting a store written before encryption");
            cipher::encrypt_in_place(&path, &keys, legacy)?;
        }

        // Integrity first: a damaged or vanished store is restored before anything writes.
        let problem = if db_len == 0 {
            if backups.is_empty() && check_path.exists() {
                // The key check says a store was here; with no backup there is nothing to
                // restore, so the station starts empty rather than not at all: say so loudly.
                tracing::error!(
                    store = %path.display(),
                    "the store file is missing or empty and there is no backup: starting empty"
                );
            }
            (!backups.is_empty()).then(|| "the store file is missing or empty".to_string())
        } else {
            let conn = cipher::open_keyed(&path, &keys, cipher::existing())?;
            let checked = cipher::quick_check(&conn);
            drop(conn);
            checked.err()
        };
        let recovery = match problem {
            Some(reason) => {
                tracing::error!(store = %path.display(), %reason, "store damaged: restoring");
                let r = backup::restore(&path, &options.backup_dir, &keys, reason, clock.now())?;
                tracing::warn!(
                    backup = %r.backup.display(),
                    taken_at = %r.backup_taken_at.to_rfc3339(),
                    "store restored from backup"
                );
                Some(r)
            }
            None => None,
        };

        files::touch_private(&path).map_err(dir_err)?;
        let mut conn = cipher::open_keyed(&path, &keys, cipher::read_write())?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&mut conn)?;
        for suffix in ["-wal", "-shm"] {
            let side = dir.join(format!("{DB_FILE}{suffix}"));
            files::make_private(&side).map_err(dir_err)?;
        }
        if !check_path.exists() {
            files::replace_private(&check_path, keys.check_text().as_bytes()).map_err(dir_err)?;
        }

        // The resident HMAC key: a pre-encryption store keeps its own (moved inside when it was
        // encrypted); every other store's is derived from the station key.
        let kept: Option<Zeroizing<Vec<u8>>> = conn
            .query_row(
                "SELECT value FROM station_secrets WHERE name = ?1",
                params![LEGACY_HMAC_SECRET],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()?
            .map(Zeroizing::new);
        let id_key = match &kept {
            Some(k) => {
                let mut key = Zeroizing::new([0u8; 32]);
                if k.len() != 32 {
                    return Err(StoreError::BadKey { path: path.clone() });
                }
                key.copy_from_slice(k);
                key
            }
            None => keys.id_hmac.clone(),
        };
        if let Some(legacy) = &legacy_key {
            if kept.as_deref().map(|k| k.as_slice()) == Some(legacy.as_slice()) {
                files::durable_remove(&legacy_path).map_err(dir_err)?;
                tracing::info!("the old key file beside the store was taken inside it and removed");
            } else {
                // Never adopted: it would change the hashes of every resident of this store.
                tracing::warn!(
                    file = %legacy_path.display(),
                    "a key file beside the store is not this store's key: left in place, unused"
                );
            }
        }

        if let Some(r) = &recovery {
            let restored = AuditEvent::StoreRestored {
                backup_taken_at: r.backup_taken_at.to_rfc3339(),
            };
            audit::write(&conn, &clock.now().to_rfc3339(), None, &restored)?;
        }
        Ok(Store {
            conn: Mutex::new(conn),
            id_key,
            keys,
            path,
            backup_dir: options.backup_dir.clone(),
            backup_copies: options.backup_copies,
            backup_lock: Mutex::new(()),
            recovery,
            clock,
        })
    }

    /// A second connection to the station file, keyed like the store's own, for tests and
    /// maintenance tools that must reach past the store's methods (e.g. to inject a failure).
    pub fn second_connection(&self) -> Result<Connection, StoreError> {
        let conn = cipher::open_keyed(&self.path, &self.keys, cipher::existing())?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(conn)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn now_text(&self) -> String {
        self.clock.now().to_rfc3339()
    }

    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    /// The keyed hash that stands for an ID number in the store.
    pub fn id_hash(&self, id: &IdNumber) -> Vec<u8> {
        self.keyed_hash(&[id.expose().as_bytes()])
    }

    fn keyed_hash(&self, parts: &[&[u8]]) -> Vec<u8> {
        // HMAC accepts keys of any length, so this cannot fail; fall back to an empty MAC otherwise.
        match Hmac::<Sha256>::new_from_slice(self.id_key.as_slice()) {
            Ok(mut mac) => {
                for part in parts {
                    mac.update(part);
                }
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }

    /// The keyed hash that stands for a health-code token until a platform resolves it to an ID
    /// number. Its own domain, so a token can never collide with an ID number.
    pub fn health_code_hash(&self, token: &str) -> Vec<u8> {
        self.keyed_hash(&[b"health-code:", token.as_bytes()])
    }

    /// Finds or creates the resident with this ID number; refreshes the masked name.
    pub fn upsert_resident(
        &self,
        id: &IdNumber,
        masked_name: &str,
    ) -> Result<ResidentId, StoreError> {
        self.upsert_resident_by_hash(&self.id_hash(id), &stored_mask(&id.masked()), masked_name)
    }

    /// Finds or creates the resident known only by an unverified health code.
    pub fn upsert_health_code_resident(
        &self,
        token: &str,
        masked_token: &str,
    ) -> Result<ResidentId, StoreError> {
        self.upsert_resident_by_hash(
            &self.health_code_hash(token),
            &stored_mask(masked_token),
            "",
        )
    }

    fn upsert_resident_by_hash(
        &self,
        hash: &[u8],
        masked_id: &str,
        masked_name: &str,
    ) -> Result<ResidentId, StoreError> {
        let now = self.now_text();
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO residents (id_hash, masked_id, masked_name, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT(id_hash) DO UPDATE SET masked_name = excluded.masked_name,
                                                last_seen = excluded.last_seen",
            params![hash, masked_id, masked_name, now],
        )?;
        let rid: i64 = conn.query_row(
            "SELECT id FROM residents WHERE id_hash = ?1",
            params![hash],
            |r| r.get(0),
        )?;
        Ok(ResidentId(rid))
    }

    pub fn resident_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()?
            .query_row("SELECT COUNT(*) FROM residents", [], |r| r.get(0))?)
    }

    /// Records a new visit and its "identified" audit event, in one transaction.
    pub fn start_visit(
        &self,
        resident: ResidentId,
        method: IdentifyMethod,
    ) -> Result<VisitId, StoreError> {
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO visits (resident_id, identified_by, started_at) VALUES (?1, ?2, ?3)",
            params![resident.0, method.as_str(), now],
        )?;
        let visit = VisitId(tx.last_insert_rowid());
        audit::write(&tx, &now, Some(visit), &AuditEvent::VisitStarted { method })?;
        tx.commit()?;
        Ok(visit)
    }

    /// Closes a visit and records how it ended, in one transaction. A visit already closed
    /// keeps its first end (and gets no second audit line).
    pub fn end_visit(&self, visit: VisitId, how: VisitEnd) -> Result<(), StoreError> {
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let closed = tx.execute(
            "UPDATE visits SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
            params![visit.0, now, how.as_str()],
        )?;
        if closed > 0 {
            audit::write(&tx, &now, Some(visit), &AuditEvent::VisitEnded { how })?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Visits left open by a crash or power cut are closed at the next start.
    pub fn close_dangling_visits(&self) -> Result<usize, StoreError> {
        Ok(self.conn()?.execute(
            "UPDATE visits SET ended_at = ?1, end_reason = 'interrupted' WHERE ended_at IS NULL",
            params![self.now_text()],
        )?)
    }

    /// Stores a reading, its audit events, and when `urgent` an alert for the family doctor, in
    /// one transaction; all are durable (committed, fsynced) when this returns.
    pub fn save_reading(
        &self,
        visit: VisitId,
        record: &ReadingRecord,
        urgent: bool,
    ) -> Result<ReadingId, StoreError> {
        let measured = record.reading.kind();
        let kind = measured.as_str();
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO readings (visit_id, resident_id, kind, taken_at, value_json, category, guideline, device, entered_by)
             SELECT ?1, resident_id, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM visits WHERE id = ?1",
            params![
                visit.0,
                kind,
                record.taken_at.to_rfc3339(),
                reading_json(&record.reading)?,
                record.category,
                record.guideline,
                record.device,
                record.entered_by
            ],
        )?;
        if tx.changes() == 0 {
            return Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows));
        }
        let id = tx.last_insert_rowid();
        let reading = ReadingId(id);
        audit::write(
            &tx,
            &now,
            Some(visit),
            &AuditEvent::ReadingSaved { kind: measured },
        )?;
        if let Some(staff) = &record.entered_by {
            // Who typed a value is recorded with it: never one without the other.
            let typed = AuditEvent::ManualReading {
                staff: staff.clone(),
                reading,
                kind: measured,
            };
            audit::write(&tx, &now, Some(visit), &typed)?;
        }
        if urgent {
            tx.execute(
                "INSERT INTO alerts (visit_id, reading_id, kind, reason, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![visit.0, id, kind, record.category, now],
            )?;
            audit::write(
                &tx,
                &now,
                Some(visit),
                &AuditEvent::AlertQueued { kind: measured },
            )?;
        }
        tx.commit()?;
        Ok(ReadingId(id))
    }

    /// A resident's readings (of one kind, or all), newest first.
    pub fn readings(
        &self,
        resident: ResidentId,
        kind: Option<MeasureKind>,
        limit: usize,
    ) -> Result<Vec<StoredReading>, StoreError> {
        let conn = self.conn()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = "SELECT id, visit_id, kind, taken_at, value_json, category, guideline, device, entered_by FROM readings";
        let rows = match kind {
            Some(kind) => conn
                .prepare_cached(&format!(
                    "{sql} WHERE resident_id = ?1 AND kind = ?2 ORDER BY taken_at DESC, id DESC LIMIT ?3"
                ))?
                .query_map(params![resident.0, kind.as_str(), limit], raw_row)?
                .collect::<Result<Vec<_>, _>>()?,
            None => conn
                .prepare_cached(&format!(
                    "{sql} WHERE resident_id = ?1 ORDER BY taken_at DESC, id DESC LIMIT ?2"
                ))?
                .query_map(params![resident.0, limit], raw_row)?
                .collect::<Result<Vec<_>, _>>()?,
        };
        Ok(decode_rows(rows))
    }

    /// The readings of one visit, oldest first.
    pub fn visit_readings(&self, visit: VisitId) -> Result<Vec<StoredReading>, StoreError> {
        let conn = self.conn()?;
        let rows = conn
            .prepare_cached(
                "SELECT id, visit_id, kind, taken_at, value_json, category, guideline, device, entered_by
                 FROM readings WHERE visit_id = ?1 ORDER BY taken_at, id",
            )?
            .query_map(params![visit.0], raw_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(decode_rows(rows))
    }

    /// A resident's earlier visits that have readings or a questionnaire, newest first ("我的报告").
    pub fn past_visits(
        &self,
        resident: ResidentId,
        limit: usize,
    ) -> Result<Vec<PastVisit>, StoreError> {
        let conn = self.conn()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = conn
            .prepare_cached(
                "SELECT visit_id, MIN(taken_at), COUNT(*) FROM (
                     SELECT visit_id, taken_at FROM readings WHERE resident_id = ?1
                     UNION ALL
                     SELECT visit_id, taken_at FROM questionnaires WHERE resident_id = ?1)
                 GROUP BY visit_id ORDER BY MIN(taken_at) DESC, visit_id DESC LIMIT ?2",
            )?
            .query_map(params![resident.0, limit], |r| {
                Ok(PastVisit {
                    visit: VisitId(r.get(0)?),
                    first_reading_at: r.get(1)?,
                    readings: usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Stores a finished questionnaire of this visit and its audit event, in one transaction;
    /// durable when this returns.
    pub fn save_questionnaire(
        &self,
        visit: VisitId,
        record: &QuestionnaireRecord,
    ) -> Result<i64, StoreError> {
        let answers = serde_json::to_string(&record.answers).map_err(StoreError::Encode)?;
        let result = serde_json::json!({
            "primary": record.primary,
            "tendencies": record.tendencies,
            "needs_review": record.needs_review,
        });
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO questionnaires (visit_id, resident_id, method, taken_at, answers, result_json)
             SELECT ?1, resident_id, ?2, ?3, ?4, ?5 FROM visits WHERE id = ?1",
            params![visit.0, record.method, record.taken_at, answers, result.to_string()],
        )?;
        if tx.changes() == 0 {
            return Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows));
        }
        let id = tx.last_insert_rowid();
        let saved = AuditEvent::QuestionnaireSaved {
            method: record.method.clone(),
        };
        audit::write(&tx, &now, Some(visit), &saved)?;
        tx.commit()?;
        Ok(id)
    }

    /// The questionnaires finished in one visit, oldest first (undecodable rows skipped).
    pub fn visit_questionnaires(
        &self,
        visit: VisitId,
    ) -> Result<Vec<QuestionnaireRecord>, StoreError> {
        let conn = self.conn()?;
        let rows = conn
            .prepare_cached(
                "SELECT method, taken_at, answers, result_json FROM questionnaires
                 WHERE visit_id = ?1 ORDER BY id",
            )?
            .query_map(params![visit.0], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(method, taken_at, answers, result)| {
                let result: serde_json::Value = serde_json::from_str(&result).ok()?;
                let list = |key: &str| -> Option<Vec<String>> {
                    serde_json::from_value(result.get(key)?.clone()).ok()
                };
                Some(QuestionnaireRecord {
                    method,
                    answers: serde_json::from_str(&answers).ok()?,
                    primary: list("primary")?,
                    tendencies: list("tendencies")?,
                    needs_review: result.get("needs_review")?.as_bool()?,
                    taken_at,
                })
            })
            .collect())
    }

    /// The resident a visit belongs to.
    pub fn visit_resident(&self, visit: VisitId) -> Result<Option<ResidentId>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT resident_id FROM visits WHERE id = ?1",
                params![visit.0],
                |r| r.get(0).map(ResidentId),
            )
            .optional()?)
    }

    /// Alerts not yet sent to the family doctor, oldest first.
    pub fn queued_alerts(&self, limit: usize) -> Result<Vec<QueuedAlert>, StoreError> {
        let conn = self.conn()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = conn
            .prepare_cached(
                "SELECT id, visit_id, reading_id, kind, reason, created_at FROM alerts
                 WHERE sent_at IS NULL ORDER BY id LIMIT ?1",
            )?
            .query_map(params![limit], |r| {
                Ok(QueuedAlert {
                    id: r.get(0)?,
                    visit: VisitId(r.get(1)?),
                    reading: ReadingId(r.get(2)?),
                    kind: r.get(3)?,
                    reason: r.get(4)?,
                    created_at: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn reading_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()?
            .query_row("SELECT COUNT(*) FROM readings", [], |r| r.get(0))?)
    }

    /// Records an event that stands alone (a print outcome, a device fault). Events that go
    /// with a change are written by that change's own method, in its transaction.
    pub fn record(&self, visit: Option<VisitId>, event: AuditEvent) -> Result<(), StoreError> {
        let now = self.now_text();
        audit::write(&*self.conn()?, &now, visit, &event)?;
        Ok(())
    }

    /// The newest audit lines first.
    pub fn audit_events(&self, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT at, actor, action, visit_id, detail FROM audit_events ORDER BY id DESC LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![limit], |r| {
            Ok(AuditRecord {
                at: r.get(0)?,
                actor: r.get(1)?,
                action: r.get(2)?,
                visit: r.get::<_, Option<i64>>(3)?.map(VisitId),
                detail: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn visit_end_reason(&self, visit: VisitId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT end_reason FROM visits WHERE id = ?1",
                params![visit.0],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()?
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// id, visit, kind, taken_at, value_json, category, guideline, device, entered_by.
type RawRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

/// A row we cannot decode is skipped with a warning, not fatal to the whole history.
fn decode_rows(rows: Vec<RawRow>) -> Vec<StoredReading> {
    rows.into_iter()
        .filter_map(
            |(id, visit, kind, taken_at, json, category, guideline, device, entered_by)| {
                let record = decode_reading(
                    &kind,
                    &taken_at,
                    &json,
                    (category, guideline),
                    device,
                    entered_by,
                );
                if record.is_none() {
                    tracing::warn!(reading = id, %kind, "skipping an undecodable reading row");
                }
                Some(StoredReading {
                    id: ReadingId(id),
                    visit: VisitId(visit),
                    record: record?,
                })
            },
        )
        .collect()
}

/// The kind has its own column; the JSON holds the fields only.
fn reading_json(reading: &Reading) -> Result<String, StoreError> {
    let mut value = serde_json::to_value(reading).map_err(StoreError::Encode)?;
    if let Some(fields) = value.as_object_mut() {
        fields.remove("kind");
    }
    Ok(value.to_string())
}

fn decode_reading(
    kind: &str,
    taken_at: &str,
    json: &str,
    (category, guideline): (String, String),
    device: String,
    entered_by: Option<String>,
) -> Option<ReadingRecord> {
    let mut value: serde_json::Value = serde_json::from_str(json).ok()?;
    value
        .as_object_mut()?
        .insert("kind".into(), serde_json::Value::String(kind.into()));
    Some(ReadingRecord {
        reading: serde_json::from_value(value).ok()?,
        category,
        guideline,
        device,
        entered_by,
        taken_at: DateTime::parse_from_rfc3339(taken_at)
            .ok()?
            .with_timezone(&Local),
    })
}

/// What the store keeps of an ID number or token: the last [`KEPT_ID_CHARS`] characters, the
/// rest as '*' ("3301**********1234" → "**************1234"). Works on a masked form, so the
/// plain number never passes through here.
pub fn stored_mask(masked: &str) -> String {
    let chars: Vec<char> = masked.chars().collect();
    let keep = chars.len().min(KEPT_ID_CHARS);
    let mut out = "*".repeat(chars.len() - keep);
    out.extend(&chars[chars.len() - keep..]);
    out
}

/// The HMAC key of a store written before encryption (kept beside it then), if any.
fn read_legacy_key(path: &Path) -> Result<Option<Zeroizing<[u8; 32]>>, StoreError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let bytes = Zeroizing::new(bytes);
            let mut key = Zeroizing::new([0u8; 32]);
            if bytes.len() != 32 {
                return Err(StoreError::BadKey {
                    path: path.to_path_buf(),
                });
            }
            key.copy_from_slice(&bytes);
            Ok(Some(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests;
