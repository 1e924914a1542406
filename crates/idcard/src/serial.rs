//! The real backend: a SAM-module ID card reader on a serial or USB-serial port.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serialport::{ClearBuffer, DataBits, FlowControl, Parity, SerialPort, StopBits};

use crate::link::{watch, Connector, Halt, SamLink, Session, Timing};
use crate::reader::{spawn_watcher, IdCardReaderBackend, IdEventSink, IdReaderHandle};
use crate::IdCardError;

/// The usual line speed of SAM-module readers (8 data bits, no parity, 1 stop bit).
pub const BAUD_RATE: u32 = 115_200;

/// How long one read call waits: short, so the watcher notices a stop request promptly.
const READ_SLICE: Duration = Duration::from_millis(50);

/// A SAM-module reader at a device path (`/dev/ttyUSB0`, a udev symlink, a pseudo-terminal).
///
/// The watcher opens the port (absent → `Status(NoReader)`, retried every second), checks the
/// SAM (`Ready`; failed self-test → `NoService`), polls for a card every 300 ms and reads each
/// card once per placement. A port that fails or vanishes (USB pulled) reports `NoReader` and
/// is reopened when it returns.
#[derive(Debug, Clone)]
pub struct SerialSamReader {
    path: PathBuf,
    timing: Timing,
}

impl SerialSamReader {
    pub fn new(path: PathBuf) -> SerialSamReader {
        SerialSamReader {
            path,
            timing: Timing::default(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Changes the find-card polling interval (default 300 ms).
    pub fn with_poll_interval(mut self, poll: Duration) -> SerialSamReader {
        self.timing.poll = poll;
        self
    }
}

impl IdCardReaderBackend for SerialSamReader {
    fn start(&self, sink: IdEventSink) -> IdReaderHandle {
        let connector = SerialConnector {
            path: self.path.clone(),
        };
        let timing = self.timing;
        spawn_watcher("idcard-serial", move |stop| {
            watch(connector, timing, &stop, sink);
        })
    }
}

/// Opens the port at `path` and asks the SAM module for its status once: for a setup check or
/// a diagnostics screen. `Err(SamSelfTest)` for a module that failed its self-test.
pub fn check_reader(path: &Path) -> Result<(), IdCardError> {
    let link = SerialConnector {
        path: path.to_path_buf(),
    }
    .connect()?;
    let mut session = Session::new(link, None, Timing::default());
    match session.check_sam() {
        Ok(()) => Ok(()),
        Err(Halt::Fail(e) | Halt::Lost(e)) => Err(e),
        Err(Halt::Stopped) => Err(IdCardError::Port("stopped".into())),
    }
}

struct SerialConnector {
    path: PathBuf,
}

impl Connector for SerialConnector {
    type Link = SerialLink;

    fn connect(&mut self) -> Result<SerialLink, IdCardError> {
        let port = serialport::new(self.path.to_string_lossy(), BAUD_RATE)
            .data_bits(DataBits::Eight)
            .parity(Parity::None)
            .stop_bits(StopBits::One)
            .flow_control(FlowControl::None)
            .timeout(READ_SLICE)
            .open()
            .map_err(|e| IdCardError::Port(format!("{:?}: {}", e.kind(), e.description)))?;
        let mut link = SerialLink { port };
        link.drain();
        Ok(link)
    }
}

struct SerialLink {
    port: Box<dyn SerialPort>,
}

impl SerialLink {
    /// Discards what arrives until the line is quiet for one read slice (at most ~1 s): answers
    /// to requests a previous user of the port sent.
    fn drain(&mut self) {
        let until = std::time::Instant::now() + Duration::from_secs(1);
        let mut buf = [0u8; 256];
        while std::time::Instant::now() < until {
            match self.port.read(&mut buf) {
                Ok(n) if n > 0 => continue,
                _ => break,
            }
        }
        let _ = self.port.clear(ClearBuffer::Input);
    }
}

impl SamLink for SerialLink {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.port.write_all(bytes)
    }

    fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.port.read(buf) {
            // Readable but end of file: the device hung up.
            Ok(0) => Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
            Ok(n) => Ok(n),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(0)
            }
            Err(e) => Err(e),
        }
    }

    fn discard_input(&mut self) -> io::Result<()> {
        self.port
            .clear(ClearBuffer::Input)
            .map_err(|e| io::Error::other(e.description))
    }
}
