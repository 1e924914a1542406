//! [`GattLink`] and [`Connector`] over btleplug (BlueZ over D-Bus on Linux, WinRT on Windows,
//! CoreBluetooth on macOS). Cargo feature `ble`.
//!
//! Compiled and linted in CI, never run there: CI and the build machine have no Bluetooth
//! adapter, no BlueZ and no virtual HCI, and a fake adapter would test only the fake. What runs
//! on top of it (the procedures, `BleInstrument`) is tested with a scripted link.
//!
//! btleplug is async; this wraps it in one current-thread tokio runtime owned by the connector
//! and shared with its links, driven with `block_on` from the kiosk's measurement thread.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use btleplug::api::bleuuid::{uuid_from_u16, BleUuid};
use btleplug::api::{
    Central, CentralEvent, Characteristic, Manager as _, Peripheral as _, ScanFilter,
    ValueNotification, WriteType,
};
use btleplug::platform::{Adapter, Manager, Peripheral};
use futures::future::Either;
use futures::stream::{Stream, StreamExt};
use tokio::runtime::Runtime;
use tokio::time::timeout_at;
use uuid::Uuid;

use super::link::{CancelToken, Connector, GattLink, LinkError};

/// Longest wait for one GATT operation (subscribe, write, disconnect): a device that has gone
/// silent must not hold the thread.
const OP_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a scan looks at its cancel token.
const CANCEL_CHECK: Duration = Duration::from_millis(250);

type Notifications = Pin<Box<dyn Stream<Item = ValueNotification> + Send>>;
type Events = Pin<Box<dyn Stream<Item = CentralEvent> + Send>>;

/// The 128-bit UUID of a SIG 16-bit UUID.
pub fn sig_uuid(short: u16) -> Uuid {
    uuid_from_u16(short)
}

fn backend(e: btleplug::Error) -> LinkError {
    match e {
        btleplug::Error::NoAdapterAvailable => LinkError::NoAdapter(e.to_string()),
        btleplug::Error::NotConnected => LinkError::Disconnected,
        btleplug::Error::TimedOut(_) => LinkError::TimedOut,
        other => LinkError::Backend(other.to_string()),
    }
}

fn tokio_deadline(deadline: Instant) -> tokio::time::Instant {
    tokio::time::Instant::from_std(deadline)
}

/// Runs `fut` on the runtime, giving up at `until` (`LinkError::TimedOut`). The timer is made
/// inside the runtime: tokio timers panic when created outside one.
fn run_until<F: std::future::Future>(
    runtime: &Runtime,
    until: tokio::time::Instant,
    fut: F,
) -> Result<F::Output, LinkError> {
    runtime
        .block_on(async move { timeout_at(until, fut).await })
        .map_err(|_| LinkError::TimedOut)
}

/// `OP_TIMEOUT` from now.
fn op_until() -> tokio::time::Instant {
    let now = Instant::now();
    tokio_deadline(now.checked_add(OP_TIMEOUT).unwrap_or(now))
}

/// Finds the device for a measurement: the first adapter, a scan for the profile's service
/// (or for a configured address or name), connect, service discovery.
pub struct BtleplugConnector {
    runtime: Arc<Runtime>,
    /// One D-Bus connection for the connector's life (each `Manager` opens one and keeps a
    /// task on the runtime); dropped after a failure so the next measurement starts afresh.
    manager: Mutex<Option<Manager>>,
    /// "AA:BB:CC:DD:EE:FF", compared ignoring case.
    address: Option<String>,
    /// A part of the advertised local name.
    name: Option<String>,
}

impl BtleplugConnector {
    /// Any device advertising the profile's service. Fails only if the runtime cannot start;
    /// a missing adapter shows at the first `connect` (as `LinkError::NoAdapter`).
    pub fn new() -> Result<Self, LinkError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LinkError::Backend(format!("cannot start the BLE runtime: {e}")))?;
        Ok(BtleplugConnector {
            runtime: Arc::new(runtime),
            manager: Mutex::new(None),
            address: None,
            name: None,
        })
    }

    /// Only the device with this address. The scan then does not filter by service: many
    /// devices leave their service out of the advertisement.
    pub fn with_address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }

    /// Only a device whose advertised name contains `name` (no service filter, as above).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    fn adapter(&self) -> Result<Adapter, LinkError> {
        let mut slot = self.manager.lock().unwrap_or_else(PoisonError::into_inner);
        let manager = match slot.as_ref() {
            Some(m) => m.clone(),
            None => {
                // Fails without a system bus or BlueZ: that is "no adapter" to the station.
                let m = self
                    .runtime
                    .block_on(Manager::new())
                    .map_err(|e| LinkError::NoAdapter(e.to_string()))?;
                *slot = Some(m.clone());
                m
            }
        };
        let adapters = match self.runtime.block_on(manager.adapters()) {
            Ok(a) => a,
            Err(e) => {
                *slot = None;
                return Err(LinkError::NoAdapter(e.to_string()));
            }
        };
        adapters
            .into_iter()
            .next()
            .ok_or_else(|| LinkError::NoAdapter("no Bluetooth adapter found".into()))
    }

    async fn matches(&self, peripheral: &Peripheral, service: Uuid) -> bool {
        let Ok(Some(props)) = peripheral.properties().await else {
            return false;
        };
        if self.address.is_none() && self.name.is_none() {
            return props.services.contains(&service);
        }
        let address_ok = self
            .address
            .as_ref()
            .is_none_or(|a| props.address.to_string().eq_ignore_ascii_case(a));
        let name_ok = self.name.as_ref().is_none_or(|n| {
            props
                .local_name
                .as_ref()
                .or(props.advertisement_name.as_ref())
                .is_some_and(|local| local.contains(n.as_str()))
        });
        address_ok && name_ok
    }

    async fn find(
        &self,
        adapter: &Adapter,
        service: u16,
        deadline: Instant,
        cancel: &CancelToken,
    ) -> Result<Peripheral, LinkError> {
        let wanted = sig_uuid(service);
        // Listen before scanning so that no advertisement is missed.
        let mut events = adapter.events().await.map_err(backend)?;
        // A device still (or already) connected needs no scan.
        for p in adapter.peripherals().await.map_err(backend)? {
            if p.is_connected().await.unwrap_or(false) && self.matches(&p, wanted).await {
                return Ok(p);
            }
        }
        let filter = if self.address.is_none() && self.name.is_none() {
            ScanFilter {
                services: vec![wanted],
            }
        } else {
            ScanFilter::default()
        };
        adapter.start_scan(filter).await.map_err(backend)?;
        let found = loop {
            if cancel.is_cancelled() {
                break Err(LinkError::Cancelled);
            }
            let now = Instant::now();
            if now >= deadline {
                break Err(LinkError::NotFound { service });
            }
            let tick = now
                .checked_add(CANCEL_CHECK)
                .map_or(deadline, |t| t.min(deadline));
            let event = match timeout_at(tokio_deadline(tick), events.next()).await {
                Err(_) => continue,
                Ok(None) => break Err(LinkError::Backend("adapter event stream ended".into())),
                Ok(Some(event)) => event,
            };
            // Every advertisement-driven event names the device it came from.
            let id = match event {
                CentralEvent::DeviceDiscovered(id)
                | CentralEvent::DeviceUpdated(id)
                | CentralEvent::RssiUpdate { id, .. }
                | CentralEvent::ServicesAdvertisement { id, .. }
                | CentralEvent::ServiceDataAdvertisement { id, .. }
                | CentralEvent::ManufacturerDataAdvertisement { id, .. } => id,
                _ => continue,
            };
            let Ok(p) = adapter.peripheral(&id).await else {
                continue;
            };
            if self.matches(&p, wanted).await {
                break Ok(p);
            }
        };
        if let Err(e) = adapter.stop_scan().await {
            tracing::debug!(error = %e, "stopping the BLE scan failed");
        }
        found
    }
}

async fn connect_and_discover(p: &Peripheral, deadline: Instant) -> Result<(), LinkError> {
    let until = tokio_deadline(deadline);
    if !p.is_connected().await.unwrap_or(false) {
        timeout_at(until, p.connect())
            .await
            .map_err(|_| LinkError::TimedOut)?
            .map_err(backend)?;
    }
    timeout_at(until, p.discover_services())
        .await
        .map_err(|_| LinkError::TimedOut)?
        .map_err(backend)
}

impl Connector for BtleplugConnector {
    fn connect(
        &self,
        service: u16,
        deadline: Instant,
        cancel: &CancelToken,
    ) -> Result<Box<dyn GattLink>, LinkError> {
        let adapter = self.adapter()?;
        let peripheral = self
            .runtime
            .block_on(self.find(&adapter, service, deadline, cancel))?;
        tracing::info!(address = %peripheral.address(), service = %format!("{service:#06x}"), "connecting to the BLE device");
        if let Err(e) = self
            .runtime
            .block_on(connect_and_discover(&peripheral, deadline))
        {
            // A half-made connection would keep the device from advertising to the next try;
            // the cleanup gets its own time even when the deadline has passed.
            let _ = run_until(&self.runtime, op_until(), peripheral.disconnect());
            return Err(e);
        }
        let link = BtleplugLink::open(Arc::clone(&self.runtime), &adapter, peripheral, service)?;
        Ok(Box::new(link))
    }
}

/// A connected peripheral. Disconnects when dropped if `disconnect` was not called.
pub struct BtleplugLink {
    runtime: Arc<Runtime>,
    peripheral: Peripheral,
    /// SIG characteristics by 16-bit UUID, those of the profile's service first.
    characteristics: HashMap<u16, Characteristic>,
    notifications: Notifications,
    events: Events,
    connected: bool,
}

impl BtleplugLink {
    fn open(
        runtime: Arc<Runtime>,
        adapter: &Adapter,
        peripheral: Peripheral,
        service: u16,
    ) -> Result<Self, LinkError> {
        let wanted = sig_uuid(service);
        let mut characteristics: HashMap<u16, Characteristic> = HashMap::new();
        for c in peripheral.characteristics() {
            let Some(short) = c.uuid.to_ble_u16() else {
                continue;
            };
            // RACP 0x2A52 also lives in other services (CGM): the profile's own wins.
            let keep_existing = characteristics
                .get(&short)
                .is_some_and(|e| e.service_uuid == wanted);
            if !keep_existing {
                characteristics.insert(short, c);
            }
        }
        // Opened before any subscription so that the first value is not missed.
        let streams = runtime.block_on(async {
            let n = peripheral.notifications().await?;
            let e = adapter.events().await?;
            Ok::<_, btleplug::Error>((n, e))
        });
        let (notifications, events) = match streams {
            Ok(s) => s,
            Err(e) => {
                let _ = run_until(&runtime, op_until(), peripheral.disconnect());
                return Err(backend(e));
            }
        };
        Ok(BtleplugLink {
            runtime,
            peripheral,
            characteristics,
            notifications,
            events,
            connected: true,
        })
    }

    fn characteristic(&self, short: u16) -> Result<Characteristic, LinkError> {
        self.characteristics
            .get(&short)
            .cloned()
            .ok_or(LinkError::MissingCharacteristic(short))
    }
}

impl GattLink for BtleplugLink {
    fn subscribe(&mut self, characteristic: u16) -> Result<(), LinkError> {
        let c = self.characteristic(characteristic)?;
        run_until(&self.runtime, op_until(), self.peripheral.subscribe(&c))?.map_err(backend)
    }

    fn write(&mut self, characteristic: u16, value: &[u8]) -> Result<(), LinkError> {
        let c = self.characteristic(characteristic)?;
        let write = self.peripheral.write(&c, value, WriteType::WithResponse);
        run_until(&self.runtime, op_until(), write)?.map_err(backend)
    }

    fn read(&mut self, characteristic: u16) -> Result<Vec<u8>, LinkError> {
        let c = self.characteristic(characteristic)?;
        run_until(&self.runtime, op_until(), self.peripheral.read(&c))?.map_err(backend)
    }

    fn next_value(&mut self, deadline: Instant) -> Result<Option<(u16, Vec<u8>)>, LinkError> {
        let BtleplugLink {
            runtime,
            peripheral,
            notifications,
            events,
            ..
        } = self;
        let id = peripheral.id();
        let until = tokio_deadline(deadline);
        runtime.block_on(async {
            loop {
                let either = futures::future::select(notifications.next(), events.next());
                match timeout_at(until, either).await {
                    Err(_) => return Ok(None),
                    Ok(Either::Left((Some(n), _))) => {
                        // Values of non-SIG (vendor) characteristics are not ours to read.
                        if let Some(short) = n.uuid.to_ble_u16() {
                            return Ok(Some((short, n.value)));
                        }
                    }
                    // The notification stream ends with the connection.
                    Ok(Either::Left((None, _))) => return Err(LinkError::Disconnected),
                    Ok(Either::Right((Some(CentralEvent::DeviceDisconnected(d)), _)))
                        if d == id =>
                    {
                        return Err(LinkError::Disconnected)
                    }
                    Ok(Either::Right((Some(_), _))) => {}
                    Ok(Either::Right((None, _))) => {
                        return Err(LinkError::Backend("adapter event stream ended".into()))
                    }
                }
            }
        })
    }

    fn disconnect(&mut self) {
        if !self.connected {
            return;
        }
        self.connected = false;
        match run_until(&self.runtime, op_until(), self.peripheral.disconnect()) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!(error = %e, "BLE disconnect failed"),
            Err(e) => tracing::debug!(error = %e, "BLE disconnect failed"),
        }
    }
}

impl Drop for BtleplugLink {
    fn drop(&mut self) {
        self.disconnect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sig_uuids_match_the_decoders_strings() {
        for short in [0x1810, 0x2A35, 0x2A52, 0x2A5F] {
            let uuid = sig_uuid(short);
            assert_eq!(
                uuid.to_string(),
                super::super::uuid16::to_uuid_string(short)
            );
            assert_eq!(uuid.to_ble_u16(), Some(short));
        }
        // A vendor UUID is not a SIG 16-bit one.
        let vendor = Uuid::from_u128(0x6e40_0002_b534_f393_67a9_e50e_24dc_ca9e);
        assert_eq!(vendor.to_ble_u16(), None);
    }

    #[test]
    fn link_errors_keep_their_meaning() {
        assert_eq!(
            backend(btleplug::Error::NoAdapterAvailable),
            LinkError::NoAdapter("No Bluetooth adapter available".into())
        );
        assert_eq!(
            backend(btleplug::Error::NotConnected),
            LinkError::Disconnected
        );
        assert_eq!(
            backend(btleplug::Error::TimedOut(Duration::from_secs(1))),
            LinkError::TimedOut
        );
    }
}
