//! The call's picture and sound: while the resident talks with a doctor the camera's frames and
//! the microphone's sound reach the doctor (a doctor's side in Rust,
//! `station_call::testbed::TestPeer`, offering through the real console like the doctor's page)
//! and the doctor's frames reach the screen, their voice the speaker; camera and microphone are
//! off the moment the talking ends, whichever way it ends.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use station_call::pattern::TestPattern;
use station_call::testbed::TestPeer;
use station_camera::{CameraError, Frame, FrameSource, NotConfiguredVerifier};
use station_clinic::testbed::{TestConsole, TestDoctor as Doctor};
use station_protocol::{Action, CallQuality, Screen};

use super::clinic::clinic_config;
use super::{rig_cabinet, Rig};

/// The test pattern as the station's camera, counting the cameras open now.
struct Camera {
    pattern: TestPattern,
    open: Arc<AtomicI64>,
}

impl FrameSource for Camera {
    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        self.pattern.next_frame()
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A camera showing the test pattern; `open` counts the cameras open now.
pub(super) fn counting_camera(open: &Arc<AtomicI64>) -> crate::CameraOpener {
    let counter = Arc::clone(open);
    Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(Box::new(Camera {
            pattern: TestPattern::new(320, 240),
            open: Arc::clone(&counter),
        }) as Box<dyn FrameSource>)
    })
}

fn station(clinic: &TestConsole, dir: &tempfile::TempDir, open: &Arc<AtomicI64>) -> Rig {
    let key = dir.path().join("clinic.key");
    std::fs::write(&key, format!("{}\n", clinic.keys[0])).expect("key file");
    let config = clinic_config(&format!("ws://{}", clinic.addr), &key);
    rig_cabinet(
        &config,
        Vec::new(),
        chrono::NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        None,
        Some(counting_camera(open)),
        Arc::new(NotConfiguredVerifier),
        None,
    )
}

pub(super) fn eventually(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let until = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < until, "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The doctor accepts and offers video through the console; the kiosk answers; the doctor's
/// side connects. Gives the call's id and the running doctor's side.
fn talk(r: &Rig, doctor: &mut Doctor) -> (Value, station_call::testbed::RunningPeer) {
    r.call_doctor();
    let call = doctor.accept()["call"].clone();
    r.wait("the call", |v| {
        matches!(v.screen, Screen::ClinicCall { .. })
    });
    let (peer, offer) = TestPeer::offer();
    doctor.send(json!({"type": "signal", "call": call, "payload": {"sdp": offer}}));
    let answer = doctor.wait("the kiosk's answer", |v| {
        v["type"] == "signal" && v["payload"]["sdp"]["type"] == "answer"
    });
    (call, peer.connect(&answer["payload"]["sdp"]))
}

/// A station in a visit, a doctor signed in, nothing in line yet.
fn ready() -> (TestConsole, tempfile::TempDir, Arc<AtomicI64>, Rig, Doctor) {
    let clinic = TestConsole::start();
    let dir = tempfile::tempdir().expect("dir");
    let open = Arc::new(AtomicI64::new(0));
    let r = station(&clinic, &dir, &open);
    r.clinic_online();
    r.identify();
    let doctor = Doctor::sign_in(&clinic, "li");
    (clinic, dir, open, r, doctor)
}

#[test]
fn doctor_and_resident_see_and_hear_each_other_until_the_resident_hangs_up() {
    let (_clinic, _dir, open, r, mut doctor) = ready();
    let (_call, seen) = talk(&r, &mut doctor);
    assert!(
        seen.wait_for(Duration::from_secs(20), |c| c
            .frames_with_bars
            .load(Ordering::Relaxed)
            >= 5),
        "the doctor decodes the resident's camera: {:?}",
        seen.counts
    );
    eventually(
        "the doctor's video on the screen",
        Duration::from_secs(10),
        || r.doctor_frames.load(Ordering::Relaxed) >= 5,
    );
    eventually(
        "the resident's own small picture on the screen",
        Duration::from_secs(10),
        || r.self_view_pictures.load(Ordering::Relaxed) >= 3,
    );
    assert_eq!(open.load(Ordering::SeqCst), 1, "one camera, on");
    // They hear each other.
    assert!(
        seen.wait_for(Duration::from_secs(10), |c| c
            .audio_frames_heard
            .load(Ordering::Relaxed)
            >= 25),
        "the doctor hears the resident: {:?}",
        seen.counts
    );
    eventually(
        "the doctor's voice on the kiosk's speaker",
        Duration::from_secs(10),
        || r.speaker.counts().loud_frames.load(Ordering::Relaxed) >= 25,
    );
    assert_eq!(
        r.microphones.load(Ordering::SeqCst),
        1,
        "one microphone, on"
    );
    let stats = r.kiosk.call_media_stats().expect("media while talking");
    assert!(stats.connected && stats.frames_sent > 0, "{stats:?}");
    // The call screen's indicator: the doctor's picture arrives smoothly (carried into the
    // view by the station clock).
    eventually(
        "the picture reported clear",
        Duration::from_secs(10),
        || {
            r.kiosk.tick();
            matches!(&r.kiosk.view().screen,
            Screen::ClinicCall { call } if call.quality == CallQuality::Good)
        },
    );

    // The resident hangs up: the camera is off at once, the media gone.
    r.kiosk.act(Action::HangUp);
    assert_eq!(open.load(Ordering::SeqCst), 0, "camera off after hang-up");
    assert_eq!(
        r.microphones.load(Ordering::SeqCst),
        0,
        "microphone off after hang-up"
    );
    assert!(r.kiosk.call_media_stats().is_none());
    // ...and no more of the resident's picture reaches the screen.
    let shown = r.self_view_pictures.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(r.self_view_pictures.load(Ordering::Relaxed), shown);
}

#[test]
fn camera_and_microphone_are_off_after_a_logout_mid_call() {
    let (_clinic, _dir, open, r, mut doctor) = ready();
    let (_call, seen) = talk(&r, &mut doctor);
    assert!(seen.wait_for(Duration::from_secs(20), |c| c
        .frames_decoded
        .load(Ordering::Relaxed)
        > 0));
    assert_eq!(open.load(Ordering::SeqCst), 1);
    assert_eq!(r.microphones.load(Ordering::SeqCst), 1);
    r.kiosk.act(Action::Logout);
    assert_eq!(open.load(Ordering::SeqCst), 0, "camera off after logout");
    assert_eq!(
        r.microphones.load(Ordering::SeqCst),
        0,
        "microphone off after logout"
    );
    assert!(r.kiosk.call_media_stats().is_none());
}

#[test]
fn camera_and_microphone_are_off_after_the_doctor_hangs_up() {
    let (_clinic, _dir, open, r, mut doctor) = ready();
    let (call, seen) = talk(&r, &mut doctor);
    assert!(seen.wait_for(Duration::from_secs(20), |c| c
        .frames_decoded
        .load(Ordering::Relaxed)
        > 0));
    doctor.send(json!({"type": "hangup", "call": call}));
    // The console's message comes in on the link's thread: wait for it to be handled.
    eventually(
        "camera off after the doctor hangs up",
        Duration::from_secs(5),
        || open.load(Ordering::SeqCst) == 0 && r.microphones.load(Ordering::SeqCst) == 0,
    );
    assert!(!matches!(r.kiosk.view().screen, Screen::ClinicCall { .. }));
}

#[test]
fn an_offer_outside_a_call_or_garbage_is_not_answered_and_opens_no_camera() {
    let (_clinic, _dir, open, r, mut doctor) = ready();
    r.call_doctor();
    // Waiting is not talking: no camera.
    assert_eq!(open.load(Ordering::SeqCst), 0);
    let call = doctor.accept()["call"].clone();
    r.wait("the call", |v| {
        matches!(v.screen, Screen::ClinicCall { .. })
    });
    // Garbage from the doctor's side: refused, the call goes on, no camera.
    for payload in [
        json!({"sdp": {"type": "offer", "sdp": "garbage"}}),
        json!({"sdp": "offer"}),
        json!({"candidate": {"candidate": "candidate:nonsense"}}),
        json!({"something": "else"}),
    ] {
        doctor.send(json!({"type": "signal", "call": call, "payload": payload}));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(open.load(Ordering::SeqCst), 0);
    // Not even briefly: a garbage offer is refused before any device is opened for it.
    assert_eq!(r.microphone_opens.load(Ordering::SeqCst), 0);
    assert!(r.kiosk.call_media_stats().is_none());
    assert!(matches!(r.kiosk.view().screen, Screen::ClinicCall { .. }));
    // The same call still answers a real offer afterwards.
    let (peer, offer) = TestPeer::offer();
    doctor.send(json!({"type": "signal", "call": call, "payload": {"sdp": offer}}));
    let answer = doctor.wait("the kiosk's answer", |v| {
        v["type"] == "signal" && v["payload"]["sdp"]["type"] == "answer"
    });
    let seen = peer.connect(&answer["payload"]["sdp"]);
    assert!(seen.wait_for(Duration::from_secs(20), |c| c
        .frames_decoded
        .load(Ordering::Relaxed)
        > 0));
    assert_eq!(open.load(Ordering::SeqCst), 1);
}
