//! Residents (kept by a keyed hash of their ID number) and their visits.

use rusqlite::{params, OptionalExtension};
use station_core::resident::IdNumber;
use station_protocol::IdentifyMethod;

use crate::{
    audit, stored_mask, AuditEvent, PastVisit, ResidentId, Store, StoreError, VisitEnd, VisitId,
};

impl Store {
    /// Finds or creates the resident with this ID number; refreshes the masked name.
    pub fn upsert_resident(
        &self,
        id: &IdNumber,
        masked_name: &str,
    ) -> Result<ResidentId, StoreError> {
        self.upsert_resident_by_hash(&self.id_hash(id), &stored_mask(&id.masked()), masked_name)
    }

    /// Finds or creates the resident known only by an unverified health code.
    pub fn upsert_health_code_resident(
        &self,
        token: &str,
        masked_token: &str,
    ) -> Result<ResidentId, StoreError> {
        self.upsert_resident_by_hash(
            &self.health_code_hash(token),
            &stored_mask(masked_token),
            "",
        )
    }

    fn upsert_resident_by_hash(
        &self,
        hash: &[u8],
        masked_id: &str,
        masked_name: &str,
    ) -> Result<ResidentId, StoreError> {
        let now = self.now_text();
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO residents (id_hash, masked_id, masked_name, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT(id_hash) DO UPDATE SET masked_name = excluded.masked_name,
                                                last_seen = excluded.last_seen",
            params![hash, masked_id, masked_name, now],
        )?;
        let rid: i64 = conn.query_row(
            "SELECT id FROM residents WHERE id_hash = ?1",
            params![hash],
            |r| r.get(0),
        )?;
        Ok(ResidentId(rid))
    }

    pub fn resident_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()?
            .query_row("SELECT COUNT(*) FROM residents", [], |r| r.get(0))?)
    }

    /// Records a new visit and its "identified" audit event, in one transaction.
    pub fn start_visit(
        &self,
        resident: ResidentId,
        method: IdentifyMethod,
    ) -> Result<VisitId, StoreError> {
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO visits (resident_id, identified_by, started_at) VALUES (?1, ?2, ?3)",
            params![resident.0, method.as_str(), now],
        )?;
        let visit = VisitId(tx.last_insert_rowid());
        audit::write(&tx, &now, Some(visit), &AuditEvent::VisitStarted { method })?;
        tx.commit()?;
        Ok(visit)
    }

    /// Closes a visit and records how it ended, in one transaction. A visit already closed
    /// keeps its first end (and gets no second audit line).
    pub fn end_visit(&self, visit: VisitId, how: VisitEnd) -> Result<(), StoreError> {
        let now = self.now_text();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let closed = tx.execute(
            "UPDATE visits SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
            params![visit.0, now, how.as_str()],
        )?;
        if closed > 0 {
            audit::write(&tx, &now, Some(visit), &AuditEvent::VisitEnded { how })?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Visits left open by a crash or power cut are closed at the next start.
    pub fn close_dangling_visits(&self) -> Result<usize, StoreError> {
        Ok(self.conn()?.execute(
            "UPDATE visits SET ended_at = ?1, end_reason = 'interrupted' WHERE ended_at IS NULL",
            params![self.now_text()],
        )?)
    }

    /// A resident's earlier visits that have readings or a questionnaire, newest first ("我的报告").
    pub fn past_visits(
        &self,
        resident: ResidentId,
        limit: usize,
    ) -> Result<Vec<PastVisit>, StoreError> {
        let conn = self.conn()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = conn
            .prepare_cached(
                "SELECT visit_id, MIN(taken_at), COUNT(*) FROM (
                     SELECT visit_id, taken_at FROM readings WHERE resident_id = ?1
                     UNION ALL
                     SELECT visit_id, taken_at FROM questionnaires WHERE resident_id = ?1)
                 GROUP BY visit_id ORDER BY MIN(taken_at) DESC, visit_id DESC LIMIT ?2",
            )?
            .query_map(params![resident.0, limit], |r| {
                Ok(PastVisit {
                    visit: VisitId(r.get(0)?),
                    first_reading_at: r.get(1)?,
                    readings: usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The resident a visit belongs to.
    pub fn visit_resident(&self, visit: VisitId) -> Result<Option<ResidentId>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT resident_id FROM visits WHERE id = ?1",
                params![visit.0],
                |r| r.get(0).map(ResidentId),
            )
            .optional()?)
    }

    pub fn visit_end_reason(&self, visit: VisitId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT end_reason FROM visits WHERE id = ?1",
                params![visit.0],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }
}
