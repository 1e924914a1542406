//! Prints the kiosk's figures, one `name: value unit` a line (run through `scripts/bench`, which
//! builds the release binaries first). Measures the real app window under Xvfb:
//! cold start, idle memory of all its processes, card → greeting on a virtual reader (and where
//! that time goes: detection, APDUs, our own processing), and the same UI in `chromium --kiosk`
//! for comparison.

mod clinic;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use station_card::testbed::{reader_figures, PrivatePcscd};
use station_card::virtual_card::{CardBehaviour, CardImage, VpcdCard};
use station_e2e::display::Display;
use station_e2e::station::{Station, StationOptions};
use station_e2e::webdriver::Session;
use station_e2e::{free_port, wait_for};
use station_i18n::Catalog;
use station_protocol::Locale;

const RUNS: usize = 3;

fn main() {
    if let Err(e) = run() {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
}

fn figure(name: &str, value: f64, unit: &str) {
    println!("{name}: {value:.1} {unit}");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn run() -> Result<(), String> {
    let t = Catalog::new(Locale::ZhCn);
    let welcome = t.text("welcome-insert-card");
    let pcscd = PrivatePcscd::start().map_err(|e| format!("pcscd: {e}"))?;
    let (var, socket) = pcscd.socket_env();
    // This process reads cards itself for the reader figures below. libpcsclite reads the
    // variable once, at the first PC/SC call: set it before that, and before other threads run.
    std::env::set_var(var, &socket);
    let socket = Some(socket);
    let display = Display::start()?;

    // Card inserted → card read, at the reader, before any app watches it (the app would read
    // the same card): detection (card connected to vpcd → CardInserted), the read
    // (CardInserted → CardRead) and, within it, the APDU count times the round trip; the rest
    // of the read is connecting to the card and our own processing.
    let reader = reader_figures(&pcscd, &CardImage::sample_resident(), 9, 200)
        .map_err(|e| format!("card reader figures: {e}"))?;

    // Cold start: launch → first interactive screen (the welcome prompt is on screen).
    let mut starts = Vec::new();
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let st = Station::launch(
            &display,
            StationOptions {
                pcsc_socket: socket.clone(),
                ..Default::default()
            },
        )?;
        st.wait_text(&welcome)?;
        starts.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    figure("kiosk_cold_start", median(starts), "ms");

    let st = Station::launch(
        &display,
        StationOptions {
            pcsc_socket: socket.clone(),
            ..Default::default()
        },
    )?;
    st.wait_text(&welcome)?;
    std::thread::sleep(Duration::from_secs(5));
    let pid = st.app_pid().ok_or("app pid not found")?;
    let (rss, pss, n) = tree_memory(pid);
    figure("kiosk_idle_rss_all_processes", rss, "MiB");
    figure("kiosk_idle_pss_all_processes", pss, "MiB");
    figure("kiosk_process_count", n as f64, "processes");

    // Card inserted (virtual card on vpcd + pcscd) → greeting on screen.
    let greeting = t.text_with("home-greeting", &[("name", "张*华".into())]);
    let mut greet = Vec::new();
    for _ in 0..5 {
        let t0 = Instant::now();
        let card = VpcdCard::insert(
            pcscd.vpcd_addr(),
            CardBehaviour::Resident(CardImage::sample_resident()),
        )
        .map_err(|e| e.to_string())?;
        st.wait_text(&greeting)?;
        greet.push(t0.elapsed().as_secs_f64() * 1000.0);
        card.pull();
        st.wait_text(&welcome)?;
    }
    let greet = median(greet);
    figure("card_inserted_to_greeting", greet, "ms");
    for (name, value, unit) in reader.lines() {
        figure(name, value, unit);
    }
    // What is left of the greeting once the card is read (difference of the medians): the
    // kiosk (store, view), the window redrawing, and this bench's page polling (every 100 ms).
    figure(
        "card_read_to_greeting",
        greet - reader.detection_ms - reader.read_ms,
        "ms",
    );
    drop(st);

    measurement_figures(&display, &t)?;
    clinic::figures(&display, &t)?;
    touch_figures(&display, &t)?;

    id_card_figures(&display, socket.clone(), &greeting, &welcome)?;
    report_and_print_figures()?;

    chromium_comparison(&display, &welcome)?;
    Ok(())
}

/// "开始测量" pressed → result on screen, with a device that answers at once: the station's own
/// share (thread, assessment, fsynced save, trend query, view, render).
fn measurement_figures(display: &Display, t: &Catalog) -> Result<(), String> {
    let st = Station::launch(
        display,
        StationOptions {
            // Simulated hardware (the demo card, an instrument answering at once): demo only.
            demo: true,
            card_reader: "simulated",
            measure_seconds: 0.0,
            ..Default::default()
        },
    )?;
    st.press(&t.text("demo-insert-card"))?;
    st.press(&t.text("service-self-test"))?;
    st.press(&t.text("measure-temperature"))?;
    st.wait_text(&t.text("step-place-thermometer-title"))?;
    let mut times = Vec::new();
    for _ in 0..5 {
        let t0 = Instant::now();
        st.press(&t.text("measure-start"))?;
        st.wait_text(&t.text("result-saved"))?;
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        st.press(&t.text("measure-retry"))?;
        st.wait_text(&t.text("step-place-thermometer-title"))?;
    }
    figure("measure_start_to_result_on_screen", median(times), "ms");
    Ok(())
}

/// Watches every press in the page: from the pointer event's timestamp to the first task after
/// the next frame, which is the frame that draws the button pressed (`press_feedback` in
/// ui/src/kit.rs marks it on the pointerdown itself).
const PRESS_PROBE: &str = r#"
window.__pressed = [];
if (!window.__pressProbe) {
  window.__pressProbe = true;
  document.addEventListener('pointerdown', e => {
    const t0 = e.timeStamp;
    const b = e.target.closest ? e.target.closest('button') : null;
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => window.__pressed.push({
        ms: performance.now() - t0,
        pressed: !!(b && b.classList.contains('pressed')),
      });
      ch.port2.postMessage(0);
    });
  }, true);
}
"#;

/// A touch → the pressed state drawn, in the real window: a pointer pressed on "中文" (already
/// chosen, so nothing changes) through WebDriver's input actions, the platform's own event path
/// into the page (a touch pointer where the driver has one, else the mouse).
fn touch_figures(display: &Display, t: &Catalog) -> Result<(), String> {
    let st = Station::launch(
        display,
        StationOptions {
            demo: true,
            card_reader: "simulated",
            ..Default::default()
        },
    )?;
    st.wait_text(&t.text("welcome-insert-card"))?;
    st.session.execute(PRESS_PROBE, vec![])?;
    let label = t.text("locale-zh-CN");
    let mut pointer = "touch";
    for n in 1..=15u64 {
        let at = st.session.execute(
            "const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === arguments[0]);
             const r = b.getBoundingClientRect(); return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];",
            vec![json!(label)],
        )?;
        let press = |kind: &str| {
            json!([{
                "type": "pointer", "id": "finger", "parameters": { "pointerType": kind },
                "actions": [
                    { "type": "pointerMove", "duration": 0, "origin": "viewport", "x": at[0], "y": at[1] },
                    { "type": "pointerDown", "button": 0 },
                    { "type": "pause", "duration": 120 },
                    { "type": "pointerUp", "button": 0 },
                ],
            }])
        };
        if st.session.perform_actions(press(pointer)).is_err() {
            pointer = "mouse";
            st.session.perform_actions(press(pointer))?;
        }
        wait_for(Duration::from_secs(5), || {
            let seen = st
                .session
                .execute("return window.__pressed.length;", vec![])?;
            Ok((seen.as_u64().unwrap_or(0) >= n).then_some(()))
        })?;
        std::thread::sleep(Duration::from_millis(300));
    }
    let seen = st.session.execute("return window.__pressed;", vec![])?;
    let presses = seen.as_array().cloned().unwrap_or_default();
    if presses.iter().any(|p| p["pressed"] != json!(true)) {
        return Err(format!("a press was not drawn pressed: {seen}"));
    }
    let times = presses.iter().filter_map(|p| p["ms"].as_f64()).collect();
    eprintln!("touch_to_pressed_drawn: by {pointer} pointer actions");
    figure("touch_to_pressed_drawn", median(times), "ms");
    Ok(())
}

/// ID card placed on the SAM reader (pseudo-terminal) → greeting; SAM reply decoding.
fn id_card_figures(
    display: &Display,
    socket: Option<PathBuf>,
    greeting: &str,
    welcome: &str,
) -> Result<(), String> {
    use station_idcard::frame::{encode_reply, FrameDecoder};
    use station_idcard::simulated::{sample_holder, SimulatedSam};
    use station_idcard::testbed::PtySam;
    use station_idcard::SamStatus;

    let reply = encode_reply(
        SamStatus::Ok,
        &station_idcard::text::encode_base_message(&sample_holder()),
    );
    let rounds = 2000;
    let t0 = Instant::now();
    for _ in 0..rounds {
        let mut dec = FrameDecoder::new();
        dec.push(&reply);
        let data = match dec.next_reply() {
            Some(Ok(r)) => r.data,
            _ => return Err("SAM reply did not decode".into()),
        };
        station_idcard::text::parse_base_message(&data).map_err(|e| e.to_string())?;
    }
    figure(
        "sam_base_message_decode",
        t0.elapsed().as_secs_f64() * 1e6 / rounds as f64,
        "us",
    );

    let sam = PtySam::start(SimulatedSam::new()).map_err(|e| e.to_string())?;
    let st = Station::launch(
        display,
        StationOptions {
            pcsc_socket: socket,
            id_card_reader: sam.path().display().to_string(),
            ..Default::default()
        },
    )?;
    st.wait_text(welcome)?;
    let logout = Catalog::new(Locale::ZhCn).text("logout");
    let mut times = Vec::new();
    for _ in 0..3 {
        let t0 = Instant::now();
        sam.place(sample_holder());
        st.wait_text(greeting)?;
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        sam.take();
        st.press(&logout)?;
        st.wait_text(welcome)?;
    }
    figure("id_card_placed_to_greeting", median(times), "ms");
    Ok(())
}

/// A4 report rendering and a print job through a private CUPS to a raw queue.
fn report_and_print_figures() -> Result<(), String> {
    use station_printer::testbed::PrivateCups;
    use station_printer::{CupsPrinter, PrintOutcome, Printer};
    use station_protocol::BpCategory;
    use station_report::{BpEntry, ReportInput};

    let entry = |i: usize| BpEntry {
        taken_at: format!("2026-11-{:02} 09:00", 1 + i % 28),
        systolic: 120 + (i % 40) as u16,
        diastolic: 78 + (i % 20) as u16,
        pulse: 70,
        category: BpCategory::HighNormal,
        isolated_systolic: false,
        source: station_protocol::ReadingSource::Device {
            model: "BP-Monitor 9000".into(),
        },
    };
    let input = ReportInput {
        station_name: "五马街道禅街社区智慧健康站".into(),
        printed_at: "2026-11-23 10:00".into(),
        locale: Locale::ZhCn,
        resident_masked_name: "张*华".into(),
        resident_masked_id: "3303**********0425".into(),
        report_id: "V1-R1".into(),
        bp: vec![entry(0)],
        bp_history: (1..60).map(entry).collect(),
        other_readings: Vec::new(),
        questionnaire: None,
    };
    let mut times = Vec::new();
    let mut pdf = Vec::new();
    for _ in 0..5 {
        let t0 = Instant::now();
        pdf = station_report::render_a4(&input).map_err(|e| e.to_string())?;
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    figure("report_render_a4", median(times), "ms");
    figure("report_size_a4", pdf.len() as f64 / 1024.0, "KiB");

    let cups = PrivateCups::start().map_err(|e| format!("cupsd: {e}"))?;
    let printer = CupsPrinter::new(&cups.queue_uri()).map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for _ in 0..3 {
        let t0 = Instant::now();
        match printer.print("bench", &pdf).map_err(|e| e.to_string())? {
            PrintOutcome::Completed => times.push(t0.elapsed().as_secs_f64() * 1000.0),
            other => return Err(format!("print: {other:?}")),
        }
    }
    figure("print_job_completed_cups", median(times), "ms");
    Ok(())
}

/// A process and its descendants.
fn process_tree(root: u32) -> Vec<u32> {
    let mut pids = vec![root];
    let mut i = 0;
    while i < pids.len() {
        let parent = pids[i];
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for e in entries.flatten() {
                let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                    continue;
                };
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                let ppid = stat
                    .rsplit(')')
                    .next()
                    .and_then(|rest| rest.split_whitespace().nth(1))
                    .and_then(|s| s.parse::<u32>().ok());
                if ppid == Some(parent) && !pids.contains(&pid) {
                    pids.push(pid);
                }
            }
        }
        i += 1;
    }
    pids
}

/// RSS and PSS (shared pages counted once) summed over a process and its descendants.
fn tree_memory(root: u32) -> (f64, f64, usize) {
    let pids = process_tree(root);
    let (mut rss, mut pss) = (0.0, 0.0);
    for pid in &pids {
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        for line in rollup.lines() {
            let kb = |l: &str| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(0.0)
            };
            if line.starts_with("Rss:") {
                rss += kb(line) / 1024.0;
            } else if line.starts_with("Pss:") {
                pss += kb(line) / 1024.0;
            }
        }
    }
    (rss, pss, pids.len())
}

/// The same UI in `chromium --kiosk`, fed a station view through a stand-in for Tauri's IPC.
fn chromium_comparison(display: &Display, welcome: &str) -> Result<(), String> {
    let dist = std::env::var_os("STATION_UI_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| station_e2e::workspace_root().join("ui/dist"));
    let site = tempfile::tempdir().map_err(|e| e.to_string())?;
    copy_dir(&dist, site.path())?;
    let view = serde_json::to_string(&sample_view()).map_err(|e| e.to_string())?;
    std::fs::write(
        site.path().join("shim.js"),
        format!(
            "window.__TAURI__ = {{ core: {{ invoke: async () => ({view}) }}, event: {{ listen: async () => () => {{}} }} }};"
        ),
    )
    .map_err(|e| e.to_string())?;
    let index =
        std::fs::read_to_string(site.path().join("index.html")).map_err(|e| e.to_string())?;
    std::fs::write(
        site.path().join("index.html"),
        index.replace(
            "<script type=\"module\"",
            "<script src=\"shim.js\"></script><script type=\"module\"",
        ),
    )
    .map_err(|e| e.to_string())?;

    let http_port = free_port().map_err(|e| e.to_string())?;
    let server = Guard(
        Command::new("python3")
            .args([
                "-m",
                "http.server",
                &http_port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .current_dir(site.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("python3 http.server: {e}"))?,
    );
    let driver_port = free_port().map_err(|e| e.to_string())?;
    let driver = Guard(
        Command::new("chromedriver")
            .arg(format!("--port={driver_port}"))
            .env("DISPLAY", display.name())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("chromedriver (apt chromium-driver): {e}"))?,
    );
    wait_for(Duration::from_secs(10), || {
        Ok(
            (std::net::TcpStream::connect(("127.0.0.1", driver_port)).is_ok()
                && std::net::TcpStream::connect(("127.0.0.1", http_port)).is_ok())
            .then_some(()),
        )
    })?;
    let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
    let url = format!("http://127.0.0.1:{http_port}/index.html");
    let t0 = Instant::now();
    let session = Session::start_with(
        driver_port,
        json!({ "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--kiosk", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                     format!("--user-data-dir={}", profile.path().display()), url.clone()]
        }}),
    )?;
    session.execute(
        &format!("if (location.href !== '{url}') location.href = '{url}';"),
        vec![],
    )?;
    wait_for(Duration::from_secs(30), || {
        Ok(session.page_text()?.contains(welcome).then_some(()))
    })?;
    figure(
        "chromium_kiosk_cold_start",
        t0.elapsed().as_secs_f64() * 1000.0,
        "ms",
    );
    std::thread::sleep(Duration::from_secs(5));
    let browser = Command::new("pgrep")
        .args([
            "-o",
            "-f",
            &format!("user-data-dir={}", profile.path().display()),
        ])
        .output()
        .map_err(|e| e.to_string())?;
    let pid: u32 = String::from_utf8_lossy(&browser.stdout)
        .trim()
        .parse()
        .map_err(|_| "chromium pid")?;
    let (rss, pss, n) = tree_memory(pid);
    figure("chromium_kiosk_idle_rss_all_processes", rss, "MiB");
    figure("chromium_kiosk_idle_pss_all_processes", pss, "MiB");
    figure("chromium_kiosk_process_count", n as f64, "processes");
    session.end();
    drop(driver);
    drop(server);
    Ok(())
}

fn sample_view() -> station_protocol::StationView {
    use station_protocol::*;
    StationView {
        seq: 1,
        station_name: "五马街道禅街社区智慧健康站".into(),
        demo: false,
        demo_cards: Vec::new(),
        panel_diagonal_inches: 21.5,
        screen: Screen::Welcome,
        resident: None,
        notice: None,
        idle_warning: None,
        reader: ReaderStatus::Ready,
        prefs: DisplayPrefs {
            locale: Locale::ZhCn,
            text_size: TextSize::Large,
            contrast: Contrast::HighLight,
            volume: 80,
        },
        services: ServiceTile::all(&[Service::SelfTest]),
        identify_methods: vec![IdentifyMethod::InsuranceCard],
        printer: false,
        measure_kinds: MeasureKind::ALL.to_vec(),
        switch_to: None,
        clinic: None,
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    for e in std::fs::read_dir(from)
        .map_err(|e| format!("{}: {e}", from.display()))?
        .flatten()
    {
        std::fs::copy(e.path(), to.join(e.file_name())).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Kills a helper process when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
