//! The console's store on disk: encrypted with its own key, refused with a clear error when the
//! key is missing, wrong or damaged, or when the file is not encrypted; doctors' sessions kept
//! across a restart with the same limits. Real SQLCipher files in a temp folder.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use station_clinic::clock::Clock;
use station_clinic::{Accounts, ConsoleStore, StoreError};

const PASSWORD: &str = "correct horse battery";

struct Paths {
    _dir: tempfile::TempDir,
    db: PathBuf,
    key: PathBuf,
}

fn paths() -> Paths {
    let dir = tempfile::tempdir().unwrap();
    Paths {
        db: dir.path().join("data/console.db"),
        key: dir.path().join("keys/store.key"),
        _dir: dir,
    }
}

/// A clock the test moves, and the console's view of it.
fn clock() -> (Arc<Mutex<DateTime<Utc>>>, Clock) {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).single().unwrap();
    let now = Arc::new(Mutex::new(start));
    let read = now.clone();
    (now, Arc::new(move || *read.lock().unwrap()))
}

fn advance(now: &Mutex<DateTime<Utc>>, minutes: i64) {
    *now.lock().unwrap() += Duration::minutes(minutes);
}

fn open(p: &Paths) -> Arc<ConsoleStore> {
    Arc::new(ConsoleStore::open(&p.db, &p.key).unwrap())
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_new_store_is_encrypted_with_a_private_key_made_at_the_first_start() {
    let p = paths();
    let (_, clock) = clock();
    {
        let accounts = Accounts::new(open(&p), clock.clone());
        // i18n-exempt: test data
        accounts
            .add_doctor("li.na", "李娜医生", "wuma", PASSWORD)
            .unwrap();
    }
    let key = std::fs::read_to_string(&p.key).unwrap();
    assert_eq!(key.trim().len(), 64, "{key:?}");
    assert!(key.trim().chars().all(|c| c.is_ascii_hexdigit()));
    #[cfg(unix)]
    {
        assert_eq!(mode(&p.key), 0o600, "the key is the owner's only");
        assert_eq!(mode(&p.db), 0o600, "the store is the owner's only");
    }
    let bytes = std::fs::read(&p.db).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3\0"), "not encrypted");
    for plain in ["li.na".as_bytes(), "李娜医生".as_bytes(), b"CREATE TABLE"] {
        assert!(
            !bytes.windows(plain.len()).any(|w| w == plain),
            "{:?} in the clear",
            String::from_utf8_lossy(plain)
        );
    }
    // The same key opens it again, with the account in it.
    let accounts = Accounts::new(open(&p), clock);
    assert!(accounts.login("li.na", PASSWORD).is_ok());
}

#[test]
fn a_missing_wrong_or_damaged_key_is_refused_and_the_store_is_left_as_it_was() {
    let p = paths();
    drop(open(&p));
    let before = std::fs::read(&p.db).unwrap();
    let key = std::fs::read(&p.key).unwrap();

    std::fs::remove_file(&p.key).unwrap();
    let missing = ConsoleStore::open(&p.db, &p.key).err().unwrap();
    assert!(
        matches!(missing, StoreError::KeyMissing { .. }),
        "{missing}"
    );
    assert!(missing.to_string().contains("store.key"), "{missing}");
    assert!(!p.key.exists(), "no new key made beside an existing store");

    std::fs::write(&p.key, "ab".repeat(32)).unwrap();
    let wrong = ConsoleStore::open(&p.db, &p.key).err().unwrap();
    assert!(matches!(wrong, StoreError::WrongKey { .. }), "{wrong}");

    std::fs::write(&p.key, "not a key").unwrap();
    let damaged = ConsoleStore::open(&p.db, &p.key).err().unwrap();
    assert!(
        matches!(damaged, StoreError::KeyMalformed { .. }),
        "{damaged}"
    );

    assert_eq!(std::fs::read(&p.db).unwrap(), before, "the store untouched");
    std::fs::write(&p.key, key).unwrap();
    assert!(ConsoleStore::open(&p.db, &p.key).is_ok());
}

#[test]
fn an_unencrypted_store_is_refused() {
    let p = paths();
    std::fs::create_dir_all(p.db.parent().unwrap()).unwrap();
    let plain = rusqlite::Connection::open(&p.db).unwrap();
    plain.execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
    drop(plain);
    let refused = ConsoleStore::open(&p.db, &p.key).err().unwrap();
    assert!(matches!(refused, StoreError::Plaintext { .. }), "{refused}");
    assert!(!p.key.exists());
}

#[test]
fn a_doctors_session_outlives_a_console_restart_with_the_same_limits() {
    let p = paths();
    let (now, clock) = clock();
    let (token, other) = {
        let accounts = Accounts::new(open(&p), clock.clone());
        accounts.add_doctor("li", "Li", "wuma", PASSWORD).unwrap();
        accounts
            .add_doctor("wang", "Wang", "wuma", PASSWORD)
            .unwrap();
        let (token, _) = accounts.login("li", PASSWORD).unwrap();
        let (other, _) = accounts.login("wang", PASSWORD).unwrap();
        (token, other)
    };

    // The console restarts: the same store and key, a new process's accounts.
    let store = open(&p);
    let accounts = Accounts::new(store.clone(), clock.clone());
    advance(&now, 20);
    assert_eq!(
        accounts.session(&token).map(|d| d.username),
        Some("li".into())
    );
    // Only each token's digest is kept.
    let kept: Vec<Vec<u8>> = store
        .read(|c| {
            let mut stmt = c.prepare("SELECT token_digest FROM sessions")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|d| d.len() == 32 && d != token.as_bytes()));

    // Logging out after the restart ends it, audited; a made-up token finds nothing.
    accounts.logout(&token);
    assert_eq!(accounts.session(&token), None);
    assert_eq!(accounts.session(&"0".repeat(64)), None);
    let events: Vec<String> = store
        .audit()
        .unwrap()
        .into_iter()
        .map(|a| a.event)
        .collect();
    assert_eq!(events.last().map(String::as_str), Some("logout"));

    // wang's session was last used at login, 20 minutes ago: 11 more idle minutes end it,
    // across another restart.
    advance(&now, 11);
    let accounts = Accounts::new(open(&p), clock);
    assert_eq!(accounts.session(&other), None);
}

#[test]
fn sessions_end_after_ten_hours_even_when_used_and_expired_ones_are_dropped() {
    let p = paths();
    let (now, clock) = clock();
    let store = open(&p);
    let accounts = Accounts::new(store.clone(), clock);
    accounts.add_doctor("li", "Li", "wuma", PASSWORD).unwrap();
    let (token, _) = accounts.login("li", PASSWORD).unwrap();
    for _ in 0..(10 * 60 / 25) {
        advance(&now, 25);
        assert!(accounts.session(&token).is_some(), "used every 25 minutes");
    }
    advance(&now, 25);
    assert_eq!(accounts.session(&token), None, "past 10 hours in all");
    // An abandoned session is dropped at the next login.
    let (_, _) = accounts.login("li", PASSWORD).unwrap();
    advance(&now, 31);
    accounts.login("li", PASSWORD).unwrap();
    let count: i64 = store
        .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(count, 1, "only the live session is kept");
}
