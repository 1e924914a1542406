//! Pieces every section uses: section headings, the category box, "label：", where a reading
//! came from, and how tall a block would be.

use station_i18n::Catalog;
use station_protocol::{Locale, ReadingSource};

use crate::canvas::Canvas;
use crate::font;
use crate::Style;

/// "label：" (Chinese full-width colon) or "label: ".
pub(crate) fn labelled(cat: &Catalog, label: &str) -> String {
    match cat.locale() {
        Locale::ZhCn => format!("{label}："),
        Locale::EnUs => format!("{label}: "),
    }
}

pub(crate) fn section_heading(c: &mut Canvas, st: &Style, text: &str, keep_with: f32) {
    c.ensure(Canvas::line_height(st.heading) + keep_with);
    c.gap(2.0);
    let left = c.left();
    // A solid bar before the heading marks a new section without relying on colour.
    let bar_h = st.heading * 0.75 * font::PT_TO_MM;
    let top = c.y + (Canvas::line_height(st.heading) - bar_h) / 2.0;
    c.fill_rect(left, top, 1.6, bar_h);
    c.paragraph(left + 3.5, st.heading, text);
    c.gap(1.0);
}

/// The category in a bordered box, after "评估：" on A4.
pub(crate) fn category_box(c: &mut Canvas, st: &Style, cat: &Catalog, category: &str) {
    let left = c.left();
    let label = format!("{}：", cat.text("result-category-label"));
    let label = if st.wide { label } else { String::new() };
    let label_w = c.measure(&label, st.body);
    let box_x = left + label_w;
    let lines = c.wrapped_lines(box_x + 2.5, st.heading, category).max(1);
    let box_h = lines as f32 * Canvas::line_height(st.heading) + 2.0;
    c.gap(1.0);
    let top = c.y;
    if !label.is_empty() {
        let b = top + 1.0 + st.heading * 1.08 * font::PT_TO_MM;
        c.text_at(left, b, st.body, &label);
    }
    let box_w = c.right() - box_x;
    c.stroke_rect(box_x, top, box_w, box_h, 1.5);
    c.gap(1.0);
    c.paragraph(box_x + 2.5, st.heading, category);
    c.y = top + box_h + 2.0;
}

/// How tall `draw` would make the content (drawn on a throwaway roll of the same width).
pub(crate) fn height_of(c: &Canvas, draw: impl FnOnce(&mut Canvas)) -> f32 {
    let mut s = c.scratch();
    let top = s.y;
    draw(&mut s);
    s.y - top
}

/// Where a reading came from, in words: the device, staff typing it in, or a demonstration.
pub(crate) fn source_text(cat: &Catalog, source: &ReadingSource) -> String {
    match source {
        ReadingSource::Device { model } => {
            cat.text_with("source-device", &[("model", model.clone())])
        }
        ReadingSource::Staff { badge } => {
            cat.text_with("source-staff", &[("badge", badge.clone())])
        }
        ReadingSource::Demo => cat.text("source-demo"),
    }
}
