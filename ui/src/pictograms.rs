//! The in-house pictograms and step illustrations (assets/pictograms, see its README), inlined
//! into the page so they take the text colour (`currentColor`) of either contrast mode. Each is
//! decoration beside words that say the same: drawn `aria-hidden`.

use leptos::prelude::*;
use station_protocol::{GlucoseTiming, MeasureKind, MeasureStep, Service};

macro_rules! art {
    ($name:literal) => {
        include_str!(concat!("../../assets/pictograms/", $name, ".svg"))
    };
}

pub const LOGOUT: &str = art!("logout");
pub const REPLAY: &str = art!("replay");
pub const BACK_HOME: &str = art!("back-home");
pub const BACK: &str = art!("back");
pub const PRINT: &str = art!("print-report");
pub const QUESTIONNAIRE: &str = art!("measure-tcm-questionnaire");
pub const INSERT_CARD: &str = art!("welcome-insert-card");
pub const ID_CARD: &str = art!("identify-id-card");
pub const HEALTH_QR: &str = art!("identify-health-qr");
pub const FACE: &str = art!("identify-face");
/// A plain clock (drawn for "其他时间" among the glucose timings): the opening hours.
pub const CLOCK: &str = art!("glucose-timing-random");

pub fn service(s: Service) -> &'static str {
    match s {
        Service::SelfTest => art!("service-self-test"),
        Service::Reports => art!("service-reports"),
        Service::Records => art!("service-records"),
        Service::Appointment => art!("service-appointment"),
        Service::CallDoctor => art!("service-call-doctor"),
    }
}

pub fn kind(k: MeasureKind) -> &'static str {
    match k {
        MeasureKind::BloodPressure => art!("measure-blood-pressure"),
        MeasureKind::Body => art!("measure-body"),
        MeasureKind::Temperature => art!("measure-temperature"),
        MeasureKind::Glucose => art!("measure-glucose"),
        MeasureKind::Spo2 => art!("measure-spo2"),
    }
}

pub fn step(s: MeasureStep) -> &'static str {
    match s {
        MeasureStep::Sit => art!("step-sit"),
        MeasureStep::Cuff => art!("step-cuff"),
        MeasureStep::StandOnScale => art!("step-stand-on-scale"),
        MeasureStep::PlaceThermometer => art!("step-place-thermometer"),
        MeasureStep::ChooseGlucoseTiming => art!("step-glucose-timing"),
        MeasureStep::PrepareStrip => art!("step-prepare-strip"),
        MeasureStep::ClipFinger => art!("step-clip-finger"),
        MeasureStep::Measuring => art!("step-measuring"),
    }
}

pub fn glucose_timing(g: GlucoseTiming) -> &'static str {
    match g {
        GlucoseTiming::Fasting => art!("glucose-timing-fasting"),
        GlucoseTiming::TwoHour => art!("glucose-timing-two-hour"),
        GlucoseTiming::Random => art!("glucose-timing-random"),
    }
}

/// A drawing beside words that say the same thing: hidden from assistive technology. `class`
/// sizes it (`picto` for a pictogram in a button, `illustration` for a step picture).
pub fn picture(svg: &'static str, class: &'static str) -> impl IntoView {
    view! { <span class=class aria-hidden="true" inner_html=svg></span> }
}
