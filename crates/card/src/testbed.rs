//! A private pcscd with a vpcd reader pair, for tests (feature `testbed`). No systemd needed.
//!
//! pcsc-lite *clients* find the daemon through the `PCSCLITE_CSOCK_NAME` environment variable
//! (read once per process), but Debian's pcscd 1.9.9 ignores that variable and always creates
//! `/run/pcscd/pcscd.comm` (and refuses to start if another pcscd owns it). So the private pcscd
//! runs in its own mount namespace (`unshare -m`, or `unshare -r -m` without root) where a
//! private directory is bind-mounted over `/run/pcscd`; the socket then appears at
//! `<tempdir>/run/pcscd/pcscd.comm` for everybody else. If namespaces are not allowed, it falls
//! back to a plain pcscd on the default socket (only when no other pcscd is running).
//!
//! Its reader configuration (`pcscd -c <dir>`) is a copy of Debian's `/etc/reader.conf.d/vpcd`
//! with its own port P: vpcd then listens on P (reader "Virtual PCD 00 00") and P+1
//! ("Virtual PCD 00 01").
//!
//! **vpcd listens on every network interface: never install `vsmartcard-vpcd` on a kiosk.**

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::reader::{CardReaderBackend, ReaderEvent};
use crate::virtual_card::{CardBehaviour, CardImage, VpcdCard};
use crate::PcscReader;

/// The environment variable libpcsclite clients read to find pcscd's socket.
pub const SOCKET_ENV: &str = "PCSCLITE_CSOCK_NAME";

const DEFAULT_SOCKET: &str = "/run/pcscd/pcscd.comm";
const DEFAULT_VPCD_DRIVER: &str = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
const READY_TIMEOUT: Duration = Duration::from_secs(10);
const LOG_LINES: usize = 200;

/// Runs pcscd under a small supervisor shell. `$1` = `ns` (mount the private run directory
/// over /run/pcscd, or over /run where /run/pcscd cannot be made) or `plain`, `$2` = private run
/// dir (holding `pcscd/`), `$3` = reader.conf.d directory, `$4` = pcscd binary.
///
/// The shell's stdin is a pipe from this process: the line `kill` kills pcscd abruptly (SIGKILL),
/// end of file — including this process dying without running `Drop` — stops it with SIGTERM.
/// So a test killed by a timeout leaves no pcscd behind.
const SUPERVISOR_SCRIPT: &str = r#"set -e
if [ "$1" = ns ]; then
  if [ -d /run/pcscd ] || mkdir -p /run/pcscd 2>/dev/null; then
    mount --bind "$2/pcscd" /run/pcscd
  else
    mount --bind "$2" /run
  fi
fi
set +e
"$4" -f -i -c "$3" </dev/null &
p=$!
exec 5<&0
( while read -r cmd; do [ "$cmd" = kill ] && kill -KILL "$p"; done; kill -TERM "$p" 2>/dev/null ) <&5 &
w=$!
wait "$p"
s=$?
kill "$w" 2>/dev/null
echo "pcscd exited with status $s" >&2
exit "$s""#;

/// How pcscd is kept apart from any system pcscd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Isolation {
    /// `unshare -m` (root): private /run/pcscd.
    MountNamespace,
    /// `unshare -r -m` (unprivileged user namespace): private /run/pcscd.
    UserNamespace,
    /// No namespace: pcscd on the default socket.
    None,
}

/// A pcscd of our own, killed on drop.
#[derive(Debug)]
pub struct PrivatePcscd {
    dir: tempfile::TempDir,
    conf_dir: PathBuf,
    run_dir: PathBuf,
    socket: PathBuf,
    port: u16,
    pcscd: PathBuf,
    isolation: Isolation,
    child: Option<Child>,
    log: Arc<Mutex<VecDeque<String>>>,
}

impl PrivatePcscd {
    /// Starts pcscd with a vpcd reader pair on a free loopback port and returns once it is
    /// ready (its readers are set up before it reports ready).
    pub fn start() -> io::Result<PrivatePcscd> {
        let dir = tempfile::Builder::new()
            .prefix("station-pcscd-")
            .tempdir()?;
        let conf_dir = dir.path().join("reader.conf.d");
        let run_dir = dir.path().join("run");
        std::fs::create_dir_all(&conf_dir)?;
        std::fs::create_dir_all(run_dir.join("pcscd"))?;
        let port = free_port_pair()?;
        let driver = vpcd_driver()?;
        std::fs::write(
            conf_dir.join("vpcd"),
            format!(
                "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:0x{port:04X}\n\
                 LIBPATH      {}\nCHANNELID    0x{port:04X}\n",
                driver.display()
            ),
        )?;
        let mut me = PrivatePcscd {
            socket: run_dir.join("pcscd").join("pcscd.comm"),
            dir,
            conf_dir,
            run_dir,
            port,
            pcscd: pcscd_binary(),
            isolation: Isolation::MountNamespace,
            child: None,
            log: Arc::new(Mutex::new(VecDeque::new())),
        };
        let mut errors = Vec::new();
        for isolation in [
            Isolation::MountNamespace,
            Isolation::UserNamespace,
            Isolation::None,
        ] {
            me.isolation = isolation;
            match me.launch() {
                Ok(()) => return Ok(me),
                Err(e) => errors.push(format!("{isolation:?}: {e}")),
            }
        }
        Err(io::Error::other(format!(
            "cannot start a private pcscd: {}",
            errors.join("; ")
        )))
    }

    /// The variable and value a pcsc-lite client process needs to talk to this pcscd.
    pub fn socket_env(&self) -> (&str, PathBuf) {
        (SOCKET_ENV, self.socket.clone())
    }

    /// Where a virtual card connects to be in the first reader ("Virtual PCD 00 00").
    pub fn vpcd_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// Where a virtual card connects to be in the second reader ("Virtual PCD 00 01").
    pub fn vpcd_addr_second(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port + 1))
    }

    /// The private working directory (configuration, socket).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// pcscd is running.
    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Kills pcscd abruptly (SIGKILL), as a crash would, and waits for it to be gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            if let Some(stdin) = child.stdin.as_mut() {
                let _ = stdin.write_all(b"kill\n").and_then(|()| stdin.flush());
            }
            finish(&mut child);
            if self.isolation == Isolation::None {
                // It cannot clean up after SIGKILL; the files are ours.
                let _ = std::fs::remove_file(DEFAULT_SOCKET);
                let _ = std::fs::remove_file("/run/pcscd/pcscd.pid");
            }
        }
    }

    /// Restarts pcscd without its vpcd readers (`false`) or with them (`true`), on the same
    /// socket. (pcscd 1.9.9 ignores `--hotplug`/SIGUSR1 for these readers, so a reader cannot be
    /// unplugged from a running pcscd; a watcher sees the service go and come back.)
    pub fn restart_with_readers(&mut self, readers: bool) -> io::Result<()> {
        self.kill();
        let (on, off) = (
            self.conf_dir.join("vpcd"),
            self.dir.path().join("vpcd.unplugged"),
        );
        if readers && off.exists() {
            std::fs::rename(&off, &on)?;
        } else if !readers && on.exists() {
            std::fs::rename(&on, &off)?;
        }
        self.launch()
    }

    /// Starts pcscd again on the same socket, configuration and ports (after [`Self::kill`]).
    pub fn restart(&mut self) -> io::Result<()> {
        self.kill();
        self.launch()
    }

    /// The last lines pcscd logged (for failure messages).
    pub fn log_tail(&self) -> Vec<String> {
        self.log
            .lock()
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn launch(&mut self) -> io::Result<()> {
        // A killed pcscd leaves its socket and pid file behind.
        if self.isolation != Isolation::None {
            let _ = std::fs::remove_file(&self.socket);
            let _ = std::fs::remove_file(self.run_dir.join("pcscd").join("pcscd.pid"));
        } else if Path::new(DEFAULT_SOCKET).exists() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("{DEFAULT_SOCKET} exists: another pcscd is running"),
            ));
        }
        let mut cmd = match self.isolation {
            Isolation::MountNamespace | Isolation::UserNamespace => {
                let mut c = Command::new("unshare");
                if self.isolation == Isolation::UserNamespace {
                    c.arg("-r");
                }
                c.args(["-m", "--", "sh", "-c", SUPERVISOR_SCRIPT, "sh", "ns"]);
                c
            }
            Isolation::None => {
                let mut c = Command::new("sh");
                c.args(["-c", SUPERVISOR_SCRIPT, "sh", "plain"]);
                c
            }
        };
        cmd.arg(&self.run_dir).arg(&self.conf_dir).arg(&self.pcscd);
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (tx, rx) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            drain(out, tx.clone(), Arc::clone(&self.log));
        }
        if let Some(err) = child.stderr.take() {
            drain(err, tx, Arc::clone(&self.log));
        }
        let socket = match self.isolation {
            Isolation::None => PathBuf::from(DEFAULT_SOCKET),
            _ => self.run_dir.join("pcscd").join("pcscd.comm"),
        };
        let deadline = Instant::now() + READY_TIMEOUT;
        let mut ready = false;
        while !(ready && socket.exists()) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                drop(child.stdin.take());
                finish(&mut child);
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("pcscd not ready: {}", self.log_tail().join(" | ")),
                ));
            }
            match rx.recv_timeout(left.min(Duration::from_millis(100))) {
                Ok(line) => ready |= line.contains("daemon ready"),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait()?;
                    return Err(io::Error::other(format!(
                        "pcscd exited ({status}): {}",
                        self.log_tail().join(" | ")
                    )));
                }
            }
        }
        self.socket = socket;
        self.child = Some(child);
        Ok(())
    }
}

impl Drop for PrivatePcscd {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Closing the supervisor's stdin stops pcscd with SIGTERM (it cleans up).
            drop(child.stdin.take());
            finish(&mut child);
        }
    }
}

/// Waits for the supervisor to end (it ends when pcscd does), killing it after a while.
fn finish(child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if !matches!(child.try_wait(), Ok(None)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Forwards a pipe's lines to `tx` and keeps the last ones in `log`.
fn drain(
    pipe: impl io::Read + Send + 'static,
    tx: mpsc::Sender<String>,
    log: Arc<Mutex<VecDeque<String>>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if let Ok(mut l) = log.lock() {
                if l.len() == LOG_LINES {
                    l.pop_front();
                }
                l.push_back(line.clone());
            }
            let _ = tx.send(line);
        }
    });
}

/// A port P such that P and P+1 are free on all interfaces (vpcd binds INADDR_ANY).
fn free_port_pair() -> io::Result<u16> {
    for _ in 0..100 {
        let first = TcpListener::bind((Ipv4Addr::UNSPECIFIED, 0))?;
        let port = first.local_addr()?.port();
        if port == u16::MAX {
            continue;
        }
        if TcpListener::bind((Ipv4Addr::UNSPECIFIED, port + 1)).is_ok() {
            return Ok(port);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AddrNotAvailable,
        "no two consecutive free ports",
    ))
}

/// The vpcd driver: `LIBPATH` of Debian's `/etc/reader.conf.d/vpcd`, else the usual path.
fn vpcd_driver() -> io::Result<PathBuf> {
    let from_conf = std::fs::read_to_string("/etc/reader.conf.d/vpcd")
        .ok()
        .and_then(|conf| {
            conf.lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .find_map(|l| {
                    l.trim()
                        .strip_prefix("LIBPATH")
                        .map(|p| PathBuf::from(p.trim()))
                })
        });
    let path = from_conf.unwrap_or_else(|| PathBuf::from(DEFAULT_VPCD_DRIVER));
    if path.exists() {
        Ok(path)
    } else {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "vpcd driver {} not found (apt install vsmartcard-vpcd)",
                path.display()
            ),
        ))
    }
}

/// pcscd lives in /usr/sbin, which is not on every user's PATH.
fn pcscd_binary() -> PathBuf {
    ["/usr/sbin/pcscd", "/usr/local/sbin/pcscd", "/sbin/pcscd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("pcscd"))
}

/// Where the time from "card in" to "card read" goes on this test bed, for `scripts/bench`.
///
/// Needs the process to talk to this pcscd already (`socket_env()` set in the environment before
/// any PC/SC call: libpcsclite reads it once) and nobody else reading its first reader.
#[derive(Debug, Clone, PartialEq)]
pub struct ReaderFigures {
    /// Median, card connected to vpcd → `CardInserted`: pcscd noticing and powering the card,
    /// then the watcher waking up.
    pub detection_ms: f64,
    /// Median, `CardInserted` → `CardRead`: connecting, the APDUs, and our own processing.
    pub read_ms: f64,
    /// Command APDUs the card answered during one read (the most seen in any run).
    pub apdus: usize,
    /// Mean round trip of one APDU through pcscd and vpcd to the virtual card and back.
    pub apdu_round_trip_ms: f64,
}

impl ReaderFigures {
    /// `read_ms` less the APDUs' share: connecting, the transaction and our own processing.
    pub fn own_processing_ms(&self) -> f64 {
        self.read_ms - self.apdus as f64 * self.apdu_round_trip_ms
    }

    /// The figures as `(name, value, unit)`, in the order the bench prints them.
    pub fn lines(&self) -> Vec<(&'static str, f64, &'static str)> {
        vec![
            ("card_detection", self.detection_ms, "ms"),
            ("card_read", self.read_ms, "ms"),
            ("card_read_apdus", self.apdus as f64, "APDUs"),
            ("card_apdu_round_trip", self.apdu_round_trip_ms, "ms"),
            ("card_read_own_processing", self.own_processing_ms(), "ms"),
        ]
    }
}

/// Measures [`ReaderFigures`] with `image` inserted `runs` times into the first vpcd reader
/// while a [`PcscReader`] watches, then the APDU round trip over `exchanges` SELECTs.
pub fn reader_figures(
    pcscd: &PrivatePcscd,
    image: &CardImage,
    runs: usize,
    exchanges: usize,
) -> io::Result<ReaderFigures> {
    let reads = timed_reads(pcscd, image, runs)?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Ok(ReaderFigures {
        detection_ms: median(reads.iter().map(|r| ms(r.detection)).collect()),
        read_ms: median(reads.iter().map(|r| ms(r.read)).collect()),
        apdus: reads.iter().map(|r| r.apdus).max().unwrap_or(0),
        apdu_round_trip_ms: ms(apdu_round_trip(pcscd, image, exchanges)?),
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// One read of a virtual card by a [`PcscReader`], timed from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedRead {
    /// Card connected to vpcd → `CardInserted`.
    pub detection: Duration,
    /// `CardInserted` → `CardRead`.
    pub read: Duration,
    /// Command APDUs the card answered (its own count).
    pub apdus: usize,
}

/// Inserts `image` into the first vpcd reader `runs` times (pulled after each read) while a
/// [`PcscReader`] watches; a card that is not read is an error.
pub fn timed_reads(
    pcscd: &PrivatePcscd,
    image: &CardImage,
    runs: usize,
) -> io::Result<Vec<TimedRead>> {
    const WAIT: Duration = Duration::from_secs(10);
    let (tx, rx) = mpsc::channel();
    let handle = PcscReader::new().start(Box::new(move |e| {
        let _ = tx.send((Instant::now(), e));
    }));
    let next = |want: &dyn Fn(&ReaderEvent) -> bool, what: &str| -> io::Result<Instant> {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok((at, e)) if want(&e) => return Ok(at),
                Ok((_, ReaderEvent::Status(_))) => {}
                Ok((_, e)) => {
                    return Err(io::Error::other(format!("{e:?} while waiting for {what}")))
                }
                Err(e) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("{what}: {e}"),
                    ))
                }
            }
        }
    };
    let ready = |e: &ReaderEvent| {
        matches!(
            e,
            ReaderEvent::Status(station_protocol::ReaderStatus::Ready)
        )
    };
    // Ready is the first status of a watcher that finds the vpcd readers.
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok((_, e)) if ready(&e) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("reader ready: {e}"),
                ))
            }
        }
    }
    let mut reads = Vec::with_capacity(runs);
    for run in 0..runs {
        // pcscd looks at a vpcd reader on a timer: a card put in right after the last removal
        // was noticed would always land at the same point of that timer. A person does not, so
        // the insertions are spread over a second.
        let spread = u32::try_from(run * 1000 / runs.max(1)).unwrap_or(0);
        std::thread::sleep(Duration::from_millis(u64::from(spread)));
        let t0 = Instant::now();
        let card = VpcdCard::insert(pcscd.vpcd_addr(), CardBehaviour::Resident(image.clone()))?;
        let inserted = next(&|e| matches!(e, ReaderEvent::CardInserted), "CardInserted")?;
        let read = next(&|e| matches!(e, ReaderEvent::CardRead(_)), "CardRead")?;
        let apdus = card.apdus_answered();
        card.pull();
        next(&|e| matches!(e, ReaderEvent::CardRemoved), "CardRemoved")?;
        reads.push(TimedRead {
            detection: inserted.saturating_duration_since(t0),
            read: read.saturating_duration_since(inserted),
            apdus,
        });
    }
    handle.stop();
    Ok(reads)
}

/// Mean time of one APDU exchange (SELECT of the social-security application, answered with a
/// bare status word) with `image` in the first vpcd reader, over `exchanges` exchanges.
pub fn apdu_round_trip(
    pcscd: &PrivatePcscd,
    image: &CardImage,
    exchanges: usize,
) -> io::Result<Duration> {
    use pcsc::{Context, Protocols, Scope, ShareMode};
    let pcsc_err = |e: pcsc::Error| io::Error::other(e.to_string());
    let _card = VpcdCard::insert(pcscd.vpcd_addr(), CardBehaviour::Resident(image.clone()))?;
    let ctx = Context::establish(Scope::User).map_err(pcsc_err)?;
    // The card is in once pcscd has noticed it: any reader that connects.
    let deadline = Instant::now() + Duration::from_secs(10);
    let card = loop {
        let readers = ctx.list_readers_owned().map_err(pcsc_err)?;
        if let Some(card) = readers
            .iter()
            .find_map(|r| ctx.connect(r, ShareMode::Shared, Protocols::ANY).ok())
        {
            break card;
        }
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the card did not show up",
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut select = vec![0x00, 0xA4, 0x04, 0x00, 0x0F];
    select.extend_from_slice(&crate::SSC_AID);
    let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
    card.transmit(&select, &mut buf).map_err(pcsc_err)?; // warm-up
    let exchanges = exchanges.max(1);
    let t0 = Instant::now();
    for _ in 0..exchanges {
        card.transmit(&select, &mut buf).map_err(pcsc_err)?;
    }
    let mean = t0.elapsed() / u32::try_from(exchanges).unwrap_or(u32::MAX);
    let _ = card.disconnect(pcsc::Disposition::LeaveCard);
    Ok(mean)
}
