//! One procedure per health profile: subscribe on a connected [`GattLink`], then turn what the
//! device sends into one [`Measurement`] with the decoders of this module's siblings.
//!
//! Rules every procedure keeps:
//! - a value that does not decode is logged and skipped; only if nothing usable arrives before
//!   the deadline does the measurement end, as `NoResponse`;
//! - a duplicated notification cannot give two results: a procedure ends at its first result
//!   and the caller closes the link, so what follows is never read (values are not dropped
//!   for being equal to the previous one: a steady oximeter repeats its sample, and a meter
//!   answers two polls alike);
//! - a dropped link is `Disconnected`; the deadline is `NoResponse`;
//! - a decoded result that cannot become a `Measurement` (a scale without height, a monitor
//!   without pulse) ends the measurement with its error (`Incomplete`, `Implausible`) unless a
//!   complete one follows within [`Timing::incomplete_grace`];
//! - blood pressure, scale and thermometer take only a record measured during this run, never
//!   one the device stored before it (see `Freshness` and README.md, "Stored records"): a
//!   record's time stamp is judged only against the device's own clock (its Current Time read
//!   at connect, never the station's clock); a monitor's record also counts as new after live
//!   cuff pressure, a scale's or thermometer's once the replay at subscription has gone quiet.
//!   Refused records are skipped, and a run that saw only those ends as `StaleRecord`;
//! - glucose tells old from new by sequence numbers, never by time stamps.
//!
//! Here: the profiles, their [`Timing`] and [`run`]. In `procedure/`: `session.rs` the run loop
//! every profile shares, `freshness.rs` the stored-record rules, and one file per profile with
//! its procedure (`blood_pressure`, `weight_scale`, `thermometer`, `glucose`, `pulse_oximeter`).

use std::time::{Duration, Instant};

use station_protocol::MeasureKind;

use super::link::{CancelToken, GattLink};
use super::uuid16::*;
use crate::{DeviceError, Measurement};

mod blood_pressure;
mod freshness;
mod glucose;
mod pulse_oximeter;
mod session;
mod thermometer;
mod weight_scale;

use blood_pressure::blood_pressure;
use glucose::glucose;
use pulse_oximeter::pulse_oximeter;
use session::Session;
use thermometer::thermometer;
use weight_scale::weight_scale;

pub use pulse_oximeter::{PLX_STABLE_PULSE_SPREAD, PLX_STABLE_SAMPLES, PLX_STABLE_SPO2_SPREAD};

/// The Bluetooth SIG health profile a device speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Blood Pressure (0x1810): Measurement 0x2A35 (indicated), Intermediate Cuff Pressure
    /// 0x2A36 when the monitor has it (progress only).
    BloodPressure,
    /// Weight Scale (0x181D): Weight Measurement 0x2A9D, with height (and BMI) when sent.
    WeightScale,
    /// Health Thermometer (0x1809): Temperature Measurement 0x2A1C.
    HealthThermometer,
    /// Glucose (0x1808): Glucose Measurement 0x2A18 fetched with RACP 0x2A52.
    Glucose,
    /// Pulse Oximeter (0x1822): Spot-check 0x2A5E and/or Continuous 0x2A5F, whichever the
    /// device has.
    PulseOximeter,
}

impl Profile {
    /// The profile for a measurement kind (one BLE profile per kind).
    pub fn for_kind(kind: MeasureKind) -> Profile {
        match kind {
            MeasureKind::BloodPressure => Profile::BloodPressure,
            MeasureKind::Body => Profile::WeightScale,
            MeasureKind::Temperature => Profile::HealthThermometer,
            MeasureKind::Glucose => Profile::Glucose,
            MeasureKind::Spo2 => Profile::PulseOximeter,
        }
    }

    pub fn kind(self) -> MeasureKind {
        match self {
            Profile::BloodPressure => MeasureKind::BloodPressure,
            Profile::WeightScale => MeasureKind::Body,
            Profile::HealthThermometer => MeasureKind::Temperature,
            Profile::Glucose => MeasureKind::Glucose,
            Profile::PulseOximeter => MeasureKind::Spo2,
        }
    }

    /// The 16-bit UUID of the service the device advertises.
    pub fn service(self) -> u16 {
        match self {
            Profile::BloodPressure => BLOOD_PRESSURE_SERVICE,
            Profile::WeightScale => WEIGHT_SCALE_SERVICE,
            Profile::HealthThermometer => HEALTH_THERMOMETER_SERVICE,
            Profile::Glucose => GLUCOSE_SERVICE,
            Profile::PulseOximeter => PULSE_OXIMETER_SERVICE,
        }
    }
}

/// The waits inside a procedure (the overall deadline is the caller's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// How long after a result that cannot be used (no height, no pulse) a complete one may
    /// still arrive. A device that splits a result sends the parts back to back; waiting longer
    /// only delays the "try again".
    pub incomplete_grace: Duration,
    /// How often a glucose meter is asked for records newer than its last one while the
    /// resident measures. Meters send stored records only when asked (GLS 4.6).
    pub racp_poll_interval: Duration,
    /// How much earlier than the measurement's start (on the device's own clock) a record may
    /// be stamped and still be this measurement's. It absorbs whole-second stamps, the time
    /// the clock read takes, and a device started a moment before the station's step; a
    /// previous person's record is older by far more (they got up, the next one identified
    /// and walked through the steps).
    pub clock_tolerance: Duration,
    /// Scale and thermometer records whose time stamp cannot be judged: devices send their
    /// stored records as soon as the station subscribes, back to back. Such a record is taken
    /// as measured now only when it comes this long after the subscription and after the last
    /// record refused as stored; a person stepping on a scale or taking a temperature needs
    /// longer than that.
    pub replay_quiet: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            incomplete_grace: Duration::from_secs(5),
            racp_poll_interval: Duration::from_secs(2),
            clock_tolerance: Duration::from_secs(10),
            replay_quiet: Duration::from_secs(3),
        }
    }
}

/// Runs `profile`'s procedure on a connected link until one measurement, `deadline`, a dropped
/// link or `cancel`. `started` is when the station started this measurement (before finding
/// and connecting the device): a record made before it is not this measurement's. The caller
/// disconnects the link afterwards.
pub fn run(
    profile: Profile,
    link: &mut dyn GattLink,
    started: Instant,
    deadline: Instant,
    timing: Timing,
    cancel: &CancelToken,
) -> Result<Measurement, DeviceError> {
    let mut s = Session {
        link,
        started,
        deadline,
        cancel,
    };
    match profile {
        Profile::BloodPressure => blood_pressure(&mut s, timing),
        Profile::WeightScale => weight_scale(&mut s, timing),
        Profile::HealthThermometer => thermometer(&mut s, timing),
        Profile::Glucose => glucose(&mut s, timing),
        Profile::PulseOximeter => pulse_oximeter(&mut s, timing),
    }
}
