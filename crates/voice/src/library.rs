use std::path::{Path, PathBuf};

use station_protocol::{Locale, PromptId};

/// Where the prompt recordings live: `<root>/<locale tag>/<prompt id>.ogg`.
///
/// The recordings are made from `locales/<locale>/prompts.ftl` by `scripts/make-prompts` and
/// committed under `assets/audio`; the app ships that folder as a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptLibrary {
    root: PathBuf,
}

impl PromptLibrary {
    /// A library rooted at `root` (the folder holding `zh-CN/` and `en-US/`).
    pub fn new(root: impl Into<PathBuf>) -> PromptLibrary {
        PromptLibrary { root: root.into() }
    }

    /// The workspace's own `assets/audio`, found from this crate's source location at compile
    /// time: for tests and `cargo run` during development, not for an installed kiosk.
    pub fn in_source_tree() -> PromptLibrary {
        PromptLibrary::new(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("..")
                .join("assets")
                .join("audio"),
        )
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The recording of `prompt` in `locale` (whether or not it exists).
    pub fn path(&self, locale: Locale, prompt: PromptId) -> PathBuf {
        self.root
            .join(locale.tag())
            .join(format!("{}.ogg", prompt.as_str()))
    }

    /// Every (locale, prompt) pair whose recording is not a file, in [`Locale::ALL`] ×
    /// [`PromptId::ALL`] order. Empty when the library is complete.
    pub fn missing(&self) -> Vec<(Locale, PromptId)> {
        Locale::ALL
            .into_iter()
            .flat_map(|locale| PromptId::all().into_iter().map(move |p| (locale, p)))
            .filter(|&(locale, prompt)| !self.path(locale, prompt).is_file())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_locale_and_id() {
        let lib = PromptLibrary::new("/x/audio");
        assert_eq!(
            lib.path(Locale::ZhCn, PromptId::BpSit),
            PathBuf::from("/x/audio/zh-CN/bp-sit.ogg")
        );
        assert_eq!(
            lib.path(Locale::EnUs, PromptId::Welcome),
            PathBuf::from("/x/audio/en-US/welcome.ogg")
        );
    }

    #[test]
    fn an_empty_folder_misses_everything() {
        let dir = tempfile::tempdir().expect("temp dir");
        let lib = PromptLibrary::new(dir.path());
        assert_eq!(
            lib.missing().len(),
            Locale::ALL.len() * PromptId::all().len()
        );
        assert_eq!(lib.missing()[0], (Locale::ZhCn, PromptId::Welcome));
    }
}
