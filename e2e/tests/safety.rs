//! Safe by default, in the real window: a damaged store is restored and staff are told; a
//! station whose key is gone stops instead of starting afresh; a store that refuses a write
//! never claims "已保存"; one resident cannot print another's visit, even by sending the action
//! the screen does not offer.

use std::path::Path;
use std::sync::Arc;

use station_card::virtual_card::{CardBehaviour, CardImage, VpcdCard};
use station_core::clock::SystemClock;
use station_e2e::bed::{bed, insert_resident, launch, measure_bp, socket, zh, MASKED_NAME};
use station_e2e::station::StationOptions;
use station_protocol::MeasureKind;
use station_store::{KeyStore, Store, StoreOptions};

/// The store as the app opens it, with a test's own key directory.
fn open_store(data: &Path, keys: &Path) -> Store {
    let options = StoreOptions::with_keys(data, KeyStore::in_dir(keys));
    Store::open_with(data, Arc::new(SystemClock::new()), &options).expect("store")
}

#[test]
fn a_damaged_store_is_restored_from_its_backup_and_staff_are_told() {
    let bed = bed();
    let t = zh();
    let dir = tempfile::tempdir().unwrap();
    let (data, keys) = (dir.path().join("data"), dir.path().join("keys"));
    let options = || StationOptions {
        pcsc_socket: socket(&bed),
        data_dir: Some(data.clone()),
        key_dir: Some(keys.clone()),
        ..Default::default()
    };
    let st = launch(&bed, options());
    st.wait_text(&t.text("welcome-insert-card")).unwrap();
    let card = insert_resident(&bed);
    st.wait_text(&t.text_with("home-greeting", &[("name", MASKED_NAME.into())]))
        .unwrap();
    card.pull();
    st.wait_text(&t.text("welcome-insert-card")).unwrap();
    // The start-up backup is taken at once (no backup yet): wait for it.
    station_e2e::wait_for(std::time::Duration::from_secs(20), || {
        let backups = std::fs::read_dir(data.join("station.backups"))
            .map(|d| d.count())
            .unwrap_or(0);
        Ok((backups > 0).then_some(()))
    })
    .unwrap();
    drop(st);

    // Pages overwritten, as a failing disk would (from inside the first page on: the recent
    // writes may still sit in the WAL, so the main file can be a single page).
    let db = data.join(station_store::DB_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() >= 4096, "{} bytes", bytes.len());
    let end = bytes.len().min(4096 * 6);
    for b in &mut bytes[1024..end] {
        *b = 0x5A;
    }
    std::fs::write(&db, &bytes).unwrap();
    // … and the log of recent writes lost with them (else it would still hold good pages).
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data.join(format!("{}{suffix}", station_store::DB_FILE)));
    }

    // The station restores it and says so on the screen, for staff.
    let st = launch(&bed, options());
    st.wait_text(&t.text("notice-store-restored")).unwrap();
    drop(st);
    let store = open_store(&data, &keys);
    let audit = store.audit_events(50).expect("audit");
    assert!(
        audit.iter().any(|e| e.action == "store_restored"),
        "{audit:?}"
    );
}

#[test]
fn a_station_whose_key_is_gone_stops_with_a_message_and_never_starts_afresh() {
    let bed = bed();
    let t = zh();
    let dir = tempfile::tempdir().unwrap();
    let (data, keys) = (dir.path().join("data"), dir.path().join("keys"));
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            data_dir: Some(data.clone()),
            key_dir: Some(keys.clone()),
            ..Default::default()
        },
    );
    st.wait_text(&t.text("welcome-insert-card")).unwrap();
    let card = insert_resident(&bed);
    st.wait_text(&t.text_with("home-greeting", &[("name", MASKED_NAME.into())]))
        .unwrap();
    card.pull();
    let config = st.config_path.clone();
    let kept = dir.path().join("config-copy.toml");
    std::fs::copy(&config, &kept).unwrap();
    drop(st);

    // The key is lost (a disk swapped, a folder wiped): the station stops and says why.
    let key_files: Vec<_> = std::fs::read_dir(&keys)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert!(!key_files.is_empty());
    let hidden = dir.path().join("key-hidden");
    std::fs::rename(&keys, &hidden).unwrap();
    let out = std::process::Command::new(station_e2e::station::app_binary())
        .args(["--config", &kept.display().to_string()])
        .env_remove("DISPLAY")
        .output()
        .expect("run the app");
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key"), "{err}");
    // No new key was made over the residents' data.
    assert!(!keys.join(station_store::KEY_FILE).exists());

    // With the key back, everything is there.
    std::fs::rename(&hidden, &keys).unwrap();
    let store = open_store(&data, &keys);
    assert_eq!(store.resident_count().expect("count"), 1);
}

#[test]
fn a_store_that_refuses_a_write_never_claims_the_reading_was_saved() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            device_scripts: vec![(MeasureKind::BloodPressure, "128/82/72".into())],
            ..Default::default()
        },
    );
    st.wait_text(&t.text("welcome-insert-card")).unwrap();
    let card = insert_resident(&bed);
    st.wait_text(&t.text("home-title")).unwrap();
    // The disk fills up: every new reading is refused.
    let store = Store::open(&st.data_dir).expect("store");
    store
        .second_connection()
        .expect("connection")
        .execute_batch(
            "CREATE TRIGGER full BEFORE INSERT ON readings BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .expect("trigger");
    for step in [
        "service-self-test",
        "measure-blood-pressure",
        "measure-next",
        "measure-start",
    ] {
        st.press(&t.text(step)).expect("guided step");
    }
    let page = st.wait_text(&t.text("notice-save-failed")).unwrap();
    assert!(!page.contains(&t.text("result-saved")), "{page}");
    assert_eq!(store.reading_count().expect("count"), 0);
    card.pull();
}

/// A second resident's card: 王明, another ID number.
fn other_resident() -> CardImage {
    let mut name = vec![0xCD, 0xF5, 0xC3, 0xF7]; // 王明 in GBK
    name.resize(30, 0x00);
    CardImage::sample_resident()
        .with_record(0x08, b"11010519491231002X".to_vec())
        .with_record(0x09, name)
}

#[test]
fn one_resident_cannot_print_anothers_visit_even_by_sending_the_action() {
    let bed = bed();
    let t = zh();
    let cups = station_printer::testbed::PrivateCups::start().expect("private cupsd");
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            device_scripts: vec![(MeasureKind::BloodPressure, "150/85/70,128/82/72".into())],
            printer: cups.queue_uri(),
            ..Default::default()
        },
    );
    st.wait_text(&t.text("welcome-insert-card")).unwrap();
    // The first resident measures and leaves.
    let card = insert_resident(&bed);
    measure_bp(&st, &t);
    card.pull();
    st.wait_text(&t.text("welcome-insert-card")).unwrap();
    let store = Store::open(&st.data_dir).expect("store");
    let first_visit = store
        .audit_events(50)
        .expect("audit")
        .iter()
        .find(|e| e.action == "reading_saved")
        .and_then(|e| e.visit)
        .expect("the first resident's visit");
    // The second resident measures too; their own report prints.
    let card = VpcdCard::insert(
        bed.pcscd.vpcd_addr(),
        CardBehaviour::Resident(other_resident()),
    )
    .expect("virtual card");
    st.wait_text(&t.text_with("home-greeting", &[("name", "王*".into())]))
        .unwrap();
    measure_bp(&st, &t);
    st.press(&t.text("print-report")).unwrap();
    st.wait_text(&t.text("notice-printed")).unwrap();
    let jobs = cups.listener().job_count();
    assert_eq!(jobs, 1);
    // The screen never offers the first resident's visit; the action is sent anyway, as a
    // tampered page would: refused, nothing printed, nothing said.
    st.session
        .execute(
            "window.__TAURI__.core.invoke('act', { action: { type: 'back_home' } });
             return window.__TAURI__.core.invoke('act', { action: { type: 'open_service', service: 'reports' } });",
            vec![],
        )
        .unwrap();
    st.wait_text(&t.text("reports-title")).unwrap();
    let view = st
        .session
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI__.core.invoke('act', { action: { type: 'print_visit_report', visit: arguments[0] } })
                .then(v => done(v)).catch(e => done({ error: String(e) }));",
            vec![serde_json::json!(first_visit.0)],
        )
        .unwrap();
    assert_eq!(view["notice"], serde_json::Value::Null, "{view}");
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(
        cups.listener().job_count(),
        jobs,
        "another resident's visit was printed"
    );
    card.pull();
}
