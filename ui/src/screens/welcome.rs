//! Welcome (identify) and closed screens.

use leptos::prelude::*;
use station_protocol::{Action, IdentifyMethod, ReaderStatus, StationView};

use super::settings::settings_bar;
use crate::kit::{big_button, replay_button};
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

pub fn welcome(v: &StationView, t: &Texts) -> impl IntoView {
    let reader_problem = v.reader != ReaderStatus::Ready;
    let has = |m: IdentifyMethod| v.identify_methods.contains(&m);
    // Only the ways this station has hardware for. A card reader needs no button (the resident
    // inserts or places the card); a health code or a face is asked for with one, and the camera
    // is on only then.
    let other_ways = [
        (IdentifyMethod::HealthQr, "identify-health-qr"),
        (IdentifyMethod::Face, "identify-face"),
    ]
    .into_iter()
    .filter(|(m, _)| has(*m))
    .map(|(method, label)| {
        big_button(
            t.tr(label),
            "btn-secondary",
            Action::IdentifyWith { method },
        )
    })
    .collect::<Vec<_>>();
    view! {
        <section class="screen welcome">
            <header class="screen-head">
                <div class="titles">
                    <p class="station-name">{v.station_name.clone()}</p>
                    {station_clock(t)}
                </div>
                {replay_button(t)}
            </header>
            <div class="screen-body">
                <div class="insert-panel">
                    <svg class="card-picture" viewBox="0 0 160 140" aria-hidden="true">
                        <g fill="none" stroke="currentColor" stroke-width="6" stroke-linejoin="round" stroke-linecap="round">
                            <rect x="20" y="10" width="120" height="76" rx="10"/>
                            <rect x="38" y="30" width="28" height="22" rx="4" fill="currentColor" fill-opacity="0.3"/>
                            <path d="M80 100v32M64 118l16 16 16-16"/>
                        </g>
                    </svg>
                    <div>
                        <h1 class="insert-card">{t.tr("welcome-insert-card")}</h1>
                        <p class="lead">{t.tr("welcome-insert-hint")}</p>
                    </div>
                </div>
                {reader_problem.then(|| view! { <p class="warning" role="status">{t.tr("notice-reader-unavailable")}</p> })}
                {has(IdentifyMethod::IdCard).then(|| view! { <p class="lead id-card-hint">{t.tr("welcome-place-id-card")}</p> })}
                {(!other_ways.is_empty()).then(|| view! {
                    <h2>{t.tr("welcome-other-ways")}</h2>
                    <div class="row">{other_ways}</div>
                })}
            </div>
            {settings_bar(v, t)}
        </section>
    }
}

pub fn closed(v: &StationView, t: &Texts, opens: &str, closes: &str) -> impl IntoView {
    view! {
        <section class="screen closed">
            <header class="screen-head">
                <div class="titles">
                    <p class="station-name">{v.station_name.clone()}</p>
                    <h1>{t.tr("closed-title")}</h1>
                </div>
                {replay_button(t)}
            </header>
            <div class="screen-body">
                <p class="lead">{t.tr_with("closed-hours", &[("opens", opens.to_string()), ("closes", closes.to_string())])}</p>
            </div>
            {settings_bar(v, t)}
        </section>
    }
}
