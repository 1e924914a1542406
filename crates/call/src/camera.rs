//! The call's camera thread: frames from the [`FrameSource`], encoded as H.264 for the doctor,
//! paced at the call's frame rate. It owns the camera: when it ends (call stopped, the call's
//! loop gone or crashed, the camera failed) the source is dropped and the camera is off.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};

use crate::session::Wake;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use openh264::encoder::{BitRate, Encoder, EncoderConfig, FrameRate, Profile, UsageType};
use openh264::formats::YUVBuffer;
use openh264::OpenH264API;
use station_camera::{Frame, FrameSource};

use crate::self_view::{self, SelfView};
use crate::{MediaError, MediaSettings};

/// One encoded picture for the doctor (Annex B byte stream, SPS/PPS before each key frame).
pub(crate) struct EncodedFrame {
    pub data: Vec<u8>,
    /// Since the camera started.
    pub at: Duration,
}

/// What the camera thread tells the call's loop.
pub(crate) enum CameraNews {
    Frame(EncodedFrame),
    SelfView(SelfView),
    Lost,
}

/// The encoder of one call.
pub(crate) struct VideoEncoder {
    encoder: Encoder,
    settings: MediaSettings,
}

impl VideoEncoder {
    pub fn new(settings: &MediaSettings) -> Result<VideoEncoder, MediaError> {
        let config = EncoderConfig::new()
            .profile(Profile::Baseline)
            .usage_type(UsageType::CameraVideoRealTime)
            .bitrate(BitRate::from_bps(settings.bitrate_bps))
            .max_frame_rate(FrameRate::from_hz(settings.frames_per_second as f32))
            .skip_frames(false);
        let encoder = Encoder::with_api_config(OpenH264API::from_source(), config)
            .map_err(|e| MediaError::Encoder(e.to_string()))?;
        Ok(VideoEncoder {
            encoder,
            settings: settings.clone(),
        })
    }

    pub fn force_key_frame(&mut self) {
        self.encoder.force_intra_frame();
    }

    /// The frame as H.264; grey frames carry neutral chroma. Odd sizes lose their last row or
    /// column (4:2:0 needs even sizes).
    pub fn encode(&mut self, frame: &Frame) -> Result<Vec<u8>, MediaError> {
        let yuv = i420_from_grey(frame);
        self.encoder
            .encode(&yuv)
            .map(|stream| stream.to_vec())
            .map_err(|e| MediaError::Encoder(e.to_string()))
    }

    pub fn settings(&self) -> &MediaSettings {
        &self.settings
    }
}

fn i420_from_grey(frame: &Frame) -> YUVBuffer {
    let (w, h) = (frame.width() as usize & !1, frame.height() as usize & !1);
    let w = w.max(2);
    let h = h.max(2);
    let src = frame.luma();
    let src_w = frame.width() as usize;
    let mut yuv = Vec::with_capacity(w * h * 3 / 2);
    for row in 0..h {
        let start = row.min(frame.height() as usize - 1) * src_w;
        let line = &src[start..start + src_w.min(w)];
        yuv.extend_from_slice(line);
        // A 1-pixel-wide source padded to 2.
        yuv.resize(
            yuv.len() + (w - line.len()),
            line.last().copied().unwrap_or(0),
        );
    }
    yuv.resize(w * h * 3 / 2, 128);
    YUVBuffer::from_vec(yuv, w, h)
}

/// Starts the camera thread. `key_frame` asks for a key frame (the doctor's PLI/FIR).
pub(crate) fn spawn(
    mut source: Box<dyn FrameSource>,
    mut encoder: VideoEncoder,
    news: SyncSender<Wake>,
    key_frame: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) -> Result<JoinHandle<()>, MediaError> {
    let handle = std::thread::Builder::new()
        .name("call-camera".into())
        .spawn(move || {
            let interval = encoder.settings().frame_interval();
            let self_view_every =
                (encoder.settings().frames_per_second / self_view::PER_SECOND).max(1);
            let started = Instant::now();
            let mut next = started;
            let mut taken = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let frame = match source.next_frame() {
                    Ok(frame) => frame,
                    Err(e) => {
                        tracing::warn!(error = %e, "call camera stopped");
                        let _ = news.send(Wake::Camera(CameraNews::Lost));
                        return;
                    }
                };
                if taken.is_multiple_of(self_view_every) {
                    let view = CameraNews::SelfView(SelfView::of(&frame));
                    if let Err(TrySendError::Disconnected(_)) = news.try_send(Wake::Camera(view)) {
                        return;
                    }
                }
                taken = taken.wrapping_add(1);
                if key_frame.swap(false, Ordering::Relaxed) {
                    encoder.force_key_frame();
                }
                match encoder.encode(&frame) {
                    Ok(data) if !data.is_empty() => {
                        let encoded = EncodedFrame {
                            data,
                            at: started.elapsed(),
                        };
                        match news.try_send(Wake::Camera(CameraNews::Frame(encoded))) {
                            // The loop is behind: this frame is dropped, the next one goes.
                            Ok(()) | Err(TrySendError::Full(_)) => {}
                            // The call's loop is gone (ended or crashed): camera off.
                            Err(TrySendError::Disconnected(_)) => return,
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "frame not encoded"),
                }
                next += interval;
                let now = Instant::now();
                if next > now {
                    std::thread::sleep(next - now);
                } else {
                    next = now;
                }
            }
        })?;
    Ok(handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_odd_sized_grey_frame_becomes_an_even_i420_picture_with_neutral_chroma() {
        let frame = Frame::from_luma(5, 3, (0..15).collect()).expect("frame");
        let yuv = i420_from_grey(&frame);
        use openh264::formats::YUVSource;
        assert_eq!(yuv.dimensions(), (4, 2));
        assert_eq!(yuv.y(), &[0, 1, 2, 3, 5, 6, 7, 8]);
        assert!(yuv.u().iter().chain(yuv.v()).all(|&c| c == 128));
    }

    #[test]
    fn the_encoder_makes_an_annex_b_key_frame_first() {
        let mut encoder = VideoEncoder::new(&MediaSettings::default()).expect("encoder");
        let frame = crate::pattern::TestPattern::new(320, 240).frame(0);
        let data = encoder.encode(&frame).expect("encoded");
        assert!(data.starts_with(&[0, 0, 0, 1]), "Annex B start code");
        // NAL type 7 (SPS) leads a key frame.
        assert_eq!(data[4] & 0x1f, 7);
    }
}
