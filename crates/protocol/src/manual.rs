//! Staff-assisted manual entry: a staff member, identified by their badge, types a value for
//! the resident in front of the station (measured with a manual device, or read off a device
//! the station cannot connect to). The form lives in the backend like every screen: the UI
//! sends key presses from its on-screen keypad (the kiosk has no keyboard), the station keeps
//! the typed text and validates it with the same plausibility ranges as device values.

use serde::{Deserialize, Serialize};

use crate::measure::{GlucoseTiming, MeasureKind};

/// One number on the manual-entry form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManualField {
    Systolic,
    Diastolic,
    Pulse,
    HeightCm,
    WeightKg,
    Celsius,
    GlucoseMmol,
    Spo2Percent,
}

impl ManualField {
    /// The form of each kind, in the order the result screen shows the values.
    pub fn for_kind(kind: MeasureKind) -> &'static [ManualField] {
        match kind {
            MeasureKind::BloodPressure => &[
                ManualField::Systolic,
                ManualField::Diastolic,
                ManualField::Pulse,
            ],
            MeasureKind::Body => &[ManualField::HeightCm, ManualField::WeightKg],
            MeasureKind::Temperature => &[ManualField::Celsius],
            MeasureKind::Glucose => &[ManualField::GlucoseMmol],
            MeasureKind::Spo2 => &[ManualField::Spo2Percent, ManualField::Pulse],
        }
    }

    /// Message id of the label (the result screen's own labels).
    pub fn label(self) -> &'static str {
        match self {
            ManualField::Systolic => "bp-systolic",
            ManualField::Diastolic => "bp-diastolic",
            ManualField::Pulse => "value-pulse",
            ManualField::HeightCm => "value-height",
            ManualField::WeightKg => "value-weight",
            ManualField::Celsius => "value-temperature",
            ManualField::GlucoseMmol => "value-glucose",
            ManualField::Spo2Percent => "value-spo2",
        }
    }

    /// Message id of the unit.
    pub fn unit(self) -> &'static str {
        match self {
            ManualField::Systolic | ManualField::Diastolic => "unit-mmhg",
            ManualField::Pulse => "unit-per-minute",
            ManualField::HeightCm => "unit-cm",
            ManualField::WeightKg => "unit-kg",
            ManualField::Celsius => "unit-celsius",
            ManualField::GlucoseMmol => "unit-mmol-per-l",
            ManualField::Spo2Percent => "unit-percent",
        }
    }

    /// Decimal places accepted (devices report these to whole units or tenths).
    pub fn decimals(self) -> u8 {
        match self {
            ManualField::Systolic
            | ManualField::Diastolic
            | ManualField::Pulse
            | ManualField::Spo2Percent => 0,
            ManualField::HeightCm
            | ManualField::WeightKg
            | ManualField::Celsius
            | ManualField::GlucoseMmol => 1,
        }
    }
}

/// Why a typed value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManualFieldError {
    Missing,
    NotANumber,
    TooManyDecimals,
    /// Outside the field's plausible range (shown with the range).
    OutOfRange,
    /// Diastolic must be below systolic.
    NotBelowSystolic,
}

impl ManualFieldError {
    pub fn message_id(self) -> &'static str {
        match self {
            ManualFieldError::Missing => "manual-error-missing",
            ManualFieldError::NotANumber => "manual-error-not-a-number",
            ManualFieldError::TooManyDecimals => "manual-error-decimals",
            ManualFieldError::OutOfRange => "manual-error-range",
            ManualFieldError::NotBelowSystolic => "manual-error-diastolic",
        }
    }
}

/// The manual-entry screen: which kind is being entered (none yet: the kind list) and the
/// form as last submitted, with what was wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManualEntryView {
    /// The staff badge, masked ("****B2C3").
    pub staff: String,
    pub kind: Option<MeasureKind>,
    pub fields: Vec<ManualFieldView>,
    /// The field the keypad types into.
    pub active: usize,
    /// Glucose only: when the resident last ate (decides the cut-offs).
    pub timing: Option<GlucoseTiming>,
    /// Glucose submitted without a timing.
    pub timing_missing: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManualFieldView {
    pub field: ManualField,
    /// What was typed so far.
    pub value: String,
    /// The accepted range, formatted as the field expects ("50", "280").
    pub min: String,
    pub max: String,
    pub error: Option<ManualFieldError>,
}

/// A key of the on-screen keypad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "key", content = "digit", rename_all = "snake_case")]
pub enum ManualKey {
    Digit(u8),
    Point,
    Delete,
}

impl ManualKey {
    /// No device value needs more characters ("280", "165.5").
    pub const MAX_LEN: usize = 5;

    /// `text` after this key: digits and one point, at most [`Self::MAX_LEN`] characters.
    pub fn apply(self, text: &str) -> String {
        let mut out = text.to_string();
        match self {
            ManualKey::Digit(d) if d < 10 && out.len() < Self::MAX_LEN => {
                out.push(char::from(b'0' + d));
            }
            ManualKey::Point if !out.contains('.') && out.len() < Self::MAX_LEN => {
                if out.is_empty() {
                    out.push('0');
                }
                out.push('.');
            }
            ManualKey::Delete => {
                out.pop();
            }
            _ => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_form_and_every_error_a_message() {
        for kind in MeasureKind::ALL {
            assert!(!ManualField::for_kind(kind).is_empty(), "{kind:?}");
        }
        for e in [
            ManualFieldError::Missing,
            ManualFieldError::NotANumber,
            ManualFieldError::TooManyDecimals,
            ManualFieldError::OutOfRange,
            ManualFieldError::NotBelowSystolic,
        ] {
            assert!(e.message_id().starts_with("manual-error-"));
        }
    }

    #[test]
    fn the_keypad_types_digits_and_one_point_within_the_length() {
        let typed = [
            ManualKey::Point,
            ManualKey::Digit(5),
            ManualKey::Point,
            ManualKey::Digit(12),
        ]
        .iter()
        .fold(String::new(), |t, k| k.apply(&t));
        assert_eq!(typed, "0.5");
        let long = (0..9).fold(String::new(), |t, _| ManualKey::Digit(9).apply(&t));
        assert_eq!(long, "99999");
        assert_eq!(ManualKey::Delete.apply("36.5"), "36.");
        assert_eq!(ManualKey::Delete.apply(""), "");
    }
}
