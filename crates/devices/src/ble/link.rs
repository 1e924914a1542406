//! What a profile procedure needs from a connected BLE peripheral, as a small blocking trait.
//!
//! The procedures (`super::procedure`) are written against [`GattLink`] rather than btleplug so
//! that everything above the radio is tested here with a scripted link; the btleplug
//! implementation (`super::btleplug_link`, feature `ble`) is the only part that needs an
//! adapter. Characteristics are named by their SIG 16-bit UUIDs (`super::uuid16`): every
//! profile this crate speaks uses only those.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use thiserror::Error;

use crate::DeviceError;

/// A connected peripheral, for one measurement. Blocking: the kiosk runs `measure` on its own
/// thread.
pub trait GattLink: Send {
    /// Enables notifications or indications (whichever the characteristic offers).
    fn subscribe(&mut self, characteristic: u16) -> Result<(), LinkError>;
    /// Writes with response (control points such as RACP need the response to be sent).
    fn write(&mut self, characteristic: u16, value: &[u8]) -> Result<(), LinkError>;
    /// Reads a characteristic's value (the device's Current Time at connect).
    /// `Err(LinkError::MissingCharacteristic)` when the device has none.
    fn read(&mut self, characteristic: u16) -> Result<Vec<u8>, LinkError>;
    /// The next notified or indicated value, in arrival order: `Ok(None)` once `deadline` has
    /// passed without one, `Err(LinkError::Disconnected)` when the link has dropped.
    fn next_value(&mut self, deadline: Instant) -> Result<Option<(u16, Vec<u8>)>, LinkError>;
    /// Ends the connection (the device goes back to sleep). Failures are only logged: the
    /// measurement is over either way.
    fn disconnect(&mut self);
}

/// Why the link could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinkError {
    /// No usable Bluetooth adapter (none present, powered off, or BlueZ/D-Bus not running).
    #[error("no Bluetooth adapter is available: {0}")]
    NoAdapter(String),
    /// No peripheral matching the request advertised before the deadline.
    #[error("no device offering service {service:#06x} was found")]
    NotFound { service: u16 },
    /// The connected peripheral does not have this characteristic.
    #[error("the device has no characteristic {0:#06x}")]
    MissingCharacteristic(u16),
    /// The connection dropped.
    #[error("the connection to the device dropped")]
    Disconnected,
    /// A connect, discovery or write did not finish before the deadline.
    #[error("the Bluetooth operation did not finish in time")]
    TimedOut,
    /// A newer measurement took over before this one connected.
    #[error("the measurement was superseded")]
    Cancelled,
    /// Anything else the Bluetooth stack reported.
    #[error("Bluetooth error: {0}")]
    Backend(String),
}

impl LinkError {
    /// What the kiosk is told. Only a dropped link is `Disconnected`; everything else means the
    /// device did not answer (asleep, out of range, no adapter, a profile it does not offer).
    pub fn to_device_error(&self) -> DeviceError {
        match self {
            LinkError::Disconnected => DeviceError::Disconnected,
            _ => DeviceError::NoResponse,
        }
    }
}

/// Set when the measurement that holds it is no longer wanted (a newer `measure` started):
/// the procedure and the connector give up soon after instead of holding the device.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Finds and connects the device for one measurement. Health devices sleep between uses and
/// wake (advertise) when used, so a connection is made per measurement, never kept.
pub trait Connector: Send + Sync {
    /// Connects to a peripheral offering `service` (a SIG 16-bit service UUID), giving up at
    /// `deadline` (`LinkError::NotFound` / `TimedOut`) or when `cancel` is set.
    fn connect(
        &self,
        service: u16,
        deadline: Instant,
        cancel: &CancelToken,
    ) -> Result<Box<dyn GattLink>, LinkError>;
}

/// A closure is a connector (tests, or a caller that already knows how to find its device).
impl<F> Connector for F
where
    F: Fn(u16, Instant, &CancelToken) -> Result<Box<dyn GattLink>, LinkError> + Send + Sync,
{
    fn connect(
        &self,
        service: u16,
        deadline: Instant,
        cancel: &CancelToken,
    ) -> Result<Box<dyn GattLink>, LinkError> {
        self(service, deadline, cancel)
    }
}
