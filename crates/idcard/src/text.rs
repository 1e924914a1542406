//! The resident ID card's base message: a 256-byte text block (UCS-2 little endian, space
//! padded, fixed fields) and a 1024-byte photo in the WLT format (decoding it needs the vendor's
//! library; the station does not show it).

use std::fmt;

use chrono::NaiveDate;
use station_core::resident::{mask_name, IdNumber};

use crate::IdCardError;

/// Size of the text block.
pub const TEXT_LEN: usize = 256;
/// Size of the WLT photo in a base message.
pub const PHOTO_LEN: usize = 1024;

/// Field widths in bytes, in order: name, sex, nation, birth date, address, ID number, issuing
/// authority, valid from, valid to, reserved.
const FIELDS: [usize; 10] = [30, 2, 4, 16, 70, 36, 30, 16, 16, 36];

/// What the card says when a card never expires.
pub const NO_EXPIRY: &str = "长期"; // i18n-exempt: the word the ID card itself carries

/// Sex per GB/T 2261.1 (1 male, 2 female; 0 unknown and 9 unstated read as `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn from_code(code: &str) -> Option<Sex> {
        match code.trim() {
            "1" => Some(Sex::Male),
            "2" => Some(Sex::Female),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "1",
            Sex::Female => "2",
        }
    }
}

/// What the station reads from a resident ID card.
///
/// `Debug` masks the name and the ID number and hides the address, the birth date and the photo.
#[derive(Clone, PartialEq, Eq)]
pub struct IdCardHolder {
    pub name: String,
    pub sex: Option<Sex>,
    /// Ethnic group code (GB 3304, "01" = 汉).
    pub nation_code: String,
    pub birth_date: Option<NaiveDate>,
    pub address: String,
    /// Check digit validated (GB 11643).
    pub id_number: IdNumber,
    pub authority: String,
    pub valid_from: Option<NaiveDate>,
    /// `None` = 长期 (no expiry).
    pub valid_to: Option<NaiveDate>,
    /// The WLT photo, kept in memory only: never logged, stored or sent.
    pub(crate) photo_wlt: Vec<u8>,
}

impl IdCardHolder {
    /// The WLT-encoded photo as read (empty when there was none). Memory only: do not write it
    /// anywhere.
    pub fn photo_wlt(&self) -> &[u8] {
        &self.photo_wlt
    }

    /// The same holder with another photo (for simulators and tests).
    pub fn with_photo_wlt(mut self, photo: Vec<u8>) -> IdCardHolder {
        self.photo_wlt = photo;
        self
    }
}

impl fmt::Debug for IdCardHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdCardHolder")
            .field("name", &mask_name(&self.name))
            .field("sex", &self.sex)
            .field("nation_code", &self.nation_code)
            .field("birth_date", &"<hidden>")
            .field("address", &"<hidden>")
            .field("id_number", &self.id_number)
            .field("authority", &self.authority)
            .field("valid_from", &self.valid_from)
            .field("valid_to", &self.valid_to)
            .field(
                "photo_wlt",
                &format_args!("<{} bytes>", self.photo_wlt.len()),
            )
            .finish()
    }
}

/// The text block split into its fields (decoded, padding trimmed), before validation.
fn fields(block: &[u8]) -> Result<Vec<String>, IdCardError> {
    if block.len() != TEXT_LEN {
        return Err(IdCardError::Malformed(format!(
            "text block of {} bytes, expected {TEXT_LEN}",
            block.len()
        )));
    }
    let mut out = Vec::with_capacity(FIELDS.len());
    let mut at = 0;
    for width in FIELDS {
        let raw = block.get(at..at + width).unwrap_or_default();
        at += width;
        out.push(decode_ucs2(raw));
    }
    Ok(out)
}

/// UCS-2 little endian → text, padding (spaces, NULs, ideographic spaces) trimmed. Unpaired
/// surrogates become U+FFFD.
pub fn decode_ucs2(raw: &[u8]) -> String {
    let units = raw
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]));
    let s: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    s.trim_matches(|c: char| c == ' ' || c == '\0' || c == '\u{3000}')
        .to_string()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y%m%d").ok()
}

/// Parses a 256-byte text block. The ID number must pass GB 11643 validation; an unreadable
/// "valid to" is an error (it must not read as "no expiry"); other unreadable dates and codes
/// are `None`.
pub fn parse_text_block(block: &[u8]) -> Result<IdCardHolder, IdCardError> {
    let f = fields(block)?;
    let field = |i: usize| f.get(i).cloned().unwrap_or_default();
    let id_number = IdNumber::parse(&field(5))?;
    let valid_to_raw = field(8);
    let valid_to = if valid_to_raw == NO_EXPIRY {
        None
    } else {
        Some(parse_date(&valid_to_raw).ok_or_else(|| {
            // The error names the card's own word for "no expiry" (i18n-exempt: not screen text).
            IdCardError::Malformed(format!(
                "the valid-to field is neither a date nor {NO_EXPIRY}"
            ))
        })?)
    };
    Ok(IdCardHolder {
        name: field(0),
        sex: Sex::from_code(&field(1)),
        nation_code: field(2),
        birth_date: parse_date(&field(3)),
        address: field(4),
        id_number,
        authority: field(6),
        valid_from: parse_date(&field(7)),
        valid_to,
        photo_wlt: Vec::new(),
    })
}

/// Parses the data of a read-base-message reply: text length (2 bytes, big endian), photo
/// length (2 bytes), text block, photo.
pub fn parse_base_message(data: &[u8]) -> Result<IdCardHolder, IdCardError> {
    let [t0, t1, p0, p1, rest @ ..] = data else {
        return Err(IdCardError::Malformed(format!(
            "base message of {} bytes",
            data.len()
        )));
    };
    let text_len = usize::from(u16::from_be_bytes([*t0, *t1]));
    let photo_len = usize::from(u16::from_be_bytes([*p0, *p1]));
    if text_len != TEXT_LEN || rest.len() != text_len + photo_len {
        return Err(IdCardError::Malformed(format!(
            "base message: text {text_len} + photo {photo_len} bytes announced, {} received",
            rest.len()
        )));
    }
    let (text, photo) = rest.split_at(text_len);
    Ok(parse_text_block(text)?.with_photo_wlt(photo.to_vec()))
}

fn put_field(out: &mut Vec<u8>, text: &str, width: usize) {
    let mut bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.truncate(width - width % 2);
    while bytes.len() < width {
        bytes.extend_from_slice(&[0x20, 0x00]);
    }
    bytes.truncate(width);
    out.extend_from_slice(&bytes);
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y%m%d").to_string())
        .unwrap_or_default()
}

/// The text block a card holds for `holder` (what a SAM module returns). Over-long fields are
/// cut to their width.
pub fn encode_text_block(holder: &IdCardHolder) -> Vec<u8> {
    let values = [
        holder.name.clone(),
        holder.sex.map(Sex::code).unwrap_or("0").to_string(),
        holder.nation_code.clone(),
        date_text(holder.birth_date),
        holder.address.clone(),
        holder.id_number.expose().to_string(),
        holder.authority.clone(),
        date_text(holder.valid_from),
        holder
            .valid_to
            .map_or_else(|| NO_EXPIRY.to_string(), |d| date_text(Some(d))),
        String::new(),
    ];
    let mut out = Vec::with_capacity(TEXT_LEN);
    for (value, width) in values.iter().zip(FIELDS) {
        put_field(&mut out, value, width);
    }
    out
}

/// The data of a read-base-message reply for `holder`: lengths, text block, photo.
pub fn encode_base_message(holder: &IdCardHolder) -> Vec<u8> {
    let text = encode_text_block(holder);
    let photo = holder.photo_wlt();
    let photo_len = u16::try_from(photo.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(4 + text.len() + photo.len());
    out.extend_from_slice(&(TEXT_LEN as u16).to_be_bytes());
    out.extend_from_slice(&photo_len.to_be_bytes());
    out.extend_from_slice(&text);
    out.extend_from_slice(&photo[..usize::from(photo_len)]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulated::sample_holder;
    use proptest::prelude::*;

    #[test]
    fn field_widths_add_up() {
        assert_eq!(FIELDS.iter().sum::<usize>(), TEXT_LEN);
    }

    #[test]
    fn sample_round_trips() {
        let holder = sample_holder();
        let block = encode_text_block(&holder);
        assert_eq!(block.len(), TEXT_LEN);
        let parsed = parse_text_block(&block).expect("valid");
        assert_eq!(parsed, holder.clone().with_photo_wlt(Vec::new()));
        let data = encode_base_message(&holder);
        assert_eq!(data.len(), 4 + TEXT_LEN + PHOTO_LEN);
        assert_eq!(parse_base_message(&data).expect("valid"), holder);
    }

    #[test]
    fn decodes_a_hand_made_block() {
        // Name 张小华 = 5F20 5C0F 534E, little endian, then spaces.
        let mut block = vec![0x20, 0x5F, 0x0F, 0x5C, 0x4E, 0x53];
        block.resize(30, 0);
        for pair in block[6..].chunks_exact_mut(2) {
            pair.copy_from_slice(&[0x20, 0x00]);
        }
        let holder = sample_holder();
        let mut rest = encode_text_block(&holder);
        rest.splice(..30, block);
        let parsed = parse_text_block(&rest).expect("valid");
        assert_eq!(parsed.name, "张小华");
        assert_eq!(parsed.sex, Some(Sex::Female));
        assert_eq!(parsed.valid_to, None, "长期");
    }

    #[test]
    fn bad_id_number_and_bad_expiry_are_errors() {
        let mut holder = sample_holder();
        let mut block = encode_text_block(&holder);
        // Change one digit of the ID number (bytes 122.. hold it).
        block[122] = if block[122] == b'1' { b'2' } else { b'1' };
        assert!(matches!(
            parse_text_block(&block),
            Err(IdCardError::InvalidIdNumber(_))
        ));
        holder.valid_to = NaiveDate::from_ymd_opt(2030, 1, 1);
        let mut block = encode_text_block(&holder);
        let at = 256 - 36 - 16;
        put_field_at(&mut block, at, "2030AB01", 16);
        assert!(matches!(
            parse_text_block(&block),
            Err(IdCardError::Malformed(_))
        ));
        assert!(matches!(
            parse_base_message(&[0, 1]),
            Err(IdCardError::Malformed(_))
        ));
    }

    fn put_field_at(block: &mut [u8], at: usize, text: &str, width: usize) {
        let mut v = Vec::new();
        put_field(&mut v, text, width);
        block[at..at + width].copy_from_slice(&v);
    }

    #[test]
    fn debug_masks_personal_data() {
        let holder = sample_holder();
        let shown = format!("{holder:?}");
        assert!(shown.contains("张*华"), "{shown}");
        assert!(!shown.contains("张小华"));
        assert!(!shown.contains(holder.id_number.expose()));
        assert!(!shown.contains(&holder.address));
        assert!(!shown.contains("1956"));
        assert!(shown.contains("<1024 bytes>"));
    }

    proptest! {
        #[test]
        fn arbitrary_text_blocks_never_panic(block in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_text_block(&block);
            let _ = parse_base_message(&block);
        }

        #[test]
        fn arbitrary_256_byte_blocks_never_panic(block in proptest::collection::vec(any::<u8>(), TEXT_LEN)) {
            let _ = parse_text_block(&block);
        }

        #[test]
        fn names_and_addresses_round_trip(
            name in "[\u{4e00}-\u{9fa5}]{1,15}",
            address in "[\u{4e00}-\u{9fa5}0-9]{0,35}",
        ) {
            let mut holder = sample_holder();
            holder.name = name;
            holder.address = address;
            let parsed = parse_text_block(&encode_text_block(&holder)).expect("valid");
            prop_assert_eq!(parsed, holder.with_photo_wlt(Vec::new()));
        }
    }
}
