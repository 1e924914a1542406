//! "我的报告": the resident's earlier visits with readings, each printable again.

use leptos::prelude::*;
use station_protocol::{Action, PastReportView, StationView};

use crate::kit::{home_bar, icon_button, screen_frame, Head};
use crate::pictograms::{self, picture};
use crate::texts::Texts;

pub fn reports(v: &StationView, reports: &[PastReportView], t: &Texts) -> impl IntoView {
    let rows = reports
        .iter()
        .map(|r| {
            let kinds = t.join(
                r.kinds
                    .iter()
                    .map(|k| t.tr(k.message_id()))
                    .chain(r.questionnaire.then(|| t.tr("tcm-questionnaire-title"))),
            );
            let print = v.printer.then(|| {
                icon_button(
                    t.tr("print-report"),
                    pictograms::PRINT,
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
        {empty.then(|| view! {
            <div class="message">
                {picture(pictograms::service(station_protocol::Service::Reports), "illustration message-picture")}
                <p class="lead message-lead">{t.tr("reports-empty")}</p>
            </div>
        })}
        {(!empty && !v.printer).then(|| view! { <p>{t.tr("reports-no-printer")}</p> })}
        {(!empty).then(|| view! { <ul class="report-list">{rows}</ul> })}
    };
    screen_frame(
        t,
        Head::new(t.tr("reports-title")).exit(true),
        body,
        Some(view! { <div class="actions">{home_bar(t, true)}</div> }),
    )
}
