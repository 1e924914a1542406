//! A virtual screen for the kiosk window: Xvfb at 1920x1080 (or another size, e.g. a portrait
//! 1080x1920 panel) with a window manager, so the full-screen window really fills the screen
//! (a bare Xvfb leaves it at 800x600).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::{supervised, wait_for, Supervised};

pub struct Display {
    pub number: u32,
    // Field order = drop order: the window manager goes before its X server.
    _wm: Option<Supervised>,
    _xvfb: Supervised,
}

impl Display {
    pub fn start() -> Result<Display, String> {
        Display::start_sized(1920, 1080)
    }

    /// A screen of `width` x `height` pixels: 1080x1920 is a portrait panel.
    pub fn start_sized(width: u32, height: u32) -> Result<Display, String> {
        let number = (90..200)
            .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
            .ok_or("no free X display number")?;
        let mut xvfb = Command::new("Xvfb");
        xvfb.args([
            format!(":{number}"),
            "-screen".into(),
            "0".into(),
            format!("{width}x{height}x24"),
            "-nolisten".into(),
            "tcp".into(),
        ]);
        let xvfb = supervised(xvfb, Stdio::null(), Stdio::null())
            .map_err(|e| format!("cannot start Xvfb (apt package xvfb): {e}"))?;
        let socket = format!("/tmp/.X11-unix/X{number}");
        wait_for(Duration::from_secs(10), || {
            Ok(Path::new(&socket).exists().then_some(()))
        })?;
        let mut wm = Command::new("matchbox-window-manager");
        wm.args(["-use_titlebar", "no"])
            .env("DISPLAY", format!(":{number}"));
        let wm = supervised(wm, Stdio::null(), Stdio::null()).ok();
        Ok(Display {
            number,
            _wm: wm,
            _xvfb: xvfb,
        })
    }

    pub fn name(&self) -> String {
        format!(":{}", self.number)
    }
}
