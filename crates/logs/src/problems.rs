//! Recent warnings and errors, read back from the log files for the staff screen: when, how
//! bad, and what, in plain words (the message and its details, no JSON, no module paths).

use std::fmt;
use std::path::Path;

use chrono::{DateTime, Local};
use serde_json::Value;

use crate::{log_files, LogError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One warning or error, as staff read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Station local time.
    pub at: DateTime<Local>,
    pub severity: Severity,
    /// "cannot open the store (code 73, error file is not a database)": the message, then each
    /// detail as "name value", by name — already masked in the file.
    pub text: String,
}

impl fmt::Display for Problem {
    /// "2026-12-01 10:02 error: the printer is not answering (queue ipp://…)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{} {severity}: {}",
            self.at.format("%Y-%m-%d %H:%M"),
            self.text
        )
    }
}

/// The newest `limit` warnings and errors in the log files of `dir`, newest first. Lines that
/// are not ours (or not JSON) are skipped.
pub fn recent_problems(dir: &Path, limit: usize) -> Result<Vec<Problem>, LogError> {
    let files = log_files(dir).map_err(|source| LogError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found = Vec::new();
    for (_, path) in files {
        if found.len() >= limit {
            break;
        }
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            // Deleted by the daily prune between listing and reading.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(LogError::Read { path, source }),
        };
        found.extend(
            text.lines()
                .rev()
                .filter_map(problem)
                .take(limit - found.len()),
        );
    }
    Ok(found)
}

fn problem(line: &str) -> Option<Problem> {
    let v: Value = serde_json::from_str(line).ok()?;
    let severity = match v.get("level")?.as_str()? {
        "WARN" => Severity::Warning,
        "ERROR" => Severity::Error,
        _ => return None,
    };
    let at = DateTime::parse_from_rfc3339(v.get("timestamp")?.as_str()?)
        .ok()?
        .with_timezone(&Local);
    let fields = v.get("fields")?.as_object()?;
    let mut text = fields
        .get("message")
        .map(plain)
        .unwrap_or_else(|| "(no message)".into());
    let details: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k.as_str() != "message")
        .map(|(k, v)| format!("{} {}", k.replace('_', " "), plain(v)))
        .collect();
    if !details.is_empty() {
        text = format!("{text} ({})", details.join(", "));
    }
    Some(Problem { at, severity, text })
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
