//! The Bluetooth SIG health profiles, in three layers (README.md of this crate):
//! - decoders: the bytes of one GATT notification or indication in, a typed reading out
//!   (`blood_pressure`, `weight`, `thermometer`, `glucose` + `racp`, `pulse_oximeter`);
//! - procedures (`procedure`): per profile, what to subscribe and write and which values make
//!   the one `Measurement`, over the small blocking [`GattLink`] trait (`link`), and
//!   [`BleInstrument`], the crate's `Instrument` over a [`Connector`];
//! - the transport (`btleplug_link`, cargo feature `ble`): `GattLink` and `Connector` over
//!   btleplug (BlueZ on Linux). It is compiled and linted here but not run: this machine and CI
//!   have no Bluetooth adapter. Everything above it is tested with a scripted link.
//!
//! Every decoder is `fn decode(bytes: &[u8]) -> Result<T, BleDecodeError>` and never panics:
//! short input, bytes left over after the fields the flags announce, and out-of-range fields are
//! typed errors. Reserved-for-future-use flag bits are ignored (Core spec: receivers ignore RFU
//! bits), but a value with more bytes than its flags announce is refused, because we could not
//! tell which field the extra bytes belong to.
//!
//! Multi-byte fields are little-endian (Core spec Vol 3 Part G 3.3.3.5 / the profile specs).

pub mod blood_pressure;
#[cfg(feature = "ble")]
pub mod btleplug_link;
pub mod current_time;
pub mod glucose;
pub mod ieee11073;
pub mod instrument;
pub mod link;
pub mod procedure;
pub mod pulse_oximeter;
pub mod racp;
pub mod thermometer;
pub mod weight;

#[cfg(test)]
mod procedure_tests;
#[cfg(test)]
mod published_vectors;
#[cfg(test)]
mod simulated;
#[cfg(test)]
mod testenc;

#[cfg(feature = "ble")]
pub use btleplug_link::{BtleplugConnector, BtleplugLink};
pub use instrument::BleInstrument;
pub use link::{CancelToken, Connector, GattLink, LinkError};
pub use procedure::{Profile, Timing};

pub use blood_pressure::{BloodPressureReading, BpMeasurementStatus, PressureUnit, PulseRateRange};
pub use current_time::CurrentTime;
pub use glucose::{
    GlucoseConcentration, GlucoseReading, GlucoseType, GlucoseUnit, SampleLocation, SensorStatus,
};
pub use ieee11073::{Float, SFloat, SpecialValue};
pub use pulse_oximeter::{
    PlxContinuous, PlxDeviceSensorStatus, PlxMeasurementStatus, PlxSpotCheck, SpO2Pr,
};
pub use racp::{RacpRequest, RacpResponse, RacpResponseCode};
pub use thermometer::{TemperatureReading, TemperatureType, TemperatureUnit};
pub use weight::{WeightReading, WeightUnits};

use thiserror::Error;

/// 16-bit UUIDs of the services and characteristics decoded here (Bluetooth SIG Assigned Numbers).
pub mod uuid16 {
    pub const BLOOD_PRESSURE_SERVICE: u16 = 0x1810;
    pub const BLOOD_PRESSURE_MEASUREMENT: u16 = 0x2A35;
    pub const INTERMEDIATE_CUFF_PRESSURE: u16 = 0x2A36;
    pub const WEIGHT_SCALE_SERVICE: u16 = 0x181D;
    pub const WEIGHT_MEASUREMENT: u16 = 0x2A9D;
    pub const HEALTH_THERMOMETER_SERVICE: u16 = 0x1809;
    pub const TEMPERATURE_MEASUREMENT: u16 = 0x2A1C;
    pub const GLUCOSE_SERVICE: u16 = 0x1808;
    pub const GLUCOSE_MEASUREMENT: u16 = 0x2A18;
    pub const RECORD_ACCESS_CONTROL_POINT: u16 = 0x2A52;
    pub const PULSE_OXIMETER_SERVICE: u16 = 0x1822;
    pub const PLX_SPOT_CHECK_MEASUREMENT: u16 = 0x2A5E;
    pub const PLX_CONTINUOUS_MEASUREMENT: u16 = 0x2A5F;
    /// Current Time Service: read at connect to learn the device's own clock.
    pub const CURRENT_TIME_SERVICE: u16 = 0x1805;
    pub const CURRENT_TIME: u16 = 0x2A2B;
    /// Battery Service's Battery Level (one byte, percent): read by staff's self-test.
    pub const BATTERY_LEVEL: u16 = 0x2A19;

    /// The full 128-bit UUID of a SIG 16-bit UUID (Core spec Vol 3 Part B 2.5.1), as the
    /// string btleplug's `Uuid` parses.
    pub fn to_uuid_string(short: u16) -> String {
        format!("0000{short:04x}-0000-1000-8000-00805f9b34fb")
    }
}

/// Why a characteristic value could not be decoded. Each names the field it failed on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BleDecodeError {
    /// Fewer bytes than the flags announce.
    #[error("value ends inside {field}: needs {needed} more byte(s), {available} left")]
    Truncated {
        field: &'static str,
        needed: usize,
        available: usize,
    },
    /// More bytes than the flags announce.
    #[error("value has {extra} byte(s) after the last field its flags announce")]
    TrailingBytes { extra: usize },
    /// A field holds a value its specification does not allow.
    #[error("{field} has the invalid value {value}")]
    InvalidField { field: &'static str, value: u32 },
    /// The device says the measurement failed (Weight Scale: weight 0xFFFF).
    #[error("the device reported that the measurement was unsuccessful")]
    MeasurementUnsuccessful,
    /// A control-point response with an op code this decoder does not know.
    #[error("unknown control point op code {0:#04x}")]
    UnknownOpCode(u8),
    /// `decode_notification` was given a characteristic this module does not decode.
    #[error("no decoder for characteristic {0:#06x}")]
    UnknownCharacteristic(u16),
}

/// One decoded notification or indication, by characteristic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HealthNotification {
    BloodPressure(BloodPressureReading),
    Weight(WeightReading),
    Temperature(TemperatureReading),
    Glucose(GlucoseReading),
    RecordAccess(RacpResponse),
    PlxSpotCheck(PlxSpotCheck),
    PlxContinuous(PlxContinuous),
}

/// What a BLE backend calls for every value it receives: picks the decoder by the
/// characteristic's 16-bit UUID.
pub fn decode_notification(
    characteristic: u16,
    bytes: &[u8],
) -> Result<HealthNotification, BleDecodeError> {
    use uuid16::*;
    Ok(match characteristic {
        BLOOD_PRESSURE_MEASUREMENT => {
            HealthNotification::BloodPressure(BloodPressureReading::decode(bytes)?)
        }
        WEIGHT_MEASUREMENT => HealthNotification::Weight(WeightReading::decode(bytes)?),
        TEMPERATURE_MEASUREMENT => {
            HealthNotification::Temperature(TemperatureReading::decode(bytes)?)
        }
        GLUCOSE_MEASUREMENT => HealthNotification::Glucose(GlucoseReading::decode(bytes)?),
        RECORD_ACCESS_CONTROL_POINT => {
            HealthNotification::RecordAccess(RacpResponse::decode(bytes)?)
        }
        PLX_SPOT_CHECK_MEASUREMENT => {
            HealthNotification::PlxSpotCheck(PlxSpotCheck::decode(bytes)?)
        }
        PLX_CONTINUOUS_MEASUREMENT => {
            HealthNotification::PlxContinuous(PlxContinuous::decode(bytes)?)
        }
        other => return Err(BleDecodeError::UnknownCharacteristic(other)),
    })
}

/// Date Time characteristic (0x2A08), 7 bytes. Zero in year, month or day means "not known".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BleDateTime {
    /// 1582..=9999, `None` when the device sent 0 (not known).
    pub year: Option<u16>,
    /// 1..=12, `None` when 0.
    pub month: Option<u8>,
    /// 1..=31, `None` when 0.
    pub day: Option<u8>,
    pub hours: u8,
    pub minutes: u8,
    pub seconds: u8,
}

impl BleDateTime {
    /// Seconds since 1970-01-01 00:00:00 *on the device's own clock*: the Date Time carries
    /// no time zone, so this is only comparable with other times from the same device.
    /// `None` when the year, month or day is "not known" (0). A day past its month's end
    /// (the decoder allows 31 in every month) counts on into the next month.
    pub fn device_seconds(&self) -> Option<i64> {
        let (year, month, day) = (self.year?, self.month?, self.day?);
        let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
        Some(
            days * 86_400
                + i64::from(self.hours) * 3_600
                + i64::from(self.minutes) * 60
                + i64::from(self.seconds),
        )
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
/// Low-Level Date Algorithms", `days_from_civil`). `month` is 1..=12.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A cursor over a characteristic value; every read is bounds-checked and names its field.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    fn take<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], BleDecodeError> {
        let available = self.bytes.len().saturating_sub(self.pos);
        let slice = self.bytes.get(self.pos..self.pos.saturating_add(N)).ok_or(
            BleDecodeError::Truncated {
                field,
                needed: N,
                available,
            },
        )?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        self.pos += N;
        Ok(out)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, BleDecodeError> {
        Ok(self.take::<1>(field)?[0])
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, BleDecodeError> {
        Ok(u16::from_le_bytes(self.take::<2>(field)?))
    }

    pub(crate) fn i16(&mut self, field: &'static str) -> Result<i16, BleDecodeError> {
        Ok(i16::from_le_bytes(self.take::<2>(field)?))
    }

    pub(crate) fn u24(&mut self, field: &'static str) -> Result<u32, BleDecodeError> {
        let [a, b, c] = self.take::<3>(field)?;
        Ok(u32::from_le_bytes([a, b, c, 0]))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, BleDecodeError> {
        Ok(u32::from_le_bytes(self.take::<4>(field)?))
    }

    pub(crate) fn sfloat(&mut self, field: &'static str) -> Result<SFloat, BleDecodeError> {
        Ok(SFloat::from_raw(self.u16(field)?))
    }

    pub(crate) fn float(&mut self, field: &'static str) -> Result<Float, BleDecodeError> {
        Ok(Float::from_raw(self.u32(field)?))
    }

    /// Date Time (0x2A08): year u16, month, day, hours, minutes, seconds.
    pub(crate) fn date_time(&mut self, field: &'static str) -> Result<BleDateTime, BleDecodeError> {
        let year = self.u16(field)?;
        let [month, day, hours, minutes, seconds] = self.take::<5>(field)?;
        let bad = |value: u32| BleDecodeError::InvalidField { field, value };
        if year != 0 && !(1582..=9999).contains(&year) {
            return Err(bad(u32::from(year)));
        }
        if month > 12 {
            return Err(bad(u32::from(month)));
        }
        if day > 31 {
            return Err(bad(u32::from(day)));
        }
        if hours > 23 || minutes > 59 || seconds > 59 {
            return Err(bad(u32::from(hours) << 16
                | u32::from(minutes) << 8
                | u32::from(seconds)));
        }
        let nonzero = |v: u8| (v != 0).then_some(v);
        Ok(BleDateTime {
            year: (year != 0).then_some(year),
            month: nonzero(month),
            day: nonzero(day),
            hours,
            minutes,
            seconds,
        })
    }

    /// Refuses bytes after the last announced field.
    pub(crate) fn finish(self) -> Result<(), BleDecodeError> {
        let extra = self.bytes.len().saturating_sub(self.pos);
        if extra == 0 {
            Ok(())
        } else {
            Err(BleDecodeError::TrailingBytes { extra })
        }
    }
}

/// Flag bit `n` of `flags`.
pub(crate) fn bit(flags: u32, n: u32) -> bool {
    flags & (1 << n) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_known_and_unknown_fields() {
        // 2026-11-23 09:05:07: 0x07EA little-endian = EA 07.
        let mut r = Reader::new(&[0xEA, 0x07, 11, 23, 9, 5, 7]);
        let dt = r.date_time("t").expect("valid");
        assert_eq!(dt.year, Some(2026));
        assert_eq!((dt.month, dt.day), (Some(11), Some(23)));
        assert_eq!((dt.hours, dt.minutes, dt.seconds), (9, 5, 7));
        // Year/month/day 0 mean "not known" (Date Time characteristic).
        let dt = Reader::new(&[0, 0, 0, 0, 0, 0, 0])
            .date_time("t")
            .expect("valid");
        assert_eq!((dt.year, dt.month, dt.day), (None, None, None));
    }

    #[test]
    fn device_seconds_count_from_1970_on_the_devices_clock() {
        let at = |year, month, day, hours, minutes, seconds| BleDateTime {
            year: Some(year),
            month: Some(month),
            day: Some(day),
            hours,
            minutes,
            seconds,
        };
        // Known Unix times (date -u -d ... +%s): 1970-01-01 = 0, 2000-03-01 = 951868800,
        // 2024-02-29 12:34:56 = 1709210096, 1582-10-15 = -12219292800.
        assert_eq!(at(1970, 1, 1, 0, 0, 0).device_seconds(), Some(0));
        assert_eq!(at(2000, 3, 1, 0, 0, 0).device_seconds(), Some(951_868_800));
        assert_eq!(
            at(2024, 2, 29, 12, 34, 56).device_seconds(),
            Some(1_709_210_096)
        );
        assert_eq!(
            at(1582, 10, 15, 0, 0, 0).device_seconds(),
            Some(-12_219_292_800)
        );
        // Across a year end.
        assert_eq!(
            at(2026, 1, 1, 0, 0, 0)
                .device_seconds()
                .map(|s| s - at(2025, 12, 31, 23, 59, 59).device_seconds().unwrap_or(0)),
            Some(1)
        );
        let unknown_year = BleDateTime {
            year: None,
            ..at(2026, 1, 1, 0, 0, 0)
        };
        assert_eq!(unknown_year.device_seconds(), None);
    }

    #[test]
    fn date_time_out_of_range_is_refused() {
        for bytes in [
            [0x2D, 0x06, 1, 1, 0, 0, 0],  // year 1581
            [0xEA, 0x07, 13, 1, 0, 0, 0], // month 13
            [0xEA, 0x07, 1, 32, 0, 0, 0], // day 32
            [0xEA, 0x07, 1, 1, 24, 0, 0], // 24 h
            [0xEA, 0x07, 1, 1, 0, 60, 0], // 60 min
        ] {
            assert!(matches!(
                Reader::new(&bytes).date_time("t"),
                Err(BleDecodeError::InvalidField { .. })
            ));
        }
    }

    #[test]
    fn dispatch_by_characteristic() {
        let bp = decode_notification(0x2A35, &[0x00, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00]);
        assert!(matches!(bp, Ok(HealthNotification::BloodPressure(_))));
        assert_eq!(
            decode_notification(0x2A37, &[0x00, 0x48]),
            Err(BleDecodeError::UnknownCharacteristic(0x2A37))
        );
    }

    proptest::proptest! {
        #[test]
        fn dispatch_never_panics(
            c in proptest::prop_oneof![
                proptest::strategy::Just(0x2A35u16), proptest::strategy::Just(0x2A9D),
                proptest::strategy::Just(0x2A1C), proptest::strategy::Just(0x2A18),
                proptest::strategy::Just(0x2A52), proptest::strategy::Just(0x2A5E),
                proptest::strategy::Just(0x2A5F), proptest::arbitrary::any::<u16>()
            ],
            bytes in proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..64),
        ) {
            let _ = decode_notification(c, &bytes);
        }
    }

    #[test]
    fn uuid_strings() {
        assert_eq!(
            uuid16::to_uuid_string(uuid16::BLOOD_PRESSURE_MEASUREMENT),
            "00002a35-0000-1000-8000-00805f9b34fb"
        );
    }
}
