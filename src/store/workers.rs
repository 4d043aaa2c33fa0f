use super::{Result, Table, Writer};
use crate::domain::{RecordType, Worker};
use rusqlite::params;

impl Table for Worker {
    const RECORD: RecordType = RecordType::Worker;
    const SELECT: &'static str = "SELECT t.id, t.login, t.display_name, t.role, t.created_at, t.updated_at, t.row_version FROM workers t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Worker {
            login: row.get("login")?,
            display_name: row.get("display_name")?,
            role: row.get("role")?,
        })
    }

    fn insert(w: &Writer<'_>, worker: &Self) -> Result<i64> {
        w.tx.prepare_cached(
            "INSERT INTO workers (login, display_name, role, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        )?
        .execute(params![worker.login, worker.display_name, worker.role, w.stamp])?;
        Ok(w.tx.last_insert_rowid())
    }
}
