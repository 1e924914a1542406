//! The resident ID card (第二代居民身份证), read through a SAM-module reader on a serial or
//! USB-serial port.
//!
//! * [`frame`]: the SAM frame protocol (`AA AA AA 96 69`, length, body, XOR check) with an
//!   incremental [`frame::FrameDecoder`] for fragmented serial input.
//! * [`text`]: the 256-byte base-message text block → [`IdCardHolder`] (ID number validated).
//! * [`SerialSamReader`] is the real backend: a thread that opens the port, polls for cards and
//!   turns what it sees into [`IdCardEvent`]s, shaped like `station_card`'s reader events.
//! * [`SimulatedIdCardReader`] is the demo backend: the same watcher and decoding, talking to an
//!   in-memory [`simulated::SimulatedSam`] through frames.
//! * `testbed` (feature `testbed`): a pseudo-terminal serving a [`simulated::SimulatedSam`], which the
//!   real reader opens like a serial device.
//!
//! Personal data never goes to logs or error messages: [`IdCardHolder`]'s `Debug` masks the name
//! and the ID number and hides the address, birth date and photo. The photo stays in memory.

pub mod frame;
mod link;
mod reader;
mod serial;
pub mod simulated;
mod slot;
pub mod text;

#[cfg(all(feature = "testbed", unix))]
pub mod testbed;

pub use frame::{Command, FrameError, SamStatus};
pub use reader::{IdCardEvent, IdCardReaderBackend, IdEventSink, IdReaderHandle};
pub use serial::{check_reader, SerialSamReader, BAUD_RATE};
pub use simulated::SimulatedIdCardReader;
pub use slot::{open_slot, IdCardSlot};
pub use text::{IdCardHolder, Sex};

use station_core::resident::IdNumberError;

/// Why a card (or the reader) could not be read. Messages are English, for logs, and carry no
/// personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdCardError {
    /// Bytes that began like a frame but were not a valid one (check byte, length).
    #[error("broken frame from the reader: {0}")]
    Frame(#[from] FrameError),
    /// No complete reply in time (nothing, half a frame, or only garbage arrived).
    #[error("no complete reply to {command} within {millis} ms")]
    Timeout { command: Command, millis: u64 },
    /// The SAM module refused a command (e.g. `00 00 81` select failed, `00 00 41` read failed).
    #[error("the SAM module answered {status} to {command}")]
    Status { command: Command, status: SamStatus },
    /// The SAM module reports a failed self-test (`00 00 60`): it reads no card until repaired
    /// or reset.
    #[error("the SAM module failed its self-test (status 00 00 60): it needs a reset or service")]
    SamSelfTest,
    /// The reply had the wrong shape (lengths, dates).
    #[error("malformed card data: {0}")]
    Malformed(String),
    /// The ID number on the card fails GB 11643 validation.
    #[error("the ID number on the card is invalid: {0}")]
    InvalidIdNumber(#[from] IdNumberError),
    /// The serial port could not be opened or failed (unplugged).
    #[error("serial port error: {0}")]
    Port(String),
}
