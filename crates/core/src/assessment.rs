//! What a reading means, by Chinese clinical guidelines. Each rule cites its source so a
//! reviewer can check the thresholds; the guideline version is stored with every assessment.

use station_protocol::BpCategory;

/// 《中国高血压防治指南（2018年修订版）》, table 3 (office blood pressure, adults >= 18).
pub const BP_GUIDELINE: &str = "中国高血压防治指南2018修订版"; // i18n-exempt: the cited guideline's own title

/// Blood-pressure assessment of one reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BpAssessment {
    pub category: BpCategory,
    /// Isolated systolic hypertension: systolic >= 140 and diastolic < 90 (graded by systolic).
    pub isolated_systolic: bool,
}

/// Grades a reading. When systolic and diastolic fall in different grades the higher one
/// counts (guideline note under table 3).
pub fn assess_bp(systolic: u16, diastolic: u16) -> BpAssessment {
    let by_sys = grade_systolic(systolic);
    let by_dia = grade_diastolic(diastolic);
    BpAssessment {
        category: by_sys.max(by_dia),
        isolated_systolic: systolic >= 140 && diastolic < 90,
    }
}

fn grade_systolic(s: u16) -> BpCategory {
    match s {
        0..=119 => BpCategory::Normal,
        120..=139 => BpCategory::HighNormal,
        140..=159 => BpCategory::Grade1,
        160..=179 => BpCategory::Grade2,
        _ => BpCategory::Grade3,
    }
}

fn grade_diastolic(d: u16) -> BpCategory {
    match d {
        0..=79 => BpCategory::Normal,
        80..=89 => BpCategory::HighNormal,
        90..=99 => BpCategory::Grade1,
        100..=109 => BpCategory::Grade2,
        _ => BpCategory::Grade3,
    }
}

/// Plausible ranges for an automatic upper-arm monitor; anything outside is a device or
/// fitting fault, not a reading to store.
pub fn bp_is_plausible(systolic: u16, diastolic: u16, pulse: u16) -> bool {
    SYSTOLIC_PLAUSIBLE.contains(&systolic)
        && DIASTOLIC_PLAUSIBLE.contains(&diastolic)
        && diastolic < systolic
        && PULSE_PLAUSIBLE.contains(&pulse)
}

/// mmHg.
pub const SYSTOLIC_PLAUSIBLE: std::ops::RangeInclusive<u16> = 50..=280;
/// mmHg; also below systolic.
pub const DIASTOLIC_PLAUSIBLE: std::ops::RangeInclusive<u16> = 30..=180;
/// Beats per minute, from a cuff or an oximeter.
pub const PULSE_PLAUSIBLE: std::ops::RangeInclusive<u16> = 30..=220;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_3_boundaries() {
        let cases = [
            (119, 79, BpCategory::Normal),
            (120, 79, BpCategory::HighNormal),
            (119, 80, BpCategory::HighNormal),
            (139, 89, BpCategory::HighNormal),
            (140, 89, BpCategory::Grade1),
            (139, 90, BpCategory::Grade1),
            (159, 99, BpCategory::Grade1),
            (160, 99, BpCategory::Grade2),
            (159, 100, BpCategory::Grade2),
            (179, 109, BpCategory::Grade2),
            (180, 80, BpCategory::Grade3),
            (130, 110, BpCategory::Grade3),
        ];
        for (s, d, want) in cases {
            assert_eq!(assess_bp(s, d).category, want, "{s}/{d}");
        }
    }

    #[test]
    fn higher_grade_wins_when_they_differ() {
        assert_eq!(assess_bp(165, 92).category, BpCategory::Grade2);
        assert_eq!(assess_bp(142, 105).category, BpCategory::Grade2);
    }

    #[test]
    fn isolated_systolic_is_flagged() {
        let a = assess_bp(150, 85);
        assert!(a.isolated_systolic);
        assert_eq!(a.category, BpCategory::Grade1);
        assert!(!assess_bp(150, 95).isolated_systolic);
        assert!(!assess_bp(135, 70).isolated_systolic);
    }

    #[test]
    fn implausible_values_are_refused() {
        assert!(bp_is_plausible(128, 82, 72));
        assert!(!bp_is_plausible(400, 82, 72));
        assert!(!bp_is_plausible(120, 130, 72));
        assert!(!bp_is_plausible(120, 80, 0));
    }

    proptest! {
        #[test]
        fn grade_never_decreases_as_pressure_rises(s in 60u16..260, d in 40u16..150, ds in 0u16..20, dd in 0u16..20) {
            let low = assess_bp(s, d).category;
            let high = assess_bp(s + ds, d + dd).category;
            prop_assert!(high >= low);
        }
    }
}
