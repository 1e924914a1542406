//! A local update server on loopback: serves fixed files over plain HTTP/1.1 (one request per
//! connection) and remembers which paths were asked for, as the kiosk's updater meets a real one.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use base64::Engine;

type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

pub struct UpdateServer {
    port: u16,
    files: Files,
    asked: Arc<Mutex<Vec<String>>>,
}

impl UpdateServer {
    /// Serves what [`UpdateServer::put`] gives it (nothing yet) until the process ends.
    pub fn start() -> std::io::Result<UpdateServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let files = Files::default();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let (served, log) = (files.clone(), asked.clone());
        std::thread::Builder::new()
            .name("update-server".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let _ = serve(stream, &served, &log);
                }
            })?;
        Ok(UpdateServer { port, files, asked })
    }

    /// Serves `body` at `path` from now on.
    pub fn put(&self, path: &str, body: Vec<u8>) {
        if let Ok(mut f) = self.files.lock() {
            f.insert(path.to_string(), body);
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The paths asked for so far, in order.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

fn serve(
    stream: TcpStream,
    files: &Mutex<HashMap<String, Vec<u8>>>,
    asked: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // The headers, up to the blank line; a GET has no body.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
    if let Ok(mut a) = asked.lock() {
        a.push(path.clone());
    }
    let body = files.lock().ok().and_then(|f| f.get(&path).cloned());
    let mut out = stream;
    match body {
        Some(body) => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            out.write_all(&body)?;
        }
        None => write!(
            out,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?,
    }
    out.flush()
}

/// A release signing key made for the test, used as `tauri signer sign` uses one: the public half
/// in the updater's format (base64 of minisign's text), signatures with the version in the
/// signed (trusted) comment.
pub struct Signer(minisign::KeyPair);

impl Signer {
    /// Panics when no key can be made: this is test code.
    pub fn new() -> Signer {
        Signer(minisign::KeyPair::generate_unencrypted_keypair().expect("keys"))
    }

    /// What goes into `[update] pubkey` (and root's update-key.pub).
    pub fn pubkey(&self) -> String {
        let text = self.0.pk.to_box().expect("public key").to_string();
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    /// The manifest's `signature` for `bytes` offered as `version`.
    pub fn sign(&self, bytes: &[u8], version: &str) -> String {
        let signature = minisign::sign(
            Some(&self.0.pk),
            &self.0.sk,
            std::io::Cursor::new(bytes),
            Some(&format!(
                "timestamp:1764547200\tfile:package\tversion:{version}"
            )),
            Some("signature from tauri secret key"),
        )
        .expect("sign");
        base64::engine::general_purpose::STANDARD.encode(signature.to_string())
    }
}

impl Default for Signer {
    fn default() -> Signer {
        Signer::new()
    }
}
