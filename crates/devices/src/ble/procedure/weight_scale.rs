//! The Weight Scale procedure (0x181D): the first fresh weight that comes with a height.

use super::freshness::Freshness;
use super::session::{collect, skip_undecodable, skip_unexpected, Session, Verdict};
use super::Timing;
use crate::ble::uuid16::WEIGHT_MEASUREMENT;
use crate::ble::{BleDecodeError, WeightReading};
use crate::{DeviceError, Measurement};

pub(super) fn weight_scale(
    s: &mut Session<'_>,
    timing: Timing,
) -> Result<Measurement, DeviceError> {
    let mut fresh = Freshness::start(s, timing, WEIGHT_MEASUREMENT, None)?;
    collect(s, timing, |c, bytes| match c {
        WEIGHT_MEASUREMENT => match WeightReading::decode(bytes) {
            Ok(r) => {
                if let Err(why) = fresh.without_progress(r.timestamp) {
                    return Verdict::Stale(why);
                }
                // Height 0 is what some scales send when the rod measured nothing.
                match r.height_m().filter(|h| *h > 0.0) {
                    Some(height_m) => Verdict::Done(Measurement::Body {
                        weight_kg: r.weight_kg(),
                        height_cm: height_m * 100.0,
                    }),
                    None => {
                        tracing::warn!(
                            weight_kg = r.weight_kg(),
                            "the scale sent a weight without a height"
                        );
                        Verdict::Unusable(DeviceError::Incomplete)
                    }
                }
            }
            Err(BleDecodeError::MeasurementUnsuccessful) => {
                tracing::info!("the scale reported an unsuccessful measurement");
                Verdict::Skip
            }
            Err(e) => skip_undecodable(c, bytes, &e),
        },
        other => skip_unexpected(other),
    })
}
