//! The numbers of a reading as the result screen and the report show them.

use station_protocol::ValueView;

use super::Reading;

impl Reading {
    /// The numbers of the result screen and the report, formatted once, here.
    pub fn values(&self) -> Vec<ValueView> {
        let v = |label: &str, value: String, unit: &str| ValueView {
            label: label.into(),
            value,
            unit: unit.into(),
        };
        match *self {
            Reading::BloodPressure {
                systolic,
                diastolic,
                pulse,
                ..
            } => vec![
                v("bp-systolic", systolic.to_string(), "unit-mmhg"),
                v("bp-diastolic", diastolic.to_string(), "unit-mmhg"),
                v("value-pulse", pulse.to_string(), "unit-per-minute"),
            ],
            Reading::Body {
                weight_kg,
                height_cm,
            } => {
                let mut out = vec![
                    v("value-height", format!("{height_cm:.1}"), "unit-cm"),
                    v("value-weight", format!("{weight_kg:.1}"), "unit-kg"),
                ];
                if let Some(bmi) = self.trend_values().first() {
                    out.push(v("value-bmi", format!("{bmi:.1}"), "unit-bmi"));
                }
                out
            }
            Reading::Temperature { celsius } => {
                vec![v(
                    "value-temperature",
                    format!("{celsius:.1}"),
                    "unit-celsius",
                )]
            }
            Reading::Glucose { mmol_per_l, .. } => {
                vec![v(
                    "value-glucose",
                    format!("{mmol_per_l:.1}"),
                    "unit-mmol-per-l",
                )]
            }
            Reading::Spo2 { percent, pulse } => vec![
                v("value-spo2", format!("{percent:.0}"), "unit-percent"),
                v("value-pulse", pulse.to_string(), "unit-per-minute"),
            ],
        }
    }
}
