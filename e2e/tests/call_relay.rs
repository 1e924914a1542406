//! The kiosk's media through a TURN relay (coturn on loopback), from the kiosk's own side: with
//! `relay_only` the kiosk answers with its relayed address alone, so every packet of picture and
//! sound between it and the doctor's side (str0m offering like a browser, on loopback) goes
//! through the relay. The relay logs the allocation, the permission for the doctor's side and,
//! when the call ends, the allocation freed at once. The same coturn is the STUN server that
//! tells a kiosk the address it is seen from (its server-reflexive candidate).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use station_call::audio::{CountingSpeaker, TestTone};
use station_call::pattern::TestPattern;
use station_call::testbed::TestPeer;
use station_call::{CallDevices, MediaCall, MediaError, MediaSettings, RelayError, TurnServer};
use station_e2e::turn::{PrivateTurn, PASSWORD, USER};

/// Relay-only through the test's coturn, reached over `transport` ("udp" or "tcp").
fn relay_only_over(turn: &PrivateTurn, transport: &str) -> MediaSettings {
    let server = TurnServer::parse(
        &format!("turn:127.0.0.1:{}?transport={transport}", turn.port),
        Some(USER),
        Some(PASSWORD),
    )
    .expect("the test relay's address");
    MediaSettings {
        addresses: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        relays: vec![server],
        relay_only: true,
        ..MediaSettings::default()
    }
}

fn relay_only(turn: &PrivateTurn) -> MediaSettings {
    relay_only_over(turn, "udp")
}

fn devices(speaker: &CountingSpeaker) -> CallDevices {
    CallDevices {
        camera: Some(Box::new(TestPattern::new(640, 480))),
        microphone: Some(Box::new(TestTone::new())),
        speaker: Some(Box::new(speaker.clone())),
    }
}

fn wait_until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

/// The `a=candidate` lines of an SDP text.
fn candidates(sdp: &str) -> Vec<&str> {
    sdp.lines()
        .filter(|l| l.starts_with("a=candidate"))
        .collect()
}

#[test]
fn a_relay_only_call_carries_picture_and_sound_both_ways_through_the_relay() {
    relay_only_call_flows("udp");
}

/// Where a network lets only TCP out: the kiosk reaches the relay over TCP (the relayed
/// address is still UDP), and the call is the same.
#[test]
fn a_relay_reached_over_tcp_carries_the_call_the_same() {
    let log = relay_only_call_flows("tcp");
    // The kiosk's session was a TCP one, with its credentials, closed by the kiosk at hang-up.
    assert!(
        log.lines()
            .any(|l| l.contains("user <station>") && l.contains("TCP connection closed by client")),
        "coturn saw no TCP session of the kiosk's:\n{log}"
    );
}

/// A relay-only call through coturn reached over `transport`; what coturn logged.
fn relay_only_call_flows(transport: &str) -> String {
    let turn = PrivateTurn::start().expect("coturn on loopback");
    let (peer, offer) = TestPeer::offer();
    let speaker = CountingSpeaker::default();
    let settings = relay_only_over(&turn, transport);
    let (call, answer) = MediaCall::answer(&offer, &settings, devices(&speaker), |_| {})
        .expect("the offer is answered through the relay");
    let sdp = answer["sdp"].as_str().expect("the answer's sdp");
    let offered = candidates(sdp);
    assert!(
        !offered.is_empty() && offered.iter().all(|c| c.contains("typ relay")),
        "only the relayed address is offered: {offered:?}"
    );
    assert!(
        offered
            .iter()
            .all(|c| !c.contains(&format!(" {} ", turn.port))),
        "the relayed address is the relay's, not its listening port: {offered:?}"
    );

    let doctor = peer.connect(&answer);
    assert!(
        doctor.wait_for(Duration::from_secs(20), |c| c
            .frames_with_bars
            .load(Ordering::Relaxed)
            >= 10),
        "the doctor decodes the resident's camera through the relay: {:?}\n{}",
        doctor.counts,
        turn.log()
    );
    assert!(
        doctor.wait_for(Duration::from_secs(10), |c| c
            .audio_frames_heard
            .load(Ordering::Relaxed)
            >= 25),
        "the doctor hears the resident: {:?}",
        doctor.counts
    );
    assert!(
        wait_until(Duration::from_secs(10), || call.stats().frames_received
            >= 5
            && speaker.counts().loud_frames.load(Ordering::Relaxed) >= 25),
        "the kiosk gets the doctor's picture and voice: {:?}",
        call.stats()
    );
    let stats = call.stats();
    // Relay-only: every packet of the doctor's (each frame and sound is one or more) came
    // through the relay.
    assert!(
        stats.packets_relayed >= stats.frames_received + stats.audio_frames_played,
        "the doctor's packets came through the relay: {stats:?}"
    );
    let log = turn.log();
    for what in ["ALLOCATE", "CREATE_PERMISSION"] {
        assert!(log.contains(what), "the relay never handled {what}:\n{log}");
    }

    // Hanging up frees the allocation on the relay at once (a refresh with no lifetime left).
    let refreshes = || turn.log().matches("REFRESH").count();
    let before = refreshes();
    call.stop();
    assert!(
        wait_until(Duration::from_secs(5), || refreshes() > before),
        "the allocation was not freed:\n{}",
        turn.log()
    );
    doctor.stop();
    turn.log()
}

/// A relay with the wrong password, or none answering: a relay-only call is refused with the
/// reason (the kiosk's log names it), and no camera or microphone is left open for it.
#[test]
fn a_relay_only_call_without_a_working_relay_is_refused_with_the_reason() {
    let turn = PrivateTurn::start().expect("coturn on loopback");
    let (_peer, offer) = TestPeer::offer();
    let mut settings = relay_only(&turn);
    settings.relays[0].credential = "not-the-password".into();
    let refused = MediaCall::answer(
        &offer,
        &settings,
        devices(&CountingSpeaker::default()),
        |_| {},
    );
    assert!(
        matches!(refused, Err(MediaError::Relay(RelayError::Refused(_)))),
        "{:?}",
        refused.err()
    );

    settings.relays.clear();
    let (_peer, offer) = TestPeer::offer();
    let refused = MediaCall::answer(
        &offer,
        &settings,
        devices(&CountingSpeaker::default()),
        |_| {},
    );
    assert!(
        matches!(refused, Err(MediaError::NoRelay)),
        "{:?}",
        refused.err()
    );
}

/// coturn is also the STUN server a console names (`stun:` in `[[ice_servers]]`): asked from a
/// kiosk socket, it answers with the address it sees the socket's packets come from. On loopback
/// there is no NAT, so that is the socket's own, and the kiosk offers no `srflx` copy of its host
/// candidate (the call goes direct as before).
#[test]
fn the_stun_server_tells_the_kiosk_the_address_it_is_seen_from() {
    use station_call::reflexive::{mapped_address, ReflexiveError, StunServer};

    let turn = PrivateTurn::start().expect("coturn on loopback");
    let stun = StunServer::parse(&format!("stun:127.0.0.1:{}", turn.port)).expect("stun address");
    let server = std::net::SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), stun.port);
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let seen = mapped_address(&socket, server, Duration::from_secs(2)).expect("coturn answers");
    assert_eq!(seen, socket.local_addr().expect("local"));

    // A call whose console names the STUN server: offered, asked, and answered direct.
    let speaker = CountingSpeaker::default();
    let settings = MediaSettings {
        addresses: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        stun: vec![stun],
        ..MediaSettings::default()
    };
    let (peer, offer) = TestPeer::offer();
    let (call, answer) =
        MediaCall::answer(&offer, &settings, devices(&speaker), |_| {}).expect("answered");
    let sdp = answer["sdp"].as_str().expect("sdp");
    let offered = candidates(sdp);
    assert!(
        !offered.is_empty() && offered.iter().all(|c| c.contains("typ host")),
        "no NAT on loopback, so no srflx copy: {offered:?}"
    );
    let _doctor = peer.connect(&answer);
    assert!(
        wait_until(Duration::from_secs(20), || call.stats().frames_received
            >= 5),
        "the call goes direct: {:?}",
        call.stats()
    );
    call.stop();

    // A STUN port nobody answers on: refused in time, by name.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let at = silent.local_addr().expect("addr");
    assert_eq!(
        mapped_address(&socket, at, Duration::from_millis(300)),
        Err(ReflexiveError::NoAnswer(at))
    );
}
