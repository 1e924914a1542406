//! Weight Measurement (0x2A9D) of the Weight Scale Service (0x181D), per the Weight Scale
//! Service spec v1.0 and the characteristic's GSS entry: flags u8, weight u16, then optional
//! time stamp, user id u8, BMI u16 + height u16.

use super::{bit, BleDateTime, BleDecodeError, Reader};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightUnits {
    /// kg and m (flag bit 0 clear).
    Si,
    /// lb and in (flag bit 0 set).
    Imperial,
}

/// One decoded Weight Measurement, raw fields and values in the device's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightReading {
    pub units: WeightUnits,
    /// Weight in units of 0.005 kg (SI) or 0.01 lb (imperial).
    pub weight_raw: u16,
    pub timestamp: Option<BleDateTime>,
    /// 0xFF is "unknown user"; kept as sent.
    pub user_id: Option<u8>,
    /// BMI in units of 0.1 kg/m².
    pub bmi_raw: Option<u16>,
    /// Height in units of 0.001 m (SI) or 0.1 in (imperial).
    pub height_raw: Option<u16>,
}

/// kg per lb (international avoirdupois pound).
const KG_PER_LB: f64 = 0.453_592_37;
/// m per inch.
const M_PER_IN: f64 = 0.0254;

impl WeightReading {
    pub fn decode(bytes: &[u8]) -> Result<Self, BleDecodeError> {
        let mut r = Reader::new(bytes);
        let flags = u32::from(r.u8("flags")?);
        let weight_raw = r.u16("weight")?;
        if weight_raw == 0xFFFF {
            // "Measurement Unsuccessful": the spec allows only the flags and weight then.
            return Err(BleDecodeError::MeasurementUnsuccessful);
        }
        let timestamp = bit(flags, 1)
            .then(|| r.date_time("time stamp"))
            .transpose()?;
        let user_id = bit(flags, 2).then(|| r.u8("user id")).transpose()?;
        let (bmi_raw, height_raw) = if bit(flags, 3) {
            (Some(r.u16("BMI")?), Some(r.u16("height")?))
        } else {
            (None, None)
        };
        r.finish()?;
        Ok(WeightReading {
            units: if bit(flags, 0) {
                WeightUnits::Imperial
            } else {
                WeightUnits::Si
            },
            weight_raw,
            timestamp,
            user_id,
            bmi_raw,
            height_raw,
        })
    }

    /// Weight in the device's unit (kg or lb).
    pub fn weight(&self) -> f64 {
        match self.units {
            WeightUnits::Si => f64::from(self.weight_raw) * 0.005,
            WeightUnits::Imperial => f64::from(self.weight_raw) * 0.01,
        }
    }

    pub fn weight_kg(&self) -> f64 {
        match self.units {
            WeightUnits::Si => self.weight(),
            WeightUnits::Imperial => self.weight() * KG_PER_LB,
        }
    }

    pub fn bmi(&self) -> Option<f64> {
        self.bmi_raw.map(|b| f64::from(b) * 0.1)
    }

    /// Height in the device's unit (m or in).
    pub fn height(&self) -> Option<f64> {
        let scale = match self.units {
            WeightUnits::Si => 0.001,
            WeightUnits::Imperial => 0.1,
        };
        self.height_raw.map(|h| f64::from(h) * scale)
    }

    pub fn height_m(&self) -> Option<f64> {
        match self.units {
            WeightUnits::Si => self.height(),
            WeightUnits::Imperial => self.height().map(|h| h * M_PER_IN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ble::testenc::{arb_date_time, Enc};
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn encode(r: &WeightReading) -> Vec<u8> {
        let flags = u8::from(r.units == WeightUnits::Imperial)
            | u8::from(r.timestamp.is_some()) << 1
            | u8::from(r.user_id.is_some()) << 2
            | u8::from(r.bmi_raw.is_some()) << 3;
        Enc::default()
            .u8(flags)
            .u16(r.weight_raw)
            .opt(r.timestamp, Enc::date_time)
            .opt(r.user_id, Enc::u8)
            .opt(r.bmi_raw, Enc::u16)
            .opt(r.height_raw, Enc::u16)
            .0
    }

    #[test]
    fn si_weight_with_bmi_and_height() {
        // Flags 0x08 (SI, BMI+height). 65.5 kg / 0.005 = 13100 = 0x332C;
        // BMI 22.7 → 227 = 0x00E3; height 1.700 m → 1700 = 0x06A4.
        let r = WeightReading::decode(&[0x08, 0x2C, 0x33, 0xE3, 0x00, 0xA4, 0x06]).expect("valid");
        assert_eq!(r.units, WeightUnits::Si);
        assert!(close(r.weight_kg(), 65.5));
        assert!(r.bmi().is_some_and(|b| close(b, 22.7)));
        assert!(r.height_m().is_some_and(|h| close(h, 1.7)));
    }

    #[test]
    fn imperial_weight_with_time_and_user() {
        // Flags 0x07 (imperial, time stamp, user). 150.00 lb / 0.01 = 15000 = 0x3A98;
        // 2026-01-02 03:04:05; user 2.
        let bytes = [0x07, 0x98, 0x3A, 0xEA, 0x07, 1, 2, 3, 4, 5, 0x02];
        let r = WeightReading::decode(&bytes).expect("valid");
        assert_eq!(r.units, WeightUnits::Imperial);
        assert!(close(r.weight(), 150.0));
        assert!(close(r.weight_kg(), 150.0 * 0.453_592_37));
        assert_eq!(r.user_id, Some(2));
        assert_eq!(r.timestamp.and_then(|t| t.year), Some(2026));
    }

    #[test]
    fn imperial_height_is_tenths_of_an_inch() {
        // Flags 0x09. Height 67.0 in → 670 = 0x029E → 1.7018 m.
        let r = WeightReading::decode(&[0x09, 0x98, 0x3A, 0xE3, 0x00, 0x9E, 0x02]).expect("valid");
        assert!(r.height().is_some_and(|h| close(h, 67.0)));
        assert!(r.height_m().is_some_and(|h| close(h, 1.7018)));
    }

    #[test]
    fn unsuccessful_truncated_oversized() {
        assert_eq!(
            WeightReading::decode(&[0x00, 0xFF, 0xFF]),
            Err(BleDecodeError::MeasurementUnsuccessful)
        );
        // BMI present but height missing.
        assert!(matches!(
            WeightReading::decode(&[0x08, 0x2C, 0x33, 0xE3, 0x00]),
            Err(BleDecodeError::Truncated {
                field: "height",
                ..
            })
        ));
        assert_eq!(
            WeightReading::decode(&[0x00, 0x2C, 0x33, 0x01]),
            Err(BleDecodeError::TrailingBytes { extra: 1 })
        );
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..30)) {
            let _ = WeightReading::decode(&bytes);
        }

        #[test]
        fn round_trips(
            imperial in any::<bool>(), w in 0u16..0xFFFF,
            ts in proptest::option::of(arb_date_time()), user in proptest::option::of(any::<u8>()),
            bh in proptest::option::of((any::<u16>(), any::<u16>())),
        ) {
            let r = WeightReading {
                units: if imperial { WeightUnits::Imperial } else { WeightUnits::Si },
                weight_raw: w, timestamp: ts, user_id: user,
                bmi_raw: bh.map(|b| b.0), height_raw: bh.map(|b| b.1),
            };
            prop_assert_eq!(WeightReading::decode(&encode(&r)), Ok(r));
        }
    }
}
