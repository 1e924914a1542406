//! Store figures for scripts/bench. Prints `name: value unit` lines:
//! - open time of the encrypted store (SQLCipher) against the same file unencrypted, small and
//!   with a million readings (open = key, pragmas, migrations check, `quick_check`);
//! - save-a-reading latency (p50, p99) with encryption, `synchronous = FULL`;
//! - online backup time of a store with a million readings (copy + check of the copy);
//! - the trend query of one resident with ten years of readings among a million.
//!
//! The million readings are generated here (a minute or two), never in tests.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use chrono::Local;
use rusqlite::{params, Connection};
use station_core::clock::SystemClock;
use station_core::reading::Reading;
use station_core::resident::IdNumber;
use station_protocol::{IdentifyMethod, MeasureKind};
use station_store::{KeyStore, ReadingRecord, Store, StoreOptions, DB_FILE};

const TOTAL: i64 = 1_000_000;
const RESIDENTS: i64 = 5_000;
/// Ten years of a regular visitor: about three readings a week.
const OURS: i64 = 1_560;
const SMALL: i64 = 1_000;

type Error = Box<dyn std::error::Error>;

fn options(data: &Path, keys: &Path) -> StoreOptions {
    StoreOptions::with_keys(data, KeyStore::in_dir(keys))
}

fn open(data: &Path, keys: &Path) -> Result<Store, Error> {
    Ok(Store::open_with(
        data,
        Arc::new(SystemClock::new()),
        &options(data, keys),
    )?)
}

fn millis(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Opens a plain (unencrypted) copy the way the store opens its file, without the key.
fn open_plain(path: &Path) -> Result<Connection, Error> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    let _: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let ok: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(format!("plain copy: {ok}").into());
    }
    Ok(conn)
}

/// An unencrypted copy of the store (SQLCipher's export with an empty key), for comparison.
fn plain_copy(store: &Store, to: &Path) -> Result<(), Error> {
    let conn = store.second_connection()?;
    // The store's connections never create files: make the target first.
    std::fs::File::create(to)?;
    conn.execute(
        "ATTACH DATABASE ?1 AS plain KEY ''",
        params![to.to_string_lossy()],
    )?;
    conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))?;
    conn.execute_batch("DETACH DATABASE plain;")?;
    Ok(())
}

/// Open times (ms, median of `n`): the store (encrypted) and a plain copy of it.
fn open_times(data: &Path, keys: &Path, n: usize) -> Result<(f64, f64), Error> {
    let plain_dir = tempfile::tempdir()?;
    let plain = plain_dir.path().join(DB_FILE);
    plain_copy(&open(data, keys)?, &plain)?;
    let mut enc = Vec::new();
    let mut clear = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let s = open(data, keys)?;
        enc.push(millis(t));
        drop(s);
        let t = Instant::now();
        let c = open_plain(&plain)?;
        clear.push(millis(t));
        drop(c);
    }
    Ok((median(enc), median(clear)))
}

fn reading(systolic: u16) -> ReadingRecord {
    ReadingRecord {
        reading: Reading::BloodPressure {
            systolic,
            diastolic: 82,
            pulse: 72,
            irregular_pulse: false,
            body_movement: false,
            cuff_loose: false,
        },
        category: "bp-category-normal".into(),
        guideline: "g".into(),
        device: "bench".into(),
        entered_by: None,
        taken_at: Local::now(),
    }
}

/// Bulk load (one transaction, no fsync per row) through a keyed second connection: set-up,
/// not what is measured.
fn load(store: &Store, ours: i64, total: i64) -> Result<f64, Error> {
    let t0 = Instant::now();
    let mut conn = store.second_connection()?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let tx = conn.transaction()?;
    {
        let mut resident = tx.prepare(
            "INSERT INTO residents (id_hash, masked_id, masked_name, first_seen, last_seen)
             VALUES (?1, '**************002X', '张*华', '2016-01-01', '2026-01-01')",
        )?;
        for r in 1..RESIDENTS.min(total) {
            resident.execute(params![r.to_be_bytes().to_vec()])?;
        }
        let mut visit = tx.prepare(
            "INSERT INTO visits (resident_id, identified_by, started_at, ended_at, end_reason)
             VALUES (?1, 'insurance_card', ?2, ?2, 'logout')",
        )?;
        let mut reading = tx.prepare(
            "INSERT INTO readings (visit_id, resident_id, kind, taken_at, value_json, category, guideline, device)
             VALUES (?1, ?2, ?3, ?4, ?5, 'c', 'g', 'simulated')",
        )?;
        let kinds = [
            (
                MeasureKind::BloodPressure,
                r#"{"systolic":128,"diastolic":82,"pulse":72}"#,
            ),
            (MeasureKind::Body, r#"{"weight_kg":62.5,"height_cm":165.0}"#),
            (MeasureKind::Temperature, r#"{"celsius":36.6}"#),
            (
                MeasureKind::Glucose,
                r#"{"mmol_per_l":5.4,"timing":"fasting"}"#,
            ),
        ];
        let others = (RESIDENTS.min(total) - 1).max(1);
        for i in 0..total {
            // Our resident gets OURS readings spread over ten years; the rest are everyone else's.
            let who = if i % (total / OURS).max(1) == 0 {
                ours
            } else {
                1 + i % others
            };
            let day = i * 3650 / total;
            let at = chrono::NaiveDate::from_ymd_opt(2016, 1, 1)
                .ok_or("date")?
                .checked_add_days(chrono::Days::new(day as u64))
                .ok_or("date")?
                .format("%Y-%m-%dT09:00:00+08:00")
                .to_string();
            visit.execute(params![who, at])?;
            let visit_id = tx.last_insert_rowid();
            let (kind, json) = kinds[(i % 4) as usize];
            reading.execute(params![visit_id, who, kind.as_str(), at, json])?;
        }
    }
    tx.commit()?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(t0.elapsed().as_secs_f64())
}

fn main() -> Result<(), Error> {
    let keys = tempfile::tempdir()?;
    let id = IdNumber::parse("11010519491231002X")?;

    // A small store: open times and save latency.
    let small = tempfile::tempdir()?;
    {
        let store = open(small.path(), keys.path())?;
        let ours = store.upsert_resident(&id, "张*华")?; // i18n-exempt: sample masked name
        load(&store, ours.0, SMALL)?;
        let visit = store.start_visit(ours, IdentifyMethod::IdCard)?;
        let mut saves = Vec::new();
        for i in 0..500u16 {
            let t = Instant::now();
            store.save_reading(visit, &reading(100 + i % 80), false)?;
            saves.push(millis(t));
        }
        saves.sort_by(|a, b| a.total_cmp(b));
        let version = station_store::cipher_version(&store.second_connection()?)?
            .unwrap_or_else(|| "none".into());
        println!("store_cipher: SQLCipher {version}");
        println!(
            "store_save_reading_encrypted_p50: {:.2} ms",
            percentile(&saves, 0.50)
        );
        println!(
            "store_save_reading_encrypted_p99: {:.2} ms",
            percentile(&saves, 0.99)
        );
    }
    let (enc, clear) = open_times(small.path(), keys.path(), 21)?;
    println!("store_open_encrypted_1k_readings: {enc:.2} ms");
    println!("store_open_plain_1k_readings: {clear:.2} ms");

    // A station store of a million readings.
    let dir = tempfile::tempdir()?;
    let store = open(dir.path(), keys.path())?;
    let ours = store.upsert_resident(&id, "张*华")?; // i18n-exempt: sample masked name
    let load_s = load(&store, ours.0, TOTAL)?;
    drop(store);
    let size = std::fs::metadata(dir.path().join(DB_FILE))?.len();
    println!("store_readings_total: {TOTAL} readings");
    println!("store_size_1m_readings: {:.0} MiB", size as f64 / 1048576.0);
    println!("store_bulk_load_1m_readings: {load_s:.1} s");

    let (enc, clear) = open_times(dir.path(), keys.path(), 3)?;
    println!("store_open_encrypted_1m_readings: {:.2} s", enc / 1000.0);
    println!("store_open_plain_1m_readings: {:.2} s", clear / 1000.0);

    let store = open(dir.path(), keys.path())?;
    let t = Instant::now();
    let backup = store.backup_now()?;
    let backup_s = t.elapsed().as_secs_f64();
    let backup_size = std::fs::metadata(&backup.path)?.len();
    println!("store_backup_1m_readings: {backup_s:.1} s");
    println!(
        "store_backup_size_1m_readings: {:.0} MiB",
        backup_size as f64 / 1048576.0
    );

    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..50 {
        let t = Instant::now();
        found = store
            .readings(ours, Some(MeasureKind::BloodPressure), 10)?
            .len();
        times.push(millis(t));
    }
    println!(
        "trend_resident_readings: {} readings",
        store.readings(ours, None, usize::MAX)?.len()
    );
    println!(
        "trend_query_last_10_in_1m_readings: {:.3} ms",
        median(times)
    );
    if found != 10 {
        return Err(format!("expected 10 trend readings, got {found}").into());
    }
    Ok(())
}
