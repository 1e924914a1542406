//! Echo cancellation. A kiosk talks through loudspeakers: the doctor's voice reaches the
//! kiosk's microphone and, without this, goes back to the doctor a few hundred milliseconds late.
//! WebRTC's echo canceller (AEC3, the one browsers run) learns the room's echo path from what the
//! speaker was given and takes it out of what the microphone hears; `sonora` is its pure-Rust
//! port (BSD-3, builds offline on every target). A headset has no echo path: the resident's voice
//! then passes as it was.
//!
//! One canceller per call, shared by the two sides that meet it: the call's loop tells it what
//! the speaker plays ([`EchoCanceller::played`]), the microphone thread has each frame cleaned
//! ([`EchoCanceller::clean`]) before it is encoded.

use std::sync::{Arc, Mutex};

use sonora::config::EchoCanceller as Aec3;
use sonora::{AudioProcessing, Config, StreamConfig};

use crate::audio::SAMPLE_RATE;

/// The canceller works on 10 ms blocks (480 samples at 48 kHz).
const BLOCK: usize = SAMPLE_RATE as usize / 100;

#[derive(Clone)]
pub struct EchoCanceller(Arc<Mutex<Room>>);

struct Room {
    processing: AudioProcessing,
    /// What the speaker was given that does not fill a block yet (Opus frames come in any
    /// length from 2.5 to 120 ms).
    played: Vec<f32>,
    /// The canceller refused a block (never expected: the blocks are always its size); said once.
    refused: bool,
}

impl EchoCanceller {
    pub fn new() -> EchoCanceller {
        let mono = StreamConfig::new(SAMPLE_RATE, 1);
        let processing = AudioProcessing::builder()
            .config(Config {
                echo_canceller: Some(Aec3::default()),
                ..Default::default()
            })
            .capture_config(mono)
            .render_config(mono)
            .build();
        EchoCanceller(Arc::new(Mutex::new(Room {
            processing,
            played: Vec::with_capacity(2 * BLOCK),
            refused: false,
        })))
    }

    /// What the speaker was just given: the echo to expect.
    pub fn played(&self, samples: &[i16]) {
        let Ok(mut room) = self.0.lock() else {
            return;
        };
        let room = &mut *room;
        room.played.extend(samples.iter().map(|&s| to_float(s)));
        let whole = room.played.len() / BLOCK * BLOCK;
        let mut out = [0.0f32; BLOCK];
        for block in room.played[..whole].chunks_exact(BLOCK) {
            if room
                .processing
                .process_render_f32(&[block], &mut [&mut out])
                .is_err()
            {
                refused(&mut room.refused);
            }
        }
        room.played.drain(..whole);
    }

    /// One frame of the microphone with the echo taken out, in place. Samples past the last
    /// whole block (a frame is 20 ms: there are none) pass as they were.
    pub fn clean(&self, frame: &mut [i16]) {
        let Ok(mut room) = self.0.lock() else {
            return;
        };
        let room = &mut *room;
        let mut heard = [0.0f32; BLOCK];
        let mut cleaned = [0.0f32; BLOCK];
        for block in frame.chunks_exact_mut(BLOCK) {
            for (h, &s) in heard.iter_mut().zip(block.iter()) {
                *h = to_float(s);
            }
            // The canceller finds the echo's delay itself; it still asks to be told one.
            let _ = room.processing.set_stream_delay_ms(0);
            match room
                .processing
                .process_capture_f32(&[&heard], &mut [&mut cleaned])
            {
                Ok(()) => {
                    for (s, &c) in block.iter_mut().zip(cleaned.iter()) {
                        *s = to_sample(c);
                    }
                }
                Err(_) => refused(&mut room.refused),
            }
        }
    }

    /// How much of the echo is taken out now (dB), once the canceller has measured it.
    pub fn echo_removed_db(&self) -> Option<f64> {
        let room = self.0.lock().ok()?;
        room.processing.statistics().echo_return_loss_enhancement
    }
}

impl Default for EchoCanceller {
    fn default() -> Self {
        EchoCanceller::new()
    }
}

fn refused(said: &mut bool) {
    if !*said {
        *said = true;
        tracing::warn!("the echo canceller refused a block of sound; it passes as it was");
    }
}

fn to_float(sample: i16) -> f32 {
    f32::from(sample) / 32768.0
}

fn to_sample(value: f32) -> i16 {
    // In range after clamping: the cast cannot wrap.
    (value.clamp(-1.0, 1.0) * 32767.0) as i16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{SpeechLike, FRAME_SAMPLES};
    use proptest::prelude::*;

    fn speech_like(seconds: usize, seed: u32) -> Vec<i16> {
        let mut voice = SpeechLike::new(seed);
        (0..seconds * SAMPLE_RATE as usize)
            .map(|_| voice.sample())
            .collect()
    }

    /// The room: what the microphone hears of what the speaker played, 60 ms later, through a
    /// short echo path.
    fn room_echo(played: &[i16]) -> Vec<i16> {
        let delay = SAMPLE_RATE as usize * 60 / 1000;
        (0..played.len())
            .map(|i| {
                let at = |k: usize| {
                    i.checked_sub(delay + k)
                        .map_or(0.0, |j| f32::from(played[j]))
                };
                (0.4 * at(0) + 0.2 * at(1) - 0.1 * at(2)) as i16
            })
            .collect()
    }

    fn rms(samples: &[i16]) -> f64 {
        let sum: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
        (sum / samples.len().max(1) as f64).sqrt()
    }

    fn db(a: f64, b: f64) -> f64 {
        20.0 * (a / b.max(1e-9)).log10()
    }

    /// Runs a call's sound through the canceller: the doctor's voice played in `played_chunk`
    /// pieces (as Opus frames come), the microphone's 20 ms frames cleaned.
    fn run(
        canceller: &EchoCanceller,
        doctor: &[i16],
        resident: &[i16],
        played_chunk: usize,
    ) -> Vec<i16> {
        let echo = room_echo(doctor);
        let mut sent = Vec::with_capacity(doctor.len());
        for (start, frame) in (0..doctor.len())
            .step_by(FRAME_SAMPLES)
            .zip(echo.chunks(FRAME_SAMPLES))
        {
            let end = (start + FRAME_SAMPLES).min(doctor.len());
            for piece in doctor[start..end].chunks(played_chunk) {
                canceller.played(piece);
            }
            let mut heard: Vec<i16> = frame
                .iter()
                .zip(&resident[start..end])
                .map(|(&e, &r)| e.saturating_add(r))
                .collect();
            canceller.clean(&mut heard);
            sent.extend(heard);
        }
        sent
    }

    #[test]
    fn the_doctors_voice_coming_back_through_the_room_is_taken_out() {
        let canceller = EchoCanceller::new();
        let doctor = speech_like(6, 7);
        let silent = vec![0i16; doctor.len()];
        let sent = run(&canceller, &doctor, &silent, 120);
        // After two seconds of learning the room.
        let settled = 2 * SAMPLE_RATE as usize;
        let echo = room_echo(&doctor);
        let removed = db(rms(&echo[settled..]), rms(&sent[settled..]));
        assert!(
            removed >= 20.0,
            "only {removed:.1} dB of the echo taken out"
        );
        assert!(canceller.echo_removed_db().is_some());
    }

    /// Phrases: on for 1.2 s, then 0.8 s of pause (`inverted`: on in the other's pauses).
    fn phrases(voice: Vec<i16>, inverted: bool) -> Vec<i16> {
        let period = 2 * SAMPLE_RATE as usize;
        let talking = SAMPLE_RATE as usize * 12 / 10;
        voice
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                if (i % period < talking) != inverted {
                    s
                } else {
                    0
                }
            })
            .collect()
    }

    /// The resident's voice from `from` on (at half the doctor's level: the echo is at 0.4).
    fn resident_from(voice: Vec<i16>, from: usize) -> Vec<i16> {
        voice
            .into_iter()
            .enumerate()
            .map(|(i, s)| if i >= from { s / 2 } else { 0 })
            .collect()
    }

    #[test]
    fn the_resident_answering_in_the_doctors_pauses_goes_through() {
        let canceller = EchoCanceller::new();
        let doctor = phrases(speech_like(8, 7), false);
        // The resident answers in the doctor's pauses, from the third phrase on.
        let from = 4 * SAMPLE_RATE as usize;
        let resident = resident_from(phrases(speech_like(8, 99), true), from);
        let sent = run(&canceller, &doctor, &resident, 960);
        let kept = db(rms(&sent[from..]), rms(&resident[from..]));
        assert!(kept > -3.0, "the resident's answers lost {:.1} dB", -kept);
    }

    #[test]
    fn the_resident_talking_over_the_doctor_is_still_heard() {
        // AEC3 turns the resident down while both talk (as in browsers), never off.
        let canceller = EchoCanceller::new();
        let doctor = phrases(speech_like(8, 7), false);
        let from = 4 * SAMPLE_RATE as usize;
        let resident = resident_from(speech_like(8, 99), from);
        let sent = run(&canceller, &doctor, &resident, 960);
        let period = 2 * SAMPLE_RATE as usize;
        let doctor_talking = SAMPLE_RATE as usize * 12 / 10;
        let (both_sent, both_said): (Vec<i16>, Vec<i16>) = (from..resident.len())
            .filter(|i| i % period < doctor_talking)
            .map(|i| (sent[i], resident[i]))
            .unzip();
        let kept = db(rms(&both_sent), rms(&both_said));
        assert!(kept > -15.0, "the resident's voice lost {:.1} dB", -kept);
    }

    #[test]
    fn with_a_headset_the_residents_voice_passes() {
        // Nothing played reaches the microphone.
        let canceller = EchoCanceller::new();
        let resident = speech_like(3, 5);
        let mut sent = Vec::new();
        for frame in resident.chunks(FRAME_SAMPLES) {
            let mut heard = frame.to_vec();
            canceller.clean(&mut heard);
            sent.extend(heard);
        }
        let from = SAMPLE_RATE as usize;
        let kept = db(rms(&sent[from..]), rms(&resident[from..]));
        assert!(kept.abs() < 3.0, "the voice changed by {kept:.1} dB");
    }

    proptest! {
        /// Whatever the speaker plays, in whatever pieces, and whatever the microphone hears:
        /// frames keep their length and the canceller goes on.
        #[test]
        fn any_sound_in_any_pieces_is_taken(
            played in proptest::collection::vec(proptest::collection::vec(any::<i16>(), 0..3000), 0..6),
            heard in proptest::collection::vec(any::<i16>(), 0..2000),
        ) {
            let canceller = EchoCanceller::new();
            for piece in &played {
                canceller.played(piece);
            }
            let mut frame = heard.clone();
            canceller.clean(&mut frame);
            prop_assert_eq!(frame.len(), heard.len());
            // Samples past the last whole block pass as they were.
            let whole = heard.len() / BLOCK * BLOCK;
            prop_assert_eq!(&frame[whole..], &heard[whole..]);
        }
    }
}
