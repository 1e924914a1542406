//! The printer the station's config names: the one place its backend is chosen.

use std::sync::Arc;
use std::time::Duration;

use station_core::config::PrinterChoice;

use crate::{CupsPrinter, Printer, SimulatedPrinter};

/// `None` when the station has no printer, or the one named cannot be used (told in the log:
/// the result screens then offer no "打印报告").
pub fn open_printer(choice: &PrinterChoice) -> Option<Arc<dyn Printer>> {
    match choice {
        PrinterChoice::None => None,
        PrinterChoice::Simulated => {
            tracing::info!("printer: simulated (demo mode)");
            Some(Arc::new(SimulatedPrinter::new()))
        }
        PrinterChoice::Ipp {
            uri,
            job_timeout_secs,
        } => match CupsPrinter::new(uri) {
            Ok(p) => {
                tracing::info!(%uri, "printer: CUPS queue");
                let timeout = Duration::from_secs(u64::from(*job_timeout_secs));
                Some(Arc::new(p.with_job_timeout(timeout)))
            }
            Err(e) => {
                tracing::error!(error = %e, %uri, "printer queue address not usable; printing off");
                None
            }
        },
        PrinterChoice::WindowsSpooler {
            name,
            job_timeout_secs,
        } => windows_spooler(name, *job_timeout_secs),
    }
}

#[cfg(windows)]
fn windows_spooler(name: &str, job_timeout_secs: u32) -> Option<Arc<dyn Printer>> {
    match crate::WindowsSpoolerPrinter::new(name) {
        Ok(p) => {
            tracing::info!(printer = %name, "printer: Windows spooler");
            let timeout = Duration::from_secs(u64::from(job_timeout_secs));
            Some(Arc::new(p.with_job_timeout(timeout)))
        }
        Err(e) => {
            tracing::error!(error = %e, printer = %name, "Windows printer name not usable; printing off");
            None
        }
    }
}

#[cfg(not(windows))]
fn windows_spooler(name: &str, _job_timeout_secs: u32) -> Option<Arc<dyn Printer>> {
    tracing::error!(
        printer = %name,
        "printer.queue \"windows:…\" works only on Windows; printing off (use an ipp:// queue)"
    );
    None
}
