//! The call's sound: the resident's voice to the doctor and the doctor's to the kiosk's
//! speaker, as Opus (libopus, built from bundled source) at 48 kHz mono in 20 ms frames — what
//! every browser sends and takes.
//!
//! The hardware sits behind two small traits so tests use a tone and a counting speaker:
//! [`Microphone`] (the real one is [`crate::microphone::CpalMicrophone`]) and [`Speaker`] (the
//! kiosk's real one plays through the voice's audio output, `station-voice`).

use std::f32::consts::TAU;
use std::sync::Arc;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::echo::EchoCanceller;

/// Samples per second, both ways.
pub const SAMPLE_RATE: u32 = 48_000;
/// Samples in one 20 ms frame (mono).
pub const FRAME_SAMPLES: usize = 960;
/// A frame counts as sound (not silence) above this loudness (RMS, full scale 1.0; about
/// -40 dBFS: quieter than a voice across the room, louder than a microphone's hiss).
pub const HEARD_LOUDNESS: f32 = 0.01;

/// Where the resident's voice comes from.
pub trait Microphone: Send {
    /// The next 20 ms ([`FRAME_SAMPLES`] samples at [`SAMPLE_RATE`]), blocking until captured.
    /// An error means the microphone is gone; the call goes on without it.
    fn next_frame(&mut self) -> Result<Vec<i16>, AudioError>;
}

/// Where the doctor's voice goes. `play` must not block: it runs on the call's loop.
pub trait Speaker: Send {
    fn play(&mut self, samples: &[i16]);
}

/// Any closure taking the samples is a speaker (the kiosk's hands them to the voice's output).
impl<F: FnMut(&[i16]) + Send> Speaker for F {
    fn play(&mut self, samples: &[i16]) {
        self(samples);
    }
}

/// Opens the microphone for one call (it is on while the returned value lives).
pub type MicrophoneOpener = Arc<dyn Fn() -> Result<Box<dyn Microphone>, AudioError> + Send + Sync>;
/// Opens the speaker for one call.
pub type SpeakerOpener = Arc<dyn Fn() -> Result<Box<dyn Speaker>, AudioError> + Send + Sync>;

#[derive(Debug, Error)]
pub enum AudioError {
    #[error("no microphone found")]
    NoMicrophone,
    #[error("no speaker found")]
    NoSpeaker,
    #[error("the audio device failed: {0}")]
    Device(String),
    #[error("the audio codec failed: {0}")]
    Codec(#[from] opus::Error),
}

/// Loudness of a frame: root mean square, full scale 1.0.
pub fn loudness(samples: &[i16]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples
        .iter()
        .map(|&s| {
            let s = f64::from(s) / 32768.0;
            s * s
        })
        .sum();
    (sum / samples.len() as f64).sqrt() as f32
}

/// A steady tone, paced like a real microphone (one frame every 20 ms): the microphone of tests
/// and of demo mode, so the doctor hears that sound flows.
pub struct TestTone {
    hertz: f32,
    phase: f32,
    pace: FramePace,
}

impl TestTone {
    /// A 440 Hz tone at a quarter of full scale.
    pub fn new() -> TestTone {
        TestTone::at(440.0)
    }

    pub fn at(hertz: f32) -> TestTone {
        TestTone {
            hertz,
            phase: 0.0,
            pace: FramePace::default(),
        }
    }

    /// The next frame without waiting (figures).
    pub fn frame(&mut self) -> Vec<i16> {
        let step = TAU * self.hertz / SAMPLE_RATE as f32;
        (0..FRAME_SAMPLES)
            .map(|_| {
                self.phase = (self.phase + step) % TAU;
                (self.phase.sin() * 8192.0) as i16
            })
            .collect()
    }
}

impl Default for TestTone {
    fn default() -> Self {
        TestTone::new()
    }
}

impl Microphone for TestTone {
    fn next_frame(&mut self) -> Result<Vec<i16>, AudioError> {
        self.pace.wait();
        Ok(self.frame())
    }
}

/// Paces a microphone that is not hardware: one frame every 20 ms, the first at once.
#[derive(Default)]
pub struct FramePace {
    next: Option<Instant>,
}

impl FramePace {
    /// Sleeps until the next frame is due.
    pub fn wait(&mut self) {
        let now = Instant::now();
        let due = *self.next.get_or_insert(now);
        if due > now {
            std::thread::sleep(due - now);
        }
        // Never more than a frame behind: a late loop does not make a burst.
        self.next = Some(due.max(now) + Duration::from_millis(20));
    }
}

/// A voice-like test sound: noise shaped like speech's spectrum, in syllables (six a second).
/// Echo cancellers learn from broadband sound like a voice; a steady tone teaches them little.
/// The doctor of the echo tests.
pub struct SpeechLike {
    state: u32,
    smooth: f32,
    sample: u64,
}

impl SpeechLike {
    /// A voice of its own for each `seed`.
    pub fn new(seed: u32) -> SpeechLike {
        SpeechLike {
            state: seed,
            smooth: 0.0,
            sample: 0,
        }
    }

    pub fn sample(&mut self) -> i16 {
        self.state = self
            .state
            .wrapping_mul(1_664_525)
            .wrapping_add(1_013_904_223);
        let noise = (self.state >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0;
        self.smooth = 0.7 * self.smooth + 0.3 * noise;
        let t = self.sample as f32 / SAMPLE_RATE as f32;
        self.sample += 1;
        let syllables = (t * 3.0 * TAU).sin().abs();
        (self.smooth * syllables * 0.5 * 32767.0) as i16
    }

    /// The next 20 ms.
    pub fn frame(&mut self) -> Vec<i16> {
        (0..FRAME_SAMPLES).map(|_| self.sample()).collect()
    }
}

/// Opus for the resident's voice: 20 ms mono frames, tuned for speech.
pub(crate) struct VoiceEncoder(opus::Encoder);

impl VoiceEncoder {
    pub(crate) fn new() -> Result<VoiceEncoder, AudioError> {
        let mut encoder =
            opus::Encoder::new(SAMPLE_RATE, opus::Channels::Mono, opus::Application::Voip)?;
        encoder.set_bitrate(opus::Bitrate::Bits(32_000))?;
        Ok(VoiceEncoder(encoder))
    }

    pub(crate) fn encode(&mut self, samples: &[i16]) -> Result<Vec<u8>, AudioError> {
        Ok(self.0.encode_vec(samples, 1500)?)
    }
}

/// Opus from the doctor's browser (any frame length up to 120 ms), to mono samples.
pub(crate) struct VoiceDecoder {
    decoder: opus::Decoder,
    buffer: Vec<i16>,
}

impl VoiceDecoder {
    pub(crate) fn new() -> Result<VoiceDecoder, AudioError> {
        Ok(VoiceDecoder {
            decoder: opus::Decoder::new(SAMPLE_RATE, opus::Channels::Mono)?,
            // 120 ms, Opus's longest frame.
            buffer: vec![0; SAMPLE_RATE as usize * 120 / 1000],
        })
    }

    /// The samples of one packet; a corrupt packet is an error and the decoder goes on.
    pub(crate) fn decode(&mut self, packet: &[u8]) -> Result<&[i16], AudioError> {
        let n = self.decoder.decode(packet, &mut self.buffer, false)?;
        Ok(&self.buffer[..n])
    }
}

/// The doctor's voice on its way to the speaker (the call's loop plays each packet).
pub(crate) struct VoiceIn {
    decoder: VoiceDecoder,
    speaker: Box<dyn Speaker>,
    /// Told what the speaker plays, to take its echo out of the microphone's sound.
    echo: Option<EchoCanceller>,
    refused: u64,
}

/// One packet played.
pub(crate) struct Played {
    /// It had sound in it (above [`HEARD_LOUDNESS`]).
    pub heard: bool,
    /// The echo canceller's figure now, in whole decibels (for the log, not a measurement).
    pub echo_removed_db: Option<i32>,
}

impl VoiceIn {
    pub(crate) fn new(
        speaker: Box<dyn Speaker>,
        echo: Option<EchoCanceller>,
    ) -> Result<VoiceIn, AudioError> {
        Ok(VoiceIn {
            decoder: VoiceDecoder::new()?,
            speaker,
            echo,
            refused: 0,
        })
    }

    /// Decodes and plays one packet; `None` for a corrupt one (said once, then quietly: a
    /// stream of bad packets must not flood the log).
    pub(crate) fn play(&mut self, packet: &[u8]) -> Option<Played> {
        match self.decoder.decode(packet) {
            Ok(samples) => {
                let heard = loudness(samples) > HEARD_LOUDNESS;
                let echo_removed_db = self.echo.as_ref().and_then(|echo| {
                    echo.played(samples);
                    echo.echo_removed_db().map(|db| db.round() as i32)
                });
                self.speaker.play(samples);
                Some(Played {
                    heard,
                    echo_removed_db,
                })
            }
            Err(e) => {
                self.refused += 1;
                if self.refused == 1 {
                    tracing::warn!(error = %e, "a packet of the doctor's voice was not decoded");
                }
                None
            }
        }
    }
}

/// A speaker that keeps count (tests, figures): frames played and how many were sound.
#[derive(Clone, Default)]
pub struct CountingSpeaker(Arc<SpeakerCounts>);

#[derive(Debug, Default)]
pub struct SpeakerCounts {
    pub samples: std::sync::atomic::AtomicU64,
    pub loud_frames: std::sync::atomic::AtomicU64,
}

impl CountingSpeaker {
    pub fn counts(&self) -> &SpeakerCounts {
        &self.0
    }
}

impl Speaker for CountingSpeaker {
    fn play(&mut self, samples: &[i16]) {
        use std::sync::atomic::Ordering::Relaxed;
        self.0.samples.fetch_add(samples.len() as u64, Relaxed);
        if loudness(samples) > HEARD_LOUDNESS {
            self.0.loud_frames.fetch_add(1, Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_tone_survives_opus_both_ways() {
        let mut tone = TestTone::new();
        let mut encoder = VoiceEncoder::new().expect("encoder");
        let mut decoder = VoiceDecoder::new().expect("decoder");
        let mut last = Vec::new();
        for _ in 0..10 {
            let packet = encoder.encode(&tone.frame()).expect("encoded");
            assert!(packet.len() < 200, "{} bytes for 20 ms", packet.len());
            last = decoder.decode(&packet).expect("decoded").to_vec();
        }
        assert_eq!(last.len(), FRAME_SAMPLES);
        // The tone is ~0.18 RMS; Opus keeps its level within a few dB.
        let level = loudness(&last);
        assert!((0.1..0.3).contains(&level), "loudness {level}");
    }

    #[test]
    fn silence_is_not_heard() {
        assert!(loudness(&[0; FRAME_SAMPLES]) < HEARD_LOUDNESS);
        assert!(loudness(&[20; FRAME_SAMPLES]) < HEARD_LOUDNESS);
        assert!(loudness(&TestTone::new().frame()) > HEARD_LOUDNESS);
        assert_eq!(loudness(&[]), 0.0);
    }

    #[test]
    fn the_tone_is_paced_like_a_microphone() {
        let mut tone = TestTone::new();
        let start = Instant::now();
        for _ in 0..6 {
            assert_eq!(tone.next_frame().expect("a frame").len(), FRAME_SAMPLES);
        }
        // Six frames: the first at once, then one every 20 ms.
        assert!(start.elapsed() >= Duration::from_millis(100));
    }

    proptest! {
        /// Whatever arrives as "Opus" from the network: an error or samples, never a panic,
        /// and the decoder still decodes real packets after.
        #[test]
        fn garbage_opus_is_refused_and_the_decoder_goes_on(
            packets in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..400), 1..8)
        ) {
            let mut decoder = VoiceDecoder::new().expect("decoder");
            for packet in &packets {
                if let Ok(samples) = decoder.decode(packet) {
                    prop_assert!(samples.len() <= decoder.buffer.len());
                }
            }
            let mut encoder = VoiceEncoder::new().expect("encoder");
            let packet = encoder.encode(&TestTone::new().frame()).expect("encoded");
            prop_assert_eq!(decoder.decode(&packet).expect("decoded").len(), FRAME_SAMPLES);
        }
    }
}
