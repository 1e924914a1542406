//! The doctor's page of the cloud-clinic console (`clinic/web/`) in headless Chromium through
//! chromedriver (Debian `chromium`, `chromium-driver`), with Chromium's fake camera and
//! microphone (`--use-fake-device-for-media-stream`) and no permission prompt
//! (`--use-fake-ui-for-media-stream`): a doctor at their desk, clicking the page's own buttons.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::webdriver::Session;
use crate::{free_port, supervised, wait_for, Supervised};

pub struct DoctorPage {
    pub session: Session,
    _driver: Supervised,
    _profile: tempfile::TempDir,
}

impl DoctorPage {
    /// Opens the console at `console` (its own address on loopback) in a new headless Chromium.
    pub fn open(console: SocketAddr) -> Result<DoctorPage, String> {
        let port = free_port().map_err(|e| e.to_string())?;
        let mut cmd = Command::new("chromedriver");
        cmd.arg(format!("--port={port}"));
        let driver = supervised(cmd, Stdio::null(), Stdio::null())
            .map_err(|e| format!("chromedriver (apt chromium-driver): {e}"))?;
        wait_for(Duration::from_secs(10), || {
            Ok(std::net::TcpStream::connect(("127.0.0.1", port))
                .is_ok()
                .then_some(()))
        })?;
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let session = Session::start_with(
            port,
            json!({ "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--disable-background-networking",
                         "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                         // The kiosk may be on this machine's loopback only (a test bed, CI).
                         "--allow-loopback-in-peer-connection",
                         format!("--user-data-dir={}", profile.path().display())]
            }}),
        )?;
        session.navigate(&format!("http://{console}/"))?;
        Ok(DoctorPage {
            session,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Types the username and password into the sign-in form and submits it.
    pub fn sign_in(&self, user: &str, password: &str) -> Result<(), String> {
        wait_for(Duration::from_secs(20), || {
            let ready = self.session.execute(
                "return !!document.querySelector('#login-form [name=username]') \
                 && document.querySelector('#login-form button').textContent.length > 0;",
                vec![],
            )?;
            Ok(ready.as_bool().unwrap_or(false).then_some(()))
        })?;
        self.session.execute(
            "const f = document.getElementById('login-form');\
             f.elements.username.value = arguments[0];\
             f.elements.password.value = arguments[1];\
             f.requestSubmit();",
            vec![json!(user), json!(password)],
        )?;
        Ok(())
    }

    /// Waits until the page's visible text contains `text`.
    pub fn wait_text(&self, text: &str) -> Result<String, String> {
        let mut last = String::new();
        wait_for(Duration::from_secs(30), || {
            last = self.session.page_text()?;
            Ok(last.contains(text).then(|| last.clone()))
        })
        .map_err(|e| format!("{e}; wanted {text:?} on the doctor's page:\n{last}"))
    }

    /// Clicks the page's button labelled `label`.
    pub fn press(&self, label: &str) -> Result<(), String> {
        let button = wait_for(Duration::from_secs(20), || self.session.find_button(label))?;
        self.session.click(&button)
    }

    /// Fills the prescription form's first empty row.
    pub fn write_drug(
        &self,
        drug: &str,
        dose: &str,
        quantity: &str,
        usage: &str,
    ) -> Result<(), String> {
        self.session.execute(
            "const rows = [...document.querySelectorAll('#rx tbody tr')];\
             const row = rows.find(r => !r.querySelector('[name=drug]').value);\
             const set = (n, v) => row.querySelector(`[name=${n}]`).value = v;\
             set('drug', arguments[0]); set('dose', arguments[1]);\
             set('quantity', arguments[2]); set('usage', arguments[3]);",
            vec![json!(drug), json!(dose), json!(quantity), json!(usage)],
        )?;
        Ok(())
    }

    /// Whether the doctor's own camera and microphone are live (the page's local stream).
    pub fn local_media_live(&self) -> Result<bool, String> {
        let v: Value = self.session.execute(
            "const s = document.getElementById('local').srcObject;\
             return !!s && s.getTracks().some(t => t.readyState === 'live');",
            vec![],
        )?;
        Ok(v.as_bool().unwrap_or(false))
    }
}

impl DoctorPage {
    /// The browser's own count of the kiosk's video frames decoded (`getStats`, inbound video).
    pub fn frames_decoded(&self) -> Result<u64, String> {
        let v: Value = self.session.execute_async(
            "const done = arguments[arguments.length - 1];\
             if (typeof pc === 'undefined' || !pc) { done(0); return; }\
             pc.getStats().then((report) => {\
               let n = 0;\
               report.forEach((s) => {\
                 if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.framesDecoded || 0;\
               });\
               done(n);\
             }, () => done(0));",
            vec![],
        )?;
        Ok(v.as_u64().unwrap_or(0))
    }
}

impl DoctorPage {
    /// What the doctor's browser heard from the kiosk (`getStats`, inbound audio): bytes
    /// received and the total energy of the decoded sound (0 for silence).
    pub fn sound_heard(&self) -> Result<(u64, f64), String> {
        let v: Value = self.session.execute_async(
            "const done = arguments[arguments.length - 1];\
             if (typeof pc === 'undefined' || !pc) { done([0, 0]); return; }\
             pc.getStats().then((report) => {\
               let bytes = 0, energy = 0;\
               report.forEach((s) => {\
                 if (s.type === 'inbound-rtp' && s.kind === 'audio') {\
                   bytes += s.bytesReceived || 0; energy += s.totalAudioEnergy || 0;\
                 }\
               });\
               done([bytes, energy]);\
             }, () => done([0, 0]));",
            vec![],
        )?;
        let at = |i: usize| v.get(i).and_then(Value::as_f64).unwrap_or(0.0);
        Ok((at(0) as u64, at(1)))
    }
}

impl DoctorPage {
    /// The kinds of the two ends of the pair the call's media flows over (`getStats`: the
    /// transport's selected pair): e.g. `("relay", "prflx")` through TURN. `None` before one is
    /// chosen.
    pub fn media_path(&self) -> Result<Option<(String, String)>, String> {
        let v: Value = self.session.execute_async(
            "const done = arguments[arguments.length - 1];\
             if (typeof pc === 'undefined' || !pc) { done(null); return; }\
             pc.getStats().then((report) => {\
               let pair = null;\
               report.forEach((s) => {\
                 if (s.type === 'transport' && s.selectedCandidatePairId)\
                   pair = report.get(s.selectedCandidatePairId);\
               });\
               if (!pair || pair.state !== 'succeeded') { done(null); return; }\
               const local = report.get(pair.localCandidateId);\
               const remote = report.get(pair.remoteCandidateId);\
               done([local ? local.candidateType : '', remote ? remote.candidateType : '']);\
             }, () => done(null));",
            vec![],
        )?;
        Ok(v.as_array().and_then(|a| {
            let kind = |i: usize| a.get(i).and_then(Value::as_str).map(str::to_string);
            Some((kind(0)?, kind(1)?))
        }))
    }
}

impl Drop for DoctorPage {
    fn drop(&mut self) {
        self.session.end();
    }
}
