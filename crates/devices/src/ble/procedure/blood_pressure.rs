//! The Blood Pressure procedure (0x1810): the first fresh complete measurement, live cuff
//! pressure as evidence of a measurement going on now.

use super::freshness::Freshness;
use super::session::{collect, skip_undecodable, skip_unexpected, Session, Verdict};
use super::Timing;
use crate::ble::uuid16::{BLOOD_PRESSURE_MEASUREMENT, INTERMEDIATE_CUFF_PRESSURE};
use crate::ble::BloodPressureReading;
use crate::{DeviceError, Measurement};

pub(super) fn blood_pressure(
    s: &mut Session<'_>,
    timing: Timing,
) -> Result<Measurement, DeviceError> {
    let mut fresh = Freshness::start(
        s,
        timing,
        BLOOD_PRESSURE_MEASUREMENT,
        Some(INTERMEDIATE_CUFF_PRESSURE),
    )?;
    collect(s, timing, |c, bytes| match c {
        BLOOD_PRESSURE_MEASUREMENT => match BloodPressureReading::decode(bytes) {
            Ok(r) => {
                if let Err(why) = fresh.blood_pressure(r.timestamp) {
                    return Verdict::Stale(why);
                }
                match r.to_measurement() {
                    Ok(m) => Verdict::Done(m),
                    Err(e) => {
                        tracing::warn!(error = %e, ?bytes, "blood pressure result cannot be used");
                        Verdict::Unusable(e)
                    }
                }
            }
            Err(e) => skip_undecodable(c, bytes, &e),
        },
        INTERMEDIATE_CUFF_PRESSURE => {
            // Same layout as the measurement, the current cuff pressure in the systolic field.
            // Sent only while the cuff is working: a monitor's memory holds results, never
            // cuff pressures, so this is a measurement going on now.
            let cuff = BloodPressureReading::decode(bytes)
                .ok()
                .and_then(|r| r.systolic_mmhg);
            tracing::debug!(?cuff, "cuff pressure");
            fresh.cuff_pressure |= cuff.is_some();
            Verdict::Skip
        }
        other => skip_unexpected(other),
    })
}
