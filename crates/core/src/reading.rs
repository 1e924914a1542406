//! A reading of any kind, what it means, and how the screen shows it and its trend.
//!
//! Every kind goes through the same three functions: [`Reading::check`] (plausible or a device
//! fault), [`Reading::assess`] (category, advice, severity, urgency by the cited guideline) and
//! [`trend`] (the resident's last readings with the guideline's bands). The kiosk runtime, the
//! store and the report all use these, so a threshold lives in one place.
//!
//! Here: the `Reading` enum, `check` and `assess` with the advice messages. The values as shown
//! are formatted in `reading/values.rs`, the trend chart is built in `reading/trend.rs`.

use serde::{Deserialize, Serialize};
use station_protocol::{BpCategory, GlucoseTiming, MeasureKind, Severity};

use crate::assessment::{assess_bp, bp_is_plausible, BP_GUIDELINE, PULSE_PLAUSIBLE};
use crate::vitals::{
    assess_bmi, assess_glucose, assess_spo2, assess_temperature, BmiCategory, GlucoseCategory,
    Spo2Category, TemperatureCategory, TemperatureSite, Vital, VitalsError,
};

mod trend;
mod values;

pub use trend::trend;

/// One measurement with the context it was taken in. Stored as JSON (without the kind, which
/// has its own column), so field names are part of the store's format: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reading {
    BloodPressure {
        systolic: u16,
        diastolic: u16,
        pulse: u16,
        #[serde(default)]
        irregular_pulse: bool,
        /// The monitor's status bits: the result may be off, the resident is told to measure again.
        #[serde(default)]
        body_movement: bool,
        #[serde(default)]
        cuff_loose: bool,
    },
    Body {
        weight_kg: f64,
        height_cm: f64,
    },
    Temperature {
        celsius: f64,
    },
    Glucose {
        mmol_per_l: f64,
        timing: GlucoseTiming,
    },
    Spo2 {
        percent: f64,
        pulse: u16,
    },
}

/// What a reading means, in message ids for the screen and the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub category: &'static str,
    pub advice: &'static str,
    pub severity: Severity,
    /// A doctor should see the resident soon: an alert is queued for the family doctor.
    pub urgent: bool,
    pub notes: Vec<&'static str>,
    /// Message id naming the guideline on screen.
    pub guideline: &'static str,
    /// The guideline's citation, stored with the reading.
    pub source: &'static str,
}

impl Reading {
    pub fn kind(&self) -> MeasureKind {
        match self {
            Reading::BloodPressure { .. } => MeasureKind::BloodPressure,
            Reading::Body { .. } => MeasureKind::Body,
            Reading::Temperature { .. } => MeasureKind::Temperature,
            Reading::Glucose { .. } => MeasureKind::Glucose,
            Reading::Spo2 { .. } => MeasureKind::Spo2,
        }
    }

    /// Values no person can have are a device or fitting fault, never a reading to store.
    pub fn check(&self) -> Result<(), VitalsError> {
        self.assess().map(|_| ())
    }

    pub fn assess(&self) -> Result<Assessed, VitalsError> {
        match *self {
            Reading::BloodPressure {
                systolic,
                diastolic,
                pulse,
                irregular_pulse,
                body_movement,
                cuff_loose,
            } => {
                if !bp_is_plausible(systolic, diastolic, pulse) {
                    return Err(VitalsError::Implausible {
                        vital: Vital::BloodPressure,
                        value: f64::from(systolic),
                        min: 50.0,
                        max: 280.0,
                    });
                }
                let a = assess_bp(systolic, diastolic);
                let mut notes = Vec::new();
                if a.isolated_systolic {
                    notes.push("bp-isolated-systolic");
                }
                if irregular_pulse {
                    notes.push("note-irregular-pulse");
                }
                if body_movement {
                    notes.push("note-body-movement");
                }
                if cuff_loose {
                    notes.push("note-cuff-loose");
                }
                Ok(Assessed {
                    category: a.category.message_id(),
                    advice: a.category.advice_id(),
                    severity: match a.category {
                        BpCategory::Normal => Severity::Ok,
                        BpCategory::HighNormal => Severity::Caution,
                        _ => Severity::Alert,
                    },
                    // Grade 3 (>= 180 / >= 110): see a doctor the same day.
                    urgent: a.category == BpCategory::Grade3,
                    notes,
                    guideline: "guideline-bp",
                    source: BP_GUIDELINE,
                })
            }
            Reading::Body {
                weight_kg,
                height_cm,
            } => {
                let a = assess_bmi(weight_kg, height_cm / 100.0)?;
                Ok(Assessed {
                    category: a.category.message_id(),
                    advice: advice_id(a.category.message_id()),
                    severity: match a.category {
                        BmiCategory::Normal => Severity::Ok,
                        BmiCategory::Underweight | BmiCategory::Overweight => Severity::Caution,
                        BmiCategory::Obese => Severity::Alert,
                    },
                    urgent: false,
                    notes: Vec::new(),
                    guideline: "guideline-bmi",
                    source: a.source,
                })
            }
            Reading::Temperature { celsius } => {
                // Station thermometers are forehead/ear; the ear scale is the closest cited one.
                let a = assess_temperature(celsius, TemperatureSite::Ear)?;
                Ok(Assessed {
                    category: a.category.message_id(),
                    advice: advice_id(a.category.message_id()),
                    severity: match a.category {
                        TemperatureCategory::Normal => Severity::Ok,
                        TemperatureCategory::BelowNormal | TemperatureCategory::LowFever => {
                            Severity::Caution
                        }
                        _ => Severity::Alert,
                    },
                    urgent: a.urgent,
                    notes: Vec::new(),
                    guideline: "guideline-temperature",
                    source: a.source,
                })
            }
            Reading::Glucose { mmol_per_l, timing } => {
                let a = assess_glucose(mmol_per_l, timing)?;
                Ok(Assessed {
                    category: a.category.message_id(),
                    advice: advice_id(a.category.message_id()),
                    severity: match a.category {
                        GlucoseCategory::Normal | GlucoseCategory::RandomBelowDiabetesRange => {
                            Severity::Ok
                        }
                        GlucoseCategory::ImpairedFastingGlucose
                        | GlucoseCategory::ImpairedGlucoseTolerance => Severity::Caution,
                        GlucoseCategory::Low | GlucoseCategory::DiabetesRange => Severity::Alert,
                    },
                    urgent: a.urgent,
                    notes: vec![timing.message_id()],
                    guideline: "guideline-glucose",
                    source: a.source,
                })
            }
            Reading::Spo2 { percent, pulse } => {
                if !PULSE_PLAUSIBLE.contains(&pulse) {
                    return Err(VitalsError::Implausible {
                        vital: Vital::Pulse,
                        value: f64::from(pulse),
                        min: f64::from(*PULSE_PLAUSIBLE.start()),
                        max: f64::from(*PULSE_PLAUSIBLE.end()),
                    });
                }
                let a = assess_spo2(percent)?;
                Ok(Assessed {
                    category: a.category.message_id(),
                    advice: advice_id(a.category.message_id()),
                    severity: match a.category {
                        Spo2Category::Normal => Severity::Ok,
                        Spo2Category::Low => Severity::Caution,
                        Spo2Category::VeryLow => Severity::Alert,
                    },
                    urgent: a.urgent,
                    notes: Vec::new(),
                    guideline: "guideline-spo2",
                    source: a.source,
                })
            }
        }
    }
}

/// Advice messages sit beside their category: `bmi-category-obese` → `bmi-advice-obese`.
fn advice_id(category: &'static str) -> &'static str {
    ADVICE
        .iter()
        .find(|(c, _)| *c == category)
        .map(|(_, a)| *a)
        .unwrap_or("advice-see-doctor")
}

const ADVICE: &[(&str, &str)] = &[
    ("bmi-category-underweight", "bmi-advice-underweight"),
    ("bmi-category-normal", "bmi-advice-normal"),
    ("bmi-category-overweight", "bmi-advice-overweight"),
    ("bmi-category-obese", "bmi-advice-obese"),
    (
        "temperature-category-hypothermia",
        "temperature-advice-hypothermia",
    ),
    (
        "temperature-category-below-normal",
        "temperature-advice-below-normal",
    ),
    ("temperature-category-normal", "temperature-advice-normal"),
    (
        "temperature-category-low-fever",
        "temperature-advice-low-fever",
    ),
    (
        "temperature-category-moderate-fever",
        "temperature-advice-moderate-fever",
    ),
    (
        "temperature-category-high-fever",
        "temperature-advice-high-fever",
    ),
    (
        "temperature-category-hyperpyrexia",
        "temperature-advice-hyperpyrexia",
    ),
    ("glucose-category-low", "glucose-advice-low"),
    ("glucose-category-normal", "glucose-advice-normal"),
    (
        "glucose-category-random-below-diabetes-range",
        "glucose-advice-random-below-diabetes-range",
    ),
    (
        "glucose-category-impaired-fasting",
        "glucose-advice-impaired-fasting",
    ),
    (
        "glucose-category-impaired-tolerance",
        "glucose-advice-impaired-tolerance",
    ),
    (
        "glucose-category-diabetes-range",
        "glucose-advice-diabetes-range",
    ),
    ("spo2-category-very-low", "spo2-advice-very-low"),
    ("spo2-category-low", "spo2-advice-low"),
    ("spo2-category-normal", "spo2-advice-normal"),
];

/// Every advice message id, for the locale completeness test.
pub fn advice_ids() -> impl Iterator<Item = &'static str> {
    ADVICE.iter().map(|(_, a)| *a).chain(["advice-see-doctor"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bp(s: u16, d: u16) -> Reading {
        Reading::BloodPressure {
            systolic: s,
            diastolic: d,
            pulse: 70,
            irregular_pulse: false,
            body_movement: false,
            cuff_loose: false,
        }
    }

    #[test]
    fn urgent_values_are_flagged() {
        assert!(bp(182, 100).assess().unwrap().urgent);
        assert!(bp(150, 112).assess().unwrap().urgent);
        assert!(!bp(179, 109).assess().unwrap().urgent);
        let spo2 = |p| Reading::Spo2 {
            percent: p,
            pulse: 80,
        };
        assert!(spo2(89.0).assess().unwrap().urgent);
        assert!(!spo2(90.0).assess().unwrap().urgent);
        let glucose = Reading::Glucose {
            mmol_per_l: 3.5,
            timing: GlucoseTiming::Fasting,
        };
        assert!(glucose.assess().unwrap().urgent);
    }

    #[test]
    fn impossible_values_are_device_faults() {
        assert!(bp(400, 80).check().is_err());
        assert!(Reading::Body {
            weight_kg: 0.0,
            height_cm: 165.0
        }
        .check()
        .is_err());
        assert!(Reading::Spo2 {
            percent: 97.0,
            pulse: 0
        }
        .check()
        .is_err());
        assert!(Reading::Temperature { celsius: f64::NAN }.check().is_err());
    }

    #[test]
    fn body_shows_bmi_and_its_category() {
        let r = Reading::Body {
            weight_kg: 70.0,
            height_cm: 165.0,
        };
        let values = r.values();
        assert_eq!(values[2].label, "value-bmi");
        assert_eq!(values[2].value, "25.7");
        let a = r.assess().unwrap();
        assert_eq!(a.category, "bmi-category-overweight");
        assert_eq!(a.advice, "bmi-advice-overweight");
        assert_eq!(a.severity, Severity::Caution);
    }

    #[test]
    fn every_category_has_its_own_advice() {
        for (category, advice) in ADVICE {
            assert_eq!(advice_id(category), *advice);
            assert_eq!(category.replace("-category-", "-advice-"), *advice);
        }
    }

    #[test]
    fn stored_json_keeps_its_field_names() {
        let json = serde_json::to_string(&Reading::Glucose {
            mmol_per_l: 6.2,
            timing: GlucoseTiming::Fasting,
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"kind":"glucose","mmol_per_l":6.2,"timing":"fasting"}"#
        );
        // Rows written before irregular pulse was recorded still read.
        let old = r#"{"kind":"blood_pressure","systolic":128,"diastolic":82,"pulse":72,"isolated_systolic":false}"#;
        assert_eq!(
            serde_json::from_str::<Reading>(old).unwrap(),
            bp(128, 82).with_pulse(72)
        );
    }

    impl Reading {
        fn with_pulse(self, p: u16) -> Reading {
            match self {
                Reading::BloodPressure {
                    systolic,
                    diastolic,
                    irregular_pulse,
                    body_movement,
                    cuff_loose,
                    ..
                } => Reading::BloodPressure {
                    systolic,
                    diastolic,
                    pulse: p,
                    irregular_pulse,
                    body_movement,
                    cuff_loose,
                },
                other => other,
            }
        }
    }

    #[test]
    fn trend_keeps_one_kind_and_one_glucose_timing() {
        let fasting = |v| Reading::Glucose {
            mmol_per_l: v,
            timing: GlucoseTiming::Fasting,
        };
        let history = vec![
            ("01-01".to_string(), fasting(5.0)),
            (
                "01-02".to_string(),
                Reading::Glucose {
                    mmol_per_l: 9.0,
                    timing: GlucoseTiming::Random,
                },
            ),
            ("01-03".to_string(), bp(120, 80)),
            ("01-04".to_string(), fasting(6.5)),
        ];
        let t = trend(&fasting(6.5), &history);
        assert_eq!(t.series.len(), 1);
        let values: Vec<f64> = t.series[0].points.iter().map(|p| p.value).collect();
        assert_eq!(values, vec![5.0, 6.5]);
        assert!(t.low < 5.0 && t.high > 6.5);
        // The band the points sit in and its neighbours are drawn.
        assert!(t
            .bands
            .iter()
            .any(|b| b.severity == Severity::Ok && b.from <= 5.0 && b.to >= 6.1));
        assert!(t.bands.iter().any(|b| b.severity == Severity::Caution));
    }

    #[test]
    fn the_axis_reaches_the_nearest_band_edges() {
        let body = Reading::Body {
            weight_kg: 70.0,
            height_cm: 165.0,
        };
        let t = trend(&body, &[("11-23".to_string(), body)]);
        // BMI 25.7: the overweight band 24–28 is drawn whole, with a bit of each neighbour.
        assert!(t.low < 24.0 && t.high > 28.0, "{t:?}");
        let spo2 = Reading::Spo2 {
            percent: 86.0,
            pulse: 110,
        };
        let t = trend(&spo2, &[("11-23".to_string(), spo2)]);
        assert!(t.low <= 85.0 && t.high > 90.0, "{t:?}");
    }

    #[test]
    fn blood_pressure_trend_has_two_series() {
        let history: Vec<_> = (0..10)
            .map(|i| (format!("01-{:02}", i + 1), bp(120 + i, 80)))
            .collect();
        let t = trend(&bp(129, 80), &history);
        assert_eq!(t.series.len(), 2);
        assert!(t.series.iter().all(|s| s.points.len() == 10));
        assert!(t.low <= 80.0 && t.high >= 129.0);
    }

    proptest! {
        #[test]
        fn trend_axis_holds_every_point_and_bands_stay_inside(
            values in proptest::collection::vec(20.0f64..45.0, 0..30)
        ) {
            let history: Vec<_> = values
                .iter()
                .map(|v| ("01-01".to_string(), Reading::Temperature { celsius: *v }))
                .collect();
            let t = trend(&Reading::Temperature { celsius: 36.5 }, &history);
            prop_assert!(t.low < t.high);
            for p in t.series.iter().flat_map(|s| &s.points) {
                prop_assert!(p.value >= t.low && p.value <= t.high);
            }
            for b in &t.bands {
                prop_assert!(b.from >= t.low && b.to <= t.high && b.from < b.to);
            }
        }
    }
}
