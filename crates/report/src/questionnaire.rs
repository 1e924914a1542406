//! The TCM constitution questionnaire section ("中医体质辨识").

use station_i18n::Catalog;

use crate::blocks::{height_of, labelled, section_heading};
use crate::canvas::Canvas;
use crate::{QuestionnaireEntry, Style};

/// The TCM constitution questionnaire under its own heading, as one block that is never split
/// over two A4 pages.
pub(crate) fn questionnaire(c: &mut Canvas, st: &Style, cat: &Catalog, q: &QuestionnaireEntry) {
    let h = height_of(c, |s| questionnaire_block(s, st, cat, q));
    section_heading(c, st, &cat.text("tcm-questionnaire-title"), h);
    questionnaire_block(c, st, cat, q);
}

/// When it was filled in, the constitutions in a box ("体质：气虚质" and "倾向：阳虚质"), one
/// advice line each and, when the form's rules leave it to a doctor (or judge nothing), a boxed
/// "please have a doctor interpret this result".
fn questionnaire_block(c: &mut Canvas, st: &Style, cat: &Catalog, q: &QuestionnaireEntry) {
    let left = c.left();
    c.paragraph(
        left,
        st.body,
        &cat.text_with("report-tcm-taken-at", &[("time", q.taken_at.clone())]),
    );
    let names = |ids: &[String]| cat.join(ids.iter().map(|id| cat.text(id)));
    let mut result = Vec::new();
    if !q.primary.is_empty() {
        let label = labelled(cat, &cat.text("report-tcm-primary"));
        result.push((st.heading, format!("{label}{}", names(&q.primary))));
    }
    if !q.tendencies.is_empty() {
        let label = labelled(cat, &cat.text("report-tcm-tendency"));
        result.push((st.body, format!("{label}{}", names(&q.tendencies))));
    }
    let review = cat.text("report-tcm-review");
    if result.is_empty() {
        // Nothing judged: the doctor's word is the result.
        result.push((st.heading, review.clone()));
    }
    c.gap(1.0);
    boxed_lines(c, &result, 1.5);
    for a in &q.advice {
        c.paragraph(left, st.body, &format!("·\u{a0}{}", cat.text(a)));
    }
    if q.needs_review && !(q.primary.is_empty() && q.tendencies.is_empty()) {
        c.gap(1.0);
        boxed_lines(c, &[(st.body, review)], 1.0);
    }
    c.gap(4.0);
}

/// Lines of (size, text) in a box across the content width, each wrapped inside it.
fn boxed_lines(c: &mut Canvas, lines: &[(f32, String)], width_pt: f32) {
    let left = c.left();
    let inner = left + 2.5;
    let box_h = lines
        .iter()
        .map(|(size, text)| {
            c.wrapped_lines(inner, *size, text).max(1) as f32 * Canvas::line_height(*size)
        })
        .sum::<f32>()
        + 2.0;
    c.ensure(box_h);
    let top = c.y;
    let w = c.content_width();
    c.stroke_rect(left, top, w, box_h, width_pt);
    c.gap(1.0);
    for (size, text) in lines {
        c.paragraph(inner, *size, text);
    }
    c.y = top + box_h + 2.0;
}
