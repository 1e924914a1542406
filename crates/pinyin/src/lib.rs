//! Chinese typed as pinyin on the kiosk's own keyboard.
//!
//! A kiosk runs one app in cage: there is no input method to turn letters into characters, and
//! staff still need to type the station's name (Wenzhou 5.3.1). [`candidates`] says what the
//! letters typed so far may mean, likeliest first, from `inputx-pinyin`'s dictionary (Unihan
//! readings and word frequencies, compiled into the app: no download, no OS service).

use std::sync::OnceLock;

use inputx_pinyin::PinyinEngine;

/// The longest pinyin looked up: a name part holds at most 12 characters of up to 6 letters.
pub const MAX_PINYIN: usize = 24;

fn engine() -> &'static PinyinEngine {
    static ENGINE: OnceLock<PinyinEngine> = OnceLock::new();
    ENGINE.get_or_init(PinyinEngine::new)
}

/// Whether `letter` is one the keyboard types (a–z).
pub fn is_pinyin_letter(letter: char) -> bool {
    letter.is_ascii_lowercase()
}

/// Up to `limit` words `pinyin` may be, likeliest first, each once: those read exactly so
/// ("jiedao": 接到, 街道, …), then those it begins (typing "jied" already offers 街道). Nothing
/// for an empty, overlong or non-letter input.
pub fn candidates(pinyin: &str, limit: usize) -> Vec<String> {
    if pinyin.is_empty() || pinyin.len() > MAX_PINYIN || !pinyin.chars().all(is_pinyin_letter) {
        return Vec::new();
    }
    let dict = engine().dict();
    let mut found: Vec<String> = Vec::new();
    for word in dict.lookup(pinyin) {
        if found.len() == limit {
            return found;
        }
        if !found.contains(&word) {
            found.push(word);
        }
    }
    let mut longer: Vec<(u64, String)> = Vec::new();
    dict.prefix_for_each(pinyin, |reading, word, freq| {
        if reading != pinyin {
            longer.push((freq, word.to_string()));
        }
    });
    // Stable: equally frequent words keep the dictionary's order.
    longer.sort_by_key(|(freq, _)| std::cmp::Reverse(*freq));
    for (_, word) in longer {
        if found.len() == limit {
            break;
        }
        if !found.contains(&word) {
            found.push(word);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn offers(pinyin: &str, word: &str, within: usize) -> bool {
        candidates(pinyin, within).iter().any(|w| w == word)
    }

    #[test]
    fn the_words_a_station_is_named_with_come_first() {
        assert!(offers("jiedao", "街道", 10));
        assert!(offers("shequ", "社区", 10));
        assert!(offers("wuma", "五马", 10));
        assert!(offers("zhen", "镇", 10));
        assert!(offers("cun", "村", 10));
        // Half a word already offers it.
        assert!(offers("jied", "街道", 10));
    }

    #[test]
    fn a_rarer_character_is_further_down_but_there() {
        // 潞 (潞城) and 荟 are not among their syllables' first ten.
        assert!(!offers("lu", "潞", 10));
        assert!(offers("lu", "潞", 60));
        assert!(!offers("hui", "荟", 10));
        assert!(offers("hui", "荟", 60));
    }

    #[test]
    fn nothing_is_offered_for_what_is_not_pinyin() {
        assert!(candidates("", 10).is_empty());
        assert!(candidates("Lu", 10).is_empty());
        assert!(candidates("l u", 10).is_empty());
        assert!(candidates(&"a".repeat(MAX_PINYIN + 1), 10).is_empty());
        assert!(candidates("jiedao", 0).is_empty());
    }

    proptest! {
        #[test]
        fn any_letters_give_at_most_the_limit_each_once(pinyin in "[a-z]{1,24}", limit in 0usize..80) {
            let found = candidates(&pinyin, limit);
            prop_assert!(found.len() <= limit);
            let mut unique = found.clone();
            unique.sort();
            unique.dedup();
            prop_assert_eq!(unique.len(), found.len());
            prop_assert!(found.iter().all(|w| !w.is_empty()));
        }
    }
}
