//! Current Time (0x2A2B) of the Current Time Service (0x1805), per the Current Time Service
//! spec v1.1, 3.1: Exact Time 256 (Date Time, Day of Week u8, Fractions256 u8), then Adjust
//! Reason u8; 10 bytes.
//!
//! The procedures read it at connect to learn what the device's own clock said when the
//! measurement started, so that a record's time stamp is judged against the clock that made
//! it, never against the station's (README.md, "Stored records").

use super::{BleDateTime, BleDecodeError, Reader};

/// One decoded Current Time value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentTime {
    pub date_time: BleDateTime,
    /// 1 = Monday … 7 = Sunday; `None` when the device sent 0 (not known).
    pub day_of_week: Option<u8>,
    /// 1/256 s.
    pub fractions256: u8,
    /// Bits: manual update, external reference, time zone change, DST change. Kept as sent.
    pub adjust_reason: u8,
}

impl CurrentTime {
    pub fn decode(bytes: &[u8]) -> Result<Self, BleDecodeError> {
        let mut r = Reader::new(bytes);
        let date_time = r.date_time("date time")?;
        let day_of_week = match r.u8("day of week")? {
            0 => None,
            d @ 1..=7 => Some(d),
            other => {
                return Err(BleDecodeError::InvalidField {
                    field: "day of week",
                    value: u32::from(other),
                })
            }
        };
        let fractions256 = r.u8("fractions256")?;
        let adjust_reason = r.u8("adjust reason")?;
        r.finish()?;
        Ok(CurrentTime {
            date_time,
            day_of_week,
            fractions256,
            adjust_reason,
        })
    }

    /// Milliseconds since 1970-01-01 on the device's own clock (see
    /// [`BleDateTime::device_seconds`]); `None` when its date is not known.
    pub fn device_millis(&self) -> Option<i64> {
        let seconds = self.date_time.device_seconds()?;
        Some(seconds * 1000 + i64::from(self.fractions256) * 1000 / 256)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ble::testenc::{arb_date_time, Enc};
    use proptest::prelude::*;

    fn encode(t: &CurrentTime) -> Vec<u8> {
        Enc::default()
            .date_time(t.date_time)
            .u8(t.day_of_week.unwrap_or(0))
            .u8(t.fractions256)
            .u8(t.adjust_reason)
            .0
    }

    #[test]
    fn exact_time_with_fractions() {
        // Built by hand from the CTS v1.1 3.1 layout: 2026-11-23 (a Monday, 1) 09:05:07,
        // 128/256 s, adjust reason 0x02 (external reference time update).
        let bytes = [0xEA, 0x07, 11, 23, 9, 5, 7, 1, 0x80, 0x02];
        let t = CurrentTime::decode(&bytes).expect("valid");
        assert_eq!(t.date_time.year, Some(2026));
        assert_eq!((t.date_time.month, t.date_time.day), (Some(11), Some(23)));
        assert_eq!(t.day_of_week, Some(1));
        assert_eq!((t.fractions256, t.adjust_reason), (0x80, 0x02));
        // date -u -d '2026-11-23 09:05:07' +%s = 1795424707; + 500 ms.
        assert_eq!(t.device_millis(), Some(1_795_424_707_500));
    }

    #[test]
    fn unset_date_reserved_weekday_and_lengths() {
        // A clock that was never set: date fields 0; its time cannot place a record.
        let t = CurrentTime::decode(&[0, 0, 0, 0, 0, 0, 12, 0, 0, 0]).expect("valid");
        assert_eq!(t.day_of_week, None);
        assert_eq!(t.device_millis(), None);
        assert_eq!(
            CurrentTime::decode(&[0xEA, 0x07, 11, 23, 9, 5, 7, 8, 0, 0]),
            Err(BleDecodeError::InvalidField {
                field: "day of week",
                value: 8
            })
        );
        assert!(matches!(
            CurrentTime::decode(&[0xEA, 0x07, 11, 23, 9, 5, 7, 1, 0]),
            Err(BleDecodeError::Truncated {
                field: "adjust reason",
                ..
            })
        ));
        assert_eq!(
            CurrentTime::decode(&[0xEA, 0x07, 11, 23, 9, 5, 7, 1, 0, 0, 0]),
            Err(BleDecodeError::TrailingBytes { extra: 1 })
        );
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
            let _ = CurrentTime::decode(&bytes);
        }

        #[test]
        fn round_trips(
            date_time in arb_date_time(), dow in proptest::option::of(1u8..=7),
            fractions256 in any::<u8>(), adjust_reason in any::<u8>(),
        ) {
            let t = CurrentTime { date_time, day_of_week: dow, fractions256, adjust_reason };
            prop_assert_eq!(CurrentTime::decode(&encode(&t)), Ok(t));
        }
    }
}
