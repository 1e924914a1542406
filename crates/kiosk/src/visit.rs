//! One resident's visit, as one value. Everything the station knows about the resident while
//! they are at the screen lives in [`Visit`]: who they are (masked), their display settings,
//! what they are doing, their questionnaire answers so far, a card of someone else waiting to
//! switch in, staff helping them. When the visit ends the value is dropped, and with it every
//! trace of the resident: nothing is cleared by hand.

use std::time::Duration;

use station_core::resident::{mask_name, IdNumber};
use station_protocol::{
    ClinicBanner, DisplayPrefs, GlucoseTiming, IdentifyMethod, PastReportView, PrescriptionView,
    QuestionnaireView, ResidentView, ResultView, Screen,
};
use station_questionnaire::AnswerSheet;
use station_store::{ResidentId, VisitId};

use crate::flows::clinic::{Clinic, Stage};
use crate::flows::manual::Assist;
use crate::flows::measure::Measuring;
use crate::flows::questionnaire;

/// Who the visit is for, as the store and the screen know them.
#[derive(Debug)]
pub(crate) struct Session {
    pub visit: VisitId,
    pub resident: ResidentId,
    /// The keyed hash of the ID number, to tell "the same person's other card" from another person.
    pub id_hash: Vec<u8>,
    /// How this visit was identified: only the card that identified it ends it when pulled.
    pub method: IdentifyMethod,
    pub view: ResidentView,
}

/// What the resident is doing: one task, one screen.
#[derive(Debug)]
pub(crate) enum Task {
    Home,
    /// Choosing what to measure (or the questionnaire).
    SelfTest,
    Measure(Measuring),
    Result(Box<ResultView>),
    /// The question with this number (1-based) of the TCM questionnaire.
    Questionnaire(u8),
    QuestionnaireResult(QuestionnaireView),
    Reports(Vec<PastReportView>),
    /// Staff typing a reading for the resident (only while this task lasts).
    ManualEntry(Assist),
    /// "呼叫医生": the waiting room, or the call (`Visit::call`).
    Clinic,
    /// The doctor's prescription (`Visit::prescription`).
    Prescription,
}

/// Another resident whose card was presented mid-visit, held until the question is answered.
#[derive(Debug)]
pub(crate) struct PendingSwitch {
    pub id_number: IdNumber,
    pub name: String,
    pub method: IdentifyMethod,
}

/// The idle timer of a visit.
#[derive(Debug)]
pub(crate) struct Idle {
    pub last_activity: Duration,
    /// Seconds left, while the warning is up.
    pub warning: Option<u32>,
}

#[derive(Debug)]
pub(crate) struct Visit {
    pub session: Session,
    pub prefs: DisplayPrefs,
    pub task: Task,
    pub idle: Idle,
    /// The questionnaire answered so far (kept if the resident steps away to measure something).
    pub questionnaire: Option<AnswerSheet>,
    /// The resident's answer to "when did you last eat?", for this visit's glucose readings.
    pub glucose_timing: Option<GlucoseTiming>,
    pub pending_switch: Option<PendingSwitch>,
    /// The clinic call, beside the task: the resident may measure while the doctor watches.
    pub call: Option<Clinic>,
    /// The last prescription a doctor wrote in this visit (gone with the visit).
    pub prescription: Option<PrescriptionView>,
    /// Prescriptions received in this visit: numbers the pickup slips ("V12-RX2").
    pub prescriptions: u32,
    /// The medicine cabinet is taking the prescription: the run's token and since when.
    pub cabinet_pending: Option<(u64, Duration)>,
}

impl Visit {
    pub fn new(session: Session, prefs: DisplayPrefs, now: Duration) -> Visit {
        Visit {
            session,
            prefs,
            task: Task::Home,
            idle: Idle {
                last_activity: now,
                warning: None,
            },
            questionnaire: None,
            glucose_timing: None,
            pending_switch: None,
            call: None,
            prescription: None,
            prescriptions: 0,
            cabinet_pending: None,
        }
    }

    pub fn by_card(&self) -> bool {
        self.session.method == IdentifyMethod::InsuranceCard
    }

    /// Identified by a card or a platform-checked code. An unverified health code (anyone who
    /// photographed it could replay it) sees only this visit: no earlier reports, no history.
    pub fn verified(&self) -> bool {
        self.session.view.verified
    }

    pub fn visit_id(&self) -> VisitId {
        self.session.visit
    }

    /// The resident is under the cuff (or on the scale…): not idle, and nothing may interrupt.
    pub fn measuring(&self) -> bool {
        matches!(&self.task, Task::Measure(m) if m.is_running())
    }

    /// Talking with a doctor: not idle (the resident is not touching the screen).
    pub fn in_call(&self) -> bool {
        self.call.as_ref().is_some_and(Clinic::in_call)
    }

    /// The clinic's line on other screens: the doctor still on the call, or a prescription
    /// not on screen.
    pub fn clinic_banner(&self) -> Option<ClinicBanner> {
        match (&self.call, &self.prescription, &self.task) {
            (_, _, Task::Clinic) => None,
            (Some(call), _, _) => match &call.stage {
                Stage::InCall { doctor, .. } => Some(ClinicBanner::InCall {
                    doctor: doctor.clone(),
                }),
                Stage::Waiting(_) => None,
            },
            (None, Some(_), Task::Prescription) => None,
            (None, Some(p), _) => Some(ClinicBanner::Prescription {
                doctor: p.doctor.clone(),
            }),
            (None, None, _) => None,
        }
    }

    /// The masked name of the resident waiting to switch in.
    pub fn switch_to(&self) -> Option<String> {
        self.pending_switch.as_ref().map(|p| mask_name(&p.name))
    }

    pub fn screen(&self) -> Screen {
        match &self.task {
            Task::Home => Screen::Home,
            Task::SelfTest => Screen::SelfTest,
            Task::Measure(m) => m.screen(),
            Task::Result(result) => Screen::MeasureResult {
                result: result.clone(),
            },
            Task::Questionnaire(number) => {
                questionnaire::screen(*number, self.questionnaire.as_ref())
            }
            Task::QuestionnaireResult(result) => Screen::QuestionnaireResult {
                result: result.clone(),
            },
            Task::Reports(reports) => Screen::Reports {
                reports: reports.clone(),
            },
            Task::ManualEntry(assist) => Screen::ManualEntry {
                entry: assist.entry.clone(),
            },
            Task::Clinic => match &self.call {
                Some(call) => call.screen(),
                None => Screen::Home,
            },
            Task::Prescription => match &self.prescription {
                Some(prescription) => Screen::Prescription {
                    prescription: prescription.clone(),
                },
                None => Screen::Home,
            },
        }
    }
}
