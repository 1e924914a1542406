//! Staff PINs for admin mode (issue 14).
//!
//! - A staff member taps their badge, then types a PIN. The PIN is **set at first use** per badge
//!   ([`PinHolder::Badge`]); a station without badges has one **station PIN**
//!   ([`PinHolder::Station`]) for the corner long-press entry.
//! - PINs are 4 to 12 digits ([`check_pin`]), kept only as an **argon2id** hash with a random
//!   16-byte salt per PIN, as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
//! - **Lockout**: after [`MAX_WRONG`] wrong PINs in a row, entry for that holder is refused for
//!   [`LOCKOUT`], even with the right PIN; time comes from the injected
//!   [`station_core::clock::Clock`]. A right PIN resets the count.
//! - **Kept in the store** (`staff_pins`, inside the encrypted file): every change is written with
//!   its audit line in one transaction (`admin_pin_set`, `admin_entered`, `admin_pin_wrong`,
//!   `admin_locked`). The [`Verdict`] tells the caller what happened (for the screen); it does
//!   not need to audit it again.

use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Local};
use station_core::clock::Clock;
use station_store::{AuditEvent, PinRecord, Store, StoreError};
use thiserror::Error;

/// Wrong PINs in a row that lock entry.
pub const MAX_WRONG: u32 = 5;
/// How long entry stays locked.
pub const LOCKOUT: Duration = Duration::from_secs(5 * 60);
/// Shortest PIN.
pub const MIN_PIN_LEN: usize = 4;
/// Longest PIN (the on-screen keypad's field).
pub const MAX_PIN_LEN: usize = 12;

/// Whose PIN: a staff badge (its card UID), or the station's own for the corner long-press
/// entry of a station without badges.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PinHolder {
    Badge(Vec<u8>),
    Station,
}

impl PinHolder {
    /// How the holder is named in the store and the audit trail: the badge UID in hexadecimal
    /// ("04A1B2C3"), or "station".
    pub fn key(&self) -> String {
        match self {
            PinHolder::Badge(uid) => uid.iter().map(|b| format!("{b:02X}")).collect(),
            PinHolder::Station => "station".into(),
        }
    }
}

/// Why a PIN cannot be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PinRule {
    #[error("a PIN has at least {MIN_PIN_LEN} digits")]
    TooShort,
    #[error("a PIN has at most {MAX_PIN_LEN} digits")]
    TooLong,
    #[error("a PIN is made of digits only")]
    NotDigits,
}

#[derive(Debug, Error)]
pub enum StaffError {
    #[error("PIN refused: {0}")]
    Pin(#[from] PinRule),
    /// A first PIN was asked for, but this holder has one already (change it with the old one).
    #[error("a PIN is already set for {0}")]
    AlreadySet(String),
    /// No PIN yet: set one first.
    #[error("no PIN is set for {0}")]
    NotSet(String),
    #[error("the PIN store: {0}")]
    Store(#[from] StoreError),
    /// Hashing failed, or a stored hash cannot be read.
    #[error("PIN hash: {0}")]
    Hash(String),
}

/// What a PIN attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The right PIN: admin mode may open (audited `admin_entered`).
    Entered,
    /// A wrong PIN (audited `admin_pin_wrong`); `tries_left` before entry locks.
    Wrong { tries_left: u32 },
    /// This wrong PIN was one too many: locked until `until` (audited `admin_locked`).
    LockedOut { until: DateTime<Local> },
    /// Locked by earlier wrong PINs: refused without looking at the PIN.
    StillLocked { until: DateTime<Local> },
    /// This holder has no PIN yet: ask for one ([`StaffPins::set_first`]).
    NotSet,
}

/// Checks a PIN a staff member chooses: 4 to 12 ASCII digits.
pub fn check_pin(pin: &str) -> Result<(), PinRule> {
    if !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PinRule::NotDigits);
    }
    match pin.len() {
        n if n < MIN_PIN_LEN => Err(PinRule::TooShort),
        n if n > MAX_PIN_LEN => Err(PinRule::TooLong),
        _ => Ok(()),
    }
}

/// The argon2id PHC string of `pin` with a fresh random salt.
pub fn hash_pin(pin: &str) -> Result<String, StaffError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StaffError::Hash(format!("no random salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StaffError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StaffError::Hash(e.to_string()))
}

/// Whether `pin` matches the PHC string (its own parameters and salt).
pub fn pin_matches(pin: &str, phc: &str) -> Result<bool, StaffError> {
    let parsed = PasswordHash::new(phc).map_err(|e| StaffError::Hash(e.to_string()))?;
    match Argon2::default().verify_password(pin.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(StaffError::Hash(e.to_string())),
    }
}

/// The station's staff PINs, in its store, on its clock.
pub struct StaffPins {
    store: Arc<Store>,
    clock: Arc<dyn Clock>,
}

impl StaffPins {
    pub fn new(store: Arc<Store>, clock: Arc<dyn Clock>) -> StaffPins {
        StaffPins { store, clock }
    }

    /// Whether `holder` has chosen a PIN (if not, the keypad asks for a new one).
    pub fn is_set(&self, holder: &PinHolder) -> Result<bool, StaffError> {
        Ok(self.store.pin_record(&holder.key())?.is_some())
    }

    /// Keeps the first PIN of `holder` (audited `admin_pin_set`). Refused when the PIN breaks a
    /// rule, or when the holder already has one: a first PIN never replaces a PIN.
    pub fn set_first(&self, holder: &PinHolder, pin: &str) -> Result<(), StaffError> {
        check_pin(pin)?;
        let badge = holder.key();
        let record = PinRecord {
            badge: badge.clone(),
            phc: hash_pin(pin)?,
            failures: 0,
            locked_until: None,
        };
        let event = AuditEvent::AdminPinSet {
            staff: badge.clone(),
        };
        if self.store.create_pin_record(&record, &event)? {
            Ok(())
        } else {
            Err(StaffError::AlreadySet(badge))
        }
    }

    /// Checks a PIN typed at the keypad, counting wrong ones and locking entry after
    /// [`MAX_WRONG`] in a row. Each outcome is audited with the count it changes.
    pub fn verify(&self, holder: &PinHolder, pin: &str) -> Result<Verdict, StaffError> {
        let badge = holder.key();
        let Some(mut record) = self.store.pin_record(&badge)? else {
            return Ok(Verdict::NotSet);
        };
        let now = self.clock.now();
        let lockout = chrono::Duration::from_std(LOCKOUT).unwrap_or_default();
        if let Some(until) = record.locked_until {
            if now < until {
                // A wall clock set back must not stretch a lockout past its length.
                if until > now + lockout {
                    record.locked_until = Some(now + lockout);
                    self.store.update_pin_record(&record, None)?;
                }
                return Ok(Verdict::StillLocked {
                    until: record.locked_until.unwrap_or(until),
                });
            }
            // The lockout is over: a fresh count.
            record.locked_until = None;
            record.failures = 0;
        }
        // A typed PIN that breaks the rules cannot be right; it counts as wrong all the same.
        let right = check_pin(pin).is_ok() && pin_matches(pin, &record.phc)?;
        if right {
            record.failures = 0;
            record.locked_until = None;
            self.store
                .update_pin_record(&record, Some(&AuditEvent::AdminEntered { staff: badge }))?;
            return Ok(Verdict::Entered);
        }
        let failures = record.failures.saturating_add(1);
        if failures >= MAX_WRONG {
            let until = now + lockout;
            record.failures = 0;
            record.locked_until = Some(until);
            self.store.update_pin_record(
                &record,
                Some(&AuditEvent::AdminLocked {
                    staff: badge,
                    until: until.to_rfc3339(),
                }),
            )?;
            return Ok(Verdict::LockedOut { until });
        }
        record.failures = failures;
        self.store.update_pin_record(
            &record,
            Some(&AuditEvent::AdminPinWrong {
                staff: badge,
                failures,
            }),
        )?;
        Ok(Verdict::Wrong {
            tries_left: MAX_WRONG - failures,
        })
    }

    /// Changes a PIN: the old one is checked exactly as at entry (counted, locked), then the new
    /// one replaces it. Returns the verdict on the old PIN; the PIN changed only on `Entered`.
    pub fn change(&self, holder: &PinHolder, old: &str, new: &str) -> Result<Verdict, StaffError> {
        check_pin(new)?;
        let verdict = self.verify(holder, old)?;
        if verdict == Verdict::Entered {
            let badge = holder.key();
            let record = PinRecord {
                badge: badge.clone(),
                phc: hash_pin(new)?,
                failures: 0,
                locked_until: None,
            };
            self.store
                .update_pin_record(&record, Some(&AuditEvent::AdminPinSet { staff: badge }))?;
        }
        Ok(verdict)
    }
}

#[cfg(test)]
mod tests;
