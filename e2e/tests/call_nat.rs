//! The kiosk behind a real NAT (the kernel's, `src/nat.rs`: network namespaces, nftables
//! masquerade), the STUN server (coturn) and the doctor's side on the public network. Asked from
//! behind the NAT, the STUN server sees the router's address; the kiosk offers it as a
//! server-reflexive (`srflx`) candidate beside its private host address, the call carries picture
//! and sound both ways, and every packet the doctor gets comes from the router's address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use station_call::audio::{CountingSpeaker, TestTone};
use station_call::pattern::TestPattern;
use station_call::reflexive::StunServer;
use station_call::testbed::TestPeer;
use station_call::{CallDevices, MediaCall, MediaSettings};
use station_e2e::nat::{self, Nat};
use station_e2e::turn::PrivateTurn;

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

/// (address, port, type) of each `a=candidate` line.
fn candidates(sdp: &str) -> Vec<(IpAddr, u16, String)> {
    sdp.lines()
        .filter(|l| l.starts_with("a=candidate"))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((
                f.get(4)?.parse().ok()?,
                f.get(5)?.parse().ok()?,
                f.get(7)?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn behind_a_nat_the_kiosk_offers_the_address_it_is_seen_from_and_the_call_flows() {
    let nat = Nat::build().expect("a NAT of network namespaces (root, iproute2, nftables)");
    let turn = PrivateTurn::start_behind(&nat).expect("coturn on the public network");
    let (kiosk, router, public) = (
        Ipv4Addr::from(nat::KIOSK),
        Ipv4Addr::from(nat::ROUTER_PUBLIC),
        Ipv4Addr::from(nat::PUBLIC_HOST),
    );
    let stun = StunServer::parse(&format!("stun:{public}:{}", turn.port)).expect("stun address");
    let (peer, offer) = nat.in_public_network(|| TestPeer::offer_at(SocketAddr::from((public, 0))));

    let speaker = CountingSpeaker::default();
    let devices = CallDevices {
        camera: Some(Box::new(TestPattern::new(640, 480))),
        microphone: Some(Box::new(TestTone::new())),
        speaker: Some(Box::new(speaker.clone())),
    };
    let settings = MediaSettings {
        addresses: vec![IpAddr::V4(kiosk)],
        stun: vec![stun],
        ..MediaSettings::default()
    };
    // The kiosk's sockets (and the call's threads) live on the private network.
    let (call, answer) = nat
        .in_kiosk_network(|| MediaCall::answer(&offer, &settings, devices, |_| {}))
        .expect("answered");
    let offered = candidates(answer["sdp"].as_str().expect("sdp"));
    let host = offered
        .iter()
        .find(|(_, _, kind)| kind == "host")
        .unwrap_or_else(|| panic!("a host candidate: {offered:?}"));
    assert_eq!(host.0, IpAddr::V4(kiosk));
    let reflexive = offered
        .iter()
        .find(|(_, _, kind)| kind == "srflx")
        .unwrap_or_else(|| panic!("a srflx candidate from behind the NAT: {offered:?}"));
    assert_eq!(
        reflexive.0,
        IpAddr::V4(router),
        "the router's public address"
    );

    let doctor = peer.connect(&answer);
    assert!(
        doctor.wait_for(Duration::from_secs(20), |c| c
            .frames_with_bars
            .load(Ordering::Relaxed)
            >= 10),
        "the doctor sees the resident's camera through the NAT: {:?}",
        doctor.counts
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
        wait_until(Duration::from_secs(10), || speaker
            .counts()
            .loud_frames
            .load(Ordering::Relaxed)
            >= 25),
        "the kiosk plays the doctor's voice: {:?}",
        call.stats()
    );
    // The doctor never saw the private address: every packet came through the router, and
    // the mapping the STUN server reported is the one the call used.
    let sources = doctor
        .counts
        .sources
        .lock()
        .map(|s| s.clone())
        .unwrap_or_default();
    assert!(
        !sources.is_empty() && sources.iter().all(|s| s.ip() == IpAddr::V4(router)),
        "the packets' sources: {sources:?}"
    );
    assert!(
        sources.contains(&SocketAddr::new(reflexive.0, reflexive.1)),
        "the srflx address {reflexive:?} among {sources:?}"
    );
    call.stop();
    doctor.stop();
}
