//! The trend chart of a kind of reading: its series, the guideline's bands and the axis.

use station_protocol::{
    GlucoseTiming, MeasureKind, Severity, TrendBand, TrendPoint, TrendSeries, TrendView,
};

use super::Reading;
use crate::vitals::assess_bmi;

impl Reading {
    /// The value(s) the trend chart draws, one per series of [`trend`].
    pub(super) fn trend_values(&self) -> Vec<f64> {
        match *self {
            Reading::BloodPressure {
                systolic,
                diastolic,
                ..
            } => vec![f64::from(systolic), f64::from(diastolic)],
            Reading::Body {
                weight_kg,
                height_cm,
            } => assess_bmi(weight_kg, height_cm / 100.0)
                .map(|a| vec![a.bmi])
                .unwrap_or_default(),
            Reading::Temperature { celsius } => vec![celsius],
            Reading::Glucose { mmol_per_l, .. } => vec![mmol_per_l],
            Reading::Spo2 { percent, .. } => vec![percent],
        }
    }
}

/// The guideline's bands for the trend chart, on the first series' scale.
fn bands(kind: MeasureKind, timing: Option<GlucoseTiming>) -> Vec<(f64, f64, Severity)> {
    use Severity::*;
    const LOW: f64 = f64::MIN;
    const HIGH: f64 = f64::MAX;
    match kind {
        // By systolic, the first series.
        MeasureKind::BloodPressure => vec![
            (LOW, 120.0, Ok),
            (120.0, 140.0, Caution),
            (140.0, HIGH, Alert),
        ],
        MeasureKind::Body => vec![
            (LOW, 18.5, Caution),
            (18.5, 24.0, Ok),
            (24.0, 28.0, Caution),
            (28.0, HIGH, Alert),
        ],
        MeasureKind::Temperature => vec![
            (LOW, 35.0, Alert),
            (35.0, 36.0, Caution),
            (36.0, 37.3, Ok),
            (37.3, 38.1, Caution),
            (38.1, HIGH, Alert),
        ],
        MeasureKind::Glucose => match timing.unwrap_or(GlucoseTiming::Random) {
            GlucoseTiming::Fasting => vec![
                (LOW, 3.9, Alert),
                (3.9, 6.1, Ok),
                (6.1, 7.0, Caution),
                (7.0, HIGH, Alert),
            ],
            GlucoseTiming::TwoHour => vec![
                (LOW, 3.9, Alert),
                (3.9, 7.8, Ok),
                (7.8, 11.1, Caution),
                (11.1, HIGH, Alert),
            ],
            GlucoseTiming::Random => vec![(LOW, 3.9, Alert), (3.9, 11.1, Ok), (11.1, HIGH, Alert)],
        },
        MeasureKind::Spo2 => vec![(LOW, 90.0, Alert), (90.0, 95.0, Caution), (95.0, HIGH, Ok)],
    }
}

fn series_labels(kind: MeasureKind) -> &'static [&'static str] {
    match kind {
        MeasureKind::BloodPressure => &["bp-systolic", "bp-diastolic"],
        MeasureKind::Body => &["value-bmi"],
        MeasureKind::Temperature => &["value-temperature"],
        MeasureKind::Glucose => &["value-glucose"],
        MeasureKind::Spo2 => &["value-spo2"],
    }
}

fn trend_unit(kind: MeasureKind) -> &'static str {
    match kind {
        MeasureKind::BloodPressure => "unit-mmhg",
        MeasureKind::Body => "unit-bmi",
        MeasureKind::Temperature => "unit-celsius",
        MeasureKind::Glucose => "unit-mmol-per-l",
        MeasureKind::Spo2 => "unit-percent",
    }
}

/// The trend chart of `kind` from readings given oldest first as ("MM-DD", reading). Readings
/// of another kind, and glucose readings of another timing than `latest`, are left out: their
/// cut-offs differ.
pub fn trend(latest: &Reading, history: &[(String, Reading)]) -> TrendView {
    let kind = latest.kind();
    let timing = match latest {
        Reading::Glucose { timing, .. } => Some(*timing),
        _ => None,
    };
    let same = |r: &Reading| {
        r.kind() == kind
            && match (r, timing) {
                (Reading::Glucose { timing: t, .. }, Some(want)) => *t == want,
                _ => true,
            }
    };
    let labels = series_labels(kind);
    let mut series: Vec<TrendSeries> = labels
        .iter()
        .map(|l| TrendSeries {
            label: (*l).into(),
            points: Vec::new(),
        })
        .collect();
    for (date, reading) in history.iter().filter(|(_, r)| same(r)) {
        for (s, value) in series.iter_mut().zip(reading.trend_values()) {
            s.points.push(TrendPoint {
                date: date.clone(),
                value,
            });
        }
    }
    let values = series.iter().flat_map(|s| s.points.iter().map(|p| p.value));
    let (mut low, mut high) =
        values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let edges: Vec<f64> = bands(kind, timing)
        .iter()
        .flat_map(|(f, t, _)| [*f, *t])
        .filter(|e| e.abs() < 1e6)
        .collect();
    if low > high {
        // No points: the axis spans the bands.
        low = edges.iter().copied().fold(f64::MAX, f64::min);
        high = edges.iter().copied().fold(f64::MIN, f64::max);
    }
    // Room around the points, and the nearest band edge on each side (with a margin), so the
    // reader sees where the next band starts.
    let pad = ((high - low) * 0.15).max(1.0);
    let nearest_below = edges
        .iter()
        .copied()
        .filter(|e| *e <= low)
        .fold(f64::NAN, f64::max);
    let nearest_above = edges
        .iter()
        .copied()
        .filter(|e| *e >= high)
        .fold(f64::NAN, f64::min);
    let mut axis_low = low - pad;
    let mut axis_high = high + pad;
    if nearest_below.is_finite() {
        axis_low = axis_low.min(nearest_below - pad / 2.0);
    }
    if nearest_above.is_finite() {
        axis_high = axis_high.max(nearest_above + pad / 2.0);
    }
    let (low, high) = (axis_low.floor(), axis_high.ceil());
    let bands = bands(kind, timing)
        .into_iter()
        .filter_map(|(from, to, severity)| {
            let (from, to) = (from.max(low), to.min(high));
            (from < to).then_some(TrendBand { from, to, severity })
        })
        .collect();
    TrendView {
        unit: trend_unit(kind).into(),
        low,
        high,
        bands,
        series,
    }
}
