//! The station key (split out of station-store so the Windows-only code — DPAPI — is a small
//! crate of its own): one 32-byte master key, kept apart from the data, from which the store
//! derives what it uses (HKDF-SHA256, one label each):
//! - the SQLCipher key that encrypts every page of the database and its backups;
//! - the HMAC key that stands a resident's ID number in for the number itself;
//! - a key check, written beside the database, that tells a wrong key from a damaged file.
//!
//! Where the master key lives is a [`KeyStore`]: a systemd credential on a Linux station
//! (root-provisioned, encrypted at rest by systemd with the host key and/or the TPM2), a DPAPI-
//! protected file on Windows, or a 0600 key file in a directory of its own for development.
//! Every copy of key material is zeroized when dropped.

use std::fmt;
use std::path::{Path, PathBuf};

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use thiserror::Error;

#[cfg(windows)]
mod dpapi;
pub mod files;

/// What can go wrong with the key itself; the store adds what only it can tell (a key missing
/// while data exists, a key that is not the store's).
#[derive(Debug, Error)]
pub enum KeyError {
    #[error("station key {path} is damaged (expected 32 bytes, or 64 hex digits)")]
    BadKey { path: PathBuf },
    #[error("station key ({keys}) cannot be read or kept: {source}")]
    Unavailable {
        keys: String,
        source: std::io::Error,
    },
}

/// The name of the systemd credential holding the master key (`LoadCredentialEncrypted=`).
pub const CREDENTIAL_NAME: &str = "health-station-key";
/// Overrides the key directory (as `HEALTH_STATION_DATA_DIR` does the data directory).
pub const KEY_DIR_ENV: &str = "HEALTH_STATION_KEY_DIR";
/// The key file's name inside a key directory.
pub const KEY_FILE: &str = "station.key";
#[cfg(windows)]
const DPAPI_FILE: &str = "station.key.dpapi";
/// Same identifier as the app's other directories.
const APP_ID: &str = "cn.healthstation.kiosk";

/// HKDF salt: names the scheme, so a key used elsewhere derives nothing we use.
const HKDF_SALT: &[u8] = b"health-station/store/v1";
const LABEL_SQLCIPHER: &[u8] = b"sqlcipher page key";
const LABEL_ID_HMAC: &[u8] = b"resident id hmac key";
const LABEL_CHECK: &[u8] = b"key check";

/// Where the station's master key lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStore {
    /// `$CREDENTIALS_DIRECTORY/health-station-key`: a credential systemd decrypts for the unit
    /// at start (`LoadCredentialEncrypted=`). Read-only: the installer creates it, never the app.
    SystemdCredential { path: PathBuf },
    /// A key file readable by the station's user only (0600, in a 0700 directory), apart from
    /// the data directory. For development and stations without systemd.
    File { path: PathBuf },
    /// Windows: the key file holds the key sealed with DPAPI for the station's user account.
    #[cfg(windows)]
    Dpapi { path: PathBuf },
}

impl KeyStore {
    /// The key store the app uses: the systemd credential when the unit was given one; else a
    /// key file in `HEALTH_STATION_KEY_DIR`, else in `configured_dir` (`[storage] key_dir`),
    /// else in `<OS config dir>/cn.healthstation.kiosk/keys` (Linux: `~/.config/…`).
    pub fn locate(configured_dir: Option<&Path>) -> Result<KeyStore, KeyError> {
        if let Some(creds) = std::env::var_os("CREDENTIALS_DIRECTORY") {
            let path = PathBuf::from(creds).join(CREDENTIAL_NAME);
            if path.is_file() {
                return Ok(KeyStore::SystemdCredential { path });
            }
        }
        let dir = match std::env::var_os(KEY_DIR_ENV) {
            Some(dir) => PathBuf::from(dir),
            None => match configured_dir {
                Some(dir) => dir.to_path_buf(),
                None => default_key_dir().ok_or_else(|| KeyError::Unavailable {
                    keys: "the default key directory".into(),
                    source: std::io::Error::other(
                        "no config directory for this user: set [storage] key_dir",
                    ),
                })?,
            },
        };
        Ok(KeyStore::in_dir(&dir))
    }

    /// The platform's key file in `dir`: DPAPI-sealed on Windows, a 0600 file elsewhere.
    pub fn in_dir(dir: &Path) -> KeyStore {
        #[cfg(windows)]
        {
            KeyStore::Dpapi {
                path: dir.join(DPAPI_FILE),
            }
        }
        #[cfg(not(windows))]
        {
            KeyStore::File {
                path: dir.join(KEY_FILE),
            }
        }
    }

    /// Where the key is (never the key).
    pub fn location(&self) -> &Path {
        match self {
            KeyStore::SystemdCredential { path } | KeyStore::File { path } => path,
            #[cfg(windows)]
            KeyStore::Dpapi { path } => path,
        }
    }

    /// The master key, or `None` when there is none yet.
    pub fn load(&self) -> Result<Option<MasterKey>, KeyError> {
        let path = self.location();
        let bytes = match std::fs::read(path) {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(KeyError::Unavailable {
                    keys: self.to_string(),
                    source,
                })
            }
        };
        let plain = match self {
            KeyStore::SystemdCredential { .. } | KeyStore::File { .. } => bytes,
            #[cfg(windows)]
            KeyStore::Dpapi { .. } => {
                dpapi::unprotect(&bytes).map_err(|source| KeyError::Unavailable {
                    keys: self.to_string(),
                    source,
                })?
            }
        };
        MasterKey::from_bytes(&plain)
            .map(Some)
            .ok_or_else(|| KeyError::BadKey {
                path: path.to_path_buf(),
            })
    }

    /// Makes a new master key and keeps it. Refused for a systemd credential (the installer
    /// provisions it). Never replaces a key that exists: when another process made one first,
    /// that one is returned.
    pub fn create(&self) -> Result<MasterKey, KeyError> {
        let unavailable = |source| KeyError::Unavailable {
            keys: self.to_string(),
            source,
        };
        if let KeyStore::SystemdCredential { .. } = self {
            return Err(unavailable(std::io::Error::other(
                "a systemd credential is provisioned by the installer (systemd-creds encrypt)",
            )));
        }
        let path = self.location();
        if let Some(dir) = path.parent() {
            files::create_private_dir(dir).map_err(unavailable)?;
        }
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(key.as_mut_slice())
            .map_err(|e| unavailable(std::io::Error::other(e.to_string())))?;
        let stored = match self {
            KeyStore::SystemdCredential { .. } | KeyStore::File { .. } => {
                Zeroizing::new(key.to_vec())
            }
            #[cfg(windows)]
            KeyStore::Dpapi { .. } => {
                Zeroizing::new(dpapi::protect(key.as_slice()).map_err(unavailable)?)
            }
        };
        if files::write_new_private(path, &stored).map_err(unavailable)? {
            Ok(MasterKey(key))
        } else {
            // Another process won the race: use its key, never a second one.
            self.load()?.ok_or_else(|| {
                unavailable(std::io::Error::other("the key vanished while it was made"))
            })
        }
    }
}

impl fmt::Display for KeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyStore::SystemdCredential { path } => {
                write!(f, "systemd credential {}", path.display())
            }
            KeyStore::File { path } => write!(f, "key file {}", path.display()),
            #[cfg(windows)]
            KeyStore::Dpapi { path } => write!(f, "DPAPI-sealed key file {}", path.display()),
        }
    }
}

/// `<OS config dir>/cn.healthstation.kiosk/keys`.
pub fn default_key_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join(APP_ID).join("keys"))
}

/// The station's master key: 32 random bytes; zeroized on drop, never printed.
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    /// 32 raw bytes, or 64 hex digits (optionally with a trailing newline), as an installer
    /// may write with `openssl rand -hex 32`.
    pub fn from_bytes(bytes: &[u8]) -> Option<MasterKey> {
        let mut key = Zeroizing::new([0u8; 32]);
        if bytes.len() == 32 {
            key.copy_from_slice(bytes);
            return Some(MasterKey(key));
        }
        let text = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.len() != 64 {
            return None;
        }
        for (out, pair) in key.iter_mut().zip(text.chunks(2)) {
            let hi = hex_value(pair[0])?;
            let lo = hex_value(pair[1])?;
            *out = (hi << 4) | lo;
        }
        Some(MasterKey(key))
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

/// What the store uses, derived from the master key. Zeroized on drop.
pub struct DerivedKeys {
    sqlcipher: Zeroizing<[u8; 32]>,
    /// The HMAC key that stands a resident's ID number in for the number itself.
    pub id_hmac: Zeroizing<[u8; 32]>,
    /// Not secret (a one-way function of the key): kept beside the database.
    pub check: [u8; 16],
}

impl DerivedKeys {
    pub fn derive(master: &MasterKey) -> DerivedKeys {
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), master.0.as_slice());
        let mut sqlcipher = Zeroizing::new([0u8; 32]);
        let mut id_hmac = Zeroizing::new([0u8; 32]);
        let mut check = [0u8; 16];
        // HKDF-Expand fails only for outputs over 255 hash lengths; these are 32 and 16 bytes.
        for (label, out) in [
            (LABEL_SQLCIPHER, sqlcipher.as_mut_slice()),
            (LABEL_ID_HMAC, id_hmac.as_mut_slice()),
            (LABEL_CHECK, check.as_mut_slice()),
        ] {
            if hk.expand(label, out).is_err() {
                out.zeroize();
            }
        }
        DerivedKeys {
            sqlcipher,
            id_hmac,
            check,
        }
    }

    /// The `PRAGMA key` / `ATTACH … KEY` value: a raw 256-bit key (`x'…'`), so SQLCipher
    /// skips its passphrase KDF (the key is already random).
    pub fn sqlcipher_raw(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(67));
        s.push_str("x'");
        for b in self.sqlcipher.iter() {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        s.push('\'');
        s
    }

    /// The key check as text, for the `station.keycheck` file.
    pub fn check_text(&self) -> String {
        self.check
            .iter()
            .map(|b| {
                format!(
                    "{}{}",
                    char::from(HEX[usize::from(b >> 4)]),
                    char::from(HEX[usize::from(b & 0xf)])
                )
            })
            .collect()
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

impl fmt::Debug for DerivedKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DerivedKeys(check {})", self.check_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_master_key_reads_as_raw_bytes_or_hex() {
        let raw = [0xABu8; 32];
        let a = MasterKey::from_bytes(&raw).expect("raw");
        let hex = format!("{}\n", "ab".repeat(32));
        let b = MasterKey::from_bytes(hex.as_bytes()).expect("hex");
        assert_eq!(*a.0, *b.0);
        assert!(MasterKey::from_bytes(b"short").is_none());
        assert!(MasterKey::from_bytes("zz".repeat(32).as_bytes()).is_none());
        assert_eq!(format!("{a:?}"), "MasterKey(..)");
    }

    #[test]
    fn each_use_gets_its_own_key() {
        let master = MasterKey::from_bytes(&[7u8; 32]).expect("key");
        let keys = DerivedKeys::derive(&master);
        assert_ne!(*keys.sqlcipher, *keys.id_hmac);
        assert_ne!(*keys.sqlcipher, [7u8; 32]);
        assert_ne!(keys.check, [0u8; 16]);
        assert_eq!(keys.sqlcipher_raw().len(), 67);
        assert!(keys.sqlcipher_raw().starts_with("x'"));
        // Deterministic: the same master always derives the same keys.
        let again = DerivedKeys::derive(&MasterKey::from_bytes(&[7u8; 32]).expect("key"));
        assert_eq!(*again.id_hmac, *keys.id_hmac);
        assert!(!format!("{keys:?}").contains(&keys.sqlcipher_raw()[2..66]));
    }

    #[cfg(unix)]
    #[test]
    fn a_created_key_file_is_private_and_never_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let store = KeyStore::in_dir(&dir.path().join("keys"));
        assert!(store.load().expect("load").is_none());
        let made = store.create().expect("create");
        let mode = std::fs::metadata(store.location())
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = std::fs::metadata(dir.path().join("keys"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        // A second create (another process racing) returns the first key, not a new one.
        let second = store.create().expect("create again");
        assert_eq!(*made.0, *second.0);
        assert_eq!(*store.load().expect("load").expect("some").0, *made.0);
    }

    #[test]
    fn a_systemd_credential_is_never_created_by_the_app() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = KeyStore::SystemdCredential {
            path: dir.path().join(CREDENTIAL_NAME),
        };
        assert!(matches!(store.create(), Err(KeyError::Unavailable { .. })));
        assert!(!store.location().exists());
    }
}
