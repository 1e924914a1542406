//! Face: a separate consent first (PIPL art. 26/28), then the framing guide. The camera picture
//! is never shown or kept; the screen only says what to do.

use leptos::prelude::*;
use station_protocol::{Action, FaceHint};

use crate::kit::{bar_button, screen_frame, Head};
use crate::pictograms::{self, picture};
use crate::texts::Texts;

pub fn consent(t: &Texts) -> impl IntoView {
    let body = view! {
        <div class="guide">
            {picture(pictograms::FACE, "illustration step-picture picto-large")}
            <div class="guide-words">
                <p class="lead">{t.tr("face-consent-body")}</p>
                <ul class="consent-points">
                    <li><p>{t.tr("face-consent-purpose")}</p></li>
                    <li><p>{t.tr("face-consent-not-kept")}</p></li>
                    <li><p>{t.tr("face-consent-other-ways")}</p></li>
                </ul>
            </div>
        </div>
    };
    let bar = view! {
        <div class="actions">
            {bar_button(t.tr("face-consent-decline"), None, false, Action::BackHome)}
            {bar_button(t.tr("face-consent-agree"), None, true, Action::ConsentToFace)}
        </div>
    };
    screen_frame(t, Head::new(t.tr("face-consent-title")), body, Some(bar))
}

pub fn scan(hint: Option<FaceHint>, t: &Texts) -> impl IntoView {
    let body = view! {
        <div class="guide">
            {picture(pictograms::FACE, "illustration step-picture picto-large")}
            <div class="guide-words">
                <p class="lead">{t.tr("face-scan-body")}</p>
                {hint.map(|h| view! { <p class="notes" role="status">{t.tr(h.message_id())}</p> })}
                <div class="spinner" aria-hidden="true"></div>
            </div>
        </div>
    };
    screen_frame(
        t,
        Head::new(t.tr("face-scan-title")),
        body,
        Some(
            view! { <div class="actions">{bar_button(t.tr("scan-back"), Some(pictograms::BACK), false, Action::BackHome)}</div> },
        ),
    )
}
