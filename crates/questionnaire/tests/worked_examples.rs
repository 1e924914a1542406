//! Answer sheets built by hand; the expected sums are worked out in the comments from the item table
//! (平和质 1 2r 4r 5r 13r · 气虚 2 3 4 14 · 阳虚 11 12 13 29 · 阴虚 10 21 26 31 · 痰湿 9 16 28 32 ·
//! 湿热 23 25 27 30 · 血瘀 19 22 24 33 · 气郁 5 6 7 8 · 特禀 15 17 18 20; r = reversed, 6 − score).

use station_questionnaire::{
    score, Answer, Answers, AnswersError, Assessment, Constitution as C, Judgment as J,
    ReviewReason,
};

/// A sheet of all 1 ("没有") with some questions set to other scores.
fn sheet(changes: &[(u8, u8)]) -> Result<Answers, AnswersError> {
    let mut scores = [1u8; 33];
    for &(question, value) in changes {
        let slot = scores
            .get_mut(usize::from(question) - 1)
            .ok_or(AnswersError::UnknownQuestion { question })?;
        *slot = value;
    }
    Answers::from_scores(&scores)
}

fn sums(a: &Assessment) -> Vec<u8> {
    a.results().iter().map(|r| r.sum).collect()
}

fn judgments(a: &Assessment) -> Vec<J> {
    a.results().iter().map(|r| r.judgment).collect()
}

#[test]
fn all_never() -> Result<(), AnswersError> {
    // Every biased constitution: 4 items × 1 = 4 → 否.
    // 平和质: q1 = 1, q2 q4 q5 q13 answered 1 → reversed 5 each: 1 + 4 × 5 = 21 ≥ 17;
    // all others 4 ≤ 8 → 是.
    let a = score(&sheet(&[])?);
    assert_eq!(sums(&a), [21, 4, 4, 4, 4, 4, 4, 4, 4]);
    assert_eq!(
        judgments(&a),
        [
            J::Yes,
            J::No,
            J::No,
            J::No,
            J::No,
            J::No,
            J::No,
            J::No,
            J::No
        ]
    );
    assert_eq!(a.primary(), [C::Pinghe]);
    assert!(a.tendencies().is_empty());
    assert!(a.review().is_empty());
    Ok(())
}

#[test]
fn all_always() {
    // Every biased: 4 × 5 = 20 → 是. 平和质: 5 + 4 × 1 = 9 → 否.
    // All eight biased tie at 20 (physician decides) and 阴虚 + 阳虚 are both 是 (recheck).
    let a = score(&Answers::uniform(Answer::Always));
    assert_eq!(sums(&a), [9, 20, 20, 20, 20, 20, 20, 20, 20]);
    assert_eq!(a.result(C::Pinghe).judgment, J::No);
    assert_eq!(a.primary(), C::BIASED);
    assert_eq!(
        a.review(),
        [
            ReviewReason::TiedTopScore,
            ReviewReason::YinAndYangDeficiency
        ]
    );
}

#[test]
fn all_sometimes() {
    // Every biased: 4 × 3 = 12 → 是. 平和质: 3 + 4 × 3 = 15 < 17 → 否.
    let a = score(&Answers::uniform(Answer::Sometimes));
    assert_eq!(sums(&a), [15, 12, 12, 12, 12, 12, 12, 12, 12]);
    assert_eq!(a.result(C::Pinghe).judgment, J::No);
    assert!(C::BIASED.iter().all(|&c| a.result(c).judgment == J::Yes));
}

#[test]
fn clear_qi_deficiency() -> Result<(), AnswersError> {
    // q1 = 2 (a little energy), q2 = 4 (tires often), q3 = 4, q4 = 3, q14 = 3 (5–6 colds a year).
    // 气虚 = q2 4 + q3 4 + q4 3 + q14 3 = 14 → 是.
    // 平和 = q1 2 + r(q2 4) 2 + r(q4 3) 3 + r(q5 1) 5 + r(q13 1) 5 = 17; but 气虚 14 > 10 → 否.
    // Others 4 → 否.
    let a = score(&sheet(&[(1, 2), (2, 4), (3, 4), (4, 3), (14, 3)])?);
    assert_eq!(sums(&a), [17, 14, 4, 4, 4, 4, 4, 4, 4]);
    assert_eq!(
        judgments(&a),
        [
            J::No,
            J::Yes,
            J::No,
            J::No,
            J::No,
            J::No,
            J::No,
            J::No,
            J::No
        ]
    );
    assert_eq!(a.primary(), [C::Qixu]);
    assert!(a.review().is_empty());
    Ok(())
}

#[test]
fn pinghe_yes_then_basically_then_no_as_one_biased_sum_rises() -> Result<(), AnswersError> {
    // q1 = 5 → 平和 = 5 + 4 × 5 = 25 throughout. 痰湿 items q9 q16 q28 q32.
    // 痰湿 2+2+2+2 = 8: every other ≤ 8 → 平和 是; 痰湿 否.
    let a = score(&sheet(&[(1, 5), (9, 2), (16, 2), (28, 2), (32, 2)])?);
    assert_eq!(a.result(C::Pinghe).sum, 25);
    assert_eq!(a.result(C::Tanshi).sum, 8);
    assert_eq!(a.result(C::Pinghe).judgment, J::Yes);
    assert_eq!(a.result(C::Tanshi).judgment, J::No);
    assert_eq!(a.primary(), [C::Pinghe]);

    // q32 = 3 → 痰湿 9 → 倾向是; highest other 9 ≤ 10 → 平和 基本是 ("基本是平和质，有痰湿质倾向").
    let a = score(&sheet(&[(1, 5), (9, 2), (16, 2), (28, 2), (32, 3)])?);
    assert_eq!(a.result(C::Tanshi).sum, 9);
    assert_eq!(a.result(C::Tanshi).judgment, J::Tendency);
    assert_eq!(a.result(C::Pinghe).judgment, J::Basically);
    assert_eq!(a.primary(), [C::Pinghe]);
    assert_eq!(a.tendencies(), [C::Tanshi]);

    // q32 = 4 → 痰湿 10 → still 倾向是 / 基本是.
    let a = score(&sheet(&[(1, 5), (9, 2), (16, 2), (28, 2), (32, 4)])?);
    assert_eq!(a.result(C::Tanshi).sum, 10);
    assert_eq!(a.result(C::Pinghe).judgment, J::Basically);

    // q32 = 5 → 痰湿 11 → 是; 11 > 10 → 平和 否.
    let a = score(&sheet(&[(1, 5), (9, 2), (16, 2), (28, 2), (32, 5)])?);
    assert_eq!(a.result(C::Tanshi).sum, 11);
    assert_eq!(a.result(C::Tanshi).judgment, J::Yes);
    assert_eq!(a.result(C::Pinghe).judgment, J::No);
    assert_eq!(a.primary(), [C::Tanshi]);
    assert!(a.tendencies().is_empty());
    Ok(())
}

#[test]
fn pinghe_sum_boundary_17_and_16() -> Result<(), AnswersError> {
    // q2 = 3, q4 = 3: 平和 = 1 + r3 3 + r3 3 + r1 5 + r1 5 = 17; 气虚 = 3 + 1 + 3 + 1 = 8.
    // Highest other = 8 → 平和 是 exactly at both limits.
    let a = score(&sheet(&[(2, 3), (4, 3)])?);
    assert_eq!(a.result(C::Pinghe).sum, 17);
    assert_eq!(a.result(C::Qixu).sum, 8);
    assert_eq!(a.result(C::Pinghe).judgment, J::Yes);

    // Add q13 = 2: 平和 = 1 + 3 + 3 + 5 + r2 4 = 16 → 否; 阳虚 = 1 + 1 + 2 + 1 = 5 → 否.
    // Nothing identified at all → review.
    let a = score(&sheet(&[(2, 3), (4, 3), (13, 2)])?);
    assert_eq!(a.result(C::Pinghe).sum, 16);
    assert_eq!(a.result(C::Yangxu).sum, 5);
    assert!(a.results().iter().all(|r| r.judgment == J::No));
    assert!(a.primary().is_empty());
    assert_eq!(a.review(), [ReviewReason::NothingIdentified]);
    Ok(())
}

#[test]
fn reverse_scored_items_count_both_ways() -> Result<(), AnswersError> {
    // q5 (闷闷不乐) = 5: 气郁 = 5 + 1 + 1 + 1 = 8 (否), and for 平和 it is reversed to 1:
    // 平和 = 1 + 5 + 5 + 1 + 5 = 17, highest other 8 → still 是.
    let a = score(&sheet(&[(5, 5)])?);
    assert_eq!(a.result(C::Qiyu).sum, 8);
    assert_eq!(a.result(C::Pinghe).sum, 17);
    assert_eq!(a.result(C::Pinghe).judgment, J::Yes);

    // q6 = 2 as well: 气郁 9 → 倾向是, so 平和 drops to 基本是.
    let a = score(&sheet(&[(5, 5), (6, 2)])?);
    assert_eq!(a.result(C::Qiyu).judgment, J::Tendency);
    assert_eq!(a.result(C::Pinghe).judgment, J::Basically);

    // All four reversed items 5, the rest 1: 平和 = 1 + 1 + 1 + 1 + 1 = 5 (its minimum);
    // 气虚 = 5 + 1 + 5 + 1 = 12 (是), 气郁 = 5 + 3 = 8, 阳虚 = 5 + 3 = 8.
    let a = score(&sheet(&[(2, 5), (4, 5), (5, 5), (13, 5)])?);
    assert_eq!(sums(&a), [5, 12, 8, 4, 4, 4, 4, 8, 4]);
    assert_eq!(a.primary(), [C::Qixu]);

    // Only q1 counts forward for 平和: q1 = 3 with the rest 1 → 3 + 20 = 23.
    let a = score(&sheet(&[(1, 3)])?);
    assert_eq!(a.result(C::Pinghe).sum, 23);
    Ok(())
}

#[test]
fn several_yes_are_ordered_by_sum() -> Result<(), AnswersError> {
    // 血瘀 q19 q22 q24 q33 = 3 each → 12; 特禀 q15 q17 q18 q20 = 4 each → 16.
    // Both 是; 特禀 first although it comes later in the table. 平和 21 but others > 10 → 否.
    let a = score(&sheet(&[
        (19, 3),
        (22, 3),
        (24, 3),
        (33, 3),
        (15, 4),
        (17, 4),
        (18, 4),
        (20, 4),
    ])?);
    assert_eq!(a.result(C::Xueyu).sum, 12);
    assert_eq!(a.result(C::Tebing).sum, 16);
    assert_eq!(a.result(C::Pinghe).judgment, J::No);
    assert_eq!(a.primary(), [C::Tebing, C::Xueyu]);
    assert!(a.review().is_empty());
    Ok(())
}

#[test]
fn yin_and_yang_deficiency_together_asks_for_review() -> Result<(), AnswersError> {
    // 阴虚 q10 q21 q26 q31 = 3 → 12; 阳虚 q11 q12 q29 = 3, q13 = 2 → 11. Both 是, no tie.
    // 平和 = 1 + 5 + 5 + 5 + r2 4 = 20, but others > 10 → 否.
    let a = score(&sheet(&[
        (10, 3),
        (21, 3),
        (26, 3),
        (31, 3),
        (11, 3),
        (12, 3),
        (29, 3),
        (13, 2),
    ])?);
    assert_eq!(a.result(C::Yinxu).sum, 12);
    assert_eq!(a.result(C::Yangxu).sum, 11);
    assert_eq!(a.result(C::Pinghe).sum, 20);
    assert_eq!(a.primary(), [C::Yinxu, C::Yangxu]);
    assert_eq!(a.review(), [ReviewReason::YinAndYangDeficiency]);
    Ok(())
}

#[test]
fn only_tendencies_become_the_primary_list() -> Result<(), AnswersError> {
    // 湿热 q23 q25 q27 q30 = 3, 3, 2, 2 → 10 (倾向是). q2 = 4, q4 = 4:
    // 气虚 = 4 + 1 + 4 + 1 = 10 → 倾向是; 平和 = 1 + r4 2 + r4 2 + 5 + 5 = 15 < 17 → 否.
    // No 是 and no 平和, so the two tendencies are the primary list, tied at 10.
    let a = score(&sheet(&[
        (23, 3),
        (25, 3),
        (27, 2),
        (30, 2),
        (2, 4),
        (4, 4),
    ])?);
    assert_eq!(a.result(C::Shire).sum, 10);
    assert_eq!(a.result(C::Qixu).sum, 10);
    assert_eq!(a.result(C::Pinghe).judgment, J::No);
    assert_eq!(a.primary(), [C::Qixu, C::Shire]);
    assert_eq!(a.tendencies(), [C::Qixu, C::Shire]);
    assert_eq!(a.review(), [ReviewReason::TiedTopScore]);
    Ok(())
}

#[test]
fn assessment_serialises_like_a_reading() -> Result<(), Box<dyn std::error::Error>> {
    let a = score(&sheet(&[(1, 2), (2, 4), (3, 4), (4, 3), (14, 3)])?);
    let json = serde_json::to_value(&a)?;
    assert_eq!(json["method"], "nbphs-elderly-33");
    assert_eq!(json["results"][1]["constitution"], "qixu");
    assert_eq!(json["results"][1]["sum"], 14);
    assert_eq!(json["results"][1]["judgment"], "yes");
    assert_eq!(json["primary"], serde_json::json!(["qixu"]));
    let back: Assessment = serde_json::from_value(json)?;
    assert_eq!(back, a);
    Ok(())
}
