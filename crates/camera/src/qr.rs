//! Health QR codes: the electronic health card (电子健康卡) and the medical-insurance electronic
//! voucher (医保电子凭证).
//!
//! Both are issued by platforms and are opaque tokens: the station cannot read a name or an ID
//! number out of them; only the issuing platform can resolve a token (a [`QrVerifier`]). So the
//! classifier only recognises the public *shapes* and refuses anything else:
//!
//! - insurance voucher: 28 ASCII digits, starting with `424` (the NHSA's mark) then 17 unique
//!   digits, 2 random digits, the 2-digit province code and a 4-digit extension (`0000`), as
//!   quoted in public integration code of the NHSA app SDK ("424 + 17 位随机唯一数 + 2 位随机数 +
//!   2 位省级行政区划代码 + 4 位扩展码"). Scanners in HIS integrations report a 28-digit string.
//! - electronic health card: 64 hex digits (the card's QR id), then one to three `:`-separated
//!   short fields (e.g. `E1D1…BB18:1`, the type of code), as returned as `qrCodeText` by the
//!   national health-card platform and split on `:` by public verifier code.
//! - `Unknown`: a plausible opaque token (16–512 characters of `A-Z a-z 0-9 : . _ - = + /`, with
//!   at least one letter and one digit) that is neither: some provinces issue their own forms. It is
//!   kept as a token and only the platform can say what it is.
//! - Everything else is [`QrError::Foreign`]: URLs (a QR may point anywhere; the station opens
//!   nothing), text with spaces or non-ASCII, and all-digit strings other than the voucher, which
//!   include payment codes (WeChat/Alipay 付款码 are 16–24 digits) that must never be held.

use std::panic::{catch_unwind, AssertUnwindSafe};

use station_core::resident::IdNumber;
use thiserror::Error;

use crate::frame::Frame;

/// Longest payload accepted (bytes). A health token is far shorter; a longer QR is something else.
pub const MAX_PAYLOAD_LEN: usize = 512;

/// Shortest plausible opaque token.
const MIN_TOKEN_LEN: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QrKind {
    /// 电子健康卡 (National Health Commission platform).
    ElectronicHealthCard,
    /// 医保电子凭证 (National Healthcare Security Administration).
    InsuranceVoucher,
    /// A plausible token of no known shape; the platform decides.
    Unknown,
}

/// A health QR code as read: its kind and the opaque token. `Debug` does not print the token
/// (it stands for a person).
#[derive(Clone, PartialEq, Eq)]
pub struct HealthQr {
    pub kind: QrKind,
    pub token: String,
}

impl std::fmt::Debug for HealthQr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "HealthQr({:?}, {} chars)",
            self.kind,
            self.token.chars().count()
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QrError {
    /// No QR code in the frame.
    #[error("no QR code in the frame")]
    NotFound,
    /// A QR code was seen and could not be decoded (blur, glare, too small).
    #[error("a QR code was seen but could not be read")]
    Unreadable,
    /// The payload is longer than [`MAX_PAYLOAD_LEN`].
    #[error("QR payload of {0} bytes is too long for a health code")]
    TooLong(usize),
    /// The payload is not a health code (URL, text, payment code, binary...).
    #[error("not a health QR code")]
    Foreign,
    /// Two different health codes in view: the station does not guess which one is meant.
    #[error("more than one health QR code in view")]
    Several,
}

/// Classifies a decoded payload. Never panics, whatever the string.
pub fn classify_payload(payload: &str) -> Result<HealthQr, QrError> {
    if payload.len() > MAX_PAYLOAD_LEN {
        return Err(QrError::TooLong(payload.len()));
    }
    // Scanners and phones sometimes add a line end; nothing else is trimmed.
    let p = payload.trim_end_matches(['\r', '\n']);
    let kind = if is_insurance_voucher(p) {
        QrKind::InsuranceVoucher
    } else if is_health_card(p) {
        QrKind::ElectronicHealthCard
    } else if is_plausible_token(p) {
        QrKind::Unknown
    } else {
        return Err(QrError::Foreign);
    };
    Ok(HealthQr {
        kind,
        token: p.to_owned(),
    })
}

fn is_insurance_voucher(p: &str) -> bool {
    p.len() == 28 && p.starts_with("424") && p.bytes().all(|b| b.is_ascii_digit())
}

fn is_health_card(p: &str) -> bool {
    let mut parts = p.split(':');
    let Some(id) = parts.next() else { return false };
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    (1..=3).contains(&rest.len())
        && rest
            .iter()
            .all(|f| (1..=32).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_plausible_token(p: &str) -> bool {
    let lower = p.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("www.") {
        return false;
    }
    (MIN_TOKEN_LEN..=MAX_PAYLOAD_LEN).contains(&p.len())
        && p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b":._-=+/".contains(&b))
        && p.bytes().any(|b| b.is_ascii_alphabetic())
        && p.bytes().any(|b| b.is_ascii_digit())
}

/// Finds and reads the health QR code in a frame.
///
/// Every QR code in view is decoded; one health code (or the same one several times) is returned.
/// Errors, best first: two different health codes → `Several`; a code that decoded but is not a
/// health code → its `TooLong`/`Foreign`; a code seen but not decoded → `Unreadable`; else
/// `NotFound`. The decoder runs under `catch_unwind`: a decoder bug on odd camera data must cost
/// one frame, not the kiosk.
pub fn read_qr(frame: &Frame) -> Result<HealthQr, QrError> {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let luma = frame.luma();
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
        img.detect_grids()
            .into_iter()
            .map(|grid| {
                let mut out = Vec::new();
                grid.decode_to(&mut out).ok().map(|_| out)
            })
            .collect::<Vec<Option<Vec<u8>>>>()
    }))
    .map_err(|_| QrError::Unreadable)?;

    let mut found: Option<HealthQr> = None;
    let mut other_error: Option<QrError> = None;
    for item in decoded {
        let result = match item {
            None => Err(QrError::Unreadable),
            Some(bytes) if bytes.len() > MAX_PAYLOAD_LEN => Err(QrError::TooLong(bytes.len())),
            Some(bytes) => match String::from_utf8(bytes) {
                Ok(s) => classify_payload(&s),
                Err(_) => Err(QrError::Foreign),
            },
        };
        match result {
            Ok(qr) => match &found {
                Some(prev) if *prev != qr => return Err(QrError::Several),
                _ => found = Some(qr),
            },
            // A decoded-but-foreign code says more than an unreadable one.
            Err(e) => {
                if other_error.is_none() || other_error == Some(QrError::Unreadable) {
                    other_error = Some(e);
                }
            }
        }
    }
    match (found, other_error) {
        (Some(qr), _) => Ok(qr),
        (None, Some(e)) => Err(e),
        (None, None) => Err(QrError::NotFound),
    }
}

/// What the issuing platform said about a token.
#[derive(Clone, PartialEq, Eq)]
pub enum Verification {
    /// The platform resolved the token to a person.
    Verified { id_number: IdNumber, name: String },
    /// Nobody could check the token (no platform link): keep it, and say so on screen.
    Unverified,
    /// The platform refused the token (expired, revoked, forged...).
    Rejected(String),
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // IdNumber's Debug is masked; the name is not printed.
            Verification::Verified { id_number, .. } => {
                write!(f, "Verified({id_number:?}, name withheld)")
            }
            Verification::Unverified => write!(f, "Unverified"),
            Verification::Rejected(r) => write!(f, "Rejected({r:?})"),
        }
    }
}

/// Resolves a health QR token with its issuing platform.
pub trait QrVerifier: Send + Sync {
    fn verify(&self, qr: &HealthQr) -> Verification;
}

/// No platform link configured: every code is [`Verification::Unverified`]; nothing is invented.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotConfiguredVerifier;

impl QrVerifier for NotConfiguredVerifier {
    fn verify(&self, _qr: &HealthQr) -> Verification {
        Verification::Unverified
    }
}

impl<V: QrVerifier + ?Sized> QrVerifier for std::sync::Arc<V> {
    fn verify(&self, qr: &HealthQr) -> Verification {
        (**self).verify(qr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voucher_shape() {
        let v = classify_payload("4243669509084040896099330000").unwrap();
        assert_eq!(v.kind, QrKind::InsuranceVoucher);
        // 28 digits not starting 424, and payment-code lengths, are not health codes.
        assert_eq!(
            classify_payload("1343669509084040896099330000"),
            Err(QrError::Foreign)
        );
        assert_eq!(
            classify_payload("134366950908404089"),
            Err(QrError::Foreign)
        );
        assert_eq!(
            classify_payload("284366950908404089123"),
            Err(QrError::Foreign)
        );
    }

    #[test]
    fn health_card_shape() {
        let t = "E1D10AAC73D0B947060B099128732C969A6EF97A6014BF41B3D19EEF9A4FBB18:1";
        assert_eq!(
            classify_payload(t).unwrap().kind,
            QrKind::ElectronicHealthCard
        );
        assert_eq!(classify_payload(&format!("{t}\r\n")).unwrap().token, t);
        let no_field = "E1D10AAC73D0B947060B099128732C969A6EF97A6014BF41B3D19EEF9A4FBB18";
        assert_eq!(classify_payload(no_field).unwrap().kind, QrKind::Unknown);
    }

    #[test]
    fn foreign_and_long() {
        assert_eq!(
            classify_payload("https://example.com/a?b=1234567890"),
            Err(QrError::Foreign)
        );
        assert_eq!(
            classify_payload("hello world 1234567890"),
            Err(QrError::Foreign)
        );
        assert_eq!(
            classify_payload("电子健康卡1234567890abcdef"),
            Err(QrError::Foreign)
        );
        assert_eq!(classify_payload(""), Err(QrError::Foreign));
        let junk = "A1".repeat(5000);
        assert_eq!(classify_payload(&junk), Err(QrError::TooLong(10_000)));
        assert_eq!(
            classify_payload("abc123DEF456ghi789").unwrap().kind,
            QrKind::Unknown
        );
    }

    #[test]
    fn debug_hides_token_and_name() {
        let qr = classify_payload("4243669509084040896099330000").unwrap();
        assert!(!format!("{qr:?}").contains("4243669"));
        let v = Verification::Verified {
            id_number: IdNumber::parse("11010519491231002X").unwrap(),
            name: "张三".into(),
        };
        let s = format!("{v:?}");
        assert!(!s.contains("张三") && !s.contains("19491231"), "{s}");
        assert_eq!(NotConfiguredVerifier.verify(&qr), Verification::Unverified);
    }
}
