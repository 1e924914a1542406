//! Calls into the Tauri backend through the global `window.__TAURI__` (withGlobalTauri).

use std::cell::Cell;

use station_protocol::{Action, StationView, VIEW_EVENT};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], catch)]
    async fn listen(event: &str, handler: &Closure<dyn FnMut(JsValue)>)
        -> Result<JsValue, JsValue>;
}

#[derive(serde::Serialize)]
struct ActArgs {
    action: Action,
}

pub async fn station_view() -> Option<StationView> {
    let reply = invoke("station_view", JsValue::NULL).await.ok()?;
    serde_wasm_bindgen::from_value(reply).ok()
}

pub async fn act(action: Action) -> Option<StationView> {
    let args = serde_wasm_bindgen::to_value(&ActArgs { action }).ok()?;
    let reply = invoke("act", args).await.ok()?;
    serde_wasm_bindgen::from_value(reply).ok()
}

pub fn listen_views(accept: impl Fn(StationView) + 'static) {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let payload = js_sys::Reflect::get(&event, &JsValue::from_str("payload")).ok();
        if let Some(v) = payload.and_then(|p| serde_wasm_bindgen::from_value(p).ok()) {
            accept(v);
        }
    });
    leptos::task::spawn_local(async move {
        let _ = listen(VIEW_EVENT, &handler).await;
        // The listener lives as long as the page.
        handler.forget();
    });
}

/// Where replies to actions go: the App's view signal.
type ViewSink = std::rc::Rc<dyn Fn(StationView)>;

thread_local! {
    static VIEW_SINK: std::cell::RefCell<Option<ViewSink>> = const { std::cell::RefCell::new(None) };
    static LAST_TOUCH: Cell<f64> = const { Cell::new(0.0) };
}

/// Any touch keeps the visit alive; sent at most once a second.
pub fn touch() {
    let now = js_sys::Date::now();
    let due = LAST_TOUCH.with(|t| {
        if now - t.get() > 1000.0 {
            t.set(now);
            true
        } else {
            false
        }
    });
    if due {
        leptos::task::spawn_local(async {
            let _ = act(Action::Touch).await;
        });
    }
}

pub fn set_view_sink(accept: impl Fn(StationView) + 'static) {
    VIEW_SINK.with(|s| *s.borrow_mut() = Some(std::rc::Rc::new(accept)));
}

/// Sends an action; the reply view is shown at once (the event may come later).
pub fn send(action: Action) {
    leptos::task::spawn_local(async move {
        if let Some(v) = act(action).await {
            if let Some(sink) = VIEW_SINK.with(|s| s.borrow().clone()) {
                sink(v);
            }
        }
    });
}
