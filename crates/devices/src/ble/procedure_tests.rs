//! The profile procedures and `BleInstrument` over a scripted link: results per kind, unit
//! conversions, status bits, duplicates, garbage, disconnects, deadlines, and the glucose
//! RACP exchange. Deadlines are short only in tests that must wait one out; nothing here
//! asserts how long anything took.

use std::collections::VecDeque;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use station_protocol::MeasureKind;

use super::doubles::{Record, ScriptedLink, Step};
use super::link::{CancelToken, GattLink, LinkError};
use super::procedure::{run, Profile, Timing, PLX_STABLE_SAMPLES};
use super::published_vectors::{
    NORDIC_BP_FULL, NORDIC_BP_SOME_KPA, NORDIC_GLUCOSE, NORDIC_TEMPERATURE,
};
use super::testenc::Enc;
use super::uuid16::*;
use super::{BleDateTime, BleInstrument, SFloat, SpecialValue};
use crate::{DeviceError, Instrument, Measurement};

/// For tests that end on a value or on the grace: never reached unless the code is broken.
const LONG: Duration = Duration::from_secs(10);
/// For tests that must wait the deadline out.
const SHORT: Duration = Duration::from_millis(80);

fn timing() -> Timing {
    Timing {
        incomplete_grace: Duration::from_millis(30),
        racp_poll_interval: Duration::from_millis(5),
    }
}

fn v(characteristic: u16, bytes: impl AsRef<[u8]>) -> Step {
    Step::Value(characteristic, bytes.as_ref().to_vec())
}

fn play(
    profile: Profile,
    link: ScriptedLink,
    within: Duration,
) -> (Result<Measurement, DeviceError>, Record) {
    let record = link.record();
    let mut link = link;
    let outcome = run(
        profile,
        &mut link,
        Instant::now() + within,
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
    assert!(rec.writes.is_empty());
}

#[test]
fn bp_kpa_is_converted_to_mmhg() {
    // Nordic's kPa vector: 18.9/11.0 kPa → 142/83 mmHg, pulse 60, cuff loose only.
    let out = play_steps(
        Profile::BloodPressure,
        vec![v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_SOME_KPA)],
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
fn bp_without_intermediate_cuff_pressure_still_measures() {
    let link = ScriptedLink::new([v(BLOOD_PRESSURE_MEASUREMENT, NORDIC_BP_FULL)])
        .without(INTERMEDIATE_CUFF_PRESSURE);
    let (out, rec) = play(Profile::BloodPressure, link, LONG);
    assert!(matches!(
        out,
        Ok(Measurement::BloodPressure { systolic: 138, .. })
    ));
    assert_eq!(rec.subscribed, [BLOOD_PRESSURE_MEASUREMENT]);
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
        vec![v(BLOOD_PRESSURE_MEASUREMENT, no_pulse)],
        LONG,
    );
    assert_eq!(out, Err(DeviceError::Incomplete));
    let out = play_steps(
        Profile::BloodPressure,
        vec![
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
        vec![v(
            WEIGHT_MEASUREMENT,
            [0x08, 0x2C, 0x33, 0xE3, 0x00, 0xA4, 0x06],
        )],
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
        vec![v(
            WEIGHT_MEASUREMENT,
            [0x09, 0x98, 0x3A, 0xE3, 0x00, 0x9E, 0x02],
        )],
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
            vec![v(WEIGHT_MEASUREMENT, &bytes)],
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
        vec![v(TEMPERATURE_MEASUREMENT, NORDIC_TEMPERATURE)],
        LONG,
    );
    assert_eq!(out, Ok(Measurement::Temperature { celsius: 37.6 }));
}

#[test]
fn thermometer_fahrenheit_is_converted() {
    // 98.6 °F = 986 × 10⁻¹ → 37.0 °C.
    let out = play_steps(
        Profile::HealthThermometer,
        vec![v(TEMPERATURE_MEASUREMENT, [0x01, 0xDA, 0x03, 0x00, 0xFF])],
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
fn instrument_maps_link_errors() {
    let dropped =
        |_: u16, _: Instant, _: &CancelToken| Err::<Box<dyn GattLink>, _>(LinkError::Disconnected);
    let dev = BleInstrument::new(Profile::BloodPressure, "BP", dropped);
    assert_eq!(dev.measure(), Err(DeviceError::Disconnected));
}

#[test]
fn duplicate_indication_gives_one_result_and_nothing_leaks_into_the_next_measurement() {
    let first = ScriptedLink::new([
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
        ScriptedLink::new([v(TEMPERATURE_MEASUREMENT, [0x00, 0x72, 0x0E, 0x00, 0xFE])]),
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever a device sends, the procedure ends (here: by its deadline at the latest)
    /// without panicking, and a result is of the profile's kind.
    #[test]
    fn procedures_never_panic(profile in arb_profile(), steps in proptest::collection::vec(arb_step(), 0..16)) {
        let mut link = ScriptedLink::new(steps);
        let timing = Timing { incomplete_grace: Duration::from_millis(1), racp_poll_interval: Duration::ZERO };
        let out = run(profile, &mut link, Instant::now() + Duration::from_millis(3), timing, &CancelToken::new());
        if let Ok(m) = out {
            prop_assert_eq!(m.kind(), profile.kind());
        }
    }
}
