//! Demo-mode printer: nothing leaves the machine.

use std::sync::Mutex;

use crate::{PrintError, PrintOutcome, Printer, PrinterState};

/// What the simulated printer should do with the next jobs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SimulatedFault {
    /// Print normally.
    #[default]
    None,
    /// Report this state and refuse jobs.
    State(PrinterState),
    /// Accept jobs, then abort them with this reason.
    Abort(String),
    /// Accept jobs that never finish.
    TimeOut,
    /// The driver crashes on the next job (a bug in a printing library): the station must
    /// recover.
    Panic,
}

#[derive(Debug, Default)]
struct Inner {
    fault: SimulatedFault,
    last: Option<(String, Vec<u8>)>,
    printed: usize,
}

/// Keeps the last PDF in memory (for the demo panel and tests).
#[derive(Debug, Default)]
pub struct SimulatedPrinter {
    inner: Mutex<Inner>,
}

impl SimulatedPrinter {
    pub fn new() -> SimulatedPrinter {
        SimulatedPrinter::default()
    }

    pub fn set_fault(&self, fault: SimulatedFault) {
        self.lock().fault = fault;
    }

    /// The last job that completed: (job name, PDF bytes).
    pub fn last_job(&self) -> Option<(String, Vec<u8>)> {
        self.lock().last.clone()
    }

    /// Jobs completed so far.
    pub fn printed(&self) -> usize {
        self.lock().printed
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Printer for SimulatedPrinter {
    fn print(&self, job_name: &str, pdf: &[u8]) -> Result<PrintOutcome, PrintError> {
        let mut inner = self.lock();
        match inner.fault.clone() {
            SimulatedFault::None => {
                inner.last = Some((job_name.to_string(), pdf.to_vec()));
                inner.printed += 1;
                Ok(PrintOutcome::Completed)
            }
            SimulatedFault::State(s) => Err(PrintError::Simulated(s)),
            SimulatedFault::Abort(reason) => Ok(PrintOutcome::Aborted(reason)),
            SimulatedFault::TimeOut => Ok(PrintOutcome::TimedOut),
            SimulatedFault::Panic => {
                inner.fault = SimulatedFault::None;
                drop(inner);
                panic!("simulated printer driver crash")
            }
        }
    }

    fn state(&self) -> PrinterState {
        match &self.lock().fault {
            SimulatedFault::State(s) => s.clone(),
            _ => PrinterState::Ready,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_pdf_and_fails_on_request() {
        let p = SimulatedPrinter::new();
        assert_eq!(p.state(), PrinterState::Ready);
        assert_eq!(
            p.print("report", b"%PDF-1").ok(),
            Some(PrintOutcome::Completed)
        );
        assert_eq!(
            p.last_job(),
            Some(("report".to_string(), b"%PDF-1".to_vec()))
        );
        p.set_fault(SimulatedFault::State(PrinterState::NoPaper));
        assert_eq!(p.state(), PrinterState::NoPaper);
        assert!(matches!(
            p.print("report", b"x"),
            Err(PrintError::Simulated(PrinterState::NoPaper))
        ));
        p.set_fault(SimulatedFault::TimeOut);
        assert_eq!(p.print("r", b"x").ok(), Some(PrintOutcome::TimedOut));
        assert_eq!(p.printed(), 1);
    }
}
