//! The real backend: PC/SC (pcsc-lite) through the `pcsc` crate.
//!
//! One thread blocks in `SCardGetStatusChange` on the PnP pseudo-reader plus every reader, and
//! reads the first card that is present. It survives pcscd not running (retries about every
//! second, reports `NoService`), readers unplugged (`NoReader`) and readers coming back (`Ready`).
//! `ReaderHandle` stops it with `SCardCancel`.

use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use pcsc::{Context, Protocols, ReaderState, Scope, ShareMode, State, PNP_NOTIFICATION};
use station_protocol::ReaderStatus;
use tracing::{debug, info, warn};

use crate::apdu::CardChannel;
use crate::reader::{CardReaderBackend, EventSink, ReaderEvent, ReaderHandle};
use crate::staff::{identify_card, read_uid, CardIdentity, StaffBadge, StaffCards};
use crate::CardError;

/// The PC/SC card reader backend.
#[derive(Debug, Clone)]
pub struct PcscReader {
    /// Pause between attempts to reach pcscd while it is down.
    pub retry_interval: Duration,
    /// Longest single wait for a status change. Stopping normally interrupts the wait at once
    /// (`SCardCancel`); this bounds it if a cancel is lost in a race.
    pub poll_interval: Duration,
    /// After a transport error during a read, how long to watch the reader for the card leaving
    /// (pcscd notices a removal within a few hundred milliseconds) before calling the card
    /// unreadable rather than pulled early.
    pub removal_grace: Duration,
    /// This station's staff cards (recognised by UID, never as residents).
    pub staff: StaffCards,
}

impl Default for PcscReader {
    fn default() -> Self {
        PcscReader {
            retry_interval: Duration::from_secs(1),
            poll_interval: Duration::from_secs(1),
            removal_grace: Duration::from_millis(1500),
            staff: StaffCards::default(),
        }
    }
}

impl PcscReader {
    pub fn new() -> PcscReader {
        PcscReader::default()
    }

    pub fn with_staff_cards(mut self, staff: StaffCards) -> PcscReader {
        self.staff = staff;
        self
    }
}

#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    exited: AtomicBool,
    /// The context in use, so a stop can cancel its blocking wait.
    ctx: Mutex<Option<Context>>,
    /// Wakes the retry sleep.
    sleep_lock: Mutex<()>,
    wake: Condvar,
}

impl Shared {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn set_ctx(&self, ctx: Option<Context>) {
        *self.ctx.lock().unwrap_or_else(|e| e.into_inner()) = ctx;
    }

    fn cancel(&self) {
        if let Some(ctx) = self.ctx.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = ctx.cancel();
        }
        let _guard = self.sleep_lock.lock().unwrap_or_else(|e| e.into_inner());
        self.wake.notify_all();
    }

    /// Sleeps up to `d`, returning early on stop.
    fn sleep(&self, d: Duration) {
        let guard = self.sleep_lock.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self
            .wake
            .wait_timeout_while(guard, d, |_| !self.stopped())
            .map_err(|e| e.into_inner());
    }
}

impl CardReaderBackend for PcscReader {
    fn start(&self, sink: EventSink) -> ReaderHandle {
        let shared = Arc::new(Shared::default());
        let worker = Worker {
            cfg: self.clone(),
            shared: Arc::clone(&shared),
            sink,
            status: None,
            card: Slot::Empty,
            tapped: Vec::new(),
        };
        let thread = std::thread::Builder::new()
            .name("card-pcsc".into())
            .spawn(move || worker.run());
        let thread = match thread {
            Ok(t) => Some(t),
            Err(e) => {
                warn!("cannot start the card reader thread: {e}");
                None
            }
        };
        ReaderHandle::new(
            Box::new(move || {
                shared.stop.store(true, Ordering::SeqCst);
                // A cancel only interrupts a wait already in progress: repeat it until the
                // thread has noticed (bounded; the join that follows waits for the rest).
                for _ in 0..100 {
                    shared.cancel();
                    if shared.exited.load(Ordering::SeqCst) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            }),
            thread,
        )
    }
}

/// The card the watcher is dealing with.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    Empty,
    /// A card in `reader` was handled (read or found unreadable): `CardRemoved` is owed when
    /// it leaves. `events` is the reader's card event counter at the time.
    Handled {
        reader: CString,
        events: u32,
    },
    /// The card left during the read and `CardPulledEarly` was sent: nothing is owed.
    Pulled {
        reader: CString,
        events: u32,
    },
}

struct Worker {
    cfg: PcscReader,
    shared: Arc<Shared>,
    sink: EventSink,
    status: Option<ReaderStatus>,
    card: Slot,
    /// Cards on other readers already looked at while `card` is in (reader, event count).
    tapped: Vec<(CString, u32)>,
}

/// Why a session with pcscd ended.
enum End {
    Stopped,
    Service(pcsc::Error),
}

fn is_present(s: &ReaderState) -> bool {
    let st = s.event_state();
    st.contains(State::PRESENT)
        && !st.intersects(State::EMPTY | State::UNKNOWN | State::UNAVAILABLE)
}

impl Worker {
    fn emit(&self, e: ReaderEvent) {
        (self.sink)(e);
    }

    fn set_status(&mut self, status: ReaderStatus) {
        if self.status != Some(status) {
            info!(?status, "card reader status");
            self.status = Some(status);
            self.emit(ReaderEvent::Status(status));
        }
    }

    /// The card can no longer be observed (reader or service gone).
    fn card_lost(&mut self) {
        if matches!(self.card, Slot::Handled { .. }) {
            self.emit(ReaderEvent::CardRemoved);
        }
        self.card = Slot::Empty;
    }

    fn run(mut self) {
        while !self.shared.stopped() {
            match Context::establish(Scope::User) {
                Ok(ctx) => {
                    self.shared.set_ctx(Some(ctx.clone()));
                    let end = if self.shared.stopped() {
                        End::Stopped
                    } else {
                        self.session(&ctx)
                    };
                    self.shared.set_ctx(None);
                    match end {
                        End::Stopped => break,
                        End::Service(e) => {
                            debug!("PC/SC session ended: {e}");
                            self.card_lost();
                            // Re-establish at once; only a failure to do so means NoService.
                            self.shared.sleep(Duration::from_millis(100));
                        }
                    }
                }
                Err(e) => {
                    debug!("PC/SC service not reachable: {e}");
                    self.card_lost();
                    self.set_status(ReaderStatus::NoService);
                    self.shared.sleep(self.cfg.retry_interval);
                }
            }
        }
        self.shared.exited.store(true, Ordering::SeqCst);
    }

    /// Watches readers and cards until the service goes away or a stop is asked.
    fn session(&mut self, ctx: &Context) -> End {
        let mut states = match self.rebuild(ctx, Vec::new()) {
            Ok(s) => s,
            Err(e) => return End::Service(e),
        };
        loop {
            if self.shared.stopped() {
                return End::Stopped;
            }
            match ctx.get_status_change(self.cfg.poll_interval, &mut states) {
                Ok(()) => {}
                Err(pcsc::Error::Timeout) | Err(pcsc::Error::Cancelled) => continue,
                Err(pcsc::Error::UnknownReader) | Err(pcsc::Error::ReaderUnavailable) => {
                    states = match self.rebuild(ctx, states) {
                        Ok(s) => s,
                        Err(e) => return End::Service(e),
                    };
                    continue;
                }
                Err(e) => return End::Service(e),
            }
            let readers_changed = states.iter().enumerate().any(|(i, s)| {
                let ev = s.event_state();
                if i == 0 {
                    ev.contains(State::CHANGED)
                } else {
                    ev.intersects(State::UNKNOWN | State::IGNORE)
                }
            });
            for s in &mut states {
                s.sync_current_state();
            }
            if readers_changed {
                states = match self.rebuild(ctx, states) {
                    Ok(s) => s,
                    Err(e) => return End::Service(e),
                };
            }
            if let Err(e) = self.handle_cards(ctx, &states) {
                return End::Service(e);
            }
        }
    }

    /// The PnP pseudo-reader plus every current reader (keeping the known state of readers
    /// already watched); updates the status and forgets a card whose reader went away.
    fn rebuild(
        &mut self,
        ctx: &Context,
        old: Vec<ReaderState>,
    ) -> Result<Vec<ReaderState>, pcsc::Error> {
        let names = ctx.list_readers_owned()?;
        let mut states = vec![ReaderState::new(PNP_NOTIFICATION(), State::UNAWARE)];
        if let Some(pnp) = old.first() {
            // Keep the PnP state so the same change is not reported again.
            states[0] = ReaderState::new(PNP_NOTIFICATION(), pnp.event_state() & !State::CHANGED);
        }
        for name in names {
            let known = old.iter().skip(1).find(|s| s.name() == name.as_c_str());
            let current = known.map_or(State::UNAWARE, |s| s.event_state() & !State::CHANGED);
            states.push(ReaderState::new(name, current));
        }
        debug!(readers = states.len() - 1, "watching card readers");
        if let Slot::Handled { reader, .. } | Slot::Pulled { reader, .. } = &self.card {
            if !states.iter().skip(1).any(|s| s.name() == reader.as_c_str()) {
                self.card_lost();
            }
        }
        self.set_status(if states.len() > 1 {
            ReaderStatus::Ready
        } else {
            ReaderStatus::NoReader
        });
        Ok(states)
    }

    fn handle_cards(&mut self, ctx: &Context, states: &[ReaderState]) -> Result<(), pcsc::Error> {
        // The card being dealt with: still there (same insertion)?
        if let Slot::Handled { reader, events } | Slot::Pulled { reader, events } = &self.card {
            let same = states
                .iter()
                .skip(1)
                .find(|s| s.name() == reader.as_c_str())
                .is_some_and(|s| is_present(s) && s.event_count() == *events);
            if same {
                if matches!(self.card, Slot::Handled { .. }) {
                    let holder = reader.clone();
                    self.look_for_staff_taps(ctx, states, &holder);
                }
                return Ok(());
            }
            self.card_lost();
        }
        self.tapped.clear();
        // First card present wins.
        let Some(found) = states.iter().skip(1).find(|s| is_present(s)) else {
            return Ok(());
        };
        let reader = found.name().to_owned();
        let events = found.event_count();
        if found.event_state().contains(State::MUTE) {
            debug!("card does not answer to reset");
        }
        self.emit(ReaderEvent::CardInserted);
        let outcome = read_card(ctx, &reader, &self.cfg.staff);
        if self.shared.stopped() {
            return Ok(());
        }
        let pulled = match &outcome {
            Err(CardError::Removed) => true,
            Err(CardError::Reader(_)) => self.card_left(ctx, &reader, events)?,
            _ => false,
        };
        if pulled {
            info!("card pulled during the read");
            self.card = Slot::Pulled { reader, events };
            self.emit(ReaderEvent::CardPulledEarly);
            return Ok(());
        }
        self.card = Slot::Handled { reader, events };
        match outcome {
            Ok(CardIdentity::Resident(card)) => {
                info!("social-security card read");
                self.emit(ReaderEvent::CardRead(card));
            }
            Ok(CardIdentity::Staff(badge)) => {
                info!("staff card");
                self.emit(ReaderEvent::StaffCard(badge));
            }
            Ok(CardIdentity::Unlisted(badge)) => {
                info!("a card with a UID, not listed");
                self.emit(ReaderEvent::UnlistedCard(badge));
            }
            Err(e) => {
                info!("card unreadable: {e}");
                self.emit(ReaderEvent::CardUnreadable(e));
            }
        }
        Ok(())
    }

    /// While a resident's card stays in `holder`, a card with a UID on another reader (the
    /// contactless side of a dual reader, say) is reported — as staff when listed here, else as
    /// unlisted, for the station to check against its current list — so staff can assist that
    /// resident. It is never read further: one resident at a time.
    fn look_for_staff_taps(&mut self, ctx: &Context, states: &[ReaderState], holder: &CStr) {
        self.tapped.retain(|(name, events)| {
            states
                .iter()
                .skip(1)
                .any(|s| s.name() == name.as_c_str() && is_present(s) && s.event_count() == *events)
        });
        for s in states.iter().skip(1) {
            if s.name() == holder || !is_present(s) {
                continue;
            }
            let key = (s.name().to_owned(), s.event_count());
            if self.tapped.contains(&key) {
                continue;
            }
            self.tapped.push(key);
            match with_card(ctx, s.name(), read_uid) {
                Ok(uid) if self.cfg.staff.contains(&uid) => {
                    info!("staff card tapped during a visit");
                    self.emit(ReaderEvent::StaffCard(StaffBadge::new(uid)));
                }
                Ok(uid) => {
                    info!("another card during a visit, not listed at start");
                    self.emit(ReaderEvent::UnlistedCard(StaffBadge::new(uid)));
                }
                Err(e) => debug!("card on a second reader not usable: {e}"),
            }
        }
    }

    /// After a transport error: does the card leave the reader within the grace period?
    fn card_left(&self, ctx: &Context, reader: &CStr, events: u32) -> Result<bool, pcsc::Error> {
        let deadline = Instant::now() + self.cfg.removal_grace;
        let mut state = [ReaderState::new(reader, State::UNAWARE)];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match ctx.get_status_change(left, &mut state) {
                Ok(()) => {
                    if !is_present(&state[0]) || state[0].event_count() != events {
                        return Ok(true);
                    }
                    state[0].sync_current_state();
                }
                Err(pcsc::Error::Timeout) | Err(pcsc::Error::Cancelled) => return Ok(false),
                Err(pcsc::Error::UnknownReader) | Err(pcsc::Error::ReaderUnavailable) => {
                    return Ok(true)
                }
                Err(e) => return Err(e),
            }
            if left.is_zero() || self.shared.stopped() {
                return Ok(false);
            }
        }
    }
}

/// Connects to the card in `reader` and reads it inside a transaction. The card is left as it
/// is (no reset), so pcscd reports no new card event for it.
fn read_card(ctx: &Context, reader: &CStr, staff: &StaffCards) -> Result<CardIdentity, CardError> {
    with_card(ctx, reader, |ch| identify_card(ch, staff))
}

/// Runs `f` on the card in `reader` inside a transaction, leaving the card as it is.
fn with_card<T>(
    ctx: &Context,
    reader: &CStr,
    f: impl FnOnce(&mut dyn CardChannel) -> Result<T, CardError>,
) -> Result<T, CardError> {
    let mut card = ctx
        .connect(reader, ShareMode::Shared, Protocols::ANY)
        .map_err(card_error)?;
    let result = match card.transaction() {
        Ok(tx) => {
            let result = f(&mut PcscChannel { card: &tx });
            if let Err((_, e)) = tx.end(pcsc::Disposition::LeaveCard) {
                debug!("ending the card transaction: {e}");
            }
            result
        }
        Err(e) => Err(card_error(e)),
    };
    if let Err((_, e)) = card.disconnect(pcsc::Disposition::LeaveCard) {
        debug!("disconnecting from the card: {e}");
    }
    result
}

fn card_error(e: pcsc::Error) -> CardError {
    match e {
        pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard | pcsc::Error::ResetCard => {
            CardError::Removed
        }
        other => CardError::Reader(other.to_string()),
    }
}

/// APDUs over a connected PC/SC card.
struct PcscChannel<'a> {
    card: &'a pcsc::Card,
}

impl CardChannel for PcscChannel<'_> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
        let resp = self.card.transmit(apdu, &mut buf).map_err(card_error)?;
        if resp.len() < 2 {
            // Every card answer ends in SW1 SW2. vpcd, for one, returns an empty answer when
            // the card goes away mid-command: treat it as a transport failure, so the watcher
            // checks whether the card left.
            return Err(CardError::Reader(format!(
                "the reader returned {} byte(s), no status word",
                resp.len()
            )));
        }
        Ok(resp.to_vec())
    }
}
