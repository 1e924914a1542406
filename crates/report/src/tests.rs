use super::*;

pub(crate) fn entry(taken_at: &str, s: u16, d: u16, p: u16, category: BpCategory) -> BpEntry {
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

#[test]
fn wrap_breaks_cjk_and_words() {
    let f = font::ReportFont::load().expect("font");
    let lines = canvas::wrap(
        &f,
        "血压明显升高，请尽快就医。血压明显升高，请尽快就医。",
        14.0,
        40.0,
    );
    assert!(lines.len() > 1, "{lines:?}");
    assert!(lines
        .iter()
        .all(|l| !l.starts_with('，') && !l.starts_with('。')));
    let lines = canvas::wrap(&f, "Your blood pressure is clearly raised.", 14.0, 40.0);
    assert!(lines.iter().all(|l| !l.starts_with(' ')), "{lines:?}");
    assert_eq!(lines.join(" "), "Your blood pressure is clearly raised.");
}

#[test]
fn every_report_word_is_in_the_font() {
    let f = font::ReportFont::load().expect("font");
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        for id in station_i18n::message_ids(locale) {
            let mut missing = Vec::new();
            f.printable(&cat.text(&id), &mut missing);
            assert!(missing.is_empty(), "{id} in {locale:?}: {missing:?}");
        }
    }
    let mut missing = Vec::new();
    f.printable("℃≥≤✓▲▼△·—–！", &mut missing);
    assert!(f.has(canvas::NBSP));
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn flags_and_plausibility() {
    assert_eq!(SYSTOLIC.flag(139), Flag::Normal);
    assert_eq!(SYSTOLIC.flag(140), Flag::High);
    assert_eq!(DIASTOLIC.flag(59), Flag::Low);
    assert_eq!(PULSE.flag(100), Flag::Normal);
    assert!(!implausible(&entry(
        "",
        130,
        85,
        70,
        BpCategory::HighNormal
    )));
    assert!(implausible(&entry("", 320, 0, 0, BpCategory::Grade3)));
    assert!(implausible(&entry("", 80, 90, 70, BpCategory::Normal)));
}
