//! The call's picture (`station-call`), run for the clinic flow: the doctor's offer is answered
//! while the resident talks with a doctor, and at no other time. After every state change
//! [`Kiosk::follow_call_media`] holds that rule, so whatever ends the talking (hang-up on
//! either side, logout, idle, a pulled card, a new offer) ends the media and turns the camera off.

use std::sync::Arc;

use serde_json::{json, Value};
use station_call::{MediaCall, MediaEvent, RemoteVideo};
use station_clinic_protocol::FromStation;

use crate::Kiosk;

/// Where the doctor's video frames go (the shell hands them, still encoded, to the webview).
pub type RemoteVideoSink = Arc<dyn Fn(RemoteVideo) + Send + Sync>;

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
            // Dropping the call joins its threads: the camera is off when this returns.
            media.take();
            return;
        }
        for payload in signals {
            if let Some(offer) = payload.get("sdp") {
                media.take();
                *media = self.answer_offer(offer);
            } else if let Some(candidate) = payload.get("candidate") {
                if let Some(Err(e)) = media.as_ref().map(|m| m.add_remote_candidate(candidate)) {
                    tracing::warn!(error = %e, "a candidate from the doctor was refused");
                }
            }
        }
    }

    fn answer_offer(&self, offer: &Value) -> Option<MediaCall> {
        let camera = match self.shared.camera.as_ref().map(|open| open()) {
            Some(Ok(camera)) => Some(camera),
            // The doctor still hears (and sees nothing); staff see the camera's fault.
            Some(Err(e)) => {
                tracing::warn!(error = %e, "the camera cannot be opened for the call");
                None
            }
            None => None,
        };
        let sink = self.shared.remote_video.clone();
        let on_event = move |event| match event {
            MediaEvent::RemoteVideo(frame) => {
                if let Some(sink) = &sink {
                    sink(frame);
                }
            }
            MediaEvent::Connected => tracing::info!("call media connected"),
            MediaEvent::Disconnected => tracing::info!("call media ended by the doctor's side"),
            MediaEvent::CameraLost => tracing::warn!("the camera stopped during a call"),
        };
        match MediaCall::answer(offer, &self.shared.media_settings, camera, on_event) {
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

    /// Counts of the call's media now (tests and figures); `None` without media.
    pub fn call_media_stats(&self) -> Option<station_call::MediaStats> {
        let media = self.shared.media.lock().ok()?;
        media.as_ref().map(MediaCall::stats)
    }
}
