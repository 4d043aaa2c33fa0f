//! All SQL lives here. The rest of the program reads and writes the record through [`Store`].

mod alerts;
mod audit;
pub mod backup;
mod clients;
mod drafts;
mod export;
mod goals;
pub mod migrate;
mod open;
mod prescriptions;
mod readiness;
mod reports;
mod reviews;
mod sessions;
mod sql;
mod tops;
mod views;
mod workers;

use crate::clock::Clock;
use crate::domain::{AuditAction, DomainError, Login, RecordType, Stored};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};
use thiserror::Error;

pub use drafts::Draft;
pub use export::Counts;
pub use open::Access;
pub use views::{CaseloadRow, ClientRecord, DueReview, PlanGoal, RiskSummary, Scope, due_within};

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
    #[error("another client already has this {0}; nothing was saved")]
    Duplicate(&'static str),
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
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open keywork database, acting for one login.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Clock,
    actor: Login,
}

impl Store {
    /// Opens (or with [`Access::Create`], creates) the database at `path`; see [`open`] for what
    /// is refused and why.
    pub fn open(path: &Path, access: Access, clock: Clock, actor: Login) -> Result<Self> {
        let conn = open::connect(path, access)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            clock,
            actor,
        })
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
        let stamp = self.clock.timestamp();
        self.write_stamped(stamp, true, f)
    }

    /// Loads a bulk of generated records in one transaction stamped `at`, audited as a single
    /// `generate` entry rather than one per row.
    pub fn import<T>(
        &mut self,
        at: DateTime<Utc>,
        f: impl FnOnce(&Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_stamped(at, false, |w| {
            let out = f(w)?;
            w.audit(AuditAction::Generate, RecordType::Service, None)?;
            Ok(out)
        })
    }

    fn write_stamped<T>(
        &mut self,
        at: DateTime<Utc>,
        audit_each: bool,
        f: impl FnOnce(&Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        let writer = Writer {
            tx: self.conn.transaction()?,
            stamp: sql::timestamp(at),
            actor: &self.actor,
            today: self.clock.today(),
            audit_each,
        };
        let out = f(&writer)?;
        // Counted so other sessions reload for saved records, not for every draft keystroke.
        writer.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, '1')
             ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
            [META_RECORD_CHANGES],
        )?;
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

/// `meta` key marking a database as generated demo data.
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
        self.tx
            .prepare_cached(
                "INSERT INTO audit (at, login, action, record_type, record_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(rusqlite::params![self.stamp, self.actor, action, record, id])?;
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
