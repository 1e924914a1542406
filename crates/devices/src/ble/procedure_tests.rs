//! The profile procedures and `BleInstrument` over a scripted link: results per kind, unit
//! conversions, status bits, duplicates, garbage, disconnects, deadlines, and the glucose
//! RACP exchange. Deadlines are short only in tests that must wait one out; nothing here
//! asserts how long anything took.

use std::collections::VecDeque;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use station_protocol::MeasureKind;

use super::link::{CancelToken, GattLink, LinkError};
use super::procedure::{run, Profile, Timing, PLX_STABLE_SAMPLES};
use super::published_vectors::{
    NORDIC_BP_FULL, NORDIC_BP_SOME_KPA, NORDIC_GLUCOSE, NORDIC_ICP_FULL, NORDIC_ICP_MINIMAL,
    NORDIC_ICP_SOME_KPA, NORDIC_TEMPERATURE,
};
use super::simulated::{Record, ScriptedLink, Step};
use super::testenc::Enc;
use super::uuid16::*;
use super::{BleDateTime, BleInstrument, Float, SFloat, SpecialValue};
use crate::{DeviceCheck, DeviceError, Instrument, Measurement};

/// For tests that end on a value or on the grace: never reached unless the code is broken.
const LONG: Duration = Duration::from_secs(10);
/// For tests that must wait the deadline out.
const SHORT: Duration = Duration::from_millis(80);

/// Scale and thermometer records without a stamp that can be judged count as measured now
/// only after this much quiet (`Timing::replay_quiet`).
const QUIET: Duration = Duration::from_millis(200);
/// Longer than `QUIET`: the resident steps on the scale / takes the temperature.
const RESIDENT_ACTS: Duration = Duration::from_millis(250);

fn timing() -> Timing {
    Timing {
        incomplete_grace: Duration::from_millis(30),
        racp_poll_interval: Duration::from_millis(5),
        clock_tolerance: Duration::from_secs(10),
        replay_quiet: QUIET,
    }
}

/// The pause before a live scale or thermometer record.
fn resident_acts() -> Step {
    Step::Delay(RESIDENT_ACTS)
}

fn v(characteristic: u16, bytes: impl AsRef<[u8]>) -> Step {
    Step::Value(characteristic, bytes.as_ref().to_vec())
}

fn play(
    profile: Profile,
    link: ScriptedLink,
    within: Duration,
) -> (Result<Measurement, DeviceError>, Record) {
    play_started(profile, link, Duration::ZERO, within)
}

/// As `play`, for a measurement the station started `ago` before the device connected (it
/// was found only after it woke up).
fn play_started(
    profile: Profile,
    link: ScriptedLink,
    ago: Duration,
    within: Duration,
) -> (Result<Measurement, DeviceError>, Record) {
    let record = link.record();
    let mut link = link;
    let now = Instant::now();
    let outcome = run(
        profile,
        &mut link,
        now.checked_sub(ago).expect("a start in the past"),
        now + within,
        timing(),
        &CancelToken::new(),
    );
    link.disconnect();
    let record = record.lock().expect("record").clone();
    (outcome, record)
}

fn play_steps(
    profile: Profile,
    steps: Vec<Step>,
    within: Duration,
) -> Result<Measurement, DeviceError> {
    play(profile, ScriptedLink::new(steps), within).0
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

// ---- blood pressure ----

/// Intermediate Cuff Pressure: the cuff pressure in the systolic field, the others NaN.
fn cuff(mmhg: u8) -> Vec<u8> {
    vec![0x00, mmhg, 0x00, 0xFF, 0x07, 0xFF, 0x07]
}

#[test]
fn bp_complete_result_with_every_status_bit() {
    // Nordic's published "full" vector: 138/88, pulse 60, body movement + cuff loose +
    // irregular pulse + improper position.
    let (out, rec) = play(
        Profile::BloodPressure,
        ScriptedLink::new([
            v(INTERMEDIATE_CUFF_PRESSURE, cuff(40)),
            v(INTERMEDIATE_CUFF_PRESSURE, cuff(120)),
            v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_FULL),
        ]),
        LONG,
    );
    assert_eq!(
        out,
        Ok(Measurement::BloodPressure {
            systolic: 138,
            diastolic: 88,
            pulse: 60,
            irregular_pulse: true,
            body_movement: true,
            cuff_loose: true,
        })
    );
    assert_eq!(
        rec.subscribed,
        [BLOOD_PRESSURE_MEASUREMENT, INTERMEDIATE_CUFF_PRESSURE]
    );
    // The monitor's clock is asked for first (this one has none).
    assert_eq!(rec.reads, [CURRENT_TIME]);
    assert!(rec.writes.is_empty());
}

#[test]
fn bp_kpa_is_converted_to_mmhg() {
    // Nordic's kPa vector: 18.9/11.0 kPa → 142/83 mmHg, pulse 60, cuff loose only.
    let out = play_steps(
        Profile::BloodPressure,
        vec![
            v(INTERMEDIATE_CUFF_PRESSURE, NORDIC_ICP_SOME_KPA),
            v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_SOME_KPA),
        ],
        LONG,
    );
    assert_eq!(
        out,
        Ok(Measurement::BloodPressure {
            systolic: 142,
            diastolic: 83,
            pulse: 60,
            irregular_pulse: false,
            body_movement: false,
            cuff_loose: true,
        })
    );
}

#[test]
fn bp_monitor_without_cuff_pressure_measures_only_with_its_clock() {
    // No 0x2A36 and no Current Time: nothing can tell its record from a stored one.
    let link = ScriptedLink::new([v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_FULL)])
        .without(INTERMEDIATE_CUFF_PRESSURE);
    let (out, rec) = play(Profile::BloodPressure, link, SHORT);
    assert_eq!(out, Err(DeviceError::StaleRecord));
    assert_eq!(rec.subscribed, [BLOOD_PRESSURE_MEASUREMENT]);
    // With its clock read at connect, a record stamped after the start is this one's.
    let link = ScriptedLink::new([v(
        BLOOD_PRESSURE_MEASUREMENT,
        bp_at(131, 84, 70, at(2026, 6, 1, 8, 0, 20)),
    )])
    .without(INTERMEDIATE_CUFF_PRESSURE)
    .with_read(CURRENT_TIME, clock(at(2026, 6, 1, 8, 0, 0)));
    let (out, _) = play(Profile::BloodPressure, link, LONG);
    assert!(matches!(
        out,
        Ok(Measurement::BloodPressure { systolic: 131, .. })
    ));
}

#[test]
fn bp_monitor_without_the_measurement_characteristic_is_no_response() {
    let link = ScriptedLink::new([]).without(BLOOD_PRESSURE_MEASUREMENT);
    assert_eq!(
        play(Profile::BloodPressure, link, LONG).0,
        Err(DeviceError::NoResponse)
    );
}

#[test]
fn bp_garbage_is_skipped_then_a_good_value_accepted() {
    let out = play_steps(
        Profile::BloodPressure,
        vec![
            v(BLOOD_PRESSURE_MEASUREMENT, []),
            v(BLOOD_PRESSURE_MEASUREMENT, [0xFF]),
            // Flags announce a time stamp that is not there.
            v(
                BLOOD_PRESSURE_MEASUREMENT,
                [0x02, 0x78, 0, 0x50, 0, 0x5D, 0],
            ),
            v(INTERMEDIATE_CUFF_PRESSURE, [0x00]),
            v(0x2A37, [0x00, 0x48]), // heart rate: not this profile's
            v(INTERMEDIATE_CUFF_PRESSURE, NORDIC_ICP_MINIMAL),
            v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_SOME_KPA),
        ],
        LONG,
    );
    assert!(matches!(
        out,
        Ok(Measurement::BloodPressure { systolic: 142, .. })
    ));
}

#[test]
fn bp_only_garbage_before_the_deadline_is_no_response() {
    let out = play_steps(
        Profile::BloodPressure,
        vec![v(BLOOD_PRESSURE_MEASUREMENT, [0x01, 0x02, 0x03])],
        SHORT,
    );
    assert_eq!(out, Err(DeviceError::NoResponse));
}

#[test]
fn bp_without_pulse_is_incomplete_unless_a_complete_one_follows() {
    let no_pulse = [0x00, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00];
    let out = play_steps(
        Profile::BloodPressure,
        vec![
            v(INTERMEDIATE_CUFF_PRESSURE, cuff(90)),
            v(BLOOD_PRESSURE_MEASUREMENT, no_pulse),
        ],
        LONG,
    );
    assert_eq!(out, Err(DeviceError::Incomplete));
    let out = play_steps(
        Profile::BloodPressure,
        vec![
            v(INTERMEDIATE_CUFF_PRESSURE, cuff(90)),
            v(BLOOD_PRESSURE_MEASUREMENT, no_pulse),
            v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_FULL),
        ],
        LONG,
    );
    assert!(matches!(
        out,
        Ok(Measurement::BloodPressure { pulse: 60, .. })
    ));
}

#[test]
fn bp_disconnect_mid_measurement() {
    let (out, rec) = play(
        Profile::BloodPressure,
        ScriptedLink::new([
            v(INTERMEDIATE_CUFF_PRESSURE, cuff(80)),
            Step::Disconnect,
            v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_FULL),
        ]),
        LONG,
    );
    assert_eq!(out, Err(DeviceError::Disconnected));
    assert_eq!(rec.left, 1);
}

#[test]
fn bp_nothing_before_the_deadline_is_no_response() {
    assert_eq!(
        play_steps(Profile::BloodPressure, vec![], SHORT),
        Err(DeviceError::NoResponse)
    );
    // A value that comes after the deadline is not taken.
    assert_eq!(
        play_steps(
            Profile::BloodPressure,
            vec![
                Step::Delay(Duration::from_secs(30)),
                v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_FULL)
            ],
            SHORT
        ),
        Err(DeviceError::NoResponse)
    );
}

// ---- weight scale ----

#[test]
fn scale_si_weight_and_height() {
    // 65.5 kg, BMI 22.7, 1.700 m.
    let out = play_steps(
        Profile::WeightScale,
        vec![
            resident_acts(),
            v(
                WEIGHT_MEASUREMENT,
                [0x08, 0x2C, 0x33, 0xE3, 0x00, 0xA4, 0x06],
            ),
        ],
        LONG,
    );
    let Ok(Measurement::Body {
        weight_kg,
        height_cm,
    }) = out
    else {
        panic!("expected a body measurement, got {out:?}");
    };
    assert!(close(weight_kg, 65.5) && close(height_cm, 170.0));
}

#[test]
fn scale_pounds_and_inches_are_converted() {
    // 150.00 lb, 67.0 in.
    let out = play_steps(
        Profile::WeightScale,
        vec![
            resident_acts(),
            v(
                WEIGHT_MEASUREMENT,
                [0x09, 0x98, 0x3A, 0xE3, 0x00, 0x9E, 0x02],
            ),
        ],
        LONG,
    );
    let Ok(Measurement::Body {
        weight_kg,
        height_cm,
    }) = out
    else {
        panic!("expected a body measurement, got {out:?}");
    };
    assert!(close(weight_kg, 150.0 * 0.453_592_37), "{weight_kg}");
    assert!(close(height_cm, 67.0 * 2.54), "{height_cm}");
}

#[test]
fn scale_without_height_is_incomplete() {
    // Weight only (no BMI/height flag), and height sent as 0.
    for bytes in [
        vec![0x00, 0x2C, 0x33],
        vec![0x08, 0x2C, 0x33, 0x00, 0x00, 0x00, 0x00],
    ] {
        let out = play_steps(
            Profile::WeightScale,
            vec![resident_acts(), v(WEIGHT_MEASUREMENT, &bytes)],
            LONG,
        );
        assert_eq!(out, Err(DeviceError::Incomplete), "{bytes:?}");
    }
}

#[test]
fn scale_weight_first_then_height_gives_the_complete_result() {
    let out = play_steps(
        Profile::WeightScale,
        vec![
            resident_acts(),
            v(WEIGHT_MEASUREMENT, [0x00, 0x2C, 0x33]),
            v(WEIGHT_MEASUREMENT, [0x00, 0x2C, 0x33]), // duplicate
            v(
                WEIGHT_MEASUREMENT,
                [0x08, 0x2C, 0x33, 0xE3, 0x00, 0xA4, 0x06],
            ),
        ],
        LONG,
    );
    assert!(matches!(out, Ok(Measurement::Body { .. })));
}

#[test]
fn scale_unsuccessful_and_garbage_are_skipped() {
    let (out, rec) = play(
        Profile::WeightScale,
        ScriptedLink::new([
            resident_acts(),
            v(WEIGHT_MEASUREMENT, [0x00, 0xFF, 0xFF]), // "measurement unsuccessful"
            v(WEIGHT_MEASUREMENT, [0x08, 0x2C]),
            v(
                WEIGHT_MEASUREMENT,
                [0x08, 0x2C, 0x33, 0xE3, 0x00, 0xA4, 0x06],
            ),
        ]),
        LONG,
    );
    assert!(matches!(out, Ok(Measurement::Body { .. })));
    assert_eq!(rec.subscribed, [WEIGHT_MEASUREMENT]);
}

#[test]
fn scale_disconnect_and_silence() {
    assert_eq!(
        play_steps(
            Profile::WeightScale,
            vec![Step::Disconnect, v(WEIGHT_MEASUREMENT, [0x00, 0x2C, 0x33])],
            LONG
        ),
        Err(DeviceError::Disconnected)
    );
    assert_eq!(
        play_steps(Profile::WeightScale, vec![], SHORT),
        Err(DeviceError::NoResponse)
    );
}

// ---- thermometer ----

#[test]
fn thermometer_celsius_from_the_published_vector() {
    let out = play_steps(
        Profile::HealthThermometer,
        vec![
            resident_acts(),
            v(TEMPERATURE_MEASUREMENT, NORDIC_TEMPERATURE),
        ],
        LONG,
    );
    assert_eq!(out, Ok(Measurement::Temperature { celsius: 37.6 }));
}

#[test]
fn thermometer_fahrenheit_is_converted() {
    // 98.6 °F = 986 × 10⁻¹ → 37.0 °C.
    let out = play_steps(
        Profile::HealthThermometer,
        vec![
            resident_acts(),
            v(TEMPERATURE_MEASUREMENT, [0x01, 0xDA, 0x03, 0x00, 0xFF]),
        ],
        LONG,
    );
    let Ok(Measurement::Temperature { celsius }) = out else {
        panic!("expected a temperature, got {out:?}");
    };
    assert!(close(celsius, 37.0), "{celsius}");
}

#[test]
fn thermometer_no_number_and_garbage_are_skipped() {
    let out = play_steps(
        Profile::HealthThermometer,
        vec![
            resident_acts(),
            v(TEMPERATURE_MEASUREMENT, [0x00, 0xFF, 0xFF, 0x7F, 0x00]), // NaN
            v(
                TEMPERATURE_MEASUREMENT,
                [0x04, 0x72, 0x0E, 0x00, 0xFE, 0x00],
            ), // type 0
            v(TEMPERATURE_MEASUREMENT, [0x00, 0x72, 0x0E, 0x00, 0xFE]), // 36.98
        ],
        LONG,
    );
    assert_eq!(out, Ok(Measurement::Temperature { celsius: 36.98 }));
    assert_eq!(
        play_steps(
            Profile::HealthThermometer,
            vec![v(TEMPERATURE_MEASUREMENT, [0x00, 0xFF, 0xFF, 0x7F, 0x00])],
            SHORT
        ),
        Err(DeviceError::NoResponse)
    );
    assert_eq!(
        play_steps(Profile::HealthThermometer, vec![Step::Disconnect], LONG),
        Err(DeviceError::Disconnected)
    );
}

// ---- stored records (README.md, "Stored records") ----

const BPM: u16 = BLOOD_PRESSURE_MEASUREMENT;
const ICP: u16 = INTERMEDIATE_CUFF_PRESSURE;

fn at(year: u16, month: u8, day: u8, hours: u8, minutes: u8, seconds: u8) -> BleDateTime {
    BleDateTime {
        year: Some(year),
        month: Some(month),
        day: Some(day),
        hours,
        minutes,
        seconds,
    }
}

/// The device's clock in most tests below when the station starts (and connects).
fn eight() -> BleDateTime {
    at(2026, 6, 1, 8, 0, 0)
}

/// Current Time (0x2A2B, CTS 3.1): the device's clock; weekday unknown, no fractions.
fn clock(t: BleDateTime) -> Vec<u8> {
    Enc::default().date_time(t).u8(0).u8(0).u8(0).0
}

/// Blood Pressure Measurement in mmHg with a time stamp and pulse (flags 0x06), MAP NaN.
fn bp_at(systolic: u16, diastolic: u16, pulse: u16, t: BleDateTime) -> Vec<u8> {
    Enc::default()
        .u8(0x06)
        .u16(systolic)
        .u16(diastolic)
        .u16(0x07FF)
        .date_time(t)
        .u16(pulse)
        .0
}

/// Weight Measurement, SI, with a time stamp, BMI 22.7 and height 1.700 m (flags 0x0A);
/// `raw` × 5 g.
fn weight_at(raw: u16, t: BleDateTime) -> Vec<u8> {
    Enc::default()
        .u8(0x0A)
        .u16(raw)
        .date_time(t)
        .u16(227)
        .u16(1700)
        .0
}

/// Temperature Measurement in °C with a time stamp (flags 0x02): `hundredths` × 0.01 °C.
fn temp_at(hundredths: u32, t: BleDateTime) -> Vec<u8> {
    Enc::default()
        .u8(0x02)
        .float(Float::from_raw(0xFE00_0000 | hundredths))
        .date_time(t)
        .0
}

fn systolic_of(out: &Result<Measurement, DeviceError>) -> Option<u16> {
    match out {
        Ok(Measurement::BloodPressure { systolic, .. }) => Some(*systolic),
        _ => None,
    }
}

fn weight_of(out: &Result<Measurement, DeviceError>) -> Option<f64> {
    match out {
        Ok(Measurement::Body { weight_kg, .. }) => Some(*weight_kg),
        _ => None,
    }
}

#[test]
fn bp_final_record_without_live_cuff_pressure_is_refused() {
    // The published "full" record with nothing before it: a result from the monitor's
    // memory (its stamp has no year, so it cannot be judged). Refused; at the deadline the
    // resident is asked to measure again.
    let (out, rec) = play(
        Profile::BloodPressure,
        ScriptedLink::new([v(BPM, NORDIC_BP_FULL)]),
        SHORT,
    );
    assert_eq!(out, Err(DeviceError::StaleRecord));
    assert_eq!(rec.left, 0);
    // Cuff "pressure" that does not decode or is no number (NaN) is not progress.
    let nan_cuff = [0x00, 0xFF, 0x07, 0xFF, 0x07, 0xFF, 0x07];
    let out = play_steps(
        Profile::BloodPressure,
        vec![v(ICP, [0x00]), v(ICP, nan_cuff), v(BPM, NORDIC_BP_SOME_KPA)],
        SHORT,
    );
    assert_eq!(out, Err(DeviceError::StaleRecord));
}

#[test]
fn bp_monitor_that_replays_its_memory_then_measures_gives_the_live_result() {
    // Published vectors: two stored results at connect (refused), then the cuff inflates
    // (three published cuff pressures) and the result of this measurement follows.
    let out = play_steps(
        Profile::BloodPressure,
        vec![
            v(BPM, NORDIC_BP_FULL),
            v(BPM, NORDIC_BP_FULL),
            v(ICP, NORDIC_ICP_MINIMAL),
            v(ICP, NORDIC_ICP_SOME_KPA),
            v(ICP, NORDIC_ICP_FULL),
            v(BPM, NORDIC_BP_SOME_KPA),
        ],
        LONG,
    );
    assert_eq!(systolic_of(&out), Some(142), "{out:?}");
}

#[test]
fn bp_record_stamped_before_the_start_is_refused_even_after_cuff_pressure() {
    // The monitor's clock says 08:00:00 at the start. After live cuff pressure it sends a
    // record from 07:40 (its memory, someone else's), then this measurement's.
    let link = ScriptedLink::new([
        v(ICP, cuff(160)),
        v(BPM, bp_at(150, 95, 80, at(2026, 6, 1, 7, 40, 0))),
        v(BPM, bp_at(124, 78, 66, at(2026, 6, 1, 8, 0, 45))),
    ])
    .with_read(CURRENT_TIME, clock(eight()));
    let (out, rec) = play(Profile::BloodPressure, link, LONG);
    assert_eq!(systolic_of(&out), Some(124), "{out:?}");
    assert_eq!(rec.reads, [CURRENT_TIME]);
    // Only the old one: nothing is taken.
    let link = ScriptedLink::new([
        v(ICP, cuff(160)),
        v(BPM, bp_at(150, 95, 80, at(2026, 6, 1, 7, 40, 0))),
    ])
    .with_read(CURRENT_TIME, clock(eight()));
    assert_eq!(
        play(Profile::BloodPressure, link, SHORT).0,
        Err(DeviceError::StaleRecord)
    );
}

#[test]
fn a_stamp_may_be_a_little_before_the_start_on_the_devices_clock() {
    // Tolerance 10 s: started 5 s before the station's step (or whole-second stamps) is
    // this measurement; 15 s before is not.
    let play_one = |t: BleDateTime| {
        let link = ScriptedLink::new([v(BPM, bp_at(126, 80, 70, t))])
            .without(ICP)
            .with_read(CURRENT_TIME, clock(eight()));
        play(Profile::BloodPressure, link, SHORT).0
    };
    assert_eq!(systolic_of(&play_one(at(2026, 6, 1, 7, 59, 55))), Some(126));
    assert_eq!(
        play_one(at(2026, 6, 1, 7, 59, 45)),
        Err(DeviceError::StaleRecord)
    );
}

#[test]
fn the_start_is_when_the_station_started_not_when_the_device_connected() {
    // A monitor that measures on its own and connects only afterwards: the station started
    // 60 s before the connection, and the monitor's clock says 08:01:00 at connect, so it
    // said 08:00:00 at the start. Its memory (07:59:00) is refused, its result of 08:00:40 is
    // this measurement's though it came before any connection.
    let link = ScriptedLink::new([
        v(BPM, bp_at(150, 95, 80, at(2026, 6, 1, 7, 59, 0))),
        v(BPM, bp_at(128, 80, 70, at(2026, 6, 1, 8, 0, 40))),
    ])
    .without(ICP)
    .with_read(CURRENT_TIME, clock(at(2026, 6, 1, 8, 1, 0)));
    let (out, _) = play_started(Profile::BloodPressure, link, Duration::from_secs(60), LONG);
    assert_eq!(systolic_of(&out), Some(128), "{out:?}");
}

#[test]
fn device_clocks_that_are_wrong_are_judged_against_themselves() {
    // A clock never set (2001) and one 14 years ahead (2040): the station's clock says
    // neither, and neither matters. Each device's stored record (a day before the start on
    // its own clock) is refused and its fresh one (30 s after) taken, at once.
    for year in [2001, 2040] {
        let start = at(year, 6, 1, 8, 0, 0);
        let before = at(year, 5, 31, 8, 0, 0);
        let after = at(year, 6, 1, 8, 0, 30);

        let link = ScriptedLink::new([
            v(BPM, bp_at(150, 95, 80, before)),
            v(BPM, bp_at(118, 76, 64, after)),
        ])
        .without(ICP)
        .with_read(CURRENT_TIME, clock(start));
        let out = play(Profile::BloodPressure, link, LONG).0;
        assert_eq!(systolic_of(&out), Some(118), "{year}: {out:?}");

        let link = ScriptedLink::new([
            v(WEIGHT_MEASUREMENT, weight_at(14_000, before)),
            v(WEIGHT_MEASUREMENT, weight_at(13_100, after)),
        ])
        .with_read(CURRENT_TIME, clock(start));
        let out = play(Profile::WeightScale, link, LONG).0;
        assert!(
            weight_of(&out).is_some_and(|w| close(w, 65.5)),
            "{year}: {out:?}"
        );

        let link = ScriptedLink::new([
            v(TEMPERATURE_MEASUREMENT, temp_at(3_850, before)),
            v(TEMPERATURE_MEASUREMENT, temp_at(3_660, after)),
        ])
        .with_read(CURRENT_TIME, clock(start));
        let out = play(Profile::HealthThermometer, link, LONG).0;
        assert_eq!(
            out,
            Ok(Measurement::Temperature { celsius: 36.6 }),
            "{year}"
        );
    }
}

#[test]
fn a_clock_without_a_date_judges_nothing() {
    // Current Time with date 0 (never set): stamps cannot be placed, so the scale's record
    // in the burst at subscription is refused like one without a stamp, and the one after
    // the quiet is taken.
    let link = ScriptedLink::new([
        v(
            WEIGHT_MEASUREMENT,
            weight_at(14_000, at(2026, 6, 1, 8, 0, 30)),
        ),
        resident_acts(),
        v(
            WEIGHT_MEASUREMENT,
            weight_at(13_100, at(2026, 6, 1, 7, 0, 0)),
        ),
    ])
    .with_read(CURRENT_TIME, [0, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
    let out = play(Profile::WeightScale, link, LONG).0;
    assert!(weight_of(&out).is_some_and(|w| close(w, 65.5)), "{out:?}");
}

#[test]
fn scale_stored_record_is_refused_and_the_next_fresh_one_taken() {
    // With its clock, by stamps alone, even in the burst at subscription: 70.0 kg from
    // 07:30 is its memory, 65.5 kg from 08:00:20 this resident.
    let link = ScriptedLink::new([
        v(
            WEIGHT_MEASUREMENT,
            weight_at(14_000, at(2026, 6, 1, 7, 30, 0)),
        ),
        v(
            WEIGHT_MEASUREMENT,
            weight_at(13_100, at(2026, 6, 1, 8, 0, 20)),
        ),
    ])
    .with_read(CURRENT_TIME, clock(eight()));
    let out = play(Profile::WeightScale, link, LONG).0;
    assert!(weight_of(&out).is_some_and(|w| close(w, 65.5)), "{out:?}");

    // Without a clock: what comes in the burst at subscription (stamped or not) is its
    // memory; the record after the quiet is the resident's.
    let stored_unstamped = [0x08, 0xB0, 0x36, 0xE3, 0x00, 0xA4, 0x06]; // 70.0 kg
    let live = [0x08, 0x2C, 0x33, 0xE3, 0x00, 0xA4, 0x06]; // 65.5 kg
    let burst = || {
        vec![
            v(
                WEIGHT_MEASUREMENT,
                weight_at(14_000, at(2026, 6, 1, 7, 30, 0)),
            ),
            v(WEIGHT_MEASUREMENT, stored_unstamped),
        ]
    };
    let mut steps = burst();
    steps.extend([resident_acts(), v(WEIGHT_MEASUREMENT, live)]);
    let out = play_steps(Profile::WeightScale, steps, LONG);
    assert!(weight_of(&out).is_some_and(|w| close(w, 65.5)), "{out:?}");
    assert_eq!(
        play_steps(Profile::WeightScale, burst(), SHORT),
        Err(DeviceError::StaleRecord)
    );
}

#[test]
fn thermometer_published_record_is_fresh_or_stored_by_the_thermometers_own_clock() {
    // NORDIC_TEMPERATURE is stamped 2012-12-05 11:50:27.
    // The thermometer's clock said 11:50:00 at the start: made 27 s later, this measurement.
    let link = ScriptedLink::new([v(TEMPERATURE_MEASUREMENT, NORDIC_TEMPERATURE)])
        .with_read(CURRENT_TIME, clock(at(2012, 12, 5, 11, 50, 0)));
    assert_eq!(
        play(Profile::HealthThermometer, link, LONG).0,
        Ok(Measurement::Temperature { celsius: 37.6 })
    );
    // It said 12:00:00: made ten minutes before, from its memory; the next one is taken.
    let link = ScriptedLink::new([
        v(TEMPERATURE_MEASUREMENT, NORDIC_TEMPERATURE),
        v(
            TEMPERATURE_MEASUREMENT,
            temp_at(3_698, at(2012, 12, 5, 12, 0, 31)),
        ),
    ])
    .with_read(CURRENT_TIME, clock(at(2012, 12, 5, 12, 0, 0)));
    assert_eq!(
        play(Profile::HealthThermometer, link, LONG).0,
        Ok(Measurement::Temperature { celsius: 36.98 })
    );
    let link = ScriptedLink::new([v(TEMPERATURE_MEASUREMENT, NORDIC_TEMPERATURE)])
        .with_read(CURRENT_TIME, clock(at(2012, 12, 5, 12, 0, 0)));
    assert_eq!(
        play(Profile::HealthThermometer, link, SHORT).0,
        Err(DeviceError::StaleRecord)
    );
}

#[test]
fn thermometer_without_a_clock_takes_a_record_only_after_the_replay_goes_quiet() {
    // The published record at subscription is its memory; the one after a pause is taken.
    let out = play_steps(
        Profile::HealthThermometer,
        vec![
            v(TEMPERATURE_MEASUREMENT, NORDIC_TEMPERATURE),
            resident_acts(),
            v(TEMPERATURE_MEASUREMENT, [0x00, 0x72, 0x0E, 0x00, 0xFE]),
        ],
        LONG,
    );
    assert_eq!(out, Ok(Measurement::Temperature { celsius: 36.98 }));
    assert_eq!(
        play_steps(
            Profile::HealthThermometer,
            vec![v(TEMPERATURE_MEASUREMENT, NORDIC_TEMPERATURE)],
            SHORT
        ),
        Err(DeviceError::StaleRecord)
    );
}

#[test]
fn a_long_replay_keeps_restarting_the_quiet() {
    // A device with a long memory: records 400 ms apart, the quiet 600 ms. The third comes
    // 800 ms after the subscription but only 400 ms after a refused one: still the replay.
    let timing = Timing {
        replay_quiet: Duration::from_millis(600),
        ..timing()
    };
    let gap = Step::Delay(Duration::from_millis(400));
    let t = |hundredths| v(TEMPERATURE_MEASUREMENT, temp_at(hundredths, eight()));
    let mut link = ScriptedLink::new([t(3_801), gap.clone(), t(3_802), gap, t(3_803)]);
    let now = Instant::now();
    let out = run(
        Profile::HealthThermometer,
        &mut link,
        now,
        now + Duration::from_millis(1_100),
        timing,
        &CancelToken::new(),
    );
    assert_eq!(out, Err(DeviceError::StaleRecord));
}

#[test]
fn a_device_that_drops_while_its_clock_is_read_is_disconnected() {
    // Dropped before the read: the read fails as the link does.
    let mut link = ScriptedLink::new([Step::Disconnect]);
    assert_eq!(
        link.next_value(Instant::now()),
        Err(LinkError::Disconnected)
    );
    let (out, _) = play(Profile::WeightScale, link, LONG);
    assert_eq!(out, Err(DeviceError::Disconnected));
}

// ---- glucose ----

const LAST: [u8; 2] = [0x01, 0x06];
const ALL: [u8; 2] = [0x01, 0x01];

fn since(seq: u16) -> Vec<u8> {
    let [lo, hi] = seq.to_le_bytes();
    vec![0x01, 0x03, 0x01, lo, hi]
}

/// RACP response code for "report stored records".
fn racp(code: u8) -> Step {
    v(RECORD_ACCESS_CONTROL_POINT, [0x06, 0x00, 0x01, code])
}
const SUCCESS: u8 = 0x01;
const OP_CODE_NOT_SUPPORTED: u8 = 0x02;
const OPERATOR_NOT_SUPPORTED: u8 = 0x04;
const NO_RECORDS: u8 = 0x06;
const NOT_COMPLETED: u8 = 0x08;

fn expect(bytes: impl AsRef<[u8]>) -> Step {
    Step::ExpectWrite(RECORD_ACCESS_CONTROL_POINT, bytes.as_ref().to_vec())
}

/// A Glucose Measurement in mol/L: `tenths` × 0.1 mmol/L = `tenths` × 10⁻⁴ mol/L, capillary
/// whole blood from a finger unless `type_location` says otherwise, base time in `year`.
fn record_with(seq: u16, year: u16, value: SFloat, type_location: u8, status: Option<u16>) -> Step {
    let flags = 0x02 | 0x04 | u8::from(status.is_some()) << 3;
    let bytes = Enc::default()
        .u8(flags)
        .u16(seq)
        .date_time(BleDateTime {
            year: Some(year),
            month: Some(6),
            day: Some(1),
            hours: 8,
            minutes: 0,
            seconds: 0,
        })
        .sfloat(value)
        .u8(type_location)
        .opt(status, Enc::u16)
        .0;
    v(GLUCOSE_MEASUREMENT, bytes)
}

fn mmol(tenths: i16) -> SFloat {
    SFloat::finite(tenths, -4).expect("sfloat")
}

fn record(seq: u16, year: u16, tenths: i16) -> Step {
    record_with(seq, year, mmol(tenths), 0x11, None)
}

fn glucose_of(out: Result<Measurement, DeviceError>) -> f64 {
    match out {
        Ok(Measurement::Glucose { mmol_per_l }) => mmol_per_l,
        other => panic!("expected a glucose result, got {other:?}"),
    }
}

#[test]
fn glucose_takes_the_record_after_the_baseline_by_sequence_never_by_clock() {
    // The meter's last record is 7 (its clock says 2026). Asked for ≥ 8 it also replays old
    // records, one with a clock years ahead; the resident's record 8 has a clock in 2001.
    for new_year in [2001, 2040] {
        let (out, rec) = play(
            Profile::Glucose,
            ScriptedLink::new([
                expect(LAST),
                record(7, 2026, 50),
                racp(SUCCESS),
                expect(since(8)),
                record(7, 2040, 200),
                record(3, 2041, 150),
                record(8, new_year, 62),
                racp(SUCCESS),
            ]),
            LONG,
        );
        assert!(close(glucose_of(out), 6.2), "year {new_year}");
        assert_eq!(
            rec.subscribed,
            [GLUCOSE_MEASUREMENT, RECORD_ACCESS_CONTROL_POINT]
        );
        assert!(
            rec.unexpected_writes.is_empty(),
            "{:?}",
            rec.unexpected_writes
        );
    }
}

#[test]
fn glucose_polls_until_the_resident_has_measured() {
    let (out, rec) = play(
        Profile::Glucose,
        ScriptedLink::new([
            expect(LAST),
            record(41, 2026, 50),
            racp(SUCCESS),
            expect(since(42)),
            racp(NO_RECORDS),
            expect(since(42)),
            racp(NO_RECORDS),
            expect(since(42)),
            record(42, 2026, 71),
            racp(SUCCESS),
        ]),
        LONG,
    );
    assert!(close(glucose_of(out), 7.1));
    assert_eq!(rec.writes.len(), 4);
    assert!(
        rec.unexpected_writes.is_empty(),
        "{:?}",
        rec.unexpected_writes
    );
}

#[test]
fn glucose_old_records_only_is_no_response() {
    let out = play_steps(
        Profile::Glucose,
        vec![
            expect(LAST),
            record(7, 2026, 50),
            racp(SUCCESS),
            expect(since(8)),
            record(7, 2026, 50),
            record(6, 2030, 90),
            racp(SUCCESS),
        ],
        SHORT,
    );
    assert_eq!(out, Err(DeviceError::NoResponse));
}

#[test]
fn glucose_empty_meter_takes_its_first_record() {
    let (out, rec) = play(
        Profile::Glucose,
        ScriptedLink::new([
            expect(LAST),
            racp(NO_RECORDS),
            expect(ALL),
            racp(NO_RECORDS),
            expect(ALL),
            record(1, 2040, 55),
            racp(SUCCESS),
        ]),
        LONG,
    );
    assert!(close(glucose_of(out), 5.5));
    assert!(
        rec.unexpected_writes.is_empty(),
        "{:?}",
        rec.unexpected_writes
    );
}

#[test]
fn glucose_meter_without_last_record_operator_is_read_whole() {
    let (out, rec) = play(
        Profile::Glucose,
        ScriptedLink::new([
            expect(LAST),
            racp(OPERATOR_NOT_SUPPORTED),
            expect(ALL),
            record(1, 2026, 50),
            record(3, 2026, 52),
            record(2, 2026, 51),
            racp(SUCCESS),
            expect(since(4)),
            record(3, 2026, 52),
            record(4, 2026, 99),
            racp(SUCCESS),
        ]),
        LONG,
    );
    assert!(close(glucose_of(out), 9.9));
    assert!(
        rec.unexpected_writes.is_empty(),
        "{:?}",
        rec.unexpected_writes
    );
}

#[test]
fn glucose_meter_without_sequence_filter_is_polled_whole() {
    let (out, rec) = play(
        Profile::Glucose,
        ScriptedLink::new([
            expect(LAST),
            record(2, 2026, 50),
            racp(SUCCESS),
            expect(since(3)),
            racp(OPERATOR_NOT_SUPPORTED),
            expect(ALL),
            record(1, 2026, 40),
            record(2, 2026, 50),
            racp(SUCCESS),
            expect(ALL),
            record(1, 2026, 40),
            record(2, 2026, 50),
            record(3, 2026, 64),
            racp(SUCCESS),
        ]),
        LONG,
    );
    assert!(close(glucose_of(out), 6.4));
    assert!(
        rec.unexpected_writes.is_empty(),
        "{:?}",
        rec.unexpected_writes
    );
}

#[test]
fn glucose_racp_errors_at_the_baseline() {
    // The meter cannot complete the request, or claims success without the record: old and
    // new cannot be told apart, so no result.
    for steps in [
        vec![expect(LAST), racp(NOT_COMPLETED)],
        vec![expect(LAST), racp(SUCCESS)],
        vec![
            expect(LAST),
            racp(OPERATOR_NOT_SUPPORTED),
            expect(ALL),
            racp(OP_CODE_NOT_SUPPORTED),
        ],
    ] {
        assert_eq!(
            play_steps(Profile::Glucose, steps.clone(), LONG),
            Err(DeviceError::NoResponse),
            "{steps:?}"
        );
    }
}

#[test]
fn glucose_racp_not_completed_while_polling_is_asked_again() {
    let out = play_steps(
        Profile::Glucose,
        vec![
            expect(LAST),
            record(9, 2026, 50),
            racp(SUCCESS),
            expect(since(10)),
            racp(NOT_COMPLETED),
            // Garbage on both characteristics is skipped.
            v(RECORD_ACCESS_CONTROL_POINT, [0x06]),
            v(GLUCOSE_MEASUREMENT, [0x02, 0x0A]),
            expect(since(10)),
            record(10, 2026, 48),
        ],
        LONG,
    );
    assert!(close(glucose_of(out), 4.8));
}

#[test]
fn glucose_new_records_that_are_not_results_are_skipped() {
    // Baseline none; the published Nordic record (sequence 1, "sample size insufficient"),
    // then a control-solution test (type 10, location 4), then a strip insertion error,
    // then the real one.
    let out = play_steps(
        Profile::Glucose,
        vec![
            expect(LAST),
            racp(NO_RECORDS),
            expect(ALL),
            v(GLUCOSE_MEASUREMENT, NORDIC_GLUCOSE),
            racp(SUCCESS),
            expect(since(2)),
            record_with(2, 2026, mmol(60), 0x4A, None),
            record_with(3, 2026, mmol(61), 0x11, Some(0x0008)),
            // Battery low does not make a result unusable.
            record_with(4, 2026, mmol(58), 0x11, Some(0x0001)),
        ],
        LONG,
    );
    assert!(close(glucose_of(out), 5.8));
}

#[test]
fn glucose_hi_with_the_meters_limit_is_passed_on_without_a_number_is_implausible() {
    let baseline = || {
        vec![
            expect(LAST),
            record(1, 2026, 50),
            racp(SUCCESS),
            expect(since(2)),
        ]
    };
    let mut hi = baseline();
    hi.push(record_with(2, 2026, mmol(333), 0x11, Some(0x0020)));
    assert!(close(
        glucose_of(play_steps(Profile::Glucose, hi, LONG)),
        33.3
    ));
    let mut hi = baseline();
    hi.push(record_with(
        2,
        2026,
        SFloat::Special(SpecialValue::PositiveInfinity),
        0x11,
        Some(0x0020),
    ));
    assert_eq!(
        play_steps(Profile::Glucose, hi, LONG),
        Err(DeviceError::Implausible)
    );
}

#[test]
fn glucose_duplicate_new_record_gives_one_result() {
    let (out, rec) = play(
        Profile::Glucose,
        ScriptedLink::new([
            expect(LAST),
            record(7, 2026, 50),
            racp(SUCCESS),
            expect(since(8)),
            record(8, 2026, 62),
            record(8, 2026, 62),
            racp(SUCCESS),
        ]),
        LONG,
    );
    assert!(close(glucose_of(out), 6.2));
    // Done at the first copy: the second and the response are never read.
    assert_eq!(rec.left, 2);
}

#[test]
fn glucose_sequence_numbers_wrap() {
    let out = play_steps(
        Profile::Glucose,
        vec![
            expect(LAST),
            record(0xFFFF, 2026, 50),
            racp(SUCCESS),
            expect(since(0)),
            record(0xFFFE, 2026, 50),
            record(0xFFFF, 2026, 50),
            record(0, 2026, 66),
        ],
        LONG,
    );
    assert!(close(glucose_of(out), 6.6));
}

#[test]
fn glucose_disconnect_mid_measurement() {
    let out = play_steps(
        Profile::Glucose,
        vec![
            expect(LAST),
            record(7, 2026, 50),
            racp(SUCCESS),
            expect(since(8)),
            Step::Disconnect,
        ],
        LONG,
    );
    assert_eq!(out, Err(DeviceError::Disconnected));
    assert_eq!(
        play_steps(Profile::Glucose, vec![expect(LAST)], SHORT),
        Err(DeviceError::NoResponse)
    );
    // A meter without RACP cannot be asked for records.
    let link = ScriptedLink::new([]).without(RECORD_ACCESS_CONTROL_POINT);
    assert_eq!(
        play(Profile::Glucose, link, LONG).0,
        Err(DeviceError::NoResponse)
    );
}

// ---- pulse oximeter ----

fn spot(spo2: u8, pulse: u8, status: Option<u16>) -> Step {
    let flags = u8::from(status.is_some()) << 1;
    let bytes = Enc::default()
        .u8(flags)
        .u16(u16::from(spo2))
        .u16(u16::from(pulse))
        .opt(status, Enc::u16)
        .0;
    v(PLX_SPOT_CHECK_MEASUREMENT, bytes)
}

fn cont(spo2: u8, pulse: u8, status: Option<u16>) -> Step {
    let flags = u8::from(status.is_some()) << 2;
    let bytes = Enc::default()
        .u8(flags)
        .u16(u16::from(spo2))
        .u16(u16::from(pulse))
        .opt(status, Enc::u16)
        .0;
    v(PLX_CONTINUOUS_MEASUREMENT, bytes)
}

#[test]
fn oximeter_first_valid_spot_check() {
    let (out, rec) = play(
        Profile::PulseOximeter,
        ScriptedLink::new([
            spot(90, 60, Some(0x0020)),                  // measurement ongoing
            spot(91, 61, Some(0x0040)),                  // early estimate
            spot(92, 62, Some(0x8000)),                  // invalid
            spot(93, 63, Some(0x0200)),                  // from storage: an old one
            v(PLX_SPOT_CHECK_MEASUREMENT, [0x00, 0x62]), // garbage
            spot(98, 72, Some(0x0080)),                  // validated
            spot(97, 70, None),
        ]),
        LONG,
    );
    assert_eq!(
        out,
        Ok(Measurement::Spo2 {
            percent: 98.0,
            pulse: 72
        })
    );
    assert_eq!(
        rec.subscribed,
        [PLX_SPOT_CHECK_MEASUREMENT, PLX_CONTINUOUS_MEASUREMENT]
    );
}

#[test]
fn oximeter_sensor_status_faults_are_not_results() {
    // Flags 0x04: device and sensor status; 0x008000 = sensor disconnected.
    let disconnected_sensor = v(
        PLX_SPOT_CHECK_MEASUREMENT,
        [0x04, 95, 0, 70, 0, 0x00, 0x80, 0x00],
    );
    // 0x000020 = low perfusion: a signal-quality hint, still a reading.
    let low_perfusion = v(
        PLX_SPOT_CHECK_MEASUREMENT,
        [0x04, 96, 0, 71, 0, 0x20, 0x00, 0x00],
    );
    let out = play_steps(
        Profile::PulseOximeter,
        vec![disconnected_sensor, low_perfusion],
        LONG,
    );
    assert_eq!(
        out,
        Ok(Measurement::Spo2 {
            percent: 96.0,
            pulse: 71
        })
    );
}

#[test]
fn oximeter_continuous_needs_consecutive_stable_samples() {
    assert_eq!(PLX_STABLE_SAMPLES, 5);
    // Four good samples, an ongoing one (the run starts again), then five settled ones: the
    // result is the last of those. Without the restart the fifth good sample would be taken.
    let mut steps = vec![cont(97, 72, None); 4];
    steps.push(cont(97, 72, Some(0x0020)));
    steps.extend([
        cont(96, 70, None),
        cont(97, 71, None),
        cont(97, 72, None),
        cont(96, 73, None),
        cont(98, 74, None),
        cont(99, 99, None),
    ]);
    let link = ScriptedLink::new(steps).without(PLX_SPOT_CHECK_MEASUREMENT);
    let (out, rec) = play(Profile::PulseOximeter, link, LONG);
    assert_eq!(
        out,
        Ok(Measurement::Spo2 {
            percent: 98.0,
            pulse: 74
        })
    );
    assert_eq!(rec.subscribed, [PLX_CONTINUOUS_MEASUREMENT]);
}

#[test]
fn oximeter_continuous_identical_samples_count_as_samples() {
    // A steady finger repeats the same bytes; they are samples, not duplicates.
    let out = play_steps(
        Profile::PulseOximeter,
        vec![cont(97, 72, None); PLX_STABLE_SAMPLES],
        LONG,
    );
    assert_eq!(
        out,
        Ok(Measurement::Spo2 {
            percent: 97.0,
            pulse: 72
        })
    );
}

#[test]
fn oximeter_continuous_unsettled_is_no_response() {
    let steps = [90, 97, 91, 98, 92, 99, 90, 97]
        .iter()
        .map(|s| cont(*s, 70, None))
        .collect();
    assert_eq!(
        play_steps(Profile::PulseOximeter, steps, SHORT),
        Err(DeviceError::NoResponse)
    );
    // Pulse jumping by more than the spread is not settled either.
    let steps = [60, 80, 60, 80, 60, 80]
        .iter()
        .map(|p| cont(97, *p, None))
        .collect();
    assert_eq!(
        play_steps(Profile::PulseOximeter, steps, SHORT),
        Err(DeviceError::NoResponse)
    );
}

#[test]
fn oximeter_without_either_characteristic_or_with_a_dropped_link() {
    let link = ScriptedLink::new([])
        .without(PLX_SPOT_CHECK_MEASUREMENT)
        .without(PLX_CONTINUOUS_MEASUREMENT);
    assert_eq!(
        play(Profile::PulseOximeter, link, LONG).0,
        Err(DeviceError::NoResponse)
    );
    assert_eq!(
        play_steps(
            Profile::PulseOximeter,
            vec![cont(97, 72, None), cont(97, 72, None), Step::Disconnect],
            LONG
        ),
        Err(DeviceError::Disconnected)
    );
}

// ---- BleInstrument ----

/// A connector that hands out the given links in order, then finds nothing.
fn connector_of(
    links: Vec<ScriptedLink>,
) -> impl Fn(u16, Instant, &CancelToken) -> Result<Box<dyn GattLink>, LinkError> + Send + Sync {
    let links = Mutex::new(VecDeque::from(links));
    move |service: u16, _deadline: Instant, _cancel: &CancelToken| {
        links
            .lock()
            .expect("links")
            .pop_front()
            .map(|l| Box::new(l) as Box<dyn GattLink>)
            .ok_or(LinkError::NotFound { service })
    }
}

#[test]
fn instrument_reports_its_kind_and_model_and_connects_to_the_profiles_service() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&asked);
    let connector = move |service: u16, _d: Instant, _c: &CancelToken| {
        seen.lock().expect("seen").push(service);
        Err::<Box<dyn GattLink>, _>(LinkError::NoAdapter("none here".into()))
    };
    let dev = BleInstrument::new(Profile::HealthThermometer, "HT-1", connector);
    assert_eq!(dev.kind(), MeasureKind::Temperature);
    assert_eq!(dev.model(), "HT-1");
    assert_eq!(dev.measure(), Err(DeviceError::NoResponse));
    assert_eq!(*asked.lock().expect("asked"), [HEALTH_THERMOMETER_SERVICE]);
}

#[test]
fn the_self_test_connects_reads_the_battery_and_measures_nothing() {
    let link = ScriptedLink::new([v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_FULL)])
        .with_read(BATTERY_LEVEL, [64]);
    let record = link.record();
    // A device without a battery level, one that says more than 100, and then none found.
    let plain = ScriptedLink::new([]);
    let odd = ScriptedLink::new([]).with_read(BATTERY_LEVEL, [250, 1]);
    let dev = BleInstrument::new(
        Profile::BloodPressure,
        "BP",
        connector_of(vec![link, plain, odd]),
    )
    .with_deadline(SHORT)
    .with_timing(timing());
    assert_eq!(
        dev.check(),
        Ok(DeviceCheck {
            battery_percent: Some(64)
        })
    );
    let seen = record.lock().expect("record");
    assert!(seen.subscribed.is_empty(), "no measurement is started");
    assert!(seen.disconnected, "the device is let go");
    drop(seen);
    assert_eq!(dev.check(), Ok(DeviceCheck::default()));
    assert_eq!(
        dev.check(),
        Ok(DeviceCheck {
            battery_percent: Some(100)
        })
    );
    assert_eq!(dev.check(), Err(DeviceError::NoResponse));
}

#[test]
fn instrument_maps_link_errors() {
    let dropped =
        |_: u16, _: Instant, _: &CancelToken| Err::<Box<dyn GattLink>, _>(LinkError::Disconnected);
    let dev = BleInstrument::new(Profile::BloodPressure, "BP", dropped);
    assert_eq!(dev.measure(), Err(DeviceError::Disconnected));
}

#[test]
fn duplicate_indication_gives_one_result_and_nothing_leaks_into_the_next_measurement() {
    let first = ScriptedLink::new([
        v(INTERMEDIATE_CUFF_PRESSURE, cuff(150)),
        v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_FULL),
        v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_FULL),
    ]);
    let first_record = first.record();
    let second = ScriptedLink::new([]);
    let second_record = second.record();
    let dev = BleInstrument::new(
        Profile::BloodPressure,
        "BP",
        connector_of(vec![first, second]),
    )
    .with_deadline(SHORT)
    .with_timing(timing());
    assert!(matches!(
        dev.measure(),
        Ok(Measurement::BloodPressure { systolic: 138, .. })
    ));
    // The link was closed with the duplicate unread; the next measurement is a new connection
    // and sees nothing.
    let r = first_record.lock().expect("record").clone();
    assert!(r.disconnected);
    assert_eq!(r.left, 1);
    assert_eq!(dev.measure(), Err(DeviceError::NoResponse));
    assert!(second_record.lock().expect("record").disconnected);
    // No device left to connect to.
    assert_eq!(dev.measure(), Err(DeviceError::NoResponse));
}

#[test]
fn a_new_measurement_supersedes_the_running_one() {
    // The first measurement waits on a device whose result would come much later; a second
    // measure() must cancel it (it returns NoResponse, not that late result) and then run.
    let (connected_tx, connected_rx) = mpsc::channel();
    let links = Mutex::new(VecDeque::from([
        ScriptedLink::new([
            Step::Delay(Duration::from_secs(3)),
            v(TEMPERATURE_MEASUREMENT, NORDIC_TEMPERATURE),
        ]),
        ScriptedLink::new([
            resident_acts(),
            v(TEMPERATURE_MEASUREMENT, [0x00, 0x72, 0x0E, 0x00, 0xFE]),
        ]),
    ]));
    let connector = move |service: u16, _d: Instant, _c: &CancelToken| {
        let link = links.lock().expect("links").pop_front();
        let _ = connected_tx.send(());
        link.map(|l| Box::new(l) as Box<dyn GattLink>)
            .ok_or(LinkError::NotFound { service })
    };
    let dev = Arc::new(
        BleInstrument::new(Profile::HealthThermometer, "HT", connector)
            .with_deadline(LONG)
            .with_timing(timing()),
    );
    let first = {
        let dev = Arc::clone(&dev);
        std::thread::spawn(move || dev.measure())
    };
    connected_rx.recv().expect("first connected");
    assert_eq!(
        dev.measure(),
        Ok(Measurement::Temperature { celsius: 36.98 })
    );
    assert_eq!(first.join().expect("first"), Err(DeviceError::NoResponse));
}

#[test]
fn instrument_counts_from_when_measure_was_called_not_from_the_connection() {
    // The thermometer wakes (and is found) 400 ms after `measure`; its clock says
    // 08:00:00.300 at connect, so 07:59:59.9 at the start, and its record of 08:00:00 is this
    // measurement's. Counted from the connection it would be 0.3 s too old (no tolerance).
    let connector = |_service: u16, _d: Instant, _c: &CancelToken| {
        std::thread::sleep(Duration::from_millis(400));
        let device_clock = Enc::default().date_time(eight()).u8(0).u8(77).u8(0).0; // 77/256 s
        Ok::<Box<dyn GattLink>, LinkError>(Box::new(
            ScriptedLink::new([v(TEMPERATURE_MEASUREMENT, temp_at(3_672, eight()))])
                .with_read(CURRENT_TIME, device_clock),
        ))
    };
    let dev = BleInstrument::new(Profile::HealthThermometer, "HT", connector)
        .with_deadline(Duration::from_secs(2))
        .with_timing(Timing {
            clock_tolerance: Duration::ZERO,
            ..timing()
        });
    assert_eq!(
        dev.measure(),
        Ok(Measurement::Temperature { celsius: 36.72 })
    );
}

#[test]
fn profiles_match_kinds_and_services() {
    for kind in MeasureKind::ALL {
        assert_eq!(Profile::for_kind(kind).kind(), kind);
    }
    assert_eq!(Profile::Glucose.service(), 0x1808);
    assert_eq!(Profile::PulseOximeter.service(), 0x1822);
}

// ---- never panics ----

fn arb_characteristic() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(BLOOD_PRESSURE_MEASUREMENT),
        Just(INTERMEDIATE_CUFF_PRESSURE),
        Just(WEIGHT_MEASUREMENT),
        Just(TEMPERATURE_MEASUREMENT),
        Just(GLUCOSE_MEASUREMENT),
        Just(RECORD_ACCESS_CONTROL_POINT),
        Just(PLX_SPOT_CHECK_MEASUREMENT),
        Just(PLX_CONTINUOUS_MEASUREMENT),
        any::<u16>(),
    ]
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (arb_characteristic(), proptest::collection::vec(any::<u8>(), 0..24))
            .prop_map(|(c, b)| Step::Value(c, b)),
        // RACP responses, so the glucose procedure gets past its baseline sometimes.
        2 => (0u8..=10).prop_map(|code| Step::Value(RECORD_ACCESS_CONTROL_POINT, vec![0x06, 0x00, 0x01, code])),
        1 => Just(Step::Disconnect),
    ]
}

fn arb_profile() -> impl Strategy<Value = Profile> {
    prop_oneof![
        Just(Profile::BloodPressure),
        Just(Profile::WeightScale),
        Just(Profile::HealthThermometer),
        Just(Profile::Glucose),
        Just(Profile::PulseOximeter),
    ]
}

/// The device's Current Time in the never-panics property: none, arbitrary bytes, or a
/// valid clock of any year.
fn arb_clock() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(Some),
        crate::ble::testenc::arb_date_time().prop_map(|t| Some(clock(t))),
    ]
}

/// `base` moved by `offset` seconds (|offset| under a day; `base` on days 2..=27).
fn shifted(base: BleDateTime, offset: i64) -> BleDateTime {
    let seconds = i64::from(base.hours) * 3600 + offset;
    let day = i64::from(base.day.unwrap_or(2)) + seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    let small = |n: i64| u8::try_from(n).expect("in range");
    BleDateTime {
        day: Some(small(day)),
        hours: small(rest / 3600),
        minutes: small(rest / 60 % 60),
        seconds: small(rest % 60),
        ..base
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever a device sends, the procedure ends (here: by its deadline at the latest)
    /// without panicking, and a result is of the profile's kind.
    #[test]
    fn procedures_never_panic(
        profile in arb_profile(),
        steps in proptest::collection::vec(arb_step(), 0..16),
        device_clock in arb_clock(),
        started_ms_ago in 0u64..100_000,
    ) {
        let mut link = ScriptedLink::new(steps);
        if let Some(c) = device_clock {
            link = link.with_read(CURRENT_TIME, c);
        }
        let timing = Timing {
            incomplete_grace: Duration::from_millis(1),
            racp_poll_interval: Duration::ZERO,
            clock_tolerance: Duration::from_secs(10),
            replay_quiet: Duration::from_millis(1),
        };
        let now = Instant::now();
        let started = now.checked_sub(Duration::from_millis(started_ms_ago)).unwrap_or(now);
        let out = run(profile, &mut link, started, now + Duration::from_millis(3), timing, &CancelToken::new());
        if let Ok(m) = out {
            prop_assert_eq!(m.kind(), profile.kind());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// With a device clock of any year, a monitor, scale or thermometer takes the first record
    /// stamped at or after the start (less the 10 s tolerance) on that clock, never an older
    /// one; with none, a run that saw older ones is `StaleRecord`. Offsets of -11 and -10 s
    /// are left out: there the elapsed milliseconds decide.
    #[test]
    fn with_a_device_clock_only_records_made_after_the_start_are_taken(
        profile in prop_oneof![
            Just(Profile::BloodPressure),
            Just(Profile::WeightScale),
            Just(Profile::HealthThermometer),
        ],
        year in 1583u16..=9998, month in 1u8..=12, day in 2u8..=27,
        hours in 0u8..=23, minutes in 0u8..=59, seconds in 0u8..=59,
        offsets in proptest::collection::vec(
            prop_oneof![-80_000i64..=-12, -9i64..=80_000], 0..8),
    ) {
        let start = at(year, month, day, hours, minutes, seconds);
        let base = BleDateTime { minutes: 0, seconds: 0, ..start };
        let from_start = i64::from(minutes) * 60 + i64::from(seconds);
        let steps = offsets.iter().enumerate().map(|(i, off)| {
            let i = u16::try_from(i).expect("few");
            let t = shifted(base, from_start + off);
            match profile {
                Profile::BloodPressure => v(BPM, bp_at(100 + i, 70, 60, t)),
                Profile::WeightScale => v(WEIGHT_MEASUREMENT, weight_at(10_000 + i, t)),
                _ => v(TEMPERATURE_MEASUREMENT, temp_at(3_600 + u32::from(i), t)),
            }
        }).collect::<Vec<_>>();
        let mut link = ScriptedLink::new(steps).with_read(CURRENT_TIME, clock(start));
        let timing = Timing { replay_quiet: Duration::from_secs(3600), ..timing() };
        let now = Instant::now();
        let out = run(profile, &mut link, now, now + Duration::from_millis(30), timing, &CancelToken::new());
        let taken = match &out {
            Ok(Measurement::BloodPressure { systolic, .. }) => Some(i64::from(*systolic) - 100),
            Ok(Measurement::Body { weight_kg, .. }) => Some((weight_kg / 0.005).round() as i64 - 10_000),
            Ok(Measurement::Temperature { celsius }) => Some((celsius * 100.0).round() as i64 - 3_600),
            _ => None,
        };
        let first_fresh = offsets.iter().position(|off| *off >= -9).map(|i| i as i64);
        prop_assert_eq!(taken, first_fresh, "{:?}", out);
        if first_fresh.is_none() {
            let want = if offsets.is_empty() { DeviceError::NoResponse } else { DeviceError::StaleRecord };
            prop_assert_eq!(out, Err(want));
        }
    }
}
