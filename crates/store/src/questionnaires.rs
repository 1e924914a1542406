//! Finished questionnaires (TCM constitution): the answers as given and what they were judged to mean.

use rusqlite::params;

use crate::{audit, AuditEvent, QuestionnaireRecord, Store, StoreError, VisitId};

impl Store {
    /// Stores a finished questionnaire of this visit and its audit event, in one transaction;
    /// durable when this returns.
    pub fn save_questionnaire(
        &self,
        visit: VisitId,
        record: &QuestionnaireRecord,
    ) -> Result<i64, StoreError> {
        let answers = serde_json::to_string(&record.answers).map_err(StoreError::Encode)?;
        let result = serde_json::json!({
            "primary": record.primary,
            "tendencies": record.tendencies,
            "needs_review": record.needs_review,
        });
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO questionnaires (visit_id, resident_id, method, taken_at, answers, result_json)
             SELECT ?1, resident_id, ?2, ?3, ?4, ?5 FROM visits WHERE id = ?1",
            params![visit.0, record.method, record.taken_at, answers, result.to_string()],
        )?;
        if tx.changes() == 0 {
            return Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows));
        }
        let id = tx.last_insert_rowid();
        let saved = AuditEvent::QuestionnaireSaved {
            method: record.method.clone(),
        };
        audit::write(&tx, &now, Some(visit), &saved)?;
        tx.commit()?;
        Ok(id)
    }

    /// The questionnaires finished in one visit, oldest first (undecodable rows skipped).
    pub fn visit_questionnaires(
        &self,
        visit: VisitId,
    ) -> Result<Vec<QuestionnaireRecord>, StoreError> {
        let conn = self.conn()?;
        let rows = conn
            .prepare_cached(
                "SELECT method, taken_at, answers, result_json FROM questionnaires
                 WHERE visit_id = ?1 ORDER BY id",
            )?
            .query_map(params![visit.0], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(method, taken_at, answers, result)| {
                let result: serde_json::Value = serde_json::from_str(&result).ok()?;
                let list = |key: &str| -> Option<Vec<String>> {
                    serde_json::from_value(result.get(key)?.clone()).ok()
                };
                Some(QuestionnaireRecord {
                    method,
                    answers: serde_json::from_str(&answers).ok()?,
                    primary: list("primary")?,
                    tendencies: list("tendencies")?,
                    needs_review: result.get("needs_review")?.as_bool()?,
                    taken_at,
                })
            })
            .collect())
    }
}
