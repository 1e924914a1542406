//! Retention: health data older than the configured period is purged, but only what has been
//! delivered upstream (the platform link marks it), so the station never loses the only copy.
//! Until the platform link exists nothing is marked delivered, so nothing is purged.
//!
//! What goes: readings (with their alerts, once sent) and questionnaires that are both older
//! than the period and delivered. What stays: residents (a keyed hash and masked forms), visits
//! and the audit trail (no health values; the trail's own retention is a separate decision).
//! `secure_delete` is on, so purged rows are overwritten in the file; backups still hold them
//! until those copies rotate out.

use rusqlite::params;

use crate::{AuditEvent, ReadingId, Store, StoreError};

/// What one purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub readings: usize,
    pub questionnaires: usize,
    pub alerts: usize,
}

impl Store {
    /// Marks a reading as delivered upstream (the platform link's acknowledgement).
    pub fn mark_reading_delivered(&self, reading: ReadingId) -> Result<(), StoreError> {
        let now = self.now_text();
        self.conn()?.execute(
            "UPDATE readings SET delivered_at = ?2 WHERE id = ?1 AND delivered_at IS NULL",
            params![reading.0, now],
        )?;
        Ok(())
    }

    /// Marks a questionnaire as delivered upstream.
    pub fn mark_questionnaire_delivered(&self, questionnaire: i64) -> Result<(), StoreError> {
        let now = self.now_text();
        self.conn()?.execute(
            "UPDATE questionnaires SET delivered_at = ?2 WHERE id = ?1 AND delivered_at IS NULL",
            params![questionnaire, now],
        )?;
        Ok(())
    }

    /// Marks a queued alert as sent to the family doctor.
    pub fn mark_alert_sent(&self, alert: i64) -> Result<(), StoreError> {
        let now = self.now_text();
        self.conn()?.execute(
            "UPDATE alerts SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL",
            params![alert, now],
        )?;
        Ok(())
    }

    /// Purges readings and questionnaires taken more than `keep` ago that were delivered
    /// upstream (a reading also needs its alert sent). Undelivered data is never purged,
    /// however old. One transaction, audited in it.
    pub fn purge_delivered_older_than(&self, keep: chrono::Duration) -> Result<Purged, StoreError> {
        let now = self.clock.now();
        let cutoff = (now - keep).to_rfc3339();
        let stamp = now.to_rfc3339();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        // Which readings go: old, delivered, and no alert of theirs still waiting.
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS purge_readings (id INTEGER PRIMARY KEY);
             DELETE FROM temp.purge_readings;",
        )?;
        tx.execute(
            "INSERT INTO temp.purge_readings (id)
             SELECT r.id FROM readings r
             WHERE r.delivered_at IS NOT NULL
               AND julianday(r.taken_at) < julianday(?1)
               AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.reading_id = r.id AND a.sent_at IS NULL)",
            params![cutoff],
        )?;
        let alerts = tx.execute(
            "DELETE FROM alerts WHERE reading_id IN (SELECT id FROM temp.purge_readings)",
            [],
        )?;
        let readings = tx.execute(
            "DELETE FROM readings WHERE id IN (SELECT id FROM temp.purge_readings)",
            [],
        )?;
        let questionnaires = tx.execute(
            "DELETE FROM questionnaires
             WHERE delivered_at IS NOT NULL AND julianday(taken_at) < julianday(?1)",
            params![cutoff],
        )?;
        tx.execute("DELETE FROM temp.purge_readings", [])?;
        let purged = Purged {
            readings,
            questionnaires,
            alerts,
        };
        if readings + questionnaires > 0 {
            crate::audit::write(
                &tx,
                &stamp,
                None,
                &AuditEvent::DataPurged {
                    readings,
                    questionnaires,
                },
            )?;
        }
        tx.commit()?;
        Ok(purged)
    }
}
