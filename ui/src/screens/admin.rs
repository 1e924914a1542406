//! Staff admin mode: the PIN keypad, then the pages (today and this week, devices, settings,
//! problems). Staff are trained users, but the same big type and targets serve them too.

use leptos::prelude::*;
use station_protocol::{
    Action, AdminAction, AdminMessage, AdminPinView, AdminSection, AdminSetting, AdminView,
    DeviceStatus, IdentifyMethod, Locale, ManualKey, Paper, PinProblem, PinStage, SettingsView,
    StationCounts, StationTier,
};

use crate::ipc::send;
use crate::kit::{bar_button, big_button, screen_frame, Head};
use crate::texts::Texts;

pub(super) fn act(action: AdminAction) -> Action {
    Action::Admin { action }
}

fn holder(holder: &str, t: &Texts) -> String {
    if holder.is_empty() {
        t.tr("admin-pin-station")
    } else {
        t.tr_with("admin-pin-holder", &[("badge", holder.to_string())])
    }
}

pub fn pin(pin: &AdminPinView, t: &Texts) -> impl IntoView {
    let ask = match pin.stage {
        PinStage::Enter => t.tr("admin-pin-enter"),
        PinStage::Choose => t.tr("admin-pin-choose"),
        PinStage::Confirm => t.tr("admin-pin-confirm"),
    };
    let problem = pin.problem.as_ref().map(|p| {
        let text = match p {
            PinProblem::Wrong { tries_left } => {
                t.tr_with("admin-pin-wrong", &[("tries", tries_left.to_string())])
            }
            PinProblem::Locked { until } => {
                t.tr_with("admin-pin-locked", &[("until", until.clone())])
            }
            PinProblem::BadLength => t.tr("admin-pin-bad-length"),
            PinProblem::Mismatch => t.tr("admin-pin-mismatch"),
            PinProblem::Unavailable => t.tr("admin-pin-unavailable"),
        };
        view! { <p class="warning" role="alert">{text}</p> }
    });
    // The digits are never shown (nor sent back): dots for what is typed.
    let dots = "●".repeat(usize::from(pin.typed));
    let keys = (1..=9)
        .chain([0])
        .map(|d| {
            big_button(
                d.to_string(),
                "btn-secondary key",
                act(AdminAction::PinKey {
                    key: ManualKey::Digit(d),
                }),
            )
        })
        .chain(std::iter::once(big_button(
            t.tr("manual-entry-delete"),
            "btn-secondary key key-word",
            act(AdminAction::PinKey {
                key: ManualKey::Delete,
            }),
        )))
        .collect::<Vec<_>>();
    let body = view! {
        <p class="lead">{ask}</p>
        <p class="value pin-dots" role="status" aria-label=t.tr_with("admin-pin-typed", &[("count", pin.typed.to_string())])>
            {dots}
        </p>
        {problem}
        <div class="keypad" role="group" aria-label=t.tr("admin-pin-title")>{keys}</div>
    };
    let bar = view! {
        <div class="actions">
            {bar_button(t.tr("admin-leave"), None, false, act(AdminAction::Leave))}
            {bar_button(t.tr("admin-pin-submit"), None, true, act(AdminAction::PinSubmit))}
        </div>
    };
    screen_frame(
        t,
        Head::new(t.tr("admin-pin-title")).step(holder(&pin.holder, t)),
        body,
        Some(bar),
    )
}

pub fn admin(v: &AdminView, t: &Texts) -> impl IntoView {
    let tabs = AdminSection::ALL
        .into_iter()
        .map(|section| {
            let current = section == v.section;
            let class = if current {
                "btn btn-choice selected"
            } else {
                "btn btn-choice"
            };
            view! {
                <button class=class aria-pressed=current.to_string()
                    on:click=move |_| send(act(AdminAction::Show { section }))>
                    {t.tr(section.message_id())}
                </button>
            }
        })
        .collect::<Vec<_>>();
    let message = v.message.map(|m| {
        let mut text = t.tr(m.message_id());
        // The device's own word on its battery, after its self-test.
        if let (AdminMessage::InstrumentAnswered, Some(percent)) = (m, v.battery_percent) {
            text = format!(
                "{text} · {}",
                t.tr_with("admin-battery", &[("percent", percent.to_string())])
            );
        }
        view! { <p class="notice-inline" role="status">{text}</p> }
    });
    let page = match v.section {
        AdminSection::Today => today(v, t).into_any(),
        AdminSection::Devices => devices(v, t).into_any(),
        AdminSection::Settings => settings(v, t).into_any(),
        AdminSection::Hours => view! {
            <div class="admin-settings">{weekdays(&v.settings, t)}{closed_dates(&v.settings, t)}</div>
        }
        .into_any(),
        AdminSection::Logs => view! {
            {software(v, t)}
            {problems(&v.problems, t)}
            {diagnostics(v, t)}
        }
        .into_any(),
        AdminSection::Badges => badges(v, t).into_any(),
        AdminSection::Faults => super::admin_faults::faults(v, t).into_any(),
        AdminSection::Name => super::admin_name::name(v, t).into_any(),
    };
    let body = view! {
        <div class="row admin-tabs" role="group" aria-label=t.tr("admin-title")>{tabs}</div>
        {message}
        {page}
    };
    let bar = view! {
        <div class="actions">
            {bar_button(t.tr("admin-exit-desktop"), None, false, act(AdminAction::ExitToDesktop))}
            {bar_button(t.tr("admin-leave"), None, true, act(AdminAction::Leave))}
        </div>
    };
    let staff = if v.staff.is_empty() {
        t.tr("admin-pin-station")
    } else {
        t.tr_with("admin-staff", &[("badge", v.staff.clone())])
    };
    screen_frame(
        t,
        Head::new(t.tr("admin-title")).step(staff),
        body,
        Some(bar),
    )
}

fn counts(title: String, c: &StationCounts, t: &Texts) -> impl IntoView {
    let readings: u32 = c.readings.iter().map(|(_, n)| n).sum();
    let by_kind = c
        .readings
        .iter()
        .map(|(kind, n)| format!("{} {n}", t.tr(kind.message_id())))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <section class="admin-counts">
            <h2>{title}</h2>
            <dl class="values">
                <div><dt>{t.tr("admin-count-visits")}</dt><dd>{c.visits}</dd></div>
                <div><dt>{t.tr("admin-count-readings")}</dt><dd>{readings}</dd></div>
                <div><dt>{t.tr("admin-count-printed")}</dt><dd>{c.reports_printed}</dd></div>
                <div><dt>{t.tr("admin-count-faults")}</dt><dd>{c.faults}</dd></div>
            </dl>
            {(!by_kind.is_empty()).then(|| view! { <p>{by_kind}</p> })}
        </section>
    }
}

fn today(v: &AdminView, t: &Texts) -> impl IntoView {
    view! {
        <div class="row">
            {counts(t.tr("admin-today"), &v.today, t)}
            {counts(t.tr("admin-week"), &v.week, t)}
        </div>
    }
}

fn devices(v: &AdminView, t: &Texts) -> impl IntoView {
    // The camera's self-test: its live picture, drawn by ui/static/live-video.js (the message
    // above it says what it is; the canvas itself is decorative for assistive tech).
    let preview = (v.message == Some(AdminMessage::CameraPreviewing)).then(|| {
        view! { <canvas id="camera-preview" class="camera-preview" width="320" height="240" aria-hidden="true"></canvas> }
    });
    let rows = v
        .devices
        .iter()
        .map(|line| {
            let device = line.device;
            let status = line.status;
            let class = match status {
                DeviceStatus::Ready => "status status-ok",
                DeviceStatus::Fault => "status status-fault",
                DeviceStatus::NotConfigured | DeviceStatus::OnUse => "status",
            };
            view! {
                <li class="admin-device">
                    <span>{t.tr(device.message_id())}</span>
                    <span class=class>{t.tr(status.message_id())}</span>
                    {line.testable.then(|| big_button(
                        t.tr("admin-test"),
                        "btn-secondary",
                        act(AdminAction::Test { device }),
                    ))}
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        {preview}
        <ul class="admin-devices">{rows}</ul>
    }
}

fn setting_row(label: String, value: String, buttons: Vec<AnyView>) -> impl IntoView {
    view! {
        <div class="admin-setting">
            <span>{label}</span>
            <span class="value">{value}</span>
            <div class="row">{buttons}</div>
        </div>
    }
}

fn settings(v: &AdminView, t: &Texts) -> impl IntoView {
    let s = &v.settings;
    let set = |label: String, setting: AdminSetting| {
        big_button(label, "btn-secondary", act(AdminAction::Set { setting })).into_any()
    };
    let volume = setting_row(
        t.tr("admin-setting-volume"),
        s.volume.to_string(),
        vec![
            set(
                t.tr("admin-quieter"),
                AdminSetting::Volume(s.volume.saturating_sub(10)),
            ),
            set(
                t.tr("admin-louder"),
                AdminSetting::Volume(s.volume.saturating_add(10).min(100)),
            ),
        ],
    );
    let idle = setting_row(
        t.tr("admin-setting-idle"),
        s.idle_timeout_secs.to_string(),
        vec![
            set(
                t.tr("admin-shorter"),
                AdminSetting::IdleTimeout(s.idle_timeout_secs.saturating_sub(30)),
            ),
            set(
                t.tr("admin-longer"),
                AdminSetting::IdleTimeout(s.idle_timeout_secs.saturating_add(30)),
            ),
        ],
    );
    let locale = setting_row(
        t.tr("admin-setting-locale"),
        t.tr(&format!("locale-{}", s.locale.tag())),
        Locale::ALL
            .into_iter()
            .map(|l| {
                set(
                    t.tr(&format!("locale-{}", l.tag())),
                    AdminSetting::Locale(l),
                )
            })
            .collect(),
    );
    let paper = setting_row(
        t.tr("admin-setting-paper"),
        t.tr(match s.paper {
            Paper::A4 => "admin-paper-a4",
            Paper::Receipt80mm => "admin-paper-receipt",
        }),
        vec![
            set(t.tr("admin-paper-a4"), AdminSetting::Paper(Paper::A4)),
            set(
                t.tr("admin-paper-receipt"),
                AdminSetting::Paper(Paper::Receipt80mm),
            ),
        ],
    );
    view! {
        <div class="admin-settings">
            {volume}{idle}{locale}{paper}{printer(v, t)}{tier(s, t)}{identify(s, t)}
        </div>
    }
}

/// The CUPS queue reports print to: "查找打印机" lists the print server's, one press chooses
/// (used from the next start; the message above says so).
fn printer(v: &AdminView, t: &Texts) -> impl IntoView {
    let s = &v.settings;
    let name = |uri: &str| uri.rsplit('/').next().unwrap_or(uri).to_string();
    let value = s
        .printer_queue
        .as_deref()
        .map_or_else(|| t.tr("admin-printer-unset"), name);
    let find = big_button(
        t.tr("admin-find-printers"),
        "btn-secondary",
        act(AdminAction::FindPrinters),
    )
    .into_any();
    let choices = (!v.printer_queues.is_empty()).then(|| {
        let buttons = v
            .printer_queues
            .iter()
            .map(|uri| {
                let chosen = s.printer_queue.as_deref() == Some(uri.as_str());
                let setting = AdminSetting::PrinterQueue(uri.clone());
                choice(name(uri), chosen, AdminAction::Set { setting }).into_any()
            })
            .collect();
        choices_row(t.tr("admin-printer-choose"), buttons)
    });
    view! {
        {setting_row(t.tr("admin-setting-printer"), value, vec![find])}
        {choices}
    }
}

/// A setting whose choices are many: its name above, its buttons below (they wrap).
fn choices_row(label: String, buttons: Vec<AnyView>) -> impl IntoView {
    view! {
        <div class="admin-setting admin-setting-wide" role="group">
            <span>{label}</span>
            <div class="row">{buttons}</div>
        </div>
    }
}

fn tier(s: &SettingsView, t: &Texts) -> impl IntoView {
    let value = s.tier.map_or_else(
        || t.tr("admin-tier-unset"),
        |tier| t.tr_with("admin-tier", &[("tier", tier.as_str().to_string())]),
    );
    let buttons = StationTier::ALL
        .into_iter()
        .map(|tier| {
            let setting = AdminSetting::Tier(tier);
            let label = t.tr_with("admin-tier", &[("tier", tier.as_str().to_string())]);
            choice(label, s.tier == Some(tier), AdminAction::Set { setting }).into_any()
        })
        .collect();
    setting_row(t.tr("admin-setting-tier"), value, buttons)
}

/// Each way of identifying, pressed when offered; a press turns it on (last in line) or off.
fn identify(s: &SettingsView, t: &Texts) -> impl IntoView {
    let buttons = IdentifyMethod::ALL
        .into_iter()
        .map(|way| {
            let on = s.identify.contains(&way);
            let mut ways: Vec<IdentifyMethod> =
                s.identify.iter().copied().filter(|w| *w != way).collect();
            if !on {
                ways.push(way);
            }
            let label = t.tr(&format!("identify-{}", way.as_str().replace('_', "-")));
            let setting = AdminSetting::Identify(ways);
            choice(label, on, AdminAction::Set { setting }).into_any()
        })
        .collect();
    choices_row(t.tr("admin-setting-identify"), buttons)
}

/// A day's name, with "闭馆" after it when it is closed (not by colour alone).
fn closed_mark(label: String, closed: bool, t: &Texts) -> String {
    if closed {
        format!("{label} {}", t.tr("admin-closed-mark"))
    } else {
        label
    }
}

/// The next four weeks, a date pressed when open; a press closes or opens it.
fn closed_dates(s: &SettingsView, t: &Texts) -> impl IntoView {
    let buttons = s
        .upcoming
        .iter()
        .map(|day| {
            let weekday = t.tr(&format!("admin-weekday-{}", day.weekday));
            let label = t.tr_with(
                "admin-date",
                &[
                    ("month", day.month.to_string()),
                    ("day", day.day.to_string()),
                    ("weekday", weekday),
                ],
            );
            let setting = AdminSetting::ClosedDate {
                date: day.date.clone(),
                closed: !day.closed,
            };
            // As the weekdays: pressed means open, and a closed day says so in words too.
            let label = closed_mark(label, day.closed, t);
            choice(label, !day.closed, AdminAction::Set { setting }).into_any()
        })
        .collect();
    choices_row(t.tr("admin-setting-closed-dates"), buttons)
}

/// Monday to Sunday, pressed when open; a press opens or closes that day.
fn weekdays(s: &SettingsView, t: &Texts) -> impl IntoView {
    let buttons = (0u8..7)
        .zip(s.open_weekdays)
        .map(|(day, open)| {
            let label = closed_mark(t.tr(&format!("admin-weekday-{}", day + 1)), !open, t);
            let setting = AdminSetting::WeekdayOpen { day, open: !open };
            choice(label, open, AdminAction::Set { setting }).into_any()
        })
        .collect();
    choices_row(t.tr("admin-setting-weekdays"), buttons)
}

/// The station's staff badges (masked), each removable; "添加工作人员卡" waits for a tap on the
/// reader (the message above says so).
fn badges(v: &AdminView, t: &Texts) -> impl IntoView {
    let rows = v
        .badges
        .iter()
        .enumerate()
        .map(|(i, badge)| {
            let setting = AdminSetting::RemoveBadge {
                index: u8::try_from(i).unwrap_or(u8::MAX),
            };
            view! {
                <li class="admin-device">
                    <span>{t.tr_with("admin-badge", &[("badge", badge.clone())])}</span>
                    {big_button(t.tr("admin-badge-remove"), "btn-secondary", act(AdminAction::Set { setting }))}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let list = if rows.is_empty() {
        view! { <p class="lead">{t.tr("admin-no-badges")}</p> }.into_any()
    } else {
        view! { <ul class="admin-devices">{rows}</ul> }.into_any()
    };
    let waiting = v.message == Some(AdminMessage::BadgeWaiting);
    view! {
        <p class="lead">{t.tr("admin-badges-lead")}</p>
        {list}
        {(!waiting).then(|| big_button(t.tr("admin-badge-add"), "btn-primary", act(AdminAction::AddBadge)))}
    }
}

/// The kiosk's version and how its updates stand.
fn software(v: &AdminView, t: &Texts) -> impl IntoView {
    let update = &v.software.update;
    let state = t.tr_with(
        update.message_id(),
        &[("version", update.version().unwrap_or_default().to_string())],
    );
    view! {
        <div class="admin-settings">
            {setting_row(t.tr("admin-software-version"), v.software.version.clone(), vec![])}
            {setting_row(t.tr("admin-software-update"), state, vec![])}
        </div>
    }
}

fn problems(lines: &[String], t: &Texts) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="lead">{t.tr("admin-no-problems")}</p> }.into_any();
    }
    let items = lines
        .iter()
        .map(|l| view! { <li>{l.clone()}</li> })
        .collect::<Vec<_>>();
    view! { <ul class="admin-problems">{items}</ul> }.into_any()
}

/// A button among choices, pressed when it is the chosen one.
pub(super) fn choice(label: String, chosen: bool, action: AdminAction) -> impl IntoView {
    let class = if chosen {
        "btn btn-choice selected"
    } else {
        "btn btn-choice"
    };
    view! {
        <button class=class aria-pressed=chosen.to_string() on:click=move |_| send(act(action.clone()))>
            {label}
        </button>
    }
}

/// "保存诊断包": for a maintainer, to a USB drive (else the station's folder), and where it went.
fn diagnostics(v: &AdminView, t: &Texts) -> impl IntoView {
    let saved = v
        .saved_to
        .as_ref()
        .map(|path| view! { <p>{t.tr_with("admin-saved-to", &[("path", path.clone())])}</p> });
    view! {
        <section class="admin-diagnostics">
            {big_button(t.tr("admin-save-diagnostics"), "btn-secondary", act(AdminAction::SaveDiagnostics))}
            {saved}
        </section>
    }
}
