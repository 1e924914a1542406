//! The kiosk shell: a thin Tauri adapter. It loads the station config, opens the store, picks
//! the hardware backends, starts the station runtime and forwards actions in / views out.
//! Everything with behaviour lives in crates/ (see ARCHITECTURE.md).

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod hardware;
mod live_video;
mod package_update;
mod paths;
mod updates;

use std::process::ExitCode;
use std::sync::Arc;

use station_core::config::{StationConfig, StationMode};
use station_kiosk::{Kiosk, StationFiles, SystemClock};
use station_protocol::{Action, StationView, VIEW_EVENT};
use station_store::{KeyStore, Maintenance, Store, StoreError, StoreOptions};
use tauri::{Emitter, Manager};

/// Exit status for a bad configuration (sysexits EX_CONFIG), so installers and service
/// managers can tell it from a crash.
const EXIT_CONFIG: u8 = 78;
/// Exit status when the data directory or store cannot be opened (EX_CANTCREAT).
const EXIT_STORE: u8 = 73;
/// Exit status when the store is damaged and no backup could restore it (EX_DATAERR). A key
/// fault (missing, or not this store's) exits with EXIT_CONFIG: a person must provision it.
/// None of these is worth an automatic restart (systemd: RestartPreventExitStatus=65 73 78).
const EXIT_DAMAGED: u8 = 65;
/// Another copy of the kiosk is running (it holds the single-instance lock; EX_TEMPFAIL): this
/// one exits at once, before the store or a window. Worth a later retry, so a unit restarting
/// on it takes over once the other copy ends.
const EXIT_RUNNING: u8 = 75;

// Commands run off the main thread: a store write (fsync) under the state lock never freezes
// the window.
#[tauri::command(async)]
fn station_view(
    kiosk: tauri::State<'_, Kiosk>,
    trial: tauri::State<'_, StartTrial>,
) -> StationView {
    // The UI asks for its first view once its code runs in the window: from then on the station
    // is up, and a `Type=notify` unit may count it started (after a boot or a crash restart).
    static UP: std::sync::Once = std::sync::Once::new();
    UP.call_once(|| {
        tracing::info!("the window asked for its first screen: the station is up");
        if let Err(e) = station_lockdown::tell_service_manager_ready() {
            tracing::warn!(error = %e, "cannot tell the service manager the kiosk is up");
        }
        // ...and a new version on trial has passed its first-start check.
        updates::confirm(&trial.trials, &trial.store);
    });
    kiosk.view()
}

#[tauri::command(async)]
fn act(kiosk: tauri::State<'_, Kiosk>, action: Action) -> StationView {
    kiosk.act(action)
}

/// A new version's first starts (crates/update): confirmed when the station is up.
struct StartTrial {
    trials: station_update::Trials,
    store: Arc<Store>,
}

/// The store with its key where the config (or the unit's credential) puts it, and backups in the
/// configured folder.
fn open_store(config: &StationConfig, data_dir: &std::path::Path) -> Result<Store, StoreError> {
    let options = StoreOptions {
        keys: KeyStore::locate(config.storage.key_dir.as_deref())?,
        backup_dir: paths::backup_dir(config, data_dir),
        backup_copies: config.storage.backup_copies as usize,
    };
    if options.keys.location().starts_with(data_dir) {
        tracing::warn!(keys = %options.keys, "the station key is inside the data directory");
    }
    Store::open_with(data_dir, Arc::new(SystemClock::new()), &options)
}

fn main() -> ExitCode {
    // Masked lines to stderr at once, and to the log files once the config says where.
    let logging = match station_logs::Logging::init() {
        Ok(l) => Some(l),
        Err(e) => {
            eprintln!("health-station: {e}");
            None
        }
    };
    station_kiosk::install_panic_hook();
    // Root's installer of a .deb update (its own unit): not a kiosk start at all.
    if std::env::args().nth(1).as_deref() == Some(package_update::FLAG) {
        return package_update::run();
    }

    // A new version's start is counted before anything it could fail at (the config included);
    // one that never came up is replaced by the previous version here. Before the instance lock
    // too (its path comes from the config), so a second copy refused by it also counts a start:
    // harmless, nobody starts a kiosk twice by hand.
    let trials = station_update::Trials::new(updates::updates_dir());
    let Ok(start) = updates::on_start(&trials) else {
        return ExitCode::from(EXIT_RUNNING);
    };

    // Config and store first, before any window: a broken station says why and stops.
    let config_path = paths::config_file();
    let config = match StationConfig::load(&config_path, paths::demo_asked()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("health-station: {e}");
            tracing::error!(error = %e, "bad station configuration");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    // One kiosk per station, without D-Bus: an OS file lock, held until the process ends
    // (released by the OS even on kill -9). Before the store: two copies never share it.
    let _instance = match station_lockdown::acquire(&paths::lock_file(&config)) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("health-station: {e}");
            tracing::error!(error = %e, "not starting a second copy");
            let code = match e {
                station_lockdown::LockError::AlreadyRunning { .. } => EXIT_RUNNING,
                station_lockdown::LockError::Io { .. } => EXIT_STORE,
            };
            return ExitCode::from(code);
        }
    };
    let data_dir = paths::data_dir(&config);
    if let Some(logging) = &logging {
        let log_dir = paths::log_dir(&config, &data_dir);
        let names = &config.name_parts;
        let place_names = [
            Some(&names.town),
            Some(&names.community),
            names.label.as_ref(),
        ];
        if let Err(e) = logging.open_files(
            &log_dir,
            config.logs.keep_days,
            place_names.into_iter().flatten(),
        ) {
            // The station still runs; its lines go to stderr (the journal) only.
            tracing::error!(error = %e, "log files cannot be written");
        }
    }
    let store = match open_store(&config, &data_dir) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            let code = match &e {
                StoreError::KeyMissing { .. }
                | StoreError::KeyMismatch { .. }
                | StoreError::KeyUnavailable { .. }
                | StoreError::BadKey { .. } => EXIT_CONFIG,
                StoreError::Damaged { .. } => EXIT_DAMAGED,
                _ => EXIT_STORE,
            };
            eprintln!("health-station: {e}");
            eprintln!(
                "health-station: the station cannot start; staff: see crates/store/README.md \
                 (\"When the station stops at start\"), exit status {code}"
            );
            tracing::error!(error = %e, code, "cannot open the store");
            return ExitCode::from(code);
        }
    };
    if let Some(r) = store.recovery() {
        // Staff must hear of it: the kiosk can show `store.recovery()`; the audit has it too.
        eprintln!(
            "health-station: the store was damaged ({}) and was restored from the backup of {}; \
             anything saved after that is lost",
            r.reason,
            r.backup_taken_at.to_rfc3339()
        );
        tracing::warn!(
            reason = %r.reason,
            backup = %r.backup.display(),
            backup_taken_at = %r.backup_taken_at.to_rfc3339(),
            damaged_copy = ?r.damaged_copy,
            "store restored from backup"
        );
    }
    updates::record_start(&store, &start);
    // Backups (and the retention purge) on their own thread, for as long as the app runs.
    let _maintenance = store.spawn_maintenance(Maintenance {
        backup_every: std::time::Duration::from_secs(
            u64::from(config.storage.backup_interval_minutes) * 60,
        ),
        retention_days: config.storage.retention_days,
    });
    tracing::info!(
        config = %config_path.display(),
        data = %data_dir.display(),
        mode = ?config.mode,
        "station starting"
    );

    // Single instance is the lock above (tauri-plugin-single-instance needs a D-Bus session
    // bus on Linux, which a kiosk started by a system unit does not have).
    let demo = config.mode == StationMode::Demo;
    let log_dir_for_admin = paths::log_dir(&config, &data_dir);
    // Diagnostics bundles go to a USB drive; without one, here.
    let diagnostics_dir = data_dir.join("station.diagnostics");
    let update_settings = config.update.clone();
    let result = tauri::Builder::default()
        // Rust side only: the capabilities grant the page none of its commands.
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(tauri::generate_handler![
            station_view,
            act,
            live_video::watch_live_video
        ])
        .on_window_event(|window, event| {
            // A kiosk window closes only from staff admin mode ("关闭自助机").
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let allowed = window
                    .app_handle()
                    .try_state::<Kiosk>()
                    .is_some_and(|k| k.may_close());
                if !allowed {
                    tracing::warn!("window close refused outside admin mode");
                    api.prevent_close();
                }
            }
        })
        .setup(move |app| {
            let audio_dir = paths::audio_dir(app.path().resource_dir().ok());
            let live_video = live_video::LiveVideo::default();
            let mut hw = hardware::select(&config, &audio_dir);
            hw.live_video = Some(live_video.sink());
            app.manage(live_video);
            let handle = app.handle().clone();
            app.manage(StartTrial {
                trials,
                store: store.clone(),
            });
            let update_store = store.clone();
            let kiosk = Kiosk::start(
                config,
                store,
                hw,
                Arc::new(SystemClock::new()),
                Box::new(move |view| {
                    let _ = handle.emit(VIEW_EVENT, view);
                }),
            );
            kiosk.set_station_files(StationFiles {
                config: Some(config_path),
                logs: Some(log_dir_for_admin),
                demo,
                diagnostics: Some(diagnostics_dir),
            });
            let exit = app.handle().clone();
            kiosk.set_exit_handler(Box::new(move || exit.exit(0)));
            kiosk.spawn_ticker();
            kiosk.set_version(updates::RUNNING_VERSION);
            if let Some(settings) = update_settings {
                updates::spawn(app.handle().clone(), kiosk.clone(), update_store, settings);
            }
            app.manage(kiosk);
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match result {
        Ok(app) => app,
        Err(e) => {
            eprintln!("health-station: cannot start the window: {e}");
            return ExitCode::FAILURE;
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            if let Some(k) = handle.try_state::<Kiosk>() {
                k.shutdown();
            }
        }
    });
    ExitCode::SUCCESS
}
