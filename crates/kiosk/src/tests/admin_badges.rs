//! Staff badges added and removed from admin mode: the tapped card becomes a badge at once (no
//! restart), a resident's card never does, and a removed badge stops opening admin mode.

use station_card::virtual_card::{CardBehaviour, CardImage, VirtualCard};
use station_card::{read_social_security_card, ReaderEvent, StaffBadge};
use station_protocol::{
    AdminAction, AdminMessage, AdminSection, AdminSetting, Notice, Screen, StationView,
};

use super::admin::{admin, admin_view, config_file, enter_admin};
use super::{rig, Rig};

const NEW: [u8; 4] = [0x11, 0x22, 0x33, 0x44];

fn tap(r: &Rig, event: ReaderEvent) -> StationView {
    r.kiosk.on_reader_event(event);
    r.kiosk.view()
}

fn unlisted(uid: &[u8]) -> ReaderEvent {
    ReaderEvent::UnlistedCard(StaffBadge::new(uid.to_vec()))
}

#[test]
fn staff_add_a_badge_by_tapping_it_and_it_opens_admin_mode_at_once() {
    let r = rig();
    let (_dir, config) = config_file(&r);
    enter_admin(&r);
    let v = admin(
        &r,
        AdminAction::Show {
            section: AdminSection::Badges,
        },
    );
    assert_eq!(admin_view(&v).badges, vec!["****B2C3".to_string()]);

    let v = admin(&r, AdminAction::AddBadge);
    assert_eq!(admin_view(&v).message, Some(AdminMessage::BadgeWaiting));
    // The reader started with the old list: the new card comes as unlisted.
    let v = tap(&r, unlisted(&NEW));
    let page = admin_view(&v);
    assert_eq!(page.message, Some(AdminMessage::BadgeAdded));
    assert_eq!(page.section, AdminSection::Badges);
    assert_eq!(page.badges, vec!["****B2C3".to_string(), "****3344".into()]);
    let text = std::fs::read_to_string(&config).expect("config");
    assert!(text.contains("\"04A1B2C3\", \"11223344\""), "{text}");
    assert!(text.contains("# staff keep this comment"));
    let audit = r.store.audit_events(20).expect("audit");
    assert!(audit
        .iter()
        .any(|e| e.action == "setting_changed" && e.detail == "staff.card_uids"));

    // The same card again, and a resident's card: neither is added.
    admin(&r, AdminAction::AddBadge);
    let v = tap(&r, ReaderEvent::StaffCard(StaffBadge::new(NEW.to_vec())));
    assert_eq!(
        admin_view(&v).message,
        Some(AdminMessage::BadgeAlreadyListed)
    );
    admin(&r, AdminAction::AddBadge);
    let mut card = VirtualCard::new(CardBehaviour::Resident(CardImage::sample_resident()));
    let resident = read_social_security_card(&mut card).expect("sample card");
    let v = tap(&r, ReaderEvent::CardRead(resident));
    assert_eq!(
        admin_view(&v).message,
        Some(AdminMessage::BadgeIsResidentCard)
    );
    assert_eq!(admin_view(&v).badges.len(), 2);
    // Not waiting any more: a card tapped now adds nothing.
    let v = tap(&r, unlisted(&[9, 9, 9, 9]));
    assert_eq!(admin_view(&v).badges.len(), 2);

    // The new badge opens admin mode (its own PIN, chosen at first use), no restart.
    admin(&r, AdminAction::Leave);
    let v = tap(&r, unlisted(&NEW));
    match &v.screen {
        Screen::AdminPin { pin } => assert_eq!(pin.holder, "****3344"),
        other => panic!("expected the PIN keypad, got {other:?}"),
    }
    admin(&r, AdminAction::Leave);
}

#[test]
fn a_removed_badge_no_longer_opens_admin_mode_and_is_just_an_unreadable_card() {
    let r = rig();
    let (_dir, config) = config_file(&r);
    enter_admin(&r);
    admin(&r, AdminAction::AddBadge);
    tap(&r, unlisted(&NEW));
    let v = admin(
        &r,
        AdminAction::Set {
            setting: AdminSetting::RemoveBadge { index: 1 },
        },
    );
    assert_eq!(admin_view(&v).message, Some(AdminMessage::SettingSaved));
    assert_eq!(admin_view(&v).badges, vec!["****B2C3".to_string()]);
    assert!(!std::fs::read_to_string(&config)
        .expect("config")
        .contains("11223344"));
    let v = admin(
        &r,
        AdminAction::Set {
            setting: AdminSetting::RemoveBadge { index: 5 },
        },
    );
    assert_eq!(admin_view(&v).message, Some(AdminMessage::SettingRefused));
    admin(&r, AdminAction::Leave);

    // The reader still lists it from its start: the station's list decides.
    let v = tap(&r, ReaderEvent::StaffCard(StaffBadge::new(NEW.to_vec())));
    assert!(matches!(v.screen, Screen::Welcome), "{:?}", v.screen);
    r.kiosk.on_reader_event(ReaderEvent::CardInserted);
    let v = tap(&r, ReaderEvent::StaffCard(StaffBadge::new(NEW.to_vec())));
    assert!(matches!(v.screen, Screen::Welcome), "{:?}", v.screen);
    assert_eq!(v.notice, Some(Notice::CardUnreadable));
}
