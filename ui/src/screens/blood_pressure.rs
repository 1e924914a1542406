//! Blood pressure: sit → cuff → measuring (guided, spoken) and the result.

use leptos::prelude::*;
use station_protocol::{Action, BpCategory, BpReadingView, BpStep};

use crate::kit::{big_button, screen_frame};
use crate::texts::Texts;

/// A line drawing of what to do at each step (no colour needed to understand it).
fn picture(step: BpStep) -> impl IntoView {
    let drawing = match step {
        // A person seated on a chair, feet flat.
        BpStep::Sit => view! {
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
        BpStep::Cuff => view! {
            <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                <path d="M30 60h90a20 20 0 0 1 20 20v0a20 20 0 0 1-20 20H30"/>
                <rect x="55" y="50" width="45" height="60" rx="8" fill="currentColor" fill-opacity="0.25"/>
                <path d="M100 80h40q20 0 20 25v40"/>
                <circle cx="160" cy="160" r="14"/>
            </g>
        }
        .into_any(),
        // The monitor's dial.
        BpStep::Measuring => view! {
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

pub fn guide(step: BpStep, t: &Texts) -> impl IntoView {
    let (n, title, body) = match step {
        BpStep::Sit => (1, "bp-sit-title", "bp-sit-body"),
        BpStep::Cuff => (2, "bp-cuff-title", "bp-cuff-body"),
        BpStep::Measuring => (3, "bp-measuring-title", "bp-measuring-body"),
    };
    let next = match step {
        BpStep::Sit => Some(big_button(
            t.tr("bp-next"),
            "btn-primary",
            Action::BpContinue,
        )),
        BpStep::Cuff => Some(big_button(
            t.tr("bp-start"),
            "btn-primary",
            Action::BpContinue,
        )),
        BpStep::Measuring => None,
    };
    let measuring = step == BpStep::Measuring;
    let back =
        (!measuring).then(|| big_button(t.tr("back-home"), "btn-secondary", Action::BackHome));
    let content = view! {
        <div class="guide">
            {picture(step)}
            <div>
                <p class="lead">{t.tr(body)}</p>
                {measuring.then(|| view! { <div class="spinner" aria-hidden="true"></div> })}
                <div class="row">{back}{next}</div>
            </div>
        </div>
    };
    screen_frame(
        t,
        t.tr(title),
        Some(format!(
            "{} · {}",
            t.tr("bp-title"),
            t.tr_with("bp-step-label", &[("step", n.to_string())])
        )),
        !measuring,
        content,
    )
}

pub fn result(r: &BpReadingView, printer: bool, t: &Texts) -> impl IntoView {
    // Category in words and a symbol, never colour alone.
    let (severity, symbol) = match r.category {
        BpCategory::Normal => ("ok", "✓"),
        BpCategory::HighNormal => ("caution", "!"),
        _ => ("alert", "!!"),
    };
    let content = view! {
        <dl class="values">
            <div><dt>{t.tr("bp-systolic")}</dt><dd><span class="value">{r.systolic}</span>" "<span class="unit">{t.tr("unit-mmhg")}</span></dd></div>
            <div><dt>{t.tr("bp-diastolic")}</dt><dd><span class="value">{r.diastolic}</span>" "<span class="unit">{t.tr("unit-mmhg")}</span></dd></div>
            <div><dt>{t.tr("bp-pulse")}</dt><dd><span class="value">{r.pulse}</span>" "<span class="unit">{t.tr("unit-per-minute")}</span></dd></div>
        </dl>
        <p class=format!("category category-{severity}")>
            <span class="category-mark" aria-hidden="true">{symbol}</span>
            {t.tr("bp-category-label")}": "{t.tr(r.category.message_id())}
            {r.isolated_systolic.then(|| format!(" · {}", t.tr("bp-isolated-systolic")))}
        </p>
        <p class="advice">{t.tr(r.category.advice_id())}</p>
        <p class="small">{t.tr("bp-saved")}" · "{r.taken_at.clone()}" · "{t.tr("bp-guideline")}</p>
        <div class="row">
            {big_button(t.tr("bp-retry"), "btn-secondary", Action::BpRetry)}
            {printer.then(|| big_button(t.tr("bp-print"), "btn-secondary", Action::PrintReport))}
            {big_button(t.tr("back-home"), "btn-primary", Action::BackHome)}
        </div>
    };
    screen_frame(t, t.tr("bp-result-title"), None, true, content)
}
