//! The TCM constitution questionnaire (中医体质辨识, older-adult form), one question per
//! screen, spoken. The answers so far stay in the visit if the resident steps away to measure
//! something, and go with the visit when it ends. A finished sheet is scored and stored.
//!
//! States: `Task::Questionnaire(number)` for each question → `Task::QuestionnaireResult`.
//! Actions: `StartQuestionnaire` (from the self-test menu), `AnswerQuestion`, `PreviousQuestion`.

use station_protocol::{Action, Notice, Screen, TCM_QUESTION_COUNT};
use station_questionnaire::{Answer, AnswerSheet, Method, QUESTION_COUNT};
use station_store::QuestionnaireRecord;

use super::{Ctx, Next};
use crate::report_input::questionnaire_view;
use crate::visit::{Task, Visit};

pub(crate) fn act(visit: &mut Visit, action: &Action, ctx: &mut Ctx<'_>) -> Next {
    match (action, &visit.task) {
        (Action::StartQuestionnaire, Task::SelfTest) => {
            let sheet = visit.questionnaire.get_or_insert_with(AnswerSheet::new);
            Next::Show(Task::Questionnaire(sheet.next_unanswered().unwrap_or(1)))
        }
        (Action::AnswerQuestion { score }, Task::Questionnaire(number)) => {
            let number = *number;
            let Some(sheet) = visit.questionnaire.as_mut() else {
                return Next::Stay;
            };
            // A score outside 1–5 is a UI fault: ignore it, the question stays.
            let Ok(answer) = Answer::from_score(*score) else {
                return Next::Stay;
            };
            if sheet.set(number, answer).is_err() {
                return Next::Stay;
            }
            match sheet.next_unanswered() {
                Some(_) if usize::from(number) < QUESTION_COUNT => {
                    Next::Show(Task::Questionnaire(number + 1))
                }
                Some(next) => Next::Show(Task::Questionnaire(next)),
                None => finish(visit, ctx),
            }
        }
        (Action::PreviousQuestion, Task::Questionnaire(number)) if *number > 1 => {
            Next::Show(Task::Questionnaire(number - 1))
        }
        _ => Next::Stay,
    }
}

/// The question screen, with the answer already given when the resident came back to it.
pub(crate) fn screen(number: u8, sheet: Option<&AnswerSheet>) -> Screen {
    Screen::Questionnaire {
        number,
        total: TCM_QUESTION_COUNT,
        chosen: sheet.and_then(|s| s.get(number)).map(Answer::score),
        anchors: station_questionnaire::question(number).is_some_and(|q| q.has_answer_anchors),
    }
}

/// Scores a complete sheet, stores answers and result, and shows the result.
fn finish(visit: &mut Visit, ctx: &mut Ctx<'_>) -> Next {
    let Some(Ok(answers)) = visit.questionnaire.as_ref().map(AnswerSheet::finish) else {
        return Next::Stay;
    };
    let assessment = station_questionnaire::score(&answers);
    let keys = |list: &[station_questionnaire::Constitution]| -> Vec<String> {
        list.iter().map(|c| c.key().to_string()).collect()
    };
    let record = QuestionnaireRecord {
        method: match assessment.method() {
            Method::NbphsElderly33 => "nbphs-elderly-33".into(),
        },
        answers: answers.scores().to_vec(),
        primary: keys(assessment.primary()),
        tendencies: keys(assessment.tendencies()),
        needs_review: !assessment.review().is_empty(),
        taken_at: ctx.clock.now().to_rfc3339(),
    };
    match ctx.store.save_questionnaire(visit.visit_id(), &record) {
        Ok(_) => {
            // Answered and stored: the next start is a fresh sheet.
            visit.questionnaire = None;
            Next::Show(Task::QuestionnaireResult(questionnaire_view(&record)))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot save the questionnaire");
            ctx.notify(Notice::SaveFailed);
            Next::Stay
        }
    }
}
