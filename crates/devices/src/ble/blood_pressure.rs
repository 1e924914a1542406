//! Blood Pressure Measurement (0x2A35) of the Blood Pressure Service (0x1810), per the
//! Blood Pressure Service spec v1.1.1, 3.1: flags u8, systolic/diastolic/MAP SFLOAT, then
//! optional time stamp, pulse rate SFLOAT, user id u8, measurement status u16.

use super::{bit, BleDateTime, BleDecodeError, Reader, SFloat};
use crate::{DeviceError, Measurement};

/// mmHg per kPa (1 kPa = 1000 Pa; 1 mmHg = 133.322 Pa).
pub const MMHG_PER_KPA: f64 = 7.50062;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PressureUnit {
    MmHg,
    KPa,
}

/// Measurement status bits 3–4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulseRateRange {
    WithinRange,
    ExceedsUpperLimit,
    BelowLowerLimit,
}

/// Measurement Status field (present when flag bit 4 is set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BpMeasurementStatus {
    pub body_movement: bool,
    pub cuff_fit_loose: bool,
    pub irregular_pulse: bool,
    pub pulse_rate_range: PulseRateRange,
    pub improper_position: bool,
    /// The whole field, reserved bits included, for the record.
    pub raw: u16,
}

impl BpMeasurementStatus {
    fn from_raw(raw: u16) -> Result<Self, BleDecodeError> {
        let b = |n| bit(u32::from(raw), n);
        let pulse_rate_range = match (raw >> 3) & 0b11 {
            0 => PulseRateRange::WithinRange,
            1 => PulseRateRange::ExceedsUpperLimit,
            2 => PulseRateRange::BelowLowerLimit,
            _ => {
                return Err(BleDecodeError::InvalidField {
                    field: "measurement status pulse rate range",
                    value: 3,
                })
            }
        };
        Ok(BpMeasurementStatus {
            body_movement: b(0),
            cuff_fit_loose: b(1),
            irregular_pulse: b(2),
            pulse_rate_range,
            improper_position: b(5),
            raw,
        })
    }
}

/// One decoded Blood Pressure Measurement. The pressures are kept as sent (`unit`, SFLOATs)
/// and also given in whole mmHg; a pressure the device sent as NaN (e.g. no MAP) has
/// `None` in its mmHg field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BloodPressureReading {
    pub unit: PressureUnit,
    pub systolic: SFloat,
    pub diastolic: SFloat,
    pub mean_arterial: SFloat,
    pub systolic_mmhg: Option<u16>,
    pub diastolic_mmhg: Option<u16>,
    pub mean_arterial_mmhg: Option<u16>,
    pub timestamp: Option<BleDateTime>,
    /// Beats per minute.
    pub pulse_rate: Option<SFloat>,
    /// 0xFF is "unknown user" (spec); kept as sent.
    pub user_id: Option<u8>,
    pub status: Option<BpMeasurementStatus>,
}

/// A pressure in whole mmHg: kPa × 7.50062 rounded half away from zero; `None` for special
/// values and for values outside 0..=u16::MAX.
fn to_mmhg(v: SFloat, unit: PressureUnit) -> Option<u16> {
    let x = v.value()?;
    let mmhg = match unit {
        PressureUnit::MmHg => x,
        PressureUnit::KPa => x * MMHG_PER_KPA,
    }
    .round();
    (0.0..=f64::from(u16::MAX))
        .contains(&mmhg)
        .then_some(mmhg as u16)
}

impl BloodPressureReading {
    pub fn decode(bytes: &[u8]) -> Result<Self, BleDecodeError> {
        let mut r = Reader::new(bytes);
        let flags = u32::from(r.u8("flags")?);
        let unit = if bit(flags, 0) {
            PressureUnit::KPa
        } else {
            PressureUnit::MmHg
        };
        let systolic = r.sfloat("systolic")?;
        let diastolic = r.sfloat("diastolic")?;
        let mean_arterial = r.sfloat("mean arterial pressure")?;
        let timestamp = bit(flags, 1)
            .then(|| r.date_time("time stamp"))
            .transpose()?;
        let pulse_rate = bit(flags, 2).then(|| r.sfloat("pulse rate")).transpose()?;
        let user_id = bit(flags, 3).then(|| r.u8("user id")).transpose()?;
        let status = if bit(flags, 4) {
            Some(BpMeasurementStatus::from_raw(r.u16("measurement status")?)?)
        } else {
            None
        };
        r.finish()?;
        Ok(BloodPressureReading {
            unit,
            systolic,
            diastolic,
            mean_arterial,
            systolic_mmhg: to_mmhg(systolic, unit),
            diastolic_mmhg: to_mmhg(diastolic, unit),
            mean_arterial_mmhg: to_mmhg(mean_arterial, unit),
            timestamp,
            pulse_rate,
            user_id,
            status,
        })
    }

    /// What an `Instrument` measuring blood pressure returns. A reading without the pulse
    /// field is `Incomplete` (the monitor does not send it); systolic, diastolic or pulse sent
    /// as a special value (NaN, ±INF) is `Implausible`; range checks stay with
    /// `station_core::assessment::bp_is_plausible`.
    pub fn to_measurement(&self) -> Result<Measurement, DeviceError> {
        let pulse = self
            .pulse_rate
            .ok_or(DeviceError::Incomplete)?
            .value()
            .map(f64::round)
            .filter(|p| (0.0..=f64::from(u16::MAX)).contains(p))
            .ok_or(DeviceError::Implausible)?;
        Ok(Measurement::BloodPressure {
            systolic: self.systolic_mmhg.ok_or(DeviceError::Implausible)?,
            diastolic: self.diastolic_mmhg.ok_or(DeviceError::Implausible)?,
            pulse: pulse as u16,
            irregular_pulse: self.status.is_some_and(|s| s.irregular_pulse),
            body_movement: self.status.is_some_and(|s| s.body_movement),
            cuff_loose: self.status.is_some_and(|s| s.cuff_fit_loose),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ble::testenc::{arb_date_time, arb_sfloat, Enc};
    use crate::ble::SpecialValue;
    use proptest::prelude::*;

    fn encode(r: &BloodPressureReading) -> Vec<u8> {
        let flags = u8::from(r.unit == PressureUnit::KPa)
            | u8::from(r.timestamp.is_some()) << 1
            | u8::from(r.pulse_rate.is_some()) << 2
            | u8::from(r.user_id.is_some()) << 3
            | u8::from(r.status.is_some()) << 4;
        Enc::default()
            .u8(flags)
            .sfloat(r.systolic)
            .sfloat(r.diastolic)
            .sfloat(r.mean_arterial)
            .opt(r.timestamp, Enc::date_time)
            .opt(r.pulse_rate, Enc::sfloat)
            .opt(r.user_id, Enc::u8)
            .opt(r.status.map(|s| s.raw), Enc::u16)
            .0
    }

    #[test]
    fn minimal_mmhg_reading() {
        // Flags 0x00 (mmHg, nothing optional); 120 = 0x0078, 80 = 0x0050, 93 = 0x005D.
        let r = BloodPressureReading::decode(&[0x00, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00])
            .expect("valid");
        assert_eq!(r.unit, PressureUnit::MmHg);
        assert_eq!(
            (r.systolic_mmhg, r.diastolic_mmhg, r.mean_arterial_mmhg),
            (Some(120), Some(80), Some(93))
        );
        assert_eq!(
            (r.timestamp, r.pulse_rate, r.user_id, r.status),
            (None, None, None, None)
        );
    }

    #[test]
    fn full_reading_with_every_optional_field() {
        // Built by hand from the BLS v1.1.1 3.1 layout: flags 0x1E = time stamp, pulse,
        // user id, status present; mmHg.
        let bytes = [
            0x1E, // flags
            0x8A, 0x00, // systolic 138
            0x58, 0x00, // diastolic 88
            0x66, 0x00, // MAP 102
            0xDC, 0x07, 0x05, 0x07, 0x0B, 0x1E, 0x09, // 2012-05-07 11:30:09
            0x48, 0x00, // pulse 72
            0x01, // user 1
            0x24,
            0x00, // status 0b10_0100: irregular pulse (bit 2), improper position (bit 5)
        ];
        let r = BloodPressureReading::decode(&bytes).expect("valid");
        assert_eq!(r.systolic_mmhg, Some(138));
        assert_eq!(r.diastolic_mmhg, Some(88));
        assert_eq!(r.mean_arterial_mmhg, Some(102));
        let t = r.timestamp.expect("time stamp");
        assert_eq!((t.year, t.month, t.day), (Some(2012), Some(5), Some(7)));
        assert_eq!((t.hours, t.minutes, t.seconds), (11, 30, 9));
        assert_eq!(r.pulse_rate.and_then(SFloat::value), Some(72.0));
        assert_eq!(r.user_id, Some(1));
        let s = r.status.expect("status");
        assert!(s.irregular_pulse && s.improper_position);
        assert!(!s.body_movement && !s.cuff_fit_loose);
        assert_eq!(s.pulse_rate_range, PulseRateRange::WithinRange);
        let m = r.to_measurement().expect("complete");
        assert_eq!(
            m,
            Measurement::BloodPressure {
                systolic: 138,
                diastolic: 88,
                pulse: 72,
                irregular_pulse: true,
                body_movement: false,
                cuff_loose: false,
            }
        );
    }

    #[test]
    fn kpa_is_converted_and_the_unit_kept() {
        // Flags 0x01 (kPa). 16.0 kPa = 160 × 10⁻¹ = 0xF0A0; 10.7 kPa = 0xF06B;
        // MAP NaN (0x07FF) as a monitor without MAP sends it.
        let r = BloodPressureReading::decode(&[0x01, 0xA0, 0xF0, 0x6B, 0xF0, 0xFF, 0x07])
            .expect("valid");
        assert_eq!(r.unit, PressureUnit::KPa);
        assert_eq!(
            r.systolic,
            SFloat::Finite {
                mantissa: 160,
                exponent: -1
            }
        );
        // 16.0 × 7.50062 = 120.01 → 120; 10.7 × 7.50062 = 80.26 → 80.
        assert_eq!(r.systolic_mmhg, Some(120));
        assert_eq!(r.diastolic_mmhg, Some(80));
        assert_eq!(r.mean_arterial.special(), Some(SpecialValue::NaN));
        assert_eq!(r.mean_arterial_mmhg, None);
        // No pulse field: not enough for the kiosk's measurement.
        assert_eq!(r.to_measurement(), Err(DeviceError::Incomplete));
        // A pulse sent as NaN is a device fault, not a missing field.
        let r =
            BloodPressureReading::decode(&[0x05, 0xA0, 0xF0, 0x6B, 0xF0, 0xFF, 0x07, 0xFF, 0x07])
                .expect("valid");
        assert_eq!(r.to_measurement(), Err(DeviceError::Implausible));
    }

    #[test]
    fn status_bits_and_pulse_range() {
        // Status 0x000B: body movement, cuff loose, pulse rate exceeds upper limit (bits 3–4 = 01).
        let r = BloodPressureReading::decode(&[0x10, 0x78, 0, 0x50, 0, 0x5D, 0, 0x0B, 0x00])
            .expect("valid");
        let s = r.status.expect("status");
        assert!(s.body_movement && s.cuff_fit_loose && !s.irregular_pulse);
        assert_eq!(s.pulse_rate_range, PulseRateRange::ExceedsUpperLimit);
        // Bits 3–4 = 10: below lower limit.
        let r = BloodPressureReading::decode(&[0x10, 0x78, 0, 0x50, 0, 0x5D, 0, 0x10, 0x00])
            .expect("valid");
        assert_eq!(
            r.status.map(|s| s.pulse_rate_range),
            Some(PulseRateRange::BelowLowerLimit)
        );
        // Bits 3–4 = 11 is reserved.
        assert!(matches!(
            BloodPressureReading::decode(&[0x10, 0x78, 0, 0x50, 0, 0x5D, 0, 0x18, 0x00]),
            Err(BleDecodeError::InvalidField { .. })
        ));
    }

    #[test]
    fn truncated_and_oversized_are_errors() {
        assert!(matches!(
            BloodPressureReading::decode(&[]),
            Err(BleDecodeError::Truncated { field: "flags", .. })
        ));
        // Flags announce a pulse rate that is missing.
        assert!(matches!(
            BloodPressureReading::decode(&[0x04, 0x78, 0, 0x50, 0, 0x5D, 0]),
            Err(BleDecodeError::Truncated {
                field: "pulse rate",
                ..
            })
        ));
        // A pulse rate the flags do not announce.
        assert_eq!(
            BloodPressureReading::decode(&[0x00, 0x78, 0, 0x50, 0, 0x5D, 0, 0x48, 0]),
            Err(BleDecodeError::TrailingBytes { extra: 2 })
        );
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = BloodPressureReading::decode(&bytes);
        }

        #[test]
        fn round_trips(
            kpa in any::<bool>(), sys in arb_sfloat(), dia in arb_sfloat(), map in arb_sfloat(),
            ts in proptest::option::of(arb_date_time()), pulse in proptest::option::of(arb_sfloat()),
            user in proptest::option::of(any::<u8>()),
            status in proptest::option::of(any::<u16>().prop_filter("reserved range", |s| (s >> 3) & 3 != 3)),
        ) {
            let unit = if kpa { PressureUnit::KPa } else { PressureUnit::MmHg };
            let status = status.map(BpMeasurementStatus::from_raw).transpose().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let r = BloodPressureReading {
                unit, systolic: sys, diastolic: dia, mean_arterial: map,
                systolic_mmhg: to_mmhg(sys, unit), diastolic_mmhg: to_mmhg(dia, unit),
                mean_arterial_mmhg: to_mmhg(map, unit),
                timestamp: ts, pulse_rate: pulse, user_id: user, status,
            };
            prop_assert_eq!(BloodPressureReading::decode(&encode(&r)), Ok(r));
        }
    }
}
