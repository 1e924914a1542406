//! The social-security card (社会保障卡) application and its two public files.
//!
//! Layout (the national card specification, 《社会保障卡规范》, MOHRSS; as public reader code uses
//! it — see the team field notes, `shared/FIELD-NOTES.md`):
//!
//! * the application DDF1 is selected by name: `"sx1.sh."` + `社会保障` in GBK (15 bytes);
//! * EF05 (file id `EF 05`, short file id 5) — the card: 01 card identification code (16, the first
//!   3 bytes are the issuing region as BCD), 02 card type (1), 03 specification version (4,
//!   e.g. `"3.00"`), 04 issuing organisation (12), 05 issue date (4, BCD YYYYMMDD), 06 valid until
//!   (4, BCD), 07 card number (9);
//! * EF06 (file id `EF 06`, short file id 6) — the holder: 08 社会保障号码 = citizen ID number (18,
//!   ASCII), 09 name (30, GBK, padded), 0A sex (1), 0B nation (1), 0C birthplace (3), 0D birth date
//!   (4, BCD).
//!
//! Each record is a TLV (tag = the record identifier, one length byte, value). Records are
//! addressed by their tag (READ RECORD with P2 = `00`, "first record with identifier P1" in the
//! current EF), because record positions do not always match the tags.

use std::fmt;

use chrono::NaiveDate;
use station_core::resident::{mask_name, IdNumber};
use tracing::debug;

use crate::apdu::{transceive, CardChannel};
use crate::CardError;

/// AID of the social-security application DDF1: "sx1.sh." followed by 社会保障 in GBK.
pub const SSC_AID: [u8; 15] = [
    0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF,
];

/// The card file (EF05) and the holder file (EF06) of DDF1: file id and short file id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ef {
    Card,
    Holder,
}

impl Ef {
    pub(crate) fn fid(self) -> [u8; 2] {
        match self {
            Ef::Card => [0xEF, 0x05],
            Ef::Holder => [0xEF, 0x06],
        }
    }
    pub(crate) fn sfi(self) -> u8 {
        match self {
            Ef::Card => 5,
            Ef::Holder => 6,
        }
    }
}

// EF05 record tags read (02 card type and 04 issuer are not).
pub(crate) const TAG_CARD_ID_CODE: u8 = 0x01;
pub(crate) const TAG_SPEC_VERSION: u8 = 0x03;
pub(crate) const TAG_ISSUE_DATE: u8 = 0x05;
pub(crate) const TAG_VALID_UNTIL: u8 = 0x06;
pub(crate) const TAG_CARD_NUMBER: u8 = 0x07;
// EF06 record tags read (0B nation and 0C birthplace are not).
pub(crate) const TAG_ID_NUMBER: u8 = 0x08;
pub(crate) const TAG_NAME: u8 = 0x09;
pub(crate) const TAG_SEX: u8 = 0x0A;
pub(crate) const TAG_BIRTH_DATE: u8 = 0x0D;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// What the station reads from a social-security card.
///
/// `Debug` masks the name, the ID number and the card number and hides the birth date.
#[derive(Clone, PartialEq, Eq)]
pub struct SocialSecurityCard {
    /// EF05 tag 07.
    pub card_number: String,
    /// EF05 tag 01, first 3 bytes (BCD) → 6-digit administrative region code (GB/T 2260).
    pub region_code: String,
    /// EF05 tag 03, e.g. "2.00" / "3.00".
    pub spec_version: String,
    /// EF05 tag 05, BCD YYYYMMDD.
    pub issue_date: Option<NaiveDate>,
    /// EF05 tag 06, BCD YYYYMMDD.
    pub valid_until: Option<NaiveDate>,
    /// EF06 tag 08 (社会保障号码 = citizen ID number), check digit validated.
    pub id_number: IdNumber,
    /// EF06 tag 09, GBK, padding trimmed.
    pub name: String,
    /// EF06 tag 0A.
    pub sex: Option<Sex>,
    /// EF06 tag 0D, BCD YYYYMMDD.
    pub birth_date: Option<NaiveDate>,
}

impl fmt::Debug for SocialSecurityCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocialSecurityCard")
            .field("card_number", &mask_card_number(&self.card_number))
            .field("region_code", &self.region_code)
            .field("spec_version", &self.spec_version)
            .field("issue_date", &self.issue_date)
            .field("valid_until", &self.valid_until)
            .field("id_number", &self.id_number)
            .field("name", &mask_name(&self.name))
            .field("sex", &self.sex.map(|_| "<hidden>"))
            .field("birth_date", &self.birth_date.map(|_| "<hidden>"))
            .finish()
    }
}

/// Keeps the last two characters: "A00212345" → "*******45".
fn mask_card_number(n: &str) -> String {
    let count = n.chars().count();
    n.chars()
        .enumerate()
        .map(|(i, c)| if i + 2 >= count { c } else { '*' })
        .collect()
}

/// Reads the social-security application's card file (EF05) and holder file (EF06).
///
/// Nothing is returned unless every required field was read and the ID number is valid: a card
/// pulled half-way gives [`CardError::Removed`] (or a transport error), never half an identity.
pub fn read_social_security_card(
    ch: &mut dyn CardChannel,
) -> Result<SocialSecurityCard, CardError> {
    // SELECT DDF1 by name: 00 A4 04 00 0F <AID> (case 3; a T=0 card answers 61xx with its FCI).
    let mut select = vec![0x00, 0xA4, 0x04, 0x00, SSC_AID.len() as u8];
    select.extend_from_slice(&SSC_AID);
    let r = transceive(ch, &select)?;
    if !r.is_ok() {
        debug!(sw = format_args!("{:04X}", r.sw), "SELECT DDF1 refused");
        return Err(CardError::NotSocialSecurityCard { sw: r.sw });
    }

    // EF05, the card file.
    let mut reader = RecordReader::select(ch, Ef::Card)?;
    let id_code = reader.required(TAG_CARD_ID_CODE)?;
    let spec_version = reader.required(TAG_SPEC_VERSION)?;
    let issue_date = reader.optional(TAG_ISSUE_DATE)?;
    let valid_until = reader.optional(TAG_VALID_UNTIL)?;
    let card_number = reader.required(TAG_CARD_NUMBER)?;

    // EF06, the holder file.
    let mut reader = RecordReader::select(ch, Ef::Holder)?;
    let id_raw = reader.required(TAG_ID_NUMBER)?;
    let name_raw = reader.required(TAG_NAME)?;
    let sex_raw = reader.optional(TAG_SEX)?;
    let birth_raw = reader.optional(TAG_BIRTH_DATE)?;

    let id_text = ascii_field(&id_raw, "ID number")?;
    let id_number = IdNumber::parse(&id_text)?;
    Ok(SocialSecurityCard {
        card_number: ascii_field(&card_number, "card number")?,
        region_code: region_code(&id_code)?,
        spec_version: ascii_field(&spec_version, "specification version")?,
        issue_date: issue_date.as_deref().and_then(parse_bcd_date),
        valid_until: valid_until.as_deref().and_then(parse_bcd_date),
        id_number,
        name: parse_gbk_name(&name_raw)?,
        sex: sex_raw.as_deref().and_then(parse_sex),
        birth_date: birth_raw.as_deref().and_then(parse_bcd_date),
    })
}

/// Reads records of one EF by tag.
struct RecordReader<'a> {
    ch: &'a mut dyn CardChannel,
    ef: Ef,
    /// The card refused addressing by record identifier: use the short file id with the record
    /// number instead (`00 B2 <tag> <SFI<<3|4> 00`), as some public reader code does.
    by_sfi: bool,
}

impl<'a> RecordReader<'a> {
    /// SELECT the EF inside DDF1: 00 A4 02 00 02 EF 05 / EF 06.
    fn select(ch: &'a mut dyn CardChannel, ef: Ef) -> Result<RecordReader<'a>, CardError> {
        let [hi, lo] = ef.fid();
        let r = transceive(ch, &[0x00, 0xA4, 0x02, 0x00, 0x02, hi, lo])?;
        if !r.is_ok() {
            return Err(CardError::StatusWord(r.sw));
        }
        Ok(RecordReader {
            ch,
            ef,
            by_sfi: false,
        })
    }

    fn required(&mut self, tag: u8) -> Result<Vec<u8>, CardError> {
        self.optional(tag)?.ok_or_else(|| {
            CardError::Malformed(format!(
                "required record {tag:02X} missing from EF{:02X}",
                self.ef.fid()[1]
            ))
        })
    }

    /// The record's value, `None` if the card has no such record (6A83).
    fn optional(&mut self, tag: u8) -> Result<Option<Vec<u8>>, CardError> {
        if !self.by_sfi {
            // READ RECORD, P1 = record identifier (the tag), P2 = 00: first occurrence in the
            // current EF; Le = 00 (up to 256; a T=0 card answers 6Cxx with the exact length).
            let r = transceive(self.ch, &[0x00, 0xB2, tag, 0x00, 0x00])?;
            match r.sw {
                0x9000 => return parse_record(tag, &r.data).map(|v| Some(v.to_vec())),
                0x6A83 => return Ok(None),
                // Addressing by identifier not supported: fall back to SFI + record number.
                0x6A81 | 0x6A86 | 0x6B00 => self.by_sfi = true,
                sw => return Err(CardError::StatusWord(sw)),
            }
        }
        let p2 = (self.ef.sfi() << 3) | 0x04;
        let r = transceive(self.ch, &[0x00, 0xB2, tag, p2, 0x00])?;
        match r.sw {
            0x9000 => parse_record(tag, &r.data).map(|v| Some(v.to_vec())),
            0x6A83 => Ok(None),
            sw => Err(CardError::StatusWord(sw)),
        }
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

/// A date stored as 4 BCD bytes YYYYMMDD. `None` for blank (00/FF), non-BCD or impossible dates.
pub fn parse_bcd_date(bytes: &[u8]) -> Option<NaiveDate> {
    let digits = bcd_digits(bytes.get(..4)?)?;
    let n = |r: std::ops::Range<usize>| -> u32 {
        digits[r].iter().fold(0, |acc, d| acc * 10 + u32::from(*d))
    };
    let year = i32::try_from(n(0..4)).ok()?;
    NaiveDate::from_ymd_opt(year, n(4..6), n(6..8))
}

/// The decimal digits of packed BCD, `None` if a nibble is not a digit.
fn bcd_digits(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        let (hi, lo) = (b >> 4, b & 0x0F);
        if hi > 9 || lo > 9 {
            return None;
        }
        out.push(hi);
        out.push(lo);
    }
    Some(out)
}

/// The 6-digit region code: the first 3 bytes (BCD) of the card identification code (EF05/01).
fn region_code(id_code: &[u8]) -> Result<String, CardError> {
    let digits = id_code
        .get(..3)
        .and_then(bcd_digits)
        .ok_or_else(|| CardError::Malformed("card identification code has no BCD region".into()))?;
    Ok(digits.iter().map(|d| char::from(b'0' + d)).collect())
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

/// Sex (EF06/0A) per GB/T 2261.1: 1 male, 2 female, as an ASCII digit or a binary value;
/// 0 (unknown), 9 (unstated) and anything else give `None`.
pub fn parse_sex(bytes: &[u8]) -> Option<Sex> {
    match bytes.first()? {
        b'1' | 0x01 => Some(Sex::Male),
        b'2' | 0x02 => Some(Sex::Female),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::virtual_card::{CardBehaviour, CardImage, VirtualCard};
    use proptest::prelude::*;

    /// The application name as the specification writes it, byte by byte.
    const SPEC_AID: [u8; 15] = [
        0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF,
    ];

    /// A channel that remembers every command APDU it passes on.
    struct Recording<C> {
        inner: C,
        sent: Vec<Vec<u8>>,
    }

    impl<C: CardChannel> CardChannel for Recording<C> {
        fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
            self.sent.push(apdu.to_vec());
            self.inner.transmit(apdu)
        }
    }

    #[test]
    fn the_application_is_selected_by_the_specification_s_name() {
        assert_eq!(SSC_AID, SPEC_AID);
        // "sx1.sh." + 社会保障 in GBK (社 C9E7, 会 BBE1, 保 B1A3, 障 D5CF).
        assert_eq!(&SPEC_AID[..7], b"sx1.sh.");
        assert_eq!(
            &SPEC_AID[7..],
            &[0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF]
        );
        let mut ch = Recording {
            inner: VirtualCard::new(CardBehaviour::Resident(CardImage::sample_resident())),
            sent: Vec::new(),
        };
        read_social_security_card(&mut ch).expect("sample reads");
        let select: &[u8] = &[
            0x00, 0xA4, 0x04, 0x00, 0x0F, // SELECT by DF name, 15 bytes, no Le
            0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5,
            0xCF,
        ];
        assert_eq!(ch.sent.first().map(Vec::as_slice), Some(select));
        // The two files are selected by their file ids EF05 and EF06.
        for fid in [[0xEF, 0x05], [0xEF, 0x06]] {
            let want = [0x00, 0xA4, 0x02, 0x00, 0x02, fid[0], fid[1]];
            assert!(ch.sent.iter().any(|a| a == &want), "{want:02X?}");
        }
    }

    #[test]
    fn records_parse() {
        assert_eq!(
            parse_record(0x07, &[0x07, 0x02, b'A', b'B']).expect("ok"),
            b"AB"
        );
        // Trailing bytes after the value are ignored.
        assert_eq!(
            parse_record(0x07, &[0x07, 0x01, b'A', 0xFF]).expect("ok"),
            b"A"
        );
        // BER long form.
        let mut long = vec![0x09, 0x81, 0x82];
        long.extend_from_slice(&[0x41; 0x82]);
        assert_eq!(parse_record(0x09, &long).expect("ok").len(), 0x82);
        assert_eq!(parse_record(0x07, &[0x07, 0x00]).expect("ok"), b"");
    }

    #[test]
    fn bad_records_are_malformed() {
        for bad in [
            &[][..],
            &[0x07][..],
            &[0x08, 0x01, 0x41][..],
            &[0x07, 0x05, 0x41][..],
            &[0x07, 0x82, 0x00, 0x01][..],
            &[0x07, 0x81][..],
        ] {
            assert!(
                matches!(parse_record(0x07, bad), Err(CardError::Malformed(_))),
                "{bad:02X?}"
            );
        }
    }

    #[test]
    fn bcd_dates() {
        assert_eq!(
            parse_bcd_date(&[0x19, 0x56, 0x08, 0x15]),
            NaiveDate::from_ymd_opt(1956, 8, 15)
        );
        assert_eq!(
            parse_bcd_date(&[0x20, 0x24, 0x02, 0x29]),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(parse_bcd_date(&[0x20, 0x23, 0x02, 0x29]), None);
        assert_eq!(parse_bcd_date(&[0x00, 0x00, 0x00, 0x00]), None);
        assert_eq!(parse_bcd_date(&[0xFF, 0xFF, 0xFF, 0xFF]), None);
        assert_eq!(parse_bcd_date(&[0x20, 0x2A, 0x01, 0x01]), None);
        assert_eq!(parse_bcd_date(&[0x20, 0x24, 0x01]), None);
        assert_eq!(parse_bcd_date(&[0x20, 0x24, 0x13, 0x01]), None);
    }

    #[test]
    fn gbk_names_with_any_padding() {
        let zhang: &[u8] = &[0xD5, 0xC5, 0xD0, 0xA1, 0xBB, 0xAA]; // 张小华
        for pad in [0x00u8, 0xFF, 0x20] {
            let mut raw = zhang.to_vec();
            raw.resize(30, pad);
            assert_eq!(
                parse_gbk_name(&raw).expect("name"),
                "张小华",
                "pad {pad:02X}"
            );
        }
        // Leading spaces and a full-width space tail.
        let mut raw = vec![0x20, 0x20];
        raw.extend_from_slice(zhang);
        raw.extend_from_slice(&[0xA1, 0xA1, 0x00, 0x00]);
        assert_eq!(parse_gbk_name(&raw).expect("name"), "张小华");
        // Two-syllable surname.
        let (ouyang, _, _) = encoding_rs::GBK.encode("欧阳小华");
        assert_eq!(parse_gbk_name(&ouyang).expect("name"), "欧阳小华");
    }

    #[test]
    fn bad_names_are_malformed() {
        assert!(parse_gbk_name(&[0x00; 30]).is_err());
        assert!(parse_gbk_name(&[0x20, 0xFF, 0x00]).is_err());
        assert!(parse_gbk_name(&[0xD5]).is_err(), "truncated double byte");
        assert!(parse_gbk_name(&[0x41, 0x07, 0x42]).is_err(), "control char");
    }

    #[test]
    fn sex_codes() {
        assert_eq!(parse_sex(b"1"), Some(Sex::Male));
        assert_eq!(parse_sex(&[0x02]), Some(Sex::Female));
        assert_eq!(parse_sex(b"9"), None);
        assert_eq!(parse_sex(b""), None);
    }

    #[test]
    fn region_from_identification_code() {
        assert_eq!(
            region_code(&[0x33, 0x03, 0x02, 0xD1, 0x56]).expect("region"),
            "330302"
        );
        assert!(region_code(&[0x33, 0x03]).is_err());
        assert!(region_code(&[0x33, 0x0A, 0x02]).is_err());
    }

    #[test]
    fn debug_masks_personal_data() {
        let mut card = VirtualCard::new(CardBehaviour::Resident(CardImage::sample_resident()));
        let ssc = read_social_security_card(&mut card).expect("sample reads");
        let dbg = format!("{ssc:?}");
        assert!(!dbg.contains("张小华"), "{dbg}");
        assert!(dbg.contains("张*华"), "{dbg}");
        assert!(!dbg.contains(ssc.id_number.expose()), "{dbg}");
        assert!(dbg.contains(&ssc.id_number.masked()), "{dbg}");
        assert!(!dbg.contains(&ssc.card_number), "{dbg}");
        assert!(!dbg.contains("1956"), "{dbg}");
        assert_eq!(mask_card_number("A00212345"), "*******45");
    }

    /// `date` as 4 packed BCD bytes YYYYMMDD, encoded here digit by digit.
    fn bcd_date(date: NaiveDate) -> [u8; 4] {
        use chrono::Datelike;
        let digits = format!("{:04}{:02}{:02}", date.year(), date.month(), date.day());
        let d: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
        [
            d[0] << 4 | d[1],
            d[2] << 4 | d[3],
            d[4] << 4 | d[5],
            d[6] << 4 | d[7],
        ]
    }

    /// A channel that answers from a list of arbitrary responses, then reports removal.
    struct Arbitrary(std::vec::IntoIter<Vec<u8>>);

    impl CardChannel for Arbitrary {
        fn transmit(&mut self, _apdu: &[u8]) -> Result<Vec<u8>, CardError> {
            self.0.next().ok_or(CardError::Removed)
        }
    }

    proptest! {
        #[test]
        fn arbitrary_responses_never_panic_and_fail(
            answers in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..40)
        ) {
            let mut ch = Arbitrary(answers.into_iter());
            prop_assert!(read_social_security_card(&mut ch).is_err());
        }

        #[test]
        fn mostly_ok_responses_never_panic_and_fail(
            bodies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..40)
        ) {
            // Same, but every answer ends in 9000 so the parsers see the arbitrary bytes.
            let answers: Vec<Vec<u8>> = bodies.into_iter().map(|mut b| { b.extend([0x90, 0x00]); b }).collect();
            let mut ch = Arbitrary(answers.into_iter());
            prop_assert!(read_social_security_card(&mut ch).is_err());
        }

        /// A record built as the card writes it (`tag len value`, `81 len` from 128 bytes on,
        /// then any padding) gives back its value.
        #[test]
        fn records_round_trip(
            tag in any::<u8>(),
            // Every length, with the edges of the two length forms always in the mix.
            value in prop_oneof![Just(0usize), Just(0x7F), Just(0x80), Just(0xFF), 0usize..=0xFF]
                .prop_flat_map(|n| proptest::collection::vec(any::<u8>(), n)),
            padding in proptest::collection::vec(prop_oneof![Just(0x00u8), Just(0xFF), any::<u8>()], 0..8),
        ) {
            let mut record = vec![tag];
            if value.len() < 0x80 {
                record.push(value.len() as u8);
            } else {
                record.extend([0x81, value.len() as u8]);
            }
            record.extend_from_slice(&value);
            record.extend_from_slice(&padding);
            prop_assert_eq!(parse_record(tag, &record).expect("well-formed"), value.as_slice());
            // One byte short of its length, it is malformed, never a shorter value.
            if !value.is_empty() {
                let cut = record.len() - padding.len() - 1;
                prop_assert!(matches!(parse_record(tag, &record[..cut]), Err(CardError::Malformed(_))));
            }
        }

        /// Any real date written as 4 BCD bytes YYYYMMDD reads back as that date.
        #[test]
        fn bcd_dates_round_trip(days in 0i64..73_049, trailing in proptest::collection::vec(any::<u8>(), 0..3)) {
            // 1900-01-01 + days: up to 2099-12-31.
            let date = NaiveDate::from_ymd_opt(1900, 1, 1).expect("base") + chrono::Days::new(days as u64);
            let bytes = bcd_date(date);
            prop_assert_eq!(parse_bcd_date(&bytes), Some(date));
            let mut longer = bytes.to_vec();
            longer.extend_from_slice(&trailing);
            prop_assert_eq!(parse_bcd_date(&longer), Some(date));
            // A nibble that is not a decimal digit anywhere makes it no date.
            for i in 0..8 {
                let mut bad = bytes;
                let shift = if i % 2 == 0 { 4 } else { 0 };
                bad[i / 2] = (bad[i / 2] & !(0x0F << shift)) | (0x0A << shift);
                prop_assert_eq!(parse_bcd_date(&bad), None, "{:02X?}", bad);
            }
        }

        /// A whole card written from arbitrary holder data reads back as that data.
        #[test]
        fn a_card_round_trips(
            name in "[\u{4e00}-\u{9fa5}]{1,4}",
            pad in prop_oneof![Just(0x00u8), Just(0xFF), Just(0x20)],
            card_number in "[A-Z0-9]{9}",
            issued in 0i64..36_500, valid_years in 1u32..=20, born in 0i64..36_500,
            female in any::<bool>(),
        ) {
            let base = NaiveDate::from_ymd_opt(1920, 1, 1).expect("base");
            let issue = base + chrono::Days::new(issued as u64);
            let valid = issue.checked_add_months(chrono::Months::new(12 * valid_years)).expect("date");
            let birth = base + chrono::Days::new(born as u64);
            let (gbk, _, unmappable) = encoding_rs::GBK.encode(&name);
            prop_assert!(!unmappable);
            let mut raw_name = gbk.into_owned();
            raw_name.resize(30, pad);
            // Tags as the specification numbers them (not this module's constants).
            let image = CardImage::sample_resident()
                .with_record(0x09, raw_name)
                .with_record(0x07, card_number.as_bytes())
                .with_record(0x05, bcd_date(issue))
                .with_record(0x06, bcd_date(valid))
                .with_record(0x0D, bcd_date(birth))
                .with_record(0x0A, if female { b"2" } else { b"1" });
            let got = read_social_security_card(&mut VirtualCard::new(CardBehaviour::Resident(image)))
                .expect("reads");
            prop_assert_eq!(got.name, name);
            prop_assert_eq!(got.card_number, card_number);
            prop_assert_eq!(got.issue_date, Some(issue));
            prop_assert_eq!(got.valid_until, Some(valid));
            prop_assert_eq!(got.birth_date, Some(birth));
            prop_assert_eq!(got.sex, Some(if female { Sex::Female } else { Sex::Male }));
        }

        #[test]
        fn parsers_never_panic(tag in any::<u8>(), bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(v) = parse_record(tag, &bytes) {
                prop_assert!(v.len() <= bytes.len());
            }
            let _ = parse_bcd_date(&bytes);
            if let Ok(name) = parse_gbk_name(&bytes) {
                prop_assert!(!name.is_empty());
            }
            let _ = parse_sex(&bytes);
            let _ = region_code(&bytes);
            let _ = ascii_field(&bytes, "x");
        }
    }
}
