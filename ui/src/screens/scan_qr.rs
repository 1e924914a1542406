//! Showing a health QR code (电子健康卡 / 医保电子凭证) to the camera. The camera picture is
//! never shown or kept: the screen only says what to do.

use leptos::prelude::*;
use station_protocol::{Action, QrHint};

use crate::kit::{big_button, screen_frame};
use crate::texts::Texts;

pub fn scan_qr(hint: Option<QrHint>, t: &Texts) -> impl IntoView {
    let body = view! {
        <div class="guide">
            // A phone showing a code, held towards the camera.
            <svg class="picture" viewBox="0 0 200 200" aria-hidden="true">
                <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                    <rect x="55" y="20" width="90" height="160" rx="12"/>
                    <rect x="75" y="55" width="50" height="50"/>
                    <path d="M85 65h10v10h-10zM105 85h10v10h-10z" fill="currentColor"/>
                    <path d="M90 160h20"/>
                </g>
            </svg>
            <div>
                <p class="lead">{t.tr("scan-qr-body")}</p>
                {hint.map(|h| view! { <p class="notes" role="status">{t.tr(h.message_id())}</p> })}
                <div class="spinner" aria-hidden="true"></div>
                <div class="row">{big_button(t.tr("scan-back"), "btn-secondary", Action::BackHome)}</div>
            </div>
        </div>
    };
    screen_frame(t, t.tr("scan-qr-title"), None, false, body)
}
