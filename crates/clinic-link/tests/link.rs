//! The link against the real doctor console on loopback (the `station-clinic` server with its
//! SQLite store), through a TCP relay the test can cut or freeze like a failing network.

// Test fixtures outside `#[test]` functions: a failed setup stops the test with its error.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use station_clinic::testbed::{TestConsole, PASSWORD};
use station_clinic_link::{ClinicLink, LinkConfig, LinkError, LinkEvent};
use station_clinic_protocol::{FromStation, ToStation, Vital};

/// A TCP relay between the link and the console: `cut` drops every connection (a blip),
/// `freeze` stops forwarding but keeps them open (a cable pulled somewhere upstream).
struct Relay {
    addr: SocketAddr,
    streams: Arc<Mutex<Vec<TcpStream>>>,
    frozen: Arc<AtomicBool>,
}

impl Relay {
    fn to(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let streams: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let frozen = Arc::new(AtomicBool::new(false));
        let (kept, frozen2) = (streams.clone(), frozen.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                for s in [&client, &server] {
                    kept.lock().unwrap().push(s.try_clone().unwrap());
                }
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let frozen = frozen2.clone();
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 {
                                break;
                            }
                            if frozen.load(Ordering::SeqCst) {
                                continue;
                            }
                            if to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Relay {
            addr,
            streams,
            frozen,
        }
    }

    fn cut(&self) {
        for s in self.streams.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }
}

fn start_link(url: String, key: &str) -> (ClinicLink, Receiver<LinkEvent>) {
    let (tx, rx) = mpsc::channel();
    let link = ClinicLink::start(
        LinkConfig {
            url,
            station: "s1".into(),
            key: key.into(),
        },
        move |e| {
            let _ = tx.send(e);
        },
    )
    .unwrap();
    (link, rx)
}

/// The next event matching `want`, skipping others; fails after `within`.
fn wait(
    rx: &Receiver<LinkEvent>,
    within: Duration,
    want: impl Fn(&LinkEvent) -> bool,
) -> LinkEvent {
    let until = std::time::Instant::now() + within;
    loop {
        let left = until.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(e) if want(&e) => return e,
            Ok(_) => {}
            Err(e) => panic!("no matching event within {within:?}: {e}"),
        }
    }
}

fn connected(e: &LinkEvent) -> bool {
    matches!(e, LinkEvent::Connected { .. })
}

fn queued(e: &LinkEvent) -> bool {
    matches!(e, LinkEvent::Console(ToStation::Queued { .. }))
}

fn call() -> FromStation {
    FromStation::Call {
        resident: "张*华 **************1234".into(),
        vitals: vec![Vital {
            kind: "blood_pressure".into(),
            value: "168/102".into(),
            unit: "mmHg".into(),
            at: "2026-12-01T09:00:00+08:00".into(),
        }],
    }
}

/// A doctor's page, reduced to its socket: signs in and accepts the first waiting call.
fn doctor_accepts(
    clinic: &TestConsole,
) -> tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>> {
    let (token, _) = clinic.console.accounts().login("li", PASSWORD).unwrap();
    let (mut ws, _) = tungstenite::connect(format!("ws://{}/ws/doctor", clinic.addr)).unwrap();
    ws.send(tungstenite::Message::text(
        json!({"type": "auth", "token": token}).to_string(),
    ))
    .unwrap();
    loop {
        let text = ws.read().unwrap().into_text().unwrap();
        let v: Value = serde_json::from_str(text.as_str()).unwrap();
        if v["type"] == "queue" {
            if let Some(call) = v["calls"][0]["call"].as_str() {
                let accept = json!({"type": "accept", "call": call}).to_string();
                ws.send(tungstenite::Message::text(accept)).unwrap();
                return ws;
            }
        }
    }
}

#[test]
fn the_station_calls_and_a_doctor_answers() {
    let clinic = TestConsole::start();
    let (link, rx) = start_link(format!("ws://{}", clinic.addr), &clinic.keys[0]);
    let LinkEvent::Connected {
        station_name,
        ice_servers,
        relay_only,
    } = wait(&rx, Duration::from_secs(10), connected)
    else {
        unreachable!()
    };
    assert_eq!(station_name, "五马街道禅街社区智慧健康站");
    assert!(ice_servers.is_empty() && !relay_only, "no relay configured");
    link.send(call()).unwrap();
    let LinkEvent::Console(ToStation::Queued { position, .. }) =
        wait(&rx, Duration::from_secs(10), queued)
    else {
        unreachable!()
    };
    assert_eq!(position, 1);
    let _doctor = doctor_accepts(&clinic);
    let accepted = wait(&rx, Duration::from_secs(10), |e| {
        matches!(e, LinkEvent::Console(ToStation::Accepted { .. }))
    });
    assert!(
        matches!(&accepted, LinkEvent::Console(ToStation::Accepted { doctor, call: Some(_) })
            if doctor == "李医生"),
        "{accepted:?}"
    );
}

#[test]
fn a_network_blip_is_said_and_the_station_gets_its_place_back() {
    let clinic = TestConsole::start();
    let relay = Relay::to(clinic.addr);
    let (link, rx) = start_link(format!("ws://{}", relay.addr), &clinic.keys[0]);
    wait(&rx, Duration::from_secs(10), connected);
    link.send(call()).unwrap();
    let LinkEvent::Console(ToStation::Queued { call: first, .. }) =
        wait(&rx, Duration::from_secs(10), queued)
    else {
        unreachable!()
    };
    relay.cut();
    let down = wait(&rx, Duration::from_secs(10), |e| {
        matches!(e, LinkEvent::Disconnected { .. })
    });
    assert!(
        matches!(down, LinkEvent::Disconnected { retry_in, .. } if retry_in == Duration::from_secs(1)),
        "{down:?}"
    );
    assert_eq!(link.send(FromStation::Leave {}), Err(LinkError::Offline));
    // Back within the console's grace period: same call, same place.
    wait(&rx, Duration::from_secs(10), connected);
    let LinkEvent::Console(ToStation::Queued {
        call: again,
        position,
        ..
    }) = wait(&rx, Duration::from_secs(10), queued)
    else {
        unreachable!()
    };
    assert_eq!((again, position), (first, 1));
}

#[test]
fn a_connection_that_goes_silent_is_ended_and_tried_again() {
    let clinic = TestConsole::start();
    let relay = Relay::to(clinic.addr);
    let (_link, rx) = start_link(format!("ws://{}", relay.addr), &clinic.keys[0]);
    wait(&rx, Duration::from_secs(10), connected);
    relay.freeze();
    let down = wait(&rx, Duration::from_secs(30), |e| {
        matches!(e, LinkEvent::Disconnected { .. })
    });
    assert!(
        matches!(&down, LinkEvent::Disconnected { reason, .. } if reason.contains("nothing heard")),
        "{down:?}"
    );
}

#[test]
fn an_unknown_key_is_refused_and_an_absent_console_is_retried_with_growing_pauses() {
    let clinic = TestConsole::start();
    let (link, rx) = start_link(format!("ws://{}", clinic.addr), "not-the-key");
    let refused = wait(&rx, Duration::from_secs(10), |e| {
        matches!(e, LinkEvent::Refused { .. })
    });
    assert_eq!(
        refused,
        LinkEvent::Refused {
            reason: "unknown_station".into()
        }
    );
    assert_eq!(link.send(call()), Err(LinkError::Offline));
    drop(link);

    // Nothing listens on this port.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (_link, rx) = start_link(format!("ws://{closed}"), &clinic.keys[0]);
    let pauses: Vec<_> = (0..2)
        .map(|_| {
            match wait(&rx, Duration::from_secs(10), |e| {
                matches!(e, LinkEvent::Disconnected { .. })
            }) {
                LinkEvent::Disconnected { retry_in, .. } => retry_in,
                _ => unreachable!(),
            }
        })
        .collect();
    assert_eq!(pauses, [Duration::from_secs(1), Duration::from_secs(2)]);
}

/// The console's relays (its `[[ice_servers]]` and `relay_only`) reach the kiosk as it connects:
/// the kiosk offers its media through them.
#[test]
fn the_console_names_its_relays_to_the_station() {
    let clinic = TestConsole::start_with(
        "relay_only = true\n[[ice_servers]]\nurls = [\"turn:127.0.0.1:3478?transport=udp\"]\n\
         username = \"station\"\ncredential = \"relay-secret\"\n",
    );
    let (_link, rx) = start_link(format!("ws://{}", clinic.addr), &clinic.keys[0]);
    let LinkEvent::Connected {
        ice_servers,
        relay_only,
        ..
    } = wait(&rx, Duration::from_secs(10), connected)
    else {
        unreachable!()
    };
    assert!(relay_only);
    assert_eq!(ice_servers.len(), 1);
    assert_eq!(ice_servers[0].urls, ["turn:127.0.0.1:3478?transport=udp"]);
    assert_eq!(ice_servers[0].username.as_deref(), Some("station"));
    assert_eq!(ice_servers[0].credential.as_deref(), Some("relay-secret"));
}
