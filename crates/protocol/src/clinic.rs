//! The cloud-clinic call as the kiosk shows it (issue 13; Wenzhou 6.3.3.2): the waiting room,
//! the call, the prescription afterwards.

use serde::{Deserialize, Serialize};

/// The waiting room: the resident's place in the doctors' queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicWaitView {
    /// 1 = next; `None` until the console has answered.
    pub position: Option<u32>,
    /// The console's estimate, in minutes.
    pub wait_minutes: Option<u32>,
    /// A doctor took the call and then dropped: the resident is back at the front.
    pub back_in_line: bool,
    /// The connection to the console is down and being retried (the place is kept a moment).
    pub reconnecting: bool,
}

/// The call, once a doctor accepted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicCallView {
    /// The doctor's name as the console gives it ("李医生").
    pub doctor: String,
    /// How many of this visit's readings went to the doctor.
    pub vitals_sent: u32,
    /// The doctor has written a prescription (shown after the call).
    pub prescribed: bool,
    pub reconnecting: bool,
    /// How the doctor's picture is arriving: the call screen's quality indicator.
    pub quality: CallQuality,
}

/// How well the doctor's picture arrives, as the resident sees it: by the frames that reach the
/// kiosk in the last seconds (a picture that stutters or freezes is what a resident notices).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallQuality {
    /// Accepted, the picture not yet flowing.
    #[default]
    Connecting,
    /// Smooth: 8 or more frames a second.
    Good,
    /// Arriving, but choppy.
    Poor,
    /// Nothing for 3 s: the picture is frozen (the network, or the doctor's camera).
    Lost,
}

/// One line of a prescription, as the doctor wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrescriptionLine {
    pub drug: String,
    pub dose: String,
    pub quantity: String,
    pub usage: String,
}

/// The prescription after the call: shown, announced, printable as a pickup slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrescriptionView {
    pub doctor: String,
    pub items: Vec<PrescriptionLine>,
    /// The medicine cabinet's pickup code, when the station has a cabinet that took the order.
    pub pickup_code: Option<String>,
}

/// A line on every screen of a visit while a doctor is on the call (the resident went to measure
/// as the doctor asked), or once a call ended with a prescription not yet looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClinicBanner {
    /// "返回通话".
    InCall { doctor: String },
    /// "查看处方".
    Prescription { doctor: String },
}
