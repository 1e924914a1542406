//! The demo backend: a simulated reader with a virtual card slot. It runs the same
//! [`read_social_security_card`] as the real reader, against a [`VirtualCard`], and reports the
//! same events.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use station_protocol::{DemoCard, ReaderStatus};
use tracing::{debug, warn};

use crate::apdu::CardChannel;
use crate::reader::{CardReaderBackend, EventSink, ReaderEvent, ReaderHandle};
use crate::staff::{identify_card, CardIdentity, StaffCards};
use crate::virtual_card::{CardBehaviour, CardImage, VirtualCard};
use crate::CardError;

/// A simulated reader. Clones share the same slot: keep one clone for the demo controls
/// ([`SimulatedReader::insert`] / [`SimulatedReader::remove`]) and start another.
#[derive(Clone, Default)]
pub struct SimulatedReader {
    shared: Arc<Shared>,
    apdu_delay: Duration,
    staff: StaffCards,
}

impl std::fmt::Debug for SimulatedReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatedReader")
            .field("apdu_delay", &self.apdu_delay)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Shared {
    slot: Mutex<Slot>,
    changed: Condvar,
}

#[derive(Default)]
struct Slot {
    /// Bumped on every insert/remove.
    generation: u64,
    card: Option<CardBehaviour>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        // A panic elsewhere cannot leave the slot inconsistent: keep going.
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SimulatedReader {
    pub fn new() -> SimulatedReader {
        SimulatedReader::default()
    }

    pub fn with_staff_cards(mut self, staff: StaffCards) -> SimulatedReader {
        self.staff = staff;
        self
    }

    /// Waits this long before each APDU, so the "reading" screen shows as with a real card.
    pub fn with_apdu_delay(mut self, delay: Duration) -> SimulatedReader {
        self.apdu_delay = delay;
        self
    }

    /// Puts a demo card in the slot (taking out any card already there).
    pub fn insert(&self, card: DemoCard) {
        let behaviour = match card {
            DemoCard::Resident => CardBehaviour::Resident(CardImage::sample_resident()),
            DemoCard::Unreadable => CardBehaviour::Foreign,
            // The ID card goes on its own reader, not into the card slot.
            DemoCard::IdCard => return,
        };
        self.insert_behaviour(behaviour);
    }

    /// Puts any virtual card in the slot (taking out any card already there).
    pub fn insert_behaviour(&self, behaviour: CardBehaviour) {
        let mut slot = self.shared.lock();
        slot.generation += 1;
        slot.card = Some(behaviour);
        self.shared.changed.notify_all();
    }

    /// Takes the card out.
    pub fn remove(&self) {
        let mut slot = self.shared.lock();
        slot.generation += 1;
        slot.card = None;
        self.shared.changed.notify_all();
    }
}

impl CardReaderBackend for SimulatedReader {
    fn start(&self, sink: EventSink) -> ReaderHandle {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let shared = Arc::clone(&self.shared);
        let delay = self.apdu_delay;
        let staff = self.staff.clone();
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("card-sim".into())
            .spawn(move || watch(&shared, &thread_stop, delay, &staff, &sink));
        let thread = match thread {
            Ok(t) => Some(t),
            Err(e) => {
                warn!("cannot start the simulated reader thread: {e}");
                None
            }
        };
        let shared = Arc::clone(&self.shared);
        ReaderHandle::new(
            Box::new(move || {
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
                let _guard = shared.lock();
                shared.changed.notify_all();
            }),
            thread,
        )
    }
}

/// The card being read feels the slot: a removal (or a new insert) in the middle of the read
/// makes the next APDU fail as if the card had left.
struct SlotChannel<'a> {
    card: VirtualCard,
    shared: &'a Shared,
    generation: u64,
    delay: Duration,
}

impl CardChannel for SlotChannel<'_> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        if !self.delay.is_zero() {
            std::thread::sleep(self.delay);
        }
        if self.shared.lock().generation != self.generation {
            return Err(CardError::Removed);
        }
        self.card.transmit(apdu)
    }
}

fn watch(
    shared: &Shared,
    stop: &std::sync::atomic::AtomicBool,
    delay: Duration,
    staff: &StaffCards,
    sink: &EventSink,
) {
    use std::sync::atomic::Ordering;
    sink(ReaderEvent::Status(ReaderStatus::Ready));
    // The generation whose card was handled, and whether a CardRemoved is owed for it.
    let mut seen: Option<u64> = None;
    let mut owe_removed = false;
    loop {
        let (generation, card) = {
            let mut slot = shared.lock();
            while !stop.load(Ordering::SeqCst) && seen == Some(slot.generation) {
                slot = shared.changed.wait(slot).unwrap_or_else(|e| e.into_inner());
            }
            if stop.load(Ordering::SeqCst) {
                return;
            }
            (slot.generation, slot.card.clone())
        };
        seen = Some(generation);
        if owe_removed {
            owe_removed = false;
            sink(ReaderEvent::CardRemoved);
        }
        let Some(behaviour) = card else { continue };
        sink(ReaderEvent::CardInserted);
        let mut ch = SlotChannel {
            card: VirtualCard::new(behaviour),
            shared,
            generation,
            delay,
        };
        match identify_card(&mut ch, staff) {
            Ok(CardIdentity::Resident(card)) => {
                owe_removed = true;
                sink(ReaderEvent::CardRead(card));
            }
            Ok(CardIdentity::Staff(badge)) => {
                owe_removed = true;
                sink(ReaderEvent::StaffCard(badge));
            }
            Ok(CardIdentity::Unlisted(badge)) => {
                owe_removed = true;
                sink(ReaderEvent::UnlistedCard(badge));
            }
            Err(CardError::Removed) => {
                debug!("simulated card left during the read");
                // A PullAfter card leaves by itself: empty the slot unless it changed meanwhile.
                let mut slot = shared.lock();
                if slot.generation == generation {
                    slot.generation += 1;
                    slot.card = None;
                    seen = Some(slot.generation);
                }
                drop(slot);
                sink(ReaderEvent::CardPulledEarly);
            }
            Err(e) => {
                owe_removed = true;
                sink(ReaderEvent::CardUnreadable(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    const WAIT: Duration = Duration::from_secs(10);

    fn started(sim: &SimulatedReader) -> (ReaderHandle, mpsc::Receiver<ReaderEvent>) {
        let (tx, rx) = mpsc::channel();
        let handle = sim.start(Box::new(move |e| {
            let _ = tx.send(e);
        }));
        (handle, rx)
    }

    fn next(rx: &mpsc::Receiver<ReaderEvent>) -> ReaderEvent {
        rx.recv_timeout(WAIT).expect("an event within 10 s")
    }

    #[test]
    fn same_events_as_the_real_reader() {
        let sim = SimulatedReader::new();
        let (handle, rx) = started(&sim);
        assert_eq!(next(&rx), ReaderEvent::Status(ReaderStatus::Ready));

        sim.insert(DemoCard::Resident);
        assert_eq!(next(&rx), ReaderEvent::CardInserted);
        match next(&rx) {
            ReaderEvent::CardRead(card) => {
                assert_eq!(card.name, crate::virtual_card::SAMPLE_NAME);
                assert_eq!(
                    card.id_number.expose(),
                    crate::virtual_card::sample_id_number()
                );
            }
            other => panic!("expected CardRead, got {other:?}"),
        }
        sim.remove();
        assert_eq!(next(&rx), ReaderEvent::CardRemoved);

        sim.insert(DemoCard::Unreadable);
        assert_eq!(next(&rx), ReaderEvent::CardInserted);
        assert_eq!(
            next(&rx),
            ReaderEvent::CardUnreadable(CardError::NotSocialSecurityCard { sw: 0x6A82 })
        );
        // Swapping cards: the old one is removed, the new one read.
        sim.insert_behaviour(CardBehaviour::Garbage);
        assert_eq!(next(&rx), ReaderEvent::CardRemoved);
        assert_eq!(next(&rx), ReaderEvent::CardInserted);
        assert_eq!(
            next(&rx),
            ReaderEvent::CardUnreadable(CardError::NotSocialSecurityCard { sw: 0x3F11 })
        );
        sim.remove();
        assert_eq!(next(&rx), ReaderEvent::CardRemoved);

        sim.insert_behaviour(CardBehaviour::PullAfter(CardImage::sample_resident(), 2));
        assert_eq!(next(&rx), ReaderEvent::CardInserted);
        assert_eq!(next(&rx), ReaderEvent::CardPulledEarly);
        // The card is gone: a later remove does not report another removal.
        sim.remove();
        sim.insert(DemoCard::Resident);
        assert_eq!(next(&rx), ReaderEvent::CardInserted);
        assert!(matches!(next(&rx), ReaderEvent::CardRead(_)));

        handle.stop();
        // The thread ended and dropped the sink: the channel disconnects.
        loop {
            match rx.recv_timeout(WAIT) {
                Ok(ReaderEvent::CardRead(_)) => panic!("no read after stop"),
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => panic!("sink not dropped after stop"),
            }
        }
    }

    #[test]
    fn removal_during_a_slow_read_is_a_pulled_card() {
        let sim = SimulatedReader::new().with_apdu_delay(Duration::from_millis(50));
        let (handle, rx) = started(&sim);
        assert_eq!(next(&rx), ReaderEvent::Status(ReaderStatus::Ready));
        sim.insert(DemoCard::Resident);
        assert_eq!(next(&rx), ReaderEvent::CardInserted);
        sim.remove();
        assert_eq!(next(&rx), ReaderEvent::CardPulledEarly);
        drop(handle);
        assert!(rx.iter().all(|e| !matches!(e, ReaderEvent::CardRead(_))));
    }

    #[test]
    fn a_card_in_the_slot_before_start_is_read() {
        let sim = SimulatedReader::new();
        sim.insert(DemoCard::Resident);
        let (_handle, rx) = started(&sim);
        assert_eq!(next(&rx), ReaderEvent::Status(ReaderStatus::Ready));
        assert_eq!(next(&rx), ReaderEvent::CardInserted);
        assert!(matches!(next(&rx), ReaderEvent::CardRead(_)));
    }
}
