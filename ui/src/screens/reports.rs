//! "我的报告": the resident's earlier visits with readings, each printable again.

use leptos::prelude::*;
use station_protocol::{Action, PastReportView, StationView};

use crate::kit::{big_button, screen_frame};
use crate::texts::Texts;

pub fn reports(v: &StationView, reports: &[PastReportView], t: &Texts) -> impl IntoView {
    let rows = reports
        .iter()
        .map(|r| {
            let kinds = r
                .kinds
                .iter()
                .map(|k| t.tr(k.message_id()))
                .chain(r.questionnaire.then(|| t.tr("tcm-questionnaire-title")))
                .collect::<Vec<_>>()
                .join("、");
            let print = v.printer.then(|| {
                big_button(
                    t.tr("print-report"),
                    "btn-secondary",
                    Action::PrintVisitReport { visit: r.visit },
                )
            });
            view! {
                <li class="report-row">
                    <div>
                        <p class="report-date">{r.date.clone()}</p>
                        <p>{kinds}</p>
                    </div>
                    {print}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let empty = reports.is_empty();
    let body = view! {
        {empty.then(|| view! { <p class="lead">{t.tr("reports-empty")}</p> })}
        {(!empty && !v.printer).then(|| view! { <p>{t.tr("reports-no-printer")}</p> })}
        <ul class="report-list">{rows}</ul>
        <div class="row">{big_button(t.tr("back-home"), "btn-primary", Action::BackHome)}</div>
    };
    screen_frame(t, t.tr("reports-title"), None, true, body)
}
