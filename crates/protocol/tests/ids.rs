//! The ids other things depend on: the recordings (`assets/audio/<locale>/<id>.ogg`), the
//! messages in `locales/`, and the keys stored in the database. They are generated from the
//! variant names (strum, serde, `prompt_ids!`), so renaming a variant renames its id: the literals
//! below are written by hand, and a rename that would orphan a recording, a message or stored
//! rows fails here.

use std::collections::BTreeSet;
use std::fmt::Debug;

use station_protocol::{
    tcm_question_id, BpCategory, FaceHint, GlucoseTiming, IdentifyMethod, Locale, MeasureKind,
    MeasureStep, Notice, PromptId, QrHint, Service, ValueLabel, ValueUnit, TCM_QUESTION_COUNT,
};

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("serialize")
}

/// `ids` (one per variant) are all different.
fn assert_unique<T: Debug>(what: &str, variants: &[T], id: impl Fn(&T) -> String) {
    let ids: BTreeSet<String> = variants.iter().map(&id).collect();
    assert_eq!(
        ids.len(),
        variants.len(),
        "{what}: two variants share an id"
    );
}

#[test]
fn ids_are_unchanged() {
    let prompts = [
        (PromptId::Welcome, "welcome"),
        (PromptId::ReadingCard, "reading-card"),
        (PromptId::Spo2Clip, "spo2-clip"),
        (PromptId::AdminPin, "admin-pin"),
        (PromptId::IdCardUnreadable, "id-card-unreadable"),
        (PromptId::ScanQr, "scan-qr"),
        (PromptId::FaceNotCaptured, "face-not-captured"),
        (PromptId::QuestionnaireDone, "questionnaire-done"),
        (PromptId::ResultIntro, "result-intro"),
        (PromptId::TcmQuestion(1), "tcm-q01"),
        (PromptId::TcmQuestion(9), "tcm-q09"),
        (PromptId::TcmQuestion(33), "tcm-q33"),
        (PromptId::Numeral(0), "num-0"),
        (PromptId::Numeral(13), "num-13"),
        (PromptId::Numeral(90), "num-90"),
        (PromptId::Hundred, "num-hundred"),
        (PromptId::Point, "num-point"),
        (PromptId::Label(ValueLabel::Systolic), "label-systolic"),
        (PromptId::Label(ValueLabel::Spo2), "label-spo2"),
        (PromptId::Unit(ValueUnit::MmHg), "unit-mmhg"),
        (PromptId::Unit(ValueUnit::MmolPerL), "unit-mmol-per-l"),
    ];
    for (prompt, id) in prompts {
        assert_eq!(prompt.as_str(), id, "{prompt:?}");
    }
    assert_eq!(PromptId::ReadingCard.message_id(), "prompt-reading-card");
    assert_eq!(PromptId::Numeral(90).message_id(), "prompt-num-90");
    assert_eq!(PromptId::TcmQuestion(33).message_id(), "tcm-q33");
    // Out of range: no recording of some other number or question.
    assert_eq!(PromptId::Numeral(23).as_str(), "num-unknown");
    assert_eq!(PromptId::TcmQuestion(0).as_str(), "questionnaire-done");
    assert_eq!(PromptId::TcmQuestion(34).as_str(), "questionnaire-done");
    assert_eq!(TCM_QUESTION_COUNT, 33);
    assert_eq!(tcm_question_id(7), Some("tcm-q07"));
    assert_eq!(tcm_question_id(0), None);
    assert_eq!(tcm_question_id(34), None);

    assert_eq!(
        Notice::CardUnreadable.message_id(),
        "notice-card-unreadable"
    );
    assert_eq!(Notice::ReaderMissing.message_id(), "notice-reader-missing");
    assert_eq!(
        Notice::FaceNotCaptured.message_id(),
        "notice-face-not-captured"
    );
    assert_eq!(FaceHint::OffCentre.message_id(), "face-hint-off-centre");
    assert_eq!(
        QrHint::NotAHealthCode.message_id(),
        "scan-hint-not-a-health-code"
    );
    assert_eq!(Service::CallDoctor.message_id(), "service-call-doctor");
    assert_eq!(
        MeasureKind::BloodPressure.message_id(),
        "measure-blood-pressure"
    );
    assert_eq!(MeasureKind::Spo2.message_id(), "measure-spo2");
    assert_eq!(
        MeasureStep::ChooseGlucoseTiming.message_stem(),
        "step-glucose-timing"
    );
    assert_eq!(
        MeasureStep::StandOnScale.message_stem(),
        "step-stand-on-scale"
    );
    assert_eq!(
        GlucoseTiming::TwoHour.message_id(),
        "glucose-timing-two-hour"
    );
    assert_eq!(
        BpCategory::HighNormal.message_id(),
        "bp-category-high-normal"
    );
    assert_eq!(BpCategory::Grade1.message_id(), "bp-category-grade1");
    assert_eq!(BpCategory::HighNormal.advice_id(), "bp-advice-high-normal");
    assert_eq!(BpCategory::Grade3.advice_id(), "bp-advice-grade3");
    assert_eq!(ValueUnit::PerMinute.message_id(), "unit-per-minute");
    assert_eq!(ValueLabel::Systolic.message_id(), "bp-systolic");
    assert_eq!(ValueLabel::Pulse.message_id(), "value-pulse");

    // Stored in the database and the audit trail.
    assert_eq!(MeasureKind::BloodPressure.as_str(), "blood_pressure");
    assert_eq!(MeasureKind::Spo2.as_str(), "spo2");
    assert_eq!(GlucoseTiming::TwoHour.as_str(), "two_hour");
    assert_eq!(IdentifyMethod::InsuranceCard.as_str(), "insurance_card");
    assert_eq!(IdentifyMethod::HealthQr.as_str(), "health_qr");
    // Folder names under locales/ and assets/audio/.
    assert_eq!(Locale::ZhCn.tag(), "zh-CN");
    assert_eq!(Locale::EnUs.tag(), "en-US");
}

#[test]
fn serde_forms_are_unchanged() {
    assert_eq!(json(&PromptId::ReadingCard), r#""reading-card""#);
    assert_eq!(json(&PromptId::Hundred), r#""hundred""#);
    assert_eq!(json(&PromptId::TcmQuestion(3)), r#"{"tcm-question":3}"#);
    assert_eq!(
        json(&PromptId::Unit(ValueUnit::MmHg)),
        r#"{"unit":"mm-hg"}"#
    );
    assert_eq!(json(&Notice::CardUnreadable), r#""card_unreadable""#);
    assert_eq!(json(&FaceHint::OffCentre), r#""off_centre""#);
    assert_eq!(json(&QrHint::NotAHealthCode), r#""not_a_health_code""#);
    assert_eq!(json(&Service::CallDoctor), r#""call_doctor""#);
    assert_eq!(json(&MeasureStep::StandOnScale), r#""stand_on_scale""#);
    assert_eq!(json(&BpCategory::HighNormal), r#""high_normal""#);
    assert_eq!(json(&ValueLabel::Spo2), r#""spo2""#);
    assert_eq!(json(&Locale::ZhCn), r#""zh-CN""#);
}

#[test]
fn stored_keys_and_fixed_prompt_ids_are_the_serde_forms() {
    let quoted = |s: &str| format!("\"{s}\"");
    for kind in MeasureKind::ALL {
        assert_eq!(json(&kind), quoted(kind.as_str()));
        assert_eq!(MeasureKind::from_key(kind.as_str()), Some(kind));
    }
    for timing in GlucoseTiming::ALL {
        assert_eq!(json(&timing), quoted(timing.as_str()));
    }
    for method in IdentifyMethod::ALL {
        assert_eq!(json(&method), quoted(method.as_str()));
    }
    for locale in Locale::ALL {
        assert_eq!(json(&locale), quoted(locale.tag()));
        assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
    }
    // The number words are the "num-" family; every other fixed prompt is named as serde names it.
    for prompt in PromptId::ALL.into_iter().filter(|p| !p.is_word()) {
        assert_eq!(json(&prompt), quoted(prompt.as_str()));
    }
}

#[test]
fn every_family_of_ids_is_unique() {
    assert_unique("prompt", &PromptId::all(), |p| p.as_str().to_string());
    assert_unique("prompt message", &PromptId::all(), |p| p.message_id());
    assert_unique("notice", &Notice::ALL, |n| n.message_id().to_string());
    assert_unique("face hint", &FaceHint::ALL, |h| h.message_id().to_string());
    assert_unique("qr hint", &QrHint::ALL, |h| h.message_id().to_string());
    assert_unique("service", &Service::ALL, |s| s.message_id().to_string());
    assert_unique("kind key", &MeasureKind::ALL, |k| k.as_str().to_string());
    assert_unique("kind message", &MeasureKind::ALL, |k| {
        k.message_id().to_string()
    });
    assert_unique("step", &MeasureStep::ALL, |s| s.message_stem().to_string());
    assert_unique("step prompt", &MeasureStep::ALL, |s| {
        s.prompt().as_str().to_string()
    });
    assert_unique("timing key", &GlucoseTiming::ALL, |t| {
        t.as_str().to_string()
    });
    assert_unique("timing message", &GlucoseTiming::ALL, |t| {
        t.message_id().to_string()
    });
    assert_unique("bp category", &BpCategory::ALL, |c| {
        c.message_id().to_string()
    });
    assert_unique("bp advice", &BpCategory::ALL, |c| c.advice_id().to_string());
    assert_unique("locale", &Locale::ALL, |l| l.tag().to_string());
    assert_unique("identify method", &IdentifyMethod::ALL, |m| {
        m.as_str().to_string()
    });
    assert_unique("value label", &ValueLabel::ALL, |l| {
        l.message_id().to_string()
    });
    assert_unique("value unit", &ValueUnit::ALL, |u| {
        u.message_id().to_string()
    });
}

#[test]
fn every_notice_says_the_prompt_of_its_name() {
    let fixed: BTreeSet<&str> = PromptId::ALL.iter().map(|p| p.as_str()).collect();
    let mut prompts = BTreeSet::new();
    for notice in Notice::ALL {
        let prompt = notice.prompt();
        assert!(fixed.contains(prompt.as_str()), "{notice:?}");
        assert_eq!(
            notice.message_id().strip_prefix("notice-"),
            Some(prompt.as_str()),
            "{notice:?}"
        );
        prompts.insert(prompt.as_str());
    }
    assert_eq!(
        prompts.len(),
        Notice::ALL.len(),
        "two notices share a prompt"
    );
}

#[test]
fn all_lists_every_variant_once_in_declaration_order() {
    assert_eq!(
        Service::ALL,
        [
            Service::SelfTest,
            Service::Reports,
            Service::Records,
            Service::Appointment,
            Service::CallDoctor
        ]
    );
    assert_eq!(
        MeasureKind::ALL,
        [
            MeasureKind::BloodPressure,
            MeasureKind::Body,
            MeasureKind::Temperature,
            MeasureKind::Glucose,
            MeasureKind::Spo2
        ]
    );
    assert_eq!(Locale::ALL, [Locale::ZhCn, Locale::EnUs]);
    assert_eq!(PromptId::ALL.first(), Some(&PromptId::Welcome));
    assert_eq!(PromptId::ALL.last(), Some(&PromptId::Point));
    // Every prompt once: the fixed ones, 33 questions, 28 number words, 9 labels, 7 units.
    assert_eq!(PromptId::all().len(), PromptId::ALL.len() + 33 + 28 + 9 + 7);
    let numerals: BTreeSet<u8> = PromptId::NUMERALS.into_iter().collect();
    assert_eq!(numerals.len(), 28);
    assert!((0..=20)
        .chain((30..=90).step_by(10))
        .all(|n| numerals.contains(&n)));
}
