//! The watcher both backends run: open a link to a SAM module, check it, poll for cards, read
//! each card once per placement. Only the byte transport differs (serial port or in-memory SAM),
//! so the simulator exercises the same framing, decoding and state machine as the real reader.

use std::io;
use std::time::{Duration, Instant};

use station_protocol::ReaderStatus;
use tracing::{debug, info, warn};

use crate::frame::{encode_request, Command, FrameDecoder, Reply, SamStatus};
use crate::reader::{IdCardEvent, IdEventSink, Stopper};
use crate::text::{parse_base_message, IdCardHolder, TEXT_LEN};
use crate::IdCardError;

/// A byte link to a SAM module.
pub(crate) trait SamLink {
    /// Sends all of `bytes`. An error means the link is gone.
    fn send(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Waits a short while (tens of milliseconds) for bytes: `Ok(0)` when none came. An error
    /// means the link is gone.
    fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// Drops bytes received but not read (late or stray replies).
    fn discard_input(&mut self) -> io::Result<()>;
}

/// Opens links; `Err` means there is no device (yet).
pub(crate) trait Connector {
    type Link: SamLink;
    fn connect(&mut self) -> Result<Self::Link, IdCardError>;
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    /// Between two find-card polls.
    pub poll: Duration,
    /// Between two attempts to open or check the device.
    pub retry: Duration,
    /// Reply timeout for short commands.
    pub reply: Duration,
    /// Reply timeout for read base message (1295 bytes: ~0.1 s on the wire, plus the SAM's
    /// decryption).
    pub read_reply: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            poll: Duration::from_millis(300),
            retry: Duration::from_secs(1),
            reply: Duration::from_secs(1),
            read_reply: Duration::from_secs(3),
        }
    }
}

/// Consecutive find-card failures before a reported card counts as removed (one failed find
/// can be a glitch in the RF field).
const REMOVAL_MISSES: u32 = 2;
/// Consecutive commands without a valid reply before the device counts as gone.
const SILENT_LIMIT: u32 = 3;

/// Why an exchange did not produce a reply.
#[derive(Debug)]
pub(crate) enum Halt {
    /// The watcher was asked to stop.
    Stopped,
    /// The link failed (port vanished).
    Lost(IdCardError),
    /// No valid reply, or a refusal: the link itself is still there.
    Fail(IdCardError),
}

impl From<IdCardError> for Halt {
    fn from(e: IdCardError) -> Halt {
        Halt::Fail(e)
    }
}

fn lost(e: io::Error) -> Halt {
    Halt::Lost(IdCardError::Port(e.kind().to_string()))
}

/// Could `reply` answer `cmd`? Replies carry no command code, so a stale reply is recognised
/// by a status or a size that only another command produces.
fn plausible(cmd: Command, reply: &Reply) -> bool {
    let is_read_data = reply.data.len() >= 4 + TEXT_LEN;
    match reply.status {
        SamStatus::CardFound | SamStatus::FindFailed => cmd == Command::FIND_CARD,
        SamStatus::SelectFailed => cmd == Command::SELECT_CARD,
        SamStatus::ReadFailed => cmd == Command::READ_BASE_MESSAGE,
        SamStatus::Ok => (cmd == Command::READ_BASE_MESSAGE) == is_read_data,
        _ => true,
    }
}

/// One open link, with its decoder.
pub(crate) struct Session<'a, L: SamLink> {
    link: L,
    decoder: FrameDecoder,
    stop: Option<&'a Stopper>,
    timing: Timing,
}

impl<'a, L: SamLink> Session<'a, L> {
    pub(crate) fn new(link: L, stop: Option<&'a Stopper>, timing: Timing) -> Self {
        Session {
            link,
            decoder: FrameDecoder::new(),
            stop,
            timing,
        }
    }

    /// Sends `cmd` and waits for its reply (never longer than the timeout).
    pub(crate) fn exchange(&mut self, cmd: Command) -> Result<Reply, Halt> {
        let timeout = if cmd == Command::READ_BASE_MESSAGE {
            self.timing.read_reply
        } else {
            self.timing.reply
        };
        // What is still in the buffers belongs to an earlier, failed exchange.
        self.link.discard_input().map_err(lost)?;
        self.decoder.clear();
        self.link.send(&encode_request(cmd)).map_err(lost)?;
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 512];
        loop {
            if let Some(reply) = self.decoder.next_reply() {
                if let Ok(r) = &reply {
                    if !plausible(cmd, r) {
                        // A late answer to an earlier request (one that timed out, or that a
                        // previous user of the port left behind): not ours, keep waiting.
                        debug!(status = %r.status, "skipping a reply that is not for {cmd}");
                        continue;
                    }
                }
                return match reply {
                    Ok(reply) if reply.status == SamStatus::SelfTestFailed => {
                        Err(Halt::Fail(IdCardError::SamSelfTest))
                    }
                    Ok(reply) => Ok(reply),
                    Err(e) => Err(Halt::Fail(e.into())),
                };
            }
            if self.stop.is_some_and(Stopper::stopped) {
                return Err(Halt::Stopped);
            }
            if Instant::now() >= deadline {
                return Err(Halt::Fail(IdCardError::Timeout {
                    command: cmd,
                    millis: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
                }));
            }
            let n = self.link.receive(&mut buf).map_err(lost)?;
            self.decoder.push(buf.get(..n).unwrap_or_default());
        }
    }

    /// Sends `cmd` and requires the `expected` status.
    fn command(&mut self, cmd: Command, expected: SamStatus) -> Result<Reply, Halt> {
        let reply = self.exchange(cmd)?;
        if reply.status == expected {
            Ok(reply)
        } else {
            Err(Halt::Fail(IdCardError::Status {
                command: cmd,
                status: reply.status,
            }))
        }
    }

    /// The SAM answers its status command with `00 00 90`.
    pub(crate) fn check_sam(&mut self) -> Result<(), Halt> {
        self.command(Command::SAM_STATUS, SamStatus::Ok).map(|_| ())
    }

    /// Select + read base message, after a successful find.
    pub(crate) fn read_card(&mut self) -> Result<IdCardHolder, Halt> {
        self.command(Command::SELECT_CARD, SamStatus::Ok)?;
        let reply = self.command(Command::READ_BASE_MESSAGE, SamStatus::Ok)?;
        Ok(parse_base_message(&reply.data)?)
    }
}

struct Watcher {
    sink: IdEventSink,
    status: Option<ReaderStatus>,
    /// A card was reported (read or unreadable) and `CardRemoved` is owed.
    card: bool,
}

impl Watcher {
    fn set_status(&mut self, status: ReaderStatus) {
        if self.status != Some(status) {
            info!(?status, "ID card reader status");
            self.status = Some(status);
            (self.sink)(IdCardEvent::Status(status));
        }
    }

    fn card_gone(&mut self) {
        if self.card {
            self.card = false;
            (self.sink)(IdCardEvent::CardRemoved);
        }
    }

    fn report(&mut self, result: Result<IdCardHolder, IdCardError>) {
        self.card = true;
        match result {
            Ok(holder) => (self.sink)(IdCardEvent::CardRead(holder)),
            Err(e) => {
                warn!("ID card unreadable: {e}");
                (self.sink)(IdCardEvent::CardUnreadable(e));
            }
        }
    }
}

/// Runs until `stop`: connect, check, poll, read; reconnect after any loss.
pub(crate) fn watch<C: Connector>(
    mut connector: C,
    timing: Timing,
    stop: &Stopper,
    sink: IdEventSink,
) {
    let mut w = Watcher {
        sink,
        status: None,
        card: false,
    };
    while !stop.stopped() {
        match connector.connect() {
            Ok(link) => {
                let session = Session::new(link, Some(stop), timing);
                if serve(session, &mut w, stop).is_break() {
                    return;
                }
            }
            Err(e) => {
                debug!("ID card reader not available: {e}");
                w.set_status(ReaderStatus::NoReader);
            }
        }
        if stop.sleep(timing.retry) {
            return;
        }
    }
}

/// One connected period. `Break` = stopped; `Continue` = the link failed, try again later.
fn serve<L: SamLink>(
    mut s: Session<'_, L>,
    w: &mut Watcher,
    stop: &Stopper,
) -> std::ops::ControlFlow<()> {
    use std::ops::ControlFlow::{Break, Continue};
    match s.check_sam() {
        Ok(()) => w.set_status(ReaderStatus::Ready),
        Err(Halt::Stopped) => return Break(()),
        Err(Halt::Fail(IdCardError::SamSelfTest)) => {
            warn!("{}", IdCardError::SamSelfTest);
            w.set_status(ReaderStatus::NoService);
            return Continue(());
        }
        Err(Halt::Fail(e) | Halt::Lost(e)) => {
            debug!("no SAM module answers: {e}");
            w.set_status(ReaderStatus::NoReader);
            return Continue(());
        }
    }
    let mut misses = 0u32;
    let mut silent = 0u32;
    loop {
        match s.exchange(Command::FIND_CARD) {
            Ok(reply) => {
                silent = 0;
                match reply.status {
                    SamStatus::CardFound => {
                        misses = 0;
                        if !w.card {
                            match s.read_card() {
                                Ok(holder) => w.report(Ok(holder)),
                                Err(Halt::Fail(e)) => w.report(Err(e)),
                                Err(Halt::Stopped) => return Break(()),
                                Err(Halt::Lost(e)) => {
                                    warn!("ID card reader lost during a read: {e}");
                                    w.card_gone();
                                    w.set_status(ReaderStatus::NoReader);
                                    return Continue(());
                                }
                            }
                        }
                    }
                    SamStatus::FindFailed => {
                        misses += 1;
                        if misses >= REMOVAL_MISSES {
                            w.card_gone();
                        }
                    }
                    other => debug!(status = %other, "unexpected answer to find card"),
                }
            }
            Err(Halt::Stopped) => return Break(()),
            Err(Halt::Fail(IdCardError::SamSelfTest)) => {
                warn!("{}", IdCardError::SamSelfTest);
                w.card_gone();
                w.set_status(ReaderStatus::NoService);
                return Continue(());
            }
            Err(Halt::Fail(e)) => {
                silent += 1;
                debug!("find card failed: {e}");
                if silent >= SILENT_LIMIT {
                    warn!("the SAM module stopped answering: {e}");
                    w.card_gone();
                    w.set_status(ReaderStatus::NoReader);
                    return Continue(());
                }
            }
            Err(Halt::Lost(e)) => {
                warn!("ID card reader lost: {e}");
                w.card_gone();
                w.set_status(ReaderStatus::NoReader);
                return Continue(());
            }
        }
        if stop.sleep(s.timing.poll) {
            return Break(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::encode_reply;
    use crate::simulated::{sample_holder, SimulatedSam};
    use std::collections::VecDeque;

    /// A link whose input already holds a stale reply when the first request goes out.
    struct StaleLink {
        sam: SimulatedSam,
        input: VecDeque<u8>,
    }

    impl SamLink for StaleLink {
        fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
            let reply = self.sam.receive(bytes);
            self.input.extend(reply);
            Ok(())
        }
        fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.input.len().min(buf.len()).min(5);
            for (slot, b) in buf.iter_mut().zip(self.input.drain(..n)) {
                *slot = b;
            }
            Ok(n)
        }
        fn discard_input(&mut self) -> io::Result<()> {
            // The stale bytes arrive after the flush (a slow device).
            Ok(())
        }
    }

    #[test]
    fn late_replies_to_other_commands_are_skipped() {
        let mut input = VecDeque::new();
        input.extend(encode_reply(SamStatus::FindFailed, &[]));
        input.extend(encode_reply(SamStatus::SelectFailed, &[]));
        let link = StaleLink {
            sam: SimulatedSam::with_card(sample_holder()),
            input,
        };
        let mut s = Session::new(link, None, Timing::default());
        assert!(s.check_sam().is_ok());
        assert_eq!(
            s.exchange(Command::FIND_CARD).map(|r| r.status).ok(),
            Some(SamStatus::CardFound)
        );
        assert_eq!(s.read_card().ok(), Some(sample_holder()));
    }

    #[test]
    fn silence_is_a_timeout_not_a_hang() {
        let link = StaleLink {
            sam: SimulatedSam::new(),
            input: VecDeque::new(),
        };
        struct Mute(StaleLink);
        impl SamLink for Mute {
            fn send(&mut self, _: &[u8]) -> io::Result<()> {
                Ok(())
            }
            fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                std::thread::sleep(Duration::from_millis(5));
                self.0.receive(buf)
            }
            fn discard_input(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let timing = Timing {
            reply: Duration::from_millis(100),
            ..Timing::default()
        };
        let mut s = Session::new(Mute(link), None, timing);
        assert!(matches!(
            s.check_sam(),
            Err(Halt::Fail(IdCardError::Timeout { .. }))
        ));
    }
}
