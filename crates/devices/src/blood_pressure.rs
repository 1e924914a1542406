//! Blood-pressure monitors.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::DeviceError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BpMeasurement {
    pub systolic: u16,
    pub diastolic: u16,
    pub pulse: u16,
    pub irregular_pulse: bool,
}

/// An upper-arm monitor. `measure` blocks until the cuff has finished (tens of seconds on a
/// real device), so callers run it off the UI thread.
pub trait BloodPressureMonitor: Send + Sync {
    /// Model name recorded with each reading ("simulated" for the simulator).
    fn model(&self) -> &str;
    fn measure(&self) -> Result<BpMeasurement, DeviceError>;
}

/// One scripted outcome of the simulator.
pub type SimulatedOutcome = Result<BpMeasurement, DeviceError>;

/// Demo-mode monitor: plays a script of outcomes, then repeats a calm default reading.
pub struct SimulatedBpMonitor {
    script: Mutex<VecDeque<SimulatedOutcome>>,
    duration: Duration,
}

/// The environment variable that scripts the simulator, e.g. `"128/82/72,no_response,165/95/80"`.
pub const SCRIPT_ENV: &str = "STATION_SIM_BP";

const DEFAULT_READING: BpMeasurement = BpMeasurement {
    systolic: 128,
    diastolic: 82,
    pulse: 72,
    irregular_pulse: false,
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("simulator script item {index} ({item:?}) is not SYS/DIA/PULSE or no_response/disconnect")]
pub struct ScriptError {
    pub index: usize,
    pub item: String,
}

impl SimulatedBpMonitor {
    pub fn new(duration: Duration, script: Vec<SimulatedOutcome>) -> Self {
        SimulatedBpMonitor {
            script: Mutex::new(script.into()),
            duration,
        }
    }

    /// Parses a script such as `"128/82/72,no_response"`.
    pub fn parse_script(text: &str) -> Result<Vec<SimulatedOutcome>, ScriptError> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate()
            .map(|(index, item)| {
                let err = || ScriptError {
                    index,
                    item: item.to_string(),
                };
                match item {
                    "no_response" => Ok(Err(DeviceError::NoResponse)),
                    "disconnect" => Ok(Err(DeviceError::Disconnected)),
                    _ => {
                        let parts: Vec<u16> = item
                            .split('/')
                            .map(|p| p.parse::<u16>().map_err(|_| err()))
                            .collect::<Result<_, _>>()?;
                        match parts.as_slice() {
                            [s, d, p] => Ok(Ok(BpMeasurement {
                                systolic: *s,
                                diastolic: *d,
                                pulse: *p,
                                irregular_pulse: false,
                            })),
                            _ => Err(err()),
                        }
                    }
                }
            })
            .collect()
    }
}

impl BloodPressureMonitor for SimulatedBpMonitor {
    fn model(&self) -> &str {
        "simulated"
    }

    fn measure(&self) -> Result<BpMeasurement, DeviceError> {
        std::thread::sleep(self.duration);
        let next = self.script.lock().ok().and_then(|mut s| s.pop_front());
        next.unwrap_or(Ok(DEFAULT_READING))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plays_the_script_then_the_default() {
        let script =
            SimulatedBpMonitor::parse_script("150/95/80, no_response,disconnect").expect("script");
        let m = SimulatedBpMonitor::new(Duration::ZERO, script);
        assert_eq!(m.measure().map(|r| r.systolic), Ok(150));
        assert_eq!(m.measure(), Err(DeviceError::NoResponse));
        assert_eq!(m.measure(), Err(DeviceError::Disconnected));
        assert_eq!(m.measure(), Ok(DEFAULT_READING));
    }

    #[test]
    fn bad_script_items_are_named() {
        let err = SimulatedBpMonitor::parse_script("120/80/70,12x/80").expect_err("bad");
        assert_eq!(err.index, 1);
        assert!(SimulatedBpMonitor::parse_script("120/80").is_err());
    }

    proptest! {
        #[test]
        fn parse_script_never_panics(s in ".{0,64}") {
            let _ = SimulatedBpMonitor::parse_script(&s);
        }
    }
}
