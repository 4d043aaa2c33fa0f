//! Acknowledged alerts.

use super::{Result, Table, Writer};
use crate::domain::{AlertAck, RecordType};
use rusqlite::params;

impl Table for AlertAck {
    const RECORD: RecordType = RecordType::AlertAck;
    const SELECT: &'static str = "SELECT t.* FROM alert_acks t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(AlertAck {
            client_id: row.get("client_id")?,
            kind: row.get("alert")?,
            cause: row.get("cause")?,
            reason: row.get("reason")?,
            worker_id: row.get("worker_id")?,
            acknowledged_on: row.get("acknowledged_on")?,
        })
    }

    fn insert(w: &Writer<'_>, ack: &Self) -> Result<i64> {
        w.tx.prepare_cached(
            "INSERT INTO alert_acks (client_id, alert, cause, reason, worker_id, acknowledged_on, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?
        .execute(params![
            ack.client_id,
            ack.kind,
            ack.cause,
            ack.reason,
            ack.worker_id,
            ack.acknowledged_on,
            w.stamp
        ])?;
        Ok(w.tx.last_insert_rowid())
    }
}

impl Writer<'_> {
    /// Records an acknowledgement, audited as such rather than as a plain creation.
    pub fn acknowledge(&self, ack: &AlertAck) -> Result<i64> {
        let id = AlertAck::insert(self, ack)?;
        if self.audit_each {
            self.audit(
                crate::domain::AuditAction::Acknowledge,
                RecordType::AlertAck,
                Some(id),
            )?;
        }
        Ok(id)
    }
}
