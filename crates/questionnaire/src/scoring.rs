//! Sums and judgments per 附件2 体质判定标准表 (《国家基本公共卫生服务规范（第三版）》, 2017):
//!
//! * biased constitution (气虚质 … 特禀质), sum of its 4 items: ≥ 11 → 是; 9–10 → 倾向是; ≤ 8 → 否;
//! * 平和质, sum of its 5 items with (2)(4)(5)(13) reversed: ≥ 17 and every other constitution ≤ 8
//!   → 是; ≥ 17 and every other ≤ 10 → 基本是; otherwise → 否.
//!
//! The primary list and the review reasons implement the form's 填表说明 to the judgment table:
//! several positive results (兼夹体质) are all recorded and "以分数高的为主要体质进行指导"; equal
//! scores are left to a TCM physician; 阴虚 and 阳虚 both positive, or nothing identified, means
//! the answers should be checked again.

use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::questions::{Constitution, QUESTIONS};

/// The result for one constitution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgment {
    /// 否
    No,
    /// 倾向是 (biased constitutions only)
    Tendency,
    /// 基本是 (平和质 only)
    Basically,
    /// 是
    Yes,
}

impl Judgment {
    /// Message id: `tcm-result-yes`, `-tendency`, `-basically`, `-no`.
    pub fn message_id(self) -> &'static str {
        match self {
            Judgment::Yes => "tcm-result-yes",
            Judgment::Tendency => "tcm-result-tendency",
            Judgment::Basically => "tcm-result-basically",
            Judgment::No => "tcm-result-no",
        }
    }

    /// 是, 倾向是 or 基本是.
    pub fn is_positive(self) -> bool {
        self != Judgment::No
    }
}

/// Which published method produced an assessment, stored with it so a later method (for example the
/// 2026 national standard 《中医体质分类与判定》) can be told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    /// 老年人中医药健康管理服务记录表 (33 items), 体质判定标准表, national basic public health service
    /// specification, 3rd edition (2017).
    #[serde(rename = "nbphs-elderly-33")]
    NbphsElderly33,
}

/// Something a staff member should look at before the result is given as final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewReason {
    /// No constitution judged 是/基本是/倾向是 (填表说明 2(5): check again, or re-collect after 2 weeks).
    NothingIdentified,
    /// Two or more primary constitutions share the top sum (2(3): a TCM physician decides).
    TiedTopScore,
    /// 阴虚质 and 阳虚质 both judged 是 (2(4): contradictory, recheck the answers).
    YinAndYangDeficiency,
}

/// Raw sum and judgment for one constitution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstitutionResult {
    /// The constitution.
    pub constitution: Constitution,
    /// Sum of its item scores (reverse-scored items already reversed): 4..=20, or 5..=25 for 平和质.
    pub sum: u8,
    /// The judgment from the table.
    pub judgment: Judgment,
}

/// The outcome of one questionnaire, ready to be stored like a reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    method: Method,
    results: [ConstitutionResult; 9],
    primary: Vec<Constitution>,
    tendencies: Vec<Constitution>,
    review: Vec<ReviewReason>,
}

impl Assessment {
    /// The method used.
    pub fn method(&self) -> Method {
        self.method
    }

    /// All nine results, in [`Constitution::ALL`] order.
    pub fn results(&self) -> &[ConstitutionResult; 9] {
        &self.results
    }

    /// The result for one constitution.
    pub fn result(&self, constitution: Constitution) -> ConstitutionResult {
        self.results[constitution.index()]
    }

    /// The constitution(s) guidance should be based on, highest sum first (ties keep table order):
    /// every biased constitution judged 是; if none, 平和质 when it is 是 or 基本是; if not, every
    /// biased constitution judged 倾向是; otherwise empty (see [`ReviewReason::NothingIdentified`]).
    pub fn primary(&self) -> &[Constitution] {
        &self.primary
    }

    /// Biased constitutions judged 倾向是, highest sum first (e.g. "基本是平和质，有痰湿质倾向").
    pub fn tendencies(&self) -> &[Constitution] {
        &self.tendencies
    }

    /// Reasons for a staff member to check the answers; empty when none.
    pub fn review(&self) -> &[ReviewReason] {
        &self.review
    }
}

fn biased_judgment(sum: u8) -> Judgment {
    match sum {
        11.. => Judgment::Yes,
        9..=10 => Judgment::Tendency,
        _ => Judgment::No,
    }
}

fn pinghe_judgment(sum: u8, highest_other: u8) -> Judgment {
    if sum >= 17 && highest_other <= 8 {
        Judgment::Yes
    } else if sum >= 17 && highest_other <= 10 {
        Judgment::Basically
    } else {
        Judgment::No
    }
}

/// Score a complete answer sheet. Never fails: every [`Answers`] is valid by construction.
pub fn score(answers: &Answers) -> Assessment {
    let mut sums = [0u8; 9];
    for (question, answer) in QUESTIONS.iter().zip(answers.as_array()) {
        for weight in question.counts_for {
            let points = if weight.reversed {
                answer.reversed_score()
            } else {
                answer.score()
            };
            // At most 5 items × 5 points per constitution: cannot overflow u8.
            sums[weight.constitution.index()] += points;
        }
    }

    let highest_other = Constitution::BIASED
        .iter()
        .map(|c| sums[c.index()])
        .max()
        .unwrap_or(0);
    let results = Constitution::ALL.map(|constitution| {
        let sum = sums[constitution.index()];
        let judgment = if constitution.is_balanced() {
            pinghe_judgment(sum, highest_other)
        } else {
            biased_judgment(sum)
        };
        ConstitutionResult {
            constitution,
            sum,
            judgment,
        }
    });

    let by_sum = |judgment: Judgment| -> Vec<ConstitutionResult> {
        let mut found: Vec<ConstitutionResult> = results
            .iter()
            .filter(|r| !r.constitution.is_balanced() && r.judgment == judgment)
            .copied()
            .collect();
        // Stable: equal sums keep the table order.
        found.sort_by_key(|r| std::cmp::Reverse(r.sum));
        found
    };
    let yes = by_sum(Judgment::Yes);
    let tendency = by_sum(Judgment::Tendency);
    let pinghe = results[Constitution::Pinghe.index()];

    let primary_results: Vec<ConstitutionResult> = if !yes.is_empty() {
        yes.clone()
    } else if pinghe.judgment.is_positive() {
        vec![pinghe]
    } else {
        tendency.clone()
    };

    let mut review = Vec::new();
    if primary_results.is_empty() {
        review.push(ReviewReason::NothingIdentified);
    }
    if let [first, second, ..] = primary_results.as_slice() {
        if first.sum == second.sum {
            review.push(ReviewReason::TiedTopScore);
        }
    }
    let is_yes = |c: Constitution| results[c.index()].judgment == Judgment::Yes;
    if is_yes(Constitution::Yinxu) && is_yes(Constitution::Yangxu) {
        review.push(ReviewReason::YinAndYangDeficiency);
    }

    Assessment {
        method: Method::NbphsElderly33,
        results,
        primary: primary_results.iter().map(|r| r.constitution).collect(),
        tendencies: tendency.iter().map(|r| r.constitution).collect(),
        review,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn biased_thresholds() {
        let got: Vec<Judgment> = (4..=20).map(biased_judgment).collect();
        let mut want = vec![Judgment::No; 5]; // 4..=8
        want.extend([Judgment::Tendency; 2]); // 9, 10
        want.extend([Judgment::Yes; 10]); // 11..=20
        assert_eq!(got, want);
    }

    #[test]
    fn pinghe_thresholds() {
        assert_eq!(pinghe_judgment(17, 8), Judgment::Yes);
        assert_eq!(pinghe_judgment(25, 4), Judgment::Yes);
        assert_eq!(pinghe_judgment(17, 9), Judgment::Basically);
        assert_eq!(pinghe_judgment(17, 10), Judgment::Basically);
        assert_eq!(pinghe_judgment(17, 11), Judgment::No);
        assert_eq!(pinghe_judgment(16, 4), Judgment::No);
    }
}
