//! The simulator behind [`Instrument`]: demo mode and the e2e suite. Each simulated device
//! plays a script of outcomes, then repeats a calm default.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use station_protocol::MeasureKind;

use crate::{DeviceCheck, DeviceError, Instrument, Measurement};

/// One scripted outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum SimulatedOutcome {
    Result(Measurement),
    Fault(DeviceError),
    /// The device never answers (the station's own timeout must end the wait).
    Hang,
    /// The driver crashes (a bug in a device library): the station must recover.
    Panic,
}

pub struct SimulatedInstrument {
    kind: MeasureKind,
    script: Mutex<VecDeque<SimulatedOutcome>>,
    duration: Duration,
    /// What staff's self-test finds.
    check: Result<DeviceCheck, DeviceError>,
    /// Measurements that have taken their scripted outcome: a test waits for this before it
    /// moves the station's clock, so a retry cannot take the outcome meant for the first try.
    started: AtomicU64,
}

/// How long a hanging simulated device keeps its thread (far beyond any station timeout).
const HANG_FOR: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{env} item {index} ({item:?}) is not {expected} or no_response/disconnect/stale/hang/panic"
)]
pub struct ScriptError {
    pub env: &'static str,
    pub index: usize,
    pub item: String,
    pub expected: &'static str,
}

/// The environment variable scripting each kind's simulator, and the item format it takes.
pub fn script_env(kind: MeasureKind) -> (&'static str, &'static str) {
    match kind {
        MeasureKind::BloodPressure => (
            "STATION_SIM_BP",
            "SYS/DIA/PULSE, optionally +irregular +movement +loose",
        ),
        MeasureKind::Body => ("STATION_SIM_BODY", "KG/CM"),
        MeasureKind::Temperature => ("STATION_SIM_TEMPERATURE", "CELSIUS"),
        MeasureKind::Glucose => ("STATION_SIM_GLUCOSE", "MMOL"),
        MeasureKind::Spo2 => ("STATION_SIM_SPO2", "PERCENT/PULSE"),
    }
}

/// Status bits a simulated blood-pressure result may carry, after `+`.
const BP_FLAGS: [&str; 3] = ["irregular", "movement", "loose"];

/// How long one simulated measurement takes (seconds, default 3).
pub const SECONDS_ENV: &str = "STATION_SIM_SECONDS";

fn default_reading(kind: MeasureKind) -> Measurement {
    match kind {
        MeasureKind::BloodPressure => Measurement::BloodPressure {
            systolic: 128,
            diastolic: 82,
            pulse: 72,
            irregular_pulse: false,
            body_movement: false,
            cuff_loose: false,
        },
        MeasureKind::Body => Measurement::Body {
            weight_kg: 62.5,
            height_cm: 165.0,
        },
        MeasureKind::Temperature => Measurement::Temperature { celsius: 36.6 },
        MeasureKind::Glucose => Measurement::Glucose { mmol_per_l: 5.4 },
        MeasureKind::Spo2 => Measurement::Spo2 {
            percent: 97.0,
            pulse: 72,
        },
    }
}

impl SimulatedInstrument {
    pub fn new(kind: MeasureKind, duration: Duration, script: Vec<SimulatedOutcome>) -> Self {
        SimulatedInstrument {
            kind,
            script: Mutex::new(script.into()),
            duration,
            check: Ok(DeviceCheck::default()),
            started: AtomicU64::new(0),
        }
    }

    /// How many measurements have begun (each took the next scripted outcome, if any).
    pub fn measurements_started(&self) -> u64 {
        self.started.load(Ordering::SeqCst)
    }

    /// The self-test finds this (a battery level, or a device that does not answer).
    pub fn with_check(mut self, check: Result<DeviceCheck, DeviceError>) -> Self {
        self.check = check;
        self
    }

    /// Parses a script such as `"128/82/72,no_response"` (blood pressure) or `"36.6,hang"`.
    pub fn parse_script(
        kind: MeasureKind,
        text: &str,
    ) -> Result<Vec<SimulatedOutcome>, ScriptError> {
        let (env, expected) = script_env(kind);
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate()
            .map(|(index, item)| {
                let err = || ScriptError {
                    env,
                    index,
                    item: item.to_string(),
                    expected,
                };
                match item {
                    "no_response" => return Ok(SimulatedOutcome::Fault(DeviceError::NoResponse)),
                    "disconnect" => return Ok(SimulatedOutcome::Fault(DeviceError::Disconnected)),
                    // A BLE device that sent only records from its memory (README, "Stored records").
                    "stale" => return Ok(SimulatedOutcome::Fault(DeviceError::StaleRecord)),
                    "hang" => return Ok(SimulatedOutcome::Hang),
                    "panic" => return Ok(SimulatedOutcome::Panic),
                    _ => {}
                }
                // Blood pressure may carry the monitor's status bits: "150/95/80+irregular+movement".
                let mut parts = item.split('+');
                let values = parts.next().unwrap_or_default();
                let flags: Vec<&str> = parts.collect();
                if flags
                    .iter()
                    .any(|f| kind != MeasureKind::BloodPressure || !BP_FLAGS.contains(f))
                {
                    return Err(err());
                }
                let flag = |name: &str| flags.contains(&name);
                let nums: Vec<f64> = values
                    .split('/')
                    .map(|p| p.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0))
                    .collect::<Option<_>>()
                    .ok_or_else(err)?;
                let whole =
                    |v: f64| (v.fract() == 0.0 && v <= f64::from(u16::MAX)).then_some(v as u16);
                let m = match (kind, nums.as_slice()) {
                    (MeasureKind::BloodPressure, [s, d, p]) => Measurement::BloodPressure {
                        systolic: whole(*s).ok_or_else(err)?,
                        diastolic: whole(*d).ok_or_else(err)?,
                        pulse: whole(*p).ok_or_else(err)?,
                        irregular_pulse: flag("irregular"),
                        body_movement: flag("movement"),
                        cuff_loose: flag("loose"),
                    },
                    (MeasureKind::Body, [w, h]) => Measurement::Body {
                        weight_kg: *w,
                        height_cm: *h,
                    },
                    (MeasureKind::Temperature, [c]) => Measurement::Temperature { celsius: *c },
                    (MeasureKind::Glucose, [g]) => Measurement::Glucose { mmol_per_l: *g },
                    (MeasureKind::Spo2, [s, p]) => Measurement::Spo2 {
                        percent: *s,
                        pulse: whole(*p).ok_or_else(err)?,
                    },
                    _ => return Err(err()),
                };
                Ok(SimulatedOutcome::Result(m))
            })
            .collect()
    }
}

impl Instrument for SimulatedInstrument {
    fn kind(&self) -> MeasureKind {
        self.kind
    }

    fn model(&self) -> &str {
        "simulated"
    }

    fn check(&self) -> Result<DeviceCheck, DeviceError> {
        self.check.clone()
    }

    fn measure(&self) -> Result<Measurement, DeviceError> {
        let next = self.script.lock().ok().and_then(|mut s| s.pop_front());
        self.started.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(self.duration);
        match next {
            None => Ok(default_reading(self.kind)),
            Some(SimulatedOutcome::Result(m)) => Ok(m),
            Some(SimulatedOutcome::Fault(e)) => Err(e),
            Some(SimulatedOutcome::Hang) => {
                std::thread::sleep(HANG_FOR);
                Err(DeviceError::NoResponse)
            }
            Some(SimulatedOutcome::Panic) => {
                panic!("simulated {} driver crash", self.kind.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plays_the_script_then_the_default() {
        let script = SimulatedInstrument::parse_script(
            MeasureKind::BloodPressure,
            "150/95/80, no_response,disconnect, stale",
        )
        .expect("script");
        let m = SimulatedInstrument::new(MeasureKind::BloodPressure, Duration::ZERO, script);
        assert!(matches!(
            m.measure(),
            Ok(Measurement::BloodPressure { systolic: 150, .. })
        ));
        assert_eq!(m.measure(), Err(DeviceError::NoResponse));
        assert_eq!(m.measure(), Err(DeviceError::Disconnected));
        assert_eq!(m.measure(), Err(DeviceError::StaleRecord));
        assert_eq!(m.measure(), Ok(default_reading(MeasureKind::BloodPressure)));
    }

    #[test]
    fn every_kind_parses_its_own_format_and_defaults_to_its_kind() {
        let cases = [
            (MeasureKind::Body, "70.5/168"),
            (MeasureKind::Temperature, "38.2"),
            (MeasureKind::Glucose, "11.5"),
            (MeasureKind::Spo2, "88/104"),
        ];
        for (kind, text) in cases {
            let script = SimulatedInstrument::parse_script(kind, text).expect("script");
            let dev = SimulatedInstrument::new(kind, Duration::ZERO, script);
            assert_eq!(dev.measure().expect("scripted").kind(), kind);
            assert_eq!(dev.measure().expect("default").kind(), kind);
        }
    }

    #[test]
    fn bad_script_items_are_named() {
        let err = SimulatedInstrument::parse_script(MeasureKind::BloodPressure, "120/80/70,12x/80")
            .expect_err("bad");
        assert_eq!((err.env, err.index), ("STATION_SIM_BP", 1));
        assert!(SimulatedInstrument::parse_script(MeasureKind::BloodPressure, "120/80").is_err());
        assert!(SimulatedInstrument::parse_script(MeasureKind::Spo2, "97/72.5").is_err());
        assert!(SimulatedInstrument::parse_script(MeasureKind::Temperature, "NaN").is_err());
    }

    #[test]
    fn blood_pressure_carries_the_monitors_status_bits() {
        let script = SimulatedInstrument::parse_script(
            MeasureKind::BloodPressure,
            "150/95/80+movement+loose,120/80/70+irregular",
        )
        .expect("script");
        let dev = SimulatedInstrument::new(MeasureKind::BloodPressure, Duration::ZERO, script);
        assert!(matches!(
            dev.measure(),
            Ok(Measurement::BloodPressure {
                body_movement: true,
                cuff_loose: true,
                irregular_pulse: false,
                ..
            })
        ));
        assert!(matches!(
            dev.measure(),
            Ok(Measurement::BloodPressure {
                irregular_pulse: true,
                body_movement: false,
                cuff_loose: false,
                ..
            })
        ));
        for bad in ["120/80/70+shaky", "36.5+movement"] {
            let kind = if bad.starts_with("36") {
                MeasureKind::Temperature
            } else {
                MeasureKind::BloodPressure
            };
            assert!(
                SimulatedInstrument::parse_script(kind, bad).is_err(),
                "{bad}"
            );
        }
    }

    /// A script item written the way README.md documents it, independently of the parser.
    fn write_item(o: &SimulatedOutcome) -> String {
        match o {
            SimulatedOutcome::Fault(DeviceError::NoResponse) => "no_response".into(),
            SimulatedOutcome::Fault(DeviceError::Disconnected) => "disconnect".into(),
            SimulatedOutcome::Fault(DeviceError::StaleRecord) => "stale".into(),
            SimulatedOutcome::Fault(other) => panic!("no script item for {other:?}"),
            SimulatedOutcome::Hang => "hang".into(),
            SimulatedOutcome::Panic => "panic".into(),
            SimulatedOutcome::Result(m) => match m {
                Measurement::BloodPressure {
                    systolic,
                    diastolic,
                    pulse,
                    irregular_pulse,
                    body_movement,
                    cuff_loose,
                } => {
                    let mut item = format!("{systolic}/{diastolic}/{pulse}");
                    for (on, name) in [
                        (irregular_pulse, "irregular"),
                        (body_movement, "movement"),
                        (cuff_loose, "loose"),
                    ] {
                        if *on {
                            item = format!("{item}+{name}");
                        }
                    }
                    item
                }
                Measurement::Body {
                    weight_kg,
                    height_cm,
                } => format!("{weight_kg}/{height_cm}"),
                Measurement::Temperature { celsius } => format!("{celsius}"),
                Measurement::Glucose { mmol_per_l } => format!("{mmol_per_l}"),
                Measurement::Spo2 { percent, pulse } => format!("{percent}/{pulse}"),
            },
        }
    }

    fn outcome(kind: MeasureKind) -> impl Strategy<Value = SimulatedOutcome> {
        let tenth = |lo: u32, hi: u32| (lo..hi).prop_map(|v| f64::from(v) / 10.0);
        let result = match kind {
            MeasureKind::BloodPressure => (
                any::<u16>(),
                any::<u16>(),
                any::<u16>(),
                any::<(bool, bool, bool)>(),
            )
                .prop_map(
                    |(systolic, diastolic, pulse, (i, m, l))| Measurement::BloodPressure {
                        systolic,
                        diastolic,
                        pulse,
                        irregular_pulse: i,
                        body_movement: m,
                        cuff_loose: l,
                    },
                )
                .boxed(),
            MeasureKind::Body => (tenth(0, 5000), tenth(0, 2500))
                .prop_map(|(weight_kg, height_cm)| Measurement::Body {
                    weight_kg,
                    height_cm,
                })
                .boxed(),
            MeasureKind::Temperature => tenth(0, 500)
                .prop_map(|celsius| Measurement::Temperature { celsius })
                .boxed(),
            MeasureKind::Glucose => tenth(0, 500)
                .prop_map(|mmol_per_l| Measurement::Glucose { mmol_per_l })
                .boxed(),
            MeasureKind::Spo2 => (tenth(0, 1000), any::<u16>())
                .prop_map(|(percent, pulse)| Measurement::Spo2 { percent, pulse })
                .boxed(),
        };
        prop_oneof![
            result.prop_map(SimulatedOutcome::Result),
            Just(SimulatedOutcome::Fault(DeviceError::NoResponse)),
            Just(SimulatedOutcome::Fault(DeviceError::Disconnected)),
            Just(SimulatedOutcome::Fault(DeviceError::StaleRecord)),
            Just(SimulatedOutcome::Hang),
            Just(SimulatedOutcome::Panic),
        ]
    }

    proptest! {
        #[test]
        fn parse_script_never_panics(s in ".{0,64}") {
            for kind in MeasureKind::ALL {
                let _ = SimulatedInstrument::parse_script(kind, &s);
            }
        }

        #[test]
        fn a_written_script_reads_back_as_written(
            (kind, script) in proptest::sample::select(MeasureKind::ALL.to_vec())
                .prop_flat_map(|k| (Just(k), proptest::collection::vec(outcome(k), 0..8)))
        ) {
            let text = script.iter().map(write_item).collect::<Vec<_>>().join(", ");
            let back = SimulatedInstrument::parse_script(kind, &text).expect("a written script parses");
            prop_assert_eq!(back, script);
        }
    }
}
