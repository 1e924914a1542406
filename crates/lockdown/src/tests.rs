use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::*;

/// Set in a child test process: the path of the lock it must take and hold.
const HOLD_ENV: &str = "STATION_LOCKDOWN_TEST_HOLD";
/// What the child prints once it holds the lock.
const HELD: &str = "station-lockdown-test: lock held";

/// Not a test of its own: the body of the child process the other tests start (this same
/// test binary, run with `HOLD_ENV` set). It takes the lock, says so, and holds it until killed
/// (at most a minute, so a lost child ends by itself).
#[test]
fn hold_the_lock_when_asked() {
    let Some(path) = std::env::var_os(HOLD_ENV) else {
        return;
    };
    let _lock = acquire(Path::new(&path)).expect("the child takes the lock");
    // On a line of its own: libtest has already written "test … ... " without a line end.
    println!("\n{HELD}");
    std::io::stdout().flush().expect("flush");
    std::thread::sleep(Duration::from_secs(60));
}

/// Starts a child process holding the lock at `path`; returns when it holds it.
fn child_holding(path: &Path) -> std::process::Child {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "tests::hold_the_lock_when_asked",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HOLD_ENV, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the holder");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.trim() == HELD {
                let _ = tx.send(());
            }
        }
    });
    if rx.recv_timeout(Duration::from_secs(30)).is_err() {
        let _ = child.kill();
        panic!("the holder never took the lock");
    }
    child
}

#[test]
fn a_second_launch_is_refused_while_the_first_lives_and_allowed_once_it_is_killed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(LOCK_FILE);
    let mut child = child_holding(&path);

    match acquire(&path) {
        Err(LockError::AlreadyRunning { path: p, pid }) => {
            assert_eq!(p, path);
            assert_eq!(pid, Some(child.id()), "the holder's process id is told");
        }
        other => panic!("a second copy must be refused: {other:?}"),
    }
    let message = acquire(&path).expect_err("refused").to_string();
    assert!(
        message.contains("already running") && message.contains(&child.id().to_string()),
        "{message}"
    );

    // kill -9: no destructor runs, the OS drops the lock with the process.
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let lock = acquire(&path).expect("the lock is free once the holder died");
    assert_eq!(lock.path(), path);
    let pid: u32 = fs::read_to_string(&path)
        .expect("read")
        .trim()
        .parse()
        .expect("a process id");
    assert_eq!(pid, std::process::id());
}

#[test]
fn the_lock_is_released_when_dropped_and_refused_to_a_second_open_meanwhile() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run").join(LOCK_FILE);
    let first = acquire(&path).expect("first");
    assert!(matches!(
        acquire(&path),
        Err(LockError::AlreadyRunning { .. })
    ));
    drop(first);
    acquire(&path).expect("free again");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("run")), 0o700);
    }
}

#[test]
fn the_lock_lives_in_the_runtime_dir_else_the_data_dir() {
    let data = Path::new("/var/lib/health-station");
    assert_eq!(
        lock_path(Some(Path::new("/run/user/1000")), data),
        Path::new("/run/user/1000/health-station.lock")
    );
    assert_eq!(
        lock_path(None, data),
        Path::new("/var/lib/health-station/station.lock")
    );
    // A relative XDG_RUNTIME_DIR is invalid per the spec and ignored.
    assert_eq!(
        lock_path(Some(Path::new("run")), data),
        Path::new("/var/lib/health-station/station.lock")
    );
}

/// Under a `Type=notify` unit the kiosk says READY=1 on systemd's socket; with no socket named,
/// the call is a quiet no-op (a developer's shell, the e2e harness).
#[cfg(unix)]
#[test]
fn readiness_reaches_the_notify_socket_named_by_the_service_manager() {
    use std::os::unix::net::UnixDatagram;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notify");
    let manager = UnixDatagram::bind(&path).expect("a notify socket");
    manager
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    // This test alone in this binary touches NOTIFY_SOCKET.
    std::env::set_var("NOTIFY_SOCKET", &path);
    tell_service_manager_ready().expect("sent");
    std::env::remove_var("NOTIFY_SOCKET");
    let mut buf = [0u8; 256];
    let n = manager.recv(&mut buf).expect("a datagram from the kiosk");
    let said = String::from_utf8_lossy(&buf[..n]);
    assert!(said.lines().any(|l| l == "READY=1"), "{said:?}");
    // No manager: nothing to tell, and no error.
    tell_service_manager_ready().expect("a no-op without NOTIFY_SOCKET");
}
