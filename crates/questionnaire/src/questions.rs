//! The 33 questions of 老年人中医药健康管理服务记录表 as data, and the constitutions they count for.
//!
//! The item→constitution mapping and the reverse-scored items are those of 附件2 体质判定标准表 in
//! 《国家基本公共卫生服务规范（第三版）》(2017), 老年人中医药健康管理服务规范:
//!
//! | constitution | items |
//! |---|---|
//! | 平和质 | (1)(2)(4)(5)(13), of which (2)(4)(5)(13) reverse-scored (1→5, 2→4, 3→3, 4→2, 5→1) |
//! | 气虚质 | (2)(3)(4)(14) |
//! | 阳虚质 | (11)(12)(13)(29) |
//! | 阴虚质 | (10)(21)(26)(31) |
//! | 痰湿质 | (9)(16)(28)(32) |
//! | 湿热质 | (23)(25)(27)(30) |
//! | 血瘀质 | (19)(22)(24)(33) |
//! | 气郁质 | (5)(6)(7)(8) |
//! | 特禀质 | (15)(17)(18)(20) |
//!
//! The table below is written per question (as the form is read); a test rebuilds the per-constitution
//! lists from it and compares them with [`Constitution::source_items`], which is typed from the table
//! above, so a slip in either shows up.

use serde::{Deserialize, Serialize};
use station_protocol::{tcm_question_id, TCM_QUESTION_COUNT};
use thiserror::Error;

use crate::answers::Answer;

/// Number of questions on the older-adult form. The ids and their number live in
/// `station_protocol` (each question is also a voice prompt); [`QUESTIONS`] has exactly this many
/// entries and takes its ids from there, so the two crates cannot disagree.
pub const QUESTION_COUNT: usize = TCM_QUESTION_COUNT as usize;

/// Message ids of the five answer labels, index 0 = score 1 (没有) … index 4 = score 5 (总是).
pub const ANSWER_MESSAGE_IDS: [&str; 5] = [
    "tcm-answer-1",
    "tcm-answer-2",
    "tcm-answer-3",
    "tcm-answer-4",
    "tcm-answer-5",
];

/// The nine constitutions, in the order of the form's result row (平和质 first here because it is
/// judged differently from the eight biased ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Constitution {
    /// 平和质 — balanced.
    Pinghe,
    /// 气虚质 — qi deficiency.
    Qixu,
    /// 阳虚质 — yang deficiency.
    Yangxu,
    /// 阴虚质 — yin deficiency.
    Yinxu,
    /// 痰湿质 — phlegm-dampness.
    Tanshi,
    /// 湿热质 — damp-heat.
    Shire,
    /// 血瘀质 — blood stasis.
    Xueyu,
    /// 气郁质 — qi stagnation.
    Qiyu,
    /// 特禀质 — inherited special (allergic) constitution.
    Tebing,
}

impl Constitution {
    /// All nine, in the order used by [`crate::Assessment::results`].
    pub const ALL: [Constitution; 9] = [
        Constitution::Pinghe,
        Constitution::Qixu,
        Constitution::Yangxu,
        Constitution::Yinxu,
        Constitution::Tanshi,
        Constitution::Shire,
        Constitution::Xueyu,
        Constitution::Qiyu,
        Constitution::Tebing,
    ];

    /// The eight biased (偏颇) constitutions.
    pub const BIASED: [Constitution; 8] = [
        Constitution::Qixu,
        Constitution::Yangxu,
        Constitution::Yinxu,
        Constitution::Tanshi,
        Constitution::Shire,
        Constitution::Xueyu,
        Constitution::Qiyu,
        Constitution::Tebing,
    ];

    /// Position in [`Constitution::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// 平和质 is the balanced constitution; the other eight are biased (偏颇体质).
    pub fn is_balanced(self) -> bool {
        self == Constitution::Pinghe
    }

    /// Stable key used in message ids and stored records.
    pub fn key(self) -> &'static str {
        match self {
            Constitution::Pinghe => "pinghe",
            Constitution::Qixu => "qixu",
            Constitution::Yangxu => "yangxu",
            Constitution::Yinxu => "yinxu",
            Constitution::Tanshi => "tanshi",
            Constitution::Shire => "shire",
            Constitution::Xueyu => "xueyu",
            Constitution::Qiyu => "qiyu",
            Constitution::Tebing => "tebing",
        }
    }

    /// Message id of the constitution's name, e.g. `tcm-constitution-pinghe`.
    pub fn message_id(self) -> &'static str {
        match self {
            Constitution::Pinghe => "tcm-constitution-pinghe",
            Constitution::Qixu => "tcm-constitution-qixu",
            Constitution::Yangxu => "tcm-constitution-yangxu",
            Constitution::Yinxu => "tcm-constitution-yinxu",
            Constitution::Tanshi => "tcm-constitution-tanshi",
            Constitution::Shire => "tcm-constitution-shire",
            Constitution::Xueyu => "tcm-constitution-xueyu",
            Constitution::Qiyu => "tcm-constitution-qiyu",
            Constitution::Tebing => "tcm-constitution-tebing",
        }
    }

    /// Message id of the one-line lifestyle advice, e.g. `tcm-advice-qixu`.
    pub fn advice_message_id(self) -> &'static str {
        match self {
            Constitution::Pinghe => "tcm-advice-pinghe",
            Constitution::Qixu => "tcm-advice-qixu",
            Constitution::Yangxu => "tcm-advice-yangxu",
            Constitution::Yinxu => "tcm-advice-yinxu",
            Constitution::Tanshi => "tcm-advice-tanshi",
            Constitution::Shire => "tcm-advice-shire",
            Constitution::Xueyu => "tcm-advice-xueyu",
            Constitution::Qiyu => "tcm-advice-qiyu",
            Constitution::Tebing => "tcm-advice-tebing",
        }
    }

    /// The item numbers as printed in 附件2 体质判定标准表 (independent of [`QUESTIONS`]; the tests
    /// check the two agree). Reverse-scored items are those of [`Constitution::source_reversed_items`].
    pub fn source_items(self) -> &'static [u8] {
        match self {
            Constitution::Pinghe => &[1, 2, 4, 5, 13],
            Constitution::Qixu => &[2, 3, 4, 14],
            Constitution::Yangxu => &[11, 12, 13, 29],
            Constitution::Yinxu => &[10, 21, 26, 31],
            Constitution::Tanshi => &[9, 16, 28, 32],
            Constitution::Shire => &[23, 25, 27, 30],
            Constitution::Xueyu => &[19, 22, 24, 33],
            Constitution::Qiyu => &[5, 6, 7, 8],
            Constitution::Tebing => &[15, 17, 18, 20],
        }
    }

    /// Reverse-scored items as printed in 附件2 (only 平和质 has any).
    pub fn source_reversed_items(self) -> &'static [u8] {
        match self {
            Constitution::Pinghe => &[2, 4, 5, 13],
            _ => &[],
        }
    }

    /// Lowest and highest possible item sum (each item scores 1..=5).
    pub fn sum_range(self) -> (u8, u8) {
        // Item counts are 4 or 5, so these fit in u8.
        let n = self.source_items().len() as u8;
        (n, n * 5)
    }
}

/// How one question counts towards one constitution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ItemWeight {
    /// The constitution whose sum the question adds to.
    pub constitution: Constitution,
    /// Reverse-scored (1→5, 2→4, 3→3, 4→2, 5→1) for this constitution.
    pub reversed: bool,
}

/// One question of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Number as printed on the form, 1..=33.
    pub number: u8,
    /// Fluent id of the question text, e.g. `tcm-q01` ([`station_protocol::tcm_question_id`];
    /// also its recording's name). Questions 9, 14, 17 and 28 print their own
    /// anchor under each answer (BMI, colds a year, allergies a year, waist); those are the attributes
    /// `.answer-1` … `.answer-5` of the same message.
    pub message_id: &'static str,
    /// Constitutions the answer counts for (one or two).
    pub counts_for: &'static [ItemWeight],
    /// True when the form prints its own anchors under the five answers.
    pub has_answer_anchors: bool,
}

const fn fwd(constitution: Constitution) -> ItemWeight {
    ItemWeight {
        constitution,
        reversed: false,
    }
}

const fn rev(constitution: Constitution) -> ItemWeight {
    ItemWeight {
        constitution,
        reversed: true,
    }
}

/// The id of question `number`; a number the form does not have fails to compile.
const fn message_id(number: u8) -> &'static str {
    match tcm_question_id(number) {
        Some(id) => id,
        None => panic!("no such question on the form"),
    }
}

const fn q(number: u8, counts_for: &'static [ItemWeight]) -> Question {
    Question {
        number,
        message_id: message_id(number),
        counts_for,
        has_answer_anchors: false,
    }
}

const fn qa(number: u8, counts_for: &'static [ItemWeight]) -> Question {
    Question {
        number,
        message_id: message_id(number),
        counts_for,
        has_answer_anchors: true,
    }
}

use Constitution::{Pinghe, Qixu, Qiyu, Shire, Tanshi, Tebing, Xueyu, Yangxu, Yinxu};

/// The 33 questions, in form order (index = number − 1).
pub const QUESTIONS: [Question; QUESTION_COUNT] = [
    q(1, &[fwd(Pinghe)]),               // 精力充沛
    q(2, &[fwd(Qixu), rev(Pinghe)]),    // 容易疲乏
    q(3, &[fwd(Qixu)]),                 // 气短
    q(4, &[fwd(Qixu), rev(Pinghe)]),    // 说话声音低弱无力
    q(5, &[fwd(Qiyu), rev(Pinghe)]),    // 闷闷不乐
    q(6, &[fwd(Qiyu)]),                 // 精神紧张、焦虑不安
    q(7, &[fwd(Qiyu)]),                 // 孤独、失落
    q(8, &[fwd(Qiyu)]),                 // 害怕或受到惊吓
    qa(9, &[fwd(Tanshi)]),              // 身体超重不轻松 (BMI anchors)
    q(10, &[fwd(Yinxu)]),               // 眼睛干涩
    q(11, &[fwd(Yangxu)]),              // 手脚发凉
    q(12, &[fwd(Yangxu)]),              // 胃脘部、背部或腰膝部怕冷
    q(13, &[fwd(Yangxu), rev(Pinghe)]), // 耐受不了寒冷
    qa(14, &[fwd(Qixu)]),               // 容易患感冒 (colds a year)
    q(15, &[fwd(Tebing)]),              // 没有感冒时也会鼻塞、流鼻涕
    q(16, &[fwd(Tanshi)]),              // 口黏口腻，或睡眠打鼾
    qa(17, &[fwd(Tebing)]),             // 容易过敏 (allergies a year)
    q(18, &[fwd(Tebing)]),              // 荨麻疹
    q(19, &[fwd(Xueyu)]),               // 青紫瘀斑、皮下出血
    q(20, &[fwd(Tebing)]),              // 皮肤一抓就红
    q(21, &[fwd(Yinxu)]),               // 皮肤或口唇干
    q(22, &[fwd(Xueyu)]),               // 肢体麻木或固定部位疼痛
    q(23, &[fwd(Shire)]),               // 面部或鼻部油腻
    q(24, &[fwd(Xueyu)]),               // 面色或目眶晦黯
    q(25, &[fwd(Shire)]),               // 皮肤湿疹、疮疖
    q(26, &[fwd(Yinxu)]),               // 口干咽燥
    q(27, &[fwd(Shire)]),               // 口苦或嘴里有异味
    qa(28, &[fwd(Tanshi)]),             // 腹部肥大 (waist anchors)
    q(29, &[fwd(Yangxu)]),              // 怕吃(喝)凉的东西
    q(30, &[fwd(Shire)]),               // 大便黏滞不爽
    q(31, &[fwd(Yinxu)]),               // 大便干燥
    q(32, &[fwd(Tanshi)]),              // 舌苔厚腻
    q(33, &[fwd(Xueyu)]),               // 舌下静脉瘀紫或增粗
];

// Each entry sits at its number's place, so `question(n)` and the answer arrays line up.
const _: () = {
    let mut i = 0;
    while i < QUESTION_COUNT {
        assert!(
            QUESTIONS[i].number as usize == i + 1,
            "QUESTIONS is in form order"
        );
        i += 1;
    }
};

/// The question with the printed number `number` (1..=33).
pub fn question(number: u8) -> Option<&'static Question> {
    usize::from(number)
        .checked_sub(1)
        .and_then(|i| QUESTIONS.get(i))
}

/// A body measurement that cannot be turned into an answer.
#[derive(Debug, Clone, Copy, PartialEq, Error)]
pub enum MeasureError {
    /// NaN or infinite.
    #[error("measurement is not a finite number")]
    NotFinite,
    /// Outside what a person can measure; more likely a typing or device error.
    #[error("measurement {value} is outside the plausible range {min}..={max}")]
    Implausible {
        /// The value given.
        value: f64,
        /// Lowest accepted value.
        min: f64,
        /// Highest accepted value.
        max: f64,
    },
}

fn plausible(value: f64, min: f64, max: f64) -> Result<f64, MeasureError> {
    if !value.is_finite() {
        return Err(MeasureError::NotFinite);
    }
    if !(min..=max).contains(&value) {
        return Err(MeasureError::Implausible { value, min, max });
    }
    Ok(value)
}

/// Answer to question 9 (身体超重不轻松) from a measured BMI (kg/m²), using the bands printed under
/// its answers: BMI < 24 → 1, 24 ≤ BMI < 25 → 2, 25 ≤ BMI < 26 → 3, 26 ≤ BMI < 28 → 4, BMI ≥ 28 → 5.
pub fn answer_from_bmi(bmi: f64) -> Result<Answer, MeasureError> {
    let bmi = plausible(bmi, 10.0, 80.0)?;
    Ok(if bmi < 24.0 {
        Answer::Never
    } else if bmi < 25.0 {
        Answer::Rarely
    } else if bmi < 26.0 {
        Answer::Sometimes
    } else if bmi < 28.0 {
        Answer::Often
    } else {
        Answer::Always
    })
}

/// Answer to question 28 (腹部肥大) from a waist circumference in cm, using the bands printed under
/// its answers: < 80 → 1, 80–85 → 2, 86–90 → 3, 91–105 → 4, > 105 → 5. The printed bands are in whole
/// centimetres and leave gaps (85–86, 90–91); a value inside a gap goes to the higher band
/// (85.5 → 3), which keeps "< 80" and "> 105" exactly as printed.
pub fn answer_from_waist_cm(waist_cm: f64) -> Result<Answer, MeasureError> {
    let w = plausible(waist_cm, 40.0, 250.0)?;
    Ok(if w < 80.0 {
        Answer::Never
    } else if w <= 85.0 {
        Answer::Rarely
    } else if w <= 90.0 {
        Answer::Sometimes
    } else if w <= 105.0 {
        Answer::Often
    } else {
        Answer::Always
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_ids_follow_the_form_order() {
        for (i, question) in QUESTIONS.iter().enumerate() {
            assert_eq!(usize::from(question.number), i + 1);
            assert_eq!(question.message_id, format!("tcm-q{:02}", i + 1));
            assert!(!question.counts_for.is_empty());
        }
        assert!(question(0).is_none());
        assert!(question(34).is_none());
        assert_eq!(question(33).map(|q| q.number), Some(33));
    }

    #[test]
    fn ids_are_the_question_prompts_of_the_protocol() {
        assert_eq!(
            QUESTIONS.len(),
            usize::from(station_protocol::TCM_QUESTION_COUNT)
        );
        for question in QUESTIONS {
            let prompt = station_protocol::PromptId::TcmQuestion(question.number);
            assert_eq!(question.message_id, prompt.as_str());
        }
        assert_eq!(QUESTIONS[0].message_id, "tcm-q01");
        assert_eq!(QUESTIONS[32].message_id, "tcm-q33");
    }

    #[test]
    fn per_question_table_matches_the_published_judgment_table() {
        for c in Constitution::ALL {
            let items: Vec<u8> = QUESTIONS
                .iter()
                .filter(|q| q.counts_for.iter().any(|w| w.constitution == c))
                .map(|q| q.number)
                .collect();
            assert_eq!(items, c.source_items(), "{c:?}");
            let reversed: Vec<u8> = QUESTIONS
                .iter()
                .filter(|q| {
                    q.counts_for
                        .iter()
                        .any(|w| w.constitution == c && w.reversed)
                })
                .map(|q| q.number)
                .collect();
            assert_eq!(reversed, c.source_reversed_items(), "{c:?}");
        }
    }

    #[test]
    fn item_counts_are_four_per_biased_constitution_and_five_for_pinghe() {
        assert_eq!(Constitution::Pinghe.source_items().len(), 5);
        assert_eq!(Constitution::Pinghe.sum_range(), (5, 25));
        for c in Constitution::BIASED {
            assert_eq!(c.source_items().len(), 4, "{c:?}");
            assert_eq!(c.sum_range(), (4, 20));
        }
        // Every question is used; only 2, 4, 5 and 13 count twice (for 平和质 reversed).
        let total: usize = QUESTIONS.iter().map(|q| q.counts_for.len()).sum();
        assert_eq!(total, 33 + 4);
    }

    #[test]
    fn all_is_in_index_order() {
        for (i, c) in Constitution::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert!(c.message_id().ends_with(c.key()));
            assert!(c.advice_message_id().ends_with(c.key()));
        }
    }

    #[test]
    fn bmi_bands() {
        let cases = [
            (18.0, 1),
            (23.99, 1),
            (24.0, 2),
            (24.9, 2),
            (25.0, 3),
            (25.99, 3),
            (26.0, 4),
            (27.99, 4),
            (28.0, 5),
            (40.0, 5),
        ];
        for (bmi, want) in cases {
            assert_eq!(answer_from_bmi(bmi).map(Answer::score), Ok(want), "{bmi}");
        }
        assert_eq!(answer_from_bmi(f64::NAN), Err(MeasureError::NotFinite));
        assert!(matches!(
            answer_from_bmi(0.0),
            Err(MeasureError::Implausible { .. })
        ));
    }

    #[test]
    fn waist_bands() {
        let cases = [
            (70.0, 1),
            (79.9, 1),
            (80.0, 2),
            (85.0, 2),
            (85.5, 3),
            (86.0, 3),
            (90.0, 3),
            (90.5, 4),
            (91.0, 4),
            (105.0, 4),
            (105.5, 5),
            (106.0, 5),
            (120.0, 5),
        ];
        for (w, want) in cases {
            assert_eq!(answer_from_waist_cm(w).map(Answer::score), Ok(want), "{w}");
        }
        assert_eq!(
            answer_from_waist_cm(f64::INFINITY),
            Err(MeasureError::NotFinite)
        );
        assert!(answer_from_waist_cm(-3.0).is_err());
    }
}
