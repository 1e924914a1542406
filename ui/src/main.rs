//! The kiosk screens. The backend sends a whole `StationView` on every change; this crate only
//! draws it and sends `Action`s back. No session state lives here, so nothing about a resident
//! can outlive their visit in the webview.

mod ipc;
mod kit;
mod screens;
mod texts;

use leptos::prelude::*;
use station_protocol::{Contrast, StationView, TextSize};

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
    leptos::task::spawn_local(async move {
        if let Some(v) = ipc::station_view().await {
            accept(v);
        }
    });
    kit::block_browser_gestures();

    move || match view.get() {
        None => view! { <main class="station loading"></main> }.into_any(),
        Some(v) => {
            let t = Texts::new(v.prefs.locale);
            let class = format!(
                "station {} {}",
                match v.prefs.text_size {
                    TextSize::Large => "text-large",
                    TextSize::ExtraLarge => "text-extra-large",
                },
                match v.prefs.contrast {
                    Contrast::HighLight => "contrast-high-light",
                    Contrast::HighDark => "contrast-high-dark",
                }
            );
            kit::set_document_lang(v.prefs.locale.tag());
            view! {
                <main class=class on:pointerdown=move |_| ipc::touch()>
                    {screens::render(&v, &t)}
                    {kit::notice_bar(&v, &t)}
                    {kit::idle_overlay(&v, &t)}
                    {kit::switch_overlay(&v, &t)}
                    {v.demo.then(|| kit::demo_panel(&v, &t))}
                </main>
            }
            .into_any()
        }
    }
}
