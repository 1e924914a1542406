//! The station's store: one SQLite file in the app-data directory.
//!
//! Why these settings: WAL so a reader never blocks the writer; `synchronous = FULL` so a reading
//! that was committed survives a power cut; foreign keys on so no reading can point at a visit
//! that does not exist. Residents are kept by a keyed hash of their ID number (HMAC-SHA256 with a
//! per-station key) plus masked display forms: the plain number is never stored.

mod audit;
mod migrations;

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

pub use audit::{Actor, AuditEvent, AuditRecord};
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
    #[error("a reading could not be encoded: {0}")]
    Encode(serde_json::Error),
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
    key: [u8; 32],
    path: PathBuf,
    /// Every stamp the store writes comes from here (the runtime's clock).
    clock: Arc<dyn Clock>,
}

impl Store {
    /// Opens (creating when absent) the store in `dir`, applying pending migrations; stamps
    /// come from the system clock.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_clock(dir, Arc::new(SystemClock::new()))
    }

    /// [`Store::open`] with the station's clock as the source of every stamp.
    pub fn open_with_clock(dir: &Path, clock: Arc<dyn Clock>) -> Result<Store, StoreError> {
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
            clock,
        })
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
        match Hmac::<Sha256>::new_from_slice(&self.key) {
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
        self.upsert_resident_by_hash(&self.id_hash(id), &id.masked(), masked_name)
    }

    /// Finds or creates the resident known only by an unverified health code.
    pub fn upsert_health_code_resident(
        &self,
        token: &str,
        masked_token: &str,
    ) -> Result<ResidentId, StoreError> {
        self.upsert_resident_by_hash(&self.health_code_hash(token), masked_token, "")
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
