//! [`BleInstrument`]: a Bluetooth SIG health-profile device behind the crate's [`Instrument`]
//! trait. Each `measure` connects (the device woke up to be used), runs the profile's
//! procedure and disconnects.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use station_protocol::MeasureKind;

use super::link::{CancelToken, Connector, LinkError};
use super::procedure::{self, Profile, Timing};
use crate::{DeviceCheck, DeviceError, Instrument, Measurement};

/// How long one BLE measurement may take, connecting included: the station's default
/// `measure_timeout_seconds`. The station's own timeout decides what the resident sees; this
/// one frees the device and the thread when nobody waits any more.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(90);

/// How long staff's self-test looks for the device (they wake it first: press its button).
pub const CHECK_DEADLINE: Duration = Duration::from_secs(30);

pub struct BleInstrument {
    profile: Profile,
    model: String,
    connector: Box<dyn Connector>,
    deadline: Duration,
    timing: Timing,
    /// The running measurement's token; a new `measure` cancels it.
    current: Mutex<CancelToken>,
    /// One measurement at a time: a device takes one connection, and two procedures on it
    /// would read each other's values.
    busy: Mutex<()>,
}

impl BleInstrument {
    /// `model` is recorded with each reading; `connector` finds the device.
    pub fn new(
        profile: Profile,
        model: impl Into<String>,
        connector: impl Connector + 'static,
    ) -> Self {
        BleInstrument {
            profile,
            model: model.into(),
            connector: Box::new(connector),
            deadline: DEFAULT_DEADLINE,
            timing: Timing::default(),
            current: Mutex::new(CancelToken::new()),
            busy: Mutex::new(()),
        }
    }

    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    pub fn with_timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Cancels the measurement still running (the station gave up on it, or the resident
    /// moved on) and hands out the token of the new one.
    fn supersede(&self) -> CancelToken {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        current.cancel();
        *current = CancelToken::new();
        current.clone()
    }
}

impl Instrument for BleInstrument {
    fn kind(&self) -> MeasureKind {
        self.profile.kind()
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn check(&self) -> Result<DeviceCheck, DeviceError> {
        let cancel = self.supersede();
        let _busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        if cancel.is_cancelled() {
            return Err(DeviceError::NoResponse);
        }
        let now = Instant::now();
        let deadline = now
            .checked_add(CHECK_DEADLINE.min(self.deadline))
            .unwrap_or(now);
        let mut link = self
            .connector
            .connect(self.profile.service(), deadline, &cancel)
            .map_err(|e| {
                tracing::warn!(profile = ?self.profile, error = %e, "self-test: no connection");
                e.to_device_error()
            })?;
        let battery = link.read(super::uuid16::BATTERY_LEVEL);
        link.disconnect();
        match battery {
            // Some devices send more than the one byte, or a value above 100 (invalid per the
            // spec): the first byte, at most 100.
            Ok(value) => Ok(DeviceCheck {
                battery_percent: value.first().map(|b| (*b).min(100)),
            }),
            Err(LinkError::MissingCharacteristic(_)) => Ok(DeviceCheck::default()),
            Err(e) => Err(e.to_device_error()),
        }
    }

    fn measure(&self) -> Result<Measurement, DeviceError> {
        // The measurement's start: a record the device made before it is not this one's.
        let started = Instant::now();
        let cancel = self.supersede();
        let _busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        if cancel.is_cancelled() {
            // An even newer measurement started while this one waited for the device.
            return Err(DeviceError::NoResponse);
        }
        let now = Instant::now();
        let deadline = now.checked_add(self.deadline).unwrap_or(now);
        let service = self.profile.service();
        let mut link = self
            .connector
            .connect(service, deadline, &cancel)
            .map_err(|e| {
                tracing::warn!(profile = ?self.profile, error = %e, "cannot connect to the device");
                e.to_device_error()
            })?;
        let outcome = procedure::run(
            self.profile,
            link.as_mut(),
            started,
            deadline,
            self.timing,
            &cancel,
        );
        link.disconnect();
        match &outcome {
            // Values only at debug: logs leave the station, readings are health data.
            Ok(m) => tracing::debug!(profile = ?self.profile, measurement = ?m, "BLE measurement"),
            Err(e) => tracing::info!(profile = ?self.profile, error = %e, "BLE measurement failed"),
        }
        outcome
    }
}
