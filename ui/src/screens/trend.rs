//! The resident's trend: once there are two or more readings of a kind, a simple line over the
//! last ones, each point with its number, the dates in words ("上次 3月5日"). Where a value sits
//! in the guideline is the gauge's job; this only shows up or down. Drawn 1:1 in CSS pixels so
//! its words keep the kiosk's 24 px minimum; two series differ by marker shape and line style,
//! not only colour.

use leptos::prelude::*;
use station_protocol::TrendView;

use crate::texts::Texts;

const W: f64 = 760.0;
const H: f64 = 330.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 60.0;
/// Room for the number above the highest point, and two lines of dates below.
const TOP: f64 = 50.0;
const BOTTOM: f64 = 90.0;

fn number(v: f64) -> String {
    if v.fract().abs() < 0.05 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// "MM-DD" in words: "3月5日" / "Mar 5".
pub fn date_words(date: &str, t: &Texts) -> String {
    let mut parts = date.split('-').filter_map(|p| p.parse::<u32>().ok());
    match (parts.next(), parts.next()) {
        (Some(month), Some(day)) if (1..=12).contains(&month) => t.tr_with(
            "trend-date",
            &[
                ("month", t.tr(&format!("month-{month}"))),
                ("day", day.to_string()),
            ],
        ),
        _ => date.to_string(),
    }
}

/// `None` below two readings: one point is not a trend.
pub fn trend_chart(trend: &TrendView, t: &Texts) -> Option<impl IntoView> {
    let count = trend
        .series
        .iter()
        .map(|s| s.points.len())
        .max()
        .unwrap_or(0);
    if count < 2 {
        return None;
    }
    let values = trend
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.value));
    let (low, high) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((high - low) * 0.1).max(1.0);
    let (low, high) = (low - pad, high + pad);
    let y = move |v: f64| TOP + (high - v) / (high - low) * (H - TOP - BOTTOM);
    let x = move |i: usize| LEFT + i as f64 * (W - LEFT - RIGHT) / (count - 1) as f64;
    // Lines and markers first, every number after them, so no line is drawn over a number.
    let lines = trend
        .series
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let path = s
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.value)))
                .collect::<Vec<_>>()
                .join(" ");
            let markers = s
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let (cx, cy) = (x(i), y(p.value));
                    if n == 0 {
                        view! { <circle class="marker" cx=cx cy=cy r="10"/> }.into_any()
                    } else {
                        view! { <rect class="marker" x=cx - 9.0 y=cy - 9.0 width="18" height="18"/> }
                            .into_any()
                    }
                })
                .collect::<Vec<_>>();
            let class = if n == 0 { "series" } else { "series series-dashed" };
            view! {
                <polyline class=class points=path/>
                {markers}
            }
        })
        .collect::<Vec<_>>();
    let numbers = trend
        .series
        .iter()
        .flat_map(|s| {
            s.points.iter().enumerate().map(|(i, p)| {
                view! {
                    <text class="point-value" x=x(i) y=y(p.value) - 20.0 text-anchor="middle">{number(p.value)}</text>
                }
            })
        })
        .collect::<Vec<_>>();
    // Dates under the points: "这次" for this reading, "上次 3月5日" for the one before, and
    // the first one's date when there are more.
    let dates = trend.series.first().map(|s| {
        let last = s.points.len().saturating_sub(1);
        s.points
            .iter()
            .enumerate()
            .filter(|(i, _)| *i + 2 >= s.points.len() || *i == 0)
            .map(|(i, p)| {
                let words = if i == last {
                    t.tr("trend-this-time")
                } else if i + 1 == last {
                    t.tr_with("trend-last-time", &[("date", date_words(&p.date, t))])
                } else {
                    date_words(&p.date, t)
                };
                let anchor = if i == 0 {
                    "start"
                } else if i == last {
                    "end"
                } else {
                    "middle"
                };
                let tx = match anchor {
                    "start" => x(i) - 20.0,
                    "end" => x(i) + 20.0,
                    _ => x(i),
                };
                // Alternate lines when two dates are close together.
                let ty = if last > 1 && i + 1 == last && count > 4 {
                    H - 6.0
                } else {
                    H - 40.0
                };
                view! { <text class="date" x=tx y=ty text-anchor=anchor>{words}</text> }
            })
            .collect::<Vec<_>>()
    });
    let legend = (trend.series.len() > 1).then(|| {
        trend
            .series
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let mark = if n == 0 { "●" } else { "■" };
                format!("{mark} {}", t.tr(&s.label))
            })
            .collect::<Vec<_>>()
            .join("   ")
    });
    let title = t.tr_with("trend-title", &[("count", count.to_string())]);
    Some(view! {
        <figure class="trend">
            <figcaption>{title.clone()}" ("{t.tr(&trend.unit)}")"</figcaption>
            <svg width=W height=H viewBox=format!("0 0 {W} {H}") role="img" aria-label=title>
                {lines}
                {numbers}
                {dates}
            </svg>
            {legend.map(|l| view! { <p class="legend">{l}</p> })}
        </figure>
    })
}
