//! All SQL lives here. The rest of the program reads and writes the record through [`Store`].

mod alerts;
mod appointments;
mod audit;
pub mod backup;
mod bbv;
mod caseload;
mod client_file;
mod clients;
mod clinical_check;
mod correctable;
mod corrections;
mod drafts;
mod ecgs;
mod erase;
mod export;
mod goals;
mod integrity;
mod kept;
pub mod migrate;
mod missed_doses;
mod open;
mod prescription_corrections;
mod prescriptions;
pub use prescriptions::{Stopping, TAKE_HOME_REASON_NEEDED, ost_start};
mod readiness;
pub mod replica;
mod reports;
mod restore_rules;
mod reviews;
mod scenarios;
mod sessions;
mod settings;
mod sql;
mod structure;
mod summary;
pub mod team_files;
mod tops;
mod views;
mod workers;

use crate::clock::Clock;
use crate::domain::{AuditAction, DomainError, Login, RecordType, Refusal, Stored};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};
use thiserror::Error;

pub use appointments::AppointmentRow;
pub use audit::{AuditFilter, ChainReport, Head};
pub use bbv::{BbvFacts, BbvResultRow};
pub use caseload::{CaseloadRow, DueReview, FactsSource, RiskSummary, Scope, due_within, sort_due};
pub use clients::UniqueField;
pub use corrections::{Correctable, Corrections, EntryCorrection};
pub use drafts::Draft;
pub use ecgs::EcgRow;
pub use erase::{Erasure, Removed};
pub use export::Counts;
pub use integrity::MAX_PROBLEMS;
pub use missed_doses::{DoseFacts, MissedDose, MissedRecorded};
pub use open::Access;
pub use scenarios::ScenarioRow;
pub use settings::{ServiceSettings, SettingKey, SettingValue, Unit, parse_value as parse_setting};
pub use structure::PlanStructure;
pub use summary::{Changes, WHOLE_SERVICE};
pub use views::{ClientRecord, PlanGoal};
pub use workers::{Member, RoleChange, Standing};

/// Why the store refused. Each message names the file and says what to do; none carries the
/// content of a record.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{}: the directory {} does not exist", .path.display(), .dir.display())]
    MissingDirectory { path: PathBuf, dir: PathBuf },
    #[error("{} is a directory, not a database file", .0.display())]
    IsDirectory(PathBuf),
    #[error("{}: no database here (run `keywork --db {}` to start a new one)", .0.display(), .0.display())]
    NoDatabase(PathBuf),
    #[error("{} is not a SQLite database; it was left untouched", .0.display())]
    NotSqlite(PathBuf),
    #[error("{} is a SQLite database but not a keywork one; it was left untouched", .0.display())]
    NotKeywork(PathBuf),
    #[error(
        "{} has schema version {found}, newer than this keywork understands (up to {supported}); \
         use a newer keywork. The file was left untouched",
        .path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{} has schema version {found} and needs upgrading to {supported}, which needs write access", .path.display())]
    NeedsUpgrade {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{} is on a network filesystem ({kind}); SQLite cannot keep it safe there. \
         Keep the database on a local disk of the server",
        .path.display()
    )]
    NetworkFilesystem { path: PathBuf, kind: &'static str },
    #[error("permission denied on {}: {remedy}. Nothing was created or changed", .path.display())]
    PermissionDenied { path: PathBuf, remedy: String },
    #[error("{} is read-only; keywork needs to write to it", .0.display())]
    ReadOnly(PathBuf),
    #[error("{} already exists; generate writes demo data only into a new file, never beside real records", .0.display())]
    NotEmpty(PathBuf),
    #[error("invalid {what}: {source}")]
    Invalid {
        what: RecordType,
        source: DomainError,
    },
    #[error(
        "this {what} was changed by someone else since you opened it (now version {current}); nothing was overwritten"
    )]
    Conflict {
        what: RecordType,
        id: i64,
        current: i64,
    },
    #[error("this {what} has already been recorded by someone else; nothing was saved")]
    AlreadyDone { what: RecordType, id: i64 },
    #[error("this {what} is already marked entered in error; nothing was changed")]
    AlreadyInError { what: RecordType, id: i64 },
    #[error("this {what} is not marked entered in error; nothing was changed")]
    NotInError { what: RecordType, id: i64 },
    #[error("another client already has this {0}; nothing was saved")]
    Duplicate(UniqueField),
    #[error("no {what} with id {id}")]
    NotFound { what: RecordType, id: i64 },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not write the export: {0}")]
    Export(#[source] std::io::Error),
    #[error("{0} is already on the team list; nothing was changed")]
    AlreadyOnTeam(Login),
    #[error("{0} is not on the team list (see `keywork worker list`); nothing was changed")]
    NotOnTeam(Login),
    #[error("{login} was already retired on {}; nothing was changed", crate::domain::uk_date(*.on))]
    AlreadyRetired { login: Login, on: NaiveDate },
    #[error(
        "the team must keep at least one current team lead: make someone else team lead first \
         (keywork worker role LOGIN team_lead); nothing was changed"
    )]
    LastTeamLead,
    #[error(
        "someone else added the team's first worker at the same moment; nothing was changed: run the command again"
    )]
    TeamSetUpMeanwhile,
    #[error("{0}: {1}; nothing was changed")]
    BadSetting(&'static str, String),
    /// A BBV test entry refused (a day ahead, an unknown or already voided result): one line.
    #[error("BBV test: {0}")]
    BbvRefused(String),
    #[error(
        "{} holds other files; keep the team database in a directory of its own (init changes the \
         directory's group and mode). Nothing was changed",
        .0.display()
    )]
    TeamDirectoryInUse(PathBuf),
    /// The login may not make this change; the message says why in one line.
    #[error("{0}")]
    Refused(Refusal),
    /// The file's schema changed while this run had it open: a newer keywork migrated it (or an
    /// older backup was put in place). Its rules may not be this binary's, so nothing is written.
    #[error(
        "{}",
        if .found > .built_for {
            format!(
                "keywork was upgraded on this server: quit and start it again (the database is now \
                 schema {found}, this keywork writes {built_for}); nothing was saved"
            )
        } else {
            format!(
                "{} changed under this keywork (now schema {found}, this keywork writes \
                 {built_for}): quit and start it again; nothing was saved",
                .path.display()
            )
        }
    )]
    SchemaMoved {
        path: PathBuf,
        found: i64,
        built_for: i64,
    },
    #[error(
        "{}: SQLite reports the database as damaged ({detail}); keywork has stopped writing to it. \
         Run `keywork check --db {}` and restore from a backup",
        .path.display(), .path.display()
    )]
    Damaged { path: PathBuf, detail: String },
}

impl StoreError {
    /// Whether SQLite found the file damaged: nothing more may be written in this run.
    pub fn is_damage(&self) -> bool {
        matches!(self, StoreError::Damaged { .. }) || self.damage_detail().is_some()
    }

    /// SQLite's report of damage, as what to do about it; any other error as it was.
    pub fn damaged_at(self, path: &Path) -> StoreError {
        match self.damage_detail() {
            Some(detail) => StoreError::Damaged {
                path: path.to_owned(),
                detail,
            },
            None => self,
        }
    }

    /// Whether another process held the write lock past the busy timeout.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Sqlite(e) if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        ))
    }

    fn damage_detail(&self) -> Option<String> {
        let StoreError::Sqlite(e) = self else {
            return None;
        };
        matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        )
        .then(|| e.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open keywork database, acting for one login.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Clock,
    actor: Login,
    /// Whether writes follow the team's rules (who may write, `--today` only for reading on a
    /// real database). Off only for fixtures that set a database up directly.
    enforce: bool,
    /// `--read-only`: this run changes nothing, whoever runs it.
    read_only_run: bool,
    /// A new database whose file has no schema yet: reads see an empty in-memory schema and the
    /// file is only written (created) by the first write, so a command that refuses leaves an
    /// empty file empty.
    unborn: bool,
    /// SQLite reported the file damaged earlier in this run.
    damaged: Option<String>,
    /// Whether this run's first write has had the file's quick check.
    quick_checked: bool,
}

impl Store {
    /// Opens (or with [`Access::Create`], creates) the database at `path`, acting for `actor`
    /// under the team's rules; see [`open`] for what is refused and why.
    pub fn open(path: &Path, access: Access, clock: Clock, actor: Login) -> Result<Self> {
        let (conn, unborn) = open::connect(path, access)?;
        let mut store = Self::over(conn, path, clock, actor);
        store.unborn = unborn;
        Ok(store)
    }

    /// A store over a connection already open (a file just opened, or a copy being checked),
    /// under the team's rules.
    fn over(conn: Connection, path: &Path, clock: Clock, actor: Login) -> Self {
        Self {
            conn,
            path: path.to_owned(),
            clock,
            actor,
            enforce: true,
            read_only_run: false,
            unborn: false,
            damaged: None,
            quick_checked: false,
        }
    }

    /// Opens without the team's write rules: for test fixtures and benchmarks that build a
    /// database record by record, with a fixed clock, as a login that need not be on the team.
    pub fn open_unchecked(path: &Path, access: Access, clock: Clock, actor: Login) -> Result<Self> {
        let mut store = Self::open(path, access, clock, actor)?;
        store.enforce = false;
        Ok(store)
    }

    /// `--read-only`: every write of this run is refused.
    pub fn set_read_only_run(&mut self) {
        self.read_only_run = true;
    }

    /// Acts for another login: `--demo` records as the demo team's key worker.
    pub fn act_as(&mut self, actor: Login) {
        self.actor = actor;
    }

    /// Why this login may not record anything, if it may not.
    pub fn refusal(&self) -> Result<Option<Refusal>> {
        match self.basic_refusal()? {
            Some(refusal) => Ok(Some(refusal)),
            None if self.enforce => Ok(self.standing()?.refusal(&self.actor)),
            None => Ok(None),
        }
    }

    /// Refusals that hold whoever is writing: a damaged file, `--read-only`, `--today` on a real
    /// database.
    fn basic_refusal(&self) -> Result<Option<Refusal>> {
        if let Some(detail) = &self.damaged {
            return Ok(Some(Refusal::Damaged {
                detail: detail.clone(),
            }));
        }
        if !self.enforce {
            return Ok(None);
        }
        if self.read_only_run {
            return Ok(Some(Refusal::ReadOnlyRun));
        }
        if self.clock.is_fixed() && !self.is_demo()? {
            return Ok(Some(Refusal::FixedClock));
        }
        Ok(None)
    }

    /// Refuses unless this login may make a change of this kind.
    fn require(&self, need: Need) -> Result<()> {
        let refusal = match need {
            Need::Bootstrap => self.basic_refusal()?,
            Need::Record => self.refusal()?,
            Need::TeamLead => match self.basic_refusal()? {
                Some(refusal) => Some(refusal),
                None if self.enforce => self.standing()?.lead_refusal(&self.actor),
                None => None,
            },
            Need::Prescriber => match self.refusal()? {
                Some(refusal) => Some(refusal),
                None if self.enforce => self.standing()?.prescriber_refusal(&self.actor),
                None => None,
            },
        };
        refusal.map_or(Ok(()), |r| Err(StoreError::Refused(r)))
    }

    /// Notes damage reported by SQLite so that nothing more is written this run.
    pub fn note_damage(&mut self, error: StoreError) -> StoreError {
        let error = error.damaged_at(&self.path);
        if let StoreError::Damaged { detail, .. } = &error {
            self.damaged = Some(detail.clone());
        }
        error
    }

    /// Runs SQLite's quick check before the first write of this run, and marks the file damaged
    /// if it fails: SQLite itself notices damage only on the pages a write touches, so without
    /// this a damaged file goes on taking new records. Once a run, not once a write, and not on
    /// opening (reading never pays): on the 10,000-client file it costs about 0.35 s of CPU.
    fn quick_check_once(&mut self) -> Result<()> {
        if self.quick_checked || self.unborn || self.damaged.is_some() {
            return Ok(());
        }
        let problems = self.quick_problems()?;
        self.quick_checked = true;
        if !problems.is_empty() {
            let named: Vec<_> = problems
                .iter()
                .filter(|line| !line.starts_with("***"))
                .take(2)
                .map(String::as_str)
                .collect();
            self.damaged = Some(named.join("; "));
        }
        Ok(())
    }

    /// The connection to write through, creating the file's schema on the first write.
    fn writable_conn(&mut self) -> Result<&mut Connection> {
        if self.unborn {
            let (conn, _) = open::connect(&self.path, Access::Materialise)?;
            self.conn = conn;
            self.unborn = false;
        }
        Ok(&mut self.conn)
    }

    /// The time written into bookkeeping columns and the audit: the wall clock on a real
    /// database, the `--today` clock only on demo and generated ones.
    fn audit_time(&self) -> DateTime<Utc> {
        audit::stamp_for(
            self.is_demo().unwrap_or(false) || !self.enforce,
            self.clock.timestamp(),
        )
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    pub fn actor(&self) -> &Login {
        &self.actor
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(migrate::schema_version(&self.conn)?)
    }

    /// Runs `f` in one immediate transaction, auditing each record it creates or changes; all of
    /// it is saved or none.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_as(Need::Record, f)
    }

    /// Like [`Store::write`], for changes only a team lead may make (the team list, service
    /// settings, erasure).
    pub fn write_as_lead<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_as(Need::TeamLead, f)
    }

    /// Like [`Store::write`], for prescriptions: only prescribers and team leads record them.
    pub fn write_as_prescriber<T>(
        &mut self,
        f: impl FnOnce(&Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_as(Need::Prescriber, f)
    }

    /// Why this login may not record a prescription, if it may not: the one line a key worker
    /// sees on pressing P.
    pub fn prescribing_refusal(&self) -> Result<Option<Refusal>> {
        match self.refusal()? {
            Some(refusal) => Ok(Some(refusal)),
            None if self.enforce => Ok(self.standing()?.prescriber_refusal(&self.actor)),
            None => Ok(None),
        }
    }

    fn write_as<T>(&mut self, need: Need, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        self.quick_check_once().map_err(|e| self.note_damage(e))?;
        self.require(need)?;
        let stamp = self.audit_time();
        let prescriber_refusal = match need {
            Need::Prescriber | Need::Bootstrap => None,
            Need::Record | Need::TeamLead if self.enforce => {
                self.standing()?.prescriber_refusal(&self.actor)
            }
            Need::Record | Need::TeamLead => None,
        };
        let result = self.write_stamped(stamp, true, prescriber_refusal, f);
        result.map_err(|e| self.note_damage(e))
    }

    /// Loads a bulk of generated records in one transaction stamped `at`, audited as a single
    /// `generate` entry rather than one per row.
    pub fn import<T>(
        &mut self,
        at: DateTime<Utc>,
        f: impl FnOnce(&Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_stamped(at, false, None, |w| {
            w.set_meta(summary::META_SUMMARY_PAUSED, "1")?;
            let out = f(w)?;
            w.tx.execute_batch(summary::REBUILD)?;
            w.tx.execute(
                "DELETE FROM meta WHERE key = ?1",
                [summary::META_SUMMARY_PAUSED],
            )?;
            w.tx.execute_batch(&summary::stamp_whole_service())?;
            w.audit(AuditAction::Generate, RecordType::Service, None)?;
            Ok(out)
        })
    }

    fn write_stamped<T>(
        &mut self,
        at: DateTime<Utc>,
        audit_each: bool,
        prescriber_refusal: Option<Refusal>,
        f: impl FnOnce(&Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        let today = self.clock.today();
        let actor = self.actor.clone();
        let path = self.path.clone();
        let tx = self.writable_conn()?.transaction()?;
        // Inside the write lock, so no upgrade can slip in between the check and the write.
        let found = migrate::schema_version(&tx)?;
        if found != migrate::LATEST {
            return Err(StoreError::SchemaMoved {
                path,
                found,
                built_for: migrate::LATEST,
            });
        }
        let writer = Writer {
            tx,
            stamp: sql::timestamp(at),
            actor: &actor,
            today,
            audit_each,
            prescriber_refusal,
        };
        let out = f(&writer)?;
        // Counted so other sessions reload for saved records, not for every draft keystroke.
        writer.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, '1')
             ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
            [META_RECORD_CHANGES],
        )?;
        #[cfg(debug_assertions)]
        summary::assert_no_drift(&writer.tx);
        writer.tx.commit()?;
        Ok(out)
    }

    /// How many times records have been saved, by anyone: a screen reloads when it changes.
    pub fn record_changes(&self) -> Result<i64> {
        Ok(self
            .meta(META_RECORD_CHANGES)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Reads one record by id.
    pub fn get<T: Table>(&self, id: i64) -> Result<Stored<T>> {
        let sql = format!("{} WHERE t.id = ?1", T::SELECT);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query_map([id], |row| sql::get_stored(row, T::from_row(row)?))?;
        match rows.next() {
            Some(row) => Ok(row?),
            None => Err(StoreError::NotFound {
                what: T::RECORD,
                id,
            }),
        }
    }

    /// A value from the `meta` table (service name, demo marker).
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    }

    /// Whether this database holds generated demo data rather than real records.
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self.meta(META_DEMO)?.as_deref() == Some("1"))
    }
}

/// What a write needs of the login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// The first worker on an empty team list.
    Bootstrap,
    Record,
    TeamLead,
    /// A prescription: prescribers and team leads.
    Prescriber,
}

/// `meta` key marking a database as generated demo data.
/// How long a writer waits for another process's transaction before giving up: every
/// connection the store opens (the record, the audit check, the integrity check) waits alike.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

pub const META_DEMO: &str = "demo";
/// `meta` key counting saves of records (not drafts).
const META_RECORD_CHANGES: &str = "record_changes";
/// `meta` key holding the service's display name.
pub const META_SERVICE_NAME: &str = "service_name";

/// A record type with its own table.
pub trait Table: Sized {
    const RECORD: RecordType;
    /// A `SELECT` of every column the record needs, its table aliased `t`, without `WHERE`.
    const SELECT: &'static str;
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
    /// Inserts the record's row (and child rows) and returns its id.
    fn insert(w: &Writer<'_>, record: &Self) -> Result<i64>;
}

/// Writes inside one transaction opened by [`Store::write`] or [`Store::import`].
pub struct Writer<'s> {
    tx: Transaction<'s>,
    stamp: String,
    actor: &'s Login,
    today: NaiveDate,
    audit_each: bool,
    /// Why this login may not correct a prescription, if it may not (checked when a write made
    /// for an ordinary entry turns out to correct one).
    prescriber_refusal: Option<Refusal>,
}

impl Writer<'_> {
    /// Inserts a new record and audits its creation.
    pub fn insert<T: Table>(&self, record: &T) -> Result<i64> {
        let id = T::insert(self, record)?;
        if self.audit_each {
            self.audit(AuditAction::Create, T::RECORD, Some(id))?;
        }
        Ok(id)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    fn audit(&self, action: AuditAction, record: RecordType, id: Option<i64>) -> Result<()> {
        self.audit_detail(action, record, id, None)
    }

    /// Appends an audit row with a short non-clinical detail (never the text of a note).
    fn audit_detail(
        &self,
        action: AuditAction,
        record: RecordType,
        id: Option<i64>,
        detail: Option<&str>,
    ) -> Result<()> {
        audit::append(
            &self.tx,
            &audit::NewEntry {
                at: &self.stamp,
                login: self.actor.as_str(),
                action,
                record_type: record,
                record_id: id,
                detail,
            },
        )?;
        Ok(())
    }

    /// Checks that an update touched the version the caller read; otherwise tells a conflict from
    /// a record that has gone.
    fn expect_updated(&self, what: RecordType, table: &str, id: i64, changed: usize) -> Result<()> {
        if changed == 1 {
            if self.audit_each {
                self.audit(AuditAction::Update, what, Some(id))?;
            }
            return Ok(());
        }
        use rusqlite::OptionalExtension;
        let current: Option<i64> = self
            .tx
            .query_row(
                &format!("SELECT row_version FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Err(match current {
            Some(current) => StoreError::Conflict { what, id, current },
            None => StoreError::NotFound { what, id },
        })
    }
}

fn invalid(what: RecordType) -> impl FnOnce(DomainError) -> StoreError {
    move |source| StoreError::Invalid { what, source }
}
