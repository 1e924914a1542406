//! Voice prompt ids. Each id has one recording per locale under `assets/audio/<locale>/<id>.ogg`
//! and its text as the `prompt-<id>` message in `locales/<locale>/prompts.ftl` (questions: their
//! own message in questionnaire.ftl).
//!
//! Most prompts are whole sentences, one per screen. The word prompts ([`PromptId::is_word`]) are
//! single words that [`crate::speak_number`] and [`crate::Screen::speech`] string together to read
//! a result out.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, EnumDiscriminants, IntoStaticStr, VariantArray};

use crate::spoken::{ValueLabel, ValueUnit};

/// Declares the prompts and the notices, each listed once, and what follows from the lists:
/// [`PromptId::ALL`], [`Notice::prompt`] (a notice says the prompt of the same name: a notice
/// without one does not compile), and the ids of the number words and of the questions, written
/// from their numbers by `concat!`. strum covers the rest; it cannot list only the fixed variants
/// of an enum that also has parameterised ones, nor map one enum onto another.
macro_rules! prompt_ids {
    (
        $(#[$prompt_meta:meta])*
        pub enum PromptId {
            $($(#[$fixed_meta:meta])* $fixed:ident,)*
            ;
            $($(#[$param_meta:meta])* $param:ident($param_ty:ty),)*
        }
        $(#[$notice_meta:meta])*
        pub enum Notice {
            $($(#[$notice_variant_meta:meta])* $notice:ident,)*
        }
        numerals: [$($numeral:literal)*],
        questions: [$($question:literal)*],
    ) => {
        $(#[$prompt_meta])*
        pub enum PromptId {
            $($(#[$fixed_meta])* $fixed,)*
            $($(#[$param_meta])* $param($param_ty),)*
        }

        impl PromptId {
            /// Every prompt without a parameter, in declaration order.
            pub const ALL: [PromptId; [$(PromptId::$fixed),*].len()] = [$(PromptId::$fixed),*];

            /// The numbers with a word of their own ([`PromptId::Numeral`]); every other number
            /// is composed from these.
            pub const NUMERALS: [u8; [$($numeral),*].len()] = [$($numeral),*];
        }

        /// The ids of [`PromptId::NUMERALS`], in the same order: "num-0" … "num-90".
        const NUMERAL_IDS: [&str; PromptId::NUMERALS.len()] = [$(concat!("num-", $numeral)),*];

        /// The ids of the questions, index = number − 1: "tcm-q01" … (two digits, as written).
        const TCM_QUESTION_IDS: &[&str] = &[$(concat!("tcm-q", stringify!($question))),*];

        // Each id is "tcm-q" and two digits, numbered 1, 2, 3… with none left out.
        const _: () = {
            let mut i = 0;
            while i < TCM_QUESTION_IDS.len() {
                let id = TCM_QUESTION_IDS[i].as_bytes();
                assert!(id.len() == 7, "a question id is tcm-q and two digits");
                let number = (id[5] - b'0') as usize * 10 + (id[6] - b'0') as usize;
                assert!(number == i + 1, "questions are numbered 1, 2, 3… in order");
                i += 1;
            }
        };

        $(#[$notice_meta])*
        pub enum Notice {
            $($(#[$notice_variant_meta])* $notice,)*
        }

        impl Notice {
            /// The prompt said with this notice: the one of the same name.
            pub fn prompt(self) -> PromptId {
                match self {
                    $(Notice::$notice => PromptId::$notice,)*
                }
            }
        }
    };
}

prompt_ids! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, EnumDiscriminants)]
    #[serde(rename_all = "kebab-case")]
    // The id of a fixed prompt is its name in kebab case, as serde writes it ("reading-card"),
    // taken from a crate-private twin enum so `PromptId` itself has no `&str` conversion that
    // would be wrong for the parameterised prompts.
    #[strum_discriminants(
        name(PromptName),
        vis(pub(crate)),
        derive(IntoStaticStr),
        strum(serialize_all = "kebab-case")
    )]
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
        RecordFailed,
        ReaderMissing,
        DeviceStaleRecord,
        HistoryNeedsVerifiedIdentity,
        StoreRestored,
        FaultReported,
        QuestionnaireDone,
        /// Staff-assisted manual entry (staff badge during a visit).
        ManualEntry,
        /// Staff admin mode: type the PIN.
        AdminPin,
        /// Staff admin mode, entered.
        Admin,
        /// An urgent result at a station with the cloud clinic: see a doctor, or press 呼叫医生.
        UrgentClinic,
        /// The clinic's waiting room; the place and the wait follow as the next fragments.
        ClinicWaiting,
        /// "您排在第" (number) "位" / "You are number" (number) "in line".
        ClinicPlaceBefore,
        ClinicPlaceAfter,
        /// "预计等待" (number) "分钟" / "The expected wait is about" (number) "minutes".
        ClinicWaitBefore,
        ClinicMinutes,
        /// A doctor accepted the call.
        ClinicCall,
        /// "医生为您开了" (number) "种药，…" / "The doctor prescribed" (number) "medicines; …".
        Prescription,
        PrescriptionCount,
        ClinicOffline,
        ClinicCallEnded,
        ClinicBackInLine,
        ClinicReconnecting,
        ClinicLinkLost,
        Goodbye,
        /// Opens a result read out ("测量完成，您的结果是"); the values follow as word prompts.
        ResultIntro,
        /// 百 / "hundred".
        Hundred,
        /// The decimal point: 点 / "point".
        Point,
        // `;` ends the fixed prompts ([`PromptId::ALL`]); these take a parameter.
        ;
        /// The question with this number (1..=[`TCM_QUESTION_COUNT`]), read out.
        TcmQuestion(u8),
        /// A number word: one of [`PromptId::NUMERALS`] (0..=20 and the tens 30..=90). zh-CN
        /// 11..=19 and the tens are single words too (十二, 三十), so both locales compose alike.
        Numeral(u8),
        /// What a value is ("高压"), said before its number.
        Label(ValueLabel),
        /// A value's unit ("毫米汞柱"); zh-CN says 百分之 before the number.
        Unit(ValueUnit),
    }

    /// A one-line message over the current screen, keyed to a locale message
    /// ([`Notice::message_id`]) and said as the prompt of the same name ([`Notice::prompt`]).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[derive(EnumCount, VariantArray, IntoStaticStr)]
    #[strum(serialize_all = "kebab-case", prefix = "notice-")]
    pub enum Notice {
        CardUnreadable,
        CardPulledEarly,
        ReaderUnavailable,
        NotAvailableYet,
        DeviceNoResponse,
        SaveFailed,
        /// The ID card on the reader could not be read.
        IdCardUnreadable,
        /// The report is being printed.
        Printing,
        /// The report came out of the printer.
        Printed,
        /// No paper, jammed, offline, stopped or unreachable: staff must look.
        PrinterUnavailable,
        /// The camera is absent, unplugged or failing.
        CameraUnavailable,
        /// No health code was found in time.
        QrNotFound,
        /// The issuing platform refused the code (expired, revoked).
        QrRejected,
        /// A face was captured, and no face matcher is configured: nobody was identified, and the
        /// picture was wiped.
        FaceNotConfigured,
        /// The guide never got one good picture in time.
        FaceNotCaptured,
        /// The station could not write its audit record: staff must look.
        RecordFailed,
        /// The card service answers but no card reader is attached: staff must plug it in.
        ReaderMissing,
        /// The device sent only results it had stored before this measurement: measure again.
        DeviceStaleRecord,
        /// An unverified identity (a health code no platform checked) sees no earlier visits:
        /// anyone who photographed the code could replay it.
        HistoryNeedsVerifiedIdentity,
        /// The store was damaged and restored from a backup at start: what was recorded after
        /// that backup is lost; staff must look (the log and the audit say which backup).
        StoreRestored,
        /// The resident's "报告故障" was recorded for staff.
        FaultReported,
        /// "呼叫医生" while the doctor console cannot be reached.
        ClinicOffline,
        /// The doctor ended the call.
        ClinicCallEnded,
        /// The doctor's connection dropped: back in line, at the front.
        ClinicBackInLine,
        /// The station's connection to the console dropped; reconnecting (the place is kept).
        ClinicReconnecting,
        /// The connection stayed down too long: the call (or the place in line) is lost.
        ClinicLinkLost,
    }

    numerals: [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 30 40 50 60 70 80 90],
    // The older-adult TCM constitution form: `station_questionnaire` takes its questions' number
    // and ids from here.
    questions: [
        01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20
        21 22 23 24 25 26 27 28 29 30 31 32 33
    ],
}

/// Questions of the older-adult TCM constitution form (`station_questionnaire::QUESTION_COUNT`
/// is this number).
pub const TCM_QUESTION_COUNT: u8 = TCM_QUESTION_IDS.len() as u8;

/// The id of question `number` (1..=[`TCM_QUESTION_COUNT`]): "tcm-q07". It names the question's
/// recording and its message in questionnaire.ftl; `station_questionnaire::QUESTIONS` takes its
/// `message_id`s from here, so the two crates cannot disagree.
pub const fn tcm_question_id(number: u8) -> Option<&'static str> {
    let number = number as usize;
    if number == 0 || number > TCM_QUESTION_IDS.len() {
        return None;
    }
    Some(TCM_QUESTION_IDS[number - 1])
}

impl PromptId {
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

    /// The id: the file name of the recording (`assets/audio/<locale>/<id>.ogg`) and, with
    /// `prompt-` before it, the message of its words.
    pub fn as_str(self) -> &'static str {
        match self {
            PromptId::TcmQuestion(n) => tcm_question_id(n).unwrap_or("questionnaire-done"),
            // A number without a word of its own has no recording: it is skipped (and logged)
            // rather than spoken as some other number.
            PromptId::Numeral(n) => PromptId::NUMERALS
                .iter()
                .position(|&m| m == n)
                .and_then(|i| NUMERAL_IDS.get(i))
                .copied()
                .unwrap_or("num-unknown"),
            // The number words share the "num-" family.
            PromptId::Hundred => "num-hundred",
            PromptId::Point => "num-point",
            PromptId::Label(label) => label.prompt_id(),
            PromptId::Unit(unit) => unit.prompt_id(),
            fixed => PromptName::from(fixed).into(),
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

impl Notice {
    /// Every notice, in declaration order.
    pub const ALL: [Notice; Notice::COUNT] = crate::all_variants();

    /// The locale message shown: "notice-" and the name in kebab case ("notice-card-unreadable").
    pub fn message_id(self) -> &'static str {
        self.into()
    }
}

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
