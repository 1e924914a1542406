//! [`WindowsSpoolerPrinter`]: a printer installed in Windows, by name.

use std::thread;
use std::time::{Duration, Instant};

use super::ffi::PrinterHandle;
use super::{
    call_error, error_words, judge_job, printer_name, printer_state, unusable_state, JobPoll,
    JobVerdict, WideNul,
};
use crate::{PrintError, PrintOutcome, Printer, PrinterState};

/// A printer as Windows lists it (Settings → Bluetooth & devices → Printers), e.g.
/// `"EPSON TM-T82III Receipt"`. The PDF is sent with datatype `RAW`, i.e. as-is: only
/// printers that print PDF directly produce a page; see the crate README.
#[derive(Debug, Clone)]
pub struct WindowsSpoolerPrinter {
    name: String,
    wide_name: WideNul,
    job_timeout: Duration,
    poll_interval: Duration,
}

impl WindowsSpoolerPrinter {
    /// Fails only on a blank name or one with a NUL; an unknown printer shows in
    /// [`Printer::state`] and as [`PrintError::Refused`] when printing.
    pub fn new(name: &str) -> Result<WindowsSpoolerPrinter, PrintError> {
        let wide_name = printer_name(name)?;
        Ok(WindowsSpoolerPrinter {
            name: name.to_string(),
            wide_name,
            job_timeout: Duration::from_secs(60),
            poll_interval: Duration::from_millis(250),
        })
    }

    /// How long a job may take from submission to printed before it is deleted and reported
    /// as [`PrintOutcome::TimedOut`] (default 60 s).
    pub fn with_job_timeout(mut self, timeout: Duration) -> WindowsSpoolerPrinter {
        self.job_timeout = timeout;
        self
    }

    pub fn with_poll_interval(mut self, interval: Duration) -> WindowsSpoolerPrinter {
        self.poll_interval = interval;
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Best effort: a job that did not print in time must not come out later.
    fn cancel(&self, printer: &PrinterHandle, job_id: u32) {
        if let Err(code) = printer.delete_job(job_id) {
            tracing::warn!(
                job_id,
                error = %error_words(code),
                "printer: could not delete an unfinished job"
            );
        }
    }

    /// The document's bytes into the spooler: page, data, end of page and of document.
    fn send(printer: &PrinterHandle, pdf: &[u8]) -> Result<(), (&'static str, u32)> {
        printer.start_page().map_err(|c| ("StartPagePrinter", c))?;
        printer.write_all(pdf).map_err(|c| ("WritePrinter", c))?;
        printer.end_page().map_err(|c| ("EndPagePrinter", c))?;
        printer.end_doc().map_err(|c| ("EndDocPrinter", c))
    }
}

impl Printer for WindowsSpoolerPrinter {
    fn print(&self, job_name: &str, pdf: &[u8]) -> Result<PrintOutcome, PrintError> {
        let started = Instant::now();
        let doc_name = WideNul::new(job_name)
            .ok_or_else(|| PrintError::Protocol("job name contains a NUL".into()))?;
        let raw = WideNul::new("RAW")
            .ok_or_else(|| PrintError::Protocol("datatype contains a NUL".into()))?;
        let printer = PrinterHandle::open(&self.wide_name)
            .map_err(|c| call_error(&self.name, "OpenPrinterW", c))?;
        let job_id = printer
            .start_doc(&doc_name, &raw)
            .map_err(|c| call_error(&self.name, "StartDocPrinterW", c))?;
        tracing::info!(job_id, "printer: job submitted to the Windows spooler");
        if let Err((call, code)) = Self::send(&printer, pdf) {
            // A half-sent document must not print: AbortPrinter drops its spool file.
            if let Err(c) = printer.abort_doc() {
                tracing::warn!(job_id, error = %error_words(c), "printer: AbortPrinter failed");
            }
            let reason = format!("{call}: {}", error_words(code));
            tracing::warn!(job_id, %reason, "printer: job not sent");
            return Ok(PrintOutcome::Aborted(reason));
        }
        let mut previous = None;
        loop {
            let poll = match printer.job_status(job_id) {
                Ok(Some(status)) => JobPoll::Status(status),
                Ok(None) => JobPoll::Gone,
                Err(code) => {
                    self.cancel(&printer, job_id);
                    return Err(call_error(&self.name, "GetJobW", code));
                }
            };
            match judge_job(poll, previous) {
                JobVerdict::Completed => {
                    tracing::info!(
                        job_id,
                        ms = started.elapsed().as_millis() as u64,
                        "printer: job completed"
                    );
                    return Ok(PrintOutcome::Completed);
                }
                JobVerdict::Ended(reason) => {
                    tracing::warn!(job_id, %reason, "printer: job did not print");
                    return Ok(PrintOutcome::Aborted(reason));
                }
                JobVerdict::Stuck(words) => {
                    self.cancel(&printer, job_id);
                    let reason = format!("canceled: {words}");
                    tracing::warn!(job_id, %reason, "printer: job stuck, canceled");
                    return Ok(PrintOutcome::Aborted(reason));
                }
                JobVerdict::Waiting => {}
            }
            if let JobPoll::Status(status) = poll {
                previous = Some(status);
            }
            if started.elapsed() >= self.job_timeout {
                self.cancel(&printer, job_id);
                tracing::warn!(job_id, status = ?previous, "printer: job timed out, canceled");
                return Ok(PrintOutcome::TimedOut);
            }
            thread::sleep(
                self.poll_interval
                    .min(self.job_timeout.saturating_sub(started.elapsed())),
            );
        }
    }

    fn state(&self) -> PrinterState {
        let printer = match PrinterHandle::open(&self.wide_name) {
            Ok(p) => p,
            Err(code) => return unusable_state(code),
        };
        match printer.printer_status() {
            Ok((status, attributes)) => printer_state(status, attributes),
            Err(code) => unusable_state(code),
        }
    }
}
