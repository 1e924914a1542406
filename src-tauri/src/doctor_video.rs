//! The doctor's video to the window: the UI subscribes once with a channel
//! (`watch_doctor_video`); during a call each frame goes through it, still encoded, as one
//! `ArrayBuffer` (`RemoteVideo::to_packet`), and `ui/static/doctor-video.js` decodes it with
//! WebCodecs onto the call screen's canvas. Nothing is kept: a frame with no window is dropped.

use std::sync::{Arc, Mutex};

use station_kiosk::{RemoteVideo, RemoteVideoSink};
use tauri::ipc::{Channel, InvokeResponseBody};

#[derive(Clone, Default)]
pub struct DoctorVideo(Arc<Mutex<Option<Channel<InvokeResponseBody>>>>);

impl DoctorVideo {
    /// What the station calls with each of the doctor's frames.
    pub fn sink(&self) -> RemoteVideoSink {
        let window = Arc::clone(&self.0);
        Arc::new(move |frame: RemoteVideo| {
            if let Ok(channel) = window.lock() {
                if let Some(channel) = channel.as_ref() {
                    let _ = channel.send(InvokeResponseBody::Raw(frame.to_packet()));
                }
            }
        })
    }

    fn watch(&self, frames: Channel<InvokeResponseBody>) {
        if let Ok(mut channel) = self.0.lock() {
            // A reloaded page subscribes again: the newest channel wins.
            *channel = Some(frames);
        }
    }
}

#[tauri::command]
pub fn watch_doctor_video(
    video: tauri::State<'_, DoctorVideo>,
    frames: Channel<InvokeResponseBody>,
) {
    video.watch(frames);
}
