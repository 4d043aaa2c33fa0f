//! Missed doses as the pharmacy reports them, and the missed days the alerts and the take-home
//! check read beside the summary.
//!
//! The missed days are read by one set-based query (one pass over the table) rather than added
//! to `client_summary`, whose columns would need its view, table and triggers made again. The
//! latest readiness note and prescription start, which the alerts also read, are columns of the
//! caseload's own query (`store::caseload`): one index seek per client there costs less than a
//! pass over every note and a map to hold them.

use super::{Result, Store, StoreError, Writer};
use crate::domain::dose_check::{TAKE_HOME_MISSED_WINDOW_DAYS, TakeHomeFacts};
use crate::domain::missed_dose::MAX_DATES_PER_ENTRY;
use crate::domain::{AuditAction, DomainError, InError, RecordType, ShortText, uk_date};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// What the alerts read about one client besides the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoseFacts {
    pub missed: Vec<NaiveDate>,
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

/// One missed dose as the record lists it: the day, the prescription it was recorded against,
/// and its entered-in-error mark (a dose reported missed by mistake stays listed, marked).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MissedDose {
    pub id: i64,
    pub prescription_id: i64,
    pub missed_on: NaiveDate,
    pub in_error: Option<InError>,
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

impl Writer<'_> {
    /// Marks a missed dose entered in error with the reason (required): it then counts for
    /// nothing (the three-in-a-row alert and the take-home check leave it out) and stays listed
    /// with its reason; the day marked is returned. Audited as a `void` of the prescription it was recorded against, as the
    /// entry was (the audit's record types are a CHECK no migration of this change touches);
    /// the detail names the day, never the reason. Not undone: the day is recorded again, which
    /// the unique index allows once the first entry is in error.
    pub fn void_missed_dose(&self, id: i64, reason: &str) -> Result<NaiveDate> {
        let reason = ShortText::new(reason).map_err(|e| match e {
            DomainError::Blank { .. } => refuse(
                "give the reason the missed dose was entered in error; nothing was changed".into(),
            ),
            other => StoreError::Invalid {
                what: RecordType::Prescription,
                source: other,
            },
        })?;
        let found: Option<(i64, NaiveDate, Option<String>)> = self
            .tx
            .query_row(
                "SELECT prescription_id, missed_on, in_error_at FROM missed_doses WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((prescription_id, missed_on, marked)) = found else {
            return Err(refuse(format!(
                "there is no missed dose {id}: the client's record and export list each with its id; nothing was changed"
            )));
        };
        if marked.is_some() {
            return Err(refuse(format!(
                "the missed dose on {} is already marked entered in error; its first reason stands",
                uk_date(missed_on)
            )));
        }
        self.tx.execute(
            "UPDATE missed_doses SET in_error_at = ?2, in_error_by = ?3, in_error_reason = ?4
             WHERE id = ?1",
            params![id, self.stamp, self.actor.as_str(), reason],
        )?;
        if self.audit_each {
            self.audit_detail(
                AuditAction::Void,
                RecordType::Prescription,
                Some(prescription_id),
                Some(&format!("missed dose {missed_on}")),
            )?;
        }
        Ok(missed_on)
    }
}

impl Store {
    /// Every missed dose of a client, entered in error or not, newest first: the record's list.
    pub fn client_missed_doses(&self, client_id: i64) -> Result<Vec<MissedDose>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, prescription_id, missed_on, in_error_at, in_error_by, in_error_reason
             FROM missed_doses WHERE client_id = ?1 ORDER BY missed_on DESC, id DESC",
        )?;
        let rows = stmt.query_map([client_id], |r| {
            Ok(MissedDose {
                id: r.get("id")?,
                prescription_id: r.get("prescription_id")?,
                missed_on: r.get("missed_on")?,
                in_error: super::corrections::in_error_from_row(r)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The standing (not in error) missed dose of a client on a day, if one is recorded: what
    /// `keywork dose void --client REF --on DATE` marks.
    pub fn missed_dose_on(&self, client_id: i64, day: NaiveDate) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM missed_doses WHERE client_id = ?1 AND missed_on = ?2
                   AND in_error_at IS NULL",
                params![client_id, day],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The client a missed dose belongs to, if it exists.
    pub fn missed_dose_client(&self, id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT client_id FROM missed_doses WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

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
        Ok(facts)
    }
}
