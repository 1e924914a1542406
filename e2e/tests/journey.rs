//! The resident's journey in the real kiosk window: Xvfb + tauri-driver + WebKitWebDriver
//! drive the app binary; cards are virtual cards on a private pcscd (vsmartcard-vpcd). Every
//! check reads what the resident sees, in the words of locales/.
//!
//! The tests share one display and one pcscd, so they take turns (a global lock).

use std::time::Duration;

use station_card::virtual_card::{CardBehaviour, CardImage, VpcdCard};
use station_e2e::bed::{
    bed, en, insert_resident, launch, measure_bp, pull_and_settle, socket, zh, Bed, MASKED_NAME,
};
use station_e2e::station::{Station, StationOptions};
use station_i18n::Catalog;
use station_protocol::MeasureKind;

#[test]
fn a_resident_measures_blood_pressure_and_leaves() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            device_scripts: vec![(MeasureKind::BloodPressure, "128/82/72".into())],
            ..Default::default()
        },
    );
    // Welcome: station name, the spoken card prompt in big type; only the ways this station has
    // hardware for (no camera here: no health code, no face).
    let page = st
        .wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    assert!(page.contains("五马街道禅街社区智慧健康站"), "{page}");
    assert!(!page.contains(&t.text("identify-face")), "{page}");
    assert!(!page.contains(&t.text("identify-health-qr")), "{page}");
    st.save_screenshot("welcome");

    // Insert the virtual card: greeted by masked name, never the ID number.
    let full_id = station_card::virtual_card::sample_id_number();
    let card = insert_resident(&bed);
    let page = st
        .wait_screen(
            "home",
            &t.text_with("home-greeting", &[("name", MASKED_NAME.into())]),
        )
        .unwrap();
    assert!(!page.contains(&full_id), "full ID number on screen");
    assert!(!page.contains("张小华"), "full name on screen");
    assert!(page.contains(&t.text("tile-coming-soon")), "{page}");
    st.save_screenshot("home");

    // Tiles not built yet are disabled, not fake.
    let records = st
        .session
        .find_button(&t.text("service-records"))
        .unwrap()
        .expect("tile");
    assert!(!st.session.is_enabled(&records).unwrap());

    // Blood pressure: choose it, guided steps, then the result with its category.
    st.press(&t.text("service-self-test")).unwrap();
    st.press(&t.text("measure-blood-pressure")).unwrap();
    st.wait_screen("measure", &t.text("step-sit-title"))
        .unwrap();
    st.press(&t.text("measure-next")).unwrap();
    st.wait_screen("measure", &t.text("step-cuff-title"))
        .unwrap();
    st.press(&t.text("measure-start")).unwrap();
    let page = st
        .wait_screen("measure_result", &t.text("result-saved"))
        .unwrap();
    // Each number next to its own label: systolic and diastolic swapped would fail here.
    for (label, value) in [
        ("bp-systolic", "128"),
        ("bp-diastolic", "82"),
        ("value-pulse", "72"),
    ] {
        assert_eq!(st.reading_value(&t.text(label)).unwrap(), value, "{label}");
    }
    assert!(page.contains(&t.text("bp-category-high-normal")), "{page}");
    assert!(page.contains(&t.text("bp-advice-high-normal")), "{page}");
    st.save_screenshot("bp-result");

    // The reading is in the store (a real SQLite file) by the time it is shown.
    let store = station_store::Store::open(&st.data_dir).expect("store");
    assert_eq!(store.reading_count().expect("count"), 1);
    drop(store);

    // Exit: goodbye, then the welcome screen with no trace of the resident.
    st.press(&t.text("logout")).unwrap();
    let page = st.wait_screen("goodbye", &t.text("goodbye-title")).unwrap();
    assert!(!page.contains(MASKED_NAME), "{page}");
    let page = st
        .wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    assert!(!page.contains(MASKED_NAME), "{page}");
    card.pull();
}

#[test]
fn pulling_the_card_ends_the_visit_and_resets_the_residents_settings() {
    let bed = bed();
    let (t, e) = (zh(), en());
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();

    // The resident switches to English and extra-large text.
    st.press(&t.text("locale-en-US")).unwrap();
    st.wait_screen("welcome", &e.text("welcome-insert-card"))
        .unwrap();
    st.press(&e.text("text-size-extra-large")).unwrap();
    let body_px = st
        .session
        .execute(
            "return parseFloat(getComputedStyle(document.querySelector('.lead')).fontSize);",
            vec![],
        )
        .unwrap();
    assert!(
        body_px.as_f64().unwrap_or(0.0) >= 32.0 * 1.2 - 0.5,
        "extra-large lead text: {body_px}"
    );

    let card = insert_resident(&bed);
    st.wait_screen(
        "home",
        &e.text_with("home-greeting", &[("name", MASKED_NAME.into())]),
    )
    .unwrap();
    card.pull();
    st.wait_screen("goodbye", &e.text("goodbye-title")).unwrap();

    // The next resident gets the station defaults again: Chinese, large text.
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let size = st
        .session
        .execute(
            "return document.querySelector('.station').className;",
            vec![],
        )
        .unwrap();
    assert!(
        size.as_str().unwrap_or_default().contains("text-large"),
        "{size}"
    );
}

#[test]
fn an_idle_visit_warns_with_a_countdown_then_logs_out() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            idle: (10, 6),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    st.wait_screen("home", &t.text("home-title")).unwrap();

    // The warning comes with a countdown and a way to stay.
    st.wait_text_for(&t.text("idle-warning-title"), Duration::from_secs(20))
        .unwrap();
    let page = st.session.page_text().unwrap();
    assert!(page.contains("秒后将自动退出"), "{page}");
    st.press(&t.text("keep-using")).unwrap();
    st.wait_gone(&t.text("idle-warning-title")).unwrap();
    assert!(st
        .session
        .page_text()
        .unwrap()
        .contains(&t.text("home-title")));

    // Left alone again: logged out, goodbye spoken and shown.
    st.wait_text_for(&t.text("idle-warning-title"), Duration::from_secs(20))
        .unwrap();
    st.wait_text_for(&t.text("goodbye-title"), Duration::from_secs(20))
        .unwrap();
    let page = st
        .wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    assert!(!page.contains(MASKED_NAME));
    card.pull();
}

#[test]
fn unreadable_and_half_read_cards_get_a_clear_message() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();

    let card = VpcdCard::insert(bed.pcscd.vpcd_addr(), CardBehaviour::Foreign).unwrap();
    st.wait_notice(&t.text("notice-card-unreadable")).unwrap();
    pull_and_settle(card);
    st.press(&t.text("dismiss")).unwrap();
    st.wait_gone(&t.text("notice-card-unreadable")).unwrap();

    let card = VpcdCard::insert(bed.pcscd.vpcd_addr(), CardBehaviour::Garbage).unwrap();
    st.wait_notice(&t.text("notice-card-unreadable")).unwrap();
    pull_and_settle(card);
    st.press(&t.text("dismiss")).unwrap();
    st.wait_gone(&t.text("notice-card-unreadable")).unwrap();

    // Pulled in the middle of the read: no half-identified visit.
    let card = VpcdCard::insert(
        bed.pcscd.vpcd_addr(),
        CardBehaviour::PullAfter(CardImage::sample_resident(), 2),
    )
    .unwrap();
    st.wait_notice(&t.text("notice-card-pulled-early")).unwrap();
    let page = st.session.page_text().unwrap();
    assert!(!page.contains(MASKED_NAME), "{page}");
    assert!(!page.contains(&t.text("home-title")), "{page}");
    drop(card);
    let store = station_store::Store::open(&st.data_dir).expect("store");
    assert_eq!(store.resident_count().expect("count"), 0);
}

#[test]
fn without_the_card_service_the_kiosk_says_so_and_keeps_running() {
    let bed = bed();
    let t = zh();
    let dir = tempfile::tempdir().unwrap();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: Some(dir.path().join("no-pcscd.sock")),
            ..Default::default()
        },
    );
    // Said on the welcome screen itself, under the card prompt.
    let page = st
        .wait_screen("welcome", &t.text("notice-reader-unavailable"))
        .unwrap();
    assert!(page.contains(&t.text("welcome-insert-card")), "{page}");
    // Still alive and answering the resident.
    st.press(&t.text("locale-en-US")).unwrap();
    st.wait_screen("welcome", &en().text("notice-reader-unavailable"))
        .unwrap();
}

#[test]
fn a_reading_shown_survives_the_app_being_killed() {
    let bed = bed();
    let t = zh();
    let data = tempfile::tempdir().unwrap();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            device_scripts: vec![(MeasureKind::BloodPressure, "165/95/80".into())],
            data_dir: Some(data.path().to_path_buf()),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    let page = measure_bp(&st, &t);
    assert!(page.contains(&t.text("bp-category-grade2")), "{page}");

    let pid = st.app_pid().expect("app process");
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    drop(st);
    card.pull();

    let store_dir = data.path().join("demo");
    let store = station_store::Store::open(&store_dir).expect("store reopens after kill -9");
    let n = store.reading_count().expect("count");
    assert_eq!(n, 1, "the reading shown must be in the database");
    assert_eq!(
        store
            .visit_end_reason(station_store::VisitId(1))
            .expect("visit"),
        None
    );
    drop(store);

    // The next start closes the visit the crash left open, by itself.
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            data_dir: Some(data.path().to_path_buf()),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let store = station_store::Store::open(&store_dir).expect("store");
    assert_eq!(
        store
            .visit_end_reason(station_store::VisitId(1))
            .expect("visit")
            .as_deref(),
        Some("interrupted")
    );
    assert_eq!(store.reading_count().expect("count"), 1);
}

#[test]
fn demo_mode_walks_the_journey_with_the_simulated_card() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            card_reader: "simulated",
            ..Default::default()
        },
    );
    st.wait_text(&t.text("demo-title")).unwrap();
    st.press(&t.text("demo-insert-bad-card")).unwrap();
    st.wait_notice(&t.text("notice-card-unreadable")).unwrap();
    st.press(&t.text("demo-remove-card")).unwrap();
    st.press(&t.text("demo-insert-card")).unwrap();
    st.wait_screen(
        "home",
        &t.text_with("home-greeting", &[("name", MASKED_NAME.into())]),
    )
    .unwrap();
    st.press(&t.text("demo-remove-card")).unwrap();
    st.wait_screen("goodbye", &t.text("goodbye-title")).unwrap();
    // A demonstration keeps its data apart from a station's residents.
    assert!(st.data_dir.ends_with("demo"), "{}", st.data_dir.display());
    let store = station_store::Store::open(&st.data_dir).expect("store");
    assert_eq!(store.resident_count().expect("count"), 1);
    let station_files = st.data_dir.parent().expect("data dir");
    assert!(!station_files.join(station_store::DB_FILE).exists());
}

#[test]
fn simulated_hardware_runs_only_when_a_demonstration_is_asked_for() {
    let _bed = bed();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for (line, key) in [
        (
            "[hardware]\ncard_reader = \"simulated\"\n",
            "hardware.card_reader",
        ),
        (
            "[devices]\ninstruments = \"simulated\"\n",
            "devices.instruments",
        ),
        ("[printer]\nqueue = \"simulated\"\n", "printer.queue"),
    ] {
        let cfg = dir.path().join("station.toml");
        std::fs::write(
            &cfg,
            format!(
                "[station]\ntown = \"五马街道\"\ncommunity = \"禅街社区\"\n\
                 [storage]\ndata_dir = \"{}\"\n{line}",
                data.display()
            ),
        )
        .unwrap();
        let out = std::process::Command::new(station_e2e::station::app_binary())
            .args(["--config", &cfg.display().to_string()])
            .env_remove("DISPLAY")
            .output()
            .expect("run the app");
        assert_eq!(out.status.code(), Some(78), "{line}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key) && err.contains("demo"), "{err}");
    }
    // Nothing was stored anywhere.
    assert!(!data.exists());
}

/// Puts the shared pcscd back with its readers, whatever the test did.
struct ReadersBack<'a>(&'a mut Bed);

impl Drop for ReadersBack<'_> {
    fn drop(&mut self) {
        let _ = self.0.pcscd.restart_with_readers(true);
    }
}

#[test]
fn a_station_without_its_card_reader_says_so_and_recovers_when_it_is_plugged_in() {
    let mut bed = bed();
    let t = zh();
    let bed = ReadersBack(&mut bed);
    bed.0
        .pcscd
        .restart_with_readers(false)
        .expect("pcscd without readers");
    let st = launch(
        bed.0,
        StationOptions {
            pcsc_socket: socket(bed.0),
            ..Default::default()
        },
    );
    // Not a demo: a plain fault for staff, and no sample cards to press.
    let page = st
        .wait_screen("welcome", &t.text("notice-reader-missing"))
        .unwrap();
    assert!(!page.contains(&t.text("demo-title")), "{page}");
    assert!(!st
        .session
        .page_text()
        .unwrap()
        .contains(&t.text("demo-title")));
    // The reader is plugged in: the message goes by itself and a card is read.
    bed.0
        .pcscd
        .restart_with_readers(true)
        .expect("readers back");
    st.wait_gone(&t.text("notice-reader-missing")).unwrap();
    let card = insert_resident(bed.0);
    st.wait_screen(
        "home",
        &t.text_with("home-greeting", &[("name", MASKED_NAME.into())]),
    )
    .unwrap();
    card.pull();
    let store = station_store::Store::open(&st.data_dir).expect("store");
    let audit = store.audit_events(50).expect("audit");
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"card_reader_fault"), "{actions:?}");
    assert!(actions.contains(&"card_reader_back"), "{actions:?}");
}

#[test]
fn outside_opening_hours_the_station_says_it_is_closed() {
    let bed = bed();
    let t = zh();
    // Hours that exclude the present moment, whatever time the test runs.
    let hour = std::process::Command::new("date")
        .arg("+%H")
        .output()
        .unwrap();
    let hour: u32 = String::from_utf8_lossy(&hour.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    let hours = if hour < 12 {
        ("13:00", "14:00")
    } else {
        ("01:00", "02:00")
    };
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            hours: (hours.0.into(), hours.1.into()),
            ..Default::default()
        },
    );
    let page = st.wait_screen("closed", &t.text("closed-title")).unwrap();
    assert!(
        page.contains(&t.text_with(
            "closed-hours",
            &[("opens", hours.0.into()), ("closes", hours.1.into())]
        )),
        "{page}"
    );
    assert!(!page.contains(&t.text("welcome-insert-card")), "{page}");
}

#[test]
fn the_kiosk_meets_the_elderly_friendly_rules() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            card_reader: "simulated",
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let check = r#"
        const out = { small: [], targets: [] };
        for (const el of document.querySelectorAll('.station p, .station h1, .station h2, .station button, .station dt, .station dd')) {
            if (el.closest('.demo')) continue;
            const px = parseFloat(getComputedStyle(el).fontSize);
            if (px < 24) out.small.push(el.textContent.trim() + ':' + px);
        }
        for (const b of document.querySelectorAll('.station button')) {
            const r = b.getBoundingClientRect();
            if (r.height < 60 || r.width < 60) out.targets.push(b.textContent.trim() + ':' + r.width + 'x' + r.height);
        }
        out.width = window.innerWidth; out.height = window.innerHeight;
        return out;"#;
    for screen in ["welcome", "home", "result"] {
        if screen == "home" {
            st.press(&t.text("demo-insert-card")).unwrap();
            st.wait_screen("home", &t.text("home-title")).unwrap();
        }
        if screen == "result" {
            // The busiest screen: values, assessment, advice and the trend chart.
            measure_bp(&st, &t);
        }
        let r = st.session.execute(check, vec![]).unwrap();
        assert_eq!(
            r["small"],
            serde_json::json!([]),
            "text under 24 px on {screen}: {r}"
        );
        assert_eq!(
            r["targets"],
            serde_json::json!([]),
            "targets under 60 px on {screen}: {r}"
        );
        assert!(
            r["width"].as_f64().unwrap_or(0.0) >= 1900.0,
            "window is not full-screen: {r}"
        );
    }
    // axe-core's contrast rule at the enhanced (7:1) level, on the result screen, in both contrast modes.
    let axe = std::fs::read_to_string(
        station_e2e::workspace_root().join(".tools/node_modules/axe-core/axe.min.js"),
    )
    .expect("axe-core (scripts/setup installs it)");
    st.session.execute(&axe, vec![]).unwrap();
    let run_axe = || {
        st.session
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: ['color-contrast-enhanced', 'button-name', 'html-has-lang'] })
                    .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .unwrap()
    };
    let r = run_axe();
    assert_eq!(
        r,
        serde_json::json!([]),
        "accessibility violations (high-light): {r}"
    );
    // Contrast is chosen on the home screen; the result screen is then checked again in it.
    st.press(&t.text("back-home")).unwrap();
    st.press(&t.text("contrast-high-dark")).unwrap();
    station_e2e::wait_for(Duration::from_secs(10), || {
        let class = st.session.execute(
            "return document.querySelector('.station').className;",
            vec![],
        )?;
        Ok(class
            .as_str()
            .unwrap_or_default()
            .contains("contrast-high-dark")
            .then_some(()))
    })
    .unwrap();
    let r = run_axe();
    assert_eq!(
        r,
        serde_json::json!([]),
        "accessibility violations (high-dark, home): {r}"
    );
    measure_bp(&st, &t);
    let r = run_axe();
    assert_eq!(
        r,
        serde_json::json!([]),
        "accessibility violations (high-dark, result): {r}"
    );
}

#[test]
fn a_broken_config_stops_the_app_with_a_message_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("station.toml");
    std::fs::write(&cfg, "[station]\ntown = \"五马街道\"\ncommunity = \"禅街社区\"\n[hours]\nopens = \"8 o'clock\"\ncloses = \"19:00\"\n").unwrap();
    let out = std::process::Command::new(station_e2e::station::app_binary())
        .args(["--config", &cfg.display().to_string()])
        .env_remove("DISPLAY")
        .output()
        .expect("run the app");
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("hours.opens"), "{err}");

    let missing = dir.path().join("absent.toml");
    let out = std::process::Command::new(station_e2e::station::app_binary())
        .args(["--config", &missing.display().to_string()])
        .env_remove("DISPLAY")
        .output()
        .expect("run the app");
    assert_eq!(out.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.toml"));
}

#[test]
fn losing_the_card_service_mid_visit_ends_it_safely_and_the_kiosk_recovers() {
    let mut bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    st.wait_screen("home", &t.text("home-title")).unwrap();

    // The card service dies (reader unplugged, pcscd crash): no resident stays identified.
    bed.pcscd.kill();
    st.wait_notice(&t.text("notice-reader-unavailable"))
        .unwrap();
    let page = st.session.page_text().unwrap();
    assert!(!page.contains(MASKED_NAME), "{page}");
    drop(card);

    // It comes back: the message goes and a card is read again.
    bed.pcscd.restart().expect("pcscd restarts");
    st.wait_gone(&t.text("notice-reader-unavailable")).unwrap();
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    st.wait_screen(
        "home",
        &t.text_with("home-greeting", &[("name", MASKED_NAME.into())]),
    )
    .unwrap();
    card.pull();
}

#[test]
fn a_staff_card_never_starts_a_visit_and_lets_staff_type_a_reading_for_a_resident() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            staff_uids: vec!["04A1B2C3".into()],
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = VpcdCard::insert(
        bed.pcscd.vpcd_addr(),
        CardBehaviour::Staff(vec![0x04, 0xA1, 0xB2, 0xC3]),
    )
    .unwrap();
    // With no resident here, a badge opens staff admin mode at its PIN: never a visit.
    let page = st
        .wait_screen("admin_pin", &t.text("admin-pin-title"))
        .unwrap();
    assert!(!page.contains(&t.text("home-title")), "{page}");
    pull_and_settle(card);
    st.press(&t.text("admin-leave")).unwrap();
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();

    // A card with an unlisted UID is just a card we cannot read.
    let card = VpcdCard::insert(
        bed.pcscd.vpcd_addr(),
        CardBehaviour::Staff(vec![9, 9, 9, 9]),
    )
    .unwrap();
    st.wait_notice(&t.text("notice-card-unreadable")).unwrap();
    pull_and_settle(card);
    let store = station_store::Store::open(&st.data_dir).expect("store");
    assert_eq!(store.resident_count().expect("count"), 0);
    st.press(&t.text("dismiss")).unwrap();

    // A resident's card stays in; staff tap their badge on the second reader and type a
    // blood pressure taken with a manual cuff.
    let resident = insert_resident(&bed);
    st.wait_screen(
        "home",
        &t.text_with("home-greeting", &[("name", MASKED_NAME.into())]),
    )
    .unwrap();
    let badge = VpcdCard::insert(
        bed.pcscd.vpcd_addr_second(),
        CardBehaviour::Staff(vec![0x04, 0xA1, 0xB2, 0xC3]),
    )
    .unwrap();
    st.wait_screen(
        "manual_entry",
        &t.text_with("manual-entry-staff", &[("badge", "****B2C3".into())]),
    )
    .unwrap();
    badge.pull();
    st.press(&t.text("measure-blood-pressure")).unwrap();
    st.wait_screen("manual_entry", &t.text("manual-entry-save"))
        .unwrap();
    for key in ["4", "0", "0"] {
        st.press(key).unwrap();
    }
    st.wait_screen("manual_entry", "400").unwrap();
    st.press(&t.text("manual-entry-save")).unwrap();
    st.wait_screen("manual_entry", &t.text("manual-error-range"))
        .unwrap();
    st.save_screenshot("manual-entry");
    for _ in 0..3 {
        st.press(&t.text("manual-entry-delete")).unwrap();
    }
    for (field, digits) in [
        ("bp-systolic", "145"),
        ("bp-diastolic", "92"),
        ("value-pulse", "70"),
    ] {
        st.press(&t.text(field)).unwrap();
        for key in digits.chars() {
            st.press(&key.to_string()).unwrap();
        }
        st.wait_screen("manual_entry", digits).unwrap();
    }
    st.press(&t.text("manual-entry-save")).unwrap();
    let page = st
        .wait_screen(
            "measure_result",
            &t.text_with("source-staff", &[("badge", "****B2C3".into())]),
        )
        .unwrap();
    st.save_screenshot("manual-entry-result");
    for (label, value) in [
        ("bp-systolic", "145"),
        ("bp-diastolic", "92"),
        ("value-pulse", "70"),
    ] {
        assert_eq!(st.reading_value(&t.text(label)).unwrap(), value, "{label}");
    }
    assert!(page.contains(&t.text("bp-category-grade1")), "{page}");
    // Stored as typed, with who typed it, audited in the same transaction.
    let typed = store
        .audit_events(50)
        .expect("audit")
        .into_iter()
        .find(|e| e.action == "manual_reading")
        .expect("the manual reading is audited");
    assert_eq!(typed.actor, "staff:04A1B2C3");
    let readings = store
        .visit_readings(typed.visit.expect("a visit"))
        .expect("readings");
    assert_eq!(readings.len(), 1);
    assert_eq!(readings[0].record.device, "manual");
    assert_eq!(readings[0].record.entered_by.as_deref(), Some("04A1B2C3"));
    resident.pull();
}

#[test]
fn an_id_card_on_the_serial_reader_identifies_the_same_resident_as_the_card() {
    use station_idcard::simulated::{sample_holder, SimulatedSam};
    use station_idcard::testbed::PtySam;

    let bed = bed();
    let t = zh();
    let sam =
        PtySam::start(SimulatedSam::new()).expect("simulated SAM reader on a pseudo-terminal");
    let st = launch(
        &bed,
        StationOptions {
            pcsc_socket: socket(&bed),
            id_card_reader: sam.path().display().to_string(),
            ..Default::default()
        },
    );
    // The welcome screen offers the ID card reader once it answers, instead of a button.
    st.wait_screen("welcome", &t.text("welcome-place-id-card"))
        .unwrap();
    assert!(st
        .session
        .find_button(&t.text("identify-id-card"))
        .unwrap()
        .is_none());

    sam.place(sample_holder());
    let page = st
        .wait_screen(
            "home",
            &t.text_with("home-greeting", &[("name", MASKED_NAME.into())]),
        )
        .unwrap();
    assert!(!page.contains("张小华"), "{page}");
    // Picking the ID card up does not end the visit; 退出 does.
    sam.take();
    std::thread::sleep(Duration::from_secs(1));
    assert!(st
        .session
        .page_text()
        .unwrap()
        .contains(&t.text("home-title")));
    st.press(&t.text("logout")).unwrap();
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();

    // The same person's social-security card: the same resident record.
    let card = insert_resident(&bed);
    st.wait_screen("home", &t.text("home-title")).unwrap();
    let store = station_store::Store::open(&st.data_dir).expect("store");
    assert_eq!(store.resident_count().expect("count"), 1);

    // Another resident's ID card mid-visit: asked first; switching starts their own visit, and
    // pulling the first resident's card then does not end it.
    let mut other = sample_holder();
    other.name = "王明".into();
    other.id_number =
        station_core::resident::IdNumber::parse("11010519491231002X").expect("valid id");
    sam.place(other);
    st.wait_text(&t.text_with("switch-title", &[("name", "王*".into())]))
        .unwrap();
    st.press(&t.text("switch-confirm")).unwrap();
    let greeting = t.text_with("home-greeting", &[("name", "王*".into())]);
    st.wait_screen("home", &greeting).unwrap();
    pull_and_settle(card);
    assert!(st.session.page_text().unwrap().contains(&greeting));
    assert_eq!(store.resident_count().expect("count"), 2);
}

#[test]
fn the_report_prints_through_cups_and_a_stopped_printer_is_told() {
    use station_printer::testbed::PrivateCups;

    let bed = bed();
    let t = zh();
    let cups = PrivateCups::start().expect("private cupsd with a raw queue");
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            device_scripts: vec![(MeasureKind::BloodPressure, "150/85/70".into())],
            printer: cups.queue_uri(),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    measure_bp(&st, &t);

    st.press(&t.text("print-report")).unwrap();
    st.wait_notice(&t.text("notice-printed")).unwrap();
    let pdf = cups
        .listener()
        .wait_for_job(1, Duration::from_secs(20))
        .expect("the printer got the job");
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    // What is on paper: the station, the masked resident, the reading; never the full name.
    let text = station_e2e::bed::pdf_text(&pdf);
    assert!(text.contains("五马街道禅街社区智慧健康站"), "{text}");
    assert!(text.contains(MASKED_NAME), "{text}");
    assert!(text.contains("150"), "{text}");
    assert!(!text.contains("张小华"), "{text}");

    // A stopped printer: the resident is told, the result stays on screen.
    cups.disable_queue().unwrap();
    st.press(&t.text("dismiss")).unwrap();
    st.press(&t.text("print-report")).unwrap();
    let page = st
        .wait_text_for(
            &t.text("notice-printer-unavailable"),
            Duration::from_secs(30),
        )
        .unwrap();
    assert!(page.contains(&t.text("result-saved")), "{page}");
    // Something at the station is broken: the resident can tell staff from the message itself.
    st.press(&t.text("report-fault")).unwrap();
    st.wait_notice(&t.text("notice-fault-reported")).unwrap();
    let store = station_store::Store::open(&st.data_dir).expect("store");
    let faults = store.fault_reports(10).expect("fault reports");
    assert_eq!(faults.len(), 1);
    assert_eq!(
        (
            faults[0].record.device.as_deref(),
            faults[0].record.screen.as_deref(),
            faults[0].record.notice.as_deref()
        ),
        (
            Some("printer"),
            Some("measure_result"),
            Some("notice-printer-unavailable")
        )
    );
    card.pull();
}

/// From the self-test menu through `kind`'s steps up to "measuring".
fn start_measuring(st: &Station, t: &Catalog, kind_id: &str, step_title: &str) {
    st.press(&t.text(kind_id)).expect("measurement tile");
    st.wait_screen("measure", &t.text(step_title))
        .expect("first step");
    st.press(&t.text("measure-start")).expect("start button");
}

#[test]
fn every_measurement_is_guided_and_an_urgent_value_is_flagged() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            device_scripts: vec![
                (MeasureKind::Body, "70/165".into()),
                (MeasureKind::Glucose, "6.5".into()),
                (MeasureKind::Spo2, "86/110".into()),
            ],
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    st.wait_screen("home", &t.text("home-title")).unwrap();

    // Height and weight: BMI with its category, advice and the trend chart.
    st.press(&t.text("service-self-test")).unwrap();
    start_measuring(&st, &t, "measure-body", "step-stand-on-scale-title");
    let page = st
        .wait_screen("measure_result", &t.text("result-saved"))
        .unwrap();
    assert!(page.contains("25.7"), "{page}");
    assert!(page.contains(&t.text("bmi-category-overweight")), "{page}");
    assert!(page.contains(&t.text("bmi-advice-overweight")), "{page}");
    let markers = st
        .session
        .execute(
            "return document.querySelectorAll('.trend .marker').length;",
            vec![],
        )
        .unwrap();
    // A first reading has nothing to compare with: no trend is drawn for one point.
    assert_eq!(markers, serde_json::json!(0), "a trend of one reading");
    st.save_screenshot("body-result");

    // Glucose is judged by when the resident ate: 6.5 fasting is impaired fasting glucose.
    st.press(&t.text("measure-other")).unwrap();
    st.press(&t.text("measure-glucose")).unwrap();
    st.wait_screen("measure", &t.text("step-glucose-timing-title"))
        .unwrap();
    st.press(&t.text("glucose-timing-fasting")).unwrap();
    st.wait_screen("measure", &t.text("step-prepare-strip-title"))
        .unwrap();
    st.press(&t.text("measure-start")).unwrap();
    let page = st
        .wait_screen("measure_result", &t.text("result-saved"))
        .unwrap();
    assert!(
        page.contains(&t.text("glucose-category-impaired-fasting")),
        "{page}"
    );

    // SpO2 86 %: urgent on screen, and an alert queued for the family doctor.
    st.press(&t.text("measure-other")).unwrap();
    start_measuring(&st, &t, "measure-spo2", "step-clip-finger-title");
    let page = st
        .wait_screen("measure_result", &t.text("result-urgent"))
        .unwrap();
    assert!(page.contains(&t.text("spo2-category-very-low")), "{page}");
    st.save_screenshot("spo2-urgent");
    let store = station_store::Store::open(&st.data_dir).expect("store");
    let alerts = store.queued_alerts(10).expect("alerts");
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].reason, "spo2-category-very-low");
    assert_eq!(store.reading_count().expect("count"), 3);
    drop(store);
    card.pull();
}

#[test]
fn a_silent_device_times_out_with_a_retry() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            card_reader: "simulated",
            device_scripts: vec![(MeasureKind::Temperature, "hang".into())],
            measure_timeout: 5,
            ..Default::default()
        },
    );
    st.press(&t.text("demo-insert-card")).unwrap();
    st.press(&t.text("service-self-test")).unwrap();
    start_measuring(
        &st,
        &t,
        "measure-temperature",
        "step-place-thermometer-title",
    );
    st.wait_screen("measure", &t.text("step-measuring-title"))
        .unwrap();
    // No answer: the station gives up, says so and offers the step again.
    st.wait_notice(&t.text("notice-device-no-response"))
        .unwrap();
    st.wait_screen("measure", &t.text("step-place-thermometer-title"))
        .unwrap();
    st.press(&t.text("dismiss")).unwrap();
    st.press(&t.text("measure-start")).unwrap();
    let page = st
        .wait_screen("measure_result", &t.text("result-saved"))
        .unwrap();
    assert!(page.contains("36.6"), "{page}");
}

#[test]
fn my_reports_lists_an_earlier_visit_and_prints_it_again() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            printer: "simulated".into(),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    measure_bp(&st, &t);
    // The visit ends with the card; the next visit finds it in "我的报告".
    pull_and_settle(card);
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let card = insert_resident(&bed);
    st.press(&t.text("service-reports")).unwrap();
    let page = st.wait_screen("reports", &t.text("reports-title")).unwrap();
    assert!(page.contains(&t.text("measure-blood-pressure")), "{page}");
    st.press(&t.text("print-report")).unwrap();
    st.wait_notice(&t.text("notice-printed")).unwrap();
    card.pull();
}

#[test]
fn the_tcm_questionnaire_is_answered_by_touch_and_stored() {
    let bed = bed();
    let t = zh();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            card_reader: "simulated",
            ..Default::default()
        },
    );
    st.press(&t.text("demo-insert-card")).unwrap();
    st.press(&t.text("service-self-test")).unwrap();
    st.press(&t.text("tcm-questionnaire-title")).unwrap();
    let never = t.text("tcm-answer-1");
    for number in 1..=33u8 {
        let progress = t.text_with(
            "tcm-progress",
            &[("number", number.to_string()), ("total", "33".into())],
        );
        let page = st.wait_screen("questionnaire", &progress).unwrap();
        assert!(
            page.contains(&t.text(&format!("tcm-q{number:02}"))),
            "{page}"
        );
        if number == 9 {
            // The form's own anchors under the answers (BMI bands).
            assert!(page.contains(&t.text("tcm-q09.answer-5")), "{page}");
            st.save_screenshot("questionnaire-q9");
        }
        // The first answer is "sometimes", the rest "never": a balanced constitution.
        let answer = if number == 1 {
            t.text("tcm-answer-3")
        } else {
            never.clone()
        };
        st.press(&answer).unwrap();
    }
    let page = st
        .wait_screen("questionnaire_result", &t.text("tcm-result-title"))
        .unwrap();
    assert!(page.contains(&t.text("tcm-constitution-pinghe")), "{page}");
    assert!(page.contains(&t.text("tcm-advice-pinghe")), "{page}");
    st.save_screenshot("questionnaire-result");
    let store = station_store::Store::open(&st.data_dir).expect("store");
    let audit = store.audit_events(50).expect("audit");
    let visit = audit
        .iter()
        .find(|e| e.action == "questionnaire_saved")
        .and_then(|e| e.visit)
        .expect("questionnaire saved");
    let saved = store.visit_questionnaires(visit).expect("questionnaires");
    assert_eq!(saved.len(), 1);
    assert_eq!(
        saved[0].answers.iter().map(|a| u32::from(*a)).sum::<u32>(),
        35
    );
}

#[test]
fn a_health_code_shown_to_the_camera_identifies_an_unverified_resident() {
    use station_camera::simulated::{qr_frame, SAMPLE_VOUCHER};

    let bed = bed();
    let t = zh();
    // The camera: still images in a directory, read through the same frame path as a camera.
    let stills = tempfile::tempdir().unwrap();
    let frame = qr_frame(SAMPLE_VOUCHER, 6, 640, 480).unwrap();
    image::GrayImage::from_raw(frame.width(), frame.height(), frame.luma().to_vec())
        .unwrap()
        .save(stills.path().join("voucher.png"))
        .unwrap();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            camera: format!("stills:{}", stills.path().display()),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    st.press(&t.text("identify-health-qr")).unwrap();
    let masked = "424****0000";
    let page = st
        .wait_screen(
            "home",
            &t.text_with("home-greeting-unverified", &[("code", masked.into())]),
        )
        .unwrap();
    assert!(!page.contains(SAMPLE_VOUCHER), "the full code is on screen");
    st.save_screenshot("health-code-home");
    let store = station_store::Store::open(&st.data_dir).expect("store");
    assert_eq!(store.resident_count().expect("count"), 1);
    drop(store);
    st.press(&t.text("logout")).unwrap();
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
}

#[test]
fn the_face_is_used_only_after_consent_and_says_matching_is_not_set_up() {
    let bed = bed();
    let t = zh();
    let stills = tempfile::tempdir().unwrap();
    std::fs::copy(
        station_e2e::workspace_root().join("crates/camera/tests/images/astronaut_face.png"),
        stills.path().join("face.png"),
    )
    .unwrap();
    let st = launch(
        &bed,
        StationOptions {
            demo: true,
            pcsc_socket: socket(&bed),
            camera: format!("stills:{}", stills.path().display()),
            ..Default::default()
        },
    );
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    st.press(&t.text("identify-face")).unwrap();
    let page = st
        .wait_screen("face_consent", &t.text("face-consent-title"))
        .unwrap();
    assert!(page.contains(&t.text("face-consent-not-kept")), "{page}");
    st.save_screenshot("face-consent");
    // No: back to the welcome screen.
    st.press(&t.text("face-consent-decline")).unwrap();
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    // Yes: the guide takes one picture and says plainly that matching is not set up.
    st.press(&t.text("identify-face")).unwrap();
    st.press(&t.text("face-consent-agree")).unwrap();
    st.wait_notice(&t.text("notice-face-not-configured"))
        .unwrap();
    let store = station_store::Store::open(&st.data_dir).expect("store");
    assert_eq!(store.resident_count().expect("count"), 0);
    // Nothing of the picture is on disk: only the store, its WAL, key check and backups are in
    // the data dir (the key itself lives apart from the data).
    let files: Vec<_> = std::fs::read_dir(&st.data_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with("station."))
        .collect();
    assert!(files.is_empty(), "{files:?}");
}
