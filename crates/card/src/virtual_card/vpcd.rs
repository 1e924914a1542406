//! The vpcd client: [`VpcdCard`] presents a [`VirtualCard`] to a real pcscd through Debian's
//! `vsmartcard-vpcd` driver, over TCP. vpcd listens on every network interface: test machines
//! only, never a kiosk.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tracing::debug;

use super::answer::{CardBehaviour, VirtualCard};

/// A virtual card inserted into a vpcd reader: connected to vpcd over TCP (connect = inserted,
/// disconnect = removed), answering on its own thread.
///
/// vpcd protocol: every message is a 2-byte big-endian length and a payload; a 1-byte payload is
/// a control (0 power off, 1 power on, 2 reset, 4 get ATR — only the last is answered), anything
/// longer is an APDU to answer.
#[derive(Debug)]
pub struct VpcdCard {
    stream: TcpStream,
    thread: Option<JoinHandle<()>>,
    /// Command APDUs answered so far (controls such as power on or get ATR are not counted).
    apdus: Arc<AtomicUsize>,
}

impl VpcdCard {
    /// Connects to the vpcd reader at `addr` (port P for the first reader, P+1 for the second).
    pub fn insert(addr: SocketAddr, behaviour: CardBehaviour) -> io::Result<VpcdCard> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        // Without this every APDU waits for a delayed ACK (~40-50 ms).
        stream.set_nodelay(true)?;
        let served = stream.try_clone()?;
        let card = VirtualCard::new(behaviour);
        let apdus = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&apdus);
        let thread = std::thread::Builder::new()
            .name("vpcd-card".into())
            .spawn(move || {
                if let Err(e) = serve(&served, card, &counted) {
                    debug!("virtual card connection ended: {e}");
                }
                let _ = served.shutdown(Shutdown::Both);
            })?;
        Ok(VpcdCard {
            stream,
            thread: Some(thread),
            apdus,
        })
    }

    /// How many command APDUs the card has answered since it was inserted, as the card counts
    /// them (so a reader's own count can be checked against it).
    pub fn apdus_answered(&self) -> usize {
        self.apdus.load(Ordering::SeqCst)
    }

    /// Still in the reader (a `PullAfter` card leaves by itself).
    pub fn is_inserted(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Takes the card out of the reader (disconnects from vpcd).
    pub fn pull(mut self) {
        self.disconnect();
    }

    fn disconnect(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for VpcdCard {
    fn drop(&mut self) {
        self.disconnect();
    }
}

fn serve(mut stream: &TcpStream, mut card: VirtualCard, apdus: &AtomicUsize) -> io::Result<()> {
    loop {
        let mut len = [0u8; 2];
        match stream.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        // vpcd may write the length and the payload as two segments with Nagle's algorithm on:
        // the payload then waits for our ACK of the length, and a delayed ACK costs ~40 ms per
        // message (measured: 50 ms per APDU, 22 APDUs a read). Setting QUICKACK sends the
        // pending ACK at once. Linux leaves quick-ACK mode again by itself (once this side
        // answers, the connection looks interactive), so it is set after every read.
        quickack(stream);
        let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut payload)?;
        quickack(stream);
        match payload.as_slice() {
            [] => {}
            [0] | [1] | [2] => card.reset(),
            [4] => send(stream, card.atr())?,
            [_] => {}
            apdu => {
                if card.is_removed() {
                    debug!("virtual card leaves the reader mid-read");
                    return Ok(());
                }
                let resp = card.answer(apdu);
                apdus.fetch_add(1, Ordering::SeqCst);
                send(stream, &resp)?;
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn quickack(stream: &TcpStream) {
    let _ = socket2::SockRef::from(stream).set_tcp_quickack(true);
}

#[cfg(not(target_os = "linux"))]
fn quickack(_stream: &TcpStream) {}

fn send(mut stream: &TcpStream, payload: &[u8]) -> io::Result<()> {
    let len = u16::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "payload too long"))?;
    let mut msg = Vec::with_capacity(payload.len() + 2);
    msg.extend_from_slice(&len.to_be_bytes());
    msg.extend_from_slice(payload);
    stream.write_all(&msg)
}
