//! Opening the store: the key, encryption of an older plain store, the start-up check and
//! recovery from a backup.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, OptionalExtension};
use station_core::clock::{Clock, SystemClock};
use zeroize::Zeroizing;

use crate::{
    audit, backup, cipher, files, keys, migrations, AuditEvent, Store, StoreError, StoreOptions,
    DB_FILE, KEY_CHECK_FILE, LEGACY_HMAC_SECRET, LEGACY_KEY_FILE,
};

impl Store {
    /// Opens (creating when absent) the store in `dir`, applying pending migrations; stamps
    /// come from the system clock; the key is found as the app finds it by default
    /// ([`StoreOptions::for_dir`]).
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_clock(dir, Arc::new(SystemClock::new()))
    }

    /// [`Store::open`] with the station's clock as the source of every stamp.
    pub fn open_with_clock(dir: &Path, clock: Arc<dyn Clock>) -> Result<Store, StoreError> {
        Store::open_with(dir, clock, &StoreOptions::for_dir(dir)?)
    }

    /// Opens the store in `dir` with its key from `options.keys`:
    /// - a fresh, empty directory gets a new station key (unless the key store is a systemd
    ///   credential, which only an installer provisions);
    /// - a store whose key is missing is a stop ([`StoreError::KeyMissing`]), never a new key;
    ///   a key that is not the store's is [`StoreError::KeyMismatch`];
    /// - a store written before encryption is encrypted in place, its HMAC key kept inside;
    /// - `PRAGMA quick_check` runs; a damaged (or vanished) store is restored from the newest
    ///   good backup and [`Store::recovery`] says so; with no good backup,
    ///   [`StoreError::Damaged`].
    pub fn open_with(
        dir: &Path,
        clock: Arc<dyn Clock>,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        let dir_err = |source| StoreError::Directory {
            path: dir.to_path_buf(),
            source,
        };
        files::create_private_dir(dir).map_err(dir_err)?;
        let path = dir.join(DB_FILE);
        let check_path = dir.join(KEY_CHECK_FILE);
        let legacy_path = dir.join(LEGACY_KEY_FILE);
        let legacy_key = read_legacy_key(&legacy_path)?;
        let backups = backup::list(&options.backup_dir)?;
        let db_len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let plaintext = db_len > 0 && cipher::is_plaintext(&path).map_err(dir_err)?;
        if plaintext && legacy_key.is_none() {
            // A pre-encryption store whose HMAC key is gone: its residents can never be
            // recognised again. Stop, as for any lost key.
            return Err(StoreError::KeyMissing {
                keys: format!("key file {}", legacy_path.display()),
                data: dir.to_path_buf(),
            });
        }

        let master = match options.keys.load()? {
            Some(master) => master,
            None => {
                let encrypted_data = (db_len > 0 && !plaintext) || check_path.exists();
                if encrypted_data || !backups.is_empty() {
                    return Err(StoreError::KeyMissing {
                        keys: options.keys.to_string(),
                        data: dir.to_path_buf(),
                    });
                }
                tracing::info!(keys = %options.keys, "no station key yet: making one");
                options.keys.create()?
            }
        };
        let keys = keys::DerivedKeys::derive(&master);
        drop(master);
        match std::fs::read_to_string(&check_path) {
            Ok(text) if text.trim() != keys.check_text() => {
                return Err(StoreError::KeyMismatch {
                    keys: options.keys.to_string(),
                    data: dir.to_path_buf(),
                })
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(StoreError::Io {
                    path: check_path,
                    source,
                })
            }
        }

        if let (true, Some(legacy)) = (plaintext, &legacy_key) {
            tracing::info!(store = %path.display(), "encrypting a store written before encryption");
            cipher::encrypt_in_place(&path, &keys, legacy)?;
        }

        // Integrity first: a damaged or vanished store is restored before anything writes.
        let problem = if db_len == 0 {
            if backups.is_empty() && check_path.exists() {
                // The key check says a store was here; with no backup there is nothing to
                // restore, so the station starts empty rather than not at all: say so loudly.
                tracing::error!(
                    store = %path.display(),
                    "the store file is missing or empty and there is no backup: starting empty"
                );
            }
            (!backups.is_empty()).then(|| "the store file is missing or empty".to_string())
        } else {
            let conn = cipher::open_keyed(&path, &keys, cipher::existing())?;
            let checked = cipher::quick_check(&conn);
            drop(conn);
            checked.err()
        };
        let recovery = match problem {
            Some(reason) => {
                tracing::error!(store = %path.display(), %reason, "store damaged: restoring");
                let r = backup::restore(&path, &options.backup_dir, &keys, reason, clock.now())?;
                tracing::warn!(
                    backup = %r.backup.display(),
                    taken_at = %r.backup_taken_at.to_rfc3339(),
                    "store restored from backup"
                );
                Some(r)
            }
            None => None,
        };

        files::touch_private(&path).map_err(dir_err)?;
        let mut conn = cipher::open_keyed(&path, &keys, cipher::read_write())?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&mut conn)?;
        for suffix in ["-wal", "-shm"] {
            let side = dir.join(format!("{DB_FILE}{suffix}"));
            files::make_private(&side).map_err(dir_err)?;
        }
        if !check_path.exists() {
            files::replace_private(&check_path, keys.check_text().as_bytes()).map_err(dir_err)?;
        }

        // The resident HMAC key: a pre-encryption store keeps its own (moved inside when it was
        // encrypted); every other store's is derived from the station key.
        let kept: Option<Zeroizing<Vec<u8>>> = conn
            .query_row(
                "SELECT value FROM station_secrets WHERE name = ?1",
                params![LEGACY_HMAC_SECRET],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()?
            .map(Zeroizing::new);
        let id_key = match &kept {
            Some(k) => {
                let mut key = Zeroizing::new([0u8; 32]);
                if k.len() != 32 {
                    return Err(StoreError::BadKey { path: path.clone() });
                }
                key.copy_from_slice(k);
                key
            }
            None => keys.id_hmac.clone(),
        };
        if let Some(legacy) = &legacy_key {
            if kept.as_deref().map(|k| k.as_slice()) == Some(legacy.as_slice()) {
                files::durable_remove(&legacy_path).map_err(dir_err)?;
                tracing::info!("the old key file beside the store was taken inside it and removed");
            } else {
                // Never adopted: it would change the hashes of every resident of this store.
                tracing::warn!(
                    file = %legacy_path.display(),
                    "a key file beside the store is not this store's key: left in place, unused"
                );
            }
        }

        if let Some(r) = &recovery {
            let restored = AuditEvent::StoreRestored {
                backup_taken_at: r.backup_taken_at.to_rfc3339(),
            };
            audit::write(&conn, &clock.now().to_rfc3339(), None, &restored)?;
        }
        Ok(Store {
            conn: Mutex::new(conn),
            id_key,
            keys,
            path,
            backup_dir: options.backup_dir.clone(),
            backup_copies: options.backup_copies,
            backup_lock: Mutex::new(()),
            recovery,
            clock,
        })
    }
}

/// The HMAC key of a store written before encryption (kept beside it then), if any.
fn read_legacy_key(path: &Path) -> Result<Option<Zeroizing<[u8; 32]>>, StoreError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let bytes = Zeroizing::new(bytes);
            let mut key = Zeroizing::new([0u8; 32]);
            if bytes.len() != 32 {
                return Err(StoreError::BadKey {
                    path: path.to_path_buf(),
                });
            }
            key.copy_from_slice(&bytes);
            Ok(Some(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}
