//! APDU exchange (ISO/IEC 7816-4 §5) with the T=0 status words handled in software:
//! `61xx` (more data: GET RESPONSE) and `6Cxx` (wrong Le: send again with Le = xx).

use crate::CardError;

/// A raw APDU exchange with a card: sends a command APDU, returns the response APDU including the
/// two status bytes SW1 SW2.
pub trait CardChannel {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError>;
}

impl<C: CardChannel + ?Sized> CardChannel for &mut C {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        (**self).transmit(apdu)
    }
}

/// A response once `61xx`/`6Cxx` have been dealt with: the data and the final status word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub sw: u16,
}

impl Response {
    pub fn is_ok(&self) -> bool {
        self.sw == 0x9000
    }
}

/// Most card round trips one command may take (GET RESPONSE chains and one Le correction).
const MAX_ROUND_TRIPS: usize = 8;
/// Most data one command may collect; the social-security records are at most a few dozen bytes.
const MAX_DATA: usize = 4096;

/// Sends `apdu` and follows the card's `61xx` (issue GET RESPONSE `00 C0 00 00 xx`) and `6Cxx`
/// (re-send the same command with Le = xx) answers, at most 8 exchanges.
pub fn transceive(ch: &mut dyn CardChannel, apdu: &[u8]) -> Result<Response, CardError> {
    if apdu.len() < 4 {
        return Err(CardError::Malformed(
            "command APDU shorter than its header".into(),
        ));
    }
    let mut command = apdu.to_vec();
    let mut data = Vec::new();
    let mut le_corrected = false;
    for _ in 0..MAX_ROUND_TRIPS {
        let resp = ch.transmit(&command)?;
        let (body, sw) = split_status(&resp)?;
        let (sw1, sw2) = ((sw >> 8) as u8, sw as u8);
        match sw1 {
            0x61 => {
                // ISO 7816-4 §5.1.3 / 7816-3 T=0: SW2 bytes are waiting (00 = 256).
                push_data(&mut data, body)?;
                command = vec![0x00, 0xC0, 0x00, 0x00, sw2];
            }
            0x6C if !le_corrected => {
                // Wrong Le: the card tells the exact length. Only once per command, so a card
                // that keeps answering 6Cxx cannot hold us in a loop.
                le_corrected = true;
                data.clear();
                command = with_le(&command, sw2);
            }
            _ => {
                push_data(&mut data, body)?;
                return Ok(Response { data, sw });
            }
        }
    }
    Err(CardError::Malformed(
        "the card kept asking for more exchanges (61xx/6Cxx loop)".into(),
    ))
}

fn split_status(resp: &[u8]) -> Result<(&[u8], u16), CardError> {
    match resp.len() {
        0 | 1 => Err(CardError::Malformed(format!(
            "response of {} byte(s) has no status word",
            resp.len()
        ))),
        n => {
            let sw = u16::from_be_bytes([resp[n - 2], resp[n - 1]]);
            Ok((&resp[..n - 2], sw))
        }
    }
}

fn push_data(data: &mut Vec<u8>, more: &[u8]) -> Result<(), CardError> {
    if data.len() + more.len() > MAX_DATA {
        return Err(CardError::Malformed("response longer than expected".into()));
    }
    data.extend_from_slice(more);
    Ok(())
}

/// The same command with its Le set to `le` (short APDUs only).
fn with_le(command: &[u8], le: u8) -> Vec<u8> {
    let mut out = command.to_vec();
    match command.len() {
        4 => out.push(le), // case 1 → case 2
        5 => out[4] = le,  // case 2: replace Le
        n => {
            let lc = usize::from(command[4]);
            if n == 5 + lc {
                out.push(le); // case 3 → case 4
            } else if let Some(last) = out.last_mut() {
                *last = le; // case 4: replace Le
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// Answers from a script and records what was sent.
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

    #[test]
    fn plain_answer_is_split() {
        let mut ch = Script::new(&[&[0x01, 0x02, 0x90, 0x00]]);
        let r = transceive(&mut ch, &[0, 0xB2, 1, 0, 0]).expect("ok");
        assert_eq!(
            r,
            Response {
                data: vec![1, 2],
                sw: 0x9000
            }
        );
        assert!(r.is_ok());
    }

    #[test]
    fn get_response_chain_is_followed() {
        let mut ch = Script::new(&[&[0x61, 0x03], &[1, 2, 0x61, 0x01], &[3, 0x90, 0x00]]);
        let r = transceive(&mut ch, &[0, 0xA4, 4, 0, 1, 0xAA]).expect("ok");
        assert_eq!(r.data, vec![1, 2, 3]);
        assert_eq!(r.sw, 0x9000);
        assert_eq!(ch.sent[1], vec![0x00, 0xC0, 0x00, 0x00, 0x03]);
        assert_eq!(ch.sent[2], vec![0x00, 0xC0, 0x00, 0x00, 0x01]);
    }

    #[test]
    fn wrong_le_is_corrected_once() {
        let mut ch = Script::new(&[&[0x6C, 0x05], &[9, 9, 9, 9, 9, 0x90, 0x00]]);
        let r = transceive(&mut ch, &[0, 0xB2, 7, 0, 0]).expect("ok");
        assert_eq!(r.data.len(), 5);
        assert_eq!(ch.sent[1], vec![0, 0xB2, 7, 0, 5]);
    }

    #[test]
    fn wrong_le_twice_is_returned_not_looped() {
        let mut ch = Script::new(&[&[0x6C, 0x05], &[0x6C, 0x06]]);
        let r = transceive(&mut ch, &[0, 0xB2, 7, 0, 0]).expect("answered");
        assert_eq!(r.sw, 0x6C06);
        assert_eq!(ch.sent.len(), 2);
    }

    #[test]
    fn endless_61xx_is_capped() {
        let answers: Vec<&[u8]> = vec![&[0x61, 0x01]; 50];
        let mut ch = Script::new(&answers);
        let err = transceive(&mut ch, &[0, 0xA4, 4, 0]).expect_err("capped");
        assert!(matches!(err, CardError::Malformed(_)));
        assert_eq!(ch.sent.len(), MAX_ROUND_TRIPS);
    }

    #[test]
    fn short_answers_are_malformed() {
        let mut ch = Script::new(&[&[0x90]]);
        assert!(matches!(
            transceive(&mut ch, &[0, 0xB2, 7, 0, 0]),
            Err(CardError::Malformed(_))
        ));
        let mut ch = Script::new(&[]);
        assert_eq!(
            transceive(&mut ch, &[0, 0xB2, 7, 0, 0]),
            Err(CardError::Removed)
        );
        assert!(transceive(&mut ch, &[0, 0xB2]).is_err());
    }

    #[test]
    fn le_is_set_for_every_case() {
        assert_eq!(with_le(&[0, 1, 2, 3], 9), vec![0, 1, 2, 3, 9]);
        assert_eq!(with_le(&[0, 1, 2, 3, 0], 9), vec![0, 1, 2, 3, 9]);
        assert_eq!(
            with_le(&[0, 1, 2, 3, 1, 0xAA], 9),
            vec![0, 1, 2, 3, 1, 0xAA, 9]
        );
        assert_eq!(
            with_le(&[0, 1, 2, 3, 1, 0xAA, 0], 9),
            vec![0, 1, 2, 3, 1, 0xAA, 9]
        );
    }
}
