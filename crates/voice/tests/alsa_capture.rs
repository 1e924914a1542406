//! RodioVoice against a fake sound card: ALSA's `file` plugin.
//!
//! `HOME` points at a temp dir whose `.asoundrc` routes `pcm.!default` through `type plug`
//! (fixed to S16_LE, 48 kHz, stereo) into `type file`, which writes every frame played to a
//! named pipe and passes it on to `type null`. `null` accepts frames instantly, so on its own the
//! stream would run unpaced (filling a file with silence as fast as the CPU allows); reading the
//! pipe at exactly 48 kHz here paces playback like a real card (the pipe's 64 KiB buffer is
//! ~0.34 s of slack).
//!
//! One test function, in its own test binary: ALSA reads its configuration once per process.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use rodio::{Decoder, Source};
use station_voice::{Locale, PromptId, PromptLibrary, RodioVoice, TextReader, Voice};

const RATE: usize = 48_000;
const CHANNELS: usize = 2;
/// A window counts as speech above this RMS (full scale = 1.0).
const VOICED_RMS: f32 = 0.01;

/// Mono samples (left channel) captured from the pipe, in order.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<i16>>>);

impl Capture {
    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
    fn since(&self, mark: usize) -> Vec<i16> {
        let all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        all.get(mark..).map(<[i16]>::to_vec).unwrap_or_default()
    }
    fn push_frames(&self, bytes: &[u8]) {
        let mut all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for frame in bytes.chunks_exact(2 * CHANNELS) {
            all.push(i16::from_le_bytes([frame[0], frame[1]]));
        }
    }
}

/// Reads the pipe at real-time speed for ever, reopening it whenever the writer closes it
/// (cpal opens and closes the device while probing it).
fn pace_reader(fifo: PathBuf, capture: Capture) {
    let bytes_per_sec = RATE * CHANNELS * 2;
    let frame = CHANNELS * 2;
    let start = Instant::now();
    let mut total = 0usize;
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let Ok(mut pipe) = File::open(&fifo) else {
            return;
        };
        let mut buf = vec![0u8; bytes_per_sec / 50];
        loop {
            let due = (start.elapsed().as_secs_f64() * bytes_per_sec as f64) as usize;
            let allowed = due.saturating_sub(total).min(buf.len());
            if allowed < frame {
                thread::sleep(Duration::from_millis(5));
                continue;
            }
            match pipe.read(&mut buf[..allowed]) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    total += n;
                    pending.extend_from_slice(&buf[..n]);
                    let whole = pending.len() / frame * frame;
                    capture.push_frames(&pending[..whole]);
                    pending.drain(..whole);
                }
            }
        }
    }
}

/// Seconds of 20 ms windows louder than [`VOICED_RMS`].
fn voiced_seconds(samples: impl Iterator<Item = f32>, rate: usize) -> f32 {
    let window = rate / 50;
    let mut voiced = 0usize;
    let mut sum = 0f32;
    let mut n = 0usize;
    for s in samples {
        sum += s * s;
        n += 1;
        if n == window {
            if (sum / n as f32).sqrt() > VOICED_RMS {
                voiced += 1;
            }
            sum = 0.0;
            n = 0;
        }
    }
    voiced as f32 / 50.0
}

fn captured_voiced(samples: &[i16]) -> f32 {
    voiced_seconds(samples.iter().map(|&s| f32::from(s) / 32768.0), RATE)
}

/// Voiced seconds and total seconds of a recording, decoded with rodio.
fn file_speech(path: &Path) -> (f32, f32) {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let decoder = Decoder::try_from(file).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(decoder.channels().get(), 1, "prompts are mono");
    let rate = decoder.sample_rate().get() as usize;
    let samples: Vec<f32> = decoder.collect();
    (
        voiced_seconds(samples.iter().copied(), rate),
        samples.len() as f32 / rate as f32,
    )
}

fn peak(samples: &[i16]) -> i32 {
    samples
        .iter()
        .map(|&s| i32::from(s).abs())
        .max()
        .unwrap_or(0)
}

/// Shared log output, to count the voice's warnings.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

#[test]
fn plays_interrupts_and_mutes_through_alsa() {
    let logs = Logs::default();
    let for_subscriber = logs.clone();
    tracing_subscriber::fmt()
        .with_writer(move || for_subscriber.clone())
        .with_ansi(false)
        .init();

    let home = tempfile::tempdir().expect("temp dir");
    let fifo = home.path().join("played.pcm");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    fs::write(
        home.path().join(".asoundrc"),
        format!(
            r#"
pcm.!default {{
    type plug
    slave {{
        pcm "capture"
        format S16_LE
        rate {RATE}
        channels {CHANNELS}
    }}
}}
pcm.capture {{
    type file
    slave.pcm "null"
    file "{}"
    format "raw"
}}
"#,
            fifo.display()
        ),
    )
    .expect("write .asoundrc");
    // Before anything in this process touches ALSA.
    std::env::set_var("HOME", home.path());

    // A library with real recordings, one corrupt file and the rest missing.
    let real = PromptLibrary::in_source_tree();
    let lib_dir = tempfile::tempdir().expect("temp dir");
    let library = PromptLibrary::new(lib_dir.path());
    let used = [
        (Locale::EnUs, PromptId::Home),
        (Locale::EnUs, PromptId::CardUnreadable),
        (Locale::EnUs, PromptId::Welcome),
        (Locale::ZhCn, PromptId::Welcome),
    ];
    // 一百二十八, word by word.
    let number = [
        PromptId::Numeral(1),
        PromptId::Hundred,
        PromptId::Numeral(20),
        PromptId::Numeral(8),
    ];
    let used = used.into_iter().chain(number.map(|p| (Locale::ZhCn, p)));
    for (locale, prompt) in used {
        let to = library.path(locale, prompt);
        fs::create_dir_all(to.parent().expect("has a parent")).expect("mkdir");
        fs::copy(real.path(locale, prompt), &to).expect("copy recording");
    }
    let corrupt = library.path(Locale::EnUs, PromptId::Goodbye);
    fs::write(&corrupt, b"OggS but not really a vorbis stream").expect("write corrupt file");

    let capture = Capture::default();
    {
        let (fifo, capture) = (fifo.clone(), capture.clone());
        thread::spawn(move || pace_reader(fifo, capture));
    }

    let voice = RodioVoice::open(library.clone());
    assert!(
        voice.is_available(),
        "the ALSA file device did not open; log:\n{}",
        logs.text()
    );
    thread::sleep(Duration::from_millis(500));

    // 1. One prompt plays in full.
    let (home_voiced, home_len) = file_speech(&library.path(Locale::EnUs, PromptId::Home));
    let mark = capture.len();
    let t = Instant::now();
    voice.say(Locale::EnUs, &[PromptId::Home]);
    assert!(
        t.elapsed() < Duration::from_millis(50),
        "say() must not block"
    );
    thread::sleep(Duration::from_secs_f32(home_len + 1.5));
    let got = capture.since(mark);
    let voiced = captured_voiced(&got);
    eprintln!(
        "home: captured {:.2} s, voiced {voiced:.2} s (file voiced {home_voiced:.2} s), peak {}",
        got.len() as f32 / RATE as f32,
        peak(&got)
    );
    assert!(peak(&got) > 8000, "captured audio is (nearly) silent");
    assert!(
        (voiced - home_voiced).abs() < 0.25 * home_voiced,
        "captured {voiced:.2} s of speech, the recording has {home_voiced:.2} s"
    );

    // 1b. An utterance plays its prompts back to back; a missing one is skipped, the rest plays.
    let mark = capture.len();
    voice.say(
        Locale::EnUs,
        &[PromptId::Home, PromptId::BpSit, PromptId::Home],
    );
    thread::sleep(Duration::from_secs_f32(2.0 * home_len + 1.5));
    let voiced = captured_voiced(&capture.since(mark));
    eprintln!("home, missing, home: voiced {voiced:.2} s (one home {home_voiced:.2} s)");
    assert!(
        (voiced - 2.0 * home_voiced).abs() < 0.25 * 2.0 * home_voiced,
        "captured {voiced:.2} s of speech, two recordings have {:.2} s",
        2.0 * home_voiced
    );

    let (number_voiced, number_len) = number
        .iter()
        .map(|&p| file_speech(&library.path(Locale::ZhCn, p)))
        .fold((0.0, 0.0), |(v, l), (fv, fl)| (v + fv, l + fl));
    let mark = capture.len();
    voice.say(Locale::ZhCn, &number);
    thread::sleep(Duration::from_secs_f32(number_len + 1.5));
    let voiced = captured_voiced(&capture.since(mark));
    eprintln!("一百二十八: voiced {voiced:.2} s (the words {number_voiced:.2} s)");
    assert!(
        (voiced - number_voiced).abs() < 0.25 * number_voiced,
        "captured {voiced:.2} s of speech, the four words have {number_voiced:.2} s"
    );

    // 2. A new prompt interrupts the one playing.
    let (long_voiced, _) = file_speech(&library.path(Locale::EnUs, PromptId::CardUnreadable));
    let mark = capture.len();
    voice.say(Locale::EnUs, &[PromptId::CardUnreadable]);
    thread::sleep(Duration::from_secs(1));
    voice.say(Locale::EnUs, &[PromptId::Home]);
    thread::sleep(Duration::from_secs_f32(home_len + 1.5));
    let voiced = captured_voiced(&capture.since(mark));
    eprintln!(
        "interrupted: voiced {voiced:.2} s, both in full {:.2} s",
        long_voiced + home_voiced
    );
    assert!(
        voiced < home_voiced + 1.5,
        "the first prompt was not cut short: {voiced:.2} s of speech, full prompts {:.2} s",
        long_voiced + home_voiced
    );
    assert!(
        voiced > 0.75 * home_voiced,
        "the second prompt did not play"
    );

    // 3. stop() silences; replay() plays the last prompt again in full.
    let mark = capture.len();
    voice.say(Locale::EnUs, &[PromptId::CardUnreadable]);
    thread::sleep(Duration::from_secs(1));
    voice.stop();
    thread::sleep(Duration::from_secs(1));
    let voiced = captured_voiced(&capture.since(mark));
    assert!(voiced < 1.6, "stop() left {voiced:.2} s of speech playing");
    let mark = capture.len();
    voice.say(Locale::EnUs, &[PromptId::Home]);
    thread::sleep(Duration::from_millis(200));
    voice.replay();
    thread::sleep(Duration::from_secs_f32(home_len + 1.5));
    let voiced = captured_voiced(&capture.since(mark));
    assert!(
        voiced > 0.75 * home_voiced && voiced < home_voiced + 0.6,
        "replay should restart the prompt: {voiced:.2} s of speech"
    );

    // 4. A missing or corrupt recording is skipped (one warning per file); the voice goes on.
    for _ in 0..2 {
        voice.say(Locale::EnUs, &[PromptId::Goodbye]);
        voice.say(Locale::EnUs, &[PromptId::BpSit]);
    }
    let mark = capture.len();
    voice.say(Locale::ZhCn, &[PromptId::Welcome]);
    thread::sleep(Duration::from_secs(2));
    assert!(
        captured_voiced(&capture.since(mark)) > 0.8,
        "the voice stopped working after a bad file"
    );
    let text = logs.text();
    assert_eq!(text.matches("goodbye.ogg").count(), 1, "log:\n{text}");
    assert_eq!(text.matches("bp-sit.ogg").count(), 1, "log:\n{text}");

    // 4b. Text no recording has (a prescription) is read after the utterance, by espeak-ng,
    // and "再听一遍" plays both again.
    let prescribed = "阿司匹林肠溶片，100mg，每日一次"; // i18n-exempt: test data
    let reader = TextReader::find().expect("espeak-ng (scripts/setup installs it)");
    let wav = reader
        .synthesize(Locale::ZhCn, prescribed)
        .expect("synthesised");
    let decoder = Decoder::try_from(io::Cursor::new(wav)).expect("a WAV");
    let rate = decoder.sample_rate().get() as usize;
    let samples: Vec<f32> = decoder.collect();
    let (text_voiced, text_len) = (
        voiced_seconds(samples.iter().copied(), rate),
        samples.len() as f32 / rate as f32,
    );
    assert!(text_voiced > 1.5, "the text is spoken: {text_voiced:.2} s");
    let (welcome_voiced, welcome_len) = file_speech(&library.path(Locale::ZhCn, PromptId::Welcome));
    for (what, go) in [("read", false), ("replayed", true)] {
        let mark = capture.len();
        if go {
            voice.replay();
        } else {
            voice.say(Locale::ZhCn, &[PromptId::Welcome]);
            voice.read(Locale::ZhCn, prescribed);
        }
        thread::sleep(Duration::from_secs_f32(welcome_len + text_len + 1.5));
        let voiced = captured_voiced(&capture.since(mark));
        let want = welcome_voiced + text_voiced;
        eprintln!("welcome + prescription {what}: voiced {voiced:.2} s (want {want:.2} s)");
        assert!(
            (voiced - want).abs() < 0.25 * want,
            "{what}: captured {voiced:.2} s of speech, prompt and text have {want:.2} s"
        );
    }

    // 5. Volume 0 plays silence.
    voice.set_volume(0);
    thread::sleep(Duration::from_millis(500));
    let mark = capture.len();
    voice.say(Locale::EnUs, &[PromptId::Welcome]);
    thread::sleep(Duration::from_secs(2));
    let got = capture.since(mark);
    assert!(got.len() > RATE, "the stream stopped running");
    assert_eq!(peak(&got), 0, "volume 0 is not silent");

    let t = Instant::now();
    drop(voice);
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "closing the voice hung"
    );
}
