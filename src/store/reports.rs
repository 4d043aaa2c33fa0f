//! Counts for the team reports (`keywork report caseload`) that the caseload view does not carry.

use super::{Result, Store};
use crate::domain::{Login, Name, Role};
use chrono::{Days, NaiveDate};

/// One worker's appointments over a period, counted by the clients' key worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerActivity {
    pub worker_id: i64,
    pub login: Login,
    pub name: Name,
    pub role: Role,
    /// Attended sessions with the worker's clients.
    pub sessions: i64,
    /// Appointments those clients did not attend.
    pub dnas: i64,
}

impl Store {
    /// For every worker who can hold a caseload (key worker, team lead, prescriber), and anyone
    /// else who has clients: the attended sessions and DNAs of their clients (any status) from
    /// `since` to today, both days included, by name. Sessions count for the client's current key
    /// worker, whoever ran them: the key worker's caseload, not their diary. Cancellations are in
    /// neither count, nor are sessions entered in error.
    pub fn activity_by_worker(&self, since: NaiveDate) -> Result<Vec<WorkerActivity>> {
        let until = self
            .today()
            .checked_add_days(Days::new(1))
            .unwrap_or(NaiveDate::MAX);
        // started_at is 'YYYY-MM-DD HH:MM', so comparing with bare dates takes whole days.
        let mut stmt = self.conn.prepare_cached(
            "SELECT w.id, w.login, w.display_name, w.role,
                 coalesce(sum(s.attendance = 'attended'), 0) AS sessions,
                 coalesce(sum(s.attendance = 'dna'), 0) AS dnas
             FROM workers w
             LEFT JOIN clients c ON c.key_worker_id = w.id
             LEFT JOIN sessions s ON s.client_id = c.id AND s.started_at >= ?1 AND s.started_at < ?2
                 AND s.in_error_at IS NULL
             GROUP BY w.id
             HAVING w.role IN ('key_worker', 'team_lead', 'prescriber') OR count(c.id) > 0
             ORDER BY w.display_name, w.id",
        )?;
        let rows = stmt.query_map(rusqlite::params![since, until], |r| {
            Ok(WorkerActivity {
                worker_id: r.get("id")?,
                login: r.get("login")?,
                name: r.get("display_name")?,
                role: r.get("role")?,
                sessions: r.get("sessions")?,
                dnas: r.get("dnas")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
