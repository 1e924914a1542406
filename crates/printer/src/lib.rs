//! Printing the resident's report through the operating system's spooler, with faults the kiosk
//! can show ("打印机暂时不能使用，请联系工作人员") instead of a report that silently never comes out.
//!
//! - [`CupsPrinter`]: CUPS over IPP (Print-Job, then Get-Job-Attributes until the job ends, with
//!   our own deadline: a paused queue keeps a job pending forever).
//! - `WindowsSpoolerPrinter` (Windows only): a printer installed in Windows, through winspool
//!   (the PDF sent as-is with datatype `RAW`, then `GetJobW` until the job ends, same deadline).
//! - [`SimulatedPrinter`]: demo mode; keeps the last PDF, can be told to fail.
//! - `testbed` feature: [`testbed::PrivateCups`], a private cupsd with a raw queue to a local
//!   AppSocket listener, for tests.

mod choose;
mod cups;
mod simulated;
#[cfg(feature = "testbed")]
pub mod testbed;
mod winspool;

pub use choose::open_printer;
pub use cups::{cups_queues, CupsPrinter};
pub use simulated::{SimulatedFault, SimulatedPrinter};
#[cfg(windows)]
pub use winspool::WindowsSpoolerPrinter;

/// What the kiosk needs to know about the printer before offering to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterState {
    /// Idle or printing: a job will be printed.
    Ready,
    /// The printer (or its connection) is off or unreachable.
    Offline,
    /// The queue is paused (`cupsdisable`) or the printer stopped: jobs wait forever.
    Stopped,
    /// The queue refuses new jobs (`cupsreject`).
    NotAccepting,
    NoPaper,
    Jammed,
    /// The spooler itself (cupsd) does not answer.
    SpoolerUnavailable,
    /// Any other fault, as the spooler names it (e.g. "door-open").
    Unknown(String),
}

impl PrinterState {
    /// Whether printing should be offered.
    pub fn is_ready(&self) -> bool {
        matches!(self, PrinterState::Ready)
    }
}

/// How a submitted job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintOutcome {
    /// The spooler handed every byte to the printer.
    Completed,
    /// The spooler gave up (device unreachable, job canceled or held). The reason is the
    /// spooler's, in English, for staff and logs (contains no personal data).
    Aborted(String),
    /// Not finished within the deadline; the job was canceled so it cannot come out later in
    /// front of the next resident.
    TimedOut,
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The spooler cannot be reached (cupsd not running, wrong address).
    #[error("print spooler not reachable at {uri}: {reason}")]
    SpoolerUnreachable { uri: String, reason: String },
    /// The spooler refused the job (queue rejecting jobs, unknown queue, bad document).
    #[error("print spooler refused the job: {status}{}", message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default())]
    Refused {
        status: String,
        message: Option<String>,
    },
    /// The spooler answered something we cannot use.
    #[error("unexpected answer from the print spooler: {0}")]
    Protocol(String),
    /// Demo mode told to fail.
    #[error("simulated printer fault: {0:?}")]
    Simulated(PrinterState),
}

/// A printer the kiosk can send a PDF to.
pub trait Printer: Send + Sync {
    /// Prints `pdf`, returning once the job has ended or the printer's deadline has passed.
    /// `job_name` is shown in the spooler's queue: never put personal data in it.
    fn print(&self, job_name: &str, pdf: &[u8]) -> Result<PrintOutcome, PrintError>;
    /// The printer's state now (never fails: an unreachable spooler is a state).
    fn state(&self) -> PrinterState;
}
