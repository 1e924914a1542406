//! The generic run loop every procedure shares: the [`Session`] (link, start, deadline, cancel
//! token), what a procedure makes of one value ([`Verdict`]) and [`collect`], which feeds values
//! to a profile's judge until a measurement, the end of an unusable result's grace, or the
//! deadline.

use std::fmt;
use std::time::{Duration, Instant};

use super::Timing;
use crate::ble::link::{CancelToken, GattLink, LinkError};
use crate::ble::BleDecodeError;
use crate::{DeviceError, Measurement};

/// How often a waiting procedure looks at its cancel token.
const CANCEL_CHECK: Duration = Duration::from_millis(250);

/// A characteristic UUID for logs.
struct Uuid16(u16);

impl fmt::Display for Uuid16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#06x}", self.0)
    }
}

/// The link, the deadline and the cancel token of one measurement.
pub(super) struct Session<'a> {
    pub(super) link: &'a mut dyn GattLink,
    pub(super) started: Instant,
    pub(super) deadline: Instant,
    pub(super) cancel: &'a CancelToken,
}

impl Session<'_> {
    pub(super) fn subscribe(&mut self, characteristic: u16) -> Result<(), DeviceError> {
        self.link.subscribe(characteristic).map_err(|e| {
            tracing::warn!(characteristic = %Uuid16(characteristic), error = %e, "cannot subscribe");
            e.to_device_error()
        })
    }

    /// Subscribes to a characteristic the device may lack: `Ok(false)` when it has none.
    pub(super) fn subscribe_optional(&mut self, characteristic: u16) -> Result<bool, DeviceError> {
        match self.link.subscribe(characteristic) {
            Ok(()) => Ok(true),
            Err(LinkError::MissingCharacteristic(_)) => {
                tracing::debug!(characteristic = %Uuid16(characteristic), "device does not have this optional characteristic");
                Ok(false)
            }
            Err(e) => {
                tracing::warn!(characteristic = %Uuid16(characteristic), error = %e, "cannot subscribe");
                Err(e.to_device_error())
            }
        }
    }

    pub(super) fn write(&mut self, characteristic: u16, value: &[u8]) -> Result<(), DeviceError> {
        self.link.write(characteristic, value).map_err(|e| {
            tracing::warn!(characteristic = %Uuid16(characteristic), error = %e, "write failed");
            e.to_device_error()
        })
    }

    /// The next value before `until` (capped at the deadline), `Ok(None)` when that passes.
    /// Waits in short slices so that a superseded measurement lets go of the device soon.
    pub(super) fn next(&mut self, until: Instant) -> Result<Option<(u16, Vec<u8>)>, DeviceError> {
        let until = until.min(self.deadline);
        loop {
            if self.cancel.is_cancelled() {
                tracing::info!("measurement superseded by a newer one; letting go of the device");
                return Err(DeviceError::NoResponse);
            }
            let now = Instant::now();
            if now >= until {
                return Ok(None);
            }
            let slice = now
                .checked_add(CANCEL_CHECK)
                .map_or(until, |t| t.min(until));
            match self.link.next_value(slice) {
                Ok(None) => {}
                Ok(Some(value)) => return Ok(Some(value)),
                Err(e) => {
                    tracing::warn!(error = %e, "link failed during the measurement");
                    return Err(e.to_device_error());
                }
            }
        }
    }
}

/// What a procedure makes of one value.
pub(super) enum Verdict {
    Done(Measurement),
    /// Not a result (progress, a replay, a value that does not decode): keep waiting.
    Skip,
    /// A result that cannot be used; ends the measurement unless a complete one follows.
    Unusable(DeviceError),
    /// A record stored before this measurement (why, for the log): skipped, and the run ends
    /// as `StaleRecord` if nothing fresh follows before the deadline.
    Stale(&'static str),
}

pub(super) fn skip_undecodable(
    characteristic: u16,
    bytes: &[u8],
    error: &BleDecodeError,
) -> Verdict {
    tracing::warn!(characteristic = %Uuid16(characteristic), %error, ?bytes, "skipping a value that does not decode");
    Verdict::Skip
}

pub(super) fn skip_unexpected(characteristic: u16) -> Verdict {
    tracing::debug!(characteristic = %Uuid16(characteristic), "skipping a value from a characteristic this profile does not read");
    Verdict::Skip
}

/// Feeds values to `judge` until it gives a measurement, an unusable result's grace runs out,
/// or the deadline.
pub(super) fn collect(
    s: &mut Session<'_>,
    timing: Timing,
    mut judge: impl FnMut(u16, &[u8]) -> Verdict,
) -> Result<Measurement, DeviceError> {
    let mut unusable: Option<(DeviceError, Instant)> = None;
    let mut stale = false;
    loop {
        let until = unusable.as_ref().map_or(s.deadline, |(_, end)| *end);
        let Some((c, bytes)) = s.next(until)? else {
            let nothing = if stale {
                DeviceError::StaleRecord
            } else {
                DeviceError::NoResponse
            };
            return Err(unusable.map_or(nothing, |(e, _)| e));
        };
        match judge(c, &bytes) {
            Verdict::Done(m) => return Ok(m),
            Verdict::Skip => {}
            Verdict::Stale(why) => {
                // Waits on: a device that replays its memory first measures after it.
                tracing::info!(characteristic = %Uuid16(c), why, "refusing a record stored before this measurement");
                stale = true;
            }
            Verdict::Unusable(e) => {
                // The grace runs from the first unusable result; later ones do not extend it.
                let now = Instant::now();
                let end = unusable.map_or_else(
                    || now.checked_add(timing.incomplete_grace).unwrap_or(now),
                    |(_, end)| end,
                );
                unusable = Some((e, end));
            }
        }
    }
}
