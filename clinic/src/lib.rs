//! The cloud-clinic doctor console (issue 13; Wenzhou standard 6.3.3.2). A resident at a kiosk
//! taps "呼叫医生"; the kiosk joins its doctor group's queue here; a doctor at the township health
//! centre sees the masked identity and this visit's vitals, accepts, talks by video, writes notes
//! and a prescription that goes back to the kiosk.
//!
//! One process: an axum server ([`server`]) serving the doctor's page (`web/`) and the
//! signalling over WebSocket between kiosks and doctors ([`messages`]). Doctor accounts
//! ([`accounts`]) and station keys ([`stations`]) live in the console's own SQLite store
//! ([`store`], encrypted), with everything audited; the queue ([`queue`]) is in memory. Media never passes
//! through the console: it only relays the WebRTC offer/answer/candidates.

pub mod accounts;
pub mod clock;
pub mod config;
mod hub;
pub mod queue;
pub mod records;
mod secret;
pub mod server;
pub mod stations;
pub mod store;
pub mod store_key;
#[cfg(feature = "testbed")]
pub mod testbed;
pub mod throttle;

pub use accounts::{Accounts, Doctor, LoginError};
pub use config::ConsoleConfig;
pub use server::Console;
/// The signalling protocol, shared with the kiosk's link (crates/clinic-protocol).
pub use station_clinic_protocol as messages;
pub use store::{ConsoleStore, StoreError};
