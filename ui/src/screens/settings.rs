//! The resident's own display and audio settings (reset by the backend when the visit ends).

use leptos::prelude::*;
use station_protocol::{Action, Contrast, Locale, StationView, TextSize};

use crate::kit::big_button;
use crate::texts::Texts;

fn choice(label: String, selected: bool, action: Action) -> impl IntoView {
    let class = if selected {
        "btn-choice selected"
    } else {
        "btn-choice"
    };
    view! {
        <span aria-pressed=selected.to_string()>{big_button(label, class, action)}</span>
    }
}

pub fn settings_bar(v: &StationView, t: &Texts) -> impl IntoView {
    let p = v.prefs;
    let quieter = p.volume.saturating_sub(20);
    let louder = p.volume.saturating_add(20).min(100);
    view! {
        <nav class="settings">
            <div class="setting">
                <span class="setting-label">{t.tr("settings-language")}</span>
                {choice(t.tr("locale-zh-CN"), p.locale == Locale::ZhCn, Action::ChooseLocale { locale: Locale::ZhCn })}
                {choice(t.tr("locale-en-US"), p.locale == Locale::EnUs, Action::ChooseLocale { locale: Locale::EnUs })}
            </div>
            <div class="setting">
                <span class="setting-label">{t.tr("settings-text-size")}</span>
                {choice(t.tr("text-size-large"), p.text_size == TextSize::Large, Action::ChooseTextSize { size: TextSize::Large })}
                {choice(t.tr("text-size-extra-large"), p.text_size == TextSize::ExtraLarge, Action::ChooseTextSize { size: TextSize::ExtraLarge })}
            </div>
            <div class="setting">
                <span class="setting-label">{t.tr("settings-contrast")}</span>
                {choice(t.tr("contrast-high-light"), p.contrast == Contrast::HighLight, Action::ChooseContrast { contrast: Contrast::HighLight })}
                {choice(t.tr("contrast-high-dark"), p.contrast == Contrast::HighDark, Action::ChooseContrast { contrast: Contrast::HighDark })}
            </div>
            <div class="setting">
                <span class="setting-label">{t.tr_with("settings-volume", &[("volume", p.volume.to_string())])}</span>
                {big_button(t.tr("volume-down"), "btn-choice", Action::SetVolume { volume: quieter })}
                {big_button(t.tr("volume-up"), "btn-choice", Action::SetVolume { volume: louder })}
            </div>
        </nav>
    }
}
