//! Blood-borne virus test results: recording one (which also moves the client's test dates on,
//! one entry updating the record), reading a client's, and the facts the alert rules read for
//! many clients at once (one pass over the table, like `missed_doses`'s).

use super::{Result, Store, StoreError, Writer};
use crate::domain::bbv::{self, BbvEntry};
use crate::domain::{AuditAction, Client, RecordType, ShortText, uk_date};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// What the alerts read about one client's BBV care besides the client's own columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BbvFacts {
    /// The results as they stand ([`bbv::standing`]).
    pub results: Vec<BbvEntry>,
    /// The latest session (attended, not in error) that referred for hep C treatment.
    pub hep_c_referred_on: Option<chrono::NaiveDate>,
}

/// One stored result, as the record screen and the exports show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BbvResultRow {
    pub id: i64,
    pub client_id: i64,
    pub test: crate::domain::BbvTest,
    pub taken_on: chrono::NaiveDate,
    pub result: crate::domain::BbvResult,
    pub worker_id: i64,
    pub created_at: String,
    pub in_error_at: Option<String>,
    pub in_error_by: Option<String>,
    pub in_error_reason: Option<String>,
}

impl BbvResultRow {
    pub fn entry(&self) -> BbvEntry {
        BbvEntry {
            test: self.test,
            taken_on: self.taken_on,
            result: self.result,
        }
    }
}

/// The columns [`from_row`] reads, in its order.
macro_rules! columns {
    () => {
        "id, client_id, test, taken_on, result, worker_id, created_at, in_error_at, in_error_by,
         in_error_reason"
    };
}
const COLUMNS: &str = columns!();

pub(super) const SELECT_ALL: &str = concat!("SELECT ", columns!(), " FROM bbv_results ORDER BY id");

pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BbvResultRow> {
    Ok(BbvResultRow {
        id: r.get(0)?,
        client_id: r.get(1)?,
        test: r.get(2)?,
        taken_on: r.get(3)?,
        result: r.get(4)?,
        worker_id: r.get(5)?,
        created_at: r.get(6)?,
        in_error_at: r.get(7)?,
        in_error_by: r.get(8)?,
        in_error_reason: r.get(9)?,
    })
}

fn refuse(message: String) -> StoreError {
    StoreError::BbvRefused(message)
}

impl Writer<'_> {
    /// Records one BBV result and moves the client's test dates (or hep B status) on in the same
    /// transaction. Audited on the client (`update`, detail "bbv result ID": the result itself
    /// is clinical and never goes in the audit trail). Returns the result's id.
    pub fn record_bbv_result(
        &self,
        client_id: i64,
        worker_id: i64,
        entry: &BbvEntry,
    ) -> Result<i64> {
        if entry.taken_on > self.today {
            return Err(refuse(format!(
                "{} is in the future: a test is recorded on or after the day its sample was taken (or it was declined); nothing was changed",
                uk_date(entry.taken_on)
            )));
        }
        let Some((client, _)) = self.client_as_read(client_id)? else {
            return Err(StoreError::NotFound {
                what: RecordType::Client,
                id: client_id,
            });
        };
        self.tx
            .prepare_cached(
                "INSERT INTO bbv_results (client_id, test, taken_on, result, worker_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                client_id,
                entry.test.code(),
                entry.taken_on,
                entry.result.code(),
                worker_id,
                self.stamp
            ])?;
        let id = self.tx.last_insert_rowid();
        self.audit_detail(
            AuditAction::Update,
            RecordType::Client,
            Some(client_id),
            Some(&format!("bbv result {id}")),
        )?;
        let risk = client.risk.after_bbv_result(entry);
        if risk != client.risk {
            let version: i64 = self.tx.query_row(
                "SELECT row_version FROM clients WHERE id = ?1",
                [client_id],
                |r| r.get(0),
            )?;
            self.update_client(client_id, version, &Client { risk, ..client })?;
        }
        Ok(id)
    }
}

impl Writer<'_> {
    /// Stores results for tests whose days the client's record already holds (a history
    /// written in one go, as the demo generator does): the client's row is left as it is, so
    /// nothing is read back for each result, which keeps generating a large service fast.
    /// Audited as [`Writer::record_bbv_result`] is when this writer audits each write.
    pub fn insert_dated_bbv_results(
        &self,
        client_id: i64,
        worker_id: i64,
        entries: &[BbvEntry],
    ) -> Result<()> {
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO bbv_results (client_id, test, taken_on, result, worker_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for entry in entries {
            if entry.taken_on > self.today {
                return Err(refuse(format!(
                    "{} is in the future: a test is recorded on or after the day its sample was taken; nothing was changed",
                    uk_date(entry.taken_on)
                )));
            }
            insert.execute(params![
                client_id,
                entry.test.code(),
                entry.taken_on,
                entry.result.code(),
                worker_id,
                self.stamp
            ])?;
            if self.audit_each {
                let id = self.tx.last_insert_rowid();
                self.audit_detail(
                    AuditAction::Update,
                    RecordType::Client,
                    Some(client_id),
                    Some(&format!("bbv result {id}")),
                )?;
            }
        }
        Ok(())
    }
}

impl Writer<'_> {
    /// Marks a result entered in error (recorded against the wrong client or test, or a typing
    /// slip): it stays on the record, marked, and counts for nothing. The client's test dates
    /// are left as they are (they may come from a session or the client's details too); the
    /// caller says so. Returns the client's id and the entry.
    pub fn void_bbv_result(&self, id: i64, reason: &ShortText) -> Result<(i64, BbvEntry)> {
        let row = self
            .tx
            .query_row(
                &format!("SELECT {COLUMNS} FROM bbv_results WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| refuse(format!("there is no BBV result {id}: `keywork bbv list --client REF` shows their numbers")))?;
        if row.in_error_at.is_some() {
            return Err(refuse(format!(
                "BBV result {id} is already marked entered in error; nothing was changed"
            )));
        }
        self.tx.execute(
            "UPDATE bbv_results SET in_error_at = ?2, in_error_by = ?3, in_error_reason = ?4
             WHERE id = ?1",
            params![id, self.stamp, self.actor.as_str(), reason.as_str()],
        )?;
        self.audit_detail(
            AuditAction::Update,
            RecordType::Client,
            Some(row.client_id),
            Some(&format!("bbv result {id} entered in error")),
        )?;
        Ok((row.client_id, row.entry()))
    }
}

impl Store {
    /// A client's BBV results, every one recorded (in error too), by day taken then as recorded.
    pub fn bbv_results(&self, client_id: i64) -> Result<Vec<BbvResultRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM bbv_results WHERE client_id = ?1 ORDER BY taken_on, id"
        ))?;
        let rows = stmt.query_map([client_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// [`BbvFacts`] for the clients `c` that `filter` (an SQL condition, its parameter bound as
    /// `?1`) selects: the caseload's own condition, so a reload of a few clients reads only theirs.
    pub(super) fn bbv_facts(
        &self,
        filter: &str,
        param: Option<i64>,
    ) -> Result<HashMap<i64, BbvFacts>> {
        let clients = format!("client_id IN (SELECT c.id FROM clients c WHERE {filter})");
        let mut recorded: HashMap<i64, Vec<BbvEntry>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT client_id, test, taken_on, result FROM bbv_results
             WHERE in_error_at IS NULL AND {clients} ORDER BY id"
        ))?;
        let rows = stmt.query_map([param], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                BbvEntry {
                    test: r.get(1)?,
                    taken_on: r.get(2)?,
                    result: r.get(3)?,
                },
            ))
        })?;
        for row in rows {
            let (id, entry) = row?;
            recorded.entry(id).or_default().push(entry);
        }
        let mut facts: HashMap<i64, BbvFacts> = recorded
            .into_iter()
            .map(|(id, entries)| {
                let results = bbv::standing(&entries);
                (
                    id,
                    BbvFacts {
                        results,
                        hep_c_referred_on: None,
                    },
                )
            })
            .collect();
        // For the whole team, CROSS JOIN makes SQLite start from the few referrals (one pass over
        // the interventions) rather than look up every session of every client: 30 ms rather
        // than 90 ms at 10,000 clients. For one worker's clients, one client, or clients named by
        // id (`c.id IN (...)`, a colleague's save), their sessions are few: start from them.
        let join = if param.is_none() && !filter.contains("c.id IN (") {
            "session_interventions i CROSS JOIN sessions s"
        } else {
            "sessions s JOIN session_interventions i"
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT s.client_id, max(substr(s.started_at, 1, 10))
             FROM {join} ON i.session_id = s.id
             WHERE i.intervention = 'hep_c_treatment_referral' AND s.in_error_at IS NULL
               AND s.attendance = 'attended' AND s.{clients}
             GROUP BY s.client_id"
        ))?;
        for row in stmt.query_map([param], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (id, on): (i64, chrono::NaiveDate) = row?;
            facts.entry(id).or_default().hep_c_referred_on = Some(on);
        }
        Ok(facts)
    }
}
