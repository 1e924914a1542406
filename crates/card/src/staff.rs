//! Staff cards. A station's staff carry fixed-UID cards (staff badges, city cards) listed in the
//! station config. Such a card is recognised by its UID (PC/SC GET DATA `FF CA 00 00 00`) and
//! is never taken for a resident. A UID alone identifies nobody in general — bank cards,
//! third-generation social-security cards and phones answer random UIDs — so only listed UIDs
//! count, and only for a card that is not a social-security card.

use std::collections::HashSet;

use crate::apdu::{transceive, CardChannel};
use crate::ssc::{read_social_security_card, SocialSecurityCard};
use crate::CardError;

/// The UIDs of this station's staff cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffCards {
    uids: HashSet<Vec<u8>>,
}

impl StaffCards {
    pub fn new(uids: impl IntoIterator<Item = Vec<u8>>) -> StaffCards {
        StaffCards {
            uids: uids.into_iter().collect(),
        }
    }

    /// Parses hexadecimal UIDs such as `"04A1B2C3"` (spaces and colons allowed).
    pub fn parse_hex<S: AsRef<str>>(list: &[S]) -> Result<StaffCards, String> {
        let mut uids = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let digits: String = item
                .as_ref()
                .chars()
                .filter(|c| !matches!(c, ' ' | ':'))
                .collect();
            let uid = decode_hex(&digits)
                .filter(|u| (4..=10).contains(&u.len()))
                .ok_or_else(|| format!("item {} is not a 4 to 10 byte hexadecimal UID", i + 1))?;
            uids.push(uid);
        }
        Ok(StaffCards::new(uids))
    }

    pub fn is_empty(&self) -> bool {
        self.uids.is_empty()
    }

    pub fn contains(&self, uid: &[u8]) -> bool {
        self.uids.contains(uid)
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// A listed staff card, by its UID: the station's record of which staff member acted
/// (the station's staff list maps badges to people).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct StaffBadge(Vec<u8>);

impl StaffBadge {
    pub fn new(uid: Vec<u8>) -> StaffBadge {
        StaffBadge(uid)
    }

    /// The card's UID.
    pub fn uid(&self) -> &[u8] {
        &self.0
    }

    /// The UID in upper-case hexadecimal, as written in `[staff] card_uids`.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02X}")).collect()
    }

    /// The last four hex digits, enough for staff to recognise their badge on screen.
    pub fn masked(&self) -> String {
        let hex = self.hex();
        let tail = hex.get(hex.len().saturating_sub(4)..).unwrap_or_default();
        format!("****{tail}")
    }
}

impl std::fmt::Debug for StaffBadge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StaffBadge({})", self.hex())
    }
}

/// What a card in the slot turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardIdentity {
    Resident(SocialSecurityCard),
    Staff(StaffBadge),
    /// Not a social-security card and not listed, but it has a UID: of no use to a resident;
    /// staff may add it as a badge in admin mode (the station's list can change while it runs).
    Unlisted(StaffBadge),
}

/// The card's UID (PC/SC part 3 GET DATA; answered by the reader for contactless cards).
pub fn read_uid(ch: &mut dyn CardChannel) -> Result<Vec<u8>, CardError> {
    let r = transceive(ch, &[0xFF, 0xCA, 0x00, 0x00, 0x00])?;
    if !r.is_ok() {
        return Err(CardError::StatusWord(r.sw));
    }
    if !(4..=10).contains(&r.data.len()) {
        return Err(CardError::Malformed(format!(
            "UID of {} bytes",
            r.data.len()
        )));
    }
    Ok(r.data)
}

/// Reads the card as a resident's social-security card; failing that, asks for its UID: one of
/// this station's staff cards, or an unlisted card with a UID.
pub fn identify_card(
    ch: &mut dyn CardChannel,
    staff: &StaffCards,
) -> Result<CardIdentity, CardError> {
    match read_social_security_card(ch) {
        Ok(card) => Ok(CardIdentity::Resident(card)),
        Err(CardError::NotSocialSecurityCard { sw }) => match read_uid(ch) {
            Ok(uid) if staff.contains(&uid) => Ok(CardIdentity::Staff(StaffBadge(uid))),
            Ok(uid) => Ok(CardIdentity::Unlisted(StaffBadge(uid))),
            Err(_) => Err(CardError::NotSocialSecurityCard { sw }),
        },
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::virtual_card::{CardBehaviour, CardImage, VirtualCard};
    use proptest::prelude::*;

    const UID: [u8; 4] = [0x04, 0xA1, 0xB2, 0xC3];

    fn staff() -> StaffCards {
        StaffCards::parse_hex(&["04:A1:B2:C3"]).expect("uid list")
    }

    #[test]
    fn a_listed_staff_card_is_staff_never_a_resident() {
        let mut card = VirtualCard::new(CardBehaviour::Staff(UID.to_vec()));
        assert_eq!(
            identify_card(&mut card, &staff()),
            Ok(CardIdentity::Staff(StaffBadge::new(UID.to_vec())))
        );
        let badge = StaffBadge::new(UID.to_vec());
        assert_eq!(
            (badge.hex().as_str(), badge.masked().as_str()),
            ("04A1B2C3", "****B2C3")
        );
    }

    #[test]
    fn an_unlisted_uid_is_reported_as_such_and_a_card_without_one_is_unreadable() {
        let other = vec![1, 2, 3, 4, 5, 6, 7];
        let mut card = VirtualCard::new(CardBehaviour::Staff(other.clone()));
        assert_eq!(
            identify_card(&mut card, &staff()),
            Ok(CardIdentity::Unlisted(StaffBadge::new(other)))
        );
        let mut card = VirtualCard::new(CardBehaviour::Staff(UID.to_vec()));
        assert_eq!(
            identify_card(&mut card, &StaffCards::default()),
            Ok(CardIdentity::Unlisted(StaffBadge::new(UID.to_vec())))
        );
        let mut foreign = VirtualCard::new(CardBehaviour::Foreign);
        assert_eq!(
            identify_card(&mut foreign, &staff()),
            Err(CardError::NotSocialSecurityCard { sw: 0x6A82 })
        );
    }

    #[test]
    fn a_resident_card_stays_a_resident_even_if_its_uid_is_listed() {
        let mut card = VirtualCard::new(CardBehaviour::Resident(CardImage::sample_resident()));
        assert!(matches!(
            identify_card(&mut card, &staff()),
            Ok(CardIdentity::Resident(_))
        ));
    }

    #[test]
    fn uid_lists_are_validated() {
        assert!(StaffCards::parse_hex(&["04A1B2C3", "04 a1 b2 c3 d4 e5 f6"]).is_ok());
        assert!(StaffCards::parse_hex(&["04A1B2C"]).is_err());
        assert!(StaffCards::parse_hex(&["zz112233"]).is_err());
        assert!(StaffCards::parse_hex(&["0102"]).is_err());
    }

    proptest! {
        #[test]
        fn parse_hex_never_panics(items in proptest::collection::vec(".{0,24}", 0..4)) {
            let _ = StaffCards::parse_hex(&items);
        }

        /// A badge's hex, as shown and as an operator may write it in `[staff] card_uids`
        /// (lower case, colons or spaces between bytes), lists exactly that badge.
        #[test]
        fn uid_hex_round_trips(
            uid in proptest::collection::vec(any::<u8>(), 4..=10),
            other in proptest::collection::vec(any::<u8>(), 4..=10),
            lower in any::<bool>(), sep in prop_oneof![Just(""), Just(":"), Just(" ")],
        ) {
            let hex = StaffBadge::new(uid.clone()).hex();
            // Upper-case hexadecimal, two digits per byte, independent of this module:
            let want: String = uid.iter().map(|b| format!("{:02X}", b)).collect();
            prop_assert_eq!(&hex, &want);
            let written: String = hex
                .as_bytes()
                .chunks(2)
                .map(|pair| std::str::from_utf8(pair).expect("ascii"))
                .collect::<Vec<_>>()
                .join(sep);
            let written = if lower { written.to_lowercase() } else { written };
            let cards = StaffCards::parse_hex(&[written.as_str()]).expect("a badge's own hex");
            prop_assert!(cards.contains(&uid), "{}", written);
            prop_assert_eq!(cards.contains(&other), other == uid);
        }

        /// UIDs outside 4 to 10 bytes are refused even though their hex is well-formed.
        #[test]
        fn uid_lengths_outside_4_to_10_are_refused(
            uid in prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..4),
                proptest::collection::vec(any::<u8>(), 11..16),
            ],
        ) {
            let hex = StaffBadge::new(uid).hex();
            prop_assert!(StaffCards::parse_hex(&[hex]).is_err());
        }
    }
}
