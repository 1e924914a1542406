//! What work on other threads reports back to admin mode — a printer's test page, the camera's
//! picture (its self-test, or a fault report's photo), a measuring device's check — and the
//! fault photo kept with its form. An answer is dropped when staff have moved on (another
//! message, another page, admin mode left).

use station_protocol::AdminMessage;

use crate::effects::Effects;
use crate::station::{Phase, Station};

use super::admin::{AdminSession, AdminStep};
use super::fault::FaultPhoto;

impl AdminSession {
    /// The photo belongs to the form on screen: a new form (another page, a filed report)
    /// drops it.
    pub(super) fn keep_photo_with_its_form(&mut self) {
        let drafted = matches!(&self.step, AdminStep::Open(view) if view.fault_draft.photo);
        if !drafted {
            self.fault_photo = None;
        }
    }

    /// Whether the fault photo's picture may go on showing (the form still waits for it).
    pub fn fault_photo_taking(&self) -> bool {
        matches!(&self.step,
            AdminStep::Open(view) if view.message == Some(AdminMessage::FaultPhotoTaking))
    }

    /// The photo taken for the fault report (`None`: the camera gave none); dropped when staff
    /// have moved on.
    pub fn on_fault_photo(&mut self, photo: Option<FaultPhoto>) -> bool {
        if !self.fault_photo_taking() {
            return false;
        }
        let AdminStep::Open(view) = &mut self.step else {
            return false;
        };
        view.message = Some(if photo.is_some() {
            AdminMessage::FaultPhotoTaken
        } else {
            AdminMessage::FaultPhotoFailed
        });
        if photo.is_some() {
            view.fault_draft.photo = true;
            self.fault_photo = photo;
        }
        true
    }

    /// The answer of a printer test page.
    pub fn on_test_page(&mut self, printed: bool) -> bool {
        let AdminStep::Open(view) = &mut self.step else {
            return false;
        };
        view.message = Some(if printed {
            AdminMessage::TestPagePrinted
        } else {
            AdminMessage::TestPageFailed
        });
        true
    }

    /// The camera's live picture is wanted: its self-test was pressed and staff have not moved on.
    pub fn camera_previewing(&self) -> bool {
        matches!(&self.step,
            AdminStep::Open(view) if view.message == Some(AdminMessage::CameraPreviewing))
    }

    /// The answer of a camera self-test (dropped when staff have already moved on).
    pub fn on_camera_test(&mut self, works: bool) -> bool {
        if !self.camera_previewing() {
            return false;
        }
        let AdminStep::Open(view) = &mut self.step else {
            return false;
        };
        view.message = Some(if works {
            AdminMessage::CameraWorks
        } else {
            AdminMessage::CameraFailed
        });
        true
    }

    /// The answer of a measuring device's self-test, while staff still wait for it.
    pub fn on_instrument_check(&mut self, answer: Option<station_devices::DeviceCheck>) -> bool {
        let AdminStep::Open(view) = &mut self.step else {
            return false;
        };
        if view.message != Some(AdminMessage::InstrumentChecking) {
            return false;
        }
        view.message = Some(match answer {
            Some(_) => AdminMessage::InstrumentAnswered,
            None => AdminMessage::InstrumentSilent,
        });
        view.battery_percent = answer.and_then(|a| a.battery_percent);
        true
    }
}

impl Station {
    /// Hands a worker's answer to the admin session; the screen changes when it was still
    /// wanted (staff have not moved on).
    fn admin_answer(&mut self, answer: impl FnOnce(&mut AdminSession) -> bool) -> Effects {
        let mut fx = Effects::default();
        if let Phase::Admin { session, .. } = &mut self.phase {
            if answer(session) {
                self.changed(&mut fx);
            }
        }
        fx
    }

    /// The outcome of a test page.
    pub(crate) fn on_admin_test_page(&mut self, printed: bool) -> Effects {
        self.admin_answer(|s| s.on_test_page(printed))
    }

    /// Whether the camera's self-test may go on showing its picture (admin mode open on it).
    pub(crate) fn admin_camera_previewing(&self) -> bool {
        matches!(&self.phase, Phase::Admin { session, .. } if session.camera_previewing())
    }

    /// Whether the fault photo's picture may go on showing.
    pub(crate) fn admin_fault_photo_taking(&self) -> bool {
        matches!(&self.phase, Phase::Admin { session, .. } if session.fault_photo_taking())
    }

    /// The photo for the fault report, or `None` when the camera gave none.
    pub(crate) fn on_admin_fault_photo(&mut self, photo: Option<FaultPhoto>) -> Effects {
        self.admin_answer(|s| s.on_fault_photo(photo))
    }

    /// The outcome of a camera self-test.
    pub(crate) fn on_admin_camera_test(&mut self, works: bool) -> Effects {
        self.admin_answer(|s| s.on_camera_test(works))
    }

    /// The answer of a measuring device's self-test (`None`: it did not answer); dropped when
    /// staff have moved on.
    pub(crate) fn on_admin_instrument_check(
        &mut self,
        answer: Option<station_devices::DeviceCheck>,
    ) -> Effects {
        self.admin_answer(|s| s.on_instrument_check(answer))
    }
}
