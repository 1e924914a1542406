//! Safe updates of the kiosk, without Tauri (see README.md).
//!
//! The shell's updater (the Tauri plugin) finds an update and checks its signature; this crate
//! keeps what happens around it safe:
//! - [`UpdateDir::stage`]: the verified package waits on disk until the station is quiet (never
//!   during a visit), and survives a restart or a power cut as a whole package or not at all;
//! - [`Trials`]: the first starts of a newly installed version are a trial. It must reach the
//!   welcome screen within [`TRIAL_STARTS`] starts, or the copy of the previous version kept
//!   before installing is put back.
//! - [`PackageInstaller`]: the root side of a .deb install. The kiosk asks through
//!   `install.request` ([`UpdateDir::request_install`]); root checks the signature again
//!   ([`signature::verify`]), installs with dpkg, keeps the previous version and puts it back if
//!   the kiosk does not come up, and answers through `install.result` ([`InstallResult`]).

pub mod debian;
mod error;
mod handoff;
mod package;
pub mod signature;
mod staged;
mod trial;

pub use error::UpdateError;
pub use handoff::InstallResult;
pub use package::{root_key, PackageInstaller, System, PACKAGE_NAME};
pub use staged::{StagedUpdate, UpdateDir, UPDATES_DIR};
pub use trial::{StartVerdict, Trials, TRIAL_STARTS};
