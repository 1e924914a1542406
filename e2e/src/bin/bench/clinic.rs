//! The cloud clinic's figures, in the real window against the console on loopback.
//!
//! Signalling: "呼叫医生" pressed → the waiting room showing the place in line (the call went to
//! the console and its answer came back), and a doctor's accept → the call screen naming them.
//! Media, with the doctor's real page in headless Chromium (fake 640x480 camera): accept → the
//! doctor's first frame drawn on the kiosk, frames drawn per second, the kiosk's CPU and extra
//! memory during the call. And the doctor's offer → the kiosk's answer through the console.
//! Relay: the kiosk's answer to an offer direct and through a TURN relay (coturn on loopback:
//! the allocation's two round trips), the media path alone.

use std::time::{Duration, Instant};

use station_clinic::testbed::TestConsole;
use station_e2e::display::Display;
use station_e2e::doctor_page::DoctorPage;
use station_e2e::station::{Station, StationOptions};
use station_e2e::wait_for;
use station_i18n::Catalog;

use super::{figure, median, process_tree, tree_memory};

pub fn figures(display: &Display, t: &Catalog) -> Result<(), String> {
    signalling_figures(display, t)?;
    media_figures(display, t)?;
    relay_figures()
}

/// The doctor's offer → the kiosk's answer (no devices), direct and relay-only, median of 7.
fn relay_figures() -> Result<(), String> {
    use station_call::testbed::TestPeer;
    use station_call::{CallDevices, MediaCall, MediaSettings, TurnServer};
    use station_e2e::turn::{PrivateTurn, PASSWORD, USER};

    let turn = PrivateTurn::start()?;
    let relayed = MediaSettings {
        relays: vec![TurnServer::parse(
            &format!("turn:127.0.0.1:{}", turn.port),
            Some(USER),
            Some(PASSWORD),
        )
        .map_err(|e| e.to_string())?],
        relay_only: true,
        ..MediaSettings::default()
    };
    let loopback = MediaSettings {
        addresses: vec![std::net::Ipv4Addr::LOCALHOST.into()],
        ..MediaSettings::default()
    };
    // The same, asking the relay's STUN side for the address it is seen from first.
    let with_stun = MediaSettings {
        stun: vec![
            station_call::StunServer::parse(&format!("stun:127.0.0.1:{}", turn.port))
                .map_err(|e| e.to_string())?,
        ],
        ..loopback.clone()
    };
    for (name, settings) in [
        ("call_answer_direct", &loopback),
        ("call_answer_with_stun", &with_stun),
        ("call_answer_relayed", &relayed),
    ] {
        let mut took = Vec::new();
        for _ in 0..7 {
            let (_peer, offer) = TestPeer::offer();
            let devices = CallDevices {
                camera: None,
                microphone: None,
                speaker: None,
            };
            let t0 = Instant::now();
            let (call, _answer) =
                MediaCall::answer(&offer, settings, devices, |_| {}).map_err(|e| e.to_string())?;
            took.push(t0.elapsed().as_secs_f64() * 1000.0);
            call.stop();
        }
        figure(name, median(took), "ms");
    }
    Ok(())
}

/// A demo station whose `[clinic]` names a console on loopback, with the camera `camera`; the
/// key's folder lives as long as the station runs.
fn clinic_station(
    display: &Display,
    camera: &str,
) -> Result<(TestConsole, tempfile::TempDir, Station), String> {
    let clinic = TestConsole::start();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let key = dir.path().join("clinic.key");
    std::fs::write(&key, &clinic.keys[0]).map_err(|e| e.to_string())?;
    let st = Station::launch(
        display,
        StationOptions {
            demo: true,
            card_reader: "simulated",
            camera: camera.into(),
            clinic: Some((format!("ws://{}", clinic.addr), key)),
            ..Default::default()
        },
    )?;
    Ok((clinic, dir, st))
}

/// Presses "呼叫医生" until the waiting room shows `place`. The station's link to the console
/// comes up at start; a resident never calls that early, the bench could: until it is up,
/// "呼叫医生" says the doctors cannot be reached.
fn call_once_linked(st: &Station, t: &Catalog, place: &str) -> Result<(), String> {
    wait_for(Duration::from_secs(20), || {
        st.wait_screen("home", &t.text("service-call-doctor"))?;
        st.press(&t.text("service-call-doctor"))?;
        if st.wait_text_for(place, Duration::from_secs(2)).is_ok() {
            return Ok(Some(()));
        }
        st.press(&t.text("dismiss"))?;
        Ok(None)
    })
}

fn signalling_figures(display: &Display, t: &Catalog) -> Result<(), String> {
    let (clinic, _key, st) = clinic_station(display, "none")?;
    st.press(&t.text("demo-insert-card"))?;
    let place = t.text_with("clinic-position", &[("position", "1".into())]);
    let answered = t.text_with("clinic-call-doctor", &[("doctor", "李医生".into())]); // i18n-exempt: the test bed's doctor
    let mut doctor = station_clinic::testbed::TestDoctor::sign_in(&clinic, "li");
    call_once_linked(&st, t, &place)?;
    // The doctor sees that warm-up call come and go, so only the measured calls remain.
    doctor.wait("the warm-up call", |v| {
        v["type"] == "queue" && v["calls"][0]["call"].is_string()
    });
    st.press(&t.text("clinic-leave"))?;
    doctor.wait("the warm-up call gone", |v| {
        v["type"] == "queue" && v["calls"].as_array().is_some_and(Vec::is_empty)
    });
    let (mut taps, mut accepts, mut answers) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        st.wait_screen("home", &t.text("service-call-doctor"))?;
        let t0 = Instant::now();
        st.press(&t.text("service-call-doctor"))?;
        st.wait_text(&place)?;
        taps.push(t0.elapsed().as_secs_f64() * 1000.0);
        let queue = doctor.wait("the call in the queue", |v| {
            v["type"] == "queue" && v["calls"][0]["call"].is_string()
        });
        let t1 = Instant::now();
        doctor.send(serde_json::json!({"type": "accept", "call": queue["calls"][0]["call"]}));
        st.wait_text(&answered)?;
        accepts.push(t1.elapsed().as_secs_f64() * 1000.0);
        // The doctor's offer → the kiosk's answer, through the console (str0m answering).
        let (peer, offer) = station_call::testbed::TestPeer::offer();
        let t2 = Instant::now();
        doctor.send(serde_json::json!({
            "type": "signal", "call": queue["calls"][0]["call"], "payload": {"sdp": offer}
        }));
        doctor.wait("the kiosk's answer", |v| {
            v["type"] == "signal" && v["payload"]["sdp"]["type"] == "answer"
        });
        answers.push(t2.elapsed().as_secs_f64() * 1000.0);
        drop(peer);
        st.press(&t.text("clinic-hang-up"))?;
    }
    figure("clinic_tap_to_waiting_room", median(taps), "ms");
    figure("clinic_accept_to_call_screen", median(accepts), "ms");
    figure("clinic_offer_to_answer_round_trip", median(answers), "ms");
    Ok(())
}

/// CPU seconds (user + system) used so far by a process and its descendants.
fn tree_cpu_seconds(root: u32) -> f64 {
    let ticks_per_second = 100.0; // Linux USER_HZ
    let total: f64 = process_tree(root)
        .iter()
        .map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let fields: Vec<f64> = stat
                .rsplit(')')
                .next()
                .map(|rest| {
                    rest.split_whitespace()
                        .map(|f| f.parse::<f64>().unwrap_or(0.0))
                        .collect()
                })
                .unwrap_or_default();
            // After the command: state is field 0, utime 11, stime 12.
            fields.get(11).copied().unwrap_or(0.0) + fields.get(12).copied().unwrap_or(0.0)
        })
        .sum();
    total / ticks_per_second
}

fn frames_drawn(st: &Station) -> Result<u64, String> {
    let v = st.session.execute(
        "return window.stationDoctorVideo ? window.stationDoctorVideo.framesDrawn : 0;",
        vec![],
    )?;
    Ok(v.as_u64().unwrap_or(0))
}

/// A call with the doctor's real page: both cameras on, 640x480 from the doctor.
fn media_figures(display: &Display, t: &Catalog) -> Result<(), String> {
    let (clinic, _key, st) = clinic_station(display, "simulated")?;
    let pid = st.app_pid().ok_or("no app process")?;
    let page = DoctorPage::open(clinic.addr)?;
    page.sign_in("li", station_clinic::testbed::PASSWORD)?;
    page.wait_text(&t.text("clinic-queue-empty"))?;
    st.press(&t.text("demo-insert-card"))?;
    let place = t.text_with("clinic-position", &[("position", "1".into())]);
    call_once_linked(&st, t, &place)?;
    std::thread::sleep(Duration::from_secs(2));
    let (before_rss, _, _) = tree_memory(pid);

    page.press(&t.text("clinic-accept"))?;
    let accepted = Instant::now();
    wait_for(Duration::from_secs(30), || {
        Ok((frames_drawn(&st)? > 0).then_some(()))
    })?;
    figure(
        "clinic_accept_to_first_doctor_frame_drawn",
        accepted.elapsed().as_secs_f64() * 1000.0,
        "ms",
    );
    wait_for(Duration::from_secs(30), || {
        Ok((page.frames_decoded()? > 0).then_some(()))
    })?;
    figure(
        "clinic_accept_to_first_kiosk_frame_decoded_by_doctor",
        accepted.elapsed().as_secs_f64() * 1000.0,
        "ms",
    );

    // Settled, then 10 s of the call.
    std::thread::sleep(Duration::from_secs(3));
    let (drawn0, cpu0, t0) = (frames_drawn(&st)?, tree_cpu_seconds(pid), Instant::now());
    let decoded0 = page.frames_decoded()?;
    std::thread::sleep(Duration::from_secs(10));
    let seconds = t0.elapsed().as_secs_f64();
    let (drawn1, cpu1) = (frames_drawn(&st)?, tree_cpu_seconds(pid));
    let decoded1 = page.frames_decoded()?;
    let (during_rss, _, _) = tree_memory(pid);
    figure(
        "clinic_call_frames_drawn_per_second",
        (drawn1 - drawn0) as f64 / seconds,
        "fps",
    );
    figure(
        "clinic_call_kiosk_frames_decoded_by_doctor_per_second",
        decoded1.saturating_sub(decoded0) as f64 / seconds,
        "fps",
    );
    figure(
        "clinic_call_kiosk_cpu_all_processes",
        (cpu1 - cpu0) / seconds * 100.0,
        "%",
    );
    figure(
        "clinic_call_kiosk_extra_rss_all_processes",
        during_rss - before_rss,
        "MiB",
    );
    page.press(&t.text("clinic-hang-up"))?;
    Ok(())
}
