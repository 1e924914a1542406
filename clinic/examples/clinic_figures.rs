//! The doctor console's figures for `scripts/bench`, one `name: value unit` a line:
//! - `clinic_signal_round_trip`: a doctor's `signal` relayed to a kiosk and the kiosk's answer
//!   relayed back, on loopback (median of 200);
//! - `clinic_console_memory_100_waiting_kiosks`: the console's extra resident memory with 100
//!   kiosks connected and waiting in one queue (this process hosts the console; the kiosks are
//!   loopback sockets here too, counted in the same process: an upper bound).
//!
//! - `clinic_session_check`: a doctor's session looked up (and marked used) in the encrypted
//!   store, as at each page connection (median of 200).
//!
//! Bounded: 100 kiosks, 200 round trips, loopback only.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use station_clinic::testbed::{TestConsole, PASSWORD};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

type Ws = WebSocket<MaybeTlsStream<TcpStream>>;

const KIOSKS: usize = 100;
const SAMPLE_RESIDENT: &str = "张*华 **************1234"; // i18n-exempt: test data
const ROUND_TRIPS: usize = 200;

fn main() -> Result<(), String> {
    let clinic = TestConsole::start();
    let before = rss_kib()?;

    // 100 kiosks waiting. The test bed knows two stations; the others are issued here.
    let mut kiosks = Vec::with_capacity(KIOSKS);
    for i in 0..KIOSKS {
        let id = format!("bench-{i}");
        let key = station_clinic::stations::issue_key(
            clinic.console.store(),
            &id,
            "五马街道禅街社区智慧健康站", // i18n-exempt: test data
            "wuma",
            chrono::Utc::now(),
        )
        .map_err(|e| e.to_string())?;
        let mut ws = connect(&clinic, "/ws/station")?;
        send(&mut ws, json!({"type": "hello", "station": id, "key": key}))?;
        expect(&mut ws, "welcome")?;
        send(
            &mut ws,
            json!({"type": "call", "resident": SAMPLE_RESIDENT, "vitals": []}),
        )?;
        expect(&mut ws, "queued")?;
        kiosks.push(ws);
    }
    std::thread::sleep(Duration::from_millis(500));
    let after = rss_kib()?;
    println!(
        "clinic_console_memory_100_waiting_kiosks: {:.1} MiB",
        after.saturating_sub(before) as f64 / 1024.0
    );

    // A doctor takes the first call; signals go back and forth through the console.
    let (token, _) = clinic
        .console
        .accounts()
        .login("li", PASSWORD)
        .map_err(|e| e.to_string())?;
    let mut doctor = connect(&clinic, "/ws/doctor")?;
    send(&mut doctor, json!({"type": "auth", "token": token}))?;
    let queue = loop {
        let q = expect(&mut doctor, "queue")?;
        if q["calls"].as_array().is_some_and(|c| !c.is_empty()) {
            break q;
        }
    };
    let call = queue["calls"][0]["call"].clone();
    send(&mut doctor, json!({"type": "accept", "call": call}))?;
    expect(&mut doctor, "accepted")?;
    let kiosk = &mut kiosks[0];
    expect(kiosk, "accepted")?;
    let mut trips = Vec::with_capacity(ROUND_TRIPS);
    for n in 0..ROUND_TRIPS {
        let t0 = Instant::now();
        send(
            &mut doctor,
            json!({"type": "signal", "call": call, "payload": {"n": n}}),
        )?;
        expect(kiosk, "signal")?;
        send(kiosk, json!({"type": "signal", "payload": {"n": n}}))?;
        expect(&mut doctor, "signal")?;
        trips.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    trips.sort_by(f64::total_cmp);
    println!("clinic_signal_round_trip: {:.2} ms", trips[trips.len() / 2]);

    let mut checks = Vec::with_capacity(ROUND_TRIPS);
    for _ in 0..ROUND_TRIPS {
        let t0 = Instant::now();
        clinic
            .console
            .accounts()
            .session(&token)
            .ok_or("the session ended")?;
        checks.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    checks.sort_by(f64::total_cmp);
    println!("clinic_session_check: {:.2} ms", checks[checks.len() / 2]);
    Ok(())
}

fn connect(clinic: &TestConsole, path: &str) -> Result<Ws, String> {
    tungstenite::connect(format!("ws://{}{path}", clinic.addr))
        .map(|(ws, _)| ws)
        .map_err(|e| e.to_string())
}

fn send(ws: &mut Ws, message: Value) -> Result<(), String> {
    ws.send(Message::text(message.to_string()))
        .map_err(|e| e.to_string())
}

/// The next message of type `kind`, skipping queue and position updates.
fn expect(ws: &mut Ws, kind: &str) -> Result<Value, String> {
    loop {
        let message = ws.read().map_err(|e| e.to_string())?;
        if let Message::Text(text) = message {
            let v: Value = serde_json::from_str(text.as_str()).map_err(|e| e.to_string())?;
            if v["type"] == kind {
                return Ok(v);
            }
        }
    }
}

/// This process's resident memory (Linux `/proc/self/status`).
fn rss_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS".to_string())
}
