//! The station's logs (issue 14).
//!
//! - **Structured**: `tracing` events, to stderr (the journal, human format, as before) and to
//!   daily files of JSON lines, `station.YYYY-MM-DD.log` (UTC days, `tracing-appender`), in the
//!   configured folder (`[logs] dir`, default `<data dir>/station.logs`).
//! - **Masked**: every formatted line goes through [`Masker`] before a byte is written, to the
//!   file and to stderr: ID numbers, long digit runs, health-code tokens and Chinese names.
//! - **Kept `keep_days`**: files of days more than `[logs] keep_days` before today are deleted
//!   when the files are opened and on the first line of each new day.
//! - **For staff**: [`recent_problems`] reads the newest warnings and errors back in plain words.
//! - **Diagnostics**: [`bundle::write_bundle`] zips the masked logs, the config without secrets,
//!   versions and the device list.
//!
//! Start-up order: [`Logging::init`] first (stderr at once; file lines are held in memory, at
//! most [`EARLY_LINES`]), then, once the config says where, [`Logging::open_files`].

pub mod bundle;
mod files;
mod mask;
mod problems;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Registry};

pub use files::{log_files, prune, LogFiles, EARLY_LINES, FILE_PREFIX, FILE_SUFFIX};
pub use mask::Masker;
pub use problems::{recent_problems, Problem, Severity};

#[derive(Debug, Error)]
pub enum LogError {
    #[error("log folder {path} cannot be used: {source}")]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("log files in {path} cannot be opened: {message}")]
    Open { path: PathBuf, message: String },
    #[error("log file {path} cannot be read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("logging was already set up in this process")]
    AlreadySet,
    #[error("diagnostics bundle {path}: {message}")]
    Bundle { path: PathBuf, message: String },
}

/// The running logs: where the file lines go, and the masker both outputs share.
#[derive(Clone)]
pub struct Logging {
    files: Arc<LogFiles>,
    masker: Arc<Masker>,
}

impl Logging {
    /// A subscriber writing masked lines to stderr (when `stderr`) and to the log files (once
    /// opened), filtered by `filter` (`RUST_LOG` syntax); and its handle. For tests and tools;
    /// the app calls [`Logging::init`].
    pub fn new(
        filter: EnvFilter,
        stderr: bool,
    ) -> (Logging, impl tracing::Subscriber + Send + Sync + 'static) {
        let masker = Arc::new(Masker::new());
        let files = Arc::new(LogFiles::new(masker.clone()));
        let stderr_layer = stderr.then(|| {
            tracing_subscriber::fmt::layer()
                // Colours only on a terminal: journald and redirected logs stay plain text.
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_writer(Masked {
                    inner: std::io::stderr,
                    masker: masker.clone(),
                })
        });
        let file_layer = tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(false)
            .with_span_list(false)
            .with_writer(files::Slot(files.clone()));
        let subscriber = Registry::default()
            .with(filter)
            .with(stderr_layer)
            .with(file_layer);
        (Logging { files, masker }, subscriber)
    }

    /// Sets up the process's logging: `RUST_LOG` or "info", stderr and the files.
    pub fn init() -> Result<Logging, LogError> {
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
        let (logging, subscriber) = Logging::new(filter, true);
        tracing::subscriber::set_global_default(subscriber).map_err(|_| LogError::AlreadySet)?;
        Ok(logging)
    }

    /// Starts writing files in `dir` (made 0700 when absent), deleting those older than
    /// `keep_days`; lines logged before are written first. `keep_words`: the station's place
    /// names, which may stay in the clear.
    pub fn open_files<S: AsRef<str>>(
        &self,
        dir: &Path,
        keep_days: u32,
        keep_words: impl IntoIterator<Item = S>,
    ) -> Result<(), LogError> {
        self.masker.keep_words(keep_words);
        self.files.open(dir, keep_days)
    }

    /// The folder the files go to, once opened.
    pub fn dir(&self) -> Option<PathBuf> {
        self.files.dir()
    }

    pub fn masker(&self) -> &Masker {
        &self.masker
    }
}

/// A `MakeWriter` that masks each whole line before it reaches `inner`.
pub struct Masked<M> {
    pub inner: M,
    pub masker: Arc<Masker>,
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Masked<M> {
    type Writer = MaskedWriter<'a, M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskedWriter {
            inner: Some(self.inner.make_writer()),
            masker: &self.masker,
            line: Vec::new(),
        }
    }
}

/// Collects one event's line; masks and writes it when dropped (the formatter writes a line,
/// then drops its writer), so a line split over several `write` calls is masked whole.
pub struct MaskedWriter<'a, W: std::io::Write> {
    inner: Option<W>,
    masker: &'a Masker,
    line: Vec<u8>,
}

impl<W: std::io::Write> std::io::Write for MaskedWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.line.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<W: std::io::Write> Drop for MaskedWriter<'_, W> {
    fn drop(&mut self) {
        if let Some(mut w) = self.inner.take() {
            if !self.line.is_empty() {
                let _ = w.write_all(&self.masker.mask_bytes(&self.line));
                let _ = w.flush();
            }
        }
    }
}

#[cfg(test)]
mod tests;
