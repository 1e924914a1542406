use std::sync::{Mutex, MutexGuard, PoisonError};

use station_protocol::{Locale, PromptId};

use crate::Voice;

/// A voice that says nothing: for headless runs and tests that do not care about audio.
#[derive(Debug, Default, Clone, Copy)]
pub struct SilentVoice;

impl Voice for SilentVoice {
    fn say(&self, _locale: Locale, _speech: &[PromptId]) {}
    fn read(&self, _locale: Locale, _text: &str) {}
    fn replay(&self) {}
    fn stop(&self) {}
    fn set_volume(&self, _percent: u8) {}
}

/// One call made on a [`RecordingVoice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceEvent {
    /// An utterance: its prompts, in the order they would play.
    Say(Locale, Vec<PromptId>),
    /// Text read aloud after the utterance.
    Read(Locale, String),
    Replay,
    Stop,
    Volume(u8),
}

/// Test double: remembers every call, in order, and plays nothing.
#[derive(Debug, Default)]
pub struct RecordingVoice {
    events: Mutex<Vec<VoiceEvent>>,
}

impl RecordingVoice {
    pub fn new() -> RecordingVoice {
        RecordingVoice::default()
    }

    fn log(&self) -> MutexGuard<'_, Vec<VoiceEvent>> {
        // A test that panicked while holding the lock must not hide what was recorded.
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every call so far, in order.
    pub fn events(&self) -> Vec<VoiceEvent> {
        self.log().clone()
    }

    /// The utterances passed to [`Voice::say`], in order (replays are not repeated here).
    pub fn said(&self) -> Vec<(Locale, Vec<PromptId>)> {
        self.log()
            .iter()
            .filter_map(|e| match e {
                VoiceEvent::Say(l, speech) => Some((*l, speech.clone())),
                _ => None,
            })
            .collect()
    }

    /// The utterance a real voice would be playing or would replay: the last one said.
    pub fn last_said(&self) -> Option<(Locale, Vec<PromptId>)> {
        self.said().pop()
    }

    pub fn replays(&self) -> usize {
        self.log()
            .iter()
            .filter(|e| **e == VoiceEvent::Replay)
            .count()
    }

    pub fn stops(&self) -> usize {
        self.log()
            .iter()
            .filter(|e| **e == VoiceEvent::Stop)
            .count()
    }

    /// The texts passed to [`Voice::read`], in order.
    pub fn read_aloud(&self) -> Vec<String> {
        self.log()
            .iter()
            .filter_map(|e| match e {
                VoiceEvent::Read(_, text) => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    /// The last volume set, if any.
    pub fn volume(&self) -> Option<u8> {
        self.log().iter().rev().find_map(|e| match *e {
            VoiceEvent::Volume(v) => Some(v),
            _ => None,
        })
    }

    /// Forgets everything recorded so far.
    pub fn clear(&self) {
        self.log().clear();
    }
}

impl Voice for RecordingVoice {
    fn say(&self, locale: Locale, speech: &[PromptId]) {
        self.log().push(VoiceEvent::Say(locale, speech.to_vec()));
    }
    fn read(&self, locale: Locale, text: &str) {
        self.log().push(VoiceEvent::Read(locale, text.to_string()));
    }
    fn replay(&self) {
        self.log().push(VoiceEvent::Replay);
    }
    fn stop(&self) {
        self.log().push(VoiceEvent::Stop);
    }
    fn set_volume(&self, percent: u8) {
        self.log().push(VoiceEvent::Volume(percent.min(100)));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn recording_voice_remembers_the_sequence() {
        let v = Arc::new(RecordingVoice::new());
        let as_dyn: Box<dyn Voice> = Box::new(Arc::clone(&v));
        as_dyn.say(Locale::ZhCn, &[PromptId::Welcome]);
        as_dyn.set_volume(250);
        let result = [
            PromptId::ResultIntro,
            PromptId::Numeral(90),
            PromptId::Numeral(7),
        ];
        as_dyn.say(Locale::EnUs, &result);
        as_dyn.replay();
        as_dyn.stop();
        assert_eq!(
            v.said(),
            vec![
                (Locale::ZhCn, vec![PromptId::Welcome]),
                (Locale::EnUs, result.to_vec())
            ]
        );
        assert_eq!(v.last_said(), Some((Locale::EnUs, result.to_vec())));
        assert_eq!(v.replays(), 1);
        assert_eq!(v.stops(), 1);
        assert_eq!(v.volume(), Some(100));
        assert_eq!(
            v.events()[1..],
            [
                VoiceEvent::Volume(100),
                VoiceEvent::Say(Locale::EnUs, result.to_vec()),
                VoiceEvent::Replay,
                VoiceEvent::Stop
            ]
        );
        v.clear();
        assert!(v.events().is_empty());
    }
}
