//! A whole call in a room that echoes: what the kiosk's speaker plays reaches its microphone
//! 60 ms later at 0.4 of its level (a loudspeaker beside the microphone). The doctor (the
//! testbed's peer, talking with a voice-like sound) must not hear their own voice back, while
//! the microphone itself plainly hears it.

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use station_call::audio::{
    loudness, AudioError, FramePace, Microphone, Speaker, FRAME_SAMPLES, HEARD_LOUDNESS,
    SAMPLE_RATE,
};
use station_call::testbed::TestPeer;
use station_call::{CallDevices, MediaCall, MediaSettings};

/// The air between the speaker and the microphone.
type Air = Arc<Mutex<VecDeque<i16>>>;

struct RoomSpeaker(Air);

impl Speaker for RoomSpeaker {
    fn play(&mut self, samples: &[i16]) {
        if let Ok(mut air) = self.0.lock() {
            air.extend(samples.iter().map(|&s| (f32::from(s) * 0.4) as i16));
        }
    }
}

/// Hears what is in the air, one 20 ms frame every 20 ms, counting the frames with sound in them.
struct RoomMicrophone {
    air: Air,
    pace: FramePace,
    loud_frames: Arc<AtomicU64>,
}

impl Microphone for RoomMicrophone {
    fn next_frame(&mut self) -> Result<Vec<i16>, AudioError> {
        self.pace.wait();
        let mut air = self.air.lock().map_err(|_| AudioError::NoMicrophone)?;
        let frame: Vec<i16> = (0..FRAME_SAMPLES)
            .map(|_| air.pop_front().unwrap_or(0))
            .collect();
        if loudness(&frame) > HEARD_LOUDNESS {
            self.loud_frames.fetch_add(1, Ordering::Relaxed);
        }
        Ok(frame)
    }
}

#[test]
fn the_doctor_does_not_hear_their_voice_come_back_from_the_kiosks_room() {
    // 60 ms of air before the first sound arrives.
    let delay = SAMPLE_RATE as usize * 60 / 1000;
    let air: Air = Arc::new(Mutex::new(std::iter::repeat_n(0, delay).collect()));
    let echoes = Arc::new(AtomicU64::new(0));
    let devices = CallDevices {
        camera: None,
        microphone: Some(Box::new(RoomMicrophone {
            air: Arc::clone(&air),
            pace: FramePace::default(),
            loud_frames: Arc::clone(&echoes),
        })),
        speaker: Some(Box::new(RoomSpeaker(Arc::clone(&air)))),
    };
    let settings = MediaSettings {
        addresses: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        ..MediaSettings::default()
    };
    let (peer, offer) = TestPeer::offer_speaking();
    let (call, answer) =
        MediaCall::answer(&offer, &settings, devices, |_| {}).expect("the offer is answered");
    let doctor = peer.connect(&answer);
    assert!(
        doctor.wait_for(Duration::from_secs(10), |c| c
            .connected
            .load(Ordering::Relaxed)),
        "the call connects"
    );
    // Three seconds for the canceller to learn the room, then four counted.
    std::thread::sleep(Duration::from_secs(3));
    let (echoes_before, heard_before, decoded_before) = (
        echoes.load(Ordering::Relaxed),
        doctor.counts.audio_frames_heard.load(Ordering::Relaxed),
        doctor.counts.audio_frames_decoded.load(Ordering::Relaxed),
    );
    std::thread::sleep(Duration::from_secs(4));
    let echoed = echoes.load(Ordering::Relaxed) - echoes_before;
    let heard = doctor.counts.audio_frames_heard.load(Ordering::Relaxed) - heard_before;
    let decoded = doctor.counts.audio_frames_decoded.load(Ordering::Relaxed) - decoded_before;
    let stats = call.stats();
    call.stop();
    doctor.stop();
    // The room did echo (most of 200 frames), the kiosk sent its sound all along, and the
    // doctor heard almost none of it.
    assert!(
        echoed >= 120,
        "the microphone heard {echoed} frames of echo"
    );
    assert!(decoded >= 150, "the doctor decoded {decoded} frames");
    assert!(
        heard * 20 <= echoed,
        "the doctor heard {heard} of {echoed} echoed frames ({stats:?})"
    );
    assert!(
        stats.echo_removed_db.is_some_and(|db| db >= 10),
        "the canceller's own figure: {stats:?}"
    );
}
