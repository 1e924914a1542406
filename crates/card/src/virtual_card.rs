//! A virtual social-security card: the files of a card ([`CardImage`]), an APDU responder
//! ([`VirtualCard`]) shared by the simulator, the tests and the e2e suite, and a vpcd client
//! ([`VpcdCard`]) that presents it to a real pcscd through Debian's `vsmartcard-vpcd` driver.
//! One file each, in `virtual_card/`: `image.rs` (the card's layout and the sample resident),
//! `answer.rs` (the APDU responder), `vpcd.rs` (the vpcd client).
//!
//! **vpcd listens on every network interface: fine on a test machine, never install
//! `vsmartcard-vpcd` on a kiosk (anyone on the network could present a card).**

mod answer;
mod image;
mod vpcd;

pub use answer::{CardBehaviour, VirtualCard, VIRTUAL_ATR};
pub use image::{
    sample_id_number, CardImage, SAMPLE_CARD_NUMBER, SAMPLE_ID_FIRST17, SAMPLE_ID_NUMBER,
    SAMPLE_NAME,
};
pub use vpcd::VpcdCard;

// The unit tests below reach these through `super::*`.
#[cfg(test)]
use crate::apdu::CardChannel;
#[cfg(test)]
use crate::CardError;
#[cfg(test)]
use image::{AID, SAMPLE_NAME_GBK, TAG_ID_NUMBER, TAG_NAME, TAG_SEX};
#[cfg(test)]
use std::io::{Read, Write};
#[cfg(test)]
use std::time::Duration;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssc::read_social_security_card;
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use std::net::TcpListener;

    fn resident(t0: bool) -> VirtualCard {
        VirtualCard::new(CardBehaviour::Resident(
            CardImage::sample_resident().with_t0(t0),
        ))
    }

    fn select_app(card: &mut VirtualCard) -> Vec<u8> {
        let mut apdu = vec![0x00, 0xA4, 0x04, 0x00, 0x0F];
        apdu.extend_from_slice(&AID);
        card.answer(&apdu)
    }

    #[test]
    fn sample_reads_back_fully() {
        for t0 in [true, false] {
            let ssc = read_social_security_card(&mut resident(t0)).expect("reads");
            assert_eq!(ssc.name, SAMPLE_NAME);
            assert_eq!(ssc.id_number.expose(), sample_id_number());
            assert_eq!(
                ssc.id_number.birth_date(),
                NaiveDate::from_ymd_opt(1956, 8, 15)
            );
        }
    }

    #[test]
    fn the_sample_literals_agree_with_each_other() {
        assert_eq!(&SAMPLE_ID_NUMBER[..17], SAMPLE_ID_FIRST17);
        let (name, _, unmappable) = encoding_rs::GBK.encode(SAMPLE_NAME);
        assert!(!unmappable);
        assert_eq!(name.as_ref(), SAMPLE_NAME_GBK);
        assert_eq!(&AID[..7], b"sx1.sh.");
    }

    #[test]
    fn select_by_aid() {
        let mut t0 = resident(true);
        assert_eq!(select_app(&mut t0), vec![0x61, 0x13]);
        let fci = t0.answer(&[0x00, 0xC0, 0x00, 0x00, 0x13]);
        assert_eq!(&fci[..4], &[0x6F, 0x11, 0x84, 0x0F]);
        assert_eq!(&fci[fci.len() - 2..], &[0x90, 0x00]);
        // Nothing left to get.
        assert_eq!(t0.answer(&[0x00, 0xC0, 0x00, 0x00, 0x13]), vec![0x69, 0x85]);

        let mut t1 = resident(false);
        assert_eq!(select_app(&mut t1), vec![0x90, 0x00]);
        let mut wrong = vec![0x00, 0xA4, 0x04, 0x00, 0x02, 0xA0, 0x00];
        assert_eq!(t1.answer(&wrong), vec![0x6A, 0x82]);
        wrong.truncate(6);
        assert_eq!(t1.answer(&wrong), vec![0x67, 0x00]);
    }

    #[test]
    fn get_response_in_parts_and_wrong_le() {
        let mut card = resident(true);
        select_app(&mut card);
        let part = card.answer(&[0x00, 0xC0, 0x00, 0x00, 0x05]);
        assert_eq!(part.len(), 7);
        assert_eq!(&part[5..], &[0x61, 0x0E]);
        assert_eq!(
            card.answer(&[0x00, 0xC0, 0x00, 0x00, 0x20]),
            vec![0x6C, 0x0E]
        );
        let rest = card.answer(&[0x00, 0xC0, 0x00, 0x00, 0x0E]);
        assert_eq!(&rest[rest.len() - 2..], &[0x90, 0x00]);
    }

    #[test]
    fn read_record_both_addressing_forms() {
        let mut card = resident(false);
        // Before selecting DDF1: EF05 is not reachable.
        assert_eq!(
            card.answer(&[0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, 0x05]),
            vec![0x6A, 0x82]
        );
        assert_eq!(
            card.answer(&[0x00, 0xB2, 0x07, 0x00, 0x00]),
            vec![0x69, 0x86]
        );
        select_app(&mut card);
        // No current EF yet.
        assert_eq!(
            card.answer(&[0x00, 0xB2, 0x07, 0x00, 0x00]),
            vec![0x69, 0x86]
        );
        assert_eq!(
            card.answer(&[0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, 0x05]),
            vec![0x90, 0x00]
        );
        // By identifier (tag) in the current EF.
        let by_tag = card.answer(&[0x00, 0xB2, 0x07, 0x00, 0x00]);
        assert_eq!(&by_tag[..2], &[0x07, 0x09]);
        assert_eq!(&by_tag[2..11], SAMPLE_CARD_NUMBER.as_bytes());
        assert_eq!(&by_tag[11..], &[0x90, 0x00]);
        // By SFI 6 + record number 2 (EF06's second record is the name, tag 09).
        let by_number = card.answer(&[0x00, 0xB2, 0x02, 0x34, 0x00]);
        assert_eq!(&by_number[..2], &[0x09, 0x1E]);
        // Missing record, bad P2 mode, bad SFI, no Le, unknown instruction, bad class.
        assert_eq!(
            card.answer(&[0x00, 0xB2, 0x07, 0x00, 0x00]),
            vec![0x6A, 0x83]
        );
        assert_eq!(
            card.answer(&[0x00, 0xB2, 0x08, 0x02, 0x00]),
            vec![0x6A, 0x81]
        );
        assert_eq!(
            card.answer(&[0x00, 0xB2, 0x08, 0x3C, 0x00]),
            vec![0x6A, 0x82]
        );
        assert_eq!(card.answer(&[0x00, 0xB2, 0x08, 0x00]), vec![0x67, 0x00]);
        assert_eq!(
            card.answer(&[0x00, 0xB2, 0x00, 0x00, 0x00]),
            vec![0x6A, 0x86]
        );
        assert_eq!(
            card.answer(&[0x00, 0x84, 0x00, 0x00, 0x08]),
            vec![0x6D, 0x00]
        );
        assert_eq!(
            card.answer(&[0x80, 0xB2, 0x08, 0x00, 0x00]),
            vec![0x6E, 0x00]
        );
        assert_eq!(card.answer(&[0x00, 0xB2]), vec![0x67, 0x00]);
    }

    #[test]
    fn t0_card_wants_exact_le() {
        let mut card = resident(true);
        select_app(&mut card);
        card.answer(&[0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, 0x06]);
        assert_eq!(
            card.answer(&[0x00, 0xB2, 0x08, 0x00, 0x00]),
            vec![0x6C, 0x14]
        );
        let rec = card.answer(&[0x00, 0xB2, 0x08, 0x00, 0x14]);
        assert_eq!(rec.len(), 0x14 + 2);
        assert_eq!(&rec[2..20], sample_id_number().as_bytes());
    }

    #[test]
    fn reader_falls_back_to_sfi_addressing() {
        /// A card that refuses P2 = 00 (addressing by identifier).
        struct NumberOnly(VirtualCard);
        impl CardChannel for NumberOnly {
            fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
                if apdu.get(1) == Some(&0xB2) && apdu.get(3) == Some(&0x00) {
                    return Ok(vec![0x6A, 0x86]);
                }
                self.0.transmit(apdu)
            }
        }
        // Records numbered by position; put them where the tag-as-number form finds them.
        let mut image = CardImage::sample_resident();
        let mut ef05 = vec![(0xFF, vec![]); 7];
        for (tag, v) in image.ef05.drain(..) {
            ef05[usize::from(tag) - 1] = (tag, v);
        }
        image.ef05 = ef05;
        let mut ef06 = vec![(0xFF, vec![]); 13];
        for (tag, v) in image.ef06.drain(..) {
            ef06[usize::from(tag) - 1] = (tag, v);
        }
        image.ef06 = ef06;
        let mut ch = NumberOnly(VirtualCard::new(CardBehaviour::Resident(image)));
        let ssc = read_social_security_card(&mut ch).expect("reads by SFI");
        assert_eq!(ssc.name, SAMPLE_NAME);
    }

    #[test]
    fn unreadable_cards() {
        let mut foreign = VirtualCard::new(CardBehaviour::Foreign);
        assert_eq!(
            read_social_security_card(&mut foreign),
            Err(CardError::NotSocialSecurityCard { sw: 0x6A82 })
        );
        let mut garbage = VirtualCard::new(CardBehaviour::Garbage);
        assert_eq!(
            read_social_security_card(&mut garbage),
            Err(CardError::NotSocialSecurityCard { sw: 0x3F11 })
        );
        let bad_id = CardImage::sample_resident().with_record(TAG_ID_NUMBER, "330302195608150421");
        let mut card = VirtualCard::new(CardBehaviour::Resident(bad_id));
        assert!(matches!(
            read_social_security_card(&mut card),
            Err(CardError::InvalidIdNumber(_))
        ));
        let no_name = CardImage::sample_resident().without_record(TAG_NAME);
        let mut card = VirtualCard::new(CardBehaviour::Resident(no_name));
        assert!(matches!(
            read_social_security_card(&mut card),
            Err(CardError::Malformed(_))
        ));
        // Records identification does not use may be missing.
        let no_sex = CardImage::sample_resident().without_record(TAG_SEX);
        let mut card = VirtualCard::new(CardBehaviour::Resident(no_sex));
        assert_eq!(
            read_social_security_card(&mut card).expect("reads").name,
            SAMPLE_NAME
        );
    }

    #[test]
    fn pull_after_n_apdus() {
        // The sample reads in four APDUs: pulled after any fewer, nothing is read.
        for n in 0..4 {
            let mut card =
                VirtualCard::new(CardBehaviour::PullAfter(CardImage::sample_resident(), n));
            assert_eq!(
                read_social_security_card(&mut card),
                Err(CardError::Removed),
                "n={n}"
            );
            assert!(card.is_removed());
        }
        // Pulled after the fourth: the read is complete.
        let mut card = VirtualCard::new(CardBehaviour::PullAfter(CardImage::sample_resident(), 4));
        assert!(read_social_security_card(&mut card).is_ok());
    }

    /// Plays vpcd's side of the protocol against a VpcdCard.
    #[test]
    fn vpcd_protocol() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let card = VpcdCard::insert(addr, CardBehaviour::Resident(CardImage::sample_resident()))
            .expect("insert");
        let (mut vpcd, _) = listener.accept().expect("accept");
        vpcd.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut exchange = |payload: &[u8]| -> Vec<u8> {
            let mut msg = (payload.len() as u16).to_be_bytes().to_vec();
            msg.extend_from_slice(payload);
            vpcd.write_all(&msg).expect("write");
            let mut len = [0u8; 2];
            vpcd.read_exact(&mut len).expect("len");
            let mut resp = vec![0u8; usize::from(u16::from_be_bytes(len))];
            vpcd.read_exact(&mut resp).expect("resp");
            resp
        };
        assert_eq!(exchange(&[4]), VIRTUAL_ATR.to_vec());
        let mut select = vec![0x00, 0xA4, 0x04, 0x00, 0x0F];
        select.extend_from_slice(&AID);
        assert_eq!(exchange(&select), vec![0x61, 0x13]);
        assert!(card.is_inserted());
        // Power off / on are not answered; the next message is.
        let mut ctl = vec![0x00, 0x01, 0x00, 0x00, 0x01, 0x01];
        ctl.extend_from_slice(&[0x00, 0x01, 0x04]);
        vpcd.write_all(&ctl).expect("write");
        let mut atr = vec![0u8; 2 + VIRTUAL_ATR.len()];
        vpcd.read_exact(&mut atr).expect("atr");
        assert_eq!(&atr[2..], &VIRTUAL_ATR);
        card.pull();
        let mut buf = [0u8; 1];
        assert_eq!(vpcd.read(&mut buf).expect("eof"), 0, "pull disconnects");
    }

    #[test]
    fn vpcd_pull_after_closes_mid_read() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let card = VpcdCard::insert(
            addr,
            CardBehaviour::PullAfter(CardImage::sample_resident(), 1),
        )
        .expect("insert");
        let (mut vpcd, _) = listener.accept().expect("accept");
        vpcd.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let apdu = [0x00, 0x05, 0x00, 0xA4, 0x00, 0x00, 0x00];
        vpcd.write_all(&apdu).expect("write");
        let mut resp = [0u8; 4];
        vpcd.read_exact(&mut resp).expect("first answer");
        vpcd.write_all(&apdu).expect("write");
        let mut buf = [0u8; 1];
        assert_eq!(
            vpcd.read(&mut buf).expect("eof"),
            0,
            "second APDU: card gone"
        );
        drop(card);
    }

    proptest! {
        #[test]
        fn responder_never_panics(apdu in proptest::collection::vec(any::<u8>(), 0..300), t0 in any::<bool>()) {
            let mut card = resident(t0);
            select_app(&mut card);
            let resp = card.answer(&apdu);
            prop_assert!(resp.len() >= 2);
            let mut foreign = VirtualCard::new(CardBehaviour::Foreign);
            prop_assert_eq!(foreign.answer(&apdu).len(), 2);
        }

        #[test]
        fn responder_survives_sequences(apdus in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 4..8), 0..30))
        {
            let mut card = resident(true);
            for apdu in &apdus {
                prop_assert!(card.answer(apdu).len() >= 2);
            }
        }
    }
}
