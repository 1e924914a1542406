//! What the runtime must do after a state change. The state machine never touches hardware:
//! it returns these, and `Kiosk::apply` carries them out after the state lock is released.

use station_clinic_protocol::FromStation;
use station_protocol::{DemoCard, Locale, MeasureKind, Paper, PromptId};
use station_report::{ReportInput, SlipInput};
use station_store::VisitId;

#[derive(Debug, Default)]
pub(crate) struct Effects {
    /// An utterance to speak: one prompt, or a result read out word by word.
    pub say: Option<(Locale, Vec<PromptId>)>,
    /// Text read aloud after `say` (words no recording has: a prescription).
    pub read: Option<(Locale, String)>,
    pub replay: bool,
    pub stop_voice: bool,
    pub volume: Option<u8>,
    pub start_measure: Option<(u64, MeasureKind)>,
    pub start_scan: Option<u64>,
    pub start_face: Option<u64>,
    pub print: Option<PrintJob>,
    pub demo_insert: Option<DemoCard>,
    pub demo_remove: bool,
    /// Admin mode: print a test page / open the camera for a frame.
    pub admin_test_page: bool,
    pub admin_test_camera: bool,
    /// Admin mode: show the camera's picture for a moment, then keep one frame as the fault
    /// report's photo.
    pub admin_fault_photo: bool,
    /// Admin mode: ask the print server behind this queue (or server) address for its printers.
    pub admin_find_printers: Option<String>,
    /// Admin mode's self-test of this kind's measuring device.
    pub admin_test_instrument: Option<station_protocol::MeasureKind>,
    /// Messages for the doctor console, in order (the clinic call).
    pub clinic_send: Vec<FromStation>,
    /// The doctor's WebRTC offer / candidates for the call's media, in order.
    pub media_signals: Vec<serde_json::Value>,
    /// A prescription for the medicine cabinet, tagged with its run's token.
    pub reserve_medicine: Option<(u64, station_cabinet::CabinetOrder)>,
    /// Admin mode: close the kiosk to the desktop (audited already).
    pub exit: bool,
    /// The view changed and must be published.
    pub changed: bool,
}

impl Effects {
    pub fn is_empty(&self) -> bool {
        !self.changed
    }
}

/// A document to print, tagged with the visit that asked for it.
#[derive(Debug)]
pub(crate) struct PrintJob {
    pub visit: VisitId,
    pub paper: Paper,
    pub name: String,
    pub document: Document,
}

#[derive(Debug)]
pub(crate) enum Document {
    /// The health report of a visit.
    Report(ReportInput),
    /// The prescription's pickup slip.
    Slip(SlipInput),
}
