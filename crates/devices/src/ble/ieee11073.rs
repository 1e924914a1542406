//! IEEE 11073-20601 (Annex F.8) SFLOAT (16-bit) and FLOAT (32-bit): a signed mantissa and a
//! signed base-10 exponent, value = mantissa × 10^exponent.
//!
//! SFLOAT: exponent in bits 15..12 (4-bit two's complement), mantissa in bits 11..0 (12-bit
//! two's complement). FLOAT: exponent in bits 31..24 (8-bit), mantissa in bits 23..0 (24-bit).
//! The special values are whole encodings with exponent 0 (as in the Personal Health Devices
//! Transcoding White Paper and Wireshark's `ftype-ieee-11073-float.c`): an encoding with a
//! non-zero exponent is always a finite number.

/// A reserved encoding of an 11073 float. Devices send NaN for "no value" (a monitor without
/// MAP), so callers must treat these as absent, never as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialValue {
    /// Not a Number (SFLOAT 0x07FF, FLOAT 0x007FFFFF).
    NaN,
    /// Not at this Resolution (0x0800 / 0x00800000).
    NRes,
    /// +INFINITY (0x07FE / 0x007FFFFE).
    PositiveInfinity,
    /// −INFINITY (0x0802 / 0x00800002).
    NegativeInfinity,
    /// Reserved for future use (0x0801 / 0x00800001).
    Reserved,
}

/// A decoded 16-bit SFLOAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SFloat {
    Finite { mantissa: i16, exponent: i8 },
    Special(SpecialValue),
}

/// A decoded 32-bit FLOAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Float {
    Finite { mantissa: i32, exponent: i8 },
    Special(SpecialValue),
}

const SFLOAT_SPECIALS: [(u16, SpecialValue); 5] = [
    (0x07FF, SpecialValue::NaN),
    (0x0800, SpecialValue::NRes),
    (0x07FE, SpecialValue::PositiveInfinity),
    (0x0802, SpecialValue::NegativeInfinity),
    (0x0801, SpecialValue::Reserved),
];

const FLOAT_SPECIALS: [(u32, SpecialValue); 5] = [
    (0x007F_FFFF, SpecialValue::NaN),
    (0x0080_0000, SpecialValue::NRes),
    (0x007F_FFFE, SpecialValue::PositiveInfinity),
    (0x0080_0002, SpecialValue::NegativeInfinity),
    (0x0080_0001, SpecialValue::Reserved),
];

/// mantissa × 10^exponent, dividing for negative exponents so that 3698 × 10⁻² is the
/// closest f64 to 36.98.
fn scale(mantissa: f64, exponent: i8) -> f64 {
    if exponent < 0 {
        mantissa / 10f64.powi(-i32::from(exponent))
    } else {
        mantissa * 10f64.powi(i32::from(exponent))
    }
}

impl SFloat {
    pub fn from_raw(raw: u16) -> SFloat {
        if let Some((_, s)) = SFLOAT_SPECIALS.iter().find(|(r, _)| *r == raw) {
            return SFloat::Special(*s);
        }
        // Sign-extend by shifting the field to the top of a signed type and back.
        let mantissa = (((raw & 0x0FFF) << 4) as i16) >> 4;
        let exponent = ((raw >> 8) as u8 as i8) >> 4;
        SFloat::Finite { mantissa, exponent }
    }

    /// Encodes a finite value; `None` if the mantissa is outside -2048..=2047, the exponent
    /// outside -8..=7, or the pair would collide with a special value.
    pub fn finite(mantissa: i16, exponent: i8) -> Option<SFloat> {
        if !(-2048..=2047).contains(&mantissa) || !(-8..=7).contains(&exponent) {
            return None;
        }
        let v = SFloat::Finite { mantissa, exponent };
        (SFloat::from_raw(v.to_raw()) == v).then_some(v)
    }

    pub fn to_raw(self) -> u16 {
        match self {
            SFloat::Finite { mantissa, exponent } => {
                ((exponent as u8 as u16 & 0x0F) << 12) | (mantissa as u16 & 0x0FFF)
            }
            SFloat::Special(s) => SFLOAT_SPECIALS
                .iter()
                .find(|(_, v)| *v == s)
                .map_or(0x07FF, |(r, _)| *r),
        }
    }

    /// The number, or `None` for a special value.
    pub fn value(self) -> Option<f64> {
        match self {
            SFloat::Finite { mantissa, exponent } => Some(scale(f64::from(mantissa), exponent)),
            SFloat::Special(_) => None,
        }
    }

    pub fn special(self) -> Option<SpecialValue> {
        match self {
            SFloat::Special(s) => Some(s),
            SFloat::Finite { .. } => None,
        }
    }
}

impl Float {
    pub fn from_raw(raw: u32) -> Float {
        if let Some((_, s)) = FLOAT_SPECIALS.iter().find(|(r, _)| *r == raw) {
            return Float::Special(*s);
        }
        let mantissa = (((raw & 0x00FF_FFFF) << 8) as i32) >> 8;
        let exponent = (raw >> 24) as u8 as i8;
        Float::Finite { mantissa, exponent }
    }

    /// Encodes a finite value; `None` if the mantissa is outside 24 bits or the pair would
    /// collide with a special value.
    pub fn finite(mantissa: i32, exponent: i8) -> Option<Float> {
        if !(-0x80_0000..=0x7F_FFFF).contains(&mantissa) {
            return None;
        }
        let v = Float::Finite { mantissa, exponent };
        (Float::from_raw(v.to_raw()) == v).then_some(v)
    }

    pub fn to_raw(self) -> u32 {
        match self {
            Float::Finite { mantissa, exponent } => {
                (u32::from(exponent as u8) << 24) | (mantissa as u32 & 0x00FF_FFFF)
            }
            Float::Special(s) => FLOAT_SPECIALS
                .iter()
                .find(|(_, v)| *v == s)
                .map_or(0x007F_FFFF, |(r, _)| *r),
        }
    }

    pub fn value(self) -> Option<f64> {
        match self {
            Float::Finite { mantissa, exponent } => Some(scale(f64::from(mantissa), exponent)),
            Float::Special(_) => None,
        }
    }

    pub fn special(self) -> Option<SpecialValue> {
        match self {
            Float::Special(s) => Some(s),
            Float::Finite { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sf(raw: u16) -> SFloat {
        SFloat::from_raw(raw)
    }

    #[test]
    fn sfloat_special_values() {
        assert_eq!(sf(0x07FF), SFloat::Special(SpecialValue::NaN));
        assert_eq!(sf(0x0800), SFloat::Special(SpecialValue::NRes));
        assert_eq!(sf(0x07FE), SFloat::Special(SpecialValue::PositiveInfinity));
        assert_eq!(sf(0x0802), SFloat::Special(SpecialValue::NegativeInfinity));
        assert_eq!(sf(0x0801), SFloat::Special(SpecialValue::Reserved));
        assert_eq!(sf(0x07FF).value(), None);
    }

    #[test]
    fn sfloat_published_and_hand_built_examples() {
        // Blood Pressure Service test-spec style values: 120 mmHg is 0x0078 (exponent 0).
        assert_eq!(sf(0x0078).value(), Some(120.0));
        // 36.4 = 364 × 10⁻¹: exponent 0xF (−1), mantissa 0x16C → 0xF16C.
        assert_eq!(sf(0xF16C).value(), Some(36.4));
        // Negative mantissa: 0xFFF = −1, exponent 0 → −1.
        assert_eq!(sf(0x0FFF).value(), Some(-1.0));
        // −2048 is a valid mantissa when the exponent is not 0: 0x1800 = −2048 × 10¹.
        assert_eq!(sf(0x1800).value(), Some(-20480.0));
        // Largest positive mantissa with a non-zero exponent: 0x17FF = 2047 × 10 (finite).
        assert_eq!(sf(0x17FF).value(), Some(20470.0));
        // Exponent sign extension: 0x8001 = 1 × 10⁻⁸; 0x7001 = 1 × 10⁷.
        assert_eq!(
            sf(0x8001),
            SFloat::Finite {
                mantissa: 1,
                exponent: -8
            }
        );
        assert_eq!(sf(0x7001).value(), Some(1.0e7));
        // 0x07FD: largest finite at exponent 0 (2045); 0x0803: smallest (−2045).
        assert_eq!(sf(0x07FD).value(), Some(2045.0));
        assert_eq!(sf(0x0803).value(), Some(-2045.0));
        // Zero, and −0.5 = −5 × 10⁻¹ = 0xFFFB.
        assert_eq!(sf(0x0000).value(), Some(0.0));
        assert_eq!(sf(0xFFFB).value(), Some(-0.5));
    }

    #[test]
    fn float_special_values_and_examples() {
        let f = Float::from_raw;
        assert_eq!(f(0x007F_FFFF), Float::Special(SpecialValue::NaN));
        assert_eq!(f(0x0080_0000), Float::Special(SpecialValue::NRes));
        assert_eq!(
            f(0x007F_FFFE),
            Float::Special(SpecialValue::PositiveInfinity)
        );
        assert_eq!(
            f(0x0080_0002),
            Float::Special(SpecialValue::NegativeInfinity)
        );
        assert_eq!(f(0x0080_0001), Float::Special(SpecialValue::Reserved));
        // Health Thermometer: 36.98 °C = 3698 × 10⁻² → exponent 0xFE, mantissa 0x000E72.
        assert_eq!(f(0xFE00_0E72).value(), Some(36.98));
        // Negative mantissa: 0xFFFFFF = −1 at exponent 0xFF (−1) → −0.1.
        assert_eq!(f(0xFFFF_FFFF).value(), Some(-0.1));
        // Exponent −128 and +127 both decode (sign extension of the 8-bit exponent).
        assert_eq!(
            f(0x8000_0001),
            Float::Finite {
                mantissa: 1,
                exponent: -128
            }
        );
        assert_eq!(
            f(0x7F00_0001),
            Float::Finite {
                mantissa: 1,
                exponent: 127
            }
        );
        // Mantissa 0x7FFFFF with exponent 1 is finite, not NaN.
        assert_eq!(f(0x017F_FFFF).value(), Some(83_886_070.0));
    }

    #[test]
    fn finite_constructor_refuses_collisions_and_ranges() {
        assert_eq!(SFloat::finite(2047, 0), None); // would be NaN
        assert_eq!(SFloat::finite(-2048, 0), None); // would be NRes
        assert_eq!(SFloat::finite(2048, 0), None);
        assert_eq!(SFloat::finite(1, 8), None);
        assert!(SFloat::finite(2047, 1).is_some());
        assert_eq!(Float::finite(0x7F_FFFF, 0), None);
        assert_eq!(Float::finite(0x80_0000, 0), None);
    }

    proptest! {
        #[test]
        fn sfloat_raw_round_trips(raw in any::<u16>()) {
            prop_assert_eq!(SFloat::from_raw(raw).to_raw(), raw);
        }

        #[test]
        fn float_raw_round_trips(raw in any::<u32>()) {
            prop_assert_eq!(Float::from_raw(raw).to_raw(), raw);
        }

        #[test]
        fn sfloat_finite_values_round_trip(m in -2048i16..=2047, e in -8i8..=7) {
            if let Some(v) = SFloat::finite(m, e) {
                prop_assert_eq!(SFloat::from_raw(v.to_raw()), v);
            } else {
                // Only the five special encodings are refused in range.
                prop_assert_eq!(e, 0);
                let raw = SFloat::Finite { mantissa: m, exponent: 0 }.to_raw();
                prop_assert!(SFloat::from_raw(raw).special().is_some());
            }
        }
    }
}
