//! Store figures for scripts/bench: the trend query of one resident with ten years of readings
//! in a station store of one million readings. Prints `name: value unit` lines.

use std::time::Instant;

use rusqlite::params;
use station_core::resident::IdNumber;
use station_protocol::MeasureKind;
use station_store::{Store, DB_FILE};

const TOTAL: i64 = 1_000_000;
const RESIDENTS: i64 = 5_000;
/// Ten years of a regular visitor: about three readings a week.
const OURS: i64 = 1_560;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let id = IdNumber::parse("11010519491231002X")?;
    let ours = store.upsert_resident(&id, "张*华")?;
    drop(store);

    // Bulk load beside the store (one transaction, no fsync per row): this is set-up, not
    // what is measured.
    let t0 = Instant::now();
    let mut conn = rusqlite::Connection::open(dir.path().join(DB_FILE))?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let tx = conn.transaction()?;
    {
        let mut resident = tx.prepare(
            "INSERT INTO residents (id_hash, masked_id, masked_name, first_seen, last_seen)
             VALUES (?1, '1101**********002X', '张*华', '2016-01-01', '2026-01-01')",
        )?;
        for r in 1..RESIDENTS {
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
        for i in 0..TOTAL {
            // Our resident gets OURS readings spread over ten years; the rest are everyone else's.
            let who = if i % (TOTAL / OURS) == 0 {
                ours.0
            } else {
                1 + i % (RESIDENTS - 1)
            };
            let day = i * 3650 / TOTAL;
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
    drop(conn);
    let load = t0.elapsed().as_secs_f64();

    let store = Store::open(dir.path())?;
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..50 {
        let t = Instant::now();
        found = store
            .readings(ours, Some(MeasureKind::BloodPressure), 10)?
            .len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let size = std::fs::metadata(dir.path().join(DB_FILE))?.len();
    println!("store_readings_total: {TOTAL} readings");
    println!("store_size_1m_readings: {:.0} MiB", size as f64 / 1048576.0);
    println!("store_bulk_load_1m_readings: {load:.1} s");
    println!(
        "trend_resident_readings: {} readings",
        store.readings(ours, None, usize::MAX)?.len()
    );
    println!(
        "trend_query_last_10_in_1m_readings: {:.3} ms",
        times[times.len() / 2]
    );
    if found != 10 {
        return Err(format!("expected 10 trend readings, got {found}").into());
    }
    Ok(())
}
