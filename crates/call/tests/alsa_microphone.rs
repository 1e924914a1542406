//! The real microphone path (`CpalMicrophone`: cpal → ALSA) against a fake sound card: `HOME`
//! points at a temp dir whose `.asoundrc` routes `pcm.!default` through `type plug` (fixed to
//! S16_LE, 48 kHz, mono) into `type file`, whose `infile` is a named pipe this test writes a
//! 1 kHz tone into at real-time speed — what a microphone in a quiet room hearing a tone gives.
//!
//! One test function, in its own test binary: ALSA reads its configuration once per process.

use std::f32::consts::TAU;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use station_call::audio::{loudness, Microphone, FRAME_SAMPLES, HEARD_LOUDNESS};
use station_call::microphone::CpalMicrophone;

const RATE: usize = 48_000;
const TONE_HZ: f32 = 1000.0;

/// Writes the tone into the pipe, 10 ms at a time, paced like a sound card, until `stop`.
/// cpal opens and closes the device while probing it, so a closed pipe is opened again;
/// `closed` counts the times the reader went away.
fn speak_into(fifo: std::path::PathBuf, stop: Arc<AtomicBool>, closed: Arc<AtomicU64>) {
    let start = Instant::now();
    let mut written = 0usize;
    let mut phase = 0.0f32;
    while !stop.load(Ordering::Relaxed) {
        // Blocks until a reader opens the pipe.
        let Ok(mut pipe) = OpenOptions::new().write(true).open(&fifo) else {
            return;
        };
        while !stop.load(Ordering::Relaxed) {
            let due = (start.elapsed().as_secs_f64() * RATE as f64) as usize + RATE / 10;
            if written >= due {
                thread::sleep(Duration::from_millis(5));
                continue;
            }
            let mut chunk = Vec::with_capacity(RATE / 100 * 2);
            for _ in 0..RATE / 100 {
                phase = (phase + TAU * TONE_HZ / RATE as f32) % TAU;
                chunk.extend_from_slice(&((phase.sin() * 12_000.0) as i16).to_le_bytes());
            }
            if pipe.write_all(&chunk).is_err() {
                closed.fetch_add(1, Ordering::SeqCst);
                break;
            }
            written += RATE / 100;
        }
    }
}

/// Sign changes per second / 2: the tone's pitch.
fn pitch(samples: &[i16]) -> f32 {
    let crossings = samples
        .windows(2)
        .filter(|w| (w[0] < 0) != (w[1] < 0))
        .count();
    crossings as f32 / 2.0 / (samples.len() as f32 / RATE as f32)
}

#[test]
fn the_microphone_gives_what_the_sound_card_hears_as_20_ms_frames() {
    // ALSA opening a pipe waits for its writer: should anything here wait for ever, the test
    // fails instead of holding up the suite.
    thread::spawn(|| {
        thread::sleep(Duration::from_secs(60));
        eprintln!("the microphone test did not finish within 60 s");
        std::process::exit(1);
    });
    let home = tempfile::tempdir().expect("temp HOME");
    let fifo = home.path().join("heard.pcm");
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
        pcm "microphone"
        format S16_LE
        rate {RATE}
        channels 1
    }}
}}
pcm.microphone {{
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "{}"
    format "raw"
}}
"#,
            fifo.display()
        ),
    )
    .expect("write .asoundrc");
    // Before any ALSA call in this process (it reads the configuration once).
    std::env::set_var("HOME", home.path());

    let stop = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(AtomicU64::new(0));
    {
        let (fifo, stop, closed) = (fifo.clone(), Arc::clone(&stop), Arc::clone(&closed));
        // Not joined: after the test it may wait for a reader that never comes.
        thread::spawn(move || speak_into(fifo, stop, closed));
    }
    let mut microphone = CpalMicrophone::open().expect("the fake card's microphone opens");
    let mut heard = Vec::new();
    for _ in 0..50 {
        let frame = microphone.next_frame().expect("a frame");
        assert_eq!(frame.len(), FRAME_SAMPLES, "20 ms at 48 kHz, mono");
        heard.push(frame);
    }
    // The start may be silence (the device opening); after that, the tone at its pitch.
    let tail: Vec<i16> = heard[10..].concat();
    assert!(
        loudness(&tail) > HEARD_LOUDNESS * 10.0,
        "loudness {}",
        loudness(&tail)
    );
    let pitch = pitch(&tail);
    assert!(
        (TONE_HZ * 0.95..TONE_HZ * 1.05).contains(&pitch),
        "the tone's pitch is kept: {pitch} Hz"
    );

    // Dropped, the device is closed: the pipe loses its reader (the next write fails).
    let before = closed.load(Ordering::SeqCst);
    drop(microphone);
    let dropped = Instant::now();
    while closed.load(Ordering::SeqCst) == before && dropped.elapsed() < Duration::from_secs(5) {
        thread::sleep(Duration::from_millis(20));
    }
    let gone = closed.load(Ordering::SeqCst) > before;
    stop.store(true, Ordering::Relaxed);
    assert!(gone, "the microphone is closed once dropped");
}
