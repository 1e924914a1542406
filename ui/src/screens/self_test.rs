//! Self-test: choose what to measure, each kind a tile with its pictogram. Kinds the station
//! has no device for are named on one quiet line, not drawn as tiles.

use leptos::prelude::*;
use station_protocol::{Action, MeasureKind, StationView};

use super::home::tile;
use crate::kit::{home_bar, screen_frame, unavailable_line, Head};
use crate::pictograms;
use crate::texts::Texts;

pub fn self_test(v: &StationView, t: &Texts) -> impl IntoView {
    let (offered, missing): (Vec<MeasureKind>, Vec<MeasureKind>) = MeasureKind::ALL
        .into_iter()
        .partition(|kind| v.measure_kinds.contains(kind));
    let count = offered.len() + 1;
    let tiles = offered
        .into_iter()
        .map(|kind| {
            tile(
                t.tr(kind.message_id()),
                pictograms::kind(kind),
                Action::ChooseMeasurement { kind },
            )
        })
        .collect::<Vec<_>>();
    let missing = missing
        .into_iter()
        .map(|kind| t.tr(kind.message_id()))
        .collect::<Vec<_>>();
    let body = view! {
        <div class=format!("tiles tiles-{}", count.min(6))>
            {tiles}
            {tile(t.tr("tcm-questionnaire-title"), pictograms::QUESTIONNAIRE, Action::StartQuestionnaire)}
        </div>
        {unavailable_line(t.tr("tile-no-device"), missing)}
    };
    screen_frame(
        t,
        Head::new(t.tr("self-test-title")).exit(true),
        body,
        Some(view! { <div class="actions">{home_bar(t, false)}</div> }),
    )
}
