//! Results read out loud, composed from recorded words.
//!
//! The station has no text-to-speech of acceptable quality for Mandarin, so a number is said as a
//! sequence of word prompts (0..=20, the tens, 百/"hundred", 点/"point"), each one recording per
//! locale. This module only decides which words, in which order; `station-voice` plays them back
//! to back.
//!
//! Numbers are read as the screen shows them ("128", "36.5"), value by value:
//! label, number, unit ("高压 一百二十八 … 毫米汞柱"). zh-CN says a percentage as 百分之九十七,
//! unit first; en-US as "ninety-seven percent".

use serde::{Deserialize, Serialize};
use strum::{EnumCount, IntoStaticStr, VariantArray};

use crate::{all_variants, Locale, PromptId, ReadingSummary, Screen, ValueView};

/// What a result value is, as said before its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[derive(EnumCount, VariantArray, IntoStaticStr)]
// The string strum writes is the prompt id ("label-systolic"); `message_id` maps to the screen's
// label messages, which are named by their own families ("bp-systolic", "value-pulse").
#[strum(serialize_all = "kebab-case", prefix = "label-")]
pub enum ValueLabel {
    Systolic,
    Diastolic,
    Pulse,
    Height,
    Weight,
    Bmi,
    Temperature,
    Glucose,
    Spo2,
}

impl ValueLabel {
    pub const ALL: [ValueLabel; ValueLabel::COUNT] = all_variants();

    /// The label message of [`ValueView::label`] this word says.
    pub fn message_id(self) -> &'static str {
        match self {
            ValueLabel::Systolic => "bp-systolic",
            ValueLabel::Diastolic => "bp-diastolic",
            ValueLabel::Pulse => "value-pulse",
            ValueLabel::Height => "value-height",
            ValueLabel::Weight => "value-weight",
            ValueLabel::Bmi => "value-bmi",
            ValueLabel::Temperature => "value-temperature",
            ValueLabel::Glucose => "value-glucose",
            ValueLabel::Spo2 => "value-spo2",
        }
    }

    pub fn from_message_id(id: &str) -> Option<ValueLabel> {
        ValueLabel::ALL.into_iter().find(|l| l.message_id() == id)
    }

    /// "label-systolic".
    pub(crate) fn prompt_id(self) -> &'static str {
        self.into()
    }
}

/// A result value's unit, as said with its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[derive(EnumCount, VariantArray, IntoStaticStr)]
#[strum(serialize_all = "kebab-case", prefix = "unit-")]
pub enum ValueUnit {
    #[strum(serialize = "mmhg")]
    MmHg,
    PerMinute,
    Cm,
    Kg,
    Celsius,
    MmolPerL,
    Percent,
}

impl ValueUnit {
    pub const ALL: [ValueUnit; ValueUnit::COUNT] = all_variants();

    /// The unit message of [`ValueView::unit`] this word says (also its prompt id):
    /// "unit-per-minute".
    pub fn message_id(self) -> &'static str {
        self.into()
    }

    pub fn from_message_id(id: &str) -> Option<ValueUnit> {
        ValueUnit::ALL.into_iter().find(|u| u.message_id() == id)
    }

    pub(crate) fn prompt_id(self) -> &'static str {
        self.message_id()
    }

    /// zh-CN says a percentage unit first (百分之九十七).
    fn said_before_number(self, locale: Locale) -> bool {
        self == ValueUnit::Percent && locale == Locale::ZhCn
    }
}

/// Units shown on screen but not said: BMI is spoken as a bare number, as people say it
/// ("kilograms per square metre" only gets in the way).
const UNSPOKEN_UNITS: [&str; 1] = ["unit-bmi"];

/// The words of a number as the screen shows it: 0 to 999 with at most two decimals ("128",
/// "36.5", "0.08"). `None` for anything else (negative, larger, more decimals, not a number).
///
/// Trailing zeros of the decimals are not said ("165.0" → 一百六十五, as one says a height).
/// zh-CN: 十二 (not 一十二), 一百一十, 一百零五, and 二百 rather than 两百: the way figures are read
/// out, and one clip per digit for every hundred. en-US: "one hundred twenty-eight" (no "and").
pub fn speak_number(locale: Locale, formatted: &str) -> Option<Vec<PromptId>> {
    let (integer, decimals) = parse(formatted)?;
    let mut words = integer_words(locale, integer);
    if !decimals.is_empty() {
        words.push(PromptId::Point);
        words.extend(decimals.iter().map(|&d| PromptId::Numeral(d)));
    }
    Some(words)
}

/// Splits "36.50" into (36, [5]): integer part 0..=999, decimal digits without trailing zeros.
fn parse(formatted: &str) -> Option<(u16, Vec<u8>)> {
    let (int_text, frac_text) = match formatted.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (formatted, None),
    };
    let digits = |s: &str| -> Option<Vec<u8>> {
        s.bytes()
            .map(|b| b.checked_sub(b'0').filter(|d| *d <= 9))
            .collect()
    };
    let int_digits = digits(int_text)?;
    if int_digits.is_empty() || int_digits.len() > 3 {
        return None;
    }
    let integer = int_digits
        .iter()
        .fold(0u16, |acc, &d| acc * 10 + u16::from(d));
    let mut decimals = match frac_text {
        Some(f) => digits(f)?,
        None => Vec::new(),
    };
    if frac_text.is_some() && !(1..=2).contains(&decimals.len()) {
        return None;
    }
    while decimals.last() == Some(&0) {
        decimals.pop();
    }
    Some((integer, decimals))
}

/// A count said as words (a place in line, minutes, medicines); above 999 it is said as 999
/// (the words stop there, and "about" is already in the sentence).
fn count_words(locale: Locale, n: u32) -> Vec<PromptId> {
    integer_words(locale, u16::try_from(n.min(999)).unwrap_or(999))
}

fn integer_words(locale: Locale, n: u16) -> Vec<PromptId> {
    // n <= 999, so both parts fit a u8.
    let hundreds = u8::try_from(n / 100).unwrap_or(u8::MAX);
    let rest = u8::try_from(n % 100).unwrap_or(u8::MAX);
    let mut words = Vec::new();
    if hundreds > 0 {
        words.push(PromptId::Numeral(hundreds));
        words.push(PromptId::Hundred);
        if rest == 0 {
            return words;
        }
        if locale == Locale::ZhCn {
            if rest < 10 {
                // 一百零五: the empty tens are said as 零.
                words.push(PromptId::Numeral(0));
            } else if rest < 20 {
                // 一百一十五: after 百 the tens digit 一 is said (十五 alone only at the start).
                words.push(PromptId::Numeral(1));
            }
        }
    } else if rest == 0 {
        return vec![PromptId::Numeral(0)];
    }
    if rest <= 20 {
        words.push(PromptId::Numeral(rest));
    } else {
        words.push(PromptId::Numeral(rest / 10 * 10));
        if rest % 10 != 0 {
            words.push(PromptId::Numeral(rest % 10));
        }
    }
    words
}

/// One value, ready to say: the words that name it, its number, its unit.
struct SpokenValue {
    label: ValueLabel,
    number: Vec<PromptId>,
    unit: Option<ValueUnit>,
}

fn spoken_value(locale: Locale, value: &ValueView) -> Option<SpokenValue> {
    let label = ValueLabel::from_message_id(&value.label)?;
    let unit = match ValueUnit::from_message_id(&value.unit) {
        Some(unit) => Some(unit),
        None if UNSPOKEN_UNITS.contains(&value.unit.as_str()) => None,
        // A unit without a word: better unsaid than said without its unit.
        None => return None,
    };
    let number = speak_number(locale, &value.value)?;
    Some(SpokenValue {
        label,
        number,
        unit,
    })
}

/// The result read out: the intro, then each value (label, number, unit in the locale's order),
/// then the urgent prompt when the result needs a doctor soon. A value the words cannot say is
/// left out (the screen shows it); with none left the screen's single prompt is said instead.
pub fn speak_result(locale: Locale, result: &ReadingSummary) -> Vec<PromptId> {
    let values: Vec<SpokenValue> = result
        .values
        .iter()
        .filter_map(|v| spoken_value(locale, v))
        .collect();
    if values.is_empty() {
        return vec![if result.urgent {
            PromptId::Urgent
        } else {
            PromptId::Result
        }];
    }
    let mut words = vec![PromptId::ResultIntro];
    for (i, value) in values.iter().enumerate() {
        words.push(PromptId::Label(value.label));
        let unit = value.unit;
        let before = unit.filter(|u| u.said_before_number(locale));
        words.extend(before.map(PromptId::Unit));
        words.extend(value.number.iter().copied());
        // "高压一百二十八，低压八十二毫米汞柱": a unit shared with the next value is said once.
        let shared = values.get(i + 1).is_some_and(|next| next.unit == unit);
        if before.is_none() && !shared {
            words.extend(unit.map(PromptId::Unit));
        }
    }
    if result.urgent {
        words.push(PromptId::Urgent);
    }
    words
}

impl Screen {
    /// What is said when this screen appears, in `locale`: the result screen reads its values
    /// out ([`speak_result`]); every other screen says its one [`Screen::prompt`].
    pub fn speech(&self, locale: Locale) -> Vec<PromptId> {
        match self {
            Screen::MeasureResult { result } => {
                let mut words = speak_result(locale, &result.summary);
                if result.offer_doctor {
                    for word in &mut words {
                        if *word == PromptId::Urgent {
                            *word = PromptId::UrgentClinic;
                        }
                    }
                }
                words
            }
            Screen::ClinicWaiting { wait } => {
                let mut words = vec![PromptId::ClinicWaiting];
                if let Some(position) = wait.position {
                    words.push(PromptId::ClinicPlaceBefore);
                    words.extend(count_words(locale, position));
                    words.push(PromptId::ClinicPlaceAfter);
                }
                if let Some(minutes) = wait.wait_minutes.filter(|m| *m > 0) {
                    words.push(PromptId::ClinicWaitBefore);
                    words.extend(count_words(locale, minutes));
                    words.push(PromptId::ClinicMinutes);
                }
                words
            }
            Screen::Prescription { prescription } => {
                let count = u32::try_from(prescription.items.len()).unwrap_or(u32::MAX);
                let mut words = vec![PromptId::Prescription];
                words.extend(count_words(locale, count));
                words.push(PromptId::PrescriptionCount);
                words
            }
            _ => vec![self.prompt()],
        }
    }

    /// Words after [`Screen::speech`] that no recording has, read aloud by the voice's
    /// synthesiser: what the doctor prescribed, as written (drug, dose, quantity, usage).
    pub fn read_aloud(&self) -> Option<String> {
        match self {
            Screen::Prescription { prescription } if !prescription.items.is_empty() => Some(
                prescription
                    .items
                    .iter()
                    .map(|i| {
                        [&i.drug, &i.dose, &i.quantity, &i.usage]
                            .into_iter()
                            .filter(|part| !part.trim().is_empty())
                            .map(|part| part.trim())
                            .collect::<Vec<_>>()
                            // Pauses between the parts and after each drug (punctuation the
                            // synthesiser turns into pauses; never shown).
                            .join("，") // i18n-exempt: a pause
                            + "。" // i18n-exempt: a pause
                    })
                    .collect(),
            ),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
