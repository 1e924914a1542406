//! The resident's printed health report: A4 or an 80 mm thermal receipt, as a PDF.
//!
//! Everything on paper is black (thermal printers have no colour; meaning is never carried by
//! colour alone): each value says "normal / high / low" in words with a symbol (✓ ▲ ▼), the
//! category is words plus a symbol whose count grows with severity. All words come from
//! `locales/*/report.ftl` and the existing `bp-*` messages; other readings (height/weight,
//! temperature, glucose, SpO2) and the TCM constitution questionnaire arrive already judged, as
//! message ids. Text uses one embedded font, a subset of Noto Sans CJK SC (`assets/fonts/`,
//! made by `scripts/make-report-font`), subset again per PDF by printpdf. A character the font
//! lacks is printed as `□` and listed in [`Report::missing_glyphs`], never dropped.

mod blocks;
mod blood_pressure;
mod canvas;
mod chart;
mod font;
mod header_footer;
mod other_readings;
mod qr;
mod questionnaire;
mod slip;

use printpdf::{PdfDocument, PdfParseErrorSeverity, PdfSaveOptions};
use station_i18n::Catalog;
use station_protocol::{BpCategory, Locale, ReadingSource, ReadingSummary};

use blood_pressure::{prescription, readings, trend};
use canvas::{Canvas, Flow};
use header_footer::{footer, header};
use other_readings::other_readings;
use questionnaire::questionnaire;
// The unit tests (`tests.rs`) reach these through `super::*`.
#[cfg(test)]
use blood_pressure::{implausible, Flag, DIASTOLIC, PULSE, SYSTOLIC};

pub use font::PLACEHOLDER;
pub use slip::{render_slip, SlipInput};

/// What the report shows. Identity fields are already masked by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInput {
    pub station_name: String,
    /// Station local time, "YYYY-MM-DD HH:MM".
    pub printed_at: String,
    pub locale: Locale,
    pub resident_masked_name: String,
    pub resident_masked_id: String,
    pub report_id: String,
    /// This visit's blood-pressure readings.
    pub bp: Vec<BpEntry>,
    /// Older readings, oldest first, for the trend.
    pub bp_history: Vec<BpEntry>,
    /// This visit's other readings (height/weight, temperature, glucose, SpO2), oldest first.
    pub other_readings: Vec<ReadingEntry>,
    /// The TCM constitution questionnaire finished in this visit, if any.
    pub questionnaire: Option<QuestionnaireEntry>,
}

/// A finished TCM constitution questionnaire, as message ids (locales/*/questionnaire.ftl).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionnaireEntry {
    /// "YYYY-MM-DD HH:MM".
    pub taken_at: String,
    /// Constitutions judged yes / basically yes, e.g. "tcm-constitution-qixu".
    pub primary: Vec<String>,
    /// Constitutions judged "tendency", e.g. "tcm-constitution-yangxu".
    pub tendencies: Vec<String>,
    /// One advice line per constitution above, e.g. "tcm-advice-qixu".
    pub advice: Vec<String>,
    /// The form's rules leave the judgment to a doctor.
    pub needs_review: bool,
}

/// A reading other than blood pressure, already judged and formatted: the same summary the
/// result screen shows (`station_core::summary::summary`), so screen and paper cannot disagree.
pub type ReadingEntry = ReadingSummary;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BpEntry {
    /// "YYYY-MM-DD HH:MM".
    pub taken_at: String,
    pub systolic: u16,
    pub diastolic: u16,
    pub pulse: u16,
    pub category: BpCategory,
    pub isolated_systolic: bool,
    /// Where the values came from: printed with every reading, so a typed-in or demonstration
    /// value is never mistaken for a measured one.
    pub source: ReadingSource,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("report font unusable: {0}")]
    Font(String),
    #[error("report id cannot be encoded as a QR code: {0}")]
    Qr(String),
}

/// Paper the report is laid out for.
pub use station_protocol::Paper;

/// A rendered report and what the caller should know about it.
#[derive(Debug, Clone)]
pub struct Report {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Characters the font lacks, printed as [`PLACEHOLDER`] (in order of first use). They may
    /// come from a resident's name: show them to staff, never write them to logs.
    pub missing_glyphs: Vec<char>,
    /// Blood-pressure readings of this visit listed in full (the rest are counted in a note).
    pub readings_listed: usize,
    /// Readings drawn in the trend chart (the newest ones), of `trend_total` on record.
    pub trend_shown: usize,
    pub trend_total: usize,
}

/// An A4 report (PDF bytes). Missing characters are logged as a count; use [`render`] to get them.
pub fn render_a4(input: &ReportInput) -> Result<Vec<u8>, ReportError> {
    render(input, Paper::A4).map(|r| r.pdf)
}

/// An 80 mm receipt (PDF bytes, page as long as needed).
pub fn render_receipt_80mm(input: &ReportInput) -> Result<Vec<u8>, ReportError> {
    render(input, Paper::Receipt80mm).map(|r| r.pdf)
}

struct Style {
    width: f32,
    margin: f32,
    flow: Flow,
    title: f32,
    heading: f32,
    body: f32,
    value: f32,
    /// Smallest type used anywhere (chart labels, notes): still 12 pt.
    small: f32,
    trend_points: usize,
    max_listed: usize,
    chart_h: f32,
    marker: f32,
    qr_module: f32,
    /// Values, units, flags in one row (A4) or stacked (receipt).
    wide: bool,
}

impl Style {
    fn of(paper: Paper) -> Style {
        match paper {
            Paper::A4 => Style {
                width: 210.0,
                margin: 14.0,
                flow: Flow::Paged { height: 297.0 },
                title: 26.0,
                heading: 18.0,
                body: 14.0,
                value: 22.0,
                small: 12.0,
                trend_points: 20,
                max_listed: 2,
                chart_h: 58.0,
                marker: 2.6,
                qr_module: 0.8,
                wide: true,
            },
            Paper::Receipt80mm => Style {
                width: 80.0,
                margin: 4.0,
                flow: Flow::Roll,
                title: 18.0,
                heading: 15.0,
                body: 12.0,
                value: 18.0,
                small: 12.0,
                trend_points: 10,
                max_listed: 5,
                chart_h: 52.0,
                marker: 2.2,
                qr_module: 0.8,
                wide: false,
            },
        }
    }
}

/// Renders the report for `paper`.
pub fn render(input: &ReportInput, paper: Paper) -> Result<Report, ReportError> {
    let font = font::ReportFont::load()?;
    let cat = Catalog::new(input.locale);
    let st = Style::of(paper);
    let mut c = Canvas::new(&font, st.width, st.margin, st.flow);
    if matches!(st.flow, Flow::Paged { .. }) {
        c.footer = Canvas::line_height(st.small);
    }

    header(&mut c, &st, &cat, input)?;
    // Without BP readings the BP section is left out, unless there is nothing else to show
    // (then it says "no readings", as before).
    let bp_section =
        !input.bp.is_empty() || (input.other_readings.is_empty() && input.questionnaire.is_none());
    let (mut readings_listed, mut trend_shown, mut trend_total) = (0, 0, 0);
    if bp_section {
        readings_listed = readings(&mut c, &st, &cat, input);
        prescription(&mut c, &st, &cat, input);
        // The other readings follow the whole BP section; on A4 they start a second page when
        // they do not fit under the chart (a block is never split).
        (trend_shown, trend_total) = trend(&mut c, &st, &cat, input);
        other_readings(
            &mut c,
            &st,
            &cat,
            &input.other_readings,
            "report-other-readings",
        );
    } else {
        other_readings(
            &mut c,
            &st,
            &cat,
            &input.other_readings,
            "report-this-visit",
        );
    }
    if let Some(q) = &input.questionnaire {
        questionnaire(&mut c, &st, &cat, q);
    }
    footer(&mut c, &st, &cat, input)?;

    let (pdf, page_count, missing_glyphs) = finish(c, &font, &cat, &st, "report-title");
    Ok(Report {
        pdf,
        pages: page_count,
        missing_glyphs,
        readings_listed,
        trend_shown,
        trend_total,
    })
}

#[cfg(test)]
mod tests;

/// The last step of every printed document: the pages numbered ("第 1 页，共 2 页" when there
/// are several), the PDF written, its writer's errors and the characters the font lacks logged
/// (as a count only: they may be part of a name or a drug). Gives the PDF, its page count and
/// those characters.
pub(crate) fn finish(
    c: Canvas<'_>,
    font: &font::ReportFont,
    cat: &Catalog,
    st: &Style,
    title_id: &str,
) -> (Vec<u8>, usize, Vec<char>) {
    let mut doc = PdfDocument::new(&cat.text(title_id));
    let font_id = doc.add_font(font.parsed());
    let (pages, missing_glyphs) = c.into_pages(
        &font_id,
        |page, pages| {
            cat.text_with(
                "report-page",
                &[("page", page.to_string()), ("pages", pages.to_string())],
            )
        },
        st.small,
    );
    let page_count = pages.len();
    let mut warnings = Vec::new();
    let pdf = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings);
    for w in warnings
        .iter()
        .filter(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        tracing::warn!(message = %w.msg, "{title_id}: PDF writer warning");
    }
    if !missing_glyphs.is_empty() {
        tracing::warn!(
            count = missing_glyphs.len(),
            "{title_id}: characters missing from the report font were printed as {PLACEHOLDER}"
        );
    }
    (pdf, page_count, missing_glyphs)
}
