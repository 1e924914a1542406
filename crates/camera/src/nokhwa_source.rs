//! A real camera through nokhwa (V4L2 on Linux, Media Foundation on Windows, AVFoundation on macOS).
//!
//! nokhwa's camera handle is not `Send` on every backend, so it lives on its own thread
//! (`station-camera`), which opens the camera, then pushes frames into a one-slot channel. The
//! source only receives: a camera that disappears shows up as [`CameraError::Unplugged`], a
//! camera that was never there as [`CameraError::Absent`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};

use crate::frame::{CameraError, Frame, FrameError};

/// Which camera, at what size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NokhwaConfig {
    /// Camera index as the OS counts them (`/dev/video<index>` on Linux).
    pub index: u32,
    /// Asked for; the camera's closest format is taken. 640x480 is what every USB camera does.
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// No frame for this long → [`CameraError::Unplugged`].
    pub frame_timeout: Duration,
}

impl Default for NokhwaConfig {
    fn default() -> Self {
        NokhwaConfig {
            index: 0,
            width: 640,
            height: 480,
            fps: 30,
            frame_timeout: Duration::from_secs(3),
        }
    }
}

/// A camera opened through nokhwa. Frames are converted to grey here (YUYV, NV12, grey, RGB,
/// BGR, and MJPEG through the `image` crate's pure-Rust JPEG decoder).
pub struct NokhwaSource {
    frames: Receiver<Result<Frame, CameraError>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    timeout: Duration,
}

impl NokhwaSource {
    /// Opens the camera, waiting until it streams or fails. No camera → [`CameraError::Absent`].
    pub fn open(config: NokhwaConfig) -> Result<NokhwaSource, CameraError> {
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<(), CameraError>>(1);
        let (frame_tx, frame_rx) = mpsc::sync_channel(1);
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let timeout = config.frame_timeout;
        let thread = std::thread::Builder::new()
            .name("station-camera".into())
            .spawn(move || run(config, ready_tx, frame_tx, thread_stop))
            .map_err(|e| CameraError::Backend(e.to_string()))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(NokhwaSource {
                frames: frame_rx,
                stop,
                thread: Some(thread),
                timeout,
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(CameraError::Absent)
            }
        }
    }
}

impl crate::FrameSource for NokhwaSource {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        match self.frames.recv_timeout(self.timeout) {
            Ok(r) => r,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                Err(CameraError::Unplugged)
            }
        }
    }
}

impl Drop for NokhwaSource {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Unblock a pending send so the thread sees `stop`.
        while self.frames.try_recv().is_ok() {}
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn open_camera(config: &NokhwaConfig) -> Result<nokhwa::Camera, CameraError> {
    let cameras = nokhwa::query(ApiBackend::Auto).map_err(|e| {
        tracing::info!("camera query failed: {e}");
        CameraError::Absent
    })?;
    if cameras.is_empty() {
        return Err(CameraError::Absent);
    }
    let wanted = CameraFormat::new(
        Resolution::new(config.width, config.height),
        FrameFormat::YUYV,
        config.fps,
    );
    let formats = [
        FrameFormat::YUYV,
        FrameFormat::MJPEG,
        FrameFormat::NV12,
        FrameFormat::GRAY,
        FrameFormat::RAWRGB,
        FrameFormat::RAWBGR,
    ];
    let requested = RequestedFormat::with_formats(RequestedFormatType::Closest(wanted), &formats);
    let mut camera =
        nokhwa::Camera::new(CameraIndex::Index(config.index), requested).map_err(|e| {
            tracing::info!("camera {} cannot be opened: {e}", config.index);
            CameraError::Absent
        })?;
    camera
        .open_stream()
        .map_err(|e| CameraError::Backend(e.to_string()))?;
    Ok(camera)
}

fn run(
    config: NokhwaConfig,
    ready: SyncSender<Result<(), CameraError>>,
    frames: SyncSender<Result<Frame, CameraError>>,
    stop: Arc<AtomicBool>,
) {
    let mut camera = match open_camera(&config) {
        Ok(c) => c,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    if ready.send(Ok(())).is_err() {
        return;
    }
    while !stop.load(Ordering::Relaxed) {
        let result = match camera.frame() {
            Ok(buffer) => to_frame(&buffer).map_err(CameraError::BadFrame),
            Err(e) => {
                tracing::warn!("camera stopped: {e}");
                Err(CameraError::Unplugged)
            }
        };
        let fatal = matches!(result, Err(CameraError::Unplugged));
        if frames.send(result).is_err() || fatal {
            break;
        }
    }
    let _ = camera.stop_stream();
}

/// Converts a camera buffer to a grey frame; sizes are checked, nothing is trusted.
pub(crate) fn to_frame(buffer: &nokhwa::Buffer) -> Result<Frame, FrameError> {
    let res = buffer.resolution();
    let (w, h) = (res.width(), res.height());
    let data = buffer.buffer();
    match buffer.source_frame_format() {
        FrameFormat::YUYV => Frame::from_yuyv(w, h, data),
        FrameFormat::NV12 => Frame::from_nv12(w, h, data),
        FrameFormat::GRAY => Frame::from_luma(w, h, data.to_vec()),
        FrameFormat::RAWRGB => Frame::from_rgb(w, h, data),
        FrameFormat::RAWBGR => {
            let rgb: Vec<u8> = data
                .chunks_exact(3)
                .flat_map(|p| [p[2], p[1], p[0]])
                .collect();
            if rgb.len() != data.len() {
                return Err(FrameError::Length {
                    expected: rgb.len(),
                    got: data.len(),
                });
            }
            Frame::from_rgb(w, h, &rgb)
        }
        FrameFormat::MJPEG => {
            let frame = Frame::from_encoded(data)?;
            if (frame.width(), frame.height()) != (w, h) {
                tracing::debug!(
                    "MJPEG frame is {}x{}, camera said {w}x{h}",
                    frame.width(),
                    frame.height()
                );
            }
            Ok(frame)
        }
    }
}
