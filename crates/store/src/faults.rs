//! Fault reports (Wenzhou 7.2.3): what staff or a resident said is broken, kept with its audit
//! line in one transaction and marked for upload (`delivered_at` stays empty until the platform
//! link sends it).

use chrono::{DateTime, Local};
use rusqlite::{params, OptionalExtension};

use crate::{audit, AuditEvent, Store, StoreError};

/// A fault report as filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRecord {
    /// The staff badge (hex UID, or "station" for the station PIN) of a report filed in admin
    /// mode; `None` when a resident pressed "报告故障".
    pub staff: Option<String>,
    /// The device class key ("printer", "instrument:blood_pressure"); `None`: the station as a
    /// whole.
    pub device: Option<String>,
    /// The problem key staff chose ("not_working").
    pub problem: Option<String>,
    /// The screen and the message a resident saw.
    pub screen: Option<String>,
    pub notice: Option<String>,
    /// A JPEG staff took of the fault (kept encrypted with the rest; uploaded with the report).
    pub photo: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredFault {
    pub id: i64,
    pub reported_at: DateTime<Local>,
    pub record: FaultRecord,
    /// Sent to the platform.
    pub delivered: bool,
    /// A photo is kept with it ([`Store::fault_photo`]); `record.photo` is left empty in lists.
    pub has_photo: bool,
}

const RESIDENT: &str = "resident";

impl Store {
    /// Files a fault report and its audit line in one transaction; durable when this returns.
    pub fn report_fault(&self, record: &FaultRecord) -> Result<i64, StoreError> {
        let now = self.now_text();
        let reporter = match &record.staff {
            Some(badge) => format!("staff:{badge}"),
            None => RESIDENT.to_string(),
        };
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO fault_reports
                (reported_at, reporter, device, problem, screen, notice, photo)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                now,
                reporter,
                record.device,
                record.problem,
                record.screen,
                record.notice,
                record.photo
            ],
        )?;
        let id = tx.last_insert_rowid();
        let filed = AuditEvent::FaultReported {
            staff: record.staff.clone(),
            device: record.device.clone().unwrap_or_else(|| "station".into()),
        };
        audit::write(&tx, &now, None, &filed)?;
        tx.commit()?;
        Ok(id)
    }

    /// The latest `limit` fault reports, newest first (rows with an unreadable time skipped).
    pub fn fault_reports(&self, limit: usize) -> Result<Vec<StoredFault>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, reported_at, reporter, device, problem, screen, notice, delivered_at,
                    photo IS NOT NULL
             FROM fault_reports ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                FaultRecord {
                    staff: None,
                    device: r.get(3)?,
                    problem: r.get(4)?,
                    screen: r.get(5)?,
                    notice: r.get(6)?,
                    photo: None,
                },
                r.get::<_, Option<String>>(7)?,
                r.get::<_, bool>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, reporter, mut record, delivered_at, has_photo) = row?;
            let Ok(at) = DateTime::parse_from_rfc3339(&at) else {
                tracing::warn!(id, "fault report with an unreadable time skipped");
                continue;
            };
            record.staff = reporter.strip_prefix("staff:").map(str::to_string);
            out.push(StoredFault {
                id,
                reported_at: at.with_timezone(&Local),
                record,
                delivered: delivered_at.is_some(),
                has_photo,
            });
        }
        Ok(out)
    }

    /// The photo filed with report `id`, if it has one.
    pub fn fault_photo(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let conn = self.conn()?;
        let photo = conn
            .query_row(
                "SELECT photo FROM fault_reports WHERE id = ?1",
                params![id],
                |r| r.get::<_, Option<Vec<u8>>>(0),
            )
            .optional()?;
        Ok(photo.flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_temp() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::tests::open(dir.path()).expect("open");
        (dir, store)
    }

    #[test]
    fn a_report_is_kept_with_its_audit_line_and_waits_for_upload() {
        let (_dir, store) = open_temp();
        let staff = FaultRecord {
            staff: Some("04A1B2C3".into()),
            device: Some("printer".into()),
            problem: Some("needs_supplies".into()),
            screen: None,
            notice: None,
            photo: Some(vec![0xFF, 0xD8, 1, 2, 3]),
        };
        let resident = FaultRecord {
            staff: None,
            device: Some("instrument:blood_pressure".into()),
            problem: None,
            screen: Some("measure".into()),
            notice: Some("device_no_response".into()),
            photo: None,
        };
        let staff_id = store.report_fault(&staff).expect("staff report");
        let resident_id = store.report_fault(&resident).expect("resident report");
        let kept = store.fault_reports(10).expect("reports");
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].record, resident, "newest first");
        assert!(!kept[0].has_photo);
        // Lists leave the photo out; it is read on its own.
        assert_eq!(
            kept[1].record,
            FaultRecord {
                photo: None,
                ..staff.clone()
            }
        );
        assert!(kept[1].has_photo);
        assert_eq!(store.fault_photo(staff_id).expect("photo"), staff.photo);
        assert_eq!(store.fault_photo(resident_id).expect("photo"), None);
        assert!(
            kept.iter().all(|f| !f.delivered),
            "nothing is delivered yet"
        );
        let audit: Vec<_> = store
            .audit_events(10)
            .expect("audit")
            .into_iter()
            .filter(|e| e.action == "fault_reported")
            .map(|e| (e.actor, e.detail))
            .collect();
        assert_eq!(
            audit,
            [
                (
                    "resident".to_string(),
                    "instrument:blood_pressure".to_string()
                ),
                ("staff:04A1B2C3".to_string(), "printer".to_string()),
            ]
        );
    }

    #[test]
    fn a_report_whose_audit_line_fails_is_not_kept() {
        let (_dir, store) = open_temp();
        let conn = store.second_connection().expect("second connection");
        conn.execute_batch(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END;",
        )
        .expect("trigger");
        let record = FaultRecord {
            staff: None,
            device: None,
            problem: None,
            screen: Some("home".into()),
            notice: Some("save_failed".into()),
            photo: None,
        };
        assert!(store.report_fault(&record).is_err());
        assert!(store.fault_reports(10).expect("reports").is_empty());
    }
}
