//! Staff's settings in admin mode: written to station.toml with its comments, audited, applied at
//! once; the rules staff can break here (open days, ways to identify) refused in their words.

use station_protocol::{
    AdminAction, AdminMessage, AdminSetting, IdentifyMethod, Screen, StationTier,
};

use super::admin::{admin, admin_view, config_file, enter_admin};
use super::rig;

#[test]
fn staff_set_the_tier_the_ways_to_identify_and_the_open_days_within_the_rules() {
    let r = rig();
    let (_dir, config) = config_file(&r);
    enter_admin(&r);
    let set = |setting: AdminSetting| {
        let v = admin(&r, AdminAction::Set { setting });
        let view = admin_view(&v).clone();
        let text = std::fs::read_to_string(&config).expect("config");
        (view, text)
    };

    let (view, text) = set(AdminSetting::Tier(StationTier::B));
    assert_eq!(view.message, Some(AdminMessage::SettingSaved));
    assert_eq!(view.settings.tier, Some(StationTier::B));
    assert!(text.contains("tier = \"B\""), "{text}");

    // Ways of identifying: two kept, in order; none at all is refused in staff's words.
    assert_eq!(view.settings.identify, IdentifyMethod::ALL.to_vec());
    let two = vec![IdentifyMethod::IdCard, IdentifyMethod::InsuranceCard];
    let (view, text) = set(AdminSetting::Identify(two.clone()));
    assert_eq!(view.message, Some(AdminMessage::SettingSaved));
    assert_eq!(view.settings.identify, two);
    assert!(text.contains("\"id_card\", \"insurance_card\""), "{text}");
    let (view, unchanged) = set(AdminSetting::Identify(Vec::new()));
    assert_eq!(view.message, Some(AdminMessage::NoWayToIdentify));
    assert_eq!(
        unchanged, text,
        "a refused setting leaves the file as it was"
    );

    // Open days: Sunday and Saturday close; a third day would leave four, which 6.2 forbids.
    let (view, _) = set(AdminSetting::WeekdayOpen {
        day: 6,
        open: false,
    });
    assert_eq!(view.message, Some(AdminMessage::SettingSaved));
    let (view, text) = set(AdminSetting::WeekdayOpen {
        day: 5,
        open: false,
    });
    assert_eq!(
        view.settings.open_weekdays,
        [true, true, true, true, true, false, false]
    );
    assert!(
        text.contains("sat = \"closed\"") && text.contains("sun = \"closed\""),
        "{text}"
    );
    let (view, unchanged) = set(AdminSetting::WeekdayOpen {
        day: 4,
        open: false,
    });
    assert_eq!(view.message, Some(AdminMessage::TooFewOpenDays));
    assert!(view.settings.open_weekdays[4]);
    assert_eq!(unchanged, text);
    let (view, text) = set(AdminSetting::WeekdayOpen { day: 6, open: true });
    assert_eq!(view.message, Some(AdminMessage::SettingSaved));
    assert!(view.settings.open_weekdays[6]);
    assert!(
        !text.contains("sun = "),
        "an open day takes the usual hours: {text}"
    );
    let (view, _) = set(AdminSetting::WeekdayOpen {
        day: 7,
        open: false,
    });
    assert_eq!(
        view.message,
        Some(AdminMessage::SettingRefused),
        "no eighth day"
    );
    assert!(text.contains("# staff keep this comment"));

    // Each change is in the audit trail, and the next resident meets the new ways to identify.
    let audit = r.store.audit_events(30).expect("audit");
    for key in ["station.tier", "station.identify", "hours.weekdays.sat"] {
        assert!(
            audit
                .iter()
                .any(|e| e.action == "setting_changed" && e.detail.contains(key)),
            "{key}: {audit:?}"
        );
    }
    admin(&r, AdminAction::Leave);
    let welcome = r.kiosk.view();
    assert!(matches!(welcome.screen, Screen::Welcome));
    assert!(
        welcome.identify_methods.iter().all(|w| two.contains(w))
            && welcome
                .identify_methods
                .contains(&IdentifyMethod::InsuranceCard),
        "{:?}",
        welcome.identify_methods
    );
}

#[test]
fn staff_close_a_date_from_the_calendar_and_open_it_again() {
    let r = rig();
    let (_dir, config) = config_file(&r);
    let v = enter_admin(&r);
    let upcoming = admin_view(&v).settings.upcoming.clone();
    assert_eq!(upcoming.len(), 28, "four weeks from today");
    assert!(upcoming.iter().all(|d| !d.closed));
    let day = upcoming[3].clone();
    assert!((1..=7).contains(&day.weekday));
    let set = |date: &str, closed: bool| {
        let setting = AdminSetting::ClosedDate {
            date: date.to_string(),
            closed,
        };
        admin_view(&admin(&r, AdminAction::Set { setting })).clone()
    };
    let view = set(&day.date, true);
    assert_eq!(view.message, Some(AdminMessage::SettingSaved));
    assert!(view.settings.upcoming[3].closed);
    assert_eq!(
        view.settings.upcoming.iter().filter(|d| d.closed).count(),
        1
    );
    let text = std::fs::read_to_string(&config).expect("config");
    assert!(text.contains(&format!("\"{}\"", day.date)), "{text}");
    let view = set(&day.date, false);
    assert!(view.settings.upcoming.iter().all(|d| !d.closed));
    let text = std::fs::read_to_string(&config).expect("config");
    assert!(!text.contains(&day.date), "{text}");
    // Not a date: refused, nothing written.
    let view = set("2026-02-30", true);
    assert_eq!(view.message, Some(AdminMessage::SettingRefused));
    assert_eq!(std::fs::read_to_string(&config).expect("config"), text);
}
