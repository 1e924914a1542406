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

mod canvas;
mod chart;
mod font;
mod qr;

use printpdf::{PdfDocument, PdfParseErrorSeverity, PdfSaveOptions};
use station_i18n::Catalog;
use station_protocol::{BpCategory, Locale, ReadingSource, ReadingSummary, Severity};

use canvas::{Canvas, Flow};
pub use font::PLACEHOLDER;

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

/// "label：" (Chinese full-width colon) or "label: ".
fn labelled(cat: &Catalog, label: &str) -> String {
    match cat.locale() {
        Locale::ZhCn => format!("{label}："),
        Locale::EnUs => format!("{label}: "),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    Low,
    Normal,
    High,
}

/// The printed reference ranges ("normal" per the Chinese guideline 2018: below 140/90, and not
/// low; pulse 60–100 per minute).
struct Measure {
    label_id: &'static str,
    unit_id: &'static str,
    low_below: u16,
    high_from: u16,
    range: &'static str,
}

const SYSTOLIC: Measure = Measure {
    label_id: "bp-systolic",
    unit_id: "unit-mmhg",
    low_below: 90,
    high_from: 140,
    range: "90–139",
};
const DIASTOLIC: Measure = Measure {
    label_id: "bp-diastolic",
    unit_id: "unit-mmhg",
    low_below: 60,
    high_from: 90,
    range: "60–89",
};
const PULSE: Measure = Measure {
    label_id: "value-pulse",
    unit_id: "unit-per-minute",
    low_below: 60,
    high_from: 101,
    range: "60–100",
};

impl Measure {
    fn flag(&self, v: u16) -> Flag {
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
fn implausible(e: &BpEntry) -> bool {
    !(60..=260).contains(&e.systolic)
        || !(30..=160).contains(&e.diastolic)
        || e.diastolic >= e.systolic
        || !(30..=220).contains(&e.pulse)
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

    let mut doc = PdfDocument::new(&cat.text("report-title"));
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
        tracing::warn!(message = %w.msg, "report: PDF writer warning");
    }
    if !missing_glyphs.is_empty() {
        // The characters themselves may be part of a name: only their number goes to the log.
        tracing::warn!(
            count = missing_glyphs.len(),
            "report: characters missing from the report font were printed as {PLACEHOLDER}"
        );
    }
    Ok(Report {
        pdf,
        pages: page_count,
        missing_glyphs,
        readings_listed,
        trend_shown,
        trend_total,
    })
}

fn header(
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

fn section_heading(c: &mut Canvas, st: &Style, text: &str, keep_with: f32) {
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

fn readings(c: &mut Canvas, st: &Style, cat: &Catalog, input: &ReportInput) -> usize {
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

/// The category in a bordered box, after "评估：" on A4.
fn category_box(c: &mut Canvas, st: &Style, cat: &Catalog, category: &str) {
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

fn prescription(c: &mut Canvas, st: &Style, cat: &Catalog, input: &ReportInput) {
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

fn trend(c: &mut Canvas, st: &Style, cat: &Catalog, input: &ReportInput) -> (usize, usize) {
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

/// How tall `draw` would make the content (drawn on a throwaway roll of the same width).
fn height_of(c: &Canvas, draw: impl FnOnce(&mut Canvas)) -> f32 {
    let mut s = c.scratch();
    let top = s.y;
    draw(&mut s);
    s.y - top
}

/// Where a reading came from, in words: the device, staff typing it in, or a demonstration.
fn source_text(cat: &Catalog, source: &ReadingSource) -> String {
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

/// The readings other than blood pressure, one block each, under the heading `heading_id`.
fn other_readings(
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

/// The TCM constitution questionnaire under its own heading, as one block that is never split
/// over two A4 pages.
fn questionnaire(c: &mut Canvas, st: &Style, cat: &Catalog, q: &QuestionnaireEntry) {
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
    let separator = match cat.locale() {
        Locale::ZhCn => "、",
        Locale::EnUs => ", ",
    };
    let names = |ids: &[String]| {
        ids.iter()
            .map(|id| cat.text(id))
            .collect::<Vec<_>>()
            .join(separator)
    };
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

fn footer(
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

#[cfg(test)]
mod tests;
