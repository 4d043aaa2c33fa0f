use super::sql::{conversion_error, parse_timestamp};
use super::{Need, Result, Store, StoreError, Table, Writer};
use crate::domain::{AuditAction, Login, RecordType, Refusal, Role, Worker};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

impl Table for Worker {
    const RECORD: RecordType = RecordType::Worker;
    const SELECT: &'static str = "SELECT t.id, t.login, t.display_name, t.role, t.created_at, t.updated_at, t.row_version FROM workers t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Worker {
            login: row.get("login")?,
            display_name: row.get("display_name")?,
            role: row.get("role")?,
        })
    }

    fn insert(w: &Writer<'_>, worker: &Self) -> Result<i64> {
        w.tx.prepare_cached(
            "INSERT INTO workers (login, display_name, role, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        )?
        .execute(params![worker.login, worker.display_name, worker.role, w.stamp])?;
        Ok(w.tx.last_insert_rowid())
    }
}

/// Someone on the team list, with when they joined and, if they have left, when.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: i64,
    pub worker: Worker,
    pub since: NaiveDate,
    pub retired_on: Option<NaiveDate>,
}

impl Member {
    pub fn is_active(&self) -> bool {
        self.retired_on.is_none()
    }
}

/// Where the acting login stands on the team.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing {
    NotOnTeam,
    Member(Member),
}

impl Standing {
    /// Why this login may not record, if it may not.
    pub fn refusal(&self, login: &Login) -> Option<Refusal> {
        match self {
            Standing::NotOnTeam => Some(Refusal::NotOnTeam {
                login: login.clone(),
            }),
            Standing::Member(m) => match (m.retired_on, m.worker.role) {
                (Some(on), _) => Some(Refusal::Retired {
                    login: login.clone(),
                    on,
                }),
                (None, Role::ReadOnly) => Some(Refusal::ReadOnlyRole {
                    login: login.clone(),
                }),
                (None, _) => None,
            },
        }
    }

    /// Why this login may not make a lead-only change, if it may not.
    pub fn lead_refusal(&self, login: &Login) -> Option<Refusal> {
        match self {
            Standing::Member(m) if m.worker.role != Role::TeamLead => Some(Refusal::NotTeamLead {
                login: login.clone(),
                role: m.worker.role,
            }),
            other => other.refusal(login),
        }
    }

    /// Why this login may not record a prescription, if it may not.
    pub fn prescriber_refusal(&self, login: &Login) -> Option<Refusal> {
        match self {
            Standing::Member(m) if m.retired_on.is_none() && !m.worker.role.may_prescribe() => {
                Some(Refusal::NotPrescriber {
                    login: login.clone(),
                    role: m.worker.role,
                })
            }
            other => other.refusal(login),
        }
    }
}

/// What `worker role` changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChange {
    pub from: Role,
    pub to: Role,
}

const MEMBER_SELECT: &str =
    "SELECT id, login, display_name, role, created_at, retired_on FROM workers";

fn member_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Member> {
    let created: String = row.get(4)?;
    Ok(Member {
        id: row.get(0)?,
        worker: Worker {
            login: row.get(1)?,
            display_name: row.get(2)?,
            role: row.get(3)?,
        },
        since: parse_timestamp(&created)
            .map_err(|e| conversion_error(row, "created_at", e))?
            .date_naive(),
        retired_on: row.get(5)?,
    })
}

impl Store {
    /// Where the acting login stands on the team.
    pub fn standing(&self) -> Result<Standing> {
        self.member(&self.actor)
            .map(|m| m.map_or(Standing::NotOnTeam, Standing::Member))
    }

    pub fn member(&self, login: &Login) -> Result<Option<Member>> {
        let sql = format!("{MEMBER_SELECT} WHERE login = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([login], member_from_row)
            .optional()?)
    }

    /// The whole team list, current workers first, each group by name.
    pub fn members(&self) -> Result<Vec<Member>> {
        let sql = format!("{MEMBER_SELECT} ORDER BY retired_on IS NOT NULL, display_name, login");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], member_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a worker. The first worker ever added to an empty team list becomes its team lead,
    /// whatever role was asked for (a team without one could never add anyone); after that only
    /// a team lead adds people. Returns the role given.
    pub fn add_worker(&mut self, worker: &Worker) -> Result<Role> {
        if let Some(refusal) = self.basic_refusal()? {
            return Err(StoreError::Refused(refusal));
        }
        let first = !self.has_workers()?;
        let worker = Worker {
            role: if first { Role::TeamLead } else { worker.role },
            ..worker.clone()
        };
        let add = |w: &Writer<'_>| {
            let anyone: bool =
                w.tx.query_row("SELECT EXISTS (SELECT 1 FROM workers)", [], |r| r.get(0))?;
            if anyone == first {
                // Someone else added the first worker between the read and this write.
                return Err(StoreError::TeamSetUpMeanwhile);
            }
            if w.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM workers WHERE login = ?1)",
                [&worker.login],
                |r| r.get::<_, bool>(0),
            )? {
                return Err(StoreError::AlreadyOnTeam(worker.login.clone()));
            }
            w.insert(&worker)
        };
        if first {
            self.write_as(Need::Bootstrap, add)?;
        } else {
            self.write_as_lead(add)?;
        }
        Ok(worker.role)
    }

    /// Sets up a new team's database: the service name, and its first worker as team lead.
    pub fn init_team(&mut self, lead: &Worker, service: Option<&str>) -> Result<()> {
        self.write_as(Need::Bootstrap, |w| {
            if let Some(service) = service {
                w.set_meta(super::META_SERVICE_NAME, service)?;
            }
            w.audit(AuditAction::Init, RecordType::Service, None)?;
            w.insert(lead)
        })?;
        Ok(())
    }

    /// Changes a worker's role (team lead only). The team always keeps a team lead.
    pub fn set_role(&mut self, login: &Login, role: Role) -> Result<RoleChange> {
        let member = self
            .member(login)?
            .ok_or_else(|| StoreError::NotOnTeam(login.clone()))?;
        let from = member.worker.role;
        self.write_as_lead(|w| {
            if from == Role::TeamLead && role != Role::TeamLead {
                w.keep_a_lead(member.id)?;
            }
            w.tx.execute(
                "UPDATE workers SET role = ?2, updated_at = ?3, row_version = row_version + 1 WHERE id = ?1",
                params![member.id, role, w.stamp],
            )?;
            let detail = format!("{} -> {}", from.code(), role.code());
            w.audit_detail(AuditAction::Role, RecordType::Worker, Some(member.id), Some(&detail))
        })?;
        Ok(RoleChange { from, to: role })
    }

    /// Retires a worker (team lead only): kept for history and the audit, no longer able to
    /// write. Returns the references and names of the clients still open under them.
    pub fn retire(&mut self, login: &Login) -> Result<Vec<(String, String)>> {
        let member = self
            .member(login)?
            .ok_or_else(|| StoreError::NotOnTeam(login.clone()))?;
        if let Some(on) = member.retired_on {
            return Err(StoreError::AlreadyRetired {
                login: login.clone(),
                on,
            });
        }
        let today = self.today();
        self.write_as_lead(|w| {
            if member.worker.role == Role::TeamLead {
                w.keep_a_lead(member.id)?;
            }
            w.tx.execute(
                "UPDATE workers SET retired_on = ?2, updated_at = ?3, row_version = row_version + 1 WHERE id = ?1",
                params![member.id, today, w.stamp],
            )?;
            w.audit_detail(AuditAction::Retire, RecordType::Worker, Some(member.id), None)
        })?;
        let mut stmt = self.conn.prepare(
            "SELECT reference, given_name || ' ' || family_name FROM clients
             WHERE key_worker_id = ?1 AND status IN ('active', 'on_hold') ORDER BY reference",
        )?;
        let rows = stmt.query_map([member.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    /// Refuses to take away the last current team lead (the schema's trigger is the backstop).
    fn keep_a_lead(&self, changing: i64) -> Result<()> {
        let others: i64 = self.tx.query_row(
            "SELECT count(*) FROM workers WHERE role = 'team_lead' AND retired_on IS NULL AND id <> ?1",
            [changing],
            |r| r.get(0),
        )?;
        if others == 0 {
            return Err(StoreError::LastTeamLead);
        }
        Ok(())
    }
}
