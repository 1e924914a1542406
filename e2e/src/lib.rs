//! End-to-end harness for the kiosk: everything a test needs to drive the real app window like
//! a resident would (see README.md in this folder).

pub mod bed;
pub mod display;
pub mod doctor_page;
pub mod nat;
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

/// Every file under `dir`, at any depth, sorted (an installer's contents compared with what was
/// packed).
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() && !path.is_symlink() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// How often each of Tauri's bundle-type marks occurs in a program. The updater reads the one
/// the installer wrote (scripts/mark-bundle-type) to choose its manifest entry and how to install:
/// a debug program packed as `mark` holds that mark twice (the slot and the updater's own list),
/// every other once, and no unmarked slot (an optimised build keeps the slot alone).
pub fn assert_bundle_type(program: &[u8], mark: &str) {
    let prefix = b"__TAURI_BUNDLE_TYPE_VAR_";
    let mut seen = std::collections::BTreeMap::new();
    let mut at = 0;
    while let Some(i) = program[at..]
        .windows(prefix.len())
        .position(|w| w == prefix)
    {
        let start = at + i + prefix.len();
        let name = String::from_utf8_lossy(&program[start..(start + 3).min(program.len())]);
        *seen.entry(name.into_owned()).or_insert(0usize) += 1;
        at = start;
    }
    let expected: std::collections::BTreeMap<String, usize> = ["APP", "DEB", "MSI", "NSS", "RPM"]
        .into_iter()
        .map(|m| (m.to_string(), if m == mark { 2 } else { 1 }))
        .collect();
    assert_eq!(
        seen, expected,
        "the program's bundle-type marks (packed as {mark})"
    );
}

/// The installer a packaging script left in `target/<dir>` (e.g. `debug/bundle/appimage`, `msi`)
/// with this extension; `made_by` names the script for the message when there is none.
pub fn built_installer(dir: &str, extension: &str, made_by: &str) -> std::path::PathBuf {
    let dir = workspace_root().join("target").join(dir);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} ({made_by} makes it)", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == extension))
        .unwrap_or_else(|| panic!("no .{extension} in {} ({made_by} makes it)", dir.display()))
}
