//! The resident's trend: their last readings of one kind as a line chart over the guideline's
//! bands. Drawn 1:1 in CSS pixels so its labels keep the kiosk's 24 px minimum; bands are told
//! apart by pattern and a word, not by colour alone.

use leptos::prelude::*;
use station_protocol::{Severity, TrendView};

use crate::texts::Texts;

const W: f64 = 720.0;
const H: f64 = 420.0;
/// Room for the value axis labels (left), band words (right), dates (bottom).
const LEFT: f64 = 70.0;
const RIGHT: f64 = 120.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 50.0;

fn band_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "trend-band-ok",
        Severity::Caution => "trend-band-caution",
        Severity::Alert => "trend-band-alert",
    }
}

fn label(v: f64) -> String {
    if v.fract().abs() < 0.05 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

pub fn trend_chart(trend: &TrendView, t: &Texts) -> impl IntoView {
    let span = (trend.high - trend.low).max(f64::EPSILON);
    let y = move |v: f64| TOP + (trend.high - v) / span * (H - TOP - BOTTOM);
    let count = trend
        .series
        .iter()
        .map(|s| s.points.len())
        .max()
        .unwrap_or(0);
    let x = move |i: usize| {
        if count <= 1 {
            LEFT + (W - LEFT - RIGHT) / 2.0
        } else {
            LEFT + i as f64 * (W - LEFT - RIGHT) / (count - 1) as f64
        }
    };
    let bands = trend
        .bands
        .iter()
        .map(|b| {
            let (top, bottom) = (y(b.to), y(b.from));
            let class = match b.severity {
                Severity::Ok => "band band-ok",
                Severity::Caution => "band band-caution",
                Severity::Alert => "band band-alert",
            };
            let word = (bottom - top >= 28.0).then(|| {
                view! {
                    <text class="band-word" x=W - RIGHT + 8.0 y=(top + bottom) / 2.0 + 9.0>{t.tr(band_word(b.severity))}</text>
                }
            });
            view! {
                <rect class=class x=LEFT y=top width=W - LEFT - RIGHT height=bottom - top/>
                <line class="band-edge" x1=LEFT x2=W - RIGHT y1=top y2=top/>
                <text class="axis" x=LEFT - 8.0 y=top + 9.0 text-anchor="end">{label(b.to)}</text>
                {word}
            }
        })
        .collect::<Vec<_>>();
    let series = trend
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
            // Series differ by marker shape and line style, not only colour.
            let markers = s
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let (cx, cy) = (x(i), y(p.value));
                    if n == 0 {
                        view! { <circle class="marker" cx=cx cy=cy r="9"/> }.into_any()
                    } else {
                        view! { <rect class="marker" x=cx - 8.0 y=cy - 8.0 width="16" height="16"/> }
                            .into_any()
                    }
                })
                .collect::<Vec<_>>();
            let last = s.points.last().map(|p| {
                let i = s.points.len() - 1;
                view! { <text class="point-value" x=x(i) y=y(p.value) - 16.0 text-anchor="middle">{label(p.value)}</text> }
            });
            let class = if n == 0 { "series" } else { "series series-dashed" };
            view! {
                <polyline class=class points=path/>
                {markers}
                {last}
            }
        })
        .collect::<Vec<_>>();
    let bottom_label = view! {
        <text class="axis" x=LEFT - 8.0 y=H - BOTTOM text-anchor="end">{label(trend.low)}</text>
    };
    let dates = trend.series.first().map(|s| {
        let first = s.points.first().map(|p| {
            view! { <text class="axis" x=x(0) y=H - 12.0 text-anchor="middle">{p.date.clone()}</text> }
        });
        let last = (s.points.len() > 1)
            .then(|| s.points.last())
            .flatten()
            .map(|p| {
                view! { <text class="axis" x=x(s.points.len() - 1) y=H - 12.0 text-anchor="middle">{p.date.clone()}</text> }
            });
        view! { {first}{last} }
    });
    let legend = trend
        .series
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let mark = if n == 0 { "●" } else { "■" };
            format!("{mark} {}", t.tr(&s.label))
        })
        .collect::<Vec<_>>()
        .join("   ");
    view! {
        <figure class="trend">
            <figcaption>
                {t.tr_with("trend-title", &[("count", count.to_string())])}
                " ("{t.tr(&trend.unit)}")"
            </figcaption>
            <svg width=W height=H viewBox=format!("0 0 {W} {H}") role="img" aria-label=t.tr("trend-title-short")>
                <defs>
                    <pattern id="hatch-caution" width="16" height="16" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <line x1="0" y1="0" x2="0" y2="16" class="hatch"/>
                    </pattern>
                    <pattern id="hatch-alert" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <line x1="0" y1="0" x2="0" y2="8" class="hatch"/>
                    </pattern>
                </defs>
                {bands}
                {bottom_label}
                {series}
                {dates}
            </svg>
            <p class="legend">{legend}</p>
        </figure>
    }
}
