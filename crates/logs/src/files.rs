//! The log files: `station.YYYY-MM-DD.log` (UTC day, as `tracing-appender` names them), one
//! JSON line per event, masked. Old days are deleted by the date in their name, so nothing but
//! our own files is ever touched.

use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, Utc};
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::MakeWriter;

use crate::{LogError, Masker};

pub const FILE_PREFIX: &str = "station";
pub const FILE_SUFFIX: &str = "log";
/// Lines held in memory before the files are opened (the oldest are dropped beyond that).
pub const EARLY_LINES: usize = 512;

/// Where file lines go: held until [`LogFiles::open`], then the day's file.
pub struct LogFiles {
    state: Mutex<State>,
    masker: Arc<Masker>,
}

enum State {
    Waiting(VecDeque<Vec<u8>>),
    Open(Open),
}

struct Open {
    appender: RollingFileAppender,
    dir: PathBuf,
    keep_days: u32,
    pruned_on: NaiveDate,
}

impl LogFiles {
    pub(crate) fn new(masker: Arc<Masker>) -> LogFiles {
        LogFiles {
            state: Mutex::new(State::Waiting(VecDeque::new())),
            masker,
        }
    }

    pub(crate) fn open(&self, dir: &Path, keep_days: u32) -> Result<(), LogError> {
        create_private_dir(dir).map_err(|source| LogError::Dir {
            path: dir.to_path_buf(),
            source,
        })?;
        let today = Utc::now().date_naive();
        // Old files go before the new day's file is made; a failure here is not worth
        // stopping the station for (the next day tries again).
        let _ = prune(dir, keep_days, today);
        let appender = RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix(FILE_PREFIX)
            .filename_suffix(FILE_SUFFIX)
            .build(dir)
            .map_err(|e| LogError::Open {
                path: dir.to_path_buf(),
                message: e.to_string(),
            })?;
        let mut open = Open {
            appender,
            dir: dir.to_path_buf(),
            keep_days,
            pruned_on: today,
        };
        let mut state = self.state.lock().map_err(|_| LogError::Open {
            path: dir.to_path_buf(),
            message: "the log state was poisoned by a panic".into(),
        })?;
        if let State::Waiting(early) = &mut *state {
            for line in early.drain(..) {
                let _ = open.appender.write_all(&line);
            }
        }
        *state = State::Open(open);
        Ok(())
    }

    pub(crate) fn dir(&self) -> Option<PathBuf> {
        match &*self.state.lock().ok()? {
            State::Open(open) => Some(open.dir.clone()),
            State::Waiting(_) => None,
        }
    }

    /// One masked line into the day's file (or the early queue).
    fn write_line(&self, line: &[u8]) {
        let masked = self.masker.mask_bytes(line);
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        match &mut *state {
            State::Waiting(early) => {
                if early.len() == EARLY_LINES {
                    early.pop_front();
                }
                early.push_back(masked);
            }
            State::Open(open) => {
                let today = Utc::now().date_naive();
                if today != open.pruned_on {
                    open.pruned_on = today;
                    let _ = prune(&open.dir, open.keep_days, today);
                }
                let _ = open.appender.write_all(&masked);
            }
        }
    }
}

/// The `MakeWriter` of the file layer.
pub(crate) struct Slot(pub(crate) Arc<LogFiles>);

impl<'a> MakeWriter<'a> for Slot {
    type Writer = SlotWriter<'a>;
    fn make_writer(&'a self) -> SlotWriter<'a> {
        SlotWriter {
            files: &self.0,
            line: Vec::new(),
        }
    }
}

/// Collects one event's line and writes it, masked, when dropped.
pub(crate) struct SlotWriter<'a> {
    files: &'a LogFiles,
    line: Vec<u8>,
}

impl Write for SlotWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.line.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for SlotWriter<'_> {
    fn drop(&mut self) {
        if !self.line.is_empty() {
            self.files.write_line(&self.line);
        }
    }
}

/// The day of a log file from its name (`station.2026-12-01.log`), `None` for anything else.
fn file_day(name: &str) -> Option<NaiveDate> {
    let day = name
        .strip_prefix(FILE_PREFIX)?
        .strip_prefix('.')?
        .strip_suffix(FILE_SUFFIX)?
        .strip_suffix('.')?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// The log files in `dir`, newest day first.
pub fn log_files(dir: &Path) -> std::io::Result<Vec<(NaiveDate, PathBuf)>> {
    let mut files: Vec<(NaiveDate, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let day = file_day(e.file_name().to_str()?)?;
            Some((day, e.path()))
        })
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    Ok(files)
}

/// Deletes the log files of days more than `keep_days` before `today` (so `keep_days` whole
/// days are kept besides today's). Returns how many went.
pub fn prune(dir: &Path, keep_days: u32, today: NaiveDate) -> std::io::Result<usize> {
    let oldest_kept = today - chrono::Days::new(u64::from(keep_days));
    let mut removed = 0;
    for (day, path) in log_files(dir)? {
        if day < oldest_kept {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}
