//! The social-security card (社会保障卡) application and the record that identifies its holder.
//!
//! Layout (the national card specification, 《社会保障卡规范》, MOHRSS; as public reader code uses
//! it — see the team field notes, `shared/FIELD-NOTES.md`):
//!
//! * the application DDF1 is selected by name: `"sx1.sh."` + `社会保障` in GBK (15 bytes);
//! * EF05 (file id `EF 05`, short file id 5) — the card: 01 card identification code, 02 card
//!   type, 03 specification version, 04 issuing organisation, 05 issue date, 06 valid until,
//!   07 card number;
//! * EF06 (file id `EF 06`, short file id 6) — the holder: 08 社会保障号码 = citizen ID number (18,
//!   ASCII), 09 name (30, GBK, padded), 0A sex (1), 0B nation (1), 0C birthplace (3), 0D birth date
//!   (4, BCD).
//!
//! Identifying a resident takes the ID number (the resident's key in the store) and the name
//! (the masked greeting), nothing else: so only EF06 records 08 and 09 are read. A card that lacks
//! any other record, its specification version for one, is still its holder's card; and what is
//! not read cannot leak. Each record is a TLV (tag = the record identifier, one length byte,
//! value). Records are addressed by their tag (READ RECORD with P2 = `00`, "first record with
//! identifier P1" in the current EF), because record positions do not always match the tags.
//!
//! The whole read of a card with the specification's record lengths is four APDUs, on T=0 and
//! T=1 alike (each costs a round trip to the card, the slow part of a read on a real reader):
//! SELECT DDF1 (its FCI, which a T=0 card announces with `61xx`, is not fetched), SELECT EF06,
//! READ RECORD 08 and 09 with Le the record's length (no `6Cxx` correction needed).

use std::fmt;

use station_core::resident::{mask_name, IdNumber};
use tracing::debug;

use crate::apdu::{transceive, CardChannel};
use crate::CardError;

/// AID of the social-security application DDF1: "sx1.sh." followed by 社会保障 in GBK.
pub const SSC_AID: [u8; 15] = [
    0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF,
];

/// The holder file EF06 of DDF1: file id and short file id.
const EF06_FID: [u8; 2] = [0xEF, 0x06];
const EF06_SFI: u8 = 6;

/// EF06 record 08: 社会保障号码 (= the citizen ID number), 18 ASCII characters.
const TAG_ID_NUMBER: u8 = 0x08;
const ID_NUMBER_LEN: u8 = 18;
/// EF06 record 09: the holder's name, 30 bytes of GBK, padded.
const TAG_NAME: u8 = 0x09;
const NAME_LEN: u8 = 30;

/// Who the card says its holder is: what the station reads from a social-security card.
///
/// `Debug` masks the name and the ID number.
#[derive(Clone, PartialEq, Eq)]
pub struct SocialSecurityCard {
    /// EF06 tag 08 (社会保障号码 = citizen ID number), check digit validated.
    pub id_number: IdNumber,
    /// EF06 tag 09, GBK, padding trimmed.
    pub name: String,
}

impl fmt::Debug for SocialSecurityCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocialSecurityCard")
            .field("id_number", &self.id_number)
            .field("name", &mask_name(&self.name))
            .finish()
    }
}

/// Reads the holder's ID number and name from the social-security application's holder file
/// (EF06).
///
/// Nothing is returned unless both were read and the ID number is valid: a card pulled half-way
/// gives [`CardError::Removed`] (or a transport error), never half an identity.
pub fn read_social_security_card(
    ch: &mut dyn CardChannel,
) -> Result<SocialSecurityCard, CardError> {
    select_application(ch)?;
    let mut ef06 = RecordReader::select(ch)?;
    let id_raw = ef06.required(TAG_ID_NUMBER, ID_NUMBER_LEN)?;
    // A bad ID number ends the read here: the name would be of no use.
    let id_number = IdNumber::parse(&ascii_field(&id_raw, "ID number")?)?;
    let name = parse_gbk_name(&ef06.required(TAG_NAME, NAME_LEN)?)?;
    Ok(SocialSecurityCard { id_number, name })
}

/// SELECT DDF1 by name: `00 A4 04 00 0F <AID>` (case 3).
fn select_application(ch: &mut dyn CardChannel) -> Result<(), CardError> {
    let mut command = vec![0x00, 0xA4, 0x04, 0x00, SSC_AID.len() as u8];
    command.extend_from_slice(&SSC_AID);
    match select(ch, &command)? {
        0x9000 => Ok(()),
        sw => {
            debug!(sw = format_args!("{sw:04X}"), "SELECT DDF1 refused");
            Err(CardError::NotSocialSecurityCard { sw })
        }
    }
}

/// Sends a SELECT and gives its status word, `61xx` counted as `9000`: a T=0 card answers
/// `61xx` when the file's control information (FCI) waits for GET RESPONSE, and that already
/// says the file is selected. The FCI is of no use here, so no exchange is spent on it (the
/// next command discards it).
fn select(ch: &mut dyn CardChannel, command: &[u8]) -> Result<u16, CardError> {
    let resp = ch.transmit(command)?;
    match resp.as_slice() {
        [.., 0x61, _] => Ok(0x9000),
        [.., sw1, sw2] => Ok(u16::from_be_bytes([*sw1, *sw2])),
        _ => Err(CardError::Malformed(format!(
            "response of {} byte(s) has no status word",
            resp.len()
        ))),
    }
}

/// Reads records of EF06 by tag.
struct RecordReader<'a> {
    ch: &'a mut dyn CardChannel,
    /// The card refused addressing by record identifier: use the short file id with the record
    /// number instead (`00 B2 <tag> <SFI<<3|4> <Le>`), as some public reader code does.
    by_sfi: bool,
}

impl<'a> RecordReader<'a> {
    /// SELECT EF06 inside DDF1: `00 A4 02 00 02 EF 06`.
    fn select(ch: &'a mut dyn CardChannel) -> Result<RecordReader<'a>, CardError> {
        let [hi, lo] = EF06_FID;
        match select(ch, &[0x00, 0xA4, 0x02, 0x00, 0x02, hi, lo])? {
            0x9000 => Ok(RecordReader { ch, by_sfi: false }),
            sw => Err(CardError::StatusWord(sw)),
        }
    }

    /// The value of record `tag`, which the specification makes `len` bytes long; a card
    /// without it (6A83) is malformed.
    ///
    /// Le is first the whole record as the specification sizes it (tag, length, `len` bytes),
    /// so a T=0 card answers at once instead of with `6Cxx`. A card whose record is not that
    /// long still reads: a T=0 card corrects Le with `6Cxx` (in [`transceive`]), and a card
    /// that refuses the length (6700) or cuts the record short is asked again with Le = 00
    /// (up to 256 bytes).
    fn required(&mut self, tag: u8, len: u8) -> Result<Vec<u8>, CardError> {
        let mut le = len.saturating_add(2);
        // Each way out of the loop but the last changes `le` or `by_sfi`, once each.
        for _ in 0..4 {
            // READ RECORD, P1 = record identifier (the tag), P2 = 00: first occurrence in the
            // current EF; or P1 = record number with the SFI in P2.
            let p2 = if self.by_sfi {
                (EF06_SFI << 3) | 0x04
            } else {
                0x00
            };
            let r = transceive(self.ch, &[0x00, 0xB2, tag, p2, le])?;
            match r.sw {
                // 6282: end of record reached before Le bytes; what came is checked the same.
                0x9000 | 0x6282 => match parse_record(tag, &r.data) {
                    Ok(value) => return Ok(value.to_vec()),
                    Err(_) if le != 0 && r.data.len() >= usize::from(le) => le = 0,
                    Err(e) => return Err(e),
                },
                0x6A83 => {
                    return Err(CardError::Malformed(format!(
                        "required record {tag:02X} missing from EF06"
                    )))
                }
                0x6700 if le != 0 => le = 0,
                // Addressing by identifier not supported: fall back to SFI + record number.
                0x6A81 | 0x6A86 | 0x6B00 if !self.by_sfi => self.by_sfi = true,
                sw => return Err(CardError::StatusWord(sw)),
            }
        }
        Err(CardError::Malformed(format!(
            "record {tag:02X} not read in four tries"
        )))
    }
}

/// The value of a TLV record `tag len value`. The length is one byte, or `81 xx` (BER) for
/// 128..255. Bytes after the value are ignored (some cards pad records).
pub fn parse_record(tag: u8, record: &[u8]) -> Result<&[u8], CardError> {
    let (&got, rest) = record
        .split_first()
        .ok_or_else(|| CardError::Malformed(format!("record {tag:02X} is empty")))?;
    if got != tag {
        return Err(CardError::Malformed(format!(
            "asked for record {tag:02X}, got tag {got:02X}"
        )));
    }
    let (len, value) = match rest {
        [0x81, len, value @ ..] => (usize::from(*len), value),
        [len, value @ ..] if *len < 0x80 => (usize::from(*len), value),
        [_, ..] => {
            return Err(CardError::Malformed(format!(
                "record {tag:02X} has an unsupported length form"
            )))
        }
        [] => {
            return Err(CardError::Malformed(format!(
                "record {tag:02X} has no length"
            )))
        }
    };
    value.get(..len).ok_or_else(|| {
        CardError::Malformed(format!(
            "record {tag:02X} claims {len} bytes, has {}",
            value.len()
        ))
    })
}

/// Trailing/leading padding bytes a card may use: 00, FF and space. None of them can be the
/// second byte of a GBK character (those are 40..FE), so trimming bytes is safe.
fn trim_padding(bytes: &[u8]) -> &[u8] {
    let pad = |b: &u8| matches!(b, 0x00 | 0xFF | 0x20);
    let start = bytes.iter().position(|b| !pad(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !pad(b)).map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// A printable ASCII field with its padding trimmed; empty is malformed.
fn ascii_field(bytes: &[u8], what: &str) -> Result<String, CardError> {
    let trimmed = trim_padding(bytes);
    if trimmed.is_empty() || !trimmed.iter().all(|b| b.is_ascii_graphic()) {
        return Err(CardError::Malformed(format!(
            "{what} is not printable ASCII"
        )));
    }
    Ok(trimmed.iter().map(|&b| char::from(b)).collect())
}

/// The holder's name (EF06/09): GBK, padded with 00, FF or spaces (also full-width 　).
pub fn parse_gbk_name(bytes: &[u8]) -> Result<String, CardError> {
    let trimmed = trim_padding(bytes);
    let text = encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(trimmed)
        .ok_or_else(|| CardError::Malformed("name is not valid GBK".into()))?;
    let name = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    if name.is_empty() {
        return Err(CardError::Malformed("name is empty".into()));
    }
    if name.chars().any(char::is_control) {
        return Err(CardError::Malformed(
            "name contains control characters".into(),
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests;
