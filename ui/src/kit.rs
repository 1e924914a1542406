//! The UI kit every screen is built from: screen frame with step title, big buttons, the
//! "再听一遍" replay button, the notice bar, the idle countdown. Sizes and colours live in
//! static/station.css (physical text heights, >= 60 px targets, >= 7:1 contrast).

use leptos::prelude::*;
use station_protocol::{Action, DemoCard, IdentifyMethod, StationView};
use wasm_bindgen::JsCast;

use crate::ipc::send;
use crate::texts::Texts;

/// One task per screen: a title, optional step label, the body, and the replay button.
/// `exit`: the resident is identified and may leave from here ("退出" is always one press away).
pub fn screen_frame(
    t: &Texts,
    title: String,
    step: Option<String>,
    exit: bool,
    body: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <section class="screen">
            <header class="screen-head">
                <div class="titles">
                    {step.map(|s| view! { <p class="step">{s}</p> })}
                    <h1>{title}</h1>
                </div>
                <div class="head-actions">
                    {replay_button(t)}
                    {exit.then(|| big_button(t.tr("logout"), "btn-secondary", Action::Logout))}
                </div>
            </header>
            <div class="screen-body">{body}</div>
        </section>
    }
}

pub fn replay_button(t: &Texts) -> impl IntoView {
    view! {
        <button class="btn btn-replay" on:click=move |_| send(Action::ReplayPrompt)>
            <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M3 9h4l5-4v14l-5-4H3z" fill="currentColor"/>
                <path d="M15.5 8.5a5 5 0 0 1 0 7M18 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
            </svg>
            {t.tr("replay")}
        </button>
    }
}

/// A big button that sends one action.
pub fn big_button(label: String, class: &'static str, action: Action) -> impl IntoView {
    view! {
        <button class=format!("btn {class}") on:click=move |_| send(action.clone())>{label}</button>
    }
}

pub fn notice_bar(v: &StationView, t: &Texts) -> impl IntoView {
    v.notice.map(|n| {
        view! {
            <div class="notice" role="alert">
                <p>{t.tr(n.message_id())}</p>
                {big_button(t.tr("dismiss"), "btn-secondary", Action::DismissNotice)}
            </div>
        }
    })
}

/// The spoken, visible countdown before an idle logout, with a way to stay.
pub fn idle_overlay(v: &StationView, t: &Texts) -> impl IntoView {
    v.idle_warning.map(|seconds| {
        view! {
            <div class="overlay" role="alertdialog" aria-live="assertive">
                <div class="dialog">
                    <h1>{t.tr("idle-warning-title")}</h1>
                    <p class="countdown">
                        {t.tr_with("idle-warning-countdown", &[("seconds", seconds.to_string())])}
                    </p>
                    {big_button(t.tr("keep-using"), "btn-primary", Action::KeepAlive)}
                </div>
            </div>
        }
    })
}

/// Another resident's card was presented mid-visit: switch only when asked to.
pub fn switch_overlay(v: &StationView, t: &Texts) -> impl IntoView {
    v.switch_to.as_ref().map(|name| {
        view! {
            <div class="overlay" role="alertdialog" aria-live="assertive">
                <div class="dialog">
                    <h1>{t.tr_with("switch-title", &[("name", name.clone())])}</h1>
                    <p>{t.tr("switch-body")}</p>
                    <div class="row">
                        {big_button(t.tr("switch-keep"), "btn-secondary", Action::CancelSwitch)}
                        {big_button(t.tr("switch-confirm"), "btn-primary", Action::ConfirmSwitch)}
                    </div>
                </div>
            </div>
        }
    })
}

/// Demo mode only: stands in for the card slot of a real station.
pub fn demo_panel(v: &StationView, t: &Texts) -> impl IntoView {
    let id_card = v.identify_methods.contains(&IdentifyMethod::IdCard);
    view! {
        <aside class="demo" aria-label=t.tr("demo-title")>
            <p class="demo-title">{t.tr("demo-title")}</p>
            {big_button(t.tr("demo-insert-card"), "btn-demo", Action::DemoInsertCard { card: DemoCard::Resident })}
            {big_button(t.tr("demo-insert-bad-card"), "btn-demo", Action::DemoInsertCard { card: DemoCard::Unreadable })}
            {id_card.then(|| big_button(t.tr("demo-place-id-card"), "btn-demo", Action::DemoInsertCard { card: DemoCard::IdCard }))}
            {big_button(t.tr("demo-remove-card"), "btn-demo", Action::DemoRemoveCard)}
        </aside>
    }
}

pub fn set_document_lang(tag: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", tag);
    }
}

/// No context menu, no text selection drag, no pinch or ctrl-wheel zoom on a kiosk.
pub fn block_browser_gestures() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for event in ["contextmenu", "selectstart", "gesturestart", "dragstart"] {
        let cb = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
            |e: web_sys::Event| e.prevent_default(),
        );
        let _ = doc.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
        cb.forget();
    }
    let wheel = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::WheelEvent)>::new(
        |e: web_sys::WheelEvent| {
            if e.ctrl_key() {
                e.prevent_default();
            }
        },
    );
    let opts = web_sys::AddEventListenerOptions::new();
    opts.set_passive(false);
    let _ = doc.add_event_listener_with_callback_and_add_event_listener_options(
        "wheel",
        wheel.as_ref().unchecked_ref(),
        &opts,
    );
    wheel.forget();
}
