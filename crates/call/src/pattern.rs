//! A camera that shows a test pattern: eight grey bars (dark to light) over the top three
//! quarters, a block moving along the bottom. Tests feed it where a station has a camera, and a
//! receiver checks the bars came through (not black, not garbage).

use station_camera::{CameraError, Frame, FrameSource};

/// The bars' grey levels, left to right.
pub const BARS: [u8; 8] = [16, 48, 80, 112, 144, 176, 208, 240];

#[derive(Debug, Clone)]
pub struct TestPattern {
    width: u32,
    height: u32,
    served: u64,
}

impl TestPattern {
    pub fn new(width: u32, height: u32) -> TestPattern {
        TestPattern {
            width: width.max(16),
            height: height.max(16),
            served: 0,
        }
    }

    /// The `n`th picture.
    pub fn frame(&self, n: u64) -> Frame {
        let (w, h) = (self.width as usize, self.height as usize);
        let mut luma = vec![0u8; w * h];
        let bars_end = h * 3 / 4;
        let block = (h / 8).max(2);
        let block_x = (n as usize * 8) % w.saturating_sub(block).max(1);
        for (y, row) in luma.chunks_exact_mut(w).enumerate() {
            for (x, px) in row.iter_mut().enumerate() {
                *px = if y < bars_end {
                    BARS[x * BARS.len() / w]
                } else if (block_x..block_x + block).contains(&x) {
                    235
                } else {
                    16
                };
            }
        }
        // Sizes are ≥ 16 and the buffer is w*h: always a valid frame.
        Frame::from_luma(self.width, self.height, luma).unwrap_or_else(|_| unreachable!())
    }
}

impl FrameSource for TestPattern {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let frame = self.frame(self.served);
        self.served += 1;
        Ok(frame)
    }
}

/// Whether a decoded picture's grey levels (`width` x `height`, row-major) show the bars: the
/// middle of each bar, halfway down the bars, within `tolerance` of its level.
pub fn shows_bars(luma: &[u8], width: usize, height: usize, tolerance: u8) -> bool {
    if luma.len() < width * height || width < BARS.len() * 2 {
        return false;
    }
    let y = height * 3 / 8;
    BARS.iter().enumerate().all(|(i, &level)| {
        let x = (2 * i + 1) * width / (2 * BARS.len());
        luma[y * width + x].abs_diff(level) <= tolerance
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_shows_its_bars_and_black_does_not() {
        let pattern = TestPattern::new(640, 480);
        let frame = pattern.frame(3);
        assert!(shows_bars(frame.luma(), 640, 480, 0));
        assert!(!shows_bars(&vec![0; 640 * 480], 640, 480, 20));
        assert!(!shows_bars(&[], 640, 480, 20));
    }

    #[test]
    fn the_block_moves() {
        let pattern = TestPattern::new(64, 64);
        assert_ne!(pattern.frame(0), pattern.frame(1));
    }
}
