//! Reads shaped for the screens: one caseload row per client, the reviews coming due, and one
//! client's notes, plan and whole record. Each loads only what its pane shows.

use super::sql::{get_minute, get_stored};
use super::{Result, Store, Table};
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

/// One active client as the caseload table shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseloadRow {
    pub client_id: i64,
    pub reference: ServiceRef,
    pub known_as: Name,
    pub key_worker: Name,
    pub modality: Modality,
    pub stage: Option<Stage>,
    pub treatment_start: Option<NaiveDate>,
    pub next_review_due: Option<NaiveDate>,
    pub last_seen: Option<NaiveDateTime>,
    pub flags: RiskSummary,
}

/// The risk facts the caseload shows as letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RiskSummary {
    pub overdose_risk: bool,
    pub prison_release_on: Option<NaiveDate>,
    pub safeguarding_children: bool,
    pub injecting: bool,
    /// An opioid user without a naloxone kit.
    pub no_naloxone: bool,
    /// The last three appointments were all missed.
    pub three_dnas: bool,
}

/// An open review due soon or overdue.
#[derive(Debug, Clone, PartialEq)]
pub struct DueReview {
    pub review_id: i64,
    pub client_id: i64,
    pub reference: ServiceRef,
    pub known_as: Name,
    pub kind: ReviewKind,
    pub due_on: NaiveDate,
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
    pub prescriptions: Vec<Stored<Prescription>>,
    pub sessions: Vec<Stored<Session>>,
    pub readiness: Vec<Stored<ReadinessNote>>,
    pub goals: Vec<(Stored<Goal>, Vec<Stored<GoalAction>>)>,
    pub reviews: Vec<Stored<Review>>,
}

/// Whether the last three appointments of the client `client` (an SQL expression) were all
/// missed: the one rule for the caseload's D flag and the alert after recording a DNA.
fn three_dnas_sql(client: &str) -> String {
    format!(
        "(SELECT count(*) = 3 AND min(attendance = 'dna') = 1 FROM
            (SELECT attendance FROM sessions s WHERE s.client_id = {client} ORDER BY started_at DESC, id DESC LIMIT 3))"
    )
}

/// The caseload query; `{scope}` is replaced by [`Scope::condition`], `{three_dnas}` by
/// [`three_dnas_sql`].
const CASELOAD: &str = "
    SELECT c.id, c.reference, coalesce(c.preferred_name, c.given_name) AS known_as, w.display_name AS key_worker,
        c.modality, c.treatment_start, c.overdose_risk, c.prison_release_on, c.safeguarding_children,
        c.injecting = 'currently' AS injecting,
        NOT c.naloxone_held AND (
            c.primary_substance IN ('heroin', 'prescribed_opioids')
            OR c.modality IN ('ost_methadone', 'ost_buprenorphine', 'lai_buprenorphine', 'heroin_assisted')
            OR EXISTS (SELECT 1 FROM client_substances o
                       WHERE o.client_id = c.id AND o.substance IN ('heroin', 'prescribed_opioids'))
        ) AS no_naloxone,
        (SELECT stage FROM readiness_notes r WHERE r.client_id = c.id ORDER BY noted_on DESC, id DESC LIMIT 1)
            AS stage,
        (SELECT due_on FROM reviews v WHERE v.client_id = c.id AND v.completed_on IS NULL
            ORDER BY due_on LIMIT 1) AS next_due,
        (SELECT started_at FROM sessions s WHERE s.client_id = c.id AND s.attendance = 'attended'
            ORDER BY started_at DESC LIMIT 1) AS last_seen,
        {three_dnas} AS three_dnas
    FROM clients c JOIN workers w ON w.id = c.key_worker_id
    WHERE c.status = 'active' AND {scope}
    ORDER BY c.reference";

impl Store {
    /// The worker with this login, if they are on the team.
    pub fn worker_by_login(&self, login: &Login) -> Result<Option<Stored<Worker>>> {
        let sql = format!("{} WHERE t.login = ?1", Worker::SELECT);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query_map([login], |row| get_stored(row, Worker::from_row(row)?))?;
        Ok(rows.next().transpose()?)
    }

    /// Active clients in scope, by reference; the caller sorts.
    pub fn caseload(&self, scope: Scope) -> Result<Vec<CaseloadRow>> {
        let mut stmt = self.conn.prepare_cached(
            &CASELOAD
                .replace("{scope}", scope.condition())
                .replace("{three_dnas}", &three_dnas_sql("c.id")),
        )?;
        let rows = stmt.query_map([scope.worker()], |row| {
            let last_seen: Option<String> = row.get("last_seen")?;
            Ok(CaseloadRow {
                client_id: row.get("id")?,
                reference: row.get("reference")?,
                known_as: row.get("known_as")?,
                key_worker: row.get("key_worker")?,
                modality: row.get("modality")?,
                stage: row.get("stage")?,
                treatment_start: row.get("treatment_start")?,
                next_review_due: row.get("next_due")?,
                last_seen: last_seen
                    .map(|_| get_minute(row, "last_seen"))
                    .transpose()?,
                flags: RiskSummary {
                    overdose_risk: row.get("overdose_risk")?,
                    prison_release_on: row.get("prison_release_on")?,
                    safeguarding_children: row.get("safeguarding_children")?,
                    injecting: row.get("injecting")?,
                    no_naloxone: row.get("no_naloxone")?,
                    three_dnas: row.get::<_, Option<bool>>("three_dnas")?.unwrap_or(false),
                },
            })
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

    /// Open reviews of active clients in scope due on or before `until`, soonest (most overdue) first.
    pub fn reviews_due(&self, scope: Scope, until: NaiveDate) -> Result<Vec<DueReview>> {
        let sql = format!(
            "SELECT v.id, v.client_id, c.reference, coalesce(c.preferred_name, c.given_name) AS known_as,
                    v.kind, v.due_on
             FROM clients c JOIN reviews v ON v.client_id = c.id
             WHERE v.completed_on IS NULL AND v.due_on <= ?2 AND c.status = 'active' AND {}
             ORDER BY v.due_on, c.reference, v.kind",
            scope.condition()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params![scope.worker(), until], |row| {
            Ok(DueReview {
                review_id: row.get("id")?,
                client_id: row.get("client_id")?,
                reference: row.get("reference")?,
                known_as: row.get("known_as")?,
                kind: row.get("kind")?,
                due_on: row.get("due_on")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A client's readiness notes, newest first.
    pub fn readiness_notes(&self, client_id: i64) -> Result<Vec<Stored<ReadinessNote>>> {
        self.for_client(
            "WHERE t.client_id = ?1 ORDER BY t.noted_on DESC, t.id DESC",
            client_id,
        )
    }

    /// A client's goals by domain (in the plan's order), newest first within a domain.
    pub fn plan(&self, client_id: i64) -> Result<Vec<PlanGoal>> {
        let goals: Vec<Stored<Goal>> = self.for_client(
            "WHERE t.client_id = ?1 ORDER BY t.set_on DESC, t.id DESC",
            client_id,
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*) FROM goal_actions WHERE goal_id = ?1 AND done_on IS NULL",
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

    /// The whole record of one client.
    pub fn client_record(&self, client_id: i64) -> Result<ClientRecord> {
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
                "WHERE t.client_id = ?1 ORDER BY t.due_on DESC, t.id DESC",
                client_id,
            )?,
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
            "SELECT id, display_name FROM workers WHERE role IN ('key_worker', 'team_lead', 'prescriber')
             ORDER BY display_name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The next unused service reference after the highest in use.
    pub fn next_reference(&self) -> Result<ServiceRef> {
        let highest: Option<i64> = self.conn.query_row(
            "SELECT max(CAST(substr(reference, 4) AS INTEGER)) FROM clients",
            [],
            |r| r.get(0),
        )?;
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
                 ORDER BY started_at DESC LIMIT 1",
                [client_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether the client's last three appointments were all missed.
    pub fn three_dnas_in_a_row(&self, client_id: i64) -> Result<bool> {
        let sql = format!("SELECT {}", three_dnas_sql("?1"));
        Ok(self.conn.query_row(&sql, [client_id], |r| {
            r.get::<_, Option<bool>>(0).map(|b| b.unwrap_or(false))
        })?)
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
