//! What an ID-card reader backend reports, and the handle that stops it. Same shape as
//! `station_card`'s `ReaderEvent` / `CardReaderBackend`, so the kiosk can treat both alike.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use station_protocol::ReaderStatus;

use crate::{IdCardError, IdCardHolder};

/// What a reader backend reports, in order, on its own thread.
///
/// For one placement of a card: exactly one of `CardRead` or `CardUnreadable`, then
/// `CardRemoved` once it leaves (or the reader goes away while it is there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdCardEvent {
    /// On start and on every change: port absent or not answering → `NoReader`; SAM module
    /// failed its self-test → `NoService`; SAM answers → `Ready`.
    Status(ReaderStatus),
    /// The card was read completely and its ID number is valid.
    CardRead(IdCardHolder),
    /// The card was found but could not be read (broken or missing reply, refused command,
    /// invalid data).
    CardUnreadable(IdCardError),
    /// The card reported by `CardRead`/`CardUnreadable` is gone.
    CardRemoved,
}

/// Where a backend sends its events (called on the backend's thread).
pub type IdEventSink = Box<dyn Fn(IdCardEvent) + Send + 'static>;

/// A source of [`IdCardEvent`]s: the serial SAM reader or the simulator.
pub trait IdCardReaderBackend: Send {
    /// Starts watching on a thread of its own. Never panics; failures are reported as events.
    fn start(&self, sink: IdEventSink) -> IdReaderHandle;
}

/// Keeps a backend's watcher thread running; dropping it (or [`IdReaderHandle::stop`]) stops
/// the thread and waits for it to end.
pub struct IdReaderHandle {
    stop: Stopper,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for IdReaderHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdReaderHandle")
            .field("running", &self.is_running())
            .finish()
    }
}

impl IdReaderHandle {
    pub(crate) fn new(stop: Stopper, thread: Option<JoinHandle<()>>) -> Self {
        IdReaderHandle { stop, thread }
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
        self.stop.stop();
        if let Some(thread) = self.thread.take() {
            // Dropped from inside the sink (on the watcher thread itself): cannot join.
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for IdReaderHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A stop flag whose waits end as soon as it is raised.
#[derive(Clone, Default)]
pub(crate) struct Stopper {
    inner: Arc<(Mutex<bool>, Condvar)>,
}

impl Stopper {
    pub(crate) fn stop(&self) {
        let (flag, cv) = &*self.inner;
        *flag.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cv.notify_all();
    }

    pub(crate) fn stopped(&self) -> bool {
        *self.inner.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sleeps `d` unless stopped first; true when stopped.
    pub(crate) fn sleep(&self, d: Duration) -> bool {
        let (flag, cv) = &*self.inner;
        let guard = flag.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) = cv
            .wait_timeout_while(guard, d, |stopped| !*stopped)
            .unwrap_or_else(|e| e.into_inner());
        *guard
    }
}

/// Starts `body` on a named thread; a failure to spawn is logged and leaves no thread.
pub(crate) fn spawn_watcher(
    name: &str,
    body: impl FnOnce(Stopper) + Send + 'static,
) -> IdReaderHandle {
    let stop = Stopper::default();
    let thread_stop = stop.clone();
    let thread = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || body(thread_stop));
    let thread = match thread {
        Ok(t) => Some(t),
        Err(e) => {
            tracing::warn!("cannot start the ID card reader thread: {e}");
            None
        }
    };
    IdReaderHandle::new(stop, thread)
}
