//! The Glucose procedure (0x1808): a baseline from the meter's last stored record, then the
//! first new record that is a result, fetched over the RACP (0x2A52).

use std::time::Instant;

use super::session::{skip_undecodable, skip_unexpected, Session, Verdict};
use super::Timing;
use crate::ble::uuid16::{GLUCOSE_MEASUREMENT, RECORD_ACCESS_CONTROL_POINT};
use crate::ble::{
    GlucoseReading, GlucoseType, RacpRequest, RacpResponse, RacpResponseCode, SampleLocation,
};
use crate::{DeviceError, Measurement};

/// `seq` was stored after `baseline` (sequence numbers are u16 and may wrap: serial-number
/// arithmetic, RFC 1982).
fn is_newer(seq: u16, baseline: u16) -> bool {
    let ahead = seq.wrapping_sub(baseline);
    ahead != 0 && ahead < 0x8000
}

/// Glucose. A meter stores every reading with a sequence number and sends stored records only
/// when asked on the RACP. At connect the procedure asks for the last stored record: its
/// sequence number is the baseline. Then it asks, every poll interval, for records after the
/// baseline, and the first new record that is a result is the resident's. Time stamps are never
/// compared: a meter's clock is often unset or years off, while its sequence numbers only grow.
pub(super) fn glucose(s: &mut Session<'_>, timing: Timing) -> Result<Measurement, DeviceError> {
    s.subscribe(GLUCOSE_MEASUREMENT)?;
    s.subscribe(RECORD_ACCESS_CONTROL_POINT)?;
    let baseline = glucose_baseline(s)?;
    tracing::info!(?baseline, "glucose meter's last stored record");
    glucose_new_record(s, timing, baseline)
}

/// The meter does not support the request's operator or operand (it must support "all").
fn unsupported(code: RacpResponseCode) -> bool {
    matches!(
        code,
        RacpResponseCode::OpCodeNotSupported
            | RacpResponseCode::InvalidOperator
            | RacpResponseCode::OperatorNotSupported
            | RacpResponseCode::OperandNotSupported
    )
}

fn write_racp(s: &mut Session<'_>, request: RacpRequest) -> Result<(), DeviceError> {
    tracing::debug!(?request, "RACP request");
    s.write(RECORD_ACCESS_CONTROL_POINT, &request.encode())
}

/// The sequence number of the meter's newest record before this measurement, `None` when it
/// has none.
fn glucose_baseline(s: &mut Session<'_>) -> Result<Option<u16>, DeviceError> {
    let mut request = RacpRequest::ReportLastRecord;
    write_racp(s, request)?;
    let mut newest: Option<u16> = None;
    loop {
        let Some((c, bytes)) = s.next(s.deadline)? else {
            tracing::warn!("the glucose meter did not finish reporting its last record");
            return Err(DeviceError::NoResponse);
        };
        match c {
            GLUCOSE_MEASUREMENT => match GlucoseReading::decode(&bytes) {
                Ok(r) => {
                    let seq = r.sequence_number;
                    newest = Some(newest.map_or(seq, |n| if is_newer(seq, n) { seq } else { n }));
                }
                Err(e) => {
                    skip_undecodable(c, &bytes, &e);
                }
            },
            RECORD_ACCESS_CONTROL_POINT => match RacpResponse::decode(&bytes) {
                Ok(RacpResponse::Response {
                    request_op_code,
                    code,
                }) if request_op_code == request.op_code() => match code {
                    RacpResponseCode::Success => {
                        return match newest {
                            Some(n) => Ok(Some(n)),
                            None => {
                                // Without the record we cannot tell old records from new.
                                tracing::warn!(
                                    "the glucose meter reported success without sending a record"
                                );
                                Err(DeviceError::NoResponse)
                            }
                        };
                    }
                    RacpResponseCode::NoRecordsFound => return Ok(None),
                    code if unsupported(code) && request == RacpRequest::ReportLastRecord => {
                        // "Last record" is optional for meters; "all records" is not.
                        tracing::info!(
                            ?code,
                            "the meter cannot report its last record alone; reading all"
                        );
                        request = RacpRequest::ReportAllRecords;
                        newest = None;
                        write_racp(s, request)?;
                    }
                    code => {
                        tracing::warn!(?code, "the glucose meter refused the record request");
                        return Err(DeviceError::NoResponse);
                    }
                },
                Ok(other) => tracing::debug!(?other, "ignoring an RACP response"),
                Err(e) => {
                    skip_undecodable(c, &bytes, &e);
                }
            },
            other => {
                skip_unexpected(other);
            }
        }
    }
}

/// What a new record says.
fn glucose_verdict(r: &GlucoseReading) -> Verdict {
    let seq = r.sequence_number;
    let Some((concentration, ty, location)) = r.concentration else {
        tracing::info!(seq, "new glucose record without a concentration");
        return Verdict::Skip;
    };
    if ty == GlucoseType::ControlSolution || location == SampleLocation::ControlSolution {
        tracing::info!(seq, "new glucose record is a control-solution test");
        return Verdict::Skip;
    }
    if let Some(st) = r.sensor_status {
        let failed = st.sensor_malfunction()
            || st.sample_size_insufficient()
            || st.strip_insertion_error()
            || st.strip_type_incorrect()
            || st.temperature_too_high()
            || st.temperature_too_low()
            || st.read_interrupted()
            || st.general_device_fault();
        if failed {
            // The meter showed an error; the resident measures again with a new strip.
            tracing::info!(
                seq,
                status = st.0,
                "new glucose record is a failed measurement"
            );
            return Verdict::Skip;
        }
    }
    let out_of_range = r
        .sensor_status
        .is_some_and(|st| st.result_too_high() || st.result_too_low());
    match concentration.mmol_per_l() {
        Some(mmol_per_l) => {
            if out_of_range {
                // Meters send their limit with LO/HI; passed on as sent so that the station's
                // judgement of it (very high / very low) still reaches the resident.
                tracing::warn!(
                    seq,
                    mmol_per_l,
                    "glucose beyond the meter's range; using the limit it sent"
                );
            }
            Verdict::Done(Measurement::Glucose { mmol_per_l })
        }
        None if out_of_range => {
            tracing::warn!(
                seq,
                value = ?concentration.value,
                "glucose beyond the meter's range without a number"
            );
            Verdict::Unusable(DeviceError::Implausible)
        }
        None => {
            tracing::info!(seq, value = ?concentration.value, "new glucose record without a number");
            Verdict::Skip
        }
    }
}

fn glucose_new_record(
    s: &mut Session<'_>,
    timing: Timing,
    mut baseline: Option<u16>,
) -> Result<Measurement, DeviceError> {
    let mut since_supported = true;
    let mut in_flight: Option<RacpRequest> = None;
    let mut next_poll = Instant::now();
    loop {
        let now = Instant::now();
        if in_flight.is_none() && now >= next_poll {
            let request = match baseline {
                Some(b) if since_supported => RacpRequest::ReportRecordsSince(b.wrapping_add(1)),
                _ => RacpRequest::ReportAllRecords,
            };
            write_racp(s, request)?;
            in_flight = Some(request);
        }
        // One request at a time: a meter refuses a second while the first runs.
        let until = if in_flight.is_some() {
            s.deadline
        } else {
            next_poll
        };
        let Some((c, bytes)) = s.next(until)? else {
            if Instant::now() >= s.deadline {
                return Err(DeviceError::NoResponse);
            }
            continue;
        };
        let poll_later = || {
            let now = Instant::now();
            now.checked_add(timing.racp_poll_interval).unwrap_or(now)
        };
        match c {
            GLUCOSE_MEASUREMENT => match GlucoseReading::decode(&bytes) {
                Ok(r) => {
                    let seq = r.sequence_number;
                    if baseline.is_some_and(|b| !is_newer(seq, b)) {
                        // A meter may send its whole memory: old records are someone else's.
                        tracing::debug!(seq, ?baseline, "ignoring an old glucose record");
                        continue;
                    }
                    match glucose_verdict(&r) {
                        Verdict::Done(m) => return Ok(m),
                        Verdict::Unusable(e) => return Err(e),
                        // Not a result, but the resident's: later ones are newer still.
                        Verdict::Skip => baseline = Some(seq),
                        // Not made by `glucose_verdict`: the baseline above already dropped
                        // the meter's old records.
                        Verdict::Stale(_) => {}
                    }
                }
                Err(e) => {
                    skip_undecodable(c, &bytes, &e);
                }
            },
            RECORD_ACCESS_CONTROL_POINT => match RacpResponse::decode(&bytes) {
                Ok(RacpResponse::Response {
                    request_op_code,
                    code,
                }) if in_flight.is_some_and(|r| r.op_code() == request_op_code) => {
                    let request = in_flight.take();
                    match code {
                        RacpResponseCode::Success | RacpResponseCode::NoRecordsFound => {
                            next_poll = poll_later();
                        }
                        code if unsupported(code)
                            && matches!(request, Some(RacpRequest::ReportRecordsSince(_))) =>
                        {
                            tracing::info!(
                                ?code,
                                "the meter cannot filter by sequence number; reading all"
                            );
                            since_supported = false;
                            next_poll = Instant::now();
                        }
                        code if unsupported(code) => {
                            tracing::warn!(?code, "the glucose meter refused to report records");
                            return Err(DeviceError::NoResponse);
                        }
                        code => {
                            // Procedure not completed, abort unsuccessful, reserved: ask again.
                            tracing::warn!(?code, "the glucose meter did not complete the report");
                            next_poll = poll_later();
                        }
                    }
                }
                Ok(other) => tracing::debug!(?other, "ignoring an RACP response"),
                Err(e) => {
                    skip_undecodable(c, &bytes, &e);
                }
            },
            other => {
                skip_unexpected(other);
            }
        }
    }
}
