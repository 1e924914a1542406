//! Safe updates of the kiosk, without Tauri (see README.md).
//!
//! The shell's updater (the Tauri plugin) finds an update and checks its signature; this crate
//! keeps what happens around it safe:
//! - [`UpdateDir::stage`]: the verified package waits on disk until the station is quiet (never
//!   during a visit), and survives a restart or a power cut as a whole package or not at all;
//! - [`Trials`]: the first starts of a newly installed version are a trial. It must reach the
//!   welcome screen within [`TRIAL_STARTS`] starts, or the copy of the previous version kept
//!   before installing is put back.

mod error;
mod staged;
mod trial;

pub use error::UpdateError;
pub use staged::{StagedUpdate, UpdateDir, UPDATES_DIR};
pub use trial::{StartVerdict, Trials, TRIAL_STARTS};
