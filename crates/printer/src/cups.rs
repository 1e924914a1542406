//! CUPS (or any IPP spooler) over IPP with the `ipp` crate's blocking client.

use std::io::Cursor;
use std::thread;
use std::time::{Duration, Instant};

use ipp::prelude::*;

use crate::{PrintError, PrintOutcome, Printer, PrinterState};

/// The user name jobs are submitted (and canceled) as.
const USER: &str = "station";

/// A CUPS queue, e.g. `ipp://localhost:631/printers/receipt`.
#[derive(Debug, Clone)]
pub struct CupsPrinter {
    uri: Uri,
    job_timeout: Duration,
    poll_interval: Duration,
    request_timeout: Duration,
}

impl CupsPrinter {
    /// `queue_uri` as CUPS names it: `ipp://host:port/printers/<queue>`.
    pub fn new(queue_uri: &str) -> Result<CupsPrinter, PrintError> {
        let uri: Uri = queue_uri
            .parse()
            .map_err(|e| PrintError::Protocol(format!("bad printer URI {queue_uri:?}: {e}")))?;
        Ok(CupsPrinter {
            uri,
            job_timeout: Duration::from_secs(60),
            poll_interval: Duration::from_millis(250),
            request_timeout: Duration::from_secs(10),
        })
    }

    /// How long a job may take from submission to "completed" before it is canceled and
    /// reported as [`PrintOutcome::TimedOut`] (default 60 s).
    pub fn with_job_timeout(mut self, timeout: Duration) -> CupsPrinter {
        self.job_timeout = timeout;
        self
    }

    pub fn with_poll_interval(mut self, interval: Duration) -> CupsPrinter {
        self.poll_interval = interval;
        self
    }

    pub fn uri(&self) -> String {
        self.uri.to_string()
    }

    fn client(&self) -> IppClient {
        IppClient::builder(self.uri.clone())
            .request_timeout(self.request_timeout)
            .build()
    }

    fn send(&self, op: impl Into<IppRequestResponse>) -> Result<IppRequestResponse, PrintError> {
        let resp = self.client().send(op).map_err(|e| match e {
            IppError::ParseError(p) => PrintError::Protocol(p.to_string()),
            other => PrintError::SpoolerUnreachable {
                uri: self.uri.to_string(),
                reason: other.to_string(),
            },
        })?;
        let status = resp.header().status_code();
        if status.is_success() {
            Ok(resp)
        } else {
            Err(PrintError::Refused {
                status: format!("{status:?}"),
                message: operation_attr(&resp, "status-message").and_then(text_of),
            })
        }
    }

    /// The job's state and its reasons (plus the spooler's message, e.g. "Unable to connect").
    fn job_status(&self, job_id: i32) -> Result<(JobState, Vec<String>), PrintError> {
        let op = IppOperationBuilder::get_job_attributes(self.uri.clone(), job_id)
            .user_name(USER)
            .build()
            .map_err(|e| PrintError::Protocol(e.to_string()))?;
        let resp = self.send(op)?;
        let state = job_attr(&resp, "job-state")
            .and_then(|v| match v {
                IppValue::Enum(n) | IppValue::Integer(n) => JobState::from_i32(*n),
                _ => None,
            })
            .ok_or_else(|| PrintError::Protocol("job-state missing".into()))?;
        let mut reasons = job_attr(&resp, "job-state-reasons")
            .map(keywords)
            .unwrap_or_default();
        for name in ["job-state-message", "job-printer-state-message"] {
            if let Some(m) = job_attr(&resp, name)
                .and_then(text_of)
                .filter(|m| !m.is_empty())
            {
                reasons.push(m);
            }
        }
        Ok((state, reasons))
    }

    /// Best effort: a job that did not print in time must not come out later.
    fn cancel(&self, job_id: i32) {
        let result = IppOperationBuilder::cancel_job(self.uri.clone(), job_id)
            .user_name(USER)
            .build()
            .map_err(|e| PrintError::Protocol(e.to_string()))
            .and_then(|op| self.send(op));
        if let Err(e) = result {
            tracing::warn!(job_id, error = %e, "printer: could not cancel an unfinished job");
        }
    }
}

impl Printer for CupsPrinter {
    fn print(&self, job_name: &str, pdf: &[u8]) -> Result<PrintOutcome, PrintError> {
        let started = Instant::now();
        let op = IppOperationBuilder::print_job(
            self.uri.clone(),
            IppPayload::new(Cursor::new(pdf.to_vec())),
        )
        .user_name(USER)
        .job_title(job_name)
        .document_format("application/pdf")
        .build()
        .map_err(|e| PrintError::Protocol(e.to_string()))?;
        let resp = self.send(op)?;
        let job_id = job_attr(&resp, "job-id")
            .and_then(|v| v.as_integer().copied())
            .ok_or_else(|| PrintError::Protocol("Print-Job answer has no job-id".into()))?;
        tracing::info!(job_id, "printer: job submitted");
        loop {
            let (state, reasons) = self.job_status(job_id)?;
            match state {
                JobState::Completed => {
                    tracing::info!(
                        job_id,
                        ms = started.elapsed().as_millis() as u64,
                        "printer: job completed"
                    );
                    return Ok(PrintOutcome::Completed);
                }
                JobState::Aborted | JobState::Canceled => {
                    let reason = format!("{state:?}: {}", reasons.join(", "));
                    tracing::warn!(job_id, %reason, "printer: job did not print");
                    return Ok(PrintOutcome::Aborted(reason));
                }
                JobState::PendingHeld => {
                    // Held for an operator: it would come out whenever staff release it.
                    self.cancel(job_id);
                    let reason = format!("held: {}", reasons.join(", "));
                    tracing::warn!(job_id, %reason, "printer: job held, canceled");
                    return Ok(PrintOutcome::Aborted(reason));
                }
                JobState::Pending | JobState::Processing | JobState::ProcessingStopped => {}
            }
            if started.elapsed() >= self.job_timeout {
                self.cancel(job_id);
                tracing::warn!(job_id, state = ?state, reasons = %reasons.join(","), "printer: job timed out, canceled");
                return Ok(PrintOutcome::TimedOut);
            }
            thread::sleep(
                self.poll_interval
                    .min(self.job_timeout.saturating_sub(started.elapsed())),
            );
        }
    }

    fn state(&self) -> PrinterState {
        let op = match IppOperationBuilder::get_printer_attributes(self.uri.clone())
            .attributes([
                "printer-state",
                "printer-state-reasons",
                "printer-is-accepting-jobs",
            ])
            .build()
        {
            Ok(op) => op,
            Err(e) => return PrinterState::Unknown(e.to_string()),
        };
        match self.send(op) {
            Ok(resp) => {
                let attrs = |name: &str| printer_attr(&resp, name);
                let state = attrs("printer-state").and_then(|v| match v {
                    IppValue::Enum(n) | IppValue::Integer(n) => {
                        ipp::model::PrinterState::from_i32(*n)
                    }
                    _ => None,
                });
                let reasons = attrs("printer-state-reasons")
                    .map(keywords)
                    .unwrap_or_default();
                let accepting = attrs("printer-is-accepting-jobs")
                    .and_then(|v| v.as_boolean().copied())
                    .unwrap_or(true);
                map_state(state, &reasons, accepting)
            }
            Err(PrintError::SpoolerUnreachable { .. }) => PrinterState::SpoolerUnavailable,
            Err(PrintError::Refused { status, .. }) => PrinterState::Unknown(status),
            Err(e) => PrinterState::Unknown(e.to_string()),
        }
    }
}

/// CUPS's printer-state + printer-state-reasons + printer-is-accepting-jobs in the kiosk's terms.
/// Reasons carry a severity suffix (`media-empty-error`, `media-low-warning`); reports and
/// warnings do not stop printing.
pub(crate) fn map_state(
    state: Option<ipp::model::PrinterState>,
    reasons: &[String],
    accepting: bool,
) -> PrinterState {
    let faults: Vec<&str> = reasons
        .iter()
        .filter(|r| !r.ends_with("-report") && !r.ends_with("-warning") && r.as_str() != "none")
        .map(|r| r.trim_end_matches("-error"))
        .collect();
    let has = |names: &[&str]| faults.iter().any(|f| names.contains(f));
    if has(&["media-empty", "media-needed"]) {
        PrinterState::NoPaper
    } else if has(&["media-jam"]) {
        PrinterState::Jammed
    } else if has(&["offline", "shutdown", "timed-out"]) {
        PrinterState::Offline
    } else if has(&["paused", "stopped", "moving-to-paused"])
        || state == Some(ipp::model::PrinterState::Stopped)
    {
        PrinterState::Stopped
    } else if !accepting {
        PrinterState::NotAccepting
    } else if let Some(other) = faults.iter().find(|f| {
        !matches!(
            **f,
            "connecting-to-device" | "cups-waiting-for-job-completed"
        )
    }) {
        PrinterState::Unknown((*other).to_string())
    } else if state.is_none() {
        PrinterState::Unknown("printer-state missing".into())
    } else {
        PrinterState::Ready
    }
}

/// The queues the CUPS server behind `queue_uri` (any `ipp://host:port/…` on it) offers, as
/// `ipp://host:port/printers/<name>`, sorted: what staff choose from in admin mode.
pub fn cups_queues(queue_uri: &str) -> Result<Vec<String>, PrintError> {
    let uri: Uri = queue_uri
        .parse()
        .map_err(|e| PrintError::Protocol(format!("bad printer URI {queue_uri:?}: {e}")))?;
    let authority = uri
        .authority()
        .map(|a| a.to_string())
        .ok_or_else(|| PrintError::Protocol(format!("no server in {queue_uri:?}")))?;
    let server: Uri = format!("ipp://{authority}/")
        .parse()
        .map_err(|e| PrintError::Protocol(format!("bad server {authority:?}: {e}")))?;
    let spooler = CupsPrinter {
        uri: server,
        job_timeout: Duration::from_secs(60),
        poll_interval: Duration::from_millis(250),
        request_timeout: Duration::from_secs(5),
    };
    let resp = spooler.send(IppOperationBuilder::cups().get_printers())?;
    let mut queues: Vec<String> = resp
        .attributes()
        .groups_of(DelimiterTag::PrinterAttributes)
        .filter_map(|g| g.get("printer-name"))
        .filter_map(|a| text_of(a.value()))
        // A name CUPS accepts has no '/', '#' or spaces; anything else is not put in a URI.
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
        .map(|name| format!("ipp://{authority}/printers/{name}"))
        .collect();
    queues.sort();
    queues.dedup();
    Ok(queues)
}

fn group_attr<'a>(
    resp: &'a IppRequestResponse,
    tag: DelimiterTag,
    name: &str,
) -> Option<&'a IppValue> {
    resp.attributes()
        .groups_of(tag)
        .find_map(|g| g.get(name))
        .map(|a| a.value())
}

fn operation_attr<'a>(resp: &'a IppRequestResponse, name: &str) -> Option<&'a IppValue> {
    group_attr(resp, DelimiterTag::OperationAttributes, name)
}

fn job_attr<'a>(resp: &'a IppRequestResponse, name: &str) -> Option<&'a IppValue> {
    group_attr(resp, DelimiterTag::JobAttributes, name)
}

fn printer_attr<'a>(resp: &'a IppRequestResponse, name: &str) -> Option<&'a IppValue> {
    group_attr(resp, DelimiterTag::PrinterAttributes, name)
}

fn keywords(v: &IppValue) -> Vec<String> {
    match v {
        IppValue::Array(items) => items.iter().filter_map(text_of).collect(),
        other => text_of(other).into_iter().collect(),
    }
}

fn text_of(v: &IppValue) -> Option<String> {
    match v {
        IppValue::Keyword(k) => Some(k.to_string()),
        IppValue::TextWithoutLanguage(t) => Some(t.to_string()),
        IppValue::TextWithLanguage { text, .. } => Some(text.to_string()),
        IppValue::NameWithoutLanguage(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipp::model::PrinterState as Ipp;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn states_map_to_plain_faults() {
        assert_eq!(
            map_state(Some(Ipp::Idle), &s(&["none"]), true),
            PrinterState::Ready
        );
        assert_eq!(
            map_state(Some(Ipp::Processing), &s(&["media-low-warning"]), true),
            PrinterState::Ready
        );
        assert_eq!(
            map_state(Some(Ipp::Stopped), &s(&["media-empty-error"]), true),
            PrinterState::NoPaper
        );
        assert_eq!(
            map_state(Some(Ipp::Stopped), &s(&["media-needed"]), true),
            PrinterState::NoPaper
        );
        assert_eq!(
            map_state(Some(Ipp::Stopped), &s(&["media-jam-error"]), true),
            PrinterState::Jammed
        );
        assert_eq!(
            map_state(Some(Ipp::Idle), &s(&["offline-report"]), true),
            PrinterState::Ready
        );
        assert_eq!(
            map_state(Some(Ipp::Stopped), &s(&["offline"]), true),
            PrinterState::Offline
        );
        assert_eq!(
            map_state(Some(Ipp::Stopped), &s(&["paused"]), true),
            PrinterState::Stopped
        );
        assert_eq!(
            map_state(Some(Ipp::Idle), &s(&["none"]), false),
            PrinterState::NotAccepting
        );
        assert_eq!(
            map_state(Some(Ipp::Idle), &s(&["door-open-error"]), true),
            PrinterState::Unknown("door-open".into())
        );
        assert!(matches!(
            map_state(None, &[], true),
            PrinterState::Unknown(_)
        ));
    }

    #[test]
    fn bad_uri_is_an_error() {
        assert!(CupsPrinter::new("not a uri").is_err());
    }
}
