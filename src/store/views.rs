//! Reads shaped for the screens: one caseload row per client, the reviews coming due, and one
//! client's notes, plan and whole record. Each loads only what its pane shows.

use super::sql::{get_minute, get_stored};
use super::{Result, Store, Table};
use crate::domain::schedule::{self, Due};
use crate::domain::*;
use chrono::{NaiveDate, NaiveDateTime};

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
    due.sort_by(|a, b| {
        (a.due.due_on, &a.reference, a.due.kind).cmp(&(b.due.due_on, &b.reference, b.due.kind))
    });
    due
}

/// A goal with the count of its actions not yet done.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanGoal {
    pub goal: Stored<Goal>,
    pub open_actions: i64,
}

/// Everything about one client, for the client record screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientRecord {
    pub client: Stored<Client>,
    pub key_worker: Name,
    pub prescriptions: Vec<Stored<OstPrescription>>,
    pub sessions: Vec<Stored<Session>>,
    pub readiness: Vec<Stored<ReadinessNote>>,
    pub goals: Vec<(Stored<Goal>, Vec<Stored<GoalAction>>)>,
    pub reviews: Vec<Stored<Review>>,
    /// The checklists kept with prescribing reviews, by review id.
    pub checklists: std::collections::BTreeMap<i64, PrescribingChecklist>,
    /// TOPs, oldest first (the order of a trend).
    pub tops: Vec<Stored<Top>>,
    pub acks: Vec<Stored<AlertAck>>,
    /// The reviews owed and the alerts, by the rules.
    pub status: CaseloadRow,
    /// Who viewed and changed this record, newest first.
    pub audit: Vec<crate::domain::AuditEntry>,
    /// Which entries above are amended or entered in error (they stay in the lists, marked).
    pub corrections: super::Corrections,
    /// Every earlier version of the entries above, oldest first.
    pub earlier_versions: Vec<crate::domain::EarlierVersion>,
    /// The story a scenario client's record tells, on a demo database only.
    pub scenario: Option<String>,
}

/// Everything the review and alert rules read about each client, one row per client, each part
/// one index seek. `{filter}` is replaced by the clients wanted, its worker bound as `?1`.
const CLIENT_FACTS: &str = "
    SELECT c.id, c.reference, coalesce(c.preferred_name, c.given_name) AS known_as, c.key_worker_id,
        c.given_name, c.family_name, c.preferred_name, c.nhs_number,
        w.display_name AS key_worker, c.status, c.status_since, c.modality, c.modality_since, c.ost_since,
        c.risk_changed_on, c.treatment_start, c.overdose_risk, c.prison_release_on, c.safeguarding_children,
        c.injecting, c.naloxone_held, c.naloxone_supplied_on, c.hep_c_tested_on, c.hiv_tested_on,
        c.primary_substance IN ('heroin', 'prescribed_opioids')
            OR EXISTS (SELECT 1 FROM client_substances o
                       WHERE o.client_id = c.id AND o.substance IN ('heroin', 'prescribed_opioids')) AS uses_opioids,
        (SELECT stage FROM readiness_notes r WHERE r.client_id = c.id AND r.in_error_at IS NULL
            ORDER BY noted_on DESC, id DESC LIMIT 1)
            AS stage,
        (SELECT max(completed_on) FROM reviews v WHERE v.client_id = c.id AND v.kind = 'care_plan'
            AND v.in_error_at IS NULL) AS last_care_plan,
        (SELECT max(completed_on) FROM reviews v WHERE v.client_id = c.id AND v.kind = 'prescribing'
            AND v.in_error_at IS NULL) AS last_prescribing,
        (SELECT max(completed_on) FROM reviews v WHERE v.client_id = c.id AND v.kind = 'risk'
            AND v.in_error_at IS NULL) AS last_risk,
        -- Recording a TOP is the outcomes review; before schema 3 it was a review row.
        max(coalesce((SELECT max(completed_on) FROM tops p WHERE p.client_id = c.id AND p.in_error_at IS NULL), ''),
            coalesce((SELECT max(completed_on) FROM reviews v WHERE v.client_id = c.id AND v.kind = 'outcomes'
                      AND v.in_error_at IS NULL), ''))
            AS last_top,
        (SELECT max(completed_on) FROM tops p WHERE p.client_id = c.id AND p.stage = 'exit'
            AND p.in_error_at IS NULL) AS last_exit_top,
        (SELECT group_concat(completed_on || char(31) || stage || char(31) || coalesce(opiates, ''), char(30)) FROM
            (SELECT p.completed_on, p.stage,
                (SELECT a.value FROM top_answers a WHERE a.top_id = p.id AND a.item = 'opiates_days') AS opiates
             FROM tops p WHERE p.client_id = c.id AND p.in_error_at IS NULL
             ORDER BY p.completed_on DESC, p.id DESC LIMIT 2)) AS recent_tops,
        (SELECT group_concat(started_at || char(31) || attendance, char(30)) FROM
            (SELECT started_at, attendance FROM sessions s WHERE s.client_id = c.id AND s.in_error_at IS NULL
             ORDER BY started_at DESC LIMIT 3)) AS recent_attendance,
        (SELECT started_at FROM sessions s WHERE s.client_id = c.id AND s.attendance = 'attended'
            AND s.in_error_at IS NULL ORDER BY started_at DESC LIMIT 1) AS last_seen,
        (SELECT max(progress_on) FROM goals g WHERE g.client_id = c.id AND g.in_error_at IS NULL) AS last_progress,
        EXISTS (SELECT 1 FROM goals g WHERE g.client_id = c.id AND g.domain = 'exit' AND g.status <> 'dropped'
                AND g.in_error_at IS NULL)
            AS has_exit_goal,
        (SELECT group_concat(alert || char(31) || cause, char(30)) FROM alert_acks k WHERE k.client_id = c.id
            AND k.in_error_at IS NULL)
            AS acks
    FROM clients c JOIN workers w ON w.id = c.key_worker_id
    WHERE {filter}
    ORDER BY c.reference";

/// Clients who have left without an exit TOP: the only review they still owe.
const EXITED_WITHOUT_EXIT_TOP: &str =
    "c.status IN ('discharged', 'transferred') AND c.treatment_start IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM tops p WHERE p.client_id = c.id AND p.stage = 'exit'
                    AND p.completed_on >= c.treatment_start AND p.in_error_at IS NULL)";

/// Reads rows packed by `group_concat` (rows apart by ASCII record separators, fields by unit
/// separators; dates, codes and causes never hold either): cheaper than JSON for thousands of
/// clients. Empty when the client has none.
fn packed_rows(row: &rusqlite::Row<'_>, column: &str) -> rusqlite::Result<Vec<Vec<String>>> {
    let text: Option<String> = row.get(column)?;
    Ok(text
        .iter()
        .flat_map(|t| t.split('\x1e'))
        .map(|r| r.split('\x1f').map(str::to_owned).collect())
        .collect())
}

fn packed_date(field: Option<&String>) -> Option<NaiveDate> {
    field.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

/// One row of [`CLIENT_FACTS`] with the rules applied.
fn caseload_row(
    row: &rusqlite::Row<'_>,
    today: NaiveDate,
    iv: &ReviewIntervals,
) -> rusqlite::Result<CaseloadRow> {
    let last_seen: Option<String> = row.get("last_seen")?;
    let milestones = super::clients::milestones_from_row(row)?;
    let schedule = ScheduleFacts {
        status: row.get("status")?,
        status_since: milestones.status_since,
        treatment_start: row.get("treatment_start")?,
        modality: row.get("modality")?,
        modality_since: milestones.modality_since,
        risk_changed_on: milestones.risk_changed_on,
        prison_release_on: row.get("prison_release_on")?,
        last: LastReviews {
            care_plan: row.get("last_care_plan")?,
            prescribing: row.get("last_prescribing")?,
            risk: row.get("last_risk")?,
            top: row.get::<_, String>("last_top")?.parse::<NaiveDate>().ok(),
            exit_top: row.get("last_exit_top")?,
        },
    };
    let owed = schedule::reviews_owed(&schedule, iv);
    let tops = packed_rows(row, "recent_tops")?
        .iter()
        .filter_map(|t| {
            Some(TopOpiates {
                completed_on: packed_date(t.first())?,
                stage: TopStage::from_code(t.get(1)?)?,
                opiate_days: t.get(2).and_then(|v| v.parse().ok()),
                // Entries in error are left out by the query.
                in_error: false,
            })
        })
        .collect();
    let recent_attendance = packed_rows(row, "recent_attendance")?
        .iter()
        .filter_map(|s| {
            let at = super::sql::parse_minute(s.first()?).ok()?;
            Some(Appointment {
                at,
                attendance: Attendance::from_code(s.get(1)?)?,
                in_error: false,
            })
        })
        .collect();
    let acks: Vec<Acknowledged> = packed_rows(row, "acks")?
        .iter()
        .filter_map(|a| {
            Some(Acknowledged {
                kind: AlertKind::from_code(a.first()?)?,
                cause: a.get(1)?.clone(),
                in_error: false,
            })
        })
        .collect();
    let injecting: InjectingStatus = row.get("injecting")?;
    let in_treatment = matches!(schedule.status, ClientStatus::Active | ClientStatus::OnHold);
    let on_ost = in_treatment && schedule.modality.is_ost();
    // Time on OST counts from this treatment episode, never an earlier one.
    let ost_since = milestones.ost_since.filter(|_| on_ost).map(|since| {
        schedule
            .treatment_start
            .map_or(since, |start| since.max(start))
    });
    let facts = AlertFacts {
        today,
        owed: owed.clone(),
        ost_since,
        last_care_plan_review: schedule.last.care_plan,
        last_goal_progress: row.get("last_progress")?,
        has_exit_goal: row.get("has_exit_goal")?,
        tops,
        recent_attendance,
        overdose_risk: row.get("overdose_risk")?,
        injecting,
        uses_opioids: row.get::<_, bool>("uses_opioids")? || on_ost,
        naloxone_held: row.get("naloxone_held")?,
        naloxone_supplied_on: row.get("naloxone_supplied_on")?,
        hep_c_tested_on: row.get("hep_c_tested_on")?,
        hiv_tested_on: row.get("hiv_tested_on")?,
        prison_release_on: schedule.prison_release_on,
    };
    // A client on hold (in custody, in hospital) owes no reviews meanwhile, but their safety
    // alerts still stand.
    let assessment = if in_treatment {
        alert::assess(&facts, iv, &acks)
    } else {
        Assessment::default()
    };
    Ok(CaseloadRow {
        client_id: row.get("id")?,
        reference: row.get("reference")?,
        known_as: row.get("known_as")?,
        given_name: row.get("given_name")?,
        family_name: row.get("family_name")?,
        preferred_name: row.get("preferred_name")?,
        nhs_number: row.get("nhs_number")?,
        key_worker_id: row.get("key_worker_id")?,
        key_worker: row.get("key_worker")?,
        status: schedule.status,
        modality: schedule.modality,
        stage: row.get("stage")?,
        treatment_start: schedule.treatment_start,
        last_seen: last_seen
            .map(|_| get_minute(row, "last_seen"))
            .transpose()?,
        flags: RiskSummary {
            overdose_risk: row.get("overdose_risk")?,
            safeguarding_children: row.get("safeguarding_children")?,
            injecting: injecting == InjectingStatus::Currently,
        },
        owed,
        assessment,
    })
}

impl Store {
    /// The worker with this login, if they are on the team.
    pub fn worker_by_login(&self, login: &Login) -> Result<Option<Stored<Worker>>> {
        let sql = format!("{} WHERE t.login = ?1", Worker::SELECT);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query_map([login], |row| get_stored(row, Worker::from_row(row)?))?;
        Ok(rows.next().transpose()?)
    }

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
        // The code comes from the enum, never from typing.
        let status =
            status.map_or_else(|| "1".to_owned(), |s| format!("c.status = '{}'", s.code()));
        self.client_facts(
            &format!("{status} AND {}", scope.condition()),
            scope,
            intervals,
        )
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
        let sql = CLIENT_FACTS.replace("{filter}", "c.id = ?1");
        let today = self.today();
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([client_id], |row| caseload_row(row, today, intervals))?)
    }

    fn client_facts(
        &self,
        filter: &str,
        scope: Scope,
        intervals: &ReviewIntervals,
    ) -> Result<Vec<CaseloadRow>> {
        let sql = CLIENT_FACTS.replace("{filter}", filter);
        let today = self.today();
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([scope.worker()], |row| caseload_row(row, today, intervals))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reviews owed in scope, due on or before `until`, including exit TOPs of clients who left.
    pub fn reviews_due(
        &self,
        scope: Scope,
        intervals: &ReviewIntervals,
        until: NaiveDate,
    ) -> Result<Vec<DueReview>> {
        let mut rows = self.caseload(scope, intervals)?;
        rows.extend(self.exited_owing_top(scope, intervals)?);
        Ok(due_within(&rows, until))
    }

    /// How many active clients a scope holds; cheap, for choosing the opening view.
    pub fn active_client_count(&self, scope: Scope) -> Result<i64> {
        let sql = format!(
            "SELECT count(*) FROM clients c WHERE c.status = 'active' AND {}",
            scope.condition()
        );
        Ok(self.conn.query_row(&sql, [scope.worker()], |r| r.get(0))?)
    }

    /// A client's readiness notes, newest first.
    pub fn readiness_notes(&self, client_id: i64) -> Result<Vec<Stored<ReadinessNote>>> {
        self.for_client(
            "WHERE t.client_id = ?1 ORDER BY t.noted_on DESC, t.id DESC",
            client_id,
        )
    }

    /// A client's readiness notes that count (not entered in error), newest first: the pane's
    /// trend and the stage a new note starts from. The record lists them all.
    pub fn readiness_in_force(&self, client_id: i64) -> Result<Vec<Stored<ReadinessNote>>> {
        self.for_client(
            "WHERE t.client_id = ?1 AND t.in_error_at IS NULL ORDER BY t.noted_on DESC, t.id DESC",
            client_id,
        )
    }

    /// A client's goals that count (not entered in error) by domain, in the plan's order, newest
    /// first within a domain. The record lists them all.
    pub fn plan(&self, client_id: i64) -> Result<Vec<PlanGoal>> {
        let goals: Vec<Stored<Goal>> = self.for_client(
            "WHERE t.client_id = ?1 AND t.in_error_at IS NULL ORDER BY t.set_on DESC, t.id DESC",
            client_id,
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*) FROM goal_actions WHERE goal_id = ?1 AND done_on IS NULL AND in_error_at IS NULL",
        )?;
        let mut plan = Vec::with_capacity(goals.len());
        for goal in goals {
            let open_actions = stmt.query_row([goal.id], |r| r.get(0))?;
            plan.push(PlanGoal { goal, open_actions });
        }
        plan.sort_by_key(|g| {
            GoalDomain::ALL
                .iter()
                .position(|d| *d == g.goal.record.area.domain())
        });
        Ok(plan)
    }

    /// The whole record of one client, with the reviews owed and alerts under `intervals`.
    pub fn client_record(
        &self,
        client_id: i64,
        intervals: &ReviewIntervals,
    ) -> Result<ClientRecord> {
        let client: Stored<Client> = self.get(client_id)?;
        let key_worker = self
            .get::<Worker>(client.record.key_worker_id)?
            .record
            .display_name;
        let goals: Vec<Stored<Goal>> = self.for_client(
            "WHERE t.client_id = ?1 ORDER BY t.set_on DESC, t.id DESC",
            client_id,
        )?;
        let mut with_actions = Vec::with_capacity(goals.len());
        for goal in goals {
            let actions = self.select(
                &format!(
                    "{} WHERE t.goal_id = ?1 ORDER BY t.due_on, t.id",
                    GoalAction::SELECT
                ),
                goal.id,
            )?;
            with_actions.push((goal, actions));
        }
        Ok(ClientRecord {
            scenario: self.scenario_story(client_id)?,
            key_worker,
            prescriptions: self.for_client(
                "WHERE t.client_id = ?1 ORDER BY t.started_on DESC, t.id DESC",
                client_id,
            )?,
            sessions: self.for_client(
                "WHERE t.client_id = ?1 ORDER BY t.started_at DESC, t.id DESC",
                client_id,
            )?,
            readiness: self.readiness_notes(client_id)?,
            goals: with_actions,
            reviews: self.for_client(
                "WHERE t.client_id = ?1 ORDER BY t.completed_on DESC, t.id DESC",
                client_id,
            )?,
            checklists: self.review_checklists(client_id)?,
            tops: self.for_client(
                "WHERE t.client_id = ?1 ORDER BY t.completed_on, t.id",
                client_id,
            )?,
            acks: self.for_client(
                "WHERE t.client_id = ?1 ORDER BY t.acknowledged_on DESC, t.id DESC",
                client_id,
            )?,
            status: self.client_status(client_id, intervals)?,
            audit: {
                let mut trail = self.audit_trail(&super::AuditFilter {
                    client_id: Some(client_id),
                    ..Default::default()
                })?;
                trail.reverse();
                trail
            },
            corrections: self.corrections(client_id)?,
            earlier_versions: self.client_earlier_versions(client_id)?,
            client,
        })
    }

    /// The id of the client with this service reference.
    pub fn client_id_by_reference(&self, reference: &ServiceRef) -> Result<Option<i64>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM clients WHERE reference = ?1",
                [reference],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether anyone is on the team list yet.
    pub fn has_workers(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM workers)", [], |r| r.get(0))?)
    }

    /// Everyone who can hold a caseload, by name: id and display name.
    pub fn key_workers(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, display_name FROM workers WHERE role IN ('key_worker', 'team_lead', 'prescriber') AND retired_on IS NULL
             ORDER BY display_name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The next unused service reference after the highest in use or ever erased.
    pub fn next_reference(&self) -> Result<ServiceRef> {
        let highest: Option<i64> = self.conn.query_row(
            "SELECT max(CAST(substr(reference, 4) AS INTEGER)) FROM clients",
            [],
            |r| r.get(0),
        )?;
        let erased = self.meta(super::erase::META_HIGHEST_ERASED)?;
        let highest = highest.max(erased.and_then(|v| v.parse().ok()));
        Ok(ServiceRef::from_number(
            u32::try_from(highest.unwrap_or(0) + 1).unwrap_or(u32::MAX),
        ))
    }

    /// Minutes of the client's last attended session, the likeliest length of the next.
    pub fn usual_minutes(&self, client_id: i64) -> Result<Option<u16>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT duration_min FROM sessions WHERE client_id = ?1 AND attendance = 'attended'
                   AND in_error_at IS NULL
                 ORDER BY started_at DESC LIMIT 1",
                [client_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether the client's last three appointments were all missed, by the alert's own rule.
    pub fn three_dnas_in_a_row(&self, client_id: i64) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT started_at, attendance, in_error_at IS NOT NULL AS in_error FROM sessions
             WHERE client_id = ?1 AND in_error_at IS NULL
             ORDER BY started_at DESC LIMIT 3",
        )?;
        let recent = stmt
            .query_map([client_id], |r| {
                Ok(Appointment {
                    at: get_minute(r, "started_at")?,
                    attendance: r.get("attendance")?,
                    in_error: r.get("in_error")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(alert::last_of_three_missed(&recent).is_some())
    }

    /// A goal's actions in due order.
    pub fn goal_actions(&self, goal_id: i64) -> Result<Vec<Stored<GoalAction>>> {
        self.select(
            &format!(
                "{} WHERE t.goal_id = ?1 ORDER BY t.due_on, t.id",
                GoalAction::SELECT
            ),
            goal_id,
        )
    }

    /// A monotonic counter SQLite bumps whenever another connection commits: a cheap way to notice
    /// that a colleague saved something and the screen should reload.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    fn for_client<T: Table>(&self, clause: &str, client_id: i64) -> Result<Vec<Stored<T>>> {
        self.select(&format!("{} {clause}", T::SELECT), client_id)
    }

    fn select<T: Table>(&self, sql: &str, id: i64) -> Result<Vec<Stored<T>>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([id], |row| get_stored(row, T::from_row(row)?))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
