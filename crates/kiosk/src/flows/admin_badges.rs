//! Staff badges from admin mode (issue 14). The badges page lists them masked; "添加员工卡"
//! waits for a card on the reader, and the card tapped becomes a badge at once (written to
//! `staff.card_uids`, audited as a setting). The station's list is the authority: a card the
//! reader reports as staff or as unlisted is checked against the list as it is now, so a badge
//! added or removed works, or stops working, without a restart.

use std::time::Duration;

use station_card::{ReaderEvent, StaffBadge};
use station_core::clock::Clock;
use station_core::config::edit::Setting;
use station_protocol::{AdminMessage, AdminSection};
use station_store::Store;

use super::admin::{AdminCtx, AdminSession, AdminStep};
use super::admin_pages::{page, write};
use crate::effects::Effects;
use crate::station::{Phase, Station};

impl AdminSession {
    /// Staff asked to add a badge and have not moved on.
    pub fn waiting_for_badge(&self) -> bool {
        matches!(&self.step,
            AdminStep::Open(view) if view.message == Some(AdminMessage::BadgeWaiting))
    }
}

impl Station {
    /// Whether this badge is one of the station's now.
    fn listed(&self, badge: &StaffBadge) -> bool {
        self.config
            .staff_card_uids
            .iter()
            .any(|uid| uid.as_slice() == badge.uid())
    }

    /// A card the reader took for staff (or not) by the list it started with, as the station's
    /// list says now.
    pub(crate) fn as_listed_now(&self, event: ReaderEvent) -> ReaderEvent {
        match event {
            ReaderEvent::StaffCard(badge) | ReaderEvent::UnlistedCard(badge) => {
                if self.listed(&badge) {
                    ReaderEvent::StaffCard(badge)
                } else {
                    ReaderEvent::UnlistedCard(badge)
                }
            }
            other => other,
        }
    }

    /// A card on the reader while staff wait to add a badge; false when it is not for that.
    pub(crate) fn on_badge_card(
        &mut self,
        event: &ReaderEvent,
        now: Duration,
        store: &Store,
        clock: &dyn Clock,
        fx: &mut Effects,
    ) -> bool {
        let waiting = matches!(&self.phase,
            Phase::Admin { session, .. } if session.waiting_for_badge());
        if !waiting {
            return false;
        }
        let message = match event {
            ReaderEvent::StaffCard(badge) | ReaderEvent::UnlistedCard(badge)
                if self.listed(badge) =>
            {
                AdminMessage::BadgeAlreadyListed
            }
            ReaderEvent::StaffCard(badge) | ReaderEvent::UnlistedCard(badge) => {
                self.add_badge(badge, store, clock, fx)
            }
            // Read no further than the reader did: nothing of the resident is kept.
            ReaderEvent::CardRead(_) => AdminMessage::BadgeIsResidentCard,
            ReaderEvent::CardUnreadable(_) => AdminMessage::BadgeUnreadable,
            _ => return false,
        };
        let Phase::Admin { session, .. } = &self.phase else {
            return false;
        };
        let masked = session.masked().to_string();
        let page = page(
            &masked,
            AdminSection::Badges,
            Some(message),
            &self.admin_ctx(store, clock, fx),
        );
        if let Phase::Admin { session, .. } = &mut self.phase {
            session.last_activity = now;
            session.step = AdminStep::Open(Box::new(page));
        }
        self.changed(fx);
        true
    }

    /// What admin mode reads, for work done outside an admin action (a card tapped).
    fn admin_ctx<'a>(
        &'a self,
        store: &'a Store,
        clock: &dyn Clock,
        fx: &'a mut Effects,
    ) -> AdminCtx<'a> {
        AdminCtx {
            store,
            pins: &self.pins.0,
            config: &self.config,
            readers: &self.readers,
            caps: &self.caps,
            files: &self.files,
            software: &self.software,
            now: clock.now(),
            fx,
        }
    }

    /// Writes the new list; the station uses it at once.
    fn add_badge(
        &mut self,
        badge: &StaffBadge,
        store: &Store,
        clock: &dyn Clock,
        fx: &mut Effects,
    ) -> AdminMessage {
        let Phase::Admin { session, .. } = &self.phase else {
            return AdminMessage::SettingRefused;
        };
        let staff = session.staff_key();
        let mut badges = self.config.staff_card_uids.clone();
        badges.push(badge.uid().to_vec());
        let (config, message) = write(
            &Setting::StaffBadges(badges),
            &staff,
            &self.admin_ctx(store, clock, fx),
        );
        match config {
            Some(config) => {
                tracing::info!(badge = %badge.masked(), "staff badge added");
                self.config = config;
                AdminMessage::BadgeAdded
            }
            None => message,
        }
    }
}
