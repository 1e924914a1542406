//! The call's picture (`station-call`), run for the clinic flow: the doctor's offer is answered
//! while the resident talks with a doctor, and at no other time. After every state change
//! [`Kiosk::follow_call_media`] holds that rule, so whatever ends the talking (hang-up on
//! either side, logout, idle, a pulled card, a new offer) ends the media and turns the camera and
//! the microphone off.

use std::sync::Arc;

use serde_json::{json, Value};
use station_call::{
    CallDevices, MediaCall, MediaEvent, MediaSettings, RelayTransport, StunServer, TurnServer,
};
use station_clinic_protocol::{FromStation, IceServer};
use station_protocol::CallQuality;

use crate::Kiosk;

/// Where live pictures go, as packets for the window (the shell hands them on as they are):
/// during a call each of the doctor's frames still encoded (`RemoteVideo::to_packet`) and, a few
/// times a second, the resident's own small picture (`SelfView::to_packet`); in admin mode the
/// camera self-test's preview (small pictures too).
pub type LiveVideoSink = Arc<dyn Fn(Vec<u8>) + Send + Sync>;

/// The console's relays and STUN servers for the calls' media, as it named them when the link
/// last came up.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallRelays {
    servers: Vec<TurnServer>,
    only: bool,
    stun: Vec<StunServer>,
}

impl CallRelays {
    /// The TURN addresses over UDP and TCP (UDP first: the call tries them in order) and the
    /// `stun:` ones among the console's `ice_servers` (the kiosk speaks no other, `turns:` not
    /// yet: the log says which entries it leaves to the doctor's browser).
    pub(crate) fn from_console(ice_servers: &[IceServer], relay_only: bool) -> CallRelays {
        let urls = || {
            ice_servers
                .iter()
                .flat_map(|s| s.urls.iter().map(move |u| (s, u)))
        };
        let mut servers = urls()
            .filter(|(_, url)| !url.starts_with("stun:"))
            .filter_map(|(server, url)| {
                let parsed = TurnServer::parse(
                    url,
                    server.username.as_deref(),
                    server.credential.as_deref(),
                );
                parsed
                    .map_err(|e| tracing::info!(reason = %e, "not a relay for the kiosk"))
                    .ok()
            })
            .collect::<Vec<_>>();
        servers.sort_by_key(|s| s.transport != RelayTransport::Udp);
        let stun = urls()
            .filter(|(_, url)| url.starts_with("stun:"))
            .filter_map(|(_, url)| {
                StunServer::parse(url)
                    .map_err(|e| tracing::info!(reason = %e, "not a STUN server for the kiosk"))
                    .ok()
            })
            .collect();
        CallRelays {
            servers,
            only: relay_only,
            stun,
        }
    }
}

/// Ends a call's media, noting what flowed (counts only: staff and tests see that picture and
/// sound went both ways).
fn end(call: MediaCall) {
    let stats = call.stats();
    call.stop();
    tracing::info!(
        frames_sent = stats.frames_sent,
        frames_received = stats.frames_received,
        audio_frames_sent = stats.audio_frames_sent,
        audio_bytes_received = stats.audio_bytes_received,
        audio_frames_played = stats.audio_frames_played,
        audio_frames_heard = stats.audio_frames_heard,
        echo_removed_db = ?stats.echo_removed_db,
        "call media ended"
    );
}

/// A device opened for the call, or `None` (with the reason in the log).
fn opened<T, E: std::fmt::Display>(result: Option<Result<T, E>>, device: &str) -> Option<T> {
    match result? {
        Ok(device) => Some(device),
        Err(e) => {
            tracing::warn!(error = %e, "{device} cannot be opened for the call");
            None
        }
    }
}

impl Kiosk {
    /// The media follows the call: none unless talking; the doctor's offer starts it (a new
    /// offer replaces it), their candidates join it.
    pub(crate) fn follow_call_media(&self, signals: Vec<Value>) {
        // Held across the check and the change: two threads applying effects at once must not
        // leave a camera on for a call that just ended. (Order: media, then station.)
        let Ok(mut media) = self.shared.media.lock() else {
            return;
        };
        if !self.lock().talking_with_doctor() {
            // Dropping the call joins its threads: camera and microphone are off when this
            // returns.
            if let Some(call) = media.take() {
                end(call);
                self.set_call_quality(CallQuality::Connecting);
            }
            return;
        }
        for payload in signals {
            if let Some(offer) = payload.get("sdp") {
                if let Some(call) = media.take() {
                    end(call);
                }
                self.set_call_quality(CallQuality::Connecting);
                *media = self.answer_offer(offer);
            } else if let Some(candidate) = payload.get("candidate") {
                if let Some(Err(e)) = media.as_ref().map(|m| m.add_remote_candidate(candidate)) {
                    tracing::warn!(error = %e, "a candidate from the doctor was refused");
                }
            }
        }
    }

    /// The call's devices, each opened now; one that fails only leaves that way dark or
    /// silent (the log tells staff which).
    fn open_call_devices(&self) -> CallDevices {
        let shared = &self.shared;
        CallDevices {
            // Without it the doctor still hears (and sees nothing); staff see the camera's fault.
            camera: opened(shared.camera.as_ref().map(|open| open()), "the camera"),
            microphone: opened(
                shared.microphone.as_ref().map(|open| open()),
                "the microphone",
            ),
            speaker: opened(shared.speaker.as_ref().map(|open| open()), "the speaker"),
        }
    }

    /// The station's media settings with the console's relays and STUN servers.
    fn call_settings(&self) -> MediaSettings {
        let mut settings = self.shared.media_settings.clone();
        if let Ok(relays) = self.shared.call_relays.lock() {
            settings.relays = relays.servers.clone();
            settings.relay_only = relays.only;
            settings.stun = relays.stun.clone();
        }
        settings
    }

    /// What the console said of its relays as the link came up.
    pub(crate) fn set_call_relays(&self, relays: CallRelays) {
        if let Ok(mut slot) = self.shared.call_relays.lock() {
            *slot = relays;
        }
    }

    fn answer_offer(&self, offer: &Value) -> Option<MediaCall> {
        if let Err(e) = MediaCall::check_offer(offer) {
            tracing::warn!(error = %e, "the doctor's video offer was not answered");
            return None;
        }
        let settings = self.call_settings();
        let devices = self.open_call_devices();
        let sink = self.shared.live_video.clone();
        // Only a shared value: this runs on the call's thread, which a hang-up joins while
        // holding the media lock, so it must never wait for the station.
        let quality = Arc::clone(&self.shared.call_quality);
        let on_event = move |event| match event {
            MediaEvent::Quality(q) => {
                tracing::info!(quality = ?q, "the doctor's picture");
                if let Ok(mut slot) = quality.lock() {
                    *slot = q;
                }
            }
            MediaEvent::RemoteVideo(frame) => {
                if let Some(sink) = &sink {
                    sink(frame.to_packet());
                }
            }
            MediaEvent::SelfView(view) => {
                if let Some(sink) = &sink {
                    sink(view.to_packet());
                }
            }
            MediaEvent::Connected => tracing::info!("call media connected"),
            MediaEvent::Disconnected => tracing::info!("call media ended by the doctor's side"),
            MediaEvent::CameraLost => tracing::warn!("the camera stopped during a call"),
            MediaEvent::MicrophoneLost => tracing::warn!("the microphone stopped during a call"),
        };
        match MediaCall::answer(offer, &settings, devices, on_event) {
            Ok((call, answer)) => {
                self.send_to_clinic(vec![FromStation::Signal {
                    payload: json!({ "sdp": answer }),
                }]);
                Some(call)
            }
            Err(e) => {
                tracing::warn!(error = %e, "the doctor's video offer was not answered");
                None
            }
        }
    }

    fn set_call_quality(&self, quality: CallQuality) {
        if let Ok(mut slot) = self.shared.call_quality.lock() {
            *slot = quality;
        }
    }

    pub(crate) fn call_quality(&self) -> CallQuality {
        self.shared
            .call_quality
            .lock()
            .map(|q| *q)
            .unwrap_or_default()
    }

    /// Counts of the call's media now (tests and figures); `None` without media.
    pub fn call_media_stats(&self) -> Option<station_call::MediaStats> {
        let media = self.shared.media.lock().ok()?;
        media.as_ref().map(MediaCall::stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kiosk_takes_the_consoles_turn_relays_udp_first_and_stun_servers_and_leaves_the_rest() {
        let ice = [
            IceServer {
                urls: vec!["stun:stun.example.org:3478".into()],
                username: None,
                credential: None,
            },
            IceServer {
                urls: vec![
                    "turns:relay.example.org:5349".into(),
                    "turn:relay.example.org:3478?transport=tcp".into(),
                    "turn:relay.example.org:3478?transport=udp".into(),
                    "turn:10.1.2.3".into(),
                ],
                username: Some("station".into()),
                credential: Some("secret".into()),
            },
            // A relay without credentials cannot be used.
            IceServer {
                urls: vec!["turn:open.example.org".into()],
                username: None,
                credential: None,
            },
        ];
        let relays = CallRelays::from_console(&ice, true);
        let hosts: Vec<(&str, u16, RelayTransport)> = relays
            .servers
            .iter()
            .map(|s| (s.host.as_str(), s.port, s.transport))
            .collect();
        // UDP first (quicker), TCP where UDP cannot get out; TLS (`turns:`) left to the browser.
        assert_eq!(
            hosts,
            [
                ("relay.example.org", 3478, RelayTransport::Udp),
                ("10.1.2.3", 3478, RelayTransport::Udp),
                ("relay.example.org", 3478, RelayTransport::Tcp),
            ]
        );
        assert!(relays.servers.iter().all(|s| s.credential == "secret"));
        assert!(relays.only);
        let stun: Vec<(&str, u16)> = relays
            .stun
            .iter()
            .map(|s| (s.host.as_str(), s.port))
            .collect();
        assert_eq!(stun, [("stun.example.org", 3478)]);
        assert!(CallRelays::from_console(&[], false).servers.is_empty());
    }
}
