//! Server-reflexive candidates: the address a STUN server (RFC 8489 Binding) sees the kiosk's
//! packets come from. A kiosk behind a home-style NAT offers it beside its host addresses, so a
//! doctor outside reaches it without a relay when the NAT lets replies in; the relay
//! (`relay.rs`) covers the networks where it does not.
//!
//! Asked from each host socket itself (the NAT maps that socket), before the answer is made;
//! all sockets at once, so a silent server costs [`ANSWER_WITHIN`] once, not per socket.

use std::fmt;
use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use thiserror::Error;
use turn_client_proto::stun::types::attribute::XorMappedAddress;
use turn_client_proto::stun::types::message::{
    Message, MessageClass, MessageType, MessageWrite, MessageWriteVec, TransactionId, BINDING,
};

/// How long the kiosk waits for a STUN server (a retransmission halfway).
pub const ANSWER_WITHIN: Duration = Duration::from_millis(800);
/// Largest STUN answer read.
const MAX_DATAGRAM: usize = 1500;

/// A STUN server (`stun:host[:port]`, RFC 7064).
#[derive(Clone, PartialEq, Eq)]
pub struct StunServer {
    pub host: String,
    pub port: u16,
}

impl fmt::Debug for StunServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stun:{}:{}", self.host, self.port)
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ReflexiveError {
    #[error("{0:?} is not a STUN address (stun:host[:port])")]
    NotStun(String),
    #[error("the STUN server {host} cannot be found: {reason}")]
    Unresolved { host: String, reason: String },
    #[error("the STUN server {0} did not answer")]
    NoAnswer(SocketAddr),
    #[error("the STUN server {0} answered without an address")]
    BadAnswer(SocketAddr),
    #[error("network: {0}")]
    Network(String),
}

impl From<std::io::Error> for ReflexiveError {
    fn from(e: std::io::Error) -> Self {
        ReflexiveError::Network(e.to_string())
    }
}

impl StunServer {
    /// `stun:host[:port]` (an IPv6 host in brackets; 3478 when no port is named).
    pub fn parse(url: &str) -> Result<StunServer, ReflexiveError> {
        let not_stun = || ReflexiveError::NotStun(url.to_string());
        let address = url.strip_prefix("stun:").ok_or_else(not_stun)?;
        let (host, port) = crate::ice_address::host_and_port(address).ok_or_else(not_stun)?;
        Ok(StunServer {
            host: host.to_string(),
            port,
        })
    }

    pub(crate) fn resolve(&self) -> Result<SocketAddr, ReflexiveError> {
        crate::ice_address::resolve(&self.host, self.port).map_err(|reason| {
            ReflexiveError::Unresolved {
                host: self.host.clone(),
                reason,
            }
        })
    }
}

/// The address `server` sees `socket`'s packets come from (one Binding request, sent again
/// halfway through `within`). The socket's read timeout is put back as it was.
pub fn mapped_address(
    socket: &UdpSocket,
    server: SocketAddr,
    within: Duration,
) -> Result<SocketAddr, ReflexiveError> {
    let transaction = TransactionId::generate();
    let request = Message::builder(
        MessageType::from_class_method(MessageClass::Request, BINDING),
        transaction,
        MessageWriteVec::new(),
    )
    .finish();
    let before = socket.read_timeout()?;
    let result = ask(socket, server, &request, transaction, within);
    socket.set_read_timeout(before)?;
    result
}

fn ask(
    socket: &UdpSocket,
    server: SocketAddr,
    request: &[u8],
    transaction: TransactionId,
    within: Duration,
) -> Result<SocketAddr, ReflexiveError> {
    let start = Instant::now();
    let mut buf = vec![0u8; MAX_DATAGRAM];
    // Sent at the start and again halfway: a lost datagram costs half the wait.
    for deadline in [start + within / 2, start + within] {
        socket.send_to(request, server)?;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if left.is_zero() {
                break;
            }
            socket.set_read_timeout(Some(left))?;
            match socket.recv_from(&mut buf) {
                Ok((n, from)) if from == server => {
                    if let Some(answer) = read_answer(&buf[..n], transaction, server) {
                        return answer;
                    }
                }
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                // An ICMP "port unreachable" for an earlier datagram: the server is not there.
                Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                    return Err(ReflexiveError::NoAnswer(server));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Err(ReflexiveError::NoAnswer(server))
}

/// The server's answer to `transaction`, or `None` for anything else it sent (a stray, a
/// forgery, garbage): keep waiting.
fn read_answer(
    data: &[u8],
    transaction: TransactionId,
    server: SocketAddr,
) -> Option<Result<SocketAddr, ReflexiveError>> {
    let answer = Message::from_bytes(data).ok()?;
    if answer.transaction_id() != transaction || !answer.has_method(BINDING) {
        return None;
    }
    if !answer.has_class(MessageClass::Success) {
        return Some(Err(ReflexiveError::BadAnswer(server)));
    }
    Some(
        answer
            .attribute::<XorMappedAddress>()
            .map(|a| a.addr(transaction))
            .map_err(|_| ReflexiveError::BadAnswer(server)),
    )
}

/// For each socket, the address the first answering server sees it from, when that differs
/// from the socket's own (behind a NAT); asked of all sockets at once.
pub(crate) fn gather(
    sockets: &[UdpSocket],
    servers: &[StunServer],
) -> Vec<(SocketAddr, SocketAddr)> {
    let servers: Vec<SocketAddr> = servers
        .iter()
        .filter_map(|s| {
            s.resolve()
                .map_err(
                    |e| tracing::warn!(error = %e, "a STUN server for the call cannot be used"),
                )
                .ok()
        })
        .collect();
    if servers.is_empty() {
        return Vec::new();
    }
    std::thread::scope(|scope| {
        let asks: Vec<_> = sockets
            .iter()
            .map(|socket| {
                let servers = &servers;
                scope.spawn(move || {
                    let base = socket.local_addr().ok()?;
                    servers
                        .iter()
                        .filter(|s| s.is_ipv4() == base.is_ipv4())
                        .find_map(
                            |server| match mapped_address(socket, *server, ANSWER_WITHIN) {
                                Ok(mapped) => Some(mapped),
                                Err(e) => {
                                    tracing::debug!(error = %e, %base, "no reflexive address");
                                    None
                                }
                            },
                        )
                        .filter(|mapped| *mapped != base)
                        .map(|mapped| (mapped, base))
                })
            })
            .collect();
        asks.into_iter()
            .filter_map(|ask| ask.join().ok().flatten())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use turn_client_proto::stun::types::message::MessageWriteExt;

    #[test]
    fn stun_addresses_parse_and_others_are_refused_by_name() {
        assert_eq!(
            StunServer::parse("stun:stun.example.cn"),
            Ok(StunServer {
                host: "stun.example.cn".into(),
                port: 3478
            })
        );
        assert_eq!(
            StunServer::parse("stun:[::1]:19302").map(|s| (s.host, s.port)),
            Ok(("::1".to_string(), 19302))
        );
        for bad in [
            "turn:relay.example.cn",
            "stun:",
            "stun:host:0",
            "stun:a b",
            "x",
        ] {
            assert_eq!(
                StunServer::parse(bad),
                Err(ReflexiveError::NotStun(bad.into())),
                "{bad}"
            );
        }
    }

    /// A STUN server in a thread: answers one Binding request with `answer(request)`.
    fn server(answer: impl FnOnce(&[u8], SocketAddr) -> Vec<u8> + Send + 'static) -> SocketAddr {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let addr = socket.local_addr().expect("addr");
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            if let Ok((n, from)) = socket.recv_from(&mut buf) {
                let reply = answer(&buf[..n], from);
                let _ = socket.send_to(&reply, from);
            }
        });
        addr
    }

    /// A server's success answer to the Binding `request`: it sees the sender at `seen`.
    fn binding_answer(request: &[u8], seen: SocketAddr) -> Vec<u8> {
        let request = Message::from_bytes(request).expect("a STUN request");
        assert!(request.has_method(BINDING));
        let mut reply = Message::builder_success(&request, MessageWriteVec::new());
        reply
            .add_attribute(&XorMappedAddress::new(seen, request.transaction_id()))
            .expect("attribute");
        reply.finish()
    }

    #[test]
    fn garbage_or_a_wrong_transaction_is_not_taken_for_an_answer() {
        let kiosk = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let garbage = server(|_, _| b"\x01\x01\x00\x00not stun at all".to_vec());
        assert_eq!(
            mapped_address(&kiosk, garbage, Duration::from_millis(300)),
            Err(ReflexiveError::NoAnswer(garbage))
        );
        let other = server(|_, from| {
            let request = Message::builder_request(BINDING, MessageWriteVec::new()).finish();
            binding_answer(&request, from)
        });
        assert_eq!(
            mapped_address(&kiosk, other, Duration::from_millis(300)),
            Err(ReflexiveError::NoAnswer(other)),
            "an answer to another request"
        );
        assert_eq!(kiosk.read_timeout().expect("timeout"), None, "put back");
    }

    #[test]
    fn the_mapped_address_is_read_from_the_answer() {
        let kiosk = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let seen: SocketAddr = "203.0.113.7:40000".parse().expect("addr");
        let stun = server(move |request, _| binding_answer(request, seen));
        assert_eq!(
            mapped_address(&kiosk, stun, Duration::from_secs(2)),
            Ok(seen)
        );
    }

    #[test]
    fn a_silent_or_absent_server_is_given_up_in_time() {
        let kiosk = UdpSocket::bind("127.0.0.1:0").expect("bind");
        // Bound and never read: silent.
        let silent = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let at = silent.local_addr().expect("addr");
        assert_eq!(
            mapped_address(&kiosk, at, Duration::from_millis(200)),
            Err(ReflexiveError::NoAnswer(at))
        );
        // Nothing bound there: ICMP says so, or the wait runs out.
        drop(silent);
        assert_eq!(
            mapped_address(&kiosk, at, Duration::from_millis(200)),
            Err(ReflexiveError::NoAnswer(at))
        );
    }

    proptest! {
        // Each case waits out its answer: fewer of them.
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_datagram_from_the_server_is_survived(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let kiosk = UdpSocket::bind("127.0.0.1:0").expect("bind");
            let stun = server(move |_, _| bytes);
            let got = mapped_address(&kiosk, stun, Duration::from_millis(30));
            prop_assert!(got.is_err());
        }
    }
}
