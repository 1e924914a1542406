//! Glucose Measurement (0x2A18) of the Glucose Service (0x1808), per the Glucose Service
//! spec v1.0, 3.106 of GSS: flags u8, sequence number u16, base time (Date Time), then
//! optional time offset s16 (minutes), concentration SFLOAT + type/sample-location u8,
//! sensor status annunciation u16. Stored records are fetched with the Record Access Control
//! Point (`super::racp`).

use super::{bit, BleDateTime, BleDecodeError, Reader, SFloat};

/// Molar mass of glucose (C6H12O6), g/mol, for kg/L → mmol/L.
pub const GLUCOSE_MOLAR_MASS: f64 = 180.16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlucoseUnit {
    /// kg/L (flag bit 2 clear); 100 mg/dL is 0.001 kg/L.
    KgPerL,
    /// mol/L (flag bit 2 set).
    MolPerL,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlucoseConcentration {
    pub unit: GlucoseUnit,
    pub value: SFloat,
}

impl GlucoseConcentration {
    /// mmol/L, `None` for a special value.
    pub fn mmol_per_l(&self) -> Option<f64> {
        let v = self.value.value()?;
        Some(match self.unit {
            // kg/L × 1000 = g/L; g/L ÷ (g/mol) = mol/L; × 1000 = mmol/L.
            GlucoseUnit::KgPerL => v * 1_000_000.0 / GLUCOSE_MOLAR_MASS,
            GlucoseUnit::MolPerL => v * 1000.0,
        })
    }
}

/// Type nibble (bits 0–3 of the type/sample-location byte), values 1–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlucoseType {
    CapillaryWholeBlood,
    CapillaryPlasma,
    VenousWholeBlood,
    VenousPlasma,
    ArterialWholeBlood,
    ArterialPlasma,
    UndeterminedWholeBlood,
    UndeterminedPlasma,
    InterstitialFluid,
    ControlSolution,
}

/// Sample-location nibble (bits 4–7): 1–4, and 15 "not available".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleLocation {
    Finger,
    AlternateSiteTest,
    Earlobe,
    ControlSolution,
    NotAvailable,
}

const TYPES: [GlucoseType; 10] = [
    GlucoseType::CapillaryWholeBlood,
    GlucoseType::CapillaryPlasma,
    GlucoseType::VenousWholeBlood,
    GlucoseType::VenousPlasma,
    GlucoseType::ArterialWholeBlood,
    GlucoseType::ArterialPlasma,
    GlucoseType::UndeterminedWholeBlood,
    GlucoseType::UndeterminedPlasma,
    GlucoseType::InterstitialFluid,
    GlucoseType::ControlSolution,
];

impl GlucoseType {
    pub fn from_raw(raw: u8) -> Result<Self, BleDecodeError> {
        usize::from(raw)
            .checked_sub(1)
            .and_then(|i| TYPES.get(i))
            .copied()
            .ok_or(BleDecodeError::InvalidField {
                field: "glucose type",
                value: u32::from(raw),
            })
    }
    pub fn to_raw(self) -> u8 {
        self as u8 + 1
    }
}

impl SampleLocation {
    pub fn from_raw(raw: u8) -> Result<Self, BleDecodeError> {
        Ok(match raw {
            1 => SampleLocation::Finger,
            2 => SampleLocation::AlternateSiteTest,
            3 => SampleLocation::Earlobe,
            4 => SampleLocation::ControlSolution,
            15 => SampleLocation::NotAvailable,
            _ => {
                return Err(BleDecodeError::InvalidField {
                    field: "sample location",
                    value: u32::from(raw),
                })
            }
        })
    }
    pub fn to_raw(self) -> u8 {
        match self {
            SampleLocation::Finger => 1,
            SampleLocation::AlternateSiteTest => 2,
            SampleLocation::Earlobe => 3,
            SampleLocation::ControlSolution => 4,
            SampleLocation::NotAvailable => 15,
        }
    }
}

/// Sensor Status Annunciation (bits 0–11 defined; the rest reserved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensorStatus(pub u16);

impl SensorStatus {
    fn b(self, n: u32) -> bool {
        bit(u32::from(self.0), n)
    }
    pub fn battery_low(self) -> bool {
        self.b(0)
    }
    pub fn sensor_malfunction(self) -> bool {
        self.b(1)
    }
    pub fn sample_size_insufficient(self) -> bool {
        self.b(2)
    }
    pub fn strip_insertion_error(self) -> bool {
        self.b(3)
    }
    pub fn strip_type_incorrect(self) -> bool {
        self.b(4)
    }
    pub fn result_too_high(self) -> bool {
        self.b(5)
    }
    pub fn result_too_low(self) -> bool {
        self.b(6)
    }
    pub fn temperature_too_high(self) -> bool {
        self.b(7)
    }
    pub fn temperature_too_low(self) -> bool {
        self.b(8)
    }
    pub fn read_interrupted(self) -> bool {
        self.b(9)
    }
    pub fn general_device_fault(self) -> bool {
        self.b(10)
    }
    pub fn time_fault(self) -> bool {
        self.b(11)
    }
    /// Any annunciation that makes the value unusable as a reading (everything except
    /// battery low and time fault).
    pub fn invalidates_result(self) -> bool {
        self.0 & 0b0111_1111_1110 != 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlucoseReading {
    pub sequence_number: u16,
    pub base_time: BleDateTime,
    /// Minutes to add to `base_time` for the user-facing time.
    pub time_offset_minutes: Option<i16>,
    /// Concentration with type and sample location (they travel together, flag bit 1).
    pub concentration: Option<(GlucoseConcentration, GlucoseType, SampleLocation)>,
    pub sensor_status: Option<SensorStatus>,
    /// Flag bit 4: a Glucose Measurement Context (0x2A34) with the same sequence number follows.
    pub context_follows: bool,
}

impl GlucoseReading {
    pub fn decode(bytes: &[u8]) -> Result<Self, BleDecodeError> {
        let mut r = Reader::new(bytes);
        let flags = u32::from(r.u8("flags")?);
        let sequence_number = r.u16("sequence number")?;
        let base_time = r.date_time("base time")?;
        let time_offset_minutes = bit(flags, 0).then(|| r.i16("time offset")).transpose()?;
        let concentration = if bit(flags, 1) {
            let value = r.sfloat("glucose concentration")?;
            let ts = r.u8("type and sample location")?;
            let unit = if bit(flags, 2) {
                GlucoseUnit::MolPerL
            } else {
                GlucoseUnit::KgPerL
            };
            Some((
                GlucoseConcentration { unit, value },
                GlucoseType::from_raw(ts & 0x0F)?,
                SampleLocation::from_raw(ts >> 4)?,
            ))
        } else {
            None
        };
        let sensor_status = bit(flags, 3)
            .then(|| r.u16("sensor status annunciation").map(SensorStatus))
            .transpose()?;
        r.finish()?;
        Ok(GlucoseReading {
            sequence_number,
            base_time,
            time_offset_minutes,
            concentration,
            sensor_status,
            context_follows: bit(flags, 4),
        })
    }

    /// The concentration in mmol/L, `None` when absent or a special value.
    pub fn mmol_per_l(&self) -> Option<f64> {
        self.concentration.and_then(|(c, _, _)| c.mmol_per_l())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ble::testenc::{arb_date_time, arb_sfloat, Enc};
    use proptest::prelude::*;

    fn encode(r: &GlucoseReading) -> Vec<u8> {
        let mol = r
            .concentration
            .is_some_and(|(c, _, _)| c.unit == GlucoseUnit::MolPerL);
        let flags = u8::from(r.time_offset_minutes.is_some())
            | u8::from(r.concentration.is_some()) << 1
            | u8::from(mol) << 2
            | u8::from(r.sensor_status.is_some()) << 3
            | u8::from(r.context_follows) << 4;
        Enc::default()
            .u8(flags)
            .u16(r.sequence_number)
            .date_time(r.base_time)
            .opt(r.time_offset_minutes, Enc::i16)
            .opt(r.concentration, |e, (c, t, l)| {
                e.sfloat(c.value).u8(t.to_raw() | l.to_raw() << 4)
            })
            .opt(r.sensor_status.map(|s| s.0), Enc::u16)
            .0
    }

    #[test]
    fn kg_per_l_reading_from_a_finger() {
        // Flags 0x03 (time offset, concentration in kg/L); sequence 1;
        // base time 2026-11-23 07:30:00; offset +0; 100 mg/dL = 0.001 kg/L = 100 × 10⁻⁵
        // → exponent 0xB, mantissa 0x064 → SFLOAT 0xB064; type 1 (capillary whole blood),
        // location 1 (finger) → 0x11.
        let bytes = [
            0x03, 0x01, 0x00, 0xEA, 0x07, 11, 23, 7, 30, 0, 0x00, 0x00, 0x64, 0xB0, 0x11,
        ];
        let r = GlucoseReading::decode(&bytes).expect("valid");
        assert_eq!(r.sequence_number, 1);
        assert_eq!(r.time_offset_minutes, Some(0));
        let (c, t, l) = r.concentration.expect("concentration");
        assert_eq!(c.unit, GlucoseUnit::KgPerL);
        assert_eq!(
            (t, l),
            (GlucoseType::CapillaryWholeBlood, SampleLocation::Finger)
        );
        // 100 mg/dL = 1 g/L ÷ 180.16 g/mol = 5.5506 mmol/L.
        assert!(r.mmol_per_l().is_some_and(|m| (m - 5.5506).abs() < 1e-3));
        assert!(!r.context_follows);
    }

    #[test]
    fn mol_per_l_with_status_and_context() {
        // Flags 0x1E (concentration, mol/L, sensor status, context follows); sequence 0x0102;
        // 5.6 mmol/L = 0.0056 mol/L = 56 × 10⁻⁴ → 0xC038; type 2 (capillary plasma),
        // location 15 (not available) → 0xF2; status 0x0001 (battery low).
        let bytes = [
            0x1E, 0x02, 0x01, 0xEA, 0x07, 11, 23, 7, 30, 0, 0x38, 0xC0, 0xF2, 0x01, 0x00,
        ];
        let r = GlucoseReading::decode(&bytes).expect("valid");
        assert_eq!(r.sequence_number, 0x0102);
        assert!(r.mmol_per_l().is_some_and(|m| (m - 5.6).abs() < 1e-9));
        let s = r.sensor_status.expect("status");
        assert!(s.battery_low() && !s.invalidates_result());
        assert!(r.context_follows);
        // Negative time offset: −60 minutes = 0xFFC4.
        let r = GlucoseReading::decode(&[0x01, 0, 0, 0xEA, 0x07, 1, 1, 0, 0, 0, 0xC4, 0xFF])
            .expect("valid");
        assert_eq!(r.time_offset_minutes, Some(-60));
    }

    #[test]
    fn reserved_nibbles_and_length_errors() {
        let base = [0x02, 0x01, 0x00, 0xEA, 0x07, 11, 23, 7, 30, 0, 0x64, 0xB0];
        let with = |ts: u8| {
            let mut v = base.to_vec();
            v.push(ts);
            GlucoseReading::decode(&v)
        };
        assert!(matches!(
            with(0x10),
            Err(BleDecodeError::InvalidField {
                field: "glucose type",
                ..
            })
        ));
        assert!(matches!(
            with(0x51),
            Err(BleDecodeError::InvalidField {
                field: "sample location",
                ..
            })
        ));
        assert!(matches!(
            GlucoseReading::decode(&base),
            Err(BleDecodeError::Truncated {
                field: "type and sample location",
                ..
            })
        ));
        assert!(matches!(
            GlucoseReading::decode(&[0x00, 0x01]),
            Err(BleDecodeError::Truncated {
                field: "sequence number",
                ..
            })
        ));
        assert_eq!(
            GlucoseReading::decode(&[0x00, 0x01, 0x00, 0xEA, 0x07, 1, 1, 0, 0, 0, 0x00]),
            Err(BleDecodeError::TrailingBytes { extra: 1 })
        );
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..30)) {
            let _ = GlucoseReading::decode(&bytes);
        }

        #[test]
        fn round_trips(
            seq in any::<u16>(), base in arb_date_time(), off in proptest::option::of(any::<i16>()),
            conc in proptest::option::of((any::<bool>(), arb_sfloat(), 1u8..=10, prop_oneof![1u8..=4, Just(15u8)])),
            status in proptest::option::of(any::<u16>()), ctx in any::<bool>(),
        ) {
            let concentration = match conc {
                Some((mol, v, t, l)) => Some((
                    GlucoseConcentration { unit: if mol { GlucoseUnit::MolPerL } else { GlucoseUnit::KgPerL }, value: v },
                    GlucoseType::from_raw(t).map_err(|e| TestCaseError::fail(e.to_string()))?,
                    SampleLocation::from_raw(l).map_err(|e| TestCaseError::fail(e.to_string()))?,
                )),
                None => None,
            };
            let r = GlucoseReading {
                sequence_number: seq, base_time: base, time_offset_minutes: off, concentration,
                sensor_status: status.map(SensorStatus), context_follows: ctx,
            };
            prop_assert_eq!(GlucoseReading::decode(&encode(&r)), Ok(r));
        }
    }
}
