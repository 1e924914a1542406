use std::path::Path;

use chrono::NaiveTime;

use super::*;
use crate::config::{MonthDay, NameParts, OpeningHours};

const FILE: &str = r#"# The station's own comment at the top.

[station]
town = "五马街道"     # 街镇名
community = "禅街社区"
# label = "东"

[hours]
opens = "08:30"   # ordinary days
closes = "19:00"

[voice]
volume = 80                 # 0-100, reset to this after every visit

# Staff badges.
[staff]
card_uids = []
"#;

fn t(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").expect("time")
}

fn span(a: &str, b: &str) -> Span {
    Span {
        opens: t(a),
        closes: t(b),
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn apply_ok(text: &str, setting: &Setting) -> (String, StationConfig) {
    apply(text, Path::new("station.toml"), setting, false)
        .unwrap_or_else(|e| panic!("{setting:?}: {e}"))
}

fn file_with(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("station.toml");
    fs::write(&path, text).expect("write");
    (dir, path)
}

/// Lines that differ between two texts of the same length in lines.
fn changed_lines(a: &str, b: &str) -> Vec<(String, String)> {
    assert_eq!(a.lines().count(), b.lines().count(), "{a}\n----\n{b}");
    a.lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_string(), y.to_string()))
        .collect()
}

#[test]
fn a_change_keeps_every_comment_and_every_other_line() {
    let (text, config) = apply_ok(FILE, &Setting::Volume(60));
    assert_eq!(config.volume, 60);
    assert_eq!(
        changed_lines(FILE, &text),
        vec![(
            "volume = 80                 # 0-100, reset to this after every visit".into(),
            "volume = 60                 # 0-100, reset to this after every visit".into()
        )]
    );
    // The same on the shipped example: one line changes, every comment stays.
    let example = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../config/station.example.toml"
    ))
    .expect("example");
    let (text, config) = apply_ok(&example, &Setting::IdleTimeout(90));
    assert_eq!(config.idle.timeout_secs, 90);
    let changed = changed_lines(&example, &text);
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(
        changed[0].1.starts_with("timeout_seconds = 90 "),
        "{changed:?}"
    );
    assert!(changed[0]
        .1
        .ends_with("# no touch for this long: the warning appears"));
}

#[test]
fn every_setting_is_written_and_read_back() {
    let badge = vec![0x04, 0xA1, 0xB2, 0xC3];
    let summer = Season {
        from: MonthDay::new(5, 1).expect("md"),
        to: MonthDay::new(9, 30).expect("md"),
        hours: span("08:00", "19:30"),
    };
    let winter = Season {
        from: MonthDay::new(10, 1).expect("md"),
        to: MonthDay::new(4, 30).expect("md"),
        hours: span("09:00", "18:00"),
    };
    type Check = Box<dyn Fn(&StationConfig)>;
    let cases: Vec<(Setting, Check)> = vec![
        (
            Setting::Town("鹿城区五马街道".into()),
            Box::new(|c| assert_eq!(c.name_parts.town, "鹿城区五马街道")),
        ),
        (
            Setting::Community("墨池社区".into()),
            Box::new(|c| assert_eq!(c.name_parts.community, "墨池社区")),
        ),
        (
            Setting::Label(Some("东".into())),
            Box::new(|c| assert_eq!(c.name_parts.label.as_deref(), Some("东"))),
        ),
        (
            Setting::Label(None),
            Box::new(|c| assert_eq!(c.name_parts.label, None)),
        ),
        (
            Setting::Tier(StationTier::C),
            Box::new(|c| assert_eq!(c.tier, Some(StationTier::C))),
        ),
        (
            Setting::Hours(span("09:00", "17:30")),
            Box::new(|c| {
                assert_eq!(
                    (c.opening.opens, c.opening.closes),
                    (t("09:00"), t("17:30"))
                )
            }),
        ),
        (
            Setting::Weekday(Weekday::Sun, WeekdayHours::Closed),
            Box::new(|c| assert_eq!(c.opening.weekday(Weekday::Sun), WeekdayHours::Closed)),
        ),
        (
            Setting::Weekday(Weekday::Sat, WeekdayHours::Hours(span("09:00", "12:00"))),
            Box::new(|c| {
                assert_eq!(
                    c.opening.weekday(Weekday::Sat),
                    WeekdayHours::Hours(span("09:00", "12:00"))
                )
            }),
        ),
        (
            Setting::Summer(Some(summer)),
            Box::new(move |c| assert_eq!(c.opening.summer, Some(summer))),
        ),
        (
            Setting::Winter(Some(winter)),
            Box::new(move |c| assert_eq!(c.opening.winter, Some(winter))),
        ),
        (
            Setting::ClosedDates(vec![
                date("2026-10-02"),
                date("2026-10-01"),
                date("2026-10-02"),
            ]),
            Box::new(|c| {
                assert_eq!(
                    c.opening.closed_dates,
                    vec![date("2026-10-01"), date("2026-10-02")]
                )
            }),
        ),
        (
            Setting::IdleTimeout(120),
            Box::new(|c| assert_eq!(c.idle.timeout_secs, 120)),
        ),
        (
            Setting::IdleWarning(30),
            Box::new(|c| assert_eq!(c.idle.warning_secs, 30)),
        ),
        (Setting::Volume(0), Box::new(|c| assert_eq!(c.volume, 0))),
        (
            Setting::Locale(Locale::EnUs),
            Box::new(|c| assert_eq!(c.locale, Locale::EnUs)),
        ),
        (
            Setting::Identify(vec![IdentifyMethod::IdCard, IdentifyMethod::InsuranceCard]),
            Box::new(|c| {
                assert_eq!(
                    c.identify,
                    vec![IdentifyMethod::IdCard, IdentifyMethod::InsuranceCard]
                )
            }),
        ),
        (
            Setting::Paper(Paper::Receipt80mm),
            Box::new(|c| assert_eq!(c.paper, Paper::Receipt80mm)),
        ),
        (
            Setting::PrinterQueue("ipp://localhost:631/printers/Report".into()),
            Box::new(|c| {
                assert!(
                    matches!(&c.printer, crate::config::PrinterChoice::Ipp { uri, .. }
                    if uri == "ipp://localhost:631/printers/Report")
                )
            }),
        ),
        (
            Setting::StaffBadges(vec![badge.clone()]),
            Box::new(move |c| assert_eq!(c.staff_card_uids, vec![badge.clone()])),
        ),
    ];
    // Each on its own, on a file that lacks most of the keys, then all of them one after the
    // other on one file (each step read back from disk, as a station restarting would).
    let (_dir, path) = file_with(FILE);
    for (setting, check) in &cases {
        let (_, config) = apply_ok(FILE, setting);
        check(&config);
        let config =
            write_setting(&path, setting, false).unwrap_or_else(|e| panic!("{setting:?}: {e}"));
        check(&config);
        check(&StationConfig::load(&path, false).expect("reads back"));
    }
    let last = fs::read_to_string(&path).expect("read");
    for comment in [
        "# The station's own comment at the top.",
        "# 街镇名",
        "# label = \"东\"",
        "# ordinary days",
        "# 0-100, reset to this after every visit",
        "# Staff badges.",
    ] {
        assert!(last.contains(comment), "{comment} lost:\n{last}");
    }
    // A weekday back to the ordinary hours removes its entry; a season can be removed.
    write_setting(
        &path,
        &Setting::Weekday(Weekday::Sat, WeekdayHours::Usual),
        false,
    )
    .expect("usual");
    let c = write_setting(&path, &Setting::Summer(None), false).expect("no summer");
    assert_eq!(c.opening.weekday(Weekday::Sat), WeekdayHours::Usual);
    assert_eq!(c.opening.summer, None);
    let text = fs::read_to_string(&path).expect("read");
    assert!(
        !text.contains("sat =") && !text.contains("[hours.summer]"),
        "{text}"
    );
    // No temporary file is left beside it.
    assert_eq!(fs::read_dir(_dir.path()).expect("dir").count(), 1);
}

#[test]
fn the_name_is_made_of_its_parts() {
    let (_, c) = apply_ok(FILE, &Setting::Label(Some("东".into())));
    assert_eq!(c.station_name, "五马街道禅街社区东智慧健康站");
    let (_, c) = apply_ok(FILE, &Setting::Town("鹿城区五马街道".into()));
    assert_eq!(c.station_name, "鹿城区五马街道禅街社区智慧健康站");
}

#[test]
fn new_keys_land_in_their_own_section() {
    let (text, _) = apply_ok(FILE, &Setting::Tier(StationTier::B));
    let station = text.find("[station]").expect("station");
    let hours = text.find("[hours]").expect("hours");
    let tier = text.find("tier = \"B\"").expect("tier written");
    assert!(station < tier && tier < hours, "{text}");
    let (text, _) = apply_ok(FILE, &Setting::Weekday(Weekday::Sun, WeekdayHours::Closed));
    assert!(
        text.contains("[hours.weekdays]\nsun = \"closed\"\n"),
        "{text}"
    );
    let (text, _) = apply_ok(FILE, &Setting::IdleWarning(15));
    assert!(text.contains("[idle]\nwarning_seconds = 15\n"), "{text}");
}

#[test]
fn a_bad_value_is_refused_naming_its_key_and_the_file_is_untouched() {
    let closing_days = |c: &str| {
        // Already closed on Saturday and Sunday: closing Friday leaves four days.
        c.replace(
            "[voice]",
            "[hours.weekdays]\nsat = \"closed\"\nsun = \"closed\"\n\n[voice]",
        )
    };
    let cases: Vec<(String, Setting, &str)> = vec![
        (FILE.into(), Setting::Volume(101), "voice.volume"),
        (FILE.into(), Setting::IdleTimeout(5), "idle.timeout_seconds"),
        (FILE.into(), Setting::IdleWarning(1000), "idle.warning_seconds"),
        (FILE.into(), Setting::Town("  ".into()), "station.town"),
        (FILE.into(), Setting::Community(String::new()), "station.community"),
        (FILE.into(), Setting::Town("五马 街道".into()), "station.town"),
        (FILE.into(), Setting::Community("禅街社区智慧健康站".into()), "station.community"),
        (FILE.into(), Setting::Label(Some("东，西".into())), "station.label"),
        (
            FILE.into(),
            Setting::Name(NameParts {
                town: "五马街道".into(),
                community: "一二三四五六七八九十百千万".into(),
                label: None,
            }),
            "station.community",
        ),
        (
            FILE.into(),
            Setting::Name(NameParts {
                town: String::new(),
                community: "禅街社区".into(),
                label: None,
            }),
            "station.town",
        ),
        (FILE.into(), Setting::Hours(span("19:00", "08:30")), "hours.closes"),
        (
            FILE.into(),
            Setting::Weekday(Weekday::Mon, WeekdayHours::Hours(span("12:00", "09:00"))),
            "hours.weekdays.mon",
        ),
        (
            closing_days(FILE),
            Setting::Weekday(Weekday::Fri, WeekdayHours::Closed),
            "hours.weekdays",
        ),
        (FILE.into(), Setting::Identify(vec![]), "station.identify"),
        (
            FILE.into(),
            Setting::Identify(vec![IdentifyMethod::Face, IdentifyMethod::Face]),
            "station.identify",
        ),
        (FILE.into(), Setting::PrinterQueue("lp0".into()), "printer.queue"),
        (FILE.into(), Setting::PrinterQueue("simulated".into()), "printer.queue"),
        (FILE.into(), Setting::StaffBadges(vec![vec![0x04]]), "staff.card_uids"),
        (
            FILE.replace(
                "[voice]",
                "[hours.summer]\nfrom = \"05-01\"\nto = \"09-30\"\nopens = \"08:00\"\ncloses = \"19:30\"\n\n[voice]",
            ),
            Setting::Winter(Some(Season {
                from: MonthDay::new(1, 1).expect("md"),
                to: MonthDay::new(12, 31).expect("md"),
                hours: span("09:00", "18:00"),
            })),
            "hours.winter",
        ),
    ];
    for (text, setting, key) in cases {
        let (_dir, path) = file_with(&text);
        let before = fs::read(&path).expect("read");
        let err = write_setting(&path, &setting, false).expect_err("refused");
        assert_eq!(err.key(), Some(key), "{setting:?}: {err}");
        assert!(err.to_string().contains(key), "{err}");
        assert_eq!(
            fs::read(&path).expect("read"),
            before,
            "{setting:?} touched the file"
        );
        assert_eq!(fs::read_dir(_dir.path()).expect("dir").count(), 1);
    }
}

#[test]
fn a_file_that_is_already_bad_is_not_rewritten() {
    let bad = FILE.replace("volume = 80", "volume = 300");
    let (_dir, path) = file_with(&bad);
    let err = write_setting(&path, &Setting::IdleTimeout(90), false).expect_err("refused");
    assert_eq!(err.key(), Some("voice.volume"));
    assert_eq!(fs::read_to_string(&path).expect("read"), bad);
    let (_dir, path) = file_with("this is [ not toml");
    let err = write_setting(&path, &Setting::Volume(50), false).expect_err("refused");
    assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
}

#[test]
fn a_demonstration_config_is_checked_as_a_demonstration() {
    let demo = format!("{FILE}\n[hardware]\ncard_reader = \"simulated\"\n");
    let (_dir, path) = file_with(&demo);
    let err = write_setting(&path, &Setting::Volume(50), false).expect_err("not a station");
    assert_eq!(err.key(), Some("hardware.card_reader"));
    let c = write_setting(&path, &Setting::Volume(50), true).expect("fine as a demo");
    assert_eq!(c.volume, 50);
}

#[test]
fn a_missing_file_is_reported_and_not_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nope.toml");
    let err = write_setting(&path, &Setting::Volume(50), false).expect_err("missing");
    assert!(matches!(err, ConfigError::Unreadable { .. }), "{err}");
    assert!(!path.exists());
}

#[cfg(unix)]
#[test]
fn permissions_and_a_symlink_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, real) = file_with(FILE);
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).expect("chmod");
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    write_setting(&link, &Setting::Volume(70), false).expect("written");
    assert!(fs::symlink_metadata(&link)
        .expect("meta")
        .file_type()
        .is_symlink());
    let mode = fs::metadata(&real).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(StationConfig::load(&real, false).expect("valid").volume, 70);
}

#[test]
fn setting_keys_are_config_keys() {
    // Every key a setting names is one the config reads (or a table of them).
    let (text, _) = apply_ok(FILE, &Setting::Tier(StationTier::A));
    let doc: DocumentMut = text.parse().expect("toml");
    assert!(doc["station"].get("tier").is_some());
    assert_eq!(Setting::Volume(1).key(), "voice.volume");
    assert_eq!(
        Setting::Weekday(Weekday::Wed, WeekdayHours::Closed).key(),
        "hours.weekdays.wed"
    );
    assert_eq!(
        OpeningHours::every_day(t("08:30"), t("19:00")).open_weekdays(),
        7
    );
}

#[test]
fn the_whole_name_is_written_in_one_go_keeping_the_comments() {
    let parts = NameParts {
        town: "南汇街道".into(),
        community: "水心社区".into(),
        label: Some("东".into()),
    };
    let (text, c) = apply_ok(FILE, &Setting::Name(parts.clone()));
    assert_eq!(c.station_name, "南汇街道水心社区东智慧健康站");
    assert_eq!(c.name_parts, parts);
    assert!(text.contains("town = \"南汇街道\"     # 街镇名"), "{text}");
    assert!(
        text.contains("# label = \"东\""),
        "the commented example stays: {text}"
    );
    // No 识别名: the key goes, the rest of the name stays as typed.
    let without = NameParts {
        label: None,
        ..parts
    };
    let (again, c) = apply_ok(&text, &Setting::Name(without));
    assert_eq!(c.station_name, "南汇街道水心社区智慧健康站");
    assert!(!again.lines().any(|l| l.starts_with("label")), "{again}");
    assert_eq!(Setting::Name(c.name_parts).key(), "station.name");
}
