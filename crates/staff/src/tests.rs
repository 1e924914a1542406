use std::path::Path;

use chrono::NaiveTime;
use station_core::clock::ManualClock;
use station_store::{KeyStore, StoreOptions};

use super::*;

struct Bed {
    _dir: tempfile::TempDir,
    store: Arc<Store>,
    clock: Arc<ManualClock>,
    pins: StaffPins,
}

fn bed() -> Bed {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(ManualClock::new(
        NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
    ));
    let store = Arc::new(open(dir.path(), clock.clone()));
    let pins = StaffPins::new(store.clone(), clock.clone());
    Bed {
        _dir: dir,
        store,
        clock,
        pins,
    }
}

fn open(dir: &Path, clock: Arc<ManualClock>) -> Store {
    let options = StoreOptions::with_keys(dir, KeyStore::in_dir(&dir.join("test-keys")));
    Store::open_with(dir, clock, &options).expect("open")
}

fn badge() -> PinHolder {
    PinHolder::Badge(vec![0x04, 0xA1, 0xB2, 0xC3])
}

const PIN: &str = "482916";

fn actions(store: &Store) -> Vec<String> {
    let mut lines: Vec<String> = store
        .audit_events(100)
        .expect("audit")
        .into_iter()
        .map(|l| l.action)
        .collect();
    lines.reverse();
    lines
}

#[test]
fn a_pin_is_set_at_first_use_and_never_replaced_that_way() {
    let b = bed();
    assert!(!b.pins.is_set(&badge()).expect("read"));
    assert_eq!(
        b.pins.verify(&badge(), PIN).expect("verify"),
        Verdict::NotSet
    );
    b.pins.set_first(&badge(), PIN).expect("set");
    assert!(b.pins.is_set(&badge()).expect("read"));
    assert!(matches!(
        b.pins.set_first(&badge(), "1111"),
        Err(StaffError::AlreadySet(k)) if k == "04A1B2C3"
    ));
    assert_eq!(
        b.pins.verify(&badge(), PIN).expect("verify"),
        Verdict::Entered
    );
    // Holders are apart: the station PIN is not set by a badge's.
    assert_eq!(
        b.pins.verify(&PinHolder::Station, PIN).expect("verify"),
        Verdict::NotSet
    );
    b.pins.set_first(&PinHolder::Station, "2468").expect("set");
    assert_eq!(
        b.pins.verify(&PinHolder::Station, "2468").expect("verify"),
        Verdict::Entered
    );
    assert_eq!(
        actions(&b.store),
        vec![
            "admin_pin_set",
            "admin_entered",
            "admin_pin_set",
            "admin_entered"
        ]
    );
}

#[test]
fn the_hash_is_argon2id_salted_and_never_contains_the_pin() {
    let b = bed();
    b.pins.set_first(&badge(), PIN).expect("set");
    let phc = b
        .store
        .pin_record("04A1B2C3")
        .expect("read")
        .expect("set")
        .phc;
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(!phc.contains(PIN), "{phc}");
    // A fresh salt each time: the same PIN never gives the same string.
    let again = hash_pin(PIN).expect("hash");
    assert_ne!(again, phc);
    assert!(pin_matches(PIN, &again).expect("check"));
    assert!(!pin_matches("482917", &again).expect("check"));
    // The audit trail holds no PIN either.
    for line in b.store.audit_events(10).expect("audit") {
        assert!(!line.detail.contains(PIN), "{line:?}");
    }
}

#[test]
fn wrong_pins_are_counted_and_the_fifth_locks_even_the_right_pin_out_for_five_minutes() {
    let b = bed();
    b.pins.set_first(&badge(), PIN).expect("set");
    for left in (1..MAX_WRONG).rev() {
        assert_eq!(
            b.pins.verify(&badge(), "0000").expect("verify"),
            Verdict::Wrong { tries_left: left }
        );
    }
    assert_eq!(
        b.store
            .pin_record("04A1B2C3")
            .expect("read")
            .map(|r| r.failures),
        Some(4)
    );
    let start = b.clock.now();
    let Verdict::LockedOut { until } = b.pins.verify(&badge(), "0000").expect("verify") else {
        panic!("the fifth wrong PIN locks");
    };
    assert_eq!(until, start + chrono::Duration::minutes(5));
    // Locked: even the right PIN is refused, and nothing more is counted.
    b.clock.advance(Duration::from_secs(4 * 60 + 59));
    assert_eq!(
        b.pins.verify(&badge(), PIN).expect("verify"),
        Verdict::StillLocked { until }
    );
    // Five minutes on: the right PIN opens.
    b.clock.advance(Duration::from_secs(1));
    assert_eq!(
        b.pins.verify(&badge(), PIN).expect("verify"),
        Verdict::Entered
    );
    let mut expected = vec!["admin_pin_set"];
    expected.extend(["admin_pin_wrong"; 4]);
    expected.extend(["admin_locked", "admin_entered"]);
    assert_eq!(actions(&b.store), expected);
    let locked = &b.store.audit_events(2).expect("audit")[1];
    assert_eq!(locked.actor, "staff:04A1B2C3");
    assert!(locked.detail.starts_with("locked until "), "{locked:?}");
}

#[test]
fn after_a_lockout_the_count_starts_again() {
    let b = bed();
    b.pins.set_first(&badge(), PIN).expect("set");
    for _ in 0..MAX_WRONG {
        b.pins.verify(&badge(), "0000").expect("verify");
    }
    b.clock.advance(LOCKOUT);
    assert_eq!(
        b.pins.verify(&badge(), "0000").expect("verify"),
        Verdict::Wrong {
            tries_left: MAX_WRONG - 1
        }
    );
}

#[test]
fn the_right_pin_resets_the_count() {
    let b = bed();
    b.pins.set_first(&badge(), PIN).expect("set");
    for _ in 0..MAX_WRONG - 1 {
        b.pins.verify(&badge(), "0000").expect("verify");
    }
    assert_eq!(
        b.pins.verify(&badge(), PIN).expect("verify"),
        Verdict::Entered
    );
    assert_eq!(
        b.store
            .pin_record("04A1B2C3")
            .expect("read")
            .map(|r| r.failures),
        Some(0)
    );
    assert_eq!(
        b.pins.verify(&badge(), "0000").expect("verify"),
        Verdict::Wrong {
            tries_left: MAX_WRONG - 1
        }
    );
}

#[test]
fn a_lockout_survives_a_restart_and_a_clock_set_back_cannot_stretch_it() {
    let b = bed();
    b.pins.set_first(&badge(), PIN).expect("set");
    for _ in 0..MAX_WRONG {
        b.pins.verify(&badge(), "0000").expect("verify");
    }
    // The app restarts: a new StaffPins on the same store still refuses.
    let again = StaffPins::new(b.store.clone(), b.clock.clone());
    assert!(matches!(
        again.verify(&badge(), PIN).expect("verify"),
        Verdict::StillLocked { .. }
    ));
    // The wall clock is set back an hour: the lockout ends five minutes from now, not in 65.
    b.clock.set_now(b.clock.now() - chrono::Duration::hours(1));
    let back = b.clock.now();
    assert_eq!(
        again.verify(&badge(), PIN).expect("verify"),
        Verdict::StillLocked {
            until: back + chrono::Duration::minutes(5)
        }
    );
    b.clock.advance(LOCKOUT);
    assert_eq!(
        again.verify(&badge(), PIN).expect("verify"),
        Verdict::Entered
    );
}

#[test]
fn pins_shorter_than_four_or_not_digits_are_refused() {
    let b = bed();
    for (pin, rule) in [
        ("", PinRule::TooShort),
        ("123", PinRule::TooShort),
        ("12a4", PinRule::NotDigits),
        ("12 34", PinRule::NotDigits),
        ("１２３４", PinRule::NotDigits), // full-width digits
        ("1234567890123", PinRule::TooLong),
    ] {
        assert_eq!(check_pin(pin), Err(rule), "{pin:?}");
        assert!(
            matches!(b.pins.set_first(&badge(), pin), Err(StaffError::Pin(r)) if r == rule),
            "{pin:?}"
        );
    }
    assert!(!b.pins.is_set(&badge()).expect("read"));
    assert_eq!(check_pin("0000"), Ok(()));
    assert_eq!(check_pin("123456789012"), Ok(()));
    // A malformed attempt at the keypad counts as a wrong PIN.
    b.pins.set_first(&badge(), PIN).expect("set");
    assert_eq!(
        b.pins.verify(&badge(), "12").expect("verify"),
        Verdict::Wrong {
            tries_left: MAX_WRONG - 1
        }
    );
}

#[test]
fn a_pin_is_changed_only_with_the_old_one() {
    let b = bed();
    b.pins.set_first(&badge(), PIN).expect("set");
    assert_eq!(
        b.pins.change(&badge(), "0000", "135790").expect("change"),
        Verdict::Wrong {
            tries_left: MAX_WRONG - 1
        }
    );
    assert!(matches!(
        b.pins.change(&badge(), PIN, "12"),
        Err(StaffError::Pin(PinRule::TooShort))
    ));
    assert_eq!(
        b.pins.change(&badge(), PIN, "135790").expect("change"),
        Verdict::Entered
    );
    assert_eq!(
        b.pins.verify(&badge(), PIN).expect("verify"),
        Verdict::Wrong {
            tries_left: MAX_WRONG - 1
        }
    );
    assert_eq!(
        b.pins.verify(&badge(), "135790").expect("verify"),
        Verdict::Entered
    );
}

#[test]
fn holders_are_named_by_badge_hex_or_station() {
    assert_eq!(badge().key(), "04A1B2C3");
    assert_eq!(PinHolder::Station.key(), "station");
}
