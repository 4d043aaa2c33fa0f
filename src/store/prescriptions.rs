use super::{Result, Table, Writer, invalid};
use crate::domain::{Prescription, RecordType};
use rusqlite::params;

impl Table for Prescription {
    const RECORD: RecordType = RecordType::Prescription;
    const SELECT: &'static str = "SELECT t.* FROM prescriptions t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Prescription {
            client_id: row.get("client_id")?,
            medicine: row.get("medicine")?,
            dose_mg: row.get("dose_mg")?,
            interval: row.get("interval")?,
            started_on: row.get("started_on")?,
            ended_on: row.get("ended_on")?,
            supervision: row.get("supervision")?,
        })
    }

    fn insert(w: &Writer<'_>, p: &Self) -> Result<i64> {
        p.validate().map_err(invalid(RecordType::Prescription))?;
        w.tx.prepare_cached(
            "INSERT INTO prescriptions (client_id, medicine, dose_mg, interval, started_on, ended_on, supervision,
                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .execute(params![p.client_id, p.medicine, p.dose_mg, p.interval, p.started_on, p.ended_on, p.supervision, w.stamp])?;
        Ok(w.tx.last_insert_rowid())
    }
}
