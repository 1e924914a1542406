//! Every screen the resident meets, in the real kiosk window, on a landscape (1920x1080) and a
//! portrait (1080x1920) panel, in both contrast modes and both text sizes:
//! - a screenshot of each into `target/e2e-screens/<screen>-<orientation>-<contrast>.png` (大字;
//!   `-xl` added for 特大), to be looked at as a resident would;
//! - layout checks on the element boxes: the bars of actions and "退出" at least 15 mm high at
//!   the panel's size (21.5" diagonal), the measured value's capital height at least 25 mm and
//!   the largest text on its screen, targets >= 60 px and text >= 24 px, nothing outside the
//!   viewport or spilling out of its box (a body too long scrolls with large arrows), and the
//!   lowest content in the bottom third of the screen;
//! - axe-core with the WCAG 2.x A, AA and AAA tags and WCAG 2.1/2.2 A and AA: no violations,
//!   and every "incomplete" result resolved (see `INCOMPLETE_RESOLVED`).
//!
//! The screens are reached the way a resident reaches them: the demo cards and simulated
//! instruments in demo mode, and for what a demo cannot show (a card being read, another
//! resident's ID card, a staff badge, the camera screens, the idle warning, the closed
//! station) real readers on a private pcscd and a pseudo-terminal, still camera images, short
//! idle times and closed hours.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use serde_json::json;
use station_card::testbed::PrivatePcscd;
use station_card::virtual_card::{CardBehaviour, CardImage, VirtualCard, VpcdCard};
use station_clinic::testbed::{TestConsole, TestDoctor};
use station_e2e::display::Display;
use station_e2e::station::StationOptions;
use station_i18n::Catalog;
use station_protocol::{Locale, MeasureKind};

mod check;
mod look;

use check::{report, Check, Findings};
use look::{go, launch, wait_screen, wait_selector, wait_step, Look, LOOKS};

struct Panel {
    orientation: &'static str,
    display: Display,
}

struct Bed {
    panels: Vec<Panel>,
    pcscd: PrivatePcscd,
}

/// Both screens and one pcscd for the whole binary; the tests take turns.
fn bed() -> MutexGuard<'static, Bed> {
    static BED: OnceLock<Mutex<Bed>> = OnceLock::new();
    BED.get_or_init(|| {
        let panels = vec![
            Panel {
                orientation: "landscape",
                display: Display::start_sized(1920, 1080).expect("landscape display"),
            },
            Panel {
                orientation: "portrait",
                display: Display::start_sized(1080, 1920).expect("portrait display"),
            },
        ];
        let pcscd = PrivatePcscd::start().expect("private pcscd with vpcd");
        Mutex::new(Bed { panels, pcscd })
    })
    .lock()
    .unwrap_or_else(|p| p.into_inner())
}

/// The panels and looks to walk. By default every pair of choices is met once: each panel in
/// both contrast modes and both text sizes, each contrast mode at both sizes (landscape:
/// light/大 and dark/特大; portrait: dark/大 and light/特大) — four walks instead of eight, as
/// every rule is checked on every screen in each orientation, contrast mode and text size.
/// `SCREENS_ALL=1` walks all eight; `SCREENS_ONLY` narrows the eight while working on one screen
/// ("landscape", "portrait", "light", "dark", "xl", "large", comma-separated).
fn walks(bed: &Bed) -> Vec<(&Panel, Look)> {
    let all = std::env::var_os("SCREENS_ALL").is_some_and(|v| v == "1");
    let only = std::env::var("SCREENS_ONLY").unwrap_or_default();
    if !all && only.is_empty() {
        return bed
            .panels
            .iter()
            .flat_map(|panel| {
                let portrait = panel.orientation == "portrait";
                [false, true].map(|extra_large| {
                    let look = Look {
                        dark: extra_large != portrait,
                        extra_large,
                    };
                    (panel, look)
                })
            })
            .collect();
    }
    let words: Vec<&str> = only
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect();
    // A dimension is narrowed only when one of its words is named.
    let keep = |options: &[&str], value: &str| {
        !options.iter().any(|o| words.contains(o)) || words.contains(&value)
    };
    let mut out = Vec::new();
    for panel in &bed.panels {
        for look in LOOKS {
            let size = if look.extra_large { "xl" } else { "large" };
            if keep(&["landscape", "portrait"], panel.orientation)
                && keep(&["light", "dark"], look.contrast())
                && keep(&["xl", "large"], size)
            {
                out.push((panel, look));
            }
        }
    }
    out
}

fn zh() -> Catalog {
    Catalog::new(Locale::ZhCn)
}

fn demo_options() -> StationOptions {
    StationOptions {
        demo: true,
        card_reader: "simulated",
        printer: "simulated".into(),
        // Long enough to look at the measuring screen.
        measure_seconds: 4.0,
        device_scripts: vec![
            (MeasureKind::BloodPressure, "128/82/72".into()),
            (MeasureKind::Body, "70/165".into()),
            (MeasureKind::Temperature, "36.6".into()),
            (MeasureKind::Glucose, "6.5".into()),
            (MeasureKind::Spo2, "86/110".into()),
        ],
        ..Default::default()
    }
}

#[test]
fn every_demo_screen_fits_both_panels_and_passes_the_accessibility_scan() {
    let bed = bed();
    let t = zh();
    let mut findings = Findings::default();
    // The cloud clinic's screens too: a doctor console on loopback, this station its "s1".
    let clinic = TestConsole::start();
    let keys = tempfile::tempdir().expect("dir");
    let key = keys.path().join("clinic.key");
    std::fs::write(&key, &clinic.keys[0]).expect("key file");
    for (panel, look) in walks(&bed) {
        {
            let st = launch(
                panel,
                StationOptions {
                    clinic: Some((format!("ws://{}", clinic.addr), key.clone())),
                    ..demo_options()
                },
            );
            let mut c = Check {
                st: &st,
                orientation: panel.orientation,
                look,
                findings: &mut findings,
            };
            wait_screen(&st, "welcome");
            look.apply(&st, &t);
            c.screen("welcome");

            // A notice: its own row, nothing under it.
            st.press(&t.text("demo-insert-bad-card")).unwrap();
            st.wait_text(&t.text("notice-card-unreadable")).unwrap();
            c.screen("notice");
            // The notice covers nothing: a settings button along the bottom edge still takes
            // the press (the contrast already chosen, so nothing changes).
            st.press(&t.text(if look.dark {
                "contrast-high-dark"
            } else {
                "contrast-high-light"
            }))
            .expect("a button near the notice takes the press");
            st.wait_text(&t.text("notice-card-unreadable")).unwrap();
            st.press(&t.text("dismiss")).unwrap();
            st.wait_gone(&t.text("notice-card-unreadable")).unwrap();
            st.press(&t.text("demo-remove-card")).unwrap();

            go(&st, &t.text("demo-insert-card"), "home");
            c.screen("home");
            // A first visit: no earlier reports yet.
            go(&st, &t.text("service-reports"), "reports");
            st.wait_text(&t.text("reports-empty")).unwrap();
            c.screen("reports-empty");
            go(&st, &t.text("back-home"), "home");
            go(&st, &t.text("service-self-test"), "self_test");
            c.screen("self-test");

            // Blood pressure: every step, the measuring screen, the first result (no trend
            // yet), then again for a result with a trend.
            st.press(&t.text("measure-blood-pressure")).unwrap();
            wait_step(&st, &t.text("step-sit-title"));
            c.screen("step-sit");
            st.press(&t.text("measure-next")).unwrap();
            wait_step(&st, &t.text("step-cuff-title"));
            c.screen("step-cuff");
            st.press(&t.text("measure-start")).unwrap();
            wait_step(&st, &t.text("step-measuring-title"));
            c.screen("step-measuring");
            wait_screen(&st, "measure_result");
            c.screen("result-blood-pressure");
            st.press(&t.text("measure-retry")).unwrap();
            wait_step(&st, &t.text("step-cuff-title"));
            go(&st, &t.text("measure-start"), "measure_result");
            wait_selector(&st, ".trend");
            c.screen("result-blood-pressure-trend");
            // A notice on the result screen: printing.
            st.press(&t.text("print-report")).unwrap();
            st.wait_text(&t.text("notice-printed")).unwrap();
            c.screen("result-notice");
            st.press(&t.text("dismiss")).unwrap();

            go(&st, &t.text("measure-other"), "self_test");
            st.press(&t.text("measure-body")).unwrap();
            wait_step(&st, &t.text("step-stand-on-scale-title"));
            c.screen("step-stand-on-scale");
            go(&st, &t.text("measure-start"), "measure_result");
            c.screen("result-body");

            go(&st, &t.text("measure-other"), "self_test");
            st.press(&t.text("measure-temperature")).unwrap();
            wait_step(&st, &t.text("step-place-thermometer-title"));
            c.screen("step-place-thermometer");
            go(&st, &t.text("measure-start"), "measure_result");
            c.screen("result-temperature");

            go(&st, &t.text("measure-other"), "self_test");
            st.press(&t.text("measure-glucose")).unwrap();
            wait_step(&st, &t.text("step-glucose-timing-title"));
            c.screen("step-glucose-timing");
            st.press(&t.text("glucose-timing-fasting")).unwrap();
            wait_step(&st, &t.text("step-prepare-strip-title"));
            c.screen("step-prepare-strip");
            go(&st, &t.text("measure-start"), "measure_result");
            c.screen("result-glucose");

            go(&st, &t.text("measure-other"), "self_test");
            st.press(&t.text("measure-spo2")).unwrap();
            wait_step(&st, &t.text("step-clip-finger-title"));
            c.screen("step-clip-finger");
            go(&st, &t.text("measure-start"), "measure_result");
            // Urgent, at a station with the clinic: the advice offers "呼叫医生" right there.
            st.wait_text(&t.text("result-urgent-clinic")).unwrap();
            c.screen("result-spo2-urgent");

            // The questionnaire: the first question, one with the form's own answer words,
            // and the result.
            go(&st, &t.text("measure-other"), "self_test");
            go(&st, &t.text("tcm-questionnaire-title"), "questionnaire");
            c.screen("questionnaire-q1");
            for number in 1..=33u8 {
                let progress = t.text_with(
                    "tcm-progress",
                    &[("number", number.to_string()), ("total", "33".into())],
                );
                st.wait_text(&progress).unwrap();
                if number == 9 {
                    c.screen("questionnaire-q9");
                }
                st.press(&t.text("tcm-answer-3")).unwrap();
            }
            wait_screen(&st, "questionnaire_result");
            c.screen("questionnaire-result");

            go(&st, &t.text("back-home"), "home");
            go(&st, &t.text("service-reports"), "reports");
            c.screen("reports");

            // The cloud clinic: the waiting room, the call, the prescription after it.
            go(&st, &t.text("back-home"), "home");
            let mut doctor = TestDoctor::sign_in(&clinic, "li");
            go(&st, &t.text("service-call-doctor"), "clinic_waiting");
            st.wait_text(&t.text_with("clinic-position", &[("position", "1".into())]))
                .unwrap();
            c.screen("clinic-waiting");
            let call = doctor.accept()["call"].clone();
            wait_screen(&st, "clinic_call");
            c.screen("clinic-call");
            // Measuring during the call: the banner leads back to it.
            go(&st, &t.text("clinic-measure"), "self_test");
            st.wait_text(&t.text("clinic-return")).unwrap();
            c.screen("clinic-banner");
            go(&st, &t.text("clinic-return"), "clinic_call");
            doctor.send(json!({"type": "prescription", "call": call, "items": [
                {"drug": "苯磺酸氨氯地平片", "dose": "5mg", "quantity": "7片", "usage": "每日一次，早饭后"}, // i18n-exempt: test data
                {"drug": "阿司匹林肠溶片", "dose": "100mg", "quantity": "14片", "usage": "每日一次"} // i18n-exempt: test data
            ]}));
            st.wait_text(&t.text("clinic-call-prescribed")).unwrap();
            doctor.send(json!({"type": "hangup", "call": call}));
            wait_screen(&st, "prescription");
            c.screen("prescription");
            drop(doctor);

            go(&st, &t.text("logout"), "goodbye");
            c.screen("goodbye");
            drop(st);
        }
    }
    report(findings);
}

/// A social-security card that answers each APDU only after `delay`, so the "正在读卡" screen
/// stays long enough to be looked at (vpcd's protocol, as `VpcdCard` speaks it).
struct SlowCard {
    stream: TcpStream,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SlowCard {
    fn insert(addr: SocketAddr, delay: Duration) -> SlowCard {
        let stream = TcpStream::connect(addr).expect("vpcd");
        stream.set_nodelay(true).expect("nodelay");
        let mut served = stream.try_clone().expect("clone");
        let thread = std::thread::spawn(move || {
            let mut card = VirtualCard::new(CardBehaviour::Resident(CardImage::sample_resident()));
            let send = |s: &mut TcpStream, payload: &[u8]| {
                let mut msg = (payload.len() as u16).to_be_bytes().to_vec();
                msg.extend_from_slice(payload);
                s.write_all(&msg)
            };
            loop {
                let mut len = [0u8; 2];
                if served.read_exact(&mut len).is_err() {
                    return;
                }
                let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
                if served.read_exact(&mut payload).is_err() {
                    return;
                }
                let sent = match payload.as_slice() {
                    [0] | [1] | [2] => {
                        card.reset();
                        Ok(())
                    }
                    [4] => send(&mut served, card.atr()),
                    [_] | [] => Ok(()),
                    apdu => {
                        std::thread::sleep(delay);
                        let answer = card.answer(apdu);
                        send(&mut served, &answer)
                    }
                };
                if sent.is_err() {
                    return;
                }
            }
        });
        SlowCard {
            stream,
            thread: Some(thread),
        }
    }
}

impl Drop for SlowCard {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn the_station_screens_a_demo_cannot_show_fit_and_pass_the_scan() {
    use station_idcard::simulated::{sample_holder, SimulatedSam};
    use station_idcard::testbed::PtySam;

    let bed = bed();
    let t = zh();
    let mut findings = Findings::default();
    // A camera that sees an empty room: the scan screens stay up with their advice.
    let stills = tempfile::tempdir().unwrap();
    image::RgbImage::from_pixel(640, 480, image::Rgb([128, 128, 128]))
        .save(stills.path().join("empty.png"))
        .unwrap();
    for (panel, look) in walks(&bed) {
        {
            // The camera screens: still images (demo mode only), an empty room.
            let st = launch(
                panel,
                StationOptions {
                    demo: true,
                    card_reader: "simulated",
                    camera: format!("stills:{}", stills.path().display()),
                    ..Default::default()
                },
            );
            let mut c = Check {
                st: &st,
                orientation: panel.orientation,
                look,
                findings: &mut findings,
            };
            wait_screen(&st, "welcome");
            look.apply(&st, &t);
            go(&st, &t.text("identify-health-qr"), "scan_qr");
            c.screen("scan-qr");
            go(&st, &t.text("scan-back"), "welcome");
            go(&st, &t.text("identify-face"), "face_consent");
            c.screen("face-consent");
            go(&st, &t.text("face-consent-agree"), "face_scan");
            c.screen("face-scan");
            drop(st);

            // A station with its readers (no demo): a card being read, another resident's ID
            // card mid-visit, a staff badge.
            let sam = PtySam::start(SimulatedSam::new()).expect("simulated SAM reader");
            let st = launch(
                panel,
                StationOptions {
                    pcsc_socket: Some(bed.pcscd.socket_env().1),
                    id_card_reader: sam.path().display().to_string(),
                    staff_uids: vec!["04A1B2C3".into()],
                    ..Default::default()
                },
            );
            let mut c = Check {
                st: &st,
                orientation: panel.orientation,
                look,
                findings: &mut findings,
            };
            wait_screen(&st, "welcome");
            st.wait_text(&t.text("welcome-place-id-card")).unwrap();
            look.apply(&st, &t);
            c.screen("welcome-station");

            let card = SlowCard::insert(bed.pcscd.vpcd_addr(), Duration::from_millis(1500));
            wait_screen(&st, "reading_card");
            c.screen("reading-card");
            wait_screen(&st, "home");

            // Another resident's ID card mid-visit: the question.
            let mut other = sample_holder();
            other.name = "王明".into();
            other.id_number =
                station_core::resident::IdNumber::parse("11010519491231002X").expect("valid id");
            sam.place(other);
            wait_selector(&st, ".overlay .dialog");
            c.screen("switch-question");
            st.press(&t.text("switch-keep")).unwrap();
            sam.take();
            wait_screen(&st, "home");

            // A staff badge on the second reader: manual entry.
            let badge = VpcdCard::insert(
                bed.pcscd.vpcd_addr_second(),
                CardBehaviour::Staff(vec![0x04, 0xA1, 0xB2, 0xC3]),
            )
            .unwrap();
            wait_screen(&st, "manual_entry");
            c.screen("manual-entry");
            badge.pull();
            st.press(&t.text("measure-blood-pressure")).unwrap();
            st.wait_text(&t.text("manual-entry-save")).unwrap();
            c.screen("manual-entry-form");
            go(&st, &t.text("back-home"), "home");
            go(&st, &t.text("logout"), "goodbye");
            drop(card);
            drop(st);
            drop(sam);
            // pcscd notices the card is gone before the next station starts.
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    report(findings);
}

#[test]
fn the_idle_warning_the_closed_station_and_admin_mode_fit_and_pass_the_scan() {
    let bed = bed();
    let t = zh();
    let mut findings = Findings::default();
    // Hours that exclude the present moment, whatever time the test runs.
    let hour = std::process::Command::new("date")
        .arg("+%H")
        .output()
        .unwrap();
    let hour: u32 = String::from_utf8_lossy(&hour.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    let closed = if hour < 12 {
        ("13:00", "14:00")
    } else {
        ("01:00", "02:00")
    };
    let mut admin_checked = Vec::new();
    for (panel, look) in walks(&bed) {
        {
            let st = launch(
                panel,
                StationOptions {
                    demo: true,
                    card_reader: "simulated",
                    idle: (10, 60),
                    ..Default::default()
                },
            );
            let mut c = Check {
                st: &st,
                orientation: panel.orientation,
                look,
                findings: &mut findings,
            };
            wait_screen(&st, "welcome");
            look.apply(&st, &t);
            go(&st, &t.text("demo-insert-card"), "home");
            wait_selector(&st, ".overlay .dialog");
            c.screen("idle-warning");
            st.press(&t.text("keep-using")).unwrap();
            drop(st);

            let st = launch(
                panel,
                StationOptions {
                    demo: true,
                    card_reader: "simulated",
                    hours: (closed.0.into(), closed.1.into()),
                    ..Default::default()
                },
            );
            let mut c = Check {
                st: &st,
                orientation: panel.orientation,
                look,
                findings: &mut findings,
            };
            wait_screen(&st, "closed");
            look.apply(&st, &t);
            c.screen("closed");
            drop(st);

            // Staff admin mode (a station without badges: the corner and the station PIN).
            // Entering it resets the resident's look to the station's, and admin has no look
            // settings of its own, so it is checked once per panel.
            if admin_checked.contains(&panel.orientation) {
                continue;
            }
            admin_checked.push(panel.orientation);
            let st = launch(
                panel,
                StationOptions {
                    pcsc_socket: Some(bed.pcscd.socket_env().1),
                    ..Default::default()
                },
            );
            let mut c = Check {
                st: &st,
                orientation: panel.orientation,
                look,
                findings: &mut findings,
            };
            wait_screen(&st, "welcome");
            look.apply(&st, &t);
            st.hold_at(12, 12, 3.5).unwrap();
            wait_screen(&st, "admin_pin");
            c.screen("admin-pin");
            st.open_admin(&t, "2468").unwrap();
            c.screen("admin-today");
            for (section, name) in [
                ("admin-section-devices", "admin-devices"),
                ("admin-section-settings", "admin-settings"),
                ("admin-section-hours", "admin-hours"),
                ("admin-section-badges", "admin-badges"),
                ("admin-section-logs", "admin-problems"),
                ("admin-section-faults", "admin-faults"),
            ] {
                st.press(&t.text(section)).unwrap();
                wait_selector(&st, "[aria-pressed=true]");
                std::thread::sleep(Duration::from_millis(300));
                c.screen(name);
            }
            // The name page with its pinyin keyboard and a row of characters offered.
            st.press(&t.text("admin-section-name")).unwrap();
            for letter in ["d", "o", "n", "g"] {
                st.press(letter).unwrap();
            }
            st.wait_text(&t.text_with("admin-name-pinyin", &[("pinyin", "dong".into())]))
                .unwrap();
            c.screen("admin-name");
            // Waiting for a new badge on the reader.
            st.press(&t.text("admin-section-badges")).unwrap();
            st.press(&t.text("admin-badge-add")).unwrap();
            st.wait_text(&t.text("admin-msg-badge-waiting")).unwrap();
            c.screen("admin-badge-waiting");
        }
    }
    report(findings);
}
