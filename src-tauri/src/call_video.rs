//! The call's pictures to the window: the UI subscribes once with a channel
//! (`watch_call_video`); during a call each packet goes through it as one `ArrayBuffer` — the
//! doctor's frames still encoded (`RemoteVideo::to_packet`), the resident's own small picture a
//! few times a second (`SelfView::to_packet`) — and `ui/static/call-video.js` draws them on the
//! call screen's canvases. Nothing is kept: a packet with no window is dropped.

use std::sync::{Arc, Mutex};

use station_kiosk::CallVideoSink;
use tauri::ipc::{Channel, InvokeResponseBody};

#[derive(Clone, Default)]
pub struct CallVideo(Arc<Mutex<Option<Channel<InvokeResponseBody>>>>);

impl CallVideo {
    /// What the station calls with each packet.
    pub fn sink(&self) -> CallVideoSink {
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
pub fn watch_call_video(video: tauri::State<'_, CallVideo>, packets: Channel<InvokeResponseBody>) {
    video.watch(packets);
}
