//! A private cupsd with a raw queue to a local AppSocket listener, for tests (feature `testbed`).
//!
//! Its configuration, spool, cache, state and logs live in a temporary directory, and it listens
//! only on its own loopback port, so it never touches the system cupsd. The queue `T` is raw
//! (`-m raw`): CUPS hands the submitted bytes unchanged to `socket://127.0.0.1:<listener>`, where
//! a thread stores what arrives, so a test can compare them with the PDF it sent.
//!
//! cupsd runs under a small supervisor shell whose stdin is a pipe from this process: end of file
//! (this process exiting, even by SIGKILL) makes the shell stop cupsd.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const READY_TIMEOUT: Duration = Duration::from_secs(15);
/// The queue name.
pub const QUEUE: &str = "T";

/// `$1` = cupsd binary, `$2` = cupsd.conf, `$3` = cups-files.conf.
const SUPERVISOR_SCRIPT: &str = r#"
"$1" -f -c "$2" -s "$3" </dev/null &
p=$!
exec 5<&0
( while read -r cmd; do [ "$cmd" = kill ] && kill -KILL "$p"; done; kill -TERM "$p" 2>/dev/null ) <&5 &
w=$!
wait "$p"
s=$?
kill "$w" 2>/dev/null
exit "$s""#;

/// Bytes received by the AppSocket listener, one entry per connection.
#[derive(Debug, Default)]
struct Received {
    jobs: Mutex<Vec<Vec<u8>>>,
    arrived: Condvar,
}

/// A TCP listener speaking the AppSocket/JetDirect "protocol" (just bytes in).
#[derive(Debug)]
pub struct AppSocketListener {
    addr: SocketAddr,
    received: Arc<Received>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl AppSocketListener {
    pub fn start() -> io::Result<AppSocketListener> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let received = Arc::new(Received::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (received.clone(), stop.clone());
        let thread = thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let mut bytes = Vec::new();
                if conn.read_to_end(&mut bytes).is_ok() {
                    if let Ok(mut jobs) = r.jobs.lock() {
                        jobs.push(bytes);
                        r.arrived.notify_all();
                    }
                }
            }
        });
        Ok(AppSocketListener {
            addr,
            received,
            stop,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for the `n`-th job (1-based) to have arrived; returns its bytes.
    pub fn wait_for_job(&self, n: usize, timeout: Duration) -> Option<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        let mut jobs = self.received.jobs.lock().ok()?;
        while jobs.len() < n {
            let left = deadline.checked_duration_since(Instant::now())?;
            jobs = self.received.arrived.wait_timeout(jobs, left).ok()?.0;
        }
        jobs.get(n - 1).cloned()
    }

    /// Jobs received so far.
    pub fn job_count(&self) -> usize {
        self.received.jobs.lock().map(|j| j.len()).unwrap_or(0)
    }
}

impl Drop for AppSocketListener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A cupsd of our own with the raw queue [`QUEUE`]; killed on drop.
#[derive(Debug)]
pub struct PrivateCups {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
    listener: AppSocketListener,
}

impl PrivateCups {
    /// Starts cupsd on a free loopback port and creates the queue to a fresh listener.
    pub fn start() -> io::Result<PrivateCups> {
        // cupsd wants /run/cups to exist even when it does not listen there.
        let _ = std::fs::create_dir_all("/run/cups");
        let dir = tempfile::Builder::new().prefix("station-cups-").tempdir()?;
        // The backend runs as the unprivileged `lp` user: it must reach the spool.
        set_mode(dir.path(), 0o755)?;
        let root = dir.path();
        for sub in ["conf", "spool", "spool/tmp", "cache", "state", "log"] {
            std::fs::create_dir_all(root.join(sub))?;
            set_mode(&root.join(sub), 0o755)?;
        }
        let port = free_port()?;
        let conf = root.join("conf");
        std::fs::write(
            conf.join("cupsd.conf"),
            format!(
                "Listen 127.0.0.1:{port}\n\
                 LogLevel debug\n\
                 MaxLogSize 0\n\
                 Browsing No\n\
                 WebInterface No\n\
                 DefaultAuthType None\n\
                 JobRetryLimit 0\n\
                 PreserveJobHistory Yes\n\
                 <Location />\n  Order allow,deny\n  Allow 127.0.0.1\n</Location>\n\
                 <Policy default>\n  <Limit All>\n    Order allow,deny\n    Allow 127.0.0.1\n  </Limit>\n</Policy>\n\
                 DefaultPolicy default\n"
            ),
        )?;
        let p = |s: &str| root.join(s).display().to_string();
        std::fs::write(
            conf.join("cups-files.conf"),
            format!(
                "ServerRoot {}\nRequestRoot {}\nTempDir {}\nCacheDir {}\nStateDir {}\n\
                 ErrorLog {}\nAccessLog {}\nPageLog {}\nSystemGroup root\nFileDevice No\n",
                p("conf"),
                p("spool"),
                p("spool/tmp"),
                p("cache"),
                p("state"),
                p("log/error_log"),
                p("log/access_log"),
                p("log/page_log"),
            ),
        )?;
        let listener = AppSocketListener::start()?;
        let child = Command::new("sh")
            .arg("-c")
            .arg(SUPERVISOR_SCRIPT)
            .arg("station-cupsd")
            .arg(cupsd_binary())
            .arg(conf.join("cupsd.conf"))
            .arg(conf.join("cups-files.conf"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot start cupsd (apt-get install cups): {e}"),
                )
            })?;
        let mut me = PrivateCups {
            dir,
            port,
            child: Some(child),
            listener,
        };
        me.wait_ready()?;
        let device = format!("socket://{}/?contimeout=3", me.listener.addr());
        me.lpadmin(&["-p", QUEUE, "-v", &device, "-E", "-m", "raw"])?;
        Ok(me)
    }

    fn wait_ready(&mut self) -> io::Result<()> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut() {
                if let Some(status) = child.try_wait()? {
                    return Err(io::Error::other(format!(
                        "cupsd exited ({status}) before listening; log:\n{}",
                        self.log_tail(30)
                    )));
                }
            }
            if Instant::now() > deadline {
                return Err(io::Error::other(format!(
                    "cupsd not listening on {addr} after {READY_TIMEOUT:?}; log:\n{}",
                    self.log_tail(30)
                )));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// `host:port` for the CUPS command-line tools' `-h`.
    pub fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The queue's IPP URI, for [`crate::CupsPrinter::new`].
    pub fn queue_uri(&self) -> String {
        format!("ipp://127.0.0.1:{}/printers/{QUEUE}", self.port)
    }

    pub fn listener(&self) -> &AppSocketListener {
        &self.listener
    }

    /// Runs a CUPS admin tool against this cupsd (`-h` added), failing with its output.
    pub fn admin(&self, tool: &str, args: &[&str]) -> io::Result<()> {
        let out = Command::new(tool)
            .arg("-h")
            .arg(self.server())
            .args(args)
            .env("CUPS_SERVER", self.server())
            .output()?;
        if out.status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "{tool} {args:?} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )))
        }
    }

    fn lpadmin(&self, args: &[&str]) -> io::Result<()> {
        self.admin("lpadmin", args)
    }

    /// Pauses the queue (`cupsdisable`): jobs stay pending.
    pub fn disable_queue(&self) -> io::Result<()> {
        self.admin("cupsdisable", &[QUEUE])
    }

    pub fn enable_queue(&self) -> io::Result<()> {
        self.admin("cupsenable", &[QUEUE])
    }

    /// Makes the queue refuse new jobs (`cupsreject`).
    pub fn reject_jobs(&self) -> io::Result<()> {
        self.admin("cupsreject", &[QUEUE])
    }

    pub fn accept_jobs(&self) -> io::Result<()> {
        self.admin("cupsaccept", &[QUEUE])
    }

    /// Points the queue at a port nobody listens on, with `printer-error-policy=abort-job`:
    /// the next job is aborted after the backend's connect timeout.
    pub fn point_at_unreachable_device(&self) -> io::Result<()> {
        let port = free_port()?;
        let device = format!("socket://127.0.0.1:{port}/?contimeout=2");
        self.lpadmin(&[
            "-p",
            QUEUE,
            "-v",
            &device,
            "-o",
            "printer-error-policy=abort-job",
        ])
    }

    /// Kills cupsd now (SIGKILL), e.g. to test a spooler that went away.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            if let Some(stdin) = child.stdin.as_mut() {
                let _ = stdin.write_all(b"kill\n");
                let _ = stdin.flush();
            }
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }

    /// The last `n` lines of cupsd's error log (for failure messages).
    pub fn log_tail(&self, n: usize) -> String {
        let text =
            std::fs::read_to_string(self.dir.path().join("log/error_log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PrivateCups {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // End of file on the supervisor's stdin stops cupsd with SIGTERM.
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }
}

fn cupsd_binary() -> PathBuf {
    ["/usr/sbin/cupsd", "/usr/local/sbin/cupsd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("cupsd"))
}

fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}
