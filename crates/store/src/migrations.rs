//! Schema migrations, applied in order inside one transaction each; `PRAGMA user_version`
//! records how far a database has come. Never edit a shipped step: add a new one.

use rusqlite::Connection;

use crate::StoreError;

pub(crate) const STEPS: &[&str] = &[
    // 1: residents, visits, readings, audit events.
    "CREATE TABLE residents (
        id          INTEGER PRIMARY KEY,
        id_hash     BLOB NOT NULL UNIQUE,
        masked_id   TEXT NOT NULL,
        masked_name TEXT NOT NULL,
        first_seen  TEXT NOT NULL,
        last_seen   TEXT NOT NULL
    );
    CREATE TABLE visits (
        id            INTEGER PRIMARY KEY,
        resident_id   INTEGER NOT NULL REFERENCES residents(id),
        identified_by TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        ended_at      TEXT,
        end_reason    TEXT
    );
    CREATE TABLE readings (
        id          INTEGER PRIMARY KEY,
        visit_id    INTEGER NOT NULL REFERENCES visits(id),
        resident_id INTEGER NOT NULL REFERENCES residents(id),
        kind        TEXT NOT NULL,
        taken_at    TEXT NOT NULL,
        value_json  TEXT NOT NULL,
        category    TEXT NOT NULL,
        guideline   TEXT NOT NULL,
        device      TEXT NOT NULL
    );
    CREATE INDEX readings_by_resident ON readings (resident_id, kind, taken_at);
    CREATE TABLE audit_events (
        id       INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        actor    TEXT NOT NULL,
        action   TEXT NOT NULL,
        visit_id INTEGER REFERENCES visits(id),
        detail   TEXT NOT NULL
    );",
    // 2: abnormal values queued for the family doctor; looking up a visit's readings.
    "CREATE TABLE alerts (
        id         INTEGER PRIMARY KEY,
        visit_id   INTEGER NOT NULL REFERENCES visits(id),
        reading_id INTEGER NOT NULL REFERENCES readings(id),
        kind       TEXT NOT NULL,
        reason     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at    TEXT
    );
    CREATE INDEX alerts_unsent ON alerts (sent_at, id);
    CREATE INDEX readings_by_visit ON readings (visit_id, taken_at);",
    // 3: questionnaire results (answers and judgment), kept like readings.
    "CREATE TABLE questionnaires (
        id          INTEGER PRIMARY KEY,
        visit_id    INTEGER NOT NULL REFERENCES visits(id),
        resident_id INTEGER NOT NULL REFERENCES residents(id),
        method      TEXT NOT NULL,
        taken_at    TEXT NOT NULL,
        answers     TEXT NOT NULL,
        result_json TEXT NOT NULL
    );
    CREATE INDEX questionnaires_by_visit ON questionnaires (visit_id);",
    // 4: who typed a staff-assisted manual reading (NULL: measured by a device).
    "ALTER TABLE readings ADD COLUMN entered_by TEXT;",
    // 5: the fewest ID characters: the last 4 only ("3301**********1234" → "**************1234";
    // health-code tokens alike). Nothing reads more: screens and the report take the masked
    // form from the card of the visit in progress (README, "What is kept of an ID number").
    "UPDATE residents
        SET masked_id = replace(hex(zeroblob(length(masked_id) - 4)), '00', '*') || substr(masked_id, -4)
      WHERE length(masked_id) > 4;",
    // 6: delivered upstream (set by the platform link): retention purges only delivered rows.
    "ALTER TABLE readings ADD COLUMN delivered_at TEXT;
     ALTER TABLE questionnaires ADD COLUMN delivered_at TEXT;",
    // 7: key material that cannot be derived from the station key: the HMAC key of a store
    // written before encryption (its residents' hashes depend on it). Inside the encrypted file.
    // (IF NOT EXISTS: the encryption of an old store creates it, with its key, in one step.)
    "CREATE TABLE IF NOT EXISTS station_secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );",
    // 8: staff PINs for admin mode (station-staff): one argon2id PHC string per badge (or the
    // station PIN), wrong tries in a row, and the end of a lockout. Inside the encrypted file.
    "CREATE TABLE staff_pins (
        badge        TEXT PRIMARY KEY,
        phc          TEXT NOT NULL,
        failures     INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT
    );",
    // 9: fault reports (Wenzhou 7.2.3 work orders), kept until the platform link delivers them.
    // Device and problem are keys ("printer", "not_working"); a resident's report has the
    // screen and the message they saw instead of a problem. No one's name or ID: the reporter is
    // a staff badge or "resident".
    "CREATE TABLE fault_reports (
        id           INTEGER PRIMARY KEY,
        reported_at  TEXT NOT NULL,
        reporter     TEXT NOT NULL,
        device       TEXT,
        problem      TEXT,
        screen       TEXT,
        notice       TEXT,
        photo        BLOB,
        delivered_at TEXT
    );",
];

pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

pub(crate) fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in STEPS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
