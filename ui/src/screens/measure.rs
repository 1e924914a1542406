//! A guided measurement: one screen per step (picture, words, spoken prompt), then the result
//! with its assessment and the resident's trend.

use leptos::prelude::*;
use station_protocol::{
    Action, GlucoseTiming, MeasureKind, MeasureStep, ReadingSource, ResultView, Severity, ValueView,
};

use super::gauge::{gauge, severity_shape};
use super::trend::trend_chart;
use crate::kit::{bar_button, home_bar, icon_button, screen_frame, Head};
use crate::pictograms::{self, picture};
use crate::texts::Texts;

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
    let choosing = step == MeasureStep::ChooseGlucoseTiming;
    let choices = choosing.then(|| {
        GlucoseTiming::ALL
            .into_iter()
            .map(|timing| {
                icon_button(
                    t.tr(timing.message_id()),
                    pictograms::glucose_timing(timing),
                    "btn-primary btn-choice",
                    Action::ChooseGlucoseTiming { timing },
                )
            })
            .collect::<Vec<_>>()
    });
    let next = next_label
        .filter(|_| !choosing)
        .map(|label| bar_button(label, None, true, Action::MeasureContinue));
    let back = (!measuring).then(|| home_bar(t, false));
    let body = view! {
        <div class=if measuring { "guide guide-measuring" } else { "guide" }>
            {picture(pictograms::step(step), "illustration step-picture")}
            <div class="guide-words">
                <p class="lead">{t.tr(&format!("{stem}-body"))}</p>
                {measuring.then(|| view! { <div class="spinner" aria-hidden="true"></div> })}
                {choices.map(|c| view! { <div class="choices">{c}</div> })}
            </div>
        </div>
    };
    let bar = (!measuring).then(|| view! { <div class="actions">{back}{next}</div> });
    screen_frame(
        t,
        Head::new(t.tr(&format!("{stem}-title")))
            .step(format!(
                "{} · {}",
                t.tr(kind.message_id()),
                t.tr_with(
                    "measure-step-label",
                    &[("step", n.to_string()), ("steps", steps.len().to_string())]
                )
            ))
            .exit(!measuring),
        body,
        bar,
    )
}

/// The category's colour class; its shape and words go with it (`severity_shape`), never
/// colour alone.
fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "ok",
        Severity::Caution => "caution",
        Severity::Alert => "alert",
    }
}

/// Where a reading came from, in words: the device, staff typing it in, or a demonstration.
fn source_text(source: &ReadingSource, t: &Texts) -> String {
    match source {
        ReadingSource::Device { model } => t.tr_with("source-device", &[("model", model.clone())]),
        ReadingSource::Staff { badge } => t.tr_with("source-staff", &[("badge", badge.clone())]),
        ReadingSource::Demo => t.tr("source-demo"),
    }
}

pub fn result(view: &ResultView, printer: bool, t: &Texts) -> impl IntoView {
    let r = &view.summary;
    let severity = severity_class(r.severity);
    // The numbers the guideline judges (those the trend draws: systolic and diastolic, BMI…)
    // are the largest thing on the screen; the others (pulse, height, weight) sit beside them.
    let judged = |label: &str| view.trend.series.iter().any(|s| s.label == label);
    let any_judged = r.values.iter().any(|v| judged(&v.label));
    let reading = |v: &ValueView, main: bool| {
        let class = if main { "value value-main" } else { "value" };
        view! {
            <div class=if main { "reading reading-main" } else { "reading" }>
                <dt>{t.tr(&v.label)}</dt>
                <dd><span class=class>{v.value.clone()}</span><span class="unit">{t.tr(&v.unit)}</span></dd>
            </div>
        }
    };
    let main = r
        .values
        .iter()
        .enumerate()
        .filter(|(i, v)| judged(&v.label) || (!any_judged && *i == 0))
        .map(|(_, v)| reading(v, true))
        .collect::<Vec<_>>();
    let main_count = main.len();
    let others = r
        .values
        .iter()
        .enumerate()
        .filter(|(i, v)| !(judged(&v.label) || (!any_judged && *i == 0)))
        .map(|(_, v)| reading(v, false))
        .collect::<Vec<_>>();
    let notes = r
        .notes
        .iter()
        .map(|n| t.tr(n))
        .collect::<Vec<_>>()
        .join(" · ");
    // Where the station has the cloud clinic, urgent advice offers the doctor right here.
    let offer_doctor = view.offer_doctor;
    let urgent = r.urgent.then(|| {
        view! {
            <div class="urgent" role="alert">
                {severity_shape(Severity::Alert)}
                <p>{t.tr(if offer_doctor { "result-urgent-clinic" } else { "result-urgent" })}</p>
                {offer_doctor.then(|| crate::kit::icon_button(
                    t.tr(station_protocol::Service::CallDoctor.message_id()),
                    crate::pictograms::service(station_protocol::Service::CallDoctor),
                    "btn-primary",
                    Action::OpenService { service: station_protocol::Service::CallDoctor },
                ))}
            </div>
        }
    });
    let trend = trend_chart(&view.trend, t);
    let with_trend = trend.is_some();
    let content = view! {
        {urgent}
        <div class=if with_trend { "result with-trend" } else { "result" }>
            <dl class="values">{main}{others}</dl>
            {gauge(view, main_count > 1, t)}
            <div class=format!("verdict category-{severity}")>
                <p class="category">
                    {severity_shape(r.severity)}
                    <span>{t.tr("result-category-label")}": "{t.tr(&r.category)}</span>
                </p>
                {(!notes.is_empty()).then(|| view! { <p class="notes">{notes}</p> })}
                <p class="advice">{t.tr(&r.advice)}</p>
            </div>
            {trend}
            <div class="meta">
                <p class="small">{t.tr("result-saved")}" · "{r.taken_at.clone()}" · "{t.tr(&r.guideline)}</p>
                <p class="small source">{source_text(&r.source, t)}</p>
            </div>
        </div>
    };
    let bar = view! {
        <div class="actions">
            {bar_button(t.tr("measure-retry"), None, false, Action::MeasureRetry)}
            {bar_button(t.tr("measure-other"), None, false, Action::OpenService { service: station_protocol::Service::SelfTest })}
            {printer.then(|| bar_button(t.tr("print-report"), Some(pictograms::PRINT), false, Action::PrintReport))}
            {home_bar(t, true)}
        </div>
    };
    screen_frame(
        t,
        Head::new(t.tr_with(
            "result-title",
            &[("measurement", t.tr(r.kind.message_id()))],
        ))
        .exit(true),
        content,
        Some(bar),
    )
}
