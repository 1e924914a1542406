use super::*;
use station_protocol::{
    AdminMessage, AdminSection, BpCategory, DeviceClass, FaceHint, FaultProblem, Notice, PromptId,
    QrHint, Service,
};
use std::collections::BTreeSet;

#[test]
fn catalogs_parse_without_errors() {
    for locale in Locale::ALL {
        for src in sources(locale) {
            assert!(
                FluentResource::try_new(src.to_string()).is_ok(),
                "{} has Fluent syntax errors",
                locale.tag()
            );
        }
    }
}

#[test]
fn every_locale_has_the_same_ids() {
    let zh: BTreeSet<_> = message_ids(Locale::ZhCn).into_iter().collect();
    let en: BTreeSet<_> = message_ids(Locale::EnUs).into_iter().collect();
    assert!(zh.len() > 50, "catalog looks truncated: {}", zh.len());
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(only_zh.is_empty(), "missing in en-US: {only_zh:?}");
    assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
}

#[test]
fn every_id_the_protocol_names_exists() {
    // Every variant, from the protocol's generated `ALL` lists, so a new one is checked too.
    let mut ids: Vec<String> = PromptId::all().iter().map(|p| p.message_id()).collect();
    ids.extend(Service::ALL.iter().map(|s| s.message_id().to_string()));
    ids.extend(Notice::ALL.iter().map(|n| n.message_id().to_string()));
    for c in BpCategory::ALL {
        ids.push(c.message_id().into());
        ids.push(c.advice_id().into());
    }
    ids.extend(QrHint::ALL.iter().map(|h| h.message_id().to_string()));
    ids.extend(FaceHint::ALL.iter().map(|h| h.message_id().to_string()));
    ids.extend(FaultProblem::ALL.iter().map(|p| p.message_id()));
    ids.extend(
        DeviceClass::all()
            .iter()
            .map(|d| d.message_id().to_string()),
    );
    ids.extend(AdminSection::ALL.iter().map(|s| s.message_id().to_string()));
    ids.extend(AdminMessage::ALL.iter().map(|m| m.message_id().to_string()));
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        for id in &ids {
            assert!(cat.has(id), "{} lacks {id}", locale.tag());
        }
    }
}

/// Every `tr("...")`-style id the UI source uses must exist in every locale.
#[test]
fn every_id_the_ui_uses_exists() {
    let ui_src = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src");
    let mut used = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(ui_src)];
    while let Some(p) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&p) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for marker in [".tr(\"", ".tr_with(\""] {
                    for part in text.split(marker).skip(1) {
                        if let Some(end) = part.find('"') {
                            used.insert(part[..end].to_string());
                        }
                    }
                }
            }
        }
    }
    assert!(
        used.len() > 20,
        "found too few ids in the UI: {}",
        used.len()
    );
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        let missing: Vec<_> = used.iter().filter(|id| !cat.has(id)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", locale.tag());
    }
}

#[test]
fn arguments_are_placed_without_isolation_marks() {
    let zh = Catalog::new(Locale::ZhCn);
    assert_eq!(
        zh.text_with("home-greeting", &[("name", "张*华".into())]),
        "张*华，您好"
    );
    let en = Catalog::new(Locale::EnUs);
    assert_eq!(
        en.text_with("idle-warning-countdown", &[("seconds", "20".into())]),
        "Exiting in 20 seconds"
    );
    assert_eq!(zh.text("no-such-id"), "no-such-id");
}

/// Every assessment category id named in the domain rules exists in every locale.
#[test]
fn every_assessment_category_id_exists() {
    let src = include_str!("../../core/src/vitals.rs");
    let ids: BTreeSet<&str> = src
        .split('"')
        .filter(|s| s.contains("-category-") && !s.starts_with('-') && !s.contains(' '))
        .collect();
    assert!(ids.len() >= 20, "found {} ids", ids.len());
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        let missing: Vec<_> = ids.iter().filter(|id| !cat.has(id)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", locale.tag());
    }
}

/// Every message id the self-test names: measurements, steps (title and body), glucose
/// timings, and the ids `station_core::reading` hands the screen and the report (values,
/// units, advice, guidelines, notes, trend labels).
#[test]
fn every_self_test_id_exists() {
    use station_protocol::{GlucoseTiming, MeasureKind};
    let mut ids: Vec<String> = Vec::new();
    for kind in MeasureKind::ALL {
        ids.push(kind.message_id().into());
        for step in kind.steps() {
            ids.push(format!("{}-title", step.message_stem()));
            ids.push(format!("{}-body", step.message_stem()));
        }
    }
    ids.extend(
        GlucoseTiming::ALL
            .iter()
            .map(|t| t.message_id().to_string()),
    );
    // Manual entry: its fields' labels and units, its errors, and the kiosk's note ids.
    for kind in MeasureKind::ALL {
        for field in station_protocol::ManualField::for_kind(kind) {
            ids.push(field.label().into());
            ids.push(field.unit().into());
        }
    }
    ids.extend(
        [
            station_protocol::ManualFieldError::Missing,
            station_protocol::ManualFieldError::NotANumber,
            station_protocol::ManualFieldError::TooManyDecimals,
            station_protocol::ManualFieldError::OutOfRange,
            station_protocol::ManualFieldError::NotBelowSystolic,
        ]
        .iter()
        .map(|e| e.message_id().to_string()),
    );
    // Where a reading came from (result screen and report).
    ids.extend(["source-device", "source-staff", "source-demo"].map(String::from));
    let src = include_str!("../../core/src/reading.rs");
    let is_id = |s: &&str| {
        s.len() > 3
            && s.contains('-')
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let from_rules: Vec<&str> = src.split('"').filter(is_id).collect();
    assert!(from_rules.len() >= 40, "found {} ids", from_rules.len());
    ids.extend(from_rules.iter().map(|s| s.to_string()));
    for locale in Locale::ALL {
        let cat = Catalog::new(locale);
        let missing: Vec<_> = ids.iter().filter(|id| !cat.has(id)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", locale.tag());
    }
}

#[test]
fn lists_are_joined_the_locales_way() {
    let items = || ["A".to_string(), "B".to_string(), "C".to_string()];
    assert_eq!(Catalog::new(Locale::ZhCn).join(items()), "A、B、C");
    assert_eq!(Catalog::new(Locale::EnUs).join(items()), "A, B, C");
    assert_eq!(Catalog::new(Locale::EnUs).join(Vec::new()), "");
}
