//! The kiosk's media path against a doctor's side on loopback (str0m offering like a browser):
//! the resident's camera reaches the doctor as decodable H.264 showing the pattern, the doctor's
//! video reaches the kiosk, the resident's and the doctor's voices both arrive with sound in them,
//! and the camera and the microphone are off whenever the call's media ends.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use station_call::audio::{AudioError, CountingSpeaker, Microphone, TestTone};
use station_call::pattern::TestPattern;
use station_call::testbed::TestPeer;
use station_call::{CallDevices, MediaCall, MediaError, MediaEvent, MediaSettings, VideoCodec};
use station_camera::{CameraError, Frame, FrameSource};
use station_protocol::CallQuality;

fn loopback() -> MediaSettings {
    MediaSettings {
        addresses: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        ..MediaSettings::default()
    }
}

/// The test pattern, telling when it is dropped (the camera is off) and how many frames it gave.
struct WatchedCamera {
    pattern: TestPattern,
    off: Arc<AtomicBool>,
    served: Arc<AtomicU64>,
}

impl FrameSource for WatchedCamera {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        self.served.fetch_add(1, Ordering::Relaxed);
        self.pattern.next_frame()
    }
}

impl Drop for WatchedCamera {
    fn drop(&mut self) {
        self.off.store(true, Ordering::Relaxed);
    }
}

fn camera() -> (Box<dyn FrameSource>, Arc<AtomicBool>, Arc<AtomicU64>) {
    let off = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicU64::new(0));
    let cam = WatchedCamera {
        pattern: TestPattern::new(640, 480),
        off: Arc::clone(&off),
        served: Arc::clone(&served),
    };
    (Box::new(cam), off, served)
}

/// The test tone, telling when it is dropped (the microphone is off) and how much it gave.
struct WatchedMicrophone {
    tone: TestTone,
    off: Arc<AtomicBool>,
    served: Arc<AtomicU64>,
}

impl Microphone for WatchedMicrophone {
    fn next_frame(&mut self) -> Result<Vec<i16>, AudioError> {
        self.served.fetch_add(1, Ordering::Relaxed);
        self.tone.next_frame()
    }
}

impl Drop for WatchedMicrophone {
    fn drop(&mut self) {
        self.off.store(true, Ordering::Relaxed);
    }
}

/// A camera, a microphone and a speaker for one call, with the flags telling each device is off.
struct Devices {
    camera_off: Arc<AtomicBool>,
    camera_served: Arc<AtomicU64>,
    microphone_off: Arc<AtomicBool>,
    microphone_served: Arc<AtomicU64>,
    speaker: CountingSpeaker,
}

fn devices() -> (CallDevices, Devices) {
    let (cam, camera_off, camera_served) = camera();
    let microphone_off = Arc::new(AtomicBool::new(false));
    let microphone_served = Arc::new(AtomicU64::new(0));
    let microphone = WatchedMicrophone {
        tone: TestTone::new(),
        off: Arc::clone(&microphone_off),
        served: Arc::clone(&microphone_served),
    };
    let speaker = CountingSpeaker::default();
    (
        CallDevices {
            camera: Some(cam),
            microphone: Some(Box::new(microphone)),
            speaker: Some(Box::new(speaker.clone())),
        },
        Devices {
            camera_off,
            camera_served,
            microphone_off,
            microphone_served,
            speaker,
        },
    )
}

fn wait_until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

#[test]
fn the_doctor_decodes_the_residents_camera_and_voice_and_the_kiosk_gets_the_doctors() {
    let (peer, offer) = TestPeer::offer();
    let (call_devices, watch) = devices();
    let off = Arc::clone(&watch.camera_off);
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let (call, answer) = MediaCall::answer(&offer, &loopback(), call_devices, move |e| {
        if let Ok(mut list) = seen.lock() {
            list.push(e);
        }
    })
    .expect("the offer is answered");
    assert_eq!(answer["type"], "answer");
    let doctor = peer.connect(&answer);

    assert!(
        doctor.wait_for(Duration::from_secs(15), |c| c
            .frames_with_bars
            .load(Ordering::Relaxed)
            >= 10),
        "the doctor decodes the pattern: {:?}",
        doctor.counts
    );
    assert!(wait_until(Duration::from_secs(10), || call
        .stats()
        .frames_received
        >= 5));
    let stats = call.stats();
    assert!(stats.connected && stats.frames_sent >= 10, "{stats:?}");
    // Sound both ways: the doctor hears the resident's tone, the kiosk's speaker the doctor's.
    assert!(
        doctor.wait_for(Duration::from_secs(10), |c| c
            .audio_frames_heard
            .load(Ordering::Relaxed)
            >= 25),
        "the doctor hears the resident: {:?}",
        doctor.counts
    );
    assert!(
        wait_until(Duration::from_secs(10), || watch
            .speaker
            .counts()
            .loud_frames
            .load(Ordering::Relaxed)
            >= 25),
        "the kiosk plays the doctor's voice: {:?}",
        call.stats()
    );
    let stats = call.stats();
    assert!(
        stats.audio_frames_sent >= 25 && stats.audio_frames_heard >= 25,
        "{stats:?}"
    );
    assert!(!watch.microphone_off.load(Ordering::Relaxed));
    // The doctor's picture arrives smoothly: the call screen's indicator is told so.
    assert!(
        wait_until(Duration::from_secs(10), || events
            .lock()
            .is_ok_and(|l| l.contains(&MediaEvent::Quality(CallQuality::Good)))),
        "the quality is reported good"
    );
    {
        let list = events.lock().expect("events");
        // The self-view starts with the camera, before the doctor's side connects; of the rest,
        // "connected" comes first.
        assert_eq!(
            list.iter().find(|e| !matches!(e, MediaEvent::SelfView(_))),
            Some(&MediaEvent::Connected)
        );
        let remote: Vec<_> = list
            .iter()
            .filter_map(|e| match e {
                MediaEvent::RemoteVideo(v) => Some(v),
                _ => None,
            })
            .collect();
        assert!(remote.iter().all(|v| v.codec == VideoCodec::H264));
        assert!(
            remote[0].keyframe,
            "the first frame handed on is a key frame"
        );
        assert!(remote
            .windows(2)
            .all(|w| w[0].timestamp_us <= w[1].timestamp_us));
        // The resident's own small picture, a few times a second: the camera's bars, shrunk.
        let own: Vec<_> = list
            .iter()
            .filter_map(|e| match e {
                MediaEvent::SelfView(v) => Some(v),
                _ => None,
            })
            .collect();
        assert!(own.len() >= 3, "{} self-view pictures", own.len());
        assert!(own.iter().all(|v| v.width <= 160 && v.height <= 120));
        let last = own[own.len() - 1];
        assert!(station_call::pattern::shows_bars(
            &last.luma,
            usize::from(last.width),
            usize::from(last.height),
            2
        ));
    }
    assert!(
        !off.load(Ordering::Relaxed),
        "the camera is on during the call"
    );

    call.stop();
    assert!(
        off.load(Ordering::Relaxed),
        "the camera is off once the call stops"
    );
    assert!(
        watch.microphone_off.load(Ordering::Relaxed),
        "the microphone is off once the call stops"
    );
    // Nothing more reaches the doctor (the console tells their page the call ended).
    std::thread::sleep(Duration::from_millis(300));
    let decoded = doctor.counts.frames_decoded.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(
        doctor.counts.frames_decoded.load(Ordering::Relaxed),
        decoded
    );
}

#[test]
fn camera_and_microphone_are_off_when_the_doctor_leaves_and_when_the_call_thread_dies() {
    // The doctor hangs up: the kiosk's media ends by itself, camera and microphone off, told.
    let (peer, offer) = TestPeer::offer();
    let (call_devices, watch) = devices();
    let off = Arc::clone(&watch.camera_off);
    let gone = Arc::new(AtomicBool::new(false));
    let g = Arc::clone(&gone);
    let (call, answer) = MediaCall::answer(&offer, &loopback(), call_devices, move |e| {
        if e == MediaEvent::Disconnected {
            g.store(true, Ordering::Relaxed);
        }
    })
    .expect("answered");
    let doctor = peer.connect(&answer);
    assert!(doctor.wait_for(Duration::from_secs(15), |c| c
        .frames_decoded
        .load(Ordering::Relaxed)
        > 0));
    doctor.stop();
    assert!(
        wait_until(Duration::from_secs(20), || off.load(Ordering::Relaxed)
            && watch.microphone_off.load(Ordering::Relaxed)
            && !call.is_running()),
        "the camera and microphone are off after the doctor leaves"
    );
    assert!(
        gone.load(Ordering::Relaxed),
        "the kiosk is told the doctor's side went away"
    );

    // The call's thread crashes (here: the kiosk's own handler panics on connect).
    let (peer, offer) = TestPeer::offer();
    let (call_devices, watch) = devices();
    let (off, served) = (watch.camera_off, watch.camera_served);
    let (call, answer) = MediaCall::answer(&offer, &loopback(), call_devices, |e| {
        if e == MediaEvent::Connected {
            panic!("a crash in the call thread");
        }
    })
    .expect("answered");
    let _doctor = peer.connect(&answer);
    assert!(
        wait_until(Duration::from_secs(20), || off.load(Ordering::Relaxed)
            && watch.microphone_off.load(Ordering::Relaxed)),
        "the camera and microphone are off after the call thread dies"
    );
    assert!(!call.is_running());
    let after = served.load(Ordering::Relaxed);
    let heard = watch.microphone_served.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        served.load(Ordering::Relaxed),
        after,
        "no frame is taken after"
    );
    assert_eq!(
        watch.microphone_served.load(Ordering::Relaxed),
        heard,
        "no sound is taken after"
    );
}

#[test]
fn garbage_offers_and_candidates_are_refused_with_a_reason_and_no_camera() {
    for offer in [
        json!({"type": "answer", "sdp": "v=0"}),
        json!({"type": "offer"}),
        json!({"type": "offer", "sdp": "not sdp at all"}),
        json!("offer"),
    ] {
        let (call_devices, watch) = devices();
        let result = MediaCall::answer(&offer, &loopback(), call_devices, |_| {});
        assert!(matches!(result, Err(MediaError::BadOffer(_))), "{offer}");
        assert!(
            watch.camera_off.load(Ordering::Relaxed)
                && watch.microphone_off.load(Ordering::Relaxed),
            "neither camera nor microphone is started for {offer}"
        );
    }

    let (_peer, offer) = TestPeer::offer();
    let (call, _) =
        MediaCall::answer(&offer, &loopback(), CallDevices::default(), |_| {}).expect("answered");
    assert!(matches!(
        call.add_remote_candidate(&json!({"candidate": "candidate:garbage"})),
        Err(MediaError::BadCandidate(_))
    ));
    assert!(call
        .add_remote_candidate(&json!({"candidate": "", "sdpMid": "0"}))
        .is_ok());
    assert!(call
        .add_remote_candidate(&json!({
            "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 9 typ host",
            "sdpMid": "0", "sdpMLineIndex": 0
        }))
        .is_ok());
    assert!(call.is_running());
}
