//! Face: a separate consent first (PIPL art. 26/28), then the framing guide. The camera picture
//! is never shown or kept; the screen only says what to do.

use leptos::prelude::*;
use station_protocol::{Action, FaceHint};

use crate::kit::{big_button, screen_frame};
use crate::texts::Texts;

pub fn consent(t: &Texts) -> impl IntoView {
    let body = view! {
        <p class="lead">{t.tr("face-consent-body")}</p>
        <ul class="consent-points">
            <li><p>{t.tr("face-consent-purpose")}</p></li>
            <li><p>{t.tr("face-consent-not-kept")}</p></li>
            <li><p>{t.tr("face-consent-other-ways")}</p></li>
        </ul>
        <div class="row">
            {big_button(t.tr("face-consent-decline"), "btn-secondary", Action::BackHome)}
            {big_button(t.tr("face-consent-agree"), "btn-primary", Action::ConsentToFace)}
        </div>
    };
    screen_frame(t, t.tr("face-consent-title"), None, false, body)
}

pub fn scan(hint: Option<FaceHint>, t: &Texts) -> impl IntoView {
    let body = view! {
        <div class="guide">
            // A face inside a frame: look straight at the screen.
            <svg class="picture" viewBox="0 0 200 200" aria-hidden="true">
                <g fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M20 55V20h35M145 20h35v35M180 145v35h-35M55 180H20v-35"/>
                    <ellipse cx="100" cy="100" rx="42" ry="55"/>
                    <path d="M82 90h2M116 90h2M88 125q12 10 24 0"/>
                </g>
            </svg>
            <div>
                <p class="lead">{t.tr("face-scan-body")}</p>
                {hint.map(|h| view! { <p class="notes" role="status">{t.tr(h.message_id())}</p> })}
                <div class="spinner" aria-hidden="true"></div>
                <div class="row">{big_button(t.tr("scan-back"), "btn-secondary", Action::BackHome)}</div>
            </div>
        </div>
    };
    screen_frame(t, t.tr("face-scan-title"), None, false, body)
}
