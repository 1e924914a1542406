//! Frames (8-bit grey) and where they come from.

use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use thiserror::Error;
use zeroize::Zeroize;

/// Largest width or height accepted: larger is a bad frame (or a decompression bomb), not a camera.
pub const MAX_DIMENSION: u32 = 4096;

/// Why a buffer is not a usable frame.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    #[error("frame has zero width or height")]
    ZeroSize,
    #[error("frame of {width}x{height} is larger than {MAX_DIMENSION} on a side")]
    TooLarge { width: u32, height: u32 },
    #[error("frame buffer has {got} bytes, {expected} expected")]
    Length { expected: usize, got: usize },
    #[error("cannot decode image: {0}")]
    Decode(String),
    #[error("unsupported pixel format: {0}")]
    Format(String),
    #[error("cannot encode the picture: {0}")]
    Encode(String),
}

/// What can go wrong with a camera.
#[derive(Debug, Error)]
pub enum CameraError {
    /// No camera is connected (or none can be opened).
    #[error("no camera found")]
    Absent,
    /// The camera was there and stopped delivering frames (unplugged, driver gone, stalled).
    #[error("the camera stopped delivering frames")]
    Unplugged,
    /// The camera delivered something that is not a usable frame.
    #[error("bad frame: {0}")]
    BadFrame(#[from] FrameError),
    /// A still image for [`StillImageSource`] could not be read.
    #[error("cannot use still image {path}: {reason}")]
    StillImage { path: PathBuf, reason: String },
    /// The camera backend failed in another way (message from the backend, no pixels).
    #[error("camera backend: {0}")]
    Backend(String),
}

/// One camera frame: 8-bit grey, row-major, `width * height` bytes, never empty.
///
/// The pixels are zeroed when the frame is dropped: a camera frame may show a resident.
/// `Debug` prints the size only.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    width: u32,
    height: u32,
    luma: Vec<u8>,
}

fn check_size(width: u32, height: u32) -> Result<usize, FrameError> {
    if width == 0 || height == 0 {
        return Err(FrameError::ZeroSize);
    }
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(FrameError::TooLarge { width, height });
    }
    // Both ≤ 4096, so the product fits in usize on every target we build for.
    Ok(width as usize * height as usize)
}

fn check_len(expected: usize, got: usize) -> Result<(), FrameError> {
    if expected == got {
        Ok(())
    } else {
        Err(FrameError::Length { expected, got })
    }
}

impl Frame {
    /// A frame from grey pixels; the buffer must be exactly `width * height` bytes.
    pub fn from_luma(width: u32, height: u32, luma: Vec<u8>) -> Result<Frame, FrameError> {
        let n = check_size(width, height)?;
        check_len(n, luma.len())?;
        Ok(Frame {
            width,
            height,
            luma,
        })
    }

    /// A frame from packed RGB (3 bytes a pixel), converted to grey (ITU-R BT.601 weights).
    pub fn from_rgb(width: u32, height: u32, rgb: &[u8]) -> Result<Frame, FrameError> {
        let n = check_size(width, height)?;
        check_len(n * 3, rgb.len())?;
        let luma = rgb
            .chunks_exact(3)
            .map(|p| {
                let y = 299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]);
                (y / 1000) as u8
            })
            .collect();
        Ok(Frame {
            width,
            height,
            luma,
        })
    }

    /// A frame from YUYV 4:2:2 (what most USB cameras send uncompressed): the Y bytes are the grey.
    pub fn from_yuyv(width: u32, height: u32, yuyv: &[u8]) -> Result<Frame, FrameError> {
        let n = check_size(width, height)?;
        check_len(n * 2, yuyv.len())?;
        let luma = yuyv.iter().step_by(2).copied().collect();
        Ok(Frame {
            width,
            height,
            luma,
        })
    }

    /// A frame from NV12 (a full Y plane then interleaved UV): the Y plane is the grey.
    pub fn from_nv12(width: u32, height: u32, nv12: &[u8]) -> Result<Frame, FrameError> {
        let n = check_size(width, height)?;
        let expected = n + 2 * (width.div_ceil(2) as usize * height.div_ceil(2) as usize);
        check_len(expected, nv12.len())?;
        Ok(Frame {
            width,
            height,
            luma: nv12[..n].to_vec(),
        })
    }

    /// A frame from an encoded PNG or JPEG (e.g. an MJPEG camera frame or a test image).
    /// Size limits are applied before the pixels are allocated.
    pub fn from_encoded(bytes: &[u8]) -> Result<Frame, FrameError> {
        let mut reader = image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| FrameError::Decode(e.to_string()))?;
        match reader.format() {
            Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
            other => return Err(FrameError::Format(format!("{other:?}"))),
        }
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_DIMENSION);
        limits.max_image_height = Some(MAX_DIMENSION);
        limits.max_alloc = Some(u64::from(MAX_DIMENSION) * u64::from(MAX_DIMENSION) * 4);
        reader.limits(limits);
        let img = reader
            .decode()
            .map_err(|e| FrameError::Decode(e.to_string()))?;
        let grey = img.into_luma8();
        let (w, h) = grey.dimensions();
        Frame::from_luma(w, h, grey.into_raw())
    }

    /// The frame as a greyscale JPEG (a fault report's photo). `quality` is 1–100.
    pub fn to_jpeg(&self, quality: u8) -> Result<Vec<u8>, FrameError> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
            .encode(
                &self.luma,
                self.width,
                self.height,
                image::ExtendedColorType::L8,
            )
            .map_err(|e| FrameError::Encode(e.to_string()))?;
        Ok(out)
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// Grey pixels, row-major.
    pub fn luma(&self) -> &[u8] {
        &self.luma
    }

    /// The pixel at (x, y), or `None` outside the frame.
    pub fn get(&self, x: u32, y: u32) -> Option<u8> {
        if x >= self.width || y >= self.height {
            return None;
        }
        self.luma
            .get(y as usize * self.width as usize + x as usize)
            .copied()
    }

    /// Mean grey level 0..=255.
    pub fn mean_luma(&self) -> f32 {
        let sum: u64 = self.luma.iter().map(|&v| u64::from(v)).sum();
        sum as f32 / self.luma.len() as f32
    }

    /// Mean grey level of a rectangle clipped to the frame (`None` if nothing is left).
    pub fn mean_luma_in(&self, x: i64, y: i64, w: i64, h: i64) -> Option<f32> {
        let (x0, y0) = (x.max(0), y.max(0));
        let x1 = (x + w).min(i64::from(self.width));
        let y1 = (y + h).min(i64::from(self.height));
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        let mut sum = 0u64;
        for row in y0..y1 {
            let start = row as usize * self.width as usize;
            let line = self.luma.get(start + x0 as usize..start + x1 as usize)?;
            sum += line.iter().map(|&v| u64::from(v)).sum::<u64>();
        }
        Some(sum as f32 / ((x1 - x0) * (y1 - y0)) as f32)
    }

    /// A copy of a rectangle clipped to the frame.
    pub fn crop(&self, x: i64, y: i64, w: i64, h: i64) -> Result<Frame, FrameError> {
        let (x0, y0) = (x.max(0), y.max(0));
        let x1 = (x + w).min(i64::from(self.width));
        let y1 = (y + h).min(i64::from(self.height));
        if x1 <= x0 || y1 <= y0 {
            return Err(FrameError::ZeroSize);
        }
        let mut luma = Vec::with_capacity(((x1 - x0) * (y1 - y0)) as usize);
        for row in y0..y1 {
            let start = row as usize * self.width as usize;
            luma.extend_from_slice(&self.luma[start + x0 as usize..start + x1 as usize]);
        }
        Frame::from_luma((x1 - x0) as u32, (y1 - y0) as u32, luma)
    }

    /// Scaled (area average when shrinking, nearest when growing) to `width` x `height`.
    pub fn resized(&self, width: u32, height: u32) -> Result<Frame, FrameError> {
        let n = check_size(width, height)?;
        let mut luma = Vec::with_capacity(n);
        let (sw, sh) = (u64::from(self.width), u64::from(self.height));
        let (dw, dh) = (u64::from(width), u64::from(height));
        for dy in 0..dh {
            let y0 = dy * sh / dh;
            let y1 = ((dy + 1) * sh / dh).max(y0 + 1);
            for dx in 0..dw {
                let x0 = dx * sw / dw;
                let x1 = ((dx + 1) * sw / dw).max(x0 + 1);
                let mut sum = 0u64;
                for y in y0..y1 {
                    let row = (y * sw) as usize;
                    sum += self.luma[row + x0 as usize..row + x1 as usize]
                        .iter()
                        .map(|&v| u64::from(v))
                        .sum::<u64>();
                }
                luma.push((sum / ((y1 - y0) * (x1 - x0))) as u8);
            }
        }
        Frame::from_luma(width, height, luma)
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        self.luma.zeroize();
    }
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Frame({}x{})", self.width, self.height)
    }
}

/// Anything that delivers camera frames. Blocking: `next_frame` waits for the next frame.
pub trait FrameSource: Send {
    fn next_frame(&mut self) -> Result<Frame, CameraError>;
}

impl<S: FrameSource + ?Sized> FrameSource for Box<S> {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        (**self).next_frame()
    }
}

/// Feeds still images in a loop: for tests, the demo mode and machines without a camera.
pub struct StillImageSource {
    frames: Vec<Frame>,
    next: usize,
    served: usize,
    unplug_after: Option<usize>,
}

impl StillImageSource {
    /// Loops over `frames`; no frames means no camera ([`CameraError::Absent`]).
    pub fn new(frames: Vec<Frame>) -> Result<StillImageSource, CameraError> {
        if frames.is_empty() {
            return Err(CameraError::Absent);
        }
        Ok(StillImageSource {
            frames,
            next: 0,
            served: 0,
            unplug_after: None,
        })
    }

    /// Loops over PNG/JPEG files (read once, now). Images are only ever read, never written.
    pub fn from_files<P: AsRef<Path>>(
        paths: impl IntoIterator<Item = P>,
    ) -> Result<StillImageSource, CameraError> {
        let mut frames = Vec::new();
        for p in paths {
            let path = p.as_ref();
            let bytes = std::fs::read(path).map_err(|e| CameraError::StillImage {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
            let frame = Frame::from_encoded(&bytes).map_err(|e| CameraError::StillImage {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
            frames.push(frame);
        }
        StillImageSource::new(frames)
    }

    /// After `n` frames every call fails with [`CameraError::Unplugged`], as a camera pulled out
    /// mid-stream does.
    pub fn unplug_after(mut self, n: usize) -> StillImageSource {
        self.unplug_after = Some(n);
        self
    }
}

impl FrameSource for StillImageSource {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        if self.unplug_after.is_some_and(|n| self.served >= n) {
            return Err(CameraError::Unplugged);
        }
        let frame = self
            .frames
            .get(self.next)
            .cloned()
            .ok_or(CameraError::Absent)?;
        self.next = (self.next + 1) % self.frames.len();
        self.served += 1;
        Ok(frame)
    }
}
