//! Each flow driven directly through its `act`, with a real store and a hand-moved clock: what
//! it accepts in which state, and what it asks of the station.

use std::time::Duration;

use chrono::NaiveTime;
use station_card::StaffBadge;
use station_core::clock::ManualClock;
use station_core::config::StationConfig;
use station_core::resident::IdNumber;
use station_devices::{DeviceError, Measurement};
use station_protocol::{
    Action, Contrast, DisplayPrefs, GlucoseTiming, IdentifyMethod, Locale, ManualKey, MeasureKind,
    MeasureStep, Notice, ResidentView, Screen, TextSize,
};
use station_store::{Store, VisitId};

use super::{manual, measure, questionnaire, reports, Capabilities, Ctx, Next};
use crate::effects::Effects;
use crate::visit::{Session, Task, Visit};

const CONFIG: &str = r#"
[station]
town = "五马街道"
community = "禅街社区"
[devices]
measure_timeout_seconds = 30
"#;

/// A flow's surroundings: the store, the config, the clock, what the station can do.
struct Bench {
    store: Store,
    config: StationConfig,
    caps: Capabilities,
    clock: ManualClock,
    now: Duration,
    fx: Effects,
    tokens: u64,
    notice: Option<Notice>,
    _dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Bench {
        let dir = tempfile::tempdir().expect("tempdir");
        Bench {
            store: Store::open(dir.path()).expect("store"),
            config: StationConfig::parse(CONFIG, std::path::Path::new("t.toml")).expect("config"),
            caps: Capabilities {
                has_printer: true,
                printer_busy: false,
                measure_kinds: vec![MeasureKind::BloodPressure, MeasureKind::Glucose],
                clinic_online: false,
                has_cabinet: false,
            },
            clock: ManualClock::new(NaiveTime::from_hms_opt(10, 0, 0).expect("time")),
            now: Duration::ZERO,
            fx: Effects::default(),
            tokens: 0,
            notice: None,
            _dir: dir,
        }
    }

    /// Runs `f` in a fresh context; the effects and the notice it raised are kept on the bench.
    fn run<R>(&mut self, f: impl FnOnce(&mut Ctx<'_>) -> R) -> R {
        self.fx = Effects::default();
        let mut ctx = Ctx {
            store: &self.store,
            config: &self.config,
            caps: &mut self.caps,
            clock: &self.clock,
            now: self.now,
            fx: &mut self.fx,
            next_token: &mut self.tokens,
            notice: None,
        };
        let r = f(&mut ctx);
        self.notice = ctx.notice;
        r
    }

    /// A resident with a visit on record, as identification leaves it.
    fn visit(&self, id: &str) -> Visit {
        let id = IdNumber::parse(id).expect("valid id");
        let resident = self.store.upsert_resident(&id, "张*华").expect("resident");
        let visit = self
            .store
            .start_visit(resident, IdentifyMethod::InsuranceCard)
            .expect("visit");
        let session = Session {
            visit,
            resident,
            id_hash: self.store.id_hash(&id),
            method: IdentifyMethod::InsuranceCard,
            view: ResidentView {
                masked_name: "张*华".into(),
                masked_id: id.masked(),
                verified: true,
            },
        };
        let prefs = DisplayPrefs {
            locale: Locale::ZhCn,
            text_size: TextSize::Large,
            contrast: Contrast::HighLight,
            volume: 80,
        };
        Visit::new(session, prefs, self.now)
    }
}

const RESIDENT: &str = "11010519491231002X";
const OTHER_RESIDENT: &str = "440106198001011230";

/// Applies `next` the way the station does for a task change.
fn follow(visit: &mut Visit, next: Next) {
    if let Next::Show(task) = next {
        visit.task = task;
    }
}

fn bp() -> Measurement {
    Measurement::BloodPressure {
        systolic: 128,
        diastolic: 82,
        pulse: 72,
        irregular_pulse: false,
        body_movement: false,
        cuff_loose: false,
    }
}

#[test]
fn measure_walks_the_steps_and_takes_only_its_own_devices_answer() {
    let mut b = Bench::new();
    let mut visit = b.visit(RESIDENT);
    // Only from the self-test menu.
    let next = b.run(|ctx| measure::act(&mut visit, &Action::MeasureContinue, ctx));
    assert!(matches!(next, Next::Stay));
    visit.task = Task::SelfTest;
    let choose = Action::ChooseMeasurement {
        kind: MeasureKind::BloodPressure,
    };
    let next = b.run(|ctx| measure::act(&mut visit, &choose, ctx));
    follow(&mut visit, next);
    assert_eq!(
        visit.screen(),
        Screen::Measure {
            kind: MeasureKind::BloodPressure,
            step: MeasureStep::Sit
        }
    );
    for _ in 0..2 {
        let next = b.run(|ctx| measure::act(&mut visit, &Action::MeasureContinue, ctx));
        follow(&mut visit, next);
    }
    assert!(visit.measuring());
    let (token, kind) = b.fx.start_measure.expect("the device is started");
    assert_eq!(kind, MeasureKind::BloodPressure);
    // "下一步" again does not start a second run.
    let next = b.run(|ctx| measure::act(&mut visit, &Action::MeasureContinue, ctx));
    assert!(matches!(next, Next::Stay));
    assert!(b.fx.start_measure.is_none());

    // An answer with another token is dropped; nothing is stored.
    let next = b.run(|ctx| measure::on_measurement(&mut visit, token + 1, Ok(bp()), "m", ctx));
    assert!(matches!(next, Next::Stay));
    assert_eq!(b.store.reading_count().expect("count"), 0);
    // Its own answer is stored, then shown.
    let next = b.run(|ctx| measure::on_measurement(&mut visit, token, Ok(bp()), "m", ctx));
    follow(&mut visit, next);
    let Screen::MeasureResult { result } = visit.screen() else {
        panic!("expected a result, got {:?}", visit.screen());
    };
    assert_eq!(b.store.reading_count().expect("count"), 1);
    assert_eq!(result.summary.category, "bp-category-high-normal");
    assert_eq!(result.summary.taken_at, "2026-11-23 10:00");
    // A station's reading says which device measured it.
    assert_eq!(
        result.summary.source,
        station_protocol::ReadingSource::Device { model: "m".into() }
    );
    // The same answer again changes nothing.
    let next = b.run(|ctx| measure::on_measurement(&mut visit, token, Ok(bp()), "m", ctx));
    assert!(matches!(next, Next::Stay));
    assert_eq!(b.store.reading_count().expect("count"), 1);
}

#[test]
fn measure_refuses_a_missing_device_and_times_out_a_silent_one() {
    let mut b = Bench::new();
    let mut visit = b.visit(RESIDENT);
    visit.task = Task::SelfTest;
    let temperature = Action::ChooseMeasurement {
        kind: MeasureKind::Temperature,
    };
    let next = b.run(|ctx| measure::act(&mut visit, &temperature, ctx));
    assert!(matches!(next, Next::Stay));
    assert_eq!(b.notice, Some(Notice::NotAvailableYet));

    // Glucose: the timing step is answered by choosing, and the answer stays with the visit.
    let glucose = Action::ChooseMeasurement {
        kind: MeasureKind::Glucose,
    };
    let next = b.run(|ctx| measure::act(&mut visit, &glucose, ctx));
    follow(&mut visit, next);
    let next = b.run(|ctx| measure::act(&mut visit, &Action::MeasureContinue, ctx));
    assert!(
        matches!(next, Next::Stay),
        "the timing is chosen, not skipped"
    );
    let timing = Action::ChooseGlucoseTiming {
        timing: GlucoseTiming::TwoHour,
    };
    let next = b.run(|ctx| measure::act(&mut visit, &timing, ctx));
    follow(&mut visit, next);
    assert_eq!(visit.glucose_timing, Some(GlucoseTiming::TwoHour));
    let next = b.run(|ctx| measure::act(&mut visit, &Action::MeasureContinue, ctx));
    follow(&mut visit, next);
    assert!(visit.measuring());

    // 29 s: still waiting. 30 s: given up, the step before measuring again, and recorded.
    b.now = Duration::from_secs(29);
    assert!(matches!(
        b.run(|ctx| measure::tick(&mut visit, ctx)),
        Next::Stay
    ));
    b.now = Duration::from_secs(30);
    let next = b.run(|ctx| measure::tick(&mut visit, ctx));
    follow(&mut visit, next);
    assert_eq!(b.notice, Some(Notice::DeviceNoResponse));
    assert_eq!(
        visit.screen(),
        Screen::Measure {
            kind: MeasureKind::Glucose,
            step: MeasureStep::PrepareStrip
        }
    );
    let audit = b.store.audit_events(5).expect("audit");
    assert_eq!(audit[0].action, "device_timeout");
    // A device fault is a retry too, with nothing stored.
    let next = b.run(|ctx| measure::act(&mut visit, &Action::MeasureContinue, ctx));
    follow(&mut visit, next);
    let (token, _) = b.fx.start_measure.expect("started again");
    let fault = Err(DeviceError::NoResponse);
    let next = b.run(|ctx| measure::on_measurement(&mut visit, token, fault, "m", ctx));
    follow(&mut visit, next);
    assert_eq!(b.notice, Some(Notice::DeviceNoResponse));
    assert!(!visit.measuring());
    assert_eq!(b.store.reading_count().expect("count"), 0);
}

#[test]
fn the_questionnaire_goes_forward_back_and_is_stored_when_complete() {
    let mut b = Bench::new();
    let mut visit = b.visit(RESIDENT);
    visit.task = Task::SelfTest;
    let next = b.run(|ctx| questionnaire::act(&mut visit, &Action::StartQuestionnaire, ctx));
    follow(&mut visit, next);
    assert!(matches!(visit.task, Task::Questionnaire(1)));
    // A score the form does not have is ignored.
    let wrong = Action::AnswerQuestion { score: 9 };
    assert!(matches!(
        b.run(|ctx| questionnaire::act(&mut visit, &wrong, ctx)),
        Next::Stay
    ));
    let three = Action::AnswerQuestion { score: 3 };
    let next = b.run(|ctx| questionnaire::act(&mut visit, &three, ctx));
    follow(&mut visit, next);
    assert!(matches!(visit.task, Task::Questionnaire(2)));
    let next = b.run(|ctx| questionnaire::act(&mut visit, &Action::PreviousQuestion, ctx));
    follow(&mut visit, next);
    let Screen::Questionnaire { number, chosen, .. } = visit.screen() else {
        panic!("expected a question");
    };
    assert_eq!((number, chosen), (1, Some(3)));
    for _ in 1..=33 {
        let next = b.run(|ctx| questionnaire::act(&mut visit, &three, ctx));
        follow(&mut visit, next);
    }
    assert!(matches!(visit.task, Task::QuestionnaireResult(_)));
    assert!(visit.questionnaire.is_none(), "a stored sheet is not kept");
    let stored = b
        .store
        .visit_questionnaires(visit.visit_id())
        .expect("questionnaires");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].answers, vec![3; 33]);
}

#[test]
fn reports_print_the_residents_own_visits_and_never_anothers() {
    let mut b = Bench::new();
    // Two real residents, each with a real visit holding a reading.
    let mut theirs = b.visit(OTHER_RESIDENT);
    theirs.task = Task::SelfTest;
    let mut mine = b.visit(RESIDENT);
    for visit in [&mut theirs, &mut mine] {
        visit.task = Task::SelfTest;
        let choose = Action::ChooseMeasurement {
            kind: MeasureKind::BloodPressure,
        };
        let next = b.run(|ctx| measure::act(visit, &choose, ctx));
        follow(visit, next);
        for _ in 0..2 {
            let next = b.run(|ctx| measure::act(visit, &Action::MeasureContinue, ctx));
            follow(visit, next);
        }
        let (token, _) = b.fx.start_measure.expect("started");
        let next = b.run(|ctx| measure::on_measurement(visit, token, Ok(bp()), "m", ctx));
        follow(visit, next);
    }
    let next = b.run(|ctx| reports::list(&mine, ctx));
    follow(&mut mine, next);
    let Screen::Reports { reports: listed } = mine.screen() else {
        panic!("expected my reports");
    };
    assert_eq!(
        listed.iter().map(|r| r.visit).collect::<Vec<_>>(),
        vec![mine.visit_id().0],
        "only my own visits are listed"
    );
    // Another resident's visit id, sent anyway: refused, nothing printed, nothing said.
    let theirs_id = theirs.visit_id().0;
    let next = b.run(|ctx| {
        reports::act(
            &mut mine,
            &Action::PrintVisitReport { visit: theirs_id },
            ctx,
        )
    });
    assert!(matches!(next, Next::Stay));
    assert!(b.fx.print.is_none());
    assert_eq!(b.notice, None);
    assert!(!b.caps.printer_busy);
    // My own prints, once at a time.
    let own = Action::PrintVisitReport {
        visit: mine.visit_id().0,
    };
    b.run(|ctx| reports::act(&mut mine, &own, ctx));
    let job = b.fx.print.take().expect("a print job");
    assert_eq!(job.visit, mine.visit_id());
    let crate::effects::Document::Report(input) = &job.document else {
        panic!("a report, not {:?}", job.document);
    };
    assert_eq!(input.resident_masked_id, mine.session.view.masked_id);
    assert_eq!(input.bp.len(), 1);
    assert_eq!(b.notice, Some(Notice::Printing));
    b.run(|ctx| reports::act(&mut mine, &own, ctx));
    assert!(b.fx.print.is_none(), "the printer is busy");
    // The outcome frees the printer and is told to the visit that asked.
    b.run(|ctx| {
        reports::on_print_outcome(
            Some(mine.visit_id()),
            job.visit,
            Ok(station_printer::PrintOutcome::Completed),
            ctx,
        )
    });
    assert!(!b.caps.printer_busy);
    assert_eq!(b.notice, Some(Notice::Printed));
    // … and only to that visit.
    b.run(|ctx| {
        reports::on_print_outcome(
            Some(VisitId(job.visit.0 + 1)),
            job.visit,
            Ok(station_printer::PrintOutcome::TimedOut),
            ctx,
        )
    });
    assert_eq!(b.notice, None);
    assert_eq!(
        b.store.audit_events(1).expect("audit")[0].action,
        "print_failed"
    );
}

#[test]
fn manual_entry_opens_only_between_steps_and_types_only_once_a_kind_is_chosen() {
    let mut b = Bench::new();
    let mut visit = b.visit(RESIDENT);
    let badge = || StaffBadge::new(vec![0x04, 0xA1, 0xB2, 0xC3]);
    visit.task = Task::Measure(measure::Measuring::running_for_tests(
        MeasureKind::BloodPressure,
        1,
        Duration::ZERO,
    ));
    let next = b.run(|ctx| manual::staff_assist(&mut visit, badge(), ctx));
    assert!(matches!(next, Next::Stay), "not mid-measurement");
    visit.task = Task::Home;
    let next = b.run(|ctx| manual::staff_assist(&mut visit, badge(), ctx));
    follow(&mut visit, next);
    let key = Action::ManualKey {
        key: ManualKey::Digit(1),
    };
    assert!(matches!(
        b.run(|ctx| manual::act(&mut visit, &key, ctx)),
        Next::Stay
    ));
    let choose = Action::ManualChooseKind {
        kind: MeasureKind::Temperature,
    };
    assert!(matches!(
        b.run(|ctx| manual::act(&mut visit, &choose, ctx)),
        Next::Changed
    ));
    for k in [
        ManualKey::Digit(3),
        ManualKey::Digit(6),
        ManualKey::Point,
        ManualKey::Digit(8),
    ] {
        b.run(|ctx| manual::act(&mut visit, &Action::ManualKey { key: k }, ctx));
    }
    let next = b.run(|ctx| manual::act(&mut visit, &Action::ManualSave, ctx));
    follow(&mut visit, next);
    let Screen::MeasureResult { result } = visit.screen() else {
        panic!("expected the result, got {:?}", visit.screen());
    };
    assert_eq!(result.summary.values[0].value, "36.8");
    assert_eq!(
        result.summary.source,
        station_protocol::ReadingSource::Staff {
            badge: "****B2C3".into()
        }
    );
    let stored = b.store.visit_readings(visit.visit_id()).expect("readings");
    assert_eq!(stored[0].record.entered_by.as_deref(), Some("04A1B2C3"));
}
