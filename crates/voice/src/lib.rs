//! Spoken prompts for the kiosk.
//!
//! Every screen and notice has a [`PromptId`]; each id has one recording per [`Locale`] under
//! `assets/audio/<locale>/<id>.ogg` (made by `scripts/make-prompts`, see [`PromptLibrary`]).
//! An utterance is a sequence of prompts played back to back: usually one sentence, or a result
//! read out word by word (`station_protocol::Screen::speech`). The station talks to a [`Voice`]:
//!
//! - [`RodioVoice`] plays through the default audio device on its own thread. It never fails: with
//!   no sound card it logs one warning and every call becomes a no-op. Text no recording has (a
//!   prescription) is read aloud with espeak-ng ([`TextReader`]).
//! - [`SilentVoice`] does nothing (headless runs).
//! - [`RecordingVoice`] remembers what was asked of it (tests).

mod library;
mod reader;
mod rodio_voice;
mod simulated;

pub use library::PromptLibrary;
pub use reader::{pinyin_form, ReadError, TextReader};
pub use rodio_voice::{CallOutput, RodioVoice, CALL_SAMPLE_RATE};
pub use simulated::{RecordingVoice, SilentVoice, VoiceEvent};
pub use station_protocol::{Locale, PromptId};

/// Something that speaks the station's prompts. Every method returns at once.
pub trait Voice: Send + Sync {
    /// Interrupts whatever is playing, then plays this utterance: its prompts back to back.
    fn say(&self, locale: Locale, speech: &[PromptId]);
    /// After the utterance now playing, reads `text` aloud (words no recording has: what a
    /// doctor prescribed); "再听一遍" plays it again with the utterance.
    fn read(&self, locale: Locale, text: &str);
    /// Plays the last utterance again from its start ("再听一遍"); nothing if none was said yet.
    fn replay(&self);
    /// Silence (session end). A later [`Voice::replay`] still plays the last utterance.
    fn stop(&self);
    /// Loudness for this and later prompts, 0..=100 (larger values count as 100).
    fn set_volume(&self, percent: u8);
}

impl<V: Voice + ?Sized> Voice for std::sync::Arc<V> {
    fn say(&self, locale: Locale, speech: &[PromptId]) {
        (**self).say(locale, speech);
    }
    fn read(&self, locale: Locale, text: &str) {
        (**self).read(locale, text);
    }
    fn replay(&self) {
        (**self).replay();
    }
    fn stop(&self) {
        (**self).stop();
    }
    fn set_volume(&self, percent: u8) {
        (**self).set_volume(percent);
    }
}

impl<V: Voice + ?Sized> Voice for Box<V> {
    fn say(&self, locale: Locale, speech: &[PromptId]) {
        (**self).say(locale, speech);
    }
    fn read(&self, locale: Locale, text: &str) {
        (**self).read(locale, text);
    }
    fn replay(&self) {
        (**self).replay();
    }
    fn stop(&self) {
        (**self).stop();
    }
    fn set_volume(&self, percent: u8) {
        (**self).set_volume(percent);
    }
}
