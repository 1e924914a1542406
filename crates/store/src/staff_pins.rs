//! Staff admin PINs (`staff_pins`, schema step 8): the argon2id hash (a PHC string, made by
//! `station-staff`), wrong tries in a row and the end of a lockout, per badge. Each change is
//! written with its audit line in one transaction, as every other change in the store: a
//! counted wrong PIN is never without its record, nor the record without the count.

use chrono::{DateTime, Local};
use rusqlite::{params, OptionalExtension};

use crate::{audit, AuditEvent, Store, StoreError};

/// One holder's PIN as kept. `badge`: the badge's hex UID, or "station" for the station PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinRecord {
    pub badge: String,
    /// argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`); never the PIN.
    pub phc: String,
    /// Wrong PINs in a row since the last right one (or the last lockout).
    pub failures: u32,
    /// Entry refused until then.
    pub locked_until: Option<DateTime<Local>>,
}

impl Store {
    /// The PIN record of `badge`, if one was set.
    pub fn pin_record(&self, badge: &str) -> Result<Option<PinRecord>, StoreError> {
        let row = self
            .conn()?
            .query_row(
                "SELECT phc, failures, locked_until FROM staff_pins WHERE badge = ?1",
                params![badge],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((phc, failures, locked_until)) = row else {
            return Ok(None);
        };
        let locked_until = match locked_until {
            None => None,
            Some(text) => Some(
                DateTime::parse_from_rfc3339(&text)
                    .map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            2,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?
                    .with_timezone(&Local),
            ),
        };
        Ok(Some(PinRecord {
            badge: badge.to_string(),
            phc,
            failures: u32::try_from(failures).unwrap_or(u32::MAX),
            locked_until,
        }))
    }

    /// Keeps a first PIN and its audit line, in one transaction. Never replaces a PIN: returns
    /// `false` (and writes nothing) when `record.badge` already has one.
    pub fn create_pin_record(
        &self,
        record: &PinRecord,
        event: &AuditEvent,
    ) -> Result<bool, StoreError> {
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO staff_pins (badge, phc, failures, locked_until)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                record.badge,
                record.phc,
                record.failures,
                record.locked_until.map(|t| t.to_rfc3339())
            ],
        )?;
        if inserted == 0 {
            return Ok(false);
        }
        audit::write(&tx, &now, None, event)?;
        tx.commit()?;
        Ok(true)
    }

    /// Writes a PIN record's new count and lockout (and PHC string), with its audit line when
    /// there is one, in one transaction.
    pub fn update_pin_record(
        &self,
        record: &PinRecord,
        event: Option<&AuditEvent>,
    ) -> Result<(), StoreError> {
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE staff_pins SET phc = ?2, failures = ?3, locked_until = ?4 WHERE badge = ?1",
            params![
                record.badge,
                record.phc,
                record.failures,
                record.locked_until.map(|t| t.to_rfc3339())
            ],
        )?;
        if let Some(event) = event {
            audit::write(&tx, &now, None, event)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets a PIN (a staff member who left, or a forgotten PIN reset by the installer), with
    /// its audit line. Returns whether there was one.
    pub fn remove_pin_record(&self, badge: &str, event: &AuditEvent) -> Result<bool, StoreError> {
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let removed = tx.execute("DELETE FROM staff_pins WHERE badge = ?1", params![badge])?;
        audit::write(&tx, &now, None, event)?;
        tx.commit()?;
        Ok(removed > 0)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use chrono::TimeZone;
    use station_core::clock::SystemClock;

    use super::*;
    use crate::{KeyStore, StoreOptions};

    fn open(dir: &Path) -> Store {
        let options = StoreOptions::with_keys(dir, KeyStore::in_dir(&dir.join("test-keys")));
        Store::open_with(dir, Arc::new(SystemClock::new()), &options).expect("open")
    }

    fn record() -> PinRecord {
        PinRecord {
            badge: "04A1B2C3".into(),
            phc: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into(),
            failures: 0,
            locked_until: None,
        }
    }

    #[test]
    fn a_pin_record_round_trips_and_each_change_is_audited_with_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = open(dir.path());
        assert_eq!(store.pin_record("04A1B2C3").expect("read"), None);
        let set = AuditEvent::AdminPinSet {
            staff: "04A1B2C3".into(),
        };
        assert!(store.create_pin_record(&record(), &set).expect("create"));
        // A second first PIN never replaces the first.
        let mut other = record();
        other.phc = "$argon2id$other".into();
        assert!(!store.create_pin_record(&other, &set).expect("create"));
        assert_eq!(store.pin_record("04A1B2C3").expect("read"), Some(record()));

        let until = Local
            .with_ymd_and_hms(2026, 11, 23, 9, 5, 0)
            .single()
            .expect("time");
        let mut locked = record();
        locked.failures = 0;
        locked.locked_until = Some(until);
        let event = AuditEvent::AdminLocked {
            staff: "04A1B2C3".into(),
            until: until.to_rfc3339(),
        };
        store
            .update_pin_record(&locked, Some(&event))
            .expect("update");
        assert_eq!(store.pin_record("04A1B2C3").expect("read"), Some(locked));

        let lines = store.audit_events(10).expect("audit");
        let actions: Vec<&str> = lines.iter().map(|l| l.action.as_str()).collect();
        assert_eq!(actions, vec!["admin_locked", "admin_pin_set"]);
        assert_eq!(lines[0].actor, "staff:04A1B2C3");
        assert!(lines[0]
            .detail
            .starts_with("locked until 2026-11-23T09:05:00"));

        assert!(store
            .remove_pin_record("04A1B2C3", &AuditEvent::AdminLeft { staff: "x".into() })
            .expect("remove"));
        assert_eq!(store.pin_record("04A1B2C3").expect("read"), None);
    }

    #[test]
    fn a_pin_change_whose_audit_cannot_be_written_is_not_made() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = open(dir.path());
        let set = AuditEvent::AdminPinSet {
            staff: "04A1B2C3".into(),
        };
        store.create_pin_record(&record(), &set).expect("create");
        store
            .second_connection()
            .expect("conn")
            .execute_batch(
                "CREATE TRIGGER no_audit BEFORE INSERT ON audit_events
                 BEGIN SELECT RAISE(ABORT, 'audit refused'); END;",
            )
            .expect("trigger");
        let mut wrong = record();
        wrong.failures = 1;
        let event = AuditEvent::AdminPinWrong {
            staff: "04A1B2C3".into(),
            failures: 1,
        };
        assert!(store.update_pin_record(&wrong, Some(&event)).is_err());
        assert_eq!(
            store
                .pin_record("04A1B2C3")
                .expect("read")
                .map(|r| r.failures),
            Some(0)
        );
    }

    #[test]
    fn admin_events_name_their_actor_and_never_a_value() {
        let e = AuditEvent::SettingChanged {
            staff: "04A1B2C3".into(),
            key: "voice.volume".into(),
        };
        assert_eq!(
            (e.actor(), e.action()),
            (crate::Actor::Staff("04A1B2C3".into()), "setting_changed")
        );
        let resident = AuditEvent::FaultReported {
            staff: None,
            device: "printer".into(),
        };
        assert_eq!(resident.actor(), crate::Actor::Resident);
    }
}
