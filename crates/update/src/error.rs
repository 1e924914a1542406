use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum UpdateError {
    /// A file step failed; `step` says which, in the words of the log.
    #[error("cannot {step} {path}: {source}")]
    Io {
        step: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A record this crate wrote is not readable any more (a damaged disk, or edited by hand).
    #[error("the update record {path} is damaged: {source}")]
    Record {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// A version string that could end up in a file name or a path.
    #[error("the update's version {0:?} is not a plain version number")]
    BadVersion(String),
}

pub(crate) fn io(
    step: &'static str,
    path: &std::path::Path,
) -> impl FnOnce(std::io::Error) -> UpdateError {
    let path = path.to_path_buf();
    move |source| UpdateError::Io { step, path, source }
}
