//! A reading as people read it: the one function that makes the result screen's and the
//! report's words and numbers ([`summary`]), and where the values came from ([`source_of`]).

use chrono::{DateTime, TimeZone};
use station_protocol::{ReadingSource, ReadingSummary};

use crate::clock::minute_stamp;
use crate::reading::{Assessed, Reading};

/// The device name stored with a reading staff typed in.
pub const MANUAL_DEVICE: &str = "manual";
/// The device name stored with a reading taken in a demonstration.
pub const DEMO_DEVICE: &str = "demo";
/// What demonstrations stored before they had their own name (read back as a demo, never as
/// a device).
const LEGACY_SIMULATED_DEVICE: &str = "simulated";

/// Where a stored reading came from, from its `device` and `entered_by` columns.
pub fn source_of(device: &str, entered_by: Option<&str>) -> ReadingSource {
    match (device, entered_by) {
        (_, Some(badge)) => ReadingSource::Staff {
            badge: mask_badge(badge),
        },
        (DEMO_DEVICE | LEGACY_SIMULATED_DEVICE, None) => ReadingSource::Demo,
        (model, None) => ReadingSource::Device {
            model: model.to_string(),
        },
    }
}

/// A badge UID in hex, shown by its last four digits only ("****B2C3").
fn mask_badge(hex: &str) -> String {
    let tail: String = hex
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("****{tail}")
}

/// The reading in the words of the screen and the paper.
pub fn summary<Tz: TimeZone>(
    reading: &Reading,
    assessed: &Assessed,
    taken_at: &DateTime<Tz>,
    source: ReadingSource,
) -> ReadingSummary
where
    Tz::Offset: std::fmt::Display,
{
    ReadingSummary {
        kind: reading.kind(),
        values: reading.values(),
        category: assessed.category.into(),
        advice: assessed.advice.into(),
        severity: assessed.severity,
        notes: assessed.notes.iter().map(|n| (*n).to_string()).collect(),
        urgent: assessed.urgent,
        taken_at: minute_stamp(taken_at),
        guideline: assessed.guideline.into(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Local;

    use super::*;

    #[test]
    fn sources_read_back_from_what_was_stored() {
        assert_eq!(
            source_of("manual", Some("04A1B2C3")),
            ReadingSource::Staff {
                badge: "****B2C3".into()
            }
        );
        assert_eq!(source_of("demo", None), ReadingSource::Demo);
        assert_eq!(source_of("simulated", None), ReadingSource::Demo);
        assert_eq!(
            source_of("Omron HEM-9200T", None),
            ReadingSource::Device {
                model: "Omron HEM-9200T".into()
            }
        );
    }

    #[test]
    fn the_summary_carries_the_assessment_the_values_and_the_minute() {
        let r = Reading::Temperature { celsius: 38.6 };
        let a = r.assess().expect("plausible");
        let at = Local
            .with_ymd_and_hms(2026, 3, 5, 8, 7, 59)
            .single()
            .expect("time");
        let s = summary(&r, &a, &at, ReadingSource::Demo);
        assert_eq!(s.kind, r.kind());
        assert_eq!(s.values, r.values());
        assert_eq!(s.category, a.category);
        assert_eq!(s.urgent, a.urgent);
        assert_eq!(s.taken_at, "2026-03-05 08:07");
        assert_eq!(s.source, ReadingSource::Demo);
    }
}
