//! Both Fluent files parse and carry every message id the crate hands out.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::Entry;
use station_questionnaire::{Answer, Constitution, Judgment, QUESTIONS};

const ZH: &str = include_str!("../../../locales/zh-CN/questionnaire.ftl");
const EN: &str = include_str!("../../../locales/en-US/questionnaire.ftl");

/// Message id → attribute names.
fn messages(name: &str, source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(resource) => resource,
        Err((_, errors)) => panic!("{name}: {errors:?}"),
    };
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                assert!(m.value.is_some(), "{name}: {} has no value", m.id.name);
                let attributes = m.attributes.iter().map(|a| a.id.name.to_string()).collect();
                let previous = out.insert(m.id.name.to_string(), attributes);
                assert!(previous.is_none(), "{name}: {} twice", m.id.name);
            }
            Entry::Junk { content } => panic!("{name}: junk {content}"),
            _ => {}
        }
    }
    out
}

fn used_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = QUESTIONS.iter().map(|q| q.message_id).collect();
    ids.extend(Answer::ALL.iter().map(|a| a.message_id()));
    ids.extend(Constitution::ALL.iter().map(|c| c.message_id()));
    ids.extend(Constitution::ALL.iter().map(|c| c.advice_message_id()));
    ids.extend([J::Yes, J::Tendency, J::Basically, J::No].map(Judgment::message_id));
    ids
}

use Judgment as J;

#[test]
fn both_locales_parse_and_match() {
    let zh = messages("zh-CN", ZH);
    let en = messages("en-US", EN);
    assert_eq!(
        zh, en,
        "the two files must define the same ids and attributes"
    );
    for id in used_ids() {
        assert!(zh.contains_key(id), "missing {id}");
    }
    let anchors: BTreeSet<String> = (1..=5).map(|i| format!("answer-{i}")).collect();
    for q in QUESTIONS {
        let attributes = zh.get(q.message_id).cloned().unwrap_or_default();
        if q.has_answer_anchors {
            assert_eq!(attributes, anchors, "{}", q.message_id);
        } else {
            assert!(attributes.is_empty(), "{}", q.message_id);
        }
    }
}
