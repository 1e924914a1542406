//! Camera frames, health QR codes and face framing for the station.
//!
//! - [`frame`]: [`Frame`] (8-bit grey, validated), [`FrameSource`], [`StillImageSource`] and, with the
//!   `nokhwa` feature, [`NokhwaSource`] (a real camera).
//! - [`qr`]: reads an electronic health card (电子健康卡) or medical-insurance electronic voucher
//!   (医保电子凭证) QR code from a frame, classifies its payload conservatively, and hands it to a
//!   pluggable [`QrVerifier`].
//! - [`face`]: [`CapturedFace`] (pixels in memory only, zeroed on drop), [`FaceMatcher`]; with the
//!   `face` feature, [`FaceGuide`] tells the resident how to stand and picks one good frame.
//!
//! Privacy: nothing in this crate writes an image anywhere. Face use needs the resident's separate
//! consent on screen first; the kiosk asks for it before it creates a [`FaceGuide`].

pub mod face;
pub mod frame;
#[cfg(feature = "nokhwa")]
mod nokhwa_source;
mod opener;
pub mod qr;
pub mod simulated;

pub use face::{CapturedFace, FaceBox, FaceMatcher, Framing, MatchOutcome, NotConfiguredMatcher};
#[cfg(feature = "face")]
pub use face::{FaceGuide, FaceGuideConfig, GuideStep, ModelError};
pub use frame::{CameraError, Frame, FrameError, FrameSource, StillImageSource, MAX_DIMENSION};
#[cfg(feature = "nokhwa")]
pub use nokhwa_source::{NokhwaConfig, NokhwaSource};
pub use opener::{opener, CameraOpener};
pub use qr::{
    classify_payload, read_qr, HealthQr, NotConfiguredVerifier, QrError, QrKind, QrVerifier,
    Verification, MAX_PAYLOAD_LEN,
};
