//! Reading aloud text no recording has: what a doctor prescribed (drug, dose, quantity, usage),
//! as the doctor wrote it. espeak-ng — the engine the recorded prompts were made with
//! (`scripts/make-prompts`) — synthesises it on the voice's own thread. Chinese goes in as
//! numbered-tone pinyin (the `pinyin` crate; numbers and dose units first written out in
//! characters), as for the recordings, because espeak-ng reads Chinese characters badly.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use pinyin::ToPinyin;
use station_protocol::Locale;

/// Longer text is cut here: a prescription is a few lines, and synthesis time grows with it.
pub const MAX_CHARS: usize = 400;

/// Why a text could not be read aloud.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot run espeak-ng: {0}")]
    Engine(#[from] std::io::Error),
    #[error("espeak-ng failed: {0}")]
    Failed(String),
}

/// espeak-ng, found on the PATH.
#[derive(Debug, Clone)]
pub struct TextReader {
    program: PathBuf,
}

/// Voice, words per minute and pitch: the recorded prompts' own (scripts/make-prompts).
const CHINESE: (&str, &str, &str) = ("cmn-latn-pinyin", "130", "45");
const ENGLISH: (&str, &str, &str) = ("en-us", "140", "45");

impl TextReader {
    /// espeak-ng if it is installed (the .deb depends on it).
    pub fn find() -> Option<TextReader> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join("espeak-ng"))
            .find(|p| p.is_file())
            .map(|program| TextReader { program })
    }

    /// `text` spoken, as a WAV file's bytes. Chinese text is read with the Chinese voice
    /// whatever the resident's language (a prescription is written in Chinese).
    pub fn synthesize(&self, locale: Locale, text: &str) -> Result<Vec<u8>, ReadError> {
        let chinese = locale == Locale::ZhCn || text.chars().any(is_hanzi);
        let (voice, wpm, pitch) = if chinese { CHINESE } else { ENGLISH };
        let spoken = if chinese {
            pinyin_form(text)
        } else {
            plain_form(text)
        };
        // The text goes in on stdin: never as an argument espeak-ng could read as an option.
        let mut child = Command::new(&self.program)
            .args(["-v", voice, "-s", wpm, "-p", pitch, "--stdout"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(spoken.as_bytes())?;
        }
        let out = child.wait_with_output()?;
        if !out.status.success() || !out.stdout.starts_with(b"RIFF") {
            return Err(ReadError::Failed(
                String::from_utf8_lossy(&out.stderr).trim().to_string(),
            ));
        }
        Ok(out.stdout)
    }
}

fn is_hanzi(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Text for an English voice: printable characters only, bounded.
fn plain_form(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_CHARS)
        .collect()
}

/// Dose units as they are read (longest first, so "mg" is not read as "m" + "g"): input to the
/// synthesiser, never shown.
const UNITS: [(&str, &str); 8] = [
    ("mcg", "微克"),    // i18n-exempt: speech data
    ("μg", "微克"),     // i18n-exempt: speech data
    ("mg", "毫克"),     // i18n-exempt: speech data
    ("ml", "毫升"),     // i18n-exempt: speech data
    ("mL", "毫升"),     // i18n-exempt: speech data
    ("kg", "千克"),     // i18n-exempt: speech data
    ("g", "克"),        // i18n-exempt: speech data
    ("IU", "国际单位"), // i18n-exempt: speech data
];

/// Chinese text as numbered-tone pinyin syllables espeak-ng's pinyin voice reads: characters
/// by their usual reading, numbers and dose units in words, Chinese punctuation as pauses,
/// anything else dropped. ASCII only, bounded.
pub fn pinyin_form(text: &str) -> String {
    let text: String = text.chars().take(MAX_CHARS).collect();
    let worded = in_words(&text);
    let mut out = String::new();
    for (c, reading) in worded.chars().zip(worded.as_str().to_pinyin()) {
        match reading {
            Some(p) => {
                // ü as v (as pypinyin writes it for the recordings); the rare readings with
                // other marks (ê, ḿ) lose them.
                let syllable: String = p
                    .with_tone_num_end()
                    .chars()
                    .map(|c| if c == 'ü' { 'v' } else { c })
                    .filter(char::is_ascii)
                    .collect();
                if syllable.is_empty() {
                    continue;
                }
                out.push_str(&syllable);
                // The neutral tone has no number; espeak-ng's pinyin voice wants 5.
                if !syllable.ends_with(|d: char| d.is_ascii_digit()) {
                    out.push('5');
                }
                out.push(' ');
            }
            None => match c {
                '。' | '！' | '？' | '.' | '!' | '?' | '；' | ';' => out.push_str(". "),
                '，' | '、' | '：' | ',' | ':' | '（' | '）' | '(' | ')' | ' ' | '/' => {
                    out.push_str(", ")
                }
                _ => {}
            },
        }
    }
    out.trim().to_string()
}

/// Numbers and dose units written out in characters ("100mg" → "一百毫克", "0.5" → "零点五").
fn in_words(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            let end = rest
                .find(|d: char| !(d.is_ascii_digit() || d == '.'))
                .unwrap_or(rest.len());
            out.push_str(&number_in_words(rest[..end].trim_end_matches('.')));
            rest = &rest[end..];
            continue;
        }
        if let Some((unit, words)) = UNITS.iter().find(|(u, _)| rest.starts_with(u)) {
            out.push_str(words);
            rest = &rest[unit.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

// i18n-exempt: Chinese numerals for the synthesiser (never shown)
const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// "128" → "一百二十八", "2.5" → "二点五"; past 9999, digit by digit.
fn number_in_words(number: &str) -> String {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digit_by_digit = |s: &str| -> String {
        s.chars()
            .filter_map(|d| d.to_digit(10).map(|d| DIGITS[d as usize]))
            .collect()
    };
    let mut out = match whole.trim_start_matches('0').parse::<u32>() {
        Ok(n) if n < 10_000 => integer_in_words(n),
        Ok(_) => digit_by_digit(whole),
        Err(_) => "零".to_string(), // i18n-exempt: speech data
    };
    if !fraction.is_empty() {
        out.push('点');
        out.push_str(&digit_by_digit(fraction));
    }
    out
}

fn integer_in_words(n: u32) -> String {
    if n == 0 {
        return "零".into(); // i18n-exempt: speech data
    }
    let places = [(1000, '千'), (100, '百'), (10, '十')];
    let mut out = String::new();
    let mut rest = n;
    let mut gap = false;
    for (size, name) in places {
        let d = rest / size;
        rest %= size;
        if d > 0 {
            if gap {
                out.push('零');
            }
            // "十二", not "一十二", when the number starts with it.
            if !(size == 10 && d == 1 && out.is_empty()) {
                out.push(DIGITS[d as usize]);
            }
            out.push(name);
            gap = false;
        } else if !out.is_empty() {
            gap = true;
        }
    }
    if rest > 0 {
        if gap {
            out.push('零');
        }
        out.push(DIGITS[rest as usize]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_and_units_are_read_in_words() {
        assert_eq!(in_words("100mg"), "一百毫克");
        assert_eq!(in_words("14片"), "十四片");
        assert_eq!(in_words("每日2次，每次0.5g"), "每日二次，每次零点五克");
        assert_eq!(number_in_words("1005"), "一千零五");
        assert_eq!(number_in_words("120"), "一百二十");
        assert_eq!(number_in_words("12345"), "一二三四五");
    }

    #[test]
    fn a_prescription_line_becomes_numbered_pinyin() {
        assert_eq!(
            pinyin_form("阿司匹林肠溶片，100mg"),
            "a1 si1 pi3 lin2 chang2 rong2 pian4 , yi1 bai3 hao2 ke4"
        );
        assert_eq!(pinyin_form("每日一次。"), "mei3 ri4 yi1 ci4 .");
        assert_eq!(pinyin_form("绿"), "lv4");
    }

    proptest! {
        #[test]
        fn any_text_gives_bounded_ascii(text in ".{0,600}") {
            let spoken = pinyin_form(&text);
            prop_assert!(spoken.is_ascii());
            prop_assert!(spoken.len() <= MAX_CHARS * 8);
            prop_assert!(plain_form(&text).chars().count() <= MAX_CHARS);
        }
    }
}
