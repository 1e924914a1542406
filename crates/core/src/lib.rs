//! The station's domain, free of hardware and UI: who the resident is, how the station is
//! configured, and what a reading means.

pub mod assessment;
pub mod clock;
pub mod config;
pub mod manual;
pub mod reading;
pub mod resident;
pub mod summary;
pub mod vitals;
