//! The resident's social-security card (社会保障卡): what the station reads from it and how.
//!
//! * [`read_social_security_card`] speaks ISO 7816-4 APDUs over any [`CardChannel`] and reads the
//!   holder's ID number and name (EF06) from the social-security application (DDF1).
//! * [`PcscReader`] is the real backend: a watcher thread over PC/SC (pcsc-lite) that turns reader
//!   and card movements into [`ReaderEvent`]s.
//! * [`open_slot`] picks one of them from the station's config.
//! * [`SimulatedReader`] is the demo backend: the same read against an in-memory
//!   [`virtual_card::VirtualCard`], the same events.
//! * [`virtual_card`] also holds a vpcd client ([`virtual_card::VpcdCard`]) that presents a
//!   virtual card to a real pcscd, and (feature `testbed`) a private pcscd for tests.
//!
//! Personal data never goes to logs or error messages: [`SocialSecurityCard`]'s `Debug` masks the
//! name and the ID number.

mod apdu;
mod pcsc_reader;
mod reader;
mod simulated;
mod slot;
mod ssc;
mod staff;
pub mod virtual_card;

#[cfg(feature = "testbed")]
pub mod testbed;

pub use apdu::{transceive, CardChannel, Response};
pub use pcsc_reader::PcscReader;
pub use reader::{CardReaderBackend, EventSink, ReaderEvent, ReaderHandle};
pub use simulated::SimulatedReader;
pub use slot::{open_slot, CardSlot};
pub use ssc::{
    parse_gbk_name, parse_record, read_social_security_card, SocialSecurityCard, SSC_AID,
};
pub use staff::{identify_card, read_uid, CardIdentity, StaffBadge, StaffCards};

use station_core::resident::IdNumberError;

/// Why a card could not be read. Messages are English, for logs, and carry no personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// The card has no social-security application (e.g. a bank or transport card).
    #[error("not a social-security card (SELECT answered status {sw:04X})")]
    NotSocialSecurityCard { sw: u16 },
    /// The card answered something that is not a well-formed response or record.
    #[error("malformed card data: {0}")]
    Malformed(String),
    /// The card refused a command (e.g. 6982 security status not satisfied, 6A83 no record).
    #[error("the card answered status word {0:04X}")]
    StatusWord(u16),
    /// The ID number on the card fails GB 11643 validation.
    #[error("the ID number on the card is invalid: {0}")]
    InvalidIdNumber(#[from] IdNumberError),
    /// The card left the reader during the read.
    #[error("the card was removed during the read")]
    Removed,
    /// The reader, the PC/SC service or the transport failed.
    #[error("card reader error: {0}")]
    Reader(String),
}
