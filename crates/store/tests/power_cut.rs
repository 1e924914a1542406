//! A power cut mid-write loses nothing that was acknowledged. A child process saves readings one
//! after another and says "ack <id>" after each save returns; the test kills it with SIGKILL at a
//! different point each round (mid-transaction, mid-fsync, between saves), reopens the file,
//! and checks `PRAGMA integrity_check` and that every acknowledged reading is there.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use chrono::Local;
use station_core::clock::SystemClock;
use station_core::reading::Reading;
use station_core::resident::IdNumber;
use station_protocol::IdentifyMethod;
use station_store::{KeyStore, ReadingRecord, Store, StoreOptions};

const CHILD_ENV: &str = "STATION_STORE_POWER_CUT_CHILD";
const SAVES: usize = 1000;
const TEST_NAME: &str = "every_acknowledged_reading_survives_kill_9_mid_write";

fn open(dir: &Path) -> Store {
    let options = StoreOptions::with_keys(dir, KeyStore::in_dir(&dir.join("keys")));
    Store::open_with(dir, Arc::new(SystemClock::new()), &options).expect("store opens")
}

/// The child: saves readings as fast as the disk allows, acknowledging each.
fn save_until_killed(dir: &Path) {
    let store = open(dir);
    let id = IdNumber::parse("11010519491231002X").expect("valid id");
    let resident = store.upsert_resident(&id, "张*华").expect("resident");
    let visit = store
        .start_visit(resident, IdentifyMethod::InsuranceCard)
        .expect("visit");
    for i in 0..SAVES {
        let record = ReadingRecord {
            reading: Reading::BloodPressure {
                systolic: 100 + (i % 80) as u16,
                diastolic: 70,
                pulse: 72,
                irregular_pulse: false,
                body_movement: false,
                cuff_loose: false,
            },
            category: "bp-category-normal".into(),
            guideline: "g".into(),
            device: "test".into(),
            entered_by: None,
            taken_at: Local::now(),
        };
        // Every tenth is urgent: an alert row in the same transaction.
        let saved = store
            .save_reading(visit, &record, i % 10 == 0)
            .expect("saved");
        println!("ack {}", saved.0);
    }
}

#[test]
fn every_acknowledged_reading_survives_kill_9_mid_write() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        save_until_killed(Path::new(&dir));
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut acknowledged: Vec<i64> = Vec::new();
    // A different cut each round: early, late, and at unrelated counts.
    for cut_after in [1, 37, 211, 503, 877] {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("child starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut seen = 0;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(id) = line.strip_prefix("ack ") {
                acknowledged.push(id.trim().parse().expect("reading id"));
                seen += 1;
                if seen == cut_after {
                    // SIGKILL: no destructor, no flush, exactly a power cut for the process.
                    child.kill().expect("kill -9");
                    break;
                }
            }
        }
        let _ = child.wait();
        assert_eq!(seen, cut_after, "the child stopped before the cut");

        let store = open(dir.path());
        let conn = store.second_connection().expect("connection");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity_check");
        assert_eq!(check, "ok", "after a cut at {cut_after}");
        let mut stored = conn
            .prepare("SELECT id FROM readings")
            .expect("query")
            .query_map([], |r| r.get::<_, i64>(0))
            .expect("rows")
            .collect::<Result<std::collections::HashSet<i64>, _>>()
            .expect("ids");
        let missing: Vec<&i64> = acknowledged
            .iter()
            .filter(|id| !stored.contains(id))
            .collect();
        assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
        // An alert never exists without its reading.
        let orphans: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM alerts WHERE reading_id NOT IN (SELECT id FROM readings)",
                [],
                |r| r.get(0),
            )
            .expect("orphans");
        assert_eq!(orphans, 0);
        stored.clear();
    }
}
