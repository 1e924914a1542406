//! One module per screen; each draws one task.

mod admin;
mod admin_faults;
mod admin_name;
mod clinic;
mod face;
mod gauge;
mod home;
mod manual_entry;
mod measure;
mod questionnaire;
mod reports;
mod scan_qr;
mod self_test;
mod settings;
mod trend;
mod welcome;

use leptos::prelude::*;
use station_protocol::{Screen, StationView};

use crate::kit::{screen_frame, Head};
use crate::pictograms::{self, picture};
use crate::texts::Texts;

/// Points down at the card slot under the screen.
const SLOT_ARROW: &str = r#"<svg viewBox="0 0 80 120" fill="none" stroke="currentColor" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"><path d="M40 8v100M8 76l32 32 32-32"/></svg>"#;

/// A screen that only asks the resident to wait or to do one thing: the words and a large
/// picture, centred in the panel's height.
fn message_screen(
    t: &Texts,
    title: String,
    lead: String,
    svg: &'static str,
    spinner: bool,
) -> impl IntoView {
    let body = view! {
        <div class="message">
            {picture(svg, "illustration message-picture")}
            <p class="lead message-lead">{lead}</p>
            {spinner.then(|| view! { <div class="spinner" aria-hidden="true"></div> })}
        </div>
    };
    screen_frame(t, Head::new(title), body, None::<()>)
}

/// Goodbye: take the card back, with an arrow down to the slot below the screen (the card
/// pictograms show a card going in, and this asks for it back).
fn goodbye(t: &Texts) -> impl IntoView {
    let body = view! {
        <div class="message goodbye">
            <p class="lead message-lead">{t.tr("goodbye-take-card")}</p>
            {picture(SLOT_ARROW, "slot-arrow")}
        </div>
    };
    screen_frame(t, Head::new(t.tr("goodbye-title")), body, None::<()>)
}

pub fn render(v: &StationView, t: &Texts) -> AnyView {
    match &v.screen {
        Screen::Welcome => welcome::welcome(v, t).into_any(),
        Screen::Closed { opens, closes } => welcome::closed(v, t, opens, closes).into_any(),
        Screen::ReadingCard => message_screen(
            t,
            t.tr("reading-card-title"),
            t.tr("reading-card-hint"),
            pictograms::INSERT_CARD,
            true,
        )
        .into_any(),
        Screen::ScanQr { hint } => scan_qr::scan_qr(*hint, t).into_any(),
        Screen::FaceConsent => face::consent(t).into_any(),
        Screen::FaceScan { hint } => face::scan(*hint, t).into_any(),
        Screen::Home => home::home(v, t).into_any(),
        Screen::SelfTest => self_test::self_test(v, t).into_any(),
        Screen::Measure { kind, step } => measure::guide(*kind, *step, t).into_any(),
        Screen::MeasureResult { result } => measure::result(result, v.printer, t).into_any(),
        Screen::Reports { reports } => reports::reports(v, reports, t).into_any(),
        Screen::Questionnaire {
            number,
            total,
            chosen,
            anchors,
        } => questionnaire::question(*number, *total, *chosen, *anchors, t).into_any(),
        Screen::QuestionnaireResult { result } => {
            questionnaire::result(result, v.printer, t).into_any()
        }
        Screen::ManualEntry { entry } => manual_entry::manual_entry(entry, t).into_any(),
        Screen::ClinicWaiting { wait } => clinic::waiting(wait, t).into_any(),
        Screen::ClinicCall { call } => clinic::call(v, call, t).into_any(),
        Screen::Prescription { prescription } => {
            clinic::prescription(v, prescription, t).into_any()
        }
        Screen::Goodbye => goodbye(t).into_any(),
        Screen::AdminPin { pin } => admin::pin(pin, t).into_any(),
        Screen::Admin { admin } => admin::admin(admin, t).into_any(),
    }
}
