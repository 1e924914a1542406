//! Admin mode's name page: the station's name (Wenzhou 5.3.1: 街镇名 + 村（社区）名 +
//! 识别名(可选) + 智慧健康站) typed on the screen's own keyboard.
//!
//! A kiosk runs one app in cage with no input method, so Chinese is typed here: staff press
//! the pinyin's letters, the station offers what they may mean (`station-pinyin`: a dictionary
//! built into the app, no download, no OS input method), and one press adds the characters to
//! the part being typed. Saving writes the three parts in one checked, atomic write
//! (`station_core::config::edit`, `Setting::Name`); the welcome screen and the reports show the
//! new name at once.

use station_core::config::{NameParts, StationConfig};
use station_protocol::{NameDraft, NamePart};

/// How many of the pinyin's meanings are offered at once (a row of big buttons); 换一批 shows
/// the next ones.
const CANDIDATES: usize = 10;
/// How far 换一批 goes: a place name's character is among its syllable's 60 likeliest.
const ALL_CANDIDATES: usize = 60;

/// The draft's page of candidates for its pinyin, and whether 换一批 has more.
fn show_candidates(draft: &mut NameDraft) {
    let all = station_pinyin::candidates(&draft.pinyin, ALL_CANDIDATES);
    let pages = all.len().div_ceil(CANDIDATES).max(1);
    let page = usize::from(draft.page) % pages;
    draft.page = u8::try_from(page).unwrap_or(0);
    draft.more = pages > 1;
    draft.candidates = all
        .into_iter()
        .skip(page * CANDIDATES)
        .take(CANDIDATES)
        .collect();
}

/// 换一批: the next candidates, back to the first after the last.
pub(super) fn more(draft: &mut NameDraft) -> bool {
    if !draft.more {
        return false;
    }
    draft.page = draft.page.saturating_add(1);
    show_candidates(draft);
    true
}

/// The name as station.toml has it, ready to be typed over.
pub(super) fn draft(config: &StationConfig) -> NameDraft {
    let parts = &config.name_parts;
    NameDraft {
        town: parts.town.clone(),
        community: parts.community.clone(),
        label: parts.label.clone().unwrap_or_default(),
        ..NameDraft::default()
    }
}

/// The keyboard now writes to `part` (pinyin half typed is dropped).
pub(super) fn choose_part(draft: &mut NameDraft, part: NamePart) {
    draft.part = part;
    draft.pinyin.clear();
    draft.page = 0;
    show_candidates(draft);
}

/// A letter pressed: `false` (nothing changes) for anything but a–z or past the longest pinyin.
pub(super) fn letter(draft: &mut NameDraft, letter: char) -> bool {
    let letter = letter.to_ascii_lowercase();
    if !station_pinyin::is_pinyin_letter(letter) || draft.pinyin.len() >= station_pinyin::MAX_PINYIN
    {
        return false;
    }
    draft.pinyin.push(letter);
    draft.page = 0;
    show_candidates(draft);
    true
}

/// 删除: the last letter of pinyin, else the part's last character.
pub(super) fn delete(draft: &mut NameDraft) -> bool {
    if draft.pinyin.pop().is_some() {
        draft.page = 0;
        show_candidates(draft);
        return true;
    }
    draft.part_mut(draft.part).pop().is_some()
}

/// A candidate pressed: its characters go at the end of the part; the pinyin starts again.
pub(super) fn pick(draft: &mut NameDraft, index: u8) -> bool {
    let Some(word) = draft.candidates.get(usize::from(index)).cloned() else {
        return false;
    };
    let part = draft.part;
    draft.part_mut(part).push_str(&word);
    draft.pinyin.clear();
    draft.page = 0;
    show_candidates(draft);
    true
}

/// The parts to write: an empty 识别名 is none.
pub(super) fn parts(draft: &NameDraft) -> NameParts {
    let label = draft.label.trim();
    NameParts {
        town: draft.town.trim().to_string(),
        community: draft.community.trim().to_string(),
        label: (!label.is_empty()).then(|| label.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_far_down_the_list_is_reached_page_by_page() {
        // 潞 (潞城) is not among "lu"'s first ten.
        let mut d = NameDraft::default();
        letter(&mut d, 'l');
        letter(&mut d, 'u');
        assert!(d.more && d.candidates.len() == CANDIDATES);
        let mut pages = 0;
        while !d.candidates.iter().any(|w| w == "潞") {
            assert!(more(&mut d), "no more pages");
            pages += 1;
            assert!(pages < 6, "潞 never offered");
        }
        assert!(
            pages >= 1,
            "潞 was on the first page: pick another character"
        );
        let first_page = station_pinyin::candidates("lu", CANDIDATES);
        while d.page != 0 {
            more(&mut d);
        }
        assert_eq!(
            d.candidates, first_page,
            "换一批 comes back round to the first"
        );
        let mut none = NameDraft::default();
        assert!(!more(&mut none));
    }

    #[test]
    fn letters_pick_and_delete_build_one_part_at_a_time() {
        let mut d = NameDraft::default();
        choose_part(&mut d, NamePart::Community);
        for c in "shequ".chars() {
            assert!(letter(&mut d, c));
        }
        assert!(!letter(&mut d, '1'), "only letters are pinyin");
        let at = d.candidates.iter().position(|w| w == "社区").expect("社区");
        assert!(pick(&mut d, u8::try_from(at).expect("index")));
        assert_eq!((d.community.as_str(), d.pinyin.as_str()), ("社区", ""));
        assert!(d.candidates.is_empty());
        assert!(!pick(&mut d, 0), "nothing to pick once the pinyin is used");
        // Delete takes back pinyin first, then characters.
        letter(&mut d, 'x');
        assert!(delete(&mut d));
        assert_eq!(d.community, "社区");
        assert!(delete(&mut d));
        assert_eq!(d.community, "社");
        assert_eq!(d.town, "", "other parts untouched");
        // Switching part drops the pinyin half typed.
        letter(&mut d, 'w');
        choose_part(&mut d, NamePart::Label);
        assert!(d.pinyin.is_empty() && d.candidates.is_empty());
        assert_eq!(parts(&d).label, None);
    }

    #[test]
    fn pinyin_stops_at_its_longest() {
        let mut d = NameDraft::default();
        for _ in 0..station_pinyin::MAX_PINYIN {
            assert!(letter(&mut d, 'a'));
        }
        assert!(!letter(&mut d, 'a'));
        assert_eq!(d.pinyin.len(), station_pinyin::MAX_PINYIN);
    }
}
