//! The kiosk's end of a TURN relay (RFC 8656, over UDP), for a station whose network the doctor's
//! side cannot reach directly: one allocation on the console's TURN server, made before the
//! kiosk answers the doctor's offer, its relayed address offered as a `relay` candidate.
//!
//! str0m has no TURN client; `turn-client-proto` is sans-IO like str0m, so the call's loop moves
//! the relay's datagrams: this module wraps what str0m sends from the relayed address (Send
//! indications, after a permission for the peer), unwraps what the server forwards (Data
//! indications, channel data) and runs the refreshes. The media stays DTLS-SRTP end to end: the
//! relay forwards what it cannot read.

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

use thiserror::Error;
use turn_client_proto::api::{TurnClientApi, TurnConfig, TurnEvent, TurnPollRet, TurnRecvRet};
use turn_client_proto::stun::agent::Transmit;
use turn_client_proto::stun::Instant as TurnInstant;
use turn_client_proto::types::{TransportType, TurnCredentials};
use turn_client_proto::udp::TurnClientUdp;

/// The TURN port when a `turn:` address names none (RFC 8656).
const DEFAULT_PORT: u16 = 3478;
/// Largest datagram read from the relay (a relayed WebRTC packet plus the TURN header).
const MAX_DATAGRAM: usize = 2048;

/// A TURN server reached over UDP, with its long-term credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct TurnServer {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub credential: String,
}

impl fmt::Debug for TurnServer {
    /// Without the credential: it ends up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TurnServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RelayError {
    /// `stun:`, `turns:` (TLS), `?transport=tcp`, or not an address at all: the kiosk's relay
    /// client speaks TURN over UDP only.
    #[error("{0:?} is not a TURN address over UDP (turn:host[:port][?transport=udp])")]
    NotUdpTurn(String),
    #[error("the relay {0} has no username and credential")]
    NoCredentials(String),
    #[error("the relay {host} cannot be found: {reason}")]
    Unresolved { host: String, reason: String },
    #[error("the relay {0} did not answer")]
    NoAnswer(SocketAddr),
    #[error("the relay {0} refused the allocation (wrong credentials, or full)")]
    Refused(SocketAddr),
    #[error("network: {0}")]
    Network(String),
}

impl From<std::io::Error> for RelayError {
    fn from(e: std::io::Error) -> Self {
        RelayError::Network(e.to_string())
    }
}

impl TurnServer {
    /// `turn:host[:port][?transport=udp]` (RFC 7065; an IPv6 host in brackets) with the
    /// credentials of its entry.
    pub fn parse(
        url: &str,
        username: Option<&str>,
        credential: Option<&str>,
    ) -> Result<TurnServer, RelayError> {
        let not_udp = || RelayError::NotUdpTurn(url.to_string());
        let rest = url.strip_prefix("turn:").ok_or_else(not_udp)?;
        let (address, query) = rest.split_once('?').unwrap_or((rest, ""));
        if !(query.is_empty() || query == "transport=udp") {
            return Err(not_udp());
        }
        let (host, port) = host_and_port(address).ok_or_else(not_udp)?;
        match (username, credential) {
            (Some(u), Some(c)) if !u.is_empty() => Ok(TurnServer {
                host: host.to_string(),
                port,
                username: u.to_string(),
                credential: c.to_string(),
            }),
            _ => Err(RelayError::NoCredentials(url.to_string())),
        }
    }

    fn resolve(&self) -> Result<SocketAddr, RelayError> {
        resolve(&self.host, self.port).map_err(|reason| RelayError::Unresolved {
            host: self.host.clone(),
            reason,
        })
    }
}

/// `host[:port]` of a `turn:` or `stun:` address (RFC 7064/7065; an IPv6 host in brackets), the
/// port 3478 when it names none. `None` when it is no such thing.
pub(crate) fn host_and_port(address: &str) -> Option<(&str, u16)> {
    let (host, port) = match address.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            host.parse::<std::net::Ipv6Addr>().ok()?;
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':')?)),
            }
        }
        None => match address.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (address, None),
        },
    };
    let port = match port {
        Some(p) => p.parse::<u16>().ok().filter(|p| *p != 0)?,
        None => DEFAULT_PORT,
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    host_ok.then_some((host, port))
}

/// The first address `host` resolves to, IPv4 first: the kiosk's own addresses are IPv4
/// (`net::host_addresses`).
pub(crate) fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    let found: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| found.first())
        .copied()
        .ok_or_else(|| "no address".into())
}

/// Where the allocation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Allocation {
    Asked,
    Made,
    Refused,
}

/// One allocation on a TURN server, and the socket that speaks to it.
pub(crate) struct Relay {
    client: TurnClientUdp,
    socket: UdpSocket,
    server: SocketAddr,
    local: SocketAddr,
    relayed: SocketAddr,
    /// What `Instant`s are counted from on the relay's clock.
    epoch: Instant,
    /// Peers whose permission was asked for and has not come (or failed) yet.
    asked: HashSet<IpAddr>,
    allocation: Allocation,
}

impl Relay {
    /// Allocates a relayed address on `server` from a new socket, waiting at most `within`
    /// (the server's 401 challenge, then the request with the credentials).
    pub fn allocate(server: &TurnServer, within: Duration) -> Result<Relay, RelayError> {
        let address = server.resolve()?;
        let any: SocketAddr = if address.is_ipv4() {
            (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        };
        let socket = UdpSocket::bind(any)?;
        // Connected: the socket's address is the interface toward the server (the candidate's
        // base), and datagrams from anyone else are not even read.
        socket.connect(address)?;
        let local = socket.local_addr()?;
        let config = TurnConfig::new(TurnCredentials::new(&server.username, &server.credential));
        let mut relay = Relay {
            client: TurnClientUdp::allocate(local, address, config),
            socket,
            server: address,
            local,
            relayed: local,
            epoch: Instant::now(),
            asked: HashSet::new(),
            allocation: Allocation::Asked,
        };
        let deadline = Instant::now() + within;
        let mut buf = vec![0u8; MAX_DATAGRAM];
        // A server that answers but never allocates (it keeps challenging: wrong credentials)
        // refused; one that never answers is not there.
        let mut heard = false;
        loop {
            let now = Instant::now();
            relay.flush(now);
            match relay.allocation {
                Allocation::Made => {
                    relay.socket.set_read_timeout(None)?;
                    return Ok(relay);
                }
                Allocation::Refused => return Err(RelayError::Refused(address)),
                Allocation::Asked => {}
            }
            let left = deadline.saturating_duration_since(now);
            if left.is_zero() {
                return Err(if heard {
                    RelayError::Refused(address)
                } else {
                    RelayError::NoAnswer(address)
                });
            }
            relay
                .socket
                .set_read_timeout(Some(left.min(Duration::from_millis(50))))?;
            match relay.socket.recv(&mut buf) {
                Ok(n) => {
                    heard = true;
                    let _ = relay.receive(&buf[..n], Instant::now());
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                // "Port unreachable" from a server that is not there: it did not answer.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    return Err(RelayError::NoAnswer(address));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The address on the relay that peers send to (the `relay` candidate).
    pub fn relayed(&self) -> SocketAddr {
        self.relayed
    }

    /// This side's socket address toward the relay (the candidate's local address).
    pub fn local(&self) -> SocketAddr {
        self.local
    }

    pub fn socket(&self) -> &UdpSocket {
        &self.socket
    }

    /// Whether a datagram read on `local` from `source` is the relay's to unwrap.
    pub fn carries(&self, source: SocketAddr, local: SocketAddr) -> bool {
        source == self.server && local == self.local
    }

    /// Sends `data` to `peer` through the relay. The first packets to a new peer go before
    /// its permission is installed and are dropped: ICE sends its checks again.
    pub fn send(&mut self, peer: SocketAddr, data: &[u8], at: Instant) {
        let now = self.clock(at);
        if !self.client.have_permission(TransportType::Udp, peer.ip())
            && self.asked.insert(peer.ip())
        {
            if let Err(e) = self
                .client
                .create_permission(TransportType::Udp, peer.ip(), now)
            {
                tracing::debug!(error = %e, "no permission asked for a peer of the relay");
            }
        }
        if let Ok(Some(transmit)) = self.client.send_to(TransportType::Udp, peer, data, now) {
            let transmit = transmit.build();
            let _ = self.socket.send(&transmit.data);
        }
        self.flush(at);
    }

    /// A datagram from the server: the peers' data inside it, as (peer, bytes).
    pub fn receive(&mut self, datagram: &[u8], at: Instant) -> Vec<(SocketAddr, Vec<u8>)> {
        let now = self.clock(at);
        let mut out = Vec::new();
        let transmit = Transmit::new(datagram, TransportType::Udp, self.server, self.local);
        if let TurnRecvRet::PeerData(data) = self.client.recv(transmit, now) {
            out.push((data.peer, data.data().to_vec()));
        }
        while let Some(data) = self.client.poll_recv(now) {
            out.push((data.peer, data.data().to_vec()));
        }
        self.flush(at);
        out
    }

    /// Runs the relay's timers (refreshes of the allocation and the permissions, retransmits);
    /// when to come back. `None`: the allocation is gone.
    pub fn poll(&mut self, at: Instant) -> Option<Instant> {
        let next = self.flush(at)?;
        Some(self.epoch + Duration::from_nanos(u64::try_from(next.as_nanos()).unwrap_or(0)))
    }

    /// Sends what the client has queued and notes its events; the client's next timer.
    fn flush(&mut self, at: Instant) -> Option<TurnInstant> {
        let now = self.clock(at);
        let next = match self.client.poll(now) {
            TurnPollRet::WaitUntil(next) => Some(next),
            TurnPollRet::Closed => None,
            // TCP allocations only: never asked for.
            _ => Some(now + Duration::from_secs(1)),
        };
        while let Some(transmit) = self.client.poll_transmit(now) {
            let _ = self.socket.send(transmit.data.as_ref());
        }
        while let Some(event) = self.client.poll_event() {
            match event {
                TurnEvent::AllocationCreated(TransportType::Udp, relayed) => {
                    self.relayed = relayed;
                    self.allocation = Allocation::Made;
                }
                TurnEvent::PermissionCreated(_, peer) => {
                    self.asked.remove(&peer);
                }
                TurnEvent::PermissionCreateFailed(_, peer) => {
                    tracing::warn!(%peer, "the relay refused a permission for the doctor's side");
                    self.asked.remove(&peer);
                }
                TurnEvent::AllocationCreateFailed(_) => {
                    if self.allocation == Allocation::Made {
                        tracing::warn!(server = %self.server, "the relay's allocation was lost");
                    }
                    self.allocation = Allocation::Refused;
                }
                _ => {}
            }
        }
        next
    }

    fn clock(&self, at: Instant) -> TurnInstant {
        let since = at.saturating_duration_since(self.epoch).as_nanos();
        TurnInstant::from_nanos(i64::try_from(since).unwrap_or(i64::MAX))
    }
}

impl Drop for Relay {
    /// The allocation is freed on the server at once, not when its lifetime runs out.
    fn drop(&mut self) {
        let now = Instant::now();
        if self.client.delete(self.clock(now)).is_ok() {
            let _ = self.flush(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn parse(url: &str) -> Result<TurnServer, RelayError> {
        TurnServer::parse(url, Some("station"), Some("secret"))
    }

    #[test]
    fn turn_addresses_over_udp_are_read() {
        let s = parse("turn:relay.example.org:3479?transport=udp").expect("turn");
        assert_eq!((s.host.as_str(), s.port), ("relay.example.org", 3479));
        assert_eq!(
            (s.username.as_str(), s.credential.as_str()),
            ("station", "secret")
        );
        let s = parse("turn:10.0.0.7").expect("no port");
        assert_eq!((s.host.as_str(), s.port), ("10.0.0.7", 3478));
        let s = parse("turn:[2001:db8::1]:3480").expect("IPv6");
        assert_eq!((s.host.as_str(), s.port), ("2001:db8::1", 3480));
    }

    #[test]
    fn other_servers_and_transports_are_refused_by_name() {
        for url in [
            "stun:relay.example.org:3478",
            "turns:relay.example.org:5349",
            "turn:relay.example.org:3478?transport=tcp",
            "turn:",
            "turn:relay.example.org:0",
            "turn:relay.example.org:99999",
            "turn:[not-ipv6]:3478",
            "turn:user@relay.example.org",
            "turn:relay example",
        ] {
            assert_eq!(
                parse(url),
                Err(RelayError::NotUdpTurn(url.to_string())),
                "{url}"
            );
        }
        assert_eq!(
            TurnServer::parse("turn:relay.example.org", None, Some("x")),
            Err(RelayError::NoCredentials("turn:relay.example.org".into()))
        );
    }

    #[test]
    fn the_credential_stays_out_of_logs() {
        let s = parse("turn:relay.example.org").expect("turn");
        assert!(!format!("{s:?}").contains("secret"));
    }

    #[test]
    fn a_relay_that_is_not_there_is_said_not_to_answer() {
        // A port nobody listens on: "port unreachable", or silence, within the wait.
        let port = UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("a free port")
            .port();
        let server = parse(&format!("turn:127.0.0.1:{port}")).expect("turn");
        let result = Relay::allocate(&server, Duration::from_millis(500));
        assert!(
            matches!(result, Err(RelayError::NoAnswer(a)) if a.port() == port),
            "{:?}",
            result.err()
        );
    }

    proptest! {
        /// The console's configuration is outside text: nothing in it panics the parser.
        #[test]
        fn any_text_is_a_server_or_a_named_refusal(url in ".{0,64}") {
            match parse(&url) {
                Ok(s) => prop_assert!(!s.host.is_empty() && s.port != 0),
                Err(e) => prop_assert!(matches!(e, RelayError::NotUdpTurn(_))),
            }
        }

        #[test]
        fn a_turn_prefix_with_garbage_never_panics(rest in "[\\[\\]:?=a-z0-9.@ -]{0,40}") {
            let _ = parse(&format!("turn:{rest}"));
        }
    }
}
