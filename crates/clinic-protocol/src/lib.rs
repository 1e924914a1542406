//! The cloud clinic's signalling protocol (issue 13): JSON text messages over WebSocket, one object each with a `type`.
//! Kiosks speak [`FromStation`] / [`ToStation`] on `/ws/station`, doctors' pages speak
//! [`FromDoctor`] / [`ToDoctor`] on `/ws/doctor`. WebRTC's offer, answer and candidates travel
//! as an opaque `payload` (`signal`): the console relays them and never sees media.
//!
//! Outside bytes: a message over [`MAX_MESSAGE_BYTES`], not JSON, of an unknown type, or with a
//! field out of bounds is answered with an `error` (code `too_large`, `malformed` or `invalid`)
//! and the connection stays up.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

/// A call's id, made by the console.
pub type CallId = String;

/// One reading of the visit, as the kiosk shows it (already formatted, units included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vital {
    pub kind: String,
    pub value: String,
    pub unit: String,
    /// When it was measured (RFC 3339).
    pub at: String,
}

/// A STUN or TURN server, as WebRTC's `RTCIceServer` names it: the console's `[[ice_servers]]`,
/// handed to the doctor's page and to every kiosk that connects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

impl IceServer {
    pub fn is_turn(&self) -> bool {
        self.urls
            .iter()
            .any(|u| u.starts_with("turn:") || u.starts_with("turns:"))
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A message bigger than this is refused (an SDP offer is a few KiB).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// The transport closes the connection above this (axum's own limit).
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;
const MAX_TEXT_CHARS: usize = 64;
const MAX_NOTES_CHARS: usize = 4000;
const MAX_VITALS: usize = 32;
const MAX_ITEMS: usize = 20;
const MAX_ITEM_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FromStation {
    /// First message: who this kiosk is.
    Hello {
        station: String,
        key: String,
    },
    /// The resident asks for a doctor.
    Call {
        resident: String,
        #[serde(default)]
        vitals: Vec<Vital>,
    },
    /// The resident left the waiting room (or logged out, or idled out). (Braces: a struct
    /// variant, so `deny_unknown_fields` applies to it too.)
    Leave {},
    /// Readings measured during the call.
    Vitals {
        vitals: Vec<Vital>,
    },
    Signal {
        payload: Value,
    },
    Hangup {},
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FromDoctor {
    /// First message: the session token from `/api/login`.
    Auth {
        token: String,
    },
    Accept {
        call: CallId,
    },
    Decline {
        call: CallId,
    },
    Signal {
        call: CallId,
        payload: Value,
    },
    Notes {
        call: CallId,
        text: String,
    },
    Prescription {
        call: CallId,
        items: Vec<PrescriptionItem>,
    },
    Hangup {
        call: CallId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionItem {
    pub drug: String,
    pub dose: String,
    pub quantity: String,
    pub usage: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToStation {
    Welcome {
        station_name: String,
        /// The relays (TURN) a kiosk behind a network the doctor cannot reach directly
        /// offers its media through; empty: none configured.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ice_servers: Vec<IceServer>,
        /// Every call through a relay: the kiosk offers its relayed address only.
        #[serde(default, skip_serializing_if = "is_false")]
        relay_only: bool,
    },
    Refused {
        reason: String,
    },
    Queued {
        call: CallId,
        position: usize,
        wait_minutes: u32,
    },
    Position {
        position: usize,
        wait_minutes: u32,
    },
    Left,
    Accepted {
        doctor: String,
        /// Which call (consoles before this field sent none): also tells it to a kiosk that
        /// reconnected before it heard its place in line.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call: Option<CallId>,
    },
    Signal {
        payload: Value,
    },
    Prescription {
        doctor: String,
        items: Vec<PrescriptionItem>,
    },
    /// The doctor dropped: back in line, at the front.
    Requeued {
        position: usize,
        wait_minutes: u32,
    },
    Ended {
        reason: EndReason,
        /// Which call ended (consoles before this field sent none): a kiosk that has called
        /// again since ignores the end of its earlier call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call: Option<CallId>,
    },
    Error {
        code: ErrorCode,
        detail: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub call: CallId,
    pub station: String,
    pub resident: String,
    pub vitals: Vec<Vital>,
    pub waited_seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToDoctor {
    Welcome {
        doctor: String,
        group: String,
    },
    Refused {
        reason: String,
    },
    Queue {
        calls: Vec<QueueEntry>,
    },
    Accepted {
        call: CallId,
        station: String,
        resident: String,
        vitals: Vec<Vital>,
    },
    Vitals {
        call: CallId,
        vitals: Vec<Vital>,
    },
    Signal {
        call: CallId,
        payload: Value,
    },
    Saved {
        call: CallId,
        what: String,
    },
    Ended {
        call: CallId,
        reason: EndReason,
    },
    /// The kiosk's connection dropped; it has a moment to come back.
    StationAway {
        call: CallId,
    },
    StationBack {
        call: CallId,
    },
    Error {
        code: ErrorCode,
        detail: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    DoctorHungUp,
    ResidentHungUp,
    ResidentLeft,
    StationLost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    TooLarge,
    Malformed,
    Invalid,
    NoSuchCall,
    AlreadyTaken,
    OtherGroup,
    NotYours,
    AlreadyCalling,
    NotCalling,
    Internal,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("message of {bytes} bytes is over the limit of {MAX_MESSAGE_BYTES}")]
    TooLarge { bytes: usize },
    #[error("not a message: {0}")]
    Malformed(String),
    #[error("{0}")]
    Invalid(String),
}

impl ParseError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ParseError::TooLarge { .. } => ErrorCode::TooLarge,
            ParseError::Malformed(_) => ErrorCode::Malformed,
            ParseError::Invalid(_) => ErrorCode::Invalid,
        }
    }
}

/// Bounds checked after parsing: what a well-meaning peer never exceeds.
pub trait Checked {
    fn check(&self) -> Result<(), String>;
}

pub fn parse<T: DeserializeOwned + Checked>(text: &str) -> Result<T, ParseError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::TooLarge { bytes: text.len() });
    }
    let message: T =
        serde_json::from_str(text).map_err(|e| ParseError::Malformed(e.to_string()))?;
    message.check().map_err(ParseError::Invalid)?;
    Ok(message)
}

fn short(field: &str, value: &str, max: usize) -> Result<(), String> {
    let n = value.chars().count();
    if n == 0 || n > max || value.chars().any(char::is_control) {
        return Err(format!(
            "{field}: 1 to {max} characters, no control characters"
        ));
    }
    Ok(())
}

fn vitals(list: &[Vital]) -> Result<(), String> {
    if list.len() > MAX_VITALS {
        return Err(format!("vitals: at most {MAX_VITALS}"));
    }
    for v in list {
        short("vitals.kind", &v.kind, MAX_TEXT_CHARS)?;
        short("vitals.value", &v.value, MAX_TEXT_CHARS)?;
        short("vitals.unit", &v.unit, MAX_TEXT_CHARS)?;
        short("vitals.at", &v.at, MAX_TEXT_CHARS)?;
    }
    Ok(())
}

/// The console receives a masked identity only: a run of more than four digits would be an
/// unmasked ID number.
fn masked(resident: &str) -> Result<(), String> {
    short("resident", resident, MAX_TEXT_CHARS)?;
    let mut run = 0;
    for c in resident.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run > 4 {
            return Err("resident: the identity must be masked (no ID number)".into());
        }
    }
    Ok(())
}

impl Checked for FromStation {
    fn check(&self) -> Result<(), String> {
        match self {
            FromStation::Hello { station, key } => {
                short("station", station, MAX_TEXT_CHARS)?;
                short("key", key, 128)
            }
            FromStation::Call {
                resident,
                vitals: v,
            } => {
                masked(resident)?;
                vitals(v)
            }
            FromStation::Vitals { vitals: v } => vitals(v),
            FromStation::Leave {} | FromStation::Signal { .. } | FromStation::Hangup {} => Ok(()),
        }
    }
}

impl Checked for FromDoctor {
    fn check(&self) -> Result<(), String> {
        match self {
            FromDoctor::Auth { token } => short("token", token, 128),
            FromDoctor::Accept { call }
            | FromDoctor::Decline { call }
            | FromDoctor::Hangup { call }
            | FromDoctor::Signal { call, .. } => short("call", call, MAX_TEXT_CHARS),
            FromDoctor::Notes { call, text } => {
                short("call", call, MAX_TEXT_CHARS)?;
                if text.chars().count() > MAX_NOTES_CHARS {
                    return Err(format!("text: at most {MAX_NOTES_CHARS} characters"));
                }
                Ok(())
            }
            FromDoctor::Prescription { call, items } => {
                short("call", call, MAX_TEXT_CHARS)?;
                if items.is_empty() || items.len() > MAX_ITEMS {
                    return Err(format!("items: 1 to {MAX_ITEMS}"));
                }
                for item in items {
                    short("drug", &item.drug, MAX_ITEM_CHARS)?;
                    short("dose", &item.dose, MAX_ITEM_CHARS)?;
                    short("quantity", &item.quantity, MAX_ITEM_CHARS)?;
                    short("usage", &item.usage, MAX_ITEM_CHARS)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests;
