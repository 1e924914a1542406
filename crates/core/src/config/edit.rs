//! Settings written back to `station.toml` by staff in admin mode, one at a time.
//!
//! - **Typed**: a [`Setting`] names what changes; [`Setting::key`] is the key it writes (for the
//!   audit trail: the key, never the value).
//! - **Keeps the file**: the edit goes through `toml_edit`, so comments, blank lines, key order
//!   and the formatting of every other key stay as the installer wrote them; a changed value
//!   keeps its own trailing comment.
//! - **Validated whole**: the edited text is parsed by [`StationConfig::parse_with`] before
//!   anything is written. A bad value (or a file that was already bad) is refused with the
//!   [`ConfigError`] naming the key, and the file is not touched.
//! - **Atomic and durable**: a temporary file in the same directory (the original's
//!   permissions), fsync, rename over the file, fsync of the directory. A power cut leaves the
//!   old file or the new one, never a mix. A symlinked `station.toml` is written through (the
//!   link stays).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Weekday};
use station_protocol::{IdentifyMethod, Locale, Paper};
use toml_edit::{Array, DocumentMut, Item, Table, TableLike, Value};

use super::hours::{weekday_key, Season, Span, WeekdayHours};
use super::{ConfigError, StationConfig, StationTier};

/// One setting staff can change in admin mode (issue 14's list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// `station.town`: 街镇名 (Wenzhou 5.3.1).
    Town(String),
    /// `station.community`: 村（社区）名.
    Community(String),
    /// `station.label`: the optional 识别名; `None` removes it.
    Label(Option<String>),
    /// The whole name at once (`station.town`, `station.community`, `station.label`), as staff
    /// type it in admin mode: one write, one check of all three.
    Name(super::NameParts),
    /// `station.tier` (Wenzhou appendix A).
    Tier(StationTier),
    /// `hours.opens` and `hours.closes` together: an ordinary open day.
    Hours(Span),
    /// `hours.weekdays.<day>`; [`WeekdayHours::Usual`] removes the day's entry.
    Weekday(Weekday, WeekdayHours),
    /// `[hours.summer]`; `None` removes it.
    Summer(Option<Season>),
    /// `[hours.winter]`; `None` removes it.
    Winter(Option<Season>),
    /// `hours.closed_dates` (written sorted, each date once).
    ClosedDates(Vec<NaiveDate>),
    /// `idle.timeout_seconds`: no touch for this long, the warning appears.
    IdleTimeout(u32),
    /// `idle.warning_seconds`: the countdown before logout.
    IdleWarning(u32),
    /// `voice.volume`, 0–100.
    Volume(u8),
    /// `station.locale`: the language each visit starts in.
    Locale(Locale),
    /// `station.identify`: the ways of identifying offered, in this order.
    Identify(Vec<IdentifyMethod>),
    /// `printer.paper`.
    Paper(Paper),
    /// `printer.queue`: "auto", "none", an ipp:// queue, "windows:<name>".
    PrinterQueue(String),
    /// `staff.card_uids`: the staff badges' UIDs (written in hexadecimal).
    StaffBadges(Vec<Vec<u8>>),
}

impl Setting {
    /// The key (or table) this setting writes, as staff and the audit trail name it.
    pub fn key(&self) -> &'static str {
        match self {
            Setting::Town(_) => "station.town",
            Setting::Community(_) => "station.community",
            Setting::Label(_) => "station.label",
            Setting::Name(_) => "station.name",
            Setting::Tier(_) => "station.tier",
            Setting::Hours(_) => "hours",
            Setting::Weekday(day, _) => match day {
                Weekday::Mon => "hours.weekdays.mon",
                Weekday::Tue => "hours.weekdays.tue",
                Weekday::Wed => "hours.weekdays.wed",
                Weekday::Thu => "hours.weekdays.thu",
                Weekday::Fri => "hours.weekdays.fri",
                Weekday::Sat => "hours.weekdays.sat",
                Weekday::Sun => "hours.weekdays.sun",
            },
            Setting::Summer(_) => "hours.summer",
            Setting::Winter(_) => "hours.winter",
            Setting::ClosedDates(_) => "hours.closed_dates",
            Setting::IdleTimeout(_) => "idle.timeout_seconds",
            Setting::IdleWarning(_) => "idle.warning_seconds",
            Setting::Volume(_) => "voice.volume",
            Setting::Locale(_) => "station.locale",
            Setting::Identify(_) => "station.identify",
            Setting::Paper(_) => "printer.paper",
            Setting::PrinterQueue(_) => "printer.queue",
            Setting::StaffBadges(_) => "staff.card_uids",
        }
    }
}

/// Applies `setting` to the config text and checks the whole result, as the station would read
/// it (`demo`: run with `--demo`). Returns the new text and the config it means.
pub fn apply(
    text: &str,
    path: &Path,
    setting: &Setting,
    demo: bool,
) -> Result<(String, StationConfig), ConfigError> {
    let mut doc: DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| ConfigError::Syntax {
                path: path.to_path_buf(),
                message: e.to_string().trim().replace('\n', " "),
            })?;
    edit(&mut doc, setting).map_err(|reason| ConfigError::Invalid {
        path: path.to_path_buf(),
        key: setting.key(),
        reason: reason.to_string(),
    })?;
    let new_text = doc.to_string();
    let config = StationConfig::parse_with(&new_text, path, demo)?;
    Ok((new_text, config))
}

/// Writes one setting to the config file at `path`: validated whole first, then replaced
/// atomically and durably. Returns the config as it now reads. On any error the file is as it
/// was.
pub fn write_setting(
    path: &Path,
    setting: &Setting,
    demo: bool,
) -> Result<StationConfig, ConfigError> {
    let text = fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let (new_text, config) = apply(&text, path, setting, demo)?;
    if new_text != text {
        replace_durably(path, new_text.as_bytes()).map_err(|source| ConfigError::Unwritable {
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(config)
}

/// Why an edit could not even be made (the file's shape, not a value): e.g. `[station]` is a
/// string.
type EditRefusal = &'static str;

fn edit(doc: &mut DocumentMut, setting: &Setting) -> Result<(), EditRefusal> {
    let root = doc.as_table_mut();
    match setting {
        Setting::Town(s) => set(table(root, &["station"])?, "town", s.as_str().into()),
        Setting::Community(s) => set(table(root, &["station"])?, "community", s.as_str().into()),
        Setting::Label(None) => remove(table(root, &["station"])?, "label"),
        Setting::Label(Some(s)) => set(table(root, &["station"])?, "label", s.as_str().into()),
        Setting::Name(parts) => {
            let station = table(root, &["station"])?;
            set(station, "town", parts.town.as_str().into());
            set(station, "community", parts.community.as_str().into());
            match &parts.label {
                Some(label) => set(station, "label", label.as_str().into()),
                None => remove(station, "label"),
            }
        }
        Setting::Tier(t) => set(table(root, &["station"])?, "tier", t.as_str().into()),
        Setting::Hours(span) => {
            let hours = table(root, &["hours"])?;
            set(hours, "opens", time(span.opens).into());
            set(hours, "closes", time(span.closes).into());
        }
        Setting::Weekday(day, hours) => {
            let days = table(root, &["hours", "weekdays"])?;
            match hours {
                WeekdayHours::Usual => remove(days, weekday_key(*day)),
                WeekdayHours::Closed => set(days, weekday_key(*day), "closed".into()),
                WeekdayHours::Hours(span) => set(days, weekday_key(*day), span.to_text().into()),
            }
        }
        Setting::Summer(season) => set_season(root, "summer", season.as_ref())?,
        Setting::Winter(season) => set_season(root, "winter", season.as_ref())?,
        Setting::ClosedDates(dates) => {
            let mut dates = dates.clone();
            dates.sort_unstable();
            dates.dedup();
            let list = strings(dates.iter().map(|d| d.format("%Y-%m-%d").to_string()));
            set(table(root, &["hours"])?, "closed_dates", list);
        }
        Setting::IdleTimeout(s) => set(
            table(root, &["idle"])?,
            "timeout_seconds",
            i64::from(*s).into(),
        ),
        Setting::IdleWarning(s) => set(
            table(root, &["idle"])?,
            "warning_seconds",
            i64::from(*s).into(),
        ),
        Setting::Volume(v) => set(table(root, &["voice"])?, "volume", i64::from(*v).into()),
        Setting::Locale(l) => set(table(root, &["station"])?, "locale", l.tag().into()),
        Setting::Identify(ways) => set(
            table(root, &["station"])?,
            "identify",
            strings(ways.iter().map(|m| m.as_str().to_string())),
        ),
        Setting::Paper(p) => set(
            table(root, &["printer"])?,
            "paper",
            match p {
                Paper::A4 => "a4",
                Paper::Receipt80mm => "receipt-80mm",
            }
            .into(),
        ),
        Setting::PrinterQueue(q) => set(table(root, &["printer"])?, "queue", q.as_str().into()),
        Setting::StaffBadges(uids) => set(
            table(root, &["staff"])?,
            "card_uids",
            strings(uids.iter().map(|uid| hex(uid))),
        ),
    }
    Ok(())
}

fn set_season(
    root: &mut Table,
    name: &'static str,
    season: Option<&Season>,
) -> Result<(), EditRefusal> {
    match season {
        None => {
            remove(table(root, &["hours"])?, name);
        }
        Some(s) => {
            let t = table(root, &["hours", name])?;
            set(t, "from", s.from.to_text().into());
            set(t, "to", s.to.to_text().into());
            set(t, "opens", time(s.hours.opens).into());
            set(t, "closes", time(s.hours.closes).into());
        }
    }
    Ok(())
}

/// The table at `path`, made (as a `[section]` of its own) where absent. An inline table
/// (`hours = { … }`) is edited as it is.
fn table<'a>(root: &'a mut Table, path: &[&str]) -> Result<&'a mut dyn TableLike, EditRefusal> {
    let mut here: &mut dyn TableLike = root;
    for name in path {
        if here.get(name).is_none() {
            here.insert(name, Item::Table(Table::new()));
        }
        here = here
            .get_mut(name)
            .and_then(Item::as_table_like_mut)
            .ok_or("is inside a key of the file that is not a table")?;
    }
    Ok(here)
}

/// Sets `key` to `value`, keeping the old value's surroundings (its trailing comment).
fn set(table: &mut dyn TableLike, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        _ => {
            table.insert(key, Item::Value(value));
        }
    }
}

fn remove(table: &mut dyn TableLike, key: &str) {
    table.remove(key);
}

fn strings(items: impl Iterator<Item = String>) -> Value {
    Value::Array(items.collect::<Array>())
}

fn time(t: chrono::NaiveTime) -> String {
    crate::clock::clock_time(t)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Replaces the file at `path` (through a symlink) with `bytes`: temporary file in the same
/// directory with the original's permissions, fsync, rename, fsync of the directory.
fn replace_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new(".")).to_path_buf();
    let permissions = fs::metadata(&target)?.permissions();
    let tmp = temp_beside(&target);
    let written = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.set_permissions(permissions)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(&dir)
}

/// `.station.toml.tmp-<pid>-<nanos>` beside the file: hidden, and unique per writer.
fn temp_beside(target: &Path) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let mut name = std::ffi::OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(format!(".tmp-{}-{nanos}", std::process::id()));
    target.with_file_name(name)
}

/// fsync of a directory, so a rename in it survives a power cut (as `station-store`'s
/// `files::sync_dir`). On Windows NTFS journals the rename and std cannot open a directory.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
