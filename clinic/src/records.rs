//! What the console keeps of each call: one consultation row (queued, accepted, ended, notes) and
//! its prescriptions, each change with its audit line in the same transaction.

use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::messages::{EndReason, PrescriptionItem};
use crate::queue::Call;
use crate::store::{audit, Actor, ConsoleStore, StoreError};

pub fn queued(store: &ConsoleStore, call: &Call, now: DateTime<Utc>) -> Result<(), StoreError> {
    store.write(|tx| {
        tx.execute(
            "INSERT INTO consultations (call_id, station_id, resident, queued_at) VALUES (?1, ?2, ?3, ?4)",
            params![call.id, call.station_id, call.resident, now.to_rfc3339()],
        )?;
        audit(
            tx,
            now,
            &Actor::Station(call.station_id.clone()),
            "call_queued",
            Some(&call.id),
            &call.group,
        )
    })
}

pub fn accepted(
    store: &ConsoleStore,
    call: &str,
    doctor: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store.write(|tx| {
        tx.execute(
            "UPDATE consultations SET doctor_id = ?2, accepted_at = ?3 WHERE call_id = ?1",
            params![call, doctor, now.to_rfc3339()],
        )?;
        audit(
            tx,
            now,
            &Actor::Doctor(doctor),
            "call_accepted",
            Some(call),
            "",
        )
    })
}

pub fn declined(
    store: &ConsoleStore,
    call: &str,
    doctor: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store.write(|tx| {
        audit(
            tx,
            now,
            &Actor::Doctor(doctor),
            "call_declined",
            Some(call),
            "",
        )
    })
}

/// The doctor's connection dropped during the call: it waits again.
pub fn requeued(store: &ConsoleStore, call: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    store.write(|tx| {
        tx.execute(
            "UPDATE consultations SET doctor_id = NULL, accepted_at = NULL WHERE call_id = ?1",
            [call],
        )?;
        audit(
            tx,
            now,
            &Actor::Console,
            "doctor_dropped",
            Some(call),
            "requeued",
        )
    })
}

pub fn ended(
    store: &ConsoleStore,
    call: &str,
    actor: &Actor,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let reason = serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    store.write(|tx| {
        tx.execute(
            "UPDATE consultations SET ended_at = ?2, end_reason = ?3 WHERE call_id = ?1",
            params![call, now.to_rfc3339(), reason],
        )?;
        audit(tx, now, actor, "call_ended", Some(call), &reason)
    })
}

pub fn notes(
    store: &ConsoleStore,
    call: &str,
    doctor: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store.write(|tx| {
        tx.execute(
            "UPDATE consultations SET notes = ?2 WHERE call_id = ?1",
            params![call, text],
        )?;
        audit(
            tx,
            now,
            &Actor::Doctor(doctor),
            "notes_saved",
            Some(call),
            &format!("{} characters", text.chars().count()),
        )
    })
}

pub fn prescription(
    store: &ConsoleStore,
    call: &str,
    doctor: i64,
    items: &[PrescriptionItem],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(items).map_err(|e| StoreError::Data(e.to_string()))?;
    store.write(|tx| {
        tx.execute(
            "INSERT INTO prescriptions (call_id, doctor_id, at, items) VALUES (?1, ?2, ?3, ?4)",
            params![call, doctor, now.to_rfc3339(), json],
        )?;
        audit(
            tx,
            now,
            &Actor::Doctor(doctor),
            "prescription_sent",
            Some(call),
            &format!("{} items", items.len()),
        )
    })
}

/// What is on record of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    pub notes: String,
    pub end_reason: Option<String>,
    /// Each prescription sent, in order.
    pub prescriptions: Vec<Vec<PrescriptionItem>>,
}

/// The saved notes and prescriptions of a call (for tests and staff).
pub fn consultation(store: &ConsoleStore, call: &str) -> Result<Consultation, StoreError> {
    store.read(|c| {
        let (notes, end_reason) = c.query_row(
            "SELECT notes, end_reason FROM consultations WHERE call_id = ?1",
            [call],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
        )?;
        let mut stmt =
            c.prepare("SELECT items FROM prescriptions WHERE call_id = ?1 ORDER BY id")?;
        let prescriptions = stmt
            .query_map([call], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(|json| serde_json::from_str(&json).map_err(|e| StoreError::Data(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Consultation {
            notes,
            end_reason,
            prescriptions,
        })
    })
}
