//! What the UI can ask of the station: one [`Action`] per press (and the demo's card controls).

use serde::{Deserialize, Serialize};

use crate::{
    AdminAction, Contrast, GlucoseTiming, IdentifyMethod, Locale, ManualKey, MeasureKind, Service,
    TextSize,
};

/// Cards the demo control can "insert" into the simulated reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemoCard {
    /// A resident's social-security card into the card slot.
    Resident,
    /// A card that is not a social-security card.
    Unreadable,
    /// A resident's ID card onto the ID card reader.
    IdCard,
}

/// Everything the UI can ask of the station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Any touch: resets the idle timer.
    Touch,
    /// "继续使用" on the idle warning.
    KeepAlive,
    /// "同意" on the face consent screen ("不同意" is `BackHome`).
    ConsentToFace,
    /// End this visit and start one for the resident whose card was just presented.
    ConfirmSwitch,
    /// Keep the current visit; forget the other card.
    CancelSwitch,
    ChooseLocale {
        locale: Locale,
    },
    ChooseTextSize {
        size: TextSize,
    },
    ChooseContrast {
        contrast: Contrast,
    },
    SetVolume {
        volume: u8,
    },
    ReplayPrompt,
    DismissNotice,
    /// "报告故障" on a message about something broken: recorded for staff with the screen, the
    /// message and the time.
    ReportFault,
    IdentifyWith {
        method: IdentifyMethod,
    },
    OpenService {
        service: Service,
    },
    ChooseMeasurement {
        kind: MeasureKind,
    },
    /// The resident did what the step asked ("下一步" / "开始测量").
    MeasureContinue,
    ChooseGlucoseTiming {
        timing: GlucoseTiming,
    },
    /// "再测一次" on the result screen.
    MeasureRetry,
    /// Start (or resume) the TCM constitution questionnaire.
    StartQuestionnaire,
    /// Answer the question on screen: 1 (没有) … 5 (总是).
    AnswerQuestion {
        score: u8,
    },
    PreviousQuestion,
    /// Print this visit's report (result screen).
    PrintReport,
    /// "离开" in the clinic's waiting room: out of the queue, back home.
    LeaveClinic,
    /// "挂断" during the clinic call.
    HangUp,
    /// "返回通话" / "查看处方" on the clinic's banner.
    ReturnToCall,
    /// Print the doctor's prescription as a pickup slip.
    PrintPrescription,
    /// Print an earlier visit's report again ("我的报告").
    PrintVisitReport {
        visit: i64,
    },
    /// Manual entry: the kind staff will type a value for.
    ManualChooseKind {
        kind: MeasureKind,
    },
    /// Manual entry: type into this field (index in [`ManualField::for_kind`] order).
    ManualSelectField {
        index: usize,
    },
    ManualKey {
        key: ManualKey,
    },
    ManualChooseTiming {
        timing: GlucoseTiming,
    },
    /// Manual entry: check and save what was typed.
    ManualSave,
    /// Staff admin mode (badge + PIN, never from a visit).
    Admin {
        #[serde(flatten)]
        action: AdminAction,
    },
    BackHome,
    Logout,
    DemoInsertCard {
        card: DemoCard,
    },
    DemoRemoveCard,
}
