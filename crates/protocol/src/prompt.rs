//! Voice prompt ids. Each id has one recording per locale under `assets/audio/<locale>/<id>.ogg`
//! and its text as the `prompt-<id>` message in `locales/<locale>/station.ftl`.

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
    Goodbye,
}

impl PromptId {
    pub const ALL: [PromptId; 30] = [
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
        PromptId::Goodbye,
    ];

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
            PromptId::Goodbye => "goodbye",
        }
    }

    /// The locale message holding the words of this prompt.
    pub fn message_id(self) -> String {
        format!("prompt-{}", self.as_str())
    }
}
