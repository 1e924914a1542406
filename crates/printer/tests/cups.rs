//! CupsPrinter against a private cupsd with a raw queue (needs `cups`, run as any user that may
//! start cupsd; the system cupsd is not touched).

use std::time::{Duration, Instant};

use station_printer::testbed::PrivateCups;
use station_printer::{CupsPrinter, PrintError, PrintOutcome, Printer, PrinterState};
use station_protocol::{BpCategory, Locale};
use station_report::{BpEntry, ReportInput};

fn pdf() -> Vec<u8> {
    let input = ReportInput {
        station_name: "幸福里社区健康小屋".into(),
        printed_at: "2026-11-23 10:35".into(),
        locale: Locale::ZhCn,
        resident_masked_name: "张*华".into(),
        resident_masked_id: "3301**********1234".into(),
        report_id: "R20261123-0042".into(),
        bp: vec![BpEntry {
            taken_at: "2026-11-23 10:32".into(),
            systolic: 152,
            diastolic: 96,
            pulse: 78,
            category: BpCategory::Grade1,
            isolated_systolic: false,
            source: station_protocol::ReadingSource::Device {
                model: "BP-Monitor 9000".into(),
            },
        }],
        bp_history: vec![],
        other_readings: vec![],
        questionnaire: None,
    };
    station_report::render_receipt_80mm(&input).expect("report")
}

fn printer(cups: &PrivateCups, timeout: Duration) -> CupsPrinter {
    CupsPrinter::new(&cups.queue_uri())
        .expect("uri")
        .with_job_timeout(timeout)
        .with_poll_interval(Duration::from_millis(100))
}

#[test]
fn raw_queue_receives_exactly_the_pdf() {
    let cups = PrivateCups::start().expect("private cupsd");
    let p = printer(&cups, Duration::from_secs(20));
    assert_eq!(p.state(), PrinterState::Ready, "{}", cups.log_tail(20));
    let pdf = pdf();
    let t = Instant::now();
    let outcome = p.print("health-report", &pdf).expect("print");
    eprintln!("printed in {:?}", t.elapsed());
    assert_eq!(outcome, PrintOutcome::Completed, "{}", cups.log_tail(30));
    let got = cups
        .listener()
        .wait_for_job(1, Duration::from_secs(5))
        .expect("bytes at the device");
    assert_eq!(got.len(), pdf.len());
    assert!(got == pdf, "device got different bytes");
}

#[test]
fn disabled_queue_times_out_and_says_stopped() {
    let cups = PrivateCups::start().expect("private cupsd");
    cups.disable_queue().expect("cupsdisable");
    let p = printer(&cups, Duration::from_secs(2));
    assert_eq!(p.state(), PrinterState::Stopped);
    let t = Instant::now();
    let outcome = p.print("health-report", &pdf()).expect("print");
    assert_eq!(outcome, PrintOutcome::TimedOut);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    // The job was canceled: re-enabling the queue must not print it for the next resident.
    cups.enable_queue().expect("cupsenable");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        cups.listener().job_count(),
        0,
        "a timed-out job came out later"
    );
}

#[test]
fn rejecting_queue_is_a_clear_error() {
    let cups = PrivateCups::start().expect("private cupsd");
    cups.reject_jobs().expect("cupsreject");
    let p = printer(&cups, Duration::from_secs(5));
    assert_eq!(p.state(), PrinterState::NotAccepting);
    let err = p.print("health-report", &pdf()).expect_err("refused");
    assert!(matches!(err, PrintError::Refused { .. }), "{err:?}");
    eprintln!("rejecting queue: {err}");
    assert!(err.to_string().contains("refused"), "{err}");
}

#[test]
fn unreachable_device_aborts_the_job() {
    let cups = PrivateCups::start().expect("private cupsd");
    cups.point_at_unreachable_device().expect("lpadmin");
    let p = printer(&cups, Duration::from_secs(30));
    let t = Instant::now();
    let outcome = p.print("health-report", &pdf()).expect("print");
    eprintln!("unreachable device: {outcome:?} after {:?}", t.elapsed());
    assert!(
        matches!(outcome, PrintOutcome::Aborted(_)),
        "{outcome:?}\n{}",
        cups.log_tail(30)
    );
}

#[test]
fn spooler_not_running_is_a_clear_error() {
    let mut cups = PrivateCups::start().expect("private cupsd");
    let p = printer(&cups, Duration::from_secs(5));
    cups.kill();
    assert_eq!(p.state(), PrinterState::SpoolerUnavailable);
    let err = p.print("health-report", &pdf()).expect_err("no spooler");
    assert!(
        matches!(err, PrintError::SpoolerUnreachable { .. }),
        "{err:?}"
    );
    eprintln!("no spooler: {err}");
}

#[test]
fn the_servers_queues_are_listed_for_staff_to_choose_from() {
    let mut cups = PrivateCups::start().expect("private cupsd");
    let device = format!("socket://{}", cups.listener().addr());
    cups.admin(
        "lpadmin",
        &["-p", "Receipt-2", "-E", "-v", &device, "-m", "raw"],
    )
    .expect("a second queue");
    let queues = station_printer::cups_queues(&cups.queue_uri()).expect("queues");
    let second = format!("ipp://{}/printers/Receipt-2", cups.server());
    let mut want = vec![cups.queue_uri(), second];
    want.sort();
    assert_eq!(queues, want);
    cups.kill();
    assert!(matches!(
        station_printer::cups_queues(&cups.queue_uri()),
        Err(PrintError::SpoolerUnreachable { .. })
    ));
}
