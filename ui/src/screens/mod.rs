//! One module per screen; each draws one task.

mod face;
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

use crate::kit::screen_frame;
use crate::texts::Texts;

pub fn render(v: &StationView, t: &Texts) -> AnyView {
    match &v.screen {
        Screen::Welcome => welcome::welcome(v, t).into_any(),
        Screen::Closed { opens, closes } => welcome::closed(v, t, opens, closes).into_any(),
        Screen::ReadingCard => screen_frame(
            t,
            t.tr("reading-card-title"),
            None,
            false,
            view! { <p class="lead">{t.tr("reading-card-hint")}</p><div class="spinner" aria-hidden="true"></div> },
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
        Screen::QuestionnaireResult { result } => questionnaire::result(result, v.printer, t).into_any(),
        Screen::ManualEntry { entry } => manual_entry::manual_entry(entry, t).into_any(),
        Screen::Goodbye => screen_frame(
            t,
            t.tr("goodbye-title"),
            None,
            false,
            view! { <p class="lead">{t.tr("goodbye-take-card")}</p> },
        )
        .into_any(),
    }
}
