//! The state machine of one station: what is on screen, who (if anyone) is identified, and
//! what each event changes. Pure apart from the store; side effects are returned as [`Effects`].

use std::time::Duration;

use chrono::NaiveTime;
use station_camera::Verification;
use station_card::{ReaderEvent, SocialSecurityCard, StaffBadge};
use station_core::config::{Paper, StationConfig};
use station_core::reading::{Assessed, Reading};
use station_core::resident::{mask_name, IdNumber};
use station_devices::{DeviceError, Measurement};
use station_idcard::IdCardEvent;
use station_printer::PrintOutcome;
use station_protocol::{
    Action, Contrast, DemoCard, DisplayPrefs, GlucoseTiming, IdentifyMethod, Locale, MeasureKind,
    MeasureStep, Notice, PastReportView, PromptId, QrHint, ReaderStatus, ResidentView, ResultView,
    Screen, Service, ServiceTile, StationView, TextSize,
};
use station_questionnaire::{Answer, AnswerSheet, Method, QUESTION_COUNT};
use station_report::{BpEntry, QuestionnaireEntry, ReadingEntry, ReportInput};
use station_store::{
    QuestionnaireRecord, ReadingRecord, ResidentId, Store, StoreError, StoredReading, VisitEnd,
    VisitId,
};

use crate::clock::Clock;

mod manual;

/// The services this build offers; the others are drawn disabled on the home screen.
const AVAILABLE_SERVICES: [Service; 2] = [Service::SelfTest, Service::Reports];

// The protocol's question count is the questionnaire's.
const _: () = assert!(station_protocol::TCM_QUESTION_COUNT as usize == QUESTION_COUNT);

/// How long the station looks for a health code before saying it found none.
const QR_SCAN_FOR: Duration = Duration::from_secs(30);

/// What the camera thread reports about a health-code scan.
pub(crate) enum ScanEvent {
    Hint(QrHint),
    /// A health code, and what its platform (or the lack of one) said about it.
    Found {
        token: String,
        verification: Verification,
    },
    CameraFailed(String),
}

/// What the camera thread reports about the face guide.
pub(crate) enum FaceEvent {
    Hint(station_protocol::FaceHint),
    /// One good picture was taken (and already wiped); what matching it gave.
    Captured(station_camera::MatchOutcome),
    CameraFailed(String),
}

/// Readings drawn in the on-screen trend.
const TREND_POINTS: usize = 10;

/// Visits listed in "我的报告" (as many as fit one screen at the largest text size).
const REPORTS_LISTED: usize = 5;

/// How long the goodbye screen stays before the welcome screen returns.
const GOODBYE_FOR: Duration = Duration::from_secs(4);

/// A resident identified by one of the station's ways.
pub(crate) struct Identified<'a> {
    pub id_number: &'a IdNumber,
    pub name: &'a str,
    pub method: IdentifyMethod,
}

impl<'a> Identified<'a> {
    fn from_insurance_card(card: &'a SocialSecurityCard) -> Self {
        Identified {
            id_number: &card.id_number,
            name: &card.name,
            method: IdentifyMethod::InsuranceCard,
        }
    }
}

/// What the runtime must do after a state change.
#[derive(Debug, Default)]
pub(crate) struct Effects {
    /// An utterance to speak: one prompt, or a result read out word by word.
    pub say: Option<(Locale, Vec<PromptId>)>,
    pub replay: bool,
    pub stop_voice: bool,
    pub volume: Option<u8>,
    pub start_measure: Option<(u64, MeasureKind)>,
    pub start_scan: Option<u64>,
    pub start_face: Option<u64>,
    pub print: Option<PrintJob>,
    pub demo_insert: Option<DemoCard>,
    pub demo_remove: bool,
    changed: bool,
}

impl Effects {
    pub fn is_empty(&self) -> bool {
        !self.changed
    }
}

struct Session {
    visit: VisitId,
    resident: ResidentId,
    /// The keyed hash of the ID number, to tell "the same person's other card" from another person.
    id_hash: Vec<u8>,
    /// How this visit was identified: only the card that identified it ends it when pulled.
    method: IdentifyMethod,
    view: ResidentView,
    /// The staff member assisting, while the manual-entry screen is open.
    staff: Option<StaffBadge>,
}

impl Session {
    fn by_card(&self) -> bool {
        self.method == IdentifyMethod::InsuranceCard
    }
}

/// Another resident whose card was presented mid-visit, held in memory until the question is
/// answered (and wiped with the visit).
struct PendingSwitch {
    id_number: IdNumber,
    name: String,
    method: IdentifyMethod,
}

/// Where a reading came from: a device's model, or staff typing it in.
struct ReadingSource<'a> {
    device: &'a str,
    /// The staff badge (hex UID) of a manual entry.
    entered_by: Option<String>,
}

/// A report to print, tagged with the visit it belongs to.
#[derive(Debug)]
pub(crate) struct PrintJob {
    pub visit: VisitId,
    pub paper: station_report::Paper,
    pub name: String,
    pub input: ReportInput,
}

pub(crate) struct State {
    config: StationConfig,
    demo: bool,
    seq: u64,
    pub screen: Screen,
    session: Option<Session>,
    notice: Option<Notice>,
    reader: ReaderStatus,
    pub prefs: DisplayPrefs,
    last_activity: Duration,
    idle_warning: Option<u32>,
    goodbye_since: Option<Duration>,
    /// Identifies the measurement in flight; a result with another token is dropped.
    measure_token: u64,
    /// When the measurement in flight started (for the station's own timeout).
    measuring_since: Option<Duration>,
    /// The resident's answer to "when did you last eat?", for this visit's glucose readings.
    glucose_timing: Option<GlucoseTiming>,
    pending_switch: Option<PendingSwitch>,
    /// The station has a camera for health QR codes.
    has_camera: bool,
    /// Identifies the QR scan in flight; events of another scan are dropped.
    scan_token: u64,
    scan_since: Option<Duration>,
    /// The questionnaire answered so far in this visit (kept if the resident steps away to
    /// measure something, wiped with the visit).
    questionnaire: Option<AnswerSheet>,
    /// Set while a card read is in progress, to tell "pulled early" apart.
    reading_card: bool,
    /// The ID card reader's status; `None` = the station has none.
    id_reader: Option<ReaderStatus>,
    has_printer: bool,
    /// The kinds this station has a measuring device for.
    measure_kinds: Vec<MeasureKind>,
    /// A print job is under way (one at a time; the button does nothing meanwhile).
    printing: bool,
}

impl State {
    pub fn new(config: StationConfig, demo: bool, clock: &dyn Clock) -> State {
        let prefs = default_prefs(&config);
        let screen = if config.opening.is_open(clock.local_time()) {
            Screen::Welcome
        } else {
            closed_screen(&config)
        };
        State {
            config,
            demo,
            seq: 0,
            screen,
            session: None,
            notice: None,
            reader: if demo {
                ReaderStatus::Ready
            } else {
                ReaderStatus::NoService
            },
            prefs,
            last_activity: clock.monotonic(),
            idle_warning: None,
            goodbye_since: None,
            measure_token: 0,
            measuring_since: None,
            glucose_timing: None,
            pending_switch: None,
            has_camera: false,
            scan_token: 0,
            scan_since: None,
            questionnaire: None,
            reading_card: false,
            id_reader: None,
            has_printer: false,
            measure_kinds: Vec::new(),
            printing: false,
        }
    }

    pub fn touch_seq(&mut self) {
        self.seq += 1;
    }

    pub fn view(&self) -> StationView {
        StationView {
            seq: self.seq,
            station_name: self.config.station_name.clone(),
            demo: self.demo,
            screen: self.screen.clone(),
            resident: self.session.as_ref().map(|s| s.view.clone()),
            notice: self.notice,
            idle_warning: self.idle_warning,
            reader: self.reader,
            prefs: self.prefs,
            services: ServiceTile::all(&AVAILABLE_SERVICES),
            identify_methods: self.identify_methods(),
            printer: self.has_printer,
            measure_kinds: self.measure_kinds.clone(),
            switch_to: self.pending_switch.as_ref().map(|p| mask_name(&p.name)),
        }
    }

    /// The ways this station can identify right now: the card slot always (its troubles are shown
    /// on their own), the ID card reader while it answers.
    fn identify_methods(&self) -> Vec<IdentifyMethod> {
        let mut methods = vec![IdentifyMethod::InsuranceCard];
        if self.id_reader == Some(ReaderStatus::Ready) {
            methods.push(IdentifyMethod::IdCard);
        }
        if self.has_camera {
            methods.push(IdentifyMethod::HealthQr);
            methods.push(IdentifyMethod::Face);
        }
        methods
    }

    fn changed(&mut self, fx: &mut Effects) {
        self.seq += 1;
        fx.changed = true;
    }

    fn show(&mut self, screen: Screen, fx: &mut Effects) {
        if !matches!(screen, Screen::ManualEntry { .. }) {
            // Staff assistance lasts as long as its screen.
            if let Some(session) = self.session.as_mut() {
                session.staff = None;
            }
        }
        fx.say = Some((self.prefs.locale, screen.speech(self.prefs.locale)));
        self.screen = screen;
        self.changed(fx);
    }

    fn notify(&mut self, notice: Notice, fx: &mut Effects) {
        self.notice = Some(notice);
        fx.say = Some((self.prefs.locale, vec![notice.prompt()]));
        self.changed(fx);
    }

    pub fn act(&mut self, action: Action, now: Duration, store: &Store) -> Effects {
        let mut fx = Effects::default();
        let in_visit = self.session.is_some();
        match action {
            Action::Touch => {
                // While the warning is up only "继续使用" keeps the visit going.
                if self.idle_warning.is_none() {
                    self.last_activity = now;
                }
                return fx;
            }
            Action::KeepAlive => {
                self.last_activity = now;
                if self.idle_warning.take().is_some() {
                    fx.stop_voice = true;
                    self.changed(&mut fx);
                }
                return fx;
            }
            _ => self.last_activity = now,
        }
        match action {
            Action::Touch | Action::KeepAlive => {}
            Action::ConfirmSwitch => {
                if let (Some(next), Some(session)) =
                    (self.pending_switch.take(), self.session.take())
                {
                    if let Err(e) = store.end_visit(session.visit, VisitEnd::Switched) {
                        tracing::error!(error = %e, "cannot close the visit record");
                    }
                    let _ = store.audit(
                        "resident",
                        "visit_ended",
                        Some(session.visit),
                        VisitEnd::Switched.as_str(),
                    );
                    // Nothing of the first resident carries over: settings, answers, devices.
                    self.measure_token += 1;
                    self.measuring_since = None;
                    self.glucose_timing = None;
                    self.questionnaire = None;
                    self.notice = None;
                    self.idle_warning = None;
                    self.reset_for_next_resident(&mut fx);
                    let who = Identified {
                        id_number: &next.id_number,
                        name: &next.name,
                        method: next.method,
                    };
                    self.begin_visit(who, now, store, &mut fx);
                }
            }
            Action::ConsentToFace => {
                if !in_visit && matches!(self.screen, Screen::FaceConsent) {
                    let _ = store.audit("resident", "face_consent_given", None, "");
                    self.scan_token += 1;
                    self.scan_since = Some(now);
                    fx.start_face = Some(self.scan_token);
                    self.show(Screen::FaceScan { hint: None }, &mut fx);
                }
            }
            Action::CancelSwitch => {
                if self.pending_switch.take().is_some() {
                    fx.stop_voice = true;
                    self.changed(&mut fx);
                }
            }
            Action::ChooseLocale { locale } => {
                self.prefs.locale = locale;
                fx.say = Some((locale, self.screen.speech(locale)));
                self.changed(&mut fx);
            }
            Action::ChooseTextSize { size } => {
                self.prefs.text_size = size;
                self.changed(&mut fx);
            }
            Action::ChooseContrast { contrast } => {
                self.prefs.contrast = contrast;
                self.changed(&mut fx);
            }
            Action::SetVolume { volume } => {
                self.prefs.volume = volume.min(100);
                fx.volume = Some(self.prefs.volume);
                self.changed(&mut fx);
            }
            Action::ReplayPrompt => {
                fx.replay = true;
            }
            Action::DismissNotice => {
                if self.notice.take().is_some() {
                    self.changed(&mut fx);
                }
            }
            Action::IdentifyWith { method } => {
                // Cards need no button press (insert / place the card); a QR code does.
                let offered = self.identify_methods().contains(&method);
                if !in_visit && !offered {
                    self.notify(Notice::NotAvailableYet, &mut fx);
                } else if !in_visit
                    && method == IdentifyMethod::HealthQr
                    && matches!(self.screen, Screen::Welcome)
                {
                    self.notice = None;
                    self.scan_token += 1;
                    self.scan_since = Some(now);
                    fx.start_scan = Some(self.scan_token);
                    self.show(Screen::ScanQr { hint: None }, &mut fx);
                } else if !in_visit
                    && method == IdentifyMethod::Face
                    && matches!(self.screen, Screen::Welcome)
                {
                    // Consent first; the camera stays off until the resident agrees.
                    self.notice = None;
                    self.show(Screen::FaceConsent, &mut fx);
                }
            }
            Action::OpenService { service } => {
                let from_menu_screen = matches!(
                    self.screen,
                    Screen::Home
                        | Screen::MeasureResult { .. }
                        | Screen::QuestionnaireResult { .. }
                );
                if in_visit && from_menu_screen {
                    self.notice = None;
                    match service {
                        Service::SelfTest => self.show(Screen::SelfTest, &mut fx),
                        Service::Reports => self.show_reports(store, &mut fx),
                        _ => self.notify(Notice::NotAvailableYet, &mut fx),
                    }
                }
            }
            Action::ChooseMeasurement { kind } => {
                if in_visit && matches!(self.screen, Screen::SelfTest) {
                    if !self.measure_kinds.contains(&kind) {
                        self.notify(Notice::NotAvailableYet, &mut fx);
                        return fx;
                    }
                    let step = kind.steps()[0];
                    self.show(Screen::Measure { kind, step }, &mut fx);
                }
            }
            Action::ChooseGlucoseTiming { timing } => {
                if let Screen::Measure {
                    kind: MeasureKind::Glucose,
                    step: MeasureStep::ChooseGlucoseTiming,
                } = self.screen
                {
                    self.glucose_timing = Some(timing);
                    self.advance(
                        MeasureKind::Glucose,
                        MeasureStep::ChooseGlucoseTiming,
                        now,
                        &mut fx,
                    );
                }
            }
            Action::MeasureContinue => {
                if let Screen::Measure { kind, step } = self.screen {
                    // The timing step is answered by choosing, not by "下一步".
                    if in_visit && step != MeasureStep::ChooseGlucoseTiming {
                        self.advance(kind, step, now, &mut fx);
                    }
                }
            }
            Action::PrintReport => {
                let result_screen = matches!(
                    self.screen,
                    Screen::MeasureResult { .. } | Screen::QuestionnaireResult { .. }
                );
                if let (Some(session), true) = (&self.session, result_screen) {
                    let visit = session.visit;
                    self.print_visit(visit, store, &mut fx);
                }
            }
            Action::PrintVisitReport { visit } => {
                if matches!(self.screen, Screen::Reports { .. }) {
                    self.print_visit(VisitId(visit), store, &mut fx);
                }
            }
            Action::StartQuestionnaire => {
                if in_visit && matches!(self.screen, Screen::SelfTest) {
                    let sheet = self.questionnaire.get_or_insert_with(AnswerSheet::new);
                    let number = sheet.next_unanswered().unwrap_or(1);
                    self.notice = None;
                    self.show_question(number, &mut fx);
                }
            }
            Action::AnswerQuestion { score } => {
                if let (Screen::Questionnaire { number, .. }, Some(sheet)) =
                    (&self.screen, self.questionnaire.as_mut())
                {
                    let number = *number;
                    // A score outside 1–5 is a UI fault: ignore it, the question stays.
                    if let Ok(answer) = Answer::from_score(score) {
                        if sheet.set(number, answer).is_ok() {
                            match sheet.next_unanswered() {
                                Some(_) if usize::from(number) < QUESTION_COUNT => {
                                    self.show_question(number + 1, &mut fx)
                                }
                                Some(next) => self.show_question(next, &mut fx),
                                None => self.finish_questionnaire(store, &mut fx),
                            }
                        }
                    }
                }
            }
            Action::PreviousQuestion => {
                if let Screen::Questionnaire { number, .. } = self.screen {
                    if number > 1 {
                        self.show_question(number - 1, &mut fx);
                    }
                }
            }
            Action::MeasureRetry => {
                if let (true, Screen::MeasureResult { result }) = (in_visit, &self.screen) {
                    let kind = result.kind;
                    let step = kind.retry_step();
                    self.show(Screen::Measure { kind, step }, &mut fx);
                }
            }
            Action::ManualChooseKind { kind } => self.choose_manual_kind(kind, &mut fx),
            Action::ManualSelectField { index } => self.select_manual_field(index, &mut fx),
            Action::ManualKey { key } => self.type_manual_key(key, &mut fx),
            Action::ManualChooseTiming { timing } => self.choose_manual_timing(timing, &mut fx),
            Action::ManualSave => self.save_manual_reading(store, &mut fx),
            Action::BackHome => {
                let measuring = matches!(
                    self.screen,
                    Screen::Measure {
                        step: MeasureStep::Measuring,
                        ..
                    }
                );
                if matches!(
                    self.screen,
                    Screen::ScanQr { .. } | Screen::FaceConsent | Screen::FaceScan { .. }
                ) {
                    // Leaving the scan screen stops the camera.
                    self.stop_scan();
                    self.show(Screen::Welcome, &mut fx);
                } else if in_visit && !measuring && !matches!(self.screen, Screen::Home) {
                    self.notice = None;
                    self.show(Screen::Home, &mut fx);
                }
            }
            Action::Logout => {
                if in_visit {
                    self.end_visit(VisitEnd::Logout, now, store, &mut fx);
                }
            }
            Action::DemoInsertCard { card } => {
                if self.demo {
                    fx.demo_insert = Some(card);
                }
            }
            Action::DemoRemoveCard => {
                if self.demo {
                    fx.demo_remove = true;
                }
            }
        }
        fx
    }

    pub fn on_reader_event(&mut self, event: ReaderEvent, now: Duration, store: &Store) -> Effects {
        let mut fx = Effects::default();
        match event {
            ReaderEvent::Status(status) => {
                if status != self.reader {
                    tracing::info!(?status, "card reader status");
                    self.reader = status;
                    self.changed(&mut fx);
                    if status != ReaderStatus::Ready {
                        self.reading_card = false;
                        if self.session.as_ref().is_some_and(Session::by_card) {
                            // The card can no longer be seen: end the visit rather than keep
                            // a resident identified by a card that may be gone.
                            self.end_visit(VisitEnd::CardRemoved, now, store, &mut fx);
                        } else if matches!(self.screen, Screen::ReadingCard) {
                            self.show(Screen::Welcome, &mut fx);
                        }
                        self.notify(Notice::ReaderUnavailable, &mut fx);
                    } else if self.notice == Some(Notice::ReaderUnavailable) {
                        self.notice = None;
                    }
                }
            }
            ReaderEvent::CardInserted => {
                if self.session.is_none()
                    && matches!(self.screen, Screen::Welcome | Screen::Goodbye)
                {
                    if self.goodbye_since.take().is_some() {
                        self.reset_for_next_resident(&mut fx);
                    }
                    self.last_activity = now;
                    self.reading_card = true;
                    self.notice = None;
                    self.show(Screen::ReadingCard, &mut fx);
                }
            }
            ReaderEvent::CardRead(card) => {
                if self.reading_card && self.session.is_none() {
                    self.reading_card = false;
                    let who = Identified::from_insurance_card(&card);
                    self.begin_visit(who, now, store, &mut fx);
                }
            }
            ReaderEvent::StaffCard(badge) => {
                if !self.reading_card && self.session.is_some() {
                    self.staff_assist(badge, now, store, &mut fx);
                } else if self.reading_card {
                    self.reading_card = false;
                    let _ = store.audit("staff", "staff_card", None, "staff mode not available");
                    self.screen = Screen::Welcome;
                    self.notify(Notice::StaffModeNotAvailable, &mut fx);
                }
            }
            ReaderEvent::CardUnreadable(err) => {
                if self.reading_card {
                    self.reading_card = false;
                    tracing::info!(error = %err, "card not usable");
                    let _ = store.audit("station", "card_unreadable", None, &err.to_string());
                    self.screen = Screen::Welcome;
                    self.notify(Notice::CardUnreadable, &mut fx);
                }
            }
            ReaderEvent::CardPulledEarly => {
                if self.reading_card {
                    self.reading_card = false;
                    self.screen = Screen::Welcome;
                    self.notify(Notice::CardPulledEarly, &mut fx);
                }
            }
            ReaderEvent::CardRemoved => {
                if self.reading_card {
                    self.reading_card = false;
                    self.screen = Screen::Welcome;
                    self.notify(Notice::CardPulledEarly, &mut fx);
                } else if self.session.as_ref().is_some_and(Session::by_card) {
                    self.end_visit(VisitEnd::CardRemoved, now, store, &mut fx);
                }
            }
        }
        fx
    }

    /// The resident-ID-card reader. A read ID card starts a visit like an inserted card; taking
    /// it off the reader does not end the visit (residents pick it up at once), logout and idle do.
    pub fn on_id_card_event(
        &mut self,
        event: IdCardEvent,
        now: Duration,
        store: &Store,
    ) -> Effects {
        let mut fx = Effects::default();
        match event {
            IdCardEvent::Status(status) => {
                if self.id_reader != Some(status) {
                    tracing::info!(?status, "ID card reader status");
                    self.id_reader = Some(status);
                    self.changed(&mut fx);
                }
            }
            IdCardEvent::CardRead(holder) => {
                let idle_screen = matches!(self.screen, Screen::Welcome | Screen::Goodbye);
                if let Some(session) = &self.session {
                    // The same person's ID card changes nothing; another person's is asked about.
                    if store.id_hash(&holder.id_number) != session.id_hash {
                        tracing::info!(
                            "another resident's ID card during a visit: asking before switching"
                        );
                        self.last_activity = now;
                        self.pending_switch = Some(PendingSwitch {
                            id_number: holder.id_number.clone(),
                            name: holder.name.clone(),
                            method: IdentifyMethod::IdCard,
                        });
                        fx.say = Some((self.prefs.locale, vec![PromptId::SwitchResident]));
                        self.changed(&mut fx);
                    }
                } else if idle_screen && !self.reading_card {
                    if self.goodbye_since.take().is_some() {
                        self.reset_for_next_resident(&mut fx);
                    }
                    self.notice = None;
                    let who = Identified {
                        id_number: &holder.id_number,
                        name: &holder.name,
                        method: IdentifyMethod::IdCard,
                    };
                    self.begin_visit(who, now, store, &mut fx);
                } else {
                    tracing::info!("ID card read while busy; ignored");
                }
            }
            IdCardEvent::CardUnreadable(err) => {
                if self.session.is_none() && matches!(self.screen, Screen::Welcome) {
                    tracing::info!(error = %err, "ID card not usable");
                    let _ = store.audit("station", "id_card_unreadable", None, &err.to_string());
                    self.notify(Notice::IdCardUnreadable, &mut fx);
                }
            }
            IdCardEvent::CardRemoved => {}
        }
        fx
    }

    /// One identity flow: whichever way succeeded, the same resident record and a new visit.
    fn begin_visit(&mut self, who: Identified<'_>, now: Duration, store: &Store, fx: &mut Effects) {
        let masked_name = mask_name(who.name);
        tracing::info!(id = %who.id_number, method = who.method.as_str(), "resident identified");
        let resident = store.upsert_resident(who.id_number, &masked_name);
        let view = ResidentView {
            masked_name,
            masked_id: who.id_number.masked(),
            verified: true,
        };
        let id_hash = store.id_hash(who.id_number);
        self.open_session(resident, id_hash, who.method, view, now, store, fx);
    }

    fn stop_scan(&mut self) {
        self.scan_token += 1;
        self.scan_since = None;
    }

    /// Whether the scan with this token should keep looking.
    pub fn scan_wanted(&self, token: u64) -> bool {
        token == self.scan_token
            && matches!(self.screen, Screen::ScanQr { .. } | Screen::FaceScan { .. })
    }

    /// The camera could not be opened or stopped delivering: back to the welcome screen.
    fn camera_failed(&mut self, why: &str, store: &Store, fx: &mut Effects) {
        tracing::warn!(%why, "camera not usable");
        let _ = store.audit("station", "camera_unavailable", None, why);
        self.end_scan(Notice::CameraUnavailable, fx);
    }

    /// Stops the camera and returns to the welcome screen with `notice`.
    fn end_scan(&mut self, notice: Notice, fx: &mut Effects) {
        self.stop_scan();
        self.screen = Screen::Welcome;
        self.notify(notice, fx);
    }

    /// What the face guide saw for the scan `token`.
    pub fn on_face(&mut self, token: u64, event: FaceEvent, store: &Store) -> Effects {
        let mut fx = Effects::default();
        if !self.scan_wanted(token) || self.session.is_some() {
            return fx;
        }
        match event {
            FaceEvent::Hint(hint) => {
                if self.screen != (Screen::FaceScan { hint: Some(hint) }) {
                    self.screen = Screen::FaceScan { hint: Some(hint) };
                    self.changed(&mut fx);
                }
            }
            FaceEvent::CameraFailed(why) => self.camera_failed(&why, store, &mut fx),
            FaceEvent::Captured(outcome) => {
                // The picture itself was wiped on the camera thread; only the outcome is here.
                tracing::info!(?outcome, "face captured; no matcher configured");
                let _ = store.audit("station", "face_not_configured", None, "");
                self.end_scan(Notice::FaceNotConfigured, &mut fx);
            }
        }
        fx
    }

    /// What the camera found for the scan `token`.
    pub fn on_scan(
        &mut self,
        token: u64,
        event: ScanEvent,
        now: Duration,
        store: &Store,
    ) -> Effects {
        let mut fx = Effects::default();
        if !self.scan_wanted(token) || self.session.is_some() {
            return fx;
        }
        match event {
            ScanEvent::Hint(hint) => {
                if self.screen != (Screen::ScanQr { hint: Some(hint) }) {
                    self.screen = Screen::ScanQr { hint: Some(hint) };
                    self.changed(&mut fx);
                }
            }
            ScanEvent::CameraFailed(why) => self.camera_failed(&why, store, &mut fx),
            ScanEvent::Found {
                token: code,
                verification,
            } => {
                self.stop_scan();
                match verification {
                    Verification::Verified { id_number, name } => {
                        let who = Identified {
                            id_number: &id_number,
                            name: &name,
                            method: IdentifyMethod::HealthQr,
                        };
                        self.begin_visit(who, now, store, &mut fx);
                    }
                    Verification::Unverified => {
                        self.begin_unverified_visit(&code, now, store, &mut fx);
                    }
                    Verification::Rejected(reason) => {
                        tracing::info!(%reason, "health code refused by its platform");
                        let _ = store.audit("station", "qr_rejected", None, &reason);
                        self.end_scan(Notice::QrRejected, &mut fx);
                    }
                }
            }
        }
        fx
    }

    /// A health code no platform could check: the resident is kept by the code alone and the
    /// screen says "身份未核验" for the whole visit.
    fn begin_unverified_visit(
        &mut self,
        token: &str,
        now: Duration,
        store: &Store,
        fx: &mut Effects,
    ) {
        let masked = mask_token(token);
        let resident = store.upsert_health_code_resident(token, &masked);
        let view = ResidentView {
            masked_name: String::new(),
            masked_id: masked,
            verified: false,
        };
        let id_hash = store.health_code_hash(token);
        self.open_session(
            resident,
            id_hash,
            IdentifyMethod::HealthQr,
            view,
            now,
            store,
            fx,
        );
    }

    /// One identity flow: whichever way succeeded, a resident record and a new visit.
    #[allow(clippy::too_many_arguments)]
    fn open_session(
        &mut self,
        resident: Result<ResidentId, StoreError>,
        id_hash: Vec<u8>,
        method: IdentifyMethod,
        view: ResidentView,
        now: Duration,
        store: &Store,
        fx: &mut Effects,
    ) {
        let started = resident.and_then(|r| Ok((r, store.start_visit(r, method.as_str())?)));
        match started {
            Ok((resident, visit)) => {
                tracing::info!(visit = visit.0, method = method.as_str(), "visit started");
                let _ = store.audit("resident", "identified", Some(visit), method.as_str());
                self.session = Some(Session {
                    visit,
                    resident,
                    id_hash,
                    method,
                    view,
                    staff: None,
                });
                self.last_activity = now;
                self.show(Screen::Home, fx);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot record the visit");
                self.screen = Screen::Welcome;
                self.notify(Notice::SaveFailed, fx);
            }
        }
    }

    fn show_question(&mut self, number: u8, fx: &mut Effects) {
        let anchors = station_questionnaire::question(number).is_some_and(|q| q.has_answer_anchors);
        let chosen = self
            .questionnaire
            .as_ref()
            .and_then(|s| s.get(number))
            .map(Answer::score);
        self.show(
            Screen::Questionnaire {
                number,
                total: station_protocol::TCM_QUESTION_COUNT,
                chosen,
                anchors,
            },
            fx,
        );
    }

    /// Scores a complete sheet, stores answers and result, and shows the result.
    fn finish_questionnaire(&mut self, store: &Store, fx: &mut Effects) {
        let (Some(session), Some(sheet)) = (&self.session, &self.questionnaire) else {
            return;
        };
        let Ok(answers) = sheet.finish() else {
            return;
        };
        let assessment = station_questionnaire::score(&answers);
        let keys = |list: &[station_questionnaire::Constitution]| -> Vec<String> {
            list.iter().map(|c| c.key().to_string()).collect()
        };
        let record = QuestionnaireRecord {
            method: match assessment.method() {
                Method::NbphsElderly33 => "nbphs-elderly-33".into(),
            },
            answers: answers.scores().to_vec(),
            primary: keys(assessment.primary()),
            tendencies: keys(assessment.tendencies()),
            needs_review: !assessment.review().is_empty(),
            taken_at: chrono::Local::now().to_rfc3339(),
        };
        let visit = session.visit;
        match store.save_questionnaire(visit, &record) {
            Ok(_) => {
                let _ = store.audit(
                    "resident",
                    "questionnaire_saved",
                    Some(visit),
                    &record.method,
                );
                // Answered and stored: the next start is a fresh sheet.
                self.questionnaire = None;
                let entry = questionnaire_entry(&record);
                self.show(
                    Screen::QuestionnaireResult {
                        result: station_protocol::QuestionnaireView {
                            primary: entry.primary,
                            tendencies: entry.tendencies,
                            advice: entry.advice,
                            needs_review: entry.needs_review,
                        },
                    },
                    fx,
                );
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot save the questionnaire");
                self.notify(Notice::SaveFailed, fx);
            }
        }
    }

    /// The step after `step`; reaching "measuring" starts the device.
    fn advance(&mut self, kind: MeasureKind, step: MeasureStep, now: Duration, fx: &mut Effects) {
        let Some(next) = kind.next_step(step) else {
            return;
        };
        if next == MeasureStep::Measuring {
            if self.session.is_none() {
                return;
            }
            self.notice = None;
            self.measure_token += 1;
            self.measuring_since = Some(now);
            fx.start_measure = Some((self.measure_token, kind));
        }
        self.show(Screen::Measure { kind, step: next }, fx);
    }

    /// A device's answer. Attached only to the visit and measurement that asked for it.
    pub fn on_measurement(
        &mut self,
        token: u64,
        outcome: Result<Measurement, DeviceError>,
        model: &str,
        now: Duration,
        store: &Store,
    ) -> Effects {
        let mut fx = Effects::default();
        let Screen::Measure {
            kind,
            step: MeasureStep::Measuring,
        } = self.screen
        else {
            tracing::info!("dropping a measurement that arrived after its visit moved on");
            return fx;
        };
        let Some(session) = self
            .session
            .as_ref()
            .filter(|_| token == self.measure_token)
        else {
            // The visit ended or moved on: never attach this to anyone.
            tracing::info!("dropping a measurement that arrived after its visit moved on");
            return fx;
        };
        let (visit, resident) = (session.visit, session.resident);
        self.measuring_since = None;
        self.last_activity = now;
        let reading = outcome
            .map_err(|e| e.to_string())
            .and_then(|m| self.reading_of(m, kind))
            .and_then(|r| {
                let assessed = r.assess().map_err(|e| e.to_string())?;
                Ok((r, assessed))
            });
        let (reading, assessed) = match reading {
            Ok(r) => r,
            Err(why) => {
                tracing::warn!(kind = kind.as_str(), %why, "measurement not usable");
                let _ = store.audit("station", "device_fault", Some(visit), kind.as_str());
                self.screen = Screen::Measure {
                    kind,
                    step: kind.retry_step(),
                };
                self.notify(Notice::DeviceNoResponse, &mut fx);
                return fx;
            }
        };
        let source = ReadingSource {
            device: model,
            entered_by: None,
        };
        if let Err(e) =
            self.save_and_show(reading, assessed, source, (visit, resident), store, &mut fx)
        {
            tracing::error!(error = %e, "cannot save the reading");
            self.screen = Screen::Measure {
                kind,
                step: kind.retry_step(),
            };
            self.notify(Notice::SaveFailed, &mut fx);
        }
        fx
    }

    /// Commits the reading (and its alert) first, then shows its result: a result on screen is
    /// always a stored one.
    fn save_and_show(
        &mut self,
        reading: Reading,
        assessed: Assessed,
        source: ReadingSource<'_>,
        (visit, resident): (VisitId, ResidentId),
        store: &Store,
        fx: &mut Effects,
    ) -> Result<(), StoreError> {
        let kind = reading.kind();
        let taken_at = chrono::Local::now();
        let record = ReadingRecord {
            reading,
            category: assessed.category.into(),
            guideline: assessed.source.into(),
            device: source.device.into(),
            entered_by: source.entered_by.clone(),
            taken_at,
        };
        let id = store.save_reading(visit, &record, assessed.urgent)?;
        let _ = store.audit("resident", "reading_saved", Some(visit), kind.as_str());
        if assessed.urgent {
            let _ = store.audit("resident", "alert_queued", Some(visit), kind.as_str());
        }
        let trend = self.trend_of(&reading, resident, store);
        let mut notes: Vec<String> = assessed.notes.iter().map(|n| (*n).to_string()).collect();
        if source.entered_by.is_some() {
            notes.push("note-entered-by-staff".into());
        }
        self.show(
            Screen::MeasureResult {
                result: ResultView {
                    reading_id: id.0,
                    kind,
                    values: reading.values(),
                    category: assessed.category.into(),
                    advice: assessed.advice.into(),
                    severity: assessed.severity,
                    notes,
                    urgent: assessed.urgent,
                    taken_at: taken_at.format("%Y-%m-%d %H:%M").to_string(),
                    guideline: assessed.guideline.into(),
                    trend,
                },
            },
            fx,
        );
        Ok(())
    }

    /// The device's numbers plus what the resident told us, or why they are unusable.
    fn reading_of(&self, m: Measurement, kind: MeasureKind) -> Result<Reading, String> {
        if m.kind() != kind {
            return Err(format!(
                "a {} device answered a {} measurement",
                m.kind().as_str(),
                kind.as_str()
            ));
        }
        Ok(match m {
            Measurement::BloodPressure {
                systolic,
                diastolic,
                pulse,
                irregular_pulse,
                body_movement,
                cuff_loose,
            } => Reading::BloodPressure {
                systolic,
                diastolic,
                pulse,
                irregular_pulse,
                body_movement,
                cuff_loose,
            },
            Measurement::Body {
                weight_kg,
                height_cm,
            } => Reading::Body {
                weight_kg,
                height_cm,
            },
            Measurement::Temperature { celsius } => Reading::Temperature { celsius },
            Measurement::Glucose { mmol_per_l } => Reading::Glucose {
                mmol_per_l,
                timing: self.glucose_timing.unwrap_or(GlucoseTiming::Random),
            },
            Measurement::Spo2 { percent, pulse } => Reading::Spo2 { percent, pulse },
        })
    }

    /// The resident's last readings of this kind, oldest first, for the on-screen chart.
    fn trend_of(
        &self,
        latest: &Reading,
        resident: ResidentId,
        store: &Store,
    ) -> station_protocol::TrendView {
        let history = store
            .readings(resident, Some(latest.kind()), TREND_POINTS)
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "no trend: readings not readable");
                Vec::new()
            });
        let points: Vec<(String, Reading)> = history
            .iter()
            .rev()
            .map(|r| {
                (
                    r.record.taken_at.format("%m-%d").to_string(),
                    r.record.reading,
                )
            })
            .collect();
        station_core::reading::trend(latest, &points)
    }

    fn show_reports(&mut self, store: &Store, fx: &mut Effects) {
        let Some(session) = &self.session else {
            return;
        };
        let listed = store
            .past_visits(session.resident, REPORTS_LISTED)
            .and_then(|past| {
                past.into_iter()
                    .map(|p| {
                        let readings = store.visit_readings(p.visit)?;
                        let mut kinds: Vec<MeasureKind> = Vec::new();
                        for r in &readings {
                            let kind = r.record.reading.kind();
                            if !kinds.contains(&kind) {
                                kinds.push(kind);
                            }
                        }
                        let questionnaire = !store.visit_questionnaires(p.visit)?.is_empty();
                        Ok(PastReportView {
                            visit: p.visit.0,
                            date: chrono::DateTime::parse_from_rfc3339(&p.first_reading_at)
                                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                                .unwrap_or_default(),
                            kinds,
                            questionnaire,
                            readings: p.readings,
                        })
                    })
                    .collect::<Result<Vec<_>, StoreError>>()
            });
        match listed {
            Ok(reports) => self.show(Screen::Reports { reports }, fx),
            Err(e) => {
                tracing::error!(error = %e, "cannot list the resident's reports");
                self.notify(Notice::SaveFailed, fx);
            }
        }
    }

    /// Prints one of this resident's visits (never another resident's: the visit is checked).
    fn print_visit(&mut self, visit: VisitId, store: &Store, fx: &mut Effects) {
        let Some(session) = &self.session else {
            return;
        };
        if !self.has_printer || self.printing {
            return;
        }
        match store.visit_resident(visit) {
            Ok(Some(owner)) if owner == session.resident => {}
            Ok(_) => {
                tracing::warn!(
                    visit = visit.0,
                    "refusing to print a visit of another resident"
                );
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot look up the visit to print");
                self.notify(Notice::PrinterUnavailable, fx);
                return;
            }
        }
        match self.report_for(session, visit, store) {
            Ok(input) => {
                self.printing = true;
                fx.print = Some(PrintJob {
                    visit: session.visit,
                    paper: match self.config.paper {
                        Paper::A4 => station_report::Paper::A4,
                        Paper::Receipt80mm => station_report::Paper::Receipt80mm,
                    },
                    name: format!("health-report-{}", input.report_id),
                    input,
                });
                self.notify(Notice::Printing, fx);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot gather the report");
                self.notify(Notice::PrinterUnavailable, fx);
            }
        }
    }

    pub fn tick(&mut self, now: Duration, local: NaiveTime, store: &Store) -> Effects {
        let mut fx = Effects::default();
        if let Some(since) = self.goodbye_since {
            if now.saturating_sub(since) >= GOODBYE_FOR {
                self.goodbye_since = None;
                if matches!(self.screen, Screen::Goodbye) {
                    self.reset_for_next_resident(&mut fx);
                    self.screen = Screen::Welcome;
                    self.changed(&mut fx);
                    // The welcome prompt is not repeated: the station stays quiet between residents.
                }
            }
        }
        let open = self.config.opening.is_open(local);
        match (&self.screen, open) {
            (Screen::Welcome, false) if self.session.is_none() => {
                self.notice = None;
                self.screen = closed_screen(&self.config);
                self.changed(&mut fx);
            }
            (Screen::Closed { .. }, true) => {
                self.screen = Screen::Welcome;
                self.changed(&mut fx);
            }
            _ => {}
        }
        self.tick_measure_timeout(now, store, &mut fx);
        if self
            .scan_since
            .is_some_and(|since| now.saturating_sub(since) >= QR_SCAN_FOR)
        {
            match self.screen {
                Screen::ScanQr { .. } => self.end_scan(Notice::QrNotFound, &mut fx),
                Screen::FaceScan { .. } => self.end_scan(Notice::FaceNotCaptured, &mut fx),
                _ => self.stop_scan(),
            }
        }
        if self.session.is_some() {
            self.tick_idle(now, store, &mut fx);
        }
        fx
    }

    /// A device that never answers must not hold the resident on "正在测量" forever.
    fn tick_measure_timeout(&mut self, now: Duration, store: &Store, fx: &mut Effects) {
        let Some(since) = self.measuring_since else {
            return;
        };
        let limit = Duration::from_secs(u64::from(self.config.measure_timeout_secs));
        if now.saturating_sub(since) < limit {
            return;
        }
        self.measuring_since = None;
        // A late answer now carries a stale token and is dropped.
        self.measure_token += 1;
        if let Screen::Measure {
            kind,
            step: MeasureStep::Measuring,
        } = self.screen
        {
            tracing::warn!(kind = kind.as_str(), "device gave no answer in time");
            let visit = self.session.as_ref().map(|s| s.visit);
            let _ = store.audit("station", "device_timeout", visit, kind.as_str());
            self.last_activity = now;
            self.screen = Screen::Measure {
                kind,
                step: kind.retry_step(),
            };
            self.notify(Notice::DeviceNoResponse, fx);
        }
    }

    fn tick_idle(&mut self, now: Duration, store: &Store, fx: &mut Effects) {
        // A resident sitting still under the cuff is not idle.
        if matches!(
            self.screen,
            Screen::Measure {
                step: MeasureStep::Measuring,
                ..
            }
        ) {
            self.last_activity = now;
            return;
        }
        let idle = now.saturating_sub(self.last_activity).as_secs();
        let timeout = u64::from(self.config.idle.timeout_secs);
        let warning = u64::from(self.config.idle.warning_secs);
        if idle < timeout {
            return;
        }
        let left = (timeout + warning).saturating_sub(idle);
        if left == 0 {
            self.end_visit(VisitEnd::IdleTimeout, now, store, fx);
            return;
        }
        let left = u32::try_from(left).unwrap_or(u32::MAX);
        if self.idle_warning != Some(left) {
            if self.idle_warning.is_none() {
                fx.say = Some((self.prefs.locale, vec![PromptId::IdleWarning]));
            }
            self.idle_warning = Some(left);
            self.changed(fx);
        }
    }

    fn end_visit(&mut self, how: VisitEnd, now: Duration, store: &Store, fx: &mut Effects) {
        let goodbye_locale = self.prefs.locale;
        if let Some(session) = self.session.take() {
            if let Err(e) = store.end_visit(session.visit, how) {
                tracing::error!(error = %e, "cannot close the visit record");
            }
            let _ = store.audit("resident", "visit_ended", Some(session.visit), how.as_str());
            tracing::info!(visit = session.visit.0, how = how.as_str(), "visit ended");
        }
        // Wipe every trace of the resident and their settings before anyone else walks up.
        self.notice = None;
        self.idle_warning = None;
        self.reading_card = false;
        self.measure_token += 1;
        self.measuring_since = None;
        self.glucose_timing = None;
        self.pending_switch = None;
        self.questionnaire = None;
        // The goodbye is shown and spoken in the resident's own settings; they are reset when
        // it ends (see `reset_for_next_resident`).
        self.goodbye_since = Some(now);
        self.screen = Screen::Goodbye;
        fx.say = Some((goodbye_locale, vec![PromptId::Goodbye]));
        self.changed(fx);
    }

    /// Display and audio settings back to the station defaults (vxsuite does the same between voters).
    pub fn set_has_printer(&mut self, has: bool) {
        self.has_printer = has;
    }

    pub fn set_has_camera(&mut self, has: bool) {
        self.has_camera = has;
    }

    pub fn set_measure_kinds(&mut self, kinds: Vec<MeasureKind>) {
        self.measure_kinds = kinds;
    }

    /// One visit's readings and the resident's earlier blood pressure, in the report's words
    /// and masks.
    fn report_for(
        &self,
        session: &Session,
        visit: VisitId,
        store: &Store,
    ) -> Result<ReportInput, StoreError> {
        let readings = store.visit_readings(visit)?;
        let first_at = readings.first().map(|r| r.record.taken_at);
        let when = |r: &StoredReading| r.record.taken_at.format("%Y-%m-%d %H:%M").to_string();
        let bp_entry = |r: &StoredReading| match r.record.reading {
            Reading::BloodPressure {
                systolic,
                diastolic,
                pulse,
                ..
            } => {
                let a = station_core::assessment::assess_bp(systolic, diastolic);
                Some(BpEntry {
                    taken_at: when(r),
                    systolic,
                    diastolic,
                    pulse,
                    category: a.category,
                    isolated_systolic: a.isolated_systolic,
                })
            }
            _ => None,
        };
        let bp: Vec<BpEntry> = readings.iter().filter_map(bp_entry).collect();
        let other_readings = readings
            .iter()
            .filter(|r| r.record.reading.kind() != MeasureKind::BloodPressure)
            .filter_map(|r| {
                let a = r.record.reading.assess().ok()?;
                Some(ReadingEntry {
                    taken_at: when(r),
                    title: r.record.reading.kind().message_id().into(),
                    values: r.record.reading.values(),
                    category: a.category.into(),
                    advice: a.advice.into(),
                    severity: a.severity,
                    notes: a.notes.iter().map(|n| (*n).to_string()).collect(),
                    urgent: a.urgent,
                })
            })
            .collect();
        // Earlier blood pressure (before this visit), oldest first, for the trend.
        let mut bp_history: Vec<BpEntry> = store
            .readings(session.resident, Some(MeasureKind::BloodPressure), 200)?
            .iter()
            .filter(|r| r.visit != visit && first_at.is_none_or(|f| r.record.taken_at < f))
            .filter_map(bp_entry)
            .collect();
        bp_history.reverse();
        let newest = readings.last().map(|r| r.id.0).unwrap_or_default();
        let questionnaire = store
            .visit_questionnaires(visit)?
            .pop()
            .map(|q| questionnaire_entry(&q));
        Ok(ReportInput {
            station_name: self.config.station_name.clone(),
            printed_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            locale: self.prefs.locale,
            resident_masked_name: session.view.masked_name.clone(),
            resident_masked_id: session.view.masked_id.clone(),
            report_id: format!("V{}-R{}", visit.0, newest),
            bp,
            bp_history,
            other_readings,
            questionnaire,
        })
    }

    /// The printer's answer; shown only if the visit that asked is still on.
    pub fn on_print_outcome(
        &mut self,
        visit: VisitId,
        outcome: Result<PrintOutcome, String>,
        store: &Store,
    ) -> Effects {
        let mut fx = Effects::default();
        self.printing = false;
        let (action, detail) = match &outcome {
            Ok(PrintOutcome::Completed) => ("report_printed", String::new()),
            Ok(PrintOutcome::Aborted(reason)) => ("print_failed", format!("aborted: {reason}")),
            Ok(PrintOutcome::TimedOut) => ("print_failed", "timed out".to_string()),
            Err(e) => ("print_failed", e.clone()),
        };
        // Recorded for staff whatever happens on screen.
        let _ = store.audit("station", action, Some(visit), &detail);
        if self.session.as_ref().map(|s| s.visit) != Some(visit) {
            return fx;
        }
        let notice = if matches!(outcome, Ok(PrintOutcome::Completed)) {
            Notice::Printed
        } else {
            tracing::warn!(%detail, "report not printed");
            Notice::PrinterUnavailable
        };
        self.notify(notice, &mut fx);
        fx
    }

    fn reset_for_next_resident(&mut self, fx: &mut Effects) {
        self.prefs = default_prefs(&self.config);
        fx.volume = Some(self.prefs.volume);
    }

    #[cfg(test)]
    pub fn measure_token_for_tests(&self) -> u64 {
        self.measure_token
    }

    pub fn shutdown(&mut self, store: &Store) {
        if let Some(session) = self.session.take() {
            let _ = store.end_visit(session.visit, VisitEnd::Shutdown);
        }
    }
}

/// A stored questionnaire in the report's message ids (constitutions by their stored keys).
fn questionnaire_entry(q: &QuestionnaireRecord) -> QuestionnaireEntry {
    let find = |key: &String| {
        station_questionnaire::Constitution::ALL
            .into_iter()
            .find(|c| c.key() == key)
    };
    let named = |keys: &[String]| -> Vec<String> {
        keys.iter()
            .filter_map(find)
            .map(|c| c.message_id().to_string())
            .collect()
    };
    QuestionnaireEntry {
        taken_at: chrono::DateTime::parse_from_rfc3339(&q.taken_at)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        primary: named(&q.primary),
        tendencies: named(&q.tendencies),
        advice: q
            .primary
            .iter()
            .chain(&q.tendencies)
            .filter_map(find)
            .map(|c| c.advice_message_id().to_string())
            .collect(),
        needs_review: q.needs_review,
    }
}

/// A token on screen: its first three and last four characters only.
fn mask_token(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    // A fixed run of stars: the length of the code says nothing and the line stays short.
    format!("{head}****{tail}")
}

fn default_prefs(config: &StationConfig) -> DisplayPrefs {
    DisplayPrefs {
        locale: config.locale,
        text_size: TextSize::Large,
        contrast: Contrast::HighLight,
        volume: config.volume,
    }
}

fn closed_screen(config: &StationConfig) -> Screen {
    Screen::Closed {
        opens: config.opening.opens.format("%H:%M").to_string(),
        closes: config.opening.closes.format("%H:%M").to_string(),
    }
}
