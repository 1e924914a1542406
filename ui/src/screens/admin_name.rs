//! Admin mode's name page: the station's name (Wenzhou 5.3.1) typed in pinyin on the screen's
//! own keyboard. Every key goes to the station, which keeps what is typed and offers the
//! characters; nothing is kept here.

use leptos::prelude::*;
use station_protocol::{AdminAction, AdminView, NamePart};

use crate::kit::big_button;
use crate::texts::Texts;

use super::admin::{act, choice};

/// The keyboard's rows, as on a phone: staff know where the letters are.
const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

pub(super) fn name(v: &AdminView, t: &Texts) -> impl IntoView {
    let d = &v.name;
    let parts = NamePart::ALL
        .into_iter()
        .map(|part| {
            let label = t.tr_with(
                "admin-name-part",
                &[
                    ("part", t.tr(part.message_id())),
                    ("text", d.part(part).to_string()),
                ],
            );
            choice(label, d.part == part, AdminAction::NamePart { part }).into_any()
        })
        .collect::<Vec<_>>();
    let whole = format!("{}{}{}", d.town, d.community, d.label);
    let preview = t.tr_with("admin-name-preview", &[("name", whole)]);
    let pinyin = if d.pinyin.is_empty() {
        t.tr("admin-name-hint")
    } else {
        t.tr_with("admin-name-pinyin", &[("pinyin", d.pinyin.clone())])
    };
    let candidates = d
        .candidates
        .iter()
        .enumerate()
        .filter_map(|(index, word)| {
            let index = u8::try_from(index).ok()?;
            Some(
                big_button(
                    word.clone(),
                    "btn-secondary candidate",
                    act(AdminAction::NamePick { index }),
                )
                .into_any(),
            )
        })
        .collect::<Vec<_>>();
    let none = (!d.pinyin.is_empty() && d.candidates.is_empty()).then(
        || view! { <span class="warning" role="alert">{t.tr("admin-name-no-candidates")}</span> },
    );
    let more = d.more.then(|| {
        big_button(
            t.tr("admin-name-more"),
            "btn-secondary",
            act(AdminAction::NameMore),
        )
    });
    let rows = ROWS
        .into_iter()
        .map(|row| {
            let keys = row
                .chars()
                .map(|letter| {
                    big_button(
                        letter.to_string(),
                        "btn-secondary key",
                        act(AdminAction::NameLetter { letter }),
                    )
                    .into_any()
                })
                .collect::<Vec<_>>();
            view! { <div class="letter-row">{keys}</div> }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="admin-name">
            <div class="row" role="group" aria-label=t.tr("admin-section-name")>{parts}</div>
            <p class="value">{preview}</p>
            <p aria-live="polite">{pinyin}</p>
            <div class="row candidates" role="group" aria-label=t.tr("admin-name-candidates")>
                {candidates}{none}{more}
            </div>
            <div class="letters" role="group" aria-label=t.tr("admin-name-keyboard")>
                {rows}
                <div class="letter-row">
                    {big_button(t.tr("manual-entry-delete"), "btn-secondary key key-word", act(AdminAction::NameDelete))}
                    {big_button(t.tr("admin-name-save"), "btn-primary key-word", act(AdminAction::NameSave))}
                </div>
            </div>
        </div>
    }
}
