//! Staff-assisted manual entry: the kind, then the form with an on-screen keypad (the kiosk
//! has no keyboard). Every key goes to the station, which keeps the typed text and checks it.

use leptos::prelude::*;
use station_protocol::{
    Action, GlucoseTiming, ManualEntryView, ManualFieldView, ManualKey, MeasureKind,
};

use super::home::tile;
use crate::ipc::send;
use crate::kit::{bar_button, big_button, home_bar, screen_frame, Head};
use crate::pictograms;
use crate::texts::Texts;

pub fn manual_entry(entry: &ManualEntryView, t: &Texts) -> impl IntoView {
    let staff = t.tr_with("manual-entry-staff", &[("badge", entry.staff.clone())]);
    let (body, save) = match entry.kind {
        None => (kind_list(t).into_any(), false),
        Some(kind) => (form(entry, kind, t).into_any(), true),
    };
    let bar = view! {
        <div class="actions">
            {home_bar(t, false)}
            {save.then(|| bar_button(t.tr("manual-entry-save"), None, true, Action::ManualSave))}
        </div>
    };
    screen_frame(
        t,
        Head::new(t.tr("manual-entry-title")).step(staff).exit(true),
        body,
        Some(bar),
    )
}

fn kind_list(t: &Texts) -> impl IntoView {
    let tiles = MeasureKind::ALL
        .into_iter()
        .map(|kind| {
            tile(
                t.tr(kind.message_id()),
                pictograms::kind(kind),
                Action::ManualChooseKind { kind },
            )
        })
        .collect::<Vec<_>>();
    view! {
        <p class="lead">{t.tr("manual-entry-choose")}</p>
        <div class=format!("tiles tiles-{}", MeasureKind::ALL.len())>{tiles}</div>
    }
}

fn form(entry: &ManualEntryView, kind: MeasureKind, t: &Texts) -> impl IntoView {
    let fields = entry
        .fields
        .iter()
        .enumerate()
        .map(|(index, f)| field(index, f, index == entry.active, t))
        .collect::<Vec<_>>();
    let timing = (kind == MeasureKind::Glucose).then(|| timing_choice(entry, t));
    let keys = [
        ManualKey::Digit(1),
        ManualKey::Digit(2),
        ManualKey::Digit(3),
        ManualKey::Digit(4),
        ManualKey::Digit(5),
        ManualKey::Digit(6),
        ManualKey::Digit(7),
        ManualKey::Digit(8),
        ManualKey::Digit(9),
        ManualKey::Point,
        ManualKey::Digit(0),
        ManualKey::Delete,
    ]
    .into_iter()
    .map(|key| {
        let (label, class) = match key {
            ManualKey::Digit(d) => (d.to_string(), "btn-secondary key"),
            ManualKey::Point => (".".to_string(), "btn-secondary key"),
            ManualKey::Delete => (t.tr("manual-entry-delete"), "btn-secondary key key-word"),
        };
        big_button(label, class, Action::ManualKey { key })
    })
    .collect::<Vec<_>>();
    view! {
        <h2 class="manual-kind">{t.tr(kind.message_id())}</h2>
        <div class="manual">
            <div class="manual-fields">{fields}{timing}</div>
            <div class="keypad" role="group" aria-label=t.tr("manual-entry-title")>{keys}</div>
        </div>
    }
}

/// One number: a big box showing what was typed; touching it makes the keypad type there.
fn field(index: usize, f: &ManualFieldView, active: bool, t: &Texts) -> impl IntoView {
    let range = t.tr_with(
        "manual-entry-range",
        &[("min", f.min.clone()), ("max", f.max.clone())],
    );
    let error = f.error.map(|e| {
        view! { <span class="warning" role="alert">{t.tr(e.message_id())}</span> }
    });
    let class = if active {
        "manual-field active"
    } else {
        "manual-field"
    };
    view! {
        <button class=class aria-pressed=active.to_string()
            on:click=move |_| send(Action::ManualSelectField { index })>
            <span class="manual-label">{t.tr(f.field.label())}</span>
            <span class="value manual-value">{f.value.clone()}</span>
            <span class="manual-unit">{t.tr(f.field.unit())}</span>
            <span class="small">{range}</span>
            {error}
        </button>
    }
}

fn timing_choice(entry: &ManualEntryView, t: &Texts) -> impl IntoView {
    let buttons = GlucoseTiming::ALL
        .into_iter()
        .map(|timing| {
            let chosen = entry.timing == Some(timing);
            let class = if chosen {
                "btn btn-choice selected"
            } else {
                "btn btn-choice"
            };
            view! {
                <button class=class aria-pressed=chosen.to_string()
                    on:click=move |_| send(Action::ManualChooseTiming { timing })>
                    {t.tr(timing.message_id())}
                </button>
            }
        })
        .collect::<Vec<_>>();
    let missing = entry.timing_missing.then(|| {
        view! { <span class="warning" role="alert">{t.tr("manual-entry-timing-missing")}</span> }
    });
    view! {
        <fieldset class="manual-timing">
            <legend>{t.tr("manual-entry-timing")}</legend>
            {buttons}
            {missing}
        </fieldset>
    }
}
