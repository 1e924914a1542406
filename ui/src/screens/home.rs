//! Home: the services this station offers as large tiles with pictograms, filling the panel.
//! Services not offered yet are named on one quiet line below, never as equal tiles.

use leptos::prelude::*;
use station_protocol::{Action, StationView};

use super::settings::settings_bar;
use crate::ipc::send;
use crate::kit::{screen_frame, unavailable_line, Head};
use crate::pictograms::{self, picture};
use crate::texts::Texts;

/// A large tile: the pictogram over the words.
pub fn tile(label: String, svg: &'static str, action: Action) -> impl IntoView {
    view! {
        <button class="btn tile" on:click=move |_| send(action.clone())>
            {picture(svg, "tile-picture")}
            <span class="tile-label">{label}</span>
        </button>
    }
}

pub fn home(v: &StationView, t: &Texts) -> impl IntoView {
    let greeting = v
        .resident
        .as_ref()
        .map(|r| {
            if r.verified {
                t.tr_with("home-greeting", &[("name", r.masked_name.clone())])
            } else {
                // A health code nobody could check yet: say so for the whole visit.
                t.tr_with("home-greeting-unverified", &[("code", r.masked_id.clone())])
            }
        })
        .unwrap_or_default();
    let offered = v
        .services
        .iter()
        .filter(|s| s.available)
        .collect::<Vec<_>>();
    let tiles = offered
        .iter()
        .map(|tile_view| {
            let service = tile_view.service;
            tile(
                t.tr(service.message_id()),
                pictograms::service(service),
                Action::OpenService { service },
            )
        })
        .collect::<Vec<_>>();
    let later = v
        .services
        .iter()
        .filter(|s| !s.available)
        .map(|s| t.tr(s.service.message_id()))
        .collect::<Vec<_>>();
    let body = view! {
        <p class="greeting">{greeting}</p>
        <div class=format!("tiles tiles-{}", offered.len().min(6))>{tiles}</div>
        {unavailable_line(t.tr("tile-coming-soon"), later)}
    };
    screen_frame(
        t,
        Head::new(t.tr("home-title")).exit(true),
        body,
        Some(settings_bar(v, t)),
    )
}
