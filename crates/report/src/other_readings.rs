//! The visit's readings other than blood pressure (height/weight, temperature, glucose, SpO2),
//! one unsplit block each.

use station_i18n::Catalog;
use station_protocol::Severity;

use crate::blocks::{category_box, height_of, labelled, section_heading, source_text};
use crate::canvas::Canvas;
use crate::{ReadingEntry, Style};

/// The same marks for other readings, by the severity `station_core::reading` gives them (it
/// maps BP normal → Ok, high-normal → Caution, grades → Alert). The triangles count severity,
/// not direction: the category words next to them say "low" or "high".
fn severity_symbol(s: Severity) -> &'static str {
    match s {
        Severity::Ok => "✓",
        Severity::Caution => "△",
        Severity::Alert => "▲",
    }
}

/// The readings other than blood pressure, one block each, under the heading `heading_id`.
pub(crate) fn other_readings(
    c: &mut Canvas,
    st: &Style,
    cat: &Catalog,
    entries: &[ReadingEntry],
    heading_id: &str,
) {
    let Some(first) = entries.first() else {
        return;
    };
    let first_h = height_of(c, |s| other_block(s, st, cat, first));
    section_heading(c, st, &cat.text(heading_id), first_h);
    for e in entries {
        // A block is never split over two A4 pages (unless it is taller than a page).
        let h = height_of(c, |s| other_block(s, st, cat, e));
        c.ensure(h);
        other_block(c, st, cat, e);
    }
}

/// One reading: name and time, the category box, the values, notes, advice and, when urgent, a
/// boxed "see a doctor soon".
fn other_block(c: &mut Canvas, st: &Style, cat: &Catalog, e: &ReadingEntry) {
    let left = c.left();
    let title = cat.text(e.kind.message_id());
    let when = cat.text_with("report-taken-at", &[("time", e.taken_at.clone())]);
    let title_w = c.measure(&title, st.heading);
    let when_w = c.measure(&when, st.body);
    if st.wide && left + title_w + 6.0 + when_w <= c.right() {
        // The time beside the name saves a line on A4.
        let b = c.baseline(st.heading);
        c.text_at(left, b, st.heading, &title);
        let right = c.right();
        c.text_right(right, b, st.body, &when);
        c.gap(Canvas::line_height(st.heading));
    } else {
        c.paragraph(left, st.heading, &title);
        c.paragraph(left, st.body, &when);
    }
    c.paragraph(left, st.body, &source_text(cat, &e.source));

    let category = format!(
        "{}\u{a0}{}",
        severity_symbol(e.severity),
        cat.text(&e.category)
    );
    category_box(c, st, cat, &category);

    // "label: value unit", side by side on A4, one a line on the receipt. A value is never
    // broken from its label or unit.
    let lh = Canvas::line_height(st.value);
    let mut x = left;
    for v in &e.values {
        let label = labelled(cat, &cat.text(&v.label));
        let unit = cat.text(&v.unit);
        let label_w = c.measure(&label, st.body);
        let w = label_w + c.measure(&v.value, st.value) + 1.5 + c.measure(&unit, st.body);
        if x > left && (!st.wide || x + w > c.right()) {
            c.gap(lh);
            x = left;
        }
        // Too long for one line (a long label on the receipt): the label goes above.
        let label_above = w > c.content_width();
        if label_above {
            c.paragraph(left, st.body, &label);
        }
        if x == left {
            c.ensure(lh);
        }
        let b = c.baseline(st.value);
        if !label_above {
            x += c.text_at(x, b, st.body, &label);
        }
        x += c.text_at(x, b, st.value, &v.value) + 1.5;
        x += c.text_at(x, b, st.body, &unit) + 8.0;
    }
    if !e.values.is_empty() {
        c.gap(lh);
    }

    for n in &e.notes {
        c.paragraph(left, st.body, &format!("·\u{a0}{}", cat.text(n)));
    }
    c.paragraph(left, st.body, &cat.text(&e.advice));

    if e.urgent {
        // Heading size in a heavy box: the one line that must not be missed.
        let text = format!("！\u{a0}{}", cat.text("report-urgent"));
        let lines = c.wrapped_lines(left + 2.5, st.heading, &text).max(1);
        let box_h = lines as f32 * Canvas::line_height(st.heading) + 2.0;
        c.gap(1.0);
        c.ensure(box_h);
        let top = c.y;
        let w = c.content_width();
        c.stroke_rect(left, top, w, box_h, 2.5);
        c.gap(1.0);
        c.paragraph(left + 2.5, st.heading, &text);
        c.y = top + box_h;
    }
    c.gap(4.0);
}
