//! Guided self-test measurements (Wenzhou 5.7.1): what can be measured, the steps of each, and
//! the result as the screen shows it.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, EnumDiscriminants, IntoStaticStr, VariantArray};

use crate::{all_variants, PromptId};

/// What a resident can measure at the station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// Two id families: the stored key "blood_pressure" (= serde) from this enum, the message
// "measure-blood-pressure" from a crate-private twin (one strum string style per enum).
#[derive(EnumCount, VariantArray, IntoStaticStr, EnumDiscriminants)]
#[strum(serialize_all = "snake_case")]
#[strum_discriminants(
    name(MeasureKindMessage),
    vis(pub(crate)),
    derive(IntoStaticStr),
    strum(serialize_all = "kebab-case", prefix = "measure-")
)]
pub enum MeasureKind {
    BloodPressure,
    /// Height and weight together (the station's height-weight scale), giving BMI.
    Body,
    Temperature,
    Glucose,
    /// Blood oxygen saturation and pulse (finger oximeter).
    Spo2,
}

impl MeasureKind {
    pub const ALL: [MeasureKind; MeasureKind::COUNT] = all_variants();

    /// The key stored with each reading and used in logs and audit records: the serde form,
    /// "blood_pressure".
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn from_key(key: &str) -> Option<MeasureKind> {
        MeasureKind::ALL.into_iter().find(|k| k.as_str() == key)
    }

    /// The locale message naming this measurement ("测量血压"): "measure-blood-pressure".
    pub fn message_id(self) -> &'static str {
        MeasureKindMessage::from(self).into()
    }

    /// The guided steps, in order; the last is always [`MeasureStep::Measuring`].
    pub fn steps(self) -> &'static [MeasureStep] {
        use MeasureStep::*;
        match self {
            MeasureKind::BloodPressure => &[Sit, Cuff, Measuring],
            MeasureKind::Body => &[StandOnScale, Measuring],
            MeasureKind::Temperature => &[PlaceThermometer, Measuring],
            MeasureKind::Glucose => &[ChooseGlucoseTiming, PrepareStrip, Measuring],
            MeasureKind::Spo2 => &[ClipFinger, Measuring],
        }
    }

    /// The step after `step`, if any.
    pub fn next_step(self, step: MeasureStep) -> Option<MeasureStep> {
        let steps = self.steps();
        let at = steps.iter().position(|s| *s == step)?;
        steps.get(at + 1).copied()
    }

    /// Where "再测一次" starts: the last step before measuring (the resident is already seated,
    /// fasting or not, and so on).
    pub fn retry_step(self) -> MeasureStep {
        let steps = self.steps();
        steps
            .len()
            .checked_sub(2)
            .and_then(|i| steps.get(i).copied())
            .unwrap_or(MeasureStep::Measuring)
    }
}

/// One guided step of a measurement; each has a picture, a spoken prompt and its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(EnumCount, VariantArray, IntoStaticStr)]
#[strum(serialize_all = "kebab-case", prefix = "step-")]
pub enum MeasureStep {
    Sit,
    Cuff,
    StandOnScale,
    PlaceThermometer,
    #[strum(serialize = "glucose-timing")]
    ChooseGlucoseTiming,
    PrepareStrip,
    ClipFinger,
    Measuring,
}

impl MeasureStep {
    pub const ALL: [MeasureStep; MeasureStep::COUNT] = all_variants();

    /// The step's spoken prompt. Named after what the resident does with which device, so the
    /// names differ: this is a mapping, not an id table.
    pub fn prompt(self) -> PromptId {
        match self {
            MeasureStep::Sit => PromptId::BpSit,
            MeasureStep::Cuff => PromptId::BpCuff,
            MeasureStep::StandOnScale => PromptId::BodyStand,
            MeasureStep::PlaceThermometer => PromptId::TemperaturePlace,
            MeasureStep::ChooseGlucoseTiming => PromptId::GlucoseTiming,
            MeasureStep::PrepareStrip => PromptId::GlucoseStrip,
            MeasureStep::ClipFinger => PromptId::Spo2Clip,
            MeasureStep::Measuring => PromptId::Measuring,
        }
    }

    /// The message-id stem of this step's title and body (`<stem>-title`, `<stem>-body`):
    /// "step-stand-on-scale".
    pub fn message_stem(self) -> &'static str {
        self.into()
    }
}

/// When blood was taken relative to food; it decides which glucose cut-offs apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// Two id families, as for `MeasureKind`: the stored key "two_hour" (= serde) and the message
// "glucose-timing-two-hour".
#[derive(EnumCount, VariantArray, IntoStaticStr, EnumDiscriminants)]
#[strum(serialize_all = "snake_case")]
#[strum_discriminants(
    name(GlucoseTimingMessage),
    vis(pub(crate)),
    derive(IntoStaticStr),
    strum(serialize_all = "kebab-case", prefix = "glucose-timing-")
)]
pub enum GlucoseTiming {
    /// At least 8 h without calories.
    Fasting,
    /// 2 h after the start of a meal (at the kiosk; 2 h after a 75 g load in the clinic).
    TwoHour,
    /// Any time.
    Random,
}

impl GlucoseTiming {
    pub const ALL: [GlucoseTiming; GlucoseTiming::COUNT] = all_variants();

    /// "glucose-timing-two-hour".
    pub fn message_id(self) -> &'static str {
        GlucoseTimingMessage::from(self).into()
    }

    /// The key stored with a glucose reading: the serde form, "two_hour".
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How a result reads, shown as words and a symbol (never colour alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Ok,
    Caution,
    Alert,
}

/// Where a reading's values came from, shown with it on screen and on paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum ReadingSource {
    /// Measured by a device: its model (and address, where the device has one).
    Device { model: String },
    /// Typed in by staff: their badge, masked ("****B2C3").
    Staff { badge: String },
    /// A demonstration: no device measured it.
    Demo,
}

/// A reading as people read it, on screen and on paper. One function makes it
/// (`station_core::reading::summary`), so the result screen and the report cannot disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadingSummary {
    pub kind: MeasureKind,
    pub values: Vec<ValueView>,
    /// Locale message ids.
    pub category: String,
    pub advice: String,
    pub severity: Severity,
    /// Extra findings as message ids ("单纯收缩期高血压", "脉搏不齐").
    pub notes: Vec<String>,
    /// Needs a doctor soon ("请尽快就医"); an alert for the family doctor was queued.
    pub urgent: bool,
    /// Station local time, "YYYY-MM-DD HH:MM".
    pub taken_at: String,
    /// Message id naming the guideline the category comes from.
    pub guideline: String,
    pub source: ReadingSource,
}

/// A measured result as the result screen shows it: the reading and the resident's trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultView {
    pub reading_id: i64,
    pub summary: ReadingSummary,
    pub trend: TrendView,
    /// An urgent result at a station with the cloud clinic: the screen offers "呼叫医生".
    #[serde(default)]
    pub offer_doctor: bool,
}

/// One number of a result: label and unit are message ids, the value is already formatted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueView {
    pub label: String,
    pub value: String,
    pub unit: String,
}

/// The resident's last readings of one kind, oldest first, with the guideline's bands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendView {
    /// Message id of the unit.
    pub unit: String,
    /// The value axis, wide enough for every point and band edge.
    pub low: f64,
    pub high: f64,
    pub bands: Vec<TrendBand>,
    pub series: Vec<TrendSeries>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendBand {
    pub from: f64,
    pub to: f64,
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendSeries {
    /// Message id ("收缩压").
    pub label: String,
    pub points: Vec<TrendPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// "MM-DD".
    pub date: String,
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_ends_by_measuring_and_walks_its_steps_in_order() {
        for kind in MeasureKind::ALL {
            let steps = kind.steps();
            assert_eq!(steps.last(), Some(&MeasureStep::Measuring), "{kind:?}");
            let mut step = steps[0];
            let mut walked = vec![step];
            while let Some(next) = kind.next_step(step) {
                walked.push(next);
                step = next;
            }
            assert_eq!(walked, steps, "{kind:?}");
            assert!(steps.contains(&kind.retry_step()));
            assert_ne!(kind.retry_step(), MeasureStep::Measuring);
            assert_eq!(MeasureKind::from_key(kind.as_str()), Some(kind));
        }
    }
}
