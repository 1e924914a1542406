//! The real `SerialSamReader` against a simulated SAM module behind a pseudo-terminal.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use station_core::resident::mask_name;
use station_idcard::simulated::{sample_holder, sample_id_number, SamFault, SimulatedSam};
use station_idcard::testbed::PtySam;
use station_idcard::{
    check_reader, FrameError, IdCardError, IdCardEvent, IdCardReaderBackend, IdReaderHandle,
    SerialSamReader,
};
use station_protocol::ReaderStatus;

const WAIT: Duration = Duration::from_secs(10);

fn started(path: &Path) -> (IdReaderHandle, mpsc::Receiver<IdCardEvent>) {
    let (tx, rx) = mpsc::channel();
    let reader = SerialSamReader::new(path.to_path_buf());
    let handle = reader.start(Box::new(move |e| {
        let _ = tx.send(e);
    }));
    (handle, rx)
}

fn next(rx: &mpsc::Receiver<IdCardEvent>) -> IdCardEvent {
    rx.recv_timeout(WAIT).expect("an event within 10 s")
}

fn expect_unreadable(rx: &mpsc::Receiver<IdCardEvent>) -> IdCardError {
    match next(rx) {
        IdCardEvent::CardUnreadable(e) => e,
        other => panic!("expected CardUnreadable, got {other:?}"),
    }
}

#[test]
fn reads_a_placed_card_and_notices_its_removal() {
    let pty = PtySam::start(SimulatedSam::new()).expect("pty");
    let (handle, rx) = started(pty.path());
    assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::Ready));

    pty.place(sample_holder());
    match next(&rx) {
        IdCardEvent::CardRead(holder) => {
            assert_eq!(mask_name(&holder.name), "张*华");
            assert_eq!(holder.id_number.expose(), sample_id_number());
            assert_eq!(holder.valid_to, None, "长期");
            assert_eq!(holder.photo_wlt().len(), 1024);
            assert_eq!(holder, sample_holder());
            let shown = format!("{holder:?}");
            assert!(
                shown.contains("张*华") && !shown.contains("张小华"),
                "{shown}"
            );
        }
        other => panic!("expected CardRead, got {other:?}"),
    }
    pty.take();
    assert_eq!(next(&rx), IdCardEvent::CardRemoved);

    // Noise in front of the reply is skipped.
    pty.set_fault(Some(SamFault::NoisyLine));
    pty.place(sample_holder());
    assert!(matches!(next(&rx), IdCardEvent::CardRead(_)));
    pty.take();
    assert_eq!(next(&rx), IdCardEvent::CardRemoved);

    handle.stop();
}

#[test]
fn broken_replies_make_the_card_unreadable_and_the_reader_carries_on() {
    let pty = PtySam::start(SimulatedSam::new()).expect("pty");
    let (handle, rx) = started(pty.path());
    assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::Ready));

    pty.set_fault(Some(SamFault::BadCheckByte));
    pty.place(sample_holder());
    assert!(matches!(
        expect_unreadable(&rx),
        IdCardError::Frame(FrameError::CheckByte { .. })
    ));
    pty.take();
    assert_eq!(next(&rx), IdCardEvent::CardRemoved);

    pty.set_fault(Some(SamFault::TruncatedReply));
    pty.place(sample_holder());
    assert!(matches!(
        expect_unreadable(&rx),
        IdCardError::Timeout { .. }
    ));
    pty.take();
    assert_eq!(next(&rx), IdCardEvent::CardRemoved);

    pty.set_fault(Some(SamFault::Garbage));
    pty.place(sample_holder());
    assert!(matches!(
        expect_unreadable(&rx),
        IdCardError::Timeout { .. }
    ));
    pty.take();
    assert_eq!(next(&rx), IdCardEvent::CardRemoved);

    // Repaired: the next card reads.
    pty.set_fault(None);
    pty.place(sample_holder());
    assert!(matches!(next(&rx), IdCardEvent::CardRead(_)));
    assert!(handle.is_running());
    handle.stop();
}

#[test]
fn a_failed_sam_self_test_is_a_clear_error() {
    let mut sam = SimulatedSam::new();
    sam.set_fault(Some(SamFault::SelfTestFailed));
    let pty = PtySam::start(sam).expect("pty");

    let err = check_reader(pty.path()).expect_err("self-test failure");
    assert_eq!(err, IdCardError::SamSelfTest);
    assert!(err.to_string().contains("self-test"), "{err}");

    let (handle, rx) = started(pty.path());
    assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::NoService));
    pty.set_fault(None);
    assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::Ready));
    drop(handle);
    assert_eq!(check_reader(pty.path()), Ok(()));
}

#[test]
fn a_vanishing_port_is_no_reader_until_it_returns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let link = dir.path().join("ttyIDCARD");

    // No device at the path yet.
    let (handle, rx) = started(&link);
    assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::NoReader));

    let pty = PtySam::start_at(SimulatedSam::new(), &link).expect("pty");
    assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::Ready));
    pty.place(sample_holder());
    assert!(matches!(next(&rx), IdCardEvent::CardRead(_)));

    // USB pulled with the card on it.
    pty.vanish();
    assert_eq!(next(&rx), IdCardEvent::CardRemoved);
    assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::NoReader));
    assert!(!link.exists());

    // Plugged back in: same path, a new device behind it.
    let pty = PtySam::start_at(SimulatedSam::with_card(sample_holder()), &link).expect("pty");
    assert_eq!(next(&rx), IdCardEvent::Status(ReaderStatus::Ready));
    match next(&rx) {
        IdCardEvent::CardRead(holder) => assert_eq!(mask_name(&holder.name), "张*华"),
        other => panic!("expected CardRead, got {other:?}"),
    }
    drop(pty);
    handle.stop();
}
