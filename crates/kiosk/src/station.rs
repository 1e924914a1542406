//! The station's state machine: which phase it is in, what is on screen, and what each event
//! changes. Pure apart from the store; side effects are returned as [`Effects`].
//!
//! The phase decides first: an action means something only in the phases that accept it.
//! `Closed` → `Welcome` → `Identifying` → `InVisit` → `Goodbye` → `Welcome` (staff admin and
//! the clinic call will join). Every phase carries the display settings of the person at the
//! screen; a visit carries everything about its resident (see `visit.rs`), and is dropped —
//! wiped — when it ends.

use std::time::Duration;

use station_core::clock::Clock;
use station_core::config::StationConfig;
use station_devices::{DeviceError, Measurement};
use station_printer::PrintOutcome;
use station_protocol::{
    Action, Contrast, DisplayPrefs, IdentifyMethod, Notice, PromptId, ReaderStatus, Screen,
    Service, ServiceTile, StationView, TextSize,
};
use station_store::{Store, VisitEnd, VisitId};

use crate::effects::Effects;
use crate::flows::admin::{Pins, StationFiles};
use crate::flows::{self, measure, reports, Capabilities, Ctx, Next};
pub(crate) use crate::phase::Phase;
use crate::readers::Readers;
use crate::visit::{Task, Visit};

/// The services this build offers; the others are drawn disabled on the home screen.
/// "呼叫医生" joins them where the station has a doctor console (`[clinic]`).
const AVAILABLE_SERVICES: [Service; 2] = [Service::SelfTest, Service::Reports];

/// How long the goodbye screen stays before the welcome screen returns.
const GOODBYE_FOR: Duration = Duration::from_secs(4);

/// A screen change: another phase, or another task of the visit.
pub(crate) enum To {
    Phase(Phase),
    Task(Task),
}

/// Whether a screen change is spoken. The station is quiet between residents: the clock
/// turning the welcome screen into the closed one (or back) says nothing.
#[derive(PartialEq)]
pub(crate) enum Speak {
    Yes,
    Quietly,
}

#[derive(Debug)]
pub(crate) struct Station {
    pub config: StationConfig,
    demo: bool,
    seq: u64,
    pub phase: Phase,
    pub notice: Option<Notice>,
    pub readers: Readers,
    pub caps: Capabilities,
    next_token: u64,
    /// The volume the voice was last set to, so a change of person or setting reaches it.
    volume_applied: u8,
    /// Staff PINs (admin mode).
    pub pins: Pins,
    /// The files admin mode works on.
    pub files: StationFiles,
    /// The kiosk's version and its updates, shown to staff.
    pub software: station_protocol::SoftwareView,
}

/// The station's settings for a new person at the screen (vxsuite resets a voter's the same way).
pub(crate) fn default_prefs(config: &StationConfig) -> DisplayPrefs {
    DisplayPrefs {
        locale: config.locale,
        text_size: TextSize::Large,
        contrast: Contrast::HighLight,
        volume: config.volume,
    }
}

impl Station {
    pub fn new(
        config: StationConfig,
        demo: bool,
        caps: Capabilities,
        readers: Readers,
        clock: &dyn Clock,
        pins: Pins,
    ) -> Station {
        let prefs = default_prefs(&config);
        let phase = if config.opening.is_open(clock.now()) {
            Phase::Welcome { prefs }
        } else {
            Phase::Closed { prefs }
        };
        Station {
            volume_applied: prefs.volume,
            config,
            demo,
            seq: 0,
            phase,
            notice: None,
            readers,
            caps,
            next_token: 0,
            pins,
            files: StationFiles::default(),
            software: station_protocol::SoftwareView::default(),
        }
    }

    /// What is said for the screen now on (at start-up, or "再听一遍" in another language).
    pub fn speech(&self) -> (station_protocol::Locale, Vec<PromptId>) {
        let locale = self.phase.prefs().locale;
        (locale, self.screen().speech(locale))
    }

    /// Says the screen now on: its prompts, then any text only a synthesiser can read.
    pub(crate) fn say_screen(&self, fx: &mut Effects) {
        let screen = self.screen();
        let locale = self.phase.prefs().locale;
        fx.say = Some((locale, screen.speech(locale)));
        fx.read = screen.read_aloud().map(|text| (locale, text));
    }

    pub fn prefs(&self) -> DisplayPrefs {
        *self.phase.prefs()
    }

    pub fn screen(&self) -> Screen {
        self.phase.screen(&self.config)
    }

    /// A fresh token for work on another thread (a scan, a measurement).
    pub fn token(&mut self) -> u64 {
        self.next_token += 1;
        self.next_token
    }

    /// Nobody is using the station: closed, or the welcome screen as the station left it (no
    /// visit, no staff, nobody who just changed the text size). Updates are installed only then.
    pub fn is_quiet(&self) -> bool {
        match &self.phase {
            Phase::Closed { .. } => true,
            Phase::Welcome { prefs } => *prefs == default_prefs(&self.config),
            _ => false,
        }
    }

    pub fn touch_seq(&mut self) {
        self.seq += 1;
    }

    pub fn view(&self) -> StationView {
        let visit = self.phase.visit();
        StationView {
            seq: self.seq,
            station_name: self.config.station_name.clone(),
            demo: self.demo,
            demo_cards: self.readers.demo_cards.clone(),
            panel_diagonal_inches: self.config.panel_diagonal_inches,
            screen: self.screen(),
            resident: visit.map(|v| v.session.view.clone()),
            notice: self.notice,
            idle_warning: visit.and_then(|v| v.idle.warning),
            reader: self.readers.card.unwrap_or(ReaderStatus::NoService),
            prefs: self.prefs(),
            services: ServiceTile::all(&self.services()),
            identify_methods: self.identify_methods(),
            printer: self.caps.has_printer,
            measure_kinds: self.caps.measure_kinds.clone(),
            switch_to: visit.and_then(Visit::switch_to),
            clinic: visit.and_then(Visit::clinic_banner),
        }
    }

    /// The services offered: this build's, and the cloud clinic where it is configured.
    fn services(&self) -> Vec<Service> {
        let mut services = AVAILABLE_SERVICES.to_vec();
        if self.config.clinic.is_some() {
            services.push(Service::CallDoctor);
        }
        services
    }

    /// The ways this station can identify right now: the card slot always (its troubles are shown
    /// on their own), the ID card reader while it answers, the camera when there is one.
    pub fn identify_methods(&self) -> Vec<IdentifyMethod> {
        let mut methods = vec![IdentifyMethod::InsuranceCard];
        if self.readers.id_card == Some(ReaderStatus::Ready) {
            methods.push(IdentifyMethod::IdCard);
        }
        if self.readers.has_camera {
            methods.push(IdentifyMethod::HealthQr);
            methods.push(IdentifyMethod::Face);
        }
        methods
    }

    pub fn changed(&mut self, fx: &mut Effects) {
        self.seq += 1;
        fx.changed = true;
    }

    /// The one way to change what is on screen: the new screen replaces the old, the old
    /// screen's notice goes, and (unless quiet) the new screen is spoken in the settings of the
    /// person it is for. A visit replaced by another phase is dropped here, and with it
    /// everything about its resident.
    pub fn show(&mut self, to: To, speak: Speak, fx: &mut Effects) {
        // A visit replaced by another phase (logout, idle, a pulled card, another resident)
        // leaves its clinic call: the doctor console is told.
        if let (Phase::InVisit(visit), To::Phase(_)) = (&self.phase, &to) {
            fx.clinic_send.extend(flows::clinic::farewell(visit));
        }
        match to {
            To::Phase(phase) => self.phase = phase,
            To::Task(task) => match &mut self.phase {
                Phase::InVisit(visit) => visit.task = task,
                _ => return,
            },
        }
        self.notice = None;
        if speak == Speak::Yes {
            self.say_screen(fx);
        }
        self.changed(fx);
    }

    pub fn notify(&mut self, notice: Notice, fx: &mut Effects) {
        self.notice = Some(notice);
        fx.say = Some((self.prefs().locale, vec![notice.prompt()]));
        self.changed(fx);
    }

    /// The voice follows the settings of whoever is at the screen.
    pub(crate) fn sync_volume(&mut self, fx: &mut Effects) {
        let volume = self.prefs().volume;
        if volume != self.volume_applied {
            self.volume_applied = volume;
            fx.volume = Some(volume);
        }
    }

    /// Runs `f` with a flow context, then applies what it raised: its notice after its screen
    /// change, and the volume of whoever is now at the screen.
    pub fn with_ctx<R>(
        &mut self,
        store: &Store,
        clock: &dyn Clock,
        now: Duration,
        fx: &mut Effects,
        f: impl FnOnce(&mut Phase, &mut Ctx<'_>) -> R,
    ) -> (R, Option<Notice>) {
        let mut ctx = Ctx {
            store,
            config: &self.config,
            caps: &mut self.caps,
            clock,
            now,
            fx,
            next_token: &mut self.next_token,
            notice: None,
        };
        let r = f(&mut self.phase, &mut ctx);
        (r, ctx.notice)
    }

    /// Carries out what a visit flow asked for.
    fn apply(
        &mut self,
        next: Next,
        notice: Option<Notice>,
        now: Duration,
        store: &Store,
        fx: &mut Effects,
    ) {
        match next {
            Next::Stay => {}
            Next::Changed => self.changed(fx),
            Next::Show(task) => self.show(To::Task(task), Speak::Yes, fx),
            Next::End(how) => self.end_visit(how, now, store, fx),
        }
        if let Some(notice) = notice {
            self.notify(notice, fx);
        }
    }

    /// Runs a visit flow (when a visit is on) and applies its outcome.
    pub fn in_visit(
        &mut self,
        store: &Store,
        clock: &dyn Clock,
        now: Duration,
        fx: &mut Effects,
        f: impl FnOnce(&mut Visit, &mut Ctx<'_>) -> Next,
    ) {
        let (next, notice) = self.with_ctx(store, clock, now, fx, |phase, ctx| match phase {
            Phase::InVisit(visit) => f(visit, ctx),
            _ => Next::Stay,
        });
        self.apply(next, notice, now, store, fx);
    }

    pub fn act(
        &mut self,
        action: Action,
        now: Duration,
        store: &Store,
        clock: &dyn Clock,
    ) -> Effects {
        let mut fx = Effects::default();
        match &action {
            Action::Touch => {
                // While the warning is up only "继续使用" keeps the visit going.
                if let Phase::InVisit(v) = &mut self.phase {
                    if v.idle.warning.is_none() {
                        v.idle.last_activity = now;
                    }
                }
                return fx;
            }
            Action::KeepAlive => {
                if let Phase::InVisit(v) = &mut self.phase {
                    v.idle.last_activity = now;
                    if v.idle.warning.take().is_some() {
                        fx.stop_voice = true;
                        self.changed(&mut fx);
                    }
                }
                return fx;
            }
            _ => {
                if let Phase::InVisit(v) = &mut self.phase {
                    v.idle.last_activity = now;
                }
            }
        }
        // The person's own settings and the notice, on any screen.
        match action {
            Action::ChooseLocale { locale } => {
                self.phase.prefs_mut().locale = locale;
                self.say_screen(&mut fx);
                self.changed(&mut fx);
            }
            Action::ChooseTextSize { size } => {
                self.phase.prefs_mut().text_size = size;
                self.changed(&mut fx);
            }
            Action::ChooseContrast { contrast } => {
                self.phase.prefs_mut().contrast = contrast;
                self.changed(&mut fx);
            }
            Action::SetVolume { volume } => {
                self.phase.prefs_mut().volume = volume.min(100);
                self.changed(&mut fx);
            }
            Action::ReplayPrompt => fx.replay = true,
            Action::DismissNotice => {
                if self.notice.take().is_some() {
                    self.changed(&mut fx);
                }
            }
            Action::ReportFault => self.report_fault(store, &mut fx),
            Action::DemoInsertCard { card } if self.readers.demo_cards.contains(&card) => {
                fx.demo_insert = Some(card)
            }
            Action::DemoRemoveCard if !self.readers.demo_cards.is_empty() => fx.demo_remove = true,
            Action::Admin { action } => self.act_admin(action, now, store, clock, &mut fx),
            // Then the phase decides.
            action => match self.phase {
                Phase::InVisit(_) => self.act_in_visit(action, now, store, clock, &mut fx),
                Phase::Welcome { .. }
                | Phase::Identifying(_)
                | Phase::Closed { .. }
                | Phase::Goodbye { .. } => self.act_identify(action, now, store, clock, &mut fx),
                Phase::Admin { .. } => {}
            },
        }
        self.sync_volume(&mut fx);
        fx
    }

    fn act_in_visit(
        &mut self,
        action: Action,
        now: Duration,
        store: &Store,
        clock: &dyn Clock,
        fx: &mut Effects,
    ) {
        match action {
            Action::ConfirmSwitch => self.confirm_switch(now, store, clock, fx),
            Action::CancelSwitch => {
                if let Phase::InVisit(v) = &mut self.phase {
                    if v.pending_switch.take().is_some() {
                        fx.stop_voice = true;
                        self.changed(fx);
                    }
                }
            }
            action => self.in_visit(store, clock, now, fx, |visit, ctx| {
                flows::act(visit, &action, ctx)
            }),
        }
    }

    pub fn tick(&mut self, now: Duration, store: &Store, clock: &dyn Clock) -> Effects {
        let mut fx = Effects::default();
        if let Phase::Goodbye { since, .. } = self.phase {
            if now.saturating_sub(since) >= GOODBYE_FOR {
                // The next person starts with the station's settings.
                let prefs = default_prefs(&self.config);
                self.show(To::Phase(Phase::Welcome { prefs }), Speak::Quietly, &mut fx);
            }
        }
        let open = self.config.opening.is_open(clock.now());
        match (&self.phase, open) {
            (Phase::Welcome { prefs }, false) => {
                let prefs = *prefs;
                self.show(To::Phase(Phase::Closed { prefs }), Speak::Quietly, &mut fx);
            }
            (Phase::Closed { prefs }, true) => {
                let prefs = *prefs;
                self.show(To::Phase(Phase::Welcome { prefs }), Speak::Quietly, &mut fx);
            }
            _ => {}
        }
        self.tick_identify(now, &mut fx);
        self.tick_admin(now, store, &mut fx);
        self.in_visit(store, clock, now, &mut fx, measure::tick);
        self.in_visit(store, clock, now, &mut fx, flows::clinic::tick);
        self.tick_idle(now, store, &mut fx);
        self.sync_volume(&mut fx);
        fx
    }

    fn tick_idle(&mut self, now: Duration, store: &Store, fx: &mut Effects) {
        let Phase::InVisit(visit) = &mut self.phase else {
            return;
        };
        // A resident sitting still under the cuff, or talking with a doctor, is not idle.
        if visit.measuring() || visit.in_call() {
            visit.idle.last_activity = now;
            return;
        }
        let idle = now.saturating_sub(visit.idle.last_activity).as_secs();
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
        if visit.idle.warning != Some(left) {
            if visit.idle.warning.is_none() {
                fx.say = Some((visit.prefs.locale, vec![PromptId::IdleWarning]));
            }
            visit.idle.warning = Some(left);
            self.changed(fx);
        }
    }

    /// Ends the visit on screen: closed in the store, the resident wiped (the visit value is
    /// dropped), goodbye said in the resident's own settings.
    pub fn end_visit(&mut self, how: VisitEnd, now: Duration, store: &Store, fx: &mut Effects) {
        let Phase::InVisit(visit) = &self.phase else {
            return;
        };
        let prefs = visit.prefs;
        let closed = close_visit(store, visit.visit_id(), how);
        self.show(
            To::Phase(Phase::Goodbye { prefs, since: now }),
            Speak::Yes,
            fx,
        );
        if !closed {
            self.notify(Notice::RecordFailed, fx);
        }
    }

    /// A device's answer for the run `token`.
    pub fn on_measurement(
        &mut self,
        token: u64,
        outcome: Result<Measurement, DeviceError>,
        model: &str,
        now: Duration,
        store: &Store,
        clock: &dyn Clock,
    ) -> Effects {
        let mut fx = Effects::default();
        self.in_visit(store, clock, now, &mut fx, |visit, ctx| {
            measure::on_measurement(visit, token, outcome, model, ctx)
        });
        fx
    }

    /// The printer's answer for a job of `visit`.
    pub fn on_print_outcome(
        &mut self,
        visit: VisitId,
        outcome: Result<PrintOutcome, String>,
        now: Duration,
        store: &Store,
        clock: &dyn Clock,
    ) -> Effects {
        let mut fx = Effects::default();
        let on_screen = self.phase.visit().map(Visit::visit_id);
        let ((), notice) = self.with_ctx(store, clock, now, &mut fx, |_, ctx| {
            reports::on_print_outcome(on_screen, visit, outcome, ctx)
        });
        if let Some(notice) = notice {
            self.notify(notice, &mut fx);
        }
        fx
    }

    /// Ends any visit (app shutdown).
    pub fn shutdown(&mut self, store: &Store) -> Effects {
        let mut fx = Effects::default();
        if let Phase::InVisit(visit) = &self.phase {
            fx.clinic_send.extend(flows::clinic::farewell(visit));
            close_visit(store, visit.visit_id(), VisitEnd::Shutdown);
            let prefs = default_prefs(&self.config);
            self.phase = Phase::Welcome { prefs };
        }
        fx
    }

    /// The last token handed out (the measurement in flight, in the tests that look).
    #[cfg(test)]
    pub fn measure_token_for_tests(&self) -> u64 {
        self.next_token
    }

    #[cfg(test)]
    pub fn set_measure_kinds(&mut self, kinds: Vec<station_protocol::MeasureKind>) {
        self.caps.measure_kinds = kinds;
    }

    /// Puts the visit on screen in "measuring" as if the device had been started (a device
    /// that never answers); returns the run's token.
    #[cfg(test)]
    pub fn force_measuring_for_tests(
        &mut self,
        kind: station_protocol::MeasureKind,
        now: Duration,
    ) -> u64 {
        let token = self.token();
        if let Phase::InVisit(visit) = &mut self.phase {
            visit.task = Task::Measure(measure::Measuring::running_for_tests(kind, token, now));
        }
        token
    }

    /// Whether the scan with this token should keep looking.
    pub fn scan_wanted(&self, token: u64) -> bool {
        matches!(&self.phase, Phase::Identifying(i) if i.scan_token() == Some(token))
    }
}

/// Closes a visit in the store (with its audit line). A visit the store cannot close is still
/// wiped from the screen; it is closed as interrupted at the next start.
fn close_visit(store: &Store, visit: VisitId, how: VisitEnd) -> bool {
    match store.end_visit(visit, how) {
        Ok(()) => {
            tracing::info!(visit = visit.0, how = how.as_str(), "visit ended");
            true
        }
        Err(e) => {
            tracing::error!(error = %e, visit = visit.0, "cannot close the visit record");
            false
        }
    }
}
