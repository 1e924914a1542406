//! One kiosk under test: its own config and data directory, a tauri-driver on a free port, and
//! a WebDriver session on the real app window. Helpers read and press what the resident sees.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use station_devices::simulated::{script_env, SECONDS_ENV};
use station_protocol::MeasureKind;

use crate::display::Display;
use crate::webdriver::Session;
use crate::{free_ports, supervised, wait_for, workspace_root, Supervised};

pub struct StationOptions {
    /// Run as a demonstration (`--demo`): simulated hardware allowed, data in `<data>/demo`.
    pub demo: bool,
    /// "pcsc" or "simulated".
    pub card_reader: &'static str,
    /// Opening hours, "HH:MM"; default: open all day.
    pub hours: (String, String),
    /// Idle timeout and warning seconds.
    pub idle: (u32, u32),
    /// Scripted outcomes of the simulated devices, per kind (`STATION_SIM_<KIND>`), e.g.
    /// `(MeasureKind::BloodPressure, "128/82/72")`.
    pub device_scripts: Vec<(MeasureKind, String)>,
    /// Seconds one simulated measurement takes.
    pub measure_seconds: f64,
    /// `[devices] measure_timeout_seconds`.
    pub measure_timeout: u32,
    /// PC/SC socket of the pcscd this station talks to.
    pub pcsc_socket: Option<PathBuf>,
    /// Reuse an existing data directory (restart scenarios).
    pub data_dir: Option<PathBuf>,
    /// `[storage] key_dir`: a station key of this test's own (default: the user's shared one).
    pub key_dir: Option<PathBuf>,
    /// Staff card UIDs (hex) for `[staff] card_uids`.
    pub staff_uids: Vec<String>,
    /// `[hardware] id_card_reader`: "auto", "none", "simulated" or a serial device path.
    pub id_card_reader: String,
    /// `[printer] queue`: "auto", "none", "simulated" or an ipp:// queue.
    pub printer: String,
    /// `[hardware] camera`: "auto", "none", "simulated", "stills:<dir>".
    pub camera: String,
    /// The app to start (default: [`app_binary`]); the installed package's `/usr/bin/health-station`.
    pub app: Option<PathBuf>,
    /// Start with this config file as it is (a restart keeps what admin mode wrote to it);
    /// by default a new one is written from these options.
    pub config: Option<PathBuf>,
    /// `[clinic]`: the doctor console's address and the file with this station's key (as
    /// station "s1" of the console's test bed).
    pub clinic: Option<(String, PathBuf)>,
    /// `[update]`: the update manifest's address and the signing key's public half.
    pub update: Option<(String, String)>,
    /// Where the app keeps a downloaded update and a new version's trial
    /// (`HEALTH_STATION_UPDATES_DIR`); by default a folder of this launch's own.
    pub updates_dir: Option<PathBuf>,
    /// More environment for the app (e.g. `APPIMAGE`: the file an AppImage kiosk replaces).
    pub env: Vec<(String, PathBuf)>,
}

impl Default for StationOptions {
    fn default() -> Self {
        StationOptions {
            demo: false,
            card_reader: "pcsc",
            hours: ("00:00".into(), "24:00".into()),
            idle: (60, 20),
            device_scripts: Vec::new(),
            measure_seconds: 1.0,
            measure_timeout: 90,
            pcsc_socket: None,
            data_dir: None,
            key_dir: None,
            staff_uids: Vec::new(),
            // None unless a test names one ("auto" would be the simulator in a demo).
            id_card_reader: "none".into(),
            printer: "none".into(),
            camera: "none".into(),
            app: None,
            config: None,
            clinic: None,
            update: None,
            updates_dir: None,
            env: Vec::new(),
        }
    }
}

pub struct Station {
    pub session: Session,
    driver: Option<Supervised>,
    pub dir: tempfile::TempDir,
    pub config_path: PathBuf,
    /// Where the app keeps its store (a demonstration's own folder in demo mode).
    pub data_dir: PathBuf,
}

/// The app binary under test (`STATION_APP`, else target/debug/health-station).
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("STATION_APP") {
        // WebKitWebDriver needs an absolute path.
        let p = PathBuf::from(p);
        return std::fs::canonicalize(&p).unwrap_or(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("debug").join("health-station")
}

pub fn write_config(path: &Path, opts: &StationOptions, data_dir: &Path) -> std::io::Result<()> {
    let text = format!(
        "[station]\ntown = \"五马街道\"\ncommunity = \"禅街社区\"\nlocale = \"zh-CN\"\n\n\
         [hours]\nopens = \"{}\"\ncloses = \"{}\"\n\n\
         [idle]\ntimeout_seconds = {}\nwarning_seconds = {}\n\n\
         [hardware]\ncard_reader = \"{}\"\nid_card_reader = \"{}\"\ncamera = \"{}\"\n\n\
         [storage]\ndata_dir = \"{}\"\n{}\n\
         [staff]\ncard_uids = [{}]\n\n\
         [printer]\nqueue = \"{}\"\njob_timeout_seconds = 10\n\n\
         [devices]\nmeasure_timeout_seconds = {}\n{}",
        opts.hours.0,
        opts.hours.1,
        opts.idle.0,
        opts.idle.1,
        opts.card_reader,
        opts.id_card_reader,
        opts.camera,
        data_dir.display(),
        opts.key_dir
            .as_ref()
            .map(|k| format!("key_dir = \"{}\"\n", k.display()))
            .unwrap_or_default(),
        opts.staff_uids
            .iter()
            .map(|u| format!("\"{u}\""))
            .collect::<Vec<_>>()
            .join(", "),
        opts.printer,
        opts.measure_timeout,
        opts.clinic
            .as_ref()
            .map(|(url, key)| format!(
                "\n[clinic]\nurl = \"{url}\"\nstation = \"s1\"\nkey_file = \"{}\"\n",
                key.display()
            ))
            .unwrap_or_default()
    );
    let update = opts
        .update
        .as_ref()
        .map(|(url, pubkey)| {
            format!("\n[update]\nurl = \"{url}\"\npubkey = \"{pubkey}\"\ncheck_hours = 1\n")
        })
        .unwrap_or_default();
    std::fs::write(path, text + &update)
}

impl Station {
    pub fn launch(display: &Display, opts: StationOptions) -> Result<Station, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let data_dir = opts
            .data_dir
            .clone()
            .unwrap_or_else(|| dir.path().join("data"));
        let config_path = match &opts.config {
            Some(path) => path.clone(),
            None => {
                let path = dir.path().join("station.toml");
                write_config(&path, &opts, &data_dir).map_err(|e| e.to_string())?;
                path
            }
        };

        let app = opts.app.clone().unwrap_or_else(app_binary);
        if !app.exists() {
            return Err(format!(
                "{} is missing: build it first (cargo build -p health-station)",
                app.display()
            ));
        }
        let [port, native_port] = free_ports::<2>().map_err(|e| e.to_string())?;
        let mut cmd = Command::new("tauri-driver");
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", display.name())
        .env(SECONDS_ENV, opts.measure_seconds.to_string())
        .env("RUST_LOG", "info");
        for (kind, script) in &opts.device_scripts {
            cmd.env(script_env(*kind).0, script);
        }
        if let Some(socket) = &opts.pcsc_socket {
            cmd.env("PCSCLITE_CSOCK_NAME", socket);
        }
        // Never the user's own updates folder: a trial record there would count this start.
        let updates_dir = opts
            .updates_dir
            .clone()
            .unwrap_or_else(|| dir.path().join("updates"));
        cmd.env("HEALTH_STATION_UPDATES_DIR", &updates_dir);
        for (name, value) in &opts.env {
            cmd.env(name, value);
        }
        let log = std::fs::File::create(dir.path().join("app.log")).map_err(|e| e.to_string())?;
        // tauri-driver stops WebKitWebDriver (and so the app) only on SIGTERM: the supervisor sends it.
        let mut driver = Some(
            supervised(cmd, Stdio::null(), Stdio::from(log)).map_err(|e| {
                format!("cannot start tauri-driver (scripts/setup installs it): {e}")
            })?,
        );
        // tauri-driver answers before its WebKitWebDriver does; a session asked for too early is
        // dropped ("peer disconnected"), so wait for both.
        wait_for(Duration::from_secs(20), || {
            let up = |p: u16| std::net::TcpStream::connect(("127.0.0.1", p)).is_ok();
            Ok((up(port) && up(native_port)).then_some(()))
        })
        .inspect_err(|_| drop(driver.take()))?;
        let mut args = vec!["--config".to_string(), config_path.display().to_string()];
        if opts.demo {
            args.push("--demo".to_string());
        }
        let data_dir = if opts.demo {
            data_dir.join("demo")
        } else {
            data_dir
        };
        let session = match Session::start(port, &app.display().to_string(), &args) {
            Ok(s) => s,
            Err(e) => {
                drop(driver.take());
                let log = std::fs::read_to_string(dir.path().join("app.log")).unwrap_or_default();
                return Err(format!(
                    "cannot start a session: {e}\n--- app log ---\n{log}"
                ));
            }
        };
        Ok(Station {
            session,
            driver,
            dir,
            config_path,
            data_dir,
        })
    }

    /// Waits until the page shows `text`; returns the page text.
    pub fn wait_text(&self, text: &str) -> Result<String, String> {
        self.wait_text_for(text, Duration::from_secs(30))
    }

    pub fn wait_text_for(&self, text: &str, timeout: Duration) -> Result<String, String> {
        let mut last = String::new();
        wait_for(timeout, || {
            let page = self.session.page_text()?;
            let found = page.contains(text);
            last = page.clone();
            Ok(found.then_some(page))
        })
        .map_err(|e| format!("{e}; wanted {text:?}; page shows:\n{last}"))
    }

    /// Waits until the page is the screen `name` (its `data-screen` marker) and `text` is in
    /// that screen's own header, body or bar (not the notice row or the demo strip: several
    /// strings appear on two screens, or inside a notice). Returns the screen's text.
    pub fn wait_screen(&self, name: &str, text: &str) -> Result<String, String> {
        let mut last = (String::new(), String::new());
        wait_for(Duration::from_secs(30), || {
            let v = self.session.execute(SCREEN_TEXT, vec![])?;
            let screen = v[0].as_str().unwrap_or_default().to_string();
            let words = v[1].as_str().unwrap_or_default().to_string();
            let found = screen == name && words.contains(text);
            last = (screen, words.clone());
            Ok(found.then_some(words))
        })
        .map_err(|e| {
            let error = format!(
                "{e}; wanted {text:?} on screen {name:?}; showing {:?}:\n{}",
                last.0, last.1
            );
            if last.0.is_empty() {
                self.never_drawn(error)
            } else {
                error
            }
        })
    }

    /// No screen was ever drawn: what the window holds and what the app said, so a failure on
    /// another machine can be read from its log alone.
    fn never_drawn(&self, error: String) -> String {
        let page = self
            .session
            .execute(
                "return [location.href, document.readyState, \
                 document.documentElement.outerHTML.slice(0, 1500)];",
                vec![],
            )
            .map(|v| v.to_string())
            .unwrap_or_else(|e| format!("(cannot read the page: {e})"));
        format!(
            "{error}\n--- no screen was drawn; the window holds ---\n{page}\n--- the app's log ends ---\n{}",
            self.app_log_tail(60)
        )
    }

    /// Waits until the notice row (not the screen under it) says `text`.
    pub fn wait_notice(&self, text: &str) -> Result<String, String> {
        let mut last = String::new();
        wait_for(Duration::from_secs(30), || {
            let v = self.session.execute(
                "const n = document.querySelector('.station > .notice'); return n ? n.innerText : '';",
                vec![],
            )?;
            last = v.as_str().unwrap_or_default().to_string();
            Ok(last.contains(text).then(|| last.clone()))
        })
        .map_err(|e| format!("{e}; wanted notice {text:?}; notice shows {last:?}"))
    }

    /// The value shown next to the label `label` on a result (`<dt>label</dt><dd>value…</dd>`),
    /// so a test binds each number to what it is: systolic and diastolic swapped fail.
    pub fn reading_value(&self, label: &str) -> Result<String, String> {
        let v = self.session.execute(
            "for (const dt of document.querySelectorAll('.station dl dt')) {\
               if (dt.innerText.trim() === arguments[0]) {\
                 const dd = dt.nextElementSibling;\
                 const value = dd && dd.querySelector('.value');\
                 return value ? value.innerText.trim() : (dd ? dd.innerText.trim() : null);\
               }\
             }\
             return null;",
            vec![serde_json::json!(label)],
        )?;
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("no value labelled {label:?} on the screen"))
    }

    pub fn wait_gone(&self, text: &str) -> Result<(), String> {
        let mut last = String::new();
        wait_for(Duration::from_secs(15), || {
            let page = self.session.page_text()?;
            let gone = !page.contains(text);
            last = page;
            Ok(gone.then_some(()))
        })
        .map_err(|e| format!("{e}; {text:?} still shown:\n{last}"))
    }

    /// Presses the button `label` beside the list item naming `row` (a device's self-test).
    pub fn press_in_row(&self, row: &str, label: &str) -> Result<(), String> {
        let find = || {
            wait_for(Duration::from_secs(15), || {
                self.session.find_button_in_row(row, label)
            })
            .map_err(|e| format!("no button {label:?} beside {row:?}: {e}"))
        };
        find().map_err(|e| self.with_log_if_gone(e))?;
        self.settle();
        self.session.click(&find()?)
    }

    /// Presses the button showing `label`, as a resident would.
    pub fn press(&self, label: &str) -> Result<(), String> {
        let find = || {
            wait_for(Duration::from_secs(15), || self.session.find_button(label))
                .map_err(|e| format!("no button {label:?}: {e}"))
        };
        find().map_err(|e| self.with_log_if_gone(e))?;
        self.settle();
        self.session.click(&find()?)
    }

    /// When the window itself went away (the driver no longer knows the session), the app's
    /// log says why: its last lines are added to the error.
    fn with_log_if_gone(&self, error: String) -> String {
        if !error.contains("invalid session id") {
            return error;
        }
        format!(
            "{error}\n--- the window is gone; the app's log ends ---\n{}",
            self.app_log_tail(40)
        )
    }

    /// Waits until the page has drawn two frames from now. A new screen is laid out once more
    /// after it is first drawn (the body measured for scroll arrows, which narrows it): a click
    /// aimed before that lands where the button was, not where it is. A finger comes later.
    fn settle(&self) {
        let _ = self.session.execute_async(
            "const done = arguments[arguments.length - 1];\
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        );
    }

    /// Holds a finger on the panel at (`x`, `y`) CSS pixels for `seconds`, through the
    /// browser's own input path (W3C actions): how staff open admin mode from the corner.
    pub fn hold_at(&self, x: u32, y: u32, seconds: f64) -> Result<(), String> {
        let ms = (seconds * 1000.0) as u64;
        self.session.perform_actions(serde_json::json!([{
            "type": "pointer",
            "id": "finger",
            "parameters": { "pointerType": "touch" },
            "actions": [
                { "type": "pointerMove", "origin": "viewport", "x": x, "y": y, "duration": 0 },
                { "type": "pointerDown", "button": 0 },
                { "type": "pause", "duration": ms },
                { "type": "pointerUp", "button": 0 }
            ]
        }]))
    }

    /// Types `pin` on the admin keypad and presses "确定".
    pub fn type_pin(&self, t: &station_i18n::Catalog, pin: &str) -> Result<(), String> {
        for digit in pin.chars() {
            self.press(&digit.to_string())?;
        }
        self.press(&t.text("admin-pin-submit"))
    }

    /// Opens staff admin mode on a station without badges: the corner held, the station PIN
    /// chosen (first use) or typed.
    pub fn open_admin(&self, t: &station_i18n::Catalog, pin: &str) -> Result<(), String> {
        self.hold_at(12, 12, 3.5)?;
        let page = self.wait_screen("admin_pin", &t.text("admin-pin-title"))?;
        let rounds = if page.contains(&t.text("admin-pin-choose")) {
            2
        } else {
            1
        };
        for _ in 0..rounds {
            self.type_pin(t, pin)?;
            std::thread::sleep(Duration::from_millis(300));
        }
        self.wait_screen("admin", &t.text("admin-today"))
            .map(|_| ())
    }

    /// The app's process id (found by its unique config path).
    pub fn app_pid(&self) -> Option<u32> {
        let out = Command::new("pgrep")
            .args([
                "-f",
                &format!("health-station --config {}", self.config_path.display()),
            ])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
    }

    pub fn app_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("app.log")).unwrap_or_default()
    }

    /// The app log's last `lines` lines.
    fn app_log_tail(&self, lines: usize) -> String {
        let log = self.app_log();
        let tail: Vec<&str> = log.lines().rev().take(lines).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    pub fn save_screenshot(&self, name: &str) {
        // WebKit hands back the last composited frame: once the page has drawn two frames since
        // now, the screen just reached is the one composited.
        self.settle();
        if let Ok(png) = self.session.screenshot() {
            let dir = workspace_root().join("target").join("e2e-screens");
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }
}

impl Drop for Station {
    fn drop(&mut self) {
        let pid = self.app_pid();
        self.session.end();
        drop(self.driver.take());
        // The next test must not share the card service with this app: wait until it is gone.
        if let Some(pid) = pid {
            // Gone = no such process, or only a zombie waiting to be reaped.
            let alive = || {
                std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .ok()
                    .and_then(|st| st.rsplit(')').next().map(|r| r.trim_start().to_string()))
                    .is_some_and(|rest| !rest.starts_with('Z'))
            };
            let gone = wait_for(Duration::from_secs(5), || Ok((!alive()).then_some(())));
            if gone.is_err() {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                // Until it is really gone: its single-instance lock and its card service
                // connection go with it, and the next test may start a station at once.
                let _ = wait_for(Duration::from_secs(10), || Ok((!alive()).then_some(())));
            }
        }
    }
}

/// The screen's name and the text of its own parts (header, body, bar, an overlay question).
const SCREEN_TEXT: &str = "const s = document.querySelector('.station');\
  if (!s) return ['', ''];\
  const parts = [...s.children].filter(e => e.matches('.screen-head, .screen-body, .bar, .overlay'));\
  return [s.dataset.screen || '', parts.map(e => e.innerText).join('\\n')];";
