//! The call's UDP sockets: one per offered address (str0m needs to know which local address a
//! packet came in on, which a socket bound to 0.0.0.0 cannot tell), each read by a small thread
//! that hands packets to the call's loop.

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::session::Wake;
use crate::MediaError;

/// Largest UDP datagram read (WebRTC keeps packets under the path MTU, ~1200 bytes).
const MAX_DATAGRAM: usize = 2000;
/// How often a reader looks at the stop flag.
pub(crate) const READ_TICK: Duration = Duration::from_millis(200);

/// The addresses to offer: the configured ones, or every IPv4 interface's with loopback last
/// (a doctor on the same machine, the test bed, reaches loopback; everyone else the LAN's).
pub(crate) fn host_addresses(configured: &[IpAddr]) -> Vec<IpAddr> {
    if !configured.is_empty() {
        return configured.to_vec();
    }
    let mut found: Vec<IpAddr> = if_addrs::get_if_addrs()
        .map(|list| {
            list.into_iter()
                .map(|i| i.ip())
                .filter(|ip| ip.is_ipv4() && !ip.is_loopback())
                .collect()
        })
        .unwrap_or_default();
    found.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
    found
}

pub(crate) struct Sockets {
    pub sockets: Vec<UdpSocket>,
}

impl Sockets {
    pub fn bind(addresses: &[IpAddr]) -> Result<Sockets, MediaError> {
        let sockets: Vec<UdpSocket> = addresses
            .iter()
            .filter_map(|ip| UdpSocket::bind(SocketAddr::new(*ip, 0)).ok())
            .collect();
        if sockets.is_empty() {
            return Err(MediaError::NoAddress);
        }
        Ok(Sockets { sockets })
    }

    /// No host address at all: a relay-only call.
    pub fn none() -> Sockets {
        Sockets {
            sockets: Vec::new(),
        }
    }

    /// The socket bound to `local`, to send from the address the ICE pair chose.
    pub fn from(&self, local: SocketAddr) -> Option<&UdpSocket> {
        self.sockets
            .iter()
            .find(|s| s.local_addr().ok() == Some(local))
    }

    /// One reader thread per socket, until `stop` or the loop is gone.
    pub fn spawn_readers(
        &self,
        wake: &SyncSender<Wake>,
        stop: &Arc<AtomicBool>,
    ) -> Result<Vec<JoinHandle<()>>, MediaError> {
        self.sockets
            .iter()
            .map(|socket| spawn_reader(socket, wake, stop))
            .collect()
    }
}

/// A thread handing `socket`'s datagrams to the call's loop, until `stop` or the loop is gone.
pub(crate) fn spawn_reader(
    socket: &UdpSocket,
    wake: &SyncSender<Wake>,
    stop: &Arc<AtomicBool>,
) -> Result<JoinHandle<()>, MediaError> {
    let socket = socket.try_clone()?;
    socket.set_read_timeout(Some(READ_TICK))?;
    let local = socket.local_addr()?;
    let wake = wake.clone();
    let stop = Arc::clone(stop);
    Ok(std::thread::Builder::new()
        .name("call-udp".into())
        .spawn(move || read_loop(&socket, local, &wake, &stop))?)
}

fn read_loop(socket: &UdpSocket, local: SocketAddr, wake: &SyncSender<Wake>, stop: &AtomicBool) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    while !stop.load(Ordering::Relaxed) {
        match socket.recv_from(&mut buf) {
            Ok((n, source)) => {
                let packet = Wake::Packet {
                    data: buf[..n].to_vec(),
                    source,
                    local,
                };
                if wake.send(packet).is_err() {
                    return;
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            // ICMP "port unreachable" from a peer that left shows up here on Linux: not fatal.
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {}
            Err(e) => {
                tracing::warn!(error = %e, "call socket failed");
                return;
            }
        }
    }
}
