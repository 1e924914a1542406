//! The station's name typed in admin mode on the screen's pinyin keyboard: written whole to
//! station.toml, shown on the welcome screen at once, a bad part refused by name.

use station_protocol::{AdminAction, AdminMessage, AdminSection, NamePart, Screen, StationView};

use super::admin::{admin, admin_view, config_file, enter_admin};
use super::rig;

/// Types `pinyin` and presses the candidate `word` (it must be offered).
fn type_word(r: &super::Rig, pinyin: &str, word: &str) -> StationView {
    for letter in pinyin.chars() {
        admin(r, AdminAction::NameLetter { letter });
    }
    assert_eq!(admin_view(&r.kiosk.view()).name.pinyin, pinyin);
    pick_word(r, word)
}

/// Presses the candidate `word` (it must be on the page shown).
fn pick_word(r: &super::Rig, word: &str) -> StationView {
    let v = r.kiosk.view();
    let name = &admin_view(&v).name;
    let pinyin = &name.pinyin;
    let index = name
        .candidates
        .iter()
        .position(|w| w == word)
        .unwrap_or_else(|| panic!("{word} not offered for {pinyin}: {:?}", name.candidates));
    admin(
        r,
        AdminAction::NamePick {
            index: u8::try_from(index).expect("index"),
        },
    )
}

fn clear_part(r: &super::Rig, part: NamePart) {
    admin(r, AdminAction::NamePart { part });
    while !admin_view(&r.kiosk.view()).name.part(part).is_empty() {
        admin(r, AdminAction::NameDelete);
    }
}

#[test]
fn staff_type_the_name_in_pinyin_and_the_station_is_called_so_at_once() {
    let r = rig();
    let (_dir, config) = config_file(&r);
    enter_admin(&r);
    let v = admin(
        &r,
        AdminAction::Show {
            section: AdminSection::Name,
        },
    );
    let name = &admin_view(&v).name;
    assert_eq!(
        (
            name.town.as_str(),
            name.community.as_str(),
            name.label.as_str()
        ),
        ("五马街道", "禅街社区", ""),
        "the page starts from the name as written"
    );

    clear_part(&r, NamePart::Town);
    // 南汇 is no word of the dictionary: a character at a time, 汇 on whichever page it is.
    type_word(&r, "nan", "南");
    for letter in "hui".chars() {
        admin(&r, AdminAction::NameLetter { letter });
    }
    while !admin_view(&r.kiosk.view())
        .name
        .candidates
        .iter()
        .any(|w| w == "汇")
    {
        assert!(admin_view(&r.kiosk.view()).name.more, "汇 never offered");
        admin(&r, AdminAction::NameMore);
    }
    pick_word(&r, "汇");
    type_word(&r, "jiedao", "街道");
    clear_part(&r, NamePart::Community);
    type_word(&r, "shui", "水");
    type_word(&r, "xin", "心");
    type_word(&r, "shequ", "社区");
    admin(
        &r,
        AdminAction::NamePart {
            part: NamePart::Label,
        },
    );
    let v = type_word(&r, "dong", "东");
    assert_eq!(admin_view(&v).name.label, "东");
    let before = std::fs::read_to_string(&config).expect("config");
    assert!(before.contains("禅街社区"), "nothing written before 保存");

    let v = admin(&r, AdminAction::NameSave);
    assert_eq!(admin_view(&v).message, Some(AdminMessage::NameSaved));
    let text = std::fs::read_to_string(&config).expect("config");
    assert!(
        text.contains("town = \"南汇街道\"")
            && text.contains("community = \"水心社区\"")
            && text.contains("label = \"东\"")
            && text.contains("# staff keep this comment"),
        "{text}"
    );
    assert_eq!(v.station_name, "南汇街道水心社区东智慧健康站");
    let audit = r.store.audit_events(20).expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "setting_changed" && e.detail.contains("station.name")),
        "{audit:?}"
    );

    // The welcome screen says the new name.
    let v = admin(&r, AdminAction::Leave);
    assert!(matches!(v.screen, Screen::Welcome));
    assert_eq!(v.station_name, "南汇街道水心社区东智慧健康站");
}

#[test]
fn a_part_left_empty_or_too_long_is_refused_by_name_and_nothing_is_written() {
    let r = rig();
    let (_dir, config) = config_file(&r);
    let original = std::fs::read_to_string(&config).expect("config");
    enter_admin(&r);
    admin(
        &r,
        AdminAction::Show {
            section: AdminSection::Name,
        },
    );
    clear_part(&r, NamePart::Community);
    let v = admin(&r, AdminAction::NameSave);
    assert_eq!(
        admin_view(&v).message,
        Some(AdminMessage::NameCommunityRefused)
    );
    assert_eq!(admin_view(&v).name.town, "五马街道", "what was typed stays");

    // Thirteen characters of 识别名: one past the longest part.
    admin(
        &r,
        AdminAction::NamePart {
            part: NamePart::Community,
        },
    );
    type_word(&r, "shequ", "社区");
    admin(
        &r,
        AdminAction::NamePart {
            part: NamePart::Label,
        },
    );
    for _ in 0..13 {
        type_word(&r, "dong", "东");
    }
    let v = admin(&r, AdminAction::NameSave);
    assert_eq!(admin_view(&v).message, Some(AdminMessage::NameLabelRefused));
    assert_eq!(std::fs::read_to_string(&config).expect("config"), original);
    assert_eq!(v.station_name, "五马街道禅街社区智慧健康站");
}
