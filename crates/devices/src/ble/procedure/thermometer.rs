//! The Health Thermometer procedure (0x1809): the first fresh temperature with a number.

use super::freshness::Freshness;
use super::session::{collect, skip_undecodable, skip_unexpected, Session, Verdict};
use super::Timing;
use crate::ble::uuid16::TEMPERATURE_MEASUREMENT;
use crate::ble::TemperatureReading;
use crate::{DeviceError, Measurement};

pub(super) fn thermometer(s: &mut Session<'_>, timing: Timing) -> Result<Measurement, DeviceError> {
    let mut fresh = Freshness::start(s, timing, TEMPERATURE_MEASUREMENT, None)?;
    collect(s, timing, |c, bytes| match c {
        TEMPERATURE_MEASUREMENT => match TemperatureReading::decode(bytes) {
            Ok(r) => match r.celsius() {
                Some(celsius) => match fresh.without_progress(r.timestamp) {
                    Ok(()) => Verdict::Done(Measurement::Temperature { celsius }),
                    Err(why) => Verdict::Stale(why),
                },
                None => {
                    tracing::info!(temperature = ?r.temperature, "the thermometer sent no number");
                    Verdict::Skip
                }
            },
            Err(e) => skip_undecodable(c, bytes, &e),
        },
        other => skip_unexpected(other),
    })
}
