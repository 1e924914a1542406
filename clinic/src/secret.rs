//! Random tokens and keys, and how they are kept: only their SHA-256, compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 32 random bytes from the OS, as 64 hex digits.
pub fn random_hex() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What the store keeps of a high-entropy secret (a station key): its SHA-256. No salt or
/// slow hash is needed for 256 random bits; passwords get argon2id instead.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

pub fn same_digest(secret: &str, kept: &[u8]) -> bool {
    digest(secret).ct_eq(kept).into()
}
