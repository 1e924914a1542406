use std::io::Write;
use std::sync::Mutex;

use chrono::NaiveDate;

use super::*;

/// What the tests plant: things that must never reach a file.
const ID: &str = "11010519491231002X";
const ID_OLD: &str = "110105491231002";
const PHONE: &str = "13812345678";
const VOUCHER: &str = "4240101234567890123451330000";
const HEALTH_CARD: &str = "E1D1A0B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6DBB18";
const TOKEN: &str = "AbCdEf0123456789GhIjKl";
const NAMES: [&str; 4] = ["张三", "欧阳小华", "买买提·艾力", "王小明"];

/// Logs every planted value through `tracing`, in the ways code might by mistake.
pub(crate) fn plant() {
    tracing::info!("station starting at 五马街道禅街社区智慧健康站");
    tracing::info!(id = ID, name = NAMES[0], "card read");
    tracing::warn!("resident {} ({}) left the card in", NAMES[1], ID_OLD);
    tracing::error!(error = %format!("platform refused {HEALTH_CARD}:1 for {}", NAMES[2]), "health code not verified");
    tracing::info!(token = TOKEN, phone = PHONE, voucher = VOUCHER, "qr");
    tracing::warn!(?NAMES, "names in a Debug list");
    tracing::info!("居民{}来了", NAMES[3]);
}

/// Fails on any planted value, or any 11+ digit run, in `text`.
pub(crate) fn assert_clean(what: &str, text: &str) {
    for secret in [ID, ID_OLD, PHONE, VOUCHER, HEALTH_CARD, TOKEN]
        .iter()
        .chain(NAMES.iter())
    {
        assert!(!text.contains(secret), "{what} holds {secret}:\n{text}");
    }
    let digits = regex::Regex::new(r"[0-9]{11,}").expect("re");
    assert!(
        !digits.is_match(text),
        "{what} holds a long number:\n{text}"
    );
    let id = regex::Regex::new(r"[0-9]{17}[0-9Xx]").expect("re");
    assert!(!id.is_match(text), "{what} holds an ID number:\n{text}");
    // Given names: only the first character of a run of Han characters may remain.
    for given in ["三", "阳小华", "买提", "艾力", "小明"] {
        assert!(!text.contains(given), "{what} holds {given}:\n{text}");
    }
}

fn filter() -> EnvFilter {
    EnvFilter::new("info")
}

fn read_all(dir: &Path) -> String {
    log_files(dir)
        .expect("list")
        .iter()
        .map(|(_, p)| std::fs::read_to_string(p).expect("read"))
        .collect()
}

#[test]
fn nothing_personal_reaches_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir.path().join("logs");
    let (logging, subscriber) = Logging::new(filter(), false);
    logging
        .open_files(&logs, 30, ["五马街道", "禅街社区"])
        .expect("open");
    tracing::subscriber::with_default(subscriber, plant);
    let text = read_all(&logs);
    assert_eq!(text.lines().count(), 7, "{text}");
    assert_clean("the log file", &text);
    // What was logged is still there, masked, and each line is JSON.
    assert!(text.contains("五马街道禅街社区智慧健康站"), "{text}");
    assert!(text.contains("\"name\":\"张*\""), "{text}");
    assert!(
        text.contains(&format!("\"id\":\"{}\"", "*".repeat(18))),
        "{text}"
    );
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        assert!(v.get("level").is_some(), "{line}");
    }
    assert_eq!(logging.dir().as_deref(), Some(logs.as_path()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&logs).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}

#[test]
fn lines_before_the_files_are_opened_are_written_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (logging, subscriber) = Logging::new(filter(), false);
    tracing::subscriber::with_default(subscriber, || {
        tracing::error!(id = ID, "bad station configuration");
        logging
            .open_files(dir.path(), 30, Vec::<String>::new())
            .expect("open");
        tracing::info!("station starting");
    });
    let text = read_all(dir.path());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains("bad station configuration"));
    assert!(lines[1].contains("station starting"));
    assert_clean("the early line", &text);
}

/// A `MakeWriter` into a shared buffer (stands for stderr).
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_stderr_format_is_masked_too() {
    let buffer = Buffer::default();
    let out = buffer.clone();
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(Masked {
            inner: move || out.clone(),
            masker: Arc::new(Masker::new()),
        });
    let subscriber = Registry::default().with(filter()).with(layer);
    tracing::subscriber::with_default(subscriber, plant);
    let text = String::from_utf8(buffer.0.lock().expect("lock").clone()).expect("utf8");
    assert_eq!(text.lines().count(), 7, "{text}");
    assert_clean("stderr", &text);
    assert!(text.contains("card read"), "{text}");
}

#[test]
fn old_days_are_deleted_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    for name in [
        "station.2026-11-01.log",
        "station.2026-11-23.log",
        "station.2026-11-24.log",
        "station.2026-12-01.log",
        "station.toml",
        "other.2020-01-01.log",
    ] {
        std::fs::write(dir.path().join(name), "x\n").expect("write");
    }
    let removed = prune(dir.path(), 7, day("2026-12-01")).expect("prune");
    assert_eq!(removed, 2);
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec![
            "other.2020-01-01.log",
            "station.2026-11-24.log",
            "station.2026-12-01.log",
            "station.toml"
        ]
    );
    let days: Vec<NaiveDate> = log_files(dir.path())
        .expect("list")
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    assert_eq!(days, vec![day("2026-12-01"), day("2026-11-24")]);
}

#[test]
fn opening_the_files_deletes_the_old_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("station.2000-01-01.log");
    std::fs::write(&old, "{}\n").expect("write");
    let (logging, _subscriber) = Logging::new(filter(), false);
    logging
        .open_files(dir.path(), 30, Vec::<String>::new())
        .expect("open");
    assert!(!old.exists());
}

#[test]
fn staff_read_recent_warnings_and_errors_in_plain_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (logging, subscriber) = Logging::new(filter(), false);
    logging
        .open_files(dir.path(), 30, Vec::<String>::new())
        .expect("open");
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!("station starting");
        tracing::warn!(
            queue = "ipp://localhost:631/printers/R",
            "the printer is not answering"
        );
        tracing::error!(
            error = "file is not a database",
            code = 73,
            "cannot open the store"
        );
        tracing::info!("a visit ended");
        tracing::error!(id = ID, "card unreadable");
    });
    // Another day's file, older, with a warning and a line that is not ours.
    std::fs::write(
        dir.path().join("station.2000-01-02.log"),
        "{\"timestamp\":\"2000-01-02T01:00:00.000000Z\",\"level\":\"WARN\",\"fields\":{\"message\":\"old warning\"},\"target\":\"t\"}\nnot json\n",
    )
    .expect("write");
    let problems = recent_problems(dir.path(), 10).expect("read");
    let texts: Vec<&str> = problems.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "card unreadable (id ******************)",
            "cannot open the store (code 73, error file is not a database)",
            "the printer is not answering (queue ipp://localhost:631/printers/R)",
            "old warning",
        ]
    );
    assert_eq!(
        problems.iter().map(|p| p.severity).collect::<Vec<_>>(),
        vec![
            Severity::Error,
            Severity::Error,
            Severity::Warning,
            Severity::Warning
        ]
    );
    let shown = problems[1].to_string();
    assert!(
        shown.ends_with(" error: cannot open the store (code 73, error file is not a database)"),
        "{shown}"
    );
    assert_eq!(recent_problems(dir.path(), 2).expect("read").len(), 2);
}
