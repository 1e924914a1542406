//! The call queue: one line per doctor group, first come first served. Pure data: the server
//! holds it under one lock, which is what makes "two doctors accept the same call: exactly one
//! wins" true ([`Queue::accept`] is the only way out of `Waiting`).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use thiserror::Error;

pub use station_clinic_protocol::{CallId, Vital};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallState {
    Waiting,
    Accepted { doctor: i64 },
}

#[derive(Debug, Clone)]
pub struct Call {
    pub id: CallId,
    pub station_id: String,
    pub station_name: String,
    pub group: String,
    /// The resident as the kiosk masks them (name and ID number partly hidden).
    pub resident: String,
    pub vitals: Vec<Vital>,
    pub queued_at: DateTime<Utc>,
    pub state: CallState,
    /// Doctors who declined it: it stays in the line for the others.
    declined_by: HashSet<i64>,
}

#[derive(Debug, Clone)]
pub struct NewCall {
    pub id: CallId,
    pub station_id: String,
    pub station_name: String,
    pub group: String,
    pub resident: String,
    pub vitals: Vec<Vital>,
    pub queued_at: DateTime<Utc>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum QueueError {
    #[error("no such call")]
    NoSuchCall,
    #[error("another doctor has taken this call")]
    AlreadyTaken,
    #[error("this call is for another doctor group")]
    OtherGroup,
    #[error("this station is already calling")]
    AlreadyCalling,
    #[error("this call is not yours")]
    NotYours,
}

#[derive(Debug, Default)]
pub struct Queue {
    /// In arrival order; a call whose doctor dropped goes back to the front.
    calls: Vec<Call>,
}

impl Queue {
    pub fn join(&mut self, new: NewCall) -> Result<&Call, QueueError> {
        if self.calls.iter().any(|c| c.station_id == new.station_id) {
            return Err(QueueError::AlreadyCalling);
        }
        self.calls.push(Call {
            id: new.id,
            station_id: new.station_id,
            station_name: new.station_name,
            group: new.group,
            resident: new.resident,
            vitals: new.vitals,
            queued_at: new.queued_at,
            state: CallState::Waiting,
            declined_by: HashSet::new(),
        });
        self.calls.last().ok_or(QueueError::NoSuchCall)
    }

    pub fn get(&self, id: &str) -> Option<&Call> {
        self.calls.iter().find(|c| c.id == id)
    }

    pub fn of_station(&self, station_id: &str) -> Option<&Call> {
        self.calls.iter().find(|c| c.station_id == station_id)
    }

    /// 1 for the next call to be answered in its group; `None` once accepted or gone.
    pub fn position(&self, id: &str) -> Option<usize> {
        let call = self.get(id)?;
        if call.state != CallState::Waiting {
            return None;
        }
        self.waiting(&call.group)
            .position(|c| c.id == id)
            .map(|p| p + 1)
    }

    /// Expected wait in whole minutes: the calls ahead, and this one, shared among the doctors
    /// of the group who are online (at least one minute, and one doctor when none is).
    pub fn expected_wait_minutes(
        &self,
        id: &str,
        doctors_online: usize,
        average_call_minutes: u32,
    ) -> Option<u32> {
        let position = u32::try_from(self.position(id)?).unwrap_or(u32::MAX);
        let doctors = u32::try_from(doctors_online.max(1)).unwrap_or(u32::MAX);
        Some(
            position
                .saturating_mul(average_call_minutes)
                .div_ceil(doctors)
                .max(1),
        )
    }

    /// The waiting calls of `group`, in order.
    pub fn waiting<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Call> + 'a {
        self.calls
            .iter()
            .filter(move |c| c.group == group && c.state == CallState::Waiting)
    }

    /// What doctor `doctor` of `group` is offered: the waiting calls they have not declined.
    pub fn offered_to<'a>(&'a self, group: &'a str, doctor: i64) -> Vec<&'a Call> {
        self.waiting(group)
            .filter(|c| !c.declined_by.contains(&doctor))
            .collect()
    }

    /// The one way a call leaves `Waiting`: the first doctor wins, later ones get
    /// [`QueueError::AlreadyTaken`].
    pub fn accept(&mut self, id: &str, doctor: i64, group: &str) -> Result<&Call, QueueError> {
        let call = self
            .calls
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or(QueueError::NoSuchCall)?;
        if call.group != group {
            return Err(QueueError::OtherGroup);
        }
        if call.state != CallState::Waiting {
            return Err(QueueError::AlreadyTaken);
        }
        call.state = CallState::Accepted { doctor };
        Ok(call)
    }

    pub fn decline(&mut self, id: &str, doctor: i64) -> Result<(), QueueError> {
        let call = self
            .calls
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or(QueueError::NoSuchCall)?;
        if call.state != CallState::Waiting {
            return Err(QueueError::AlreadyTaken);
        }
        call.declined_by.insert(doctor);
        Ok(())
    }

    /// The call `id` if `doctor` has it.
    pub fn doctors_call(&self, id: &str, doctor: i64) -> Result<&Call, QueueError> {
        let call = self.get(id).ok_or(QueueError::NoSuchCall)?;
        match call.state {
            CallState::Accepted { doctor: d } if d == doctor => Ok(call),
            _ => Err(QueueError::NotYours),
        }
    }

    /// The calls `doctor` has accepted.
    pub fn calls_of(&self, doctor: i64) -> Vec<CallId> {
        self.calls
            .iter()
            .filter(|c| c.state == CallState::Accepted { doctor })
            .map(|c| c.id.clone())
            .collect()
    }

    /// The doctor dropped: the call waits again, at the front of its group's line.
    pub fn requeue_front(&mut self, id: &str) -> Result<(), QueueError> {
        let index = self
            .calls
            .iter()
            .position(|c| c.id == id)
            .ok_or(QueueError::NoSuchCall)?;
        let mut call = self.calls.remove(index);
        call.state = CallState::Waiting;
        self.calls.insert(0, call);
        Ok(())
    }

    pub fn add_vitals(&mut self, id: &str, vitals: Vec<Vital>) -> Result<&Call, QueueError> {
        let call = self
            .calls
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or(QueueError::NoSuchCall)?;
        call.vitals.extend(vitals);
        Ok(call)
    }

    /// The call leaves the queue (ended, or its resident left); returns it.
    pub fn remove(&mut self, id: &str) -> Option<Call> {
        let index = self.calls.iter().position(|c| c.id == id)?;
        Some(self.calls.remove(index))
    }
}

#[cfg(test)]
mod tests;
