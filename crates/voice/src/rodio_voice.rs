use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::num::NonZero;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Weak};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rodio::buffer::SamplesBuffer;
use rodio::{Decoder, DeviceSinkBuilder, MixerDeviceSink, Player};
use station_protocol::{Locale, PromptId};

use crate::{PromptLibrary, TextReader, Voice};

/// How long [`RodioVoice::open`] waits for the audio thread to report whether the device opened.
const OPEN_TIMEOUT: Duration = Duration::from_secs(5);

enum Command {
    Say(Locale, Vec<PromptId>),
    Read(Locale, String),
    Replay,
    Stop,
    Volume(u8),
    CallOutput(SyncSender<CallOutput>),
}

/// The doctor's voice during a video call: played on the prompts' own output (one device, the
/// two mixed) at the resident's volume, which follows [`Voice::set_volume`] during the call.
/// Dropping it silences it.
pub struct CallOutput {
    player: Arc<Player>,
}

/// Samples per second of [`CallOutput::play`].
pub const CALL_SAMPLE_RATE: u32 = 48_000;

/// Sound queued beyond this many chunks (20 ms each) is dropped: a late network or a card
/// clock slower than the doctor's must not let the doctor's voice fall further and further
/// behind the picture.
const CALL_QUEUE_LIMIT: usize = 10;

impl CallOutput {
    /// Queues mono samples at 48 kHz; returns at once.
    pub fn play(&self, samples: &[i16]) {
        if self.player.len() >= CALL_QUEUE_LIMIT {
            return;
        }
        let (Some(channels), Some(rate)) = (NonZero::new(1), NonZero::new(CALL_SAMPLE_RATE)) else {
            return;
        };
        let samples: Vec<rodio::Sample> = samples
            .iter()
            .map(|&s| rodio::Sample::from(s) / 32768.0)
            .collect();
        self.player
            .append(SamplesBuffer::new(channels, rate, samples));
    }
}

impl Drop for CallOutput {
    fn drop(&mut self) {
        self.player.stop();
    }
}

/// Plays prompts through the default audio output with rodio.
///
/// The output stream is not `Send` on every platform, so it lives on a dedicated thread
/// ("station-voice") and every method only sends that thread a message: nothing here blocks
/// the caller. If no output device can be opened, [`RodioVoice::open`] logs one warning and the
/// voice stays silent. An utterance plays its recordings back to back on one [`Player`]; a
/// missing or undecodable recording is skipped (logged once per file) and the rest still plays.
pub struct RodioVoice {
    commands: Option<Sender<Command>>,
    thread: Option<JoinHandle<()>>,
}

impl RodioVoice {
    /// Opens the default output device on a new audio thread. Never fails: without a usable
    /// device the returned voice does nothing (see [`RodioVoice::is_available`]).
    pub fn open(library: PromptLibrary) -> RodioVoice {
        let silent = RodioVoice {
            commands: None,
            thread: None,
        };
        let (commands, inbox) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::sync_channel(1);
        let spawned = thread::Builder::new()
            .name("station-voice".into())
            .spawn(move || audio_thread(library, inbox, ready_tx));
        let thread = match spawned {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!("voice prompts disabled: cannot start the audio thread: {e}");
                return silent;
            }
        };
        match ready_rx.recv_timeout(OPEN_TIMEOUT) {
            Ok(Ok(config)) => {
                tracing::info!("voice prompts: audio output open ({config})");
            }
            Ok(Err(e)) => {
                tracing::warn!("voice prompts disabled: no audio output device ({e})");
                let _ = thread.join();
                return silent;
            }
            Err(RecvTimeoutError::Timeout) => {
                // Keep the thread: prompts start playing if the device opens after all.
                tracing::warn!(
                    "voice prompts: the audio device did not open within {OPEN_TIMEOUT:?}; \
                     prompts stay silent until it does"
                );
            }
            Err(RecvTimeoutError::Disconnected) => {
                tracing::warn!("voice prompts disabled: the audio thread stopped while opening");
                let _ = thread.join();
                return silent;
            }
        }
        RodioVoice {
            commands: Some(commands),
            thread: Some(thread),
        }
    }

    /// A way for the doctor's voice to reach the speaker, for one call; `None` without an
    /// output device.
    pub fn call_output(&self) -> Option<CallOutput> {
        let (reply, output) = mpsc::sync_channel(1);
        self.send(Command::CallOutput(reply));
        output.recv_timeout(OPEN_TIMEOUT).ok()
    }

    /// False when no output device could be opened (every call is then a no-op).
    pub fn is_available(&self) -> bool {
        self.commands.is_some()
    }

    fn send(&self, command: Command) {
        if let Some(commands) = &self.commands {
            // An error means the audio thread is gone; there is nothing left to tell.
            let _ = commands.send(command);
        }
    }
}

impl std::fmt::Debug for RodioVoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RodioVoice")
            .field("available", &self.is_available())
            .finish_non_exhaustive()
    }
}

impl Voice for RodioVoice {
    fn say(&self, locale: Locale, speech: &[PromptId]) {
        self.send(Command::Say(locale, speech.to_vec()));
    }
    fn read(&self, locale: Locale, text: &str) {
        self.send(Command::Read(locale, text.to_string()));
    }
    fn replay(&self) {
        self.send(Command::Replay);
    }
    fn stop(&self) {
        self.send(Command::Stop);
    }
    fn set_volume(&self, percent: u8) {
        self.send(Command::Volume(percent));
    }
}

impl Drop for RodioVoice {
    fn drop(&mut self) {
        // Closing the channel ends the audio thread's loop; it then stops playback and closes
        // the device.
        drop(self.commands.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn open_sink() -> Result<MixerDeviceSink, rodio::DeviceSinkError> {
    // Stream errors (an unplugged device, underruns) arrive on cpal's thread, possibly many
    // times a second: warn once, then only at debug level.
    let reported = Arc::new(AtomicBool::new(false));
    let on_error = move |e: rodio::CpalError| {
        if reported.swap(true, Ordering::Relaxed) {
            tracing::debug!("audio output error: {e}");
        } else {
            tracing::warn!("audio output error: {e}");
        }
    };
    let mut sink = DeviceSinkBuilder::from_default_device()
        .and_then(|b| b.with_error_callback(on_error).open_sink_or_fallback())
        // The default device failed: let rodio try the other output devices.
        .or_else(|_| DeviceSinkBuilder::open_default_sink())?;
    sink.log_on_drop(false);
    Ok(sink)
}

fn audio_thread(
    library: PromptLibrary,
    inbox: Receiver<Command>,
    ready: SyncSender<Result<String, String>>,
) {
    let sink = match open_sink() {
        Ok(sink) => sink,
        Err(e) => {
            let _ = ready.send(Err(e.to_string()));
            return;
        }
    };
    let config = sink.config();
    let _ = ready.send(Ok(format!(
        "{} Hz, {} channel(s)",
        config.sample_rate(),
        config.channel_count()
    )));
    let reader = TextReader::find();
    if reader.is_none() {
        // A fault for staff: prescriptions are shown but not read out.
        tracing::error!("espeak-ng is not installed: text without a recording is not read aloud");
    }
    let mut playback = Playback {
        library,
        reader,
        sink,
        player: None,
        last: None,
        last_text: None,
        volume: 1.0,
        warned: HashSet::new(),
        calls: Vec::new(),
    };
    while let Ok(command) = inbox.recv() {
        match command {
            Command::Say(locale, speech) => playback.play(locale, speech),
            Command::Read(locale, text) => playback.read(locale, &text),
            Command::Replay => {
                if let Some((locale, speech)) = playback.last.clone() {
                    let text = playback.last_text.take();
                    playback.play(locale, speech);
                    if let Some(audio) = text {
                        playback.append_audio(&audio);
                        playback.last_text = Some(audio);
                    }
                }
            }
            Command::Stop => playback.silence(),
            Command::Volume(percent) => playback.set_volume(percent),
            Command::CallOutput(reply) => {
                let player = Arc::new(Player::connect_new(playback.sink.mixer()));
                player.set_volume(playback.volume);
                playback.calls.retain(|call| call.strong_count() > 0);
                playback.calls.push(Arc::downgrade(&player));
                let _ = reply.send(CallOutput { player });
            }
        }
    }
    playback.silence();
}

/// State owned by the audio thread.
struct Playback {
    library: PromptLibrary,
    sink: MixerDeviceSink,
    /// The utterance now playing; a new [`Player`] per utterance, so dropping it interrupts at
    /// once.
    player: Option<Player>,
    last: Option<(Locale, Vec<PromptId>)>,
    /// espeak-ng, for text no recording has.
    reader: Option<TextReader>,
    /// The text read after the last utterance, as synthesised (replayed with it).
    last_text: Option<Vec<u8>>,
    volume: rodio::Float,
    /// Recordings already reported missing or unreadable.
    warned: HashSet<PathBuf>,
    /// The call outputs handed out (their volume follows the resident's).
    calls: Vec<Weak<Player>>,
}

impl Playback {
    fn silence(&mut self) {
        if let Some(player) = self.player.take() {
            player.stop();
        }
    }

    fn set_volume(&mut self, percent: u8) {
        self.volume = rodio::Float::from(percent.min(100)) / 100.0;
        if let Some(player) = &self.player {
            player.set_volume(self.volume);
        }
        for call in self.calls.iter().filter_map(Weak::upgrade) {
            call.set_volume(self.volume);
        }
    }

    fn play(&mut self, locale: Locale, speech: Vec<PromptId>) {
        self.silence();
        let player = Player::connect_new(self.sink.mixer());
        player.set_volume(self.volume);
        for &prompt in &speech {
            if let Some(decoder) = self.open(locale, prompt) {
                // Appended sources play one after the other: the words run on without a gap
                // beyond the clips' own padding.
                player.append(decoder);
            }
        }
        self.player = Some(player);
        self.last = Some((locale, speech));
        self.last_text = None;
    }

    /// Synthesises `text` (on this thread: the caller never waits) and queues it after the
    /// utterance now playing.
    fn read(&mut self, locale: Locale, text: &str) {
        let Some(reader) = &self.reader else {
            return;
        };
        match reader.synthesize(locale, text) {
            Ok(audio) => {
                self.append_audio(&audio);
                self.last_text = Some(audio);
            }
            Err(e) => tracing::warn!(error = %e, "cannot read a text aloud"),
        }
    }

    fn append_audio(&mut self, wav: &[u8]) {
        let decoder = match Decoder::try_from(std::io::Cursor::new(wav.to_vec())) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "synthesised speech cannot be decoded");
                return;
            }
        };
        let volume = self.volume;
        let mixer = self.sink.mixer();
        let player = self.player.get_or_insert_with(|| {
            let player = Player::connect_new(mixer);
            player.set_volume(volume);
            player
        });
        player.append(decoder);
    }

    /// The decoded recording of one prompt; `None` (warned once per file) if it cannot be played.
    fn open(&mut self, locale: Locale, prompt: PromptId) -> Option<Decoder<BufReader<File>>> {
        let path = self.library.path(locale, prompt);
        let decoder = File::open(&path)
            .map_err(|e| e.to_string())
            .and_then(|file| Decoder::try_from(file).map_err(|e| e.to_string()));
        match decoder {
            Ok(d) => Some(d),
            Err(e) => {
                if self.warned.insert(path.clone()) {
                    tracing::warn!("voice prompt {} unplayable: {e}", path.display());
                }
                None
            }
        }
    }
}
