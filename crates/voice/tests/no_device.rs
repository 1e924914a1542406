//! RodioVoice with no usable audio device: opening warns once and carries on silently.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use station_voice::{Locale, PromptId, PromptLibrary, RodioVoice, Voice};

#[test]
fn no_device_is_not_an_error() {
    let home = tempfile::tempdir().expect("temp dir");
    // The default device is a sound card that does not exist.
    fs::write(
        home.path().join(".asoundrc"),
        "pcm.!default { type hw card 29 device 0 }\nctl.!default { type hw card 29 }\n",
    )
    .expect("write .asoundrc");
    // Before anything in this process touches ALSA (own test binary, one test).
    std::env::set_var("HOME", home.path());

    let voice = RodioVoice::open(PromptLibrary::in_source_tree());
    // On a machine with a real card rodio may fall back to it; here (no /dev/snd) it cannot.
    if !Path::new("/dev/snd").exists() {
        assert!(!voice.is_available());
    }
    let t = Instant::now();
    for _ in 0..100 {
        voice.set_volume(80);
        voice.say(Locale::ZhCn, &[PromptId::Welcome]);
        voice.replay();
        voice.say(Locale::EnUs, &[PromptId::Goodbye]);
        voice.stop();
    }
    assert!(
        t.elapsed() < Duration::from_millis(200),
        "calls must be cheap no-ops"
    );
    drop(voice);
}
