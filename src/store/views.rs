//! Reads shaped for the screens besides the caseload (`caseload.rs`): one client's notes, plan
//! and whole record, and the small look-ups forms need. Each loads only what its pane shows.

use super::caseload::CaseloadRow;
use super::sql::{get_minute, get_stored};
use super::{Result, Store, Table};
use crate::domain::*;

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
    /// Blood-borne virus tests, by day taken then as recorded (in error too, marked).
    pub bbv_results: Vec<super::BbvResultRow>,
    /// Every missed dose, entered in error or not, newest first.
    pub missed_doses: Vec<super::MissedDose>,
    /// What `check --clinical` finds in this client's record alone.
    pub data_checks: Vec<crate::domain::clinical_check::Finding>,
    /// ECGs, latest first, those entered in error included (marked).
    pub ecgs: Vec<super::EcgRow>,
}

impl ClientRecord {
    /// The client's prescription with this id, if it is on the record (a missed dose names
    /// the prescription it was recorded against).
    pub fn prescription(&self, id: i64) -> Option<&Stored<OstPrescription>> {
        self.prescriptions.iter().find(|p| p.id == id)
    }
}

impl Store {
    /// The worker with this login, if they are on the team.
    pub fn worker_by_login(&self, login: &Login) -> Result<Option<Stored<Worker>>> {
        let sql = format!("{} WHERE t.login = ?1", Worker::SELECT);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query_map([login], |row| get_stored(row, Worker::from_row(row)?))?;
        Ok(rows.next().transpose()?)
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
            bbv_results: self.bbv_results(client_id)?,
            ecgs: self.ecgs(client_id)?,
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
            missed_doses: self.client_missed_doses(client_id)?,
            // The service's limits, as `check --clinical` and the prescription form use them.
            data_checks: self.client_findings(client_id, &self.dose_limits()?)?,
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

    /// The client with the most sessions, and how many: the longest record to open.
    pub fn client_with_most_sessions(&self) -> Result<Option<(i64, i64)>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT client_id, count(*) AS n FROM sessions GROUP BY client_id
                 ORDER BY n DESC, client_id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
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
