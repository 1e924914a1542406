//! The one device framework: every measuring device, whatever it measures, is an
//! [`Instrument`]. One trait for all kinds (rather than one per kind) because the runtime
//! treats them alike — start, wait, result or fault — and a kind-specific trait would only
//! repeat that contract five times; what differs (the values) is the [`Measurement`] enum.

use station_core::reading::Reading;
use station_protocol::{GlucoseTiming, MeasureKind};

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

    /// The reading this measurement stands for. A glucose meter does not know when the
    /// resident last ate: the resident's answer (`glucose_timing`) completes it.
    pub fn into_reading(self, glucose_timing: GlucoseTiming) -> Reading {
        match self {
            Measurement::BloodPressure {
                systolic,
                diastolic,
                pulse,
                irregular_pulse,
                body_movement,
                cuff_loose,
            } => Reading::BloodPressure {
                systolic,
                diastolic,
                pulse,
                irregular_pulse,
                body_movement,
                cuff_loose,
            },
            Measurement::Body {
                weight_kg,
                height_cm,
            } => Reading::Body {
                weight_kg,
                height_cm,
            },
            Measurement::Temperature { celsius } => Reading::Temperature { celsius },
            Measurement::Glucose { mmol_per_l } => Reading::Glucose {
                mmol_per_l,
                timing: glucose_timing,
            },
            Measurement::Spo2 { percent, pulse } => Reading::Spo2 { percent, pulse },
        }
    }
}

/// What a device's self-test (admin mode) found: it answered, and its battery if it tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeviceCheck {
    /// 0–100; `None` when the device does not say.
    pub battery_percent: Option<u8>,
}

/// A measuring device. `measure` blocks until the device has finished (tens of seconds for a
/// cuff), so callers run it off the UI thread and give up on it after their own timeout.
pub trait Instrument: Send + Sync {
    fn kind(&self) -> MeasureKind;
    /// Model name recorded with each reading ("simulated" for the simulator).
    fn model(&self) -> &str;
    fn measure(&self) -> Result<Measurement, DeviceError>;
    /// Connects without measuring and reads what the device tells of itself (its battery):
    /// staff's self-test. Blocks like `measure` (a device asleep must be woken first).
    fn check(&self) -> Result<DeviceCheck, DeviceError>;
}

#[cfg(test)]
mod reading_tests {
    use super::*;

    #[test]
    fn a_measurement_becomes_the_reading_of_the_same_kind_with_the_residents_timing() {
        let m = Measurement::Glucose { mmol_per_l: 6.2 };
        assert_eq!(
            m.into_reading(GlucoseTiming::Fasting),
            Reading::Glucose {
                mmol_per_l: 6.2,
                timing: GlucoseTiming::Fasting
            }
        );
        let bp = Measurement::BloodPressure {
            systolic: 128,
            diastolic: 82,
            pulse: 72,
            irregular_pulse: true,
            body_movement: false,
            cuff_loose: true,
        };
        let r = bp.into_reading(GlucoseTiming::Random);
        assert_eq!(r.kind(), bp.kind());
        assert_eq!(
            r,
            Reading::BloodPressure {
                systolic: 128,
                diastolic: 82,
                pulse: 72,
                irregular_pulse: true,
                body_movement: false,
                cuff_loose: true,
            }
        );
    }
}
