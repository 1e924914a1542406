//! A camera for demo mode and tests: still frames of a sample health code, rendered in memory.

use qrcode::{Color, QrCode};

use crate::frame::{CameraError, Frame, FrameError, StillImageSource};

/// A sample medical-insurance electronic voucher payload (28 digits starting 424; not a real
/// person's code).
pub const SAMPLE_VOUCHER: &str = "4243669509084040896099330000";

/// Renders `payload` as a QR code, `px` pixels a module, with the standard 4-module quiet zone,
/// centred in a `width` x `height` grey frame as a phone held up to the camera would be.
pub fn qr_frame(payload: &str, px: u32, width: u32, height: u32) -> Result<Frame, FrameError> {
    let code = QrCode::new(payload.as_bytes())
        .map_err(|_| FrameError::Format("payload does not fit a QR code".into()))?;
    let modules = u32::try_from(code.width())
        .map_err(|_| FrameError::Format("payload does not fit a QR code".into()))?;
    let colors = code.to_colors();
    let side = (modules + 8) * px;
    let (x0, y0) = (
        width.saturating_sub(side) / 2,
        height.saturating_sub(side) / 2,
    );
    let mut luma = vec![180u8; (width as usize) * (height as usize)];
    for y in 0..side.min(height) {
        for x in 0..side.min(width) {
            let (mx, my) = (x / px, y / px);
            let dark = (4..modules + 4).contains(&mx)
                && (4..modules + 4).contains(&my)
                && colors.get(((my - 4) * modules + (mx - 4)) as usize) == Some(&Color::Dark);
            let i = ((y0 + y) * width + (x0 + x)) as usize;
            if let Some(p) = luma.get_mut(i) {
                *p = if dark { 0 } else { 255 };
            }
        }
    }
    Frame::from_luma(width, height, luma)
}

/// The demo camera: a few empty frames (the phone is being raised), then the sample voucher.
pub fn demo_camera() -> Result<StillImageSource, CameraError> {
    let empty =
        Frame::from_luma(640, 480, vec![180u8; 640 * 480]).map_err(CameraError::BadFrame)?;
    let code = qr_frame(SAMPLE_VOUCHER, 6, 640, 480).map_err(CameraError::BadFrame)?;
    StillImageSource::new(vec![empty.clone(), empty, code])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::FrameSource;
    use crate::qr::{read_qr, QrKind};

    #[test]
    fn the_demo_camera_shows_the_sample_voucher() {
        let mut cam = demo_camera().expect("camera");
        let found: Vec<_> = (0..3)
            .map(|_| cam.next_frame().ok().and_then(|f| read_qr(&f).ok()))
            .collect();
        assert!(found[0].is_none() && found[1].is_none());
        let qr = found[2].clone().expect("the third frame has the code");
        assert_eq!(qr.kind, QrKind::InsuranceVoucher);
        assert_eq!(qr.token, SAMPLE_VOUCHER);
    }
}
