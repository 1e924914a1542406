//! Measurement devices. One trait for every measurement kind ([`Instrument`]); every kind has a simulator (demo mode
//! and tests) and a BLE health-profile backend ([`ble::BleInstrument`]; the btleplug transport behind the `ble`
//! feature) behind the same trait. See README.md in this crate.

pub mod ble;
mod choose;
mod instrument;
pub mod simulated;

pub use choose::open_instruments;
pub use instrument::{DeviceCheck, Instrument, Measurement};
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
    /// The device sent a result without a value this measurement needs: a scale without a
    /// height rod (no height, so no BMI), a blood-pressure monitor that leaves out the pulse.
    #[error("the device's result lacks a value this measurement needs")]
    Incomplete,
    /// The device sent only results it had stored before this measurement started (its
    /// memory, possibly another person's readings), and none measured now before the
    /// deadline. Nothing was taken; the resident is asked to measure again on the device
    /// ("请在设备上重新测量"). The rule is in README.md, "Stored records".
    #[error("the device sent only results stored before this measurement started")]
    StaleRecord,
}
