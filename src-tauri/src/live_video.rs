//! Live pictures to the window: the UI subscribes once with a channel (`watch_live_video`); each
//! packet goes through it as one `ArrayBuffer` — during a call the doctor's frames still encoded
//! (`RemoteVideo::to_packet`) and the resident's own small picture a few times a second
//! (`SelfView::to_packet`); in admin mode the camera self-test's live picture (the same small
//! pictures) — and `ui/static/live-video.js` draws them on the screen's canvas. Nothing is kept:
//! a packet with no window is dropped.

use std::sync::{Arc, Mutex};

use station_kiosk::LiveVideoSink;
use tauri::ipc::{Channel, InvokeResponseBody};

#[derive(Clone, Default)]
pub struct LiveVideo(Arc<Mutex<Option<Channel<InvokeResponseBody>>>>);

impl LiveVideo {
    /// What the station calls with each packet.
    pub fn sink(&self) -> LiveVideoSink {
        let window = Arc::clone(&self.0);
        Arc::new(move |packet: Vec<u8>| {
            if let Ok(channel) = window.lock() {
                if let Some(channel) = channel.as_ref() {
                    let _ = channel.send(InvokeResponseBody::Raw(packet));
                }
            }
        })
    }

    fn watch(&self, packets: Channel<InvokeResponseBody>) {
        if let Ok(mut channel) = self.0.lock() {
            // A reloaded page subscribes again: the newest channel wins.
            *channel = Some(packets);
        }
    }
}

#[tauri::command]
pub fn watch_live_video(video: tauri::State<'_, LiveVideo>, packets: Channel<InvokeResponseBody>) {
    video.watch(packets);
}
