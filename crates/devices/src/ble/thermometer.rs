//! Temperature Measurement (0x2A1C) of the Health Thermometer Service (0x1809), per the
//! Health Thermometer Service spec v1.0, 3.1: flags u8, temperature FLOAT, then optional
//! time stamp and temperature type u8.

use super::{bit, BleDateTime, BleDecodeError, Float, Reader};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemperatureUnit {
    Celsius,
    Fahrenheit,
}

/// Temperature Type (0x2A1D) values 1–9.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemperatureType {
    Armpit,
    Body,
    Ear,
    Finger,
    GastroIntestinalTract,
    Mouth,
    Rectum,
    Toe,
    Tympanum,
}

impl TemperatureType {
    pub fn from_raw(raw: u8) -> Result<Self, BleDecodeError> {
        use TemperatureType::*;
        Ok(match raw {
            1 => Armpit,
            2 => Body,
            3 => Ear,
            4 => Finger,
            5 => GastroIntestinalTract,
            6 => Mouth,
            7 => Rectum,
            8 => Toe,
            9 => Tympanum,
            _ => {
                return Err(BleDecodeError::InvalidField {
                    field: "temperature type",
                    value: u32::from(raw),
                })
            }
        })
    }

    pub fn to_raw(self) -> u8 {
        self as u8 + 1
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TemperatureReading {
    pub unit: TemperatureUnit,
    /// As sent, in `unit`.
    pub temperature: Float,
    pub timestamp: Option<BleDateTime>,
    pub temperature_type: Option<TemperatureType>,
}

impl TemperatureReading {
    pub fn decode(bytes: &[u8]) -> Result<Self, BleDecodeError> {
        let mut r = Reader::new(bytes);
        let flags = u32::from(r.u8("flags")?);
        let temperature = r.float("temperature")?;
        let timestamp = bit(flags, 1)
            .then(|| r.date_time("time stamp"))
            .transpose()?;
        let temperature_type = if bit(flags, 2) {
            Some(TemperatureType::from_raw(r.u8("temperature type")?)?)
        } else {
            None
        };
        r.finish()?;
        Ok(TemperatureReading {
            unit: if bit(flags, 0) {
                TemperatureUnit::Fahrenheit
            } else {
                TemperatureUnit::Celsius
            },
            temperature,
            timestamp,
            temperature_type,
        })
    }

    /// Degrees Celsius, `None` for a special value.
    pub fn celsius(&self) -> Option<f64> {
        let t = self.temperature.value()?;
        Some(match self.unit {
            TemperatureUnit::Celsius => t,
            TemperatureUnit::Fahrenheit => (t - 32.0) * 5.0 / 9.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ble::testenc::{arb_date_time, Enc};
    use crate::ble::SpecialValue;
    use proptest::prelude::*;

    fn encode(r: &TemperatureReading) -> Vec<u8> {
        let flags = u8::from(r.unit == TemperatureUnit::Fahrenheit)
            | u8::from(r.timestamp.is_some()) << 1
            | u8::from(r.temperature_type.is_some()) << 2;
        Enc::default()
            .u8(flags)
            .float(r.temperature)
            .opt(r.timestamp, Enc::date_time)
            .opt(r.temperature_type.map(TemperatureType::to_raw), Enc::u8)
            .0
    }

    #[test]
    fn celsius_minimal() {
        // Flags 0x00; 36.98 °C = 3698 × 10⁻² → 72 0E 00 FE (mantissa LE, then exponent).
        let r = TemperatureReading::decode(&[0x00, 0x72, 0x0E, 0x00, 0xFE]).expect("valid");
        assert_eq!(r.unit, TemperatureUnit::Celsius);
        assert_eq!(r.celsius(), Some(36.98));
    }

    #[test]
    fn fahrenheit_with_time_and_type() {
        // Flags 0x07; 98.6 °F = 986 × 10⁻¹ → DA 03 00 FF; 2026-11-23 08:00:00; type 2 (body).
        let bytes = [
            0x07, 0xDA, 0x03, 0x00, 0xFF, 0xEA, 0x07, 11, 23, 8, 0, 0, 0x02,
        ];
        let r = TemperatureReading::decode(&bytes).expect("valid");
        assert_eq!(r.unit, TemperatureUnit::Fahrenheit);
        assert!(r.celsius().is_some_and(|c| (c - 37.0).abs() < 1e-9));
        assert_eq!(r.temperature_type, Some(TemperatureType::Body));
        assert!(r.timestamp.is_some());
    }

    #[test]
    fn special_values_and_errors() {
        // NaN FLOAT 0x007FFFFF: the thermometer had no reading.
        let r = TemperatureReading::decode(&[0x00, 0xFF, 0xFF, 0x7F, 0x00]).expect("valid");
        assert_eq!(r.temperature.special(), Some(SpecialValue::NaN));
        assert_eq!(r.celsius(), None);
        // Type 0 and 10 are reserved.
        assert!(matches!(
            TemperatureReading::decode(&[0x04, 0x72, 0x0E, 0x00, 0xFE, 0x00]),
            Err(BleDecodeError::InvalidField {
                field: "temperature type",
                value: 0
            })
        ));
        assert!(matches!(
            TemperatureReading::decode(&[0x04, 0x72, 0x0E, 0x00, 0xFE, 0x0A]),
            Err(BleDecodeError::InvalidField { .. })
        ));
        assert!(matches!(
            TemperatureReading::decode(&[0x00, 0x72, 0x0E, 0x00]),
            Err(BleDecodeError::Truncated {
                field: "temperature",
                ..
            })
        ));
        assert!(matches!(
            TemperatureReading::decode(&[0x02, 0x72, 0x0E, 0x00, 0xFE]),
            Err(BleDecodeError::Truncated {
                field: "time stamp",
                ..
            })
        ));
        assert_eq!(
            TemperatureReading::decode(&[0x00, 0x72, 0x0E, 0x00, 0xFE, 0x02]),
            Err(BleDecodeError::TrailingBytes { extra: 1 })
        );
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..20)) {
            let _ = TemperatureReading::decode(&bytes);
        }

        #[test]
        fn round_trips(
            f in any::<bool>(), raw in any::<u32>(), ts in proptest::option::of(arb_date_time()),
            ty in proptest::option::of(1u8..=9),
        ) {
            let r = TemperatureReading {
                unit: if f { TemperatureUnit::Fahrenheit } else { TemperatureUnit::Celsius },
                temperature: Float::from_raw(raw), timestamp: ts,
                temperature_type: ty.map(TemperatureType::from_raw).transpose().map_err(|e| TestCaseError::fail(e.to_string()))?,
            };
            prop_assert_eq!(TemperatureReading::decode(&encode(&r)), Ok(r));
        }
    }
}
