//! Time, behind a trait so idle timeouts and opening hours are tested without waiting.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveTime;

pub trait Clock: Send + Sync {
    /// Monotonic time since an arbitrary start (idle timing).
    fn monotonic(&self) -> Duration;
    /// Station local wall-clock time of day (opening hours).
    fn local_time(&self) -> NaiveTime;
    /// Station local date and time for display, "YYYY-MM-DD HH:MM".
    fn local_stamp(&self) -> String;
}

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
    fn local_time(&self) -> NaiveTime {
        chrono::Local::now().time()
    }
    fn local_stamp(&self) -> String {
        chrono::Local::now().format("%Y-%m-%d %H:%M").to_string()
    }
}

/// A clock tests move by hand.
pub struct ManualClock {
    inner: Mutex<(Duration, NaiveTime)>,
}

impl ManualClock {
    pub fn new(local: NaiveTime) -> Self {
        ManualClock {
            inner: Mutex::new((Duration::ZERO, local)),
        }
    }
    pub fn advance(&self, by: Duration) {
        if let Ok(mut g) = self.inner.lock() {
            g.0 += by;
            g.1 += chrono::Duration::from_std(by).unwrap_or_default();
        }
    }
    pub fn set_local_time(&self, t: NaiveTime) {
        if let Ok(mut g) = self.inner.lock() {
            g.1 = t;
        }
    }
}

impl Clock for ManualClock {
    fn monotonic(&self) -> Duration {
        self.inner.lock().map(|g| g.0).unwrap_or_default()
    }
    fn local_time(&self) -> NaiveTime {
        self.inner.lock().map(|g| g.1).unwrap_or_default()
    }
    fn local_stamp(&self) -> String {
        format!("2026-11-23 {}", self.local_time().format("%H:%M"))
    }
}
