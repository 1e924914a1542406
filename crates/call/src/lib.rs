//! The cloud clinic's media path on the kiosk (issue 13): the doctor's browser offers WebRTC,
//! the kiosk answers here, natively, because Debian's WebKitGTK has no `RTCPeerConnection`.
//!
//! - **Transport**: [str0m](https://docs.rs/str0m), a sans-IO WebRTC stack. Chosen over
//!   webrtc-rs because it owns no runtime and no sockets: one thread drives it, time is an input
//!   (tests run it on loopback without sleeping on a tokio runtime), it is small, actively kept,
//!   and used in production SFUs; webrtc-rs is a port of Pion spread over ~20 crates with its own
//!   tokio tasks per component, and its maintainers have moved to a rewrite.
//! - **Video out**: the camera's frames (any [`FrameSource`], so tests feed a test pattern)
//!   encoded as H.264 constrained baseline by openh264 (bundled source, builds offline), which
//!   every browser decodes.
//! - **Video in**: the doctor's frames are handed on *still encoded* ([`RemoteVideo`]): the
//!   kiosk's webview decodes them with WebCodecs (VP8 needs nothing extra in WebKitGTK).
//! - **Privacy**: the camera is owned by the call's own thread and dropped (off) when the call
//!   stops, is dropped, or its thread dies.
//!
//! One [`MediaCall`] per call: [`MediaCall::answer`] takes the doctor's offer and gives the
//! answer to send back; the doctor's trickled candidates go to [`MediaCall::add_remote_candidate`].

pub mod audio;
mod camera;
pub mod echo;
mod ice_address;
pub mod microphone;
mod net;
pub mod pattern;
pub mod quality;
pub mod reflexive;
pub mod relay;
pub mod self_view;
mod session;
#[cfg(feature = "testbed")]
pub mod testbed;

use std::net::IpAddr;
use std::time::Duration;

pub use reflexive::{ReflexiveError, StunServer};
pub use relay::{RelayError, RelayTransport, TurnServer};
pub use session::MediaCall;
use station_camera::FrameSource;
use thiserror::Error;

/// The devices one call uses, each opened for the call and closed with it. A missing one only
/// means that way stays dark or silent.
#[derive(Default)]
pub struct CallDevices {
    pub camera: Option<Box<dyn FrameSource>>,
    pub microphone: Option<Box<dyn audio::Microphone>>,
    pub speaker: Option<Box<dyn audio::Speaker>>,
}

/// How the kiosk sends its video.
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// The addresses offered to the doctor as host candidates; empty: every IPv4 interface
    /// (loopback last).
    pub addresses: Vec<IpAddr>,
    pub frames_per_second: u32,
    pub bitrate_bps: u32,
    /// TURN relays to offer the doctor an address through (the console names them), tried
    /// in order until one gives an allocation.
    pub relays: Vec<relay::TurnServer>,
    /// Only the relayed address is offered (no host addresses): every packet goes through it.
    pub relay_only: bool,
    /// STUN servers asked for each host address's server-reflexive one (the console names
    /// them); a mapped address that differs from the host's is offered as `srflx`.
    pub stun: Vec<reflexive::StunServer>,
}

impl Default for MediaSettings {
    fn default() -> Self {
        MediaSettings {
            addresses: Vec::new(),
            frames_per_second: 15,
            bitrate_bps: 800_000,
            relays: Vec::new(),
            relay_only: false,
            stun: Vec::new(),
        }
    }
}

impl MediaSettings {
    pub(crate) fn frame_interval(&self) -> Duration {
        Duration::from_millis(1000 / u64::from(self.frames_per_second.clamp(1, 60)))
    }
}

/// The doctor's video codecs the kiosk can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoCodec {
    Vp8,
    H264,
}

impl VideoCodec {
    /// The WebCodecs codec string (`VideoDecoder.configure`).
    pub fn webcodecs_name(self) -> &'static str {
        match self {
            VideoCodec::Vp8 => "vp8",
            VideoCodec::H264 => "avc1.42e01f",
        }
    }
}

/// One frame of the doctor's video, as it came off the wire (depacketised, not decoded).
#[derive(Clone, PartialEq, Eq)]
pub struct RemoteVideo {
    pub codec: VideoCodec,
    pub keyframe: bool,
    /// Media time in microseconds (the decoder's timestamp).
    pub timestamp_us: u64,
    pub data: Vec<u8>,
}

/// Bytes before the frame's data in [`RemoteVideo::to_packet`].
pub const PACKET_HEADER: usize = 10;

impl RemoteVideo {
    /// The frame as one binary message for the webview (`ui/static/live-video.js` reads it):
    /// codec (1 = VP8, 2 = H.264), flags (bit 0: key frame), timestamp in µs (u64 little
    /// endian), then the encoded frame.
    pub fn to_packet(&self) -> Vec<u8> {
        let mut packet = Vec::with_capacity(PACKET_HEADER + self.data.len());
        packet.push(match self.codec {
            VideoCodec::Vp8 => 1,
            VideoCodec::H264 => 2,
        });
        packet.push(u8::from(self.keyframe));
        packet.extend_from_slice(&self.timestamp_us.to_le_bytes());
        packet.extend_from_slice(&self.data);
        packet
    }
}

impl std::fmt::Debug for RemoteVideo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RemoteVideo({:?}, {} bytes{})",
            self.codec,
            self.data.len(),
            if self.keyframe { ", key" } else { "" }
        )
    }
}

/// What the call tells the kiosk, on the call's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaEvent {
    /// Media flows (ICE and DTLS done).
    Connected,
    /// The doctor's side went away (ICE lost); the call's media has ended.
    Disconnected,
    /// The camera stopped (unplugged, failed): the doctor no longer sees the resident.
    CameraLost,
    /// The microphone stopped: the doctor no longer hears the resident.
    MicrophoneLost,
    RemoteVideo(RemoteVideo),
    /// How the doctor's picture arrives changed (see [`quality`]).
    Quality(station_protocol::CallQuality),
    /// The resident's own picture, small ([`self_view`]), a few times a second.
    SelfView(self_view::SelfView),
}

/// Counts of one call so far (figures and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaStats {
    pub frames_sent: u64,
    pub frames_received: u64,
    pub video_bytes_received: u64,
    pub audio_bytes_received: u64,
    /// 20 ms packets of the resident's voice sent.
    pub audio_frames_sent: u64,
    /// Packets of the doctor's voice decoded and played.
    pub audio_frames_played: u64,
    /// Of those, the ones with sound in them (above [`audio::HEARD_LOUDNESS`]).
    pub audio_frames_heard: u64,
    pub connected: bool,
    /// Packets from the doctor's side that came through the TURN relay.
    pub packets_relayed: u64,
    /// How much of the doctor's voice's echo the canceller takes out now (dB; once measured).
    pub echo_removed_db: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_packet_carries_codec_key_flag_timestamp_and_data() {
        let frame = RemoteVideo {
            codec: VideoCodec::Vp8,
            keyframe: true,
            timestamp_us: 0x0102_0304_0506_0708,
            data: vec![9, 9, 9],
        };
        assert_eq!(frame.to_packet(), [1, 1, 8, 7, 6, 5, 4, 3, 2, 1, 9, 9, 9]);
        let delta = RemoteVideo {
            codec: VideoCodec::H264,
            keyframe: false,
            ..frame
        };
        assert_eq!(&delta.to_packet()[..2], &[2, 0]);
        assert_eq!(delta.to_packet().len(), PACKET_HEADER + 3);
    }
}

#[derive(Debug, Error)]
pub enum MediaError {
    #[error("the doctor's offer is not a WebRTC offer: {0}")]
    BadOffer(String),
    #[error("the doctor's candidate is not an ICE candidate: {0}")]
    BadCandidate(String),
    #[error("the offer could not be answered: {0}")]
    Negotiation(String),
    #[error("no network address to offer the doctor")]
    NoAddress,
    #[error("network: {0}")]
    Network(#[from] std::io::Error),
    #[error("the video encoder failed: {0}")]
    Encoder(String),
    #[error("the call has ended")]
    Ended,
    #[error("the call must go through a relay and none could be used: {0}")]
    Relay(#[from] relay::RelayError),
    #[error("the call must go through a relay and none is configured")]
    NoRelay,
}
