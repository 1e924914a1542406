//! The prescription's pickup slip (cloud clinic, Wenzhou 6.3.3.2 step 4): what the doctor
//! prescribed, for whom (masked), by whom, and where to collect it — the station's medicine
//! cabinet with its pickup code, or the health centre's pharmacy. Same font, paper sizes and
//! placeholder rule as the report.

use station_i18n::Catalog;
use station_protocol::{Locale, PrescriptionLine};

use crate::canvas::{Canvas, Flow};
use crate::{font, qr, Paper, Report, ReportError, Style};

/// What the slip shows. Identity fields are already masked by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipInput {
    pub station_name: String,
    /// Station local time, "YYYY-MM-DD HH:MM".
    pub printed_at: String,
    pub locale: Locale,
    pub resident_masked_name: String,
    pub resident_masked_id: String,
    pub doctor: String,
    pub items: Vec<PrescriptionLine>,
    /// The medicine cabinet's pickup code; `None` = collect at the pharmacy.
    pub pickup_code: Option<String>,
    /// Printed and in the QR code, so the pharmacy finds the prescription.
    pub slip_id: String,
}

/// Renders the slip for `paper` (an A4 page, or a receipt as long as needed).
pub fn render_slip(input: &SlipInput, paper: Paper) -> Result<Report, ReportError> {
    let font = font::ReportFont::load()?;
    let cat = Catalog::new(input.locale);
    let st = Style::of(paper);
    let mut c = Canvas::new(&font, st.width, st.margin, st.flow);
    if matches!(st.flow, Flow::Paged { .. }) {
        c.footer = Canvas::line_height(st.small);
    }
    let left = c.left();
    c.paragraph(left, st.heading, &input.station_name);
    c.paragraph(left, st.title, &cat.text("slip-title"));
    c.paragraph(
        left,
        st.body,
        &cat.text_with("report-printed-at", &[("time", input.printed_at.clone())]),
    );
    c.gap(1.0);
    c.rule(1.5);
    c.gap(2.0);
    for line in [
        cat.text_with(
            "report-name",
            &[("name", input.resident_masked_name.clone())],
        ),
        cat.text_with(
            "report-id-number",
            &[("id", input.resident_masked_id.clone())],
        ),
        cat.text_with("slip-doctor", &[("doctor", input.doctor.clone())]),
    ] {
        c.paragraph(left, st.body, &line);
    }
    c.gap(2.0);
    for (i, item) in input.items.iter().enumerate() {
        c.ensure(Canvas::line_height(st.value) + 3.0 * Canvas::line_height(st.body));
        c.rule(0.8);
        c.gap(1.0);
        c.paragraph(left, st.value, &format!("{}. {}", i + 1, item.drug));
        for (label, value) in [
            ("prescription-dose", &item.dose),
            ("prescription-quantity", &item.quantity),
            ("prescription-usage", &item.usage),
        ] {
            c.paragraph(
                left + 3.0,
                st.body,
                &format!("{}：{value}", cat.text(label)),
            );
        }
    }
    c.rule(1.5);
    c.gap(2.0);
    match &input.pickup_code {
        Some(code) => {
            c.paragraph(
                left,
                st.value,
                &cat.text_with("slip-pickup-code", &[("code", code.clone())]),
            );
            c.paragraph(left, st.body, &cat.text("slip-take-to-cabinet"));
        }
        None => c.paragraph(left, st.body, &cat.text("slip-take-to-pharmacy")),
    }
    c.gap(2.0);
    let side = qr::qr_side(&input.slip_id, st.qr_module)?;
    let top = c.y;
    qr::draw_qr(&mut c, left, top, &input.slip_id, st.qr_module)?;
    c.y = top + side;
    c.paragraph(
        left,
        st.body,
        &cat.text_with("slip-id", &[("id", input.slip_id.clone())]),
    );
    c.paragraph(left, st.small, &cat.text("report-disclaimer"));

    let (pdf, page_count, missing_glyphs) = crate::finish(c, &font, &cat, &st, "slip-title");
    Ok(Report {
        pdf,
        pages: page_count,
        missing_glyphs,
        readings_listed: 0,
        trend_shown: 0,
        trend_total: 0,
    })
}
