//! Staff admin mode (Wenzhou 6.1, 7.2): entered with a staff badge and a PIN (or, on a station
//! without badges, a long press on a corner and the station PIN), never from a resident's
//! visit. What the admin screens show and what staff can ask.

use serde::{Deserialize, Serialize};

use crate::{FaultDraft, FaultLine, FaultProblem, Locale, ManualKey, MeasureKind, Paper};

/// The PIN keypad.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPinView {
    /// Whose PIN: the badge masked ("****B2C3"), or empty for the station PIN.
    pub holder: String,
    pub stage: PinStage,
    /// How many digits are typed (never the digits).
    pub typed: u8,
    pub problem: Option<PinProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinStage {
    /// Type your PIN.
    Enter,
    /// No PIN yet: choose one (4 to 12 digits).
    Choose,
    /// Type the chosen PIN again.
    Confirm,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum PinProblem {
    Wrong {
        tries_left: u32,
    },
    /// Too many wrong PINs: entry is locked until this station time ("HH:MM").
    Locked {
        until: String,
    },
    /// 4 to 12 digits.
    BadLength,
    /// The two PINs typed when choosing one differ.
    Mismatch,
    /// The PIN store cannot be read or written: staff must look at the logs.
    Unavailable,
}

/// A page of admin mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminSection {
    /// Today and this week: counts only, no names.
    Today,
    /// Each device's status and self-test.
    Devices,
    Settings,
    /// Opening hours: the weekdays open and the closed dates.
    Hours,
    /// Staff badges: those listed, add one by tapping it, remove one.
    Badges,
    /// Recent warnings and errors, in plain words.
    Logs,
    /// Fault reports: file one, see those waiting for upload.
    Faults,
    /// The station's name (Wenzhou 5.3.1), typed in pinyin on the screen's own keyboard.
    Name,
}

impl AdminSection {
    pub const ALL: [AdminSection; 8] = [
        AdminSection::Today,
        AdminSection::Devices,
        AdminSection::Settings,
        AdminSection::Name,
        AdminSection::Hours,
        AdminSection::Badges,
        AdminSection::Logs,
        AdminSection::Faults,
    ];
    pub fn message_id(self) -> &'static str {
        match self {
            AdminSection::Today => "admin-section-today",
            AdminSection::Devices => "admin-section-devices",
            AdminSection::Settings => "admin-section-settings",
            AdminSection::Hours => "admin-section-hours",
            AdminSection::Badges => "admin-section-badges",
            AdminSection::Logs => "admin-section-logs",
            AdminSection::Faults => "admin-section-faults",
            AdminSection::Name => "admin-section-name",
        }
    }
}

/// A part of the station's name (Wenzhou 5.3.1: 街镇名 + 村（社区）名 + 识别名(可选) + 智慧健康站).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamePart {
    #[default]
    Town,
    Community,
    Label,
}

impl NamePart {
    pub const ALL: [NamePart; 3] = [NamePart::Town, NamePart::Community, NamePart::Label];

    pub fn message_id(self) -> &'static str {
        match self {
            NamePart::Town => "admin-name-town",
            NamePart::Community => "admin-name-community",
            NamePart::Label => "admin-name-label",
        }
    }
}

/// The station's name being typed: each part as typed so far, the part the keyboard writes
/// to, the pinyin typed and the characters it may mean.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameDraft {
    pub town: String,
    pub community: String,
    pub label: String,
    pub part: NamePart,
    /// Latin letters typed since the last character was chosen ("wuma").
    pub pinyin: String,
    /// What the pinyin may be, likeliest first ("五马", "午马", …), a page of them; pressing
    /// one adds it.
    pub candidates: Vec<String>,
    /// Which page of candidates shows (0 first).
    pub page: u8,
    /// 换一批 shows other candidates.
    pub more: bool,
}

impl NameDraft {
    pub fn part(&self, part: NamePart) -> &str {
        match part {
            NamePart::Town => &self.town,
            NamePart::Community => &self.community,
            NamePart::Label => &self.label,
        }
    }

    pub fn part_mut(&mut self, part: NamePart) -> &mut String {
        match part {
            NamePart::Town => &mut self.town,
            NamePart::Community => &mut self.community,
            NamePart::Label => &mut self.label,
        }
    }
}

/// What happened at the station over a period: counts only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationCounts {
    pub visits: u32,
    pub readings: Vec<(MeasureKind, u32)>,
    pub reports_printed: u32,
    pub faults: u32,
}

/// A device class of the station, for its status line and self-test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "device", content = "kind", rename_all = "snake_case")]
pub enum DeviceClass {
    CardReader,
    IdCardReader,
    Camera,
    Printer,
    Voice,
    /// The link to the cloud clinic's doctor console (`[clinic]`).
    ClinicLink,
    Instrument(MeasureKind),
}

impl DeviceClass {
    pub fn message_id(self) -> &'static str {
        match self {
            DeviceClass::CardReader => "admin-device-card-reader",
            DeviceClass::IdCardReader => "admin-device-id-card-reader",
            DeviceClass::Camera => "admin-device-camera",
            DeviceClass::Printer => "admin-device-printer",
            DeviceClass::Voice => "admin-device-voice",
            DeviceClass::ClinicLink => "admin-device-clinic-link",
            DeviceClass::Instrument(kind) => kind.message_id(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceStatus {
    Ready,
    /// Configured, not answering (unplugged, service down).
    Fault,
    /// The station has none configured.
    NotConfigured,
    /// Configured; its state is known only when it is used (measuring devices sleep).
    OnUse,
}

impl DeviceStatus {
    pub fn message_id(self) -> &'static str {
        match self {
            DeviceStatus::Ready => "admin-status-ready",
            DeviceStatus::Fault => "admin-status-fault",
            DeviceStatus::NotConfigured => "admin-status-not-configured",
            DeviceStatus::OnUse => "admin-status-on-use",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceLine {
    pub device: DeviceClass,
    pub status: DeviceStatus,
    /// It has a self-test staff can run from here.
    pub testable: bool,
}

/// The settings staff change here (the rest are in station.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub volume: u8,
    pub idle_timeout_secs: u32,
    pub locale: Locale,
    pub paper: Paper,
    /// `None`: not set in station.toml.
    pub tier: Option<crate::StationTier>,
    /// The ways of identifying offered, in the file's order.
    pub identify: Vec<crate::IdentifyMethod>,
    /// Monday first: open on that weekday (its usual or own hours), or closed all day.
    pub open_weekdays: [bool; 7],
    /// Today and the days after it (four weeks), each with whether it is a closed date.
    pub upcoming: Vec<UpcomingDay>,
    /// The CUPS queue reports print to (`ipp://…`); `None` without one (no printer, a demo's
    /// simulated one, or a Windows printer).
    pub printer_queue: Option<String>,
}

/// One day on the settings page's calendar of closed dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingDay {
    /// "2026-12-05", as station.toml writes it.
    pub date: String,
    pub month: u8,
    pub day: u8,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Listed in `hours.closed_dates`.
    pub closed: bool,
}

/// One setting changed from admin mode; written to station.toml (comments kept) after the whole
/// file is checked. The opening hours' settings are on their own page ([`AdminSetting::section`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "setting", content = "value", rename_all = "snake_case")]
pub enum AdminSetting {
    Volume(u8),
    IdleTimeout(u32),
    Locale(Locale),
    Paper(Paper),
    Tier(crate::StationTier),
    /// The ways of identifying offered, in this order (at least one).
    Identify(Vec<crate::IdentifyMethod>),
    /// A weekday (0 = Monday) open at its usual hours, or closed all day (at least five stay
    /// open, Wenzhou 6.2).
    WeekdayOpen {
        day: u8,
        open: bool,
    },
    /// One date ("2026-12-05") closed all day, or open again.
    ClosedDate {
        date: String,
        closed: bool,
    },
    /// The badge at this place in [`AdminView::badges`] no longer opens admin mode.
    RemoveBadge {
        index: u8,
    },
    /// The CUPS queue reports print to (one of [`AdminView::printer_queues`]); used from the
    /// next start of the station.
    PrinterQueue(String),
}

impl AdminSetting {
    /// The admin page this setting is changed on (and shown again after).
    pub fn section(&self) -> AdminSection {
        match self {
            AdminSetting::WeekdayOpen { .. } | AdminSetting::ClosedDate { .. } => {
                AdminSection::Hours
            }
            AdminSetting::RemoveBadge { .. } => AdminSection::Badges,
            _ => AdminSection::Settings,
        }
    }
}

/// The outcome of the last thing staff asked, as a message id.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumCount, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
pub enum AdminMessage {
    TestPagePrinting,
    TestPagePrinted,
    TestPageFailed,
    PromptPlayed,
    /// The camera's live picture is on the devices page for a few seconds.
    CameraPreviewing,
    CameraWorks,
    CameraFailed,
    /// A measuring device's self-test is looking for it (staff wake it).
    InstrumentChecking,
    /// The measuring device answered (its battery, if it tells, is in the view).
    InstrumentAnswered,
    /// The measuring device did not answer.
    InstrumentSilent,
    SettingSaved,
    SettingRefused,
    /// Refused: the station must stay open at least five days a week (Wenzhou 6.2).
    TooFewOpenDays,
    /// Refused: at least one way of identifying must stay offered.
    NoWayToIdentify,
    /// Settings take effect from the next start of the station.
    RestartToApply,
    /// The fault report is kept and waits for upload.
    FaultFiled,
    /// The fault report could not be stored: staff must look at the logs.
    FaultNotFiled,
    /// The camera's picture shows for a moment before the photo is taken: aim it at the fault.
    FaultPhotoTaking,
    /// The photo will be filed with the report.
    FaultPhotoTaken,
    /// No photo: the camera is missing or gave no picture (the report can be filed without).
    FaultPhotoFailed,
    /// The diagnostics bundle was written ([`AdminView::saved_to`] says where).
    DiagnosticsSaved,
    /// The diagnostics bundle could not be written (no logs folder, drive full or pulled out).
    DiagnosticsFailed,
    /// Waiting for the new badge to be tapped on the card reader.
    BadgeWaiting,
    /// The tapped card is now a staff badge.
    BadgeAdded,
    /// The tapped card is already one of this station's badges.
    BadgeAlreadyListed,
    /// A resident's social-security card was tapped: it can never be a badge (read no further).
    BadgeIsResidentCard,
    /// The tapped card has no UID the reader can give.
    BadgeUnreadable,
    /// Asking the print server which printers it has.
    PrintersSearching,
    /// The print server's printers are listed to choose from.
    PrintersFound,
    /// No print server answered, or it has no printers.
    NoPrintersFound,
    /// The station's name is written; the welcome screen and reports show it from now on.
    NameSaved,
    /// Refused: the 街镇名 is empty, too long, or holds more than letters.
    NameTownRefused,
    /// Refused: the 村（社区）名 is empty, too long, or holds more than letters.
    NameCommunityRefused,
    /// Refused: the 识别名 is too long or holds more than letters.
    NameLabelRefused,
}

impl AdminMessage {
    pub const ALL: [AdminMessage; <AdminMessage as strum::EnumCount>::COUNT] =
        crate::all_variants();

    pub fn message_id(self) -> &'static str {
        match self {
            AdminMessage::TestPagePrinting => "admin-msg-test-page-printing",
            AdminMessage::TestPagePrinted => "admin-msg-test-page-printed",
            AdminMessage::TestPageFailed => "admin-msg-test-page-failed",
            AdminMessage::PromptPlayed => "admin-msg-prompt-played",
            AdminMessage::CameraPreviewing => "admin-msg-camera-previewing",
            AdminMessage::CameraWorks => "admin-msg-camera-works",
            AdminMessage::CameraFailed => "admin-msg-camera-failed",
            AdminMessage::InstrumentChecking => "admin-msg-instrument-checking",
            AdminMessage::InstrumentAnswered => "admin-msg-instrument-answered",
            AdminMessage::InstrumentSilent => "admin-msg-instrument-silent",
            AdminMessage::SettingSaved => "admin-msg-setting-saved",
            AdminMessage::SettingRefused => "admin-msg-setting-refused",
            AdminMessage::TooFewOpenDays => "admin-msg-too-few-open-days",
            AdminMessage::NoWayToIdentify => "admin-msg-no-way-to-identify",
            AdminMessage::RestartToApply => "admin-msg-restart-to-apply",
            AdminMessage::FaultFiled => "admin-msg-fault-filed",
            AdminMessage::FaultNotFiled => "admin-msg-fault-not-filed",
            AdminMessage::FaultPhotoTaking => "admin-msg-fault-photo-taking",
            AdminMessage::FaultPhotoTaken => "admin-msg-fault-photo-taken",
            AdminMessage::FaultPhotoFailed => "admin-msg-fault-photo-failed",
            AdminMessage::DiagnosticsSaved => "admin-msg-diagnostics-saved",
            AdminMessage::DiagnosticsFailed => "admin-msg-diagnostics-failed",
            AdminMessage::BadgeWaiting => "admin-msg-badge-waiting",
            AdminMessage::BadgeAdded => "admin-msg-badge-added",
            AdminMessage::BadgeAlreadyListed => "admin-msg-badge-already-listed",
            AdminMessage::BadgeIsResidentCard => "admin-msg-badge-is-resident-card",
            AdminMessage::BadgeUnreadable => "admin-msg-badge-unreadable",
            AdminMessage::PrintersSearching => "admin-msg-printers-searching",
            AdminMessage::PrintersFound => "admin-msg-printers-found",
            AdminMessage::NoPrintersFound => "admin-msg-no-printers-found",
            AdminMessage::NameSaved => "admin-msg-name-saved",
            AdminMessage::NameTownRefused => "admin-msg-name-town-refused",
            AdminMessage::NameCommunityRefused => "admin-msg-name-community-refused",
            AdminMessage::NameLabelRefused => "admin-msg-name-label-refused",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    /// Who is in admin mode: the badge masked, or empty for the station PIN.
    pub staff: String,
    pub section: AdminSection,
    pub today: StationCounts,
    pub week: StationCounts,
    pub devices: Vec<DeviceLine>,
    pub settings: SettingsView,
    /// Recent warnings and errors, "2026-12-01 10:02 error: …" (already masked).
    pub problems: Vec<String>,
    /// Fault reports, newest first, and the one being filled in.
    pub faults: Vec<FaultLine>,
    pub fault_draft: FaultDraft,
    /// Where the last diagnostics bundle was written (a path on the USB drive or the station).
    pub saved_to: Option<String>,
    pub message: Option<AdminMessage>,
    /// The battery of the measuring device whose self-test answered last, if it tells.
    pub battery_percent: Option<u8>,
    /// The station's staff badges, masked ("****B2C3"), in the file's order.
    pub badges: Vec<String>,
    /// The print server's queues (`ipp://…/printers/<name>`) after "查找打印机".
    pub printer_queues: Vec<String>,
    pub software: SoftwareView,
    /// The station's name as being typed on the name page (as station.toml has it until then).
    pub name: NameDraft,
}

/// The kiosk's own version and how its updates stand (`[update]`), on the problems page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftwareView {
    pub version: String,
    pub update: UpdateState,
}

/// How the kiosk's updates stand, as the updater last found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "version", rename_all = "snake_case")]
pub enum UpdateState {
    /// No `[update]` in station.toml: the station never updates itself.
    #[default]
    Off,
    /// Not looked yet since the start.
    NotChecked,
    UpToDate,
    /// The update server did not answer; tried again later.
    Unreachable,
    /// This version's package did not match the station's update key: refused.
    Refused(String),
    /// This version is downloaded and verified; it goes in when no resident is at the station.
    Waiting(String),
    /// Downloaded and verified; this kiosk was installed from a .deb, and root's installer was
    /// asked to install it (the station was quiet).
    ForPackageManager(String),
}

impl UpdateState {
    pub fn message_id(&self) -> &'static str {
        match self {
            UpdateState::Off => "admin-update-off",
            UpdateState::NotChecked => "admin-update-not-checked",
            UpdateState::UpToDate => "admin-update-up-to-date",
            UpdateState::Unreachable => "admin-update-unreachable",
            UpdateState::Refused(_) => "admin-update-refused",
            UpdateState::Waiting(_) => "admin-update-waiting",
            UpdateState::ForPackageManager(_) => "admin-update-for-package-manager",
        }
    }

    /// The version the state is about, when it names one.
    pub fn version(&self) -> Option<&str> {
        match self {
            UpdateState::Refused(v)
            | UpdateState::Waiting(v)
            | UpdateState::ForPackageManager(v) => Some(v),
            _ => None,
        }
    }
}

/// What staff can ask in admin mode (and on the way in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "admin", rename_all = "snake_case")]
pub enum AdminAction {
    /// A long press on the welcome screen's corner: the station PIN (stations without badges).
    CornerHold,
    PinKey {
        key: ManualKey,
    },
    PinSubmit,
    Show {
        section: AdminSection,
    },
    Test {
        device: DeviceClass,
    },
    Set {
        setting: AdminSetting,
    },
    /// The device a fault report is about.
    FaultDevice {
        device: DeviceClass,
    },
    /// What is wrong with it.
    FaultProblem {
        problem: FaultProblem,
    },
    /// Take a photo for the report (optional): the camera's picture for a moment, then one frame.
    FaultPhoto,
    /// Drop the photo taken for the report.
    FaultPhotoDiscard,
    /// File the report (device and problem chosen).
    FaultSubmit,
    /// Wait for a new staff badge on the card reader (the badges page).
    AddBadge,
    /// Ask the print server which printers it has (the settings page).
    FindPrinters,
    /// The name page: the part of the name the keyboard writes to.
    NamePart {
        part: NamePart,
    },
    /// A letter of pinyin typed on the name page's keyboard ('a'..='z').
    NameLetter {
        letter: char,
    },
    /// Takes back the last letter of pinyin, else the part's last character.
    NameDelete,
    /// Adds the candidate at this place in [`NameDraft::candidates`] to the part.
    NamePick {
        index: u8,
    },
    /// 换一批: the next page of candidates.
    NameMore,
    /// Writes the name typed to station.toml (all three parts checked at once).
    NameSave,
    /// Write the diagnostics bundle (masked logs, config without secrets, versions, devices) to
    /// a USB drive, else to the station's diagnostics folder.
    SaveDiagnostics,
    /// Back to the welcome screen (also after 2 minutes without a touch).
    Leave,
    /// Close the kiosk to the desktop (audited); only from admin mode.
    ExitToDesktop,
}
