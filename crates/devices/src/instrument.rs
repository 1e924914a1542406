//! The one device framework: every measuring device, whatever it measures, is an
//! [`Instrument`]. One trait for all kinds (rather than one per kind) because the runtime
//! treats them alike — start, wait, result or fault — and a kind-specific trait would only
//! repeat that contract five times; what differs (the values) is the [`Measurement`] enum.

use station_protocol::MeasureKind;

use crate::DeviceError;

/// What a device reports, before the station adds context (the resident's glucose timing)
/// and judges it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measurement {
    BloodPressure {
        systolic: u16,
        diastolic: u16,
        pulse: u16,
        /// The monitor's irregular-pulse flag (shown to the resident).
        irregular_pulse: bool,
        /// The monitor saw the body move during the measurement (result may be off).
        body_movement: bool,
        /// The monitor found the cuff too loose (result may be off).
        cuff_loose: bool,
    },
    /// A height-weight scale measures both.
    Body {
        weight_kg: f64,
        height_cm: f64,
    },
    Temperature {
        celsius: f64,
    },
    Glucose {
        mmol_per_l: f64,
    },
    Spo2 {
        percent: f64,
        pulse: u16,
    },
}

impl Measurement {
    pub fn kind(&self) -> MeasureKind {
        match self {
            Measurement::BloodPressure { .. } => MeasureKind::BloodPressure,
            Measurement::Body { .. } => MeasureKind::Body,
            Measurement::Temperature { .. } => MeasureKind::Temperature,
            Measurement::Glucose { .. } => MeasureKind::Glucose,
            Measurement::Spo2 { .. } => MeasureKind::Spo2,
        }
    }
}

/// A measuring device. `measure` blocks until the device has finished (tens of seconds for a
/// cuff), so callers run it off the UI thread and give up on it after their own timeout.
pub trait Instrument: Send + Sync {
    fn kind(&self) -> MeasureKind;
    /// Model name recorded with each reading ("simulated" for the simulator).
    fn model(&self) -> &str;
    fn measure(&self) -> Result<Measurement, DeviceError>;
}
