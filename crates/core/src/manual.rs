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

    #[test]
    fn ranges_are_the_device_plausibility_ranges() {
        // A value at each edge passes, one step beyond fails: the same as a device value.
        for kind in MeasureKind::ALL {
            for (i, &field) in ManualField::for_kind(kind).iter().enumerate() {
                let r = accepted_range(field);
                let step = if field.decimals() == 0 { 1.0 } else { 0.1 };
                let places = usize::from(field.decimals());
                let form = blank_form(kind);
                assert_eq!(form[i].min, format!("{:.places$}", r.start()));
                let p = parse_field(field, &format!("{:.places$}", r.end() + step));
                assert_eq!(p, Err(ManualFieldError::OutOfRange), "{field:?}");
                assert_eq!(
                    parse_field(field, &format!("{:.places$}", r.end())),
                    Ok(*r.end())
                );
            }
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_a_reading_is_always_plausible(
            a in "[0-9.a-z]{0,6}", b in "[0-9.]{0,6}", c in "[0-9]{0,4}",
        ) {
            for kind in MeasureKind::ALL {
                let values = vec![a.clone(), b.clone(), c.clone()];
                if let Ok((r, _)) = parse_entry(kind, &values, Some(GlucoseTiming::Random)) {
                    prop_assert!(r.assess().is_ok());
                    prop_assert_eq!(r.kind(), kind);
                }
            }
        }
    }
}
