//! ECGs: recorded by any worker from the record or the shell, read by the safe-prescribing
//! checks ([`check_ecg`](crate::domain::dose_check::check_ecg)), the record and the exports.

use super::{Result, Store, StoreError, Writer};
use crate::domain::ecg::Ecg;
use crate::domain::{AuditAction, DomainError, RecordType};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

/// One stored ECG, as the record and the exports show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EcgRow {
    pub id: i64,
    pub client_id: i64,
    pub taken_on: NaiveDate,
    pub qtc_ms: Option<u16>,
    pub worker_id: i64,
    pub created_at: String,
    pub in_error_at: Option<String>,
    pub in_error_by: Option<String>,
    pub in_error_reason: Option<String>,
}

const COLUMNS: &str = "id, client_id, taken_on, qtc_ms, worker_id, created_at, in_error_at,
    in_error_by, in_error_reason";

pub(super) const SELECT_ALL: &str = "SELECT id, client_id, taken_on, qtc_ms, worker_id,
    created_at, in_error_at, in_error_by, in_error_reason FROM ecgs ORDER BY id";

pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EcgRow> {
    Ok(EcgRow {
        id: r.get(0)?,
        client_id: r.get(1)?,
        taken_on: r.get(2)?,
        qtc_ms: r.get(3)?,
        worker_id: r.get(4)?,
        created_at: r.get(5)?,
        in_error_at: r.get(6)?,
        in_error_by: r.get(7)?,
        in_error_reason: r.get(8)?,
    })
}

impl Writer<'_> {
    /// Records an ECG. Audited on the client as an `update` with the detail "ecg ID recorded":
    /// the audit's record types are a CHECK this migration leaves alone, and a `create` on the
    /// client would restart the client's trail (a trail runs from its record's latest creation).
    pub fn record_ecg(&self, client_id: i64, worker_id: i64, ecg: &Ecg) -> Result<i64> {
        ecg.check(self.today)
            .map_err(|message| StoreError::Invalid {
                what: RecordType::Client,
                source: DomainError::Rule(message),
            })?;
        self.tx
            .prepare_cached(
                "INSERT INTO ecgs (client_id, taken_on, qtc_ms, worker_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                client_id,
                ecg.taken_on,
                ecg.qtc_ms,
                worker_id,
                self.stamp
            ])?;
        let id = self.tx.last_insert_rowid();
        if self.audit_each {
            self.audit_detail(
                AuditAction::Update,
                RecordType::Client,
                Some(client_id),
                Some(&format!("ecg {id} recorded")),
            )?;
        }
        Ok(id)
    }

    /// Marks an ECG entered in error, with the reason: it stays on the record, marked, and the
    /// dose check no longer counts it (an ECG recorded with the wrong date would otherwise keep
    /// the "ECG recommended" check quiet). Audited on its client as an `update`, "ecg ID entered
    /// in error". Returns the client's id.
    pub fn void_ecg(&self, id: i64, reason: &str) -> Result<i64> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(StoreError::Invalid {
                what: RecordType::Client,
                source: DomainError::Rule(
                    "give the reason the ECG was entered in error (at most 500 characters)".into(),
                ),
            });
        }
        let row: Option<(i64, Option<String>)> = self
            .tx
            .query_row(
                "SELECT client_id, in_error_at FROM ecgs WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let client_id = match row {
            None => {
                return Err(StoreError::Invalid {
                    what: RecordType::Client,
                    source: DomainError::Rule(format!(
                        "no ECG {id}: its id is printed by `keywork ecg add` and in the export"
                    )),
                });
            }
            Some((_, Some(_))) => {
                return Err(StoreError::Invalid {
                    what: RecordType::Client,
                    source: DomainError::Rule(format!(
                        "ECG {id} is already marked entered in error"
                    )),
                });
            }
            Some((client_id, None)) => client_id,
        };
        self.tx.execute(
            "UPDATE ecgs SET in_error_at = ?2, in_error_by = ?3, in_error_reason = ?4 WHERE id = ?1",
            params![id, self.stamp, self.actor.as_str(), reason],
        )?;
        if self.audit_each {
            self.audit_detail(
                AuditAction::Update,
                RecordType::Client,
                Some(client_id),
                Some(&format!("ecg {id} entered in error")),
            )?;
        }
        Ok(client_id)
    }

    /// The latest ECG not in error taken on or before `on`.
    pub(super) fn latest_ecg(&self, client_id: i64, on: NaiveDate) -> Result<Option<NaiveDate>> {
        Ok(self.tx.query_row(
            "SELECT max(taken_on) FROM ecgs WHERE client_id = ?1 AND in_error_at IS NULL
               AND taken_on <= ?2",
            params![client_id, on],
            |r| r.get(0),
        )?)
    }
}

impl Store {
    /// A client's ECGs, latest first, those in error included (the record shows them marked).
    pub fn ecgs(&self, client_id: i64) -> Result<Vec<EcgRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM ecgs WHERE client_id = ?1 ORDER BY taken_on DESC, id DESC"
        ))?;
        let rows = stmt.query_map([client_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest ECG not in error, for the prescription form's checks (never in the future:
    /// recording one dated after its day is refused).
    pub fn latest_ecg(&self, client_id: i64) -> Result<Option<NaiveDate>> {
        Ok(self.conn.query_row(
            "SELECT max(taken_on) FROM ecgs WHERE client_id = ?1 AND in_error_at IS NULL",
            [client_id],
            |r| r.get(0),
        )?)
    }
}
