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
