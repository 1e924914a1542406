//! Record Access Control Point (0x2A52), as the Glucose Service v1.0 (4.6 and 3.10 of GLS)
//! uses it: the collector writes a request, the meter sends the stored Glucose Measurements
//! as notifications and finishes with an indication carrying a response code.
//!
//! Layout: op code u8, operator u8, operand. Filter type 0x01 is the sequence number.

use super::{BleDecodeError, Reader};

const OP_REPORT_STORED_RECORDS: u8 = 0x01;
const OP_ABORT: u8 = 0x03;
const OP_REPORT_NUMBER_OF_RECORDS: u8 = 0x04;
const OP_NUMBER_OF_RECORDS_RESPONSE: u8 = 0x05;
const OP_RESPONSE_CODE: u8 = 0x06;
const OPERATOR_NULL: u8 = 0x00;
const OPERATOR_ALL: u8 = 0x01;
const OPERATOR_GREATER_OR_EQUAL: u8 = 0x03;
const OPERATOR_LAST_RECORD: u8 = 0x06;
const FILTER_SEQUENCE_NUMBER: u8 = 0x01;

/// What the collector asks the meter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RacpRequest {
    /// Report stored records, all: `01 01`.
    ReportAllRecords,
    /// Report stored records with sequence number >= N (the first visit reads all; later
    /// visits ask from the last seen number + 1): `01 03 01 <N u16 LE>`.
    ReportRecordsSince(u16),
    /// Report stored records, last record (the highest sequence number): `01 06`. How a
    /// collector learns where the meter's records stand without reading them all.
    ReportLastRecord,
    /// Report number of stored records, all: `04 01`.
    ReportNumberOfAllRecords,
    /// Abort the running report: `03 00`.
    Abort,
}

impl RacpRequest {
    /// The bytes to write to 0x2A52 (with response, the control point is indicated).
    pub fn encode(self) -> Vec<u8> {
        match self {
            RacpRequest::ReportAllRecords => vec![OP_REPORT_STORED_RECORDS, OPERATOR_ALL],
            RacpRequest::ReportRecordsSince(n) => {
                let [lo, hi] = n.to_le_bytes();
                vec![
                    OP_REPORT_STORED_RECORDS,
                    OPERATOR_GREATER_OR_EQUAL,
                    FILTER_SEQUENCE_NUMBER,
                    lo,
                    hi,
                ]
            }
            RacpRequest::ReportLastRecord => vec![OP_REPORT_STORED_RECORDS, OPERATOR_LAST_RECORD],
            RacpRequest::ReportNumberOfAllRecords => {
                vec![OP_REPORT_NUMBER_OF_RECORDS, OPERATOR_ALL]
            }
            RacpRequest::Abort => vec![OP_ABORT, OPERATOR_NULL],
        }
    }

    /// The request's op code, which the meter's response code names (`request_op_code`).
    pub fn op_code(self) -> u8 {
        match self {
            RacpRequest::ReportAllRecords
            | RacpRequest::ReportRecordsSince(_)
            | RacpRequest::ReportLastRecord => OP_REPORT_STORED_RECORDS,
            RacpRequest::ReportNumberOfAllRecords => OP_REPORT_NUMBER_OF_RECORDS,
            RacpRequest::Abort => OP_ABORT,
        }
    }
}

/// Response Code Values (GLS 3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RacpResponseCode {
    Success,
    OpCodeNotSupported,
    InvalidOperator,
    OperatorNotSupported,
    InvalidOperand,
    NoRecordsFound,
    AbortUnsuccessful,
    ProcedureNotCompleted,
    OperandNotSupported,
    /// 0 or 10..=255: reserved for future use. Still ends the procedure, so it is not a
    /// decode error.
    Reserved(u8),
}

const CODES: [RacpResponseCode; 9] = [
    RacpResponseCode::Success,
    RacpResponseCode::OpCodeNotSupported,
    RacpResponseCode::InvalidOperator,
    RacpResponseCode::OperatorNotSupported,
    RacpResponseCode::InvalidOperand,
    RacpResponseCode::NoRecordsFound,
    RacpResponseCode::AbortUnsuccessful,
    RacpResponseCode::ProcedureNotCompleted,
    RacpResponseCode::OperandNotSupported,
];

impl RacpResponseCode {
    pub fn from_raw(raw: u8) -> Self {
        usize::from(raw)
            .checked_sub(1)
            .and_then(|i| CODES.get(i))
            .copied()
            .unwrap_or(RacpResponseCode::Reserved(raw))
    }
    pub fn to_raw(self) -> u8 {
        match self {
            RacpResponseCode::Reserved(raw) => raw,
            known => CODES
                .iter()
                .position(|c| *c == known)
                .map_or(0, |i| i as u8 + 1),
        }
    }
}

/// What the meter indicates on 0x2A52.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RacpResponse {
    /// `05 00 <count u16 LE>`.
    NumberOfRecords(u16),
    /// `06 00 <request op code> <response code>`. "No records found" after a report request
    /// is a normal end, not a fault.
    Response {
        request_op_code: u8,
        code: RacpResponseCode,
    },
}

impl RacpResponse {
    pub fn decode(bytes: &[u8]) -> Result<Self, BleDecodeError> {
        let mut r = Reader::new(bytes);
        let op = r.u8("op code")?;
        let out = match op {
            OP_NUMBER_OF_RECORDS_RESPONSE | OP_RESPONSE_CODE => {
                let operator = r.u8("operator")?;
                if operator != OPERATOR_NULL {
                    return Err(BleDecodeError::InvalidField {
                        field: "operator",
                        value: u32::from(operator),
                    });
                }
                if op == OP_NUMBER_OF_RECORDS_RESPONSE {
                    RacpResponse::NumberOfRecords(r.u16("number of records")?)
                } else {
                    RacpResponse::Response {
                        request_op_code: r.u8("request op code")?,
                        code: RacpResponseCode::from_raw(r.u8("response code")?),
                    }
                }
            }
            other => return Err(BleDecodeError::UnknownOpCode(other)),
        };
        r.finish()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn encode(r: RacpResponse) -> Vec<u8> {
        match r {
            RacpResponse::NumberOfRecords(n) => {
                let [lo, hi] = n.to_le_bytes();
                vec![0x05, 0x00, lo, hi]
            }
            RacpResponse::Response {
                request_op_code,
                code,
            } => vec![0x06, 0x00, request_op_code, code.to_raw()],
        }
    }

    #[test]
    fn requests_encode_as_in_the_glucose_profile() {
        // "Report all" is op code 0x01 with operator 0x01 (GLS 3.10; nRF Toolbox writes the same).
        assert_eq!(RacpRequest::ReportAllRecords.encode(), [0x01, 0x01]);
        // >= sequence 0x0102 with filter type 1 (sequence number).
        assert_eq!(
            RacpRequest::ReportRecordsSince(0x0102).encode(),
            [0x01, 0x03, 0x01, 0x02, 0x01]
        );
        assert_eq!(RacpRequest::ReportNumberOfAllRecords.encode(), [0x04, 0x01]);
        assert_eq!(RacpRequest::Abort.encode(), [0x03, 0x00]);
        // Operator 0x06 is "last record" (GLS 3.10, Table 3.11).
        assert_eq!(RacpRequest::ReportLastRecord.encode(), [0x01, 0x06]);
        for r in [
            RacpRequest::ReportAllRecords,
            RacpRequest::ReportRecordsSince(7),
            RacpRequest::ReportLastRecord,
            RacpRequest::ReportNumberOfAllRecords,
            RacpRequest::Abort,
        ] {
            assert_eq!(Some(&r.op_code()), r.encode().first());
        }
    }

    #[test]
    fn responses_decode() {
        // Success for "report stored records": 06 00 01 01.
        assert_eq!(
            RacpResponse::decode(&[0x06, 0x00, 0x01, 0x01]),
            Ok(RacpResponse::Response {
                request_op_code: 0x01,
                code: RacpResponseCode::Success
            })
        );
        // No records found: 06 00 01 06.
        assert_eq!(
            RacpResponse::decode(&[0x06, 0x00, 0x01, 0x06]),
            Ok(RacpResponse::Response {
                request_op_code: 0x01,
                code: RacpResponseCode::NoRecordsFound
            })
        );
        // 3 stored records: 05 00 03 00.
        assert_eq!(
            RacpResponse::decode(&[0x05, 0x00, 0x03, 0x00]),
            Ok(RacpResponse::NumberOfRecords(3))
        );
    }

    #[test]
    fn bad_responses_are_errors() {
        assert_eq!(
            RacpResponse::decode(&[0x01, 0x01]),
            Err(BleDecodeError::UnknownOpCode(1))
        );
        assert!(matches!(
            RacpResponse::decode(&[0x06, 0x01, 0x01, 0x01]),
            Err(BleDecodeError::InvalidField {
                field: "operator",
                ..
            })
        ));
        assert_eq!(
            RacpResponse::decode(&[0x06, 0x00, 0x01, 0x00]),
            Ok(RacpResponse::Response {
                request_op_code: 0x01,
                code: RacpResponseCode::Reserved(0)
            })
        );
        assert!(matches!(
            RacpResponse::decode(&[0x05, 0x00, 0x03]),
            Err(BleDecodeError::Truncated { .. })
        ));
        assert_eq!(
            RacpResponse::decode(&[0x05, 0x00, 0x03, 0x00, 0x00]),
            Err(BleDecodeError::TrailingBytes { extra: 1 })
        );
        assert!(matches!(
            RacpResponse::decode(&[]),
            Err(BleDecodeError::Truncated { .. })
        ));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..10)) {
            let _ = RacpResponse::decode(&bytes);
        }

        #[test]
        fn responses_round_trip(n in any::<u16>(), op in any::<u8>(), code in any::<u8>(), count in any::<bool>()) {
            let r = if count {
                RacpResponse::NumberOfRecords(n)
            } else {
                RacpResponse::Response {
                    request_op_code: op,
                    code: RacpResponseCode::from_raw(code),
                }
            };
            prop_assert_eq!(RacpResponse::decode(&encode(r)), Ok(r));
        }
    }
}
