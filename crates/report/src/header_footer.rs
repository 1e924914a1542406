//! The page furniture: the header (station, title, print time, masked resident, report number
//! and, on A4, the QR code) and the footer (disclaimer and, on the receipt, the QR code).

use station_i18n::Catalog;

use crate::canvas::Canvas;
use crate::qr;
use crate::{ReportError, ReportInput, Style};

pub(crate) fn header(
    c: &mut Canvas,
    st: &Style,
    cat: &Catalog,
    input: &ReportInput,
) -> Result<(), ReportError> {
    let left = c.left();
    let title = cat.text("report-title");
    let printed = cat.text_with("report-printed-at", &[("time", input.printed_at.clone())]);
    let name = cat.text_with(
        "report-name",
        &[("name", input.resident_masked_name.clone())],
    );
    let id = cat.text_with(
        "report-id-number",
        &[("id", input.resident_masked_id.clone())],
    );
    let report_id = cat.text_with("report-report-id", &[("id", input.report_id.clone())]);
    if st.wide {
        // The QR code sits in the top-right corner (its quiet zone overlaps the margin), the
        // words on the left: keeps the whole report on one A4 page.
        let side = qr::qr_side(&input.report_id, st.qr_module)?;
        let quiet = qr::QUIET as f32 * st.qr_module;
        let top = c.y;
        qr::draw_qr(
            c,
            c.right() - side + quiet,
            top - quiet,
            &input.report_id,
            st.qr_module,
        )?;
        let text_right = c.right() - side + quiet - 3.0;
        // Wrap the station name before the QR code.
        let lines = {
            let w = text_right - left;
            c.wrap_width(st.title, &input.station_name, w)
        };
        for line in lines {
            let b = c.baseline(st.title);
            c.text_at(left, b, st.title, &line);
            c.gap(Canvas::line_height(st.title));
        }
        let b = c.baseline(st.heading);
        c.text_at(left, b, st.heading, &title);
        c.gap(Canvas::line_height(st.heading));
        let b = c.baseline(st.body);
        c.text_at(left, b, st.body, &printed);
        c.gap(Canvas::line_height(st.body));
        c.y = c.y.max(top + side - 2.0 * quiet);
        c.gap(1.5);
        c.rule(1.5);
        c.gap(2.0);
        let b = c.baseline(st.body);
        c.text_at(left, b, st.body, &name);
        c.text_at(left + c.content_width() * 0.4, b, st.body, &id);
        c.gap(Canvas::line_height(st.body));
        c.paragraph(left, st.body, &report_id);
    } else {
        c.paragraph(left, st.title, &input.station_name);
        c.paragraph(left, st.heading, &title);
        c.paragraph(left, st.body, &printed);
        c.gap(1.0);
        c.rule(1.5);
        c.gap(2.0);
        c.paragraph(left, st.body, &name);
        c.paragraph(left, st.body, &id);
    }
    c.gap(2.0);
    Ok(())
}

pub(crate) fn footer(
    c: &mut Canvas,
    st: &Style,
    cat: &Catalog,
    input: &ReportInput,
) -> Result<(), ReportError> {
    let left = c.left();
    c.gap(2.0);
    if st.wide {
        // The QR code and report number are in the header.
        c.ensure(Canvas::line_height(st.small) * 2.0);
        c.rule(0.8);
        c.gap(1.0);
        c.paragraph(left, st.small, &cat.text("report-disclaimer"));
    } else {
        c.rule(0.8);
        let side = qr::qr_side(&input.report_id, st.qr_module)?;
        let top = c.y;
        let centre = st.width / 2.0;
        qr::draw_qr(c, centre - side / 2.0, top, &input.report_id, st.qr_module)?;
        c.y = top + side;
        let id_text = cat.text_with("report-report-id", &[("id", input.report_id.clone())]);
        c.paragraph(left, st.body, &id_text);
        c.paragraph(left, st.small, &cat.text("report-qr-hint"));
        c.gap(1.0);
        c.paragraph(left, st.small, &cat.text("report-disclaimer"));
    }
    Ok(())
}
