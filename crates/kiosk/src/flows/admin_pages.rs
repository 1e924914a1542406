//! The pages of staff admin mode, drawn from the store, the readers and the config as they are
//! now, and what staff ask on them (device self-tests, settings written to station.toml). The
//! session, the PIN and the way in and out are in `admin.rs`.

use chrono::Weekday;
use chrono::{Datelike, NaiveDate, Timelike};
use station_core::config::edit::{write_setting, Setting};
use station_core::config::{PrinterChoice, StationConfig, WeekdayHours};
use station_protocol::{
    AdminMessage, AdminSection, AdminSetting, AdminView, DeviceClass, DeviceLine, DeviceStatus,
    FaultDraft, MeasureKind, ReaderStatus, SettingsView, StationCounts, UpcomingDay,
};
use station_store::AuditEvent;

use super::admin::{record, AdminCtx};

/// A page of admin mode, drawn from the store, the readers and the config as they are now.
pub(super) fn page(
    masked: &str,
    section: AdminSection,
    message: Option<AdminMessage>,
    ctx: &AdminCtx<'_>,
) -> AdminView {
    let counts = |since| {
        ctx.store.counts_since(since).unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot count for staff");
            StationCounts::default()
        })
    };
    let midnight = ctx
        .now
        .with_hour(0)
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .unwrap_or(ctx.now);
    let problems = ctx
        .files
        .logs
        .as_deref()
        .map(|dir| {
            station_logs::recent_problems(dir, 20)
                .map(|list| list.iter().map(ToString::to_string).collect())
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "cannot read the logs for staff");
                    Vec::new()
                })
        })
        .unwrap_or_default();
    AdminView {
        staff: masked.to_string(),
        section,
        today: counts(midnight),
        week: counts(midnight - chrono::Duration::days(6)),
        devices: devices(ctx),
        settings: settings_view(ctx.config, ctx.now.date_naive()),
        problems,
        faults: super::fault::lines(ctx.store),
        fault_draft: FaultDraft::default(),
        saved_to: None,
        message,
        battery_percent: None,
        badges: badges_view(ctx.config),
        printer_queues: Vec::new(),
        software: ctx.software.clone(),
        name: super::admin_name::draft(ctx.config),
    }
}

/// The station's badges as staff see them: masked, in the file's order.
pub(super) fn badges_view(config: &StationConfig) -> Vec<String> {
    config
        .staff_card_uids
        .iter()
        .map(|uid| station_card::StaffBadge::new(uid.clone()).masked())
        .collect()
}

/// Days shown on the calendar of closed dates, today first.
const UPCOMING_DAYS: u64 = 28;

pub(super) fn settings_view(config: &StationConfig, today: NaiveDate) -> SettingsView {
    let closed = &config.opening.closed_dates;
    SettingsView {
        volume: config.volume,
        idle_timeout_secs: config.idle.timeout_secs,
        locale: config.locale,
        paper: config.paper,
        tier: config.tier,
        identify: config.identify.clone(),
        open_weekdays: config
            .opening
            .weekdays
            .map(|day| day != WeekdayHours::Closed),
        upcoming: today
            .iter_days()
            .take(UPCOMING_DAYS as usize)
            .map(|date| UpcomingDay {
                date: date.format("%Y-%m-%d").to_string(),
                month: date.month() as u8,
                day: date.day() as u8,
                weekday: date.weekday().number_from_monday() as u8,
                closed: closed.contains(&date),
            })
            .collect(),
        printer_queue: match &config.printer {
            PrinterChoice::Ipp { uri, .. } => Some(uri.clone()),
            _ => None,
        },
    }
}

/// Each device class and its status as the station knows it now.
fn devices(ctx: &AdminCtx<'_>) -> Vec<DeviceLine> {
    let reader = |status: Option<ReaderStatus>| match status {
        Some(ReaderStatus::Ready) => DeviceStatus::Ready,
        Some(_) => DeviceStatus::Fault,
        None => DeviceStatus::NotConfigured,
    };
    let mut lines = vec![
        DeviceLine {
            device: DeviceClass::CardReader,
            status: reader(ctx.readers.card),
            testable: false,
        },
        DeviceLine {
            device: DeviceClass::IdCardReader,
            status: reader(ctx.readers.id_card),
            testable: false,
        },
        DeviceLine {
            device: DeviceClass::Camera,
            status: if ctx.readers.has_camera {
                DeviceStatus::OnUse
            } else {
                DeviceStatus::NotConfigured
            },
            testable: ctx.readers.has_camera,
        },
        DeviceLine {
            device: DeviceClass::Printer,
            status: if ctx.caps.has_printer {
                DeviceStatus::OnUse
            } else {
                DeviceStatus::NotConfigured
            },
            testable: ctx.caps.has_printer,
        },
        DeviceLine {
            device: DeviceClass::Voice,
            status: DeviceStatus::OnUse,
            testable: true,
        },
        // Down or refused (a wrong key) is a fault for staff; the log says which.
        DeviceLine {
            device: DeviceClass::ClinicLink,
            status: match (&ctx.config.clinic, ctx.caps.clinic_online) {
                (None, _) => DeviceStatus::NotConfigured,
                (Some(_), true) => DeviceStatus::Ready,
                (Some(_), false) => DeviceStatus::Fault,
            },
            testable: false,
        },
    ];
    lines.extend(MeasureKind::ALL.into_iter().map(|kind| {
        let configured = ctx.caps.measure_kinds.contains(&kind);
        DeviceLine {
            device: DeviceClass::Instrument(kind),
            status: if configured {
                DeviceStatus::OnUse
            } else {
                DeviceStatus::NotConfigured
            },
            testable: configured,
        }
    }));
    lines
}

/// Starts a device's self-test; its outcome comes back as a message.
pub(super) fn test(device: DeviceClass, ctx: &mut AdminCtx<'_>) -> Option<AdminMessage> {
    match device {
        DeviceClass::Printer if ctx.caps.has_printer => {
            ctx.fx.admin_test_page = true;
            Some(AdminMessage::TestPagePrinting)
        }
        DeviceClass::Camera if ctx.readers.has_camera => {
            ctx.fx.admin_test_camera = true;
            Some(AdminMessage::CameraPreviewing)
        }
        DeviceClass::Instrument(kind) if ctx.caps.measure_kinds.contains(&kind) => {
            ctx.fx.admin_test_instrument = Some(kind);
            Some(AdminMessage::InstrumentChecking)
        }
        DeviceClass::Voice => {
            ctx.fx.say = Some((ctx.config.locale, vec![station_protocol::PromptId::Welcome]));
            Some(AdminMessage::PromptPlayed)
        }
        _ => None,
    }
}

/// Monday first, as [`SettingsView::open_weekdays`] counts.
const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Writes a setting to station.toml (the whole file checked first, comments kept).
pub(super) fn set(
    setting: &AdminSetting,
    staff: &str,
    ctx: &AdminCtx<'_>,
) -> (Option<StationConfig>, AdminMessage) {
    let setting = match setting {
        AdminSetting::Volume(v) => Setting::Volume(*v),
        AdminSetting::IdleTimeout(s) => Setting::IdleTimeout(*s),
        AdminSetting::Locale(l) => Setting::Locale(*l),
        AdminSetting::Paper(p) => Setting::Paper(*p),
        AdminSetting::Tier(tier) => Setting::Tier(*tier),
        AdminSetting::Identify(ways) => Setting::Identify(ways.clone()),
        AdminSetting::ClosedDate { date, closed } => {
            let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
                return (None, AdminMessage::SettingRefused);
            };
            let mut dates = ctx.config.opening.closed_dates.clone();
            dates.retain(|d| *d != date);
            if *closed {
                dates.push(date);
            }
            Setting::ClosedDates(dates)
        }
        AdminSetting::PrinterQueue(uri) => Setting::PrinterQueue(uri.clone()),
        AdminSetting::RemoveBadge { index } => {
            let mut badges = ctx.config.staff_card_uids.clone();
            if usize::from(*index) >= badges.len() {
                return (None, AdminMessage::SettingRefused);
            }
            badges.remove(usize::from(*index));
            Setting::StaffBadges(badges)
        }
        AdminSetting::WeekdayOpen { day, open } => {
            let Some(weekday) = WEEKDAYS.get(usize::from(*day)) else {
                return (None, AdminMessage::SettingRefused);
            };
            // Opening a day gives it the usual hours (its own hours, if it had any, are gone).
            let hours = if *open {
                WeekdayHours::Usual
            } else {
                WeekdayHours::Closed
            };
            Setting::Weekday(*weekday, hours)
        }
    };
    write(&setting, staff, ctx)
}

/// Writes a setting to station.toml and audits it: the new config, or why not in staff's words.
pub(super) fn write(
    setting: &Setting,
    staff: &str,
    ctx: &AdminCtx<'_>,
) -> (Option<StationConfig>, AdminMessage) {
    let Some(path) = ctx.files.config.as_deref() else {
        return (None, AdminMessage::SettingRefused);
    };
    match write_setting(path, setting, ctx.files.demo) {
        Ok(config) => {
            let changed = AuditEvent::SettingChanged {
                staff: staff.to_string(),
                key: setting.key().to_string(),
            };
            record(ctx.store, changed);
            (Some(config), AdminMessage::SettingSaved)
        }
        Err(e) => {
            tracing::warn!(error = %e, "setting refused");
            // The rules staff can break from here get their own words.
            let message = match e.key() {
                Some("hours.weekdays") => AdminMessage::TooFewOpenDays,
                Some("station.identify") => AdminMessage::NoWayToIdentify,
                Some("station.town") => AdminMessage::NameTownRefused,
                Some("station.community") => AdminMessage::NameCommunityRefused,
                Some("station.label") => AdminMessage::NameLabelRefused,
                _ => AdminMessage::SettingRefused,
            };
            (None, message)
        }
    }
}
