//! What goes on paper for one visit: its readings in the report's words and masks, the
//! resident's earlier blood pressure for the trend, the questionnaire. Gathered from the store,
//! outside the state machine; the layout itself is `station_report`'s.

use chrono::{DateTime, Local};
use station_core::assessment::assess_bp;
use station_core::clock::{minute_stamp, minute_stamp_of_rfc3339};
use station_core::config::StationConfig;
use station_core::reading::Reading;
use station_core::summary::{source_of, summary};
use station_protocol::{MeasureKind, QuestionnaireView};
use station_questionnaire::Constitution;
use station_report::{BpEntry, QuestionnaireEntry, ReadingEntry, ReportInput};
use station_store::{QuestionnaireRecord, Store, StoreError, StoredReading, VisitId};

use crate::visit::Visit;

/// Earlier blood-pressure readings looked at for the report's trend.
const BP_HISTORY: usize = 200;

/// The report of `target` (one of `visit`'s resident's visits), printed at `printed_at`.
pub(crate) fn report_for(
    store: &Store,
    config: &StationConfig,
    visit: &Visit,
    target: VisitId,
    printed_at: DateTime<Local>,
) -> Result<ReportInput, StoreError> {
    let readings = store.visit_readings(target)?;
    let first_at = readings.first().map(|r| r.record.taken_at);
    let bp: Vec<BpEntry> = readings.iter().filter_map(bp_entry).collect();
    let other_readings = readings
        .iter()
        .filter(|r| r.record.reading.kind() != MeasureKind::BloodPressure)
        .filter_map(reading_entry)
        .collect();
    // Earlier blood pressure (before this visit), oldest first, for the trend.
    let mut bp_history: Vec<BpEntry> = store
        .readings(
            visit.session.resident,
            Some(MeasureKind::BloodPressure),
            BP_HISTORY,
        )?
        .iter()
        .filter(|r| r.visit != target && first_at.is_none_or(|f| r.record.taken_at < f))
        .filter_map(bp_entry)
        .collect();
    bp_history.reverse();
    let newest = readings.last().map(|r| r.id.0).unwrap_or_default();
    let questionnaire = store
        .visit_questionnaires(target)?
        .pop()
        .map(|q| questionnaire_entry(&q));
    Ok(ReportInput {
        station_name: config.station_name.clone(),
        printed_at: minute_stamp(&printed_at),
        locale: visit.prefs.locale,
        resident_masked_name: visit.session.view.masked_name.clone(),
        resident_masked_id: visit.session.view.masked_id.clone(),
        report_id: format!("V{}-R{}", target.0, newest),
        bp,
        bp_history,
        other_readings,
        questionnaire,
    })
}

fn bp_entry(r: &StoredReading) -> Option<BpEntry> {
    let Reading::BloodPressure {
        systolic,
        diastolic,
        pulse,
        ..
    } = r.record.reading
    else {
        return None;
    };
    let a = assess_bp(systolic, diastolic);
    Some(BpEntry {
        taken_at: minute_stamp(&r.record.taken_at),
        systolic,
        diastolic,
        pulse,
        category: a.category,
        isolated_systolic: a.isolated_systolic,
        source: source_of(&r.record.device, r.record.entered_by.as_deref()),
    })
}

/// The same summary the result screen showed for this reading.
pub(crate) fn reading_entry(r: &StoredReading) -> Option<ReadingEntry> {
    let record = &r.record;
    let assessed = record.reading.assess().ok()?;
    let source = source_of(&record.device, record.entered_by.as_deref());
    Some(summary(
        &record.reading,
        &assessed,
        &record.taken_at,
        source,
    ))
}

/// A stored questionnaire as the result screen shows it (constitutions by their message ids).
pub(crate) fn questionnaire_view(q: &QuestionnaireRecord) -> QuestionnaireView {
    let find = |key: &String| Constitution::ALL.into_iter().find(|c| c.key() == key);
    let named = |keys: &[String]| -> Vec<String> {
        keys.iter()
            .filter_map(find)
            .map(|c| c.message_id().to_string())
            .collect()
    };
    QuestionnaireView {
        primary: named(&q.primary),
        tendencies: named(&q.tendencies),
        advice: q
            .primary
            .iter()
            .chain(&q.tendencies)
            .filter_map(find)
            .map(|c| c.advice_message_id().to_string())
            .collect(),
        needs_review: q.needs_review,
    }
}

/// A stored questionnaire as the report prints it.
fn questionnaire_entry(q: &QuestionnaireRecord) -> QuestionnaireEntry {
    let view = questionnaire_view(q);
    QuestionnaireEntry {
        taken_at: minute_stamp_of_rfc3339(&q.taken_at),
        primary: view.primary,
        tendencies: view.tendencies,
        advice: view.advice,
        needs_review: view.needs_review,
    }
}
