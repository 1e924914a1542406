//! The audit trail: what happened at the station, by whom, for staff and auditors. Events are a
//! closed set ([`AuditEvent`]), so an action name cannot be misspelt and no free text can carry
//! personal data by accident. An event that records a change is written in that change's
//! transaction (see `Store::start_visit`, `end_visit`, `save_reading`, `save_questionnaire`):
//! never the change without its record, nor the record without the change.

use rusqlite::{params, Connection};
use station_protocol::{IdentifyMethod, MeasureKind};

use crate::{ReadingId, VisitEnd, VisitId};

/// Who did what is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The station itself (devices, printer, start-up).
    Station,
    /// The resident at the screen (never named: the visit id leads to the masked record).
    Resident,
    /// A staff member, by the hex UID of their badge.
    Staff(String),
    /// A staff card whose holder did nothing at the station yet.
    UnknownStaff,
}

impl Actor {
    fn as_text(&self) -> String {
        match self {
            Actor::Station => "station".into(),
            Actor::Resident => "resident".into(),
            Actor::Staff(badge) => format!("staff:{badge}"),
            Actor::UnknownStaff => "staff".into(),
        }
    }
}

/// Something worth keeping. `reason` fields hold a device's or library's error text (never a
/// name or an ID number: callers pass error messages only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditEvent {
    StationStarted,
    /// A resident identified; written with the visit row.
    VisitStarted {
        method: IdentifyMethod,
    },
    /// Written with the visit's end.
    VisitEnded {
        how: VisitEnd,
    },
    /// Written with the reading.
    ReadingSaved {
        kind: MeasureKind,
    },
    /// An urgent value queued for the family doctor; written with the reading.
    AlertQueued {
        kind: MeasureKind,
    },
    /// A staff member typed a reading in; written with the reading.
    ManualReading {
        staff: String,
        reading: ReadingId,
        kind: MeasureKind,
    },
    /// Written with the questionnaire.
    QuestionnaireSaved {
        method: String,
    },
    ReportPrinted,
    PrintFailed {
        reason: String,
    },
    DeviceTimeout {
        kind: MeasureKind,
    },
    DeviceFault {
        kind: MeasureKind,
    },
    CardUnreadable {
        reason: String,
    },
    IdCardUnreadable {
        reason: String,
    },
    /// A staff badge opened manual entry for the visit.
    StaffAssist {
        staff: String,
    },
    FaceConsentGiven,
    /// A face was framed and its picture wiped: no matcher is configured.
    FaceNotConfigured,
    CameraUnavailable {
        reason: String,
    },
    QrRejected {
        reason: String,
    },
    /// The card reader went, or was missing at start (`reason`: its status).
    CardReaderFault {
        reason: String,
    },
    /// The card reader is back.
    CardReaderBack,
    /// The store was damaged at start and restored from a backup (`backup_taken_at`: when that
    /// backup was taken; anything later is lost). Written in the restored store.
    StoreRestored {
        backup_taken_at: String,
    },
    /// A scheduled backup failed (`reason`: the error).
    BackupFailed {
        reason: String,
    },
    /// Delivered data past the retention period was purged.
    DataPurged {
        readings: usize,
        questionnaires: usize,
    },
    /// A staff member chose their admin PIN at first use (`staff`: the badge's hex UID, or
    /// "station" for the station PIN). Written with the PIN.
    AdminPinSet {
        staff: String,
    },
    /// The right PIN: admin mode entered. Written with the reset of the wrong-try count.
    AdminEntered {
        staff: String,
    },
    /// A wrong PIN (`failures`: wrong tries in a row). Written with the count.
    AdminPinWrong {
        staff: String,
        failures: u32,
    },
    /// Too many wrong PINs: entry locked until `until`. Written with the lockout.
    AdminLocked {
        staff: String,
        until: String,
    },
    AdminLeft {
        staff: String,
    },
    /// A setting written to station.toml (`key`: the key, never the value).
    SettingChanged {
        staff: String,
        key: String,
    },
    /// The app was closed to the desktop from admin mode.
    ExitToDesktop {
        staff: String,
    },
    /// A fault report filed (`staff`: `None` when a resident pressed 报告故障; `device`: which
    /// device or screen, never the description).
    FaultReported {
        staff: Option<String>,
        device: String,
    },
    /// An update was downloaded and its signature checked; it waits for a quiet station.
    UpdateStaged {
        version: String,
    },
    /// An update was refused (`reason`: a bad signature, or why it could not be fetched).
    UpdateRefused {
        version: String,
        reason: String,
    },
    /// A new version reached the welcome screen on its first starts and stays.
    UpdateInstalled {
        version: String,
        previous: String,
    },
    /// A new version never reached the welcome screen; the previous one was put back.
    UpdateRolledBack {
        version: String,
    },
}

impl AuditEvent {
    pub fn actor(&self) -> Actor {
        use AuditEvent::*;
        match self {
            VisitStarted { .. }
            | VisitEnded { .. }
            | ReadingSaved { .. }
            | AlertQueued { .. }
            | QuestionnaireSaved { .. }
            | FaceConsentGiven => Actor::Resident,
            ManualReading { staff, .. }
            | StaffAssist { staff }
            | AdminPinSet { staff }
            | AdminEntered { staff }
            | AdminPinWrong { staff, .. }
            | AdminLocked { staff, .. }
            | AdminLeft { staff }
            | SettingChanged { staff, .. }
            | ExitToDesktop { staff }
            | FaultReported {
                staff: Some(staff), ..
            } => Actor::Staff(staff.clone()),
            FaultReported { staff: None, .. } => Actor::Resident,
            StationStarted
            | ReportPrinted
            | PrintFailed { .. }
            | DeviceTimeout { .. }
            | DeviceFault { .. }
            | CardUnreadable { .. }
            | IdCardUnreadable { .. }
            | FaceNotConfigured
            | CameraUnavailable { .. }
            | QrRejected { .. }
            | CardReaderFault { .. }
            | CardReaderBack
            | StoreRestored { .. }
            | BackupFailed { .. }
            | DataPurged { .. }
            | UpdateStaged { .. }
            | UpdateRefused { .. }
            | UpdateInstalled { .. }
            | UpdateRolledBack { .. } => Actor::Station,
        }
    }

    /// The stable action name kept in the `audit_events` table.
    pub fn action(&self) -> &'static str {
        use AuditEvent::*;
        match self {
            StationStarted => "start",
            VisitStarted { .. } => "identified",
            VisitEnded { .. } => "visit_ended",
            ReadingSaved { .. } => "reading_saved",
            AlertQueued { .. } => "alert_queued",
            ManualReading { .. } => "manual_reading",
            QuestionnaireSaved { .. } => "questionnaire_saved",
            ReportPrinted => "report_printed",
            PrintFailed { .. } => "print_failed",
            DeviceTimeout { .. } => "device_timeout",
            DeviceFault { .. } => "device_fault",
            CardUnreadable { .. } => "card_unreadable",
            IdCardUnreadable { .. } => "id_card_unreadable",
            StaffAssist { .. } => "staff_assist",
            FaceConsentGiven => "face_consent_given",
            FaceNotConfigured => "face_not_configured",
            CameraUnavailable { .. } => "camera_unavailable",
            QrRejected { .. } => "qr_rejected",
            CardReaderFault { .. } => "card_reader_fault",
            CardReaderBack => "card_reader_back",
            StoreRestored { .. } => "store_restored",
            BackupFailed { .. } => "backup_failed",
            DataPurged { .. } => "data_purged",
            AdminPinSet { .. } => "admin_pin_set",
            AdminEntered { .. } => "admin_entered",
            AdminPinWrong { .. } => "admin_pin_wrong",
            AdminLocked { .. } => "admin_locked",
            AdminLeft { .. } => "admin_left",
            SettingChanged { .. } => "setting_changed",
            ExitToDesktop { .. } => "exit_to_desktop",
            FaultReported { .. } => "fault_reported",
            UpdateStaged { .. } => "update_staged",
            UpdateRefused { .. } => "update_refused",
            UpdateInstalled { .. } => "update_installed",
            UpdateRolledBack { .. } => "update_rolled_back",
        }
    }

    fn detail(&self) -> String {
        use AuditEvent::*;
        match self {
            VisitStarted { method } => method.as_str().into(),
            VisitEnded { how } => how.as_str().into(),
            ReadingSaved { kind } | AlertQueued { kind } => kind.as_str().into(),
            DeviceTimeout { kind } | DeviceFault { kind } => kind.as_str().into(),
            ManualReading { reading, kind, .. } => {
                format!("reading {} {}", reading.0, kind.as_str())
            }
            QuestionnaireSaved { method } => method.clone(),
            PrintFailed { reason }
            | CardUnreadable { reason }
            | IdCardUnreadable { reason }
            | CameraUnavailable { reason }
            | QrRejected { reason }
            | CardReaderFault { reason }
            | BackupFailed { reason } => reason.clone(),
            StoreRestored { backup_taken_at } => format!("from backup of {backup_taken_at}"),
            DataPurged {
                readings,
                questionnaires,
            } => format!("{readings} readings, {questionnaires} questionnaires"),
            AdminPinWrong { failures, .. } => format!("{failures} wrong in a row"),
            AdminLocked { until, .. } => format!("locked until {until}"),
            SettingChanged { key, .. } => key.clone(),
            FaultReported { device, .. } => device.clone(),
            UpdateStaged { version } | UpdateRolledBack { version } => version.clone(),
            UpdateRefused { version, reason } => format!("{version}: {reason}"),
            UpdateInstalled { version, previous } => format!("{previous} -> {version}"),
            AdminPinSet { .. } | AdminEntered { .. } | AdminLeft { .. } | ExitToDesktop { .. } => {
                String::new()
            }
            StaffAssist { .. } => "manual entry opened".into(),
            StationStarted | ReportPrinted | FaceConsentGiven | FaceNotConfigured
            | CardReaderBack => String::new(),
        }
    }
}

/// One audit line as stored: who did what, when. `detail` never holds personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub visit: Option<VisitId>,
    pub detail: String,
}

/// Writes `event` on `conn` (a plain connection or an open transaction).
pub(crate) fn write(
    conn: &Connection,
    at: &str,
    visit: Option<VisitId>,
    event: &AuditEvent,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_events (at, actor, action, visit_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            at,
            event.actor().as_text(),
            event.action(),
            visit.map(|v| v.0),
            event.detail()
        ],
    )?;
    Ok(())
}
