//! "呼叫医生": the cloud-clinic call (Wenzhou 6.3.3.2). The resident joins the doctors' queue
//! (with this visit's readings), waits in the waiting room (place and wait, spoken), talks with
//! the doctor who accepted, and afterwards sees the prescription and prints it as a pickup slip.
//!
//! States: the call is `Visit::call` (waiting or talking), beside the task, so the resident can
//! measure while the doctor watches (Wenzhou step 3: the doctor guides the BP monitor) and the
//! reading goes to the doctor at once; `Task::Clinic` shows it, a banner on other screens leads
//! back ("返回通话"). Then `Visit::prescription`, shown by `Task::Prescription`.
//! Actions: `OpenService { CallDoctor }` (see `flows::open_service`), `LeaveClinic`, `BackHome`,
//! `HangUp`, `ReturnToCall`, `PrintPrescription`. Events: the console's messages and the link's
//! state (`Station::on_clinic`), the clock (`tick`: a link down too long ends the call).
//! Leaving by a button tells the console here; a visit that ends any other way (logout, idle, a
//! pulled card, another resident) tells it in `Station::show` ([`farewell`]).

use std::time::Duration;

use station_clinic_protocol::{EndReason, ErrorCode, FromStation, ToStation, Vital};
use station_i18n::Catalog;
use station_protocol::{
    Action, CallQuality, ClinicCallView, ClinicWaitView, Notice, PrescriptionLine,
    PrescriptionView, ReadingSummary,
};

use super::{prescription, Ctx, Next};
use crate::report_input::reading_entry;
use crate::visit::{Task, Visit};

/// The console keeps a place (or a call) 20 s after the station's link drops; after this long
/// down the kiosk stops waiting and says the call is lost.
pub(crate) const LINK_LOST_AFTER: Duration = Duration::from_secs(30);
/// A call the console never acknowledged (lost on the way) is given up after this.
pub(crate) const NO_ANSWER_AFTER: Duration = Duration::from_secs(20);
/// The protocol's bound on vitals in one message (the newest are sent).
const MAX_VITALS: usize = 32;

#[derive(Debug)]
pub(crate) struct Clinic {
    /// The console's id of this call, from its first place in line.
    pub id: Option<String>,
    pub stage: Stage,
    /// When the call was placed.
    pub since: Duration,
    /// When the station's link dropped during this call.
    pub down_since: Option<Duration>,
    /// This visit's readings sent to the doctor so far.
    pub readings_sent: u32,
    /// The doctor of this call wrote a prescription (`Visit::prescription`).
    pub prescribed: bool,
}

#[derive(Debug)]
pub(crate) enum Stage {
    Waiting(ClinicWaitView),
    InCall {
        doctor: String,
        /// How the doctor's picture arrives (from the media, through the station clock).
        quality: CallQuality,
    },
}

impl Clinic {
    pub fn screen(&self) -> station_protocol::Screen {
        use station_protocol::Screen;
        match &self.stage {
            Stage::Waiting(wait) => Screen::ClinicWaiting {
                wait: ClinicWaitView {
                    reconnecting: self.down_since.is_some(),
                    ..wait.clone()
                },
            },
            Stage::InCall { doctor, quality } => Screen::ClinicCall {
                call: ClinicCallView {
                    doctor: doctor.clone(),
                    vitals_sent: self.readings_sent,
                    prescribed: self.prescribed,
                    reconnecting: self.down_since.is_some(),
                    quality: *quality,
                },
            },
        }
    }

    pub fn in_call(&self) -> bool {
        matches!(self.stage, Stage::InCall { .. })
    }

    /// What the console must hear when the call is left: out of the queue, or hung up.
    fn farewell(&self) -> FromStation {
        if self.in_call() {
            FromStation::Hangup {}
        } else {
            FromStation::Leave {}
        }
    }
}

/// "呼叫医生" from the home screen or an urgent result; back to the call when one is on.
pub(crate) fn call(visit: &mut Visit, ctx: &mut Ctx<'_>) -> Next {
    if visit.call.is_some() {
        return Next::Show(Task::Clinic);
    }
    if ctx.config.clinic.is_none() {
        ctx.notify(Notice::NotAvailableYet);
        return Next::Stay;
    }
    if !ctx.caps.clinic_online {
        ctx.notify(Notice::ClinicOffline);
        return Next::Stay;
    }
    let (vitals, readings) = visit_vitals(visit, ctx);
    // Masked forms only: the console refuses a resident string carrying an unmasked ID.
    let resident = format!(
        "{} {}",
        visit.session.view.masked_name, visit.session.view.masked_id
    );
    ctx.fx
        .clinic_send
        .push(FromStation::Call { resident, vitals });
    tracing::info!(visit = visit.visit_id().0, readings, "calling a doctor");
    visit.call = Some(Clinic {
        id: None,
        stage: Stage::Waiting(ClinicWaitView {
            position: None,
            wait_minutes: None,
            back_in_line: false,
            reconnecting: false,
        }),
        since: ctx.now,
        down_since: None,
        readings_sent: readings,
        prescribed: false,
    });
    Next::Show(Task::Clinic)
}

pub(crate) fn act(visit: &mut Visit, action: &Action, ctx: &mut Ctx<'_>) -> Next {
    let on_call_screen = matches!(visit.task, Task::Clinic);
    let waiting = visit.call.as_ref().is_some_and(|c| !c.in_call());
    match action {
        Action::LeaveClinic | Action::BackHome if on_call_screen && waiting => {
            end_call(visit, ctx);
            Next::Show(Task::Home)
        }
        Action::HangUp if visit.in_call() => {
            let prescribed = visit.call.as_ref().is_some_and(|c| c.prescribed);
            end_call(visit, ctx);
            if prescribed {
                prescription::to_cabinet(visit, ctx);
            }
            after_call(prescribed)
        }
        Action::ReturnToCall if visit.measuring() => Next::Stay,
        Action::ReturnToCall if visit.in_call() && !on_call_screen => Next::Show(Task::Clinic),
        Action::ReturnToCall if visit.call.is_none() && visit.prescription.is_some() => {
            Next::Show(Task::Prescription)
        }
        Action::PrintPrescription if matches!(visit.task, Task::Prescription) => {
            prescription::print_slip(visit, ctx)
        }
        Action::BackHome if matches!(visit.task, Task::Prescription) => Next::Show(Task::Home),
        _ => Next::Stay,
    }
}

/// Leaves the call and tells the console (out of the queue, or hung up).
fn end_call(visit: &mut Visit, ctx: &mut Ctx<'_>) {
    if let Some(call) = visit.call.take() {
        ctx.fx.clinic_send.push(call.farewell());
    }
}

/// The screen after a call: the prescription, if this call's doctor wrote one, else home.
fn after_call(prescribed: bool) -> Next {
    if prescribed {
        Next::Show(Task::Prescription)
    } else {
        Next::Show(Task::Home)
    }
}

/// The call ended (the doctor, the link or the clock ended it). On the call's screen the resident
/// goes on to the prescription or home; elsewhere they stay where they are (never pulled off a
/// measurement), told why, and a prescription waits behind the banner's "查看处方".
fn ended(visit: &mut Visit, notice: Option<Notice>, ctx: &mut Ctx<'_>) -> Next {
    let prescribed = visit.call.take().is_some_and(|c| c.prescribed);
    if prescribed {
        prescription::to_cabinet(visit, ctx);
    }
    if matches!(visit.task, Task::Clinic) {
        // The prescription screen says what matters; otherwise say why the call ended.
        if let (Some(notice), false) = (notice, prescribed) {
            ctx.notify(notice);
        }
        return after_call(prescribed);
    }
    if let Some(notice) = notice {
        ctx.notify(notice);
    }
    Next::Changed
}

/// What the console must hear when the visit ends (logout, idle, a pulled card, another
/// resident): called by `Station::show` whenever a visit is replaced.
pub(crate) fn farewell(visit: &Visit) -> Option<FromStation> {
    visit.call.as_ref().map(Clinic::farewell)
}

/// A message from the console about this station's call.
pub(crate) fn on_console(visit: &mut Visit, message: ToStation, ctx: &mut Ctx<'_>) -> Next {
    let on_call_screen = matches!(visit.task, Task::Clinic);
    let Some(call) = visit.call.as_mut() else {
        // A call this visit no longer wants (the resident left as the answer crossed, or the
        // kiosk restarted inside the console's grace): end it there too.
        stale(message, &mut ctx.fx.clinic_send);
        return Next::Stay;
    };
    match message {
        // The end of an earlier call of this station (the resident called again while it
        // crossed): not this call's. The console sends a call's place in line before its end.
        ToStation::Ended {
            call: Some(ended), ..
        } if call.id.as_deref() != Some(ended.as_str()) => Next::Stay,
        ToStation::Queued { call: id, .. } if call.id.as_ref().is_some_and(|mine| *mine != id) => {
            // A place in line for another call than this one: not ours.
            Next::Stay
        }
        ToStation::Queued {
            call: id,
            position,
            wait_minutes,
        } => {
            call.id = Some(id);
            placed(call, position, wait_minutes, on_call_screen)
        }
        ToStation::Position {
            position,
            wait_minutes,
        } => placed(call, position, wait_minutes, on_call_screen),
        ToStation::Requeued {
            position,
            wait_minutes,
        } => {
            call.stage = Stage::Waiting(ClinicWaitView {
                position: Some(u32::try_from(position).unwrap_or(u32::MAX)),
                wait_minutes: Some(wait_minutes),
                back_in_line: true,
                reconnecting: false,
            });
            ctx.notify(Notice::ClinicBackInLine);
            // Back to the waiting room, unless the resident is under the cuff right now.
            if visit.measuring() {
                Next::Changed
            } else {
                Next::Show(Task::Clinic)
            }
        }
        ToStation::Accepted { doctor, call: id } => {
            if id.is_some() {
                call.id = id;
            }
            tracing::info!(visit = visit.session.visit.0, "a doctor accepted the call");
            call.stage = Stage::InCall {
                doctor,
                quality: CallQuality::Connecting,
            };
            if visit.measuring() {
                Next::Changed
            } else {
                Next::Show(Task::Clinic)
            }
        }
        ToStation::Prescription { doctor, items } => {
            call.prescribed = true;
            visit.prescriptions = visit.prescriptions.saturating_add(1);
            visit.prescription = Some(PrescriptionView {
                doctor,
                items: items
                    .into_iter()
                    .map(|i| PrescriptionLine {
                        drug: i.drug,
                        dose: i.dose,
                        quantity: i.quantity,
                        usage: i.usage,
                    })
                    .collect(),
                // The cabinet's code arrives after the call (`to_cabinet`).
                pickup_code: None,
            });
            Next::Changed
        }
        // The console confirming the resident's own hang-up or leave: that call ended here
        // already, so a call in `visit.call` now is a newer one (the resident called again at
        // once) and must not be ended by the echo of the old one.
        ToStation::Ended {
            reason: EndReason::ResidentHungUp | EndReason::ResidentLeft,
            ..
        } => Next::Stay,
        ToStation::Ended { reason, .. } => {
            let notice = match reason {
                EndReason::DoctorHungUp => Some(Notice::ClinicCallEnded),
                EndReason::StationLost => Some(Notice::ClinicLinkLost),
                EndReason::ResidentHungUp | EndReason::ResidentLeft => None,
            };
            ended(visit, notice, ctx)
        }
        ToStation::Error { code, detail } => {
            tracing::warn!(?code, %detail, "the doctor console refused a message");
            // "No such call" answers a leave or hang-up that crossed the console's own end of
            // the call: nothing to do. Anything else before the first place in line refused
            // the call itself.
            let about_an_ended_call = matches!(code, ErrorCode::NotCalling | ErrorCode::NoSuchCall);
            let unplaced = matches!(&call.stage, Stage::Waiting(w) if w.position.is_none());
            if unplaced && !about_an_ended_call {
                visit.call = None;
                ctx.notify(Notice::ClinicOffline);
                Next::Show(Task::Home)
            } else {
                Next::Stay
            }
        }
        // The doctor's offer and candidates: for the media path, while talking (an offer
        // that crossed the call's end is dropped; the console ends that call).
        ToStation::Signal { payload } => {
            if call.in_call() {
                ctx.fx.media_signals.push(payload);
            }
            Next::Stay
        }
        ToStation::Left | ToStation::Welcome { .. } | ToStation::Refused { .. } => Next::Stay,
    }
}

/// A place in line (or a new estimate): shown; a new place is said again.
fn placed(call: &mut Clinic, position: usize, wait_minutes: u32, on_call_screen: bool) -> Next {
    let position = Some(u32::try_from(position).unwrap_or(u32::MAX));
    let Stage::Waiting(wait) = &mut call.stage else {
        return Next::Stay;
    };
    let moved = wait.position != position;
    wait.position = position;
    wait.wait_minutes = Some(wait_minutes);
    if moved && on_call_screen {
        Next::Show(Task::Clinic)
    } else {
        Next::Changed
    }
}

/// The console still holds a call this station no longer wants: end it there.
fn stale(message: ToStation, out: &mut Vec<FromStation>) {
    match message {
        ToStation::Queued { .. } | ToStation::Position { .. } | ToStation::Requeued { .. } => {
            out.push(FromStation::Leave {})
        }
        ToStation::Accepted { .. } => out.push(FromStation::Hangup {}),
        _ => {}
    }
}

/// The station's link to the console came up or went down during this visit's call.
pub(crate) fn on_link(visit: &mut Visit, up: bool, ctx: &mut Ctx<'_>) -> Next {
    let Some(call) = visit.call.as_mut() else {
        return Next::Stay;
    };
    match (up, call.down_since) {
        (true, Some(_)) => {
            // The console tells the kept place or call again (queued / accepted).
            call.down_since = None;
            Next::Changed
        }
        (false, None) => {
            call.down_since = Some(ctx.now);
            ctx.notify(Notice::ClinicReconnecting);
            Next::Changed
        }
        _ => Next::Stay,
    }
}

/// The console refused this station (a key problem for staff): no call can go on.
pub(crate) fn refused(visit: &mut Visit, ctx: &mut Ctx<'_>) -> Next {
    if visit.call.is_none() {
        return Next::Stay;
    }
    ended(visit, Some(Notice::ClinicLinkLost), ctx)
}

/// The clock: a link down too long, or a call never acknowledged, ends the wait; a cabinet
/// that does not answer is given up.
pub(crate) fn tick(visit: &mut Visit, ctx: &mut Ctx<'_>) -> Next {
    if let Next::Changed = prescription::tick(visit, ctx) {
        return Next::Changed;
    }
    let Some(call) = visit.call.as_ref() else {
        return Next::Stay;
    };
    let down_too_long = call
        .down_since
        .is_some_and(|since| ctx.now.saturating_sub(since) >= LINK_LOST_AFTER);
    let unanswered = matches!(&call.stage, Stage::Waiting(w) if w.position.is_none())
        && ctx.now.saturating_sub(call.since) >= NO_ANSWER_AFTER;
    if !(down_too_long || unanswered) {
        return Next::Stay;
    }
    tracing::warn!(down_too_long, unanswered, "giving up the clinic call");
    // Still tell the console, in case it can hear (it ends the call after its own grace anyway).
    ctx.fx.clinic_send.push(call.farewell());
    let notice = if unanswered && !down_too_long {
        Notice::ClinicOffline
    } else {
        Notice::ClinicLinkLost
    };
    ended(visit, Some(notice), ctx)
}

/// A reading saved during the call goes to the doctor at once.
pub(crate) fn reading_saved(visit: &mut Visit, reading: &ReadingSummary, ctx: &mut Ctx<'_>) {
    let Some(call) = visit.call.as_mut().filter(|c| c.in_call()) else {
        return;
    };
    let at = ctx.clock.now().to_rfc3339();
    let vitals = vitals_of(reading, &at, &Catalog::new(ctx.config.locale));
    if vitals.is_empty() {
        return;
    }
    call.readings_sent = call.readings_sent.saturating_add(1);
    ctx.fx.clinic_send.push(FromStation::Vitals { vitals });
}

/// This visit's readings as the doctor reads them, at most [`MAX_VITALS`] values (the newest),
/// and how many readings they come from.
fn visit_vitals(visit: &Visit, ctx: &Ctx<'_>) -> (Vec<Vital>, u32) {
    let readings = match ctx.store.visit_readings(visit.visit_id()) {
        Ok(readings) => readings,
        Err(e) => {
            // The call still goes: the doctor can ask.
            tracing::error!(error = %e, "cannot read this visit's readings for the doctor");
            return (Vec::new(), 0);
        }
    };
    let words = Catalog::new(ctx.config.locale);
    let mut vitals: Vec<Vital> = readings
        .iter()
        .filter_map(|r| Some((reading_entry(r)?, r.record.taken_at.to_rfc3339())))
        .flat_map(|(summary, at)| vitals_of(&summary, &at, &words))
        .collect();
    let extra = vitals.len().saturating_sub(MAX_VITALS);
    vitals.drain(..extra);
    (vitals, u32::try_from(readings.len()).unwrap_or(u32::MAX))
}

/// One reading's values, each with its name and unit in the station's language (the doctor's).
fn vitals_of(summary: &ReadingSummary, at: &str, words: &Catalog) -> Vec<Vital> {
    summary
        .values
        .iter()
        .map(|v| Vital {
            kind: words.text(&v.label),
            value: v.value.clone(),
            unit: words.text(&v.unit),
            at: at.to_string(),
        })
        .collect()
}

impl crate::station::Station {
    /// Whether the resident is talking with a doctor now: the only time the camera may be on
    /// for the call (`Kiosk` stops the media whenever this is false).
    pub(crate) fn talking_with_doctor(&self) -> bool {
        self.phase
            .visit()
            .and_then(|v| v.call.as_ref())
            .is_some_and(Clinic::in_call)
    }

    /// The call's media reported how the doctor's picture arrives; true when the view changed.
    pub(crate) fn note_call_quality(&mut self, now: CallQuality) -> bool {
        let Some(Clinic {
            stage: Stage::InCall { quality, .. },
            ..
        }) = self.phase.visit_mut().and_then(|v| v.call.as_mut())
        else {
            return false;
        };
        let changed = *quality != now;
        *quality = now;
        changed
    }

    /// What the link to the doctor console reported.
    pub(crate) fn on_clinic(
        &mut self,
        event: station_clinic_link::LinkEvent,
        now: Duration,
        store: &station_store::Store,
        clock: &dyn station_core::clock::Clock,
    ) -> crate::effects::Effects {
        use station_clinic_link::LinkEvent;
        let mut fx = crate::effects::Effects::default();
        match event {
            LinkEvent::Connected { .. } => {
                self.caps.clinic_online = true;
                self.in_visit(store, clock, now, &mut fx, |v, ctx| on_link(v, true, ctx));
            }
            LinkEvent::Disconnected { reason, retry_in } => {
                if self.caps.clinic_online {
                    tracing::warn!(%reason, retry_in = retry_in.as_secs(), "doctor console link down");
                }
                self.caps.clinic_online = false;
                self.in_visit(store, clock, now, &mut fx, |v, ctx| on_link(v, false, ctx));
            }
            LinkEvent::Refused { reason } => {
                // A key or station-id problem: staff must fix `[clinic]` (the log says which;
                // admin mode shows the link as a fault).
                tracing::error!(%reason, "the doctor console refused this station");
                self.caps.clinic_online = false;
                self.in_visit(store, clock, now, &mut fx, refused);
            }
            LinkEvent::Console(message) => {
                if self.phase.visit().is_some() {
                    self.in_visit(store, clock, now, &mut fx, |v, ctx| {
                        on_console(v, message, ctx)
                    });
                } else {
                    // No visit: whatever call the console still holds for this station is over.
                    stale(message, &mut fx.clinic_send);
                }
            }
        }
        fx
    }

    /// The medicine cabinet's answer for the run `token`.
    pub(crate) fn on_cabinet(
        &mut self,
        token: u64,
        answer: Result<station_cabinet::PickupCode, station_cabinet::CabinetError>,
        now: Duration,
        store: &station_store::Store,
        clock: &dyn station_core::clock::Clock,
    ) -> crate::effects::Effects {
        let mut fx = crate::effects::Effects::default();
        self.in_visit(store, clock, now, &mut fx, |v, _| {
            prescription::on_cabinet(v, token, answer)
        });
        fx
    }
}
