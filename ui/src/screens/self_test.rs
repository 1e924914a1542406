//! Self-test: choose what to measure. Kinds the station has no device for are drawn disabled.

use leptos::prelude::*;
use station_protocol::{Action, MeasureKind, StationView};

use crate::ipc::send;
use crate::kit::{big_button, screen_frame};
use crate::texts::Texts;

pub fn self_test(v: &StationView, t: &Texts) -> impl IntoView {
    let tiles = MeasureKind::ALL
        .into_iter()
        .map(|kind| {
            let label = t.tr(kind.message_id());
            if v.measure_kinds.contains(&kind) {
                view! {
                    <button class="tile" on:click=move |_| send(Action::ChooseMeasurement { kind })>{label}</button>
                }
                .into_any()
            } else {
                view! {
                    <button class="tile tile-disabled" disabled=true aria-disabled="true">
                        {label}<span class="tile-note">{t.tr("tile-no-device")}</span>
                    </button>
                }
                .into_any()
            }
        })
        .collect::<Vec<_>>();
    let body = view! {
        <div class="tiles">
            {tiles}
            {big_button(t.tr("tcm-questionnaire-title"), "tile", Action::StartQuestionnaire)}
            {big_button(t.tr("back-home"), "tile tile-exit", Action::BackHome)}
        </div>
    };
    screen_frame(t, t.tr("self-test-title"), None, true, body)
}
