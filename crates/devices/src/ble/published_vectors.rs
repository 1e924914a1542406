//! Byte vectors published by Nordic Semiconductor's Android-BLE-Common-Library unit tests
//! (github.com/NordicSemiconductor/Android-BLE-Common-Library, `ble-common/src/test/java/
//! no/nordicsemi/android/ble/common/callback/`), decoded here and checked against the values
//! those tests assert. The file and commit are named above each test.

use super::*;

/// `bps/BloodPressureMeasurementDataCallbackTest.java` @ 0c84d7ae, `..._full`: the test
/// asserts these exact bytes (`assertArrayEquals`) and 138/88/120 mmHg, pulse 60, user 1,
/// status 0b100111, date with year unset, April 17 20:41:59.
pub(super) const NORDIC_BP_FULL: [u8; 19] = [
    0x1E, 0x8A, 0x00, 0x58, 0x00, 0x78, 0x00, 0x00, 0x00, 0x04, 0x11, 0x14, 0x29, 0x3B, 0x3C, 0x00,
    0x01, 0x27, 0x00,
];

#[test]
fn nordic_bp_full() {
    let r = BloodPressureReading::decode(&NORDIC_BP_FULL).expect("valid");
    assert_eq!(r.unit, PressureUnit::MmHg);
    assert_eq!(
        (r.systolic_mmhg, r.diastolic_mmhg, r.mean_arterial_mmhg),
        (Some(138), Some(88), Some(120))
    );
    assert_eq!(r.pulse_rate.and_then(SFloat::value), Some(60.0));
    assert_eq!(r.user_id, Some(1));
    let s = r.status.expect("status");
    assert!(s.body_movement && s.cuff_fit_loose && s.irregular_pulse && s.improper_position);
    assert_eq!(s.pulse_rate_range, PulseRateRange::WithinRange);
    let t = r.timestamp.expect("time");
    assert_eq!((t.year, t.month, t.day), (None, Some(4), Some(17)));
    assert_eq!((t.hours, t.minutes, t.seconds), (20, 41, 59));
}

/// Same file, `..._some`: kPa, 18.9/11.0/15.9, pulse 60, no user id, status 0b010010
/// (cuff too loose, pulse rate below lower limit), no time.
pub(super) const NORDIC_BP_SOME_KPA: [u8; 11] = [
    0x15, 0xBD, 0xF0, 0x0B, 0x00, 0x9F, 0xF0, 0x3C, 0x00, 0x12, 0x00,
];

#[test]
fn nordic_bp_some_kpa() {
    let r = BloodPressureReading::decode(&NORDIC_BP_SOME_KPA).expect("valid");
    assert_eq!(r.unit, PressureUnit::KPa);
    assert_eq!(
        r.systolic,
        SFloat::Finite {
            mantissa: 189,
            exponent: -1
        }
    );
    assert_eq!(r.diastolic.value(), Some(11.0));
    assert_eq!(r.mean_arterial.value(), Some(15.9));
    // 18.9 × 7.50062 = 141.76 → 142; 11.0 × 7.50062 = 82.51 → 83; 15.9 × 7.50062 = 119.26 → 119.
    assert_eq!(
        (r.systolic_mmhg, r.diastolic_mmhg, r.mean_arterial_mmhg),
        (Some(142), Some(83), Some(119))
    );
    assert_eq!(r.user_id, None);
    assert_eq!(r.timestamp, None);
    let s = r.status.expect("status");
    assert!(s.cuff_fit_loose && !s.body_movement && !s.irregular_pulse && !s.improper_position);
    assert_eq!(s.pulse_rate_range, PulseRateRange::BelowLowerLimit);
}

/// Same file, `..._minimal`, `onInvalidDataReceived_toShort` and `..._noTimestamp`.
#[test]
fn nordic_bp_minimal_and_invalid() {
    let r =
        BloodPressureReading::decode(&[0x00, 0xBD, 0xF0, 0x0B, 0x00, 0x9F, 0xF0]).expect("valid");
    assert_eq!(r.systolic.value(), Some(18.9));
    assert_eq!(
        (r.pulse_rate, r.user_id, r.status, r.timestamp),
        (None, None, None, None)
    );
    assert!(matches!(
        BloodPressureReading::decode(&[1, 2, 3, 4, 5, 6]),
        Err(BleDecodeError::Truncated {
            field: "mean arterial pressure",
            ..
        })
    ));
    assert!(matches!(
        BloodPressureReading::decode(&[3, 2, 3, 4, 5, 6, 7]),
        Err(BleDecodeError::Truncated {
            field: "time stamp",
            ..
        })
    ));
}

/// `bps/IntermediateCuffPressureDataCallbackTest.java` @ 1c86e44c, `..._minimal`: the test
/// asserts these bytes and a cuff pressure of 21.5 mmHg, nothing else set.
pub(super) const NORDIC_ICP_MINIMAL: [u8; 7] = [0x00, 0xD7, 0xF0, 0x00, 0x00, 0x00, 0x00];

/// Same file, `..._some`: 11.1 kPa, pulse 60, status 0b010010, no time.
pub(super) const NORDIC_ICP_SOME_KPA: [u8; 11] = [
    0x15, 0x6F, 0xF0, 0x00, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x12, 0x00,
];

/// Same file, `..._full`: 4 mmHg, date with year unset (April 17 20:41:59), pulse 60,
/// user 1, status 0b100111.
pub(super) const NORDIC_ICP_FULL: [u8; 19] = [
    0x1E, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x11, 0x14, 0x29, 0x3B, 0x3C, 0x00,
    0x01, 0x27, 0x00,
];

/// Intermediate Cuff Pressure has the measurement's layout (BLS 3.2): the cuff pressure is
/// the "systolic" field, the same decoder reads it.
#[test]
fn nordic_intermediate_cuff_pressure() {
    let cuff = |bytes: &[u8]| {
        let r = BloodPressureReading::decode(bytes).expect("valid");
        (r.unit, r.systolic.value(), r.systolic_mmhg)
    };
    assert_eq!(
        cuff(&NORDIC_ICP_MINIMAL),
        (PressureUnit::MmHg, Some(21.5), Some(22))
    );
    // 11.1 kPa × 7.50062 = 83.26 → 83 mmHg.
    assert_eq!(
        cuff(&NORDIC_ICP_SOME_KPA),
        (PressureUnit::KPa, Some(11.1), Some(83))
    );
    assert_eq!(
        cuff(&NORDIC_ICP_FULL),
        (PressureUnit::MmHg, Some(4.0), Some(4))
    );
    let full = BloodPressureReading::decode(&NORDIC_ICP_FULL).expect("valid");
    assert_eq!(full.timestamp.and_then(|t| t.year), None);
    assert_eq!(full.user_id, Some(1));
}

/// `ht/TemperatureMeasurementDataCallbackTest.java` @ 0c84d7ae: 37.60 °C, 2012-12-05
/// 11:50:27, type finger; the same bytes without the type byte are invalid.
pub(super) const NORDIC_TEMPERATURE: [u8; 13] = [
    0x06, 0xB0, 0x0E, 0x00, 0xFE, 0xDC, 0x07, 0x0C, 0x05, 0x0B, 0x32, 0x1B, 0x04,
];

#[test]
fn nordic_temperature() {
    let bytes = NORDIC_TEMPERATURE;
    let r = TemperatureReading::decode(&bytes).expect("valid");
    assert_eq!(r.unit, TemperatureUnit::Celsius);
    assert_eq!(r.celsius(), Some(37.6));
    let t = r.timestamp.expect("time");
    assert_eq!((t.year, t.month, t.day), (Some(2012), Some(12), Some(5)));
    assert_eq!((t.hours, t.minutes, t.seconds), (11, 50, 27));
    assert_eq!(r.temperature_type, Some(TemperatureType::Finger));
    assert!(matches!(
        TemperatureReading::decode(&bytes[..12]),
        Err(BleDecodeError::Truncated {
            field: "temperature type",
            ..
        })
    ));
}

/// `glucose/GlucoseMeasurementDataCallbackTest.java` @ 1c86e44c: sequence 1, 2019-02-27
/// 11:10:30, offset −5 min, 30 kg/L (exponent 0; a test value, not a physiological one),
/// type 2 capillary plasma, location 1 finger, status 261 (battery low, sample size
/// insufficient, temperature too low), context follows. Its "time offset missing" variant
/// is invalid.
pub(super) const NORDIC_GLUCOSE: [u8; 17] = [
    0b011011, 1, 0, 0xE3, 0x07, 2, 27, 11, 10, 30, 0xFB, 0xFF, 30, 0, 0x12, 0b101, 0b1,
];

#[test]
fn nordic_glucose() {
    let r = GlucoseReading::decode(&NORDIC_GLUCOSE).expect("valid");
    assert_eq!(r.sequence_number, 1);
    assert_eq!(r.base_time.minutes, 10);
    assert_eq!(r.time_offset_minutes, Some(-5));
    let (c, ty, loc) = r.concentration.expect("concentration");
    assert_eq!(c.unit, GlucoseUnit::KgPerL);
    assert_eq!(c.value.value(), Some(30.0));
    assert_eq!(
        (ty, loc),
        (GlucoseType::CapillaryPlasma, SampleLocation::Finger)
    );
    let s = r.sensor_status.expect("status");
    assert_eq!(s.0, 261);
    assert!(s.battery_low() && s.temperature_too_low() && !s.general_device_fault());
    assert!(r.context_follows);
    let missing_offset = [
        0b011011, 0, 0, 0xE2, 0x07, 4, 26, 11, 9, 30, 30, 0, 0x12, 0b101, 0b1,
    ];
    assert!(GlucoseReading::decode(&missing_offset).is_err());
}

/// `RecordAccessControlPointDataCallbackTest.java` @ 1c86e44c: response codes and number
/// of records. (Nordic's generic callback also accepts 1- and 4-byte counts; GLS defines
/// a u16, so those are refused here.)
#[test]
fn nordic_racp() {
    let resp = |b: &[u8]| RacpResponse::decode(b);
    assert_eq!(
        resp(&[6, 0, 1, 1]),
        Ok(RacpResponse::Response {
            request_op_code: 1,
            code: RacpResponseCode::Success
        })
    );
    assert_eq!(
        resp(&[6, 0, 12, 2]),
        Ok(RacpResponse::Response {
            request_op_code: 12,
            code: RacpResponseCode::OpCodeNotSupported
        })
    );
    for (code, want) in [
        (3, RacpResponseCode::InvalidOperator),
        (4, RacpResponseCode::OperatorNotSupported),
        (5, RacpResponseCode::InvalidOperand),
        (6, RacpResponseCode::NoRecordsFound),
        (7, RacpResponseCode::AbortUnsuccessful),
        (8, RacpResponseCode::ProcedureNotCompleted),
        (9, RacpResponseCode::OperandNotSupported),
        (10, RacpResponseCode::Reserved(10)),
    ] {
        assert_eq!(
            resp(&[6, 0, 1, code]),
            Ok(RacpResponse::Response {
                request_op_code: 1,
                code: want
            })
        );
    }
    assert_eq!(resp(&[5, 0, 2, 1]), Ok(RacpResponse::NumberOfRecords(258)));
    assert!(resp(&[5, 0, 3, 2, 1]).is_err());
    assert!(resp(&[1, 1]).is_err());
    assert!(resp(&[6, 1, 1]).is_err());
}
