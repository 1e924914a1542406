//! Readings: saved with their audit and alert in one transaction, read back by resident or visit.

use chrono::{DateTime, Local};
use rusqlite::params;
use station_core::reading::Reading;
use station_protocol::MeasureKind;

use crate::{
    audit, AuditEvent, QueuedAlert, ReadingId, ReadingRecord, ResidentId, Store, StoreError,
    StoredReading, VisitId,
};

impl Store {
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
