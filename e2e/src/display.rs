//! A virtual screen for the kiosk window: Xvfb at 1920x1080 with a window manager, so the
//! full-screen window really fills the screen (a bare Xvfb leaves it at 800x600).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::wait_for;

pub struct Display {
    pub number: u32,
    xvfb: Child,
    wm: Option<Child>,
}

impl Display {
    pub fn start() -> Result<Display, String> {
        let number = (90..200)
            .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
            .ok_or("no free X display number")?;
        let xvfb = Command::new("Xvfb")
            .args([
                format!(":{number}"),
                "-screen".into(),
                "0".into(),
                "1920x1080x24".into(),
                "-nolisten".into(),
                "tcp".into(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start Xvfb (apt package xvfb): {e}"))?;
        let socket = format!("/tmp/.X11-unix/X{number}");
        wait_for(Duration::from_secs(10), || {
            Ok(Path::new(&socket).exists().then_some(()))
        })?;
        let wm = Command::new("matchbox-window-manager")
            .args(["-use_titlebar", "no"])
            .env("DISPLAY", format!(":{number}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
        Ok(Display { number, xvfb, wm })
    }

    pub fn name(&self) -> String {
        format!(":{}", self.number)
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(wm) = &mut self.wm {
            let _ = wm.kill();
            let _ = wm.wait();
        }
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}
