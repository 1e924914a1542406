//! Counts for staff ("today and this week" in admin mode): how many visits, measurements,
//! printed reports and faults since a moment. Counts only: nothing here names anyone.

use chrono::{DateTime, Local};
use rusqlite::params;
use station_protocol::{MeasureKind, StationCounts};

use crate::{Store, StoreError};

/// The audit actions that are faults staff should look at.
const FAULTS: &[&str] = &[
    "print_failed",
    "device_fault",
    "device_timeout",
    "card_reader_fault",
    "camera_unavailable",
    "backup_failed",
    "store_restored",
    "fault_reported",
];

impl Store {
    /// What happened at the station from `since` on.
    pub fn counts_since(&self, since: DateTime<Local>) -> Result<StationCounts, StoreError> {
        let since = since.to_rfc3339();
        let conn = self.conn()?;
        let count = |sql: &str| -> Result<u32, StoreError> {
            let n: i64 = conn.query_row(sql, params![since], |r| r.get(0))?;
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        };
        let visits = count("SELECT COUNT(*) FROM visits WHERE started_at >= ?1")?;
        let reports_printed = count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'report_printed' AND at >= ?1",
        )?;
        let faults = count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE at >= ?1 AND action IN ({})",
            FAULTS
                .iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
        let mut readings = Vec::new();
        let mut stmt = conn.prepare_cached(
            "SELECT kind, COUNT(*) FROM readings WHERE taken_at >= ?1 GROUP BY kind",
        )?;
        let rows = stmt.query_map(params![since], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (kind, n) = row?;
            if let Some(kind) = MeasureKind::from_key(&kind) {
                readings.push((kind, u32::try_from(n).unwrap_or(u32::MAX)));
            }
        }
        readings.sort();
        Ok(StationCounts {
            visits,
            readings,
            reports_printed,
            faults,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use station_core::reading::Reading;
    use station_core::resident::IdNumber;
    use station_protocol::IdentifyMethod;

    use crate::{AuditEvent, ReadingRecord, Store};

    use super::*;

    #[test]
    fn counts_since_a_moment_and_nothing_before_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let id = IdNumber::parse("11010519491231002X").expect("id");
        let r = store.upsert_resident(&id, "张*华").expect("resident");
        let v = store
            .start_visit(r, IdentifyMethod::InsuranceCard)
            .expect("visit");
        let at = |h| {
            Local
                .with_ymd_and_hms(2026, 11, 23, h, 0, 0)
                .single()
                .expect("time")
        };
        for (hour, reading) in [
            (8, Reading::Temperature { celsius: 36.6 }),
            (10, Reading::Temperature { celsius: 36.7 }),
            (
                11,
                Reading::Spo2 {
                    percent: 97.0,
                    pulse: 70,
                },
            ),
        ] {
            let record = ReadingRecord {
                reading,
                category: "c".into(),
                guideline: "g".into(),
                device: "d".into(),
                entered_by: None,
                taken_at: at(hour),
            };
            store.save_reading(v, &record, false).expect("save");
        }
        store
            .record(Some(v), AuditEvent::ReportPrinted)
            .expect("printed");
        store
            .record(
                None,
                AuditEvent::PrintFailed {
                    reason: "no paper".into(),
                },
            )
            .expect("fault");
        let c = store.counts_since(at(9)).expect("counts");
        assert_eq!(
            c.readings,
            vec![(MeasureKind::Temperature, 1), (MeasureKind::Spo2, 1)]
        );
        // The visit, printing and fault were stamped now (after 09:00 of that day).
        assert_eq!((c.visits, c.reports_printed, c.faults), (1, 1, 1));
        let later = store
            .counts_since(Local::now() + Duration::days(1))
            .expect("counts");
        assert_eq!(later, StationCounts::default());
    }
}
