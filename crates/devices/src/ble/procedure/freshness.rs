//! Stored-record rules for blood pressure, scale and thermometer: whether a record was measured
//! during this run (README.md, "Stored records").

use std::time::{Duration, Instant};

use super::session::{skip_undecodable, Session};
use super::Timing;
use crate::ble::link::LinkError;
use crate::ble::uuid16::CURRENT_TIME;
use crate::ble::{BleDateTime, CurrentTime};
use crate::DeviceError;

/// What a record's time stamp says, judged against the device's own clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    /// Made at or after the measurement's start (less the tolerance): this measurement's.
    Fresh,
    /// Made before the start: a stored record.
    Before,
    /// Cannot be judged: no time stamp, a date the device does not know, or no clock
    /// reading to compare it with. Other evidence decides.
    Unjudged,
}

/// Whether a blood-pressure, scale or thermometer record was measured during this run.
/// README.md, "Stored records", gives the rule and its reasons; in short:
/// 1. a record with a complete time stamp, from a device whose Current Time was read at
///    connect, is judged by its stamp alone: fresh when not older than the device's clock at
///    the measurement's start (less [`Timing::clock_tolerance`]), stored otherwise;
/// 2. otherwise a monitor's record is fresh only after live cuff pressure in this run
///    ([`Freshness::cuff_pressure`]), and a scale's or thermometer's only once the burst of
///    stored records a device sends at subscription has gone quiet ([`Timing::replay_quiet`]).
///
/// The station's own clock is never compared with a device's: the two are unrelated (device
/// clocks are often never set, drifted, or in another time zone).
pub(super) struct Freshness {
    /// The device's clock at the measurement's start, in ms on that clock.
    device_start_ms: Option<i64>,
    tolerance_ms: i64,
    replay_quiet: Duration,
    /// Since when the link has been quiet of records taken as stored (the subscription at
    /// first).
    quiet_since: Instant,
    /// Live cuff pressure seen in this run (blood pressure only).
    pub(super) cuff_pressure: bool,
}

impl Freshness {
    /// Reads the device's clock and subscribes to the profile's `measurement` characteristic
    /// (and `progress`, if the device has it). The clock is read first: stored records start
    /// to flow at subscription.
    pub(super) fn start(
        s: &mut Session<'_>,
        timing: Timing,
        measurement: u16,
        progress: Option<u16>,
    ) -> Result<Freshness, DeviceError> {
        let device_start_ms = device_clock_at_start(s)?;
        s.subscribe(measurement)?;
        if let Some(p) = progress {
            s.subscribe_optional(p)?;
        }
        Ok(Freshness {
            device_start_ms,
            tolerance_ms: i64::try_from(timing.clock_tolerance.as_millis()).unwrap_or(i64::MAX),
            replay_quiet: timing.replay_quiet,
            quiet_since: Instant::now(),
            cuff_pressure: false,
        })
    }

    fn stamp(&self, stamp: Option<BleDateTime>) -> Stamp {
        let (Some(start), Some(made)) =
            (self.device_start_ms, stamp.and_then(|t| t.device_seconds()))
        else {
            return Stamp::Unjudged;
        };
        if made.saturating_mul(1000) >= start.saturating_sub(self.tolerance_ms) {
            Stamp::Fresh
        } else {
            Stamp::Before
        }
    }

    /// A blood-pressure record: its stamp, else live cuff pressure before it.
    pub(super) fn blood_pressure(&self, stamp: Option<BleDateTime>) -> Result<(), &'static str> {
        match self.stamp(stamp) {
            Stamp::Fresh => Ok(()),
            Stamp::Before => {
                Err("stamped before the measurement started, on the monitor's own clock")
            }
            Stamp::Unjudged if self.cuff_pressure => Ok(()),
            Stamp::Unjudged => Err("no live cuff pressure came before it"),
        }
    }

    /// A scale or thermometer record: its stamp, else a quiet link before it. A refused
    /// record restarts the quiet: a replay is still going on.
    pub(super) fn without_progress(
        &mut self,
        stamp: Option<BleDateTime>,
    ) -> Result<(), &'static str> {
        let now = Instant::now();
        let why = match self.stamp(stamp) {
            Stamp::Fresh => return Ok(()),
            Stamp::Unjudged
                if now.saturating_duration_since(self.quiet_since) >= self.replay_quiet =>
            {
                return Ok(())
            }
            Stamp::Before => "stamped before the measurement started, on the device's own clock",
            Stamp::Unjudged => {
                "came with the records the device replays when the station subscribes"
            }
        };
        self.quiet_since = now;
        Err(why)
    }
}

/// What the device's clock said when the measurement started, in ms on that clock: its
/// Current Time (0x2A2B) less the time since the start. `None` when it has no Current Time,
/// the read fails, or its date is not set; its time stamps are then not judged.
fn device_clock_at_start(s: &mut Session<'_>) -> Result<Option<i64>, DeviceError> {
    // The instant before the read: the device's answer is at least this late, so the start
    // on its clock comes out no earlier than it was (a borderline record is refused, not
    // taken).
    let asked = Instant::now();
    let bytes = match s.link.read(CURRENT_TIME) {
        Ok(bytes) => bytes,
        Err(LinkError::MissingCharacteristic(_)) => {
            tracing::debug!("the device has no Current Time; its time stamps are not judged");
            return Ok(None);
        }
        Err(LinkError::Disconnected) => return Err(DeviceError::Disconnected),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the device's Current Time; its time stamps are not judged");
            return Ok(None);
        }
    };
    let now = match CurrentTime::decode(&bytes) {
        Ok(t) => t,
        Err(e) => {
            skip_undecodable(CURRENT_TIME, &bytes, &e);
            return Ok(None);
        }
    };
    let Some(device_now) = now.device_millis() else {
        tracing::info!("the device's clock has no date set; its time stamps are not judged");
        return Ok(None);
    };
    let since_start =
        i64::try_from(asked.saturating_duration_since(s.started).as_millis()).unwrap_or(i64::MAX);
    Ok(Some(device_now.saturating_sub(since_start)))
}
