//! A simulated SAM module: answers request frames with reply frames like a real reader, with a
//! card slot and faults to inject. Used by the demo backend, the unit tests and the
//! pseudo-terminal test bed.

use chrono::NaiveDate;
use station_core::resident::{check_char, IdNumber};

use crate::frame::{encode_reply, parse_request, Command, FrameDecoder, FrameError, SamStatus};
use crate::text::{encode_base_message, IdCardHolder, Sex, PHOTO_LEN};

/// The sample resident's name (same as the social-security virtual card's).
pub const SAMPLE_NAME: &str = "张小华"; // i18n-exempt: sample card data of the simulator
/// First 17 digits of the sample resident's ID number (same person as the social-security
/// virtual card: born 1956-08-15, 温州市鹿城区).
pub const SAMPLE_ID_FIRST17: &str = "33030219560815042";

/// The sample resident's full ID number, check character computed.
pub fn sample_id_number() -> String {
    let check = check_char(SAMPLE_ID_FIRST17.as_bytes());
    format!("{SAMPLE_ID_FIRST17}{}", char::from(check))
}

/// A realistic holder: 张小华, female, 汉族, born 1956-08-15, card valid from 2016-03-01 with
/// no expiry (长期), a made-up 1024-byte photo.
pub fn sample_holder() -> IdCardHolder {
    let id_number =
        IdNumber::parse(&sample_id_number()).expect("the sample ID number is valid (tested)");
    IdCardHolder {
        name: SAMPLE_NAME.into(),
        sex: Some(Sex::Female),
        nation_code: "01".into(),
        birth_date: NaiveDate::from_ymd_opt(1956, 8, 15),
        address: "浙江省温州市鹿城区五马街道公园路88号".into(), // i18n-exempt: sample card data
        id_number,
        authority: "温州市公安局鹿城分局".into(), // i18n-exempt: sample card data
        valid_from: NaiveDate::from_ymd_opt(2016, 3, 1),
        valid_to: None,
        photo_wlt: (0..PHOTO_LEN)
            .map(|i| u8::try_from((i * 31 + 7) % 256).unwrap_or(0))
            .collect(),
    }
}

/// Faults a simulated SAM can inject. The reply faults concern the read-base-message reply
/// (the long one, where a noisy line hurts); `SelfTestFailed` affects every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SamFault {
    /// The read reply's check byte is wrong.
    BadCheckByte,
    /// Only the first half of the read reply is sent.
    TruncatedReply,
    /// Noise instead of the read reply.
    Garbage,
    /// Noise before an intact read reply (a reader must skip it and read the card).
    NoisyLine,
    /// Every command is answered `00 00 60` (self-test failed).
    SelfTestFailed,
}

/// Bytes with no preamble in them.
const NOISE: [u8; 24] = [
    0x5A, 0x00, 0xFF, 0xAA, 0xAA, 0x13, 0x96, 0x69, 0x37, 0xAA, 0xAA, 0xAA, 0x00, 0x42, 0x81, 0x7E,
    0xAA, 0x96, 0x69, 0x01, 0x02, 0xC3, 0x3C, 0xAA,
];

/// A SAM module with a card slot. Feed it the bytes a host sends ([`SimulatedSam::receive`]),
/// send back what it returns.
#[derive(Debug, Clone, Default)]
pub struct SimulatedSam {
    card: Option<IdCardHolder>,
    found: bool,
    selected: bool,
    fault: Option<SamFault>,
    requests: FrameDecoder,
}

impl SimulatedSam {
    /// A working module with an empty slot.
    pub fn new() -> SimulatedSam {
        SimulatedSam::default()
    }

    /// A working module with `holder`'s card on it.
    pub fn with_card(holder: IdCardHolder) -> SimulatedSam {
        let mut sam = SimulatedSam::new();
        sam.place(holder);
        sam
    }

    /// Puts a card on the reader (replacing any card there).
    pub fn place(&mut self, holder: IdCardHolder) {
        self.card = Some(holder);
        self.found = false;
        self.selected = false;
    }

    /// Takes the card away.
    pub fn take(&mut self) {
        self.card = None;
        self.found = false;
        self.selected = false;
    }

    pub fn card(&self) -> Option<&IdCardHolder> {
        self.card.as_ref()
    }

    /// Injects a fault (or, with `None`, repairs the module).
    pub fn set_fault(&mut self, fault: Option<SamFault>) {
        self.fault = fault;
    }

    pub fn fault(&self) -> Option<SamFault> {
        self.fault
    }

    /// Takes bytes from the host (in any fragments) and returns the reply bytes for every
    /// request completed by them.
    pub fn receive(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.requests.push(bytes);
        let mut out = Vec::new();
        while let Some(frame) = self.requests.next_frame() {
            let reply = match frame {
                Ok(body) => self.answer(&body),
                Err(FrameError::CheckByte { .. }) => encode_reply(SamStatus::BadCheckByte, &[]),
                Err(FrameError::TooLong { .. } | FrameError::TooShort(_)) => {
                    encode_reply(SamStatus::BadLength, &[])
                }
            };
            out.extend(reply);
        }
        out
    }

    /// The reply bytes to one request body (command + parameter).
    pub fn answer(&mut self, body: &[u8]) -> Vec<u8> {
        if self.fault == Some(SamFault::SelfTestFailed) {
            return encode_reply(SamStatus::SelfTestFailed, &[]);
        }
        let Some(cmd) = parse_request(body) else {
            return encode_reply(SamStatus::BadLength, &[]);
        };
        let status = match cmd {
            Command::RESET_SAM => {
                self.found = false;
                self.selected = false;
                SamStatus::Ok
            }
            Command::SAM_STATUS => SamStatus::Ok,
            Command::FIND_CARD => {
                self.found = self.card.is_some();
                self.selected = false;
                if self.found {
                    SamStatus::CardFound
                } else {
                    SamStatus::FindFailed
                }
            }
            Command::SELECT_CARD => {
                self.selected = self.found && self.card.is_some();
                if self.selected {
                    SamStatus::Ok
                } else {
                    SamStatus::SelectFailed
                }
            }
            Command::READ_BASE_MESSAGE => return self.read_base_message(),
            _ => SamStatus::BadCommand,
        };
        encode_reply(status, &[])
    }

    fn read_base_message(&mut self) -> Vec<u8> {
        let holder = match (&self.card, self.selected) {
            (Some(h), true) => h,
            _ => return encode_reply(SamStatus::ReadFailed, &[]),
        };
        let mut reply = encode_reply(SamStatus::Ok, &encode_base_message(holder));
        match self.fault {
            Some(SamFault::BadCheckByte) => {
                if let Some(last) = reply.last_mut() {
                    *last ^= 0xFF;
                }
            }
            Some(SamFault::TruncatedReply) => reply.truncate(reply.len() / 2),
            Some(SamFault::Garbage) => reply = NOISE.repeat(8),
            Some(SamFault::NoisyLine) => {
                let mut noisy = NOISE.to_vec();
                noisy.extend(reply);
                reply = noisy;
            }
            Some(SamFault::SelfTestFailed) | None => {}
        }
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{encode_request, PREAMBLE};

    fn reply(sam: &mut SimulatedSam, cmd: Command) -> crate::frame::Reply {
        let mut d = FrameDecoder::new();
        d.push(&sam.receive(&encode_request(cmd)));
        d.next_reply().expect("a reply").expect("valid")
    }

    #[test]
    fn sample_is_the_social_security_sample_person() {
        let h = sample_holder();
        assert_eq!(h.name, "张小华");
        assert_eq!(h.id_number.expose(), sample_id_number());
        assert_eq!(h.id_number.birth_date(), h.birth_date);
        assert_eq!(h.photo_wlt().len(), PHOTO_LEN);
        assert!(!NOISE.windows(5).any(|w| w == PREAMBLE));
    }

    #[test]
    fn answers_like_a_sam_module() {
        let mut sam = SimulatedSam::new();
        assert_eq!(reply(&mut sam, Command::SAM_STATUS).status, SamStatus::Ok);
        assert_eq!(
            reply(&mut sam, Command::FIND_CARD).status,
            SamStatus::FindFailed
        );
        assert_eq!(
            reply(&mut sam, Command::SELECT_CARD).status,
            SamStatus::SelectFailed
        );
        sam.place(sample_holder());
        assert_eq!(
            reply(&mut sam, Command::READ_BASE_MESSAGE).status,
            SamStatus::ReadFailed
        );
        assert_eq!(
            reply(&mut sam, Command::FIND_CARD).status,
            SamStatus::CardFound
        );
        assert_eq!(reply(&mut sam, Command::SELECT_CARD).status, SamStatus::Ok);
        let read = reply(&mut sam, Command::READ_BASE_MESSAGE);
        assert_eq!(read.status, SamStatus::Ok);
        let holder = crate::text::parse_base_message(&read.data).expect("valid");
        assert_eq!(holder, sample_holder());
        assert_eq!(
            reply(&mut sam, Command::new(0x99, 0x01)).status,
            SamStatus::BadCommand
        );
        sam.set_fault(Some(SamFault::SelfTestFailed));
        assert_eq!(
            reply(&mut sam, Command::SAM_STATUS).status,
            SamStatus::SelfTestFailed
        );
    }

    #[test]
    fn a_request_with_a_bad_check_byte_is_answered_10() {
        let mut sam = SimulatedSam::new();
        let mut req = encode_request(Command::SAM_STATUS);
        if let Some(last) = req.last_mut() {
            *last ^= 1;
        }
        let mut d = FrameDecoder::new();
        d.push(&sam.receive(&req));
        assert_eq!(
            d.next_reply().expect("reply").expect("valid").status,
            SamStatus::BadCheckByte
        );
    }

    #[test]
    fn requests_in_fragments_are_answered_once_complete() {
        let mut sam = SimulatedSam::new();
        let req = encode_request(Command::SAM_STATUS);
        let (a, b) = req.split_at(4);
        assert!(sam.receive(a).is_empty());
        assert!(!sam.receive(b).is_empty());
    }
}
