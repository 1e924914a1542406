//! The resident's own display and audio settings (reset by the backend when the visit ends).

use leptos::prelude::*;
use station_protocol::{Action, Contrast, Locale, StationView, TextSize};

use crate::ipc::send;
use crate::texts::Texts;

/// One of two choices; the chosen one is drawn filled and says so (`aria-pressed` on the
/// button itself, where the attribute is allowed).
fn choice(label: String, selected: bool, action: Action) -> impl IntoView {
    let class = if selected {
        "btn btn-choice selected"
    } else {
        "btn btn-choice"
    };
    view! {
        <button class=class aria-pressed=selected.to_string() on:click=move |_| send(action.clone())>
            {label}
        </button>
    }
}

fn plain(label: String, action: Action) -> impl IntoView {
    view! {
        <button class="btn btn-choice" on:click=move |_| send(action.clone())>{label}</button>
    }
}

/// A labelled group of buttons; `id` ties the words to the group for a screen reader.
fn setting(id: &'static str, label: String, buttons: impl IntoView) -> impl IntoView {
    view! {
        <div class="setting" role="group" aria-labelledby=id>
            <span class="setting-label" id=id>{label}</span>
            {buttons}
        </div>
    }
}

pub fn settings_bar(v: &StationView, t: &Texts) -> impl IntoView {
    let p = v.prefs;
    let quieter = p.volume.saturating_sub(20);
    let louder = p.volume.saturating_add(20).min(100);
    view! {
        <nav class="settings" aria-label=t.tr("settings-title")>
            {setting("setting-language", t.tr("settings-language"), view! {
                {choice(t.tr("locale-zh-CN"), p.locale == Locale::ZhCn, Action::ChooseLocale { locale: Locale::ZhCn })}
                {choice(t.tr("locale-en-US"), p.locale == Locale::EnUs, Action::ChooseLocale { locale: Locale::EnUs })}
            })}
            {setting("setting-text-size", t.tr("settings-text-size"), view! {
                {choice(t.tr("text-size-large"), p.text_size == TextSize::Large, Action::ChooseTextSize { size: TextSize::Large })}
                {choice(t.tr("text-size-extra-large"), p.text_size == TextSize::ExtraLarge, Action::ChooseTextSize { size: TextSize::ExtraLarge })}
            })}
            {setting("setting-contrast", t.tr("settings-contrast"), view! {
                {choice(t.tr("contrast-high-light"), p.contrast == Contrast::HighLight, Action::ChooseContrast { contrast: Contrast::HighLight })}
                {choice(t.tr("contrast-high-dark"), p.contrast == Contrast::HighDark, Action::ChooseContrast { contrast: Contrast::HighDark })}
            })}
            {setting("setting-volume", t.tr_with("settings-volume", &[("volume", p.volume.to_string())]), view! {
                {plain(t.tr("volume-down"), Action::SetVolume { volume: quieter })}
                {plain(t.tr("volume-up"), Action::SetVolume { volume: louder })}
            })}
        </nav>
    }
}
