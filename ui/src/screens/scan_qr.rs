//! Showing a health QR code (电子健康卡 / 医保电子凭证) to the camera. The camera picture is
//! never shown or kept: the screen only says what to do.

use leptos::prelude::*;
use station_protocol::{Action, QrHint};

use crate::kit::{bar_button, screen_frame, Head};
use crate::pictograms::{self, picture};
use crate::texts::Texts;

pub fn scan_qr(hint: Option<QrHint>, t: &Texts) -> impl IntoView {
    let body = view! {
        <div class="guide">
            {picture(pictograms::HEALTH_QR, "illustration step-picture picto-large")}
            <div class="guide-words">
                <p class="lead">{t.tr("scan-qr-body")}</p>
                {hint.map(|h| view! { <p class="notes" role="status">{t.tr(h.message_id())}</p> })}
                <div class="spinner" aria-hidden="true"></div>
            </div>
        </div>
    };
    screen_frame(
        t,
        Head::new(t.tr("scan-qr-title")),
        body,
        Some(
            view! { <div class="actions">{bar_button(t.tr("scan-back"), Some(pictograms::BACK), false, Action::BackHome)}</div> },
        ),
    )
}
