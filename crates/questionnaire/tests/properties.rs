//! Properties that follow from the judgment table and hold for every answer sheet.

use proptest::prelude::*;
use station_questionnaire::{
    score, Answer, Answers, AnswersError, Constitution as C, Judgment as J, ReviewReason, QUESTIONS,
};

fn answers() -> impl Strategy<Value = Answers> {
    proptest::collection::vec(1u8..=5, 33).prop_map(|scores| {
        // Every score is 1..=5 and there are 33 of them; fall back rather than unwrap.
        Answers::from_scores(&scores).unwrap_or_else(|_| Answers::uniform(Answer::Never))
    })
}

fn answer() -> impl Strategy<Value = Answer> {
    proptest::sample::select(Answer::ALL.to_vec())
}

fn weight(q: u8, c: C) -> Option<bool> {
    QUESTIONS
        .get(usize::from(q) - 1)
        .and_then(|question| question.counts_for.iter().find(|w| w.constitution == c))
        .map(|w| w.reversed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_byte_list_is_accepted_exactly_when_valid(scores in proptest::collection::vec(any::<u8>(), 0..40)) {
        let valid = scores.len() == 33 && scores.iter().all(|s| (1..=5).contains(s));
        match Answers::from_scores(&scores) {
            Ok(a) => {
                prop_assert!(valid);
                prop_assert_eq!(a.scores().to_vec(), scores);
            }
            Err(AnswersError::WrongCount { found, .. }) => prop_assert_eq!(found, scores.len()),
            Err(AnswersError::OutOfRange { question, value }) => {
                prop_assert_eq!(scores.get(usize::from(question) - 1).copied(), Some(value));
                prop_assert!(!valid);
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn sums_are_item_sums_within_range(a in answers()) {
        let s = a.scores();
        let at = |q: usize| s.get(q - 1).copied().unwrap_or(0);
        let assessment = score(&a);
        for r in assessment.results() {
            let (lo, hi) = r.constitution.sum_range();
            prop_assert!((lo..=hi).contains(&r.sum), "{r:?}");
            if r.constitution.is_balanced() {
                prop_assert_eq!((lo, hi), (5, 25));
                let expected = at(1) + (6 - at(2)) + (6 - at(4)) + (6 - at(5)) + (6 - at(13));
                prop_assert_eq!(r.sum, expected);
            } else {
                prop_assert_eq!((lo, hi), (4, 20));
                let expected: u8 = r.constitution.source_items().iter().map(|&q| at(usize::from(q))).sum();
                prop_assert_eq!(r.sum, expected);
            }
        }
    }

    #[test]
    fn judgments_follow_the_table(a in answers()) {
        let assessment = score(&a);
        let highest_other = C::BIASED.iter().map(|&c| assessment.result(c).sum).max().unwrap_or(0);
        for r in assessment.results() {
            let want = if r.constitution.is_balanced() {
                if r.sum >= 17 && highest_other <= 8 { J::Yes }
                else if r.sum >= 17 && highest_other <= 10 { J::Basically }
                else { J::No }
            } else if r.sum >= 11 { J::Yes } else if r.sum >= 9 { J::Tendency } else { J::No };
            prop_assert_eq!(r.judgment, want, "{:?}", r);
        }
    }

    #[test]
    fn pinghe_positive_excludes_any_biased_yes(a in answers()) {
        let assessment = score(&a);
        if assessment.result(C::Pinghe).judgment.is_positive() {
            prop_assert!(C::BIASED.iter().all(|&c| assessment.result(c).judgment != J::Yes));
            prop_assert_eq!(assessment.primary(), [C::Pinghe]);
        }
    }

    #[test]
    fn primary_is_consistent(a in answers()) {
        let assessment = score(&a);
        let primary = assessment.primary();
        prop_assert_eq!(primary.is_empty(), assessment.review().contains(&ReviewReason::NothingIdentified));
        let sums: Vec<u8> = primary.iter().map(|&c| assessment.result(c).sum).collect();
        prop_assert!(sums.windows(2).all(|w| w[0] >= w[1]));
        let tied = sums.len() >= 2 && sums[0] == sums[1];
        prop_assert_eq!(tied, assessment.review().contains(&ReviewReason::TiedTopScore));
        // All primaries share one judgment class.
        let classes: Vec<J> = primary.iter().map(|&c| assessment.result(c).judgment).collect();
        prop_assert!(classes.windows(2).all(|w| w[0] == w[1]));
        for c in assessment.tendencies() {
            prop_assert_eq!(assessment.result(*c).judgment, J::Tendency);
        }
    }

    /// Raising one answer: a biased constitution it counts for can only go up (sum and judgment);
    /// biased constitutions it does not count for are unchanged; 平和质 can only get worse, except
    /// for question 1, which counts only for 平和质 and forward, so 平和质 can only get better.
    #[test]
    fn raising_one_answer_is_monotonic(a in answers(), q in 1u8..=33, new in answer()) {
        let old = a.get(q).unwrap_or(Answer::Never);
        prop_assume!(new > old);
        let before = score(&a);
        let raised = a.with(q, new);
        prop_assert!(raised.is_ok());
        let after = score(&raised.unwrap_or_else(|_| a.clone()));
        for c in C::BIASED {
            let (b, n) = (before.result(c), after.result(c));
            match weight(q, c) {
                Some(false) => {
                    prop_assert_eq!(n.sum, b.sum + (new.score() - old.score()));
                    prop_assert!(n.judgment >= b.judgment);
                }
                Some(true) => prop_assert!(false, "no biased item is reverse-scored"),
                None => prop_assert_eq!(n, b),
            }
        }
        let (b, n) = (before.result(C::Pinghe), after.result(C::Pinghe));
        if q == 1 {
            prop_assert!(n.sum > b.sum);
            prop_assert!(n.judgment >= b.judgment);
        } else {
            prop_assert!(n.sum <= b.sum);
            prop_assert!(n.judgment <= b.judgment);
        }
    }

    #[test]
    fn serde_round_trip(a in answers()) {
        let assessment = score(&a);
        let json = serde_json::to_string(&assessment);
        prop_assert!(json.is_ok());
        let back: Result<station_questionnaire::Assessment, _> =
            serde_json::from_str(json.as_deref().unwrap_or(""));
        prop_assert_eq!(back.ok(), Some(assessment));
        let answers_json = serde_json::to_string(&a).unwrap_or_default();
        let answers_back: Result<Answers, _> = serde_json::from_str(&answers_json);
        prop_assert_eq!(answers_back.ok(), Some(a));
    }
}
