//! Guided self-test (Wenzhou 5.7.1, 6.3.3.1): choose a kind, walk its steps (sit, cuff…; glucose
//! asks when the resident last ate), measure on the device's own thread, then the result —
//! saved before it is shown, with an alert queued when urgent.
//!
//! States: `Task::SelfTest` → `Task::Measure(Measuring { step, run: None })` for each guided
//! step → `Measuring { step: Measuring, run: Some(..) }` while the device works → `Task::Result`.
//! Actions: `ChooseMeasurement`, `ChooseGlucoseTiming`, `MeasureContinue`, `MeasureRetry`.
//! Events: the device's answer (`on_measurement`) and the station's timeout (`tick`).

use std::time::Duration;

use station_core::clock::day_stamp;
use station_core::config::StationMode;
use station_core::reading::{Assessed, Reading};
use station_core::summary::{source_of, summary, DEMO_DEVICE, MANUAL_DEVICE};
use station_devices::{DeviceError, Measurement};
use station_protocol::{
    Action, GlucoseTiming, MeasureKind, MeasureStep, Notice, ResultView, Screen, TrendView,
};
use station_store::{AuditEvent, ReadingRecord, Store, StoreError};

use super::{Ctx, Next};
use crate::visit::{Task, Visit};

/// Readings drawn in the on-screen trend.
const TREND_POINTS: usize = 10;

/// One measurement: the step on screen and, once the device was started, the run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measuring {
    pub kind: MeasureKind,
    pub step: MeasureStep,
    run: Option<Run>,
}

/// A device at work, tagged so that only its own answer is taken.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    token: u64,
    since: Duration,
}

impl Measuring {
    fn at(kind: MeasureKind, step: MeasureStep) -> Measuring {
        Measuring {
            kind,
            step,
            run: None,
        }
    }

    #[cfg(test)]
    pub fn running_for_tests(kind: MeasureKind, token: u64, since: Duration) -> Measuring {
        Measuring {
            kind,
            step: MeasureStep::Measuring,
            run: Some(Run { token, since }),
        }
    }

    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    pub fn screen(&self) -> Screen {
        Screen::Measure {
            kind: self.kind,
            step: self.step,
        }
    }
}

/// Who produced a reading: a device (its model), or staff typing it in (their badge, hex UID).
pub(crate) enum Origin<'a> {
    Device(&'a str),
    Staff(String),
}

pub(crate) fn act(visit: &mut Visit, action: &Action, ctx: &mut Ctx<'_>) -> Next {
    match (action, &visit.task) {
        (Action::ChooseMeasurement { kind }, Task::SelfTest) => {
            if !ctx.caps.measure_kinds.contains(kind) {
                ctx.notify(Notice::NotAvailableYet);
                return Next::Stay;
            }
            Next::Show(Task::Measure(Measuring::at(*kind, kind.steps()[0])))
        }
        (Action::ChooseGlucoseTiming { timing }, Task::Measure(m))
            if m.kind == MeasureKind::Glucose && m.step == MeasureStep::ChooseGlucoseTiming =>
        {
            visit.glucose_timing = Some(*timing);
            advance(m.kind, m.step, ctx)
        }
        // The timing step is answered by choosing, not by "下一步".
        (Action::MeasureContinue, Task::Measure(m))
            if m.step != MeasureStep::ChooseGlucoseTiming && !m.is_running() =>
        {
            advance(m.kind, m.step, ctx)
        }
        (Action::MeasureRetry, Task::Result(result)) => {
            let kind = result.summary.kind;
            Next::Show(Task::Measure(Measuring::at(kind, kind.retry_step())))
        }
        _ => Next::Stay,
    }
}

/// The step after `step`; reaching "measuring" starts the device.
fn advance(kind: MeasureKind, step: MeasureStep, ctx: &mut Ctx<'_>) -> Next {
    let Some(next) = kind.next_step(step) else {
        return Next::Stay;
    };
    let mut measuring = Measuring::at(kind, next);
    if next == MeasureStep::Measuring {
        let token = ctx.token();
        measuring.run = Some(Run {
            token,
            since: ctx.now,
        });
        ctx.fx.start_measure = Some((token, kind));
    }
    Next::Show(Task::Measure(measuring))
}

/// The device's answer for the run `token`; anything else (a late, duplicated or stale answer)
/// is dropped and never attached to anyone.
pub(crate) fn on_measurement(
    visit: &mut Visit,
    token: u64,
    outcome: Result<Measurement, DeviceError>,
    model: &str,
    ctx: &mut Ctx<'_>,
) -> Next {
    let kind = match &visit.task {
        Task::Measure(m) if m.run.is_some_and(|r| r.token == token) => m.kind,
        _ => {
            tracing::info!("dropping a measurement that arrived after its visit moved on");
            return Next::Stay;
        }
    };
    visit.idle.last_activity = ctx.now;
    let timing = visit.glucose_timing.unwrap_or(GlucoseTiming::Random);
    // A device that replayed only its memory is told apart: the resident measures again.
    let told = match &outcome {
        Err(DeviceError::StaleRecord) => Notice::DeviceStaleRecord,
        _ => Notice::DeviceNoResponse,
    };
    let judged = outcome
        .map_err(|e| e.to_string())
        .and_then(|m| {
            if m.kind() != kind {
                return Err(format!(
                    "a {} device answered a {} measurement",
                    m.kind().as_str(),
                    kind.as_str()
                ));
            }
            Ok(m.into_reading(timing))
        })
        .and_then(|r| {
            let assessed = r.assess().map_err(|e| e.to_string())?;
            Ok((r, assessed))
        });
    let (reading, assessed) = match judged {
        Ok(judged) => judged,
        Err(why) => {
            tracing::warn!(kind = kind.as_str(), %why, "measurement not usable");
            ctx.notify(told);
            ctx.record(Some(visit.visit_id()), AuditEvent::DeviceFault { kind });
            return Next::Show(Task::Measure(Measuring::at(kind, kind.retry_step())));
        }
    };
    match save(visit, reading, assessed, Origin::Device(model), ctx) {
        Ok(task) => {
            if let Task::Result(result) = &task {
                // Measured while a doctor is on the call (who may have asked): sent to them.
                super::clinic::reading_saved(visit, &result.summary, ctx);
            }
            Next::Show(task)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot save the reading");
            ctx.notify(Notice::SaveFailed);
            Next::Show(Task::Measure(Measuring::at(kind, kind.retry_step())))
        }
    }
}

/// A device that never answers must not hold the resident on "正在测量" forever.
pub(crate) fn tick(visit: &mut Visit, ctx: &mut Ctx<'_>) -> Next {
    let Task::Measure(m) = &visit.task else {
        return Next::Stay;
    };
    let Some(run) = m.run else {
        return Next::Stay;
    };
    let limit = Duration::from_secs(u64::from(ctx.config.measure_timeout_secs));
    if ctx.now.saturating_sub(run.since) < limit {
        return Next::Stay;
    }
    let kind = m.kind;
    tracing::warn!(kind = kind.as_str(), "device gave no answer in time");
    ctx.record(Some(visit.visit_id()), AuditEvent::DeviceTimeout { kind });
    visit.idle.last_activity = ctx.now;
    ctx.notify(Notice::DeviceNoResponse);
    // The run is dropped with the task: a late answer now finds no run with its token.
    Next::Show(Task::Measure(Measuring::at(kind, kind.retry_step())))
}

/// Commits the reading (with its alert and audit lines) first, then gives the result screen:
/// a result on screen is always a stored one. In a demonstration a device's reading is stored
/// (and shown, and printed) as a demonstration's.
pub(crate) fn save(
    visit: &Visit,
    reading: Reading,
    assessed: Assessed,
    origin: Origin<'_>,
    ctx: &mut Ctx<'_>,
) -> Result<Task, StoreError> {
    let (device, entered_by) = match (origin, ctx.config.mode) {
        (Origin::Device(_), StationMode::Demo) => (DEMO_DEVICE, None),
        (Origin::Device(model), StationMode::Station) => (model, None),
        (Origin::Staff(badge), _) => (MANUAL_DEVICE, Some(badge)),
    };
    let taken_at = ctx.clock.now();
    let record = ReadingRecord {
        reading,
        category: assessed.category.into(),
        guideline: assessed.source.into(),
        device: device.into(),
        entered_by,
        taken_at,
    };
    let id = ctx
        .store
        .save_reading(visit.visit_id(), &record, assessed.urgent)?;
    let source = source_of(&record.device, record.entered_by.as_deref());
    Ok(Task::Result(Box::new(ResultView {
        reading_id: id.0,
        summary: summary(&reading, &assessed, &taken_at, source),
        trend: trend_of(&reading, visit, ctx.store),
        // "呼叫医生" is offered with urgent advice only where the station has the clinic (and
        // no call is on: the banner leads back to it).
        offer_doctor: assessed.urgent && ctx.config.clinic.is_some() && visit.call.is_none(),
    })))
}

/// The resident's last readings of this kind, oldest first, for the on-screen chart; only
/// this visit's for an unverified identity (see `Visit::verified`).
fn trend_of(latest: &Reading, visit: &Visit, store: &Store) -> TrendView {
    let kind = latest.kind();
    let history = if visit.verified() {
        store.readings(visit.session.resident, Some(kind), TREND_POINTS)
    } else {
        store.visit_readings(visit.visit_id()).map(|mut all| {
            all.retain(|r| r.record.reading.kind() == kind);
            all.reverse();
            all.truncate(TREND_POINTS);
            all
        })
    }
    .unwrap_or_else(|e| {
        tracing::warn!(error = %e, "no trend: readings not readable");
        Vec::new()
    });
    let points: Vec<(String, Reading)> = history
        .iter()
        .rev()
        .map(|r| (day_stamp(&r.record.taken_at), r.record.reading))
        .collect();
    station_core::reading::trend(latest, &points)
}
