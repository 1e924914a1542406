//! SQLCipher connections: every connection to a station file is keyed before its first
//! statement; a library without SQLCipher is refused, so a build can never write in the clear.

use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::files;
use crate::keys::DerivedKeys;
use crate::StoreError;

/// The first 16 bytes of every unencrypted SQLite database. An SQLCipher file starts with its
/// random salt instead.
pub const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Opens `path` and keys the connection. Nothing is read yet: a wrong key shows at the first
/// read ("file is not a database").
pub(crate) fn open_keyed(
    path: &Path,
    keys: &DerivedKeys,
    flags: OpenFlags,
) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags)?;
    key(&conn, keys)?;
    Ok(conn)
}

pub(crate) fn read_write() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// Read-write, but only a file that exists.
pub(crate) fn existing() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

pub(crate) fn read_only() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

fn key(conn: &Connection, keys: &DerivedKeys) -> Result<(), StoreError> {
    // The statement text holds the key: built in a zeroized buffer. (rusqlite and SQLite copy
    // it while preparing; SQLCipher wipes its own copies, rusqlite's CString is freed unwiped.)
    let mut sql = zeroize::Zeroizing::new(String::with_capacity(96));
    sql.push_str("PRAGMA key = \"");
    sql.push_str(&keys.sqlcipher_raw());
    sql.push_str("\";");
    conn.execute_batch(&sql)?;
    if cipher_version(conn)?.is_none() {
        return Err(StoreError::NoEncryption);
    }
    Ok(())
}

/// SQLCipher's version ("4.6.1 community"), or `None` when the linked SQLite has no SQLCipher.
pub fn cipher_version(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let mut stmt = conn.prepare("PRAGMA cipher_version")?;
    let mut rows = stmt.query([])?;
    match rows.next()? {
        Some(row) => row.get(0).map(Some),
        None => Ok(None),
    }
}

/// True when `path` is an unencrypted SQLite database (a store written before encryption).
pub(crate) fn is_plaintext(path: &Path) -> std::io::Result<bool> {
    let mut header = [0u8; 16];
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    match f.read_exact(&mut header) {
        Ok(()) => Ok(&header == PLAIN_HEADER),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// `PRAGMA quick_check`: Ok when the file decrypts and its b-trees are sound, else what is
/// wrong. With SQLCipher every page carries an HMAC, so a flipped byte anywhere in a page in
/// use is found here (as a decryption failure of that page).
pub(crate) fn quick_check(conn: &Connection) -> Result<(), String> {
    let rows: Result<Vec<String>, _> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    match rows {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Ok(()),
        Ok(rows) => Err(format!("quick_check: {}", rows.join("; "))),
        Err(e) => Err(e.to_string()),
    }
}

/// Rewrites an unencrypted store (written before encryption) as an SQLCipher file in place:
/// exported into a temporary encrypted file beside it, made durable, then renamed over the
/// original. The plain WAL is folded in and removed first, so no plain page is left for
/// SQLite to replay into the encrypted file.
/// The old store's HMAC key goes into the encrypted file in the same step (`station_secrets`), so
/// there is never an encrypted store without it.
pub(crate) fn encrypt_in_place(
    db: &Path,
    keys: &DerivedKeys,
    legacy_hmac_key: &[u8; 32],
) -> Result<(), StoreError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    };
    let tmp = db.with_extension("sqlite3.encrypting");
    files::durable_remove(&tmp).map_err(io(&tmp))?;
    files::touch_private(&tmp).map_err(io(&tmp))?;
    let plain = Connection::open(db)?;
    let version: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    plain.pragma_update(None, "journal_mode", "DELETE")?;
    let tmp_text = tmp.to_string_lossy().into_owned();
    plain.execute(
        "ATTACH DATABASE ?1 AS encrypted KEY ?2",
        rusqlite::params![tmp_text, keys.sqlcipher_raw().as_str()],
    )?;
    plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
    // sqlcipher_export copies schema and rows, not the schema version.
    plain.execute_batch(&format!(
        "PRAGMA encrypted.user_version = {version};
         CREATE TABLE IF NOT EXISTS encrypted.station_secrets (
             name  TEXT PRIMARY KEY,
             value BLOB NOT NULL
         );"
    ))?;
    plain.execute(
        "INSERT OR REPLACE INTO encrypted.station_secrets (name, value) VALUES (?1, ?2)",
        rusqlite::params![crate::LEGACY_HMAC_SECRET, legacy_hmac_key.as_slice()],
    )?;
    plain.execute_batch("DETACH DATABASE encrypted;")?;
    drop(plain);
    files::sync_file(&tmp).map_err(io(&tmp))?;
    files::durable_rename(&tmp, db).map_err(io(db))?;
    Ok(())
}
