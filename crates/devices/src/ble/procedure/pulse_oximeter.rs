//! The Pulse Oximeter procedure (0x1822): a valid spot-check, or a settled run of continuous
//! samples.

use std::collections::VecDeque;

use super::session::{collect, skip_undecodable, skip_unexpected, Session, Verdict};
use super::Timing;
use crate::ble::uuid16::{PLX_CONTINUOUS_MEASUREMENT, PLX_SPOT_CHECK_MEASUREMENT};
use crate::ble::{
    PlxContinuous, PlxDeviceSensorStatus, PlxMeasurementStatus, PlxSpotCheck, SpO2Pr,
};
use crate::{DeviceError, Measurement};

/// PLX continuous: this many valid samples in a row, within the spreads below, make a result.
/// Oximeters send about one sample a second and need a few seconds after the finger goes in
/// before the reading settles (their own displays wait as long); five samples is about five
/// seconds of a settled reading, and a dip or a moving finger in that time starts it again.
pub const PLX_STABLE_SAMPLES: usize = 5;
/// Largest SpO2 spread (percentage points) within the stable samples.
pub const PLX_STABLE_SPO2_SPREAD: f64 = 2.0;
/// Largest pulse spread (bpm) within the stable samples; breathing alone moves the pulse by a
/// few beats.
pub const PLX_STABLE_PULSE_SPREAD: f64 = 10.0;

/// The reason of the first flag that is set.
fn first_reason(flags: &[(bool, &'static str)]) -> Result<(), &'static str> {
    match flags.iter().find(|(set, _)| *set) {
        Some((_, why)) => Err(why),
        None => Ok(()),
    }
}

/// SpO2 and pulse of a PLX value that is a finished, trustworthy reading, or why it is not.
fn plx_sample(
    reading: SpO2Pr,
    measurement: Option<PlxMeasurementStatus>,
    device: Option<PlxDeviceSensorStatus>,
) -> Result<(f64, u16), &'static str> {
    if let Some(m) = measurement {
        let why = [
            (m.measurement_ongoing(), "measurement ongoing"),
            (m.early_estimated_data(), "early estimate"),
            (m.from_measurement_storage(), "stored measurement"),
            (m.for_demonstration(), "demonstration data"),
            (m.for_testing(), "test data"),
            (m.calibration_ongoing(), "calibration ongoing"),
            (m.measurement_unavailable(), "measurement unavailable"),
            (m.questionable_measurement(), "questionable measurement"),
            (m.invalid_measurement(), "invalid measurement"),
        ];
        first_reason(&why)?;
    }
    if let Some(d) = device {
        // Faults and "not ready"; signal-quality hints (low perfusion, poor signal) still give
        // a reading, as on the oximeter's own display.
        let why = [
            (d.equipment_malfunction(), "equipment malfunction"),
            (d.inadequate_signal(), "inadequate signal"),
            (d.nonpulsatile_signal(), "non-pulsatile signal"),
            (d.signal_analysis_ongoing(), "signal analysis ongoing"),
            (d.sensor_unconnected_to_user(), "sensor not on the finger"),
            (d.unknown_sensor_connected(), "unknown sensor"),
            (d.sensor_displaced(), "sensor displaced"),
            (d.sensor_malfunctioning(), "sensor malfunction"),
            (d.sensor_disconnected(), "sensor disconnected"),
        ];
        first_reason(&why)?;
    }
    let spo2 = reading.spo2.value().ok_or("SpO2 is not a number")?;
    let pulse = reading
        .pulse_rate
        .value()
        .map(f64::round)
        .filter(|p| (0.0..=f64::from(u16::MAX)).contains(p))
        .ok_or("pulse is not a number")?;
    Ok((spo2, pulse as u16))
}

pub(super) fn pulse_oximeter(
    s: &mut Session<'_>,
    timing: Timing,
) -> Result<Measurement, DeviceError> {
    let spot = s.subscribe_optional(PLX_SPOT_CHECK_MEASUREMENT)?;
    let continuous = s.subscribe_optional(PLX_CONTINUOUS_MEASUREMENT)?;
    if !spot && !continuous {
        tracing::warn!("the pulse oximeter has neither spot-check nor continuous measurements");
        return Err(DeviceError::NoResponse);
    }
    let mut window: VecDeque<(f64, u16)> = VecDeque::with_capacity(PLX_STABLE_SAMPLES + 1);
    collect(s, timing, |c, bytes| match c {
        PLX_SPOT_CHECK_MEASUREMENT => match PlxSpotCheck::decode(bytes) {
            Ok(m) => match plx_sample(m.reading, m.measurement_status, m.device_sensor_status) {
                Ok((percent, pulse)) => Verdict::Done(Measurement::Spo2 { percent, pulse }),
                Err(why) => {
                    tracing::info!(why, "spot-check value is not a result");
                    Verdict::Skip
                }
            },
            Err(e) => skip_undecodable(c, bytes, &e),
        },
        PLX_CONTINUOUS_MEASUREMENT => match PlxContinuous::decode(bytes) {
            Ok(m) => match plx_sample(m.normal, m.measurement_status, m.device_sensor_status) {
                Ok(sample) => {
                    window.push_back(sample);
                    if window.len() > PLX_STABLE_SAMPLES {
                        window.pop_front();
                    }
                    match stable(&window) {
                        Some((percent, pulse)) => {
                            Verdict::Done(Measurement::Spo2 { percent, pulse })
                        }
                        None => Verdict::Skip,
                    }
                }
                Err(why) => {
                    // Only consecutive valid samples count.
                    tracing::debug!(why, "continuous sample is not valid; starting again");
                    window.clear();
                    Verdict::Skip
                }
            },
            Err(e) => skip_undecodable(c, bytes, &e),
        },
        other => skip_unexpected(other),
    })
}

/// The newest sample once the window is full and settled.
fn stable(window: &VecDeque<(f64, u16)>) -> Option<(f64, u16)> {
    if window.len() < PLX_STABLE_SAMPLES {
        return None;
    }
    let spread = |values: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        hi - lo
    };
    let spo2 = spread(&mut window.iter().map(|(s, _)| *s));
    let pulse = spread(&mut window.iter().map(|(_, p)| f64::from(*p)));
    (spo2 <= PLX_STABLE_SPO2_SPREAD && pulse <= PLX_STABLE_PULSE_SPREAD)
        .then(|| window.back().copied())
        .flatten()
}
