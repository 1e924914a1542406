//! Face framing: tells the resident how to stand, and picks one good frame to capture.
//!
//! Face use needs the resident's separate consent on screen first; the kiosk asks before it
//! creates a [`FaceGuide`]. This module never writes an image anywhere: a [`CapturedFace`] keeps
//! its pixels in memory and zeroes them when dropped.

use std::fmt;

use zeroize::Zeroize;

/// A face rectangle in frame pixels (may reach past the frame edge when the face is cut off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceBox {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

/// What the resident should be told about the current frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    NoFace,
    TwoOrMoreFaces,
    TooFar,
    TooClose,
    TooDark,
    OffCentre,
    Good { face_box: FaceBox },
}

/// A face picked for capture: grey pixels in memory only, zeroed on drop. Not `Clone` (one copy
/// to wipe), and `Debug` prints the size only. There is deliberately no way to save it.
pub struct CapturedFace {
    width: u32,
    height: u32,
    luma: Vec<u8>,
    face_box: FaceBox,
    sharpness: f32,
}

impl CapturedFace {
    /// Width of the captured crop.
    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// Grey pixels of the crop (the face with a margin), row-major.
    pub fn luma(&self) -> &[u8] {
        &self.luma
    }

    /// Where the face is inside the crop.
    pub fn face_box(&self) -> FaceBox {
        self.face_box
    }

    /// Variance of the Laplacian over the face: higher is sharper (used to pick the frame).
    pub fn sharpness(&self) -> f32 {
        self.sharpness
    }
}

impl Drop for CapturedFace {
    fn drop(&mut self) {
        self.luma.zeroize();
    }
}

impl fmt::Debug for CapturedFace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CapturedFace({}x{})", self.width, self.height)
    }
}

/// The result of comparing a captured face with a reference (e.g. the ID card photo).
#[derive(Debug, Clone, PartialEq)]
pub enum MatchOutcome {
    /// Same person, with the matcher's own score.
    Match {
        score: f32,
    },
    NoMatch {
        score: f32,
    },
    /// No matcher is configured: nothing was compared, and nothing may be inferred.
    NotConfigured,
}

/// Compares a captured face with a reference image (grey pixels). Implementations must not keep
/// or write either image.
pub trait FaceMatcher: Send + Sync {
    fn compare(&self, face: &CapturedFace, reference: &crate::Frame) -> MatchOutcome;
}

/// No face matcher: always [`MatchOutcome::NotConfigured`]. There is no fake matching.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotConfiguredMatcher;

impl FaceMatcher for NotConfiguredMatcher {
    fn compare(&self, _face: &CapturedFace, _reference: &crate::Frame) -> MatchOutcome {
        MatchOutcome::NotConfigured
    }
}

#[cfg(feature = "face")]
pub use guide::{FaceGuide, FaceGuideConfig, GuideStep, ModelError};

#[cfg(feature = "face")]
mod guide {
    use std::panic::{catch_unwind, AssertUnwindSafe};

    use super::{CapturedFace, FaceBox, Framing};
    use crate::Frame;

    /// SeetaFace frontal face model (BSD-2, VIPL/ICT CAS), as shipped in the rustface 0.1.7 crate
    /// (`model/seeta_fd_frontal_v1.0.bin`, sha256 c4619d06…3ff5d), copied here with its licence
    /// because a crate cannot name a file inside another crate's source.
    static MODEL: &[u8] = include_bytes!("../model/seeta_fd_frontal_v1.0.bin");

    /// Thresholds of the guide. Fractions are of the frame width/height as seen by the camera.
    #[derive(Debug, Clone, PartialEq)]
    pub struct FaceGuideConfig {
        /// Frames are shrunk to this width before detection (speed): 320 keeps ≥ 5 fps on two
        /// cores (see `examples/camera_figures.rs`).
        pub analysis_width: u32,
        /// Smallest face the detector looks for, as a fraction of the frame width (0.10). Faces
        /// smaller than this are not seen at all (→ `NoFace`).
        pub min_face_fraction: f32,
        /// Detector score threshold (rustface's own scale; 2.0 is its documented default).
        pub score_threshold: f64,
        /// Whole frame mean grey below this (0–255) → `TooDark` before any detection (40).
        pub dark_frame_mean: f32,
        /// Face-box mean grey below this → `TooDark` (60): the face must be lit, not only the room.
        pub dark_face_mean: f32,
        /// A second face counts when it is at least this fraction of the largest face's width
        /// (0.5): someone helping at the resident's shoulder counts, a far-off passer-by does not.
        pub second_face_fraction: f32,
        /// Face narrower than this fraction of the frame width → `TooFar` (0.22).
        pub too_far_fraction: f32,
        /// Face wider than this fraction of the frame width → `TooClose` (0.60). A face box cut by
        /// the frame edge by more than 10 % of its width is also `TooClose`.
        pub too_close_fraction: f32,
        /// Face centre further than this from the frame centre, horizontally, as a fraction of
        /// the width → `OffCentre` (0.15).
        pub max_offset_x: f32,
        /// Same vertically, as a fraction of the height (0.20).
        pub max_offset_y: f32,
        /// `Good` frames in a row before one is captured (3): the resident has settled.
        pub stable_frames: u32,
    }

    impl Default for FaceGuideConfig {
        fn default() -> Self {
            FaceGuideConfig {
                analysis_width: 320,
                min_face_fraction: 0.10,
                score_threshold: 2.0,
                dark_frame_mean: 40.0,
                dark_face_mean: 60.0,
                second_face_fraction: 0.5,
                too_far_fraction: 0.22,
                too_close_fraction: 0.60,
                max_offset_x: 0.15,
                max_offset_y: 0.20,
                stable_frames: 3,
            }
        }
    }

    /// One step of the guide: what to tell the resident, and the captured face once there is one.
    #[derive(Debug)]
    pub struct GuideStep {
        pub framing: Framing,
        pub captured: Option<CapturedFace>,
    }

    /// Face framing guide over rustface. `Send`: it holds the parsed model and builds a detector
    /// per frame (rustface's detector is not `Send`; building one from a parsed model is cheap).
    pub struct FaceGuide {
        model: rustface::Model,
        config: FaceGuideConfig,
        good_run: u32,
        best: Option<CapturedFace>,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("cannot load the bundled face model: {0}")]
    pub struct ModelError(String);

    impl FaceGuide {
        pub fn new(config: FaceGuideConfig) -> Result<FaceGuide, ModelError> {
            let model = rustface::read_model(MODEL).map_err(|e| ModelError(e.to_string()))?;
            Ok(FaceGuide {
                model,
                config,
                good_run: 0,
                best: None,
            })
        }

        pub fn config(&self) -> &FaceGuideConfig {
            &self.config
        }

        /// Faces in the frame (frame coordinates), largest first.
        pub fn detect(&self, frame: &Frame) -> Vec<(FaceBox, f64)> {
            let cfg = &self.config;
            let aw = cfg
                .analysis_width
                .clamp(40, frame.width().max(40))
                .min(frame.width());
            let scale = frame.width() as f32 / aw as f32;
            let ah = ((frame.height() as f32 / scale).round() as u32).max(1);
            let small;
            let analysed = if aw == frame.width() {
                frame
            } else {
                match frame.resized(aw, ah) {
                    Ok(f) => {
                        small = f;
                        &small
                    }
                    Err(_) => return Vec::new(),
                }
            };
            // rustface's smallest window is 20 px.
            let min_face = ((aw as f32 * cfg.min_face_fraction) as u32).max(20);
            if analysed.width() < min_face || analysed.height() < min_face {
                return Vec::new();
            }
            let model = self.model.clone();
            let threshold = cfg.score_threshold;
            let found = catch_unwind(AssertUnwindSafe(|| {
                let mut det = rustface::create_detector_with_model(model);
                det.set_min_face_size(min_face);
                det.set_score_thresh(threshold);
                det.set_pyramid_scale_factor(0.8);
                det.set_slide_window_step(4, 4);
                let img =
                    rustface::ImageData::new(analysed.luma(), analysed.width(), analysed.height());
                det.detect(&img)
            }))
            .unwrap_or_default();
            let mut faces: Vec<(FaceBox, f64)> = found
                .iter()
                .map(|f| {
                    let b = f.bbox();
                    (
                        FaceBox {
                            x: (b.x() as f32 * scale).round() as i32,
                            y: (b.y() as f32 * scale).round() as i32,
                            width: (b.width() as f32 * scale).round() as u32,
                            height: (b.height() as f32 * scale).round() as u32,
                        },
                        f.score(),
                    )
                })
                .collect();
            faces.sort_by_key(|f| std::cmp::Reverse(f.0.width));
            faces
        }

        /// Judges one frame (no state).
        pub fn assess(&self, frame: &Frame) -> Framing {
            let cfg = &self.config;
            if frame.mean_luma() < cfg.dark_frame_mean {
                return Framing::TooDark;
            }
            let faces = self.detect(frame);
            let Some(&(face, _)) = faces.first() else {
                return Framing::NoFace;
            };
            let second = faces
                .iter()
                .skip(1)
                .filter(|(b, _)| b.width as f32 >= face.width as f32 * cfg.second_face_fraction)
                .count();
            if second > 0 {
                return Framing::TwoOrMoreFaces;
            }
            let face_mean = frame
                .mean_luma_in(
                    i64::from(face.x),
                    i64::from(face.y),
                    i64::from(face.width),
                    i64::from(face.height),
                )
                .unwrap_or(0.0);
            if face_mean < cfg.dark_face_mean {
                return Framing::TooDark;
            }
            let (fw, fh) = (frame.width() as f32, frame.height() as f32);
            let w = face.width as f32;
            let cut = (-face.x).max(0) as f32
                + (-face.y).max(0) as f32
                + (face.x as f32 + w - fw).max(0.0)
                + (face.y as f32 + face.height as f32 - fh).max(0.0);
            if w > fw * cfg.too_close_fraction || cut > 0.10 * w {
                return Framing::TooClose;
            }
            if w < fw * cfg.too_far_fraction {
                return Framing::TooFar;
            }
            let cx = face.x as f32 + w / 2.0;
            let cy = face.y as f32 + face.height as f32 / 2.0;
            if (cx - fw / 2.0).abs() > fw * cfg.max_offset_x
                || (cy - fh / 2.0).abs() > fh * cfg.max_offset_y
            {
                return Framing::OffCentre;
            }
            Framing::Good { face_box: face }
        }

        /// Judges a frame and, after `stable_frames` good frames in a row, hands over the
        /// sharpest of them (then starts a new run). Anything not good resets the run and wipes
        /// the candidate.
        pub fn step(&mut self, frame: &Frame) -> GuideStep {
            let framing = self.assess(frame);
            let Framing::Good { face_box } = framing else {
                self.good_run = 0;
                self.best = None;
                return GuideStep {
                    framing,
                    captured: None,
                };
            };
            self.good_run += 1;
            if let Some(candidate) = capture(frame, face_box) {
                let better = match &self.best {
                    Some(b) => candidate.sharpness > b.sharpness,
                    None => true,
                };
                if better {
                    self.best = Some(candidate);
                }
            }
            let captured = if self.good_run >= self.config.stable_frames.max(1) {
                self.good_run = 0;
                self.best.take()
            } else {
                None
            };
            GuideStep { framing, captured }
        }

        /// Forgets the current run and wipes its candidate (e.g. when the resident leaves).
        pub fn reset(&mut self) {
            self.good_run = 0;
            self.best = None;
        }
    }

    /// The face with a 25 % margin, in memory.
    fn capture(frame: &Frame, face: FaceBox) -> Option<CapturedFace> {
        let margin = (face.width / 4) as i64;
        let (x, y) = (i64::from(face.x) - margin, i64::from(face.y) - margin);
        let (w, h) = (
            i64::from(face.width) + 2 * margin,
            i64::from(face.height) + 2 * margin,
        );
        let crop = frame.crop(x, y, w, h).ok()?;
        let (ox, oy) = (x.max(0), y.max(0));
        let face_box = FaceBox {
            x: (i64::from(face.x) - ox) as i32,
            y: (i64::from(face.y) - oy) as i32,
            width: face.width,
            height: face.height,
        };
        let sharpness = laplacian_variance(&crop);
        Some(CapturedFace {
            width: crop.width(),
            height: crop.height(),
            luma: crop.luma().to_vec(),
            face_box,
            sharpness,
        })
        // `crop` is a Frame: its pixels are zeroed as it drops here.
    }

    fn laplacian_variance(f: &Frame) -> f32 {
        let (w, h) = (f.width() as usize, f.height() as usize);
        if w < 3 || h < 3 {
            return 0.0;
        }
        let p = f.luma();
        let px = |x: usize, y: usize| f32::from(p[y * w + x]);
        let (mut sum, mut sum2, mut n) = (0f64, 0f64, 0f64);
        for y in 1..h - 1 {
            for x in 1..w - 1 {
                let l = px(x - 1, y) + px(x + 1, y) + px(x, y - 1) + px(x, y + 1) - 4.0 * px(x, y);
                sum += f64::from(l);
                sum2 += f64::from(l) * f64::from(l);
                n += 1.0;
            }
        }
        let mean = sum / n;
        (sum2 / n - mean * mean) as f32
    }
}
