//! Time, behind a trait: the station runtime and the store take every timestamp from one
//! injected [`Clock`], so tests set any time of day without waiting. Dates are formatted for
//! people in one place ([`minute_stamp`], [`day_stamp`]).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Local, NaiveTime, TimeZone};

pub trait Clock: Send + Sync {
    /// Monotonic time since an arbitrary start (idle timing, timeouts).
    fn monotonic(&self) -> Duration;
    /// Station local date and time (stamps on records, opening hours).
    fn now(&self) -> DateTime<Local>;
    /// Station local time of day (opening hours).
    fn local_time(&self) -> NaiveTime {
        self.now().time()
    }
}

/// The machine's clocks.
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    pub fn new() -> Self {
        SystemClock {
            start: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn monotonic(&self) -> Duration {
        self.start.elapsed()
    }
    fn now(&self) -> DateTime<Local> {
        Local::now()
    }
}

/// A clock tests move by hand. Both its monotonic and its wall time move with [`advance`].
///
/// [`advance`]: ManualClock::advance
pub struct ManualClock {
    inner: Mutex<(Duration, DateTime<Local>)>,
}

impl ManualClock {
    /// Starts on 2026-11-23 at `local` (station local time).
    pub fn new(local: NaiveTime) -> Self {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let wall = Local
            .from_local_datetime(&day.and_time(local))
            .earliest()
            .unwrap_or_else(Local::now);
        ManualClock {
            inner: Mutex::new((Duration::ZERO, wall)),
        }
    }
    pub fn advance(&self, by: Duration) {
        if let Ok(mut g) = self.inner.lock() {
            g.0 += by;
            g.1 += chrono::Duration::from_std(by).unwrap_or_default();
        }
    }
    /// Sets the time of day, keeping the date (monotonic time does not move).
    pub fn set_local_time(&self, t: NaiveTime) {
        if let Ok(mut g) = self.inner.lock() {
            if let Some(wall) = Local
                .from_local_datetime(&g.1.date_naive().and_time(t))
                .earliest()
            {
                g.1 = wall;
            }
        }
    }
    /// Sets the date and time of day.
    pub fn set_now(&self, wall: DateTime<Local>) {
        if let Ok(mut g) = self.inner.lock() {
            g.1 = wall;
        }
    }
}

impl Clock for ManualClock {
    fn monotonic(&self) -> Duration {
        self.inner.lock().map(|g| g.0).unwrap_or_default()
    }
    fn now(&self) -> DateTime<Local> {
        self.inner
            .lock()
            .map(|g| g.1)
            .unwrap_or_else(|_| Local::now())
    }
}

/// "YYYY-MM-DD HH:MM", station local time: how a date is written on screen and on paper.
pub fn minute_stamp<Tz: TimeZone>(at: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// "MM-DD": a day on the trend chart's axis.
pub fn day_stamp<Tz: TimeZone>(at: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    at.format("%m-%d").to_string()
}

/// The last instant of a day: what a closing time of "24:00" means (a station open round the
/// clock writes `closes = "24:00"`; `NaiveTime` has no 24:00).
pub const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999) {
    Some(t) => t,
    None => panic!("a valid time"),
};

/// "HH:MM": opening hours ("24:00" for [`END_OF_DAY`]).
pub fn clock_time(t: NaiveTime) -> String {
    if t == END_OF_DAY {
        return "24:00".into();
    }
    t.format("%H:%M").to_string()
}

/// Reads "HH:MM" as [`clock_time`] writes it, "24:00" included.
pub fn parse_clock_time(s: &str) -> Option<NaiveTime> {
    match s.trim() {
        "24:00" => Some(END_OF_DAY),
        s => NaiveTime::parse_from_str(s, "%H:%M").ok(),
    }
}

/// An RFC 3339 stamp (as stored) rewritten as [`minute_stamp`]; empty when it does not parse.
pub fn minute_stamp_of_rfc3339(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|t| minute_stamp(&t))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manual_clock_moves_wall_and_monotonic_time_together() {
        let t = NaiveTime::from_hms_opt(9, 59, 30).expect("time");
        let c = ManualClock::new(t);
        assert_eq!(minute_stamp(&c.now()), "2026-11-23 09:59");
        c.advance(Duration::from_secs(45));
        assert_eq!(c.monotonic(), Duration::from_secs(45));
        assert_eq!(minute_stamp(&c.now()), "2026-11-23 10:00");
        c.set_local_time(NaiveTime::from_hms_opt(21, 5, 0).expect("time"));
        assert_eq!(
            c.local_time(),
            NaiveTime::from_hms_opt(21, 5, 0).expect("time")
        );
        assert_eq!(day_stamp(&c.now()), "11-23");
        assert_eq!(c.monotonic(), Duration::from_secs(45));
    }

    #[test]
    fn stored_stamps_are_rewritten_for_people() {
        assert_eq!(
            minute_stamp_of_rfc3339("2026-03-05T08:07:09+08:00"),
            "2026-03-05 08:07"
        );
        assert_eq!(minute_stamp_of_rfc3339("garbage"), "");
        assert_eq!(
            clock_time(NaiveTime::from_hms_opt(7, 30, 0).expect("t")),
            "07:30"
        );
    }
}
