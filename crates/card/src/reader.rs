//! What a card reader backend reports, and the handle that stops it.

use std::thread::JoinHandle;

use station_protocol::ReaderStatus;

use crate::{CardError, SocialSecurityCard, StaffBadge};

/// What a reader backend reports, in order, on its own thread.
///
/// For one card the sequence is `CardInserted`, then exactly one of `CardRead`, `StaffCard`,
/// `UnlistedCard`, `CardUnreadable` or `CardPulledEarly`; then `CardRemoved` once it leaves —
/// except after `CardPulledEarly`, which already means the card is gone. A card with a UID
/// tapped on another reader while a card is being dealt with is reported as `StaffCard` or
/// `UnlistedCard` alone (no `CardInserted`/`CardRemoved`): staff assist a resident whose card
/// stays in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderEvent {
    /// On start and on every change: PC/SC service down → `NoService`, no reader → `NoReader`.
    Status(ReaderStatus),
    /// A card is present; reading begins.
    CardInserted,
    /// The card was read completely and its ID number is valid.
    CardRead(SocialSecurityCard),
    /// One of this station's staff cards (see [`crate::StaffCards`]): never a resident.
    StaffCard(StaffBadge),
    /// A card with a UID that is neither a social-security card nor listed as staff (see
    /// [`crate::CardIdentity::Unlisted`]): unreadable to a resident; a badge staff are adding,
    /// or one added since the reader started (the station's list is the authority).
    UnlistedCard(StaffBadge),
    /// Not a social-security card, garbage, a refused command or an invalid ID number.
    CardUnreadable(CardError),
    /// The card was removed in the middle of the read: nothing of it is reported.
    CardPulledEarly,
    /// The card was removed after a completed read (or after `CardUnreadable`), or the reader
    /// or the service went away while it was in.
    CardRemoved,
}

/// Where a backend sends its events (called on the backend's thread).
pub type EventSink = Box<dyn Fn(ReaderEvent) + Send + 'static>;

/// A source of [`ReaderEvent`]s: the PC/SC reader or the simulator.
pub trait CardReaderBackend: Send {
    /// Starts watching on a thread of its own. Never panics; failures are reported as events.
    fn start(&self, sink: EventSink) -> ReaderHandle;
}

/// Keeps a backend's watcher thread running; dropping it (or [`ReaderHandle::stop`]) stops the
/// thread and waits for it to end.
pub struct ReaderHandle {
    stop: Option<Box<dyn FnOnce() + Send>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for ReaderHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReaderHandle")
            .field("running", &self.is_running())
            .finish()
    }
}

impl ReaderHandle {
    /// `stop` asks the thread to end (it must make a blocking wait return promptly).
    pub(crate) fn new(stop: Box<dyn FnOnce() + Send>, thread: Option<JoinHandle<()>>) -> Self {
        ReaderHandle {
            stop: Some(stop),
            thread,
        }
    }

    /// The watcher thread is still running.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the watcher and waits for its thread to end.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop();
        }
        if let Some(thread) = self.thread.take() {
            // Dropped from inside the sink (on the watcher thread itself): cannot join.
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for ReaderHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}
