//! Stations known to the console. Each has a key the console issued (printed once, kept only as
//! its SHA-256) and the doctor group its residents call. A kiosk proves itself with its id and
//! key in its first message; an unknown station or a wrong key is refused.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use thiserror::Error;

use crate::secret;
use crate::store::{audit, Actor, ConsoleStore, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub id: String,
    pub name: String,
    pub group: String,
}

#[derive(Debug, Error)]
pub enum StationError {
    #[error("unknown station or wrong key")]
    Unknown,
    #[error("a station id is 1 to 64 letters, digits, '.', '_' or '-', and its name and group are not empty")]
    BadStation,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Issues (or re-issues, replacing the old one) the key of station `id`; returns the key, which
/// is shown once and never kept.
pub fn issue_key(
    store: &ConsoleStore,
    id: &str,
    name: &str,
    group: &str,
    now: DateTime<Utc>,
) -> Result<String, StationError> {
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !id_ok || name.trim().is_empty() || group.trim().is_empty() {
        return Err(StationError::BadStation);
    }
    let key = secret::random_hex().map_err(|e| StoreError::Data(e.to_string()))?;
    let digest = secret::digest(&key);
    store.write(|tx| {
        tx.execute(
            "INSERT INTO stations (id, name, doctor_group, key_digest, issued_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET name = ?2, doctor_group = ?3, key_digest = ?4, issued_at = ?5",
            params![id, name.trim(), group.trim(), digest, now.to_rfc3339()],
        )?;
        audit(tx, now, &Actor::Console, "station_key_issued", None, id)
    })?;
    Ok(key)
}

/// The station whose id and key these are.
pub fn authenticate(store: &ConsoleStore, id: &str, key: &str) -> Result<Station, StationError> {
    let row = store.read(|c| {
        Ok(c.query_row(
            "SELECT name, doctor_group, key_digest FROM stations WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            },
        )
        .optional()?)
    })?;
    match row {
        Some((name, group, digest)) if secret::same_digest(key, &digest) => Ok(Station {
            id: id.to_string(),
            name,
            group,
        }),
        _ => Err(StationError::Unknown),
    }
}
