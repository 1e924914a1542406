//! Welcome (identify) and closed screens.

use leptos::prelude::*;
use station_protocol::{Action, IdentifyMethod, ReaderStatus, StationView};

use super::settings::settings_bar;
use crate::kit::{icon_button, replay_button};
use crate::pictograms::{self, picture};
use crate::texts::Texts;

fn clock_text() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

fn station_clock(t: &Texts) -> impl IntoView {
    let (now, set_now) = signal(clock_text());
    let handle = set_interval_with_handle(
        move || set_now.set(clock_text()),
        std::time::Duration::from_secs(10),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let t = *t;
    view! { <p class="clock">{move || t.tr_with("welcome-clock", &[("time", now.get())])}</p> }
}

/// The header of the screens before anyone is identified: the station's name, the time and
/// "再听一遍" (no step title, no "退出").
fn station_head(v: &StationView, t: &Texts) -> impl IntoView {
    view! {
        <header class="screen-head">
            <div class="titles">
                <p class="station-name">{v.station_name.clone()}</p>
                {station_clock(t)}
            </div>
            <div class="head-actions">{replay_button(t)}</div>
        </header>
    }
}

pub fn welcome(v: &StationView, t: &Texts) -> impl IntoView {
    // A missing reader is a fault for staff, said plainly; residents may still use other ways.
    let reader_problem = match v.reader {
        ReaderStatus::Ready => None,
        ReaderStatus::NoReader => Some("notice-reader-missing"),
        ReaderStatus::NoService => Some("notice-reader-unavailable"),
    };
    let has = |m: IdentifyMethod| v.identify_methods.contains(&m);
    // Only the ways this station has hardware for. A card reader needs no button (the resident
    // inserts or places the card); a health code or a face is asked for with one, and the camera
    // is on only then.
    let other_ways = [
        (
            IdentifyMethod::HealthQr,
            "identify-health-qr",
            pictograms::HEALTH_QR,
        ),
        (IdentifyMethod::Face, "identify-face", pictograms::FACE),
    ]
    .into_iter()
    .filter(|(m, _, _)| has(*m))
    .map(|(method, label, svg)| {
        icon_button(
            t.tr(label),
            svg,
            "btn-secondary btn-way",
            Action::IdentifyWith { method },
        )
    })
    .collect::<Vec<_>>();
    view! {
        {station_head(v, t)}
        <main class="screen-body welcome" tabindex="0">
            <div class="insert-panel">
                {picture(pictograms::INSERT_CARD, "illustration insert-picture")}
                <div class="insert-words">
                    <h1 class="insert-card">{t.tr("welcome-insert-card")}</h1>
                    <p class="lead">{t.tr("welcome-insert-hint")}</p>
                    {reader_problem.map(|id| view! { <p class="warning" role="status">{t.tr(id)}</p> })}
                </div>
            </div>
            {has(IdentifyMethod::IdCard).then(|| view! {
                <p class="lead id-card-hint">{picture(pictograms::ID_CARD, "picto")}{t.tr("welcome-place-id-card")}</p>
            })}
            {(!other_ways.is_empty()).then(|| view! {
                <div class="other-ways">
                    <h2>{t.tr("welcome-other-ways")}</h2>
                    <div class="ways">{other_ways}</div>
                </div>
            })}
        </main>
        <footer class="bar">{settings_bar(v, t)}</footer>
        {crate::staff_corner::corner()}
    }
}

pub fn closed(v: &StationView, t: &Texts, opens: &str, closes: &str) -> impl IntoView {
    view! {
        {station_head(v, t)}
        <main class="screen-body closed" tabindex="0">
            <div class="message">
                {picture(pictograms::CLOCK, "illustration clock-picture")}
                <h1 class="insert-card">{t.tr("closed-title")}</h1>
                <p class="lead message-lead">{t.tr_with("closed-hours", &[("opens", opens.to_string()), ("closes", closes.to_string())])}</p>
            </div>
        </main>
        <footer class="bar">{settings_bar(v, t)}</footer>
    }
}
