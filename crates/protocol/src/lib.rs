//! The contract between the kiosk UI and the station backend, written once.
//!
//! The backend owns the truth (session, screen, resident, hardware state) and sends a whole
//! [`StationView`] on every change; the UI only renders it and sends [`Action`]s back. Keeping the
//! session in the backend means a frozen or reloaded webview can never keep a resident "logged in".

use serde::{Deserialize, Serialize};
use strum::{EnumCount, EnumDiscriminants, IntoStaticStr, VariantArray};

mod action;
mod admin;
mod clinic;
mod fault;
mod manual;
mod measure;
mod paper;
mod prompt;
mod spoken;
pub use action::{Action, DemoCard};
pub use admin::{
    AdminAction, AdminMessage, AdminPinView, AdminSection, AdminSetting, AdminView, DeviceClass,
    DeviceLine, DeviceStatus, NameDraft, NamePart, PinProblem, PinStage, SettingsView,
    SoftwareView, StationCounts, UpcomingDay, UpdateState,
};
pub use clinic::{
    CallQuality, ClinicBanner, ClinicCallView, ClinicWaitView, PrescriptionLine, PrescriptionView,
};
pub use fault::{FaultDraft, FaultLine, FaultProblem};
pub use manual::{ManualEntryView, ManualField, ManualFieldError, ManualFieldView, ManualKey};
pub use measure::{
    GlucoseTiming, MeasureKind, MeasureStep, ReadingSource, ReadingSummary, ResultView, Severity,
    TrendBand, TrendPoint, TrendSeries, TrendView, ValueView,
};
pub use paper::Paper;
pub use prompt::{tcm_question_id, Notice, PromptId, TCM_QUESTION_COUNT};
pub use spoken::{speak_number, speak_result, ValueLabel, ValueUnit};

/// Tauri event carrying a fresh [`StationView`].
pub const VIEW_EVENT: &str = "station-view";

/// Everything the UI needs to draw the current screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StationView {
    /// Increases with every change, so the UI can drop stale views.
    pub seq: u64,
    pub station_name: String,
    /// A demonstration (asked for explicitly): the UI marks every screen as one.
    pub demo: bool,
    /// The sample cards the demo panel can present (those of the simulated readers).
    pub demo_cards: Vec<DemoCard>,
    /// The touchscreen's diagonal in inches: the UI sizes text and targets in millimetres.
    pub panel_diagonal_inches: f32,
    pub screen: Screen,
    pub resident: Option<ResidentView>,
    pub notice: Option<Notice>,
    /// Seconds left before the idle logout, while the warning is up.
    pub idle_warning: Option<u32>,
    pub reader: ReaderStatus,
    pub prefs: DisplayPrefs,
    /// Services that exist on this build; the others are drawn disabled.
    pub services: Vec<ServiceTile>,
    /// Ways to identify this station has hardware for (the welcome screen offers only these).
    pub identify_methods: Vec<IdentifyMethod>,
    /// The station has a printer (the result screen offers "打印报告").
    pub printer: bool,
    /// What this station has measuring devices for (the others are drawn disabled).
    pub measure_kinds: Vec<MeasureKind>,
    /// Another resident's card was presented during this visit: their masked name, while the
    /// station asks whether to switch.
    pub switch_to: Option<String>,
    /// A doctor is on the call while the resident is on another screen, or a prescription is
    /// waiting to be seen.
    #[serde(default)]
    pub clinic: Option<ClinicBanner>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, IntoStaticStr)]
#[serde(tag = "screen", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Screen {
    Welcome,
    /// Outside opening hours; times as "HH:MM" station local time.
    Closed {
        opens: String,
        closes: String,
    },
    ReadingCard,
    /// Looking for a health QR code (电子健康卡 / 医保电子凭证) held up to the camera.
    ScanQr {
        hint: Option<QrHint>,
    },
    /// Before the camera looks at a face: what it is for, and the resident's yes or no (PIPL
    /// art. 26/28: a separate consent for biometric data).
    FaceConsent,
    /// The framing guide: what to do so the camera sees one face, well lit, at the right distance.
    FaceScan {
        hint: Option<FaceHint>,
    },
    Home,
    /// Choose what to measure.
    SelfTest,
    /// One guided step of a measurement.
    Measure {
        kind: MeasureKind,
        step: MeasureStep,
    },
    MeasureResult {
        result: Box<ResultView>,
    },
    /// One question of the TCM constitution questionnaire (中医体质辨识), one per screen.
    Questionnaire {
        /// 1-based, as printed on the form.
        number: u8,
        total: u8,
        /// The answer already given (1–5), when the resident came back to this question.
        chosen: Option<u8>,
        /// The form prints its own words under each answer (`<question id>.answer-N`).
        anchors: bool,
    },
    QuestionnaireResult {
        result: QuestionnaireView,
    },
    /// "我的报告": this resident's visits with readings, newest first, each printable again.
    Reports {
        reports: Vec<PastReportView>,
    },
    /// Staff-assisted manual entry, opened by a staff badge during a resident's visit.
    ManualEntry {
        entry: ManualEntryView,
    },
    /// Staff admin mode: the PIN keypad.
    AdminPin {
        pin: AdminPinView,
    },
    /// Staff admin mode, entered.
    Admin {
        admin: Box<AdminView>,
    },
    /// "呼叫医生": waiting for a doctor of the cloud clinic.
    ClinicWaiting {
        wait: ClinicWaitView,
    },
    /// Talking with the doctor.
    ClinicCall {
        call: ClinicCallView,
    },
    /// The doctor's prescription, after the call.
    Prescription {
        prescription: PrescriptionView,
    },
    Goodbye,
}

impl Screen {
    /// The screen's name, as the page marks it (`data-screen`) and a fault report records it:
    /// its serde tag ("measure_result").
    pub fn name(&self) -> &'static str {
        self.into()
    }

    /// This screen's own prompt. What is said when it appears is [`Screen::speech`]: this prompt,
    /// or for a result its values read out.
    pub fn prompt(&self) -> PromptId {
        match self {
            Screen::Welcome => PromptId::Welcome,
            Screen::Closed { .. } => PromptId::Closed,
            Screen::ReadingCard => PromptId::ReadingCard,
            Screen::ScanQr { .. } => PromptId::ScanQr,
            Screen::FaceConsent => PromptId::FaceConsent,
            Screen::FaceScan { .. } => PromptId::FaceScan,
            Screen::Home => PromptId::Home,
            Screen::SelfTest => PromptId::SelfTest,
            Screen::Measure { step, .. } => step.prompt(),
            Screen::MeasureResult { result } if result.summary.urgent && result.offer_doctor => {
                PromptId::UrgentClinic
            }
            Screen::MeasureResult { result } if result.summary.urgent => PromptId::Urgent,
            Screen::MeasureResult { .. } => PromptId::Result,
            Screen::Reports { .. } => PromptId::Reports,
            Screen::Questionnaire { number, .. } => PromptId::TcmQuestion(*number),
            Screen::QuestionnaireResult { .. } => PromptId::QuestionnaireDone,
            Screen::ManualEntry { .. } => PromptId::ManualEntry,
            Screen::AdminPin { .. } => PromptId::AdminPin,
            Screen::Admin { .. } => PromptId::Admin,
            Screen::ClinicWaiting { .. } => PromptId::ClinicWaiting,
            Screen::ClinicCall { .. } => PromptId::ClinicCall,
            Screen::Prescription { .. } => PromptId::Prescription,
            Screen::Goodbye => PromptId::Goodbye,
        }
    }
}

/// Blood-pressure category per the Chinese hypertension guideline (2018 revision).
/// Ordered from lowest to highest risk, so the worse of two is their `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// Two message families: "bp-category-high-normal" from this enum, "bp-advice-high-normal" from
// a crate-private twin (one strum string style per enum).
#[derive(EnumCount, VariantArray, IntoStaticStr, EnumDiscriminants)]
#[strum(serialize_all = "kebab-case", prefix = "bp-category-")]
#[strum_discriminants(
    name(BpAdviceId),
    vis(pub(crate)),
    derive(IntoStaticStr),
    strum(serialize_all = "kebab-case", prefix = "bp-advice-")
)]
pub enum BpCategory {
    Normal,
    HighNormal,
    Grade1,
    Grade2,
    Grade3,
}

impl BpCategory {
    /// Every category, lowest risk first.
    pub const ALL: [BpCategory; BpCategory::COUNT] = all_variants();

    /// "bp-category-high-normal".
    pub fn message_id(self) -> &'static str {
        self.into()
    }

    /// "bp-advice-high-normal".
    pub fn advice_id(self) -> &'static str {
        BpAdviceId::from(self).into()
    }
}

/// The questionnaire's outcome, as message ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionnaireView {
    /// Constitutions judged "是" / "基本是" (平和质).
    pub primary: Vec<String>,
    /// Constitutions judged "倾向是".
    pub tendencies: Vec<String>,
    /// One advice line per constitution above.
    pub advice: Vec<String>,
    /// The form's rules leave the judgment to the doctor (no clear result, a tie…).
    pub needs_review: bool,
}

/// One visit in "我的报告".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastReportView {
    pub visit: i64,
    /// Station local time of its first reading, "YYYY-MM-DD HH:MM".
    pub date: String,
    /// What was measured, in the order first measured.
    pub kinds: Vec<MeasureKind>,
    /// The TCM constitution questionnaire was answered in this visit.
    pub questionnaire: bool,
    pub readings: usize,
}

/// What the camera sees while scanning, told to the resident as advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(EnumCount, VariantArray, IntoStaticStr)]
#[strum(serialize_all = "kebab-case", prefix = "scan-hint-")]
pub enum QrHint {
    /// A code that is not a health code (payment code, web address…).
    NotAHealthCode,
    /// A code was seen but not read: hold the phone steady, a little closer.
    HoldSteady,
    /// Two different health codes in view.
    OneAtATime,
}

impl QrHint {
    pub const ALL: [QrHint; QrHint::COUNT] = all_variants();

    /// "scan-hint-hold-steady".
    pub fn message_id(self) -> &'static str {
        self.into()
    }
}

/// The face framing guide's advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(EnumCount, VariantArray, IntoStaticStr)]
#[strum(serialize_all = "kebab-case", prefix = "face-hint-")]
pub enum FaceHint {
    NoFace,
    SeveralFaces,
    TooFar,
    TooClose,
    TooDark,
    OffCentre,
    /// Framed well: hold still while the picture is taken.
    HoldStill,
}

impl FaceHint {
    pub const ALL: [FaceHint; FaceHint::COUNT] = all_variants();

    /// "face-hint-off-centre".
    pub fn message_id(self) -> &'static str {
        self.into()
    }
}

/// What the screen may show about the resident: masked forms only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentView {
    /// e.g. "张*华".
    pub masked_name: String,
    /// e.g. "3301**********1234".
    pub masked_id: String,
    /// False for a health code no platform has checked yet: the screen says "身份未核验".
    pub verified: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderStatus {
    /// At least one card reader is attached and the PC/SC service answers.
    Ready,
    /// The PC/SC service answers but no reader is attached.
    NoReader,
    /// The PC/SC service itself is not reachable.
    NoService,
}

/// A BCP 47 tag names each locale: its folders `locales/<tag>/` and `assets/audio/<tag>/`, and
/// its serde form (a test keeps the two spellings equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
// The tag: strum's `serialize` on each variant, next to serde's `rename`.
#[derive(EnumCount, VariantArray, IntoStaticStr)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    #[strum(serialize = "zh-CN")]
    ZhCn,
    #[serde(rename = "en-US")]
    #[strum(serialize = "en-US")]
    EnUs,
}

impl Locale {
    pub const ALL: [Locale; Locale::COUNT] = all_variants();

    /// "zh-CN".
    pub fn tag(self) -> &'static str {
        self.into()
    }
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.tag() == tag)
    }
}

/// Text size, as physical capital-letter height classes (after the VVSG 2.0 kiosk rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSize {
    /// 大: body >= 24 px.
    Large,
    /// 特大: body >= 32 px.
    ExtraLarge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contrast {
    HighLight,
    HighDark,
}

/// Per-resident display and audio settings; reset when the session ends.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DisplayPrefs {
    pub locale: Locale,
    pub text_size: TextSize,
    pub contrast: Contrast,
    /// 0..=100.
    pub volume: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(EnumCount, VariantArray, IntoStaticStr)]
#[strum(serialize_all = "kebab-case", prefix = "service-")]
pub enum Service {
    SelfTest,
    Reports,
    Records,
    Appointment,
    CallDoctor,
}

impl Service {
    /// The home screen's tiles, in order.
    pub const ALL: [Service; Service::COUNT] = all_variants();

    /// "service-self-test".
    pub fn message_id(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTile {
    pub service: Service,
    pub available: bool,
}

impl ServiceTile {
    /// Every service tile of the home screen, in order; `available` lists those built.
    pub fn all(available: &[Service]) -> Vec<ServiceTile> {
        Service::ALL
            .iter()
            .map(|&service| ServiceTile {
                service,
                available: available.contains(&service),
            })
            .collect()
    }
}

/// Ways a resident can identify (Wenzhou 6.3.1, 6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(EnumCount, VariantArray, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum IdentifyMethod {
    /// Social-security / medical-insurance card in the PC/SC reader.
    InsuranceCard,
    /// Resident ID card on the SAM-module reader.
    IdCard,
    HealthQr,
    Face,
}

impl IdentifyMethod {
    pub const ALL: [IdentifyMethod; IdentifyMethod::COUNT] = all_variants();

    /// How a visit was identified, as recorded in the store and the audit trail: the serde form,
    /// "insurance_card".
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The station's tier (Wenzhou standard, appendix A, table A.1; staffing in 6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StationTier {
    /// A档: in a government-run primary-care institution of a "future community / future
    /// village", 80 m² or more; basic medical care on site; at least a doctor and a nurse.
    A,
    /// B档: preferably in a government-run primary-care institution, 50 m² or more; basic
    /// medical care on site; at least one doctor at set times.
    B,
    /// C档: 15 m² or more; health monitoring, remote follow-up and remote family-doctor
    /// services; no fixed staff, one trained contact person.
    C,
}

impl StationTier {
    pub const ALL: [StationTier; 3] = [StationTier::A, StationTier::B, StationTier::C];

    /// "A", "B" or "C", as written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            StationTier::A => "A",
            StationTier::B => "B",
            StationTier::C => "C",
        }
    }

    pub fn parse(s: &str) -> Option<StationTier> {
        StationTier::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
    }
}

/// Every variant of a fieldless enum in declaration order, as the array its `ALL` is: strum's
/// [`VariantArray`] gives a slice, and an array iterates by value (`for kind in MeasureKind::ALL`).
const fn all_variants<T: VariantArray + Copy, const N: usize>() -> [T; N] {
    match T::VARIANTS.first_chunk::<N>() {
        Some(all) if T::VARIANTS.len() == N => *all,
        _ => panic!("N is not the number of variants"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_screens_name_is_its_serde_tag() {
        let screens = [
            Screen::Welcome,
            Screen::ReadingCard,
            Screen::FaceConsent,
            Screen::Home,
            Screen::SelfTest,
            Screen::Goodbye,
            Screen::Measure {
                kind: MeasureKind::BloodPressure,
                step: MeasureStep::Sit,
            },
        ];
        for screen in screens {
            let json = serde_json::to_value(&screen).expect("serialize");
            assert_eq!(json["screen"], screen.name(), "{screen:?}");
        }
        assert_eq!(Screen::FaceConsent.name(), "face_consent");
    }

    #[test]
    fn device_and_problem_keys_round_trip() {
        for device in DeviceClass::all() {
            assert_eq!(DeviceClass::from_key(&device.key()), Some(device));
        }
        for problem in FaultProblem::ALL {
            assert_eq!(FaultProblem::from_key(problem.as_str()), Some(problem));
        }
        assert_eq!(DeviceClass::all().len(), 6 + MeasureKind::ALL.len());
    }

    #[test]
    fn actions_round_trip_as_tagged_json() {
        let a = Action::ChooseLocale {
            locale: Locale::EnUs,
        };
        let json = serde_json::to_string(&a).expect("serialize");
        assert_eq!(json, r#"{"type":"choose_locale","locale":"en-US"}"#);
        let back: Action = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, a);
    }

    #[test]
    fn every_screen_has_a_prompt() {
        let s = Screen::Measure {
            kind: MeasureKind::Spo2,
            step: MeasureStep::Measuring,
        };
        assert_eq!(s.prompt(), PromptId::Measuring);
        assert_eq!(Screen::Welcome.prompt().as_str(), "welcome");
    }
}
