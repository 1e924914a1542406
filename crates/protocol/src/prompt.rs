//! Voice prompt ids. Each id has one recording per locale under `assets/audio/<locale>/<id>.ogg`
//! and its text as the `prompt-<id>` message in `locales/<locale>/prompts.ftl` (questions: their
//! own message in questionnaire.ftl).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PromptId {
    Welcome,
    Closed,
    ReadingCard,
    CardUnreadable,
    CardPulledEarly,
    ReaderUnavailable,
    NotAvailableYet,
    Home,
    BpSit,
    BpCuff,
    BodyStand,
    TemperaturePlace,
    GlucoseTiming,
    GlucoseStrip,
    Spo2Clip,
    Measuring,
    Result,
    Urgent,
    SelfTest,
    Reports,
    DeviceNoResponse,
    SaveFailed,
    StaffModeNotAvailable,
    IdCardUnreadable,
    Printing,
    Printed,
    PrinterUnavailable,
    IdleWarning,
    SwitchResident,
    ScanQr,
    CameraUnavailable,
    QrNotFound,
    QrRejected,
    FaceConsent,
    FaceScan,
    FaceNotConfigured,
    FaceNotCaptured,
    /// The question with this number (1..=33), read out.
    TcmQuestion(u8),
    QuestionnaireDone,
    Goodbye,
}

impl PromptId {
    pub const ALL: [PromptId; 39] = [
        PromptId::Welcome,
        PromptId::Closed,
        PromptId::ReadingCard,
        PromptId::CardUnreadable,
        PromptId::CardPulledEarly,
        PromptId::ReaderUnavailable,
        PromptId::NotAvailableYet,
        PromptId::Home,
        PromptId::BpSit,
        PromptId::BpCuff,
        PromptId::BodyStand,
        PromptId::TemperaturePlace,
        PromptId::GlucoseTiming,
        PromptId::GlucoseStrip,
        PromptId::Spo2Clip,
        PromptId::Measuring,
        PromptId::Result,
        PromptId::Urgent,
        PromptId::SelfTest,
        PromptId::Reports,
        PromptId::DeviceNoResponse,
        PromptId::SaveFailed,
        PromptId::StaffModeNotAvailable,
        PromptId::IdCardUnreadable,
        PromptId::Printing,
        PromptId::Printed,
        PromptId::PrinterUnavailable,
        PromptId::IdleWarning,
        PromptId::SwitchResident,
        PromptId::ScanQr,
        PromptId::CameraUnavailable,
        PromptId::QrNotFound,
        PromptId::QrRejected,
        PromptId::FaceConsent,
        PromptId::FaceScan,
        PromptId::FaceNotConfigured,
        PromptId::FaceNotCaptured,
        PromptId::QuestionnaireDone,
        PromptId::Goodbye,
    ];

    /// Every prompt: [`PromptId::ALL`] and each questionnaire question.
    pub fn all() -> Vec<PromptId> {
        let questions = (1..=TCM_QUESTION_COUNT).map(PromptId::TcmQuestion);
        PromptId::ALL.into_iter().chain(questions).collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PromptId::Welcome => "welcome",
            PromptId::Closed => "closed",
            PromptId::ReadingCard => "reading-card",
            PromptId::CardUnreadable => "card-unreadable",
            PromptId::CardPulledEarly => "card-pulled-early",
            PromptId::ReaderUnavailable => "reader-unavailable",
            PromptId::NotAvailableYet => "not-available-yet",
            PromptId::Home => "home",
            PromptId::BpSit => "bp-sit",
            PromptId::BpCuff => "bp-cuff",
            PromptId::BodyStand => "body-stand",
            PromptId::TemperaturePlace => "temperature-place",
            PromptId::GlucoseTiming => "glucose-timing",
            PromptId::GlucoseStrip => "glucose-strip",
            PromptId::Spo2Clip => "spo2-clip",
            PromptId::Measuring => "measuring",
            PromptId::Result => "result",
            PromptId::Urgent => "urgent",
            PromptId::SelfTest => "self-test",
            PromptId::Reports => "reports",
            PromptId::DeviceNoResponse => "device-no-response",
            PromptId::SaveFailed => "save-failed",
            PromptId::StaffModeNotAvailable => "staff-mode-not-available",
            PromptId::IdCardUnreadable => "id-card-unreadable",
            PromptId::Printing => "printing",
            PromptId::Printed => "printed",
            PromptId::PrinterUnavailable => "printer-unavailable",
            PromptId::IdleWarning => "idle-warning",
            PromptId::SwitchResident => "switch-resident",
            PromptId::ScanQr => "scan-qr",
            PromptId::CameraUnavailable => "camera-unavailable",
            PromptId::QrNotFound => "qr-not-found",
            PromptId::QrRejected => "qr-rejected",
            PromptId::FaceConsent => "face-consent",
            PromptId::FaceScan => "face-scan",
            PromptId::FaceNotConfigured => "face-not-configured",
            PromptId::FaceNotCaptured => "face-not-captured",
            PromptId::QuestionnaireDone => "questionnaire-done",
            PromptId::TcmQuestion(n) => usize::from(n)
                .checked_sub(1)
                .and_then(|i| TCM_QUESTION_IDS.get(i))
                .copied()
                .unwrap_or("questionnaire-done"),
            PromptId::Goodbye => "goodbye",
        }
    }

    /// The locale message holding the words of this prompt. A question is read out as printed
    /// on the form (its own message in questionnaire.ftl).
    pub fn message_id(self) -> String {
        match self {
            PromptId::TcmQuestion(_) => self.as_str().to_string(),
            _ => format!("prompt-{}", self.as_str()),
        }
    }
}

/// Questions of the older-adult TCM constitution form (`station_questionnaire::QUESTION_COUNT`).
pub const TCM_QUESTION_COUNT: u8 = 33;

const TCM_QUESTION_IDS: [&str; TCM_QUESTION_COUNT as usize] = [
    "tcm-q01", "tcm-q02", "tcm-q03", "tcm-q04", "tcm-q05", "tcm-q06", "tcm-q07", "tcm-q08",
    "tcm-q09", "tcm-q10", "tcm-q11", "tcm-q12", "tcm-q13", "tcm-q14", "tcm-q15", "tcm-q16",
    "tcm-q17", "tcm-q18", "tcm-q19", "tcm-q20", "tcm-q21", "tcm-q22", "tcm-q23", "tcm-q24",
    "tcm-q25", "tcm-q26", "tcm-q27", "tcm-q28", "tcm-q29", "tcm-q30", "tcm-q31", "tcm-q32",
    "tcm-q33",
];
