use super::*;
use chrono::TimeZone;
use station_core::clock::SystemClock;
use station_protocol::{IdentifyMethod, MeasureKind};

mod at_rest;

/// Each test station has its own key store, in its temporary directory: tests never share a
/// key with each other or with the developer's own station (`Store::open` itself is tested in
/// `at_rest`).
fn options(dir: &Path) -> StoreOptions {
    StoreOptions::with_keys(dir, KeyStore::in_dir(&dir.join("test-keys")))
}

pub(crate) fn open(dir: &Path) -> Result<Store, StoreError> {
    Store::open_with(dir, Arc::new(SystemClock::new()), &options(dir))
}

fn resident_id() -> IdNumber {
    IdNumber::parse("11010519491231002X").expect("valid id")
}

fn sample(s: u16, d: u16) -> ReadingRecord {
    record(Reading::BloodPressure {
        systolic: s,
        diastolic: d,
        pulse: 72,
        irregular_pulse: false,
        body_movement: false,
        cuff_loose: false,
    })
}

fn record(reading: Reading) -> ReadingRecord {
    ReadingRecord {
        reading,
        category: "bp-category-normal".into(),
        guideline: "g".into(),
        device: "simulated".into(),
        entered_by: None,
        taken_at: Local
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .expect("time"),
    }
}

#[test]
fn opens_with_wal_foreign_keys_and_current_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let conn = store.conn().expect("conn");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(mode, "wal");
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(fk, 1);
    drop(conn);
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
}

#[test]
fn the_plain_id_number_is_never_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    store
        .upsert_resident(&resident_id(), "张*华")
        .expect("upsert");
    drop(store);
    let bytes = std::fs::read(dir.path().join(DB_FILE)).expect("db");
    let wal = std::fs::read(dir.path().join("station.sqlite3-wal")).unwrap_or_default();
    for b in [bytes, wal] {
        assert!(!b.windows(18).any(|w| w == b"11010519491231002X"));
    }
}

#[test]
fn the_same_id_is_the_same_resident_and_keys_differ_per_station() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let a = store.upsert_resident(&resident_id(), "张*华").expect("a");
    let b = store.upsert_resident(&resident_id(), "张*华").expect("b");
    assert_eq!(a, b);
    assert_eq!(store.resident_count().expect("count"), 1);
    let other = tempfile::tempdir().expect("tempdir");
    let store2 = open(other.path()).expect("open");
    assert_ne!(
        store.id_hash(&resident_id()),
        store2.id_hash(&resident_id())
    );
    // The key survives a reopen, so residents are recognised across restarts.
    let h = store.id_hash(&resident_id());
    drop(store);
    let again = open(dir.path()).expect("reopen");
    assert_eq!(again.id_hash(&resident_id()), h);
}

#[test]
fn readings_round_trip_newest_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("visit");
    let mut older = sample(120, 80);
    older.taken_at -= chrono::Duration::days(1);
    store.save_reading(v, &older, false).expect("save");
    store
        .save_reading(v, &sample(150, 85), false)
        .expect("save");
    let temp = record(Reading::Temperature { celsius: 36.8 });
    store.save_reading(v, &temp, false).expect("save");
    let got = store
        .readings(r, Some(MeasureKind::BloodPressure), 10)
        .expect("list");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].record, sample(150, 85));
    assert_eq!(got[1].record, older);
    assert_eq!(store.readings(r, None, 10).expect("all").len(), 3);
    let of_visit = store.visit_readings(v).expect("visit");
    assert_eq!(of_visit.first().map(|s| &s.record), Some(&older));
    assert_eq!(of_visit.len(), 3);
}

#[test]
fn a_manual_reading_keeps_who_typed_it_and_is_audited_with_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("visit");
    store
        .save_reading(v, &sample(120, 80), false)
        .expect("device reading");
    let manual = ReadingRecord {
        device: "manual".into(),
        entered_by: Some("04A1B2C3".into()),
        ..sample(135, 85)
    };
    let id = store
        .save_reading(v, &manual, false)
        .expect("manual reading");
    let got = store.visit_readings(v).expect("visit");
    assert_eq!(got[0].record.entered_by, None);
    assert_eq!(got[1].record, manual);
    let audit = store.audit_events(10).expect("audit");
    let typed: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "manual_reading")
        .collect();
    assert_eq!(typed.len(), 1, "one audit row, for the manual reading only");
    assert_eq!(typed[0].actor, "staff:04A1B2C3");
    assert_eq!(typed[0].visit, Some(v));
    assert_eq!(typed[0].detail, format!("reading {} blood_pressure", id.0));
    // A reading for a visit that does not exist writes neither row.
    assert!(store
        .save_reading(crate::VisitId(v.0 + 99), &manual, false)
        .is_err());
    assert_eq!(
        store
            .audit_events(10)
            .expect("audit")
            .iter()
            .filter(|e| e.action == "manual_reading")
            .count(),
        1
    );
}

#[test]
fn every_kind_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("visit");
    let readings = [
        Reading::Body {
            weight_kg: 65.35,
            height_cm: 168.2,
        },
        Reading::Temperature { celsius: 37.9 },
        Reading::Glucose {
            mmol_per_l: 6.4,
            timing: station_protocol::GlucoseTiming::TwoHour,
        },
        Reading::Spo2 {
            percent: 93.0,
            pulse: 88,
        },
    ];
    for reading in readings {
        store
            .save_reading(v, &record(reading), false)
            .expect("save");
        let back = store.readings(r, Some(reading.kind()), 1).expect("list");
        assert_eq!(back[0].record.reading, reading);
    }
}

#[test]
fn urgent_readings_queue_an_alert_with_the_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("visit");
    store
        .save_reading(v, &sample(130, 80), false)
        .expect("calm");
    let mut high = sample(185, 112);
    high.category = "bp-category-grade3".into();
    let id = store.save_reading(v, &high, true).expect("urgent");
    let alerts = store.queued_alerts(10).expect("alerts");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].reading, id);
    assert_eq!(alerts[0].visit, v);
    assert_eq!(alerts[0].kind, "blood_pressure");
    assert_eq!(alerts[0].reason, "bp-category-grade3");
    // Durable: still queued after a reopen.
    drop(store);
    let store = open(dir.path()).expect("reopen");
    assert_eq!(store.queued_alerts(10).expect("alerts").len(), 1);
}

#[test]
fn past_visits_list_newest_first_with_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let old = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("old");
    let mut a = sample(120, 80);
    a.taken_at -= chrono::Duration::days(30);
    store.save_reading(old, &a, false).expect("save");
    store.save_reading(old, &a, false).expect("save");
    let _empty = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("empty");
    let new = store.start_visit(r, IdentifyMethod::IdCard).expect("new");
    store
        .save_reading(new, &sample(125, 80), false)
        .expect("save");
    let past = store.past_visits(r, 10).expect("past");
    assert_eq!(
        past.iter()
            .map(|p| (p.visit, p.readings))
            .collect::<Vec<_>>(),
        vec![(new, 1), (old, 2)]
    );
    assert_eq!(store.visit_resident(new).expect("who"), Some(r));
}

#[test]
fn an_undecodable_row_is_skipped_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("visit");
    store
        .save_reading(v, &sample(120, 80), false)
        .expect("save");
    store
        .conn()
        .expect("conn")
        .execute(
            "INSERT INTO readings (visit_id, resident_id, kind, taken_at, value_json, category, guideline, device)
             VALUES (?1, ?2, 'blood_pressure', 'not a time', '{\"systolic\":1}', 'x', 'g', 'd')",
            params![v.0, r.0],
        )
        .expect("junk row");
    assert_eq!(store.readings(r, None, 10).expect("list").len(), 1);
}

#[test]
fn a_reading_needs_a_real_visit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    assert!(store
        .save_reading(VisitId(999), &sample(120, 80), true)
        .is_err());
    assert_eq!(store.reading_count().expect("count"), 0);
}

#[test]
fn visits_end_once_and_dangling_ones_close_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v1 = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("v1");
    store.end_visit(v1, VisitEnd::IdleTimeout).expect("end");
    store.end_visit(v1, VisitEnd::Logout).expect("end again");
    assert_eq!(
        store.visit_end_reason(v1).expect("reason").as_deref(),
        Some("idle_timeout")
    );
    let v2 = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("v2");
    drop(store);
    let store = open(dir.path()).expect("reopen");
    assert_eq!(store.close_dangling_visits().expect("close"), 1);
    assert_eq!(
        store.visit_end_reason(v2).expect("reason").as_deref(),
        Some("interrupted")
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let conn = store.second_connection().expect("conn");
    conn.pragma_update(None, "user_version", 99).expect("bump");
    drop(conn);
    drop(store);
    assert!(matches!(
        open(dir.path()),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[test]
fn a_damaged_key_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(LEGACY_KEY_FILE), b"short").expect("write");
    assert!(matches!(open(dir.path()), Err(StoreError::BadKey { .. })));
}

#[test]
fn audit_events_are_kept_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    store.record(None, AuditEvent::StationStarted).expect("a");
    store
        .record(
            None,
            AuditEvent::PrintFailed {
                reason: "no paper".into(),
            },
        )
        .expect("b");
    let ev = store.audit_events(10).expect("list");
    assert_eq!(
        (
            ev[0].actor.as_str(),
            ev[0].action.as_str(),
            ev[0].detail.as_str()
        ),
        ("station", "print_failed", "no paper")
    );
    assert_eq!(ev[1].action, "start");
}

/// A trigger that makes every insert into `table` fail, as a full disk or a broken page would.
fn refuse_inserts(store: &Store, table: &str) {
    store
        .conn()
        .expect("conn")
        .execute_batch(&format!(
            "CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table}
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
        ))
        .expect("trigger");
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .expect("conn")
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

#[test]
fn each_change_is_audited_in_its_own_transaction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store.start_visit(r, IdentifyMethod::IdCard).expect("visit");
    store.save_reading(v, &sample(185, 95), true).expect("save");
    store.end_visit(v, VisitEnd::Logout).expect("end");
    store
        .end_visit(v, VisitEnd::IdleTimeout)
        .expect("end again");
    let lines: Vec<(String, String, String)> = store
        .audit_events(10)
        .expect("audit")
        .into_iter()
        .rev()
        .map(|e| (e.actor, e.action, e.detail))
        .collect();
    let want = [
        ("resident", "identified", "id_card"),
        ("resident", "reading_saved", "blood_pressure"),
        ("resident", "alert_queued", "blood_pressure"),
        ("resident", "visit_ended", "logout"),
    ];
    let got: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn a_change_whose_audit_cannot_be_written_is_not_made() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("visit");
    refuse_inserts(&store, "audit_events");
    assert!(store.start_visit(r, IdentifyMethod::InsuranceCard).is_err());
    assert_eq!(
        count(&store, "visits"),
        1,
        "no visit without its audit line"
    );
    assert!(store.save_reading(v, &sample(120, 80), false).is_err());
    assert_eq!(
        count(&store, "readings"),
        0,
        "no reading without its audit line"
    );
    assert!(store.end_visit(v, VisitEnd::Logout).is_err());
    assert_eq!(store.visit_end_reason(v).expect("reason"), None);
    assert!(store.record(None, AuditEvent::StationStarted).is_err());
}

#[test]
fn a_reading_whose_alert_cannot_be_queued_is_not_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("visit");
    refuse_inserts(&store, "alerts");
    assert!(store.save_reading(v, &sample(190, 100), true).is_err());
    assert_eq!(
        count(&store, "readings"),
        0,
        "reading and alert go together"
    );
    // A reading that needs no alert is unaffected.
    store
        .save_reading(v, &sample(120, 80), false)
        .expect("save");
    assert_eq!(count(&store, "readings"), 1);
}

#[test]
fn every_write_is_fsynced_before_it_returns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let sync: i64 = store
        .conn()
        .expect("conn")
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(sync, 2, "synchronous = FULL");
}

#[test]
fn stamps_come_from_the_stores_clock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(station_core::clock::ManualClock::new(
        chrono::NaiveTime::from_hms_opt(7, 15, 0).expect("time"),
    ));
    let store = Store::open_with(dir.path(), clock, &options(dir.path())).expect("open");
    store.record(None, AuditEvent::StationStarted).expect("a");
    let at = &store.audit_events(1).expect("audit")[0].at;
    assert!(at.starts_with("2026-11-23T07:15:00"), "{at}");
}

#[test]
fn questionnaires_round_trip_per_visit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store
        .start_visit(r, IdentifyMethod::InsuranceCard)
        .expect("visit");
    let record = QuestionnaireRecord {
        method: "nbphs-elderly-33".into(),
        answers: vec![3; 33],
        primary: vec!["qixu".into()],
        tendencies: vec!["yangxu".into(), "tanshi".into()],
        needs_review: false,
        taken_at: "2026-11-23T10:00:00+08:00".into(),
    };
    store.save_questionnaire(v, &record).expect("save");
    assert_eq!(
        store.visit_questionnaires(v).expect("list"),
        vec![record.clone()]
    );
    assert!(store.save_questionnaire(VisitId(999), &record).is_err());
}

#[test]
fn a_health_code_resident_is_kept_by_a_keyed_hash_of_the_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path()).expect("open");
    let token = "4243669509084040896099330000";
    let a = store
        .upsert_health_code_resident(token, "424*********************0000")
        .expect("a");
    let b = store
        .upsert_health_code_resident(token, "424*********************0000")
        .expect("b");
    assert_eq!(a, b);
    let person = store
        .upsert_resident(&resident_id(), "张*华")
        .expect("person");
    assert_ne!(a, person);
    drop(store);
    let bytes = std::fs::read(dir.path().join(DB_FILE)).expect("db");
    let wal = std::fs::read(dir.path().join("station.sqlite3-wal")).unwrap_or_default();
    for b in [bytes, wal] {
        assert!(!b.windows(token.len()).any(|w| w == token.as_bytes()));
    }
}

/// Any reading of any kind, saved, reads back exactly as it was saved: through `readings` (all
/// kinds and per kind, newest first, never another resident's) and `visit_readings` (oldest
/// first), with every field of the record kept.
mod reading_round_trip {
    use super::*;
    use proptest::prelude::*;
    use station_protocol::GlucoseTiming;

    /// A value at a device's resolution: `units` steps of 1/`per` (e.g. tenths of a degree).
    fn steps(units: std::ops::RangeInclusive<u32>, per: f64) -> impl Strategy<Value = f64> {
        units.prop_map(move |u| f64::from(u) / per)
    }

    /// Every kind, each field within the device plausibility range.
    fn any_reading() -> impl Strategy<Value = Reading> {
        prop_oneof![
            (
                51u16..=280,
                30u16..=180,
                30u16..=220,
                any::<bool>(),
                any::<bool>(),
                any::<bool>()
            )
                .prop_map(
                    |(s, d, pulse, irregular_pulse, body_movement, cuff_loose)| {
                        Reading::BloodPressure {
                            systolic: s.max(d + 1),
                            diastolic: d.min(s - 1),
                            pulse,
                            irregular_pulse,
                            body_movement,
                            cuff_loose,
                        }
                    }
                ),
            (steps(2_000..=30_000, 100.0), steps(1_000..=2_500, 10.0)).prop_map(
                |(weight_kg, height_cm)| Reading::Body {
                    weight_kg,
                    height_cm
                }
            ),
            steps(300..=450, 10.0).prop_map(|celsius| Reading::Temperature { celsius }),
            (
                steps(11..=333, 10.0),
                prop::sample::select(GlucoseTiming::ALL.to_vec())
            )
                .prop_map(|(mmol_per_l, timing)| Reading::Glucose { mmol_per_l, timing }),
            (steps(50..=100, 1.0), 30u16..=220)
                .prop_map(|(percent, pulse)| Reading::Spo2 { percent, pulse }),
        ]
    }

    fn any_record() -> impl Strategy<Value = ReadingRecord> {
        (
            any_reading(),
            "[a-z0-9-]{1,30}",
            "\\PC{0,20}",
            prop_oneof![
                Just("simulated".to_string()),
                Just("manual".to_string()),
                Just("演示".to_string()),
                "\\PC{1,30}"
            ],
            proptest::option::of("[0-9A-F]{8,20}"),
            // 2000-01-01 .. 2100-01-01, to the millisecond.
            946_684_800_000i64..4_102_444_800_000,
        )
            .prop_map(|(reading, category, guideline, device, entered_by, ms)| {
                ReadingRecord {
                    reading,
                    category,
                    guideline,
                    device,
                    entered_by,
                    taken_at: Local.timestamp_millis_opt(ms).single().expect("time"),
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn any_reading_saved_reads_back_as_saved(
            saves in proptest::collection::vec((any_record(), any::<bool>(), any::<bool>()), 1..12)
        ) {
            let dir = tempfile::tempdir().expect("tempdir");
            let store = open(dir.path()).expect("open");
            let mine = store.upsert_resident(&resident_id(), "张*华").expect("r");
            let other_id = IdNumber::parse("330302195608150428").expect("valid id");
            let other = store.upsert_resident(&other_id, "王*").expect("other");
            let v_mine = store.start_visit(mine, IdentifyMethod::InsuranceCard).expect("visit");
            let v_other = store.start_visit(other, IdentifyMethod::IdCard).expect("visit");

            let mut saved: Vec<StoredReading> = Vec::new();
            let mut urgent_count = 0;
            for (record, urgent, theirs) in &saves {
                prop_assert!(record.reading.check().is_ok(), "{:?}", record.reading);
                let visit = if *theirs { v_other } else { v_mine };
                let id = store.save_reading(visit, record, *urgent).expect("save");
                urgent_count += usize::from(*urgent);
                saved.push(StoredReading { id, visit, record: record.clone() });
            }
            prop_assert_eq!(store.queued_alerts(100).expect("alerts").len(), urgent_count);

            let oldest_first = |visit: VisitId| {
                let mut v: Vec<StoredReading> =
                    saved.iter().filter(|s| s.visit == visit).cloned().collect();
                v.sort_by_key(|s| (s.record.taken_at, s.id.0));
                v
            };
            for (resident, visit) in [(mine, v_mine), (other, v_other)] {
                let want = oldest_first(visit);
                prop_assert_eq!(&store.visit_readings(visit).expect("visit"), &want);
                let newest_first: Vec<StoredReading> = want.iter().rev().cloned().collect();
                prop_assert_eq!(&store.readings(resident, None, 100).expect("all"), &newest_first);
                for kind in MeasureKind::ALL {
                    let of_kind: Vec<StoredReading> = newest_first
                        .iter()
                        .filter(|s| s.record.reading.kind() == kind)
                        .cloned()
                        .collect();
                    prop_assert_eq!(
                        store.readings(resident, Some(kind), 100).expect("kind"),
                        of_kind
                    );
                }
            }
            // And after a reopen, from the file.
            drop(store);
            let store = open(dir.path()).expect("reopen");
            prop_assert_eq!(store.visit_readings(v_mine).expect("visit"), oldest_first(v_mine));
        }
    }
}
