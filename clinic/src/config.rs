//! `clinic.toml`: where the console listens and keeps its store, the page's language, and the
//! STUN/TURN servers handed to both ends of a call.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use station_protocol::Locale;

pub use station_clinic_protocol::IceServer;
use thiserror::Error;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleConfig {
    /// The address to listen on. Doctors need a secure context for the camera: serve it on
    /// localhost, or behind a TLS reverse proxy.
    pub listen: SocketAddr,
    /// The console's SQLite store (encrypted).
    pub database: PathBuf,
    /// The store's key: 64 hex digits, made (0600) at the first start. Keep it off the store's
    /// disk and back it up apart from the store's backups: without it the store cannot be read.
    pub store_key_file: PathBuf,
    /// "zh-CN" or "en-US": the doctor page's language.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// Minutes one call takes on average: the expected wait told to a waiting resident.
    #[serde(default = "default_call_minutes")]
    pub average_call_minutes: u32,
    /// STUN and TURN servers, as the browser's `RTCIceServer`.
    #[serde(default)]
    pub ice_servers: Vec<IceServer>,
    /// Relay-only candidates (every call through TURN): for networks that must not leak
    /// addresses, and to prove the relayed path.
    #[serde(default)]
    pub relay_only: bool,
    /// Behind a TLS reverse proxy every request comes from the proxy: then the doctor's own
    /// address (for the per-address limit on wrong passwords) is the last one the proxy added
    /// to `X-Forwarded-For`. Off unless the proxy is the only way in.
    #[serde(default)]
    pub trust_forwarded_for: bool,
}

fn default_locale() -> String {
    "zh-CN".into()
}

fn default_call_minutes() -> u32 {
    5
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl ConsoleConfig {
    pub fn load(path: &Path) -> Result<ConsoleConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        ConsoleConfig::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<ConsoleConfig, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let config: ConsoleConfig =
            toml::from_str(text).map_err(|e| invalid(e.to_string().trim().replace('\n', " ")))?;
        config.page_locale().ok_or_else(|| {
            invalid(format!(
                "locale: \"{}\" is not \"zh-CN\" or \"en-US\"",
                config.locale
            ))
        })?;
        if config.average_call_minutes == 0 {
            return Err(invalid("average_call_minutes: must be at least 1".into()));
        }
        for server in &config.ice_servers {
            for url in &server.urls {
                if !(url.starts_with("stun:")
                    || url.starts_with("turn:")
                    || url.starts_with("turns:"))
                {
                    return Err(invalid(format!(
                        "ice_servers: \"{url}\" is not a stun:, turn: or turns: address"
                    )));
                }
            }
        }
        if config.relay_only && !config.ice_servers.iter().any(IceServer::is_turn) {
            return Err(invalid(
                "relay_only: needs a TURN server in ice_servers".into(),
            ));
        }
        Ok(config)
    }

    pub fn page_locale(&self) -> Option<Locale> {
        Locale::from_tag(&self.locale)
    }
}
