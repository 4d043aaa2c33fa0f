use super::{Result, Table, Writer};
use crate::domain::{ReadinessNote, RecordType};
use rusqlite::params;

impl Table for ReadinessNote {
    const RECORD: RecordType = RecordType::ReadinessNote;
    const SELECT: &'static str = "SELECT t.* FROM readiness_notes t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(ReadinessNote {
            client_id: row.get("client_id")?,
            worker_id: row.get("worker_id")?,
            noted_on: row.get("noted_on")?,
            stage: row.get("stage")?,
            importance: row.get("importance")?,
            confidence: row.get("confidence")?,
            readiness: row.get("readiness")?,
            note: row.get("note")?,
            session_id: row.get("session_id")?,
        })
    }

    fn insert(w: &Writer<'_>, n: &Self) -> Result<i64> {
        w.tx.prepare_cached(
            "INSERT INTO readiness_notes (client_id, worker_id, noted_on, stage, importance, confidence, readiness,
                note, session_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        )?
        .execute(params![
            n.client_id,
            n.worker_id,
            n.noted_on,
            n.stage,
            n.importance,
            n.confidence,
            n.readiness,
            n.note,
            n.session_id,
            w.stamp
        ])?;
        Ok(w.tx.last_insert_rowid())
    }
}
