//! Missed doses as the pharmacy reports them, and the per-client facts the alerts and the
//! take-home check read beside the summary: missed days, the latest readiness note, the latest
//! prescription's start.
//!
//! These are read by three set-based queries (one pass over each table) rather than added to
//! `client_summary`, whose columns would need its view, table and triggers made again.

use super::{Result, Store, StoreError, Writer};
use crate::domain::dose_check::{TAKE_HOME_MISSED_WINDOW_DAYS, TakeHomeFacts};
use crate::domain::missed_dose::MAX_DATES_PER_ENTRY;
use crate::domain::{AuditAction, DomainError, RecordType, uk_date};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// What the alerts read about one client besides the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoseFacts {
    pub missed: Vec<NaiveDate>,
    pub last_readiness_note: Option<NaiveDate>,
    pub latest_prescription_start: Option<NaiveDate>,
}

/// One stored missed dose, as the whole-record export writes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MissedDoseRow {
    pub id: i64,
    pub client_id: i64,
    pub prescription_id: i64,
    pub missed_on: NaiveDate,
    pub worker_id: i64,
    pub created_at: String,
    pub in_error_at: Option<String>,
    pub in_error_by: Option<String>,
    pub in_error_reason: Option<String>,
}

pub(super) const SELECT_ALL: &str = "SELECT id, client_id, prescription_id, missed_on, worker_id,
    created_at, in_error_at, in_error_by, in_error_reason FROM missed_doses ORDER BY id";

pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MissedDoseRow> {
    Ok(MissedDoseRow {
        id: r.get(0)?,
        client_id: r.get(1)?,
        prescription_id: r.get(2)?,
        missed_on: r.get(3)?,
        worker_id: r.get(4)?,
        created_at: r.get(5)?,
        in_error_at: r.get(6)?,
        in_error_by: r.get(7)?,
        in_error_reason: r.get(8)?,
    })
}

/// What a quick entry recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissedRecorded {
    /// Days newly recorded.
    pub added: Vec<NaiveDate>,
    /// Days already recorded, left as they were.
    pub already: Vec<NaiveDate>,
}

fn refuse(message: String) -> StoreError {
    StoreError::Invalid {
        what: RecordType::Prescription,
        source: DomainError::Rule(message),
    }
}

impl Writer<'_> {
    /// What the take-home checks read ([`check_take_home`](crate::domain::dose_check::check_take_home)),
    /// for a prescription starting `from`: the latest TOP's opiate days, doses missed in the four
    /// weeks before, and the safeguarding (children) flag.
    pub(super) fn take_home_facts(&self, client_id: i64, from: NaiveDate) -> Result<TakeHomeFacts> {
        let latest_top: Option<(NaiveDate, Option<f64>)> = self
            .tx
            .query_row(
                "SELECT p.completed_on,
                    (SELECT a.value FROM top_answers a WHERE a.top_id = p.id AND a.item = 'opiates_days')
                 FROM tops p WHERE p.client_id = ?1 AND p.in_error_at IS NULL AND p.completed_on <= ?2
                 ORDER BY p.completed_on DESC, p.id DESC LIMIT 1",
                params![client_id, from],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let window_start = from - chrono::Duration::days(TAKE_HOME_MISSED_WINDOW_DAYS);
        let missed: i64 = self.tx.query_row(
            "SELECT count(*) FROM missed_doses WHERE client_id = ?1 AND in_error_at IS NULL
               AND missed_on > ?2 AND missed_on <= ?3",
            params![client_id, window_start, from],
            |r| r.get(0),
        )?;
        let safeguarding_children: bool = self.tx.query_row(
            "SELECT safeguarding_children FROM clients WHERE id = ?1",
            [client_id],
            |r| r.get(0),
        )?;
        Ok(TakeHomeFacts {
            latest_top,
            missed_recently: usize::try_from(missed).unwrap_or(0),
            safeguarding_children,
            latest_ecg: self.latest_ecg(client_id, from)?,
        })
    }

    /// Records the days a client's doses were missed, each against the prescription that covered
    /// it, all or none. Audited on that prescription (`update`, detail "missed dose DATE"): the
    /// audit's record types are a CHECK this migration leaves alone.
    pub fn record_missed_doses(
        &self,
        client_id: i64,
        worker_id: i64,
        dates: &[NaiveDate],
    ) -> Result<MissedRecorded> {
        if dates.is_empty() {
            return Err(refuse("give at least one date a dose was missed".into()));
        }
        if dates.len() > MAX_DATES_PER_ENTRY {
            return Err(refuse(format!(
                "{} dates at once is more than {MAX_DATES_PER_ENTRY}: record them in parts",
                dates.len()
            )));
        }
        let mut days = dates.to_vec();
        days.sort_unstable();
        days.dedup();
        let mut recorded = MissedRecorded {
            added: Vec::new(),
            already: Vec::new(),
        };
        for day in days {
            if day > self.today {
                return Err(refuse(format!(
                    "{} is in the future: a missed dose is recorded once the day has passed",
                    uk_date(day)
                )));
            }
            let prescription: Option<i64> = self
                .tx
                .query_row(
                    "SELECT id FROM prescriptions WHERE client_id = ?1 AND started_on <= ?2
                       AND (ended_on IS NULL OR ended_on >= ?2)
                     ORDER BY started_on DESC, id DESC LIMIT 1",
                    params![client_id, day],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(prescription) = prescription else {
                return Err(refuse(format!(
                    "no prescription covers {}: a missed dose is recorded against the prescription the pharmacy dispenses",
                    uk_date(day)
                )));
            };
            let added = self.tx.prepare_cached(
                "INSERT INTO missed_doses (client_id, prescription_id, missed_on, worker_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (client_id, missed_on) WHERE in_error_at IS NULL DO NOTHING",
            )?
            .execute(params![client_id, prescription, day, worker_id, self.stamp])?;
            if added == 0 {
                recorded.already.push(day);
                continue;
            }
            recorded.added.push(day);
            if self.audit_each {
                self.audit_detail(
                    AuditAction::Update,
                    RecordType::Prescription,
                    Some(prescription),
                    Some(&format!("missed dose {day}")),
                )?;
            }
        }
        Ok(recorded)
    }
}

impl Store {
    /// The days a client's doses were missed (not in error), oldest first.
    pub fn missed_doses(&self, client_id: i64) -> Result<Vec<NaiveDate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT missed_on FROM missed_doses WHERE client_id = ?1 AND in_error_at IS NULL
             ORDER BY missed_on",
        )?;
        let rows = stmt.query_map([client_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// [`DoseFacts`] for the clients `c` that `filter` (an SQL condition, its parameter bound as
    /// `?1`) selects: the caseload's own condition, so a reload of a few clients reads only
    /// theirs.
    pub(super) fn dose_facts(
        &self,
        filter: &str,
        param: Option<i64>,
    ) -> Result<HashMap<i64, DoseFacts>> {
        let clients = format!("client_id IN (SELECT c.id FROM clients c WHERE {filter})");
        let mut facts: HashMap<i64, DoseFacts> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT client_id, missed_on FROM missed_doses WHERE in_error_at IS NULL AND {clients}"
        ))?;
        for row in stmt.query_map([param], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (id, day): (i64, NaiveDate) = row?;
            facts.entry(id).or_default().missed.push(day);
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT client_id, max(noted_on) FROM readiness_notes
             WHERE in_error_at IS NULL AND {clients} GROUP BY client_id"
        ))?;
        for row in stmt.query_map([param], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (id, on): (i64, NaiveDate) = row?;
            facts.entry(id).or_default().last_readiness_note = Some(on);
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT client_id, max(started_on) FROM prescriptions WHERE {clients} GROUP BY client_id"
        ))?;
        for row in stmt.query_map([param], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (id, on): (i64, NaiveDate) = row?;
            facts.entry(id).or_default().latest_prescription_start = Some(on);
        }
        Ok(facts)
    }
}
