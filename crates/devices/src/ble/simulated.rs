//! `ScriptedLink`: a [`GattLink`] that plays a script of values, delays, expected writes and
//! a disconnect, and records what the procedure did (subscriptions, writes, disconnect).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::link::{GattLink, LinkError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Delivered by the next `next_value`.
    Value(u16, Vec<u8>),
    /// Nothing arrives for this long.
    Delay(Duration),
    /// Nothing more arrives until the procedure writes exactly these bytes here (a control
    /// point request); then the script goes on (the device's answer follows).
    ExpectWrite(u16, Vec<u8>),
    /// The link drops: `next_value`, `write` and `subscribe` fail from then on.
    Disconnect,
}

/// What the procedure did with the link.
#[derive(Debug, Default, Clone)]
pub(crate) struct Record {
    pub(crate) subscribed: Vec<u16>,
    pub(crate) writes: Vec<(u16, Vec<u8>)>,
    pub(crate) reads: Vec<u16>,
    /// Writes that did not match the script's next `ExpectWrite`.
    pub(crate) unexpected_writes: Vec<(u16, Vec<u8>)>,
    pub(crate) disconnected: bool,
    /// Steps left when the procedure disconnected.
    pub(crate) left: usize,
}

pub(crate) struct ScriptedLink {
    script: VecDeque<Step>,
    missing: Vec<u16>,
    /// What reads of a characteristic answer; a characteristic not here is missing.
    readable: Vec<(u16, Vec<u8>)>,
    /// When the `Delay` at the head of the script ends (set when first reached).
    delay_until: Option<Instant>,
    dropped: bool,
    record: Arc<Mutex<Record>>,
}

fn sleep_until(t: Instant) {
    let now = Instant::now();
    if t > now {
        std::thread::sleep(t - now);
    }
}

impl ScriptedLink {
    pub(crate) fn new(steps: impl IntoIterator<Item = Step>) -> Self {
        ScriptedLink {
            script: steps.into_iter().collect(),
            missing: Vec::new(),
            readable: Vec::new(),
            delay_until: None,
            dropped: false,
            record: Arc::default(),
        }
    }

    /// The device does not have this characteristic.
    pub(crate) fn without(mut self, characteristic: u16) -> Self {
        self.missing.push(characteristic);
        self
    }

    /// Reads of `characteristic` answer `value` (e.g. the device's Current Time).
    pub(crate) fn with_read(mut self, characteristic: u16, value: impl AsRef<[u8]>) -> Self {
        self.readable
            .push((characteristic, value.as_ref().to_vec()));
        self
    }

    /// Shared view of what the procedure did, readable after the link moved into a box.
    pub(crate) fn record(&self) -> Arc<Mutex<Record>> {
        Arc::clone(&self.record)
    }

    fn log(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl GattLink for ScriptedLink {
    fn subscribe(&mut self, characteristic: u16) -> Result<(), LinkError> {
        if self.dropped {
            return Err(LinkError::Disconnected);
        }
        if self.missing.contains(&characteristic) {
            return Err(LinkError::MissingCharacteristic(characteristic));
        }
        self.log().subscribed.push(characteristic);
        Ok(())
    }

    fn write(&mut self, characteristic: u16, value: &[u8]) -> Result<(), LinkError> {
        if self.dropped {
            return Err(LinkError::Disconnected);
        }
        if self.missing.contains(&characteristic) {
            return Err(LinkError::MissingCharacteristic(characteristic));
        }
        let entry = (characteristic, value.to_vec());
        let expected = matches!(self.script.front(), Some(Step::ExpectWrite(c, v)) if *c == characteristic && v == value);
        if expected {
            self.script.pop_front();
        } else {
            self.log().unexpected_writes.push(entry.clone());
        }
        self.log().writes.push(entry);
        Ok(())
    }

    fn read(&mut self, characteristic: u16) -> Result<Vec<u8>, LinkError> {
        if self.dropped {
            return Err(LinkError::Disconnected);
        }
        self.log().reads.push(characteristic);
        self.readable
            .iter()
            .find(|(c, _)| *c == characteristic && !self.missing.contains(c))
            .map(|(_, v)| v.clone())
            .ok_or(LinkError::MissingCharacteristic(characteristic))
    }

    fn next_value(&mut self, deadline: Instant) -> Result<Option<(u16, Vec<u8>)>, LinkError> {
        loop {
            if self.dropped {
                return Err(LinkError::Disconnected);
            }
            match self.script.front() {
                None | Some(Step::ExpectWrite(..)) => {
                    sleep_until(deadline);
                    return Ok(None);
                }
                Some(Step::Value(..)) => {
                    if let Some(Step::Value(c, v)) = self.script.pop_front() {
                        return Ok(Some((c, v)));
                    }
                }
                Some(Step::Delay(d)) => {
                    let d = *d;
                    let until = *self.delay_until.get_or_insert_with(|| Instant::now() + d);
                    if until > deadline {
                        sleep_until(deadline);
                        return Ok(None);
                    }
                    sleep_until(until);
                    self.delay_until = None;
                    self.script.pop_front();
                }
                Some(Step::Disconnect) => {
                    self.script.pop_front();
                    self.dropped = true;
                }
            }
        }
    }

    fn disconnect(&mut self) {
        let left = self.script.len();
        let mut log = self.log();
        log.disconnected = true;
        log.left = left;
    }
}
