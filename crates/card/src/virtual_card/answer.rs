//! How the virtual card answers: [`VirtualCard`], an ISO 7816-4 APDU responder over a
//! [`CardImage`] (SELECT, READ RECORD, GET RESPONSE, T=0 `61xx`/`6Cxx`), or a foreign, garbage,
//! pulled or staff card per its [`CardBehaviour`].

use super::image::{CardImage, Ef, AID, FID_EF05, FID_EF06, SFI_EF05, SFI_EF06};
use crate::apdu::CardChannel;
use crate::CardError;

/// ATR the virtual card presents: direct convention, TB1 = TC1 = 00, T=0 only, 8 historical
/// bytes ("SSCARD03").
pub const VIRTUAL_ATR: [u8; 12] = [
    0x3B, 0x68, 0x00, 0x00, b'S', b'S', b'C', b'A', b'R', b'D', b'0', b'3',
];

/// How the virtual card behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardBehaviour {
    /// A social-security card with these files.
    Resident(CardImage),
    /// Some other card (bank, transport): answers 6A82 (file not found) to the SELECT.
    Foreign,
    /// A card that answers nonsense status words and junk bytes.
    Garbage,
    /// This card, which leaves the reader after answering N APDUs.
    PullAfter(CardImage, usize),
    /// A staff badge: not a social-security card, answers GET DATA (`FF CA`) with this UID.
    Staff(Vec<u8>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Selected {
    Mf,
    App,
    File(Ef),
}

#[derive(Debug)]
struct CardState {
    selected: Selected,
    /// Response data waiting for GET RESPONSE.
    pending: Option<Vec<u8>>,
}

impl CardState {
    fn new() -> CardState {
        CardState {
            selected: Selected::Mf,
            pending: None,
        }
    }
}

/// An in-memory card answering APDUs per its [`CardBehaviour`].
#[derive(Debug)]
pub struct VirtualCard {
    behaviour: CardBehaviour,
    state: CardState,
    /// APDUs answered so far (for `PullAfter`, and to vary the garbage).
    answered: usize,
}

/// A response made only of a status word.
fn sw(sw: u16) -> Vec<u8> {
    sw.to_be_bytes().to_vec()
}

fn with_sw(mut data: Vec<u8>, status: u16) -> Vec<u8> {
    data.extend_from_slice(&status.to_be_bytes());
    data
}

/// A parsed short command APDU (ISO 7816-4 §5.1). `le` 0 means 256.
struct Command<'a> {
    cla: u8,
    ins: u8,
    p1: u8,
    p2: u8,
    data: &'a [u8],
    le: Option<usize>,
}

impl<'a> Command<'a> {
    fn parse(apdu: &'a [u8]) -> Option<Command<'a>> {
        let (&[cla, ins, p1, p2], body) = apdu.split_first_chunk::<4>()?;
        let le_of = |b: u8| if b == 0 { 256 } else { usize::from(b) };
        let (data, le) = match body {
            [] => (&body[..0], None),
            [le] => (&body[..0], Some(le_of(*le))),
            [lc, rest @ ..] => {
                let lc = usize::from(*lc);
                if lc == 0 {
                    return None; // extended length: not supported
                }
                match rest.len().checked_sub(lc)? {
                    0 => (rest, None),
                    1 => (&rest[..lc], Some(le_of(rest[lc]))),
                    _ => return None,
                }
            }
        };
        Some(Command {
            cla,
            ins,
            p1,
            p2,
            data,
            le,
        })
    }
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match u8::try_from(value.len()) {
        Ok(n) if n < 0x80 => out.push(n),
        Ok(n) => out.extend([0x81, n]),
        Err(_) => out.extend([0x81, 0xFF]), // never built by this module
    }
    out.extend_from_slice(value);
    out
}

impl VirtualCard {
    pub fn new(behaviour: CardBehaviour) -> VirtualCard {
        VirtualCard {
            behaviour,
            state: CardState::new(),
            answered: 0,
        }
    }

    /// The ATR this card presents.
    pub fn atr(&self) -> &'static [u8] {
        &VIRTUAL_ATR
    }

    /// Power cycle / warm reset: back to the master file, nothing pending.
    pub fn reset(&mut self) {
        self.state = CardState::new();
    }

    /// `PullAfter(_, n)`: the card has answered its n APDUs and left the reader.
    pub fn is_removed(&self) -> bool {
        matches!(self.behaviour, CardBehaviour::PullAfter(_, n) if self.answered >= n)
    }

    /// The response APDU (data + SW1 SW2) to a command APDU. Empty once the card has left.
    pub fn answer(&mut self, apdu: &[u8]) -> Vec<u8> {
        if self.is_removed() {
            return Vec::new();
        }
        let out = match &self.behaviour {
            CardBehaviour::Resident(image) | CardBehaviour::PullAfter(image, _) => {
                answer_resident(image, &mut self.state, apdu)
            }
            CardBehaviour::Foreign => answer_foreign(apdu),
            CardBehaviour::Staff(uid) => match apdu {
                [0xFF, 0xCA, 0x00, 0x00, ..] => [uid.as_slice(), &[0x90, 0x00]].concat(),
                _ => answer_foreign(apdu),
            },
            // Nonsense status words and junk, but always a whole response (>= 2 bytes): over vpcd
            // an empty or 1-byte answer is a transport failure, which pcscd may answer by
            // re-powering the card — that is a reader fault, tested in apdu.rs, not a garbage card.
            CardBehaviour::Garbage => match self.answered % 3 {
                0 => vec![0x3F, 0x11],
                1 => vec![0x6F, 0x00],
                _ => vec![0xDE, 0xAD, 0xBE, 0xEF, 0x13],
            },
        };
        self.answered += 1;
        out
    }
}

impl CardChannel for VirtualCard {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        if self.is_removed() {
            return Err(CardError::Removed);
        }
        Ok(self.answer(apdu))
    }
}

fn answer_foreign(apdu: &[u8]) -> Vec<u8> {
    match Command::parse(apdu) {
        None => sw(0x6700),
        Some(c) if c.cla != 0x00 => sw(0x6E00),
        Some(c) => match c.ins {
            0xA4 => sw(0x6A82),
            0xB2 => sw(0x6986),
            0xC0 => sw(0x6985),
            _ => sw(0x6D00),
        },
    }
}

fn answer_resident(image: &CardImage, st: &mut CardState, apdu: &[u8]) -> Vec<u8> {
    let pending = st.pending.take();
    let Some(cmd) = Command::parse(apdu) else {
        return sw(0x6700);
    };
    if cmd.cla != 0x00 {
        return sw(0x6E00);
    }
    match cmd.ins {
        0xA4 => select(image, st, &cmd),
        0xB2 => read_record(image, st, &cmd),
        0xC0 => get_response(image, st, pending, &cmd),
        _ => sw(0x6D00),
    }
}

/// Data for a command that asked for it with `le` (`None`: case 3, the data waits for GET
/// RESPONSE on a T=0 card and is dropped otherwise).
fn respond(image: &CardImage, st: &mut CardState, data: Vec<u8>, le: Option<usize>) -> Vec<u8> {
    match le {
        None if image.t0 && !data.is_empty() => {
            let n = data.len();
            st.pending = Some(data);
            sw(0x6100 | (n & 0xFF) as u16)
        }
        None => sw(0x9000),
        Some(n) if n == data.len() || (!image.t0 && n > data.len()) => with_sw(data, 0x9000),
        Some(_) => sw(0x6C00 | (data.len() & 0xFF) as u16),
    }
}

fn select(image: &CardImage, st: &mut CardState, cmd: &Command<'_>) -> Vec<u8> {
    match cmd.p1 {
        // By DF name (AID).
        0x04 => {
            if cmd.data != AID {
                return sw(0x6A82);
            }
            st.selected = Selected::App;
            let mut fci = vec![0x6F, (AID.len() + 2) as u8, 0x84, AID.len() as u8];
            fci.extend_from_slice(&AID);
            respond(image, st, fci, cmd.le)
        }
        // By file identifier (00: MF/DF/EF, 02: EF under the current DF).
        0x00 | 0x02 => {
            let fid = match cmd.data {
                [hi, lo] => [*hi, *lo],
                _ => return sw(0x6700),
            };
            if fid == [0x3F, 0x00] {
                st.selected = Selected::Mf;
                return sw(0x9000);
            }
            if st.selected == Selected::Mf {
                return sw(0x6A82); // EF05/EF06 live in DDF1
            }
            let ef = match fid {
                FID_EF05 => Ef::Ef05,
                FID_EF06 => Ef::Ef06,
                _ => return sw(0x6A82),
            };
            st.selected = Selected::File(ef);
            sw(0x9000)
        }
        _ => sw(0x6A86),
    }
}

fn read_record(image: &CardImage, st: &mut CardState, cmd: &Command<'_>) -> Vec<u8> {
    let Some(le) = cmd.le.filter(|_| cmd.data.is_empty()) else {
        return sw(0x6700);
    };
    if cmd.p1 == 0 {
        return sw(0x6A86);
    }
    let sfi = cmd.p2 >> 3;
    let ef = if sfi != 0 {
        if st.selected == Selected::Mf {
            return sw(0x6A82);
        }
        let ef = match sfi {
            SFI_EF05 => Ef::Ef05,
            SFI_EF06 => Ef::Ef06,
            _ => return sw(0x6A82),
        };
        st.selected = Selected::File(ef);
        ef
    } else {
        match st.selected {
            Selected::File(ef) => ef,
            _ => return sw(0x6986), // no current EF
        }
    };
    let file = image.file(ef);
    let record = match cmd.p2 & 0x07 {
        // P1 is a record identifier: first occurrence.
        0b000 => file.iter().find(|(tag, _)| *tag == cmd.p1),
        // P1 is a record number (position in the file, from 1).
        0b100 => file.get(usize::from(cmd.p1) - 1),
        _ => return sw(0x6A81),
    };
    match record {
        Some((tag, value)) => respond(image, st, tlv(*tag, value), Some(le)),
        None => sw(0x6A83),
    }
}

fn get_response(
    image: &CardImage,
    st: &mut CardState,
    pending: Option<Vec<u8>>,
    cmd: &Command<'_>,
) -> Vec<u8> {
    let Some(mut data) = pending else {
        return sw(0x6985);
    };
    let Some(le) = cmd
        .le
        .filter(|_| cmd.data.is_empty() && cmd.p1 == 0 && cmd.p2 == 0)
    else {
        return sw(0x6700);
    };
    if le > data.len() && image.t0 {
        let n = data.len();
        st.pending = Some(data);
        return sw(0x6C00 | (n & 0xFF) as u16);
    }
    let rest = data.split_off(le.min(data.len()));
    if rest.is_empty() {
        with_sw(data, 0x9000)
    } else {
        let n = rest.len();
        st.pending = Some(rest);
        with_sw(data, 0x6100 | (n & 0xFF) as u16)
    }
}
