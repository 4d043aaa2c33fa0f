//! The queries behind `keywork check --clinical` (issue 20): each rule of
//! [`crate::domain::clinical_check`] read over the whole record, set-based (one statement per
//! rule, not one per client), entries marked entered in error left out. The same statements,
//! narrowed to one client through the client indexes, give the record screen's "Data checks"
//! (one client's rows per record load, never the whole file).

use super::{Result, Table};
use crate::domain::clinical_check::{
    Finding, GOAL_OVERDUE_WEEKS, Rule, StoredRx, prescription_findings,
};
use crate::domain::dose_check::DoseLimits;
use crate::domain::{Modality, OstPrescription};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The modality codes that mean OST, as [`Modality::is_ost`] has them, for SQL.
fn ost_codes() -> String {
    Modality::ALL
        .iter()
        .filter(|m| m.is_ost())
        .map(|m| format!("'{}'", m.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl super::Store {
    /// Every clinical finding on the record as of `today`, sorted by client reference and rule.
    pub fn clinical_findings(&self, limits: &DoseLimits) -> Result<Vec<Finding>> {
        self.findings(limits, None)
    }

    /// The clinical findings of one client, by the same rules and statements as
    /// [`Self::clinical_findings`], read through the client's indexes.
    pub fn client_findings(&self, client_id: i64, limits: &DoseLimits) -> Result<Vec<Finding>> {
        self.findings(limits, Some(client_id))
    }

    /// The rules over every client, or over `client` alone: each statement gains
    /// `AND <its client column> = ?N`, the client bound as its last parameter.
    fn findings(&self, limits: &DoseLimits, client: Option<i64>) -> Result<Vec<Finding>> {
        let today = self.today();
        let only = |column: &str, n: usize| match client {
            Some(_) => format!("AND {column} = ?{n}"),
            None => String::new(),
        };
        let mut found = self.prescription_rules(limits, client)?;
        let ost = ost_codes();
        let goal_cutoff = today - chrono::Duration::weeks(GOAL_OVERDUE_WEEKS);
        let rules: [(Rule, String, Vec<String>); 6] = [
            (
                Rule::OstWithoutPrescription,
                format!(
                    "SELECT c.reference, c.modality FROM clients c
                     WHERE c.status IN ('active', 'on_hold') AND c.modality IN ({ost})
                       AND NOT EXISTS (SELECT 1 FROM prescriptions p WHERE p.client_id = c.id
                           AND p.started_on <= ?1 AND (p.ended_on IS NULL OR p.ended_on >= ?1))
                       {}",
                    only("c.id", 2)
                ),
                vec![today.to_string()],
            ),
            (
                Rule::FutureReview,
                format!(
                    "SELECT c.reference, r.kind || ' review ' || r.id || ' completed on ' || r.completed_on
                     FROM reviews r JOIN clients c ON c.id = r.client_id
                     WHERE r.in_error_at IS NULL AND r.completed_on > ?1 {}",
                    only("r.client_id", 2)
                ),
                vec![today.to_string()],
            ),
            (
                Rule::FutureTop,
                format!(
                    "SELECT c.reference, t.stage || ' TOP ' || t.id || ' completed on ' || t.completed_on
                     FROM tops t JOIN clients c ON c.id = t.client_id
                     WHERE t.in_error_at IS NULL AND t.completed_on > ?1 {}",
                    only("t.client_id", 2)
                ),
                vec![today.to_string()],
            ),
            (
                Rule::GoalPastTarget,
                format!(
                    "SELECT c.reference, 'goal ' || g.id || ' (' || g.domain || ') active, target ' || g.target_date
                     FROM goals g JOIN clients c ON c.id = g.client_id
                     WHERE g.in_error_at IS NULL AND g.status = 'active' AND g.target_date < ?1 {}",
                    only("g.client_id", 2)
                ),
                vec![goal_cutoff.to_string()],
            ),
            (
                Rule::AchievedGoalOpenActions,
                format!(
                    "SELECT c.reference, 'goal ' || g.id || ' achieved with ' || count(*) || ' open action(s)'
                     FROM goals g JOIN clients c ON c.id = g.client_id
                     JOIN goal_actions a ON a.goal_id = g.id
                     WHERE g.in_error_at IS NULL AND g.status = 'achieved'
                       AND a.in_error_at IS NULL AND a.done_on IS NULL {}
                     GROUP BY g.id",
                    only("g.client_id", 1)
                ),
                vec![],
            ),
            (
                Rule::DischargedWithoutExitTop,
                format!(
                    "SELECT c.reference, 'discharged' || coalesce(' on ' || c.status_since, '')
                         || ', treatment started ' || c.treatment_start
                     FROM clients c
                     WHERE c.status = 'discharged' AND c.treatment_start IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM tops t WHERE t.client_id = c.id
                           AND t.stage = 'exit' AND t.in_error_at IS NULL) {}",
                    only("c.id", 1)
                ),
                vec![],
            ),
        ];
        for (rule, sql, args) in rules {
            use rusqlite::types::Value;
            let mut values: Vec<Value> = args.into_iter().map(Value::Text).collect();
            values.extend(client.map(Value::Integer));
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
                Ok(Finding {
                    reference: r.get(0)?,
                    rule,
                    detail: r.get(1)?,
                })
            })?;
            for row in rows {
                found.push(row?);
            }
        }
        for f in found
            .iter_mut()
            .filter(|f| f.rule == Rule::OstWithoutPrescription)
        {
            f.detail = format!("modality {}, no prescription in force on {today}", f.detail);
        }
        found.sort();
        Ok(found)
    }

    /// The days of each client's ECGs not in error, by reference; none in a file from before
    /// schema 16, which has no ECGs.
    fn ecg_days(&self) -> Result<BTreeMap<String, Vec<NaiveDate>>> {
        let mut days: BTreeMap<String, Vec<NaiveDate>> = BTreeMap::new();
        let recorded: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'ecgs'",
            [],
            |r| r.get(0),
        )?;
        if !recorded {
            return Ok(days);
        }
        let mut stmt = self.conn.prepare(
            "SELECT c.reference, e.taken_on FROM ecgs e JOIN clients c ON c.id = e.client_id
             WHERE e.in_error_at IS NULL",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (reference, on): (String, NaiveDate) = row?;
            days.entry(reference).or_default().push(on);
        }
        Ok(days)
    }

    /// The rules over each client's prescriptions: overlaps, the dose checks, early take-home.
    fn prescription_rules(&self, limits: &DoseLimits, client: Option<i64>) -> Result<Vec<Finding>> {
        // Prescriptions cannot be marked entered in error at schema 12; when a later schema
        // adds the mark, a prescription so marked counts for nothing here either.
        let voidable: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM pragma_table_info('prescriptions') WHERE name = 'in_error_at'",
            [],
            |r| r.get(0),
        )?;
        let sql = format!(
            "{}, clients c WHERE c.id = t.client_id {} {} ORDER BY t.client_id",
            OstPrescription::SELECT,
            if voidable {
                "AND t.in_error_at IS NULL"
            } else {
                ""
            },
            if client.is_some() {
                "AND t.client_id = ?1"
            } else {
                ""
            }
        );
        let sql = sql.replacen(
            "SELECT t.*",
            "SELECT t.*, c.reference, c.ost_since AS client_ost_since",
            1,
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut by_client: BTreeMap<String, (Option<NaiveDate>, Vec<StoredRx>)> = BTreeMap::new();
        let rows = stmt.query_map(rusqlite::params_from_iter(client), |row| {
            let created: String = row.get("created_at")?;
            let recorded_on = super::sql::fast_date(created.get(..10).unwrap_or_default())
                .unwrap_or(NaiveDate::MIN);
            Ok((
                row.get::<_, String>("reference")?,
                row.get::<_, Option<NaiveDate>>("client_ost_since")?,
                StoredRx {
                    id: row.get("id")?,
                    rx: OstPrescription::from_row(row)?,
                    recorded_on,
                },
            ))
        })?;
        for row in rows {
            let (reference, ost_since, rx) = row?;
            let entry = by_client
                .entry(reference)
                .or_insert((ost_since, Vec::new()));
            entry.1.push(rx);
        }
        let ecgs = self.ecg_days()?;
        let mut found = Vec::new();
        for (reference, (ost_since, prescriptions)) in by_client {
            let days = ecgs.get(&reference).map_or(&[][..], Vec::as_slice);
            for (rule, detail) in prescription_findings(&prescriptions, ost_since, days, limits) {
                found.push(Finding {
                    reference: reference.clone(),
                    rule,
                    detail,
                });
            }
        }
        Ok(found)
    }
}
