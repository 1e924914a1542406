//! "呼叫医生" in the real window (issue 13), against the real doctor console on loopback
//! (`station_clinic::testbed`) with a doctor reduced to their page's socket: the waiting room
//! with the place in line, the call, the prescription shown and its pickup slip printed through
//! the CUPS test bed, hang-up from each side, and logging out of the waiting room leaving the
//! queue; the doctor's real page in Chromium, with picture and sound both ways, directly and
//! through a TURN relay (coturn).

use std::time::Duration;

use serde_json::json;
use station_clinic::testbed::{TestConsole, TestDoctor};
use station_e2e::bed::{
    bed, insert_resident, launch, measure_bp, pdf_text, socket, zh, MASKED_NAME,
};
use station_e2e::station::StationOptions;
use station_e2e::wait_for;
use station_printer::testbed::PrivateCups;
use station_protocol::MeasureKind;

const DRUG: &str = "苯磺酸氨氯地平片"; // i18n-exempt: test data

#[test]
fn a_resident_calls_a_doctor_who_prescribes_and_the_slip_prints_through_cups() {
    let bed = bed();
    let t = zh();
    let clinic = TestConsole::start();
    let cups = PrivateCups::start().expect("private cupsd with a raw queue");
    let (_keys, station_clinic) = clinic_settings(&clinic);
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            device_scripts: vec![(MeasureKind::BloodPressure, "128/82/72,135/85/70".into())],
            printer: cups.queue_uri(),
            clinic: Some(station_clinic),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    measure_bp(&st, &t);
    st.press(&t.text("back-home")).unwrap();

    // The waiting room says the place in line.
    st.press(&t.text("service-call-doctor")).unwrap();
    let first = t.text_with("clinic-position", &[("position", "1".into())]);
    st.wait_screen("clinic_waiting", &first).unwrap();

    // A doctor accepts: the call screen names them; the doctor got the masked resident and
    // this visit's blood pressure.
    let mut doctor = TestDoctor::sign_in(&clinic, "li");
    let accepted = doctor.accept();
    let resident = accepted["resident"].as_str().unwrap_or_default();
    assert!(resident.starts_with(MASKED_NAME), "{resident}");
    assert!(!resident.contains("张小华"), "{resident}"); // i18n-exempt: test data
    assert_eq!(accepted["vitals"][0]["value"], "128");
    let call = accepted["call"].clone();
    let answered = t.text_with("clinic-call-doctor", &[("doctor", "李医生".into())]); // i18n-exempt: test data
    st.wait_screen("clinic_call", &answered).unwrap();

    // The doctor asks for the blood pressure again: measured with the call on, sent at once,
    // and the banner leads back to the call.
    st.press(&t.text("clinic-measure")).unwrap();
    for step in ["measure-blood-pressure", "measure-next", "measure-start"] {
        st.press(&t.text(step)).unwrap();
    }
    st.wait_screen("measure_result", &t.text("result-saved"))
        .unwrap();
    st.wait_text(&t.text("clinic-return")).unwrap();
    let sent = doctor.wait("the new reading", |v| v["type"] == "vitals");
    assert_eq!(sent["vitals"][0]["value"], "135");
    st.press(&t.text("clinic-return")).unwrap();
    st.wait_screen("clinic_call", &answered).unwrap();

    // The prescription, then the doctor hangs up: shown on screen, printed as a pickup slip.
    doctor.send(json!({"type": "prescription", "call": call, "items": [
        {"drug": DRUG, "dose": "5mg", "quantity": "7片", "usage": "每日一次，早饭后"} // i18n-exempt: test data
    ]}));
    st.wait_text(&t.text("clinic-call-prescribed")).unwrap();
    doctor.send(json!({"type": "hangup", "call": call}));
    st.wait_screen("prescription", DRUG).unwrap();
    // The demonstration's medicine cabinet took the order: the pickup code is on screen, and
    // the slip sends the resident to the cabinet.
    st.wait_screen("prescription", &t.text("prescription-take-to-cabinet"))
        .unwrap();
    st.press(&t.text("print-prescription")).unwrap();
    st.wait_notice(&t.text("notice-printed")).unwrap();
    let pdf = cups
        .listener()
        .wait_for_job(1, Duration::from_secs(20))
        .expect("the printer got the slip");
    let paper = pdf_text(&pdf);
    let squashed: String = paper.split_whitespace().collect();
    let cabinet: String = t.text("slip-take-to-cabinet").split_whitespace().collect();
    for want in [
        t.text("slip-title"),
        DRUG.to_string(),
        MASKED_NAME.to_string(),
        cabinet,
    ] {
        assert!(squashed.contains(&want), "{want} not on the slip: {paper}");
    }
    assert!(!paper.contains("张小华"), "{paper}"); // i18n-exempt: test data

    // The resident hangs up a second call: the doctor is told.
    st.press(&t.text("back-home")).unwrap();
    st.press(&t.text("service-call-doctor")).unwrap();
    st.wait_screen("clinic_waiting", &first).unwrap();
    let second = doctor.accept();
    st.wait_screen("clinic_call", &answered).unwrap();
    st.press(&t.text("clinic-hang-up")).unwrap();
    let ended = doctor.wait("the resident's hang-up", |v| v["type"] == "ended");
    assert_eq!(ended["call"], second["call"]);
    assert_eq!(ended["reason"], "resident_hung_up");
    st.wait_screen("home", &t.text("service-call-doctor"))
        .unwrap();

    // Logging out of the waiting room takes the resident out of the queue.
    st.press(&t.text("service-call-doctor")).unwrap();
    st.wait_screen("clinic_waiting", &first).unwrap();
    doctor.wait("the call waiting", |v| {
        v["type"] == "queue" && v["calls"].as_array().is_some_and(|c| c.len() == 1)
    });
    st.press(&t.text("logout")).unwrap();
    doctor.wait("the queue empty", |v| {
        v["type"] == "queue" && v["calls"].as_array().is_some_and(Vec::is_empty)
    });
    card.pull();
}

/// The doctor's side through their real page: headless Chromium with a fake camera and
/// microphone signs in, sees the resident waiting with this visit's readings, accepts, reads
/// the vitals, prescribes through the form and hangs up; the kiosk window follows each step.
/// Media: the page offers WebRTC, the kiosk answers natively (station-call); the browser decodes
/// the kiosk's camera (its `getStats`), and the kiosk draws the doctor's fake camera on the call
/// screen's canvas (WebCodecs; a pixel check shows a picture, not black).
#[test]
fn the_doctors_page_in_chromium_answers_the_kiosk_and_prescribes() {
    use station_e2e::doctor_page::DoctorPage;

    let bed = bed();
    let t = zh();
    let clinic = TestConsole::start();
    let (_keys, station_clinic) = clinic_settings(&clinic);
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            device_scripts: vec![(MeasureKind::BloodPressure, "128/82/72".into())],
            clinic: Some(station_clinic),
            // The demo camera (a sample picture): what the doctor sees of the resident.
            camera: "simulated".into(),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    measure_bp(&st, &t);
    st.press(&t.text("back-home")).unwrap();

    let page = DoctorPage::open(clinic.addr).expect("the doctor's page in Chromium");
    page.sign_in("li", station_clinic::testbed::PASSWORD)
        .unwrap();
    page.wait_text(&t.text("clinic-queue-empty")).unwrap();

    st.press(&t.text("service-call-doctor")).unwrap();
    let first = t.text_with("clinic-position", &[("position", "1".into())]);
    st.wait_screen("clinic_waiting", &first).unwrap();
    // The doctor sees the masked resident and the visit's readings in the station's words.
    let desk = page.wait_text(MASKED_NAME).unwrap();
    assert!(desk.contains(&t.text("bp-systolic")), "{desk}");
    assert!(desk.contains("128"), "{desk}");
    assert!(!desk.contains("张小华"), "{desk}"); // i18n-exempt: test data
    page.press(&t.text("clinic-accept")).unwrap();
    let answered = t.text_with("clinic-call-doctor", &[("doctor", "李医生".into())]); // i18n-exempt: test data
    st.wait_screen("clinic_call", &answered).unwrap();
    page.wait_text(&t.text("clinic-in-call")).unwrap();
    // The doctor's own camera and microphone are on during the call (Chromium's fake devices).
    wait_for(Duration::from_secs(20), || {
        Ok(page.local_media_live()?.then_some(()))
    })
    .unwrap();
    // Both ways: the doctor's browser decodes the kiosk's camera...
    wait_for(Duration::from_secs(30), || {
        Ok((page.frames_decoded()? >= 10).then_some(()))
    })
    .expect("the doctor's browser decodes the resident's video");
    // ...and the kiosk draws the doctor's camera on the call screen, a picture and not black,
    // and says the picture is clear.
    assert_doctor_drawn(&st);
    st.wait_screen("clinic_call", &t.text("clinic-quality-good"))
        .unwrap();
    st.save_screenshot("clinic-call-with-video");
    // Sound both ways: the doctor's browser decodes the kiosk's microphone (the demo's tone)
    // as sound, not silence; the kiosk's count comes with the call's end below.
    wait_for(Duration::from_secs(20), || {
        let (bytes, energy) = page.sound_heard()?;
        Ok((bytes > 4_000 && energy > 0.01).then_some(()))
    })
    .expect("the doctor's browser hears the resident");

    page.write_drug(DRUG, "5mg", "7片", "每日一次，早饭后")
        .unwrap(); // i18n-exempt: test data
    page.press(&t.text("clinic-send-prescription")).unwrap();
    st.wait_text(&t.text("clinic-call-prescribed")).unwrap();
    page.press(&t.text("clinic-hang-up")).unwrap();
    st.wait_screen("prescription", DRUG).unwrap();
    // Hung up: the doctor's camera and microphone are off again.
    wait_for(Duration::from_secs(10), || {
        Ok((!page.local_media_live()?).then_some(()))
    })
    .unwrap();
    page.wait_text(&t.text("clinic-ended-doctor-hung-up"))
        .unwrap();
    // The doctor's voice (Chromium's fake microphone) reached the kiosk: the media's own
    // count, logged when the call's media ended.
    let log = st.app_log();
    let received = call_media_counts(&log, "audio_bytes_received");
    assert!(
        received.iter().any(|&bytes| bytes > 4_000),
        "the kiosk received the doctor's sound: {received:?}\n{}",
        log.lines()
            .filter(|l| l.contains("media"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    card.pull();
}

/// The values of `field` in the log's "call media ended" lines (one per call's media).
fn call_media_counts(log: &str, field: &str) -> Vec<u64> {
    let key = format!("{field}=");
    log.lines()
        .filter(|line| line.contains("call media ended"))
        .filter_map(|line| {
            let at = line.find(&key)? + key.len();
            let digits: String = line[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

/// The same call with both ends behind strict networks: the console hands out only a TURN relay
/// (coturn on loopback) and relay-only candidates, to the doctor's browser and to the kiosk
/// (as it connects), so every packet between them goes through the relay, each end through its
/// own allocation. Both sides still see and hear each other.
#[test]
fn a_call_through_a_turn_relay_carries_picture_and_sound_both_ways() {
    use station_e2e::doctor_page::DoctorPage;
    use station_e2e::turn::PrivateTurn;

    let bed = bed();
    let t = zh();
    let turn = PrivateTurn::start().expect("coturn on loopback");
    let clinic = TestConsole::start_with(&turn.console_config());
    let (_keys, station_clinic) = clinic_settings(&clinic);
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            clinic: Some(station_clinic),
            camera: "simulated".into(),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    st.wait_screen("home", &t.text("service-call-doctor"))
        .unwrap();
    let page = DoctorPage::open(clinic.addr).expect("the doctor's page in Chromium");
    page.sign_in("li", station_clinic::testbed::PASSWORD)
        .unwrap();
    st.press(&t.text("service-call-doctor")).unwrap();
    page.wait_text(MASKED_NAME).unwrap();
    page.press(&t.text("clinic-accept")).unwrap();
    let answered = t.text_with("clinic-call-doctor", &[("doctor", "李医生".into())]); // i18n-exempt: test data
    st.wait_screen("clinic_call", &answered).unwrap();

    wait_for(Duration::from_secs(30), || {
        Ok((page.frames_decoded()? >= 10).then_some(()))
    })
    .unwrap_or_else(|e| {
        panic!(
            "the doctor's browser decodes the resident's video: {e}\n{}",
            turn.log()
        )
    });
    assert_doctor_drawn(&st);
    wait_for(Duration::from_secs(20), || {
        let (bytes, energy) = page.sound_heard()?;
        Ok((bytes > 4_000 && energy > 0.01).then_some(()))
    })
    .expect("the doctor's browser hears the resident through the relay");
    // The pair the media flows over starts at the doctor's relay address, and the relay saw
    // the allocation and the permission to reach the kiosk.
    // (Chromium may report the pair between two states for a moment: asked until it is chosen.)
    let (local, remote) =
        wait_for(Duration::from_secs(10), || page.media_path()).expect("a media path chosen");
    assert_eq!(local, "relay", "the doctor's end ({local}, {remote})");
    assert_eq!(remote, "relay", "the kiosk's end ({local}, {remote})");
    let log = turn.log();
    for what in ["ALLOCATE", "CREATE_PERMISSION"] {
        assert!(log.contains(what), "the relay never handled {what}:\n{log}");
    }
    page.press(&t.text("clinic-hang-up")).unwrap();
    page.wait_text(&t.text("clinic-ended-doctor-hung-up"))
        .unwrap();
    card.pull();
}

/// The kiosk draws the doctor's camera on the call screen's canvas: ten frames or more, and a
/// picture, not black; the resident's own small picture is painted in its corner.
fn assert_doctor_drawn(st: &station_e2e::station::Station) {
    let drawn = wait_for(Duration::from_secs(30), || {
        let v = st.session.execute(
            "const c = window.stationDoctorVideo;\
             const own = window.stationSelfView;\
             const canvas = document.getElementById('doctor-video');\
             if (!c || !own || !canvas || c.framesDrawn < 10 || own.picturesDrawn < 3) return null;\
             const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;\
             let lit = 0;\
             for (let i = 0; i < px.length; i += 4) if (px[i] + px[i + 1] + px[i + 2] > 96) lit++;\
             return { drawn: c.framesDrawn, own: own.picturesDrawn, width: canvas.width, lit: lit / (px.length / 4) };",
            vec![],
        )?;
        Ok((!v.is_null()).then_some(v))
    })
    .expect("the doctor's video on the kiosk's canvas");
    eprintln!("the doctor's video on the kiosk: {drawn}");
    assert!(drawn["lit"].as_f64().unwrap_or(0.0) > 0.2, "{drawn}");
    assert!(drawn["width"].as_u64().unwrap_or(0) >= 160, "{drawn}");
}

/// The station's `[clinic]`: the console's address and a key file holding the key the console
/// issued to "s1" (the directory lives as long as the returned guard).
fn clinic_settings(clinic: &TestConsole) -> (tempfile::TempDir, (String, std::path::PathBuf)) {
    let keys = tempfile::tempdir().expect("dir");
    let key = keys.path().join("clinic.key");
    std::fs::write(&key, &clinic.keys[0]).expect("key file");
    (keys, (format!("ws://{}", clinic.addr), key))
}
