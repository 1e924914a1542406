//! The console's HTTP side: the doctor's page, login, and the two WebSockets (kiosks, doctors).
//! Each socket has a writer task fed by a channel; the reader parses each message and hands it
//! to the [`Hub`] under its lock. A bad message gets an `error` and the socket stays open.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::accounts::{Accounts, LoginError};
use crate::clock::Clock;
use crate::config::ConsoleConfig;
use crate::hub::{ConnId, Hub};
use crate::messages::{
    parse, FromDoctor, FromStation, ParseError, ToDoctor, ToStation, MAX_FRAME_BYTES,
};
use crate::stations::{self, Station};
use crate::store::{Actor, ConsoleStore};
use crate::throttle::LoginThrottle;

/// A socket must say who it is within this time.
const IDENTIFY_WITHIN: Duration = Duration::from_secs(10);

pub struct Console {
    config: ConsoleConfig,
    store: Arc<ConsoleStore>,
    accounts: Accounts,
    clock: Clock,
    hub: Mutex<Hub>,
    next_conn: AtomicU64,
    throttle: Mutex<LoginThrottle>,
}

impl Console {
    pub fn new(config: ConsoleConfig, store: Arc<ConsoleStore>, clock: Clock) -> Arc<Console> {
        let hub = Hub::new(
            config.average_call_minutes,
            config.ice_servers.clone(),
            config.relay_only,
        );
        Arc::new(Console {
            accounts: Accounts::new(store.clone(), clock.clone()),
            config,
            store,
            clock,
            hub: Mutex::new(hub),
            next_conn: AtomicU64::new(1),
            throttle: Mutex::new(LoginThrottle::default()),
        })
    }

    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    pub fn store(&self) -> &ConsoleStore {
        &self.store
    }

    fn hub(&self) -> MutexGuard<'_, Hub> {
        self.hub.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        (self.clock)()
    }

    /// Ends the calls of kiosks that have been gone too long (called every second by [`serve`]).
    pub fn sweep(&self) {
        let now = self.now();
        self.hub().sweep(&self.store, now);
    }
}

pub fn router(console: Arc<Console>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/console.js", get(script))
        .route("/console.css", get(style))
        .route("/i18n.json", get(words))
        .route("/config.json", get(ice_config))
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/ws/station", get(station_socket))
        .route("/ws/doctor", get(doctor_socket))
        .with_state(console)
}

/// Serves until the process ends, sweeping lost kiosks every second.
pub async fn serve(listener: TcpListener, console: Arc<Console>) -> std::io::Result<()> {
    let sweeper = console.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            sweeper.sweep();
        }
    });
    // The peer's address reaches the login handler (the per-address limit).
    let app = router(console).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).await
}

pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

// The doctor's page: three files, embedded so the console is one binary.
async fn page() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("../web/index.html"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../web/console.js"),
    )
}

async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../web/console.css"),
    )
}

/// The page's words, from `locales/<tag>/clinic.ftl` (every `clinic-` message).
async fn words(State(console): State<Arc<Console>>) -> impl IntoResponse {
    let locale = console
        .config
        .page_locale()
        .unwrap_or(station_protocol::Locale::ZhCn);
    let catalog = station_i18n::Catalog::new(locale);
    let map: serde_json::Map<String, serde_json::Value> = station_i18n::message_ids(locale)
        .into_iter()
        .filter(|id| id.starts_with("clinic-"))
        .map(|id| {
            let text = catalog.text(&id);
            (id, serde_json::Value::String(text))
        })
        .collect();
    Json(json!({ "lang": locale.tag(), "words": map }))
}

async fn ice_config(State(console): State<Arc<Console>>) -> impl IntoResponse {
    Json(json!({
        "ice_servers": console.config.ice_servers,
        "relay_only": console.config.relay_only,
    }))
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct LoginReply {
    token: String,
    doctor: crate::accounts::Doctor,
}

/// Who is asking: the peer, or (when configured) the last address the proxy forwarded for.
fn client_address(trust_forwarded_for: bool, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if trust_forwarded_for {
        // Only the proxy's own entry (the last) counts: earlier ones are the client's to forge.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|a| a.trim().parse::<IpAddr>().ok());
        if let Some(addr) = forwarded {
            return addr;
        }
    }
    peer.ip()
}

async fn login(
    State(console): State<Arc<Console>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(form): Json<LoginForm>,
) -> Response {
    let client = client_address(console.config.trust_forwarded_for, peer, &headers);
    let now = console.now();
    let refused = console
        .throttle
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .refused_until(client, now);
    if let Some(until) = refused {
        // No password is checked (argon2's work is what a flood would want to spend).
        let actor = Actor::Username(form.username.chars().take(64).collect());
        let detail = format!("from {client}");
        if let Err(e) = console.store.write(|tx| {
            crate::store::audit(tx, now, &actor, "login_refused_address", None, &detail)
        }) {
            tracing::error!(error = %e, "cannot audit a refused login");
        }
        let wait = (until - now).num_seconds().max(1);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.to_string())],
            Json(json!({ "error": "too_many_attempts", "until": until.to_rfc3339() })),
        )
            .into_response();
    }
    // argon2 is deliberately slow: off the async workers.
    let accounts = console.clone();
    let result = tokio::task::spawn_blocking(move || {
        accounts.accounts.login(&form.username, &form.password)
    })
    .await;
    if matches!(
        result,
        Ok(Err(LoginError::WrongCredentials | LoginError::Locked { .. }))
    ) {
        console
            .throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .failed(client, now);
    }
    match result {
        Ok(Ok((token, doctor))) => Json(LoginReply { token, doctor }).into_response(),
        Ok(Err(LoginError::WrongCredentials)) => (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "wrong_credentials" })),
        )
            .into_response(),
        Ok(Err(LoginError::Locked { until })) => (
            StatusCode::LOCKED,
            Json(json!({ "error": "locked", "until": until.to_rfc3339() })),
        )
            .into_response(),
        Ok(Err(LoginError::Store(e))) => {
            tracing::error!(error = %e, "login failed in the store");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "login task failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Deserialize)]
struct LogoutForm {
    token: String,
}

async fn logout(State(console): State<Arc<Console>>, Json(form): Json<LogoutForm>) -> StatusCode {
    console.accounts.logout(&form.token);
    StatusCode::NO_CONTENT
}

/// What came in on a socket: a parsed message, a bad one, or the end.
enum Incoming<T> {
    Message(T),
    Bad(ParseError),
    Closed,
}

async fn next_message<T>(stream: &mut futures::stream::SplitStream<WebSocket>) -> Incoming<T>
where
    T: serde::de::DeserializeOwned + crate::messages::Checked,
{
    loop {
        match stream.next().await {
            Some(Ok(Message::Text(text))) => {
                return match parse::<T>(text.as_str()) {
                    Ok(m) => Incoming::Message(m),
                    Err(e) => Incoming::Bad(e),
                }
            }
            Some(Ok(Message::Binary(_))) => {
                return Incoming::Bad(ParseError::Malformed("binary messages are not used".into()))
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Incoming::Closed,
        }
    }
}

/// The writer half: everything queued on the channel goes out as JSON text; a `refused` is
/// followed by a close.
fn spawn_writer<T: Serialize + Send + 'static>(
    mut sink: futures::stream::SplitSink<WebSocket, Message>,
    mut rx: mpsc::UnboundedReceiver<T>,
    is_final: fn(&T) -> bool,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(message) = rx.recv().await {
            let Ok(text) = serde_json::to_string(&message) else {
                continue;
            };
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
            if is_final(&message) {
                let _ = sink.send(Message::Close(None)).await;
                break;
            }
        }
    })
}

async fn station_socket(State(console): State<Arc<Console>>, ws: WebSocketUpgrade) -> Response {
    ws.max_message_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| run_station(console, socket))
}

async fn run_station(console: Arc<Console>, socket: WebSocket) {
    let (sink, mut stream) = socket.split();
    let (tx, rx) = mpsc::unbounded_channel::<ToStation>();
    let writer = spawn_writer(sink, rx, |m| matches!(m, ToStation::Refused { .. }));
    let refuse = |reason: &str| {
        let _ = tx.send(ToStation::Refused {
            reason: reason.to_string(),
        });
    };
    let station: Station =
        match tokio::time::timeout(IDENTIFY_WITHIN, next_message(&mut stream)).await {
            Ok(Incoming::Message(FromStation::Hello { station, key })) => {
                match stations::authenticate(&console.store, &station, &key) {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!(station, error = %e, "kiosk refused");
                        refuse("unknown_station");
                        drop(tx);
                        let _ = writer.await;
                        return;
                    }
                }
            }
            _ => {
                refuse("hello_expected");
                drop(tx);
                let _ = writer.await;
                return;
            }
        };
    let conn: ConnId = console.next_conn.fetch_add(1, Ordering::Relaxed);
    console
        .hub()
        .station_connected(conn, station.clone(), tx.clone());
    loop {
        match next_message::<FromStation>(&mut stream).await {
            Incoming::Message(m) => {
                let now = console.now();
                console
                    .hub()
                    .on_station_message(&console.store, &station, m, now);
            }
            Incoming::Bad(e) => {
                let _ = tx.send(ToStation::Error {
                    code: e.code(),
                    detail: e.to_string(),
                });
            }
            Incoming::Closed => break,
        }
    }
    let now = console.now();
    console.hub().station_disconnected(&station.id, conn, now);
    drop(tx);
    writer.abort();
}

async fn doctor_socket(State(console): State<Arc<Console>>, ws: WebSocketUpgrade) -> Response {
    ws.max_message_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| run_doctor(console, socket))
}

async fn run_doctor(console: Arc<Console>, socket: WebSocket) {
    let (sink, mut stream) = socket.split();
    let (tx, rx) = mpsc::unbounded_channel::<ToDoctor>();
    let writer = spawn_writer(sink, rx, |m| matches!(m, ToDoctor::Refused { .. }));
    let doctor = match tokio::time::timeout(IDENTIFY_WITHIN, next_message(&mut stream)).await {
        Ok(Incoming::Message(FromDoctor::Auth { token })) => console.accounts.session(&token),
        _ => None,
    };
    let Some(doctor) = doctor else {
        let _ = tx.send(ToDoctor::Refused {
            reason: "not_authenticated".into(),
        });
        drop(tx);
        let _ = writer.await;
        return;
    };
    let conn: ConnId = console.next_conn.fetch_add(1, Ordering::Relaxed);
    let now = console.now();
    console
        .hub()
        .doctor_connected(conn, doctor, tx.clone(), now);
    loop {
        match next_message::<FromDoctor>(&mut stream).await {
            Incoming::Message(m) => {
                let now = console.now();
                console
                    .hub()
                    .on_doctor_message(&console.store, conn, m, now);
            }
            Incoming::Bad(e) => {
                let _ = tx.send(ToDoctor::Error {
                    code: e.code(),
                    detail: e.to_string(),
                });
            }
            Incoming::Closed => break,
        }
    }
    let now = console.now();
    console.hub().doctor_disconnected(&console.store, conn, now);
    drop(tx);
    writer.abort();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trusted_proxy_names_the_client_in_its_own_last_entry_and_nobody_else_can() {
        let peer: SocketAddr = "10.0.0.2:50000".parse().expect("peer");
        let mut headers = HeaderMap::new();
        headers.append(
            "x-forwarded-for",
            "1.2.3.4, 198.51.100.7".parse().expect("header"),
        );
        assert_eq!(client_address(false, peer, &headers), peer.ip());
        assert_eq!(
            client_address(true, peer, &headers),
            "198.51.100.7".parse::<IpAddr>().expect("ip")
        );
        // A garbage last entry: the proxy itself, never an earlier (forgeable) entry.
        headers.append("x-forwarded-for", "unknown".parse().expect("header"));
        assert_eq!(client_address(true, peer, &headers), peer.ip());
        assert_eq!(client_address(true, peer, &HeaderMap::new()), peer.ip());
    }
}
