//! A console on loopback for tests (feature `testbed`): its own store in a temp folder, two
//! stations of the group "wuma", doctors in "wuma" and "other", a clock the test moves, and its
//! own runtime on background threads, so sync and async tests alike can talk to it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::clock::Clock;
use crate::{stations, Console, ConsoleConfig, ConsoleStore};

/// Every test doctor's password.
pub const PASSWORD: &str = "correct horse battery";
/// The test stations: id and name, all in the group "wuma". (Test data, not screen text.)
pub const STATIONS: [(&str, &str); 2] = [
    ("s1", "五马街道禅街社区智慧健康站"), // i18n-exempt: test data
    ("s2", "五马街道墨池社区智慧健康站"), // i18n-exempt: test data
];
/// The test doctors: username, name, group.
pub const DOCTORS: [(&str, &str, &str); 3] = [
    ("li", "李医生", "wuma"),    // i18n-exempt: test data
    ("wang", "王医生", "wuma"),  // i18n-exempt: test data
    ("zhao", "赵医生", "other"), // i18n-exempt: test data
];

pub struct TestConsole {
    pub addr: SocketAddr,
    pub console: Arc<Console>,
    /// The key issued to each of [`STATIONS`], in order.
    pub keys: Vec<String>,
    now: Arc<Mutex<DateTime<Utc>>>,
    runtime: Option<tokio::runtime::Runtime>,
    _dir: tempfile::TempDir,
}

impl TestConsole {
    /// Panics when the bed cannot be set up: this is test code.
    pub fn start() -> TestConsole {
        TestConsole::start_with("")
    }

    /// A console whose `clinic.toml` also holds `more` (e.g. `relay_only` and `[[ice_servers]]`).
    pub fn start_with(more: &str) -> TestConsole {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = format!(
            "listen = \"127.0.0.1:0\"\ndatabase = \"{}\"\nstore_key_file = \"{}\"\n{more}",
            dir.path().join("console.db").display(),
            dir.path().join("console.key").display()
        );
        let config =
            ConsoleConfig::parse(&text, std::path::Path::new("clinic.toml")).expect("test config");
        let start = Utc
            .with_ymd_and_hms(2026, 12, 1, 1, 0, 0)
            .single()
            .expect("a time");
        let now = Arc::new(Mutex::new(start));
        let clock: Clock = {
            let now = now.clone();
            Arc::new(move || *now.lock().unwrap_or_else(|p| p.into_inner()))
        };
        let store = Arc::new(
            ConsoleStore::open(&config.database, &config.store_key_file).expect("console store"),
        );
        let keys = STATIONS
            .iter()
            .map(|(id, name)| stations::issue_key(&store, id, name, "wuma", start).expect("key"))
            .collect();
        let console = Console::new(config, store, clock);
        for (user, name, group) in DOCTORS {
            console
                .accounts()
                .add_doctor(user, name, group, PASSWORD)
                .expect("doctor");
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("loopback port");
        std_listener.set_nonblocking(true).expect("non-blocking");
        let addr = std_listener.local_addr().expect("address");
        let listener = {
            let _in_runtime = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener).expect("listener")
        };
        runtime.spawn(crate::server::serve(listener, console.clone()));
        TestConsole {
            addr,
            console,
            keys,
            now,
            runtime: Some(runtime),
            _dir: dir,
        }
    }

    /// Moves the console's clock on.
    pub fn advance(&self, seconds: i64) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += Duration::seconds(seconds);
    }
}

impl Drop for TestConsole {
    fn drop(&mut self) {
        // Allowed from inside an async test too (a plain drop of a runtime is not).
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A doctor reduced to their page's socket: signs in, waits for messages, accepts, sends.
pub struct TestDoctor {
    ws: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
}

impl TestDoctor {
    /// Signs in as `user` (one of [`DOCTORS`]) and opens the doctor's socket.
    pub fn sign_in(clinic: &TestConsole, user: &str) -> TestDoctor {
        let (token, _) = clinic
            .console
            .accounts()
            .login(user, PASSWORD)
            .expect("login");
        let (ws, _) =
            tungstenite::connect(format!("ws://{}/ws/doctor", clinic.addr)).expect("doctor socket");
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(std::time::Duration::from_millis(200)))
                .expect("timeout");
        }
        let mut doctor = TestDoctor { ws };
        doctor.send(serde_json::json!({"type": "auth", "token": token}));
        doctor
    }

    pub fn send(&mut self, message: serde_json::Value) {
        self.ws
            .send(tungstenite::Message::text(message.to_string()))
            .expect("send");
    }

    /// Reads until a message satisfies `want` (10 s at most).
    pub fn wait(
        &mut self,
        what: &str,
        want: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            match self.ws.read() {
                Ok(tungstenite::Message::Text(text)) => {
                    let v: serde_json::Value = serde_json::from_str(text.as_str()).expect("json");
                    if want(&v) {
                        return v;
                    }
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("doctor socket: {e}"),
            }
        }
        panic!("the doctor never heard {what}");
    }

    /// Waits for the station's call in the queue and accepts it; gives what the console sent.
    pub fn accept(&mut self) -> serde_json::Value {
        let queue = self.wait("a waiting call", |v| {
            v["type"] == "queue" && v["calls"][0]["call"].is_string()
        });
        let call = queue["calls"][0]["call"].clone();
        self.send(serde_json::json!({"type": "accept", "call": call}));
        self.wait("accepted", |v| v["type"] == "accepted")
    }
}
