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
