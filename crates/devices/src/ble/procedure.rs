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

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use station_protocol::MeasureKind;

use super::link::{CancelToken, GattLink, LinkError};
use super::uuid16::*;
use super::{
    BleDateTime, BleDecodeError, BloodPressureReading, CurrentTime, GlucoseReading, GlucoseType,
    PlxContinuous, PlxDeviceSensorStatus, PlxMeasurementStatus, PlxSpotCheck, RacpRequest,
    RacpResponse, RacpResponseCode, SampleLocation, SpO2Pr, TemperatureReading, WeightReading,
};
use crate::{DeviceError, Measurement};

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

/// How often a waiting procedure looks at its cancel token.
const CANCEL_CHECK: Duration = Duration::from_millis(250);

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

/// A characteristic UUID for logs.
struct Uuid16(u16);

impl fmt::Display for Uuid16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#06x}", self.0)
    }
}

/// The link, the deadline and the cancel token of one measurement.
struct Session<'a> {
    link: &'a mut dyn GattLink,
    started: Instant,
    deadline: Instant,
    cancel: &'a CancelToken,
}

impl Session<'_> {
    fn subscribe(&mut self, characteristic: u16) -> Result<(), DeviceError> {
        self.link.subscribe(characteristic).map_err(|e| {
            tracing::warn!(characteristic = %Uuid16(characteristic), error = %e, "cannot subscribe");
            e.to_device_error()
        })
    }

    /// Subscribes to a characteristic the device may lack: `Ok(false)` when it has none.
    fn subscribe_optional(&mut self, characteristic: u16) -> Result<bool, DeviceError> {
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

    fn write(&mut self, characteristic: u16, value: &[u8]) -> Result<(), DeviceError> {
        self.link.write(characteristic, value).map_err(|e| {
            tracing::warn!(characteristic = %Uuid16(characteristic), error = %e, "write failed");
            e.to_device_error()
        })
    }

    /// The next value before `until` (capped at the deadline), `Ok(None)` when that passes.
    /// Waits in short slices so that a superseded measurement lets go of the device soon.
    fn next(&mut self, until: Instant) -> Result<Option<(u16, Vec<u8>)>, DeviceError> {
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
enum Verdict {
    Done(Measurement),
    /// Not a result (progress, a replay, a value that does not decode): keep waiting.
    Skip,
    /// A result that cannot be used; ends the measurement unless a complete one follows.
    Unusable(DeviceError),
    /// A record stored before this measurement (why, for the log): skipped, and the run ends
    /// as `StaleRecord` if nothing fresh follows before the deadline.
    Stale(&'static str),
}

fn skip_undecodable(characteristic: u16, bytes: &[u8], error: &BleDecodeError) -> Verdict {
    tracing::warn!(characteristic = %Uuid16(characteristic), %error, ?bytes, "skipping a value that does not decode");
    Verdict::Skip
}

fn skip_unexpected(characteristic: u16) -> Verdict {
    tracing::debug!(characteristic = %Uuid16(characteristic), "skipping a value from a characteristic this profile does not read");
    Verdict::Skip
}

/// Feeds values to `judge` until it gives a measurement, an unusable result's grace runs out,
/// or the deadline.
fn collect(
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
struct Freshness {
    /// The device's clock at the measurement's start, in ms on that clock.
    device_start_ms: Option<i64>,
    tolerance_ms: i64,
    replay_quiet: Duration,
    /// Since when the link has been quiet of records taken as stored (the subscription at
    /// first).
    quiet_since: Instant,
    /// Live cuff pressure seen in this run (blood pressure only).
    cuff_pressure: bool,
}

impl Freshness {
    /// Reads the device's clock and subscribes to the profile's `measurement` characteristic
    /// (and `progress`, if the device has it). The clock is read first: stored records start
    /// to flow at subscription.
    fn start(
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
    fn blood_pressure(&self, stamp: Option<BleDateTime>) -> Result<(), &'static str> {
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
    fn without_progress(&mut self, stamp: Option<BleDateTime>) -> Result<(), &'static str> {
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

fn blood_pressure(s: &mut Session<'_>, timing: Timing) -> Result<Measurement, DeviceError> {
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

fn weight_scale(s: &mut Session<'_>, timing: Timing) -> Result<Measurement, DeviceError> {
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

fn thermometer(s: &mut Session<'_>, timing: Timing) -> Result<Measurement, DeviceError> {
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

fn pulse_oximeter(s: &mut Session<'_>, timing: Timing) -> Result<Measurement, DeviceError> {
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

/// `seq` was stored after `baseline` (sequence numbers are u16 and may wrap: serial-number
/// arithmetic, RFC 1982).
fn is_newer(seq: u16, baseline: u16) -> bool {
    let ahead = seq.wrapping_sub(baseline);
    ahead != 0 && ahead < 0x8000
}

/// Glucose. A meter stores every reading with a sequence number and sends stored records only
/// when asked on the RACP. At connect the procedure asks for the last stored record: its
/// sequence number is the baseline. Then it asks, every poll interval, for records after the
/// baseline, and the first new record that is a result is the resident's. Time stamps are never
/// compared: a meter's clock is often unset or years off, while its sequence numbers only grow.
fn glucose(s: &mut Session<'_>, timing: Timing) -> Result<Measurement, DeviceError> {
    s.subscribe(GLUCOSE_MEASUREMENT)?;
    s.subscribe(RECORD_ACCESS_CONTROL_POINT)?;
    let baseline = glucose_baseline(s)?;
    tracing::info!(?baseline, "glucose meter's last stored record");
    glucose_new_record(s, timing, baseline)
}

/// The meter does not support the request's operator or operand (it must support "all").
fn unsupported(code: RacpResponseCode) -> bool {
    matches!(
        code,
        RacpResponseCode::OpCodeNotSupported
            | RacpResponseCode::InvalidOperator
            | RacpResponseCode::OperatorNotSupported
            | RacpResponseCode::OperandNotSupported
    )
}

fn write_racp(s: &mut Session<'_>, request: RacpRequest) -> Result<(), DeviceError> {
    tracing::debug!(?request, "RACP request");
    s.write(RECORD_ACCESS_CONTROL_POINT, &request.encode())
}

/// The sequence number of the meter's newest record before this measurement, `None` when it
/// has none.
fn glucose_baseline(s: &mut Session<'_>) -> Result<Option<u16>, DeviceError> {
    let mut request = RacpRequest::ReportLastRecord;
    write_racp(s, request)?;
    let mut newest: Option<u16> = None;
    loop {
        let Some((c, bytes)) = s.next(s.deadline)? else {
            tracing::warn!("the glucose meter did not finish reporting its last record");
            return Err(DeviceError::NoResponse);
        };
        match c {
            GLUCOSE_MEASUREMENT => match GlucoseReading::decode(&bytes) {
                Ok(r) => {
                    let seq = r.sequence_number;
                    newest = Some(newest.map_or(seq, |n| if is_newer(seq, n) { seq } else { n }));
                }
                Err(e) => {
                    skip_undecodable(c, &bytes, &e);
                }
            },
            RECORD_ACCESS_CONTROL_POINT => match RacpResponse::decode(&bytes) {
                Ok(RacpResponse::Response {
                    request_op_code,
                    code,
                }) if request_op_code == request.op_code() => match code {
                    RacpResponseCode::Success => {
                        return match newest {
                            Some(n) => Ok(Some(n)),
                            None => {
                                // Without the record we cannot tell old records from new.
                                tracing::warn!(
                                    "the glucose meter reported success without sending a record"
                                );
                                Err(DeviceError::NoResponse)
                            }
                        };
                    }
                    RacpResponseCode::NoRecordsFound => return Ok(None),
                    code if unsupported(code) && request == RacpRequest::ReportLastRecord => {
                        // "Last record" is optional for meters; "all records" is not.
                        tracing::info!(
                            ?code,
                            "the meter cannot report its last record alone; reading all"
                        );
                        request = RacpRequest::ReportAllRecords;
                        newest = None;
                        write_racp(s, request)?;
                    }
                    code => {
                        tracing::warn!(?code, "the glucose meter refused the record request");
                        return Err(DeviceError::NoResponse);
                    }
                },
                Ok(other) => tracing::debug!(?other, "ignoring an RACP response"),
                Err(e) => {
                    skip_undecodable(c, &bytes, &e);
                }
            },
            other => {
                skip_unexpected(other);
            }
        }
    }
}

/// What a new record says.
fn glucose_verdict(r: &GlucoseReading) -> Verdict {
    let seq = r.sequence_number;
    let Some((concentration, ty, location)) = r.concentration else {
        tracing::info!(seq, "new glucose record without a concentration");
        return Verdict::Skip;
    };
    if ty == GlucoseType::ControlSolution || location == SampleLocation::ControlSolution {
        tracing::info!(seq, "new glucose record is a control-solution test");
        return Verdict::Skip;
    }
    if let Some(st) = r.sensor_status {
        let failed = st.sensor_malfunction()
            || st.sample_size_insufficient()
            || st.strip_insertion_error()
            || st.strip_type_incorrect()
            || st.temperature_too_high()
            || st.temperature_too_low()
            || st.read_interrupted()
            || st.general_device_fault();
        if failed {
            // The meter showed an error; the resident measures again with a new strip.
            tracing::info!(
                seq,
                status = st.0,
                "new glucose record is a failed measurement"
            );
            return Verdict::Skip;
        }
    }
    let out_of_range = r
        .sensor_status
        .is_some_and(|st| st.result_too_high() || st.result_too_low());
    match concentration.mmol_per_l() {
        Some(mmol_per_l) => {
            if out_of_range {
                // Meters send their limit with LO/HI; passed on as sent so that the station's
                // judgement of it (very high / very low) still reaches the resident.
                tracing::warn!(
                    seq,
                    mmol_per_l,
                    "glucose beyond the meter's range; using the limit it sent"
                );
            }
            Verdict::Done(Measurement::Glucose { mmol_per_l })
        }
        None if out_of_range => {
            tracing::warn!(
                seq,
                value = ?concentration.value,
                "glucose beyond the meter's range without a number"
            );
            Verdict::Unusable(DeviceError::Implausible)
        }
        None => {
            tracing::info!(seq, value = ?concentration.value, "new glucose record without a number");
            Verdict::Skip
        }
    }
}

fn glucose_new_record(
    s: &mut Session<'_>,
    timing: Timing,
    mut baseline: Option<u16>,
) -> Result<Measurement, DeviceError> {
    let mut since_supported = true;
    let mut in_flight: Option<RacpRequest> = None;
    let mut next_poll = Instant::now();
    loop {
        let now = Instant::now();
        if in_flight.is_none() && now >= next_poll {
            let request = match baseline {
                Some(b) if since_supported => RacpRequest::ReportRecordsSince(b.wrapping_add(1)),
                _ => RacpRequest::ReportAllRecords,
            };
            write_racp(s, request)?;
            in_flight = Some(request);
        }
        // One request at a time: a meter refuses a second while the first runs.
        let until = if in_flight.is_some() {
            s.deadline
        } else {
            next_poll
        };
        let Some((c, bytes)) = s.next(until)? else {
            if Instant::now() >= s.deadline {
                return Err(DeviceError::NoResponse);
            }
            continue;
        };
        let poll_later = || {
            let now = Instant::now();
            now.checked_add(timing.racp_poll_interval).unwrap_or(now)
        };
        match c {
            GLUCOSE_MEASUREMENT => match GlucoseReading::decode(&bytes) {
                Ok(r) => {
                    let seq = r.sequence_number;
                    if baseline.is_some_and(|b| !is_newer(seq, b)) {
                        // A meter may send its whole memory: old records are someone else's.
                        tracing::debug!(seq, ?baseline, "ignoring an old glucose record");
                        continue;
                    }
                    match glucose_verdict(&r) {
                        Verdict::Done(m) => return Ok(m),
                        Verdict::Unusable(e) => return Err(e),
                        // Not a result, but the resident's: later ones are newer still.
                        Verdict::Skip => baseline = Some(seq),
                        // Not made by `glucose_verdict`: the baseline above already dropped
                        // the meter's old records.
                        Verdict::Stale(_) => {}
                    }
                }
                Err(e) => {
                    skip_undecodable(c, &bytes, &e);
                }
            },
            RECORD_ACCESS_CONTROL_POINT => match RacpResponse::decode(&bytes) {
                Ok(RacpResponse::Response {
                    request_op_code,
                    code,
                }) if in_flight.is_some_and(|r| r.op_code() == request_op_code) => {
                    let request = in_flight.take();
                    match code {
                        RacpResponseCode::Success | RacpResponseCode::NoRecordsFound => {
                            next_poll = poll_later();
                        }
                        code if unsupported(code)
                            && matches!(request, Some(RacpRequest::ReportRecordsSince(_))) =>
                        {
                            tracing::info!(
                                ?code,
                                "the meter cannot filter by sequence number; reading all"
                            );
                            since_supported = false;
                            next_poll = Instant::now();
                        }
                        code if unsupported(code) => {
                            tracing::warn!(?code, "the glucose meter refused to report records");
                            return Err(DeviceError::NoResponse);
                        }
                        code => {
                            // Procedure not completed, abort unsuccessful, reserved: ask again.
                            tracing::warn!(?code, "the glucose meter did not complete the report");
                            next_poll = poll_later();
                        }
                    }
                }
                Ok(other) => tracing::debug!(?other, "ignoring an RACP response"),
                Err(e) => {
                    skip_undecodable(c, &bytes, &e);
                }
            },
            other => {
                skip_unexpected(other);
            }
        }
    }
}
