//! The blood-pressure section: the newest reading in full (values with flags and reference
//! ranges, category box), earlier readings of the visit one line each, the "health
//! prescription" and the trend chart with its legend.

use station_i18n::Catalog;
use station_protocol::BpCategory;

use crate::blocks::{category_box, section_heading, source_text};
use crate::canvas::Canvas;
use crate::chart;
use crate::{BpEntry, ReportInput, Style};

/// The trend chart never gets smaller than this (mm).
const MIN_CHART_H: f32 = 40.0;

/// The category's symbol: a tick for normal, more triangles the higher it is.
fn category_symbol(c: BpCategory) -> &'static str {
    match c {
        BpCategory::Normal => "✓",
        BpCategory::HighNormal => "△",
        BpCategory::Grade1 => "▲",
        BpCategory::Grade2 => "▲▲",
        BpCategory::Grade3 => "▲▲▲",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flag {
    Low,
    Normal,
    High,
}

/// The printed reference ranges ("normal" per the Chinese guideline 2018: below 140/90, and not
/// low; pulse 60–100 per minute).
pub(crate) struct Measure {
    label_id: &'static str,
    unit_id: &'static str,
    low_below: u16,
    high_from: u16,
    range: &'static str,
}

pub(crate) const SYSTOLIC: Measure = Measure {
    label_id: "bp-systolic",
    unit_id: "unit-mmhg",
    low_below: 90,
    high_from: 140,
    range: "90–139",
};
pub(crate) const DIASTOLIC: Measure = Measure {
    label_id: "bp-diastolic",
    unit_id: "unit-mmhg",
    low_below: 60,
    high_from: 90,
    range: "60–89",
};
pub(crate) const PULSE: Measure = Measure {
    label_id: "value-pulse",
    unit_id: "unit-per-minute",
    low_below: 60,
    high_from: 101,
    range: "60–100",
};

impl Measure {
    pub(crate) fn flag(&self, v: u16) -> Flag {
        if v < self.low_below {
            Flag::Low
        } else if v >= self.high_from {
            Flag::High
        } else {
            Flag::Normal
        }
    }
}

fn flag_text(cat: &Catalog, f: Flag) -> String {
    match f {
        Flag::Low => format!("▼\u{a0}{}", cat.text("report-flag-low")),
        Flag::Normal => format!("✓\u{a0}{}", cat.text("report-flag-normal")),
        Flag::High => format!("▲\u{a0}{}", cat.text("report-flag-high")),
    }
}

/// A reading no cuff should produce (or a mistyped one): the report asks for a re-measurement.
pub(crate) fn implausible(e: &BpEntry) -> bool {
    !(60..=260).contains(&e.systolic)
        || !(30..=160).contains(&e.diastolic)
        || e.diastolic >= e.systolic
        || !(30..=220).contains(&e.pulse)
}

pub(crate) fn readings(c: &mut Canvas, st: &Style, cat: &Catalog, input: &ReportInput) -> usize {
    section_heading(c, st, &cat.text("report-this-visit"), 30.0);
    let left = c.left();
    let Some((latest, earlier)) = input.bp.split_last() else {
        c.paragraph(left, st.body, &cat.text("report-no-readings"));
        return 0;
    };
    // The newest reading in full; earlier ones of this visit one line each (the newest few),
    // the rest counted, so an A4 report stays one page.
    reading_block(c, st, cat, latest);
    let skip = earlier.len().saturating_sub(st.max_listed);
    let listed = &earlier[skip..];
    if !listed.is_empty() {
        c.ensure(Canvas::line_height(st.body) * 2.0);
        c.paragraph(left, st.body, &cat.text("report-earlier"));
        for (i, e) in listed.iter().enumerate() {
            reading_line(c, st, cat, e, skip + i + 1, latest);
        }
        if listed.iter().any(implausible) {
            c.paragraph(
                left,
                st.body,
                &format!("！ {}", cat.text("report-implausible")),
            );
        }
    }
    if skip > 0 {
        c.paragraph(
            left,
            st.small,
            &cat.text_with("report-more-readings", &[("count", skip.to_string())]),
        );
    }
    listed.len() + 1
}

/// One earlier reading on one line: number, time, values, category in words and symbol.
fn reading_line(
    c: &mut Canvas,
    st: &Style,
    cat: &Catalog,
    e: &BpEntry,
    n: usize,
    latest: &BpEntry,
) {
    // Same day as the newest reading: the time is enough.
    let when = match (e.taken_at.split_once(' '), latest.taken_at.split_once(' ')) {
        (Some((day, time)), Some((latest_day, _))) if day == latest_day => time,
        _ => e.taken_at.as_str(),
    };
    // No-break spaces keep a value with its unit and a symbol with its word.
    let mut line = format!(
        "{}  {}  {}/{}\u{a0}{}  {}\u{a0}{}\u{a0}{}  {}\u{a0}{}",
        cat.text_with("report-reading-number", &[("n", n.to_string())]),
        when,
        e.systolic,
        e.diastolic,
        cat.text("unit-mmhg"),
        cat.text("value-pulse"),
        e.pulse,
        cat.text("unit-per-minute"),
        category_symbol(e.category),
        cat.text(e.category.message_id()),
    );
    if e.isolated_systolic {
        line = format!("{line} · {}", cat.text("bp-isolated-systolic"));
    }
    // The newest reading's block says where it came from; a line says so only when it differs
    // (typed in by staff, another device), so one page still holds a visit.
    if e.source != latest.source {
        line = format!("{line} · {}", source_text(cat, &e.source));
    }
    if implausible(e) {
        line = format!("{line}  ！");
    }
    let indent = c.left() + 3.0;
    c.paragraph(indent, st.body, &line);
}

fn reading_block(c: &mut Canvas, st: &Style, cat: &Catalog, e: &BpEntry) {
    let left = c.left();
    let rows_h = if st.wide {
        3.0 * Canvas::line_height(st.value)
    } else {
        3.0 * (Canvas::line_height(st.body) * 2.0 + Canvas::line_height(st.value))
    };
    let block_h = Canvas::line_height(st.body) + Canvas::line_height(st.heading) + 6.0 + rows_h;
    c.ensure(block_h);
    // When and from where on one line: a typed-in or demonstration value is marked right there.
    let when = cat.text_with("report-taken-at", &[("time", e.taken_at.clone())]);
    c.paragraph(
        left,
        st.body,
        &format!("{when} · {}", source_text(cat, &e.source)),
    );
    // The category in a bordered box: symbol + words (+ isolated systolic hypertension).
    let mut category = format!(
        "{}\u{a0}{}",
        category_symbol(e.category),
        cat.text(e.category.message_id())
    );
    if e.isolated_systolic {
        category = format!("{category} · {}", cat.text("bp-isolated-systolic"));
    }
    category_box(c, st, cat, &category);

    for (m, v) in [
        (&SYSTOLIC, e.systolic),
        (&DIASTOLIC, e.diastolic),
        (&PULSE, e.pulse),
    ] {
        value_row(c, st, cat, m, v);
    }
    if implausible(e) {
        c.paragraph(
            left,
            st.body,
            &format!("！ {}", cat.text("report-implausible")),
        );
    }
    c.gap(2.0);
}

fn value_row(c: &mut Canvas, st: &Style, cat: &Catalog, m: &Measure, v: u16) {
    let left = c.left();
    let label = cat.text(m.label_id);
    let unit = cat.text(m.unit_id);
    let flag = flag_text(cat, m.flag(v));
    let reference = cat.text_with(
        "report-reference",
        &[("range", format!("{} {}", m.range, unit))],
    );
    if st.wide {
        // Fixed columns, measured over all three rows so the values line up.
        let label_col = [SYSTOLIC.label_id, DIASTOLIC.label_id, PULSE.label_id]
            .iter()
            .map(|id| c.measure(&cat.text(id), st.body))
            .fold(0.0, f32::max)
            + 4.0;
        let value_w = c.measure("000", st.value);
        let unit_w = ["unit-mmhg", "unit-per-minute"]
            .iter()
            .map(|id| c.measure(&cat.text(id), st.body))
            .fold(0.0, f32::max);
        let flag_w = [Flag::Low, Flag::Normal, Flag::High]
            .iter()
            .map(|f| c.measure(&flag_text(cat, *f), st.body))
            .fold(0.0, f32::max);
        let value_right = left + label_col + value_w;
        let unit_x = value_right + 2.0;
        let flag_x = unit_x + unit_w + 5.0;
        let ref_x = flag_x + flag_w + 5.0;
        let lh = Canvas::line_height(st.value);
        c.ensure(lh);
        let b = c.baseline(st.value);
        c.text_at(left, b, st.body, &label);
        c.text_right(value_right, b, st.value, &v.to_string());
        c.text_at(unit_x, b, st.body, &unit);
        c.text_at(flag_x, b, st.body, &flag);
        let ref_fits = ref_x + c.measure(&reference, st.small) <= c.right();
        if ref_fits {
            c.text_at(ref_x, b, st.small, &reference);
            c.gap(lh);
        } else {
            c.gap(lh);
            c.paragraph(unit_x, st.small, &reference);
        }
    } else {
        c.ensure(Canvas::line_height(st.body) * 2.0 + Canvas::line_height(st.value));
        c.paragraph(left, st.body, &label);
        let b = c.baseline(st.value);
        let mut x = left + 2.0;
        x += c.text_at(x, b, st.value, &v.to_string()) + 1.5;
        x += c.text_at(x, b, st.body, &unit) + 3.0;
        c.text_at(x, b, st.body, &flag);
        c.gap(Canvas::line_height(st.value));
        c.paragraph(left + 2.0, st.small, &reference);
        c.gap(1.5);
    }
}

pub(crate) fn prescription(c: &mut Canvas, st: &Style, cat: &Catalog, input: &ReportInput) {
    let Some(worst) = input.bp.iter().map(|e| e.category).max() else {
        return;
    };
    let advice = format!(
        "{}\u{a0}{}",
        category_symbol(worst),
        cat.text(worst.advice_id())
    );
    let advice_size = st.body + 2.0;
    let left = c.left();
    let lines = c.wrapped_lines(left + 3.0, advice_size, &advice);
    let box_h = lines as f32 * Canvas::line_height(advice_size) + 3.0;
    section_heading(
        c,
        st,
        &cat.text("report-prescription"),
        box_h + Canvas::line_height(st.small),
    );
    let top = c.y;
    let w = c.content_width();
    c.stroke_rect(left, top, w, box_h, 2.0);
    c.gap(1.5);
    c.paragraph(left + 3.0, advice_size, &advice);
    c.y = top + box_h + 1.0;
    c.paragraph(left, st.small, &cat.text("guideline-bp"));
}

pub(crate) fn trend(
    c: &mut Canvas,
    st: &Style,
    cat: &Catalog,
    input: &ReportInput,
) -> (usize, usize) {
    let all: Vec<&BpEntry> = input.bp_history.iter().chain(input.bp.iter()).collect();
    let total = all.len();
    if total == 0 {
        return (0, 0);
    }
    let shown = &all[total.saturating_sub(st.trend_points)..];
    let legend_h = Canvas::line_height(st.small) * if st.wide { 1.0 } else { 3.0 };
    let notes_h = legend_h
        + if total > shown.len() {
            Canvas::line_height(st.small)
        } else {
            0.0
        };
    // On A4 the chart gives up some height rather than spill onto a second page.
    let heading_h = Canvas::line_height(st.heading) + 3.0;
    let footer_h = if st.wide {
        4.0 + 2.0 * Canvas::line_height(st.small)
    } else {
        0.0
    };
    let chart_h =
        (c.space_left() - heading_h - notes_h - footer_h - 2.0).clamp(MIN_CHART_H, st.chart_h);
    section_heading(
        c,
        st,
        &cat.text_with("report-trend", &[("count", shown.len().to_string())]),
        chart_h + notes_h,
    );
    let (x, y, w) = (c.left(), c.y, c.content_width());
    chart::draw_trend(c, (x, y, w, chart_h), shown, st.small, st.marker);
    c.y = y + chart_h + 2.0;
    legend(c, st, cat);
    if total > shown.len() {
        let left = c.left();
        c.paragraph(
            left,
            st.small,
            &cat.text_with(
                "report-trend-total",
                &[
                    ("total", total.to_string()),
                    ("count", shown.len().to_string()),
                ],
            ),
        );
    }
    (shown.len(), total)
}

/// "● systolic  ■ diastolic  - - guideline" with the same vector marks as the chart, on as few
/// lines as fit.
fn legend(c: &mut Canvas, st: &Style, cat: &Catalog) {
    #[derive(Clone, Copy)]
    enum Mark {
        Circle,
        Square,
        Dashed,
    }
    let left = c.left();
    let lh = Canvas::line_height(st.small);
    let r = st.marker / 2.0;
    let items = [
        (Mark::Circle, cat.text("bp-systolic")),
        (Mark::Square, cat.text("bp-diastolic")),
        (Mark::Dashed, cat.text("report-trend-guideline")),
    ];
    c.ensure(lh);
    let mut x = left;
    for (mark, text) in items {
        let w = 8.0 + c.measure(&text, st.small);
        if x > left && x + w > c.right() {
            c.gap(lh);
            x = left;
        }
        let m = c.y + lh / 2.0;
        match mark {
            Mark::Circle | Mark::Square => {
                c.stroke(vec![(x, m), (x + 6.0, m)], 2.0, None);
                if matches!(mark, Mark::Circle) {
                    c.fill(chart::circle(x + 3.0, m, r * 1.15));
                } else {
                    chart::square(c, x + 3.0, m, r);
                }
            }
            Mark::Dashed => c.stroke(vec![(x, m), (x + 6.0, m)], 1.2, Some([3.0, 2.0])),
        }
        let b = c.baseline(st.small);
        c.text_at(x + 8.0, b, st.small, &text);
        x += w + 6.0;
    }
    c.gap(lh);
}
