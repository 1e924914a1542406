//! A real systemd service manager for the lockdown tests: systemd's own user manager
//! (`systemd --user`), run on a test machine whose PID 1 is not systemd.
//!
//! systemd refuses to run a manager where `/run/systemd/system` is missing (the "booted with
//! systemd" mark), and creating that folder would make every other tool on the machine think
//! systemd runs it. So the manager gets a mount namespace of its own with a private tmpfs on
//! `/run/systemd` holding the mark; `systemctl` joins that namespace (`nsenter`) to talk to it.
//! Both need root (mount, setns): scripts/test runs as root in CI. Units go in
//! `$XDG_RUNTIME_DIR/systemd/user` (a search path of the user manager), nothing in the home.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::{supervised, wait_for, Supervised};

pub struct ServiceManager {
    runtime_dir: PathBuf,
    config_dir: PathBuf,
    pid: u32,
    _manager: Supervised,
}

const START: &str = "mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd \
    && mkdir /run/systemd/system && exec /lib/systemd/systemd --user";

impl ServiceManager {
    /// Starts a manager keeping its runtime and config folders in `dir`; its log in `dir/manager.log`.
    pub fn start(dir: &Path) -> Result<ServiceManager, String> {
        let runtime_dir = dir.join("run");
        let config_dir = dir.join("config");
        for d in [&runtime_dir, &config_dir] {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        set_private(&runtime_dir)?;
        let mut cmd = Command::new("unshare");
        cmd.args(["--mount", "--propagation", "private", "sh", "-c", START])
            .env("XDG_RUNTIME_DIR", &runtime_dir)
            .env("XDG_CONFIG_HOME", &config_dir);
        let log = std::fs::File::create(dir.join("manager.log")).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let manager = supervised(cmd, Stdio::from(log), Stdio::from(log2))
            .map_err(|e| format!("cannot start unshare (util-linux): {e}"))?;
        // The supervisor shell's child: unshare, which became sh, which became systemd.
        let shell = manager.id().ok_or("the supervisor has no process id")?;
        let pid = wait_for(Duration::from_secs(10), || {
            let out = Command::new("pgrep")
                .args(["-P", &shell.to_string()])
                .output()
                .map_err(|e| e.to_string())?;
            Ok(String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .and_then(|l| l.trim().parse::<u32>().ok()))
        })?;
        let sm = ServiceManager {
            runtime_dir,
            config_dir,
            pid,
            _manager: manager,
        };
        wait_for(Duration::from_secs(20), || {
            let out = sm.systemctl(&["is-system-running"])?;
            let state = String::from_utf8_lossy(&out.stdout).trim().to_string();
            Ok(matches!(state.as_str(), "running" | "degraded").then_some(()))
        })
        .map_err(|e| {
            let log = std::fs::read_to_string(dir.join("manager.log")).unwrap_or_default();
            format!("the systemd user manager did not come up: {e}\n{log}")
        })?;
        Ok(sm)
    }

    /// The manager's `XDG_RUNTIME_DIR` (its control socket is in there).
    pub fn runtime_dir(&self) -> &Path {
        &self.runtime_dir
    }

    /// Where units go: a search path of the user manager.
    pub fn unit_dir(&self) -> PathBuf {
        self.runtime_dir.join("systemd").join("user")
    }

    /// `systemctl --user ARGS` against this manager.
    pub fn systemctl(&self, args: &[&str]) -> Result<Output, String> {
        Command::new("nsenter")
            .args([
                "--target",
                &self.pid.to_string(),
                "--mount",
                "systemctl",
                "--user",
            ])
            .args(args)
            .env("XDG_RUNTIME_DIR", &self.runtime_dir)
            .env("XDG_CONFIG_HOME", &self.config_dir)
            .output()
            .map_err(|e| format!("cannot run nsenter/systemctl: {e}"))
    }

    /// One property of a unit (`systemctl show -p NAME --value`).
    pub fn property(&self, unit: &str, name: &str) -> Result<String, String> {
        let out = self.systemctl(&["show", "-p", name, "--value", unit])?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Runs `systemctl --user ARGS`, failing with what it said unless it succeeds.
    pub fn run(&self, args: &[&str]) -> Result<(), String> {
        let out = self.systemctl(args)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "systemctl --user {}: {}{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

fn set_private(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("{}: {e}", dir.display()))
}

/// Where a kiosk run by a test's manager finds its things.
pub struct KioskBed<'a> {
    /// The test's folder (writable by the unit, its log in `app.log`).
    pub root: &'a Path,
    pub home: &'a Path,
    pub display: &'a str,
    pub config: &'a Path,
    pub pcsc: &'a Path,
    pub app: &'a Path,
    /// Extra `NAME=value` settings for the unit's environment.
    pub env: &'a [String],
}

impl ServiceManager {
    /// Installs the kiosk's shipped unit (`unit`, as the package put it) with a test-bed drop-in
    /// that changes only what a test machine lacks — the `kiosk` user and its login on tty1, cage
    /// (the app goes straight onto the test's X display), the journal — and where the station's
    /// config and data are. The restart policy, `Type=notify`, the sealed key credential and the
    /// `ProtectSystem=strict` sandbox are the package's own.
    pub fn install_kiosk_unit(&self, unit: &Path, bed: &KioskBed<'_>) -> Result<(), String> {
        let units = self.unit_dir();
        let dropins = units.join("health-station.service.d");
        std::fs::create_dir_all(&dropins).map_err(|e| format!("unit folders: {e}"))?;
        std::fs::copy(unit, units.join("health-station.service"))
            .map_err(|e| format!("{}: {e}", unit.display()))?;
        let extra: String = bed
            .env
            .iter()
            .map(|e| format!("Environment=\"{e}\"\n"))
            .collect();
        let test_bed = format!(
            "[Service]\n\
             # No kiosk user, login session or tty1 on a test machine.\n\
             User=\nPAMName=\nTTYPath=\nStandardInput=null\nUtmpIdentifier=\n\
             # The journal is not running here.\n\
             StandardOutput=append:{log}\nStandardError=append:{log}\n\
             # The test's X server socket lives in /tmp; a station's Wayland socket does not.\n\
             PrivateTmp=no\n\
             # A user manager's state folder would be root's home.\n\
             StateDirectory=\n\
             ReadWritePaths={root}\n\
             Environment=HOME={home} DISPLAY={display} HEALTH_STATION_CONFIG={config} \
             PCSCLITE_CSOCK_NAME={pcsc} HEALTH_STATION_UPDATES_DIR={updates}\n{extra}\
             ExecStart=\nExecStart={app}\n",
            log = bed.root.join("app.log").display(),
            root = bed.root.display(),
            updates = bed.root.join("updates").display(),
            home = bed.home.display(),
            display = bed.display,
            config = bed.config.display(),
            pcsc = bed.pcsc.display(),
            app = bed.app.display(),
        );
        std::fs::write(dropins.join("test-bed.conf"), test_bed).map_err(|e| format!("drop-in: {e}"))
    }

    /// Installs a shipped unit as it is, with a drop-in of `changes`.
    pub fn install_unit(&self, unit: &Path, changes: &str) -> Result<(), String> {
        let units = self.unit_dir();
        let name = unit
            .file_name()
            .ok_or_else(|| format!("{} is no unit", unit.display()))?;
        let mut dropins = name.to_os_string();
        dropins.push(".d");
        let dropins = units.join(dropins);
        std::fs::create_dir_all(&dropins).map_err(|e| format!("unit folders: {e}"))?;
        std::fs::copy(unit, units.join(name)).map_err(|e| format!("{}: {e}", unit.display()))?;
        std::fs::write(dropins.join("test-bed.conf"), changes).map_err(|e| format!("drop-in: {e}"))
    }
}
