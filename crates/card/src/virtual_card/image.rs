//! What is on the virtual card: the layout of the social-security application (DDF1, EF05,
//! EF06 and their record tags), the sample resident, and [`CardImage`], the files of one card.

// The card's layout, written out here from the specification rather than imported from the
// reader (`ssc.rs`): a card built from the reader's own constants would agree with any mistake in
// them, and the pcscd tests would prove only the transport. See `crates/card/README.md`.

/// Name of the social-security application DDF1: "sx1.sh." followed by 社会保障 in GBK.
pub(super) const AID: [u8; 15] = [
    0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF,
];
/// File ids of the card file and the holder file inside DDF1, and their short file ids.
pub(super) const FID_EF05: [u8; 2] = [0xEF, 0x05];
pub(super) const FID_EF06: [u8; 2] = [0xEF, 0x06];
pub(super) const SFI_EF05: u8 = 5;
pub(super) const SFI_EF06: u8 = 6;
// EF05 record tags.
const TAG_CARD_ID_CODE: u8 = 0x01;
const TAG_CARD_TYPE: u8 = 0x02;
const TAG_SPEC_VERSION: u8 = 0x03;
const TAG_ISSUER: u8 = 0x04;
const TAG_ISSUE_DATE: u8 = 0x05;
const TAG_VALID_UNTIL: u8 = 0x06;
const TAG_CARD_NUMBER: u8 = 0x07;
// EF06 record tags.
pub(super) const TAG_ID_NUMBER: u8 = 0x08;
pub(super) const TAG_NAME: u8 = 0x09;
pub(super) const TAG_SEX: u8 = 0x0A;
const TAG_NATION: u8 = 0x0B;
const TAG_BIRTHPLACE: u8 = 0x0C;
const TAG_BIRTH_DATE: u8 = 0x0D;

/// The sample resident's name.
pub const SAMPLE_NAME: &str = "张小华"; // i18n-exempt: sample card data
/// [`SAMPLE_NAME`] in GBK (张 D5C5, 小 D0A1, 华 BBAA), as the card stores it: written out so the
/// reader's decoding is checked against bytes, not against the same library encoding them.
pub(super) const SAMPLE_NAME_GBK: [u8; 6] = [0xD5, 0xC5, 0xD0, 0xA1, 0xBB, 0xAA];
/// First 17 digits of the sample resident's ID number: region 330302, born 1956-08-15,
/// sequence 042 (even: female).
pub const SAMPLE_ID_FIRST17: &str = "33030219560815042";
/// The sample resident's full ID number. Its check digit (8) was worked out by hand (GB 11643,
/// ISO 7064 MOD 11-2), not by the reader's code, so the card also tests the reader's check.
pub const SAMPLE_ID_NUMBER: &str = "330302195608150428";
/// The sample card number (EF05/07).
pub const SAMPLE_CARD_NUMBER: &str = "A00212345";

/// The sample resident's full ID number ([`SAMPLE_ID_NUMBER`]).
pub fn sample_id_number() -> String {
    SAMPLE_ID_NUMBER.to_string()
}

/// The files of a social-security card's application DDF1: the records of EF05 and EF06 in file
/// order, as (tag, value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardImage {
    pub ef05: Vec<(u8, Vec<u8>)>,
    pub ef06: Vec<(u8, Vec<u8>)>,
    /// Answer like a T=0 card: `61xx` after SELECT (the FCI waits for GET RESPONSE) and `6Cxx`
    /// whenever Le is not the exact record length.
    pub t0: bool,
}

impl CardImage {
    /// A realistic third-generation card of 张小华 (female, born 1956-08-15, Lucheng district,
    /// Wenzhou: 330302). It answers like a T=0 card.
    pub fn sample_resident() -> CardImage {
        let mut name = SAMPLE_NAME_GBK.to_vec();
        name.resize(30, 0x00);
        CardImage {
            ef05: vec![
                (
                    TAG_CARD_ID_CODE,
                    // region 330302, "D156" (China), card type, version, issuer, date, vendor.
                    vec![
                        0x33, 0x03, 0x02, 0xD1, 0x56, 0x00, 0x00, 0x05, 0x30, 0x33, 0x03, 0x02,
                        0x20, 0x21, 0x03, 0x15,
                    ],
                ),
                (TAG_CARD_TYPE, b"3".to_vec()),
                (TAG_SPEC_VERSION, b"3.00".to_vec()),
                (TAG_ISSUER, b"330302000000".to_vec()),
                (TAG_ISSUE_DATE, vec![0x20, 0x21, 0x03, 0x15]),
                (TAG_VALID_UNTIL, vec![0x20, 0x31, 0x03, 0x15]),
                (TAG_CARD_NUMBER, SAMPLE_CARD_NUMBER.as_bytes().to_vec()),
            ],
            ef06: vec![
                (TAG_ID_NUMBER, sample_id_number().into_bytes()),
                (TAG_NAME, name),
                (TAG_SEX, b"2".to_vec()),
                (TAG_NATION, vec![0x01]),
                (TAG_BIRTHPLACE, vec![0x33, 0x03, 0x02]),
                (TAG_BIRTH_DATE, vec![0x19, 0x56, 0x08, 0x15]),
            ],
            t0: true,
        }
    }

    /// The same card with the record `tag` set to `value` (added at the end of its EF if absent;
    /// tags 01..=07 live in EF05, the others in EF06).
    pub fn with_record(mut self, tag: u8, value: impl Into<Vec<u8>>) -> CardImage {
        let value = value.into();
        let file = self.file_for_tag_mut(tag);
        match file.iter_mut().find(|(t, _)| *t == tag) {
            Some(rec) => rec.1 = value,
            None => file.push((tag, value)),
        }
        self
    }

    /// The same card without the record `tag`.
    pub fn without_record(mut self, tag: u8) -> CardImage {
        self.file_for_tag_mut(tag).retain(|(t, _)| *t != tag);
        self
    }

    /// The same card, answering like a T=1 card (no 61xx/6Cxx) when `t0` is false.
    pub fn with_t0(mut self, t0: bool) -> CardImage {
        self.t0 = t0;
        self
    }

    fn file_for_tag_mut(&mut self, tag: u8) -> &mut Vec<(u8, Vec<u8>)> {
        if tag <= TAG_CARD_NUMBER {
            &mut self.ef05
        } else {
            &mut self.ef06
        }
    }

    pub(super) fn file(&self, ef: Ef) -> &[(u8, Vec<u8>)] {
        match ef {
            Ef::Ef05 => &self.ef05,
            Ef::Ef06 => &self.ef06,
        }
    }
}

/// The two elementary files of DDF1 this card holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ef {
    Ef05,
    Ef06,
}
