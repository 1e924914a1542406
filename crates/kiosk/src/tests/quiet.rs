//! When the station is quiet enough for an update to be installed: never while a resident or a
//! staff member is using it.

use chrono::NaiveTime;
use station_protocol::{Action, Screen, TextSize};

use super::admin::enter_admin;
use super::{rig, rig_with};

#[test]
fn an_update_waits_while_anyone_uses_the_station() {
    let r = rig();
    assert!(
        r.kiosk.is_quiet(),
        "the welcome screen as the station left it"
    );

    // Someone at the welcome screen made the text bigger: they are about to start.
    r.kiosk.act(Action::ChooseTextSize {
        size: TextSize::ExtraLarge,
    });
    assert!(!r.kiosk.is_quiet());

    r.identify();
    assert!(!r.kiosk.is_quiet(), "a visit");
    r.kiosk.act(Action::Logout);
    assert!(matches!(r.kiosk.view().screen, Screen::Goodbye));
    assert!(!r.kiosk.is_quiet(), "still saying goodbye");
    r.idle_for(5);
    assert!(matches!(r.kiosk.view().screen, Screen::Welcome));
    assert!(r.kiosk.is_quiet(), "the next person starts afresh");

    // Staff in admin mode.
    let v = enter_admin(&r);
    assert!(matches!(v.screen, Screen::Admin { .. }), "{:?}", v.screen);
    assert!(!r.kiosk.is_quiet());
}

#[test]
fn a_closed_station_is_quiet() {
    let r = rig_with(vec![], NaiveTime::from_hms_opt(23, 0, 0).expect("time"));
    assert!(matches!(r.kiosk.view().screen, Screen::Closed { .. }));
    assert!(r.kiosk.is_quiet());
}

#[test]
fn staff_see_the_version_and_how_updates_stand() {
    use station_protocol::{AdminAction, AdminSection, SoftwareView, UpdateState};
    let r = rig();
    r.kiosk.set_version("0.1.0");
    r.kiosk
        .set_update_state(UpdateState::Refused("0.2.0".to_string()));
    enter_admin(&r);
    let v = super::admin::admin(
        &r,
        AdminAction::Show {
            section: AdminSection::Logs,
        },
    );
    assert_eq!(
        super::admin::admin_view(&v).software,
        SoftwareView {
            version: "0.1.0".into(),
            update: UpdateState::Refused("0.2.0".into()),
        }
    );
}
