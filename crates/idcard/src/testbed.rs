//! A pseudo-terminal serving a [`SimulatedSam`] (feature `testbed`): the real
//! [`crate::SerialSamReader`] opens the pty's device path like a serial port, and a thread on the
//! other (master) side answers its frames. No external program and no `unsafe`: the pty comes
//! from `serialport::TTYPort::pair()`.
//!
//! `PtySam::start_at(sim, link)` also makes `link` a symlink to the pty, so a test can make
//! "the same device path" vanish ([`PtySam::vanish`]: the pty closes and the link goes) and come
//! back (a new `PtySam` at the same link), as a USB-serial adapter does when pulled and replugged.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serialport::{SerialPort, TTYPort};

use crate::simulated::{SamFault, SimulatedSam};
use crate::text::IdCardHolder;

/// A simulated SAM module behind a pseudo-terminal.
pub struct PtySam {
    sam: Arc<Mutex<SimulatedSam>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// The pty's slave device (`/dev/pts/N`).
    device: PathBuf,
    /// The symlink made by `start_at`, if any.
    link: Option<PathBuf>,
}

impl std::fmt::Debug for PtySam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PtySam")
            .field("device", &self.device)
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

impl PtySam {
    /// Opens a pty and serves `sim` on it. [`PtySam::path`] is the slave device.
    pub fn start(sim: SimulatedSam) -> io::Result<PtySam> {
        let (master, slave) = TTYPort::pair().map_err(io::Error::from)?;
        let device = slave
            .name()
            .map(PathBuf::from)
            .ok_or_else(|| io::Error::other("the pty has no device name"))?;
        // The reader opens the slave itself; holding it here would hide its hang-ups and
        // compete for its input.
        drop(slave);
        let sam = Arc::new(Mutex::new(sim));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let sam = Arc::clone(&sam);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("pty-sam".into())
                .spawn(move || serve(master, &sam, &stop))?
        };
        Ok(PtySam {
            sam,
            stop,
            thread: Some(thread),
            device,
            link: None,
        })
    }

    /// Like [`PtySam::start`], and makes `link` a symlink to the pty (replacing what is there):
    /// [`PtySam::path`] is then `link`.
    pub fn start_at(sim: SimulatedSam, link: &Path) -> io::Result<PtySam> {
        let mut pty = PtySam::start(sim)?;
        let tmp = link.with_extension("new-link");
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(&pty.device, &tmp)?;
        std::fs::rename(&tmp, link)?;
        pty.link = Some(link.to_path_buf());
        Ok(pty)
    }

    /// The path to open as a serial port.
    pub fn path(&self) -> &Path {
        self.link.as_deref().unwrap_or(&self.device)
    }

    /// The pty's own device (`/dev/pts/N`).
    pub fn device(&self) -> &Path {
        &self.device
    }

    fn sam(&self) -> MutexGuard<'_, SimulatedSam> {
        self.sam.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts a card on the reader.
    pub fn place(&self, holder: IdCardHolder) {
        self.sam().place(holder);
    }

    /// Takes the card away.
    pub fn take(&self) {
        self.sam().take();
    }

    /// Injects a fault into the module (`None` repairs it).
    pub fn set_fault(&self, fault: Option<SamFault>) {
        self.sam().set_fault(fault);
    }

    /// The port goes away: the pty is closed (the reader's reads and writes fail) and the
    /// symlink, if any, is removed.
    pub fn vanish(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(link) = self.link.take() {
            // Only our own link: a newer PtySam may already own the path.
            if std::fs::read_link(&link).is_ok_and(|target| target == self.device) {
                let _ = std::fs::remove_file(&link);
            }
        }
    }
}

impl Drop for PtySam {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Answers frames on the master side until `stop`; closing the master (at return) hangs up the
/// slave side.
fn serve(mut master: TTYPort, sam: &Mutex<SimulatedSam>, stop: &AtomicBool) {
    let _ = master.set_timeout(Duration::from_millis(20));
    let mut buf = [0u8; 512];
    while !stop.load(Ordering::SeqCst) {
        match master.read(&mut buf) {
            Ok(0) => std::thread::sleep(Duration::from_millis(10)),
            Ok(n) => {
                let reply = sam
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .receive(buf.get(..n).unwrap_or_default());
                // Written in pieces, as a serial line delivers them.
                for piece in reply.chunks(200) {
                    if master.write_all(piece).is_err() {
                        break;
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {}
            // No slave open (POLLHUP) or a transient error: wait for the reader.
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}
