//! The TCM constitution questionnaire: one question per screen, five big answers, read out;
//! then the result with its advice.

use leptos::prelude::*;
use station_protocol::{Action, QuestionnaireView};

use crate::kit::{bar_button, home_bar, screen_frame, Head};
use crate::pictograms;
use crate::texts::Texts;

pub fn question(
    number: u8,
    total: u8,
    chosen: Option<u8>,
    anchors: bool,
    t: &Texts,
) -> impl IntoView {
    let id = format!("tcm-q{number:02}");
    let answers = (1..=5u8)
        .map(|score| {
            // Questions with their own anchors (BMI, colds a year…) show them under the answer.
            let label = t.tr(&format!("tcm-answer-{score}"));
            let anchor = anchors.then(|| {
                view! { <span class="answer-anchor">{t.tr(&format!("{id}.answer-{score}"))}</span> }
            });
            let class = if chosen == Some(score) {
                "btn btn-answer btn-chosen"
            } else {
                "btn btn-answer"
            };
            view! {
                <button class=class aria-pressed=(chosen == Some(score)).to_string()
                    on:click=move |_| crate::ipc::send(Action::AnswerQuestion { score })>
                    {label}{anchor}
                </button>
            }
        })
        .collect::<Vec<_>>();
    let back = (number > 1).then(|| {
        bar_button(
            t.tr("tcm-previous"),
            Some(pictograms::BACK),
            false,
            Action::PreviousQuestion,
        )
    });
    let body = view! {
        {(number == 1).then(|| view! { <p class="intro">{t.tr("tcm-questionnaire-intro")}</p> })}
        <p class="question">{t.tr(&id)}</p>
        <div class="answers">{answers}</div>
    };
    screen_frame(
        t,
        Head::new(t.tr("tcm-questionnaire-title"))
            .step(t.tr_with(
                "tcm-progress",
                &[("number", number.to_string()), ("total", total.to_string())],
            ))
            .exit(true),
        body,
        Some(view! { <div class="actions">{back}{home_bar(t, false)}</div> }),
    )
}

pub fn result(r: &QuestionnaireView, printer: bool, t: &Texts) -> impl IntoView {
    let names = |ids: &[String]| t.join(ids.iter().map(|i| t.tr(i)));
    let advice = r
        .advice
        .iter()
        .map(|a| view! { <p class="advice">{t.tr(a)}</p> })
        .collect::<Vec<_>>();
    let clear = !r.primary.is_empty() || !r.tendencies.is_empty();
    let body = view! {
        {(!r.primary.is_empty()).then(|| view! {
            <p class="category">{t.tr("tcm-your-constitution")}": "{names(&r.primary)}</p>
        })}
        {(!r.tendencies.is_empty()).then(|| view! {
            <p class="category">{t.tr("tcm-your-tendency")}": "{names(&r.tendencies)}</p>
        })}
        {advice}
        {(r.needs_review || !clear).then(|| view! { <p class="notes">{t.tr("tcm-needs-review")}</p> })}
        <p class="small">{t.tr("result-saved")}" · "{t.tr("tcm-source")}</p>
    };
    let body = view! { <div class="tcm-result">{body}</div> };
    let bar = view! {
        <div class="actions">
            {bar_button(t.tr("measure-other"), None, false, Action::OpenService { service: station_protocol::Service::SelfTest })}
            {printer.then(|| bar_button(t.tr("print-report"), Some(pictograms::PRINT), false, Action::PrintReport))}
            {home_bar(t, true)}
        </div>
    };
    screen_frame(
        t,
        Head::new(t.tr("tcm-result-title")).exit(true),
        body,
        Some(bar),
    )
}
