//! The masking belt: personal data never reaches a log file or stderr, whatever a caller
//! formatted by mistake (`IdNumber` and `HealthQr` already mask themselves in `Debug`; this is
//! the belt to those braces). Applied to each whole formatted line, before it is written.
//!
//! - **ID numbers and long digit runs**: any run of 11 or more ASCII digits, with a trailing
//!   `X`/`x` (GB 11643 18-character numbers, 15-digit old numbers, phone numbers, card and
//!   account numbers, the 28-digit insurance voucher) → one `*` per character.
//! - **Health-code tokens**: a run of 16 or more `A-Z a-z 0-9 +` holding both a digit and a
//!   letter (the electronic health card's 64 hex digits, opaque provincial tokens) → `*`s.
//!   `_ - . / : =` break a run, so paths, module names and `key=value` stay readable.
//! - **Chinese names**: every run of Han characters (with `·` inside, as in minority names)
//!   keeps its first character and the rest becomes `*` ("张三" → "张*", the store's own
//!   form), unless the whole run is made of words the station said may stay (its town and
//!   community names, "智慧健康站"). A name cannot be told from other Chinese text, so all of it
//!   is masked: our own log messages are English.

use std::sync::RwLock;

use regex::Regex;

/// Words that may appear in the clear whatever the config says.
const ALWAYS_KEPT: &[&str] = &["智慧健康站"]; // i18n-exempt: the station-name suffix, never a person

pub struct Masker {
    digits: Regex,
    token: Regex,
    han: Regex,
    kept: RwLock<Vec<String>>,
}

impl Masker {
    pub fn new() -> Masker {
        // The patterns are literals: they compile, or every test of this crate fails.
        Masker {
            digits: Regex::new(r"[0-9]{11,}[Xx]?").expect("digits pattern"),
            token: Regex::new(r"[A-Za-z0-9+]{16,}").expect("token pattern"),
            han: Regex::new(r"\p{Han}[\p{Han}·•]*").expect("han pattern"),
            kept: RwLock::new(ALWAYS_KEPT.iter().map(|w| w.to_string()).collect()),
        }
    }

    /// Words whose runs of Han characters stay in the clear (the station's place names).
    pub fn keep_words<S: AsRef<str>>(&self, words: impl IntoIterator<Item = S>) {
        if let Ok(mut kept) = self.kept.write() {
            for w in words {
                let w = w.as_ref().trim();
                if !w.is_empty() && !kept.iter().any(|k| k == w) {
                    kept.push(w.to_string());
                }
            }
            // Longest first, so a segmentation tries the longer word first.
            kept.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        }
    }

    /// The text with every ID number, token and Chinese name masked.
    pub fn mask(&self, text: &str) -> String {
        let text = self.token.replace_all(text, |c: &regex::Captures<'_>| {
            let run = &c[0];
            let digit = run.bytes().any(|b| b.is_ascii_digit());
            let letter = run.bytes().any(|b| b.is_ascii_alphabetic());
            if digit && letter {
                stars(run)
            } else {
                run.to_string()
            }
        });
        let text = self
            .digits
            .replace_all(&text, |c: &regex::Captures<'_>| stars(&c[0]));
        let kept = self.kept.read().map(|k| k.clone()).unwrap_or_default();
        self.han
            .replace_all(&text, |c: &regex::Captures<'_>| {
                let run = &c[0];
                if made_of(run, &kept) {
                    return run.to_string();
                }
                let mut chars = run.chars();
                let first = chars.next().map(String::from).unwrap_or_default();
                first + &"*".repeat(chars.count())
            })
            .into_owned()
    }

    /// Masks bytes that should be UTF-8 text (a formatted log line); anything else is replaced
    /// lossily first, so nothing unmasked slips through as "not text".
    pub fn mask_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        self.mask(&String::from_utf8_lossy(bytes)).into_bytes()
    }
}

impl Default for Masker {
    fn default() -> Self {
        Masker::new()
    }
}

fn stars(s: &str) -> String {
    "*".repeat(s.chars().count())
}

/// Whether `run` splits entirely into `words`.
fn made_of(run: &str, words: &[String]) -> bool {
    let chars: Vec<char> = run.chars().collect();
    let n = chars.len();
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    for i in 0..n {
        if !reach[i] {
            continue;
        }
        for w in words {
            let wc: Vec<char> = w.chars().collect();
            if !wc.is_empty() && chars[i..].starts_with(&wc) {
                reach[i + wc.len()] = true;
            }
        }
    }
    reach[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masker() -> Masker {
        let m = Masker::new();
        m.keep_words(["五马街道", "禅街社区"]);
        m
    }

    #[test]
    fn id_numbers_and_long_digit_runs() {
        let m = masker();
        assert_eq!(
            m.mask("id 11010519491231002X read"),
            "id ****************** read"
        );
        assert_eq!(m.mask("id=110105194912310021;"), "id=******************;");
        assert_eq!(m.mask("old 110105491231002"), "old ***************");
        assert_eq!(m.mask("phone 13812345678"), "phone ***********");
        assert_eq!(
            m.mask("voucher 4240101234567890123451330000"),
            "voucher ****************************"
        );
        // Short numbers, times and dates stay.
        let plain = "2026-12-01T02:03:04.123456Z took 1234567890 µs, 12 readings, exit 78";
        assert_eq!(m.mask(plain), plain);
        // The already-masked forms stay as they are.
        assert_eq!(
            m.mask("**************1234 张*华"),
            "**************1234 张*华"
        );
    }

    #[test]
    fn health_code_tokens() {
        let m = masker();
        let card = "E1D1A0B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6DBB18";
        assert_eq!(
            m.mask(&format!("qr {card}:1")),
            format!("qr {}:1", stars(card))
        );
        assert_eq!(
            m.mask("token AbCdEf0123456789GhIj"),
            "token ********************"
        );
        // Paths, module paths, snake_case and key=value stay readable.
        for plain in [
            "/tmp/.tmpAbC123/data/station.sqlite3",
            "station_kiosk::flows::identify",
            "backup_dir=/var/backups/health-station/station-20261201T101010-1.sqlite3",
            "ReadingSavedEventWithoutDigits",
        ] {
            assert_eq!(m.mask(plain), plain);
        }
    }

    #[test]
    fn chinese_names_and_the_station_words() {
        let m = masker();
        assert_eq!(m.mask("name=张三 ok"), "name=张* ok");
        assert_eq!(m.mask("\"name\":\"欧阳小华\""), "\"name\":\"欧***\"");
        assert_eq!(m.mask("买买提·艾力"), "买*****");
        assert_eq!(m.mask("居民王小明来了"), "居******");
        // The station's own words stay, alone or together.
        assert_eq!(
            m.mask("五马街道禅街社区智慧健康站 starting"),
            "五马街道禅街社区智慧健康站 starting"
        );
        // A name next to a kept word is not kept.
        assert_eq!(m.mask("禅街社区张三"), "禅*****");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_still_masked() {
        let m = masker();
        let mut bytes = b"\xff id 11010519491231002X".to_vec();
        bytes.push(b'\n');
        let out = String::from_utf8(m.mask_bytes(&bytes)).expect("utf8");
        assert!(!out.contains("11010519491231002X"), "{out}");
    }
}
