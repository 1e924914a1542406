use super::*;
use crate::virtual_card::{CardBehaviour, CardImage, VirtualCard, SAMPLE_ID_NUMBER, SAMPLE_NAME};
use proptest::prelude::*;
use std::collections::VecDeque;

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

fn recording(image: CardImage) -> Recording<VirtualCard> {
    Recording {
        inner: VirtualCard::new(CardBehaviour::Resident(image)),
        sent: Vec::new(),
    }
}

/// Answers from a script (the whole response APDU each time) and records what was sent.
struct Script {
    answers: VecDeque<Vec<u8>>,
    sent: Vec<Vec<u8>>,
}

impl Script {
    fn new(answers: &[&[u8]]) -> Script {
        Script {
            answers: answers.iter().map(|a| a.to_vec()).collect(),
            sent: Vec::new(),
        }
    }
}

impl CardChannel for Script {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        self.sent.push(apdu.to_vec());
        self.answers.pop_front().ok_or(CardError::Removed)
    }
}

/// `tag len value` followed by `sw`.
fn record(tag: u8, value: &[u8], sw: [u8; 2]) -> Vec<u8> {
    let mut out = vec![tag, value.len() as u8];
    out.extend_from_slice(value);
    out.extend_from_slice(&sw);
    out
}

/// 张小华 (张 D5C5, 小 D0A1, 华 BBAA) padded with 00 to the specification's 30 bytes.
fn zhang_30() -> Vec<u8> {
    let mut name = vec![0xD5, 0xC5, 0xD0, 0xA1, 0xBB, 0xAA];
    name.resize(30, 0x00);
    name
}

/// The whole exchange with the sample card, written out from the specification: the
/// application by name, the holder file by its id, then records 08 (ID number, 18 bytes: Le
/// 2 + 18 = 14h) and 09 (name, 30 bytes: Le 2 + 30 = 20h). Nothing of EF05, no GET
/// RESPONSE, no Le correction: four APDUs, T=0 or not.
const SAMPLE_READ: [&[u8]; 4] = [
    &[
        0x00, 0xA4, 0x04, 0x00, 0x0F, // SELECT by DF name, 15 bytes, no Le
        0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF,
    ],
    &[0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, 0x06], // SELECT EF06 under the current DF
    &[0x00, 0xB2, 0x08, 0x00, 0x14],             // READ RECORD identifier 08, Le 20
    &[0x00, 0xB2, 0x09, 0x00, 0x20],             // READ RECORD identifier 09, Le 32
];

#[test]
fn the_application_is_selected_by_the_specification_s_name() {
    assert_eq!(SSC_AID, SPEC_AID);
    // "sx1.sh." + 社会保障 in GBK (社 C9E7, 会 BBE1, 保 B1A3, 障 D5CF).
    assert_eq!(&SPEC_AID[..7], b"sx1.sh.");
    assert_eq!(
        &SPEC_AID[7..],
        &[0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF]
    );
    assert_eq!(SAMPLE_READ[0][5..], SPEC_AID);
}

#[test]
fn the_sample_card_is_read_in_four_apdus() {
    for t0 in [true, false] {
        let mut ch = recording(CardImage::sample_resident().with_t0(t0));
        let card = read_social_security_card(&mut ch).expect("sample reads");
        assert_eq!(card.name, SAMPLE_NAME);
        assert_eq!(card.id_number.expose(), SAMPLE_ID_NUMBER);
        assert_eq!(ch.sent, SAMPLE_READ, "t0 {t0}");
        assert_eq!(ch.sent.len(), 4);
    }
}

#[test]
fn a_card_without_the_fields_identification_does_not_use_is_its_holder_s() {
    let full = read_social_security_card(&mut recording(CardImage::sample_resident()))
        .expect("sample reads");
    // Tags as the specification numbers them (not this module's constants): EF05 01..07,
    // EF06 0A sex, 0B nation, 0C birthplace, 0D birth date.
    let no_version = CardImage::sample_resident().without_record(0x03);
    let mut bare = CardImage::sample_resident();
    for tag in [
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0A, 0x0B, 0x0C, 0x0D,
    ] {
        bare = bare.without_record(tag);
    }
    assert!(bare.ef05.is_empty());
    assert_eq!(bare.ef06.len(), 2);
    for (what, image) in [
        ("no spec version", no_version),
        ("EF06 08 and 09 only", bare),
    ] {
        for t0 in [true, false] {
            let mut ch = recording(image.clone().with_t0(t0));
            let card = read_social_security_card(&mut ch).expect(what);
            assert_eq!(card, full, "{what}");
            assert_eq!(ch.sent, SAMPLE_READ, "{what}");
        }
    }
}

#[test]
fn records_of_other_lengths_still_read() {
    // A T=0 card with a shorter name record: 6Cxx, then the exact length.
    let short = CardImage::sample_resident().with_record(0x09, [0xD5, 0xC5, 0xD0, 0xA1]);
    let mut ch = recording(short);
    assert_eq!(
        read_social_security_card(&mut ch).expect("reads").name,
        "张小"
    );
    assert_eq!(ch.sent.len(), 5);
    assert_eq!(ch.sent[4], [0x00, 0xB2, 0x09, 0x00, 0x06]);
    // A card that refuses the length (6700), and one that cuts a longer record to Le
    // (the name padded to 34 bytes): both are asked again with Le = 00.
    let id = record(0x08, SAMPLE_ID_NUMBER.as_bytes(), [0x90, 0x00]);
    let mut long_name = zhang_30();
    long_name.resize(34, 0x20);
    let whole = record(0x09, &long_name, [0x90, 0x00]);
    let mut cut = whole[..0x20].to_vec();
    cut.extend([0x90, 0x00]);
    let mut ch = Script::new(&[
        &[0x90, 0x00],
        &[0x90, 0x00],
        &[0x67, 0x00],
        &id,
        &cut,
        &whole,
    ]);
    let card = read_social_security_card(&mut ch).expect("reads");
    assert_eq!(card.name, SAMPLE_NAME);
    assert_eq!(card.id_number.expose(), SAMPLE_ID_NUMBER);
    let reads: Vec<&[u8]> = ch.sent[2..].iter().map(Vec::as_slice).collect();
    assert_eq!(
        reads,
        [
            &[0x00, 0xB2, 0x08, 0x00, 0x14][..],
            &[0x00, 0xB2, 0x08, 0x00, 0x00],
            &[0x00, 0xB2, 0x09, 0x00, 0x20],
            &[0x00, 0xB2, 0x09, 0x00, 0x00],
        ]
    );
    // A record that ends before Le with 6282 ("end of record") is read as it is.
    let mut ch = Script::new(&[
        &[0x61, 0x13],
        &[0x90, 0x00],
        &id,
        &record(0x09, &[0xD5, 0xC5], [0x62, 0x82]),
    ]);
    assert_eq!(
        read_social_security_card(&mut ch).expect("reads").name,
        "张"
    );
}

#[test]
fn refusals_carry_their_status_words_and_no_identity() {
    // SELECT EF06 refused (a PIN-protected file, say).
    let mut ch = Script::new(&[&[0x61, 0x13], &[0x69, 0x82]]);
    assert_eq!(
        read_social_security_card(&mut ch),
        Err(CardError::StatusWord(0x6982))
    );
    // The ID number missing, or the name: never an identity without it.
    let mut ch = Script::new(&[&[0x90, 0x00], &[0x90, 0x00], &[0x6A, 0x83]]);
    assert!(matches!(
        read_social_security_card(&mut ch),
        Err(CardError::Malformed(_))
    ));
    let id = record(0x08, SAMPLE_ID_NUMBER.as_bytes(), [0x90, 0x00]);
    let mut ch = Script::new(&[&[0x90, 0x00], &[0x90, 0x00], &id, &[0x6A, 0x83]]);
    assert!(matches!(
        read_social_security_card(&mut ch),
        Err(CardError::Malformed(_))
    ));
    // A wrong check digit ends the read before the name is asked for.
    let bad = record(0x08, b"330302195608150421", [0x90, 0x00]);
    let mut ch = Script::new(&[&[0x90, 0x00], &[0x90, 0x00], &bad]);
    assert!(matches!(
        read_social_security_card(&mut ch),
        Err(CardError::InvalidIdNumber(_))
    ));
    assert_eq!(ch.sent.len(), 3);
    // A card that never stops answering 6700 is refused, not looped on.
    let mut ch = Script::new(&[&[0x90, 0x00], &[0x90, 0x00], &[0x67, 0x00], &[0x67, 0x00]]);
    assert_eq!(
        read_social_security_card(&mut ch),
        Err(CardError::StatusWord(0x6700))
    );
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
fn debug_masks_personal_data() {
    let mut card = VirtualCard::new(CardBehaviour::Resident(CardImage::sample_resident()));
    let ssc = read_social_security_card(&mut card).expect("sample reads");
    let dbg = format!("{ssc:?}");
    assert!(!dbg.contains("张小华"), "{dbg}");
    assert!(dbg.contains("张*华"), "{dbg}");
    assert!(!dbg.contains(ssc.id_number.expose()), "{dbg}");
    assert!(dbg.contains(&ssc.id_number.masked()), "{dbg}");
    assert!(!dbg.contains("1956"), "{dbg}");
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

    /// A card written with an arbitrary name, any padding, either protocol and any of the
    /// records identification does not use left out reads back as that holder, in the
    /// same four APDUs.
    #[test]
    fn a_card_round_trips(
        name in "[\u{4e00}-\u{9fa5}]{1,4}",
        pad in prop_oneof![Just(0x00u8), Just(0xFF), Just(0x20)],
        t0 in any::<bool>(),
        // Tags as the specification numbers them: EF05 01..07, EF06 0A..0D.
        dropped in proptest::sample::subsequence(
            vec![0x01u8, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0A, 0x0B, 0x0C, 0x0D], 0..=11),
    ) {
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&name);
        prop_assert!(!unmappable);
        let mut raw_name = gbk.into_owned();
        raw_name.resize(30, pad);
        let mut image = CardImage::sample_resident().with_record(0x09, raw_name).with_t0(t0);
        for tag in dropped {
            image = image.without_record(tag);
        }
        let mut ch = recording(image);
        let got = read_social_security_card(&mut ch).expect("reads");
        prop_assert_eq!(got.name, name);
        prop_assert_eq!(got.id_number.expose(), SAMPLE_ID_NUMBER);
        prop_assert_eq!(ch.sent, SAMPLE_READ);
    }

    #[test]
    fn parsers_never_panic(tag in any::<u8>(), bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(v) = parse_record(tag, &bytes) {
            prop_assert!(v.len() <= bytes.len());
        }
        if let Ok(name) = parse_gbk_name(&bytes) {
            prop_assert!(!name.is_empty());
        }
        let _ = ascii_field(&bytes, "x");
    }
}
