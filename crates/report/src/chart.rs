//! The blood-pressure trend, drawn as vectors. Black only (thermal printers have no colour, and
//! colour alone must never carry meaning): the two series differ by marker shape (● systolic,
//! ■ diastolic), the 140/90 guideline lines are dashed and labelled.

use crate::canvas::Canvas;
use crate::BpEntry;

const SERIES_PT: f32 = 2.0;
const GUIDE_PT: f32 = 1.2;
const GRID_PT: f32 = 0.3;
/// The guideline thresholds for hypertension (Chinese guideline 2018): 140/90 mmHg.
pub(crate) const GUIDE_SYSTOLIC: u16 = 140;
pub(crate) const GUIDE_DIASTOLIC: u16 = 90;
/// Outside this range a value is drawn at the edge (the reading's own block says it is unusual).
const AXIS_FLOOR: u16 = 0;
const AXIS_CEIL: u16 = 300;

pub(crate) fn circle(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    (0..16)
        .map(|i| {
            let a = i as f32 * std::f32::consts::TAU / 16.0;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

pub(crate) fn square(c: &mut Canvas, cx: f32, cy: f32, half: f32) {
    c.fill_rect(cx - half, cy - half, 2.0 * half, 2.0 * half);
}

/// "MM-DD" of a "YYYY-MM-DD HH:MM" time, else the text itself.
fn day_label(taken_at: &str) -> String {
    let chars: Vec<char> = taken_at.chars().collect();
    if chars.len() >= 10 && chars.get(4) == Some(&'-') && chars.get(7) == Some(&'-') {
        chars
            .get(5..10)
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    } else {
        taken_at.to_string()
    }
}

/// Draws the chart into the box (`x`, `y` top-left, `w` × `h` mm). `entries` oldest first.
pub(crate) fn draw_trend(
    c: &mut Canvas,
    (x, y, w, h): (f32, f32, f32, f32),
    entries: &[&BpEntry],
    label_size: f32,
    marker: f32,
) {
    let axis_w = c.measure("300", label_size) + 2.0;
    let label_h = Canvas::line_height(label_size);
    let (px0, px1) = (x + axis_w, x + w - axis_w);
    let (py0, py1) = (y + label_h / 2.0, y + h - label_h);

    let max_sys = entries
        .iter()
        .map(|e| e.systolic.max(e.diastolic))
        .max()
        .unwrap_or(0);
    let min_dia = entries
        .iter()
        .map(|e| e.diastolic.min(e.systolic))
        .min()
        .unwrap_or(u16::MAX);
    let lo = (min_dia / 20 * 20).clamp(AXIS_FLOOR, 40);
    let hi = max_sys
        .div_ceil(20)
        .saturating_mul(20)
        .clamp(200, AXIS_CEIL);
    let span = f32::from(hi - lo);
    let vy = |v: u16| py1 - f32::from(v.clamp(lo, hi) - lo) / span * (py1 - py0);

    // Grid every 20 mmHg, labelled every 40.
    let mut v = lo;
    while v <= hi {
        let gy = vy(v);
        if v != GUIDE_SYSTOLIC && v != GUIDE_DIASTOLIC {
            c.stroke(vec![(px0, gy), (px1, gy)], GRID_PT, Some([0.4, 1.2]));
        }
        if v.is_multiple_of(40) {
            let b = gy + label_size * 0.35 * crate::font::PT_TO_MM;
            c.text_right(px0 - 1.5, b, label_size, &v.to_string());
        }
        v += 20;
    }
    // Axes.
    c.stroke(vec![(px0, py0), (px0, py1), (px1, py1)], 1.0, None);
    // Guideline lines, labelled at the right.
    for g in [GUIDE_SYSTOLIC, GUIDE_DIASTOLIC] {
        let gy = vy(g);
        c.stroke(vec![(px0, gy), (px1, gy)], GUIDE_PT, Some([3.0, 2.0]));
        let b = gy + label_size * 0.35 * crate::font::PT_TO_MM;
        c.text_at(px1 + 1.5, b, label_size, &g.to_string());
    }

    let n = entries.len();
    if n == 0 {
        return;
    }
    let pad = marker * 2.0;
    let px = |i: usize| {
        if n == 1 {
            (px0 + px1) / 2.0
        } else {
            px0 + pad + i as f32 * (px1 - px0 - 2.0 * pad) / (n - 1) as f32
        }
    };
    let sys: Vec<(f32, f32)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (px(i), vy(e.systolic)))
        .collect();
    let dia: Vec<(f32, f32)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (px(i), vy(e.diastolic)))
        .collect();
    if n > 1 {
        c.stroke(sys.clone(), SERIES_PT, None);
        c.stroke(dia.clone(), SERIES_PT, None);
    }
    for &(mx, my) in &sys {
        c.fill(circle(mx, my, marker / 2.0 * 1.15));
    }
    for &(mx, my) in &dia {
        square(c, mx, my, marker / 2.0);
    }

    // Day labels under the axis, thinned so they never overlap; the newest is always labelled.
    let label_w = c.measure("00-00", label_size) * 1.3;
    let spacing = if n > 1 {
        (px1 - px0 - 2.0 * pad) / (n - 1) as f32
    } else {
        label_w
    };
    let step = ((label_w / spacing.max(0.1)).ceil() as usize).max(1);
    let base = py1 + label_size * 1.05 * crate::font::PT_TO_MM;
    for (i, e) in entries.iter().enumerate() {
        let newest = i + 1 == n;
        let far_enough = (n - 1 - i) >= step;
        if newest || ((n - 1 - i).is_multiple_of(step) && far_enough) {
            c.text_centred(px(i), base, label_size, &day_label(&e.taken_at));
        }
    }
}
