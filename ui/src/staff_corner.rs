//! Staff only: holding the top-left corner of the welcome screen for three seconds asks for the
//! station PIN (on a station without staff badges; with badges the runtime ignores it).
//! Residents are not shown it, and a brief touch there does nothing.
//!
//! The hold is watched from the document, not from the corner element: the screen is redrawn
//! whenever the station's view changes (a touch resets the idle timer, which sends a new view),
//! and a timer tied to the element would outlive the element that should have cancelled it.

use std::cell::Cell;

use leptos::prelude::*;
use station_protocol::{Action, AdminAction};
use wasm_bindgen::JsCast;

use crate::ipc::send;
use crate::kit::listen;

const HOLD: std::time::Duration = std::time::Duration::from_secs(3);

thread_local! {
    static HOLDING: Cell<Option<TimeoutHandle>> = const { Cell::new(None) };
}

fn release() {
    if let Some(handle) = HOLDING.with(Cell::take) {
        handle.clear();
    }
}

/// Watches presses on the corner; installed once at start.
pub fn install() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    listen(&doc, "pointerdown", |e| {
        let on_corner = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| el.closest(".staff-corner").ok().flatten().is_some());
        if !on_corner {
            return;
        }
        release();
        let handle = set_timeout_with_handle(
            || {
                HOLDING.with(|h| h.set(None));
                send(Action::Admin {
                    action: AdminAction::CornerHold,
                });
            },
            HOLD,
        )
        .ok();
        HOLDING.with(|h| h.set(handle));
    });
    for event in ["pointerup", "pointercancel"] {
        listen(&doc, event, |_| release());
    }
}

/// The corner itself: an empty square over the top-left of the screen.
pub fn corner() -> impl IntoView {
    view! { <div class="staff-corner" aria-hidden="true"></div> }
}
