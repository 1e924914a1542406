//! The kiosk's end of a TURN relay (RFC 8656), for a station whose network the doctor's side
//! cannot reach directly: one allocation on the console's TURN server, made before the kiosk
//! answers the doctor's offer, its relayed address offered as a `relay` candidate. The kiosk
//! reaches the server over UDP or, where a hospital's network lets only TCP out, over TCP
//! (`?transport=tcp`, RFC 6062's framing: the relayed address itself stays UDP).
//!
//! str0m has no TURN client; `turn-client-proto` is sans-IO like str0m, so the call's loop moves
//! the relay's datagrams: this module wraps what str0m sends from the relayed address (Send
//! indications, after a permission for the peer), unwraps what the server forwards (Data
//! indications, channel data) and runs the refreshes. The media stays DTLS-SRTP end to end: the
//! relay forwards what it cannot read.

use std::collections::HashSet;
use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use thiserror::Error;
use turn_client_proto::api::{TurnClientApi, TurnConfig, TurnEvent, TurnPollRet, TurnRecvRet};
use turn_client_proto::client::TurnClient;
use turn_client_proto::stun::agent::Transmit;
use turn_client_proto::stun::Instant as TurnInstant;
use turn_client_proto::tcp::TurnClientTcp;
use turn_client_proto::types::{TransportType, TurnCredentials};
use turn_client_proto::udp::TurnClientUdp;

use crate::ice_address::{host_and_port, resolve};
use crate::net::{spawn_reader, READ_TICK};
use crate::session::Wake;
use crate::MediaError;

/// Largest datagram read from the relay (a relayed WebRTC packet plus the TURN header).
const MAX_DATAGRAM: usize = 2048;

/// A TURN server, how the kiosk reaches it, and its long-term credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct TurnServer {
    pub host: String,
    pub port: u16,
    pub transport: RelayTransport,
    pub username: String,
    pub credential: String,
}

/// How the kiosk speaks to the TURN server (the relayed address is UDP either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayTransport {
    Udp,
    /// Where only TCP gets out: the messages framed on one connection.
    Tcp,
}

impl fmt::Debug for TurnServer {
    /// Without the credential: it ends up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TurnServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("transport", &self.transport)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RelayError {
    /// `stun:`, `turns:` (TLS: not on the kiosk yet), another transport, or not an address at
    /// all.
    #[error(
        "{0:?} is not a TURN address the kiosk can use (turn:host[:port][?transport=udp|tcp])"
    )]
    NotTurn(String),
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
    /// `turn:host[:port][?transport=udp|tcp]` (RFC 7065; an IPv6 host in brackets) with the
    /// credentials of its entry.
    pub fn parse(
        url: &str,
        username: Option<&str>,
        credential: Option<&str>,
    ) -> Result<TurnServer, RelayError> {
        let not_turn = || RelayError::NotTurn(url.to_string());
        let rest = url.strip_prefix("turn:").ok_or_else(not_turn)?;
        let (address, query) = rest.split_once('?').unwrap_or((rest, ""));
        let transport = match query {
            "" | "transport=udp" => RelayTransport::Udp,
            "transport=tcp" => RelayTransport::Tcp,
            _ => return Err(not_turn()),
        };
        let (host, port) = host_and_port(address).ok_or_else(not_turn)?;
        match (username, credential) {
            (Some(u), Some(c)) if !u.is_empty() => Ok(TurnServer {
                host: host.to_string(),
                port,
                transport,
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

/// Where the allocation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Allocation {
    Asked,
    Made,
    Refused,
}

/// What carries the relay's messages to and from the server.
enum Link {
    /// Connected to the server: datagrams from anyone else are not even read.
    Udp(UdpSocket),
    /// One connection; the client reassembles messages from the bytes as they come.
    Tcp(TcpStream),
}

impl Link {
    fn send(&self, data: &[u8]) {
        match self {
            Link::Udp(socket) => {
                let _ = socket.send(data);
            }
            // A write that cannot finish within the timeout loses this message, as a datagram
            // would be lost; TURN's own retransmits and ICE's checks cover it.
            Link::Tcp(stream) => {
                let _ = (&*stream).write_all(data);
            }
        }
    }

    /// Waits at most `wait` for what the server sends. `Ok(None)`: nothing came in time.
    fn read(&self, buf: &mut [u8], wait: Duration) -> std::io::Result<Option<usize>> {
        let read = match self {
            Link::Udp(socket) => {
                socket.set_read_timeout(Some(wait))?;
                socket.recv(buf)
            }
            Link::Tcp(stream) => {
                stream.set_read_timeout(Some(wait))?;
                (&*stream).read(buf)
            }
        };
        match read {
            Ok(n) => Ok(Some(n)),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// One allocation on a TURN server, and the link that speaks to it.
pub(crate) struct Relay {
    client: TurnClient,
    link: Link,
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
    /// Allocates a relayed address on `server` from a new socket or connection, waiting at most
    /// `within` (the server's 401 challenge, then the request with the credentials).
    pub fn allocate(server: &TurnServer, within: Duration) -> Result<Relay, RelayError> {
        let address = server.resolve()?;
        let deadline = Instant::now() + within;
        let config = TurnConfig::new(TurnCredentials::new(&server.username, &server.credential));
        let (link, local, client) = match server.transport {
            RelayTransport::Udp => {
                let any: SocketAddr = if address.is_ipv4() {
                    (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
                } else {
                    (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
                };
                let socket = UdpSocket::bind(any)?;
                // Connected: the socket's address is the interface toward the server (the
                // candidate's base).
                socket.connect(address)?;
                let local = socket.local_addr()?;
                let client = TurnClient::Udp(TurnClientUdp::allocate(local, address, config));
                (Link::Udp(socket), local, client)
            }
            RelayTransport::Tcp => {
                let stream = match TcpStream::connect_timeout(&address, within) {
                    Ok(stream) => stream,
                    Err(e)
                        if matches!(
                            e.kind(),
                            ErrorKind::ConnectionRefused | ErrorKind::TimedOut
                        ) =>
                    {
                        return Err(RelayError::NoAnswer(address));
                    }
                    Err(e) => return Err(e.into()),
                };
                // Media rides on it: no waiting to fill segments.
                stream.set_nodelay(true)?;
                stream.set_write_timeout(Some(Duration::from_secs(1)))?;
                let local = stream.local_addr()?;
                let client = TurnClient::Tcp(TurnClientTcp::allocate(local, address, config));
                (Link::Tcp(stream), local, client)
            }
        };
        let mut relay = Relay {
            client,
            link,
            server: address,
            local,
            relayed: local,
            epoch: Instant::now(),
            asked: HashSet::new(),
            allocation: Allocation::Asked,
        };
        let mut buf = vec![0u8; MAX_DATAGRAM];
        // A server that answers but never allocates (it keeps challenging: wrong credentials)
        // refused; one that never answers is not there.
        let mut heard = false;
        loop {
            let now = Instant::now();
            relay.flush(now);
            match relay.allocation {
                Allocation::Made => return Ok(relay),
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
            match relay
                .link
                .read(&mut buf, left.min(Duration::from_millis(50)))
            {
                Ok(None) => {}
                // The server closed the connection.
                Ok(Some(0)) if matches!(relay.link, Link::Tcp(_)) => {
                    return Err(if heard {
                        RelayError::Refused(address)
                    } else {
                        RelayError::NoAnswer(address)
                    });
                }
                Ok(Some(n)) => {
                    heard = true;
                    let _ = relay.receive(&buf[..n], Instant::now());
                }
                // "Port unreachable" from a server that is not there: it did not answer.
                Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                    return Err(RelayError::NoAnswer(address));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// A thread handing what the server sends to the call's loop, as packets from the server
    /// to [`Relay::local`], until `stop` or the loop is gone.
    pub fn spawn_reader(
        &self,
        wake: &SyncSender<Wake>,
        stop: &Arc<AtomicBool>,
    ) -> Result<JoinHandle<()>, MediaError> {
        match &self.link {
            Link::Udp(socket) => spawn_reader(socket, wake, stop),
            Link::Tcp(stream) => {
                let stream = stream.try_clone()?;
                stream.set_read_timeout(Some(READ_TICK))?;
                let (source, local) = (self.server, self.local);
                let (wake, stop) = (wake.clone(), Arc::clone(stop));
                Ok(std::thread::Builder::new()
                    .name("call-turn-tcp".into())
                    .spawn(move || read_stream(&stream, source, local, &wake, &stop))?)
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
            self.link.send(&transmit.data);
        }
        self.flush(at);
    }

    /// A datagram from the server: the peers' data inside it, as (peer, bytes).
    pub fn receive(&mut self, datagram: &[u8], at: Instant) -> Vec<(SocketAddr, Vec<u8>)> {
        let now = self.clock(at);
        let mut out = Vec::new();
        let transmit = Transmit::new(datagram, self.client.transport(), self.server, self.local);
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
            self.link.send(transmit.data.as_ref());
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

/// The server's bytes on a TCP link, handed on as they come (the client reassembles messages);
/// the connection closed is handed on as no bytes at all, which ends the allocation.
fn read_stream(
    stream: &TcpStream,
    source: SocketAddr,
    local: SocketAddr,
    wake: &SyncSender<Wake>,
    stop: &AtomicBool,
) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    while !stop.load(Ordering::Relaxed) {
        let (data, last) = match (&*stream).read(&mut buf) {
            Ok(0) => (Vec::new(), true),
            Ok(n) => (buf[..n].to_vec(), false),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "the relay's connection failed");
                (Vec::new(), true)
            }
        };
        if wake
            .send(Wake::Packet {
                data,
                source,
                local,
            })
            .is_err()
            || last
        {
            return;
        }
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
    fn turn_addresses_over_udp_and_tcp_are_read() {
        let s = parse("turn:relay.example.org:3479?transport=udp").expect("turn");
        assert_eq!((s.host.as_str(), s.port), ("relay.example.org", 3479));
        assert_eq!(s.transport, RelayTransport::Udp);
        let s = parse("turn:relay.example.org:443?transport=tcp").expect("turn over tcp");
        assert_eq!((s.port, s.transport), (443, RelayTransport::Tcp));
        assert_eq!(
            (s.username.as_str(), s.credential.as_str()),
            ("station", "secret")
        );
        let s = parse("turn:10.0.0.7").expect("no port");
        assert_eq!((s.host.as_str(), s.port), ("10.0.0.7", 3478));
        assert_eq!(s.transport, RelayTransport::Udp);
        let s = parse("turn:[2001:db8::1]:3480").expect("IPv6");
        assert_eq!((s.host.as_str(), s.port), ("2001:db8::1", 3480));
    }

    #[test]
    fn other_servers_and_transports_are_refused_by_name() {
        for url in [
            "stun:relay.example.org:3478",
            "turns:relay.example.org:5349",
            "turn:relay.example.org:3478?transport=sctp",
            "turn:relay.example.org:3478?transport=tcp&x=1",
            "turn:",
            "turn:relay.example.org:0",
            "turn:relay.example.org:99999",
            "turn:[not-ipv6]:3478",
            "turn:user@relay.example.org",
            "turn:relay example",
        ] {
            assert_eq!(
                parse(url),
                Err(RelayError::NotTurn(url.to_string())),
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

    #[test]
    fn a_relay_over_tcp_that_is_not_there_is_said_not_to_answer() {
        // A TCP port nobody listens on: the connection is refused at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let server = parse(&format!("turn:127.0.0.1:{port}?transport=tcp")).expect("turn");
        let result = Relay::allocate(&server, Duration::from_millis(500));
        assert!(
            matches!(result, Err(RelayError::NoAnswer(a)) if a.port() == port),
            "{:?}",
            result.err()
        );
    }

    #[test]
    fn a_tcp_server_that_hangs_up_without_allocating_is_refused_or_silent_by_name() {
        // Accepts, reads the request, closes: never an allocation.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
        let port = listener.local_addr().expect("addr").port();
        let server_thread = std::thread::spawn(move || {
            if let Ok((mut conn, _)) = listener.accept() {
                let mut buf = [0u8; 512];
                let _ = conn.read(&mut buf);
            }
        });
        let server = parse(&format!("turn:127.0.0.1:{port}?transport=tcp")).expect("turn");
        let result = Relay::allocate(&server, Duration::from_secs(2));
        assert!(
            matches!(result, Err(RelayError::NoAnswer(a)) if a.port() == port),
            "{:?}",
            result.err()
        );
        let _ = server_thread.join();
    }

    proptest! {
        /// The console's configuration is outside text: nothing in it panics the parser.
        #[test]
        fn any_text_is_a_server_or_a_named_refusal(url in ".{0,64}") {
            match parse(&url) {
                Ok(s) => prop_assert!(!s.host.is_empty() && s.port != 0),
                Err(e) => prop_assert!(matches!(e, RelayError::NotTurn(_))),
            }
        }

        #[test]
        fn a_turn_prefix_with_garbage_never_panics(rest in "[\\[\\]:?=a-z0-9.@ -]{0,40}") {
            let _ = parse(&format!("turn:{rest}"));
        }
    }
}
