//! Every prompt the UI can ask for exists in every locale and decodes to real audio.

use std::fs::File;

use rodio::{Decoder, Source};
use station_voice::{Locale, PromptId, PromptLibrary};

#[test]
fn every_prompt_exists_for_every_locale() {
    let library = PromptLibrary::in_source_tree();
    assert_eq!(
        library.missing(),
        vec![],
        "recordings missing under {} (run scripts/make-prompts)",
        library.root().display()
    );
}

#[test]
fn every_prompt_decodes_to_audible_speech() {
    let library = PromptLibrary::in_source_tree();
    for locale in Locale::ALL {
        for prompt in PromptId::all() {
            let path = library.path(locale, prompt);
            let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let decoder =
                Decoder::try_from(file).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let rate = decoder.sample_rate().get() as f32;
            let channels = f32::from(decoder.channels().get());
            let samples: Vec<rodio::Sample> = decoder.collect();
            let seconds = samples.len() as f32 / rate / channels;
            let peak = samples
                .iter()
                .fold(0.0, |m: rodio::Sample, s| m.max(s.abs()));
            // Words are trimmed tight to be strung together (一 is ~0.4 s).
            let plausible = if prompt.is_word() {
                0.25..4.0
            } else {
                0.8..20.0
            };
            assert!(
                plausible.contains(&seconds),
                "{}: {seconds:.2} s is not a plausible prompt length",
                path.display()
            );
            assert!(
                peak > 0.3,
                "{}: peak {peak:.3}, nearly silent",
                path.display()
            );
        }
    }
}
