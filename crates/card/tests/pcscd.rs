//! The real PC/SC backend against a private pcscd with vpcd readers and virtual cards.
//!
//! libpcsclite reads `PCSCLITE_CSOCK_NAME` once per process, so every scenario runs in this one
//! test function, in order, against the same private pcscd.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use station_card::testbed::PrivatePcscd;
use station_card::virtual_card::{
    sample_id_number, CardBehaviour, CardImage, VpcdCard, SAMPLE_NAME,
};
use station_card::{
    CardError, CardReaderBackend, PcscReader, ReaderEvent, ReaderHandle, StaffBadge, StaffCards,
};
use station_protocol::ReaderStatus;

/// Generous: this is about order and content, not speed.
const WAIT: Duration = Duration::from_secs(10);
/// How long to watch for events that must not come.
const QUIET: Duration = Duration::from_millis(1500);
/// Command APDUs a whole read of the sample card takes.
const SAMPLE_READ_APDUS: usize = 4;

struct Watch {
    rx: Receiver<ReaderEvent>,
    handle: Option<ReaderHandle>,
}

impl Watch {
    fn start() -> Watch {
        Watch::start_with(PcscReader::new())
    }

    fn start_with(reader: PcscReader) -> Watch {
        let (tx, rx) = mpsc::channel();
        let handle = reader.start(Box::new(move |e| {
            let _ = tx.send(e);
        }));
        Watch {
            rx,
            handle: Some(handle),
        }
    }

    fn next(&self, expecting: &str) -> ReaderEvent {
        match self.rx.recv_timeout(WAIT) {
            Ok(e) => e,
            Err(e) => panic!("waiting for {expecting}: {e}"),
        }
    }

    fn expect(&self, want: ReaderEvent) {
        let got = self.next(&format!("{want:?}"));
        assert_eq!(got, want);
    }

    /// A status, after a `NoService` the watcher may or may not have seen during a restart.
    fn expect_status(&self, want: ReaderStatus) {
        let mut got = self.next(&format!("Status({want:?})"));
        if want != ReaderStatus::NoService && got == ReaderEvent::Status(ReaderStatus::NoService) {
            got = self.next(&format!("Status({want:?})"));
        }
        assert_eq!(got, ReaderEvent::Status(want));
    }

    fn expect_read(&self) {
        match self.next("CardRead") {
            ReaderEvent::CardRead(card) => {
                assert_eq!(card.name, SAMPLE_NAME);
                assert_eq!(card.id_number.expose(), sample_id_number());
                let shown = format!("{card:?}");
                assert!(
                    shown.contains("张*华") && !shown.contains(SAMPLE_NAME),
                    "{shown}"
                );
                assert!(shown.contains(&card.id_number.masked()), "{shown}");
                assert!(!shown.contains(&sample_id_number()), "{shown}");
            }
            other => panic!("expected CardRead, got {other:?}"),
        }
    }

    fn expect_unreadable(&self) -> CardError {
        match self.next("CardUnreadable") {
            ReaderEvent::CardUnreadable(e) => e,
            other => panic!("expected CardUnreadable, got {other:?}"),
        }
    }

    /// No event for a while.
    fn expect_quiet(&self, after: &str) {
        match self.rx.recv_timeout(QUIET) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(e) => panic!("unexpected {e:?} after {after}"),
            Err(e) => panic!("watcher gone after {after}: {e}"),
        }
    }

    /// Stops the watcher; its thread ends and drops the sink.
    fn stop(mut self) {
        if let Some(h) = self.handle.take() {
            h.stop();
        }
        loop {
            match self.rx.recv_timeout(WAIT) {
                Ok(ReaderEvent::CardRead(_)) => panic!("a read after stop"),
                Ok(_) => {}
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("the watcher did not stop"),
            }
        }
    }
}

fn insert(pcscd: &PrivatePcscd, behaviour: CardBehaviour) -> VpcdCard {
    VpcdCard::insert(pcscd.vpcd_addr(), behaviour).expect("connect to vpcd")
}

#[test]
fn pcsc_reader_against_a_private_pcscd() {
    let mut pcscd = PrivatePcscd::start().expect("private pcscd (apt: pcscd vsmartcard-vpcd)");
    let (var, socket) = pcscd.socket_env();
    // Single test in this binary: nothing else reads the environment concurrently.
    std::env::set_var(var, &socket);

    let watch = Watch::start();
    watch.expect(ReaderEvent::Status(ReaderStatus::Ready));

    // A resident's card: read, then removed.
    let card = insert(
        &pcscd,
        CardBehaviour::Resident(CardImage::sample_resident()),
    );
    watch.expect(ReaderEvent::CardInserted);
    watch.expect_read();
    // Through pcscd as in memory: SELECT DDF1, SELECT EF06, READ RECORD 08 and 09 (the exact
    // APDUs are pinned in ssc.rs), as the card itself counted them.
    assert_eq!(card.apdus_answered(), SAMPLE_READ_APDUS);
    watch.expect_quiet("a completed read (no second read of the same card)");
    card.pull();
    watch.expect(ReaderEvent::CardRemoved);

    // A T=1-style card (no 61xx/6Cxx) reads the same, in as many APDUs.
    let card = insert(
        &pcscd,
        CardBehaviour::Resident(CardImage::sample_resident().with_t0(false)),
    );
    watch.expect(ReaderEvent::CardInserted);
    watch.expect_read();
    assert_eq!(card.apdus_answered(), SAMPLE_READ_APDUS);
    card.pull();
    watch.expect(ReaderEvent::CardRemoved);

    // A card with nothing but the holder's ID number and name (no EF05 at all, so no
    // specification version; no sex, nation, birthplace or birth date) is the same resident.
    // Tags as the specification numbers them.
    let mut bare = CardImage::sample_resident();
    for tag in [
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0A, 0x0B, 0x0C, 0x0D,
    ] {
        bare = bare.without_record(tag);
    }
    let card = insert(&pcscd, CardBehaviour::Resident(bare));
    watch.expect(ReaderEvent::CardInserted);
    watch.expect_read();
    card.pull();
    watch.expect(ReaderEvent::CardRemoved);

    // A bank card: unreadable, then removed.
    let card = insert(&pcscd, CardBehaviour::Foreign);
    watch.expect(ReaderEvent::CardInserted);
    assert_eq!(
        watch.expect_unreadable(),
        CardError::NotSocialSecurityCard { sw: 0x6A82 }
    );
    card.pull();
    watch.expect(ReaderEvent::CardRemoved);

    // Garbage answers: unreadable, then removed.
    let card = insert(&pcscd, CardBehaviour::Garbage);
    watch.expect(ReaderEvent::CardInserted);
    let err = watch.expect_unreadable();
    assert_eq!(err, CardError::NotSocialSecurityCard { sw: 0x3F11 });
    card.pull();
    watch.expect(ReaderEvent::CardRemoved);

    // Pulled after two APDUs: no identity, no later CardRemoved.
    let card = insert(
        &pcscd,
        CardBehaviour::PullAfter(CardImage::sample_resident(), 2),
    );
    watch.expect(ReaderEvent::CardInserted);
    watch.expect(ReaderEvent::CardPulledEarly);
    watch.expect_quiet("a card pulled early");
    assert!(!card.is_inserted(), "the card left by itself");
    drop(card);

    // Two readers: the first card present wins; the second is read once the first leaves.
    let first = insert(
        &pcscd,
        CardBehaviour::Resident(CardImage::sample_resident()),
    );
    watch.expect(ReaderEvent::CardInserted);
    watch.expect_read();
    let second =
        VpcdCard::insert(pcscd.vpcd_addr_second(), CardBehaviour::Foreign).expect("reader 2");
    watch.expect_quiet("a second card while the first is in");
    first.pull();
    watch.expect(ReaderEvent::CardRemoved);
    watch.expect(ReaderEvent::CardInserted);
    assert!(matches!(
        watch.expect_unreadable(),
        CardError::NotSocialSecurityCard { .. }
    ));
    second.pull();
    watch.expect(ReaderEvent::CardRemoved);

    // pcscd comes back without readers, then with them.
    let card = insert(
        &pcscd,
        CardBehaviour::Resident(CardImage::sample_resident()),
    );
    watch.expect(ReaderEvent::CardInserted);
    watch.expect_read();
    pcscd
        .restart_with_readers(false)
        .expect("pcscd without readers");
    watch.expect(ReaderEvent::CardRemoved);
    watch.expect_status(ReaderStatus::NoReader);
    drop(card);
    pcscd
        .restart_with_readers(true)
        .expect("pcscd with readers");
    watch.expect_status(ReaderStatus::Ready);
    let card = insert(
        &pcscd,
        CardBehaviour::Resident(CardImage::sample_resident()),
    );
    watch.expect(ReaderEvent::CardInserted);
    watch.expect_read();
    card.pull();
    watch.expect(ReaderEvent::CardRemoved);

    // pcscd dies mid-session, then comes back on the same socket.
    pcscd.kill();
    watch.expect(ReaderEvent::Status(ReaderStatus::NoService));
    pcscd.restart().expect("restart pcscd");
    watch.expect(ReaderEvent::Status(ReaderStatus::Ready));
    let card = insert(
        &pcscd,
        CardBehaviour::Resident(CardImage::sample_resident()),
    );
    watch.expect(ReaderEvent::CardInserted);
    watch.expect_read();
    // A card in the reader when pcscd dies is reported removed.
    pcscd.kill();
    watch.expect(ReaderEvent::CardRemoved);
    watch.expect(ReaderEvent::Status(ReaderStatus::NoService));
    drop(card);
    watch.stop();

    // pcscd absent when the watcher starts.
    let watch = Watch::start();
    watch.expect(ReaderEvent::Status(ReaderStatus::NoService));
    pcscd.restart().expect("restart pcscd");
    watch.expect(ReaderEvent::Status(ReaderStatus::Ready));
    watch.stop();

    // Staff tap their badge on the second reader while a resident's card stays in: reported
    // alone, once per tap; an unlisted card there is reported as unlisted (the station checks
    // it against its list as it is now), never read; the resident's card is still the one
    // watched.
    let uid = vec![0x04, 0xA1, 0xB2, 0xC3];
    let watch =
        Watch::start_with(PcscReader::new().with_staff_cards(StaffCards::new([uid.clone()])));
    watch.expect(ReaderEvent::Status(ReaderStatus::Ready));
    let card = insert(
        &pcscd,
        CardBehaviour::Resident(CardImage::sample_resident()),
    );
    watch.expect(ReaderEvent::CardInserted);
    watch.expect_read();
    for _ in 0..2 {
        let tap = VpcdCard::insert(pcscd.vpcd_addr_second(), CardBehaviour::Staff(uid.clone()))
            .expect("reader 2");
        watch.expect(ReaderEvent::StaffCard(StaffBadge::new(uid.clone())));
        watch.expect_quiet("a staff tap (one report per tap)");
        tap.pull();
    }
    let stranger = VpcdCard::insert(
        pcscd.vpcd_addr_second(),
        CardBehaviour::Staff(vec![9, 9, 9, 9]),
    )
    .expect("reader 2");
    watch.expect(ReaderEvent::UnlistedCard(StaffBadge::new(vec![9, 9, 9, 9])));
    watch.expect_quiet("an unlisted card on the second reader (one report)");
    stranger.pull();
    card.pull();
    watch.expect(ReaderEvent::CardRemoved);
    watch.stop();
}
