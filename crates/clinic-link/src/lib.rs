//! The kiosk's connection to the cloud-clinic doctor console (issue 13).
//!
//! One thread keeps one WebSocket to the console up: connect, say who the station is (its id
//! and the key the console issued), then carry the station's messages out and the console's in.
//! When the connection drops — a network blip, the console restarting — it says so
//! ([`LinkEvent::Disconnected`], with when it tries again) and reconnects with a growing pause
//! (1 s doubling to 30 s); the console keeps a station's place or call for a moment, so a blip
//! costs the resident nothing. A dead connection that never closes (a cable pulled upstream) is
//! noticed by pings: nothing heard for [`SILENCE_LIMIT`] ends it. A refused station (unknown,
//! wrong key) is a fault for staff, retried slowly, never in a tight loop.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use station_clinic_protocol::{FromStation, IceServer, ToStation};
use thiserror::Error;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// Nothing heard for this long (not even a pong) ends the connection.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(15);
const PING_EVERY: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(100);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LAST_RETRY: Duration = Duration::from_secs(30);
/// After a refusal (unknown station, wrong key) a person must act: try again rarely.
const REFUSED_RETRY: Duration = Duration::from_secs(60);

/// Where the console is and who this station is (`[clinic]` in station.toml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkConfig {
    /// `ws://host:port` or `wss://host:port` (the console's `/ws/station` is added).
    pub url: String,
    pub station: String,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkEvent {
    /// The console knows this station: calls can be made, their media through `ice_servers`'
    /// relays (TURN) where given, and through them only when `relay_only`.
    Connected {
        station_name: String,
        ice_servers: Vec<IceServer>,
        relay_only: bool,
    },
    /// The connection is down (or could not be made); the next try is after `retry_in`.
    Disconnected { reason: String, retry_in: Duration },
    /// The console does not know this station, or the key is wrong: staff must fix the config.
    Refused { reason: String },
    /// What the console said about this station's call.
    Console(ToStation),
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LinkError {
    #[error("the doctor console is not reachable right now")]
    Offline,
    #[error("the clinic address {0:?} is not a ws:// or wss:// address")]
    BadUrl(String),
}

pub struct ClinicLink {
    outgoing: Sender<FromStation>,
    online: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ClinicLink {
    /// Starts the link's thread; `on_event` is called from it for every [`LinkEvent`].
    pub fn start(
        config: LinkConfig,
        on_event: impl FnMut(LinkEvent) + Send + 'static,
    ) -> Result<ClinicLink, LinkError> {
        let url = socket_url(&config.url)?;
        let (outgoing, queue) = mpsc::channel();
        let online = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let worker = Worker {
            url,
            config,
            queue,
            online: online.clone(),
            stop: stop.clone(),
            on_event: Box::new(on_event),
        };
        let thread = std::thread::Builder::new()
            .name("clinic-link".into())
            .spawn(move || worker.run())
            .map_err(|_| LinkError::Offline)?;
        Ok(ClinicLink {
            outgoing,
            online,
            stop,
            thread: Some(thread),
        })
    }

    pub fn is_online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }

    /// Sends `message` to the console; [`LinkError::Offline`] when the link is down, so the
    /// kiosk can say so at once instead of leaving a resident waiting on nothing.
    pub fn send(&self, message: FromStation) -> Result<(), LinkError> {
        if !self.is_online() {
            return Err(LinkError::Offline);
        }
        self.outgoing.send(message).map_err(|_| LinkError::Offline)
    }
}

impl Drop for ClinicLink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `ws(s)://host:port[/…]` → the console's station socket.
fn socket_url(base: &str) -> Result<url::Url, LinkError> {
    let bad = || LinkError::BadUrl(base.to_string());
    let mut url = url::Url::parse(base).map_err(|_| bad())?;
    if !matches!(url.scheme(), "ws" | "wss") || url.host_str().is_none() {
        return Err(bad());
    }
    url.set_path("/ws/station");
    Ok(url)
}

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

struct Worker {
    url: url::Url,
    config: LinkConfig,
    queue: Receiver<FromStation>,
    online: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    on_event: Box<dyn FnMut(LinkEvent) + Send>,
}

/// How a connection ended.
enum Ended {
    Stopped,
    Refused(String),
    Lost(String),
}

impl Worker {
    fn run(mut self) {
        let mut retry = FIRST_RETRY;
        while !self.stopped() {
            let ended = match self.connect() {
                Ok(socket) => self.serve(socket, &mut retry),
                Err(reason) => Ended::Lost(reason),
            };
            self.online.store(false, Ordering::SeqCst);
            let pause = match ended {
                Ended::Stopped => return,
                Ended::Refused(reason) => {
                    tracing::error!(reason, "the doctor console refused this station");
                    (self.on_event)(LinkEvent::Refused { reason });
                    REFUSED_RETRY
                }
                Ended::Lost(reason) => {
                    tracing::warn!(reason, retry_in = ?retry, "doctor console not reachable");
                    (self.on_event)(LinkEvent::Disconnected {
                        reason,
                        retry_in: retry,
                    });
                    let pause = retry;
                    retry = (retry * 2).min(LAST_RETRY);
                    pause
                }
            };
            // Messages sent while down were refused by `send`; anything queued just before the
            // drop is stale now.
            while self.queue.try_recv().is_ok() {}
            self.sleep(pause);
        }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn sleep(&self, pause: Duration) {
        let until = Instant::now() + pause;
        while Instant::now() < until && !self.stopped() {
            std::thread::sleep(POLL);
        }
    }

    fn connect(&self) -> Result<Socket, String> {
        let host = self.url.host_str().unwrap_or_default();
        let port = self.url.port_or_known_default().unwrap_or(80);
        let addr = (host, port)
            .to_socket_addrs()
            .map_err(|e| format!("{host}: {e}"))?
            .next()
            .ok_or_else(|| format!("{host}: no address"))?;
        let stream =
            TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(CONNECT_TIMEOUT))
            .map_err(|e| e.to_string())?;
        let _ = stream.set_nodelay(true);
        let (socket, _) =
            tungstenite::client_tls(self.url.as_str(), stream).map_err(|e| e.to_string())?;
        Ok(socket)
    }

    /// Identifies the station, then carries messages until the connection ends.
    fn serve(&mut self, mut socket: Socket, retry: &mut Duration) -> Ended {
        let hello = FromStation::Hello {
            station: self.config.station.clone(),
            key: self.config.key.clone(),
        };
        if let Err(e) = send(&mut socket, &hello) {
            return Ended::Lost(e);
        }
        match read(&mut socket) {
            Ok(Some(ToStation::Welcome {
                station_name,
                ice_servers,
                relay_only,
            })) => {
                *retry = FIRST_RETRY;
                self.online.store(true, Ordering::SeqCst);
                (self.on_event)(LinkEvent::Connected {
                    station_name,
                    ice_servers,
                    relay_only,
                });
            }
            Ok(Some(ToStation::Refused { reason })) => return Ended::Refused(reason),
            Ok(other) => return Ended::Lost(format!("unexpected answer to hello: {other:?}")),
            Err(e) => return Ended::Lost(e),
        }
        if let Err(e) = set_poll_timeout(&socket) {
            return Ended::Lost(e);
        }
        let mut heard = Instant::now();
        let mut pinged = Instant::now();
        loop {
            if self.stopped() {
                // What the station said last (leaving the queue, hanging up) still goes out.
                while let Ok(message) = self.queue.try_recv() {
                    let _ = send(&mut socket, &message);
                }
                let _ = socket.close(None);
                let _ = socket.flush();
                return Ended::Stopped;
            }
            loop {
                match self.queue.try_recv() {
                    Ok(message) => {
                        if let Err(e) = send(&mut socket, &message) {
                            return Ended::Lost(e);
                        }
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return Ended::Stopped,
                }
            }
            match socket.read() {
                Ok(Message::Text(text)) => {
                    heard = Instant::now();
                    match serde_json::from_str::<ToStation>(text.as_str()) {
                        Ok(message) => (self.on_event)(LinkEvent::Console(message)),
                        Err(e) => tracing::warn!(error = %e, "unreadable message from the console"),
                    }
                }
                Ok(Message::Close(_)) => {
                    return Ended::Lost("the console closed the connection".into())
                }
                Ok(_) => heard = Instant::now(),
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => return Ended::Lost(e.to_string()),
            }
            if heard.elapsed() > SILENCE_LIMIT {
                return Ended::Lost("nothing heard from the console".into());
            }
            if pinged.elapsed() > PING_EVERY {
                pinged = Instant::now();
                if let Err(e) = socket.send(Message::Ping(Vec::new().into())) {
                    return Ended::Lost(e.to_string());
                }
            }
        }
    }
}

fn send(socket: &mut Socket, message: &FromStation) -> Result<(), String> {
    let text = serde_json::to_string(message).map_err(|e| e.to_string())?;
    socket.send(Message::text(text)).map_err(|e| e.to_string())
}

/// The next console message (blocking up to the connect timeout); `None` for a non-text frame.
fn read(socket: &mut Socket) -> Result<Option<ToStation>, String> {
    loop {
        match socket.read().map_err(|e| e.to_string())? {
            Message::Text(text) => {
                return serde_json::from_str(text.as_str())
                    .map(Some)
                    .map_err(|e| format!("unreadable answer: {e}"))
            }
            Message::Close(_) => return Err("the console closed the connection".into()),
            _ => {}
        }
    }
}

/// Short reads from now on, so outgoing messages and pings are not held up by a quiet console.
fn set_poll_timeout(socket: &Socket) -> Result<(), String> {
    let tcp = match socket.get_ref() {
        MaybeTlsStream::Plain(s) => s,
        MaybeTlsStream::NativeTls(s) => s.get_ref(),
        _ => return Err("unsupported stream".into()),
    };
    tcp.set_read_timeout(Some(POLL)).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_websocket_addresses_are_taken() {
        assert_eq!(
            socket_url("wss://clinic.example:8443").unwrap().as_str(),
            "wss://clinic.example:8443/ws/station"
        );
        assert_eq!(
            socket_url("ws://127.0.0.1:8480/whatever").unwrap().as_str(),
            "ws://127.0.0.1:8480/ws/station"
        );
        for bad in ["http://clinic.example", "clinic.example", "ws://", ""] {
            assert_eq!(
                socket_url(bad).err(),
                Some(LinkError::BadUrl(bad.to_string())),
                "{bad}"
            );
        }
    }
}
