//! The call's quality as the resident sees it: how many of the doctor's frames arrived in the
//! last seconds. Pure (time is an input), so its rules are tested without a network.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use station_protocol::CallQuality;

/// The frames counted: the last 3 s.
pub const WINDOW: Duration = Duration::from_secs(3);
/// Frames a second from which the picture looks smooth.
pub const GOOD_FPS: u32 = 8;
/// Not assessed more often than this: an indicator that flickers is worse than none.
const EVERY: Duration = Duration::from_millis(500);

#[derive(Debug, Default)]
pub struct QualityMeter {
    connected_at: Option<Instant>,
    frames: VecDeque<Instant>,
    reported: CallQuality,
    assessed_at: Option<Instant>,
}

impl QualityMeter {
    /// Media flows from `now` (ICE and DTLS done).
    pub fn connected(&mut self, now: Instant) {
        self.connected_at.get_or_insert(now);
    }

    /// A frame of the doctor's video arrived at `now`.
    pub fn frame(&mut self, now: Instant) {
        self.frames.push_back(now);
        self.forget_before(now);
    }

    /// The quality at `now`, when it differs from the last one reported.
    pub fn assess(&mut self, now: Instant) -> Option<CallQuality> {
        if self
            .assessed_at
            .is_some_and(|at| now.saturating_duration_since(at) < EVERY)
        {
            return None;
        }
        self.assessed_at = Some(now);
        self.forget_before(now);
        let quality = match self.connected_at {
            None => CallQuality::Connecting,
            Some(at) => {
                let frames = self.frames.len() as u32;
                if frames == 0 && now.saturating_duration_since(at) < WINDOW {
                    CallQuality::Connecting
                } else if frames == 0 {
                    CallQuality::Lost
                } else if frames >= GOOD_FPS * WINDOW.as_secs() as u32 {
                    CallQuality::Good
                } else {
                    CallQuality::Poor
                }
            }
        };
        (quality != self.reported).then(|| {
            self.reported = quality;
            quality
        })
    }

    fn forget_before(&mut self, now: Instant) {
        while self
            .frames
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) > WINDOW)
        {
            self.frames.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    /// Feeds frames at `fps` from `from` to `to` (ms after `start`), assessing as the loop does.
    fn feed(
        m: &mut QualityMeter,
        start: Instant,
        fps: u64,
        from: u64,
        to: u64,
    ) -> Vec<CallQuality> {
        let mut seen = Vec::new();
        let mut t = from;
        while t < to {
            if fps > 0 && (t - from).is_multiple_of(1000 / fps) {
                m.frame(at(start, t));
            }
            seen.extend(m.assess(at(start, t)));
            t += 10;
        }
        seen
    }

    #[test]
    fn smooth_frames_are_good_and_nothing_is_said_twice() {
        let start = Instant::now();
        let mut m = QualityMeter::default();
        assert_eq!(m.assess(start), None, "connecting is where a call starts");
        m.connected(start);
        let seen = feed(&mut m, start, 25, 0, 10_000);
        assert_eq!(seen, vec![CallQuality::Poor, CallQuality::Good]);
    }

    #[test]
    fn a_picture_that_stops_is_lost_and_comes_back() {
        let start = Instant::now();
        let mut m = QualityMeter::default();
        m.connected(start);
        feed(&mut m, start, 25, 0, 5_000);
        let seen = feed(&mut m, start, 0, 5_000, 10_000);
        assert_eq!(seen, vec![CallQuality::Poor, CallQuality::Lost]);
        let seen = feed(&mut m, start, 25, 10_000, 15_000);
        assert_eq!(seen, vec![CallQuality::Poor, CallQuality::Good]);
    }

    #[test]
    fn a_choppy_picture_is_poor() {
        let start = Instant::now();
        let mut m = QualityMeter::default();
        m.connected(start);
        let seen = feed(&mut m, start, 4, 0, 10_000);
        assert_eq!(seen, vec![CallQuality::Poor]);
    }

    #[test]
    fn no_picture_after_connecting_is_lost_only_after_the_window() {
        let start = Instant::now();
        let mut m = QualityMeter::default();
        m.connected(start);
        assert_eq!(m.assess(at(start, 2_000)), None, "still connecting at 2 s");
        assert_eq!(m.assess(at(start, 3_100)), Some(CallQuality::Lost));
    }
}
