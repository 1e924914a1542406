//! The call's microphone: the thread that takes the resident's voice, 20 ms at a time, encodes
//! it as Opus and hands it to the call's loop; and the real microphone through cpal.
//!
//! The thread owns the microphone: when it ends (call stopped, the loop gone or crashed, the
//! microphone failed) the microphone is dropped, and so off.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, StreamConfig};

use station_core::config::MicrophoneChoice;

use crate::audio::{
    AudioError, Microphone, MicrophoneOpener, TestTone, VoiceEncoder, FRAME_SAMPLES, SAMPLE_RATE,
};
use crate::echo::EchoCanceller;
use crate::session::Wake;
use crate::MediaError;

/// What the microphone thread tells the call's loop.
pub(crate) enum MicrophoneNews {
    /// One Opus packet of 20 ms.
    Sound(Vec<u8>),
    Lost,
}

/// `echo`: the call's echo canceller, which cleans each frame before it is encoded.
pub(crate) fn spawn(
    mut microphone: Box<dyn Microphone>,
    echo: Option<EchoCanceller>,
    news: SyncSender<Wake>,
    stop: Arc<AtomicBool>,
) -> Result<JoinHandle<()>, MediaError> {
    let mut encoder = VoiceEncoder::new().map_err(|e| MediaError::Encoder(e.to_string()))?;
    let handle = std::thread::Builder::new()
        .name("call-microphone".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let mut samples = match microphone.next_frame() {
                    Ok(samples) => samples,
                    Err(e) => {
                        tracing::warn!(error = %e, "call microphone stopped");
                        let _ = news.send(Wake::Microphone(MicrophoneNews::Lost));
                        return;
                    }
                };
                if let Some(echo) = &echo {
                    echo.clean(&mut samples);
                }
                let packet = match encoder.encode(&samples) {
                    Ok(packet) => packet,
                    Err(e) => {
                        tracing::warn!(error = %e, "a frame of the resident's voice was not encoded");
                        continue;
                    }
                };
                match news.try_send(Wake::Microphone(MicrophoneNews::Sound(packet))) {
                    // A busy loop loses 20 ms of sound rather than delaying all that follows.
                    Ok(()) | Err(TrySendError::Full(_)) => {}
                    Err(TrySendError::Disconnected(_)) => return,
                }
            }
        })?;
    Ok(handle)
}

/// Opens the microphone the station's config names for each call; `None`: calls without sound
/// from the kiosk.
pub fn opener(choice: MicrophoneChoice) -> Option<MicrophoneOpener> {
    match choice {
        MicrophoneChoice::None => None,
        MicrophoneChoice::Simulated => {
            tracing::info!("microphone: simulated (a steady tone)");
            Some(std::sync::Arc::new(|| {
                Ok(Box::new(TestTone::new()) as Box<dyn Microphone>)
            }))
        }
        MicrophoneChoice::Default => Some(std::sync::Arc::new(|| {
            CpalMicrophone::open().map(|m| Box::new(m) as Box<dyn Microphone>)
        })),
    }
}

/// The station's default input device (ALSA/PulseAudio on Linux, WASAPI on Windows), resampled
/// to 48 kHz mono. cpal's stream is not `Send` everywhere, so it lives on a thread of its own
/// that ends (closing the device) when this is dropped.
pub struct CpalMicrophone {
    chunks: Receiver<Vec<f32>>,
    pending: Vec<f32>,
    /// Input samples per output sample.
    step: f64,
    position: f64,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl CpalMicrophone {
    pub fn open() -> Result<CpalMicrophone, AudioError> {
        let (chunks_in, chunks) = mpsc::sync_channel::<Vec<f32>>(64);
        let (ready_in, ready) = mpsc::sync_channel::<Result<u32, AudioError>>(1);
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("microphone".into())
            .spawn(move || capture(chunks_in, ready_in, thread_stop))
            .map_err(|e| AudioError::Device(e.to_string()))?;
        let rate = match ready.recv() {
            Ok(Ok(rate)) => rate,
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => return Err(AudioError::Device("the microphone thread ended".into())),
        };
        Ok(CpalMicrophone {
            chunks,
            pending: Vec::new(),
            step: f64::from(rate) / f64::from(SAMPLE_RATE),
            position: 0.0,
            stop,
            thread: Some(thread),
        })
    }
}

impl Microphone for CpalMicrophone {
    fn next_frame(&mut self) -> Result<Vec<i16>, AudioError> {
        let mut frame = Vec::with_capacity(FRAME_SAMPLES);
        while frame.len() < FRAME_SAMPLES {
            // Linear interpolation between the two input samples around each output sample.
            let at = self.position as usize;
            if at + 1 < self.pending.len() {
                let frac = (self.position - at as f64) as f32;
                let s = self.pending[at] * (1.0 - frac) + self.pending[at + 1] * frac;
                frame.push(f32_to_i16(s));
                self.position += self.step;
                continue;
            }
            let used = at.min(self.pending.len());
            self.pending.drain(..used);
            self.position -= used as f64;
            match self.chunks.recv_timeout(Duration::from_secs(1)) {
                Ok(chunk) => self.pending.extend(chunk),
                // A second without a sample: the device stopped (unplugged, failed).
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return Err(AudioError::Device("the microphone sends nothing".into()));
                }
            }
        }
        Ok(frame)
    }
}

impl Drop for CpalMicrophone {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn f32_to_i16(s: f32) -> i16 {
    (s.clamp(-1.0, 1.0) * 32767.0) as i16
}

/// The microphone thread: opens the stream, reports its rate, keeps it until `stop`.
fn capture(
    chunks: SyncSender<Vec<f32>>,
    ready: SyncSender<Result<u32, AudioError>>,
    stop: Arc<AtomicBool>,
) {
    let stream = match open_stream(chunks) {
        Ok((stream, rate)) => {
            let _ = ready.send(Ok(rate));
            stream
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(stream);
}

fn open_stream(chunks: SyncSender<Vec<f32>>) -> Result<(cpal::Stream, u32), AudioError> {
    let device = cpal::default_host()
        .default_input_device()
        .ok_or(AudioError::NoMicrophone)?;
    let supported = device
        .default_input_config()
        .map_err(|e| AudioError::Device(e.to_string()))?;
    let config = supported.config();
    let stream = match supported.sample_format() {
        SampleFormat::F32 => build::<f32>(&device, &config, chunks),
        SampleFormat::I16 => build::<i16>(&device, &config, chunks),
        SampleFormat::I32 => build::<i32>(&device, &config, chunks),
        SampleFormat::U16 => build::<u16>(&device, &config, chunks),
        other => Err(AudioError::Device(format!(
            "the microphone's sample format {other} is not supported"
        ))),
    }?;
    stream
        .play()
        .map_err(|e| AudioError::Device(e.to_string()))?;
    Ok((stream, config.sample_rate))
}

fn build<T>(
    device: &cpal::Device,
    config: &StreamConfig,
    chunks: SyncSender<Vec<f32>>,
) -> Result<cpal::Stream, AudioError>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let channels = usize::from(config.channels).max(1);
    let reported = AtomicBool::new(false);
    device
        .build_input_stream::<T, _, _>(
            *config,
            move |data: &[T], _| {
                // Mono: the channels' average.
                let mono = data
                    .chunks(channels)
                    .map(|frame| {
                        frame.iter().map(|&s| f32::from_sample_(s)).sum::<f32>()
                            / frame.len() as f32
                    })
                    .collect();
                // A full queue (the call's side is late) drops this chunk.
                let _ = chunks.try_send(mono);
            },
            move |e| {
                if !reported.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "microphone error");
                }
            },
            None,
        )
        .map_err(|e| AudioError::Device(e.to_string()))
}
