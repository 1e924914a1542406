//! The address of a STUN or TURN server as the console names it (`stun:` / `turn:`, RFC 7064 /
//! 7065), shared by the relay (`relay.rs`) and the server-reflexive ask (`reflexive.rs`).

use std::net::{SocketAddr, ToSocketAddrs};

/// The STUN/TURN port when an address names none (RFC 8489, RFC 8656).
const DEFAULT_PORT: u16 = 3478;

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
