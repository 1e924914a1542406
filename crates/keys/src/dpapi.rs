//! DPAPI (CryptProtectData / CryptUnprotectData): the key file's bytes are sealed for the
//! station's Windows user account, so the file alone, copied elsewhere or read by another
//! account, reveals nothing. The crate's only `unsafe` (allowed for this module alone, see
//! Cargo.toml); each block says why it is sound.
#![allow(unsafe_code)]

use std::io;
use std::ptr;

use windows_sys::Win32::Foundation::LocalFree;
use windows_sys::Win32::Security::Cryptography::{
    CryptProtectData, CryptUnprotectData, CRYPTPROTECT_UI_FORBIDDEN, CRYPT_INTEGER_BLOB,
};
use zeroize::{Zeroize, Zeroizing};

/// Extra entropy: a blob sealed by another program of the same user does not unseal here.
const ENTROPY: &[u8] = b"health-station/station-key/v1";

fn blob(bytes: &[u8]) -> io::Result<CRYPT_INTEGER_BLOB> {
    Ok(CRYPT_INTEGER_BLOB {
        cbData: u32::try_from(bytes.len()).map_err(|_| io::Error::other("blob too large"))?,
        // DPAPI only reads input blobs; the API type is *mut for historical reasons.
        pbData: bytes.as_ptr().cast_mut(),
    })
}

/// Takes DPAPI's output: copies it out, wipes and frees DPAPI's buffer.
fn take(out: CRYPT_INTEGER_BLOB) -> Zeroizing<Vec<u8>> {
    if out.pbData.is_null() {
        return Zeroizing::new(Vec::new());
    }
    // SAFETY: on success DPAPI returns `cbData` initialised bytes at `pbData`, allocated with
    // LocalAlloc and owned by us until LocalFree; nothing else aliases them.
    let slice = unsafe { std::slice::from_raw_parts_mut(out.pbData, out.cbData as usize) };
    let copy = Zeroizing::new(slice.to_vec());
    slice.zeroize();
    // SAFETY: `pbData` came from DPAPI's LocalAlloc and is freed once, here.
    unsafe { LocalFree(out.pbData.cast()) };
    copy
}

pub(crate) fn protect(secret: &[u8]) -> io::Result<Vec<u8>> {
    let input = blob(secret)?;
    let entropy = blob(ENTROPY)?;
    let mut out = CRYPT_INTEGER_BLOB {
        cbData: 0,
        pbData: ptr::null_mut(),
    };
    // SAFETY: every pointer is valid for the call: the input blobs point at live slices, the
    // description, reserved and prompt arguments may be null, and `out` is a live local.
    let ok = unsafe {
        CryptProtectData(
            &input,
            ptr::null(),
            &entropy,
            ptr::null(),
            ptr::null(),
            CRYPTPROTECT_UI_FORBIDDEN,
            &mut out,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(take(out).to_vec())
}

pub(crate) fn unprotect(sealed: &[u8]) -> io::Result<Zeroizing<Vec<u8>>> {
    let input = blob(sealed)?;
    let entropy = blob(ENTROPY)?;
    let mut out = CRYPT_INTEGER_BLOB {
        cbData: 0,
        pbData: ptr::null_mut(),
    };
    // SAFETY: as in `protect`; the description out-pointer may be null (not wanted).
    let ok = unsafe {
        CryptUnprotectData(
            &input,
            ptr::null_mut(),
            &entropy,
            ptr::null(),
            ptr::null(),
            CRYPTPROTECT_UI_FORBIDDEN,
            &mut out,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(take(out))
}
