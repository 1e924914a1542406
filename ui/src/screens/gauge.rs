//! The results gauge: where the resident's value sits on the guideline's scale, read at a
//! glance. A horizontal bar divided into the guideline's categories, each named in words
//! (偏低 / 正常 / 正常高值 / 高 / 很高), told apart by colour, pattern and a shape beside the word
//! together (never colour alone), with a large pointer carrying the number.
//!
//! The categories are the trend's bands (`TrendView::bands`, the guideline's cut-offs on the
//! first series' scale). The backend trims them to the trend's axis, so the outermost band
//! on each side only shows where it starts: the segments are drawn equally wide, with the
//! guideline's cut-off numbers between them, and the pointer is placed inside its segment.

use leptos::prelude::*;
use station_protocol::{MeasureKind, ResultView, Severity, TrendBand};

use crate::pictograms::picture;
use crate::texts::Texts;

const MARK_OK: &str = r#"<svg viewBox="0 0 40 40" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"><circle cx="20" cy="20" r="17"/><path d="M11 21l6 6 12-13"/></svg>"#;
const MARK_CAUTION: &str = r#"<svg viewBox="0 0 40 40" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"><path d="M20 3L38 36H2z"/><path d="M20 14v10"/><circle cx="20" cy="30" r="1.5" fill="currentColor"/></svg>"#;
const MARK_ALERT: &str = r#"<svg viewBox="0 0 40 40" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"><path d="M13 2h14l11 11v14L27 38H13L2 27V13z"/><path d="M15 11v13M25 11v13"/><circle cx="15" cy="30" r="1.5" fill="currentColor"/><circle cx="25" cy="30" r="1.5" fill="currentColor"/></svg>"#;
const POINTER: &str =
    r#"<svg viewBox="0 0 60 40"><path d="M0 0h60L30 40z" fill="currentColor"/></svg>"#;

/// The shape that goes with a category's colour and words: a circle with a tick (fine), a
/// triangle with "!" (take note), an octagon with "!!" (act).
pub fn severity_shape(severity: Severity) -> impl IntoView {
    let (svg, class) = match severity {
        Severity::Ok => (MARK_OK, "mark mark-ok"),
        Severity::Caution => (MARK_CAUTION, "mark mark-caution"),
        Severity::Alert => (MARK_ALERT, "mark mark-alert"),
    };
    picture(svg, class)
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "ok",
        Severity::Caution => "caution",
        Severity::Alert => "alert",
    }
}

/// One category of the scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub severity: Severity,
    /// Its values, where the guideline gives them: the lower and upper cut-off.
    pub from: Option<f64>,
    pub to: Option<f64>,
    /// The message naming it.
    pub word: &'static str,
}

/// The scale: the bands in order; when the trimmed bands leave out the normal range, it is
/// added on the side where the bands get better (it is always there in the guideline).
pub fn segments(kind: MeasureKind, bands: &[TrendBand]) -> Vec<Segment> {
    let n = bands.len();
    let mut segs: Vec<(Severity, Option<f64>, Option<f64>)> = bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (
                b.severity,
                (i > 0).then_some(b.from),
                (i + 1 < n).then_some(b.to),
            )
        })
        .collect();
    if !segs.iter().any(|s| s.0 == Severity::Ok) {
        match (segs.first().map(|s| s.0), segs.last().map(|s| s.0)) {
            (Some(low), Some(high)) if low > high => segs.push((Severity::Ok, None, None)),
            (Some(low), Some(high)) if high > low => segs.insert(0, (Severity::Ok, None, None)),
            _ => {}
        }
    }
    let normal = segs.iter().position(|s| s.0 == Severity::Ok);
    segs.iter()
        .enumerate()
        .map(|(i, &(severity, from, to))| Segment {
            severity,
            from,
            to,
            word: word(kind, severity, normal.map(|k| i as isize - k as isize)),
        })
        .collect()
}

/// The word for a category, by its place from the normal range: blood pressure has the
/// guideline's own "正常高值"; other kinds say how far from normal, up or down.
fn word(kind: MeasureKind, severity: Severity, from_normal: Option<isize>) -> &'static str {
    match from_normal {
        Some(0) => "gauge-normal",
        Some(1) if kind == MeasureKind::BloodPressure && severity == Severity::Caution => {
            "gauge-high-normal"
        }
        Some(1) if severity == Severity::Caution => "gauge-raised",
        Some(1) => "gauge-high",
        Some(2..) if kind == MeasureKind::BloodPressure => "gauge-high",
        Some(2..) => "gauge-very-high",
        Some(-1) => "gauge-low",
        Some(_) => "gauge-very-low",
        None => match severity {
            Severity::Ok => "gauge-normal",
            Severity::Caution => "trend-band-caution",
            Severity::Alert => "trend-band-alert",
        },
    }
}

/// Where `value` sits, as a fraction of the scale's width: the middle of its segment's share,
/// moved towards the cut-off it is near. Segments with only one cut-off are given the width of
/// their neighbour, so a value far past the last cut-off is drawn far from it.
pub fn position(segs: &[Segment], value: f64) -> Option<(usize, f64)> {
    let n = segs.len();
    if n == 0 || !value.is_finite() {
        return None;
    }
    let inside = |s: &Segment| s.from.is_none_or(|f| value >= f) && s.to.is_none_or(|t| value < t);
    // An added normal range has no cut-offs: a value is never placed in it.
    let index = segs
        .iter()
        .position(|s| (s.from.is_some() || s.to.is_some() || n == 1) && inside(s))?;
    let seg = &segs[index];
    let span = |s: &Segment| match (s.from, s.to) {
        (Some(f), Some(t)) if t > f => Some(t - f),
        _ => None,
    };
    let neighbour = segs.get(index + 1).and_then(span).or_else(|| {
        index
            .checked_sub(1)
            .and_then(|i| segs.get(i))
            .and_then(span)
    });
    let within = match (seg.from, seg.to) {
        (Some(f), Some(t)) if t > f => (value - f) / (t - f),
        (Some(f), None) => (value - f) / neighbour.unwrap_or(f.abs().max(1.0) * 0.2),
        (None, Some(t)) => 1.0 - (t - value) / neighbour.unwrap_or(t.abs().max(1.0) * 0.2),
        _ => 0.5,
    };
    let within = within.clamp(0.1, 0.9);
    Some((index, (index as f64 + within) / n as f64))
}

fn edge_label(v: f64) -> String {
    if v.fract().abs() < 0.05 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// `titled`: name the number the scale is for (when the screen shows more than one judged
/// number, as blood pressure does).
pub fn gauge(view: &ResultView, titled: bool, t: &Texts) -> Option<impl IntoView> {
    let first = view.trend.series.first()?;
    let shown = view
        .summary
        .values
        .iter()
        .find(|v| v.label == first.label)?;
    let value: f64 = shown.value.trim().parse().ok()?;
    let segs = segments(view.summary.kind, &view.trend.bands);
    let (at, fraction) = position(&segs, value)?;
    let n = segs.len();
    let here = segs[at].clone();
    let share = 100.0 / n as f64;
    let bands = segs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let class = format!(
                "gauge-band band-{}{}",
                severity_class(s.severity),
                if i == at { " here" } else { "" }
            );
            view! { <div class=class></div> }
        })
        .collect::<Vec<_>>();
    let words = segs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let class = format!(
                "gauge-word word-{}{}",
                severity_class(s.severity),
                if i == at { " here" } else { "" }
            );
            view! { <div class=class>{severity_shape(s.severity)}<span>{t.tr(s.word)}</span></div> }
        })
        .collect::<Vec<_>>();
    // The guideline's cut-offs, between the segments they separate.
    let edges = segs
        .iter()
        .enumerate()
        .skip(1)
        .filter_map(|(i, s)| s.from.map(|f| (i, f)))
        .map(|(i, f)| {
            view! {
                <span class="gauge-edge" style=("left", format!("{:.2}%", i as f64 * share))>{edge_label(f)}</span>
            }
        })
        .collect::<Vec<_>>();
    let label = t.tr(&first.label);
    let summary = t.tr_with(
        "gauge-summary",
        &[
            ("label", label.clone()),
            ("value", shown.value.clone()),
            ("band", t.tr(here.word)),
        ],
    );
    // Blood pressure is judged by the worse of its two numbers; the scale is drawn for the
    // first. When the other one decides, say so rather than let the pointer disagree.
    let other_decides = view.trend.series.len() > 1 && here.severity != view.summary.severity;
    // Positions go through the CSS object model: the page's CSP forbids style attributes.
    let at = format!("{:.2}%", fraction * 100.0);
    let note = other_decides.then(|| t.tr_with("gauge-other-decides", &[("label", label.clone())]));
    Some(view! {
        <div class="gauge" role="img" aria-label=summary>
            {titled.then(|| view! { <p class="gauge-title">{label.clone()}</p> })}
            <div class="gauge-track">
                <div class="gauge-pointer" style=("--at", at)>
                    <span class="gauge-value">{shown.value.clone()}</span>
                    {picture(POINTER, "gauge-arrow")}
                </div>
                <div class="gauge-scale">{bands}</div>
                <div class="gauge-edges">{edges}</div>
            </div>
            <div class="gauge-words">{words}</div>
            {note.map(|note| view! { <p class="gauge-note">{note}</p> })}
        </div>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(from: f64, to: f64, severity: Severity) -> TrendBand {
        TrendBand { from, to, severity }
    }

    #[test]
    fn blood_pressure_bands_read_normal_high_normal_high() {
        let bands = [
            band(119.0, 120.0, Severity::Ok),
            band(120.0, 140.0, Severity::Caution),
            band(140.0, 141.0, Severity::Alert),
        ];
        let segs = segments(MeasureKind::BloodPressure, &bands);
        let words: Vec<_> = segs.iter().map(|s| s.word).collect();
        assert_eq!(words, ["gauge-normal", "gauge-high-normal", "gauge-high"]);
        let (at, x) = position(&segs, 128.0).expect("placed");
        assert_eq!(at, 1);
        assert!((x - (1.0 + 0.4) / 3.0).abs() < 1e-9, "{x}");
    }

    #[test]
    fn a_missing_normal_range_is_added_where_the_bands_get_better() {
        // SpO2 86 %: the trimmed axis holds "very low" and the start of "low" only.
        let bands = [
            band(85.0, 90.0, Severity::Alert),
            band(90.0, 91.0, Severity::Caution),
        ];
        let segs = segments(MeasureKind::Spo2, &bands);
        let words: Vec<_> = segs.iter().map(|s| s.word).collect();
        assert_eq!(words, ["gauge-very-low", "gauge-low", "gauge-normal"]);
        assert_eq!(position(&segs, 86.0).map(|p| p.0), Some(0));
        // Blood pressure 180: normal lies below.
        let bands = [
            band(139.0, 140.0, Severity::Caution),
            band(140.0, 181.0, Severity::Alert),
        ];
        let segs = segments(MeasureKind::BloodPressure, &bands);
        let words: Vec<_> = segs.iter().map(|s| s.word).collect();
        assert_eq!(words, ["gauge-normal", "gauge-high-normal", "gauge-high"]);
        assert_eq!(position(&segs, 180.0).map(|p| p.0), Some(2));
    }

    #[test]
    fn values_past_the_last_cut_off_are_drawn_further_out() {
        let bands = [
            band(17.0, 18.5, Severity::Caution),
            band(18.5, 24.0, Severity::Ok),
            band(24.0, 28.0, Severity::Caution),
            band(28.0, 40.0, Severity::Alert),
        ];
        let segs = segments(MeasureKind::Body, &bands);
        let words: Vec<_> = segs.iter().map(|s| s.word).collect();
        assert_eq!(
            words,
            [
                "gauge-low",
                "gauge-normal",
                "gauge-raised",
                "gauge-very-high"
            ]
        );
        let near = position(&segs, 28.5).expect("placed").1;
        let far = position(&segs, 31.0).expect("placed").1;
        assert!(near < far, "{near} {far}");
        assert!(far < 1.0);
        // Exactly on a cut-off: the category that starts there.
        assert_eq!(position(&segs, 24.0).map(|p| p.0), Some(2));
    }
}
