//! The Windows spooler (winspool): the job sent as-is with datatype `RAW`, then tracked with
//! `GetJobW` until it ends or the deadline passes.
//!
//! This file is the platform-independent part (status bits → the kiosk's terms, wide strings,
//! Windows error codes → [`PrintError`]) so it is unit-tested on Linux too. The printer itself
//! (`printer.rs`) and the FFI (`ffi.rs`, the only `unsafe` in the crate) build on Windows only.

// Off Windows only the tests use these helpers.
#![cfg_attr(not(windows), allow(dead_code))]

// The crate's only unsafe code: the workspace forbids it, this crate denies it (Cargo.toml), and
// this one module of thin, commented winspool wrappers is let through.
#[cfg(windows)]
#[allow(unsafe_code)]
mod ffi;
#[cfg(windows)]
mod printer;

#[cfg(windows)]
pub use printer::WindowsSpoolerPrinter;

use crate::{PrintError, PrinterState};

/// `queue` value prefix in station.toml, also used to name the printer in errors.
pub(crate) const QUEUE_PREFIX: &str = "windows:";

// JOB_INFO_1W.Status bits (winspool.h). Copied so the mapping is testable off Windows;
// `ffi.rs` checks them against windows-sys at compile time.
pub(crate) const JOB_STATUS_PAUSED: u32 = 0x1;
pub(crate) const JOB_STATUS_ERROR: u32 = 0x2;
pub(crate) const JOB_STATUS_DELETING: u32 = 0x4;
pub(crate) const JOB_STATUS_SPOOLING: u32 = 0x8;
pub(crate) const JOB_STATUS_PRINTING: u32 = 0x10;
pub(crate) const JOB_STATUS_OFFLINE: u32 = 0x20;
pub(crate) const JOB_STATUS_PAPEROUT: u32 = 0x40;
pub(crate) const JOB_STATUS_PRINTED: u32 = 0x80;
pub(crate) const JOB_STATUS_DELETED: u32 = 0x100;
pub(crate) const JOB_STATUS_BLOCKED_DEVQ: u32 = 0x200;
pub(crate) const JOB_STATUS_USER_INTERVENTION: u32 = 0x400;
pub(crate) const JOB_STATUS_RESTART: u32 = 0x800;
pub(crate) const JOB_STATUS_COMPLETE: u32 = 0x1000;
pub(crate) const JOB_STATUS_RETAINED: u32 = 0x2000;
pub(crate) const JOB_STATUS_RENDERING_LOCALLY: u32 = 0x4000;

// PRINTER_INFO_2W.Status bits and the one Attributes bit we read.
pub(crate) const PRINTER_STATUS_PAUSED: u32 = 0x1;
pub(crate) const PRINTER_STATUS_ERROR: u32 = 0x2;
pub(crate) const PRINTER_STATUS_PENDING_DELETION: u32 = 0x4;
pub(crate) const PRINTER_STATUS_PAPER_JAM: u32 = 0x8;
pub(crate) const PRINTER_STATUS_PAPER_OUT: u32 = 0x10;
pub(crate) const PRINTER_STATUS_MANUAL_FEED: u32 = 0x20;
pub(crate) const PRINTER_STATUS_PAPER_PROBLEM: u32 = 0x40;
pub(crate) const PRINTER_STATUS_OFFLINE: u32 = 0x80;
pub(crate) const PRINTER_STATUS_OUTPUT_BIN_FULL: u32 = 0x800;
pub(crate) const PRINTER_STATUS_NOT_AVAILABLE: u32 = 0x1000;
pub(crate) const PRINTER_STATUS_NO_TONER: u32 = 0x4_0000;
pub(crate) const PRINTER_STATUS_PAGE_PUNT: u32 = 0x8_0000;
pub(crate) const PRINTER_STATUS_USER_INTERVENTION: u32 = 0x10_0000;
pub(crate) const PRINTER_STATUS_OUT_OF_MEMORY: u32 = 0x20_0000;
pub(crate) const PRINTER_STATUS_DOOR_OPEN: u32 = 0x40_0000;
pub(crate) const PRINTER_STATUS_SERVER_UNKNOWN: u32 = 0x80_0000;
pub(crate) const PRINTER_STATUS_SERVER_OFFLINE: u32 = 0x200_0000;
pub(crate) const PRINTER_STATUS_DRIVER_UPDATE_NEEDED: u32 = 0x400_0000;
pub(crate) const PRINTER_ATTRIBUTE_WORK_OFFLINE: u32 = 0x400;

// Win32 error codes we tell apart (checked against windows-sys in `ffi.rs`).
pub(crate) const ERROR_ACCESS_DENIED: u32 = 5;
pub(crate) const ERROR_WRITE_FAULT: u32 = 29;
pub(crate) const ERROR_INVALID_PARAMETER: u32 = 87;
pub(crate) const ERROR_INSUFFICIENT_BUFFER: u32 = 122;
pub(crate) const ERROR_SERVICE_NOT_ACTIVE: u32 = 1062;
pub(crate) const RPC_S_SERVER_UNAVAILABLE: u32 = 1722;
pub(crate) const RPC_S_CALL_FAILED: u32 = 1726;
pub(crate) const ERROR_INVALID_PRINTER_NAME: u32 = 1801;
pub(crate) const ERROR_INVALID_DATATYPE: u32 = 1804;
pub(crate) const ERROR_PRINTER_DELETED: u32 = 1905;
pub(crate) const ERROR_INVALID_PRINTER_STATE: u32 = 1906;
pub(crate) const ERROR_PRINTER_NOT_FOUND: u32 = 3012;

/// A UTF-16 string with exactly one NUL, at the end: what the `W` calls read. Only
/// [`WideNul::new`] builds one, which is what lets `ffi.rs` hand its pointer to Windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WideNul(Vec<u16>);

impl WideNul {
    /// `None` if `s` contains a NUL (Windows would silently cut the string there).
    pub(crate) fn new(s: &str) -> Option<WideNul> {
        if s.contains('\0') {
            return None;
        }
        Some(WideNul(s.encode_utf16().chain([0]).collect()))
    }

    pub(crate) fn as_slice(&self) -> &[u16] {
        &self.0
    }
}

/// A printer name as the `W` calls take it: not blank, no NUL.
pub(crate) fn printer_name(name: &str) -> Result<WideNul, PrintError> {
    if name.trim().is_empty() {
        return Err(PrintError::Protocol("empty Windows printer name".into()));
    }
    WideNul::new(name).ok_or_else(|| {
        PrintError::Protocol(format!("Windows printer name {name:?} contains a NUL"))
    })
}

/// A job's status at one poll, or its absence from the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobPoll {
    Status(u32),
    /// `GetJobW` says no such job: the spooler removed it.
    Gone,
}

/// What to do after a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JobVerdict {
    /// Still spooling/printing: poll again (until the deadline).
    Waiting,
    Completed,
    /// Ended without printing (deleted); nothing left to cancel.
    Ended(String),
    /// Stuck on a fault: cancel it now rather than let it come out later, in front of the next
    /// resident, when staff fix the printer.
    Stuck(String),
}

const JOB_FAULTS: u32 = JOB_STATUS_ERROR
    | JOB_STATUS_OFFLINE
    | JOB_STATUS_PAPEROUT
    | JOB_STATUS_BLOCKED_DEVQ
    | JOB_STATUS_USER_INTERVENTION
    | JOB_STATUS_PAUSED;

/// `previous` is the status seen at the poll before (to tell a deleted job from a printed one).
pub(crate) fn judge_job(poll: JobPoll, previous: Option<u32>) -> JobVerdict {
    match poll {
        // PRINTED/COMPLETE win over DELETING: a printed job is deleted from the queue afterwards.
        JobPoll::Status(s)
            if s & (JOB_STATUS_PRINTED | JOB_STATUS_COMPLETE | JOB_STATUS_RETAINED) != 0 =>
        {
            JobVerdict::Completed
        }
        JobPoll::Status(s) if s & (JOB_STATUS_DELETING | JOB_STATUS_DELETED) != 0 => {
            JobVerdict::Ended(format!("deleted: {}", job_status_words(s)))
        }
        JobPoll::Status(s) if s & JOB_FAULTS != 0 => JobVerdict::Stuck(job_status_words(s)),
        JobPoll::Status(_) => JobVerdict::Waiting,
        // By default the spooler drops a job once printed, so "gone" means printed unless it was
        // last seen being deleted (a job deleted between two polls cannot be told apart).
        JobPoll::Gone => match previous {
            Some(s) if s & (JOB_STATUS_DELETING | JOB_STATUS_DELETED) != 0 => {
                JobVerdict::Ended(format!("deleted: {}", job_status_words(s)))
            }
            _ => JobVerdict::Completed,
        },
    }
}

/// The job status bits in words, for logs and [`crate::PrintOutcome::Aborted`].
pub(crate) fn job_status_words(status: u32) -> String {
    const NAMES: [(u32, &str); 15] = [
        (JOB_STATUS_PAUSED, "paused"),
        (JOB_STATUS_ERROR, "error"),
        (JOB_STATUS_DELETING, "deleting"),
        (JOB_STATUS_SPOOLING, "spooling"),
        (JOB_STATUS_PRINTING, "printing"),
        (JOB_STATUS_OFFLINE, "offline"),
        (JOB_STATUS_PAPEROUT, "paper out"),
        (JOB_STATUS_PRINTED, "printed"),
        (JOB_STATUS_DELETED, "deleted"),
        (JOB_STATUS_BLOCKED_DEVQ, "blocked"),
        (JOB_STATUS_USER_INTERVENTION, "user intervention"),
        (JOB_STATUS_RESTART, "restarting"),
        (JOB_STATUS_COMPLETE, "complete"),
        (JOB_STATUS_RETAINED, "retained"),
        (JOB_STATUS_RENDERING_LOCALLY, "rendering locally"),
    ];
    let words: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| status & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    if words.is_empty() {
        "queued".into()
    } else {
        words.join(", ")
    }
}

/// `PRINTER_INFO_2W` `Status` and `Attributes` in the kiosk's terms. Busy, warming up, toner
/// low, power save and the like do not stop printing. Many drivers (USB, plain TCP/IP ports
/// without SNMP) report 0 whatever the printer does, so this is a hint; the job deadline is
/// what actually protects the resident.
pub(crate) fn printer_state(status: u32, attributes: u32) -> PrinterState {
    let has = |bits: u32| status & bits != 0;
    if has(PRINTER_STATUS_PAPER_OUT) {
        PrinterState::NoPaper
    } else if has(PRINTER_STATUS_PAPER_JAM) {
        PrinterState::Jammed
    } else if has(PRINTER_STATUS_OFFLINE
        | PRINTER_STATUS_NOT_AVAILABLE
        | PRINTER_STATUS_SERVER_OFFLINE
        | PRINTER_STATUS_SERVER_UNKNOWN)
        || attributes & PRINTER_ATTRIBUTE_WORK_OFFLINE != 0
    {
        PrinterState::Offline
    } else if has(PRINTER_STATUS_PAUSED) {
        PrinterState::Stopped
    } else if has(PRINTER_STATUS_PENDING_DELETION) {
        PrinterState::NotAccepting
    } else {
        // Same keyword style as the IPP reasons CupsPrinter reports.
        const OTHER: [(u32, &str); 10] = [
            (PRINTER_STATUS_DOOR_OPEN, "door-open"),
            (PRINTER_STATUS_NO_TONER, "no-toner"),
            (PRINTER_STATUS_PAPER_PROBLEM, "paper-problem"),
            (PRINTER_STATUS_MANUAL_FEED, "manual-feed"),
            (PRINTER_STATUS_OUTPUT_BIN_FULL, "output-bin-full"),
            (PRINTER_STATUS_USER_INTERVENTION, "user-intervention"),
            (PRINTER_STATUS_OUT_OF_MEMORY, "out-of-memory"),
            (PRINTER_STATUS_PAGE_PUNT, "page-punt"),
            (PRINTER_STATUS_DRIVER_UPDATE_NEEDED, "driver-update-needed"),
            (PRINTER_STATUS_ERROR, "error"),
        ];
        match OTHER.iter().find(|(bit, _)| has(*bit)) {
            Some((_, name)) => PrinterState::Unknown((*name).to_string()),
            None => PrinterState::Ready,
        }
    }
}

/// The print spooler service is stopped (or died mid-call).
fn spooler_down(code: u32) -> bool {
    matches!(
        code,
        RPC_S_SERVER_UNAVAILABLE | RPC_S_CALL_FAILED | ERROR_SERVICE_NOT_ACTIVE
    )
}

fn no_such_printer(code: u32) -> bool {
    matches!(code, ERROR_INVALID_PRINTER_NAME | ERROR_PRINTER_NOT_FOUND)
}

/// A Windows error code in English words (not `FormatMessage`: that is localised, and these
/// reasons are for staff and logs in a fixed language).
pub(crate) fn error_words(code: u32) -> String {
    let words = match code {
        ERROR_ACCESS_DENIED => "access denied",
        ERROR_WRITE_FAULT => "the spooler took no data",
        ERROR_INVALID_PARAMETER => "invalid parameter",
        ERROR_SERVICE_NOT_ACTIVE | RPC_S_SERVER_UNAVAILABLE | RPC_S_CALL_FAILED => {
            "print spooler service not running"
        }
        ERROR_INVALID_PRINTER_NAME | ERROR_PRINTER_NOT_FOUND => "no such printer installed",
        ERROR_INVALID_DATATYPE => "the printer's driver does not take RAW data",
        ERROR_PRINTER_DELETED => "printer deleted",
        ERROR_INVALID_PRINTER_STATE => "printer in a state that takes no jobs",
        _ => "error",
    };
    format!("{words} (Windows error {code})")
}

/// A failed winspool `call` on printer `name` as a [`PrintError`].
pub(crate) fn call_error(name: &str, call: &str, code: u32) -> PrintError {
    if spooler_down(code) {
        PrintError::SpoolerUnreachable {
            uri: format!("{QUEUE_PREFIX}{name}"),
            reason: format!("{call}: {}", error_words(code)),
        }
    } else {
        PrintError::Refused {
            status: format!("{call}: {}", error_words(code)),
            message: (code == ERROR_INVALID_DATATYPE).then(|| {
                "RAW sends the PDF as-is: use a printer that prints PDF directly, or its IPP address"
                    .to_string()
            }),
        }
    }
}

/// A printer that cannot even be opened (or queried), as a state.
pub(crate) fn unusable_state(code: u32) -> PrinterState {
    if spooler_down(code) {
        PrinterState::SpoolerUnavailable
    } else if no_such_printer(code) {
        PrinterState::Unknown("printer-not-installed".into())
    } else {
        PrinterState::Unknown(format!("windows-error-{code}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_strings_end_in_one_nul_and_refuse_inner_ones() {
        let w = WideNul::new("打印 A").expect("no NUL");
        assert_eq!(w.as_slice(), &[0x6253, 0x5370, 0x20, 0x41, 0]);
        assert_eq!(WideNul::new("").expect("empty").as_slice(), &[0]);
        // Outside the BMP: a surrogate pair.
        assert_eq!(
            WideNul::new("𝄞").expect("no NUL").as_slice(),
            &[0xD834, 0xDD1E, 0]
        );
        assert_eq!(WideNul::new("a\0b"), None);
        assert!(printer_name("Microsoft Print to PDF").is_ok());
        assert!(matches!(printer_name(" "), Err(PrintError::Protocol(_))));
        assert!(matches!(printer_name("R\0"), Err(PrintError::Protocol(_))));
    }

    #[test]
    fn job_statuses_become_verdicts() {
        use JobPoll::*;
        assert_eq!(judge_job(Status(0), None), JobVerdict::Waiting);
        assert_eq!(
            judge_job(Status(JOB_STATUS_SPOOLING | JOB_STATUS_PRINTING), None),
            JobVerdict::Waiting
        );
        assert_eq!(
            judge_job(Status(JOB_STATUS_PRINTED), None),
            JobVerdict::Completed
        );
        assert_eq!(
            judge_job(Status(JOB_STATUS_COMPLETE), None),
            JobVerdict::Completed
        );
        assert_eq!(
            judge_job(Status(JOB_STATUS_PRINTED | JOB_STATUS_DELETING), None),
            JobVerdict::Completed
        );
        assert_eq!(
            judge_job(Status(JOB_STATUS_DELETING), None),
            JobVerdict::Ended("deleted: deleting".into())
        );
        assert_eq!(
            judge_job(
                Status(JOB_STATUS_ERROR | JOB_STATUS_PAPEROUT | JOB_STATUS_PRINTING),
                None
            ),
            JobVerdict::Stuck("error, printing, paper out".into())
        );
        assert_eq!(
            judge_job(Status(JOB_STATUS_OFFLINE), None),
            JobVerdict::Stuck("offline".into())
        );
        assert_eq!(
            judge_job(Status(JOB_STATUS_PAUSED), None),
            JobVerdict::Stuck("paused".into())
        );
        assert_eq!(
            judge_job(Status(JOB_STATUS_USER_INTERVENTION), None),
            JobVerdict::Stuck("user intervention".into())
        );
        assert_eq!(judge_job(Gone, None), JobVerdict::Completed);
        assert_eq!(
            judge_job(Gone, Some(JOB_STATUS_PRINTING)),
            JobVerdict::Completed
        );
        assert_eq!(
            judge_job(Gone, Some(JOB_STATUS_DELETING)),
            JobVerdict::Ended("deleted: deleting".into())
        );
    }

    #[test]
    fn printer_statuses_map_to_plain_faults() {
        assert_eq!(printer_state(0, 0), PrinterState::Ready);
        // Busy, printing, warming up, toner low, power save: still prints.
        assert_eq!(
            printer_state(0x200 | 0x400 | 0x1_0000 | 0x2_0000 | 0x100_0000, 0),
            PrinterState::Ready
        );
        assert_eq!(
            printer_state(PRINTER_STATUS_PAPER_OUT | PRINTER_STATUS_ERROR, 0),
            PrinterState::NoPaper
        );
        assert_eq!(
            printer_state(PRINTER_STATUS_PAPER_JAM, 0),
            PrinterState::Jammed
        );
        assert_eq!(
            printer_state(PRINTER_STATUS_OFFLINE, 0),
            PrinterState::Offline
        );
        assert_eq!(
            printer_state(0, PRINTER_ATTRIBUTE_WORK_OFFLINE),
            PrinterState::Offline
        );
        assert_eq!(
            printer_state(PRINTER_STATUS_PAUSED, 0),
            PrinterState::Stopped
        );
        assert_eq!(
            printer_state(PRINTER_STATUS_PENDING_DELETION, 0),
            PrinterState::NotAccepting
        );
        assert_eq!(
            printer_state(PRINTER_STATUS_DOOR_OPEN | PRINTER_STATUS_ERROR, 0),
            PrinterState::Unknown("door-open".into())
        );
        assert_eq!(
            printer_state(PRINTER_STATUS_ERROR, 0),
            PrinterState::Unknown("error".into())
        );
    }

    #[test]
    fn windows_errors_become_print_errors_and_states() {
        assert!(matches!(
            call_error("Receipt", "OpenPrinterW", RPC_S_SERVER_UNAVAILABLE),
            PrintError::SpoolerUnreachable { uri, reason }
                if uri == "windows:Receipt" && reason.contains("spooler service not running")
        ));
        assert!(matches!(
            call_error("Receipt", "OpenPrinterW", ERROR_INVALID_PRINTER_NAME),
            PrintError::Refused { status, message: None }
                if status == "OpenPrinterW: no such printer installed (Windows error 1801)"
        ));
        assert!(matches!(
            call_error("Receipt", "StartDocPrinterW", ERROR_INVALID_DATATYPE),
            PrintError::Refused { message: Some(m), .. } if m.contains("IPP")
        ));
        assert_eq!(error_words(4242), "error (Windows error 4242)");
        assert_eq!(
            unusable_state(ERROR_SERVICE_NOT_ACTIVE),
            PrinterState::SpoolerUnavailable
        );
        assert_eq!(
            unusable_state(ERROR_PRINTER_NOT_FOUND),
            PrinterState::Unknown("printer-not-installed".into())
        );
        assert_eq!(
            unusable_state(ERROR_ACCESS_DENIED),
            PrinterState::Unknown("windows-error-5".into())
        );
    }
}
