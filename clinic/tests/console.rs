//! The console on loopback, spoken to as kiosks and doctors' pages speak to it: real WebSockets
//! (tokio-tungstenite) and real HTTP, a real SQLite store in a temp folder, and a clock the test
//! moves (lockouts, session expiry, a kiosk's grace period).

// The helpers below are test code outside `#[test]` functions (which clippy.toml already
// allows): a failed setup stops the test with its error.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use station_clinic::records;
use station_clinic::testbed::{TestConsole, PASSWORD};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The console on loopback (station-clinic's `testbed`): stations s1, s2; doctors li, wang
/// (group wuma) and zhao (group other).
async fn bed() -> TestConsole {
    // Its own runtime is made on a plain thread, outside this test's.
    std::thread::spawn(TestConsole::start).join().unwrap()
}

async fn connect(addr: SocketAddr, path: &str) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}{path}"))
        .await
        .unwrap();
    ws
}

async fn send(ws: &mut Ws, message: Value) {
    ws.send(Message::text(message.to_string())).await.unwrap();
}

/// The next message of type `kind`, skipping others (queue and position updates come often).
async fn expect(ws: &mut Ws, kind: &str) -> Value {
    let wait = async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    let v: Value = serde_json::from_str(text.as_str()).unwrap();
                    if v["type"] == kind {
                        return v;
                    }
                }
                Some(Ok(_)) => {}
                other => panic!("socket ended while waiting for {kind}: {other:?}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("no {kind} within 10 s"))
}

/// The socket is closed by the server (after what it said).
async fn closed(ws: &mut Ws) {
    let wait = async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("the server closes the socket");
}

async fn station(bed: &TestConsole, index: usize) -> Ws {
    let mut ws = connect(bed.addr, "/ws/station").await;
    let id = format!("s{}", index + 1);
    send(
        &mut ws,
        json!({"type": "hello", "station": id, "key": bed.keys[index]}),
    )
    .await;
    expect(&mut ws, "welcome").await;
    ws
}

async fn login(addr: SocketAddr, user: &str, password: &str) -> (u16, Value) {
    login_forwarded(addr, user, password, None).await.0
}

/// A login with an `X-Forwarded-For` header (as a proxy, or someone pretending to be one,
/// sends it); also gives the `Retry-After` header.
async fn login_forwarded(
    addr: SocketAddr,
    user: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> ((u16, Value), Option<String>) {
    let (user, password) = (user.to_string(), password.to_string());
    let forwarded_for = forwarded_for.map(str::to_string);
    tokio::task::spawn_blocking(move || {
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build(),
        );
        let mut request = agent.post(&format!("http://{addr}/api/login"));
        if let Some(forwarded) = &forwarded_for {
            request = request.header("x-forwarded-for", forwarded);
        }
        let mut reply = request
            .send_json(json!({"username": user, "password": password}))
            .unwrap();
        let status = reply.status().as_u16();
        let retry = reply
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = reply.body_mut().read_json::<Value>().unwrap_or(Value::Null);
        ((status, body), retry)
    })
    .await
    .unwrap()
}

async fn doctor(bed: &TestConsole, user: &str) -> Ws {
    let (status, body) = login(bed.addr, user, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let mut ws = connect(bed.addr, "/ws/doctor").await;
    send(&mut ws, json!({"type": "auth", "token": body["token"]})).await;
    expect(&mut ws, "welcome").await;
    ws
}

fn call_message() -> Value {
    json!({
        "type": "call",
        "resident": "张*华 **************1234",
        "vitals": [{"kind": "blood_pressure", "value": "168/102", "unit": "mmHg", "at": "2026-12-01T09:00:00+08:00"}],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_station_or_a_wrong_key_is_refused() {
    let bed = bed().await;
    for (id, key) in [("s9", bed.keys[0].clone()), ("s1", bed.keys[1].clone())] {
        let mut ws = connect(bed.addr, "/ws/station").await;
        send(&mut ws, json!({"type": "hello", "station": id, "key": key})).await;
        let refused = expect(&mut ws, "refused").await;
        assert_eq!(refused["reason"], "unknown_station");
        closed(&mut ws).await;
    }
    // Anything but a hello first is refused too.
    let mut ws = connect(bed.addr, "/ws/station").await;
    send(&mut ws, call_message()).await;
    assert_eq!(expect(&mut ws, "refused").await["reason"], "hello_expected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_messages_get_an_error_and_the_connection_stays_up() {
    let bed = bed().await;
    let mut kiosk = station(&bed, 0).await;
    ws_send_raw(&mut kiosk, "{not json").await;
    assert_eq!(expect(&mut kiosk, "error").await["code"], "malformed");
    ws_send_raw(
        &mut kiosk,
        &format!(
            "{{\"type\":\"signal\",\"payload\":\"{}\"}}",
            "x".repeat(70_000)
        ),
    )
    .await;
    assert_eq!(expect(&mut kiosk, "error").await["code"], "too_large");
    kiosk
        .send(Message::binary(vec![0u8, 159, 146, 150]))
        .await
        .unwrap();
    assert_eq!(expect(&mut kiosk, "error").await["code"], "malformed");
    send(
        &mut kiosk,
        json!({"type": "call", "resident": "张三华 330302195001011234"}),
    )
    .await;
    assert_eq!(expect(&mut kiosk, "error").await["code"], "invalid");
    // Still up: a proper call is queued.
    send(&mut kiosk, call_message()).await;
    let queued = expect(&mut kiosk, "queued").await;
    assert_eq!(queued["position"], 1);

    let mut li = doctor(&bed, "li").await;
    ws_send_raw(&mut li, "[]").await;
    assert_eq!(expect(&mut li, "error").await["code"], "malformed");
    send(&mut li, json!({"type": "accept", "call": "no-such-call"})).await;
    assert_eq!(expect(&mut li, "error").await["code"], "no_such_call");
}

async fn ws_send_raw(ws: &mut Ws, text: &str) {
    ws.send(Message::text(text.to_string())).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_goes_from_the_queue_to_one_doctor_and_back_with_a_prescription() {
    let bed = bed().await;
    let mut li = doctor(&bed, "li").await;
    let mut zhao = doctor(&bed, "zhao").await;
    let mut kiosk = station(&bed, 0).await;
    send(&mut kiosk, call_message()).await;
    let queued = expect(&mut kiosk, "queued").await;
    let call = queued["call"].as_str().unwrap().to_string();
    assert_eq!(queued["wait_minutes"], 5);

    // The doctor of the station's group sees the masked resident and the vitals.
    let queue = loop {
        let q = expect(&mut li, "queue").await;
        if !q["calls"].as_array().unwrap().is_empty() {
            break q;
        }
    };
    let entry = &queue["calls"][0];
    assert_eq!(entry["resident"], "张*华 **************1234");
    assert_eq!(entry["station"], "五马街道禅街社区智慧健康站");
    assert_eq!(entry["vitals"][0]["value"], "168/102");
    // A doctor of another group cannot take it.
    send(&mut zhao, json!({"type": "accept", "call": call})).await;
    assert_eq!(expect(&mut zhao, "error").await["code"], "other_group");

    send(&mut li, json!({"type": "accept", "call": call})).await;
    let accepted = expect(&mut li, "accepted").await;
    assert_eq!(accepted["resident"], "张*华 **************1234");
    assert_eq!(expect(&mut kiosk, "accepted").await["doctor"], "李医生");

    // Signalling is relayed both ways, untouched.
    let offer = json!({"sdp": {"type": "offer", "sdp": "v=0\r\n"}});
    send(
        &mut li,
        json!({"type": "signal", "call": call, "payload": offer}),
    )
    .await;
    assert_eq!(expect(&mut kiosk, "signal").await["payload"], offer);
    let answer = json!({"sdp": {"type": "answer", "sdp": "v=0\r\n"}});
    send(&mut kiosk, json!({"type": "signal", "payload": answer})).await;
    assert_eq!(expect(&mut li, "signal").await["payload"], answer);

    // New readings during the call reach the doctor.
    send(
        &mut kiosk,
        json!({"type": "vitals", "vitals": [{"kind": "spo2", "value": "97", "unit": "%", "at": "t"}]}),
    )
    .await;
    assert_eq!(expect(&mut li, "vitals").await["vitals"][0]["value"], "97");

    send(
        &mut li,
        json!({"type": "notes", "call": call, "text": "血压偏高，建议复测"}),
    )
    .await;
    assert_eq!(expect(&mut li, "saved").await["what"], "notes");
    let items = json!([{"drug": "硝苯地平控释片", "dose": "30 mg", "quantity": "1 盒", "usage": "每日一次，早饭后"}]);
    send(
        &mut li,
        json!({"type": "prescription", "call": call, "items": items}),
    )
    .await;
    let rx = expect(&mut kiosk, "prescription").await;
    assert_eq!(rx["items"], items);
    assert_eq!(rx["doctor"], "李医生");
    assert_eq!(expect(&mut li, "saved").await["what"], "prescription");

    // The doctor hangs up; both sides hear it, and it is all on record.
    send(&mut li, json!({"type": "hangup", "call": call})).await;
    assert_eq!(
        expect(&mut kiosk, "ended").await["reason"],
        "doctor_hung_up"
    );
    assert_eq!(expect(&mut li, "ended").await["reason"], "doctor_hung_up");
    let record = records::consultation(bed.console.store(), &call).unwrap();
    assert_eq!(record.notes, "血压偏高，建议复测");
    assert_eq!(record.end_reason.as_deref(), Some("doctor_hung_up"));
    assert_eq!(record.prescriptions[0][0].drug, "硝苯地平控释片");
    let events: Vec<_> = bed
        .console
        .store()
        .audit()
        .unwrap()
        .into_iter()
        .filter(|a| a.call_id.as_deref() == Some(call.as_str()))
        .map(|a| a.event)
        .collect();
    assert_eq!(
        events,
        [
            "call_queued",
            "call_accepted",
            "notes_saved",
            "prescription_sent",
            "call_ended"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_doctors_accepting_the_same_call_exactly_one_wins() {
    let bed = bed().await;
    let mut li = doctor(&bed, "li").await;
    let mut wang = doctor(&bed, "wang").await;
    let mut kiosk = station(&bed, 0).await;
    send(&mut kiosk, call_message()).await;
    let call = expect(&mut kiosk, "queued").await["call"].clone();
    let accept = json!({"type": "accept", "call": call});
    let (a, b) = tokio::join!(
        send(&mut li, accept.clone()),
        send(&mut wang, accept.clone())
    );
    let _ = (a, b);
    // Each doctor gets either "accepted" or the error "already_taken".
    async fn outcome(ws: &mut Ws) -> String {
        loop {
            let v = expect_any(ws).await;
            match v["type"].as_str() {
                Some("accepted") => return "accepted".into(),
                Some("error") => return v["code"].as_str().unwrap().to_string(),
                _ => {}
            }
        }
    }
    let mut outcomes = vec![outcome(&mut li).await, outcome(&mut wang).await];
    outcomes.sort();
    assert_eq!(outcomes, ["accepted", "already_taken"]);
    expect(&mut kiosk, "accepted").await;
}

async fn expect_any(ws: &mut Ws) -> Value {
    let next = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .expect("a message within 10 s");
    match next {
        Some(Ok(Message::Text(text))) => serde_json::from_str(text.as_str()).unwrap(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_who_leaves_the_waiting_room_leaves_the_queue() {
    let bed = bed().await;
    let mut li = doctor(&bed, "li").await;
    let mut first = station(&bed, 0).await;
    let mut second = station(&bed, 1).await;
    send(&mut first, call_message()).await;
    let call = expect(&mut first, "queued").await["call"].clone();
    send(&mut second, call_message()).await;
    assert_eq!(expect(&mut second, "queued").await["position"], 2);
    send(&mut first, json!({"type": "leave"})).await;
    expect(&mut first, "left").await;
    // The second moves up (updates of its place come after each change: wait for the one that
    // follows the leave), and the doctor no longer sees the first.
    while expect(&mut second, "position").await["position"] != 1 {}
    loop {
        let q = expect(&mut li, "queue").await;
        let calls = q["calls"].as_array().unwrap();
        if calls.len() == 1 && calls[0]["call"] != call {
            break;
        }
    }
    let record = records::consultation(bed.console.store(), call.as_str().unwrap()).unwrap();
    assert_eq!(record.end_reason.as_deref(), Some("resident_left"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_doctor_who_drops_mid_call_sends_the_resident_back_to_the_front_of_the_queue() {
    let bed = bed().await;
    let mut li = doctor(&bed, "li").await;
    let mut kiosk = station(&bed, 0).await;
    let mut other = station(&bed, 1).await;
    send(&mut kiosk, call_message()).await;
    let call = expect(&mut kiosk, "queued").await["call"].clone();
    send(&mut other, call_message()).await;
    expect(&mut other, "queued").await;
    send(&mut li, json!({"type": "accept", "call": call})).await;
    expect(&mut kiosk, "accepted").await;
    drop(li);
    let requeued = expect(&mut kiosk, "requeued").await;
    assert_eq!(requeued["position"], 1);
    // The resident hangs up from the kiosk while waiting again: a doctor accepting later finds
    // nothing. And a hang-up from the kiosk in a call reaches the doctor.
    let mut wang = doctor(&bed, "wang").await;
    send(&mut wang, json!({"type": "accept", "call": call})).await;
    expect(&mut kiosk, "accepted").await;
    send(&mut kiosk, json!({"type": "hangup"})).await;
    assert_eq!(
        expect(&mut wang, "ended").await["reason"],
        "resident_hung_up"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_whose_network_blips_keeps_its_call_and_one_that_stays_away_loses_it() {
    let bed = bed().await;
    let mut li = doctor(&bed, "li").await;
    let mut kiosk = station(&bed, 0).await;
    send(&mut kiosk, call_message()).await;
    let call = expect(&mut kiosk, "queued").await["call"].clone();
    send(&mut li, json!({"type": "accept", "call": call})).await;
    expect(&mut kiosk, "accepted").await;

    drop(kiosk);
    assert_eq!(expect(&mut li, "station_away").await["call"], call);
    bed.advance(5);
    let mut kiosk = station(&bed, 0).await;
    assert_eq!(expect(&mut kiosk, "accepted").await["doctor"], "李医生");
    assert_eq!(expect(&mut li, "station_back").await["call"], call);

    drop(kiosk);
    expect(&mut li, "station_away").await;
    bed.advance(21);
    bed.console.sweep();
    assert_eq!(expect(&mut li, "ended").await["reason"], "station_lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_passwords_lock_the_account_and_sessions_expire() {
    let bed = bed().await;
    for _ in 0..4 {
        let (status, body) = login(bed.addr, "li", "wrong password!").await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("wrong_credentials"))
        );
    }
    // An unknown name gets the same answer as a wrong password.
    assert_eq!(login(bed.addr, "nobody", "wrong password!").await.0, 401);
    let (status, body) = login(bed.addr, "li", "wrong password!").await;
    assert_eq!((status, body["error"].as_str()), (423, Some("locked")));
    // Locked even with the right password, until the lockout ends.
    assert_eq!(login(bed.addr, "li", PASSWORD).await.0, 423);
    bed.advance(15 * 60 + 1);
    let (status, body) = login(bed.addr, "li", PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let events: Vec<_> = bed
        .console
        .store()
        .audit()
        .unwrap()
        .into_iter()
        .map(|a| a.event)
        .filter(|e| e.starts_with("login") || e == "doctor_locked")
        .collect();
    assert_eq!(
        events,
        [
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed",
            "doctor_locked",
            "login_refused_locked",
            "login"
        ]
    );

    // The session works now, and not after 31 idle minutes.
    let token = body["token"].clone();
    let mut ws = connect(bed.addr, "/ws/doctor").await;
    send(&mut ws, json!({"type": "auth", "token": token})).await;
    expect(&mut ws, "welcome").await;
    bed.advance(31 * 60);
    let mut ws = connect(bed.addr, "/ws/doctor").await;
    send(&mut ws, json!({"type": "auth", "token": token})).await;
    assert_eq!(
        expect(&mut ws, "refused").await["reason"],
        "not_authenticated"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_trying_many_accounts_is_held_off_without_a_password_check() {
    use station_clinic::throttle::{MAX_FAILURES, WINDOW_MINUTES};
    let bed = bed().await;
    // Guessing across accounts (each stays below its own lockout), claiming to come through a
    // proxy: the console is not configured to trust one, so the header changes nothing.
    for i in 0..MAX_FAILURES {
        let user = match i {
            0 | 2 => "li".to_string(),
            1 | 3 => "zhao".to_string(),
            _ => format!("nobody{i}"),
        };
        let forwarded = format!("192.0.2.{i}");
        let ((status, _), _) =
            login_forwarded(bed.addr, &user, "wrong password!", Some(&forwarded)).await;
        assert_eq!(status, 401, "try {i}");
    }
    // Now this machine waits, even with a right password, and is told how long.
    let ((status, body), retry) = login_forwarded(bed.addr, "wang", PASSWORD, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("too_many_attempts"))
    );
    let retry: i64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=WINDOW_MINUTES * 60).contains(&retry), "{retry}");
    let audit = bed.console.store().audit().unwrap();
    assert!(
        audit.iter().any(|a| a.event == "login_refused_address"),
        "{audit:?}"
    );
    // After the window, a right password works again.
    bed.advance(WINDOW_MINUTES * 60);
    assert_eq!(login(bed.addr, "wang", PASSWORD).await.0, 200);
}
