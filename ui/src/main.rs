//! The kiosk screens. The backend sends a whole `StationView` on every change; this crate only
//! draws it and sends `Action`s back. No session state lives here, so nothing about a resident
//! can outlive their visit in the webview.

mod ipc;
mod kit;
mod pictograms;
mod screens;
mod staff_corner;
mod texts;

use leptos::prelude::*;
use station_protocol::{Contrast, StationView, TextSize};

use crate::kit::Scroll;
use crate::texts::Texts;

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let (view, set_view) = signal(None::<StationView>);
    let accept = move |v: StationView| {
        // Views can arrive out of order (command reply vs. event): keep the newest.
        if view.with_untracked(|cur| cur.as_ref().is_none_or(|c| v.seq >= c.seq)) {
            set_view.set(Some(v));
        }
    };
    ipc::set_view_sink(accept);
    ipc::listen_views(accept);
    first_view(accept);
    kit::block_browser_gestures();
    kit::press_feedback();
    staff_corner::install();

    // The panel's shape and size: millimetres for the CSS, landscape or portrait by media query.
    let (size, set_size) = signal(kit::window_size());
    let _ = window_event_listener(leptos::ev::resize, move |_| {
        set_size.set(kit::window_size())
    });

    // Whether the body holds more than fits: measured after each view is drawn, when the body
    // scrolls, and now and then (fonts arriving change sizes).
    let (scroll, set_scroll) = signal(Scroll::default());
    let remeasure = move || {
        let s = kit::measure_scroll();
        if scroll.get_untracked() != s {
            set_scroll.set(s);
        }
    };
    Effect::new(move |_| {
        view.track();
        size.track();
        request_animation_frame(remeasure);
    });
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        let on_scroll = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(remeasure);
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_capture(true);
        opts.set_passive(true);
        let _ = doc.add_event_listener_with_callback_and_add_event_listener_options(
            "scroll",
            wasm_bindgen::JsCast::unchecked_ref(on_scroll.as_ref()),
            &opts,
        );
        on_scroll.forget();
    }
    let _ = set_interval_with_handle(remeasure, std::time::Duration::from_millis(500));

    move || match view.get() {
        None => view! { <div class="station loading"></div> }.into_any(),
        Some(v) => {
            let t = Texts::new(v.prefs.locale);
            let modal = v.idle_warning.is_some() || v.switch_to.is_some();
            let class = format!(
                "station {} {}{}{}",
                match v.prefs.text_size {
                    TextSize::Large => "text-large",
                    TextSize::ExtraLarge => "text-extra-large",
                },
                match v.prefs.contrast {
                    Contrast::HighLight => "contrast-high-light",
                    Contrast::HighDark => "contrast-high-dark",
                },
                if v.demo { " demo-mode" } else { "" },
                if modal { " modal" } else { "" },
            );
            let diagonal = v.panel_diagonal_inches;
            // Through the CSS object model: the page's CSP forbids style attributes.
            let mm = move || {
                let (w, h) = size.get();
                format!("{:.3}px", kit::px_per_mm(w, h, diagonal))
            };
            kit::set_document_lang(v.prefs.locale.tag());
            view! {
                <div class=class style=("--mm", mm) data-screen=v.screen.name()
                    on:pointerdown=move |_| ipc::touch()>
                    {v.demo.then(|| kit::demo_strip(&v, &t))}
                    {kit::clinic_banner(&v, &t)}
                    {screens::render(&v, &t)}
                    {kit::scroll_arrows(scroll, &t)}
                    {kit::notice_bar(&v, &t)}
                    {kit::idle_overlay(&v, &t)}
                    {kit::switch_overlay(&v, &t)}
                </div>
            }
            .into_any()
        }
    }
}

/// Asks for the station's view until it comes: the page can load before the runtime is
/// registered with the window (the shell opens devices first), and a view missed then would
/// leave the kiosk blank until the next event, which on a quiet welcome screen may never come.
fn first_view(accept: impl Fn(StationView) + Copy + 'static) {
    leptos::task::spawn_local(async move {
        match ipc::station_view().await {
            Some(v) => accept(v),
            None => {
                set_timeout(
                    move || first_view(accept),
                    std::time::Duration::from_millis(300),
                );
            }
        }
    });
}
