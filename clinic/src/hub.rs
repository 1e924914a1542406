//! Who is connected and what each message does. Synchronous and under one lock (the
//! [`Console`](crate::Console) holds it, never across an await): the queue, the kiosks' and
//! doctors' outgoing channels. Store writes come first or are undone, so what the console
//! tells either side is always what it recorded.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::mpsc::UnboundedSender;

use crate::accounts::Doctor;
use crate::messages::{
    EndReason, ErrorCode, FromDoctor, FromStation, IceServer, QueueEntry, ToDoctor, ToStation,
};
use crate::queue::{CallState, NewCall, Queue, QueueError};
use crate::records;
use crate::stations::Station;
use crate::store::{Actor, ConsoleStore};

/// How long a kiosk whose connection dropped keeps its place (or its call).
pub const STATION_GRACE_SECONDS: i64 = 20;

pub type ConnId = u64;

struct StationLink {
    conn: ConnId,
    tx: UnboundedSender<ToStation>,
    away_since: Option<DateTime<Utc>>,
}

struct DoctorLink {
    doctor: Doctor,
    tx: UnboundedSender<ToDoctor>,
}

pub struct Hub {
    queue: Queue,
    stations: HashMap<String, StationLink>,
    doctors: HashMap<ConnId, DoctorLink>,
    average_call_minutes: u32,
    next_call: u64,
    /// The relays every kiosk is told of as it connects (`[[ice_servers]]`, `relay_only`).
    relays: Vec<IceServer>,
    relay_only: bool,
}

fn queue_error(e: QueueError) -> ErrorCode {
    match e {
        QueueError::NoSuchCall => ErrorCode::NoSuchCall,
        QueueError::AlreadyTaken => ErrorCode::AlreadyTaken,
        QueueError::OtherGroup => ErrorCode::OtherGroup,
        QueueError::AlreadyCalling => ErrorCode::AlreadyCalling,
        QueueError::NotYours => ErrorCode::NotYours,
    }
}

impl Hub {
    pub fn new(average_call_minutes: u32, relays: Vec<IceServer>, relay_only: bool) -> Hub {
        Hub {
            queue: Queue::default(),
            stations: HashMap::new(),
            doctors: HashMap::new(),
            average_call_minutes,
            next_call: 0,
            relays,
            relay_only,
        }
    }

    fn doctors_online(&self, group: &str) -> usize {
        self.doctors
            .values()
            .filter(|d| d.doctor.group == group)
            .count()
    }

    fn wait_of(&self, call: &str, group: &str) -> Option<(usize, u32)> {
        let position = self.queue.position(call)?;
        let wait = self.queue.expected_wait_minutes(
            call,
            self.doctors_online(group),
            self.average_call_minutes,
        )?;
        Some((position, wait))
    }

    fn to_station(&self, station_id: &str, message: ToStation) {
        if let Some(link) = self.stations.get(station_id) {
            let _ = link.tx.send(message);
        }
    }

    fn to_doctor_of(&self, doctor_id: i64, message: ToDoctor) {
        for link in self.doctors.values().filter(|d| d.doctor.id == doctor_id) {
            let _ = link.tx.send(message.clone());
        }
    }

    /// After any change in `group`'s line: each doctor sees what they are offered, each waiting
    /// kiosk its place and expected wait.
    fn refresh(&self, group: &str, now: DateTime<Utc>) {
        for link in self.doctors.values().filter(|d| d.doctor.group == group) {
            let calls = self
                .queue
                .offered_to(group, link.doctor.id)
                .into_iter()
                .map(|c| QueueEntry {
                    call: c.id.clone(),
                    station: c.station_name.clone(),
                    resident: c.resident.clone(),
                    vitals: c.vitals.clone(),
                    waited_seconds: (now - c.queued_at).num_seconds().max(0),
                })
                .collect();
            let _ = link.tx.send(ToDoctor::Queue { calls });
        }
        let waiting: Vec<_> = self
            .queue
            .waiting(group)
            .map(|c| (c.id.clone(), c.station_id.clone()))
            .collect();
        for (call, station) in waiting {
            if let Some((position, wait_minutes)) = self.wait_of(&call, group) {
                self.to_station(
                    &station,
                    ToStation::Position {
                        position,
                        wait_minutes,
                    },
                );
            }
        }
    }

    /// A kiosk proved itself. A reconnecting kiosk finds its place or its call again.
    pub fn station_connected(
        &mut self,
        conn: ConnId,
        station: Station,
        tx: UnboundedSender<ToStation>,
    ) {
        let id = station.id.clone();
        let _ = tx.send(ToStation::Welcome {
            station_name: station.name.clone(),
            ice_servers: self.relays.clone(),
            relay_only: self.relay_only,
        });
        self.stations.insert(
            id.clone(),
            StationLink {
                conn,
                tx,
                away_since: None,
            },
        );
        let Some(call) = self.queue.of_station(&id).cloned() else {
            return;
        };
        match call.state {
            CallState::Waiting => {
                if let Some((position, wait_minutes)) = self.wait_of(&call.id, &call.group) {
                    self.to_station(
                        &id,
                        ToStation::Queued {
                            call: call.id.clone(),
                            position,
                            wait_minutes,
                        },
                    );
                }
            }
            CallState::Accepted { doctor } => {
                let name = self
                    .doctors
                    .values()
                    .find(|d| d.doctor.id == doctor)
                    .map(|d| d.doctor.display_name.clone())
                    .unwrap_or_default();
                let accepted = ToStation::Accepted {
                    doctor: name,
                    call: Some(call.id.clone()),
                };
                self.to_station(&id, accepted);
                self.to_doctor_of(doctor, ToDoctor::StationBack { call: call.id });
            }
        }
    }

    /// The kiosk's connection `conn` ended: its call waits [`STATION_GRACE_SECONDS`] for it.
    pub fn station_disconnected(&mut self, station_id: &str, conn: ConnId, now: DateTime<Utc>) {
        let Some(link) = self.stations.get_mut(station_id) else {
            return;
        };
        if link.conn != conn {
            // A newer connection of the same kiosk took over.
            return;
        }
        link.away_since = Some(now);
        if let Some(call) = self.queue.of_station(station_id) {
            if let CallState::Accepted { doctor } = call.state {
                self.to_doctor_of(
                    doctor,
                    ToDoctor::StationAway {
                        call: call.id.clone(),
                    },
                );
            }
        }
    }

    /// Ends the calls of kiosks away longer than the grace period.
    pub fn sweep(&mut self, store: &ConsoleStore, now: DateTime<Utc>) {
        let lost: Vec<String> = self
            .stations
            .iter()
            .filter(|(_, l)| {
                l.away_since
                    .is_some_and(|t| now - t > Duration::seconds(STATION_GRACE_SECONDS))
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in lost {
            self.stations.remove(&id);
            if let Some(call) = self.queue.of_station(&id).map(|c| c.id.clone()) {
                self.end_call(store, &call, &Actor::Console, EndReason::StationLost, now);
            }
        }
    }

    pub fn doctor_connected(
        &mut self,
        conn: ConnId,
        doctor: Doctor,
        tx: UnboundedSender<ToDoctor>,
        now: DateTime<Utc>,
    ) {
        let _ = tx.send(ToDoctor::Welcome {
            doctor: doctor.display_name.clone(),
            group: doctor.group.clone(),
        });
        let group = doctor.group.clone();
        self.doctors.insert(conn, DoctorLink { doctor, tx });
        self.refresh(&group, now);
    }

    /// A doctor's page closed or dropped: their calls wait again, first in line, and the
    /// kiosks are told.
    pub fn doctor_disconnected(&mut self, store: &ConsoleStore, conn: ConnId, now: DateTime<Utc>) {
        let Some(link) = self.doctors.remove(&conn) else {
            return;
        };
        let doctor = link.doctor;
        if self.doctors.values().any(|d| d.doctor.id == doctor.id) {
            // The same doctor is still connected on another page.
            return;
        }
        for call in self.queue.calls_of(doctor.id) {
            if let Err(e) = records::requeued(store, &call, now) {
                tracing::error!(error = %e, call, "cannot record a dropped doctor");
            }
            if self.queue.requeue_front(&call).is_ok() {
                if let Some(station) = self.queue.get(&call).map(|c| c.station_id.clone()) {
                    if let Some((position, wait_minutes)) = self.wait_of(&call, &doctor.group) {
                        self.to_station(
                            &station,
                            ToStation::Requeued {
                                position,
                                wait_minutes,
                            },
                        );
                    }
                }
            }
        }
        self.refresh(&doctor.group, now);
    }

    fn end_call(
        &mut self,
        store: &ConsoleStore,
        call: &str,
        actor: &Actor,
        reason: EndReason,
        now: DateTime<Utc>,
    ) {
        if let Err(e) = records::ended(store, call, actor, reason, now) {
            tracing::error!(error = %e, call, "cannot record the end of a call");
        }
        let Some(ended) = self.queue.remove(call) else {
            return;
        };
        if let CallState::Accepted { doctor } = ended.state {
            self.to_doctor_of(
                doctor,
                ToDoctor::Ended {
                    call: ended.id.clone(),
                    reason,
                },
            );
        }
        if reason != EndReason::ResidentLeft {
            let end = ToStation::Ended {
                reason,
                call: Some(ended.id.clone()),
            };
            self.to_station(&ended.station_id, end);
        }
        self.refresh(&ended.group, now);
    }

    pub fn on_station_message(
        &mut self,
        store: &ConsoleStore,
        station: &Station,
        message: FromStation,
        now: DateTime<Utc>,
    ) {
        let error = |code, detail: &str| ToStation::Error {
            code,
            detail: detail.to_string(),
        };
        let current = self.queue.of_station(&station.id).cloned();
        match message {
            FromStation::Hello { .. } => {
                self.to_station(&station.id, error(ErrorCode::Invalid, "already identified"));
            }
            FromStation::Call { resident, vitals } => {
                self.next_call += 1;
                let id = format!(
                    "{}-{}-{}",
                    station.id,
                    now.timestamp_millis(),
                    self.next_call
                );
                let new = NewCall {
                    id: id.clone(),
                    station_id: station.id.clone(),
                    station_name: station.name.clone(),
                    group: station.group.clone(),
                    resident,
                    vitals,
                    queued_at: now,
                };
                let joined = match self.queue.join(new) {
                    Ok(call) => call.clone(),
                    Err(e) => {
                        self.to_station(&station.id, error(queue_error(e), ""));
                        return;
                    }
                };
                if let Err(e) = records::queued(store, &joined, now) {
                    tracing::error!(error = %e, "cannot record a call");
                    self.queue.remove(&id);
                    self.to_station(&station.id, error(ErrorCode::Internal, "not recorded"));
                    return;
                }
                if let Some((position, wait_minutes)) = self.wait_of(&id, &station.group) {
                    self.to_station(
                        &station.id,
                        ToStation::Queued {
                            call: id,
                            position,
                            wait_minutes,
                        },
                    );
                }
                self.refresh(&station.group, now);
            }
            FromStation::Leave {} | FromStation::Hangup {} => {
                let Some(call) = current else {
                    self.to_station(&station.id, error(ErrorCode::NotCalling, ""));
                    return;
                };
                let reason = match call.state {
                    CallState::Waiting => EndReason::ResidentLeft,
                    CallState::Accepted { .. } => EndReason::ResidentHungUp,
                };
                let actor = Actor::Station(station.id.clone());
                self.end_call(store, &call.id, &actor, reason, now);
                if reason == EndReason::ResidentLeft {
                    self.to_station(&station.id, ToStation::Left);
                }
            }
            FromStation::Vitals { vitals } => {
                let Some(call) = current else {
                    self.to_station(&station.id, error(ErrorCode::NotCalling, ""));
                    return;
                };
                if let Ok(updated) = self.queue.add_vitals(&call.id, vitals.clone()) {
                    match updated.state {
                        CallState::Accepted { doctor } => self.to_doctor_of(
                            doctor,
                            ToDoctor::Vitals {
                                call: call.id.clone(),
                                vitals,
                            },
                        ),
                        CallState::Waiting => self.refresh(&station.group, now),
                    }
                }
            }
            FromStation::Signal { payload } => match current.map(|c| (c.id, c.state)) {
                Some((call, CallState::Accepted { doctor })) => {
                    self.to_doctor_of(doctor, ToDoctor::Signal { call, payload })
                }
                _ => self.to_station(&station.id, error(ErrorCode::NotCalling, "no doctor yet")),
            },
        }
    }

    pub fn on_doctor_message(
        &mut self,
        store: &ConsoleStore,
        conn: ConnId,
        message: FromDoctor,
        now: DateTime<Utc>,
    ) {
        let Some(doctor) = self.doctors.get(&conn).map(|l| l.doctor.clone()) else {
            return;
        };
        let reply = |hub: &Hub, message: ToDoctor| {
            if let Some(link) = hub.doctors.get(&conn) {
                let _ = link.tx.send(message);
            }
        };
        let error = |code, detail: &str| ToDoctor::Error {
            code,
            detail: detail.to_string(),
        };
        match message {
            FromDoctor::Auth { .. } => reply(self, error(ErrorCode::Invalid, "already signed in")),
            FromDoctor::Accept { call } => {
                let accepted = match self.queue.accept(&call, doctor.id, &doctor.group) {
                    Ok(c) => c.clone(),
                    Err(e) => return reply(self, error(queue_error(e), "")),
                };
                if let Err(e) = records::accepted(store, &call, doctor.id, now) {
                    tracing::error!(error = %e, call, "cannot record an accepted call");
                    let _ = self.queue.requeue_front(&call);
                    return reply(self, error(ErrorCode::Internal, "not recorded"));
                }
                reply(
                    self,
                    ToDoctor::Accepted {
                        call: call.clone(),
                        station: accepted.station_name.clone(),
                        resident: accepted.resident.clone(),
                        vitals: accepted.vitals.clone(),
                    },
                );
                self.to_station(
                    &accepted.station_id,
                    ToStation::Accepted {
                        doctor: doctor.display_name.clone(),
                        call: Some(accepted.id.clone()),
                    },
                );
                self.refresh(&doctor.group, now);
            }
            FromDoctor::Decline { call } => {
                if let Err(e) = self.queue.decline(&call, doctor.id) {
                    return reply(self, error(queue_error(e), ""));
                }
                if let Err(e) = records::declined(store, &call, doctor.id, now) {
                    tracing::error!(error = %e, call, "cannot record a declined call");
                }
                self.refresh(&doctor.group, now);
            }
            FromDoctor::Signal { call, payload } => match self.queue.doctors_call(&call, doctor.id)
            {
                Ok(c) => {
                    let station = c.station_id.clone();
                    self.to_station(&station, ToStation::Signal { payload });
                }
                Err(e) => reply(self, error(queue_error(e), "")),
            },
            FromDoctor::Notes { call, text } => {
                if let Err(e) = self.queue.doctors_call(&call, doctor.id) {
                    return reply(self, error(queue_error(e), ""));
                }
                match records::notes(store, &call, doctor.id, &text, now) {
                    Ok(()) => reply(
                        self,
                        ToDoctor::Saved {
                            call,
                            what: "notes".into(),
                        },
                    ),
                    Err(e) => {
                        tracing::error!(error = %e, call, "cannot save notes");
                        reply(self, error(ErrorCode::Internal, "not saved"));
                    }
                }
            }
            FromDoctor::Prescription { call, items } => {
                let station = match self.queue.doctors_call(&call, doctor.id) {
                    Ok(c) => c.station_id.clone(),
                    Err(e) => return reply(self, error(queue_error(e), "")),
                };
                if let Err(e) = records::prescription(store, &call, doctor.id, &items, now) {
                    tracing::error!(error = %e, call, "cannot save a prescription");
                    return reply(self, error(ErrorCode::Internal, "not saved"));
                }
                self.to_station(
                    &station,
                    ToStation::Prescription {
                        doctor: doctor.display_name.clone(),
                        items,
                    },
                );
                reply(
                    self,
                    ToDoctor::Saved {
                        call,
                        what: "prescription".into(),
                    },
                );
            }
            FromDoctor::Hangup { call } => {
                if let Err(e) = self.queue.doctors_call(&call, doctor.id) {
                    return reply(self, error(queue_error(e), ""));
                }
                self.end_call(
                    store,
                    &call,
                    &Actor::Doctor(doctor.id),
                    EndReason::DoctorHungUp,
                    now,
                );
            }
        }
    }
}
