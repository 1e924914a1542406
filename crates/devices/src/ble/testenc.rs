//! A tiny little-endian writer for building characteristic values in tests (round trips).

use super::{BleDateTime, Float, SFloat};

#[derive(Default)]
pub(crate) struct Enc(pub(crate) Vec<u8>);

impl Enc {
    pub(crate) fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    pub(crate) fn u16(mut self, v: u16) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn i16(mut self, v: i16) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn u24(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes()[..3]);
        self
    }
    pub(crate) fn sfloat(self, v: SFloat) -> Self {
        self.u16(v.to_raw())
    }
    pub(crate) fn float(mut self, v: Float) -> Self {
        self.0.extend_from_slice(&v.to_raw().to_le_bytes());
        self
    }
    pub(crate) fn date_time(self, t: BleDateTime) -> Self {
        self.u16(t.year.unwrap_or(0))
            .u8(t.month.unwrap_or(0))
            .u8(t.day.unwrap_or(0))
            .u8(t.hours)
            .u8(t.minutes)
            .u8(t.seconds)
    }
    pub(crate) fn opt<T>(self, v: Option<T>, f: impl FnOnce(Self, T) -> Self) -> Self {
        match v {
            Some(v) => f(self, v),
            None => self,
        }
    }
}

/// A valid Date Time for tests and proptest strategies.
pub(crate) fn arb_date_time() -> impl proptest::strategy::Strategy<Value = BleDateTime> {
    use proptest::prelude::*;
    (
        prop_oneof![Just(None), (1582u16..=9999).prop_map(Some)],
        prop_oneof![Just(None), (1u8..=12).prop_map(Some)],
        prop_oneof![Just(None), (1u8..=31).prop_map(Some)],
        0u8..=23,
        0u8..=59,
        0u8..=59,
    )
        .prop_map(|(year, month, day, hours, minutes, seconds)| BleDateTime {
            year,
            month,
            day,
            hours,
            minutes,
            seconds,
        })
}

/// Any SFLOAT encoding (finite or special).
pub(crate) fn arb_sfloat() -> impl proptest::strategy::Strategy<Value = SFloat> {
    use proptest::prelude::*;
    any::<u16>().prop_map(SFloat::from_raw)
}
