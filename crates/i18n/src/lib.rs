//! The kiosk's words. Catalogs are the Fluent files under `locales/<tag>/`, embedded at build
//! time so the kiosk never shows a blank label because a file went missing on disk.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use station_protocol::Locale;

/// Every catalog file of one locale, in load order.
fn sources(locale: Locale) -> [&'static str; 5] {
    match locale {
        Locale::ZhCn => [
            include_str!("../../../locales/zh-CN/station.ftl"),
            include_str!("../../../locales/zh-CN/prompts.ftl"),
            include_str!("../../../locales/zh-CN/report.ftl"),
            include_str!("../../../locales/zh-CN/questionnaire.ftl"),
            include_str!("../../../locales/zh-CN/clinic.ftl"),
        ],
        Locale::EnUs => [
            include_str!("../../../locales/en-US/station.ftl"),
            include_str!("../../../locales/en-US/prompts.ftl"),
            include_str!("../../../locales/en-US/report.ftl"),
            include_str!("../../../locales/en-US/questionnaire.ftl"),
            include_str!("../../../locales/en-US/clinic.ftl"),
        ],
    }
}

pub struct Catalog {
    locale: Locale,
    bundle: FluentBundle<FluentResource>,
}

impl Catalog {
    pub fn new(locale: Locale) -> Catalog {
        let langid = locale
            .tag()
            .parse()
            .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
        let mut bundle = FluentBundle::new(vec![langid]);
        // Unicode isolation marks would end up in spoken/compared text; our args are plain.
        bundle.set_use_isolating(false);
        for src in sources(locale) {
            // Syntax errors are caught by the catalog tests; keep whatever parsed.
            let res = match FluentResource::try_new(src.to_string()) {
                Ok(r) => r,
                Err((r, _)) => r,
            };
            let _ = bundle.add_resource(res);
        }
        Catalog { locale, bundle }
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// `id` may name an attribute as `message.attribute` (e.g. `tcm-q09.answer-1`).
    pub fn has(&self, id: &str) -> bool {
        match id.split_once('.') {
            Some((message, attribute)) => self
                .bundle
                .get_message(message)
                .is_some_and(|m| m.get_attribute(attribute).is_some()),
            None => self.bundle.has_message(id),
        }
    }

    /// The message `id`; a missing id shows as itself so it is noticed, never as blank.
    pub fn text(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// Items of a list joined the locale's way ("气虚质、阳虚质"; "Qi-deficient, Yang-deficient"):
    /// the separator is the message `list-separator`.
    pub fn join(&self, items: impl IntoIterator<Item = String>) -> String {
        items
            .into_iter()
            .collect::<Vec<_>>()
            .join(&self.text("list-separator"))
    }

    pub fn text_with(&self, id: &str, args: &[(&str, String)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, FluentValue::from(v.clone()));
        }
        self.format(id, Some(&fa))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let pattern = match id.split_once('.') {
            Some((message, attribute)) => self
                .bundle
                .get_message(message)
                .and_then(|m| m.get_attribute(attribute))
                .map(|a| a.value()),
            None => self.bundle.get_message(id).and_then(|m| m.value()),
        };
        let Some(pattern) = pattern else {
            return id.to_string();
        };
        let mut errors = vec![];
        self.bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}

/// Message ids defined in a locale's files (for completeness checks).
pub fn message_ids(locale: Locale) -> Vec<String> {
    let mut ids = Vec::new();
    for src in sources(locale) {
        for line in src.lines() {
            let first = line.chars().next();
            if matches!(first, Some(c) if c.is_ascii_lowercase()) {
                if let Some((id, _)) = line.split_once(" =") {
                    ids.push(id.trim().to_string());
                }
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests;
