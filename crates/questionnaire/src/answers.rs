//! Answers: one of five frequencies per question, all 33 required (the form: 记录表所列问题不能空项).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::questions::{ANSWER_MESSAGE_IDS, QUESTION_COUNT};

/// One answer on the five-step scale printed on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Answer {
    /// 1 — 没有（根本不/从来没有）
    Never = 1,
    /// 2 — 很少（有一点/偶尔）
    Rarely = 2,
    /// 3 — 有时（有些/少数时间）
    Sometimes = 3,
    /// 4 — 经常（相当/多数时间）
    Often = 4,
    /// 5 — 总是（非常/每天）
    Always = 5,
}

impl Answer {
    /// All five, lowest first.
    pub const ALL: [Answer; 5] = [
        Answer::Never,
        Answer::Rarely,
        Answer::Sometimes,
        Answer::Often,
        Answer::Always,
    ];

    /// The printed score, 1..=5.
    pub fn score(self) -> u8 {
        self as u8
    }

    /// The score when the item is reverse-scored: 1→5, 2→4, 3→3, 4→2, 5→1.
    pub fn reversed_score(self) -> u8 {
        6 - self.score()
    }

    /// The answer with printed score `score`.
    pub fn from_score(score: u8) -> Result<Answer, AnswersError> {
        match score {
            1 => Ok(Answer::Never),
            2 => Ok(Answer::Rarely),
            3 => Ok(Answer::Sometimes),
            4 => Ok(Answer::Often),
            5 => Ok(Answer::Always),
            value => Err(AnswersError::InvalidScore { value }),
        }
    }

    /// Message id of the answer label, `tcm-answer-1` … `tcm-answer-5`.
    pub fn message_id(self) -> &'static str {
        match self {
            Answer::Never => ANSWER_MESSAGE_IDS[0],
            Answer::Rarely => ANSWER_MESSAGE_IDS[1],
            Answer::Sometimes => ANSWER_MESSAGE_IDS[2],
            Answer::Often => ANSWER_MESSAGE_IDS[3],
            Answer::Always => ANSWER_MESSAGE_IDS[4],
        }
    }
}

impl TryFrom<u8> for Answer {
    type Error = AnswersError;
    fn try_from(score: u8) -> Result<Self, Self::Error> {
        Answer::from_score(score)
    }
}

impl From<Answer> for u8 {
    fn from(answer: Answer) -> u8 {
        answer.score()
    }
}

/// Why answers were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum AnswersError {
    /// A score outside 1..=5.
    #[error("answer score {value} is not one of 1..=5")]
    InvalidScore {
        /// The score given.
        value: u8,
    },
    /// A score outside 1..=5 for a given question.
    #[error("question {question}: answer score {value} is not one of 1..=5")]
    OutOfRange {
        /// Question number, 1..=33.
        question: u8,
        /// The score given.
        value: u8,
    },
    /// Not exactly 33 answers.
    #[error("expected {expected} answers, got {found}")]
    WrongCount {
        /// Always 33.
        expected: usize,
        /// How many were given.
        found: usize,
    },
    /// A question number outside 1..=33.
    #[error("there is no question {question} (questions are numbered 1..=33)")]
    UnknownQuestion {
        /// The number given.
        question: u8,
    },
    /// A question left unanswered; the form allows no blanks.
    #[error("question {question} has not been answered")]
    Missing {
        /// The first unanswered question number.
        question: u8,
    },
}

fn slot(question: u8) -> Result<usize, AnswersError> {
    usize::from(question)
        .checked_sub(1)
        .filter(|i| *i < QUESTION_COUNT)
        .ok_or(AnswersError::UnknownQuestion { question })
}

/// A complete, valid answer sheet: exactly 33 answers, each 1..=5. Stored as the list of 33 scores.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<u8>", into = "Vec<u8>")]
pub struct Answers([Answer; QUESTION_COUNT]);

impl Answers {
    /// From typed answers, index 0 = question 1.
    pub fn new(answers: [Answer; QUESTION_COUNT]) -> Answers {
        Answers(answers)
    }

    /// The same answer to every question.
    pub fn uniform(answer: Answer) -> Answers {
        Answers([answer; QUESTION_COUNT])
    }

    /// From printed scores, index 0 = question 1; refuses anything but 33 scores of 1..=5.
    pub fn from_scores(scores: &[u8]) -> Result<Answers, AnswersError> {
        if scores.len() != QUESTION_COUNT {
            return Err(AnswersError::WrongCount {
                expected: QUESTION_COUNT,
                found: scores.len(),
            });
        }
        let mut answers = [Answer::Never; QUESTION_COUNT];
        for ((slot, &value), question) in answers.iter_mut().zip(scores).zip(1u8..) {
            *slot = Answer::from_score(value)
                .map_err(|_| AnswersError::OutOfRange { question, value })?;
        }
        Ok(Answers(answers))
    }

    /// The answer to question `question` (1..=33).
    pub fn get(&self, question: u8) -> Option<Answer> {
        slot(question).ok().and_then(|i| self.0.get(i).copied())
    }

    /// A copy with question `question` answered `answer`.
    pub fn with(&self, question: u8, answer: Answer) -> Result<Answers, AnswersError> {
        let i = slot(question)?;
        let mut next = self.clone();
        if let Some(cell) = next.0.get_mut(i) {
            *cell = answer;
        }
        Ok(next)
    }

    /// All 33 answers, index 0 = question 1.
    pub fn as_array(&self) -> &[Answer; QUESTION_COUNT] {
        &self.0
    }

    /// All 33 printed scores, index 0 = question 1.
    pub fn scores(&self) -> [u8; QUESTION_COUNT] {
        self.0.map(Answer::score)
    }
}

impl TryFrom<Vec<u8>> for Answers {
    type Error = AnswersError;
    fn try_from(scores: Vec<u8>) -> Result<Self, Self::Error> {
        Answers::from_scores(&scores)
    }
}

impl From<Answers> for Vec<u8> {
    fn from(answers: Answers) -> Vec<u8> {
        answers.scores().to_vec()
    }
}

/// A sheet being filled in one question at a time (the kiosk asks one question per screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSheet([Option<Answer>; QUESTION_COUNT]);

impl Default for AnswerSheet {
    fn default() -> Self {
        AnswerSheet([None; QUESTION_COUNT])
    }
}

impl AnswerSheet {
    /// An empty sheet.
    pub fn new() -> AnswerSheet {
        AnswerSheet::default()
    }

    /// Answer (or change the answer to) question `question`.
    pub fn set(&mut self, question: u8, answer: Answer) -> Result<(), AnswersError> {
        let i = slot(question)?;
        if let Some(cell) = self.0.get_mut(i) {
            *cell = Some(answer);
        }
        Ok(())
    }

    /// The answer given so far to `question`, if any.
    pub fn get(&self, question: u8) -> Option<Answer> {
        slot(question)
            .ok()
            .and_then(|i| self.0.get(i).copied().flatten())
    }

    /// The lowest-numbered question not yet answered.
    pub fn next_unanswered(&self) -> Option<u8> {
        self.0
            .iter()
            .zip(1u8..)
            .find(|(a, _)| a.is_none())
            .map(|(_, q)| q)
    }

    /// How many questions have an answer.
    pub fn answered(&self) -> usize {
        self.0.iter().filter(|a| a.is_some()).count()
    }

    /// The complete sheet, or the first unanswered question.
    pub fn finish(&self) -> Result<Answers, AnswersError> {
        let mut answers = [Answer::Never; QUESTION_COUNT];
        for ((cell, given), question) in answers.iter_mut().zip(&self.0).zip(1u8..) {
            *cell = given.ok_or(AnswersError::Missing { question })?;
        }
        Ok(Answers(answers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_scores_validates_count_and_range() {
        assert_eq!(
            Answers::from_scores(&[1; 32]),
            Err(AnswersError::WrongCount {
                expected: 33,
                found: 32
            })
        );
        assert_eq!(
            Answers::from_scores(&[3; 34]),
            Err(AnswersError::WrongCount {
                expected: 33,
                found: 34
            })
        );
        let mut scores = [2u8; 33];
        scores[9] = 6;
        assert_eq!(
            Answers::from_scores(&scores),
            Err(AnswersError::OutOfRange {
                question: 10,
                value: 6
            })
        );
        scores[9] = 0;
        assert_eq!(
            Answers::from_scores(&scores),
            Err(AnswersError::OutOfRange {
                question: 10,
                value: 0
            })
        );
        scores[9] = 5;
        let answers = Answers::from_scores(&scores).map(|a| a.scores());
        assert_eq!(answers, Ok(scores));
    }

    #[test]
    fn reversed_scores() {
        let got: Vec<(u8, u8)> = Answer::ALL
            .iter()
            .map(|a| (a.score(), a.reversed_score()))
            .collect();
        assert_eq!(got, [(1, 5), (2, 4), (3, 3), (4, 2), (5, 1)]);
    }

    #[test]
    fn serde_round_trip_and_refusal() -> Result<(), Box<dyn std::error::Error>> {
        let answers = Answers::from_scores(&[4; 33])?.with(1, Answer::Never)?;
        let json = serde_json::to_string(&answers)?;
        assert!(json.starts_with("[1,4,4"));
        let back: Answers = serde_json::from_str(&json)?;
        assert_eq!(back, answers);
        assert!(serde_json::from_str::<Answers>("[1,2,3]").is_err());
        let bad = format!("[{}7]", "1,".repeat(32));
        assert!(serde_json::from_str::<Answers>(&bad).is_err());
        Ok(())
    }

    #[test]
    fn sheet_requires_every_question() -> Result<(), AnswersError> {
        let mut sheet = AnswerSheet::new();
        assert_eq!(sheet.next_unanswered(), Some(1));
        assert_eq!(sheet.finish(), Err(AnswersError::Missing { question: 1 }));
        for q in 1..=33u8 {
            if q != 17 {
                sheet.set(q, Answer::Sometimes)?;
            }
        }
        assert_eq!(sheet.answered(), 32);
        assert_eq!(sheet.next_unanswered(), Some(17));
        assert_eq!(sheet.finish(), Err(AnswersError::Missing { question: 17 }));
        assert_eq!(
            sheet.set(0, Answer::Never),
            Err(AnswersError::UnknownQuestion { question: 0 })
        );
        assert_eq!(
            sheet.set(34, Answer::Never),
            Err(AnswersError::UnknownQuestion { question: 34 })
        );
        sheet.set(17, Answer::Always)?;
        let answers = sheet.finish()?;
        assert_eq!(answers.get(17), Some(Answer::Always));
        assert_eq!(answers.get(16), Some(Answer::Sometimes));
        assert_eq!(answers.get(34), None);
        Ok(())
    }
}
