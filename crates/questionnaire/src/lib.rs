//! TCM constitution identification (中医体质辨识) for residents aged 65 and over, as carried out in
//! China's national basic public health service (国家基本公共卫生服务).
//!
//! # Source
//! The questionnaire and its scoring follow 《国家基本公共卫生服务规范（第三版）》(2017),
//! 老年人中医药健康管理服务规范, 附件1 "老年人中医药健康管理服务记录表" (the 33 questions) and
//! 附件2 "体质判定标准表" (the judgment table). The same form and table were introduced with the
//! 2013 中医药健康管理服务规范. The older-adult form is an abridged version of the general
//! questionnaire in 《中医体质分类与判定》ZYYXH/T157-2009 (中华中医药学会); that standard uses
//! 60 items and converted scores (转化分 = (原始分 − 条目数) / (条目数 × 4) × 100) with the cut-offs
//! 40/30 for biased constitutions and 60 plus "all others < 30 / < 40" for 平和质. On a 4-item scale
//! those cut-offs fall exactly on the raw sums used here (≥ 11 ⇔ ≥ 40, ≤ 8 ⇔ < 30, ≤ 10 ⇔ < 40).
//! The official PDF was not reachable; the wording and table were cross-checked between public
//! transcriptions (github.com/mohui/appraisal-server- `ui/web/views/patient/record-old.vue` for the
//! 2017 form and 附件2; https://www.2875.com.cn/Z58JJZlp/ for an older 附件2 wording;
//! https://www.haowendang.cn/c0dsfl82s026ksx698r3q_6.html for the 2013 技术规范 form).
//! `crates/questionnaire/README.md` records where they disagree and what was chosen.
//!
//! # Use
//! ```
//! use station_questionnaire::{score, Answers, Constitution, Judgment};
//! let answers = Answers::from_scores(&[1; 33])?;
//! let assessment = score(&answers);
//! assert_eq!(assessment.result(Constitution::Pinghe).judgment, Judgment::Yes);
//! # Ok::<(), station_questionnaire::AnswersError>(())
//! ```

mod answers;
mod questions;
mod scoring;

pub use answers::{Answer, AnswerSheet, Answers, AnswersError};
pub use questions::{
    answer_from_bmi, answer_from_waist_cm, question, Constitution, ItemWeight, MeasureError,
    Question, ANSWER_MESSAGE_IDS, QUESTIONS, QUESTION_COUNT,
};
pub use scoring::{score, Assessment, ConstitutionResult, Judgment, Method, ReviewReason};
