//! QR codes rendered with the `qrcode` crate into frames, read back with `read_qr`.

mod common;

use common::{compose, qr_frame, qr_in_camera_frame, Lcg};
use proptest::prelude::*;
use station_camera::{
    classify_payload, read_qr, Frame, NotConfiguredVerifier, QrError, QrKind, QrVerifier,
    Verification,
};

const VOUCHER: &str = "4243669509084040896099330000";
const HEALTH_CARD: &str = "E1D10AAC73D0B947060B099128732C969A6EF97A6014BF41B3D19EEF9A4FBB18:1";

#[test]
fn reads_a_voucher_from_a_clean_render() {
    let qr = read_qr(&qr_frame(VOUCHER.as_bytes(), 4)).unwrap();
    assert_eq!(qr.kind, QrKind::InsuranceVoucher);
    assert_eq!(qr.token, VOUCHER);
}

#[test]
fn reads_codes_in_a_noisy_640x480_frame() {
    for (payload, kind) in [
        (VOUCHER, QrKind::InsuranceVoucher),
        (HEALTH_CARD, QrKind::ElectronicHealthCard),
    ] {
        for px in [3, 5, 8] {
            let frame = qr_in_camera_frame(payload.as_bytes(), px);
            assert_eq!((frame.width(), frame.height()), (640, 480));
            let qr = read_qr(&frame).unwrap_or_else(|e| panic!("{payload} at {px} px: {e}"));
            assert_eq!(qr.kind, kind);
            assert_eq!(qr.token, payload);
        }
    }
}

#[test]
fn unverified_without_a_platform() {
    let qr = read_qr(&qr_in_camera_frame(HEALTH_CARD.as_bytes(), 4)).unwrap();
    assert_eq!(NotConfiguredVerifier.verify(&qr), Verification::Unverified);
}

#[test]
fn foreign_content_is_refused() {
    for payload in [
        "https://example.com/pay?id=1",
        "134366950908404089",
        "hello, 你好",
    ] {
        assert_eq!(
            read_qr(&qr_in_camera_frame(payload.as_bytes(), 4)),
            Err(QrError::Foreign),
            "{payload}"
        );
    }
    // Binary, not UTF-8.
    let binary: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37) | 0x80).collect();
    assert_eq!(read_qr(&qr_frame(&binary, 4)), Err(QrError::Foreign));
}

#[test]
fn a_qr_full_of_junk_is_too_long() {
    // A single QR holds at most 2953 bytes; fill one nearly to the brim.
    let mut rng = Lcg::new(3);
    let junk: Vec<u8> = (0..2000).map(|_| b'A' + rng.next_u8() % 26).collect();
    let frame = qr_frame(&junk, 3);
    assert!(frame.width() <= 640);
    match read_qr(&frame) {
        Err(QrError::TooLong(n)) => assert_eq!(n, 2000),
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_code_and_noise_are_not_found() {
    let plain = Frame::from_luma(640, 480, vec![128; 640 * 480]).unwrap();
    assert_eq!(read_qr(&plain), Err(QrError::NotFound));
    let mut rng = Lcg::new(11);
    let noise =
        Frame::from_luma(640, 480, (0..640 * 480).map(|_| rng.next_u8()).collect()).unwrap();
    assert!(read_qr(&noise).is_err());
    let tiny = Frame::from_luma(1, 1, vec![0]).unwrap();
    assert!(read_qr(&tiny).is_err());
}

#[test]
fn two_different_health_codes_are_not_guessed_between() {
    let a = qr_frame(VOUCHER.as_bytes(), 4);
    let b = qr_frame(HEALTH_CARD.as_bytes(), 3);
    let mut frame = compose(&a, 640, 480, 10, 10, 255, 0);
    let mut luma = frame.luma().to_vec();
    for y in 0..b.height() {
        for x in 0..b.width() {
            luma[((y + 100) * 640 + x + 320) as usize] = b.get(x, y).unwrap();
        }
    }
    frame = Frame::from_luma(640, 480, luma).unwrap();
    assert_eq!(read_qr(&frame), Err(QrError::Several));
}

proptest! {
    #[test]
    fn classifier_never_panics(s in any::<String>()) {
        let _ = classify_payload(&s);
    }

    #[test]
    fn classifier_never_panics_on_token_like_strings(s in "[0-9A-Fa-f:.=/+_-]{0,700}") {
        if let Ok(qr) = classify_payload(&s) {
            prop_assert!(qr.token.len() <= station_camera::MAX_PAYLOAD_LEN);
        }
    }

    #[test]
    fn read_qr_never_panics_on_random_frames(w in 1u32..80, h in 1u32..80, seed in any::<u64>()) {
        let mut rng = Lcg::new(seed);
        let luma = (0..w * h).map(|_| rng.next_u8()).collect();
        let frame = Frame::from_luma(w, h, luma).unwrap();
        let _ = read_qr(&frame);
    }
}
