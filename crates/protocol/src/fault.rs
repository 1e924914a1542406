//! Fault reports (Wenzhou 7.2.3 work orders): something at the station is broken, said by staff
//! in admin mode (which device, what is wrong) or by a resident pressing "报告故障" on an error
//! message (the station notes the screen, the message and the time). Reports are kept at the
//! station and marked for upload; the platform link sends them.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, IntoStaticStr, VariantArray};

use crate::{all_variants, DeviceClass, MeasureKind, Notice};

/// What staff say is wrong, from a short list (a kiosk has no keyboard for free text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(EnumCount, VariantArray, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum FaultProblem {
    /// Does not work at all (no power, no answer).
    NotWorking,
    /// Works sometimes, fails sometimes.
    Intermittent,
    /// Gives values that look wrong.
    WrongValues,
    /// Out of paper, strips, cuffs: consumables.
    NeedsSupplies,
    /// Broken or damaged.
    Damaged,
    Other,
}

impl FaultProblem {
    pub const ALL: [FaultProblem; FaultProblem::COUNT] = all_variants();

    /// The stored key: "not_working".
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn from_key(key: &str) -> Option<FaultProblem> {
        FaultProblem::ALL.into_iter().find(|p| p.as_str() == key)
    }

    /// "fault-problem-not-working".
    pub fn message_id(self) -> String {
        format!("fault-problem-{}", self.as_str().replace('_', "-"))
    }
}

impl DeviceClass {
    /// Every class staff can report a fault on, in the order the admin pages list them.
    pub fn all() -> Vec<DeviceClass> {
        [
            DeviceClass::CardReader,
            DeviceClass::IdCardReader,
            DeviceClass::Camera,
            DeviceClass::Printer,
            DeviceClass::Voice,
            DeviceClass::ClinicLink,
        ]
        .into_iter()
        .chain(MeasureKind::ALL.into_iter().map(DeviceClass::Instrument))
        .collect()
    }

    /// The stored key: "printer", "instrument:blood_pressure".
    pub fn key(self) -> String {
        match self {
            DeviceClass::CardReader => "card_reader".into(),
            DeviceClass::IdCardReader => "id_card_reader".into(),
            DeviceClass::Camera => "camera".into(),
            DeviceClass::Printer => "printer".into(),
            DeviceClass::Voice => "voice".into(),
            DeviceClass::ClinicLink => "clinic_link".into(),
            DeviceClass::Instrument(kind) => format!("instrument:{}", kind.as_str()),
        }
    }

    pub fn from_key(key: &str) -> Option<DeviceClass> {
        DeviceClass::all().into_iter().find(|d| d.key() == key)
    }
}

impl Notice {
    /// A message about something broken at the station (not about the resident's own card or
    /// code): it offers "报告故障".
    pub fn is_fault(self) -> bool {
        matches!(
            self,
            Notice::ReaderUnavailable
                | Notice::ReaderMissing
                | Notice::DeviceNoResponse
                | Notice::DeviceStaleRecord
                | Notice::SaveFailed
                | Notice::RecordFailed
                | Notice::PrinterUnavailable
                | Notice::CameraUnavailable
                | Notice::StoreRestored
                | Notice::ClinicOffline
                | Notice::ClinicLinkLost
        )
    }
}

/// One report as admin mode lists it (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultLine {
    /// Station time, "2026-12-01 10:02".
    pub reported_at: String,
    /// `None`: the station as a whole (a resident's report from a screen with no one device).
    pub device: Option<DeviceClass>,
    /// Staff's words for it; a resident's report has the message they saw instead.
    pub problem: Option<FaultProblem>,
    pub notice: Option<Notice>,
    /// Filed by staff (else by a resident).
    pub by_staff: bool,
    /// Sent to the platform (else waiting at the station).
    pub uploaded: bool,
    /// A photo was filed with it.
    pub photo: bool,
}

/// The report staff are filling in on the admin page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultDraft {
    pub device: Option<DeviceClass>,
    pub problem: Option<FaultProblem>,
    /// A photo is taken for it (optional; the picture stays in the kiosk, never in a view).
    pub photo: bool,
}
