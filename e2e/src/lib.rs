//! End-to-end harness for the kiosk: everything a test needs to drive the real app window like
//! a resident would (see README.md in this folder).

pub mod display;
pub mod station;
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
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
