//! The console's SQLite store: doctors, station keys, doctors' sessions, consultations (one per
//! call), prescriptions and the audit. Encrypted page by page (SQLCipher, key in
//! [`crate::store_key`]): residents' masked identities, vitals and prescriptions are health data.
//! WAL with `synchronous=FULL`, migrations by `user_version`. Every change is written in one
//! transaction with its audit line: a change that cannot be audited is not made.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};
use thiserror::Error;

use crate::store_key::StoreKey;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open the console store {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("console store: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("console store: {0}")]
    Data(String),
    #[error("the console store is encrypted with the key in {key}, which is missing: put the key back (a new key cannot read the store)")]
    KeyMissing { key: PathBuf },
    #[error("cannot read the console store's key {key}: {source}")]
    KeyUnreadable {
        key: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write a new key for the console store to {key}: {source}")]
    KeyUnwritable {
        key: PathBuf,
        source: std::io::Error,
    },
    #[error("the console store's key {key} is not 64 hex digits")]
    KeyMalformed { key: PathBuf },
    #[error("the key in {key} does not open the console store {path} (a wrong key, or not a console store)")]
    WrongKey { path: PathBuf, key: PathBuf },
    #[error(
        "the console store {path} is not encrypted; the console keeps health data only encrypted"
    )]
    Plaintext { path: PathBuf },
    #[error(
        "this build's SQLite has no SQLCipher: the console will not write health data in the clear"
    )]
    NoEncryption,
}

/// The first 16 bytes of an unencrypted SQLite file (an SQLCipher file starts with random salt).
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

const MIGRATIONS: &[&str] = &[
    // 1: accounts, stations, calls and their audit.
    "CREATE TABLE doctors (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        doctor_group TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT
     );
     CREATE TABLE stations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        doctor_group TEXT NOT NULL,
        key_digest BLOB NOT NULL,
        issued_at TEXT NOT NULL
     );
     CREATE TABLE consultations (
        call_id TEXT PRIMARY KEY,
        station_id TEXT NOT NULL REFERENCES stations(id),
        resident TEXT NOT NULL,
        doctor_id INTEGER REFERENCES doctors(id),
        queued_at TEXT NOT NULL,
        accepted_at TEXT,
        ended_at TEXT,
        end_reason TEXT,
        notes TEXT NOT NULL DEFAULT ''
     );
     CREATE TABLE prescriptions (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL REFERENCES consultations(call_id),
        doctor_id INTEGER NOT NULL REFERENCES doctors(id),
        at TEXT NOT NULL,
        items TEXT NOT NULL
     );
     CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        event TEXT NOT NULL,
        call_id TEXT,
        detail TEXT NOT NULL DEFAULT ''
     );",
    // 2: doctors' sessions outlive a console restart (only each token's SHA-256 is kept).
    "CREATE TABLE sessions (
        token_digest BLOB PRIMARY KEY,
        doctor_id INTEGER NOT NULL REFERENCES doctors(id),
        started_at TEXT NOT NULL,
        last_used_at TEXT NOT NULL
     );",
];

pub struct ConsoleStore {
    conn: Mutex<Connection>,
}

/// Who did something: a doctor (by account id), a station (by id), or the console itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Doctor(i64),
    Username(String),
    Station(String),
    Console,
}

impl Actor {
    fn key(&self) -> String {
        match self {
            Actor::Doctor(id) => format!("doctor:{id}"),
            Actor::Username(name) => format!("login:{name}"),
            Actor::Station(id) => format!("station:{id}"),
            Actor::Console => "console".into(),
        }
    }
}

/// One audit line, as the audit test and staff read it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    pub actor: String,
    pub event: String,
    pub call_id: Option<String>,
    pub detail: String,
}

impl ConsoleStore {
    /// Opens (or, with its key, makes) the store at `path`, encrypted with the key in `key_file`.
    pub fn open(path: &Path, key_file: &Path) -> Result<ConsoleStore, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let exists = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        if exists && starts_plain(path)? {
            return Err(StoreError::Plaintext {
                path: path.to_path_buf(),
            });
        }
        let key = StoreKey::load_or_create(key_file, exists)?;
        if !exists {
            create_private(path)?;
        }
        let mut conn = Connection::open(path).map_err(open_err)?;
        key.apply(&conn)?;
        // The first read: where a wrong key shows ("file is not a database").
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|_| StoreError::WrongKey {
                path: path.to_path_buf(),
                key: key_file.to_path_buf(),
            })?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = conn.transaction().map_err(open_err)?;
            tx.execute_batch(sql).map_err(open_err)?;
            tx.pragma_update(None, "user_version", i + 1)
                .map_err(open_err)?;
            tx.commit().map_err(open_err)?;
        }
        Ok(ConsoleStore {
            conn: Mutex::new(conn),
        })
    }

    /// Runs `f` in one transaction; its audit lines commit with it or not at all.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Reads with the connection (no transaction).
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&conn)
    }

    /// The audit, oldest first.
    pub fn audit(&self) -> Result<Vec<AuditLine>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT actor, event, call_id, detail FROM audit ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(AuditLine {
                    actor: r.get(0)?,
                    event: r.get(1)?,
                    call_id: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}

/// Appends an audit line inside the caller's transaction.
pub fn audit(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: &Actor,
    event: &str,
    call_id: Option<&str>,
    detail: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit (at, actor, event, call_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![at.to_rfc3339(), actor.key(), event, call_id, detail],
    )?;
    Ok(())
}

/// True when the file at `path` starts as an unencrypted SQLite database.
fn starts_plain(path: &Path) -> Result<bool, StoreError> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header));
    match read {
        Ok(()) => Ok(&header == PLAIN_HEADER),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(StoreError::Data(format!("{}: {e}", path.display()))),
    }
}

/// Makes the store's file 0600 before SQLite opens it (its WAL and shared-memory files take the
/// same mode), in a folder made if missing.
fn create_private(path: &Path) -> Result<(), StoreError> {
    let fail = |e: std::io::Error| StoreError::Data(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop).map_err(fail)
}

pub fn parse_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Data(format!("bad time {text:?}: {e}")))
}
