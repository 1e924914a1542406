//! [`System`] on Debian: dpkg, dpkg-deb, dpkg-repack (a dependency of the package) and
//! systemctl, each run as a program and its failure given in its own words.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::package::{System, PACKAGE_NAME};
use crate::TRIAL_STARTS;

/// The kiosk's unit.
pub const KIOSK_UNIT: &str = "health-station.service";

pub struct Debian {
    /// How to run systemctl: `["systemctl"]` on a station; a test's own manager in tests.
    pub systemctl: Vec<String>,
    pub unit: String,
    /// The kiosk must reach its first screen within this after a start.
    pub start_within: Duration,
}

impl Debian {
    pub fn new(systemctl: Vec<String>, start_within: Duration) -> Debian {
        Debian {
            systemctl,
            unit: KIOSK_UNIT.to_string(),
            start_within,
        }
    }

    fn systemctl(&self, args: &[&str]) -> Result<String, String> {
        let (program, first) = self.systemctl.split_first().ok_or("no systemctl command")?;
        run(Command::new(program).args(first).args(args))
    }

    fn show(&self, property: &str) -> Result<String, String> {
        self.systemctl(&["show", "--value", "-p", property, &self.unit])
            .map(|v| v.trim().to_string())
    }
}

/// Runs a program; its standard output, or what it said on failure.
fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{:?} {}: {}",
            cmd.get_program(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl System for Debian {
    fn deb_fields(&self, deb: &Path) -> Result<(String, String), String> {
        let out = run(Command::new("dpkg-deb")
            .arg("--field")
            .arg(deb)
            .args(["Package", "Version"]))?;
        let field = |name: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                .map(|v| v.trim().to_string())
                .ok_or_else(|| format!("no {name} field"))
        };
        Ok((field("Package")?, field("Version")?))
    }

    fn installed_version(&self) -> Result<String, String> {
        run(Command::new("dpkg-query").args(["-W", "-f=${Version}", PACKAGE_NAME]))
            .map(|v| v.trim().to_string())
    }

    fn is_newer(&self, candidate: &str, installed: &str) -> Result<bool, String> {
        let status = Command::new("dpkg")
            .args(["--compare-versions", candidate, "gt", installed])
            .status()
            .map_err(|e| format!("dpkg: {e}"))?;
        Ok(status.success())
    }

    fn keep_installed(&self, dir: &Path) -> Result<PathBuf, String> {
        // Fast compression: the copy is local and only needed until the next update.
        run(Command::new("dpkg-repack").current_dir(dir).args([
            "--deb-option=-Zgzip",
            "--deb-option=-z1",
            PACKAGE_NAME,
        ]))?;
        std::fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "deb"))
            .ok_or_else(|| "dpkg-repack wrote no package".to_string())
    }

    fn install(&self, deb: &Path) -> Result<(), String> {
        run(Command::new("dpkg")
            .args(["--install", "--force-confold"])
            .arg(deb)
            .env("DEBIAN_FRONTEND", "noninteractive"))
        .map(drop)
    }

    fn stop_kiosk(&self) -> Result<(), String> {
        self.systemctl(&["stop", &self.unit]).map(drop)
    }

    fn start_kiosk(&self) -> Result<bool, String> {
        let restarts = |d: &Debian| -> u32 {
            d.show("NRestarts")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        let before = restarts(self);
        self.systemctl(&["start", "--no-block", &self.unit])?;
        let until = Instant::now() + self.start_within;
        while Instant::now() < until {
            // Type=notify: "active" only once the app said READY=1 (its first screen).
            if self.show("ActiveState")? == "active" {
                return Ok(true);
            }
            if restarts(self).saturating_sub(before) >= TRIAL_STARTS {
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        Ok(false)
    }
}
