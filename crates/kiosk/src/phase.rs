//! The station's phases: what the station is doing, each with the display settings of the
//! person at the screen (see `station.rs` for how events move between them).

use std::time::Duration;

use station_core::clock::clock_time;
use station_core::config::StationConfig;
use station_protocol::{DisplayPrefs, Screen};

use crate::flows::admin::AdminSession;
use crate::flows::identify::Identifying;
use crate::visit::Visit;

#[derive(Debug)]
pub(crate) enum Phase {
    /// Outside opening hours.
    Closed {
        prefs: DisplayPrefs,
    },
    Welcome {
        prefs: DisplayPrefs,
    },
    /// A card is being read, or the camera looks for a health code or a face.
    Identifying(Identifying),
    InVisit(Box<Visit>),
    /// The visit has ended; shown in the resident's settings until `since + station::GOODBYE_FOR`.
    Goodbye {
        prefs: DisplayPrefs,
        since: Duration,
    },
    /// Staff admin mode (badge + PIN), in the station's own settings.
    Admin {
        session: Box<AdminSession>,
        prefs: DisplayPrefs,
    },
}

impl Phase {
    pub fn prefs(&self) -> &DisplayPrefs {
        match self {
            Phase::Closed { prefs }
            | Phase::Welcome { prefs }
            | Phase::Goodbye { prefs, .. }
            | Phase::Admin { prefs, .. } => prefs,
            Phase::Identifying(i) => &i.prefs,
            Phase::InVisit(v) => &v.prefs,
        }
    }

    pub fn prefs_mut(&mut self) -> &mut DisplayPrefs {
        match self {
            Phase::Closed { prefs }
            | Phase::Welcome { prefs }
            | Phase::Goodbye { prefs, .. }
            | Phase::Admin { prefs, .. } => prefs,
            Phase::Identifying(i) => &mut i.prefs,
            Phase::InVisit(v) => &mut v.prefs,
        }
    }

    pub fn visit(&self) -> Option<&Visit> {
        match self {
            Phase::InVisit(v) => Some(v),
            _ => None,
        }
    }

    pub fn visit_mut(&mut self) -> Option<&mut Visit> {
        match self {
            Phase::InVisit(v) => Some(v),
            _ => None,
        }
    }

    pub fn screen(&self, config: &StationConfig) -> Screen {
        match self {
            Phase::Closed { .. } => Screen::Closed {
                opens: clock_time(config.opening.opens),
                closes: clock_time(config.opening.closes),
            },
            Phase::Welcome { .. } => Screen::Welcome,
            Phase::Identifying(i) => i.screen(),
            Phase::InVisit(v) => v.screen(),
            Phase::Goodbye { .. } => Screen::Goodbye,
            Phase::Admin { session, .. } => session.screen(),
        }
    }
}
