//! Doctor accounts: argon2id password hashes in the console's store, lockout after
//! [`MAX_FAILED_LOGINS`] wrong passwords in a row for [`LOCKOUT_MINUTES`], and sessions that end
//! after [`SESSION_IDLE_MINUTES`] without use or [`SESSION_MAX_HOURS`] in all. Sessions are kept
//! in the store (only each token's SHA-256), so restarting the console (an update, a crash) does
//! not sign out a doctor in the middle of a clinic; the same limits apply across the restart.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use thiserror::Error;

use crate::clock::Clock;
use crate::secret;
use crate::store::{audit, parse_time, Actor, ConsoleStore, StoreError};

pub const MAX_FAILED_LOGINS: u32 = 5;
pub const LOCKOUT_MINUTES: i64 = 15;
pub const SESSION_IDLE_MINUTES: i64 = 30;
pub const SESSION_MAX_HOURS: i64 = 10;
/// Shorter passwords are refused when an account is made.
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Doctor {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub group: String,
}

#[derive(Debug, Error)]
pub enum LoginError {
    /// Unknown user or wrong password: one error for both, so a name cannot be probed.
    #[error("wrong username or password")]
    WrongCredentials,
    #[error("this account is locked after {MAX_FAILED_LOGINS} wrong passwords until {until}")]
    Locked { until: DateTime<Utc> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Error)]
pub enum AccountError {
    #[error("the username must be 1 to 64 letters, digits, '.', '_' or '-'")]
    BadUsername,
    #[error("the name and group must not be empty or longer than 64 characters")]
    BadName,
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    #[error("the account {0} exists already")]
    Exists(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Accounts {
    store: Arc<ConsoleStore>,
    clock: Clock,
}

impl Accounts {
    pub fn new(store: Arc<ConsoleStore>, clock: Clock) -> Accounts {
        Accounts { store, clock }
    }

    pub fn add_doctor(
        &self,
        username: &str,
        display_name: &str,
        group: &str,
        password: &str,
    ) -> Result<Doctor, AccountError> {
        let username_ok = !username.is_empty()
            && username.len() <= 64
            && username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !username_ok {
            return Err(AccountError::BadUsername);
        }
        let name_ok = |s: &str| !s.trim().is_empty() && s.chars().count() <= 64;
        if !name_ok(display_name) || !name_ok(group) {
            return Err(AccountError::BadName);
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AccountError::ShortPassword);
        }
        let hash = hash_password(password)?;
        let now = (self.clock)();
        self.store
            .write(|tx| {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM doctors WHERE username = ?1)",
                    [username],
                    |r| r.get(0),
                )?;
                if exists {
                    return Ok(None);
                }
                tx.execute(
                    "INSERT INTO doctors (username, display_name, doctor_group, password_hash)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![username, display_name.trim(), group.trim(), hash],
                )?;
                let id = tx.last_insert_rowid();
                audit(tx, now, &Actor::Console, "doctor_added", None, username)?;
                Ok(Some(Doctor {
                    id,
                    username: username.to_string(),
                    display_name: display_name.trim().to_string(),
                    group: group.trim().to_string(),
                }))
            })?
            .ok_or_else(|| AccountError::Exists(username.to_string()))
    }

    /// Checks the password; a new session token on success. Every outcome is audited.
    pub fn login(&self, username: &str, password: &str) -> Result<(String, Doctor), LoginError> {
        let now = (self.clock)();
        let row = self.store.read(|c| {
            Ok(c.query_row(
                "SELECT id, display_name, doctor_group, password_hash, failed_logins, locked_until
                 FROM doctors WHERE username = ?1",
                [username],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, u32>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                },
            )
            .optional()?)
        })?;
        let Some((id, display_name, group, hash, failed, locked_until)) = row else {
            // Same work as for a real account, so timing tells nothing either.
            let _ = verify_password(dummy_hash(), password);
            let actor = Actor::Username(username.chars().take(64).collect());
            self.store
                .write(|tx| audit(tx, now, &actor, "login_failed", None, "unknown account"))?;
            return Err(LoginError::WrongCredentials);
        };
        let actor = Actor::Doctor(id);
        if let Some(until) = locked_until.as_deref().map(parse_time).transpose()? {
            if until > now {
                self.store
                    .write(|tx| audit(tx, now, &actor, "login_refused_locked", None, ""))?;
                return Err(LoginError::Locked { until });
            }
        }
        if !verify_password(&hash, password) {
            let failed = failed + 1;
            let locked =
                (failed >= MAX_FAILED_LOGINS).then(|| now + Duration::minutes(LOCKOUT_MINUTES));
            self.store.write(|tx| {
                tx.execute(
                    "UPDATE doctors SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1",
                    params![
                        id,
                        if locked.is_some() { 0 } else { failed },
                        locked.map(|t| t.to_rfc3339())
                    ],
                )?;
                audit(
                    tx,
                    now,
                    &actor,
                    "login_failed",
                    None,
                    &format!("{failed} in a row"),
                )?;
                if let Some(until) = locked {
                    audit(tx, now, &actor, "doctor_locked", None, &until.to_rfc3339())?;
                }
                Ok(())
            })?;
            return Err(match locked {
                Some(until) => LoginError::Locked { until },
                None => LoginError::WrongCredentials,
            });
        }
        let token = secret::random_hex().map_err(|e| StoreError::Data(e.to_string()))?;
        self.store.write(|tx| {
            tx.execute(
                "UPDATE doctors SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
                [id],
            )?;
            forget_expired(tx, now)?;
            tx.execute(
                "INSERT INTO sessions (token_digest, doctor_id, started_at, last_used_at)
                 VALUES (?1, ?2, ?3, ?3)",
                params![secret::digest(&token), id, session_time(now)],
            )?;
            audit(tx, now, &actor, "login", None, "")
        })?;
        let doctor = Doctor {
            id,
            username: username.to_string(),
            display_name,
            group,
        };
        Ok((token, doctor))
    }

    /// The doctor of a live session (and the session counts as used); `None` once it expired.
    pub fn session(&self, token: &str) -> Option<Doctor> {
        let now = (self.clock)();
        let digest = secret::digest(token);
        let found = self.store.write(|tx| {
            let row = tx
                .query_row(
                    "SELECT d.id, d.username, d.display_name, d.doctor_group,
                            s.started_at, s.last_used_at
                     FROM sessions s JOIN doctors d ON d.id = s.doctor_id
                     WHERE s.token_digest = ?1",
                    [&digest],
                    |r| {
                        Ok((
                            Doctor {
                                id: r.get(0)?,
                                username: r.get(1)?,
                                display_name: r.get(2)?,
                                group: r.get(3)?,
                            },
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((doctor, started, last_used)) = row else {
                return Ok(None);
            };
            if expired(parse_time(&started)?, parse_time(&last_used)?, now) {
                tx.execute("DELETE FROM sessions WHERE token_digest = ?1", [&digest])?;
                return Ok(None);
            }
            tx.execute(
                "UPDATE sessions SET last_used_at = ?2 WHERE token_digest = ?1",
                params![digest, session_time(now)],
            )?;
            Ok(Some(doctor))
        });
        found.unwrap_or_else(|e| {
            // The safe side: no session the store cannot vouch for.
            tracing::error!(error = %e, "cannot look up a doctor's session");
            None
        })
    }

    pub fn logout(&self, token: &str) {
        let now = (self.clock)();
        let digest = secret::digest(token);
        let ended = self.store.write(|tx| {
            let doctor: Option<i64> = tx
                .query_row(
                    "DELETE FROM sessions WHERE token_digest = ?1 RETURNING doctor_id",
                    [&digest],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = doctor {
                audit(tx, now, &Actor::Doctor(id), "logout", None, "")?;
            }
            Ok(())
        });
        if let Err(e) = ended {
            tracing::error!(error = %e, "cannot end a doctor's session");
        }
    }
}

fn expired(started: DateTime<Utc>, last_used: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - last_used > Duration::minutes(SESSION_IDLE_MINUTES)
        || now - started > Duration::hours(SESSION_MAX_HOURS)
}

/// A session's times, in one fixed-width UTC form so that they compare as text in SQL.
fn session_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Drops sessions past either limit, so the table holds only live ones.
fn forget_expired(tx: &rusqlite::Transaction<'_>, now: DateTime<Utc>) -> Result<(), StoreError> {
    let idle_since = session_time(now - Duration::minutes(SESSION_IDLE_MINUTES));
    let started_since = session_time(now - Duration::hours(SESSION_MAX_HOURS));
    tx.execute(
        "DELETE FROM sessions WHERE last_used_at < ?1 OR started_at < ?2",
        params![idle_since, started_since],
    )?;
    Ok(())
}

/// An argon2id hash of a random password nobody knows, verified against for unknown usernames.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let unknowable = secret::random_hex().unwrap_or_default();
        hash_password(&unknowable).unwrap_or_default()
    })
}

fn hash_password(password: &str) -> Result<String, AccountError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AccountError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}
