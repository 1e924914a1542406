//! "呼叫医生" (cloud clinic): the waiting room, the call, the prescription afterwards. One task
//! per screen: wait (or leave), talk (or hang up), read the prescription (and print the slip).

use leptos::prelude::*;
use station_protocol::{
    Action, CallQuality, ClinicCallView, ClinicWaitView, PrescriptionView, Service, StationView,
};

use crate::kit::{bar_button, big_button, home_bar, screen_frame, Head};
use crate::pictograms::{self, picture};
use crate::texts::Texts;

pub fn waiting(wait: &ClinicWaitView, t: &Texts) -> impl IntoView {
    let place = match wait.position {
        Some(position) => t.tr_with("clinic-position", &[("position", position.to_string())]),
        None => t.tr("clinic-position-unknown"),
    };
    let estimate = wait
        .wait_minutes
        .filter(|m| *m > 0)
        .map(|m| t.tr_with("clinic-wait", &[("minutes", m.to_string())]));
    let status = if wait.reconnecting {
        Some(t.tr("clinic-reconnecting"))
    } else if wait.back_in_line {
        Some(t.tr("clinic-back-in-line"))
    } else {
        None
    };
    let body = view! {
        <div class="message clinic-waiting">
            {picture(pictograms::service(Service::CallDoctor), "illustration message-picture")}
            <p class="lead message-lead">{t.tr("clinic-waiting-lead")}</p>
            <p class="clinic-place" aria-live="polite">{place}</p>
            {estimate.map(|e| view! { <p>{e}</p> })}
            {status.map(|s| view! { <p class="warning" role="status">{s}</p> })}
            <div class="spinner" aria-hidden="true"></div>
        </div>
    };
    screen_frame(
        t,
        Head::new(t.tr("clinic-waiting-title")).exit(true),
        body,
        Some(view! {
            <div class="actions">
                {bar_button(t.tr("clinic-leave"), Some(pictograms::BACK_HOME), true, Action::LeaveClinic)}
            </div>
        }),
    )
}

pub fn call(v: &StationView, call: &ClinicCallView, t: &Texts) -> impl IntoView {
    let quieter = v.prefs.volume.saturating_sub(20);
    let louder = v.prefs.volume.saturating_add(20).min(100);
    let vitals = if call.vitals_sent > 0 {
        t.tr_with(
            "clinic-call-vitals",
            &[("count", call.vitals_sent.to_string())],
        )
    } else {
        t.tr("clinic-call-no-vitals")
    };
    let (quality, quality_text) = match call.quality {
        CallQuality::Connecting => ("connecting", t.tr("clinic-quality-connecting")),
        CallQuality::Good => ("good", t.tr("clinic-quality-good")),
        CallQuality::Poor => ("poor", t.tr("clinic-quality-poor")),
        CallQuality::Lost => ("lost", t.tr("clinic-quality-lost")),
    };
    let body = view! {
        <div class="message clinic-call">
            // The doctor's picture (WebCodecs) with the resident's own small in its corner, both
            // drawn by ui/static/live-video.js. Decorative for assistive tech: the doctor's name
            // below says who it is.
            <canvas id="doctor-video" class="doctor-video" width="640" height="480" aria-hidden="true"></canvas>
            <p class="lead message-lead clinic-doctor">
                {t.tr_with("clinic-call-doctor", &[("doctor", call.doctor.clone())])}
            </p>
            // The quality indicator: in words (a resident reads "画面清晰", not signal bars).
            <p class="call-quality" data-quality=quality role="status">{quality_text}</p>
            <p>{vitals}</p>
            {call.prescribed.then(|| view! { <p role="status">{t.tr("clinic-call-prescribed")}</p> })}
            {call.reconnecting.then(|| view! { <p class="warning" role="status">{t.tr("clinic-reconnecting")}</p> })}
            // The doctor may ask for a measurement: the self-test opens, the call stays on.
            {big_button(t.tr("clinic-measure"), "btn-secondary", Action::OpenService { service: Service::SelfTest })}
            <div class="setting" role="group" aria-labelledby="clinic-volume">
                <span class="setting-label" id="clinic-volume">
                    {t.tr("clinic-volume")}" "{v.prefs.volume.to_string()}
                </span>
                {big_button(t.tr("clinic-volume-down"), "btn-secondary", Action::SetVolume { volume: quieter })}
                {big_button(t.tr("clinic-volume-up"), "btn-secondary", Action::SetVolume { volume: louder })}
            </div>
        </div>
    };
    // No "退出" in the header during a call: hanging up is the one way out, red and wide.
    screen_frame(
        t,
        Head::new(t.tr("clinic-call-title")),
        body,
        Some(view! {
            <div class="actions">
                <button class="btn bar-btn btn-hang-up" on:click=move |_| crate::ipc::send(Action::HangUp)>
                    <span class="label">{t.tr("clinic-hang-up")}</span>
                </button>
            </div>
        }),
    )
}

pub fn prescription(v: &StationView, p: &PrescriptionView, t: &Texts) -> impl IntoView {
    let rows = p
        .items
        .iter()
        .map(|item| {
            view! {
                <li class="report-row prescription-row">
                    <div>
                        <p class="report-date">{item.drug.clone()}</p>
                        <p>
                            {t.tr("prescription-dose")}"："{item.dose.clone()}" · "
                            {t.tr("prescription-quantity")}"："{item.quantity.clone()}
                        </p>
                        <p>{t.tr("prescription-usage")}"："{item.usage.clone()}</p>
                    </div>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let code = p
        .pickup_code
        .as_ref()
        .map(|c| view! { <p class="pickup-code">{t.tr_with("prescription-pickup-code", &[("code", c.clone())])}</p> });
    let body = view! {
        <p class="lead">{t.tr_with("prescription-doctor", &[("doctor", p.doctor.clone())])}</p>
        <ul class="report-list">{rows}</ul>
        {code}
        {v.printer.then(|| view! {
            <p>{t.tr(if p.pickup_code.is_some() { "prescription-take-to-cabinet" } else { "prescription-take-slip" })}</p>
        })}
    };
    let print = v.printer.then(|| {
        bar_button(
            t.tr("print-prescription"),
            Some(pictograms::PRINT),
            true,
            Action::PrintPrescription,
        )
    });
    screen_frame(
        t,
        Head::new(t.tr("prescription-title")).exit(true),
        body,
        Some(view! { <div class="actions">{print}{home_bar(t, !v.printer)}</div> }),
    )
}
