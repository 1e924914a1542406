//! Renders real reports and reads them back with poppler (`pdftotext`, `pdftoppm`, `pdfinfo`;
//! Debian package poppler-utils). Set `STATION_REPORT_KEEP=<dir>` to keep the PDFs and page images.

use std::path::{Path, PathBuf};
use std::process::Command;

use station_i18n::Catalog;
use station_protocol::{BpCategory, Locale, MeasureKind, ReadingSource, Severity, ValueView};
use station_report::{
    render, BpEntry, Paper, QuestionnaireEntry, ReadingEntry, ReportInput, PLACEHOLDER,
};

fn entry(taken_at: &str, s: u16, d: u16, p: u16, category: BpCategory) -> BpEntry {
    BpEntry {
        taken_at: taken_at.to_string(),
        systolic: s,
        diastolic: d,
        pulse: p,
        category,
        isolated_systolic: false,
        source: ReadingSource::Device {
            model: "BP-Monitor 9000".to_string(),
        },
    }
}

fn history(n: usize) -> Vec<BpEntry> {
    (0..n)
        .map(|i| {
            let s = 118 + ((i * 7) % 40) as u16;
            let d = 72 + ((i * 5) % 24) as u16;
            let day = 1 + i % 28;
            let month = 1 + (i / 28) % 12;
            let cat = if s >= 140 || d >= 90 {
                BpCategory::Grade1
            } else if s >= 120 || d >= 80 {
                BpCategory::HighNormal
            } else {
                BpCategory::Normal
            };
            entry(
                &format!("2026-{month:02}-{day:02} 09:30"),
                s,
                d,
                66 + (i % 20) as u16,
                cat,
            )
        })
        .collect()
}

fn sample(locale: Locale) -> ReportInput {
    let mut high = entry("2026-11-23 10:32", 152, 96, 78, BpCategory::Grade1);
    high.isolated_systolic = false;
    ReportInput {
        station_name: "幸福里社区健康小屋".to_string(),
        printed_at: "2026-11-23 10:35".to_string(),
        locale,
        resident_masked_name: "张*华".to_string(),
        resident_masked_id: "3301**********1234".to_string(),
        report_id: "R20261123-0042".to_string(),
        bp: vec![
            entry("2026-11-23 10:28", 138, 86, 80, BpCategory::HighNormal),
            high,
        ],
        bp_history: history(8),
        other_readings: vec![],
        questionnaire: None,
    }
}

fn value(label: &str, value: &str, unit: &str) -> ValueView {
    ValueView {
        label: label.to_string(),
        value: value.to_string(),
        unit: unit.to_string(),
    }
}

/// High fever: urgent.
fn fever() -> ReadingEntry {
    ReadingEntry {
        taken_at: "2026-11-23 10:40".to_string(),
        kind: MeasureKind::Temperature,
        values: vec![value("value-temperature", "39.5", "unit-celsius")],
        category: "temperature-category-high-fever".to_string(),
        advice: "temperature-advice-high-fever".to_string(),
        severity: Severity::Alert,
        notes: vec![],
        urgent: true,
        guideline: "guideline-test".to_string(),
        source: ReadingSource::Demo,
    }
}

fn body() -> ReadingEntry {
    ReadingEntry {
        taken_at: "2026-11-23 10:44".to_string(),
        kind: MeasureKind::Body,
        values: vec![
            value("value-height", "165.0", "unit-cm"),
            value("value-weight", "70.0", "unit-kg"),
            value("value-bmi", "25.7", "unit-bmi"),
        ],
        category: "bmi-category-overweight".to_string(),
        advice: "bmi-advice-overweight".to_string(),
        severity: Severity::Caution,
        notes: vec![],
        urgent: false,
        guideline: "guideline-test".to_string(),
        source: ReadingSource::Demo,
    }
}

fn glucose() -> ReadingEntry {
    ReadingEntry {
        taken_at: "2026-11-23 10:48".to_string(),
        kind: MeasureKind::Glucose,
        values: vec![value("value-glucose", "5.2", "unit-mmol-per-l")],
        category: "glucose-category-normal".to_string(),
        advice: "glucose-advice-normal".to_string(),
        severity: Severity::Ok,
        notes: vec!["glucose-timing-fasting".to_string()],
        urgent: false,
        guideline: "guideline-test".to_string(),
        source: ReadingSource::Demo,
    }
}

fn spo2() -> ReadingEntry {
    ReadingEntry {
        taken_at: "2026-11-23 10:50".to_string(),
        kind: MeasureKind::Spo2,
        values: vec![
            value("value-spo2", "97", "unit-percent"),
            value("value-pulse", "72", "unit-per-minute"),
        ],
        category: "spo2-category-normal".to_string(),
        advice: "spo2-advice-normal".to_string(),
        severity: Severity::Ok,
        notes: vec![],
        urgent: false,
        guideline: "guideline-test".to_string(),
        source: ReadingSource::Demo,
    }
}

/// Qi deficiency, leaning towards yang deficiency.
fn tcm() -> QuestionnaireEntry {
    QuestionnaireEntry {
        taken_at: "2026-11-23 10:55".to_string(),
        primary: vec!["tcm-constitution-qixu".to_string()],
        tendencies: vec!["tcm-constitution-yangxu".to_string()],
        advice: vec![
            "tcm-advice-qixu".to_string(),
            "tcm-advice-yangxu".to_string(),
        ],
        needs_review: false,
    }
}

/// What the PDF text must hold for the questionnaire `q` (through the catalog, as above).
fn tcm_wants(cat: &Catalog, q: &QuestionnaireEntry) -> Vec<String> {
    let mut wants = vec![
        cat.text("tcm-questionnaire-title"),
        cat.text("report-tcm-primary"),
        q.taken_at.clone(),
    ];
    if !q.tendencies.is_empty() {
        wants.push(cat.text("report-tcm-tendency"));
    }
    wants.extend(q.primary.iter().map(|id| cat.text(id)));
    wants.extend(q.tendencies.iter().map(|id| cat.text(id)));
    wants.extend(q.advice.iter().map(|id| cat.text(id)));
    wants.into_iter().map(|w| squash(&w)).collect()
}

/// What the PDF text must hold for `e` (words through the catalog, so the test holds whether or
/// not a message id exists yet: a missing one prints as the id).
fn wants_for(cat: &Catalog, e: &ReadingEntry) -> Vec<String> {
    let symbol = match e.severity {
        Severity::Ok => "✓",
        Severity::Caution => "△",
        Severity::Alert => "▲",
    };
    let mut wants = vec![
        cat.text(e.kind.message_id()),
        squash_source(cat, &e.source),
        cat.text(&e.advice),
        format!("{symbol}{}", cat.text(&e.category)),
    ];
    let colon = match cat.locale() {
        Locale::ZhCn => "：",
        Locale::EnUs => ":",
    };
    for v in &e.values {
        wants.push(format!(
            "{}{colon}{}{}",
            cat.text(&v.label),
            v.value,
            cat.text(&v.unit)
        ));
    }
    wants.extend(e.notes.iter().map(|n| cat.text(n)));
    wants.into_iter().map(|w| squash(&w)).collect()
}

struct Out {
    dir: tempfile::TempDir,
    keep: Option<PathBuf>,
}

impl Out {
    fn new() -> Out {
        Out {
            dir: tempfile::tempdir().expect("tempdir"),
            keep: std::env::var_os("STATION_REPORT_KEEP").map(PathBuf::from),
        }
    }
    fn write(&self, name: &str, pdf: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, pdf).expect("write pdf");
        if let Some(k) = &self.keep {
            std::fs::create_dir_all(k).expect("keep dir");
            std::fs::write(k.join(name), pdf).expect("keep pdf");
            let _ = Command::new("pdftoppm")
                .args(["-r", "100", "-png", "-f", "1", "-l", "1", "-singlefile"])
                .arg(&p)
                .arg(k.join(name.trim_end_matches(".pdf")))
                .status();
        }
        p
    }
}

fn tool(cmd: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(cmd)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{cmd} (apt-get install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text of the PDF with all whitespace removed (pdftotext splits CJK lines where it likes).
fn text_of(pdf: &Path) -> String {
    tool("pdftotext", &["-enc", "UTF-8"], pdf)
        .split_whitespace()
        .collect()
}

/// The words a reading's source prints as.
fn squash_source(cat: &Catalog, source: &ReadingSource) -> String {
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

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

fn pages_of(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").and_then(|n| n.trim().parse().ok()))
        .expect("pdfinfo page count")
}

/// Page 1 as greyscale (PGM) at `dpi`: (width, height, dark pixel count).
fn dark_pixels(pdf: &Path, dpi: u32) -> (usize, usize, usize) {
    let out = Command::new("pdftoppm")
        .args(["-gray", "-r", &dpi.to_string(), "-f", "1", "-l", "1"])
        .arg(pdf)
        .output()
        .expect("pdftoppm");
    assert!(
        out.status.success(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = out.stdout;
    // "P5\n<w> <h>\n255\n" then one byte per pixel.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while data.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let start = i;
        while data.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let w: usize = fields[1].parse().expect("width");
    let h: usize = fields[2].parse().expect("height");
    let pixels = &data[i + 1..];
    assert_eq!(pixels.len(), w * h);
    (w, h, pixels.iter().filter(|&&p| p < 100).count())
}

#[test]
fn a4_chinese_text_comes_back_and_page_is_drawn() {
    let out = Out::new();
    let r = render(&sample(Locale::ZhCn), Paper::A4).expect("render");
    assert!(r.missing_glyphs.is_empty(), "{:?}", r.missing_glyphs);
    assert_eq!(r.pages, 1);
    assert!(
        r.pdf.len() < 200_000,
        "subset font expected, PDF is {} bytes",
        r.pdf.len()
    );
    let p = out.write("a4-zh.pdf", &r.pdf);
    assert_eq!(pages_of(&p), 1);
    let text = text_of(&p);
    for want in [
        "幸福里社区健康小屋",
        "健康报告",
        "张*华",
        "3301**********1234",
        "正常高值",
        "1级高血压（轻度）",
        "血压升高，请近期到社区医生处复查。",
        "收缩压（高压）",
        "毫米汞柱",
        "▲偏高",
        "健康处方",
        "R20261123-0042",
        "依据《中国高血压防治指南》",
    ] {
        assert!(text.contains(&squash(want)), "missing {want:?} in {text}");
    }
    let (w, h, dark) = dark_pixels(&p, 50);
    assert!(w > 300 && h > w, "A4 portrait expected, got {w}x{h}");
    assert!(
        dark > w * h / 100,
        "page looks blank: {dark} dark pixels of {}",
        w * h
    );
}

#[test]
fn receipt_80mm_chinese_and_english() {
    let out = Out::new();
    for (locale, name, wants) in [
        (
            Locale::ZhCn,
            "receipt-zh.pdf",
            vec![
                "幸福里社区健康小屋",
                "1级高血压（轻度）",
                "血压升高，请近期到社区医生处复查。",
                "健康处方",
            ],
        ),
        (
            Locale::EnUs,
            "receipt-en.pdf",
            vec![
                "幸福里社区健康小屋",
                "Grade 1 hypertension (mild)",
                "Your blood pressure is raised. Please see your community doctor soon.",
                "Health advice",
                "Systolic (upper)",
            ],
        ),
    ] {
        let r = render(&sample(locale), Paper::Receipt80mm).expect("render");
        assert_eq!(r.pages, 1);
        let p = out.write(name, &r.pdf);
        let text = text_of(&p);
        for want in wants {
            assert!(
                text.contains(&squash(want)),
                "{name}: missing {want:?} in {text}"
            );
        }
        let (w, h, dark) = dark_pixels(&p, 72);
        // 80 mm at 72 dpi is ~227 px wide; the roll is as long as the content.
        assert!((220..=232).contains(&w), "{name}: width {w}");
        assert!(h > 2 * w, "{name}: a receipt is long, got {w}x{h}");
        assert!(dark > w * h / 100, "{name}: blank? {dark} dark pixels");
    }
}

#[test]
fn a4_english() {
    let out = Out::new();
    let r = render(&sample(Locale::EnUs), Paper::A4).expect("render");
    let p = out.write("a4-en.pdf", &r.pdf);
    let text = text_of(&p);
    for want in [
        "Health report",
        "High-normal",
        "Grade 1 hypertension (mild)",
        "Your blood pressure is raised. Please see your community doctor soon.",
        "Normal range 90–139 mmHg",
        "▲ high",
    ] {
        assert!(text.contains(&squash(want)), "missing {want:?} in {text}");
    }
    assert_eq!(pages_of(&p), 1);
}

#[test]
fn out_of_range_values_and_long_history_stay_on_one_a4_page() {
    let out = Out::new();
    let mut input = sample(Locale::ZhCn);
    input.bp = vec![
        entry("2026-11-23 10:20", 320, 20, 0, BpCategory::Grade3),
        entry("2026-11-23 10:24", 60, 35, 250, BpCategory::Normal),
        entry("2026-11-23 10:28", 182, 112, 104, BpCategory::Grade3),
        entry("2026-11-23 10:32", 201, 121, 110, BpCategory::Grade3),
        entry("2026-11-23 10:36", 320, 20, 0, BpCategory::Grade3),
    ];
    input.bp[2].isolated_systolic = false;
    input.bp_history = history(500);
    for paper in [Paper::A4, Paper::Receipt80mm] {
        let r = render(&input, paper).expect("render");
        let name = format!("extreme-{paper:?}.pdf");
        let p = out.write(&name, &r.pdf);
        assert_eq!(r.trend_total, 505);
        let text = text_of(&p);
        assert!(
            text.contains("血压很高，请立即联系医生或工作人员。"),
            "{text}"
        );
        assert!(text.contains("这个读数不太寻常"), "{text}");
        assert!(text.contains("共有505次记录"), "{text}");
        assert!(text.contains("320"), "{text}");
        if paper == Paper::A4 {
            assert_eq!(r.pages, 1, "A4 must stay one page");
            assert_eq!(pages_of(&p), 1);
            assert_eq!(r.trend_shown, 20);
            assert_eq!(r.readings_listed, 3);
            assert!(text.contains("另有2次测量没有列出"), "{text}");
        } else {
            assert_eq!(r.trend_shown, 10);
        }
    }
}

#[test]
fn missing_glyphs_are_visible_and_reported() {
    let out = Out::new();
    let mut input = sample(Locale::ZhCn);
    // U+20000 (CJK extension B) and a private-use character are not in the report font.
    input.resident_masked_name = "𠀀*\u{E000}".to_string();
    input.station_name = "堃喆社区健康小屋".to_string(); // outside GB2312, but kept in the font
    let r = render(&input, Paper::A4).expect("render");
    assert_eq!(r.missing_glyphs, vec!['𠀀', '\u{E000}']);
    let p = out.write("missing.pdf", &r.pdf);
    let text = text_of(&p);
    assert!(
        text.contains(&format!("{PLACEHOLDER}*{PLACEHOLDER}")),
        "{text}"
    );
    assert!(text.contains("堃喆社区健康小屋"), "{text}");
}

#[test]
fn empty_visit_still_renders() {
    let mut input = sample(Locale::EnUs);
    input.bp.clear();
    input.bp_history.clear();
    let r = render(&input, Paper::Receipt80mm).expect("render");
    let out = Out::new();
    let text = text_of(&out.write("empty.pdf", &r.pdf));
    assert!(
        text.contains(&squash("No readings were taken in this visit.")),
        "{text}"
    );
    assert_eq!(r.trend_total, 0);
}

#[test]
fn public_shortcuts_give_pdfs() {
    let input = sample(Locale::ZhCn);
    let t = std::time::Instant::now();
    let a4 = station_report::render_a4(&input).expect("a4");
    let receipt = station_report::render_receipt_80mm(&input).expect("receipt");
    eprintln!("two reports in {:?}", t.elapsed());
    assert!(a4.starts_with(b"%PDF-") && receipt.starts_with(b"%PDF-"));
}

#[test]
fn other_readings_follow_blood_pressure_on_a4_and_receipt() {
    let out = Out::new();
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        let mut input = sample(locale);
        input.other_readings = vec![fever(), body()];
        for paper in [Paper::A4, Paper::Receipt80mm] {
            let r = render(&input, paper).expect("render");
            assert!(r.missing_glyphs.is_empty(), "{:?}", r.missing_glyphs);
            let name = format!("other-{locale:?}-{paper:?}.pdf");
            let p = out.write(&name, &r.pdf);
            assert_eq!(pages_of(&p), r.pages);
            let text = text_of(&p);
            let mut wants = vec![
                squash(&cat.text("report-other-readings")),
                squash(&cat.text("report-urgent")),
                squash(&cat.text("bp-category-grade1")),
                "39.5".to_string(),
                "165.0".to_string(),
                "25.7".to_string(),
            ];
            wants.extend(wants_for(&cat, &fever()));
            wants.extend(wants_for(&cat, &body()));
            for want in wants {
                assert!(text.contains(&want), "{name}: missing {want:?} in {text}");
            }
            // Blood pressure first, then the other readings.
            let bp_at = text.find(&squash(&cat.text("report-this-visit")));
            let other_at = text.find(&squash(&cat.text("report-other-readings")));
            assert!(bp_at < other_at, "{name}: order");
            assert_eq!(r.trend_total, 10, "{name}");
            assert_eq!(r.readings_listed, 2, "{name}");
            if paper == Paper::A4 {
                // The other readings do not fit beside the BP section: they start page 2.
                assert_eq!(r.pages, 2, "{name}");
            }
        }
    }
}

#[test]
fn only_other_readings_render_without_a_blood_pressure_section() {
    let out = Out::new();
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        let mut input = sample(locale);
        input.bp.clear();
        input.other_readings = vec![body(), fever(), glucose(), spo2()];
        for paper in [Paper::A4, Paper::Receipt80mm] {
            let r = render(&input, paper).expect("render");
            let name = format!("only-other-{locale:?}-{paper:?}.pdf");
            let p = out.write(&name, &r.pdf);
            assert_eq!(pages_of(&p), r.pages);
            let text = text_of(&p);
            let mut wants = vec![
                squash(&cat.text("report-this-visit")),
                squash(&cat.text("report-urgent")),
                squash(&cat.text("report-disclaimer")),
            ];
            for e in &input.other_readings {
                wants.extend(wants_for(&cat, e));
            }
            for want in wants {
                assert!(text.contains(&want), "{name}: missing {want:?} in {text}");
            }
            for absent in [
                "report-no-readings",
                "report-prescription",
                "report-other-readings",
                "bp-systolic",
            ] {
                let t = squash(&cat.text(absent));
                assert!(!text.contains(&t), "{name}: unexpected {t:?} in {text}");
            }
            assert_eq!((r.readings_listed, r.trend_shown, r.trend_total), (0, 0, 0));
            let (w, h, dark) = dark_pixels(&p, 50);
            assert!(dark > w * h / 200, "{name}: blank? {dark} dark pixels");
        }
    }
}

#[test]
fn questionnaire_follows_the_readings_on_a4_and_receipt() {
    let out = Out::new();
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        for (case, others) in [("bp", vec![]), ("all", vec![fever(), body()])] {
            let mut input = sample(locale);
            input.other_readings = others;
            input.questionnaire = Some(tcm());
            for paper in [Paper::A4, Paper::Receipt80mm] {
                let r = render(&input, paper).expect("render");
                assert!(r.missing_glyphs.is_empty(), "{:?}", r.missing_glyphs);
                let name = format!("tcm-{case}-{locale:?}-{paper:?}.pdf");
                let p = out.write(&name, &r.pdf);
                assert_eq!(pages_of(&p), r.pages);
                let text = text_of(&p);
                let mut wants = tcm_wants(&cat, &tcm());
                wants.push(squash(&cat.text("bp-category-grade1")));
                for e in &input.other_readings {
                    wants.extend(wants_for(&cat, e));
                }
                for want in wants {
                    assert!(text.contains(&want), "{name}: missing {want:?} in {text}");
                }
                let review = squash(&cat.text("report-tcm-review"));
                assert!(!text.contains(&review), "{name}: unexpected review");
                // After the readings, before the disclaimer.
                let last_reading = match input.other_readings.last() {
                    Some(e) => squash(&cat.text(&e.advice)),
                    None => squash(&cat.text("report-trend-guideline")),
                };
                let reading_at = text.find(&last_reading).expect("last reading");
                let tcm_at = text
                    .find(&squash(&cat.text("tcm-questionnaire-title")))
                    .expect("heading");
                let disclaimer_at = text
                    .find(&squash(&cat.text("report-disclaimer")))
                    .expect("disclaimer");
                assert!(
                    reading_at < tcm_at && tcm_at < disclaimer_at,
                    "{name}: order"
                );
                assert_eq!(r.readings_listed, 2, "{name}");
                if paper == Paper::Receipt80mm {
                    assert_eq!(r.pages, 1, "{name}");
                }
            }
        }
    }
}

#[test]
fn only_a_questionnaire_renders_without_reading_sections() {
    let out = Out::new();
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        let mut input = sample(locale);
        input.bp.clear();
        input.questionnaire = Some(tcm());
        for paper in [Paper::A4, Paper::Receipt80mm] {
            let r = render(&input, paper).expect("render");
            assert!(r.missing_glyphs.is_empty(), "{:?}", r.missing_glyphs);
            let name = format!("only-tcm-{locale:?}-{paper:?}.pdf");
            let p = out.write(&name, &r.pdf);
            assert_eq!(r.pages, 1, "{name}");
            assert_eq!(pages_of(&p), 1);
            let text = text_of(&p);
            let mut wants = tcm_wants(&cat, &tcm());
            wants.push(squash(&cat.text("report-title")));
            wants.push(squash(&cat.text("report-disclaimer")));
            for want in wants {
                assert!(text.contains(&want), "{name}: missing {want:?} in {text}");
            }
            for absent in [
                "report-this-visit",
                "report-no-readings",
                "report-prescription",
                "report-other-readings",
                "report-trend-guideline",
                "report-tcm-review",
            ] {
                let t = squash(&cat.text(absent));
                assert!(!text.contains(&t), "{name}: unexpected {t:?} in {text}");
            }
            assert_eq!((r.readings_listed, r.trend_shown, r.trend_total), (0, 0, 0));
            let (w, h, dark) = dark_pixels(&p, 50);
            assert!(dark > w * h / 400, "{name}: blank? {dark} dark pixels");
        }
    }
}

#[test]
fn questionnaire_without_a_clear_result_asks_for_a_doctor() {
    let out = Out::new();
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        let review = squash(&cat.text("report-tcm-review"));
        let nothing = QuestionnaireEntry {
            primary: vec![],
            tendencies: vec![],
            advice: vec![],
            ..tcm()
        };
        let flagged = QuestionnaireEntry {
            needs_review: true,
            ..tcm()
        };
        for (case, q) in [("nothing", nothing), ("flagged", flagged)] {
            let mut input = sample(locale);
            input.bp.clear();
            input.questionnaire = Some(q.clone());
            for paper in [Paper::A4, Paper::Receipt80mm] {
                let r = render(&input, paper).expect("render");
                let name = format!("tcm-{case}-{locale:?}-{paper:?}.pdf");
                let text = text_of(&out.write(&name, &r.pdf));
                assert_eq!(text.matches(&review).count(), 1, "{name}: {text}");
                assert!(
                    text.contains(&squash(&cat.text("tcm-questionnaire-title"))),
                    "{name}: {text}"
                );
                if case == "flagged" {
                    for want in tcm_wants(&cat, &q) {
                        assert!(text.contains(&want), "{name}: missing {want:?} in {text}");
                    }
                } else {
                    let colon = match locale {
                        Locale::ZhCn => "：",
                        Locale::EnUs => ":",
                    };
                    let primary = squash(&format!("{}{colon}", cat.text("report-tcm-primary")));
                    assert!(!text.contains(&primary), "{name}: empty constitution line");
                }
            }
        }
    }
}

#[test]
fn every_reading_says_where_it_came_from_and_typed_values_are_marked() {
    let out = Out::new();
    let mut typed = entry("2026-11-23 10:30", 150, 95, 80, BpCategory::Grade1);
    typed.source = ReadingSource::Staff {
        badge: "****B2C3".to_string(),
    };
    let measured = entry("2026-11-23 10:20", 128, 82, 72, BpCategory::HighNormal);
    let mut scale = body();
    scale.source = ReadingSource::Device {
        model: "Scale BS-8".to_string(),
    };
    let input = ReportInput {
        bp: vec![measured, typed],
        bp_history: Vec::new(),
        other_readings: vec![fever(), scale],
        questionnaire: None,
        ..sample(Locale::ZhCn)
    };
    for paper in [Paper::A4, Paper::Receipt80mm] {
        let r = render(&input, paper).expect("render");
        let text = squash(&text_of(
            &out.write(&format!("sources-{paper:?}.pdf"), &r.pdf),
        ));
        for want in [
            "由工作人员录入（工作人员卡****B2C3）",
            "测量设备：BP-Monitor9000",
            "测量设备：ScaleBS-8",
            "演示数据，不是真实测量",
        ] {
            assert!(text.contains(want), "{paper:?}: {want} missing in {text}");
        }
    }
}

fn slip(locale: Locale, pickup_code: Option<&str>) -> station_report::SlipInput {
    let line =
        |drug: &str, dose: &str, quantity: &str, usage: &str| station_protocol::PrescriptionLine {
            drug: drug.into(),
            dose: dose.into(),
            quantity: quantity.into(),
            usage: usage.into(),
        };
    station_report::SlipInput {
        station_name: "五马街道禅街社区智慧健康站".into(), // i18n-exempt: test data
        printed_at: "2026-12-01 09:30".into(),
        locale,
        resident_masked_name: "张*华".into(), // i18n-exempt: test data
        resident_masked_id: "3303**********1234".into(),
        doctor: "李医生".into(), // i18n-exempt: test data
        items: vec![
            line("苯磺酸氨氯地平片", "5mg", "7片", "每日一次，早饭后"), // i18n-exempt: test data
            line("阿司匹林肠溶片", "100mg", "14片", "每日一次"),        // i18n-exempt: test data
        ],
        pickup_code: pickup_code.map(str::to_string),
        slip_id: "RX-42".into(),
    }
}

#[test]
fn the_pickup_slip_prints_the_prescription_and_where_to_collect_it() {
    let dir = tempfile::tempdir().unwrap();
    for paper in [Paper::A4, Paper::Receipt80mm] {
        for (locale, code) in [(Locale::ZhCn, None), (Locale::EnUs, Some("834120"))] {
            let input = slip(locale, code);
            let out = station_report::render_slip(&input, paper).unwrap();
            assert!(out.missing_glyphs.is_empty(), "{:?}", out.missing_glyphs);
            assert_eq!(out.pages, 1);
            let path = dir.path().join("slip.pdf");
            std::fs::write(&path, &out.pdf).unwrap();
            let text = text_of(&path);
            let cat = Catalog::new(locale);
            let mut wants = vec![
                squash(&cat.text("slip-title")),
                squash(&input.station_name),
                squash(&cat.text_with("slip-doctor", &[("doctor", input.doctor.clone())])),
                "3303**********1234".to_string(),
                squash(&cat.text_with("slip-id", &[("id", "RX-42".into())])),
            ];
            for item in &input.items {
                wants.push(squash(&item.drug));
                wants.push(squash(&item.usage));
            }
            match code {
                Some(code) => {
                    wants.push(squash(
                        &cat.text_with("slip-pickup-code", &[("code", code.into())]),
                    ));
                    wants.push(squash(&cat.text("slip-take-to-cabinet")));
                }
                None => wants.push(squash(&cat.text("slip-take-to-pharmacy"))),
            }
            for want in wants {
                assert!(
                    text.contains(&want),
                    "{paper:?} {locale:?}: {want} not in {text}"
                );
            }
        }
    }
    // A drug name the font cannot draw is printed as a placeholder and reported, not dropped.
    let mut odd = slip(Locale::ZhCn, None);
    odd.items[0].drug = "\u{2F81D}片".into();
    let out = station_report::render_slip(&odd, Paper::A4).unwrap();
    assert_eq!(out.missing_glyphs, vec!['\u{2F81D}']);
}
