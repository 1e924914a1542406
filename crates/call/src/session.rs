//! One call's media: str0m driven by one thread (the "loop"), fed by the socket readers, the
//! camera thread and the kiosk (candidates, stop) through one bounded channel.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use str0m::change::SdpOffer;
use str0m::format::{Codec, PayloadParams};
use str0m::media::{Frequency, MediaKind, MediaTime, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};

use crate::audio::VoiceIn;
use crate::camera::{self, CameraNews, EncodedFrame, VideoEncoder};
use crate::echo::EchoCanceller;
use crate::microphone::{self, MicrophoneNews};
use crate::net::{host_addresses, Sockets};
use crate::quality::QualityMeter;
use crate::relay::Relay;
use crate::{
    CallDevices, MediaError, MediaEvent, MediaSettings, MediaStats, RemoteVideo, VideoCodec,
};

/// Packets, frames and commands waiting for the loop; readers block when it is full, the
/// camera drops frames.
const WAKE_QUEUE: usize = 512;
/// How long a relay may take to give its allocation (two round trips: the challenge, then the
/// request with the credentials) before the next one is tried.
const RELAY_WITHIN: Duration = Duration::from_secs(3);

pub(crate) enum Wake {
    Packet {
        data: Vec<u8>,
        source: SocketAddr,
        local: SocketAddr,
    },
    Camera(CameraNews),
    Microphone(MicrophoneNews),
    Candidate(Box<Candidate>),
    Stop,
}

/// The media of one call. Dropping it ends the call's media and turns the camera off.
pub struct MediaCall {
    wake: SyncSender<Wake>,
    stop: Arc<AtomicBool>,
    stats: Arc<Mutex<MediaStats>>,
    threads: Vec<JoinHandle<()>>,
    main: Option<JoinHandle<()>>,
}

impl MediaCall {
    /// Answers the doctor's `offer` (the browser's `{"type":"offer","sdp":…}`): opens the
    /// sockets, starts the camera and microphone (those given) and the loop. Returns the call
    /// and the answer to send back, in the same shape. `on_event` runs on the call's loop thread.
    pub fn answer(
        offer: &Value,
        settings: &MediaSettings,
        devices: CallDevices,
        on_event: impl FnMut(MediaEvent) + Send + 'static,
    ) -> Result<(MediaCall, Value), MediaError> {
        let offer = parse_offer(offer)?;
        let relay = open_relay(settings)?;
        let sockets = if settings.relay_only {
            Sockets::none()
        } else {
            Sockets::bind(&host_addresses(&settings.addresses))?
        };
        let mut rtc = Rtc::builder()
            .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
            .clear_codecs()
            // The doctor's browser picks the first it shares: VP8 decodes in every webview.
            .enable_vp8(true)
            .enable_h264(true)
            .enable_opus(true, false)
            .build(Instant::now());
        for socket in &sockets.sockets {
            let candidate = Candidate::host(socket.local_addr()?, "udp")
                .map_err(|e| MediaError::Negotiation(e.to_string()))?;
            rtc.add_local_candidate(candidate);
        }
        for (mapped, base) in crate::reflexive::gather(&sockets.sockets, &settings.stun) {
            let candidate = Candidate::server_reflexive(mapped, base, "udp")
                .map_err(|e| MediaError::Negotiation(e.to_string()))?;
            rtc.add_local_candidate(candidate);
        }
        if let Some(relay) = &relay {
            let candidate = Candidate::relayed(relay.relayed(), relay.local(), "udp")
                .map_err(|e| MediaError::Negotiation(e.to_string()))?;
            rtc.add_local_candidate(candidate);
        }
        let answer = rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| MediaError::Negotiation(e.to_string()))?;
        let answer = json!({"type": "answer", "sdp": answer.to_sdp_string()});

        let (wake, woken) = sync_channel(WAKE_QUEUE);
        let stop = Arc::new(AtomicBool::new(false));
        let key_frame = Arc::new(AtomicBool::new(true));
        let stats = Arc::new(Mutex::new(MediaStats::default()));
        let mut threads = sockets.spawn_readers(&wake, &stop)?;
        if let Some(relay) = &relay {
            threads.push(relay.spawn_reader(&wake, &stop)?);
        }
        let CallDevices {
            camera,
            microphone,
            speaker,
        } = devices;
        if let Some(source) = camera {
            let encoder = VideoEncoder::new(settings)?;
            threads.push(camera::spawn(
                source,
                encoder,
                wake.clone(),
                Arc::clone(&key_frame),
                Arc::clone(&stop),
            )?);
        }
        // Sound both ways through a loudspeaker: the echo of the doctor's voice is taken out of
        // the microphone's (echo.rs). One way only: nothing to take out.
        let echo = (microphone.is_some() && speaker.is_some()).then(EchoCanceller::new);
        if let Some(microphone) = microphone {
            threads.push(microphone::spawn(
                microphone,
                echo.clone(),
                wake.clone(),
                Arc::clone(&stop),
            )?);
        }
        let voice_in = speaker.and_then(|speaker| {
            VoiceIn::new(speaker, echo)
                .map_err(|e| tracing::warn!(error = %e, "the doctor's voice cannot be decoded"))
                .ok()
        });
        let mut call_loop = CallLoop {
            rtc,
            sockets,
            relay,
            stats: Arc::clone(&stats),
            key_frame,
            on_event: Box::new(on_event),
            video: None,
            h264: None,
            audio: None,
            opus: None,
            voice_in,
            audio_samples_sent: 0,
            connected: false,
            quality: QualityMeter::default(),
        };
        let loop_stop = Arc::clone(&stop);
        let main = std::thread::Builder::new()
            .name("call-media".into())
            .spawn(move || {
                // Whatever way the loop ends (even a panic, which unwinds through this guard),
                // the readers and the camera stop with it.
                let _guard = StopOnDrop(loop_stop);
                call_loop.run(&woken);
            })?;
        Ok((
            MediaCall {
                wake,
                stop,
                stats,
                threads,
                main: Some(main),
            },
            answer,
        ))
    }

    /// Whether `offer` is a WebRTC offer this side can read, before any device is opened for
    /// it (a garbage offer must not turn the camera or the microphone on, even briefly).
    pub fn check_offer(offer: &Value) -> Result<(), MediaError> {
        parse_offer(offer).map(|_| ())
    }

    /// A candidate the doctor's browser trickled (`RTCIceCandidate.toJSON()`); an empty one
    /// (end of candidates) is ignored.
    pub fn add_remote_candidate(&self, candidate: &Value) -> Result<(), MediaError> {
        if candidate.get("candidate").and_then(Value::as_str) == Some("") {
            return Ok(());
        }
        let candidate: Candidate = serde_json::from_value(candidate.clone())
            .map_err(|e| MediaError::BadCandidate(e.to_string()))?;
        self.wake
            .try_send(Wake::Candidate(Box::new(candidate)))
            .map_err(|_| MediaError::Ended)
    }

    pub fn stats(&self) -> MediaStats {
        self.stats.lock().map(|s| *s).unwrap_or_default()
    }

    /// Whether the call's loop still runs (false after the doctor left, a failure, a crash).
    pub fn is_running(&self) -> bool {
        self.main.as_ref().is_some_and(|m| !m.is_finished())
    }

    /// Ends the media: the doctor's side is told (DTLS close), the camera is off when this
    /// returns.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        let _ = self.wake.try_send(Wake::Stop);
        self.stop.store(true, Ordering::Relaxed);
        if let Some(main) = self.main.take() {
            let _ = main.join();
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for MediaCall {
    fn drop(&mut self) {
        self.shut_down();
    }
}

struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The first of the console's relays that gives an allocation. Without one the call goes
/// direct, unless it must be relayed.
fn open_relay(settings: &MediaSettings) -> Result<Option<Relay>, MediaError> {
    let mut failed = None;
    for server in &settings.relays {
        match Relay::allocate(server, RELAY_WITHIN) {
            Ok(relay) => {
                tracing::info!(relayed = %relay.relayed(), "the call's media can go through the relay");
                return Ok(Some(relay));
            }
            Err(e) => {
                tracing::warn!(error = %e, ?server, "a relay for the call cannot be used");
                failed = Some(e);
            }
        }
    }
    match (settings.relay_only, failed) {
        (false, _) => Ok(None),
        (true, Some(e)) => Err(MediaError::Relay(e)),
        (true, None) => Err(MediaError::NoRelay),
    }
}

fn parse_offer(offer: &Value) -> Result<SdpOffer, MediaError> {
    if offer.get("type").and_then(Value::as_str) != Some("offer") {
        return Err(MediaError::BadOffer("not of type \"offer\"".into()));
    }
    let sdp = offer
        .get("sdp")
        .and_then(Value::as_str)
        .ok_or_else(|| MediaError::BadOffer("no sdp text".into()))?;
    SdpOffer::from_sdp_string(sdp).map_err(|e| MediaError::BadOffer(e.to_string()))
}

/// The H.264 payload type the doctor's browser decodes: constrained baseline, non-interleaved.
fn h264_payload(params: &[PayloadParams]) -> Option<Pt> {
    let h264 = || params.iter().filter(|p| p.spec().codec == Codec::H264);
    h264()
        .find(|p| {
            let f = p.spec().format;
            f.packetization_mode == Some(1)
                && matches!(f.profile_level_id, Some(0x42e01f | 0x42001f))
        })
        .or_else(|| h264().next())
        .map(PayloadParams::pt)
}

struct CallLoop {
    rtc: Rtc,
    sockets: Sockets,
    /// The TURN allocation the `relay` candidate stands for; dropped (freed on the server) with
    /// the loop.
    relay: Option<Relay>,
    stats: Arc<Mutex<MediaStats>>,
    key_frame: Arc<AtomicBool>,
    on_event: Box<dyn FnMut(MediaEvent) + Send>,
    video: Option<Mid>,
    h264: Option<Pt>,
    audio: Option<Mid>,
    opus: Option<Pt>,
    voice_in: Option<VoiceIn>,
    /// Media time of the resident's voice, in samples at 48 kHz.
    audio_samples_sent: u64,
    connected: bool,
    quality: QualityMeter,
}

impl CallLoop {
    fn run(&mut self, woken: &Receiver<Wake>) {
        loop {
            let Some(mut deadline) = self.drain() else {
                return;
            };
            if let Some(relay) = self.relay.as_mut() {
                if let Some(at) = relay.poll(Instant::now()) {
                    deadline = deadline.min(at);
                }
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            let wake = if wait.is_zero() {
                Err(RecvTimeoutError::Timeout)
            } else {
                woken.recv_timeout(wait.min(Duration::from_secs(1)))
            };
            let handled = match wake {
                Ok(Wake::Packet {
                    data,
                    source,
                    local,
                }) => self.receive(&data, source, local),
                Ok(Wake::Candidate(candidate)) => {
                    self.rtc.add_remote_candidate(*candidate);
                    Ok(())
                }
                Ok(Wake::Camera(CameraNews::Frame(frame))) => self.send_video(frame),
                Ok(Wake::Camera(CameraNews::SelfView(view))) => {
                    (self.on_event)(MediaEvent::SelfView(view));
                    Ok(())
                }
                Ok(Wake::Microphone(MicrophoneNews::Sound(packet))) => self.send_voice(packet),
                Ok(Wake::Microphone(MicrophoneNews::Lost)) => {
                    (self.on_event)(MediaEvent::MicrophoneLost);
                    Ok(())
                }
                Ok(Wake::Camera(CameraNews::Lost)) => {
                    (self.on_event)(MediaEvent::CameraLost);
                    Ok(())
                }
                Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => {
                    self.rtc.disconnect();
                    let _ = self.drain();
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.rtc.handle_input(Input::Timeout(Instant::now()))
                }
            };
            if let Err(e) = handled {
                tracing::warn!(error = %e, "call media failed");
                (self.on_event)(MediaEvent::Disconnected);
                return;
            }
            // The loop wakes at least once a second, so a frozen picture is noticed.
            if let Some(quality) = self.quality.assess(Instant::now()) {
                (self.on_event)(MediaEvent::Quality(quality));
            }
        }
    }

    /// Polls str0m until it only waits: sends what it has, handles its events. `None` when the
    /// call is over.
    fn drain(&mut self) -> Option<Instant> {
        loop {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(at)) => return self.rtc.is_alive().then_some(at),
                Ok(Output::Transmit(t)) => match self.relay.as_mut() {
                    Some(relay) if t.source == relay.relayed() => {
                        relay.send(t.destination, &t.contents, Instant::now());
                    }
                    _ => {
                        if let Some(socket) = self.sockets.from(t.source) {
                            let _ = socket.send_to(&t.contents, t.destination);
                        }
                    }
                },
                Ok(Output::Event(event)) => {
                    if !self.on_rtc_event(event) {
                        return None;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "call media failed");
                    (self.on_event)(MediaEvent::Disconnected);
                    return None;
                }
            }
        }
    }

    /// A datagram read on `local`: the relay's are unwrapped first (the doctor's packets inside
    /// arrive at the relayed address, as str0m expects of a `relay` candidate).
    fn receive(
        &mut self,
        data: &[u8],
        source: SocketAddr,
        local: SocketAddr,
    ) -> Result<(), str0m::RtcError> {
        let now = Instant::now();
        let Some(relay) = self.relay.as_mut().filter(|r| r.carries(source, local)) else {
            return self.input(data, source, local, now);
        };
        let relayed = relay.relayed();
        for (peer, contents) in relay.receive(data, now) {
            self.update(|s| s.packets_relayed += 1);
            self.input(&contents, peer, relayed, now)?;
        }
        Ok(())
    }

    fn input(
        &mut self,
        data: &[u8],
        source: SocketAddr,
        destination: SocketAddr,
        now: Instant,
    ) -> Result<(), str0m::RtcError> {
        match data.try_into() {
            Ok(contents) => self.rtc.handle_input(Input::Receive(
                now,
                Receive {
                    proto: Protocol::Udp,
                    source,
                    destination,
                    contents,
                },
            )),
            // Not STUN, DTLS or RTP: someone else's datagram, dropped.
            Err(_) => Ok(()),
        }
    }

    /// False when the call is over.
    fn on_rtc_event(&mut self, event: Event) -> bool {
        match event {
            Event::Connected => {
                self.connected = true;
                self.quality.connected(Instant::now());
                self.key_frame.store(true, Ordering::Relaxed);
                self.update(|s| s.connected = true);
                (self.on_event)(MediaEvent::Connected);
            }
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                self.update(|s| s.connected = false);
                (self.on_event)(MediaEvent::Disconnected);
                return false;
            }
            Event::MediaAdded(media) if media.kind == MediaKind::Video => {
                self.video = Some(media.mid);
            }
            Event::MediaAdded(media) if media.kind == MediaKind::Audio => {
                self.audio = Some(media.mid);
            }
            Event::KeyframeRequest(_) => self.key_frame.store(true, Ordering::Relaxed),
            Event::MediaData(data) => {
                let codec = match data.params.spec().codec {
                    Codec::Vp8 => Some(VideoCodec::Vp8),
                    Codec::H264 => Some(VideoCodec::H264),
                    _ => None,
                };
                let bytes = data.data.len() as u64;
                match codec {
                    Some(codec) => {
                        self.update(|s| {
                            s.frames_received += 1;
                            s.video_bytes_received += bytes;
                        });
                        self.quality.frame(Instant::now());
                        let time = data.time;
                        let timestamp_us =
                            time.numer() * 1_000_000 / u64::from(time.denom().max(1));
                        (self.on_event)(MediaEvent::RemoteVideo(RemoteVideo {
                            codec,
                            keyframe: data.is_keyframe(),
                            timestamp_us,
                            data: data.data.to_vec(),
                        }));
                    }
                    None if data.params.spec().codec == Codec::Opus => {
                        self.update(|s| s.audio_bytes_received += bytes);
                        self.play_voice(&data.data);
                    }
                    None => {}
                }
            }
            Event::Closed => return false,
            _ => {}
        }
        true
    }

    fn send_video(&mut self, frame: EncodedFrame) -> Result<(), str0m::RtcError> {
        if !self.connected {
            return Ok(());
        }
        let Some(mid) = self.video else { return Ok(()) };
        let Some(writer) = self.rtc.writer(mid) else {
            return Ok(());
        };
        if self.h264.is_none() {
            let params: Vec<PayloadParams> = writer.payload_params().cloned().collect();
            self.h264 = h264_payload(&params);
            if self.h264.is_none() {
                tracing::warn!(
                    "the doctor's browser takes no H.264: the kiosk's video is not sent"
                );
            }
        }
        let Some(pt) = self.h264 else { return Ok(()) };
        let ticks = frame.at.as_micros() as u64 * 9 / 100;
        writer.write(
            pt,
            Instant::now(),
            MediaTime::new(ticks, Frequency::NINETY_KHZ),
            frame.data,
        )?;
        self.update(|s| s.frames_sent += 1);
        Ok(())
    }

    /// One packet of the resident's voice to the doctor (dropped before the call connects).
    fn send_voice(&mut self, packet: Vec<u8>) -> Result<(), str0m::RtcError> {
        if !self.connected {
            return Ok(());
        }
        let Some(mid) = self.audio else { return Ok(()) };
        let Some(writer) = self.rtc.writer(mid) else {
            return Ok(());
        };
        if self.opus.is_none() {
            self.opus = writer
                .payload_params()
                .find(|p| p.spec().codec == Codec::Opus)
                .map(PayloadParams::pt);
        }
        let Some(pt) = self.opus else { return Ok(()) };
        let at = MediaTime::new(self.audio_samples_sent, Frequency::FORTY_EIGHT_KHZ);
        writer.write(pt, Instant::now(), at, packet)?;
        self.audio_samples_sent += crate::audio::FRAME_SAMPLES as u64;
        self.update(|s| s.audio_frames_sent += 1);
        Ok(())
    }

    /// One packet of the doctor's voice to the speaker; a corrupt one is skipped.
    fn play_voice(&mut self, packet: &[u8]) {
        let Some(played) = self.voice_in.as_mut().and_then(|voice| voice.play(packet)) else {
            return;
        };
        self.update(|s| {
            s.audio_frames_played += 1;
            s.audio_frames_heard += u64::from(played.heard);
            s.echo_removed_db = played.echo_removed_db;
        });
    }

    fn update(&self, change: impl FnOnce(&mut MediaStats)) {
        if let Ok(mut stats) = self.stats.lock() {
            change(&mut stats);
        }
    }
}
