//! The printer queue chosen in admin mode from what a real print server (a private cupsd) lists:
//! asked on a worker thread, written to `printer.queue`, used from the next start; a server that
//! does not answer is said so.

use station_printer::testbed::PrivateCups;
use station_protocol::{AdminAction, AdminMessage, AdminSection, AdminSetting, Screen};

use super::admin::{admin, admin_view, enter_admin};
use super::{rig_from, Rig, CONFIG};
use crate::StationFiles;

fn station_printing_to(queue: &str) -> (Rig, tempfile::TempDir, std::path::PathBuf) {
    let config = format!("{CONFIG}[printer]\nqueue = \"{queue}\"\n");
    let r = rig_from(&config);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("station.toml");
    std::fs::write(&path, &config).expect("config");
    r.kiosk.set_station_files(StationFiles {
        config: Some(path.clone()),
        logs: None,
        demo: true,
        diagnostics: None,
    });
    (r, dir, path)
}

fn find(r: &Rig) -> station_protocol::AdminView {
    // Asked on a worker: the answer comes as a later view (or already in this one).
    admin(r, AdminAction::FindPrinters);
    let v = r.wait("the print server's answer", |v| {
        matches!(&v.screen, Screen::Admin { admin }
            if matches!(admin.message,
                Some(AdminMessage::PrintersFound | AdminMessage::NoPrintersFound)))
    });
    admin_view(&v).clone()
}

#[test]
fn staff_choose_the_printer_from_the_print_servers_list() {
    let mut cups = PrivateCups::start().expect("private cupsd");
    let device = format!("socket://{}", cups.listener().addr());
    cups.admin(
        "lpadmin",
        &["-p", "Receipt", "-E", "-v", &device, "-m", "raw"],
    )
    .expect("a second queue");
    let (r, _dir, path) = station_printing_to(&cups.queue_uri());
    enter_admin(&r);
    let v = admin(
        &r,
        AdminAction::Show {
            section: AdminSection::Settings,
        },
    );
    assert_eq!(
        admin_view(&v).settings.printer_queue,
        Some(cups.queue_uri())
    );

    let page = find(&r);
    assert_eq!(page.message, Some(AdminMessage::PrintersFound));
    let receipt = format!("ipp://{}/printers/Receipt", cups.server());
    assert!(page.printer_queues.contains(&receipt), "{page:?}");
    assert!(page.printer_queues.contains(&cups.queue_uri()));

    let v = admin(
        &r,
        AdminAction::Set {
            setting: AdminSetting::PrinterQueue(receipt.clone()),
        },
    );
    let page = admin_view(&v);
    assert_eq!(page.message, Some(AdminMessage::RestartToApply));
    assert_eq!(page.settings.printer_queue, Some(receipt.clone()));
    let text = std::fs::read_to_string(&path).expect("config");
    assert!(text.contains(&format!("queue = \"{receipt}\"")), "{text}");

    // The print server gone: said so, nothing listed.
    cups.kill();
    let page = find(&r);
    assert_eq!(page.message, Some(AdminMessage::NoPrintersFound));
    assert!(page.printer_queues.is_empty());
}
