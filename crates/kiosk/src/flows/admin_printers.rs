//! The printer queue from admin mode: "查找打印机" asks the print server (CUPS over IPP, on a
//! worker thread: never under the station's lock) which printers it has; staff choose one, written
//! to `printer.queue` and used from the next start (the printer is opened at start).

use station_protocol::AdminMessage;

use super::admin::{AdminSession, AdminStep};
use crate::effects::Effects;
use crate::station::{Phase, Station};

impl AdminSession {
    /// The print server's answer, while staff still wait for it.
    fn on_printers(&mut self, queues: Option<Vec<String>>) -> bool {
        let AdminStep::Open(view) = &mut self.step else {
            return false;
        };
        if view.message != Some(AdminMessage::PrintersSearching) {
            return false;
        }
        let queues = queues.unwrap_or_default();
        view.message = Some(if queues.is_empty() {
            AdminMessage::NoPrintersFound
        } else {
            AdminMessage::PrintersFound
        });
        view.printer_queues = queues;
        true
    }
}

impl Station {
    /// The printers the print server listed (`None`: it did not answer); dropped when staff
    /// have moved on.
    pub(crate) fn on_admin_printers(&mut self, queues: Option<Vec<String>>) -> Effects {
        let mut fx = Effects::default();
        if let Phase::Admin { session, .. } = &mut self.phase {
            if session.on_printers(queues) {
                self.changed(&mut fx);
            }
        }
        fx
    }
}
