use super::sql::{get_code_set, get_minute, get_opt_minute, minute};
use super::{Result, Table, Writer, invalid};
use crate::domain::{BbvTests, RecordType, Session};
use rusqlite::params;

impl Table for Session {
    const RECORD: RecordType = RecordType::Session;
    const SELECT: &'static str = "SELECT t.*,
        (SELECT group_concat(intervention, ',') FROM session_interventions i WHERE i.session_id = t.id)
            AS interventions
        FROM sessions t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Session {
            client_id: row.get("client_id")?,
            worker_id: row.get("worker_id")?,
            started_at: get_minute(row, "started_at")?,
            duration: row.get("duration_min")?,
            kind: row.get("kind")?,
            attendance: row.get("attendance")?,
            note: row.get("note")?,
            interventions: get_code_set(row, "interventions")?,
            next_appointment: get_opt_minute(row, "next_appointment")?,
        })
    }

    fn insert(w: &Writer<'_>, s: &Self) -> Result<i64> {
        s.validate(w.today).map_err(invalid(RecordType::Session))?;
        w.tx.prepare_cached(
            "INSERT INTO sessions (client_id, worker_id, started_at, duration_min, kind, attendance, note,
                next_appointment, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?
        .execute(params![
            s.client_id,
            s.worker_id,
            minute(s.started_at),
            s.duration,
            s.kind,
            s.attendance,
            s.note,
            s.next_appointment.map(minute),
            w.stamp
        ])?;
        let id = w.tx.last_insert_rowid();
        let mut stmt = w.tx.prepare_cached(
            "INSERT INTO session_interventions (session_id, intervention) VALUES (?1, ?2)",
        )?;
        for intervention in &s.interventions {
            stmt.execute(params![id, intervention])?;
        }
        Ok(id)
    }
}

impl Writer<'_> {
    /// Saves a new session and, in the same transaction, what it delivered on the client's
    /// record (naloxone held, BBV test dates, hep B course): one entry, and the record agrees.
    pub fn record_session(&self, session: &Session, bbv: Option<BbvTests>) -> Result<i64> {
        let id = self.insert(session)?;
        self.apply_session(session, bbv)?;
        Ok(id)
    }
}
