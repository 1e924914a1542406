//! Measurement devices. One trait for every measurement kind ([`Instrument`]); every kind has a simulator (demo mode
//! and tests) and, as they land, real backends (BLE health profiles) behind the same trait.
//! See README.md in this crate.

pub mod ble;
mod instrument;
pub mod simulated;

pub use instrument::{Instrument, Measurement};
pub use simulated::{SimulatedInstrument, SimulatedOutcome};

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeviceError {
    /// The device did not answer in time (cuff not started, batteries flat, out of range).
    #[error("the device did not respond")]
    NoResponse,
    /// The link dropped in the middle of a measurement.
    #[error("the device disconnected during the measurement")]
    Disconnected,
    /// The device sent values no person can have: a fitting or device fault.
    #[error("the device reported an impossible value")]
    Implausible,
}
