//! End-to-end harness for the kiosk: everything a test needs to drive the real app window like
//! a resident would (see README.md in this folder).

pub mod bed;
pub mod display;
pub mod doctor_page;
pub mod service;
pub mod station;
pub mod turn;
pub mod update_server;
pub mod webdriver;

use std::time::{Duration, Instant};

/// Polls `f` until it returns `Some`, or gives up after `timeout` with the last failure.
pub fn wait_for<T>(
    timeout: Duration,
    mut f: impl FnMut() -> Result<Option<T>, String>,
) -> Result<T, String> {
    let start = Instant::now();
    let mut last = String::from("never checked");
    loop {
        match f() {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last = e,
        }
        if start.elapsed() > timeout {
            return Err(format!("timed out after {timeout:?}: {last}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The workspace root (this crate lives in `<root>/e2e`).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default()
}

/// A free TCP port on loopback (bound then released; good enough for test daemons).
pub fn free_port() -> std::io::Result<u16> {
    Ok(free_ports::<1>()?[0])
}

/// `N` distinct free ports: all are held at once so none is handed out twice.
pub fn free_ports<const N: usize>() -> std::io::Result<[u16; N]> {
    let listeners = (0..N)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0"))
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut ports = [0u16; N];
    for (p, l) in ports.iter_mut().zip(&listeners) {
        *p = l.local_addr()?.port();
    }
    Ok(ports)
}

/// Starts `program args…` under a tiny shell supervisor whose stdin is a pipe from this process:
/// when the pipe closes — `Supervised` dropped, or this test process killed without running
/// destructors — the program gets SIGTERM. So no Xvfb or tauri-driver outlives its test.
pub fn supervised(
    cmd: std::process::Command,
    stdout: std::process::Stdio,
    stderr: std::process::Stdio,
) -> std::io::Result<Supervised> {
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c")
        .arg(r#""$@" & p=$!; read _ || true; kill -TERM "$p" 2>/dev/null; wait "$p""#)
        .arg("supervisor")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdin(std::process::Stdio::piped())
        .stdout(stdout)
        .stderr(stderr);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        sh.current_dir(dir);
    }
    Ok(Supervised(Some(sh.spawn()?)))
}

pub struct Supervised(Option<std::process::Child>);

impl Supervised {
    pub fn id(&self) -> Option<u32> {
        self.0.as_ref().map(|c| c.id())
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            drop(child.stdin.take());
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if !matches!(child.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
