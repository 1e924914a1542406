//! Staff admin mode in the real window: the hidden corner (a station without badges), the PIN
//! chosen at first use, a staff badge added by tapping it (and opening admin mode at once), a
//! setting written to station.toml and kept across a restart, the
//! printer's test page through CUPS, the camera's live picture, the lockout after five wrong PINs,
//! and the way out to the desktop, audited. The runtime's rules (never from a visit) are unit-tested in the kiosk
//! crate; here the screens and the window are.

use std::time::Duration;

use station_card::virtual_card::{CardBehaviour, VpcdCard};
use station_core::config::StationConfig;
use station_e2e::bed::{bed, launch, pull_and_settle, socket, zh};
use station_e2e::station::StationOptions;
use station_e2e::wait_for;

/// The staff badge added from admin mode.
const BADGE: [u8; 5] = [0x04, 0xA1, 0xB2, 0xD4, 0xE5];

/// What the audit says happened, newest first.
fn audit_actions(store: &station_store::Store) -> Vec<String> {
    store
        .audit_events(50)
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[test]
fn staff_open_admin_from_the_corner_change_a_setting_and_leave_to_the_desktop() {
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

    // A brief touch on the corner does nothing: a resident leaning on the screen stays put.
    st.hold_at(12, 12, 0.5).unwrap();
    std::thread::sleep(Duration::from_secs(4));
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();

    // Held for three seconds, it asks for the station PIN, chosen at first use.
    st.hold_at(12, 12, 3.5).unwrap();
    let page = st
        .wait_screen("admin_pin", &t.text("admin-pin-choose"))
        .unwrap();
    assert!(page.contains(&t.text("admin-pin-station")), "{page}");
    st.type_pin(&t, "2468").unwrap();
    let page = st
        .wait_screen("admin_pin", &t.text("admin-pin-confirm"))
        .unwrap();
    assert!(!page.contains("2468"), "typed digits shown: {page}");
    st.type_pin(&t, "2468").unwrap();
    st.wait_screen("admin", &t.text("admin-today")).unwrap();
    st.save_screenshot("admin-today");

    // Settings: louder, written to station.toml after the whole file is checked.
    let before = StationConfig::load(&st.config_path, false)
        .expect("config")
        .volume;
    st.press(&t.text("admin-section-settings")).unwrap();
    st.wait_screen("admin", &t.text("admin-setting-volume"))
        .unwrap();
    st.press(&t.text("admin-louder")).unwrap();
    st.wait_screen("admin", &t.text("admin-msg-setting-saved"))
        .unwrap();
    st.save_screenshot("admin-settings");
    let after = StationConfig::load(&st.config_path, false)
        .expect("config still valid")
        .volume;
    assert_eq!(after, before.saturating_add(10).min(100));

    // Devices: each class with its status in words.
    st.press(&t.text("admin-section-devices")).unwrap();
    let page = st
        .wait_screen("admin", &t.text("admin-device-card-reader"))
        .unwrap();
    assert!(page.contains(&t.text("admin-status-ready")), "{page}");
    st.save_screenshot("admin-devices");

    // The diagnostics bundle for a maintainer: on a USB drive when one is mounted, else in the
    // station's folder; the screen says where.
    st.press(&t.text("admin-section-logs")).unwrap();
    st.press(&t.text("admin-save-diagnostics")).unwrap();
    let page = st
        .wait_screen("admin", &t.text("admin-msg-diagnostics-saved"))
        .unwrap();
    let prefix = t.text_with("admin-saved-to", &[("path", String::new())]);
    let saved = page
        .lines()
        .find_map(|l| l.trim().strip_prefix(prefix.trim()))
        .map(|p| std::path::PathBuf::from(p.trim()))
        .unwrap_or_else(|| panic!("where it was saved: {page}"));
    let zip = std::fs::read(&saved).unwrap_or_else(|e| panic!("{saved:?}: {e}"));
    assert!(zip.starts_with(b"PK"), "a zip at {saved:?}");
    st.save_screenshot("admin-problems");

    // A fault report: which device, what is wrong; kept and waiting for upload.
    st.press(&t.text("admin-section-faults")).unwrap();
    st.wait_screen("admin", &t.text("admin-fault-device"))
        .unwrap();
    st.press(&t.text("admin-device-printer")).unwrap();
    st.press(&t.text("fault-problem-needs-supplies")).unwrap();
    st.press(&t.text("admin-fault-submit")).unwrap();
    let page = st
        .wait_screen("admin", &t.text("admin-msg-fault-filed"))
        .unwrap();
    assert!(page.contains(&t.text("admin-fault-waiting")), "{page}");
    st.save_screenshot("admin-faults");

    // A staff badge: tapped on the reader while the page waits for it, written to station.toml,
    // and it opens admin mode at once (its own PIN, chosen at first use), no restart.
    st.press(&t.text("admin-section-badges")).unwrap();
    st.wait_screen("admin", &t.text("admin-no-badges")).unwrap();
    st.press(&t.text("admin-badge-add")).unwrap();
    st.wait_screen("admin", &t.text("admin-msg-badge-waiting"))
        .unwrap();
    let badge = VpcdCard::insert(bed.pcscd.vpcd_addr(), CardBehaviour::Staff(BADGE.to_vec()))
        .expect("badge on the reader");
    let page = st
        .wait_screen("admin", &t.text("admin-msg-badge-added"))
        .unwrap();
    let masked = t.text_with("admin-badge", &[("badge", "****D4E5".to_string())]);
    assert!(page.contains(&masked), "{page}");
    pull_and_settle(badge);
    let listed = StationConfig::load(&st.config_path, false)
        .expect("config still valid")
        .staff_card_uids;
    assert_eq!(listed, vec![BADGE.to_vec()]);
    st.press(&t.text("admin-leave")).unwrap();
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    let badge = VpcdCard::insert(bed.pcscd.vpcd_addr(), CardBehaviour::Staff(BADGE.to_vec()))
        .expect("badge on the reader");
    st.wait_screen("admin_pin", &t.text("admin-pin-choose"))
        .unwrap();
    pull_and_settle(badge);
    st.type_pin(&t, "1357").unwrap();
    st.wait_screen("admin_pin", &t.text("admin-pin-confirm"))
        .unwrap();
    st.type_pin(&t, "1357").unwrap();
    st.wait_screen("admin", &t.text("admin-today")).unwrap();

    // Out to the desktop: the kiosk closes, and the store says who and when.
    let pid = st.app_pid().expect("the app runs");
    // The window may close before WebDriver answers the click; whether the app ended is what
    // the wait below checks.
    let _ = st.press(&t.text("admin-exit-desktop"));
    wait_for(Duration::from_secs(20), || {
        let alive = std::path::Path::new(&format!("/proc/{pid}")).exists()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default()
                .contains(") Z ");
        Ok((!alive).then_some(()))
    })
    .expect("the kiosk closed");
    let store = station_store::Store::open(&st.data_dir).expect("store");
    let actions = audit_actions(&store);
    let faults = store.fault_reports(10).expect("fault reports");
    assert_eq!(faults.len(), 1);
    assert_eq!(
        (
            faults[0].record.device.as_deref(),
            faults[0].record.problem.as_deref(),
            faults[0].delivered
        ),
        (Some("printer"), Some("needs_supplies"), false)
    );
    for action in [
        "admin_pin_set",
        "admin_entered",
        "exit_to_desktop",
        "fault_reported",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} not audited: {actions:?}"
        );
    }
}

/// The rest of admin mode's promises in the window: the printer's self-test prints a test page
/// through CUPS (bytes caught at the queue's device), a setting and the station's name typed in
/// pinyin survive the kiosk's restart,
/// and five wrong PINs lock entry for five minutes — said on screen and audited.
#[test]
fn the_printer_test_page_prints_settings_survive_a_restart_and_wrong_pins_lock_entry() {
    use station_e2e::station::write_config;
    use station_printer::testbed::PrivateCups;

    let bed = bed();
    let t = zh();
    let cups = PrivateCups::start().expect("private cupsd with a raw queue");
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, data, keys) = (
        dir.path().join("station.toml"),
        dir.path().join("data"),
        dir.path().join("keys"),
    );
    let options = || StationOptions {
        pcsc_socket: socket(&bed),
        data_dir: Some(data.clone()),
        key_dir: Some(keys.clone()),
        printer: cups.queue_uri(),
        config: Some(config.clone()),
        ..Default::default()
    };
    write_config(&config, &options(), &data).expect("config");

    let st = launch(&bed, options());
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    st.open_admin(&t, "2468").unwrap();

    // The printer's self-test: a test page with the station's name reaches the printer.
    st.press(&t.text("admin-section-devices")).unwrap();
    st.press_in_row(&t.text("admin-device-printer"), &t.text("admin-test"))
        .unwrap();
    st.wait_screen("admin", &t.text("admin-msg-test-page-printed"))
        .unwrap();
    let pdf = cups
        .listener()
        .wait_for_job(1, Duration::from_secs(20))
        .expect("the printer got the test page");
    let text = station_e2e::bed::pdf_text(&pdf);
    assert!(text.contains("五马街道禅街社区智慧健康站"), "{text}");
    assert!(text.contains("TEST-"), "{text}");

    // A setting changed, then the kiosk restarted: the new value is what it runs with.
    st.press(&t.text("admin-section-settings")).unwrap();
    st.press(&t.text("admin-quieter")).unwrap();
    st.wait_screen("admin", &t.text("admin-msg-setting-saved"))
        .unwrap();
    let quieter = StationConfig::load(&config, false).expect("config").volume;
    // The printer: chosen among what the print server lists, used from the next start.
    let device = format!("socket://{}", cups.listener().addr());
    cups.admin(
        "lpadmin",
        &["-p", "Receipt", "-E", "-v", &device, "-m", "raw"],
    )
    .expect("a second queue");
    st.press(&t.text("admin-find-printers")).unwrap();
    st.wait_screen("admin", &t.text("admin-msg-printers-found"))
        .unwrap();
    st.press("Receipt").unwrap();
    st.wait_screen("admin", &t.text("admin-msg-restart-to-apply"))
        .unwrap();
    let receipt = format!("ipp://{}/printers/Receipt", cups.server());
    assert_eq!(
        StationConfig::load(&config, false).expect("config").printer,
        station_core::config::PrinterChoice::Ipp {
            uri: receipt,
            job_timeout_secs: 10
        }
    );
    // A day closed: Sunday's button on the opening-hours page, pressed (open) until now.
    st.press(&t.text("admin-section-hours")).unwrap();
    st.press(&t.text("admin-weekday-7")).unwrap();
    wait_for(Duration::from_secs(10), || {
        let weekdays = StationConfig::load(&config, false)
            .map_err(|e| e.to_string())?
            .opening
            .weekdays;
        Ok((weekdays[6] == station_core::config::WeekdayHours::Closed).then_some(()))
    })
    .expect("Sunday closed in station.toml");
    // The station's name, typed in pinyin on the screen's keyboard (a kiosk has no input
    // method): the community becomes 水心社区.
    st.press(&t.text("admin-section-name")).unwrap();
    st.wait_screen("admin", &t.text("admin-name-hint")).unwrap();
    st.press(&t.text("admin-name-community")).unwrap();
    for _ in "禅街社区".chars() {
        st.press(&t.text("manual-entry-delete")).unwrap();
    }
    for (pinyin, word) in [("shui", "水"), ("xin", "心"), ("shequ", "社区")] {
        for letter in pinyin.chars() {
            st.press(&letter.to_string()).unwrap();
        }
        st.wait_screen(
            "admin",
            &t.text_with("admin-name-pinyin", &[("pinyin", pinyin.into())]),
        )
        .unwrap();
        st.press(word).unwrap();
    }
    st.wait_screen(
        "admin",
        &t.text_with("admin-name-preview", &[("name", "五马街道水心社区".into())]),
    )
    .unwrap();
    st.save_screenshot("admin-name");
    st.press(&t.text("admin-name-save")).unwrap();
    st.wait_screen("admin", &t.text("admin-msg-name-saved"))
        .unwrap();
    assert_eq!(
        StationConfig::load(&config, false)
            .expect("config")
            .station_name,
        "五马街道水心社区智慧健康站"
    );
    drop(st);
    let st = launch(&bed, options());
    let welcome = st
        .wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();
    assert!(
        welcome.contains("五马街道水心社区智慧健康站"),
        "the new name after the restart: {welcome}"
    );
    st.open_admin(&t, "2468").unwrap();
    st.press(&t.text("admin-section-settings")).unwrap();
    // The page renders after the press returns: wait for the row, not just read once.
    let shown = |label: &str| {
        wait_for(Duration::from_secs(10), || {
            let v = st.session.execute(
                "for (const row of document.querySelectorAll('.admin-setting')) {\
                   if (row.firstElementChild.innerText.trim() === arguments[0]) {\
                     return row.querySelector('.value').innerText.trim();\
                   }\
                 }\
                 return null;",
                vec![serde_json::json!(t.text(label))],
            )?;
            Ok(v.as_str().map(str::to_string))
        })
        .unwrap_or_else(|e| panic!("the setting {label} on the settings page: {e}"))
    };
    assert_eq!(shown("admin-setting-volume"), quieter.to_string());
    assert_eq!(
        shown("admin-setting-printer"),
        "Receipt",
        "the printer chosen before the restart"
    );
    st.press(&t.text("admin-section-hours")).unwrap();
    let sunday = wait_for(Duration::from_secs(10), || {
        let v = st.session.execute(
            "for (const b of document.querySelectorAll('.admin-setting-wide button')) {\
               if (b.innerText.trim().startsWith(arguments[0]))\
                 return [b.getAttribute('aria-pressed'), b.innerText.trim()];\
             }\
             return null;",
            vec![serde_json::json!(t.text("admin-weekday-7"))],
        )?;
        Ok((!v.is_null()).then_some(v))
    })
    .expect("the opening-hours page");
    assert_eq!(
        sunday,
        serde_json::json!([
            "false",
            format!(
                "{} {}",
                t.text("admin-weekday-7"),
                t.text("admin-closed-mark")
            )
        ]),
        "Sunday shown closed after the restart"
    );
    st.press(&t.text("admin-leave")).unwrap();
    st.wait_screen("welcome", &t.text("welcome-insert-card"))
        .unwrap();

    // Five wrong PINs: entry locked, and the screen says until when.
    st.hold_at(12, 12, 3.5).unwrap();
    st.wait_screen("admin_pin", &t.text("admin-pin-enter"))
        .unwrap();
    for _ in 0..5 {
        st.type_pin(&t, "1357").unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }
    // The words before the time ("密码错误次数太多，"): the time is the station clock's.
    let locked = t.text_with("admin-pin-locked", &[("until", "\u{1}".into())]);
    let locked_words = locked.split('\u{1}').next().unwrap_or_default().to_string();
    assert!(!locked_words.trim().is_empty(), "{locked}");
    st.wait_text(locked_words.trim()).unwrap();
    // The right PIN is refused while locked.
    st.type_pin(&t, "2468").unwrap();
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        !st.session
            .page_text()
            .unwrap()
            .contains(&t.text("admin-today")),
        "admin opened while locked"
    );
    drop(st);
    let store = station_store::Store::open_with(
        &data,
        std::sync::Arc::new(station_core::clock::SystemClock::new()),
        &station_store::StoreOptions::with_keys(&data, station_store::KeyStore::in_dir(&keys)),
    )
    .expect("store");
    let actions = audit_actions(&store);
    assert!(
        actions.iter().any(|a| a == "admin_locked"),
        "lockout not audited: {actions:?}"
    );
}

/// The camera's self-test shows its live picture on the devices page (a demonstration station
/// fed still images: the test pattern's bars), says it works, and the picture goes; a measuring
/// device's self-test finds the demonstration's monitor; a fault report is filed with a photo.
#[test]
fn the_camera_shows_its_live_picture_and_a_measuring_device_answers_its_self_test() {
    let bed = bed();
    let t = zh();
    let stills = tempfile::tempdir().expect("dir");
    let frame = station_call::pattern::TestPattern::new(640, 480).frame(0);
    image::GrayImage::from_raw(frame.width(), frame.height(), frame.luma().to_vec())
        .expect("image")
        .save(stills.path().join("pattern.png"))
        .expect("png");
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
    st.open_admin(&t, "2468").unwrap();
    st.press(&t.text("admin-section-devices")).unwrap();
    st.press_in_row(&t.text("admin-device-camera"), &t.text("admin-test"))
        .unwrap();
    st.wait_screen("admin", &t.text("admin-msg-camera-previewing"))
        .unwrap();
    // The picture on the canvas: pictures drawn, and the bars (grey levels across, not one).
    let seen = wait_for(Duration::from_secs(10), || {
        let v = st.session.execute(
            "const own = window.stationSelfView;\
             const canvas = document.getElementById('camera-preview');\
             if (!own || !canvas || own.picturesDrawn < 5) return null;\
             const ctx = canvas.getContext('2d');\
             const row = ctx.getImageData(0, Math.floor(canvas.height / 4), canvas.width, 1).data;\
             const greys = new Set();\
             for (let i = 0; i < row.length; i += 4) greys.add(row[i] >> 4);\
             return { drawn: own.picturesDrawn, greys: greys.size };",
            vec![],
        )?;
        Ok((!v.is_null()).then_some(v))
    })
    .expect("the camera's picture on the devices page");
    assert!(seen["greys"].as_u64().unwrap_or(0) >= 6, "{seen}");
    st.save_screenshot("admin-camera-preview");
    st.wait_screen("admin", &t.text("admin-msg-camera-works"))
        .unwrap();
    let gone = st
        .session
        .execute("return !document.getElementById('camera-preview');", vec![])
        .unwrap();
    assert_eq!(
        gone,
        serde_json::json!(true),
        "the picture goes with the test"
    );
    // A measuring device's self-test: the demo's monitor answers.
    st.press_in_row(
        &t.text(station_protocol::MeasureKind::BloodPressure.message_id()),
        &t.text("admin-test"),
    )
    .unwrap();
    st.wait_screen("admin", &t.text("admin-msg-instrument-answered"))
        .unwrap();

    // A fault report with a photo: the camera's picture for a moment, one frame kept, filed
    // with the report, and the list says so.
    st.press(&t.text("admin-section-faults")).unwrap();
    st.press(&t.text("admin-fault-photo")).unwrap();
    st.wait_screen("admin", &t.text("admin-msg-fault-photo-taken"))
        .unwrap();
    st.press(&t.text("admin-device-camera")).unwrap();
    st.press(&t.text("fault-problem-not-working")).unwrap();
    st.press(&t.text("admin-fault-submit")).unwrap();
    let page = st
        .wait_screen("admin", &t.text("admin-msg-fault-filed"))
        .unwrap();
    assert!(page.contains(&t.text("admin-fault-has-photo")), "{page}");
}
