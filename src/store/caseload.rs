//! The caseload: one row per client with the reviews they owe and their alerts, read from the
//! per-client summary (schema 9) and put through the review and alert rules; the Next reviews
//! pane's rows made from them; and how many clients a view covers.

use super::bbv::BbvFacts;
use super::missed_doses::DoseFacts;
use super::sql::{date_at, fast_date};
use super::{Result, Store};
use crate::domain::schedule::{self, Due};
use crate::domain::*;
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::HashMap;

/// Whose clients a view covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The clients of one key worker.
    Worker(i64),
    /// Everyone's clients.
    Team,
}

impl Scope {
    fn worker(self) -> Option<i64> {
        match self {
            Scope::Worker(id) => Some(id),
            Scope::Team => None,
        }
    }

    /// The SQL condition on clients `c` for this scope, its worker bound as `?1`. Two texts
    /// rather than `?1 IS NULL OR ...`, which would keep SQLite from using the worker index.
    fn condition(self) -> &'static str {
        match self {
            Scope::Worker(_) => "c.key_worker_id = ?1",
            Scope::Team => "?1 IS NULL",
        }
    }
}

/// One client as the caseload table shows them, with the reviews they owe and their alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseloadRow {
    pub client_id: i64,
    pub reference: ServiceRef,
    pub known_as: Name,
    /// The legal names and preferred name apart, so the caseload can tell two Jos apart and
    /// Find can match any of them.
    pub given_name: Name,
    pub family_name: Name,
    pub preferred_name: Option<Name>,
    /// Ten digits, no spaces; `None` when not recorded. Find matches it; the table never shows it.
    pub nhs_number: Option<String>,
    pub key_worker_id: i64,
    pub key_worker: Name,
    pub status: ClientStatus,
    pub modality: Modality,
    pub stage: Option<Stage>,
    pub treatment_start: Option<NaiveDate>,
    pub last_seen: Option<NaiveDateTime>,
    pub flags: RiskSummary,
    /// Every review owed, by the rules in [`crate::domain::schedule`].
    pub owed: Vec<Due>,
    pub assessment: Assessment,
}

impl CaseloadRow {
    /// The soonest review owed.
    pub fn next_due(&self) -> Option<&Due> {
        self.owed.iter().min_by_key(|d| d.due_on)
    }

    /// Whether the overdue alert for this review was acknowledged (so it is shown quietly).
    pub fn is_quiet(&self, due: &Due) -> bool {
        let kind = AlertKind::ReviewOverdue(due.kind);
        self.assessment.quiet.iter().any(|a| a.kind == kind)
    }
}

/// The standing risk facts the caseload shows as letters beside the alerts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RiskSummary {
    pub overdose_risk: bool,
    pub safeguarding_children: bool,
    pub injecting: bool,
}

/// A review owed by one client, for the Next reviews pane and the morning report.
#[derive(Debug, Clone, PartialEq)]
pub struct DueReview {
    pub client_id: i64,
    pub reference: ServiceRef,
    pub known_as: Name,
    pub key_worker: Name,
    pub due: Due,
    /// Overdue, and the alert was acknowledged.
    pub quiet: bool,
}

/// The reviews owed by `rows` due on or before `until`, soonest (most overdue) first.
pub fn due_within<'a>(
    rows: impl IntoIterator<Item = &'a CaseloadRow>,
    until: NaiveDate,
) -> Vec<DueReview> {
    let mut due: Vec<DueReview> = rows
        .into_iter()
        .flat_map(|row| {
            row.owed
                .iter()
                .filter(move |d| d.due_on <= until)
                .map(move |d| DueReview {
                    client_id: row.client_id,
                    reference: row.reference.clone(),
                    known_as: row.known_as.clone(),
                    key_worker: row.key_worker.clone(),
                    due: *d,
                    quiet: row.is_quiet(d),
                })
        })
        .collect();
    sort_due(&mut due);
    due
}

/// Soonest (most overdue) first; by reference and kind within a day.
pub fn sort_due(due: &mut [DueReview]) {
    due.sort_by(|a, b| {
        (a.due.due_on, &a.reference, a.due.kind).cmp(&(b.due.due_on, &b.reference, b.due.kind))
    });
}

/// Everything the review and alert rules read about each client, one row per client: the client's
/// own columns and their summary row. `{facts}` is `client_summary` (kept by triggers, one seek
/// per client) or `client_facts_computed` (the same columns computed afresh: the definition, which
/// tests compare with the summary). `{filter}` is replaced by the clients wanted, its worker bound
/// as `?1`. Columns are read by position: see [`col`].
const CLIENT_FACTS: &str = "
    SELECT c.id, c.reference, coalesce(c.preferred_name, c.given_name), c.key_worker_id,
        c.given_name, c.family_name, c.preferred_name, c.nhs_number,
        w.display_name, c.status, c.status_since, c.modality, c.modality_since, c.ost_since,
        c.risk_changed_on, c.treatment_start, c.overdose_risk, c.prison_release_on, c.safeguarding_children,
        c.injecting, c.naloxone_held, c.naloxone_supplied_on, c.hep_c_tested_on, c.hiv_tested_on,
        c.primary_substance IN ('heroin', 'prescribed_opioids') OR s.other_opioids,
        s.stage, s.last_care_plan, s.last_prescribing, s.last_risk, s.last_top, s.last_exit_top,
        s.recent_tops, s.recent_attendance, s.last_seen, s.last_progress, s.has_exit_goal, s.acks,
        c.hep_b,
        (SELECT max(noted_on) FROM readiness_notes r WHERE r.client_id = c.id AND r.in_error_at IS NULL),
        (SELECT max(started_on) FROM prescriptions p WHERE p.client_id = c.id)
    FROM clients c JOIN workers w ON w.id = c.key_worker_id
        JOIN {facts} s ON s.client_id = c.id
    WHERE {filter}
    ORDER BY c.reference";

/// The positions of [`CLIENT_FACTS`]' columns.
mod col {
    pub const ID: usize = 0;
    pub const REFERENCE: usize = 1;
    pub const KNOWN_AS: usize = 2;
    pub const KEY_WORKER_ID: usize = 3;
    pub const GIVEN_NAME: usize = 4;
    pub const FAMILY_NAME: usize = 5;
    pub const PREFERRED_NAME: usize = 6;
    pub const NHS_NUMBER: usize = 7;
    pub const KEY_WORKER: usize = 8;
    pub const STATUS: usize = 9;
    pub const STATUS_SINCE: usize = 10;
    pub const MODALITY: usize = 11;
    pub const MODALITY_SINCE: usize = 12;
    pub const OST_SINCE: usize = 13;
    pub const RISK_CHANGED_ON: usize = 14;
    pub const TREATMENT_START: usize = 15;
    pub const OVERDOSE_RISK: usize = 16;
    pub const PRISON_RELEASE_ON: usize = 17;
    pub const SAFEGUARDING_CHILDREN: usize = 18;
    pub const INJECTING: usize = 19;
    pub const NALOXONE_HELD: usize = 20;
    pub const NALOXONE_SUPPLIED_ON: usize = 21;
    pub const HEP_C_TESTED_ON: usize = 22;
    pub const HIV_TESTED_ON: usize = 23;
    pub const USES_OPIOIDS: usize = 24;
    pub const STAGE: usize = 25;
    pub const LAST_CARE_PLAN: usize = 26;
    pub const LAST_PRESCRIBING: usize = 27;
    pub const LAST_RISK: usize = 28;
    pub const LAST_TOP: usize = 29;
    pub const LAST_EXIT_TOP: usize = 30;
    pub const RECENT_TOPS: usize = 31;
    pub const RECENT_ATTENDANCE: usize = 32;
    pub const LAST_SEEN: usize = 33;
    pub const LAST_PROGRESS: usize = 34;
    pub const HAS_EXIT_GOAL: usize = 35;
    pub const ACKS: usize = 36;
    pub const HEP_B: usize = 37;
    pub const LAST_READINESS_NOTE: usize = 38;
    pub const LATEST_PRESCRIPTION_START: usize = 39;
}

/// Where the caseload's per-client facts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactsSource {
    /// The summary table the triggers keep: what every screen and report reads.
    Summary,
    /// Computed afresh from the records: the definition, for tests and `check`.
    Computed,
}

impl FactsSource {
    fn table(self) -> &'static str {
        match self {
            FactsSource::Summary => "client_summary",
            FactsSource::Computed => "client_facts_computed",
        }
    }
}

/// The SQL condition for clients of one status (`None`: any). The code comes from the enum,
/// never from typing.
fn status_condition(status: Option<ClientStatus>) -> String {
    status.map_or_else(|| "1".to_owned(), |s| format!("c.status = '{}'", s.code()))
}

/// The SQL condition for these client ids (integers, so written into the text).
fn id_list(clients: &[i64]) -> String {
    let ids: Vec<String> = clients.iter().map(i64::to_string).collect();
    format!("c.id IN ({})", ids.join(", "))
}

fn client_facts_sql(source: FactsSource, filter: &str) -> String {
    CLIENT_FACTS
        .replace("{facts}", source.table())
        .replace("{filter}", filter)
}

/// Clients who have left without an exit TOP: the only review they still owe.
const EXITED_WITHOUT_EXIT_TOP: &str =
    "c.status IN ('discharged', 'transferred') AND c.treatment_start IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM tops p WHERE p.client_id = c.id AND p.stage = 'exit'
                    AND p.completed_on >= c.treatment_start AND p.in_error_at IS NULL)";

/// Reads rows packed by `group_concat` (rows apart by ASCII record separators, fields by unit
/// separators; dates, codes and causes never hold either): cheaper than JSON for thousands of
/// clients. Empty when the client has none.
fn packed_rows<T>(
    row: &rusqlite::Row<'_>,
    column: usize,
    read: impl Fn(&[&str]) -> Option<T>,
) -> rusqlite::Result<Vec<T>> {
    let text = row.get_ref(column)?.as_str_or_null()?;
    Ok(text
        .iter()
        .flat_map(|t| t.split('\x1e'))
        .filter_map(|r| read(&r.split('\x1f').collect::<Vec<_>>()))
        .collect())
}

/// One row of [`CLIENT_FACTS`] with the rules applied.
fn caseload_row(
    row: &rusqlite::Row<'_>,
    today: NaiveDate,
    iv: &ReviewIntervals,
    doses: &HashMap<i64, DoseFacts>,
    bbv: &HashMap<i64, BbvFacts>,
) -> rusqlite::Result<CaseloadRow> {
    let client_id: i64 = row.get(col::ID)?;
    let dose = doses.get(&client_id).cloned().unwrap_or_default();
    let bbv = bbv.get(&client_id).cloned().unwrap_or_default();
    let schedule = ScheduleFacts {
        status: row.get(col::STATUS)?,
        status_since: date_at(row, col::STATUS_SINCE)?,
        treatment_start: date_at(row, col::TREATMENT_START)?,
        modality: row.get(col::MODALITY)?,
        modality_since: date_at(row, col::MODALITY_SINCE)?,
        risk_changed_on: date_at(row, col::RISK_CHANGED_ON)?,
        prison_release_on: date_at(row, col::PRISON_RELEASE_ON)?,
        last: LastReviews {
            care_plan: date_at(row, col::LAST_CARE_PLAN)?,
            prescribing: date_at(row, col::LAST_PRESCRIBING)?,
            risk: date_at(row, col::LAST_RISK)?,
            // '' when there is none (the query's `max` of two sources).
            top: row
                .get_ref(col::LAST_TOP)?
                .as_str_or_null()?
                .and_then(fast_date),
            exit_top: date_at(row, col::LAST_EXIT_TOP)?,
        },
    };
    let owed = schedule::reviews_owed(&schedule, iv);
    let tops = packed_rows(row, col::RECENT_TOPS, |t| {
        Some(TopOpiates {
            completed_on: fast_date(t.first()?)?,
            stage: TopStage::from_code(t.get(1)?)?,
            opiate_days: t.get(2).and_then(|v| v.parse().ok()),
            // Entries in error are left out by the query.
            in_error: false,
        })
    })?;
    let recent_attendance = packed_rows(row, col::RECENT_ATTENDANCE, |s| {
        Some(Appointment {
            at: super::sql::parse_minute(s.first()?).ok()?,
            attendance: Attendance::from_code(s.get(1)?)?,
            in_error: false,
        })
    })?;
    let acks: Vec<Acknowledged> = packed_rows(row, col::ACKS, |a| {
        Some(Acknowledged {
            kind: AlertKind::from_code(a.first()?)?,
            cause: (*a.get(1)?).to_owned(),
            in_error: false,
        })
    })?;
    let injecting: InjectingStatus = row.get(col::INJECTING)?;
    let in_treatment = matches!(schedule.status, ClientStatus::Active | ClientStatus::OnHold);
    let on_ost = in_treatment && schedule.modality.is_ost();
    // Time on OST counts from this treatment episode, never an earlier one.
    let ost_since = date_at(row, col::OST_SINCE)?
        .filter(|_| on_ost)
        .map(|since| {
            schedule
                .treatment_start
                .map_or(since, |start| since.max(start))
        });
    let overdose_risk: bool = row.get(col::OVERDOSE_RISK)?;
    let facts = AlertFacts {
        today,
        owed: owed.clone(),
        ost_since,
        last_care_plan_review: schedule.last.care_plan,
        last_goal_progress: date_at(row, col::LAST_PROGRESS)?,
        has_exit_goal: row.get(col::HAS_EXIT_GOAL)?,
        tops,
        recent_attendance,
        overdose_risk,
        injecting,
        uses_opioids: row.get::<_, bool>(col::USES_OPIOIDS)? || on_ost,
        naloxone_held: row.get(col::NALOXONE_HELD)?,
        naloxone_supplied_on: date_at(row, col::NALOXONE_SUPPLIED_ON)?,
        hep_c_tested_on: date_at(row, col::HEP_C_TESTED_ON)?,
        hiv_tested_on: date_at(row, col::HIV_TESTED_ON)?,
        hep_b: row.get(col::HEP_B)?,
        bbv_results: bbv.results,
        hep_c_referred_on: bbv.hep_c_referred_on,
        prison_release_on: schedule.prison_release_on,
        treatment_start: schedule.treatment_start,
        last_readiness_note: date_at(row, col::LAST_READINESS_NOTE)?,
        missed_doses: dose.missed,
        last_prescribing_review: schedule.last.prescribing,
        latest_prescription_start: date_at(row, col::LATEST_PRESCRIPTION_START)?,
    };
    // A client on hold (in custody, in hospital) owes no reviews meanwhile, but their safety
    // alerts still stand.
    let assessment = if in_treatment {
        alert::assess(&facts, iv, &acks)
    } else {
        Assessment::default()
    };
    let last_seen = match row.get_ref(col::LAST_SEEN)?.as_str_or_null()? {
        Some(text) => Some(
            super::sql::parse_minute(text)
                .map_err(|e| super::sql::conversion_error(row, "last_seen", e))?,
        ),
        None => None,
    };
    Ok(CaseloadRow {
        client_id,
        reference: row.get(col::REFERENCE)?,
        known_as: row.get(col::KNOWN_AS)?,
        given_name: row.get(col::GIVEN_NAME)?,
        family_name: row.get(col::FAMILY_NAME)?,
        preferred_name: row.get(col::PREFERRED_NAME)?,
        nhs_number: row.get(col::NHS_NUMBER)?,
        key_worker_id: row.get(col::KEY_WORKER_ID)?,
        key_worker: row.get(col::KEY_WORKER)?,
        status: schedule.status,
        modality: schedule.modality,
        stage: row.get(col::STAGE)?,
        treatment_start: schedule.treatment_start,
        last_seen,
        flags: RiskSummary {
            overdose_risk,
            safeguarding_children: row.get(col::SAFEGUARDING_CHILDREN)?,
            injecting: injecting == InjectingStatus::Currently,
        },
        owed,
        assessment,
    })
}

impl Store {
    /// Active clients in scope, by reference, with the reviews they owe and their alerts under
    /// the service's intervals; the caller sorts.
    pub fn caseload(&self, scope: Scope, intervals: &ReviewIntervals) -> Result<Vec<CaseloadRow>> {
        self.client_facts(
            &format!("c.status = 'active' AND {}", scope.condition()),
            scope,
            intervals,
        )
    }

    /// Clients in scope of one status (`None`: any status, past clients too), for the caseload's
    /// status filter: the same query as the caseload, another condition.
    pub fn caseload_of_status(
        &self,
        scope: Scope,
        status: Option<crate::domain::ClientStatus>,
        intervals: &ReviewIntervals,
    ) -> Result<Vec<CaseloadRow>> {
        self.client_facts(
            &format!("{} AND {}", status_condition(status), scope.condition()),
            scope,
            intervals,
        )
    }

    /// [`Store::caseload_of_status`] for some clients only: what an open screen reloads after a
    /// colleague's save. Clients not returned have left the view (erased, moved, another status).
    pub fn caseload_rows_of(
        &self,
        scope: Scope,
        status: Option<ClientStatus>,
        clients: &[i64],
        intervals: &ReviewIntervals,
    ) -> Result<Vec<CaseloadRow>> {
        self.client_facts(
            &format!(
                "{} AND {} AND {}",
                status_condition(status),
                scope.condition(),
                id_list(clients)
            ),
            scope,
            intervals,
        )
    }

    /// [`Store::exited_owing_top`] for some clients only.
    pub fn exited_owing_top_of(
        &self,
        scope: Scope,
        clients: &[i64],
        intervals: &ReviewIntervals,
    ) -> Result<Vec<CaseloadRow>> {
        self.client_facts(
            &format!(
                "{EXITED_WITHOUT_EXIT_TOP} AND {} AND {}",
                scope.condition(),
                id_list(clients)
            ),
            scope,
            intervals,
        )
    }

    /// How many clients in scope have this status (`None`: any).
    pub fn client_count_of_status(
        &self,
        scope: Scope,
        status: Option<ClientStatus>,
    ) -> Result<usize> {
        let sql = format!(
            "SELECT count(*) FROM clients c WHERE {} AND {}",
            status_condition(status),
            scope.condition()
        );
        let count: i64 = self.conn.query_row(&sql, [scope.worker()], |r| r.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Clients in scope who have left treatment and still owe an exit TOP.
    pub fn exited_owing_top(
        &self,
        scope: Scope,
        intervals: &ReviewIntervals,
    ) -> Result<Vec<CaseloadRow>> {
        self.client_facts(
            &format!("{EXITED_WITHOUT_EXIT_TOP} AND {}", scope.condition()),
            scope,
            intervals,
        )
    }

    /// One client's row, whatever their status: the alerts at the top of their record.
    pub fn client_status(
        &self,
        client_id: i64,
        intervals: &ReviewIntervals,
    ) -> Result<CaseloadRow> {
        let sql = client_facts_sql(FactsSource::Summary, "c.id = ?1");
        let today = self.today();
        let doses = self.dose_facts("c.id = ?1", Some(client_id))?;
        let bbv = self.bbv_facts("c.id = ?1", Some(client_id))?;
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([client_id], |row| {
                caseload_row(row, today, intervals, &doses, &bbv)
            })?)
    }

    fn client_facts(
        &self,
        filter: &str,
        scope: Scope,
        intervals: &ReviewIntervals,
    ) -> Result<Vec<CaseloadRow>> {
        self.client_facts_from(FactsSource::Summary, filter, scope, intervals)
    }

    /// [`Store::caseload_of_status`] read from `source`: tests compare the summary with the
    /// facts computed afresh.
    pub fn caseload_from(
        &self,
        source: FactsSource,
        scope: Scope,
        status: Option<ClientStatus>,
        intervals: &ReviewIntervals,
    ) -> Result<Vec<CaseloadRow>> {
        self.client_facts_from(
            source,
            &format!("{} AND {}", status_condition(status), scope.condition()),
            scope,
            intervals,
        )
    }

    fn client_facts_from(
        &self,
        source: FactsSource,
        filter: &str,
        scope: Scope,
        intervals: &ReviewIntervals,
    ) -> Result<Vec<CaseloadRow>> {
        let sql = client_facts_sql(source, filter);
        let today = self.today();
        let doses = self.dose_facts(filter, scope.worker())?;
        let bbv = self.bbv_facts(filter, scope.worker())?;
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([scope.worker()], |row| {
            caseload_row(row, today, intervals, &doses, &bbv)
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reviews owed in scope, due on or before `until`, including exit TOPs of clients who left.
    pub fn reviews_due(
        &self,
        scope: Scope,
        intervals: &ReviewIntervals,
        until: NaiveDate,
    ) -> Result<Vec<DueReview>> {
        let active = format!("c.status = 'active' AND {}", scope.condition());
        let mut rows = self.review_rows(&active, scope, intervals)?;
        let exited = format!("{EXITED_WITHOUT_EXIT_TOP} AND {}", scope.condition());
        rows.extend(self.review_rows(&exited, scope, intervals)?);
        Ok(due_within(&rows, until))
    }

    /// [`Store::client_facts`] without the missed doses, readiness notes, prescriptions and BBV
    /// results, which only alerts other than overdue reviews read: a review owed, and whether
    /// its overdue alert was acknowledged, come from the client's row and summary alone (see
    /// `alert::assess`). Half the time of `report reviews --team`. Only for [`DueReview`]s: the
    /// rows' other alerts are not the client's.
    fn review_rows(
        &self,
        filter: &str,
        scope: Scope,
        intervals: &ReviewIntervals,
    ) -> Result<Vec<CaseloadRow>> {
        let sql = client_facts_sql(FactsSource::Summary, filter);
        let today = self.today();
        let (doses, bbv) = (HashMap::new(), HashMap::new());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([scope.worker()], |row| {
            caseload_row(row, today, intervals, &doses, &bbv)
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many active clients a scope holds; cheap, for choosing the opening view.
    pub fn active_client_count(&self, scope: Scope) -> Result<i64> {
        let sql = format!(
            "SELECT count(*) FROM clients c WHERE c.status = 'active' AND {}",
            scope.condition()
        );
        Ok(self.conn.query_row(&sql, [scope.worker()], |r| r.get(0))?)
    }
}
