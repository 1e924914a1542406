//! PLX Spot-check Measurement (0x2A5E) and PLX Continuous Measurement (0x2A5F) of the Pulse
//! Oximeter Service (0x1822), per PLXS v1.0.1, 3.1 and 3.2.

use super::{bit, BleDateTime, BleDecodeError, Reader, SFloat};

/// Measurement Status (u16). Bits 0–4 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlxMeasurementStatus(pub u16);

impl PlxMeasurementStatus {
    fn b(self, n: u32) -> bool {
        bit(u32::from(self.0), n)
    }
    pub fn measurement_ongoing(self) -> bool {
        self.b(5)
    }
    pub fn early_estimated_data(self) -> bool {
        self.b(6)
    }
    pub fn validated_data(self) -> bool {
        self.b(7)
    }
    pub fn fully_qualified_data(self) -> bool {
        self.b(8)
    }
    pub fn from_measurement_storage(self) -> bool {
        self.b(9)
    }
    pub fn for_demonstration(self) -> bool {
        self.b(10)
    }
    pub fn for_testing(self) -> bool {
        self.b(11)
    }
    pub fn calibration_ongoing(self) -> bool {
        self.b(12)
    }
    pub fn measurement_unavailable(self) -> bool {
        self.b(13)
    }
    pub fn questionable_measurement(self) -> bool {
        self.b(14)
    }
    pub fn invalid_measurement(self) -> bool {
        self.b(15)
    }
}

/// Device and Sensor Status (24 bits). Bits 16–23 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlxDeviceSensorStatus(pub u32);

impl PlxDeviceSensorStatus {
    fn b(self, n: u32) -> bool {
        bit(self.0, n)
    }
    pub fn extended_display_update_ongoing(self) -> bool {
        self.b(0)
    }
    pub fn equipment_malfunction(self) -> bool {
        self.b(1)
    }
    pub fn signal_processing_irregularity(self) -> bool {
        self.b(2)
    }
    pub fn inadequate_signal(self) -> bool {
        self.b(3)
    }
    pub fn poor_signal(self) -> bool {
        self.b(4)
    }
    pub fn low_perfusion(self) -> bool {
        self.b(5)
    }
    pub fn erratic_signal(self) -> bool {
        self.b(6)
    }
    pub fn nonpulsatile_signal(self) -> bool {
        self.b(7)
    }
    pub fn questionable_pulse(self) -> bool {
        self.b(8)
    }
    pub fn signal_analysis_ongoing(self) -> bool {
        self.b(9)
    }
    pub fn sensor_interference(self) -> bool {
        self.b(10)
    }
    pub fn sensor_unconnected_to_user(self) -> bool {
        self.b(11)
    }
    pub fn unknown_sensor_connected(self) -> bool {
        self.b(12)
    }
    pub fn sensor_displaced(self) -> bool {
        self.b(13)
    }
    pub fn sensor_malfunctioning(self) -> bool {
        self.b(14)
    }
    pub fn sensor_disconnected(self) -> bool {
        self.b(15)
    }
}

/// SpO2 (%) and pulse rate (bpm), as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpO2Pr {
    pub spo2: SFloat,
    pub pulse_rate: SFloat,
}

impl SpO2Pr {
    fn read(r: &mut Reader<'_>) -> Result<Self, BleDecodeError> {
        Ok(SpO2Pr {
            spo2: r.sfloat("SpO2")?,
            pulse_rate: r.sfloat("pulse rate")?,
        })
    }
}

/// PLX Spot-check Measurement. Flags u8: 0 time stamp, 1 measurement status, 2 device and
/// sensor status, 3 pulse amplitude index, 4 device clock not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlxSpotCheck {
    pub reading: SpO2Pr,
    pub timestamp: Option<BleDateTime>,
    pub measurement_status: Option<PlxMeasurementStatus>,
    pub device_sensor_status: Option<PlxDeviceSensorStatus>,
    /// Pulse amplitude index, %.
    pub pulse_amplitude_index: Option<SFloat>,
    pub device_clock_not_set: bool,
}

impl PlxSpotCheck {
    pub fn decode(bytes: &[u8]) -> Result<Self, BleDecodeError> {
        let mut r = Reader::new(bytes);
        let flags = u32::from(r.u8("flags")?);
        let reading = SpO2Pr::read(&mut r)?;
        let timestamp = bit(flags, 0)
            .then(|| r.date_time("time stamp"))
            .transpose()?;
        let (measurement_status, device_sensor_status, pulse_amplitude_index) =
            read_tail(&mut r, flags, 1)?;
        r.finish()?;
        Ok(PlxSpotCheck {
            reading,
            timestamp,
            measurement_status,
            device_sensor_status,
            pulse_amplitude_index,
            device_clock_not_set: bit(flags, 4),
        })
    }
}

type Tail = (
    Option<PlxMeasurementStatus>,
    Option<PlxDeviceSensorStatus>,
    Option<SFloat>,
);

/// Measurement status, device and sensor status, pulse amplitude index: the same three
/// fields end both characteristics, announced by three consecutive flag bits from `first`.
fn read_tail(r: &mut Reader<'_>, flags: u32, first: u32) -> Result<Tail, BleDecodeError> {
    let ms = bit(flags, first)
        .then(|| r.u16("measurement status").map(PlxMeasurementStatus))
        .transpose()?;
    let ds = bit(flags, first + 1)
        .then(|| r.u24("device and sensor status").map(PlxDeviceSensorStatus))
        .transpose()?;
    let pai = bit(flags, first + 2)
        .then(|| r.sfloat("pulse amplitude index"))
        .transpose()?;
    Ok((ms, ds, pai))
}

/// PLX Continuous Measurement. Flags u8: 0 SpO2PR-Fast, 1 SpO2PR-Slow, 2 measurement status,
/// 3 device and sensor status, 4 pulse amplitude index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlxContinuous {
    pub normal: SpO2Pr,
    pub fast: Option<SpO2Pr>,
    pub slow: Option<SpO2Pr>,
    pub measurement_status: Option<PlxMeasurementStatus>,
    pub device_sensor_status: Option<PlxDeviceSensorStatus>,
    pub pulse_amplitude_index: Option<SFloat>,
}

impl PlxContinuous {
    pub fn decode(bytes: &[u8]) -> Result<Self, BleDecodeError> {
        let mut r = Reader::new(bytes);
        let flags = u32::from(r.u8("flags")?);
        let normal = SpO2Pr::read(&mut r)?;
        let fast = bit(flags, 0).then(|| SpO2Pr::read(&mut r)).transpose()?;
        let slow = bit(flags, 1).then(|| SpO2Pr::read(&mut r)).transpose()?;
        let (measurement_status, device_sensor_status, pulse_amplitude_index) =
            read_tail(&mut r, flags, 2)?;
        r.finish()?;
        Ok(PlxContinuous {
            normal,
            fast,
            slow,
            measurement_status,
            device_sensor_status,
            pulse_amplitude_index,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ble::testenc::{arb_date_time, arb_sfloat, Enc};
    use crate::ble::SpecialValue;
    use proptest::prelude::*;

    fn enc_pair(e: Enc, p: SpO2Pr) -> Enc {
        e.sfloat(p.spo2).sfloat(p.pulse_rate)
    }

    fn enc_tail(
        e: Enc,
        ms: Option<PlxMeasurementStatus>,
        ds: Option<PlxDeviceSensorStatus>,
        pai: Option<SFloat>,
    ) -> Enc {
        e.opt(ms.map(|m| m.0), Enc::u16)
            .opt(ds.map(|d| d.0), Enc::u24)
            .opt(pai, Enc::sfloat)
    }

    fn encode_spot(m: &PlxSpotCheck) -> Vec<u8> {
        let flags = u8::from(m.timestamp.is_some())
            | u8::from(m.measurement_status.is_some()) << 1
            | u8::from(m.device_sensor_status.is_some()) << 2
            | u8::from(m.pulse_amplitude_index.is_some()) << 3
            | u8::from(m.device_clock_not_set) << 4;
        let e = enc_pair(Enc::default().u8(flags), m.reading).opt(m.timestamp, Enc::date_time);
        enc_tail(
            e,
            m.measurement_status,
            m.device_sensor_status,
            m.pulse_amplitude_index,
        )
        .0
    }

    fn encode_cont(m: &PlxContinuous) -> Vec<u8> {
        let flags = u8::from(m.fast.is_some())
            | u8::from(m.slow.is_some()) << 1
            | u8::from(m.measurement_status.is_some()) << 2
            | u8::from(m.device_sensor_status.is_some()) << 3
            | u8::from(m.pulse_amplitude_index.is_some()) << 4;
        let e = enc_pair(Enc::default().u8(flags), m.normal)
            .opt(m.fast, enc_pair)
            .opt(m.slow, enc_pair);
        enc_tail(
            e,
            m.measurement_status,
            m.device_sensor_status,
            m.pulse_amplitude_index,
        )
        .0
    }

    #[test]
    fn spot_check_minimal_and_full() {
        // Flags 0x00; SpO2 98 % = 0x0062; pulse 72 = 0x0048.
        let m = PlxSpotCheck::decode(&[0x00, 0x62, 0x00, 0x48, 0x00]).expect("valid");
        assert_eq!(m.reading.spo2.value(), Some(98.0));
        assert_eq!(m.reading.pulse_rate.value(), Some(72.0));
        // Flags 0x1F: everything, clock not set. SpO2 97.5 = 975 × 10⁻¹ = 0xF3CF; pulse 64;
        // 2026-11-23 10:00:00; measurement status 0x0080 (validated); device status
        // 0x000020 (low perfusion); PAI 2.5 = 25 × 10⁻¹ = 0xF019.
        let bytes = [
            0x1F, 0xCF, 0xF3, 0x40, 0x00, 0xEA, 0x07, 11, 23, 10, 0, 0, 0x80, 0x00, 0x20, 0x00,
            0x00, 0x19, 0xF0,
        ];
        let m = PlxSpotCheck::decode(&bytes).expect("valid");
        assert_eq!(m.reading.spo2.value(), Some(97.5));
        assert!(m.measurement_status.is_some_and(|s| s.validated_data()));
        assert!(m.device_sensor_status.is_some_and(|s| s.low_perfusion()));
        assert_eq!(m.pulse_amplitude_index.and_then(SFloat::value), Some(2.5));
        assert!(m.device_clock_not_set);
    }

    #[test]
    fn continuous_with_fast_and_status() {
        // Flags 0x05 (fast, measurement status). Normal 96/70, fast 95/71 (NaN pulse would be
        // 0x07FF), status 0x0020 (measurement ongoing).
        let bytes = [
            0x05, 0x60, 0x00, 0x46, 0x00, 0x5F, 0x00, 0xFF, 0x07, 0x20, 0x00,
        ];
        let m = PlxContinuous::decode(&bytes).expect("valid");
        assert_eq!(m.normal.spo2.value(), Some(96.0));
        let fast = m.fast.expect("fast");
        assert_eq!(fast.spo2.value(), Some(95.0));
        assert_eq!(fast.pulse_rate.special(), Some(SpecialValue::NaN));
        assert_eq!(m.slow, None);
        assert!(m
            .measurement_status
            .is_some_and(|s| s.measurement_ongoing()));
    }

    #[test]
    fn length_errors() {
        assert!(matches!(
            PlxSpotCheck::decode(&[0x00, 0x62, 0x00, 0x48]),
            Err(BleDecodeError::Truncated {
                field: "pulse rate",
                ..
            })
        ));
        assert!(matches!(
            PlxSpotCheck::decode(&[0x04, 0x62, 0x00, 0x48, 0x00, 0x20, 0x00]),
            Err(BleDecodeError::Truncated {
                field: "device and sensor status",
                ..
            })
        ));
        assert_eq!(
            PlxContinuous::decode(&[0x00, 0x60, 0x00, 0x46, 0x00, 0x00]),
            Err(BleDecodeError::TrailingBytes { extra: 1 })
        );
    }

    fn arb_pair() -> impl Strategy<Value = SpO2Pr> {
        (arb_sfloat(), arb_sfloat()).prop_map(|(spo2, pulse_rate)| SpO2Pr { spo2, pulse_rate })
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..30)) {
            let _ = PlxSpotCheck::decode(&bytes);
            let _ = PlxContinuous::decode(&bytes);
        }

        #[test]
        fn spot_check_round_trips(
            p in arb_pair(), ts in proptest::option::of(arb_date_time()),
            ms in proptest::option::of(any::<u16>()), ds in proptest::option::of(0u32..1 << 24),
            pai in proptest::option::of(arb_sfloat()), clock in any::<bool>(),
        ) {
            let m = PlxSpotCheck {
                reading: p, timestamp: ts, measurement_status: ms.map(PlxMeasurementStatus),
                device_sensor_status: ds.map(PlxDeviceSensorStatus), pulse_amplitude_index: pai,
                device_clock_not_set: clock,
            };
            prop_assert_eq!(PlxSpotCheck::decode(&encode_spot(&m)), Ok(m));
        }

        #[test]
        fn continuous_round_trips(
            n in arb_pair(), f in proptest::option::of(arb_pair()), s in proptest::option::of(arb_pair()),
            ms in proptest::option::of(any::<u16>()), ds in proptest::option::of(0u32..1 << 24),
            pai in proptest::option::of(arb_sfloat()),
        ) {
            let m = PlxContinuous {
                normal: n, fast: f, slow: s, measurement_status: ms.map(PlxMeasurementStatus),
                device_sensor_status: ds.map(PlxDeviceSensorStatus), pulse_amplitude_index: pai,
            };
            prop_assert_eq!(PlxContinuous::decode(&encode_cont(&m)), Ok(m));
        }
    }
}
