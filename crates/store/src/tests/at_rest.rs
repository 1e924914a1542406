//! Data at rest: encryption, the key kept apart (and a lost key a stop), private files, durable
//! renames, backups and recovery, retention, the fewest ID characters.

use super::*;
use crate::files::synced;
use std::time::Duration;

/// A station: data and keys in separate directories, as on a real station.
struct Station {
    data: tempfile::TempDir,
    keys: tempfile::TempDir,
}

impl Station {
    fn new() -> Station {
        Station {
            data: tempfile::tempdir().expect("tempdir"),
            keys: tempfile::tempdir().expect("tempdir"),
        }
    }
    fn dir(&self) -> &Path {
        self.data.path()
    }
    fn key_store(&self) -> KeyStore {
        KeyStore::in_dir(self.keys.path())
    }
    fn options(&self) -> StoreOptions {
        StoreOptions::with_keys(self.dir(), self.key_store())
    }
    fn open(&self) -> Result<Store, StoreError> {
        self.open_at(Arc::new(SystemClock::new()))
    }
    fn open_at(&self, clock: Arc<dyn Clock>) -> Result<Store, StoreError> {
        Store::open_with(self.dir(), clock, &self.options())
    }
    fn db(&self) -> PathBuf {
        self.dir().join(DB_FILE)
    }
}

/// A resident with a visit and one reading.
fn fill(store: &Store, systolic: u16) -> ResidentId {
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store.start_visit(r, IdentifyMethod::IdCard).expect("visit");
    store
        .save_reading(v, &sample(systolic, 80), false)
        .expect("save");
    r
}

#[test]
fn the_file_is_unreadable_without_the_key() {
    let st = Station::new();
    let store = st.open().expect("open");
    fill(&store, 150);
    let version = cipher_version(&store.second_connection().expect("conn"))
        .expect("pragma")
        .expect("SQLCipher answers");
    assert!(version.starts_with('4'), "{version}");

    // Neither the file nor its WAL carries anything readable (checked while the WAL is live).
    let masked_name = "张*华".as_bytes();
    let mut files = vec![std::fs::read(st.db()).expect("db")];
    files.push(std::fs::read(st.dir().join(format!("{DB_FILE}-wal"))).expect("wal"));
    for bytes in &files {
        assert!(!bytes.windows(masked_name.len()).any(|w| w == masked_name));
        assert!(!bytes.windows(14).any(|w| w == b"blood_pressure"));
    }
    drop(store);

    let bytes = std::fs::read(st.db()).expect("db");
    assert!(bytes.len() > 4096);
    assert_ne!(
        &bytes[..16],
        PLAIN_HEADER,
        "an encrypted file has no SQLite header"
    );
    // Plain SQLite (a connection with no key) cannot read it.
    let plain = Connection::open(st.db()).expect("opening succeeds, reading does not");
    let read = plain.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    });
    match read {
        Err(rusqlite::Error::SqliteFailure(e, _)) => {
            assert_eq!(e.code, rusqlite::ErrorCode::NotADatabase)
        }
        other => panic!("plain SQLite read the store: {other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn key_database_and_backup_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let root = tempfile::tempdir().expect("tempdir");
    let data = root.path().join("data");
    let keys = root.path().join("keys");
    let options = StoreOptions::with_keys(&data, KeyStore::in_dir(&keys));
    let store = Store::open_with(&data, Arc::new(SystemClock::new()), &options).expect("open");
    fill(&store, 120);
    let backup = store.backup_now().expect("backup");
    for file in [
        keys.join(keys::KEY_FILE),
        data.join(DB_FILE),
        data.join(format!("{DB_FILE}-wal")),
        data.join(format!("{DB_FILE}-shm")),
        data.join(KEY_CHECK_FILE),
        backup.path.clone(),
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    for dir in [&data, &keys, &store.backup_dir().to_path_buf()] {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    // A store from before (0644) is made private at open.
    drop(store);
    std::fs::set_permissions(data.join(DB_FILE), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    drop(Store::open_with(&data, Arc::new(SystemClock::new()), &options).expect("reopen"));
    assert_eq!(mode(&data.join(DB_FILE)), 0o600);
}

#[test]
fn a_fresh_empty_directory_makes_its_key() {
    let st = Station::new();
    let key = st.key_store().location().to_path_buf();
    assert!(!key.exists());
    let store = st.open().expect("open");
    assert!(key.exists());
    assert_eq!(std::fs::read(&key).expect("key").len(), 32);
    // The key is not beside the data.
    assert!(!st.dir().join(LEGACY_KEY_FILE).exists());
    assert!(!key.starts_with(st.dir()));
    drop(store);
}

#[test]
fn a_lost_key_is_a_stop_not_a_reset() {
    let st = Station::new();
    let store = st.open().expect("open");
    let resident = fill(&store, 130);
    drop(store);
    let key_path = st.key_store().location().to_path_buf();
    let saved_key = std::fs::read(&key_path).expect("key");
    let db_before = std::fs::read(st.db()).expect("db");
    std::fs::remove_file(&key_path).expect("lose the key");

    for _ in 0..2 {
        match st.open() {
            Err(StoreError::KeyMissing { data, .. }) => assert_eq!(data, st.dir()),
            Err(e) => panic!("expected KeyMissing, got {e}"),
            Ok(_) => panic!("a store opened without its key"),
        }
        // Nothing was regenerated, nothing was touched.
        assert!(!key_path.exists(), "a new key was made");
        assert_eq!(std::fs::read(st.db()).expect("db"), db_before);
    }
    let told = st.open().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(told.contains("restore the key"), "{told}");

    // The key restored: everything is there.
    std::fs::write(&key_path, &saved_key).expect("restore the key");
    let store = st.open().expect("open with the key back");
    assert_eq!(store.resident_count().expect("count"), 1);
    assert_eq!(
        store
            .upsert_resident(&resident_id(), "张*华")
            .expect("again"),
        resident
    );
}

#[test]
fn backups_alone_also_mean_the_key_must_not_be_remade() {
    let st = Station::new();
    let store = st.open().expect("open");
    fill(&store, 130);
    store.backup_now().expect("backup");
    drop(store);
    std::fs::remove_file(st.db()).expect("rm db");
    std::fs::remove_file(st.dir().join(KEY_CHECK_FILE)).expect("rm check");
    std::fs::remove_file(st.key_store().location()).expect("lose the key");
    assert!(matches!(st.open(), Err(StoreError::KeyMissing { .. })));
    assert!(!st.key_store().location().exists());
}

#[test]
fn another_stations_key_is_a_mismatch() {
    let st = Station::new();
    drop(st.open().expect("open"));
    let other = Station::new();
    drop(other.open().expect("other station"));
    let options = StoreOptions::with_keys(st.dir(), other.key_store());
    match Store::open_with(st.dir(), Arc::new(SystemClock::new()), &options) {
        Err(StoreError::KeyMismatch { .. }) => {}
        Err(e) => panic!("expected KeyMismatch, got {e}"),
        Ok(_) => panic!("opened with another station's key"),
    }
}

#[test]
fn keys_differ_per_station_and_survive_a_reopen() {
    let a = Station::new();
    let b = Station::new();
    let sa = a.open().expect("a");
    let sb = b.open().expect("b");
    assert_ne!(sa.id_hash(&resident_id()), sb.id_hash(&resident_id()));
    let h = sa.id_hash(&resident_id());
    drop(sa);
    assert_eq!(a.open().expect("reopen").id_hash(&resident_id()), h);
}

/// Overwrites pages 2.. of the file with noise (page 1 left: the damage is in the data).
fn damage(path: &Path) {
    use std::io::{Seek, SeekFrom, Write};
    let len = std::fs::metadata(path).expect("meta").len();
    assert!(len >= 3 * 4096, "store too small to damage: {len}");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open");
    f.seek(SeekFrom::Start(4096)).expect("seek");
    f.write_all(&vec![0x5A; (len - 4096) as usize])
        .expect("write");
    f.sync_all().expect("sync");
}

#[test]
fn a_damaged_store_is_restored_from_the_newest_good_backup_and_says_so() {
    let st = Station::new();
    let clock = Arc::new(station_core::clock::ManualClock::new(
        chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
    ));
    let store = st.open_at(clock.clone()).expect("open");
    fill(&store, 121);
    let first = store.backup_now().expect("first backup");
    clock.advance(Duration::from_secs(3600));
    let r = fill(&store, 122);
    let second = store.backup_now().expect("second backup");
    assert_ne!(first.path, second.path);
    clock.advance(Duration::from_secs(3600));
    fill(&store, 123); // after the newest backup: lost by the restore, and staff are told when
    drop(store);
    damage(&st.db());

    synced::take();
    let store = st.open_at(clock.clone()).expect("restored");
    let synced_dirs = synced::take();
    let recovery = store.recovery().expect("a recovery is reported").clone();
    assert_eq!(recovery.backup, second.path);
    assert_eq!(recovery.backup_taken_at, second.taken_at);
    assert_eq!(recovery.readings, 2);
    assert_eq!(recovery.residents, 1);
    let damaged = recovery.damaged_copy.clone().expect("damaged copy kept");
    assert!(damaged.exists() && damaged.starts_with(st.dir()));
    assert!(!recovery.reason.is_empty());
    // The restored store works and holds what the backup held.
    assert_eq!(store.reading_count().expect("count"), 2);
    assert_eq!(store.readings(r, None, 10).expect("list").len(), 2);
    let audit = store.audit_events(1).expect("audit");
    assert_eq!(audit[0].action, "store_restored");
    assert!(audit[0].detail.contains(&second.taken_at.to_rfc3339()));
    // The restore's renames were made durable in the data directory.
    assert!(synced_dirs.iter().any(|d| d == st.dir()), "{synced_dirs:?}");
    fill(&store, 124);
    drop(store);
    // Opened again: healthy, nothing more to restore.
    assert!(st.open().expect("reopen").recovery().is_none());
}

#[test]
fn a_damaged_newest_backup_is_skipped_for_an_older_good_one() {
    let st = Station::new();
    let clock = Arc::new(station_core::clock::ManualClock::new(
        chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
    ));
    let store = st.open_at(clock.clone()).expect("open");
    fill(&store, 121);
    let older = store.backup_now().expect("backup");
    clock.advance(Duration::from_secs(60));
    fill(&store, 122);
    let newer = store.backup_now().expect("backup");
    drop(store);
    damage(&newer.path);
    damage(&st.db());
    let store = st.open_at(clock).expect("restored");
    let recovery = store.recovery().expect("recovery");
    assert_eq!(recovery.backup, older.path);
    assert_eq!(store.reading_count().expect("count"), 1);
}

#[test]
fn a_damaged_store_without_a_backup_is_a_clear_error() {
    let st = Station::new();
    let store = st.open().expect("open");
    fill(&store, 130);
    drop(store);
    damage(&st.db());
    match st.open() {
        Err(StoreError::Damaged { path, tried: 0, .. }) => assert_eq!(path, st.db()),
        Err(e) => panic!("expected Damaged, got {e}"),
        Ok(_) => panic!("a damaged store opened"),
    }
    // Nothing was replaced: the file stays for a technician.
    assert!(st.db().exists());
}

#[test]
fn a_vanished_store_with_backups_is_restored() {
    let st = Station::new();
    let store = st.open().expect("open");
    fill(&store, 130);
    store.backup_now().expect("backup");
    drop(store);
    std::fs::remove_file(st.db()).expect("rm");
    let store = st.open().expect("open");
    let recovery = store.recovery().expect("restored");
    assert!(recovery.damaged_copy.is_none());
    assert_eq!(store.reading_count().expect("count"), 1);
}

#[test]
fn backups_are_encrypted_copies_rotated_to_the_configured_count() {
    let st = Station::new();
    let clock = Arc::new(station_core::clock::ManualClock::new(
        chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
    ));
    let options = StoreOptions {
        backup_copies: 2,
        ..st.options()
    };
    let store = Store::open_with(st.dir(), clock.clone(), &options).expect("open");
    fill(&store, 130);
    let mut taken = Vec::new();
    for _ in 0..3 {
        synced::take();
        taken.push(store.backup_now().expect("backup"));
        // The copy's rename into place was made durable.
        assert!(synced::take().iter().any(|d| d == store.backup_dir()));
    }
    // Same second twice (a manual clock): names still differ and sort by time.
    let listed = store.backups().expect("list");
    assert_eq!(
        listed.iter().map(|b| &b.path).collect::<Vec<_>>(),
        vec![&taken[2].path, &taken[1].path]
    );
    let bytes = std::fs::read(&taken[2].path).expect("backup");
    assert_ne!(&bytes[..16], PLAIN_HEADER);
    // No partial copy is left behind.
    let names: Vec<String> = std::fs::read_dir(store.backup_dir())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_backup_does_not_wait_for_a_writer() {
    let st = Station::new();
    let store = st.open().expect("open");
    fill(&store, 130);
    // Another connection holds a write transaction for the whole backup.
    let writer = store.second_connection().expect("conn");
    writer
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM audit_events;")
        .expect("write");
    let backup = store.backup_now().expect("backup under a writer");
    writer.execute_batch("ROLLBACK;").expect("rollback");
    assert!(backup.path.exists());
}

#[test]
fn the_maintenance_thread_backs_up_when_due() {
    let st = Station::new();
    let store = Arc::new(st.open().expect("open"));
    fill(&store, 130);
    let plan = Maintenance {
        backup_every: Duration::from_secs(3600),
        retention_days: None,
    };
    let running = store.spawn_maintenance(plan.clone());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while store.backups().expect("list").is_empty() {
        assert!(std::time::Instant::now() < deadline, "no backup at start");
        std::thread::sleep(Duration::from_millis(20));
    }
    running.stop();
    // The newest backup is fresh: a restart does not take another at once.
    let running = store.spawn_maintenance(plan);
    std::thread::sleep(Duration::from_millis(300));
    running.stop();
    assert_eq!(store.backups().expect("list").len(), 1);
}

#[test]
fn undelivered_data_is_never_purged() {
    let st = Station::new();
    let store = st.open().expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let v = store.start_visit(r, IdentifyMethod::IdCard).expect("visit");
    let old = |s| {
        let mut rec = sample(s, 80);
        rec.taken_at = Local
            .with_ymd_and_hms(2016, 1, 1, 9, 0, 0)
            .single()
            .expect("time");
        rec
    };
    let delivered_old = store.save_reading(v, &old(121), false).expect("save");
    let undelivered_old = store.save_reading(v, &old(122), false).expect("save");
    let alert_unsent_old = store.save_reading(v, &old(185), true).expect("save");
    let delivered_new = store
        .save_reading(v, &sample(123, 80), false)
        .expect("save");
    for id in [delivered_old, alert_unsent_old, delivered_new] {
        store.mark_reading_delivered(id).expect("mark");
    }
    let q = |at: &str| QuestionnaireRecord {
        method: "nbphs-elderly-33".into(),
        answers: vec![3; 33],
        primary: vec![],
        tendencies: vec![],
        needs_review: false,
        taken_at: at.into(),
    };
    let q_old_delivered = store
        .save_questionnaire(v, &q("2016-01-01T10:00:00+08:00"))
        .expect("q");
    store
        .save_questionnaire(v, &q("2016-01-02T10:00:00+08:00"))
        .expect("q");
    store
        .mark_questionnaire_delivered(q_old_delivered)
        .expect("mark");

    let keep = chrono::Duration::days(365);
    let purged = store.purge_delivered_older_than(keep).expect("purge");
    assert_eq!(
        purged,
        Purged {
            readings: 1,
            questionnaires: 1,
            alerts: 0
        }
    );
    let left: Vec<ReadingId> = store
        .visit_readings(v)
        .expect("list")
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert!(left.contains(&undelivered_old), "undelivered: never purged");
    assert!(
        left.contains(&alert_unsent_old),
        "its alert is not sent yet"
    );
    assert!(left.contains(&delivered_new), "within the retention period");
    assert!(!left.contains(&delivered_old));
    assert_eq!(store.visit_questionnaires(v).expect("q").len(), 1);
    assert_eq!(
        store.audit_events(1).expect("audit")[0].action,
        "data_purged"
    );

    // Once the alert is sent, that reading goes too; the undelivered one still stays.
    let alert = store.queued_alerts(10).expect("alerts")[0].id;
    store.mark_alert_sent(alert).expect("sent");
    let purged = store.purge_delivered_older_than(keep).expect("purge");
    assert_eq!((purged.readings, purged.alerts), (1, 1));
    let left: Vec<ReadingId> = store
        .visit_readings(v)
        .expect("list")
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left, vec![undelivered_old, delivered_new]);
    // Nothing delivered is left past the period: a further purge removes nothing.
    assert_eq!(
        store.purge_delivered_older_than(keep).expect("purge"),
        Purged::default()
    );
}

fn stored_masks(store: &Store) -> Vec<String> {
    let conn = store.second_connection().expect("conn");
    let mut stmt = conn
        .prepare("SELECT masked_id FROM residents ORDER BY id")
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<Vec<String>, _>>()
        .expect("rows");
    rows
}

#[test]
fn the_store_keeps_the_last_four_id_characters_only() {
    let st = Station::new();
    let store = st.open().expect("open");
    store.upsert_resident(&resident_id(), "张*华").expect("r");
    store
        .upsert_health_code_resident(
            "4243669509084040896099330000",
            "424*********************0000",
        )
        .expect("code");
    assert_eq!(
        stored_masks(&store),
        vec!["**************002X", "************************0000"]
    );
    assert_eq!(stored_mask("3301**********1234"), "**************1234");
    assert_eq!(stored_mask("12"), "12");
}

/// A store as written before encryption: plain SQLite, schema version 4, the HMAC key in
/// `station.key` beside it, masked IDs with 8 characters.
fn legacy_station(dir: &Path, legacy_key: &[u8; 32]) {
    let conn = Connection::open(dir.join(DB_FILE)).expect("plain");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    for step in &migrations::STEPS[..4] {
        conn.execute_batch(step).expect("step");
    }
    conn.pragma_update(None, "user_version", 4)
        .expect("version");
    let mut mac = Hmac::<Sha256>::new_from_slice(legacy_key).expect("mac");
    mac.update(resident_id().expose().as_bytes());
    let hash = mac.finalize().into_bytes().to_vec();
    conn.execute(
        "INSERT INTO residents (id_hash, masked_id, masked_name, first_seen, last_seen)
         VALUES (?1, '1101**********002X', '张*华', '2026-01-01', '2026-01-01')",
        params![hash],
    )
    .expect("resident");
    conn.execute(
        "INSERT INTO visits (resident_id, identified_by, started_at) VALUES (1, 'id_card', '2026-01-01T09:00:00+08:00')",
        [],
    )
    .expect("visit");
    drop(conn);
    std::fs::write(dir.join(LEGACY_KEY_FILE), legacy_key).expect("key");
}

#[test]
fn a_store_from_before_encryption_is_encrypted_and_its_residents_kept() {
    let st = Station::new();
    let legacy_key = [0x42u8; 32];
    legacy_station(st.dir(), &legacy_key);
    assert_eq!(
        &std::fs::read(st.db()).expect("db")[..16],
        PLAIN_HEADER,
        "the old store is plain"
    );

    let store = st.open().expect("open");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    // Encrypted now; the old key file is gone from beside the data (it lives inside).
    assert_ne!(&std::fs::read(st.db()).expect("db")[..16], PLAIN_HEADER);
    assert!(!st.dir().join(LEGACY_KEY_FILE).exists());
    // The same ID is still the same resident (the old HMAC key was kept).
    let again = store.upsert_resident(&resident_id(), "张*华").expect("r");
    assert_eq!(again, ResidentId(1));
    assert_eq!(store.resident_count().expect("count"), 1);
    // Migration 5 cut the stored ID to its last four characters.
    assert_eq!(stored_masks(&store), vec!["**************002X"]);
    drop(store);
    // And all of that holds across a reopen (the kept key is read from inside).
    let store = st.open().expect("reopen");
    assert_eq!(
        store.upsert_resident(&resident_id(), "张*华").expect("r"),
        ResidentId(1)
    );
}

#[test]
fn a_store_from_before_encryption_without_its_key_is_a_stop() {
    let st = Station::new();
    legacy_station(st.dir(), &[0x42u8; 32]);
    std::fs::remove_file(st.dir().join(LEGACY_KEY_FILE)).expect("rm");
    assert!(matches!(st.open(), Err(StoreError::KeyMissing { .. })));
    assert_eq!(&std::fs::read(st.db()).expect("db")[..16], PLAIN_HEADER);
}

/// `Store::open` finds the key as the app does: a systemd credential when the unit has one,
/// else `HEALTH_STATION_KEY_DIR`, else the configured directory, else the user's config dir.
/// (The only test that touches these variables.)
#[test]
fn the_key_is_located_as_the_app_locates_it() {
    let creds = tempfile::tempdir().expect("tempdir");
    let env_dir = tempfile::tempdir().expect("tempdir");
    let configured = tempfile::tempdir().expect("tempdir");
    std::env::remove_var("CREDENTIALS_DIRECTORY");
    std::env::remove_var(KEY_DIR_ENV);
    assert_eq!(
        KeyStore::locate(Some(configured.path())).expect("locate"),
        KeyStore::in_dir(configured.path())
    );
    if let Some(default) = default_key_dir() {
        assert_eq!(
            KeyStore::locate(None).expect("locate"),
            KeyStore::in_dir(&default)
        );
    }
    std::env::set_var(KEY_DIR_ENV, env_dir.path());
    assert_eq!(
        KeyStore::locate(Some(configured.path())).expect("locate"),
        KeyStore::in_dir(env_dir.path())
    );
    // A unit given the credential: that wins.
    std::env::set_var("CREDENTIALS_DIRECTORY", creds.path());
    assert_eq!(
        KeyStore::locate(None).expect("locate"),
        KeyStore::in_dir(env_dir.path()),
        "no credential of ours in the directory: not used"
    );
    std::fs::write(creds.path().join(CREDENTIAL_NAME), "ab".repeat(32)).expect("cred");
    let located = KeyStore::locate(None).expect("locate");
    assert_eq!(
        located,
        KeyStore::SystemdCredential {
            path: creds.path().join(CREDENTIAL_NAME)
        }
    );
    // A station on the credential opens; the credential is never rewritten.
    let data = tempfile::tempdir().expect("tempdir");
    let store = Store::open(data.path()).expect("open with the credential");
    fill(&store, 120);
    drop(store);
    assert_eq!(
        std::fs::read(creds.path().join(CREDENTIAL_NAME)).expect("cred"),
        "ab".repeat(32).as_bytes()
    );
    assert!(Store::open(data.path()).is_ok());
    std::env::remove_var("CREDENTIALS_DIRECTORY");
    std::env::remove_var(KEY_DIR_ENV);
}

#[test]
fn a_stray_key_file_beside_an_encrypted_store_is_never_adopted() {
    let st = Station::new();
    let store = st.open().expect("open");
    let r = store.upsert_resident(&resident_id(), "张*华").expect("r");
    let hash = store.id_hash(&resident_id());
    drop(store);
    std::fs::write(st.dir().join(LEGACY_KEY_FILE), [0x11u8; 32]).expect("stray key");
    let store = st.open().expect("open");
    assert_eq!(store.id_hash(&resident_id()), hash);
    assert_eq!(
        store.upsert_resident(&resident_id(), "张*华").expect("r"),
        r
    );
    // Left where it was, for a person to look at.
    assert!(st.dir().join(LEGACY_KEY_FILE).exists());
}
