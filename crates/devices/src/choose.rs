//! The measuring devices the station's config names: the one place their backend is chosen.

use std::sync::Arc;
use std::time::Duration;

use station_core::config::InstrumentChoice;
use station_protocol::MeasureKind;

use crate::simulated::{script_env, SECONDS_ENV};
use crate::{Instrument, SimulatedInstrument};

/// One instrument per kind the station has, or none (every kind then shows "本站暂无此设备").
pub fn open_instruments(choice: InstrumentChoice) -> Vec<Arc<dyn Instrument>> {
    match choice {
        InstrumentChoice::None => {
            tracing::warn!(
                "no measuring devices configured ([devices] instruments): self-test is off"
            );
            Vec::new()
        }
        InstrumentChoice::Simulated => simulated_instruments(),
        InstrumentChoice::Ble => ble_instruments(),
    }
}

/// One BLE instrument per kind, each finding its device by the profile's service when a
/// measurement starts (devices sleep between uses). Compiled in CI, not exercised: no Bluetooth
/// adapter there (see README.md).
#[cfg(feature = "ble")]
fn ble_instruments() -> Vec<Arc<dyn Instrument>> {
    use crate::ble::{BleInstrument, BtleplugConnector, Profile};
    MeasureKind::ALL
        .into_iter()
        .filter_map(|kind| match BtleplugConnector::new() {
            Ok(connector) => Some(Arc::new(BleInstrument::new(
                Profile::for_kind(kind),
                format!("ble:{}", kind.as_str()),
                connector,
            )) as Arc<dyn Instrument>),
            Err(e) => {
                tracing::error!(error = %e, kind = kind.as_str(), "BLE not usable; kind off");
                None
            }
        })
        .collect()
}

/// `instruments = "ble"` in a build without BLE: no devices rather than pretend ones.
#[cfg(not(feature = "ble"))]
fn ble_instruments() -> Vec<Arc<dyn Instrument>> {
    tracing::error!("devices.instruments = \"ble\" but this build has no BLE (build with --features ble); measuring is off");
    Vec::new()
}

/// The demo's devices. `STATION_SIM_<KIND>` scripts each one; see README.md.
fn simulated_instruments() -> Vec<Arc<dyn Instrument>> {
    let seconds = std::env::var(SECONDS_ENV)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| (0.0..=120.0).contains(s))
        .unwrap_or(3.0);
    MeasureKind::ALL
        .into_iter()
        .map(|kind| {
            let (env, _) = script_env(kind);
            let script = std::env::var(env)
                .ok()
                .and_then(|s| match SimulatedInstrument::parse_script(kind, &s) {
                    Ok(script) => Some(script),
                    Err(e) => {
                        tracing::warn!(error = %e, "ignoring {env}");
                        None
                    }
                })
                .unwrap_or_default();
            Arc::new(SimulatedInstrument::new(
                kind,
                Duration::from_secs_f64(seconds),
                script,
            )) as Arc<dyn Instrument>
        })
        .collect()
}
