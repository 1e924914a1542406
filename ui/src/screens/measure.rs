//! A guided measurement: one screen per step (picture, words, spoken prompt), then the result
//! with its assessment and the resident's trend.

use leptos::prelude::*;
use station_protocol::{Action, GlucoseTiming, MeasureKind, MeasureStep, ResultView, Severity};

use super::trend::trend_chart;
use crate::kit::{big_button, screen_frame};
use crate::texts::Texts;

/// A line drawing of what to do at each step (no colour needed to understand it).
fn picture(step: MeasureStep) -> impl IntoView {
    let drawing = match step {
        // A person seated on a chair, feet flat.
        MeasureStep::Sit => view! {
            <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                <circle cx="90" cy="40" r="18"/>
                <path d="M90 60v50h45v55M90 110H60"/>
                <path d="M90 75l30 25"/>
                <path d="M50 120h80M55 120v55M125 120v55M50 60v60"/>
                <path d="M128 165h22"/>
            </g>
        }
        .into_any(),
        // An upper arm with a cuff at heart height.
        MeasureStep::Cuff => view! {
            <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                <path d="M30 60h90a20 20 0 0 1 20 20v0a20 20 0 0 1-20 20H30"/>
                <rect x="55" y="50" width="45" height="60" rx="8" fill="currentColor" fill-opacity="0.25"/>
                <path d="M100 80h40q20 0 20 25v40"/>
                <circle cx="160" cy="160" r="14"/>
            </g>
        }
        .into_any(),
        // A person standing straight on the scale, under the height rod.
        MeasureStep::StandOnScale => view! {
            <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                <path d="M150 185V15M150 30h-50"/>
                <circle cx="100" cy="50" r="16"/>
                <path d="M100 66v60M100 80l-22 30M100 80l22 30M100 126l-15 50M100 126l15 50"/>
                <rect x="55" y="176" width="90" height="12" rx="4"/>
            </g>
        }
        .into_any(),
        // A head in profile with the thermometer at the forehead.
        MeasureStep::PlaceThermometer => view! {
            <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                <path d="M110 170v-30q-45 0-45-55q0-50 50-50q40 0 40 45l12 25h-12v25q0 10-15 10"/>
                <path d="M40 70l25 5"/>
                <rect x="5" y="55" width="38" height="22" rx="6" fill="currentColor" fill-opacity="0.25"/>
            </g>
        }
        .into_any(),
        // A clock and a bowl: when did you last eat?
        MeasureStep::ChooseGlucoseTiming => view! {
            <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                <circle cx="70" cy="70" r="45"/>
                <path d="M70 40v30l20 15"/>
                <path d="M100 140h90q0 45-45 45t-45-45z"/>
                <path d="M130 130l20-30M150 130l20-30"/>
            </g>
        }
        .into_any(),
        // A fingertip with a drop of blood touching the test strip.
        MeasureStep::PrepareStrip => view! {
            <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                <path d="M20 60h90q25 0 25 25t-25 25H20"/>
                <path d="M140 120q-8 14 0 20q8-6 0-20z" fill="currentColor"/>
                <rect x="120" y="150" width="70" height="20" rx="4"/>
                <rect x="40" y="140" width="50" height="45" rx="8"/>
            </g>
        }
        .into_any(),
        // A finger inside the oximeter clip.
        MeasureStep::ClipFinger => view! {
            <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                <path d="M15 95h120q20 0 20 15t-20 15H15"/>
                <path d="M80 70h80q15 0 15 15v10M80 150h80q15 0 15-15v-10"/>
                <path d="M80 70v80" />
                <rect x="95" y="40" width="60" height="25" rx="5" fill="currentColor" fill-opacity="0.25"/>
            </g>
        }
        .into_any(),
        // The device's dial.
        MeasureStep::Measuring => view! {
            <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round">
                <circle cx="100" cy="100" r="70"/>
                <path d="M100 100l40-35"/>
                <path d="M45 100h12M143 100h12M100 45v12"/>
            </g>
        }
        .into_any(),
    };
    view! { <svg class="picture" viewBox="0 0 200 200" aria-hidden="true">{drawing}</svg> }
}

pub fn guide(kind: MeasureKind, step: MeasureStep, t: &Texts) -> impl IntoView {
    let steps = kind.steps();
    let n = steps.iter().position(|s| *s == step).unwrap_or(0) + 1;
    let stem = step.message_stem();
    let next_label = match kind.next_step(step) {
        Some(MeasureStep::Measuring) => Some(t.tr("measure-start")),
        Some(_) => Some(t.tr("measure-next")),
        None => None,
    };
    let measuring = step == MeasureStep::Measuring;
    let choices = (step == MeasureStep::ChooseGlucoseTiming).then(|| {
        GlucoseTiming::ALL
            .into_iter()
            .map(|timing| {
                big_button(
                    t.tr(timing.message_id()),
                    "btn-primary btn-choice",
                    Action::ChooseGlucoseTiming { timing },
                )
            })
            .collect::<Vec<_>>()
    });
    let next = next_label
        .filter(|_| choices.is_none())
        .map(|label| big_button(label, "btn-primary", Action::MeasureContinue));
    let back =
        (!measuring).then(|| big_button(t.tr("back-home"), "btn-secondary", Action::BackHome));
    let content = view! {
        <div class="guide">
            {picture(step)}
            <div>
                <p class="lead">{t.tr(&format!("{stem}-body"))}</p>
                {measuring.then(|| view! { <div class="spinner" aria-hidden="true"></div> })}
                {choices.map(|c| view! { <div class="choices">{c}</div> })}
                <div class="row">{back}{next}</div>
            </div>
        </div>
    };
    screen_frame(
        t,
        t.tr(&format!("{stem}-title")),
        Some(format!(
            "{} · {}",
            t.tr(kind.message_id()),
            t.tr_with(
                "measure-step-label",
                &[("step", n.to_string()), ("steps", steps.len().to_string())]
            )
        )),
        !measuring,
        content,
    )
}

/// Words and a symbol for the category, never colour alone.
pub fn severity_mark(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Ok => ("ok", "✓"),
        Severity::Caution => ("caution", "!"),
        Severity::Alert => ("alert", "!!"),
    }
}

pub fn result(r: &ResultView, printer: bool, t: &Texts) -> impl IntoView {
    let (severity, symbol) = severity_mark(r.severity);
    let values = r
        .values
        .iter()
        .map(|v| {
            view! {
                <div><dt>{t.tr(&v.label)}</dt><dd><span class="value">{v.value.clone()}</span>" "<span class="unit">{t.tr(&v.unit)}</span></dd></div>
            }
        })
        .collect::<Vec<_>>();
    let notes = r
        .notes
        .iter()
        .map(|n| t.tr(n))
        .collect::<Vec<_>>()
        .join(" · ");
    let urgent = r.urgent.then(|| {
        view! {
            <div class="urgent" role="alert">
                <span class="category-mark" aria-hidden="true">"!!"</span>
                <p>{t.tr("result-urgent")}</p>
            </div>
        }
    });
    let content = view! {
        {urgent}
        <div class="result">
            <div>
                <dl class="values">{values}</dl>
                <p class=format!("category category-{severity}")>
                    <span class="category-mark" aria-hidden="true">{symbol}</span>
                    {t.tr("result-category-label")}": "{t.tr(&r.category)}
                </p>
                {(!notes.is_empty()).then(|| view! { <p class="notes">{notes}</p> })}
                <p class="advice">{t.tr(&r.advice)}</p>
                <p class="small">{t.tr("result-saved")}" · "{r.taken_at.clone()}" · "{t.tr(&r.guideline)}</p>
            </div>
            {trend_chart(&r.trend, t)}
        </div>
        <div class="row">
            {big_button(t.tr("measure-retry"), "btn-secondary", Action::MeasureRetry)}
            {big_button(t.tr("measure-other"), "btn-secondary", Action::OpenService { service: station_protocol::Service::SelfTest })}
            {printer.then(|| big_button(t.tr("print-report"), "btn-secondary", Action::PrintReport))}
            {big_button(t.tr("back-home"), "btn-primary", Action::BackHome)}
        </div>
    };
    screen_frame(
        t,
        t.tr_with(
            "result-title",
            &[("measurement", t.tr(r.kind.message_id()))],
        ),
        None,
        true,
        content,
    )
}
