//! `[hours]`: when the station is open (Wenzhou standard 6.2: at least five days a week, hours
//! posted, 8:30–19:00 suggested and adjusted to the operator's summer and winter hours).
//!
//! ```toml
//! [hours]
//! opens = "08:30"                  # an ordinary open day
//! closes = "19:00"
//! closed_dates = ["2026-10-01"]    # holidays: closed all day
//!
//! [hours.weekdays]                 # optional; a day not named keeps the ordinary hours
//! sat = "09:00-12:00"
//! sun = "closed"
//!
//! [hours.summer]                   # optional; from/to are "MM-DD", both days included
//! from = "05-01"
//! to = "09-30"
//! opens = "08:00"
//! closes = "19:30"
//!
//! [hours.winter]                   # optional; may run over the new year ("10-01" to "04-30")
//! from = "10-01"
//! to = "04-30"
//! opens = "08:30"
//! closes = "18:00"
//! ```
//!
//! A day's hours, the most specific first: a closed date → closed; the weekday's own entry
//! ("closed" or its hours); the season it falls in; the ordinary hours. A file with only
//! `opens`/`closes` (every file before this module) means what it always meant: those hours,
//! every day.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use serde::Deserialize;

/// Open weekdays the Wenzhou standard asks for (6.2, a station in a primary-care institution).
pub const MIN_OPEN_WEEKDAYS: usize = 5;

/// One stretch of opening on a day: open from `opens` (included) until `closes` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

impl Span {
    /// Half-open: open at `opens`, closed at `closes`.
    pub fn contains(&self, t: NaiveTime) -> bool {
        t >= self.opens && t < self.closes
    }

    /// "08:30-19:00", as written in the file.
    pub fn to_text(self) -> String {
        format!(
            "{}-{}",
            crate::clock::clock_time(self.opens),
            crate::clock::clock_time(self.closes)
        )
    }
}

/// What one weekday's entry in `[hours.weekdays]` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WeekdayHours {
    /// Not named: the season's or the ordinary hours.
    #[default]
    Usual,
    /// "closed".
    Closed,
    /// "09:00-12:00": these hours on that weekday, whatever the season.
    Hours(Span),
}

/// A day of the year, "MM-DD" (29 February included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthDay {
    month: u32,
    day: u32,
}

impl MonthDay {
    /// `None` unless the day exists in a leap year.
    pub fn new(month: u32, day: u32) -> Option<MonthDay> {
        NaiveDate::from_ymd_opt(2024, month, day).map(|_| MonthDay { month, day })
    }
    pub fn of(date: NaiveDate) -> MonthDay {
        MonthDay {
            month: date.month(),
            day: date.day(),
        }
    }
    pub fn month(self) -> u32 {
        self.month
    }
    pub fn day(self) -> u32 {
        self.day
    }
    /// "05-01".
    pub fn to_text(self) -> String {
        format!("{:02}-{:02}", self.month, self.day)
    }
    fn parse(s: &str) -> Option<MonthDay> {
        let (m, d) = s.trim().split_once('-')?;
        let two_digits = |x: &str| x.len() == 2 && x.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(m) || !two_digits(d) {
            return None;
        }
        MonthDay::new(m.parse().ok()?, d.parse().ok()?)
    }
}

/// Summer or winter hours (`[hours.summer]`, `[hours.winter]`): from `from` to `to`, both days
/// included; `from` later in the year than `to` runs over the new year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Season {
    pub from: MonthDay,
    pub to: MonthDay,
    pub hours: Span,
}

impl Season {
    pub fn includes(&self, date: NaiveDate) -> bool {
        let d = MonthDay::of(date);
        if self.from <= self.to {
            self.from <= d && d <= self.to
        } else {
            d >= self.from || d <= self.to
        }
    }
}

/// When the station is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours {
    /// An ordinary open day opens (`hours.opens`).
    pub opens: NaiveTime,
    /// An ordinary open day closes (`hours.closes`).
    pub closes: NaiveTime,
    /// Monday first (`[hours.weekdays]`).
    pub weekdays: [WeekdayHours; 7],
    pub summer: Option<Season>,
    pub winter: Option<Season>,
    /// Closed all day (`hours.closed_dates`), sorted.
    pub closed_dates: Vec<NaiveDate>,
}

/// A moment to ask [`OpeningHours::is_open`] about. A date and time (`clock.now()`) honours
/// weekdays, seasons and closed dates; a bare time of day can only be checked against the
/// ordinary hours (what `is_open` meant before weekdays existed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    TimeOfDay(NaiveTime),
    At(NaiveDateTime),
}

impl From<NaiveTime> for When {
    fn from(t: NaiveTime) -> When {
        When::TimeOfDay(t)
    }
}

impl From<NaiveDateTime> for When {
    fn from(at: NaiveDateTime) -> When {
        When::At(at)
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for When {
    fn from(at: DateTime<Tz>) -> When {
        When::At(at.naive_local())
    }
}

impl<Tz: TimeZone> From<&DateTime<Tz>> for When {
    fn from(at: &DateTime<Tz>) -> When {
        When::At(at.naive_local())
    }
}

impl OpeningHours {
    /// The ordinary hours, every day: what a file with only `opens`/`closes` says.
    pub fn every_day(opens: NaiveTime, closes: NaiveTime) -> OpeningHours {
        OpeningHours {
            opens,
            closes,
            weekdays: [WeekdayHours::Usual; 7],
            summer: None,
            winter: None,
            closed_dates: Vec::new(),
        }
    }

    /// Open at that moment? Pass the station's local date and time (`clock.now()`); a bare time
    /// of day is checked against the ordinary hours only.
    pub fn is_open(&self, when: impl Into<When>) -> bool {
        match when.into() {
            When::TimeOfDay(t) => self.ordinary().contains(t),
            When::At(at) => self
                .hours_on(at.date())
                .is_some_and(|span| span.contains(at.time())),
        }
    }

    /// The hours of that date (to post them), or `None` when closed all day.
    pub fn hours_on(&self, date: NaiveDate) -> Option<Span> {
        if self.closed_dates.binary_search(&date).is_ok() {
            return None;
        }
        match self.weekday(date.weekday()) {
            WeekdayHours::Closed => None,
            WeekdayHours::Hours(span) => Some(span),
            WeekdayHours::Usual => Some(
                [self.summer, self.winter]
                    .into_iter()
                    .flatten()
                    .find(|s| s.includes(date))
                    .map_or(self.ordinary(), |s| s.hours),
            ),
        }
    }

    pub fn weekday(&self, day: Weekday) -> WeekdayHours {
        self.weekdays[day.num_days_from_monday() as usize]
    }

    /// Weekdays not marked "closed".
    pub fn open_weekdays(&self) -> usize {
        self.weekdays
            .iter()
            .filter(|d| **d != WeekdayHours::Closed)
            .count()
    }

    fn ordinary(&self) -> Span {
        Span {
            opens: self.opens,
            closes: self.closes,
        }
    }
}

/// The key of a weekday in `[hours.weekdays]`, Monday first.
pub const WEEKDAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKDAY_FULL_KEYS: [&str; 7] = [
    "hours.weekdays.mon",
    "hours.weekdays.tue",
    "hours.weekdays.wed",
    "hours.weekdays.thu",
    "hours.weekdays.fri",
    "hours.weekdays.sat",
    "hours.weekdays.sun",
];

pub fn weekday_key(day: Weekday) -> &'static str {
    WEEKDAY_KEYS[day.num_days_from_monday() as usize]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawHours {
    opens: String,
    closes: String,
    closed_dates: Vec<String>,
    weekdays: BTreeMap<String, String>,
    summer: Option<RawSeason>,
    winter: Option<RawSeason>,
}

impl Default for RawHours {
    fn default() -> Self {
        // Wenzhou 6.2's suggestion.
        RawHours {
            opens: "08:30".into(),
            closes: "19:00".into(),
            closed_dates: Vec::new(),
            weekdays: BTreeMap::new(),
            summer: None,
            winter: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSeason {
    from: String,
    to: String,
    opens: String,
    closes: String,
}

type Refusal = (&'static str, &'static str);

pub(super) fn resolve(raw: &RawHours) -> Result<OpeningHours, Refusal> {
    let opens = parse_time(&raw.opens).ok_or(("hours.opens", "must be a time like \"08:30\""))?;
    let closes =
        parse_time(&raw.closes).ok_or(("hours.closes", "must be a time like \"19:00\""))?;
    if closes <= opens {
        return Err(("hours.closes", "must be later than hours.opens"));
    }

    let mut weekdays = [WeekdayHours::Usual; 7];
    for (key, value) in &raw.weekdays {
        let i = WEEKDAY_KEYS.iter().position(|k| k == key).ok_or((
            "hours.weekdays",
            "names days as mon, tue, wed, thu, fri, sat, sun",
        ))?;
        weekdays[i] = match value.trim() {
            "closed" => WeekdayHours::Closed,
            span => WeekdayHours::Hours(parse_span(span).ok_or((
                WEEKDAY_FULL_KEYS[i],
                "must be \"closed\" or hours like \"09:00-12:00\" (closing later than opening)",
            ))?),
        };
    }
    let open_days = weekdays
        .iter()
        .filter(|d| **d != WeekdayHours::Closed)
        .count();
    if open_days < MIN_OPEN_WEEKDAYS {
        return Err((
            "hours.weekdays",
            "must leave at least five days a week open (Wenzhou standard 6.2)",
        ));
    }

    let summer = raw
        .summer
        .as_ref()
        .map(|s| season(s, "hours.summer"))
        .transpose()?;
    let winter = raw
        .winter
        .as_ref()
        .map(|s| season(s, "hours.winter"))
        .transpose()?;
    if let (Some(s), Some(w)) = (summer, winter) {
        let overlap = NaiveDate::from_ymd_opt(2024, 1, 1)
            .into_iter()
            .flat_map(|d| d.iter_days().take(366))
            .any(|d| s.includes(d) && w.includes(d));
        if overlap {
            return Err(("hours.winter", "must not share days with hours.summer"));
        }
    }

    let mut closed_dates = raw
        .closed_dates
        .iter()
        .map(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .collect::<Option<Vec<_>>>()
        .ok_or(("hours.closed_dates", "must list dates like \"2026-10-01\""))?;
    closed_dates.sort_unstable();
    closed_dates.dedup();

    Ok(OpeningHours {
        opens,
        closes,
        weekdays,
        summer,
        winter,
        closed_dates,
    })
}

fn season(raw: &RawSeason, key: &'static str) -> Result<Season, Refusal> {
    const WHY: &str = "needs from/to as \"MM-DD\" and opens/closes as \"HH:MM\", closing later \
                       than opening";
    let from = MonthDay::parse(&raw.from).ok_or((key, WHY))?;
    let to = MonthDay::parse(&raw.to).ok_or((key, WHY))?;
    let hours =
        parse_span(&format!("{}-{}", raw.opens.trim(), raw.closes.trim())).ok_or((key, WHY))?;
    Ok(Season { from, to, hours })
}

/// "09:00-12:00", closing later than opening.
fn parse_span(s: &str) -> Option<Span> {
    let (a, b) = s.split_once('-')?;
    let span = Span {
        opens: parse_time(a)?,
        closes: parse_time(b)?,
    };
    (span.closes > span.opens).then_some(span)
}

pub(super) fn parse_time(s: &str) -> Option<NaiveTime> {
    crate::clock::parse_clock_time(s)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{ConfigError, StationConfig};
    use super::*;

    const GOOD: &str = "[station]\ntown = \"五马街道\"\ncommunity = \"禅街社区\"\n";

    fn hours(text: &str) -> Result<OpeningHours, ConfigError> {
        StationConfig::parse(&format!("{GOOD}{text}"), Path::new("station.toml")).map(|c| c.opening)
    }

    fn bad_key(text: &str) -> String {
        match hours(text) {
            Err(ConfigError::Invalid { key, .. }) => key.to_string(),
            Err(other) => other.to_string(),
            Ok(_) => panic!("expected an error for {text:?}"),
        }
    }

    fn at(date: &str, time: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M")
            .expect("date time")
    }

    fn t(s: &str) -> NaiveTime {
        parse_time(s).expect("time")
    }

    const FULL: &str = "[hours]\nopens = \"08:30\"\ncloses = \"19:00\"\n\
        closed_dates = [\"2026-10-01\", \"2026-10-02\"]\n\
        [hours.weekdays]\nsat = \"09:00-12:00\"\nsun = \"closed\"\n\
        [hours.summer]\nfrom = \"05-01\"\nto = \"09-30\"\nopens = \"08:00\"\ncloses = \"19:30\"\n\
        [hours.winter]\nfrom = \"10-01\"\nto = \"04-30\"\nopens = \"09:00\"\ncloses = \"18:00\"\n";

    #[test]
    fn a_station_open_round_the_clock_closes_at_24_00_and_is_open_at_23_59() {
        let h = hours("[hours]\nopens = \"00:00\"\ncloses = \"24:00\"\n").expect("valid");
        let day = NaiveDateTime::parse_from_str("2026-12-01 23:59:59", "%Y-%m-%d %H:%M:%S")
            .expect("date time");
        assert!(h.is_open(day));
        assert!(h.is_open(at("2026-12-02", "00:00")));
        assert_eq!(
            hours("[hours.weekdays]\nmon = \"06:00-24:00\"\n")
                .expect("valid")
                .weekdays[0],
            WeekdayHours::Hours(Span {
                opens: t("06:00"),
                closes: t("24:00")
            })
        );
        assert_eq!(
            Span {
                opens: t("06:00"),
                closes: t("24:00")
            }
            .to_text(),
            "06:00-24:00"
        );
        // 24:00 is an end, never a start.
        assert_eq!(
            bad_key("[hours]\nopens = \"24:00\"\ncloses = \"24:00\"\n"),
            "hours.closes"
        );
    }

    #[test]
    fn a_file_with_only_opens_and_closes_means_those_hours_every_day() {
        let h = hours("[hours]\nopens = \"08:30\"\ncloses = \"19:00\"\n").expect("valid");
        assert_eq!(h, OpeningHours::every_day(t("08:30"), t("19:00")));
        // 2026-11-29 is a Sunday, 2026-10-01 a holiday nobody listed.
        for date in ["2026-11-23", "2026-11-29", "2026-10-01"] {
            assert!(!h.is_open(at(date, "08:29")));
            assert!(h.is_open(at(date, "08:30")));
            assert!(h.is_open(at(date, "18:59")));
            assert!(!h.is_open(at(date, "19:00")));
        }
        // And without [hours] at all: Wenzhou 6.2's 8:30-19:00.
        assert_eq!(hours("").expect("valid"), h);
    }

    #[test]
    fn weekdays_seasons_and_closed_dates() {
        let h = hours(FULL).expect("valid");
        assert_eq!(h.open_weekdays(), 6);
        // Summer, Wednesday 2026-07-15: summer hours.
        assert!(!h.is_open(at("2026-07-15", "07:59")));
        assert!(h.is_open(at("2026-07-15", "08:00")));
        assert!(h.is_open(at("2026-07-15", "19:29")));
        assert!(!h.is_open(at("2026-07-15", "19:30")));
        // Winter over the new year: Tuesday 2026-12-01 and Friday 2027-01-15.
        for date in ["2026-12-01", "2027-01-15", "2026-04-30"] {
            assert!(!h.is_open(at(date, "08:30")), "{date}");
            assert!(h.is_open(at(date, "09:00")), "{date}");
            assert!(!h.is_open(at(date, "18:00")), "{date}");
        }
        // Saturday 2026-07-18: the weekday's own hours win over the season.
        assert!(!h.is_open(at("2026-07-18", "08:30")));
        assert!(h.is_open(at("2026-07-18", "09:00")));
        assert!(!h.is_open(at("2026-07-18", "12:00")));
        // Sunday: closed in every season.
        for date in ["2026-07-19", "2026-11-29"] {
            assert!(!h.is_open(at(date, "10:00")), "{date}");
            assert_eq!(
                h.hours_on(NaiveDate::from_ymd_opt(2026, 7, 19).expect("d")),
                None
            );
        }
        // Closed dates: Thursday 2026-10-01 and Friday 2026-10-02; Saturday 10-03 is open.
        assert!(!h.is_open(at("2026-10-01", "10:00")));
        assert!(!h.is_open(at("2026-10-02", "10:00")));
        assert!(h.is_open(at("2026-10-03", "10:00")));
        // A bare time of day: the ordinary hours.
        assert!(h.is_open(t("08:30")));
        assert!(!h.is_open(t("19:00")));
    }

    #[test]
    fn outside_both_seasons_the_ordinary_hours_apply() {
        let h = hours(
            "[hours]\nopens = \"08:30\"\ncloses = \"19:00\"\n\
             [hours.summer]\nfrom = \"06-01\"\nto = \"08-31\"\nopens = \"07:30\"\ncloses = \"20:00\"\n",
        )
        .expect("valid");
        assert!(h.is_open(at("2026-06-01", "07:30")));
        assert!(h.is_open(at("2026-08-31", "19:59")));
        assert!(!h.is_open(at("2026-09-01", "07:30")));
        assert!(h.is_open(at("2026-09-01", "08:30")));
        assert!(!h.is_open(at("2026-05-31", "19:30")));
        // A DateTime (what `clock.now()` gives) works too.
        let clock = crate::clock::ManualClock::new(t("07:45"));
        use crate::clock::Clock;
        assert!(!h.is_open(clock.now()), "2026-11-23 07:45: ordinary hours");
    }

    #[test]
    fn fewer_than_five_open_days_is_refused_naming_the_key() {
        let five = "[hours.weekdays]\nsat = \"closed\"\nsun = \"closed\"\n";
        assert_eq!(hours(five).expect("valid").open_weekdays(), 5);
        let four = "[hours.weekdays]\nfri = \"closed\"\nsat = \"closed\"\nsun = \"closed\"\n";
        assert_eq!(bad_key(four), "hours.weekdays");
        let err = hours(four).expect_err("four days");
        assert!(err.to_string().contains("five days"), "{err}");
    }

    #[test]
    fn bad_hours_name_their_key() {
        assert_eq!(
            bad_key("[hours.weekdays]\nsat = \"9-12\"\n"),
            "hours.weekdays.sat"
        );
        assert_eq!(
            bad_key("[hours.weekdays]\nsun = \"12:00-09:00\"\n"),
            "hours.weekdays.sun"
        );
        assert_eq!(
            bad_key("[hours.weekdays]\nsunday = \"closed\"\n"),
            "hours.weekdays"
        );
        assert_eq!(
            bad_key("[hours]\nclosed_dates = [\"10-01\"]\n"),
            "hours.closed_dates"
        );
        assert_eq!(
            bad_key(
                "[hours.summer]\nfrom = \"02-30\"\nto = \"09-30\"\nopens = \"08:00\"\ncloses = \"19:30\"\n"
            ),
            "hours.summer"
        );
        assert_eq!(
            bad_key(
                "[hours.winter]\nfrom = \"10-01\"\nto = \"04-30\"\nopens = \"18:00\"\ncloses = \"09:00\"\n"
            ),
            "hours.winter"
        );
        // Overlapping seasons.
        assert_eq!(
            bad_key(
                "[hours.summer]\nfrom = \"05-01\"\nto = \"10-15\"\nopens = \"08:00\"\ncloses = \"19:30\"\n\
                 [hours.winter]\nfrom = \"10-01\"\nto = \"04-30\"\nopens = \"09:00\"\ncloses = \"18:00\"\n"
            ),
            "hours.winter"
        );
        // A season table missing a key is a syntax error that names it.
        let err = hours("[hours.summer]\nfrom = \"05-01\"\nto = \"09-30\"\nopens = \"08:00\"\n")
            .expect_err("no closes");
        assert!(err.to_string().contains("closes"), "{err}");
    }

    #[test]
    fn month_days() {
        assert_eq!(
            MonthDay::parse("02-29").map(MonthDay::to_text),
            Some("02-29".into())
        );
        for bad in ["2-29", "02-30", "13-01", "0501", "05-1", " - "] {
            assert_eq!(MonthDay::parse(bad), None, "{bad}");
        }
    }
}
