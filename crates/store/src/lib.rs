//! The station's store: one SQLite file in the app-data directory.
//!
//! Why these settings: WAL so a reader never blocks the writer; `synchronous = FULL` so a reading
//! that was committed survives a power cut; foreign keys on so no reading can point at a visit
//! that does not exist. Residents are kept by a keyed hash of their ID number (HMAC-SHA256 with a
//! per-station key) plus masked display forms: the plain number is never stored.

mod migrations;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Local};
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::Sha256;
use station_core::resident::IdNumber;
use thiserror::Error;

pub use migrations::SCHEMA_VERSION;

pub const DB_FILE: &str = "station.sqlite3";
const KEY_FILE: &str = "station.key";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("store directory {path} cannot be used: {source}")]
    Directory {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("station key {path} is damaged (expected 32 bytes)")]
    BadKey { path: PathBuf },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database schema version {found} is newer than this program ({supported})")]
    TooNew { found: i64, supported: i64 },
    #[error("the store lock was poisoned by an earlier panic")]
    Poisoned,
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
}

impl VisitEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            VisitEnd::Logout => "logout",
            VisitEnd::CardRemoved => "card_removed",
            VisitEnd::IdleTimeout => "idle_timeout",
            VisitEnd::Shutdown => "shutdown",
        }
    }
}

/// A blood-pressure reading ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct BpRecord {
    pub systolic: u16,
    pub diastolic: u16,
    pub pulse: u16,
    /// Category id (e.g. "grade1") and the guideline it was judged by.
    pub category: String,
    pub isolated_systolic: bool,
    pub guideline: String,
    /// Which device produced it ("simulated", a model name, "manual").
    pub device: String,
    pub taken_at: DateTime<Local>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredBpReading {
    pub id: ReadingId,
    pub visit: VisitId,
    pub record: BpRecord,
}

/// One audit line: who did what, when. `detail` must never hold personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub visit: Option<VisitId>,
    pub detail: String,
}

pub struct Store {
    conn: Mutex<Connection>,
    key: [u8; 32],
    path: PathBuf,
}

impl Store {
    /// Opens (creating when absent) the store in `dir`, applying pending migrations.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Directory {
            path: dir.to_path_buf(),
            source,
        })?;
        let key = load_or_create_key(&dir.join(KEY_FILE))?;
        let path = dir.join(DB_FILE);
        let mut conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            key,
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    /// The keyed hash that stands for an ID number in the store.
    pub fn id_hash(&self, id: &IdNumber) -> Vec<u8> {
        // HMAC accepts keys of any length, so this cannot fail; fall back to an empty MAC otherwise.
        match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(id.expose().as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }

    /// Finds or creates the resident with this ID number; refreshes the masked name.
    pub fn upsert_resident(
        &self,
        id: &IdNumber,
        masked_name: &str,
    ) -> Result<ResidentId, StoreError> {
        let hash = self.id_hash(id);
        let now = now_text();
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO residents (id_hash, masked_id, masked_name, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT(id_hash) DO UPDATE SET masked_name = excluded.masked_name,
                                                last_seen = excluded.last_seen",
            params![hash, id.masked(), masked_name, now],
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

    pub fn start_visit(
        &self,
        resident: ResidentId,
        identified_by: &str,
    ) -> Result<VisitId, StoreError> {
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO visits (resident_id, identified_by, started_at) VALUES (?1, ?2, ?3)",
            params![resident.0, identified_by, now_text()],
        )?;
        Ok(VisitId(conn.last_insert_rowid()))
    }

    pub fn end_visit(&self, visit: VisitId, how: VisitEnd) -> Result<(), StoreError> {
        self.conn()?.execute(
            "UPDATE visits SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
            params![visit.0, now_text(), how.as_str()],
        )?;
        Ok(())
    }

    /// Visits left open by a crash or power cut are closed at the next start.
    pub fn close_dangling_visits(&self) -> Result<usize, StoreError> {
        Ok(self.conn()?.execute(
            "UPDATE visits SET ended_at = ?1, end_reason = 'interrupted' WHERE ended_at IS NULL",
            params![now_text()],
        )?)
    }

    /// Stores a reading; it is durable (committed, fsynced) when this returns.
    pub fn save_bp_reading(
        &self,
        visit: VisitId,
        record: &BpRecord,
    ) -> Result<ReadingId, StoreError> {
        let values = serde_json::json!({
            "systolic": record.systolic,
            "diastolic": record.diastolic,
            "pulse": record.pulse,
            "isolated_systolic": record.isolated_systolic,
        });
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO readings (visit_id, resident_id, kind, taken_at, value_json, category, guideline, device)
             SELECT ?1, resident_id, 'blood_pressure', ?2, ?3, ?4, ?5, ?6 FROM visits WHERE id = ?1",
            params![
                visit.0,
                record.taken_at.to_rfc3339(),
                values.to_string(),
                record.category,
                record.guideline,
                record.device
            ],
        )?;
        if conn.changes() == 0 {
            return Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows));
        }
        Ok(ReadingId(conn.last_insert_rowid()))
    }

    /// A resident's blood-pressure readings, newest first.
    pub fn bp_readings(
        &self,
        resident: ResidentId,
        limit: usize,
    ) -> Result<Vec<StoredBpReading>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, visit_id, taken_at, value_json, category, guideline, device FROM readings
             WHERE resident_id = ?1 AND kind = 'blood_pressure'
             ORDER BY taken_at DESC, id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![resident.0, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, visit, taken_at, json, category, guideline, device) = row?;
            // A row we cannot decode is skipped with a warning, not fatal to the whole history.
            let Some(record) = decode_bp(&taken_at, &json, category, guideline, device) else {
                tracing::warn!(reading = id, "skipping an undecodable blood-pressure row");
                continue;
            };
            out.push(StoredBpReading {
                id: ReadingId(id),
                visit: VisitId(visit),
                record,
            });
        }
        Ok(out)
    }

    pub fn reading_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()?
            .query_row("SELECT COUNT(*) FROM readings", [], |r| r.get(0))?)
    }

    pub fn audit(
        &self,
        actor: &str,
        action: &str,
        visit: Option<VisitId>,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT INTO audit_events (at, actor, action, visit_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now_text(), actor, action, visit.map(|v| v.0), detail],
        )?;
        Ok(())
    }

    pub fn audit_events(&self, limit: usize) -> Result<Vec<AuditEvent>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT at, actor, action, visit_id, detail FROM audit_events ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok(AuditEvent {
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

fn decode_bp(
    taken_at: &str,
    json: &str,
    category: String,
    guideline: String,
    device: String,
) -> Option<BpRecord> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let num = |k: &str| v.get(k)?.as_u64().and_then(|n| u16::try_from(n).ok());
    Some(BpRecord {
        systolic: num("systolic")?,
        diastolic: num("diastolic")?,
        pulse: num("pulse")?,
        isolated_systolic: v.get("isolated_systolic")?.as_bool()?,
        category,
        guideline,
        device,
        taken_at: DateTime::parse_from_rfc3339(taken_at)
            .ok()?
            .with_timezone(&Local),
    })
}

fn now_text() -> String {
    Local::now().to_rfc3339()
}

fn load_or_create_key(path: &Path) -> Result<[u8; 32], StoreError> {
    let dir_err = |source| StoreError::Directory {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read(path) {
        Ok(bytes) => bytes.try_into().map_err(|_| StoreError::BadKey {
            path: path.to_path_buf(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 32];
            getrandom::fill(&mut key).map_err(|e| dir_err(std::io::Error::other(e.to_string())))?;
            write_private(path, &key).map_err(dir_err)?;
            Ok(key)
        }
        Err(e) => Err(dir_err(e)),
    }
}

/// Writes the key readable by the station's user only, via a temp file so a power cut
/// never leaves a half-written key.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests;
