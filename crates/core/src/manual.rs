//! Staff-assisted manual entry: what staff typed becomes a [`Reading`] only if every field is a
//! number within the same plausible range a device value must meet, so a typed value can never
//! be something a device reading could not be.

use std::ops::RangeInclusive;

use station_protocol::{
    GlucoseTiming, ManualField, ManualFieldError, ManualFieldView, MeasureKind,
};

use crate::assessment::{DIASTOLIC_PLAUSIBLE, PULSE_PLAUSIBLE, SYSTOLIC_PLAUSIBLE};
use crate::reading::{Assessed, Reading};
use crate::vitals::{
    GLUCOSE_MMOL_PLAUSIBLE, HEIGHT_M_PLAUSIBLE, SPO2_PLAUSIBLE, TEMPERATURE_C_PLAUSIBLE,
    WEIGHT_KG_PLAUSIBLE,
};

/// The values a field accepts, in the field's unit.
pub fn accepted_range(field: ManualField) -> RangeInclusive<f64> {
    let whole = |r: RangeInclusive<u16>| f64::from(*r.start())..=f64::from(*r.end());
    match field {
        ManualField::Systolic => whole(SYSTOLIC_PLAUSIBLE),
        ManualField::Diastolic => whole(DIASTOLIC_PLAUSIBLE),
        ManualField::Pulse => whole(PULSE_PLAUSIBLE),
        ManualField::HeightCm => {
            HEIGHT_M_PLAUSIBLE.start() * 100.0..=HEIGHT_M_PLAUSIBLE.end() * 100.0
        }
        ManualField::WeightKg => WEIGHT_KG_PLAUSIBLE,
        ManualField::Celsius => TEMPERATURE_C_PLAUSIBLE,
        ManualField::GlucoseMmol => GLUCOSE_MMOL_PLAUSIBLE,
        ManualField::Spo2Percent => SPO2_PLAUSIBLE,
    }
}

/// The empty form of a kind.
pub fn blank_form(kind: MeasureKind) -> Vec<ManualFieldView> {
    ManualField::for_kind(kind)
        .iter()
        .map(|&field| field_view(field, String::new(), None))
        .collect()
}

fn field_view(
    field: ManualField,
    value: String,
    error: Option<ManualFieldError>,
) -> ManualFieldView {
    let range = accepted_range(field);
    let places = usize::from(field.decimals());
    ManualFieldView {
        field,
        value,
        min: format!("{:.places$}", range.start()),
        max: format!("{:.places$}", range.end()),
        error,
    }
}

/// The form as submitted, with what is wrong in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualProblems {
    pub fields: Vec<ManualFieldView>,
    pub timing_missing: bool,
}

/// What staff typed for `kind` (values in [`ManualField::for_kind`] order), as a reading with
/// its assessment.
pub fn parse_entry(
    kind: MeasureKind,
    values: &[String],
    timing: Option<GlucoseTiming>,
) -> Result<(Reading, Assessed), ManualProblems> {
    let fields = ManualField::for_kind(kind);
    let typed = |i: usize| {
        values
            .get(i)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let parsed: Vec<Result<f64, ManualFieldError>> = fields
        .iter()
        .enumerate()
        .map(|(i, &field)| parse_field(field, &typed(i)))
        .collect();
    let mut errors: Vec<Option<ManualFieldError>> =
        parsed.iter().map(|r| r.as_ref().err().copied()).collect();
    let number = |f: ManualField| {
        fields
            .iter()
            .position(|&x| x == f)
            .and_then(|i| parsed.get(i)?.as_ref().ok().copied())
    };
    if let (Some(sys), Some(dia)) = (
        number(ManualField::Systolic),
        number(ManualField::Diastolic),
    ) {
        if dia >= sys {
            if let Some(i) = fields.iter().position(|&x| x == ManualField::Diastolic) {
                errors[i] = Some(ManualFieldError::NotBelowSystolic);
            }
        }
    }
    let timing_missing = kind == MeasureKind::Glucose && timing.is_none();
    let problems = |errors: &[Option<ManualFieldError>]| ManualProblems {
        fields: fields
            .iter()
            .enumerate()
            .map(|(i, &f)| field_view(f, typed(i), errors.get(i).copied().flatten()))
            .collect(),
        timing_missing,
    };
    if errors.iter().any(Option::is_some) || timing_missing {
        return Err(problems(&errors));
    }
    let n = |f| number(f).unwrap_or_default();
    // Whole-number fields were checked to have no decimals and to fit their range.
    let whole = |f| n(f) as u16;
    let reading = match kind {
        MeasureKind::BloodPressure => Reading::BloodPressure {
            systolic: whole(ManualField::Systolic),
            diastolic: whole(ManualField::Diastolic),
            pulse: whole(ManualField::Pulse),
            irregular_pulse: false,
            body_movement: false,
            cuff_loose: false,
        },
        MeasureKind::Body => Reading::Body {
            weight_kg: n(ManualField::WeightKg),
            height_cm: n(ManualField::HeightCm),
        },
        MeasureKind::Temperature => Reading::Temperature {
            celsius: n(ManualField::Celsius),
        },
        MeasureKind::Glucose => Reading::Glucose {
            mmol_per_l: n(ManualField::GlucoseMmol),
            timing: timing.unwrap_or(GlucoseTiming::Random),
        },
        MeasureKind::Spo2 => Reading::Spo2 {
            percent: n(ManualField::Spo2Percent),
            pulse: whole(ManualField::Pulse),
        },
    };
    // The same check a device value passes; the field ranges above make it hold.
    match reading.assess() {
        Ok(assessed) => Ok((reading, assessed)),
        Err(_) => {
            errors[0] = Some(ManualFieldError::OutOfRange);
            Err(problems(&errors))
        }
    }
}

/// Digits with at most the field's decimal places: no signs, exponents or "inf" that `f64`'s
/// parser would accept.
fn parse_field(field: ManualField, text: &str) -> Result<f64, ManualFieldError> {
    if text.is_empty() {
        return Err(ManualFieldError::Missing);
    }
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || frac.is_some_and(|f| f.is_empty() || !digits(f)) {
        return Err(ManualFieldError::NotANumber);
    }
    if frac.map_or(0, str::len) > usize::from(field.decimals()) {
        return Err(ManualFieldError::TooManyDecimals);
    }
    let value: f64 = text.parse().map_err(|_| ManualFieldError::NotANumber)?;
    if accepted_range(field).contains(&value) {
        Ok(value)
    } else {
        Err(ManualFieldError::OutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn errors(p: &ManualProblems) -> Vec<Option<ManualFieldError>> {
        p.fields.iter().map(|f| f.error).collect()
    }

    #[test]
    fn a_complete_blood_pressure_entry_is_a_reading() {
        let r = parse_entry(
            MeasureKind::BloodPressure,
            &strings(&["135", "85", "70"]),
            None,
        )
        .map(|(r, _)| r);
        assert!(matches!(
            r,
            Ok(Reading::BloodPressure {
                systolic: 135,
                diastolic: 85,
                pulse: 70,
                ..
            })
        ));
    }

    #[test]
    fn each_field_says_what_is_wrong_and_keeps_what_was_typed() {
        let p = parse_entry(
            MeasureKind::BloodPressure,
            &strings(&["400", "", "7x"]),
            None,
        )
        .expect_err("bad");
        assert_eq!(
            errors(&p),
            vec![
                Some(ManualFieldError::OutOfRange),
                Some(ManualFieldError::Missing),
                Some(ManualFieldError::NotANumber)
            ]
        );
        assert_eq!(p.fields[0].value, "400");
        assert_eq!(
            (p.fields[0].min.as_str(), p.fields[0].max.as_str()),
            ("50", "280")
        );
        let p = parse_entry(
            MeasureKind::BloodPressure,
            &strings(&["120", "130", "70"]),
            None,
        )
        .expect_err("diastolic above systolic");
        assert_eq!(errors(&p)[1], Some(ManualFieldError::NotBelowSystolic));
        let p = parse_entry(
            MeasureKind::BloodPressure,
            &strings(&["120.5", "80", "70"]),
            None,
        )
        .expect_err("decimals");
        assert_eq!(errors(&p)[0], Some(ManualFieldError::TooManyDecimals));
    }

    #[test]
    fn tenths_are_accepted_where_devices_give_them() {
        let (r, _) =
            parse_entry(MeasureKind::Body, &strings(&["165.5", "62.3"]), None).expect("ok");
        assert_eq!(
            r,
            Reading::Body {
                weight_kg: 62.3,
                height_cm: 165.5
            }
        );
        let p = parse_entry(MeasureKind::Temperature, &strings(&["36.55"]), None).expect_err("2dp");
        assert_eq!(errors(&p), vec![Some(ManualFieldError::TooManyDecimals)]);
        for bad in ["inf", "NaN", "-5", "+36", "1e2", ".5", "36.", "３６"] {
            let p = parse_entry(MeasureKind::Temperature, &strings(&[bad]), None).expect_err(bad);
            assert_eq!(
                errors(&p),
                vec![Some(ManualFieldError::NotANumber)],
                "{bad}"
            );
        }
        let p =
            parse_entry(MeasureKind::Body, &strings(&["165", "0"]), None).expect_err("weight 0");
        assert_eq!(errors(&p)[1], Some(ManualFieldError::OutOfRange));
    }

    #[test]
    fn glucose_needs_the_timing() {
        let p = parse_entry(MeasureKind::Glucose, &strings(&["6.2"]), None).expect_err("timing");
        assert!(p.timing_missing);
        assert_eq!(errors(&p), vec![None]);
        let r = parse_entry(
            MeasureKind::Glucose,
            &strings(&["6.2"]),
            Some(GlucoseTiming::Fasting),
        )
        .map(|(r, _)| r);
        assert_eq!(
            r,
            Ok(Reading::Glucose {
                mmol_per_l: 6.2,
                timing: GlucoseTiming::Fasting
            })
        );
    }

    /// The device plausibility ranges, written out from the sources (`assessment.rs`,
    /// `vitals.rs`) as literals in each field's unit, so this test does not compare
    /// `accepted_range` with itself.
    fn device_range(field: ManualField) -> (&'static str, &'static str) {
        match field {
            ManualField::Systolic => ("50", "280"),
            ManualField::Diastolic => ("30", "180"),
            ManualField::Pulse => ("30", "220"),
            ManualField::HeightCm => ("100.0", "250.0"),
            ManualField::WeightKg => ("20.0", "300.0"),
            ManualField::Celsius => ("30.0", "45.0"),
            ManualField::GlucoseMmol => ("1.1", "33.3"),
            ManualField::Spo2Percent => ("50", "100"),
        }
    }

    /// One step (the last typed place) below or above a value written with its decimals.
    fn beyond(edge: &str, up: bool) -> String {
        let places = edge.split_once('.').map_or(0, |(_, f)| f.len());
        let units: i64 = edge.replace('.', "").parse().expect("digits");
        let n = if up { units + 1 } else { units - 1 };
        if places == 0 {
            n.to_string()
        } else {
            format!("{}.{}", n / 10, n % 10)
        }
    }

    /// A form of `kind` whose other fields are ordinary and whose `field` is `value`. Blood
    /// pressure is 200/40 so that every systolic and diastolic edge stays apart.
    fn form_with(kind: MeasureKind, field: ManualField, value: &str) -> Vec<String> {
        ManualField::for_kind(kind)
            .iter()
            .map(|&f| {
                if f == field {
                    return value.to_string();
                }
                match f {
                    ManualField::Systolic => "200",
                    ManualField::Diastolic => "40",
                    ManualField::Pulse => "70",
                    ManualField::HeightCm => "165.0",
                    ManualField::WeightKg => "60.0",
                    ManualField::Celsius => "36.5",
                    ManualField::GlucoseMmol => "5.5",
                    ManualField::Spo2Percent => "97",
                }
                .to_string()
            })
            .collect()
    }

    /// The typed number of `field` in a reading (height in cm, as typed).
    fn value_of(reading: &Reading, field: ManualField) -> Option<f64> {
        match (*reading, field) {
            (Reading::BloodPressure { systolic, .. }, ManualField::Systolic) => {
                Some(f64::from(systolic))
            }
            (Reading::BloodPressure { diastolic, .. }, ManualField::Diastolic) => {
                Some(f64::from(diastolic))
            }
            (
                Reading::BloodPressure { pulse, .. } | Reading::Spo2 { pulse, .. },
                ManualField::Pulse,
            ) => Some(f64::from(pulse)),
            (Reading::Body { height_cm, .. }, ManualField::HeightCm) => Some(height_cm),
            (Reading::Body { weight_kg, .. }, ManualField::WeightKg) => Some(weight_kg),
            (Reading::Temperature { celsius }, ManualField::Celsius) => Some(celsius),
            (Reading::Glucose { mmol_per_l, .. }, ManualField::GlucoseMmol) => Some(mmol_per_l),
            (Reading::Spo2 { percent, .. }, ManualField::Spo2Percent) => Some(percent),
            _ => None,
        }
    }

    #[test]
    fn ranges_are_the_device_plausibility_ranges() {
        // At each edge of the device range the typed value is taken, and a device reading of it
        // passes the device check; one step beyond, the field is refused and so is the device
        // reading. The form shows the same edges.
        for kind in MeasureKind::ALL {
            for (i, &field) in ManualField::for_kind(kind).iter().enumerate() {
                let (min, max) = device_range(field);
                let form = blank_form(kind);
                assert_eq!(
                    (form[i].min.as_str(), form[i].max.as_str()),
                    (min, max),
                    "{field:?}"
                );
                for edge in [min, max] {
                    let typed = form_with(kind, field, edge);
                    let (reading, _) = parse_entry(kind, &typed, Some(GlucoseTiming::Fasting))
                        .unwrap_or_else(|p| panic!("{field:?} {edge}: {p:?}"));
                    let want: f64 = edge.parse().expect("number");
                    assert_eq!(value_of(&reading, field), Some(want), "{field:?} {edge}");
                    assert!(reading.check().is_ok(), "device check at {field:?} {edge}");
                }
                for (edge, up) in [(min, false), (max, true)] {
                    let out = beyond(edge, up);
                    let typed = form_with(kind, field, &out);
                    let p = parse_entry(kind, &typed, Some(GlucoseTiming::Fasting))
                        .expect_err(&format!("{field:?} {out}"));
                    assert_eq!(
                        errors(&p)[i],
                        Some(ManualFieldError::OutOfRange),
                        "{field:?} {out}"
                    );
                    // The device check refuses the same value (the typed form cannot hold it,
                    // so the reading is built here).
                    let inside = form_with(kind, field, edge);
                    let (reading, _) =
                        parse_entry(kind, &inside, Some(GlucoseTiming::Fasting)).expect("edge");
                    let moved = with_value(reading, field, out.parse().expect("number"));
                    assert!(moved.check().is_err(), "device check at {field:?} {out}");
                }
            }
        }
    }

    /// `reading` with `field` set to `v` (whole fields rounded, as a device would send them).
    fn with_value(reading: Reading, field: ManualField, v: f64) -> Reading {
        let whole = v.round() as u16;
        match (reading, field) {
            (
                Reading::BloodPressure {
                    diastolic, pulse, ..
                },
                ManualField::Systolic,
            ) => bp(whole, diastolic, pulse),
            (
                Reading::BloodPressure {
                    systolic, pulse, ..
                },
                ManualField::Diastolic,
            ) => bp(systolic, whole, pulse),
            (
                Reading::BloodPressure {
                    systolic,
                    diastolic,
                    ..
                },
                ManualField::Pulse,
            ) => bp(systolic, diastolic, whole),
            (Reading::Spo2 { percent, .. }, ManualField::Pulse) => Reading::Spo2 {
                percent,
                pulse: whole,
            },
            (Reading::Spo2 { pulse, .. }, ManualField::Spo2Percent) => {
                Reading::Spo2 { percent: v, pulse }
            }
            (Reading::Body { weight_kg, .. }, ManualField::HeightCm) => Reading::Body {
                weight_kg,
                height_cm: v,
            },
            (Reading::Body { height_cm, .. }, ManualField::WeightKg) => Reading::Body {
                weight_kg: v,
                height_cm,
            },
            (Reading::Temperature { .. }, ManualField::Celsius) => {
                Reading::Temperature { celsius: v }
            }
            (Reading::Glucose { timing, .. }, ManualField::GlucoseMmol) => Reading::Glucose {
                mmol_per_l: v,
                timing,
            },
            (other, _) => other,
        }
    }

    fn bp(systolic: u16, diastolic: u16, pulse: u16) -> Reading {
        Reading::BloodPressure {
            systolic,
            diastolic,
            pulse,
            irregular_pulse: false,
            body_movement: false,
            cuff_loose: false,
        }
    }

    proptest! {
        /// Arbitrary typing never panics; whatever is taken keeps the kind and exactly the
        /// numbers typed, each within the device range written out above.
        #[test]
        fn never_panics_and_a_reading_is_what_was_typed(
            a in "[0-9.a-z]{0,6}", b in "[0-9.]{0,6}", c in "[0-9]{0,4}",
        ) {
            for kind in MeasureKind::ALL {
                let values = vec![a.clone(), b.clone(), c.clone()];
                if let Ok((r, _)) = parse_entry(kind, &values, Some(GlucoseTiming::Random)) {
                    prop_assert_eq!(r.kind(), kind);
                    for (i, &field) in ManualField::for_kind(kind).iter().enumerate() {
                        let typed: f64 = values[i].parse().expect("taken, so a number");
                        prop_assert_eq!(value_of(&r, field), Some(typed));
                        let (min, max) = device_range(field);
                        let (min, max): (f64, f64) = (min.parse().expect("min"), max.parse().expect("max"));
                        prop_assert!((min..=max).contains(&typed), "{:?} {}", field, typed);
                    }
                }
            }
        }

        /// Every value a device could give (in the field's places, diastolic below systolic)
        /// is taken as typed: the manual ranges are not narrower than the device's.
        #[test]
        fn every_device_value_can_be_typed(
            sys in 50u16..=280, dia in 30u16..=180, pulse in 30u16..=220,
            height in 1000u32..=2500, weight in 200u32..=3000, celsius in 300u32..=450,
            glucose in 11u32..=333, spo2 in 50u32..=100,
        ) {
            let tenths = |n: u32| format!("{}.{}", n / 10, n % 10);
            let number = |n: u32| f64::from(n) / 10.0;
            let cases = [
                (MeasureKind::BloodPressure, vec![sys.to_string(), dia.to_string(), pulse.to_string()],
                    (dia < sys).then_some(bp(sys, dia, pulse))),
                (MeasureKind::Body, vec![tenths(height), tenths(weight)],
                    Some(Reading::Body { weight_kg: number(weight), height_cm: number(height) })),
                (MeasureKind::Temperature, vec![tenths(celsius)],
                    Some(Reading::Temperature { celsius: number(celsius) })),
                (MeasureKind::Glucose, vec![tenths(glucose)],
                    Some(Reading::Glucose { mmol_per_l: number(glucose), timing: GlucoseTiming::TwoHour })),
                (MeasureKind::Spo2, vec![spo2.to_string(), pulse.to_string()],
                    Some(Reading::Spo2 { percent: f64::from(spo2), pulse })),
            ];
            for (kind, typed, want) in cases {
                let got = parse_entry(kind, &typed, Some(GlucoseTiming::TwoHour));
                match want {
                    Some(want) => prop_assert_eq!(got.map(|(r, _)| r), Ok(want), "{:?} {:?}", kind, typed),
                    None => {
                        let p = got.expect_err("diastolic not below systolic");
                        prop_assert_eq!(errors(&p)[1], Some(ManualFieldError::NotBelowSystolic));
                    }
                }
            }
        }
    }
}
