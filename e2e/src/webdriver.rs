//! A small W3C WebDriver client: just what the journeys need (find by text, click, read the
//! page text, run a script, screenshot).

use std::time::Duration;

use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// WebKitWebDriver's error when it lost a script's result (see [`Session::execute`]).
const LOST_RESULT: &str = "Could not parse script result";

pub struct Session {
    base: String,
    id: String,
    agent: ureq::Agent,
}

pub struct Element(String);

impl Session {
    /// Starts a session on a tauri-driver at `port`; this launches the app binary.
    pub fn start(port: u16, application: &str, args: &[String]) -> Result<Session, String> {
        Session::start_with(
            port,
            json!({ "tauri:options": { "application": application, "args": args } }),
        )
    }

    /// Starts a session with the given `alwaysMatch` capabilities (any W3C driver).
    pub fn start_with(port: u16, always_match: Value) -> Result<Session, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let caps = json!({ "capabilities": { "alwaysMatch": always_match } });
        let v = request(&agent, "POST", &format!("{base}/session"), Some(caps))?;
        let id = v
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("no session id in {v}"))?
            .to_string();
        Ok(Session { base, id, agent })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        request(
            &self.agent,
            method,
            &format!("{}/session/{}{path}", self.base, self.id),
            body,
        )
    }

    /// Opens `url` in the session's window.
    pub fn navigate(&self, url: &str) -> Result<(), String> {
        self.call("POST", "/url", Some(json!({ "url": url })))
            .map(drop)
    }

    /// Runs `script` in the page. WebKitWebDriver now and then loses a script's result while the
    /// page re-renders ("Could not parse script result", seen once in ~50 CI runs); that is the
    /// driver's hiccup, not the page's answer, so the script is run again (the journeys' scripts
    /// read the page or set the same values, so a second run changes nothing).
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        let body = json!({ "script": script, "args": args });
        let mut tries = 0;
        loop {
            match self.call("POST", "/execute/sync", Some(body.clone())) {
                Err(e) if e.contains(LOST_RESULT) && tries < 3 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                other => return other,
            }
        }
    }

    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// What the resident can read: the page's rendered text.
    pub fn page_text(&self) -> Result<String, String> {
        let v = self.execute(
            "return document.body ? document.body.innerText : '';",
            vec![],
        )?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// The button whose visible text is `text` (exactly, else the first that contains it).
    pub fn find_button(&self, text: &str) -> Result<Option<Element>, String> {
        let lit = xpath_literal(text);
        self.first_of(&[
            format!("//button[normalize-space(.)={lit}]"),
            format!("//button[contains(normalize-space(.), {lit})]"),
        ])
    }

    /// The button `text` in the list item that names `row` (one of several "自检" buttons, each
    /// beside its device).
    pub fn find_button_in_row(&self, row: &str, text: &str) -> Result<Option<Element>, String> {
        let (row, text) = (xpath_literal(row), xpath_literal(text));
        self.first_of(&[format!(
            "//li[./*[normalize-space(.)={row}]]//button[normalize-space(.)={text}]"
        )])
    }

    fn first_of(&self, xpaths: &[String]) -> Result<Option<Element>, String> {
        for xpath in xpaths {
            let v = self.call(
                "POST",
                "/elements",
                Some(json!({ "using": "xpath", "value": xpath })),
            )?;
            let found = v
                .as_array()
                .and_then(|a| a.first())
                .and_then(|e| e.get(ELEMENT_KEY))
                .and_then(Value::as_str)
                .map(|id| Element(id.to_string()));
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    pub fn click(&self, e: &Element) -> Result<(), String> {
        self.call("POST", &format!("/element/{}/click", e.0), Some(json!({})))
            .map(|_| ())
    }

    pub fn is_enabled(&self, e: &Element) -> Result<bool, String> {
        Ok(self
            .call("GET", &format!("/element/{}/enabled", e.0), None)?
            .as_bool()
            .unwrap_or(false))
    }

    /// W3C "Perform Actions": input through the browser's own event path (a pointer pressed
    /// and released, keys…), not events made up in page script.
    pub fn perform_actions(&self, actions: Value) -> Result<(), String> {
        self.call("POST", "/actions", Some(json!({ "actions": actions })))
            .map(|_| ())
    }

    /// PNG bytes of the window.
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        let v = self.call("GET", "/screenshot", None)?;
        let b64 = v.as_str().ok_or("screenshot is not a string")?;
        base64_decode(b64)
    }

    pub fn end(&self) {
        let _ = request(
            &self.agent,
            "DELETE",
            &format!("{}/session/{}", self.base, self.id),
            None,
        );
    }
}

fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let resp = match (method, body) {
        ("POST", b) => agent.post(url).send_json(b.unwrap_or_else(|| json!({}))),
        ("DELETE", _) => agent.delete(url).call(),
        (_, _) => agent.get(url).call(),
    };
    let mut resp = resp.map_err(|e| format!("{method} {url}: {e}"))?;
    let status = resp.status();
    let v: Value = resp
        .body_mut()
        .read_json()
        .map_err(|e| format!("{method} {url}: bad JSON reply ({status}): {e}"))?;
    if !status.is_success() {
        return Err(format!("{method} {url}: {status}: {v}"));
    }
    Ok(v.get("value").cloned().unwrap_or(Value::Null))
}

fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = T.iter().position(|&t| t == c).ok_or("bad base64")? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xpath_literals_quote_safely() {
        assert_eq!(xpath_literal("退出"), "'退出'");
        assert_eq!(xpath_literal("it's"), "concat('it', \"'\", 's')");
    }

    #[test]
    fn base64_decodes() {
        assert_eq!(base64_decode("aGVsbG8=").expect("decode"), b"hello");
    }
}
