//! The key that encrypts the console's store (SQLCipher, every page): 32 random bytes kept as
//! 64 hex digits in `store_key_file` (0600). The console makes it at its first start, when
//! neither the key nor the store exists yet; after that a missing key is an error, never a
//! reason to start a new, empty store beside the old one.

use std::io::Write;
use std::path::Path;

use rusqlite::Connection;
use zeroize::Zeroizing;

use crate::store::StoreError;

/// 32 bytes: SQLCipher's raw key size (it then skips its own key derivation).
const KEY_BYTES: usize = 32;

pub struct StoreKey(Zeroizing<[u8; KEY_BYTES]>);

impl StoreKey {
    /// Reads the key, or makes one when `store_exists` is false and there is none yet.
    pub fn load_or_create(path: &Path, store_exists: bool) -> Result<StoreKey, StoreError> {
        match std::fs::read(path) {
            Ok(text) => StoreKey::parse(&Zeroizing::new(text), path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !store_exists => {
                StoreKey::create(path)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::KeyMissing {
                key: path.to_path_buf(),
            }),
            Err(source) => Err(StoreError::KeyUnreadable {
                key: path.to_path_buf(),
                source,
            }),
        }
    }

    fn parse(text: &[u8], path: &Path) -> Result<StoreKey, StoreError> {
        let malformed = || StoreError::KeyMalformed {
            key: path.to_path_buf(),
        };
        let digits = text.trim_ascii();
        if digits.len() != KEY_BYTES * 2 {
            return Err(malformed());
        }
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        for (byte, pair) in key.iter_mut().zip(digits.chunks_exact(2)) {
            let hex = |c: u8| (c as char).to_digit(16);
            match (hex(pair[0]), hex(pair[1])) {
                (Some(high), Some(low)) => *byte = (high * 16 + low) as u8,
                _ => return Err(malformed()),
            }
        }
        Ok(StoreKey(key))
    }

    fn create(path: &Path) -> Result<StoreKey, StoreError> {
        let unwritable = |source| StoreError::KeyUnwritable {
            key: path.to_path_buf(),
            source,
        };
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(key.as_mut_slice()).map_err(|e| StoreError::Data(e.to_string()))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(unwritable)?;
        }
        let mut options = std::fs::OpenOptions::new();
        // `create_new`: two consoles starting at once cannot each write a key.
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(unwritable)?;
        let text = Zeroizing::new(hex(key.as_slice()));
        file.write_all(text.as_bytes()).map_err(unwritable)?;
        file.write_all(b"\n").map_err(unwritable)?;
        file.sync_all().map_err(unwritable)?;
        tracing::info!(key = %path.display(), "made a new key for the console store");
        Ok(StoreKey(key))
    }

    /// Keys `conn` before its first statement. A wrong key shows at the first read.
    pub(crate) fn apply(&self, conn: &Connection) -> Result<(), StoreError> {
        // The statement holds the key: built in a buffer that is wiped when dropped.
        let mut sql = Zeroizing::new(String::with_capacity(96));
        sql.push_str("PRAGMA key = \"x'");
        sql.push_str(&hex(self.0.as_slice()));
        sql.push_str("'\";");
        conn.execute_batch(&sql)?;
        let cipher: Option<String> = conn
            .prepare("PRAGMA cipher_version")?
            .query_row([], |r| r.get(0))
            .ok();
        if cipher.is_none() {
            return Err(StoreError::NoEncryption);
        }
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
