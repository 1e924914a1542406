//! The demo backend: the same watcher as the serial reader (frames encoded, fragmented,
//! decoded), talking to an in-memory [`SimulatedSam`] instead of a port.

mod sam;
pub use sam::{sample_holder, sample_id_number, SamFault, SimulatedSam, SAMPLE_NAME};

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::link::{watch, Connector, SamLink, Timing};
use crate::reader::{spawn_watcher, IdCardReaderBackend, IdEventSink, IdReaderHandle};
use crate::text::IdCardHolder;
use crate::IdCardError;

/// A simulated SAM-module reader. Clones share the same module and card slot: keep one clone
/// for the demo controls ([`SimulatedIdCardReader::place`] / [`SimulatedIdCardReader::take`])
/// and start another.
#[derive(Clone)]
pub struct SimulatedIdCardReader {
    sam: Arc<Mutex<SimulatedSam>>,
    timing: Timing,
    reply_delay: Duration,
}

impl std::fmt::Debug for SimulatedIdCardReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatedIdCardReader")
            .field("reply_delay", &self.reply_delay)
            .finish_non_exhaustive()
    }
}

impl Default for SimulatedIdCardReader {
    fn default() -> Self {
        SimulatedIdCardReader::new()
    }
}

impl SimulatedIdCardReader {
    /// An empty reader with a working module, polling every 100 ms.
    pub fn new() -> SimulatedIdCardReader {
        SimulatedIdCardReader {
            sam: Arc::new(Mutex::new(SimulatedSam::new())),
            timing: Timing {
                poll: Duration::from_millis(100),
                ..Timing::default()
            },
            reply_delay: Duration::ZERO,
        }
    }

    /// Waits this long before each reply, so the "reading" screen shows as with a real reader.
    pub fn with_reply_delay(mut self, delay: Duration) -> SimulatedIdCardReader {
        self.reply_delay = delay;
        self
    }

    fn sam(&self) -> MutexGuard<'_, SimulatedSam> {
        // A panic elsewhere cannot leave the module inconsistent: keep going.
        self.sam.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts a card on the reader (e.g. [`crate::simulated::sample_holder`]).
    pub fn place(&self, holder: IdCardHolder) {
        self.sam().place(holder);
    }

    /// Takes the card away.
    pub fn take(&self) {
        self.sam().take();
    }

    /// Injects a fault into the module (`None` repairs it).
    pub fn set_fault(&self, fault: Option<SamFault>) {
        self.sam().set_fault(fault);
    }
}

impl IdCardReaderBackend for SimulatedIdCardReader {
    fn start(&self, sink: IdEventSink) -> IdReaderHandle {
        let connector = SimConnector {
            sam: Arc::clone(&self.sam),
            reply_delay: self.reply_delay,
        };
        let timing = self.timing;
        spawn_watcher("idcard-sim", move |stop| {
            watch(connector, timing, &stop, sink);
        })
    }
}

struct SimConnector {
    sam: Arc<Mutex<SimulatedSam>>,
    reply_delay: Duration,
}

impl Connector for SimConnector {
    type Link = SimLink;

    fn connect(&mut self) -> Result<SimLink, IdCardError> {
        Ok(SimLink {
            sam: Arc::clone(&self.sam),
            pending: VecDeque::new(),
            chunk: 0,
            reply_delay: self.reply_delay,
        })
    }
}

/// Reply bytes come out in uneven fragments, as from a serial port.
const CHUNKS: [usize; 5] = [1, 7, 64, 3, 300];
const IDLE_WAIT: Duration = Duration::from_millis(20);

struct SimLink {
    sam: Arc<Mutex<SimulatedSam>>,
    pending: VecDeque<u8>,
    chunk: usize,
    reply_delay: Duration,
}

impl SamLink for SimLink {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        if !self.reply_delay.is_zero() {
            std::thread::sleep(self.reply_delay);
        }
        let reply = self
            .sam
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .receive(bytes);
        self.pending.extend(reply);
        Ok(())
    }

    fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            std::thread::sleep(IDLE_WAIT);
            return Ok(0);
        }
        let want = CHUNKS[self.chunk % CHUNKS.len()].min(buf.len());
        self.chunk += 1;
        let mut n = 0;
        while n < want {
            match self.pending.pop_front() {
                Some(b) => {
                    buf[n] = b;
                    n += 1;
                }
                None => break,
            }
        }
        Ok(n)
    }

    fn discard_input(&mut self) -> io::Result<()> {
        self.pending.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulated::{sample_holder, sample_id_number};
    use crate::IdCardEvent;
    use station_core::resident::mask_name;
    use station_protocol::ReaderStatus;
    use std::sync::mpsc;

    const WAIT: Duration = Duration::from_secs(10);

    fn started(sim: &SimulatedIdCardReader) -> (IdReaderHandle, mpsc::Receiver<IdCardEvent>) {
        let (tx, rx) = mpsc::channel();
        let handle = sim.start(Box::new(move |e| {
            let _ = tx.send(e);
        }));
        (handle, rx)
    }

    fn next(rx: &mpsc::Receiver<IdCardEvent>) -> IdCardEvent {
        rx.recv_timeout(WAIT).expect("an event within 10 s")
    }

    #[test]
    fn place_read_take_removed() {
        let sim = SimulatedIdCardReader::new();
        let (handle, rx) = started(&sim);
        assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::Ready));
        sim.place(sample_holder());
        match next(&rx) {
            IdCardEvent::CardRead(h) => {
                assert_eq!(mask_name(&h.name), "张*华");
                assert_eq!(h.id_number.expose(), sample_id_number());
                assert_eq!(h.photo_wlt().len(), 1024);
                assert_eq!(h, sample_holder());
            }
            other => panic!("expected CardRead, got {other:?}"),
        }
        sim.take();
        assert_eq!(next(&rx), IdCardEvent::CardRemoved);

        // A noisy line in front of the reply is skipped: the card is still read.
        sim.set_fault(Some(SamFault::NoisyLine));
        sim.place(sample_holder());
        assert!(matches!(next(&rx), IdCardEvent::CardRead(_)));
        sim.take();
        assert_eq!(next(&rx), IdCardEvent::CardRemoved);

        sim.set_fault(Some(SamFault::BadCheckByte));
        sim.place(sample_holder());
        assert!(matches!(
            next(&rx),
            IdCardEvent::CardUnreadable(IdCardError::Frame(crate::FrameError::CheckByte { .. }))
        ));
        sim.take();
        assert_eq!(next(&rx), IdCardEvent::CardRemoved);

        // The failed module: reader out of service, then back.
        sim.set_fault(Some(SamFault::SelfTestFailed));
        assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::NoService));
        sim.set_fault(None);
        assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::Ready));

        handle.stop();
        // The thread ended and dropped the sink: the channel disconnects, with nothing more.
        match rx.recv_timeout(WAIT) {
            Err(mpsc::RecvTimeoutError::Disconnected) => {}
            Ok(e) => panic!("no event after stop, got {e:?}"),
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("sink not dropped after stop"),
        }
    }

    #[test]
    fn a_card_on_the_reader_before_start_is_read_once() {
        let sim = SimulatedIdCardReader::new();
        sim.place(sample_holder());
        let (_handle, rx) = started(&sim);
        assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::Ready));
        assert!(matches!(next(&rx), IdCardEvent::CardRead(_)));
        // Still there after several polls: not reported again.
        assert!(rx.recv_timeout(Duration::from_millis(600)).is_err());
    }
}
