//! Test helpers: QR codes rendered into frames, synthetic scenes.
#![allow(dead_code)]
// Test fixtures: a failure here is a broken test, reported by the panic.
#![allow(clippy::unwrap_used)]

use qrcode::{Color, QrCode};
use station_camera::Frame;

/// A tiny deterministic noise source (no dependency, same frames every run).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }
    pub fn next_u8(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 56) as u8
    }
}

/// Renders `payload` as a QR code, `px` pixels a module, with a 4-module quiet zone.
pub fn qr_frame(payload: &[u8], px: u32) -> Frame {
    let code = QrCode::new(payload).unwrap();
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let side = (modules + 8) * px;
    let mut luma = vec![255u8; (side * side) as usize];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / px, y / px);
            if (4..modules + 4).contains(&mx) && (4..modules + 4).contains(&my) {
                let i = ((my - 4) * modules + (mx - 4)) as usize;
                if colors[i] == Color::Dark {
                    luma[(y * side + x) as usize] = 0;
                }
            }
        }
    }
    Frame::from_luma(side, side, luma).unwrap()
}

/// Places `inner` into a `w` x `h` frame of grey `background` at (`x`, `y`), adding ±`noise` to
/// every pixel.
pub fn compose(inner: &Frame, w: u32, h: u32, x: u32, y: u32, background: u8, noise: u8) -> Frame {
    let mut rng = Lcg::new(7);
    let mut luma = vec![background; (w * h) as usize];
    for iy in 0..inner.height() {
        for ix in 0..inner.width() {
            let (fx, fy) = (x + ix, y + iy);
            if fx < w && fy < h {
                luma[(fy * w + fx) as usize] = inner.get(ix, iy).unwrap();
            }
        }
    }
    if noise > 0 {
        let span = u16::from(noise) * 2 + 1;
        for v in luma.iter_mut() {
            let d = i16::try_from(u16::from(rng.next_u8()) % span).unwrap() - i16::from(noise);
            *v = (i16::from(*v) + d).clamp(0, 255) as u8;
        }
    }
    Frame::from_luma(w, h, luma).unwrap()
}

/// A QR code scaled into a 640x480 camera-like frame with noise.
pub fn qr_in_camera_frame(payload: &[u8], px: u32) -> Frame {
    let qr = qr_frame(payload, px);
    let (x, y) = ((640 - qr.width()) / 2, (480 - qr.height()) / 2);
    compose(&qr, 640, 480, x, y, 180, 20)
}

/// The committed test face (scikit-image's astronaut.png, public domain; grey crop 280x210).
pub fn astronaut() -> Frame {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/images/astronaut_face.png"
    ))
    .unwrap();
    Frame::from_encoded(&bytes).unwrap()
}

/// Brightness scaled by `factor`.
pub fn scaled_brightness(f: &Frame, factor: f32) -> Frame {
    let luma = f
        .luma()
        .iter()
        .map(|&v| (f32::from(v) * factor) as u8)
        .collect();
    Frame::from_luma(f.width(), f.height(), luma).unwrap()
}
