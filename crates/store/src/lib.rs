//! The station's store: one SQLite file in the app-data directory, encrypted with SQLCipher.
//!
//! Why these settings: WAL so a reader never blocks the writer; `synchronous = FULL` so a reading
//! that was committed survives a power cut; foreign keys on so no reading can point at a visit
//! that does not exist; `secure_delete` so purged rows are overwritten. Residents are kept by a
//! keyed hash of their ID number (HMAC-SHA256) plus the last four characters for display: the
//! plain number is never stored. Every page is encrypted (SQLCipher, AES-256 with a per-page
//! HMAC) with a key derived from the station key, which lives in the OS credential store, not
//! beside the data (see crates/keys and the README).

mod audit;
mod backup;
mod cipher;
mod faults;
mod migrations;
mod open;
mod questionnaires;
mod readings;
mod residents;
mod retention;
mod staff_pins;
mod stats;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Local};
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection};
use sha2::Sha256;
use station_core::clock::Clock;
use station_core::reading::Reading;
use station_core::resident::IdNumber;
use thiserror::Error;
use zeroize::Zeroizing;

pub use audit::{Actor, AuditEvent, AuditRecord};
pub use backup::{
    BackupInfo, Maintenance, MaintenanceHandle, Recovery, DEFAULT_BACKUP_COPIES, DEFAULT_BACKUP_DIR,
};
pub use cipher::{cipher_version, PLAIN_HEADER};
pub use faults::{FaultRecord, StoredFault};
pub use keys::{default_key_dir, KeyStore, CREDENTIAL_NAME, KEY_DIR_ENV, KEY_FILE};
// The key and the file steps live in crates/keys (the store's only Windows-specific code).
pub use migrations::SCHEMA_VERSION;
pub use retention::Purged;
pub use staff_pins::PinRecord;
pub(crate) use station_keys as keys;
pub(crate) use station_keys::files;

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

impl From<station_keys::KeyError> for StoreError {
    fn from(e: station_keys::KeyError) -> StoreError {
        match e {
            station_keys::KeyError::BadKey { path } => StoreError::BadKey { path },
            station_keys::KeyError::Unavailable { keys, source } => {
                StoreError::KeyUnavailable { keys, source }
            }
        }
    }
}

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

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()?
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
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

#[cfg(test)]
mod tests;
