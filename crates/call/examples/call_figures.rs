//! The call's media figures on this machine (run by `scripts/bench`), one `name: value unit` a
//! line: the kiosk's H.264 encode of a 640x480 camera frame, and the two ways of putting the
//! doctor's video on the screen — hand the encoded frame to the webview (WebCodecs decodes it),
//! or decode here and send pixels: what decoding costs here, and the bytes each way moves
//! through the window's IPC per frame; the resident's self-view (shrinking a camera frame, and
//! its packet's size); the call's sound (Opus encode and decode of 20 ms, and a packet's size).

use std::time::Instant;

use openh264::decoder::Decoder;
use openh264::encoder::{Encoder, EncoderConfig};
use openh264::formats::YUVSource;
use openh264::OpenH264API;
use station_call::pattern::TestPattern;
use station_call::self_view::SelfView;
use station_camera::FrameSource;

const FRAMES: u32 = 150;

fn main() {
    let mut camera = TestPattern::new(640, 480);
    let mut encoder =
        match Encoder::with_api_config(OpenH264API::from_source(), EncoderConfig::new()) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("no encoder: {e}");
                return;
            }
        };
    let mut decoder = match Decoder::new() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("no decoder: {e}");
            return;
        }
    };
    let (mut encode_s, mut decode_s, mut bytes, mut pixels) = (0.0, 0.0, 0usize, 0usize);
    let mut seed: u64 = 1;
    for _ in 0..FRAMES {
        let Ok(frame) = camera.next_frame() else {
            return;
        };
        // A camera's picture is never clean: sensor noise (±8 levels) over the pattern, so the
        // encoder works about as hard as on a real room.
        let mut yuv: Vec<u8> = frame
            .luma()
            .iter()
            .map(|&l| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                l.saturating_add(((seed >> 60) as u8) & 0x0f)
                    .saturating_sub(8)
            })
            .collect();
        yuv.resize(640 * 480 * 3 / 2, 128);
        let picture = openh264::formats::YUVBuffer::from_vec(yuv, 640, 480);
        let t = Instant::now();
        let Ok(encoded) = encoder.encode(&picture).map(|s| s.to_vec()) else {
            return;
        };
        encode_s += t.elapsed().as_secs_f64();
        bytes += encoded.len();
        let t = Instant::now();
        if let Ok(Some(decoded)) = decoder.decode(&encoded) {
            let (w, h) = decoded.dimensions();
            let mut rgba = vec![0u8; w * h * 4];
            decoded.write_rgba8(&mut rgba);
            pixels = rgba.len();
        }
        decode_s += t.elapsed().as_secs_f64();
    }
    let n = f64::from(FRAMES);
    println!("call_h264_encode_640x480: {:.2} ms", encode_s / n * 1000.0);
    println!(
        "call_h264_decode_to_rgba_640x480_in_rust: {:.2} ms",
        decode_s / n * 1000.0
    );
    println!(
        "call_encoded_frame_to_webview: {:.1} KiB",
        bytes as f64 / n / 1024.0
    );
    println!(
        "call_rgba_frame_to_webview: {:.1} KiB",
        pixels as f64 / 1024.0
    );
    // The self-view: each fifth-of-a-second picture shrunk here and sent as raw grey pixels.
    let frame = TestPattern::new(640, 480).frame(0);
    let t = Instant::now();
    let mut packet = Vec::new();
    for _ in 0..FRAMES {
        packet = SelfView::of(&frame).to_packet();
    }
    println!(
        "call_self_view_thumbnail_from_640x480: {:.2} ms",
        t.elapsed().as_secs_f64() / n * 1000.0
    );
    println!(
        "call_self_view_packet: {:.1} KiB",
        packet.len() as f64 / 1024.0
    );
    voice_figures();
    echo_figures();
}

/// The resident's voice: one 20 ms frame encoded as the call does (48 kHz mono, VoIP, 32 kbit/s),
/// then decoded as the doctor's voice is.
fn voice_figures() {
    use station_call::audio::{TestTone, SAMPLE_RATE};
    const FRAMES_20MS: u32 = 500;
    let (Ok(mut encoder), Ok(mut decoder)) = (
        opus::Encoder::new(SAMPLE_RATE, opus::Channels::Mono, opus::Application::Voip),
        opus::Decoder::new(SAMPLE_RATE, opus::Channels::Mono),
    ) else {
        eprintln!("no opus codec");
        return;
    };
    let _ = encoder.set_bitrate(opus::Bitrate::Bits(32_000));
    let mut tone = TestTone::new();
    let mut out = vec![0i16; 5760];
    let (mut encode_s, mut decode_s, mut bytes) = (0.0, 0.0, 0usize);
    for _ in 0..FRAMES_20MS {
        let frame = tone.frame();
        let t = Instant::now();
        let Ok(packet) = encoder.encode_vec(&frame, 1500) else {
            return;
        };
        encode_s += t.elapsed().as_secs_f64();
        bytes += packet.len();
        let t = Instant::now();
        let _ = decoder.decode(&packet, &mut out, false);
        decode_s += t.elapsed().as_secs_f64();
    }
    let n = f64::from(FRAMES_20MS);
    println!("call_opus_encode_20ms: {:.3} ms", encode_s / n * 1000.0);
    println!("call_opus_decode_20ms: {:.3} ms", decode_s / n * 1000.0);
    println!("call_opus_packet: {:.0} bytes", bytes as f64 / n);
}

/// The echo canceller in a room that echoes the doctor's voice (60 ms, 0.4 of its level): what
/// cleaning a 20 ms microphone frame costs, and how much of the echo it takes out once it has
/// learnt the room (its first two seconds not counted).
fn echo_figures() {
    use station_call::audio::{SpeechLike, FRAME_SAMPLES, SAMPLE_RATE};
    use station_call::echo::EchoCanceller;
    const SECONDS: usize = 8;
    let canceller = EchoCanceller::new();
    let mut doctor = SpeechLike::new(7);
    let delay = SAMPLE_RATE as usize * 60 / 1000;
    let mut played: Vec<i16> = vec![0; delay];
    let (mut clean_s, mut echo_energy, mut left_energy) = (0.0, 0.0f64, 0.0f64);
    let frames = SECONDS * SAMPLE_RATE as usize / FRAME_SAMPLES;
    for n in 0..frames {
        let voice = doctor.frame();
        canceller.played(&voice);
        played.extend(&voice);
        let echo: Vec<i16> = played[n * FRAME_SAMPLES..(n + 1) * FRAME_SAMPLES]
            .iter()
            .map(|&s| (f32::from(s) * 0.4) as i16)
            .collect();
        let mut heard = echo.clone();
        let t = Instant::now();
        canceller.clean(&mut heard);
        clean_s += t.elapsed().as_secs_f64();
        if n * FRAME_SAMPLES >= 2 * SAMPLE_RATE as usize {
            echo_energy += echo.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>();
            left_energy += heard.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>();
        }
    }
    println!(
        "call_echo_cancel_20ms: {:.3} ms",
        clean_s / frames as f64 * 1000.0
    );
    println!(
        "call_echo_removed: {:.1} dB",
        10.0 * (echo_energy / left_energy.max(1.0)).log10()
    );
}
