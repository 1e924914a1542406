use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::{MeasureKind, ReadingSource, ResultView, Severity, TrendView};
use PromptId::{Hundred, Numeral as N, Point};

const ZH: Locale = Locale::ZhCn;
const EN: Locale = Locale::EnUs;

/// The words of each prompt, as recorded: the `prompt-<id>` lines of the locale's prompts.ftl.
fn recorded_texts(locale: Locale) -> HashMap<String, String> {
    let src = match locale {
        Locale::ZhCn => include_str!("../../../../locales/zh-CN/prompts.ftl"),
        Locale::EnUs => include_str!("../../../../locales/en-US/prompts.ftl"),
    };
    src.lines()
        .filter_map(|line| line.strip_prefix("prompt-")?.split_once(" = "))
        .map(|(id, text)| (id.trim().to_string(), text.trim().to_string()))
        .collect()
}

/// What a resident hears for these prompts, from the prompt texts (zh-CN run together, en-US
/// with spaces).
fn heard(locale: Locale, words: &[PromptId], texts: &HashMap<String, String>) -> String {
    let parts: Vec<&str> = words
        .iter()
        .map(|p| {
            texts
                .get(p.as_str())
                .unwrap_or_else(|| panic!("{}: no prompt-{} text", locale.tag(), p.as_str()))
                .as_str()
        })
        .collect();
    match locale {
        Locale::ZhCn => parts.concat(),
        Locale::EnUs => parts.join(" "),
    }
}

fn number_heard(locale: Locale, formatted: &str) -> String {
    let words = speak_number(locale, formatted).unwrap_or_else(|| panic!("{formatted}: None"));
    heard(locale, &words, &recorded_texts(locale))
}

/// A reference reader of Chinese numerals, independent of the composer: "一百零五点五" → "105.5".
fn read_zh(text: &str) -> Result<String, String> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c);
    let (int_text, frac_text) = match text.split_once('点') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let (mut total, mut pending) = (0usize, 0usize);
    // The last unit said, and whether a 零 came after it.
    let (mut unit, mut zero) = (0usize, false);
    for c in int_text.chars() {
        match c {
            '十' => {
                // 十二: a 十 with no digit before it is one ten.
                total += if pending == 0 { 10 } else { pending * 10 };
                (pending, unit, zero) = (0, 10, false);
            }
            '百' if pending > 0 => {
                total += pending * 100;
                (pending, unit, zero) = (0, 100, false);
            }
            '零' => (pending, zero) = (0, true),
            _ => pending = digit(c).ok_or_else(|| format!("{text}: unexpected {c}"))?,
        }
    }
    // 一百五 is 150: a digit right after 百 (no 零 between) counts tens.
    if unit == 100 && !zero {
        pending *= 10;
    }
    let mut out = (total + pending).to_string();
    if let Some(frac) = frac_text {
        out.push('.');
        for c in frac.chars() {
            let d = digit(c).ok_or_else(|| format!("{text}: unexpected {c} after 点"))?;
            out.push_str(&d.to_string());
        }
    }
    Ok(out)
}

/// A reference reader of English numbers: "one hundred five point five" → "105.5".
fn read_en(text: &str) -> Result<String, String> {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let (int_text, frac_text) = match text.split_once(" point ") {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let mut value = 0usize;
    for word in int_text.split_whitespace() {
        if let Some(n) = ONES.iter().position(|w| *w == word) {
            value += n;
        } else if let Some(t) = TENS.iter().position(|w| *w == word) {
            value += (t + 2) * 10;
        } else if word == "hundred" && (1..=9).contains(&value) {
            value *= 100;
        } else {
            return Err(format!("{text}: unexpected {word}"));
        }
    }
    let mut out = value.to_string();
    if let Some(frac) = frac_text {
        out.push('.');
        for word in frac.split_whitespace() {
            let d = ONES[..10]
                .iter()
                .position(|w| *w == word)
                .ok_or_else(|| format!("{text}: unexpected {word} after point"))?;
            out.push_str(&d.to_string());
        }
    }
    Ok(out)
}

/// "36.50" → "36.5", "165.0" → "165": the number a listener should understand.
fn canonical(formatted: &str) -> String {
    let (int, frac) = formatted.split_once('.').unwrap_or((formatted, ""));
    let int = match int.trim_start_matches('0') {
        "" => "0",
        digits => digits,
    };
    match frac.trim_end_matches('0') {
        "" => int.to_string(),
        frac => format!("{int}.{frac}"),
    }
}

/// Checks one composed number: it reads back as the same value, and its wording follows the
/// locale's grammar.
fn check_number(
    formatted: &str,
    zh_texts: &HashMap<String, String>,
    en_texts: &HashMap<String, String>,
) {
    let want = canonical(formatted);
    let zh_words = speak_number(ZH, formatted).unwrap_or_else(|| panic!("zh {formatted}: None"));
    let zh = heard(ZH, &zh_words, zh_texts);
    assert_eq!(
        read_zh(&zh).as_deref(),
        Ok(want.as_str()),
        "zh {formatted}: {zh}"
    );
    assert!(!zh.contains("零零"), "zh {formatted}: {zh}");
    assert!(zh == "零" || !zh.ends_with('零'), "zh {formatted}: {zh}");
    assert!(!zh.starts_with("一十"), "zh {formatted}: {zh}");
    assert!(!zh.contains("百十"), "zh {formatted}: {zh} (一百一十)");
    assert!(
        !zh.starts_with('零') || want.starts_with("0"),
        "zh {formatted}: {zh}"
    );

    let en_words = speak_number(EN, formatted).unwrap_or_else(|| panic!("en {formatted}: None"));
    let en = heard(EN, &en_words, en_texts);
    assert_eq!(
        read_en(&en).as_deref(),
        Ok(want.as_str()),
        "en {formatted}: {en}"
    );
    let en_int = en.split(" point ").next().unwrap_or_default();
    assert!(
        en_int == "zero" || !en_int.contains("zero"),
        "en {formatted}: {en}"
    );
}

#[test]
fn chinese_numbers_follow_the_grammar() {
    for (formatted, said) in [
        ("0", "零"),
        ("7", "七"),
        ("10", "十"),
        ("12", "十二"),
        ("20", "二十"),
        ("97", "九十七"),
        ("100", "一百"),
        ("105", "一百零五"),
        ("110", "一百一十"),
        ("115", "一百一十五"),
        ("128", "一百二十八"),
        ("200", "二百"),
        ("999", "九百九十九"),
        ("36.5", "三十六点五"),
        ("0.8", "零点八"),
        ("0.05", "零点零五"),
        ("5.60", "五点六"),
        ("165.0", "一百六十五"),
        ("102.03", "一百零二点零三"),
    ] {
        assert_eq!(number_heard(ZH, formatted), said, "{formatted}");
    }
    assert_eq!(
        speak_number(ZH, "128"),
        Some(vec![N(1), Hundred, N(20), N(8)])
    );
    assert_eq!(
        speak_number(ZH, "110"),
        Some(vec![N(1), Hundred, N(1), N(10)])
    );
    assert_eq!(
        speak_number(ZH, "105"),
        Some(vec![N(1), Hundred, N(0), N(5)])
    );
}

#[test]
fn english_numbers_follow_the_grammar() {
    for (formatted, said) in [
        ("0", "zero"),
        ("12", "twelve"),
        ("20", "twenty"),
        ("97", "ninety seven"),
        ("105", "one hundred five"),
        ("110", "one hundred ten"),
        ("128", "one hundred twenty eight"),
        ("200", "two hundred"),
        ("36.5", "thirty six point five"),
        ("0.8", "zero point eight"),
        ("0.05", "zero point zero five"),
        ("165.0", "one hundred sixty five"),
    ] {
        assert_eq!(number_heard(EN, formatted), said, "{formatted}");
    }
    assert_eq!(
        speak_number(EN, "36.5"),
        Some(vec![N(30), N(6), Point, N(5)])
    );
}

#[test]
fn anything_but_zero_to_999_with_two_decimals_is_not_said() {
    for text in [
        "", "-1", "-0.5", "1000", "1000.0", "1234", "1.234", "999.999", "NaN", "inf", "1e2", "12.",
        ".5", " 12", "12 ", "1,5", "+5", "1.2.3", "一二", "١٢", "0x1f",
    ] {
        for locale in Locale::ALL {
            assert_eq!(speak_number(locale, text), None, "{text:?}");
        }
    }
}

/// Every number the composer accepts, 0 to 999.99, in both locales, read back by a reference
/// reader from the recorded words' own texts.
#[test]
fn every_number_reads_back_as_itself() {
    let (zh, en) = (recorded_texts(ZH), recorded_texts(EN));
    for integer in 0..=999 {
        check_number(&integer.to_string(), &zh, &en);
        for tenth in 0..=9 {
            check_number(&format!("{integer}.{tenth}"), &zh, &en);
            for hundredth in 0..=9 {
                check_number(&format!("{integer}.{tenth}{hundredth}"), &zh, &en);
            }
        }
    }
}

#[test]
fn composed_numbers_use_only_recorded_numerals() {
    for formatted in ["0", "19", "21", "99", "101", "111", "999.99"] {
        for locale in Locale::ALL {
            for word in speak_number(locale, formatted).expect("composes") {
                assert!(PromptId::all().contains(&word), "{formatted}: {word:?}");
            }
        }
    }
}

proptest! {
    #[test]
    fn any_text_is_handled_without_panicking(text in "\\PC{0,12}") {
        for locale in Locale::ALL {
            if let Some(words) = speak_number(locale, &text) {
                prop_assert!(!words.is_empty());
                prop_assert!(words.iter().all(|w| w.is_word()));
            }
        }
    }

    #[test]
    fn formatted_readings_compose(value in 0.0f64..999.0, decimals in 0usize..=2) {
        let formatted = format!("{value:.decimals$}");
        let (zh, en) = (recorded_texts(ZH), recorded_texts(EN));
        check_number(&formatted, &zh, &en);
    }

    #[test]
    fn out_of_range_readings_are_not_said(value in 999.995f64..1.0e12, negative in -1.0e6f64..-0.005) {
        for locale in Locale::ALL {
            prop_assert_eq!(speak_number(locale, &format!("{value:.1}")), None);
            prop_assert_eq!(speak_number(locale, &format!("{negative:.1}")), None);
        }
    }
}

fn result(values: &[(&str, &str, &str)], urgent: bool) -> Box<ResultView> {
    Box::new(ResultView {
        reading_id: 1,
        summary: summary(values, urgent),
        trend: TrendView {
            unit: "unit-mmhg".into(),
            low: 0.0,
            high: 200.0,
            bands: Vec::new(),
            series: Vec::new(),
        },
        offer_doctor: false,
    })
}

fn summary(values: &[(&str, &str, &str)], urgent: bool) -> ReadingSummary {
    ReadingSummary {
        kind: MeasureKind::BloodPressure,
        values: values
            .iter()
            .map(|&(label, value, unit)| ValueView {
                label: label.into(),
                value: value.into(),
                unit: unit.into(),
            })
            .collect(),
        category: "bp-category-normal".into(),
        advice: "bp-advice-normal".into(),
        severity: Severity::Ok,
        notes: Vec::new(),
        urgent,
        taken_at: "2025-01-01 09:00".into(),
        guideline: "guideline-bp".into(),
        source: ReadingSource::Demo,
    }
}

const BP: [(&str, &str, &str); 3] = [
    ("bp-systolic", "128", "unit-mmhg"),
    ("bp-diastolic", "82", "unit-mmhg"),
    ("value-pulse", "72", "unit-per-minute"),
];

#[test]
fn a_blood_pressure_result_is_read_out_value_by_value() {
    use ValueLabel::*;
    let screen = Screen::MeasureResult {
        result: result(&BP, false),
    };
    assert_eq!(
        screen.speech(ZH),
        vec![
            PromptId::ResultIntro,
            PromptId::Label(Systolic),
            N(1),
            Hundred,
            N(20),
            N(8),
            // The shared unit is said once, after the second value.
            PromptId::Label(Diastolic),
            N(80),
            N(2),
            PromptId::Unit(ValueUnit::MmHg),
            PromptId::Label(Pulse),
            N(70),
            N(2),
            PromptId::Unit(ValueUnit::PerMinute),
        ]
    );
    assert_eq!(
        heard(EN, &screen.speech(EN)[1..], &recorded_texts(EN)),
        "systolic one hundred twenty eight diastolic eighty two millimeters of mercury \
         pulse seventy two per minute"
    );
}

#[test]
fn zh_says_percent_first_and_en_after() {
    let screen = Screen::MeasureResult {
        result: result(
            &[
                ("value-spo2", "97", "unit-percent"),
                ("value-pulse", "72", "unit-per-minute"),
            ],
            false,
        ),
    };
    assert_eq!(
        heard(ZH, &screen.speech(ZH)[1..], &recorded_texts(ZH)),
        "血氧饱和度百分之九十七脉搏七十二次每分钟"
    );
    assert_eq!(
        heard(EN, &screen.speech(EN)[1..], &recorded_texts(EN)),
        "blood oxygen ninety seven percent pulse seventy two per minute"
    );
}

#[test]
fn an_urgent_result_ends_with_the_urgent_prompt() {
    let screen = Screen::MeasureResult {
        result: result(&BP, true),
    };
    for locale in Locale::ALL {
        let speech = screen.speech(locale);
        assert_eq!(speech.first(), Some(&PromptId::ResultIntro));
        assert_eq!(speech.last(), Some(&PromptId::Urgent));
        assert_eq!(speech.iter().filter(|p| **p == PromptId::Urgent).count(), 1);
    }
}

#[test]
fn bmi_is_said_without_its_unit_and_body_values_keep_theirs() {
    let screen = Screen::MeasureResult {
        result: result(
            &[
                ("value-height", "165.0", "unit-cm"),
                ("value-weight", "60.5", "unit-kg"),
                ("value-bmi", "22.2", "unit-bmi"),
            ],
            false,
        ),
    };
    assert_eq!(
        heard(ZH, &screen.speech(ZH)[1..], &recorded_texts(ZH)),
        "身高一百六十五厘米体重六十点五公斤体重指数二十二点二"
    );
}

#[test]
fn values_the_words_cannot_say_are_left_out() {
    let odd = result(
        &[
            ("value-new-thing", "5", "unit-mmhg"),
            ("value-temperature", "36.6", "unit-new"),
            ("value-glucose", "5.6", "unit-mmol-per-l"),
            ("value-pulse", "1234", "unit-per-minute"),
        ],
        false,
    );
    assert_eq!(
        speak_result(ZH, &odd.summary),
        vec![
            PromptId::ResultIntro,
            PromptId::Label(ValueLabel::Glucose),
            N(5),
            Point,
            N(6),
            PromptId::Unit(ValueUnit::MmolPerL),
        ]
    );
    // Nothing sayable: the screen's own prompt, as before numbers were read out.
    let none = result(&[("value-pulse", "n/a", "unit-per-minute")], false);
    assert_eq!(speak_result(EN, &none.summary), vec![PromptId::Result]);
    let none_urgent = result(&[], true);
    assert_eq!(
        speak_result(EN, &none_urgent.summary),
        vec![PromptId::Urgent]
    );
}

#[test]
fn other_screens_say_their_one_prompt() {
    for locale in Locale::ALL {
        assert_eq!(Screen::Home.speech(locale), vec![PromptId::Home]);
        assert_eq!(
            Screen::Questionnaire {
                number: 3,
                total: 33,
                chosen: None,
                anchors: false
            }
            .speech(locale),
            vec![PromptId::TcmQuestion(3)]
        );
    }
}

/// Every label and unit `station_core::reading` puts on the result screen has words.
#[test]
fn every_result_label_and_unit_can_be_said() {
    // `Reading::values` has a file of its own.
    let src = include_str!("../../../core/src/reading/values.rs");
    assert!(src.contains("pub fn values"), "Reading::values moved");
    let ids: Vec<&str> = src
        .split('"')
        .filter(|s| s.starts_with("bp-") || s.starts_with("value-") || s.starts_with("unit-"))
        .collect();
    assert!(ids.len() >= 15, "found {ids:?}");
    for id in ids {
        assert!(
            ValueLabel::from_message_id(id).is_some()
                || ValueUnit::from_message_id(id).is_some()
                || UNSPOKEN_UNITS.contains(&id),
            "{id} has no words"
        );
    }
}

#[test]
fn the_waiting_room_says_the_place_and_the_wait_and_urgent_advice_names_the_clinic_when_there_is_one(
) {
    use crate::{ClinicWaitView, PrescriptionLine, PrescriptionView};
    let waiting = |position, wait_minutes| Screen::ClinicWaiting {
        wait: ClinicWaitView {
            position,
            wait_minutes,
            back_in_line: false,
            reconnecting: false,
        },
    };
    assert_eq!(
        waiting(None, None).speech(Locale::ZhCn),
        vec![PromptId::ClinicWaiting]
    );
    assert_eq!(
        waiting(Some(3), Some(12)).speech(Locale::ZhCn),
        vec![
            PromptId::ClinicWaiting,
            PromptId::ClinicPlaceBefore,
            PromptId::Numeral(3),
            PromptId::ClinicPlaceAfter,
            PromptId::ClinicWaitBefore,
            PromptId::Numeral(12),
            PromptId::ClinicMinutes,
        ]
    );
    // No wait to speak of is not said as "zero minutes".
    assert_eq!(
        waiting(Some(1), Some(0)).speech(Locale::EnUs),
        vec![
            PromptId::ClinicWaiting,
            PromptId::ClinicPlaceBefore,
            PromptId::Numeral(1),
            PromptId::ClinicPlaceAfter,
        ]
    );
    let line = PrescriptionLine {
        drug: "x".into(),
        dose: "x".into(),
        quantity: "x".into(),
        usage: "x".into(),
    };
    let prescribed = Screen::Prescription {
        prescription: PrescriptionView {
            doctor: "x".into(),
            items: vec![line.clone(), line],
            pickup_code: None,
        },
    };
    assert_eq!(
        prescribed.speech(Locale::ZhCn),
        vec![
            PromptId::Prescription,
            PromptId::Numeral(2),
            PromptId::PrescriptionCount
        ]
    );
    let mut urgent = result(&[("label-systolic", "185", "unit-mmhg")], true);
    let said = Screen::MeasureResult {
        result: urgent.clone(),
    }
    .speech(Locale::ZhCn);
    assert_eq!(said.last(), Some(&PromptId::Urgent));
    urgent.offer_doctor = true;
    let screen = Screen::MeasureResult { result: urgent };
    assert_eq!(
        screen.speech(Locale::ZhCn).last(),
        Some(&PromptId::UrgentClinic)
    );
    assert_eq!(screen.prompt(), PromptId::UrgentClinic);
}
