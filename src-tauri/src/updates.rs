//! Updates of the kiosk (issue 14). The Tauri updater plugin reads the manifest at
//! `[update] url`, downloads the package and checks its signature against `[update] pubkey`;
//! `station-update` keeps the verified package until the station is quiet (never during a
//! visit) and runs the new version's first starts as a trial that rolls back.
//!
//! Who installs: an AppImage or a Windows install replaces itself through the plugin. A .deb
//! (or a development build) is owned by root: the kiosk, an unprivileged user under
//! `NoNewPrivileges=`, downloads, verifies and keeps the package, and when the station is quiet
//! asks root's installer (`install.request`; `package_update.rs`, its own unit) to install it.
//! The installer's answer (`install.result`) is picked up here and audited.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use station_core::config::UpdateSettings;
use station_kiosk::Kiosk;
use station_protocol::UpdateState;
use station_store::{AuditEvent, Store};
use station_update::{InstallResult, StartVerdict, Trials, UpdateDir};
use tauri::AppHandle;
use tauri_plugin_updater::{Update, UpdaterExt};

/// The first look after start: once the window is up, not while it comes up.
const FIRST_CHECK_AFTER: Duration = Duration::from_secs(5);
/// How often a waiting update looks for a quiet station.
const QUIET_POLL: Duration = Duration::from_secs(5);
/// The exit status after installing: the service manager starts the new version (as after a
/// rollback; 75 = EX_TEMPFAIL, "try again", never in `RestartPreventExitStatus=`).
const EXIT_FOR_NEW_VERSION: i32 = 75;
/// How often the installer's answer is looked for.
const RESULT_POLL: Duration = Duration::from_secs(30);
/// Manifest and package requests give up after this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// The running version (the package version, which the manifest's version is compared with).
pub const RUNNING_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `HEALTH_STATION_UPDATES_DIR`, else `<OS data dir>/cn.healthstation.kiosk/station.updates`.
/// Not from station.toml: a new version's first starts are counted before the config is read
/// (a version that cannot read it must still roll back).
pub fn updates_dir() -> PathBuf {
    std::env::var_os("HEALTH_STATION_UPDATES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            dirs::data_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("cn.healthstation.kiosk")
                .join(station_update::UPDATES_DIR)
        })
}

/// First thing at start: counts a new version's start, or puts the previous version back.
/// `Err(())` = exit now (the previous version is back in place; the service starts it).
pub fn on_start(trials: &Trials) -> Result<StartVerdict, ()> {
    match trials.on_start(RUNNING_VERSION) {
        Ok(StartVerdict::RolledBack {
            version,
            previous_version,
        }) => {
            eprintln!(
                "health-station: version {version} never reached the welcome screen; \
                 version {previous_version} is back in place and starts next"
            );
            tracing::error!(%version, %previous_version, "update rolled back");
            Err(())
        }
        Ok(verdict) => Ok(verdict),
        Err(e) => {
            // A damaged record never stops the station: it starts as it is.
            tracing::error!(error = %e, "the update trial record cannot be read");
            Ok(StartVerdict::Normal)
        }
    }
}

/// Writes what the start found out about an update, once the store is open.
pub fn record_start(store: &Store, verdict: &StartVerdict) {
    match verdict {
        StartVerdict::CameBack { failed_version } => {
            // Audited before the log line: whoever reads the line finds the record.
            let event = AuditEvent::UpdateRolledBack {
                version: failed_version.clone(),
            };
            audit(store, event);
            tracing::error!(
                version = %failed_version,
                "an update never reached the welcome screen and was rolled back"
            );
        }
        StartVerdict::OnTrial { version, attempt } => {
            tracing::info!(%version, attempt, "first starts of a new version");
        }
        StartVerdict::Normal | StartVerdict::RolledBack { .. } => {}
    }
}

/// The station came up (its first view was asked for): a new version on trial stays.
pub fn confirm(trials: &Trials, store: &Store) {
    match trials.confirm(RUNNING_VERSION) {
        Ok(Some(previous)) => {
            let event = AuditEvent::UpdateInstalled {
                version: RUNNING_VERSION.to_string(),
                previous: previous.clone(),
            };
            audit(store, event);
            tracing::info!(version = RUNNING_VERSION, %previous, "update installed");
        }
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "cannot end the update trial"),
    }
}

/// Where this copy of the kiosk was installed from, as far as replacing it goes.
enum Installation {
    /// A file the kiosk may replace itself: the AppImage, or the program on Windows.
    SelfReplacing(PathBuf),
    /// A .deb or a development build: not the kiosk's to replace.
    Package,
}

fn installation() -> Installation {
    if let Some(appimage) = std::env::var_os("APPIMAGE") {
        return Installation::SelfReplacing(PathBuf::from(appimage));
    }
    if cfg!(windows) {
        if let Ok(exe) = std::env::current_exe() {
            return Installation::SelfReplacing(exe);
        }
    }
    Installation::Package
}

/// Looks for updates every `check_every` on a thread of its own, for as long as the app runs.
pub fn spawn(app: AppHandle, kiosk: Kiosk, store: Arc<Store>, settings: UpdateSettings) {
    let dir = UpdateDir::new(updates_dir());
    kiosk.set_update_state(UpdateState::NotChecked);
    let spawned = std::thread::Builder::new()
        .name("station-update".into())
        .spawn(move || {
            std::thread::sleep(FIRST_CHECK_AFTER);
            loop {
                pick_up_result(&dir, &store);
                // A panic here ends updates, never the station.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    tauri::async_runtime::block_on(check_once(
                        &app, &kiosk, &store, &settings, &dir,
                    ))
                }));
                let mut waited = Duration::ZERO;
                while waited < settings.check_every {
                    std::thread::sleep(RESULT_POLL);
                    waited += RESULT_POLL;
                    pick_up_result(&dir, &store);
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start looking for updates");
    }
}

/// Why a look for an update ended without one.
enum Miss {
    /// The server or the network: try again at the next look.
    Unreachable(String),
    /// The update itself is not to be trusted.
    Refused { version: String, reason: String },
}

async fn check_once(
    app: &AppHandle,
    kiosk: &Kiosk,
    store: &Store,
    settings: &UpdateSettings,
    dir: &UpdateDir,
) {
    let installation = installation();
    let (update, bytes) = match fetch(app, store, settings, dir, &installation).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            tracing::info!(version = RUNNING_VERSION, "the kiosk is up to date");
            kiosk.set_update_state(UpdateState::UpToDate);
            return;
        }
        Err(Miss::Unreachable(reason)) => {
            tracing::warn!(%reason, "cannot reach the update server; trying again later");
            kiosk.set_update_state(UpdateState::Unreachable);
            return;
        }
        Err(Miss::Refused { version, reason }) => {
            kiosk.set_update_state(UpdateState::Refused(version.clone()));
            // Audited before the log line: whoever reads the line finds the record.
            let event = AuditEvent::UpdateRefused {
                version: version.clone(),
                reason: reason.clone(),
            };
            audit(store, event);
            tracing::error!(
                %version,
                %reason,
                "an update was refused: its signature does not match this station's update key"
            );
            return;
        }
    };
    // Never during a visit: wait for a quiet station.
    kiosk.set_update_state(UpdateState::Waiting(update.version.clone()));
    while !kiosk.is_quiet() {
        std::thread::sleep(QUIET_POLL);
    }
    match installation {
        Installation::SelfReplacing(target) => install(app, &update, &bytes, &target, dir),
        Installation::Package => ask_root(kiosk, &update.version, dir),
    }
}

/// A .deb install: root's installer checks the kept package again and installs it (it stops
/// and restarts the kiosk). Without that installer (a development build) the request waits.
fn ask_root(kiosk: &Kiosk, version: &str, dir: &UpdateDir) {
    match dir.request_install(version) {
        Ok(()) => {
            kiosk.set_update_state(UpdateState::ForPackageManager(version.to_string()));
            tracing::info!(
                %version,
                "an update is verified and the station is quiet; asked the system's installer"
            );
        }
        Err(e) => tracing::error!(error = %e, "cannot ask the system's installer"),
    }
}

/// Audits what root's installer did with a requested version, once.
fn pick_up_result(dir: &UpdateDir, store: &Store) {
    let result = match dir.take_result() {
        Ok(None) => return,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the update installer's result");
            return;
        }
        Ok(Some(result)) => result,
    };
    // Audited before the log line: whoever reads the line finds the record.
    match result {
        InstallResult::Installed { version, previous } => {
            audit(
                store,
                AuditEvent::UpdateInstalled {
                    version: version.clone(),
                    previous: previous.clone(),
                },
            );
            tracing::info!(%version, %previous, "update installed by the system's installer");
        }
        InstallResult::RolledBack {
            version,
            previous,
            reason,
        } => {
            let record = AuditEvent::UpdateRolledBack {
                version: version.clone(),
            };
            audit(store, record);
            tracing::error!(%version, %previous, %reason, "an update never reached the welcome screen and was rolled back");
        }
        InstallResult::Refused { version, reason } => {
            let record = AuditEvent::UpdateRefused {
                version: version.clone(),
                reason: reason.clone(),
            };
            audit(store, record);
            tracing::error!(%version, %reason, "the system's installer refused an update");
        }
    }
}

/// The update and its verified bytes (the staged copy when it is this version), or none.
async fn fetch(
    app: &AppHandle,
    store: &Store,
    settings: &UpdateSettings,
    dir: &UpdateDir,
    installation: &Installation,
) -> Result<Option<(Update, Vec<u8>)>, Miss> {
    let unreachable = |e: tauri_plugin_updater::Error| Miss::Unreachable(e.to_string());
    let url = tauri::Url::parse(&settings.url).map_err(|e| Miss::Unreachable(e.to_string()))?;
    let mut builder = app
        .updater_builder()
        .endpoints(vec![url])
        .map_err(unreachable)?
        .pubkey(settings.pubkey.clone())
        .timeout(REQUEST_TIMEOUT);
    if let Installation::SelfReplacing(path) = installation {
        builder = builder.executable_path(path);
    }
    let updater = builder.build().map_err(unreachable)?;
    let Some(update) = updater.check().await.map_err(unreachable)? else {
        return Ok(None);
    };
    let version = update.version.clone();
    if let Ok(Some(staged)) = dir.staged() {
        if staged.version == version {
            if let Ok(bytes) = std::fs::read(&staged.package) {
                if update.verify(&bytes).is_ok() {
                    return Ok(Some((update, bytes)));
                }
            }
        }
    }
    let bytes = match update.download(|_, _| {}, || {}).await {
        Ok(bytes) => bytes,
        Err(e) if is_untrusted(&e) => {
            let _ = dir.discard();
            return Err(Miss::Refused {
                version,
                reason: e.to_string(),
            });
        }
        Err(e) => return Err(unreachable(e)),
    };
    match dir.stage(&version, &bytes, &update.signature) {
        Ok(staged) => {
            let event = AuditEvent::UpdateStaged {
                version: version.clone(),
            };
            audit(store, event);
            tracing::info!(
                %version,
                package = %staged.package.display(),
                "an update was downloaded and its signature checked; it waits for a quiet station"
            );
        }
        Err(e) => tracing::error!(error = %e, "cannot keep the verified update"),
    }
    Ok(Some((update, bytes)))
}

/// The update's package or signature cannot be trusted (as opposed to not being reachable).
fn is_untrusted(e: &tauri_plugin_updater::Error) -> bool {
    use tauri_plugin_updater::Error as E;
    matches!(
        e,
        E::Minisign(_)
            | E::Base64(_)
            | E::SignatureUtf8(_)
            | E::SignedVersionMismatch { .. }
            | E::MissingSignedVersion
    )
}

fn install(
    app: &AppHandle,
    update: &Update,
    bytes: &[u8],
    target: &std::path::Path,
    dir: &UpdateDir,
) {
    let trials = Trials::new(dir.root());
    if let Err(e) = trials.begin(target, RUNNING_VERSION, &update.version) {
        tracing::error!(error = %e, "cannot keep a copy of this version; not updating");
        return;
    }
    // The plugin checks the signature again before it replaces anything.
    match update.install(bytes) {
        Ok(()) => {
            let _ = dir.discard();
            tracing::info!(version = %update.version, "update installed; restarting into it");
            // The service manager starts the new version: its first starts are the trial.
            app.exit(EXIT_FOR_NEW_VERSION);
        }
        Err(e) => {
            tracing::error!(error = %e, version = %update.version, "the update could not be installed");
            if let Err(e) = trials.abandon() {
                tracing::error!(error = %e, "cannot end the update trial");
            }
        }
    }
}

/// An update's step in the audit trail; a store that refuses it is logged, never fatal here.
fn audit(store: &Store, event: AuditEvent) {
    if let Err(e) = store.record(None, event) {
        tracing::error!(error = %e, "cannot write the audit record");
    }
}
