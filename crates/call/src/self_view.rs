//! The resident's own picture, small, on the call screen ("the doctor large, the resident
//! small"): every few camera frames, shrunk to fit 160x120 and sent as raw grey pixels (under
//! 20 KiB), which the webview paints without a decoder. Only during a call, like the camera.

use station_camera::Frame;

/// The largest self-view: a thumbnail, enough to see one's face is in the picture.
pub const MAX_WIDTH: u32 = 160;
pub const MAX_HEIGHT: u32 = 120;
/// Self-view pictures a second (the doctor still gets every frame).
pub const PER_SECOND: u32 = 5;
/// The first byte of a self-view packet; the doctor's frames use 1 (VP8) and 2 (H.264).
pub const PACKET_KIND: u8 = 3;

/// One self-view picture: 8-bit grey, row by row.
#[derive(Clone, PartialEq, Eq)]
pub struct SelfView {
    pub width: u16,
    pub height: u16,
    pub luma: Vec<u8>,
}

impl SelfView {
    /// `frame` shrunk (each output pixel the average of its box) to fit within
    /// [`MAX_WIDTH`]x[`MAX_HEIGHT`], keeping its shape; a smaller frame is kept as it is.
    pub fn of(frame: &Frame) -> SelfView {
        let (w, h) = (frame.width().max(1), frame.height().max(1));
        let scale = (w.div_ceil(MAX_WIDTH)).max(h.div_ceil(MAX_HEIGHT)).max(1);
        let (out_w, out_h) = ((w / scale).max(1), (h / scale).max(1));
        let src = frame.luma();
        let mut luma = Vec::with_capacity((out_w * out_h) as usize);
        for oy in 0..out_h {
            for ox in 0..out_w {
                let mut sum = 0u32;
                let mut n = 0u32;
                for y in oy * scale..((oy + 1) * scale).min(h) {
                    let row = (y * w) as usize;
                    for x in ox * scale..((ox + 1) * scale).min(w) {
                        if let Some(&p) = src.get(row + x as usize) {
                            sum += u32::from(p);
                            n += 1;
                        }
                    }
                }
                luma.push((sum / n.max(1)) as u8);
            }
        }
        SelfView {
            // Both at most 160/120 unless the frame itself is smaller.
            width: u16::try_from(out_w).unwrap_or(u16::MAX),
            height: u16::try_from(out_h).unwrap_or(u16::MAX),
            luma,
        }
    }

    /// As the window gets it: kind byte ([`PACKET_KIND`]), a zero byte, width and height
    /// (u16 LE), then the pixels.
    pub fn to_packet(&self) -> Vec<u8> {
        let mut packet = Vec::with_capacity(6 + self.luma.len());
        packet.extend_from_slice(&[PACKET_KIND, 0]);
        packet.extend_from_slice(&self.width.to_le_bytes());
        packet.extend_from_slice(&self.height.to_le_bytes());
        packet.extend_from_slice(&self.luma);
        packet
    }
}

impl std::fmt::Debug for SelfView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SelfView({}x{})", self.width, self.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_camera_frame_shrinks_to_a_thumbnail_keeping_the_bars() {
        let frame = crate::pattern::TestPattern::new(640, 480).frame(0);
        let small = SelfView::of(&frame);
        assert_eq!((small.width, small.height), (160, 120));
        assert_eq!(small.luma.len(), 160 * 120);
        assert!(
            crate::pattern::shows_bars(&small.luma, 160, 120, 2),
            "the bars are still there"
        );
    }

    #[test]
    fn the_packet_says_self_view_and_its_size() {
        let view = SelfView {
            width: 2,
            height: 1,
            luma: vec![7, 9],
        };
        assert_eq!(view.to_packet(), vec![3, 0, 2, 0, 1, 0, 7, 9]);
    }

    proptest! {
        /// Any frame a camera gives (odd sizes, one pixel, very wide) makes a thumbnail that
        /// fits, whose pixels match its size, and whose greys stay within the frame's.
        #[test]
        fn any_frame_makes_a_thumbnail_that_fits(w in 1u32..700, h in 1u32..500, seed: u8) {
            let luma: Vec<u8> = (0..w * h).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect();
            let (lo, hi) = (*luma.iter().min().unwrap_or(&0), *luma.iter().max().unwrap_or(&0));
            let frame = Frame::from_luma(w, h, luma).expect("frame");
            let view = SelfView::of(&frame);
            prop_assert!(u32::from(view.width) <= MAX_WIDTH);
            prop_assert!(u32::from(view.height) <= MAX_HEIGHT);
            prop_assert!(view.width >= 1 && view.height >= 1);
            prop_assert_eq!(view.luma.len(), usize::from(view.width) * usize::from(view.height));
            prop_assert!(view.luma.iter().all(|&p| p >= lo && p <= hi));
        }
    }
}
