//! The UI kit every screen is built from: the screen frame (header with the step title,
//! "再听一遍" and "退出", the body, the bar of actions along the bottom edge), big buttons with
//! pictograms, the notice bar, the idle and switch questions, the demo strip, and the scroll
//! arrows. Sizes and colours live in static/station.css: lengths are physical millimetres of the
//! panel (`--mm`, set by `physical_size`), colours give >= 7:1 contrast in both modes.

use leptos::prelude::*;
use station_protocol::{Action, ClinicBanner, DemoCard, StationView};
use wasm_bindgen::JsCast;

use crate::ipc::send;
use crate::pictograms::{self, picture};
use crate::texts::Texts;

/// The top of a screen: what this step is, and the resident's ways out.
pub struct Head {
    pub title: String,
    /// A line above the title: which measurement, which step.
    pub step: Option<String>,
    /// The resident is identified and may leave from here ("退出" is one press away, always in
    /// the top right corner).
    pub exit: bool,
}

impl Head {
    pub fn new(title: String) -> Head {
        Head {
            title,
            step: None,
            exit: false,
        }
    }

    pub fn step(mut self, step: String) -> Head {
        self.step = Some(step);
        self
    }

    pub fn exit(mut self, exit: bool) -> Head {
        self.exit = exit;
        self
    }
}

/// One task per screen: the header, the body (which uses the panel's height) and the bar of
/// actions at the bottom edge, in reach of a seated person. They are placed on the page's grid
/// (`.station` in station.css), so the notice bar gets a row of its own and covers nothing.
pub fn screen_frame(
    t: &Texts,
    head: Head,
    body: impl IntoView + 'static,
    bar: Option<impl IntoView + 'static>,
) -> impl IntoView {
    let Head { title, step, exit } = head;
    let bar = bar.map(|bar| view! { <footer class="bar">{bar}</footer> });
    view! {
        <header class="screen-head">
            <div class="titles">
                {step.map(|s| view! { <p class="step">{s}</p> })}
                <h1>{title}</h1>
            </div>
            <div class="head-actions">
                {replay_button(t)}
                {exit.then(|| exit_button(t))}
            </div>
        </header>
        // Focusable, so a body that scrolls (extra-large text) can be scrolled without a
        // pointer too (axe: scrollable-region-focusable).
        <main class="screen-body" tabindex="0">{body}</main>
        {bar}
    }
}

pub fn replay_button(t: &Texts) -> impl IntoView {
    icon_button(
        t.tr("replay"),
        pictograms::REPLAY,
        "btn-secondary btn-replay",
        Action::ReplayPrompt,
    )
}

/// "退出": the same place and size on every screen that has it.
pub fn exit_button(t: &Texts) -> impl IntoView {
    icon_button(
        t.tr("logout"),
        pictograms::LOGOUT,
        "btn-primary btn-exit",
        Action::Logout,
    )
}

/// A big button that sends one action.
pub fn big_button(label: String, class: &'static str, action: Action) -> impl IntoView {
    view! {
        <button class=format!("btn {class}") on:click=move |_| send(action.clone())>{label}</button>
    }
}

/// A big button with its pictogram before the words.
pub fn icon_button(
    label: String,
    svg: &'static str,
    class: &'static str,
    action: Action,
) -> impl IntoView {
    view! {
        <button class=format!("btn btn-icon {class}") on:click=move |_| send(action.clone())>
            {picture(svg, "picto")}
            <span class="label">{label}</span>
        </button>
    }
}

/// A bar along the bottom edge: full width for one action, shared for more.
pub fn bar_button(
    label: String,
    svg: Option<&'static str>,
    primary: bool,
    action: Action,
) -> impl IntoView {
    let class = if primary {
        "btn btn-icon bar-btn btn-primary"
    } else {
        "btn btn-icon bar-btn btn-secondary"
    };
    view! {
        <button class=class on:click=move |_| send(action.clone())>
            {svg.map(|s| picture(s, "picto"))}
            <span class="label">{label}</span>
        </button>
    }
}

/// "返回首页" as a bar.
pub fn home_bar(t: &Texts, primary: bool) -> impl IntoView {
    bar_button(
        t.tr("back-home"),
        Some(pictograms::BACK_HOME),
        primary,
        Action::BackHome,
    )
}

/// Things the station cannot do here, named on one quiet line instead of as equal tiles.
/// The names stay buttons (disabled), so a screen reader and a test find them where they
/// would be.
pub fn unavailable_line(heading: String, names: Vec<String>) -> impl IntoView {
    (!names.is_empty()).then(|| {
        let items = names
            .into_iter()
            .map(|name| {
                view! { <button class="btn-unavailable" disabled=true>{name}</button> }
            })
            .collect::<Vec<_>>();
        let name = heading.clone();
        view! {
            <div class="unavailable" role="group" aria-label=name>
                <span class="unavailable-heading">{heading}"："</span>
                {items}
            </div>
        }
    })
}

/// A notice in its own row above the bar: it pushes the body up instead of lying over other
/// controls, so a press meant for a button under it is never caught by it.
pub fn notice_bar(v: &StationView, t: &Texts) -> impl IntoView {
    v.notice.map(|n| {
        view! {
            <div class="notice">
                <span class="notice-mark" aria-hidden="true">"!"</span>
                <p role="alert">{t.tr(n.message_id())}</p>
                // Something at the station is broken: the resident can say so to staff.
                {n.is_fault().then(|| big_button(t.tr("report-fault"), "btn-secondary btn-dismiss", Action::ReportFault))}
                {big_button(t.tr("dismiss"), "btn-secondary btn-dismiss", Action::DismissNotice)}
            </div>
        }
    })
}

/// The clinic's line above the screen: the doctor still on the call while the resident measures
/// ("返回通话"), or a prescription from a call that ended meanwhile ("查看处方").
pub fn clinic_banner(v: &StationView, t: &Texts) -> impl IntoView {
    v.clinic.as_ref().map(|banner| {
        let (words, button) = match banner {
            ClinicBanner::InCall { doctor } => (
                t.tr_with("clinic-banner-in-call", &[("doctor", doctor.clone())]),
                t.tr("clinic-return"),
            ),
            ClinicBanner::Prescription { doctor } => (
                t.tr_with("clinic-banner-prescription", &[("doctor", doctor.clone())]),
                t.tr("clinic-see-prescription"),
            ),
        };
        view! {
            <div class="clinic-banner" role="status">
                <p>{words}</p>
                {big_button(button, "btn-secondary", Action::ReturnToCall)}
            </div>
        }
    })
}

/// The spoken, visible countdown before an idle logout, with a way to stay.
pub fn idle_overlay(v: &StationView, t: &Texts) -> impl IntoView {
    v.idle_warning.map(|seconds| {
        view! {
            <div class="overlay">
                <div class="dialog" role="alertdialog" aria-modal="true"
                    aria-labelledby="idle-title" aria-describedby="idle-countdown">
                    <div class="dialog-words">
                        <h1 id="idle-title">{t.tr("idle-warning-title")}</h1>
                        <p id="idle-countdown" class="countdown" aria-live="assertive">
                            {t.tr_with("idle-warning-countdown", &[("seconds", seconds.to_string())])}
                        </p>
                    </div>
                    <div class="dialog-actions">
                        {bar_button(t.tr("keep-using"), None, true, Action::KeepAlive)}
                    </div>
                </div>
            </div>
        }
    })
}

/// Another resident's card was presented mid-visit: switch only when asked to.
pub fn switch_overlay(v: &StationView, t: &Texts) -> impl IntoView {
    v.switch_to.as_ref().map(|name| {
        view! {
            <div class="overlay">
                <div class="dialog" role="alertdialog" aria-modal="true"
                    aria-labelledby="switch-title" aria-describedby="switch-body">
                    <div class="dialog-words">
                        <h1 id="switch-title">{t.tr_with("switch-title", &[("name", name.clone())])}</h1>
                        <p id="switch-body">{t.tr("switch-body")}</p>
                    </div>
                    <div class="dialog-actions">
                        {bar_button(t.tr("switch-keep"), None, false, Action::CancelSwitch)}
                        {bar_button(t.tr("switch-confirm"), None, true, Action::ConfirmSwitch)}
                    </div>
                </div>
            </div>
        }
    })
}

/// Demo mode only: a slim strip along the top edge, marked off from the resident's screen,
/// that says so on every screen and stands in for the card slots the demo simulates.
pub fn demo_strip(v: &StationView, t: &Texts) -> impl IntoView {
    let has = |card| v.demo_cards.contains(&card);
    let slot = has(DemoCard::Resident);
    let any = !v.demo_cards.is_empty();
    view! {
        <aside class="demo" aria-label=t.tr("demo-title")>
            <p class="demo-title">{t.tr("demo-title")}</p>
            <p class="demo-note">{t.tr("demo-note")}</p>
            <div class="demo-actions">
                {slot.then(|| big_button(t.tr("demo-insert-card"), "btn-demo", Action::DemoInsertCard { card: DemoCard::Resident }))}
                {slot.then(|| big_button(t.tr("demo-insert-bad-card"), "btn-demo", Action::DemoInsertCard { card: DemoCard::Unreadable }))}
                {has(DemoCard::IdCard).then(|| big_button(t.tr("demo-place-id-card"), "btn-demo", Action::DemoInsertCard { card: DemoCard::IdCard }))}
                {any.then(|| big_button(t.tr("demo-remove-card"), "btn-demo", Action::DemoRemoveCard))}
            </div>
        </aside>
    }
}

/// Whether the screen body can scroll up or down from where it is.
#[derive(Clone, Copy, Default, PartialEq)]
pub struct Scroll {
    pub up: bool,
    pub down: bool,
}

fn body_element() -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(".screen-body")
        .ok()?
}

/// Measures the screen body: what is above and below the part shown.
pub fn measure_scroll() -> Scroll {
    body_element()
        .map(|b| {
            let top = b.scroll_top();
            let hidden = b.scroll_height() - b.client_height();
            Scroll {
                up: top > 1,
                down: hidden - top > 1,
            }
        })
        .unwrap_or_default()
}

fn scroll_body(direction: i32) {
    if let Some(b) = body_element() {
        let step = (b.client_height() as f64 * 0.8) as i32;
        b.set_scroll_top(b.scroll_top() + direction * step);
    }
}

const ARROW_UP: &str =
    r#"<svg viewBox="0 0 48 36"><path d="M24 2L46 34H2z" fill="currentColor"/></svg>"#;
const ARROW_DOWN: &str =
    r#"<svg viewBox="0 0 48 36"><path d="M2 2h44L24 34z" fill="currentColor"/></svg>"#;

/// Large arrows beside the body, shown only when it holds more than fits (extra-large text on
/// a busy screen): content is never cut off, and scrolling needs no swipe.
pub fn scroll_arrows(scroll: ReadSignal<Scroll>, t: &Texts) -> impl IntoView {
    let t = *t;
    move || {
        let s = scroll.get();
        (s.up || s.down).then(|| {
            view! {
                <div class="scroll-arrows">
                    {s.up.then(|| view! {
                        <button class="btn btn-secondary scroll-arrow" on:click=move |_| scroll_body(-1)>
                            {picture(ARROW_UP, "arrow")}
                            <span class="label">{t.tr("scroll-up")}</span>
                        </button>
                    })}
                    {s.down.then(|| view! {
                        <button class="btn btn-secondary scroll-arrow scroll-down" on:click=move |_| scroll_body(1)>
                            <span class="label">{t.tr("scroll-down")}</span>
                            {picture(ARROW_DOWN, "arrow")}
                        </button>
                    })}
                </div>
            }
        })
    }
}

/// Pixels per millimetre of the panel, from the window's size and the panel's diagonal
/// (`[station] panel_diagonal_inches`): the window fills the panel on a kiosk.
pub fn px_per_mm(width: f64, height: f64, diagonal_inches: f32) -> f64 {
    let diagonal = if diagonal_inches.is_finite() && diagonal_inches > 1.0 {
        f64::from(diagonal_inches)
    } else {
        21.5
    };
    (width * width + height * height).sqrt() / (diagonal * 25.4)
}

pub fn window_size() -> (f64, f64) {
    let Some(w) = web_sys::window() else {
        return (1920.0, 1080.0);
    };
    let get = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64());
    (
        get(w.inner_width()).unwrap_or(1920.0),
        get(w.inner_height()).unwrap_or(1080.0),
    )
}

pub fn set_document_lang(tag: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", tag);
    }
}

pub fn listen(target: &web_sys::EventTarget, event: &str, f: impl FnMut(web_sys::Event) + 'static) {
    let cb = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
    // Listeners live as long as the page.
    cb.forget();
}

/// A pressed button shows it at once, drawn on the touch itself rather than on the release
/// (`:active` alone waits for WebKit's tap handling on a touchscreen).
pub fn press_feedback() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let pressed = |e: &web_sys::Event| {
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("button:not([disabled])").ok().flatten())
    };
    listen(&doc, "pointerdown", move |e| {
        if let Some(b) = pressed(&e) {
            let _ = b.class_list().add_1("pressed");
        }
    });
    for end in ["pointerup", "pointercancel"] {
        listen(&doc, end, move |_| {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                if let Ok(list) = doc.query_selector_all(".pressed") {
                    for i in 0..list.length() {
                        if let Some(el) = list
                            .item(i)
                            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                        {
                            let _ = el.class_list().remove_1("pressed");
                        }
                    }
                }
            }
        });
    }
}

/// No context menu, no text selection drag, no pinch or ctrl-wheel zoom on a kiosk.
pub fn block_browser_gestures() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for event in ["contextmenu", "selectstart", "gesturestart", "dragstart"] {
        listen(&doc, event, |e| e.prevent_default());
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
