//! Home: the station's services as big tiles. Tiles not built yet are visibly disabled.

use leptos::prelude::*;
use station_protocol::{Action, StationView};

use super::settings::settings_bar;
use crate::ipc::send;
use crate::kit::{big_button, screen_frame};
use crate::texts::Texts;

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
    let tiles = v
        .services
        .iter()
        .map(|tile| {
            let service = tile.service;
            let label = t.tr(service.message_id());
            if tile.available {
                view! {
                    <button class="tile" on:click=move |_| send(Action::OpenService { service })>{label}</button>
                }
                .into_any()
            } else {
                view! {
                    <button class="tile tile-disabled" disabled=true aria-disabled="true">
                        {label}<span class="tile-note">{t.tr("tile-coming-soon")}</span>
                    </button>
                }
                .into_any()
            }
        })
        .collect::<Vec<_>>();
    let body = view! {
        <p class="greeting">{greeting}</p>
        <div class="tiles">
            {tiles}
            {big_button(t.tr("logout"), "tile tile-exit", Action::Logout)}
        </div>
        {settings_bar(v, t)}
    };
    screen_frame(t, t.tr("home-title"), None, false, body)
}
