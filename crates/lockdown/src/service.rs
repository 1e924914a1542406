//! Telling the service manager that the kiosk is up (systemd `Type=notify`).
//!
//! The unit (packaging/linux/health-station.service) waits for this before it counts the kiosk as
//! started, so `systemctl status health-station` says "active" only once the window is showing
//! the station's first screen — after a boot, and after every restart that follows a crash.
//! The kiosk runs under cage, so the unit sets `NotifyAccess=all` (cage is the main process).

/// Tells systemd that the kiosk is up, when this process runs under a `Type=notify` unit
/// (`$NOTIFY_SOCKET` set). Anywhere else (a developer's shell, the e2e harness, Windows) it does
/// nothing.
pub fn tell_service_manager_ready() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        // Keep $NOTIFY_SOCKET: the variable is harmless and the call may come again.
        sd_notify::notify(false, &[sd_notify::NotifyState::Ready])
    }
    #[cfg(not(unix))]
    {
        Ok(())
    }
}
