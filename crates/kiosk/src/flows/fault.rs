//! Fault reports (Wenzhou 7.2.3), from both sides:
//! - a resident presses "报告故障" on a message about something broken (`Notice::is_fault`): the
//!   station records the screen, the message and the device the message is about, and says it
//!   was recorded ("已记录，工作人员会尽快处理");
//! - staff in admin mode choose a device and what is wrong ("报告故障" page), optionally take a
//!   photo of it with the station's camera (a moment of live picture, then one frame), and file it.
//!
//! Either way the report is stored with its audit line and waits for the platform link to
//! upload it (`station_store::faults`).

use station_core::clock::minute_stamp;
use station_protocol::{
    AdminMessage, DeviceClass, FaultDraft, FaultLine, FaultProblem, Notice, Screen,
};
use station_store::{FaultRecord, Store};

use crate::effects::Effects;
use crate::station::Station;

/// How many reports the admin page lists.
const LISTED: usize = 20;

/// The device a message is about, when the message names one (the instrument from the screen
/// it is shown over).
fn device_of(notice: Notice, screen: &Screen) -> Option<DeviceClass> {
    match notice {
        Notice::ReaderUnavailable | Notice::ReaderMissing => Some(DeviceClass::CardReader),
        Notice::PrinterUnavailable => Some(DeviceClass::Printer),
        Notice::CameraUnavailable => Some(DeviceClass::Camera),
        Notice::ClinicOffline | Notice::ClinicLinkLost => Some(DeviceClass::ClinicLink),
        Notice::DeviceNoResponse | Notice::DeviceStaleRecord => match screen {
            Screen::Measure { kind, .. } => Some(DeviceClass::Instrument(*kind)),
            Screen::MeasureResult { result } => Some(DeviceClass::Instrument(result.summary.kind)),
            _ => None,
        },
        _ => None,
    }
}

impl Station {
    /// "报告故障" pressed under a message about something broken: recorded, and said so.
    pub(crate) fn report_fault(&mut self, store: &Store, fx: &mut Effects) {
        let Some(notice) = self.notice.filter(|n| n.is_fault()) else {
            return;
        };
        let screen = self.screen();
        let record = FaultRecord {
            staff: None,
            device: device_of(notice, &screen).map(DeviceClass::key),
            problem: None,
            screen: Some(screen.name().to_string()),
            notice: Some(notice.message_id().to_string()),
            photo: None,
        };
        let told = match store.report_fault(&record) {
            Ok(_) => Notice::FaultReported,
            Err(e) => {
                tracing::error!(error = %e, "cannot record a resident's fault report");
                Notice::RecordFailed
            }
        };
        self.notify(told, fx);
    }
}

/// A photo staff took of a fault: a greyscale JPEG of one camera frame. Kept in the admin
/// session until the report is filed or the form is left; its `Debug` gives only its size.
pub(crate) struct FaultPhoto(pub Vec<u8>);

impl std::fmt::Debug for FaultPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FaultPhoto({} bytes)", self.0.len())
    }
}

/// JPEG quality of a fault photo: enough to read a label or an error code on a device.
pub(crate) const PHOTO_QUALITY: u8 = 85;

/// Files the report staff filled in; `None` while device or problem is not chosen yet.
pub(crate) fn file(
    draft: &FaultDraft,
    staff: &str,
    photo: Option<&FaultPhoto>,
    store: &Store,
) -> Option<AdminMessage> {
    let (device, problem) = (draft.device?, draft.problem?);
    let record = FaultRecord {
        staff: Some(staff.to_string()),
        device: Some(device.key()),
        problem: Some(problem.as_str().to_string()),
        screen: None,
        notice: None,
        photo: photo.map(|p| p.0.clone()),
    };
    Some(match store.report_fault(&record) {
        Ok(_) => AdminMessage::FaultFiled,
        Err(e) => {
            tracing::error!(error = %e, "cannot file a fault report");
            AdminMessage::FaultNotFiled
        }
    })
}

/// The latest reports for the admin page, newest first.
pub(crate) fn lines(store: &Store) -> Vec<FaultLine> {
    let stored = store.fault_reports(LISTED).unwrap_or_else(|e| {
        tracing::error!(error = %e, "cannot read the fault reports");
        Vec::new()
    });
    stored
        .into_iter()
        .map(|f| FaultLine {
            reported_at: minute_stamp(&f.reported_at),
            device: f.record.device.as_deref().and_then(DeviceClass::from_key),
            problem: f.record.problem.as_deref().and_then(FaultProblem::from_key),
            notice: f
                .record
                .notice
                .as_deref()
                .and_then(|id| Notice::ALL.into_iter().find(|n| n.message_id() == id)),
            by_staff: f.record.staff.is_some(),
            uploaded: f.delivered,
            photo: f.has_photo,
        })
        .collect()
}
