//! The SAM-module frame protocol spoken by resident-ID-card readers over a serial line.
//!
//! Every frame, request or reply, is
//! `AA AA AA 96 69` · length (2 bytes, big endian, counts everything after it, check byte
//! included) · body · check byte (XOR of the two length bytes and the body).
//! A request body is a command and a parameter (`11 FF` = SAM status); a reply body starts with a
//! 3-byte status (`00 00 90` ok) followed by the data.
//!
//! Serial lines deliver fragments and, after a glitch, garbage: [`FrameDecoder`] takes bytes in
//! any chunks, skips whatever precedes a preamble and refuses absurd lengths, so a stray byte can
//! neither stall it forever nor make it allocate without bound.

use std::fmt;

/// Start of every frame.
pub const PREAMBLE: [u8; 5] = [0xAA, 0xAA, 0xAA, 0x96, 0x69];

/// Default cap on the length field. The longest reply in use (base message + fingerprint) is
/// about 2.3 KB; anything claiming more is line noise.
pub const DEFAULT_MAX_LEN: usize = 4096;

/// A request: command byte and parameter byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Command {
    pub code: u8,
    pub param: u8,
}

impl Command {
    /// Reset the SAM module (`10 FF`).
    pub const RESET_SAM: Command = Command::new(0x10, 0xFF);
    /// SAM status / self-test (`11 FF`).
    pub const SAM_STATUS: Command = Command::new(0x11, 0xFF);
    /// Find a card in the field (`20 01`): `00 00 9F` found, `00 00 80` none.
    pub const FIND_CARD: Command = Command::new(0x20, 0x01);
    /// Select the found card (`20 02`).
    pub const SELECT_CARD: Command = Command::new(0x20, 0x02);
    /// Read the base message: text block and photo (`30 01`).
    pub const READ_BASE_MESSAGE: Command = Command::new(0x30, 0x01);

    pub const fn new(code: u8, param: u8) -> Command {
        Command { code, param }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match *self {
            Command::RESET_SAM => "reset SAM",
            Command::SAM_STATUS => "SAM status",
            Command::FIND_CARD => "find card",
            Command::SELECT_CARD => "select card",
            Command::READ_BASE_MESSAGE => "read base message",
            _ => "command",
        };
        write!(f, "{name} ({:02X} {:02X})", self.code, self.param)
    }
}

/// The 3-byte status at the start of every reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SamStatus {
    /// `00 00 90`
    Ok,
    /// `00 00 9F` (answer to find card)
    CardFound,
    /// `00 00 80`
    FindFailed,
    /// `00 00 81`
    SelectFailed,
    /// `00 00 41`
    ReadFailed,
    /// `00 00 10`: the module received a request whose check byte was wrong.
    BadCheckByte,
    /// `00 00 11`
    BadLength,
    /// `00 00 21`
    BadCommand,
    /// `00 00 60`: the module failed its self-test and accepts no command.
    SelfTestFailed,
    /// Anything else, as received.
    Other([u8; 3]),
}

impl SamStatus {
    pub fn from_bytes(b: [u8; 3]) -> SamStatus {
        match b {
            [0, 0, 0x90] => SamStatus::Ok,
            [0, 0, 0x9F] => SamStatus::CardFound,
            [0, 0, 0x80] => SamStatus::FindFailed,
            [0, 0, 0x81] => SamStatus::SelectFailed,
            [0, 0, 0x41] => SamStatus::ReadFailed,
            [0, 0, 0x10] => SamStatus::BadCheckByte,
            [0, 0, 0x11] => SamStatus::BadLength,
            [0, 0, 0x21] => SamStatus::BadCommand,
            [0, 0, 0x60] => SamStatus::SelfTestFailed,
            other => SamStatus::Other(other),
        }
    }

    pub fn to_bytes(self) -> [u8; 3] {
        match self {
            SamStatus::Ok => [0, 0, 0x90],
            SamStatus::CardFound => [0, 0, 0x9F],
            SamStatus::FindFailed => [0, 0, 0x80],
            SamStatus::SelectFailed => [0, 0, 0x81],
            SamStatus::ReadFailed => [0, 0, 0x41],
            SamStatus::BadCheckByte => [0, 0, 0x10],
            SamStatus::BadLength => [0, 0, 0x11],
            SamStatus::BadCommand => [0, 0, 0x21],
            SamStatus::SelfTestFailed => [0, 0, 0x60],
            SamStatus::Other(b) => b,
        }
    }
}

impl fmt::Display for SamStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.to_bytes();
        write!(f, "{a:02X} {b:02X} {c:02X}")
    }
}

/// A decoded reply frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: SamStatus,
    /// What follows the status (may be empty).
    pub data: Vec<u8>,
}

/// Why bytes that began with a preamble were not a usable frame. The decoder has already
/// resynchronised when it reports one of these: decoding can simply go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("frame check byte mismatch (computed {computed:02X}, received {received:02X})")]
    CheckByte { computed: u8, received: u8 },
    #[error("frame length {len} is over the limit of {max}")]
    TooLong { len: usize, max: usize },
    #[error("frame length {0} is too short for its content")]
    TooShort(usize),
}

fn xor(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |acc, b| acc ^ b)
}

/// A whole frame around `body`. Bodies longer than 65 534 bytes are not part of the protocol;
/// callers in this crate never build one.
pub fn encode_frame(body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len() + 1).unwrap_or(u16::MAX);
    let len_bytes = len.to_be_bytes();
    let mut out = Vec::with_capacity(PREAMBLE.len() + 2 + body.len() + 1);
    out.extend_from_slice(&PREAMBLE);
    out.extend_from_slice(&len_bytes);
    out.extend_from_slice(body);
    out.push(xor(&len_bytes) ^ xor(body));
    out
}

/// The bytes to send for `cmd`: e.g. SAM status → `AA AA AA 96 69 00 03 11 FF ED`.
pub fn encode_request(cmd: Command) -> Vec<u8> {
    encode_frame(&[cmd.code, cmd.param])
}

/// The bytes of a reply with `status` and `data` (what a SAM module sends).
pub fn encode_reply(status: SamStatus, data: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(3 + data.len());
    body.extend_from_slice(&status.to_bytes());
    body.extend_from_slice(data);
    encode_frame(&body)
}

/// The command in a request body (its first two bytes), if it has them.
pub fn parse_request(body: &[u8]) -> Option<Command> {
    match body {
        [code, param, ..] => Some(Command::new(*code, *param)),
        _ => None,
    }
}

/// The reply in a frame body.
pub fn parse_reply(body: &[u8]) -> Result<Reply, FrameError> {
    match body {
        [a, b, c, data @ ..] => Ok(Reply {
            status: SamStatus::from_bytes([*a, *b, *c]),
            data: data.to_vec(),
        }),
        _ => Err(FrameError::TooShort(body.len() + 1)),
    }
}

/// Incremental frame decoder: push bytes as they arrive, take frames out as they complete.
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    buf: Vec<u8>,
    max_len: usize,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        FrameDecoder::new()
    }
}

impl FrameDecoder {
    pub fn new() -> FrameDecoder {
        FrameDecoder::with_max_len(DEFAULT_MAX_LEN)
    }

    /// A decoder refusing length fields above `max_len` (at least 1).
    pub fn with_max_len(max_len: usize) -> FrameDecoder {
        FrameDecoder {
            buf: Vec::new(),
            max_len: max_len.max(1),
        }
    }

    /// Adds received bytes. Garbage before a preamble is dropped as it arrives, so the buffer
    /// stays below one maximal frame plus the latest chunk.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.drop_garbage();
    }

    /// Forgets everything received so far (before sending a new request).
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    /// Bytes held, waiting for the rest of a frame.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The body (without length and check byte) of the next complete frame, an error for a
    /// broken one, or `None` until more bytes arrive.
    pub fn next_frame(&mut self) -> Option<Result<Vec<u8>, FrameError>> {
        self.drop_garbage();
        let header = PREAMBLE.len() + 2;
        let len_bytes = self.buf.get(PREAMBLE.len()..header)?;
        let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
        if len == 0 {
            self.skip_preamble();
            return Some(Err(FrameError::TooShort(0)));
        }
        if len > self.max_len {
            self.skip_preamble();
            return Some(Err(FrameError::TooLong {
                len,
                max: self.max_len,
            }));
        }
        let end = header + len;
        let frame = self.buf.get(..end)?;
        let body = &frame[header..end - 1];
        let received = frame[end - 1];
        let computed = xor(&frame[PREAMBLE.len()..header]) ^ xor(body);
        if computed != received {
            // The preamble may have been noise and the real frame may start inside what was
            // taken for its body: look again from the next byte.
            self.skip_preamble();
            return Some(Err(FrameError::CheckByte { computed, received }));
        }
        let body = body.to_vec();
        self.buf.drain(..end);
        Some(Ok(body))
    }

    /// The next complete reply (see [`FrameDecoder::next_frame`]).
    pub fn next_reply(&mut self) -> Option<Result<Reply, FrameError>> {
        self.next_frame()
            .map(|r| r.and_then(|body| parse_reply(&body)))
    }

    /// Drops bytes that cannot be the start of a frame: everything before the first preamble,
    /// or, without one, all but a tail that could be a preamble's beginning.
    fn drop_garbage(&mut self) {
        if let Some(pos) = self.buf.windows(PREAMBLE.len()).position(|w| w == PREAMBLE) {
            self.buf.drain(..pos);
            return;
        }
        let keep = (1..PREAMBLE.len())
            .rev()
            .find(|&k| k <= self.buf.len() && self.buf[self.buf.len() - k..] == PREAMBLE[..k])
            .unwrap_or(0);
        let cut = self.buf.len() - keep;
        self.buf.drain(..cut);
    }

    fn skip_preamble(&mut self) {
        let n = self.buf.len().min(1);
        self.buf.drain(..n);
        self.drop_garbage();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).expect("hex"))
            .collect()
    }

    #[test]
    fn requests_match_the_field_notes_examples() {
        assert_eq!(
            encode_request(Command::SAM_STATUS),
            hex("AA AA AA 96 69 00 03 11 FF ED")
        );
        assert_eq!(
            encode_request(Command::FIND_CARD),
            hex("AA AA AA 96 69 00 03 20 01 22")
        );
        assert_eq!(
            encode_request(Command::SELECT_CARD),
            hex("AA AA AA 96 69 00 03 20 02 21")
        );
        assert_eq!(
            encode_request(Command::READ_BASE_MESSAGE),
            hex("AA AA AA 96 69 00 03 30 01 32")
        );
    }

    #[test]
    fn decodes_the_example_requests() {
        let mut d = FrameDecoder::new();
        d.push(&hex(
            "AA AA AA 96 69 00 03 11 FF ED AA AA AA 96 69 00 03 30 01 32",
        ));
        let a = d.next_frame().expect("frame").expect("valid");
        assert_eq!(parse_request(&a), Some(Command::SAM_STATUS));
        let b = d.next_frame().expect("frame").expect("valid");
        assert_eq!(parse_request(&b), Some(Command::READ_BASE_MESSAGE));
        assert!(d.next_frame().is_none());
        assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn read_reply_has_the_documented_size() {
        let mut data = vec![0x01, 0x00, 0x04, 0x00];
        data.extend(std::iter::repeat_n(0x20, 256 + 1024));
        let frame = encode_reply(SamStatus::Ok, &data);
        assert_eq!(frame.len(), 1295);
        assert_eq!(&frame[5..7], &[0x05, 0x08]);
    }

    #[test]
    fn status_replies_round_trip() {
        for status in [
            SamStatus::Ok,
            SamStatus::CardFound,
            SamStatus::FindFailed,
            SamStatus::SelectFailed,
            SamStatus::ReadFailed,
            SamStatus::BadCheckByte,
            SamStatus::BadLength,
            SamStatus::BadCommand,
            SamStatus::SelfTestFailed,
            SamStatus::Other([1, 2, 3]),
        ] {
            let mut d = FrameDecoder::new();
            d.push(&encode_reply(status, &[]));
            assert_eq!(
                d.next_reply(),
                Some(Ok(Reply {
                    status,
                    data: vec![]
                }))
            );
        }
        // find card failed: AA AA AA 96 69 00 04 00 00 80 84
        let mut d = FrameDecoder::new();
        d.push(&hex("AA AA AA 96 69 00 04 00 00 80 84"));
        assert_eq!(
            d.next_reply().expect("reply").expect("valid").status,
            SamStatus::FindFailed
        );
    }

    #[test]
    fn byte_by_byte_after_garbage() {
        let mut stream = hex("00 FF AA AA 96 69 AA 12");
        let frame = encode_reply(SamStatus::CardFound, &[1, 2, 3]);
        stream.extend_from_slice(&frame);
        let mut d = FrameDecoder::new();
        let mut got = Vec::new();
        for b in stream {
            d.push(&[b]);
            while let Some(r) = d.next_reply() {
                got.push(r);
            }
        }
        assert_eq!(
            got,
            vec![Ok(Reply {
                status: SamStatus::CardFound,
                data: vec![1, 2, 3]
            })]
        );
    }

    #[test]
    fn bad_check_byte_is_reported_then_decoding_goes_on() {
        let mut bad = encode_request(Command::FIND_CARD);
        if let Some(last) = bad.last_mut() {
            *last ^= 0x55;
        }
        let mut d = FrameDecoder::new();
        d.push(&bad);
        d.push(&encode_request(Command::SELECT_CARD));
        assert!(matches!(
            d.next_frame(),
            Some(Err(FrameError::CheckByte { .. }))
        ));
        let next = d.next_frame().expect("frame").expect("valid");
        assert_eq!(parse_request(&next), Some(Command::SELECT_CARD));
    }

    #[test]
    fn lengths_over_the_cap_and_zero_are_refused() {
        let mut d = FrameDecoder::with_max_len(100);
        d.push(&hex("AA AA AA 96 69 FF FF 00"));
        assert_eq!(
            d.next_frame(),
            Some(Err(FrameError::TooLong {
                len: 0xFFFF,
                max: 100
            }))
        );
        assert!(d.next_frame().is_none());
        d.push(&hex("AA AA AA 96 69 00 00"));
        assert_eq!(d.next_frame(), Some(Err(FrameError::TooShort(0))));
        // A reply needs its 3 status bytes.
        d.push(&encode_frame(&[0, 0]));
        assert_eq!(d.next_reply(), Some(Err(FrameError::TooShort(3))));
    }

    #[test]
    fn garbage_alone_does_not_accumulate() {
        let mut d = FrameDecoder::new();
        for _ in 0..1000 {
            d.push(&[0x12; 64]);
        }
        d.push(&[0xAA, 0xAA]);
        assert!(d.next_frame().is_none());
        assert_eq!(d.buffered(), 2);
    }

    fn contains_preamble(bytes: &[u8]) -> bool {
        bytes.windows(PREAMBLE.len()).any(|w| w == PREAMBLE)
    }

    /// Splits `bytes` at the given cut points.
    fn chunks(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        points.push(0);
        points.push(bytes.len());
        points.sort_unstable();
        points.dedup();
        points
            .windows(2)
            .map(|w| bytes[w[0]..w[1]].to_vec())
            .collect()
    }

    proptest! {
        #[test]
        fn arbitrary_chunks_never_panic(
            parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..40),
            max in 1usize..300,
        ) {
            let mut d = FrameDecoder::with_max_len(max);
            for p in &parts {
                d.push(p);
                while let Some(r) = d.next_reply() {
                    if let Ok(reply) = r {
                        prop_assert!(reply.data.len() + 4 <= max);
                    }
                }
                prop_assert!(d.buffered() <= max + 7 + p.len());
            }
        }

        #[test]
        fn preamble_heavy_noise_never_panics(
            parts in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![Just(0xAAu8), Just(0x96), Just(0x69), Just(0), any::<u8>()], 0..32),
                0..60),
        ) {
            let mut d = FrameDecoder::with_max_len(64);
            for p in &parts {
                d.push(p);
                while d.next_frame().is_some() {}
            }
        }

        #[test]
        fn valid_frames_survive_fragmentation_and_leading_garbage(
            garbage in proptest::collection::vec(any::<u8>(), 0..200)
                .prop_filter("no preamble in the garbage", |g| !contains_preamble(g)),
            status in any::<[u8; 3]>(),
            payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 1..4),
            cuts in proptest::collection::vec(any::<usize>(), 0..30),
        ) {
            let mut stream = garbage.clone();
            let mut expected = Vec::new();
            for data in &payloads {
                let status = SamStatus::from_bytes(status);
                stream.extend(encode_reply(status, data));
                expected.push(Reply { status, data: data.clone() });
            }
            let mut d = FrameDecoder::new();
            let mut got = Vec::new();
            for chunk in chunks(&stream, &cuts) {
                d.push(&chunk);
                while let Some(r) = d.next_reply() {
                    got.push(r);
                }
            }
            prop_assert_eq!(got, expected.into_iter().map(Ok).collect::<Vec<_>>());
            prop_assert_eq!(d.buffered(), 0);
        }
    }
}
