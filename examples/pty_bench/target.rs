//! The private copy of the database, set up so that keywork opens on a key worker's caseload,
//! or (for the team view's first frame) on the team.

use crate::Error;
use nix::unistd::{Gid, Uid, User, chown};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};

/// A private copy of the database set up so that keywork opens on a key worker's caseload.
pub(crate) struct Target {
    dir: tempfile::TempDir,
    pub(crate) db: PathBuf,
    /// The login keywork runs as (and, on the copy, the key worker's login).
    pub(crate) login: String,
    /// `--as`: the user and group to switch to before running keywork.
    pub(crate) switch_to: Option<(Uid, Gid)>,
    /// Active clients on the caseload it opens on.
    pub(crate) caseload: usize,
    /// Active clients of the whole team.
    pub(crate) team: usize,
    /// The reference of the active client with the most sessions (never printed).
    pub(crate) largest: String,
    pub(crate) largest_sessions: i64,
    /// The key worker of the largest record, whose caseload keywork opens on.
    key_worker: i64,
    /// A current team lead (or else prescriber): keywork opens on the team for them.
    team_opener: i64,
}

/// Where keywork opens: the key worker's own caseload, or the team's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opens {
    Mine,
    Team,
}

impl Target {
    pub(crate) fn prepare(original: &Path, run_as: Option<&str>) -> Result<Target, Error> {
        let (login, switch_to) = match run_as {
            Some(login) => (login.to_owned(), Some(os_user(login)?)),
            None => (current_login()?, None),
        };
        let dir = tempfile::Builder::new().prefix("pty-bench-").tempdir()?;
        let db = dir.path().join("keywork.db");
        copy_database(original, &db)?;
        let (largest, largest_sessions, worker) = largest_record(&db)
            .map_err(|e| format!("{}: cannot find a record to open ({e})", original.display()))?;
        give_login(&db, worker, &login)?;
        eprintln!("on the copy only, the largest record's key worker now has the login {login}");
        let team_opener = opens_on_team(&db)?;
        let caseload = active_clients(&db, Some(worker))?;
        let team = active_clients(&db, None)?;
        std::fs::create_dir(dir.path().join("home"))?;
        if let Some((uid, gid)) = switch_to {
            chown(dir.path(), Some(uid), Some(gid))?;
            for entry in std::fs::read_dir(dir.path())? {
                chown(&entry?.path(), Some(uid), Some(gid))?;
            }
        }
        Ok(Target {
            dir,
            db,
            login,
            switch_to,
            caseload,
            team,
            largest,
            largest_sessions,
            key_worker: worker,
            team_opener,
        })
    }

    /// On the copy, gives the login keywork runs as to the worker it should open for: the key
    /// worker (my caseload) or the team lead (the team). Only between runs: never while keywork
    /// has the file open.
    pub(crate) fn open_on(&self, opens: Opens) -> Result<(), Error> {
        let worker = match opens {
            Opens::Mine => self.key_worker,
            Opens::Team => self.team_opener,
        };
        give_login(&self.db, worker, &self.login)
    }

    pub(crate) fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
}

fn current_login() -> Result<String, Error> {
    let user = User::from_uid(Uid::current())?.ok_or("this user id has no login name")?;
    Ok(user.name)
}

/// The user and group ids of `--as LOGIN`, which needs root and an existing OS user.
fn os_user(login: &str) -> Result<(Uid, Gid), Error> {
    if !Uid::effective().is_root() {
        return Err(
            "--as needs root (it switches user with setpriv); leave it out to run \
                    keywork as yourself"
                .into(),
        );
    }
    let user = User::from_name(login)?.ok_or_else(|| {
        format!("there is no OS user {login:?}: create one (useradd --no-create-home {login}) or leave --as out")
    })?;
    Ok((user.uid, user.gid))
}

/// Copies the database file and any write-ahead log beside it (take the copy while nobody is
/// writing). The copy keeps the original's permissions.
fn copy_database(original: &Path, copy: &Path) -> Result<(), Error> {
    if !original.is_file() {
        return Err(format!("no database file at {}", original.display()).into());
    }
    std::fs::copy(original, copy)?;
    let wal = |p: &Path| PathBuf::from(format!("{}-wal", p.display()));
    if wal(original).is_file() {
        std::fs::copy(wal(original), wal(copy))?;
    }
    Ok(())
}

/// The active client with the most sessions: reference, session count and key worker's id.
fn largest_record(db: &Path) -> Result<(String, i64, i64), Error> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let found = conn
        .query_row(
            "SELECT c.reference, count(s.id), c.key_worker_id
             FROM clients c JOIN sessions s ON s.client_id = c.id
             WHERE c.status = 'active'
             GROUP BY c.id ORDER BY count(s.id) DESC, c.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    found.ok_or_else(|| "the database has no active client with a session to open".into())
}

/// A current worker whose role opens on the team (App::new: `Role::opens_on_team`), team leads
/// first.
fn opens_on_team(db: &Path) -> Result<i64, Error> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let found = conn
        .query_row(
            "SELECT id FROM workers
             WHERE role IN ('team_lead', 'prescriber') AND retired_on IS NULL
             ORDER BY role = 'team_lead' DESC, id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    found.ok_or_else(|| "the database has no current team lead or prescriber".into())
}

/// Active clients on a worker's caseload, or (`None`) the whole team's.
fn active_clients(db: &Path, worker: Option<i64>) -> Result<usize, Error> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let count: i64 = conn.query_row(
        "SELECT count(*) FROM clients
         WHERE status = 'active' AND (?1 IS NULL OR key_worker_id = ?1)",
        [worker],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(count)?)
}

/// On the copy: the worker `id` gets `login` (any other worker holding it is renamed out of the
/// way), so that keywork, run as `login`, opens on that worker's caseload.
fn give_login(db: &Path, id: i64, login: &str) -> Result<(), Error> {
    let conn = Connection::open(db)?;
    let current: String = conn.query_row("SELECT login FROM workers WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    if current == login {
        return Ok(());
    }
    conn.execute(
        "UPDATE workers SET login = 'bench-moved-' || id WHERE login = ?1",
        [login],
    )?;
    conn.execute(
        "UPDATE workers SET login = ?1 WHERE id = ?2",
        params![login, id],
    )?;
    Ok(())
}
