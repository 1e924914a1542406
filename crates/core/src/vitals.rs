//! What a BMI, temperature, glucose or SpO2 reading means, and whether it is an urgent
//! abnormal value. Blood pressure is in `assessment` (same conventions).
//!
//! Rules are versioned: every assessment carries `VITALS_RULES_VERSION` and the source of
//! its thresholds, to be stored with the reading, so a later change of thresholds never
//! silently re-labels old readings.
//!
//! Values are classified as the resident sees them: rounded to one decimal (tenths, half away
//! from zero) before comparison, so a displayed "24.0" is never called normal and the table
//! boundaries ("18.5–23.9") read exactly as in the standards.
//!
//! Category enums are declared in the order of the measured value (lowest first) and derive
//! `Ord`, so `a <= b` for readings `a <= b` (tested below).

use std::fmt;
use std::ops::RangeInclusive;

use thiserror::Error;

/// Bump when any threshold below changes; stored with each assessment.
pub const VITALS_RULES_VERSION: u32 = 1;

/// 中华人民共和国卫生行业标准 WS/T 428-2013《成人体重判定》, 表 1 (adults >= 18).
pub const BMI_STANDARD: &str = "WS/T 428-2013 成人体重判定"; // i18n-exempt: the cited standard's own title
/// 《诊断学》第9版（人民卫生出版社，2018）: normal ranges under 体温 (口测法 36.3–37.2 ℃,
/// 腋测法 36.0–37.0 ℃) and the fever grades under 发热 (低热 37.3–38 ℃, 中等度热 38.1–39 ℃,
/// 高热 39.1–41 ℃, 超高热 41 ℃以上).
pub const TEMPERATURE_SOURCE: &str = "诊断学 第9版 体温/发热分度"; // i18n-exempt: the cited source's own title
/// 《中国2型糖尿病防治指南（2020年版）》: table of glycaemic states (空腹 < 6.1 正常,
/// 6.1–<7.0 空腹血糖受损, 糖负荷后2h < 7.8 正常, 7.8–<11.1 糖耐量异常; 糖尿病诊断 空腹 >= 7.0,
/// OGTT 2h >= 11.1, 随机 >= 11.1) and hypoglycaemia level 1 (< 3.9).
pub const GLUCOSE_GUIDELINE: &str = "中国2型糖尿病防治指南2020年版"; // i18n-exempt: the cited guideline's own title
/// 《国家基层糖尿病防治管理指南（2022）》 urgent referral: 随机血糖 >= 16.7 mmol/L, or
/// blood glucose < 3.9 mmol/L (hypoglycaemia) — the kiosk's abnormal-value alert.
pub const GLUCOSE_URGENT_SOURCE: &str = "国家基层糖尿病防治管理指南2022 紧急转诊"; // i18n-exempt: the cited guideline's own title
/// WHO, *Pulse Oximetry Training Manual* (2011): normal 95–100 %; below 94 % (and
/// especially below 90 %) hypoxaemia that needs prompt action, < 90 % a clinical emergency.
pub const SPO2_SOURCE: &str = "WHO Pulse Oximetry Training Manual 2011";

/// Ranges outside which a value is a device or fitting fault (scale not stepped on, probe
/// off the finger), not a reading to store or assess.
pub const WEIGHT_KG_PLAUSIBLE: RangeInclusive<f64> = 20.0..=300.0;
pub const HEIGHT_M_PLAUSIBLE: RangeInclusive<f64> = 1.0..=2.5;
/// Clinical thermometers' measuring ranges are about 32–43 ℃.
pub const TEMPERATURE_C_PLAUSIBLE: RangeInclusive<f64> = 30.0..=45.0;
/// Home glucose meters measure 1.1–33.3 mmol/L (20–600 mg/dL); outside it they show LO/HI,
/// which the device adapter must report as such, not as a number.
pub const GLUCOSE_MMOL_PLAUSIBLE: RangeInclusive<f64> = 1.1..=33.3;
/// Below 50 % a finger oximeter has no usable signal; low but plausible values stay and are
/// flagged urgent.
pub const SPO2_PLAUSIBLE: RangeInclusive<f64> = 50.0..=100.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vital {
    BloodPressure,
    Pulse,
    Weight,
    Height,
    Temperature,
    Glucose,
    SpO2,
}

impl fmt::Display for Vital {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vital::BloodPressure => "systolic (mmHg)",
            Vital::Pulse => "pulse (/min)",
            Vital::Weight => "weight (kg)",
            Vital::Height => "height (m)",
            Vital::Temperature => "temperature (°C)",
            Vital::Glucose => "glucose (mmol/L)",
            Vital::SpO2 => "SpO2 (%)",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Error)]
pub enum VitalsError {
    /// Outside the plausible range (NaN included): a device fault, not a reading.
    #[error("{vital} value {value} is outside {min}..={max}: a device or fitting fault")]
    Implausible {
        vital: Vital,
        value: f64,
        min: f64,
        max: f64,
    },
}

fn plausible(vital: Vital, value: f64, range: &RangeInclusive<f64>) -> Result<f64, VitalsError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(VitalsError::Implausible {
            vital,
            value,
            min: *range.start(),
            max: *range.end(),
        })
    }
}

/// The value in tenths, rounded half away from zero. Callers pass plausible (finite, small)
/// values, so the cast cannot saturate.
fn tenths(value: f64) -> i32 {
    (value * 10.0).round() as i32
}

// ---------------------------------------------------------------- BMI

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BmiCategory {
    /// BMI < 18.5 (体重过低).
    Underweight,
    /// 18.5 <= BMI < 24.0 (体重正常).
    Normal,
    /// 24.0 <= BMI < 28.0 (超重).
    Overweight,
    /// BMI >= 28.0 (肥胖).
    Obese,
}

impl BmiCategory {
    pub fn message_id(self) -> &'static str {
        match self {
            BmiCategory::Underweight => "bmi-category-underweight",
            BmiCategory::Normal => "bmi-category-normal",
            BmiCategory::Overweight => "bmi-category-overweight",
            BmiCategory::Obese => "bmi-category-obese",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BmiAssessment {
    /// kg/m², rounded to one decimal.
    pub bmi: f64,
    pub category: BmiCategory,
    pub source: &'static str,
    pub rules_version: u32,
}

/// WS/T 428-2013 table 1 on a BMI already rounded to tenths.
pub fn classify_bmi(bmi: f64) -> BmiCategory {
    match tenths(bmi) {
        i32::MIN..=184 => BmiCategory::Underweight,
        185..=239 => BmiCategory::Normal,
        240..=279 => BmiCategory::Overweight,
        _ => BmiCategory::Obese,
    }
}

/// BMI = weight / height², assessed. Weight and height must be plausible.
pub fn assess_bmi(weight_kg: f64, height_m: f64) -> Result<BmiAssessment, VitalsError> {
    let w = plausible(Vital::Weight, weight_kg, &WEIGHT_KG_PLAUSIBLE)?;
    let h = plausible(Vital::Height, height_m, &HEIGHT_M_PLAUSIBLE)?;
    let bmi = f64::from(tenths(w / (h * h))) / 10.0;
    Ok(BmiAssessment {
        bmi,
        category: classify_bmi(bmi),
        source: BMI_STANDARD,
        rules_version: VITALS_RULES_VERSION,
    })
}

// ---------------------------------------------------------------- temperature

/// Where the temperature was taken. Recorded with the assessment; version 1 of the rules
/// uses one scale for all three (see `assess_temperature`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemperatureSite {
    Axillary,
    Oral,
    Ear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TemperatureCategory {
    /// < 35.0 ℃ (体温过低).
    Hypothermia,
    /// 35.0–35.9 ℃: below the lowest normal bound the textbook gives (axillary 36.0).
    BelowNormal,
    /// 36.0–37.2 ℃.
    Normal,
    /// 37.3–38.0 ℃ (低热).
    LowFever,
    /// 38.1–39.0 ℃ (中等度热).
    ModerateFever,
    /// 39.1–41.0 ℃ (高热).
    HighFever,
    /// >= 41.1 ℃ (超高热).
    Hyperpyrexia,
}

impl TemperatureCategory {
    pub fn message_id(self) -> &'static str {
        match self {
            TemperatureCategory::Hypothermia => "temperature-category-hypothermia",
            TemperatureCategory::BelowNormal => "temperature-category-below-normal",
            TemperatureCategory::Normal => "temperature-category-normal",
            TemperatureCategory::LowFever => "temperature-category-low-fever",
            TemperatureCategory::ModerateFever => "temperature-category-moderate-fever",
            TemperatureCategory::HighFever => "temperature-category-high-fever",
            TemperatureCategory::Hyperpyrexia => "temperature-category-hyperpyrexia",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TemperatureAssessment {
    /// ℃, rounded to one decimal.
    pub celsius: f64,
    pub site: TemperatureSite,
    pub category: TemperatureCategory,
    /// High fever and above, or hypothermia.
    pub urgent: bool,
    pub source: &'static str,
    pub rules_version: u32,
}

/// Grades a temperature in ℃ by the 诊断学 fever grades. The same thresholds are used for
/// axillary, oral and ear readings: the textbook grades fever without a site correction, and
/// the fever band starts at 37.3 ℃, above the upper normal bound of both the oral (37.2) and
/// axillary (37.0) ranges, so no normal reading at either site is called fever. An ear reading
/// runs closer to core temperature (higher than axillary), so this errs towards flagging.
pub fn assess_temperature(
    celsius: f64,
    site: TemperatureSite,
) -> Result<TemperatureAssessment, VitalsError> {
    let c = plausible(Vital::Temperature, celsius, &TEMPERATURE_C_PLAUSIBLE)?;
    let category = classify_temperature(c);
    Ok(TemperatureAssessment {
        celsius: f64::from(tenths(c)) / 10.0,
        site,
        category,
        urgent: matches!(
            category,
            TemperatureCategory::Hypothermia
                | TemperatureCategory::HighFever
                | TemperatureCategory::Hyperpyrexia
        ),
        source: TEMPERATURE_SOURCE,
        rules_version: VITALS_RULES_VERSION,
    })
}

pub fn classify_temperature(celsius: f64) -> TemperatureCategory {
    match tenths(celsius) {
        i32::MIN..=349 => TemperatureCategory::Hypothermia,
        350..=359 => TemperatureCategory::BelowNormal,
        360..=372 => TemperatureCategory::Normal,
        373..=380 => TemperatureCategory::LowFever,
        381..=390 => TemperatureCategory::ModerateFever,
        391..=410 => TemperatureCategory::HighFever,
        _ => TemperatureCategory::Hyperpyrexia,
    }
}

// ---------------------------------------------------------------- glucose

/// When the blood was taken relative to food (chosen by the resident on screen).
pub use station_protocol::GlucoseTiming;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GlucoseCategory {
    /// < 3.9 mmol/L (any timing).
    Low,
    /// Fasting 3.9–6.0 or 2-h 3.9–7.7.
    Normal,
    /// Random 3.9–11.0: a random value cannot show normal glucose, only exclude the
    /// diabetes range.
    RandomBelowDiabetesRange,
    /// Fasting 6.1–6.9 (空腹血糖受损, IFG).
    ImpairedFastingGlucose,
    /// 2-h 7.8–11.0 (糖耐量异常, IGT).
    ImpairedGlucoseTolerance,
    /// Fasting >= 7.0, 2-h >= 11.1, random >= 11.1. One reading is not a diagnosis.
    DiabetesRange,
}

impl GlucoseCategory {
    pub fn message_id(self) -> &'static str {
        match self {
            GlucoseCategory::Low => "glucose-category-low",
            GlucoseCategory::Normal => "glucose-category-normal",
            GlucoseCategory::RandomBelowDiabetesRange => {
                "glucose-category-random-below-diabetes-range"
            }
            GlucoseCategory::ImpairedFastingGlucose => "glucose-category-impaired-fasting",
            GlucoseCategory::ImpairedGlucoseTolerance => "glucose-category-impaired-tolerance",
            GlucoseCategory::DiabetesRange => "glucose-category-diabetes-range",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlucoseAssessment {
    /// mmol/L, rounded to one decimal.
    pub mmol_per_l: f64,
    pub timing: GlucoseTiming,
    pub category: GlucoseCategory,
    /// >= 16.7 or < 3.9 mmol/L.
    pub urgent: bool,
    pub source: &'static str,
    pub rules_version: u32,
}

pub fn classify_glucose(mmol_per_l: f64, timing: GlucoseTiming) -> GlucoseCategory {
    use GlucoseCategory::*;
    let t = tenths(mmol_per_l);
    if t < 39 {
        return Low;
    }
    match timing {
        GlucoseTiming::Fasting => match t {
            ..=60 => Normal,
            61..=69 => ImpairedFastingGlucose,
            _ => DiabetesRange,
        },
        GlucoseTiming::TwoHour => match t {
            ..=77 => Normal,
            78..=110 => ImpairedGlucoseTolerance,
            _ => DiabetesRange,
        },
        GlucoseTiming::Random => match t {
            ..=110 => RandomBelowDiabetesRange,
            _ => DiabetesRange,
        },
    }
}

pub fn assess_glucose(
    mmol_per_l: f64,
    timing: GlucoseTiming,
) -> Result<GlucoseAssessment, VitalsError> {
    let g = plausible(Vital::Glucose, mmol_per_l, &GLUCOSE_MMOL_PLAUSIBLE)?;
    let t = tenths(g);
    Ok(GlucoseAssessment {
        mmol_per_l: f64::from(t) / 10.0,
        timing,
        category: classify_glucose(g, timing),
        urgent: !(39..167).contains(&t),
        source: GLUCOSE_GUIDELINE,
        rules_version: VITALS_RULES_VERSION,
    })
}

// ---------------------------------------------------------------- SpO2

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Spo2Category {
    /// < 90 %.
    VeryLow,
    /// 90–94 %.
    Low,
    /// >= 95 %.
    Normal,
}

impl Spo2Category {
    pub fn message_id(self) -> &'static str {
        match self {
            Spo2Category::VeryLow => "spo2-category-very-low",
            Spo2Category::Low => "spo2-category-low",
            Spo2Category::Normal => "spo2-category-normal",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spo2Assessment {
    /// %, rounded to one decimal (oximeters send whole or tenth percents).
    pub percent: f64,
    pub category: Spo2Category,
    /// < 90 %.
    pub urgent: bool,
    pub source: &'static str,
    pub rules_version: u32,
}

pub fn classify_spo2(percent: f64) -> Spo2Category {
    match tenths(percent) {
        i32::MIN..=899 => Spo2Category::VeryLow,
        900..=949 => Spo2Category::Low,
        _ => Spo2Category::Normal,
    }
}

pub fn assess_spo2(percent: f64) -> Result<Spo2Assessment, VitalsError> {
    let p = plausible(Vital::SpO2, percent, &SPO2_PLAUSIBLE)?;
    let category = classify_spo2(p);
    Ok(Spo2Assessment {
        percent: f64::from(tenths(p)) / 10.0,
        category,
        urgent: category == Spo2Category::VeryLow,
        source: SPO2_SOURCE,
        rules_version: VITALS_RULES_VERSION,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bmi_boundaries_ws_t_428() {
        for (bmi, want) in [
            (18.4, BmiCategory::Underweight),
            (18.5, BmiCategory::Normal),
            (23.9, BmiCategory::Normal),
            (24.0, BmiCategory::Overweight),
            (27.9, BmiCategory::Overweight),
            (28.0, BmiCategory::Obese),
            // 23.95 is shown as 24.0, so it is overweight.
            (23.95, BmiCategory::Overweight),
            (18.44, BmiCategory::Underweight),
        ] {
            assert_eq!(classify_bmi(bmi), want, "{bmi}");
        }
    }

    #[test]
    fn bmi_from_weight_and_height() {
        // 65 kg, 1.70 m → 22.49… → 22.5, normal.
        let a = assess_bmi(65.0, 1.70).expect("plausible");
        assert_eq!(a.bmi, 22.5);
        assert_eq!(a.category, BmiCategory::Normal);
        assert_eq!(a.source, BMI_STANDARD);
        // 80 kg, 1.60 m → 31.25 → 31.3, obese.
        assert_eq!(
            assess_bmi(80.0, 1.60).map(|a| a.category),
            Ok(BmiCategory::Obese)
        );
    }

    #[test]
    fn device_faults_are_refused() {
        assert!(matches!(
            assess_bmi(0.0, 1.7),
            Err(VitalsError::Implausible {
                vital: Vital::Weight,
                ..
            })
        ));
        assert!(assess_bmi(70.0, 0.0).is_err());
        assert!(assess_bmi(f64::NAN, 1.7).is_err());
        assert!(assess_temperature(25.0, TemperatureSite::Ear).is_err());
        assert!(assess_temperature(f64::INFINITY, TemperatureSite::Ear).is_err());
        assert!(assess_glucose(0.0, GlucoseTiming::Fasting).is_err());
        assert!(assess_glucose(40.0, GlucoseTiming::Random).is_err());
        assert!(assess_spo2(0.0).is_err());
        assert!(assess_spo2(101.0).is_err());
        // Systolic 400 is refused by assessment::bp_is_plausible (same convention).
        assert!(!crate::assessment::bp_is_plausible(400, 80, 70));
    }

    #[test]
    fn temperature_boundaries() {
        use TemperatureCategory::*;
        for (c, want) in [
            (34.9, Hypothermia),
            (35.0, BelowNormal),
            (35.9, BelowNormal),
            (36.0, Normal),
            (37.2, Normal),
            (37.3, LowFever),
            (38.0, LowFever),
            (38.1, ModerateFever),
            (39.0, ModerateFever),
            (39.1, HighFever),
            (41.0, HighFever),
            (41.1, Hyperpyrexia),
        ] {
            assert_eq!(classify_temperature(c), want, "{c}");
        }
        let a = assess_temperature(39.1, TemperatureSite::Axillary).expect("plausible");
        assert!(a.urgent);
        assert!(
            !assess_temperature(39.0, TemperatureSite::Oral)
                .expect("plausible")
                .urgent
        );
        assert!(
            assess_temperature(34.9, TemperatureSite::Ear)
                .expect("plausible")
                .urgent
        );
        assert!(
            !assess_temperature(35.0, TemperatureSite::Ear)
                .expect("plausible")
                .urgent
        );
    }

    #[test]
    fn glucose_boundaries_guideline_2020() {
        use GlucoseCategory::*;
        use GlucoseTiming::*;
        for (g, timing, want) in [
            (3.8, Fasting, Low),
            (3.9, Fasting, Normal),
            (6.0, Fasting, Normal),
            (6.1, Fasting, ImpairedFastingGlucose),
            (6.9, Fasting, ImpairedFastingGlucose),
            (7.0, Fasting, DiabetesRange),
            (7.7, TwoHour, Normal),
            (7.8, TwoHour, ImpairedGlucoseTolerance),
            (11.0, TwoHour, ImpairedGlucoseTolerance),
            (11.1, TwoHour, DiabetesRange),
            (11.0, Random, RandomBelowDiabetesRange),
            (11.1, Random, DiabetesRange),
            (3.8, Random, Low),
        ] {
            assert_eq!(classify_glucose(g, timing), want, "{g} {timing:?}");
        }
    }

    #[test]
    fn glucose_urgent_alert() {
        let urgent = |g| assess_glucose(g, GlucoseTiming::Random).map(|a| a.urgent);
        assert_eq!(urgent(3.8), Ok(true));
        assert_eq!(urgent(3.9), Ok(false));
        assert_eq!(urgent(16.6), Ok(false));
        assert_eq!(urgent(16.7), Ok(true));
        // 16.65 is shown as 16.7 and alerts.
        assert_eq!(urgent(16.65), Ok(true));
    }

    #[test]
    fn spo2_boundaries() {
        assert_eq!(classify_spo2(95.0), Spo2Category::Normal);
        assert_eq!(classify_spo2(94.0), Spo2Category::Low);
        assert_eq!(classify_spo2(94.9), Spo2Category::Low);
        assert_eq!(classify_spo2(90.0), Spo2Category::Low);
        assert_eq!(classify_spo2(89.9), Spo2Category::VeryLow);
        assert_eq!(assess_spo2(89.0).map(|a| a.urgent), Ok(true));
        assert_eq!(assess_spo2(90.0).map(|a| a.urgent), Ok(false));
        assert_eq!(
            assess_spo2(60.0).map(|a| a.category),
            Ok(Spo2Category::VeryLow)
        );
    }

    #[test]
    fn message_ids_follow_the_bp_naming() {
        let ids = [
            BmiCategory::Underweight.message_id(),
            TemperatureCategory::LowFever.message_id(),
            GlucoseCategory::ImpairedFastingGlucose.message_id(),
            Spo2Category::VeryLow.message_id(),
        ];
        for id in ids {
            assert!(id.contains("-category-"), "{id}");
            assert!(id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()));
        }
    }

    fn timing() -> impl Strategy<Value = GlucoseTiming> {
        prop_oneof![
            Just(GlucoseTiming::Fasting),
            Just(GlucoseTiming::TwoHour),
            Just(GlucoseTiming::Random)
        ]
    }

    proptest! {
        #[test]
        fn categories_never_go_down_as_the_value_rises(
            a in 0.0f64..60.0, d in 0.0f64..20.0, t in timing(),
            sa in 50.0f64..100.0, sd in 0.0f64..10.0,
            ta in 30.0f64..45.0, td in 0.0f64..5.0,
        ) {
            prop_assert!(classify_bmi(a) <= classify_bmi(a + d));
            prop_assert!(classify_glucose(a, t) <= classify_glucose(a + d, t));
            prop_assert!(classify_spo2(sa) <= classify_spo2(sa + sd));
            prop_assert!(classify_temperature(ta) <= classify_temperature(ta + td));
        }

        #[test]
        fn bmi_never_decreases_with_weight(w in 20.0f64..250.0, dw in 0.0f64..50.0, h in 1.0f64..2.5) {
            let low = assess_bmi(w, h).map(|a| a.category);
            let high = assess_bmi(w + dw, h).map(|a| a.category);
            prop_assert!(matches!((low, high), (Ok(l), Ok(h)) if l <= h));
        }

        #[test]
        fn assessors_never_panic(x in any::<f64>()) {
            let _ = assess_bmi(x, x);
            let _ = assess_temperature(x, TemperatureSite::Oral);
            let _ = assess_glucose(x, GlucoseTiming::Fasting);
            let _ = assess_spo2(x);
        }
    }
}
