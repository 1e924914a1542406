//! Resident identity: the citizen ID number (GB 11643-1999) and the masked forms shown on screen
//! and written to logs.

use std::fmt;

use chrono::NaiveDate;
use thiserror::Error;

/// A citizen identity number whose structure and check digit are valid (GB 11643-1999).
///
/// `Debug` and `Display` print the masked form, so the full number cannot leak into logs by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdNumberError {
    #[error("an ID number has 18 characters, got {0}")]
    Length(usize),
    #[error("an ID number has 17 digits then a digit or X")]
    Characters,
    #[error("the birth date in the ID number is not a real date")]
    BirthDate,
    #[error("the ID number's check digit does not match (GB 11643)")]
    CheckDigit,
}

/// Weights of the ISO 7064 MOD 11-2 check used by GB 11643: 2^(17-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

impl IdNumber {
    pub fn parse(raw: &str) -> Result<IdNumber, IdNumberError> {
        let s = raw.trim().to_ascii_uppercase();
        let bytes = s.as_bytes();
        if bytes.len() != 18 {
            return Err(IdNumberError::Length(s.chars().count()));
        }
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdNumberError::Characters);
        }
        if check_char(&bytes[..17]) != bytes[17] {
            return Err(IdNumberError::CheckDigit);
        }
        let id = IdNumber(s);
        if id.birth_date().is_none() {
            return Err(IdNumberError::BirthDate);
        }
        Ok(id)
    }

    /// The full number: only for hashing and for the platform link, never for display.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> Option<NaiveDate> {
        let d = &self.0[6..14];
        NaiveDate::parse_from_str(d, "%Y%m%d").ok()
    }

    /// First four and last four characters kept: "3301**********1234".
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..4], "*".repeat(10), &self.0[14..])
    }
}

/// The check character for the first 17 digits (ASCII digits expected).
pub fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A resident's name masked for the screen: the middle characters become '*'.
/// "张三" → "张*", "张小华" → "张*华", "欧阳小华" → "欧**华".
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut out = String::new();
            out.push(chars[0]);
            out.push_str(&"*".repeat(n - 2));
            out.push(chars[n - 1]);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Builds a valid number from 17 digits (test helper).
    fn with_check(first17: &str) -> String {
        let c = check_char(first17.as_bytes()) as char;
        format!("{first17}{c}")
    }

    #[test]
    fn accepts_the_standard_example() {
        // The worked example from GB 11643-1999 appendix: 11010519491231002X.
        let id = IdNumber::parse("11010519491231002X").expect("valid");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(1101**********002X)");
    }

    /// Numbers whose check characters were computed outside this crate (ISO 7064 MOD 11-2 by
    /// hand in Python: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 → X), one
    /// for every check character. Written as literals so the crate's own `check_char` is not the
    /// oracle of itself.
    const HAND_CHECKED: [(&str, char); 12] = [
        ("210203194501010010", '0'),
        ("320582197512310001", '1'),
        ("330102195003070002", '2'),
        ("650102196612120043", '3'),
        ("440305198811220004", '4'),
        ("510104196207150005", '5'),
        ("610103197304050016", '6'),
        ("500101201001010077", '7'),
        ("370102198207140018", '8'),
        ("420106199910010009", '9'),
        ("11010120000229000X", 'X'),
        // The example often quoted from the standard's commentary (born 1880-01-01).
        ("440524188001010014", '4'),
    ];

    #[test]
    fn hand_checked_numbers_cover_every_check_character() {
        let mut seen: Vec<char> = HAND_CHECKED.iter().map(|(_, c)| *c).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.iter().collect::<String>(), "0123456789X");
        for (number, check) in HAND_CHECKED {
            assert_eq!(number.chars().last(), Some(check), "{number}: table typo");
            let id = IdNumber::parse(number).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(id.expose(), number);
            assert_eq!(
                check_char(&number.as_bytes()[..17]),
                check as u8,
                "{number}"
            );
        }
        assert_eq!(
            IdNumber::parse("11010120000229000X").map(|id| id.birth_date()),
            Ok(NaiveDate::from_ymd_opt(2000, 2, 29))
        );
    }

    #[test]
    fn hand_checked_numbers_with_any_other_check_character_are_refused() {
        for (number, check) in HAND_CHECKED {
            for wrong in "0123456789X".chars().filter(|&c| c != check) {
                let bad = format!("{}{wrong}", &number[..17]);
                assert_eq!(
                    IdNumber::parse(&bad),
                    Err(IdNumberError::CheckDigit),
                    "{bad}"
                );
            }
        }
        // Two neighbouring digits swapped (the typing slip MOD 11-2 is made to catch).
        assert_eq!(
            IdNumber::parse("330102159003070002"),
            Err(IdNumberError::CheckDigit)
        );
        // Valid check character, impossible date: 1900 was not a leap year (check by hand: 3).
        assert_eq!(
            IdNumber::parse("110101190002290003"),
            Err(IdNumberError::BirthDate)
        );
    }

    #[test]
    fn lower_case_x_is_accepted() {
        assert!(IdNumber::parse("11010519491231002x").is_ok());
    }

    #[test]
    fn rejects_a_wrong_check_digit() {
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::CheckDigit)
        );
    }

    #[test]
    fn rejects_impossible_birth_dates() {
        let s = with_check("33010219500230123");
        assert_eq!(IdNumber::parse(&s), Err(IdNumberError::BirthDate));
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(IdNumber::parse("123"), Err(IdNumberError::Length(3)));
        assert_eq!(
            IdNumber::parse("1101051949123100AX"),
            Err(IdNumberError::Characters)
        );
    }

    #[test]
    fn masks_names() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张小华"), "张*华");
        assert_eq!(mask_name("欧阳小华"), "欧**华");
        assert_eq!(mask_name("李"), "*");
        assert_eq!(mask_name(""), "");
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = IdNumber::parse(&s);
        }

        #[test]
        fn any_single_digit_change_is_caught(
            region in 110000u32..660000, day in 1u32..28, month in 1u32..13,
            year in 1920u32..2020, seq in 0u32..1000, pos in 0usize..17, delta in 1u8..10
        ) {
            let first17 = format!("{region:06}{year:04}{month:02}{day:02}{seq:03}");
            let good = with_check(&first17);
            prop_assert!(IdNumber::parse(&good).is_ok());
            let mut bytes = good.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let bad = String::from_utf8(bytes).expect("ascii");
            prop_assert!(IdNumber::parse(&bad).is_err());
        }

        #[test]
        fn masked_name_keeps_length_and_hides_the_middle(name in "[\u{4e00}-\u{9fa5}]{3,6}") {
            let masked = mask_name(&name);
            prop_assert_eq!(masked.chars().count(), name.chars().count());
            prop_assert!(masked.chars().skip(1).take(name.chars().count() - 2).all(|c| c == '*'));
        }
    }
}
