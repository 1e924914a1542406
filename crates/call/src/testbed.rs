//! A doctor's side in Rust, for tests of the kiosk's media path without a browser: it offers
//! video and sound (send and receive) the way a browser does, sends the test pattern as H.264
//! and a tone as Opus, decodes what the kiosk sends (openh264, libopus) and counts the pictures
//! that show the pattern's bars and the sound that is not silence.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use openh264::decoder::Decoder;
use openh264::formats::YUVSource;
use serde_json::{json, Value};
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};

use crate::audio::{
    loudness, SpeechLike, TestTone, VoiceDecoder, VoiceEncoder, FRAME_SAMPLES, HEARD_LOUDNESS,
};
use crate::camera::VideoEncoder;
use crate::pattern::{shows_bars, TestPattern};
use crate::MediaSettings;

/// What the test doctor has seen so far.
#[derive(Debug, Default)]
pub struct PeerCounts {
    pub connected: AtomicBool,
    /// Pictures decoded from the kiosk's video.
    pub frames_decoded: AtomicU64,
    /// Of those, the ones showing the test pattern's bars.
    pub frames_with_bars: AtomicU64,
    pub frames_sent: AtomicU64,
    /// 20 ms packets of the kiosk's sound decoded, and of those the ones not silent.
    pub audio_frames_decoded: AtomicU64,
    pub audio_frames_heard: AtomicU64,
    pub audio_frames_sent: AtomicU64,
    /// Where the kiosk's packets came from (behind a NAT: the NAT's address, not the kiosk's).
    pub sources: std::sync::Mutex<std::collections::BTreeSet<SocketAddr>>,
}

pub struct TestPeer {
    rtc: Rtc,
    socket: UdpSocket,
    mid: Mid,
    audio: Mid,
    pending: SdpPendingOffer,
    voice: Voice,
}

/// What the test doctor says: a steady tone (easy to tell from the resident's), or a voice-like
/// sound (what an echo canceller learns from).
enum Voice {
    Tone(TestTone),
    Speech(SpeechLike),
}

impl Voice {
    fn frame(&mut self) -> Vec<i16> {
        match self {
            Voice::Tone(tone) => tone.frame(),
            Voice::Speech(speech) => speech.frame(),
        }
    }
}

pub struct RunningPeer {
    pub counts: Arc<PeerCounts>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestPeer {
    /// The peer on loopback and its offer, as the doctor's page sends it.
    pub fn offer() -> (TestPeer, Value) {
        TestPeer::offer_at(SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// The same, its socket at `address` (another network than loopback).
    pub fn offer_at(address: SocketAddr) -> (TestPeer, Value) {
        let socket = UdpSocket::bind(address).expect("test peer socket");
        let mut rtc = Rtc::builder()
            .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
            .clear_codecs()
            .enable_h264(true)
            .enable_opus(true, false)
            .build(Instant::now());
        let addr = socket.local_addr().expect("local address");
        rtc.add_local_candidate(Candidate::host(addr, "udp").expect("host candidate"));
        let mut change = rtc.sdp_api();
        let audio = change.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
        let mid = change.add_media(MediaKind::Video, Direction::SendRecv, None, None, None);
        let (offer, pending) = change.apply().expect("an offer");
        let offer = json!({"type": "offer", "sdp": offer.to_sdp_string()});
        (
            TestPeer {
                rtc,
                socket,
                mid,
                audio,
                pending,
                voice: Voice::Tone(TestTone::at(660.0)),
            },
            offer,
        )
    }

    /// The same peer talking with a voice-like sound instead of a tone.
    pub fn offer_speaking() -> (TestPeer, Value) {
        let (mut peer, offer) = TestPeer::offer();
        peer.voice = Voice::Speech(SpeechLike::new(7));
        (peer, offer)
    }

    /// Takes the kiosk's answer and runs until [`RunningPeer::stop`] or the call ends.
    pub fn connect(mut self, answer: &Value) -> RunningPeer {
        let sdp = answer["sdp"].as_str().expect("answer sdp");
        let answer = SdpAnswer::from_sdp_string(sdp).expect("a valid answer");
        self.rtc
            .sdp_api()
            .accept_answer(self.pending, answer)
            .expect("answer accepted");
        let counts = Arc::new(PeerCounts::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (c, s) = (Arc::clone(&counts), Arc::clone(&stop));
        let (rtc, socket, mids, voice) =
            (self.rtc, self.socket, (self.mid, self.audio), self.voice);
        let thread = std::thread::spawn(move || run(rtc, &socket, mids, voice, &c, &s));
        RunningPeer {
            counts,
            stop,
            thread: Some(thread),
        }
    }
}

impl RunningPeer {
    /// Waits (polling) until `done` holds of the counts, or `limit` passes.
    pub fn wait_for(&self, limit: Duration, done: impl Fn(&PeerCounts) -> bool) -> bool {
        let until = Instant::now() + limit;
        while Instant::now() < until {
            if done(&self.counts) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        done(&self.counts)
    }

    /// The doctor hangs up (DTLS close).
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for RunningPeer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn run(
    mut rtc: Rtc,
    socket: &UdpSocket,
    (mid, audio): (Mid, Mid),
    mut voice: Voice,
    counts: &PeerCounts,
    stop: &AtomicBool,
) {
    let mut decoder = Decoder::new().expect("decoder");
    let mut voice_out = VoiceEncoder::new().expect("opus encoder");
    let mut voice_in = VoiceDecoder::new().expect("opus decoder");
    let mut sound_at = 0u64;
    let mut encoder = VideoEncoder::new(&MediaSettings::default()).expect("encoder");
    let pattern = TestPattern::new(320, 240);
    let started = Instant::now();
    let mut next_frame = started;
    let mut next_sound = started;
    let mut sent = 0u64;
    let mut buf = vec![0u8; 2000];
    let local = socket.local_addr().expect("local address");
    loop {
        let deadline = loop {
            match rtc.poll_output() {
                Ok(Output::Timeout(t)) => break t,
                Ok(Output::Transmit(t)) => {
                    let _ = socket.send_to(&t.contents, t.destination);
                }
                Ok(Output::Event(Event::Connected)) => {
                    counts.connected.store(true, Ordering::Relaxed);
                }
                Ok(Output::Event(Event::MediaData(data))) => {
                    if data.params.spec().codec == Codec::Opus {
                        if let Ok(samples) = voice_in.decode(&data.data) {
                            counts.audio_frames_decoded.fetch_add(1, Ordering::Relaxed);
                            if loudness(samples) > HEARD_LOUDNESS {
                                counts.audio_frames_heard.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    if data.params.spec().codec == Codec::H264 {
                        if let Ok(Some(picture)) = decoder.decode(&data.data) {
                            let (w, h) = picture.dimensions();
                            let (stride, _, _) = picture.strides();
                            let luma: Vec<u8> = picture
                                .y()
                                .chunks(stride)
                                .take(h)
                                .flat_map(|row| row[..w].iter().copied())
                                .collect();
                            counts.frames_decoded.fetch_add(1, Ordering::Relaxed);
                            if shows_bars(&luma, w, h, 24) {
                                counts.frames_with_bars.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                }
                Ok(Output::Event(Event::IceConnectionStateChange(
                    str0m::IceConnectionState::Disconnected,
                )))
                | Ok(Output::Event(Event::Closed)) => {
                    counts.connected.store(false, Ordering::Relaxed);
                    return;
                }
                Ok(Output::Event(_)) => {}
                Err(_) => return,
            }
        };
        if stop.load(Ordering::Relaxed) || !rtc.is_alive() {
            rtc.disconnect();
            while let Ok(out) = rtc.poll_output() {
                match out {
                    Output::Transmit(t) => {
                        let _ = socket.send_to(&t.contents, t.destination);
                    }
                    Output::Timeout(_) => break,
                    Output::Event(_) => {}
                }
            }
            return;
        }
        let now = Instant::now();
        if counts.connected.load(Ordering::Relaxed) && now >= next_sound {
            next_sound = (next_sound + Duration::from_millis(20)).max(now);
            if let Some(writer) = rtc.writer(audio) {
                let pt = writer
                    .payload_params()
                    .find(|p| p.spec().codec == Codec::Opus)
                    .map(|p| p.pt());
                if let (Some(pt), Ok(packet)) = (pt, voice_out.encode(&voice.frame())) {
                    let at = MediaTime::new(sound_at, Frequency::FORTY_EIGHT_KHZ);
                    if writer.write(pt, now, at, packet).is_ok() {
                        sound_at += FRAME_SAMPLES as u64;
                        counts.audio_frames_sent.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            continue;
        }
        if counts.connected.load(Ordering::Relaxed) && now >= next_frame {
            next_frame = now + Duration::from_millis(66);
            if let Some(writer) = rtc.writer(mid) {
                let pt = writer
                    .payload_params()
                    .find(|p| p.spec().codec == Codec::H264)
                    .map(|p| p.pt());
                if let (Some(pt), Ok(data)) = (pt, encoder.encode(&pattern.frame(sent))) {
                    let ticks = started.elapsed().as_micros() as u64 * 9 / 100;
                    let at = MediaTime::new(ticks, Frequency::NINETY_KHZ);
                    if writer.write(pt, now, at, data).is_ok() {
                        sent += 1;
                        counts.frames_sent.store(sent, Ordering::Relaxed);
                    }
                }
            }
            continue;
        }
        let wait = deadline
            .min(next_frame)
            .min(next_sound)
            .saturating_duration_since(Instant::now())
            .clamp(Duration::from_millis(1), Duration::from_millis(50));
        socket.set_read_timeout(Some(wait)).expect("read timeout");
        let input = match socket.recv_from(&mut buf) {
            Ok((n, source)) => {
                if let Ok(mut sources) = counts.sources.lock() {
                    sources.insert(source);
                }
                match buf[..n].try_into() {
                    Ok(contents) => Input::Receive(
                        Instant::now(),
                        Receive {
                            proto: Protocol::Udp,
                            source,
                            destination: local,
                            contents,
                        },
                    ),
                    Err(_) => continue,
                }
            }
            Err(_) => Input::Timeout(Instant::now()),
        };
        if rtc.handle_input(input).is_err() {
            return;
        }
    }
}
