//! Voice prompt ids. Each id has one recording per locale under `assets/audio/<locale>/<id>.ogg`
//! and its text as the `prompt-<id>` message in `locales/<locale>/prompts.ftl` (questions: their
//! own message in questionnaire.ftl).
//!
//! Most prompts are whole sentences, one per screen. The word prompts ([`PromptId::is_word`]) are
//! single words that [`crate::speak_number`] and [`crate::Screen::speech`] string together to read
//! a result out.

use serde::{Deserialize, Serialize};

use crate::spoken::{ValueLabel, ValueUnit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PromptId {
    Welcome,
    Closed,
    ReadingCard,
    CardUnreadable,
    CardPulledEarly,
    ReaderUnavailable,
    NotAvailableYet,
    Home,
    BpSit,
    BpCuff,
    BodyStand,
    TemperaturePlace,
    GlucoseTiming,
    GlucoseStrip,
    Spo2Clip,
    Measuring,
    Result,
    Urgent,
    SelfTest,
    Reports,
    DeviceNoResponse,
    SaveFailed,
    StaffModeNotAvailable,
    IdCardUnreadable,
    Printing,
    Printed,
    PrinterUnavailable,
    IdleWarning,
    SwitchResident,
    ScanQr,
    CameraUnavailable,
    QrNotFound,
    QrRejected,
    FaceConsent,
    FaceScan,
    FaceNotConfigured,
    FaceNotCaptured,
    /// The question with this number (1..=33), read out.
    TcmQuestion(u8),
    QuestionnaireDone,
    /// Staff-assisted manual entry (staff badge during a visit).
    ManualEntry,
    Goodbye,
    /// Opens a result read out ("测量完成，您的结果是"); the values follow as word prompts.
    ResultIntro,
    /// A number word: one of [`PromptId::NUMERALS`] (0..=20 and the tens 30..=90). zh-CN 11..=19
    /// and the tens are single words too (十二, 三十), so both locales compose alike.
    Numeral(u8),
    /// 百 / "hundred".
    Hundred,
    /// The decimal point: 点 / "point".
    Point,
    /// What a value is ("高压"), said before its number.
    Label(ValueLabel),
    /// A value's unit ("毫米汞柱"); zh-CN says 百分之 before the number.
    Unit(ValueUnit),
}

impl PromptId {
    /// Every prompt without a parameter.
    pub const ALL: [PromptId; 43] = [
        PromptId::Welcome,
        PromptId::Closed,
        PromptId::ReadingCard,
        PromptId::CardUnreadable,
        PromptId::CardPulledEarly,
        PromptId::ReaderUnavailable,
        PromptId::NotAvailableYet,
        PromptId::Home,
        PromptId::BpSit,
        PromptId::BpCuff,
        PromptId::BodyStand,
        PromptId::TemperaturePlace,
        PromptId::GlucoseTiming,
        PromptId::GlucoseStrip,
        PromptId::Spo2Clip,
        PromptId::Measuring,
        PromptId::Result,
        PromptId::Urgent,
        PromptId::SelfTest,
        PromptId::Reports,
        PromptId::DeviceNoResponse,
        PromptId::SaveFailed,
        PromptId::StaffModeNotAvailable,
        PromptId::IdCardUnreadable,
        PromptId::Printing,
        PromptId::Printed,
        PromptId::PrinterUnavailable,
        PromptId::IdleWarning,
        PromptId::SwitchResident,
        PromptId::ScanQr,
        PromptId::CameraUnavailable,
        PromptId::QrNotFound,
        PromptId::QrRejected,
        PromptId::FaceConsent,
        PromptId::FaceScan,
        PromptId::FaceNotConfigured,
        PromptId::FaceNotCaptured,
        PromptId::QuestionnaireDone,
        PromptId::ManualEntry,
        PromptId::Goodbye,
        PromptId::ResultIntro,
        PromptId::Hundred,
        PromptId::Point,
    ];

    /// The numbers with a word of their own ([`PromptId::Numeral`]); every other number is
    /// composed from these.
    pub const NUMERALS: [u8; 28] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 30, 40, 50, 60,
        70, 80, 90,
    ];

    /// Every prompt: [`PromptId::ALL`], each questionnaire question, number word, value label
    /// and unit. Each has a recording in every locale.
    pub fn all() -> Vec<PromptId> {
        let questions = (1..=TCM_QUESTION_COUNT).map(PromptId::TcmQuestion);
        let numerals = PromptId::NUMERALS.into_iter().map(PromptId::Numeral);
        let labels = ValueLabel::ALL.into_iter().map(PromptId::Label);
        let units = ValueUnit::ALL.into_iter().map(PromptId::Unit);
        PromptId::ALL
            .into_iter()
            .chain(questions)
            .chain(numerals)
            .chain(labels)
            .chain(units)
            .collect()
    }

    /// A single word, strung together with others into an utterance (its recording is short and
    /// trimmed tight, see `scripts/make-prompts`).
    pub fn is_word(self) -> bool {
        matches!(
            self,
            PromptId::Numeral(_)
                | PromptId::Hundred
                | PromptId::Point
                | PromptId::Label(_)
                | PromptId::Unit(_)
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PromptId::Welcome => "welcome",
            PromptId::Closed => "closed",
            PromptId::ReadingCard => "reading-card",
            PromptId::CardUnreadable => "card-unreadable",
            PromptId::CardPulledEarly => "card-pulled-early",
            PromptId::ReaderUnavailable => "reader-unavailable",
            PromptId::NotAvailableYet => "not-available-yet",
            PromptId::Home => "home",
            PromptId::BpSit => "bp-sit",
            PromptId::BpCuff => "bp-cuff",
            PromptId::BodyStand => "body-stand",
            PromptId::TemperaturePlace => "temperature-place",
            PromptId::GlucoseTiming => "glucose-timing",
            PromptId::GlucoseStrip => "glucose-strip",
            PromptId::Spo2Clip => "spo2-clip",
            PromptId::Measuring => "measuring",
            PromptId::Result => "result",
            PromptId::Urgent => "urgent",
            PromptId::SelfTest => "self-test",
            PromptId::Reports => "reports",
            PromptId::DeviceNoResponse => "device-no-response",
            PromptId::SaveFailed => "save-failed",
            PromptId::StaffModeNotAvailable => "staff-mode-not-available",
            PromptId::IdCardUnreadable => "id-card-unreadable",
            PromptId::Printing => "printing",
            PromptId::Printed => "printed",
            PromptId::PrinterUnavailable => "printer-unavailable",
            PromptId::IdleWarning => "idle-warning",
            PromptId::SwitchResident => "switch-resident",
            PromptId::ScanQr => "scan-qr",
            PromptId::CameraUnavailable => "camera-unavailable",
            PromptId::QrNotFound => "qr-not-found",
            PromptId::QrRejected => "qr-rejected",
            PromptId::FaceConsent => "face-consent",
            PromptId::FaceScan => "face-scan",
            PromptId::FaceNotConfigured => "face-not-configured",
            PromptId::FaceNotCaptured => "face-not-captured",
            PromptId::QuestionnaireDone => "questionnaire-done",
            PromptId::TcmQuestion(n) => usize::from(n)
                .checked_sub(1)
                .and_then(|i| TCM_QUESTION_IDS.get(i))
                .copied()
                .unwrap_or("questionnaire-done"),
            PromptId::ManualEntry => "manual-entry",
            PromptId::Goodbye => "goodbye",
            PromptId::ResultIntro => "result-intro",
            // A number without a word of its own has no recording: it is skipped (and logged)
            // rather than spoken as some other number.
            PromptId::Numeral(n) => PromptId::NUMERALS
                .iter()
                .position(|&m| m == n)
                .and_then(|i| NUMERAL_IDS.get(i))
                .copied()
                .unwrap_or("num-unknown"),
            PromptId::Hundred => "num-hundred",
            PromptId::Point => "num-point",
            PromptId::Label(label) => label.prompt_id(),
            PromptId::Unit(unit) => unit.prompt_id(),
        }
    }

    /// The locale message holding the words of this prompt. A question is read out as printed
    /// on the form (its own message in questionnaire.ftl).
    pub fn message_id(self) -> String {
        match self {
            PromptId::TcmQuestion(_) => self.as_str().to_string(),
            _ => format!("prompt-{}", self.as_str()),
        }
    }
}

/// The ids of [`PromptId::NUMERALS`], in the same order.
const NUMERAL_IDS: [&str; 28] = [
    "num-0", "num-1", "num-2", "num-3", "num-4", "num-5", "num-6", "num-7", "num-8", "num-9",
    "num-10", "num-11", "num-12", "num-13", "num-14", "num-15", "num-16", "num-17", "num-18",
    "num-19", "num-20", "num-30", "num-40", "num-50", "num-60", "num-70", "num-80", "num-90",
];

/// Questions of the older-adult TCM constitution form (`station_questionnaire::QUESTION_COUNT`).
pub const TCM_QUESTION_COUNT: u8 = 33;

const TCM_QUESTION_IDS: [&str; TCM_QUESTION_COUNT as usize] = [
    "tcm-q01", "tcm-q02", "tcm-q03", "tcm-q04", "tcm-q05", "tcm-q06", "tcm-q07", "tcm-q08",
    "tcm-q09", "tcm-q10", "tcm-q11", "tcm-q12", "tcm-q13", "tcm-q14", "tcm-q15", "tcm-q16",
    "tcm-q17", "tcm-q18", "tcm-q19", "tcm-q20", "tcm-q21", "tcm-q22", "tcm-q23", "tcm-q24",
    "tcm-q25", "tcm-q26", "tcm-q27", "tcm-q28", "tcm-q29", "tcm-q30", "tcm-q31", "tcm-q32",
    "tcm-q33",
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_numerals_match_their_number() {
        let all = PromptId::all();
        let ids: BTreeSet<&str> = all.iter().map(|p| p.as_str()).collect();
        assert_eq!(ids.len(), all.len(), "two prompts share an id");
        for id in &ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
        }
        for n in PromptId::NUMERALS {
            assert_eq!(PromptId::Numeral(n).as_str(), format!("num-{n}"));
        }
        assert_eq!(PromptId::Numeral(23).as_str(), "num-unknown");
        assert!(!ids.contains("num-unknown"));
        assert_eq!(all.iter().filter(|p| p.is_word()).count(), 28 + 2 + 9 + 7);
        assert_eq!(
            PromptId::Unit(ValueUnit::MmHg).message_id(),
            "prompt-unit-mmhg"
        );
    }

    #[test]
    fn word_prompts_round_trip_as_json() {
        for p in PromptId::all() {
            let json = serde_json::to_string(&p).expect("serialize");
            let back: PromptId = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, p, "{json}");
        }
    }
}
