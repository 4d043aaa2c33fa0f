//! Backups and restores of the database file.
//!
//! A backup is `VACUUM INTO`: one read transaction, so the copy is consistent even while
//! colleagues keep saving (the stepped backup API starts again whenever someone writes, and may
//! never finish). A restore replaces the file, which is safe only while nobody has it open; that
//! is checked with the lock SQLite itself holds, not guessed from a process list.

use super::audit::{self, Head};
use super::restore_rules::{
    FIRST_CHAINED_SCHEMA, META_TAKEN, RestoreNote, record_restore, refuse_unless_lead,
};
use super::{Counts, Store, StoreError, kept, migrate};
use crate::clock::Clock;
use crate::domain::Login;
use chrono::Local;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::NamedTempFile;
use thiserror::Error;

/// Why a backup or a restore did not happen. None of these carries the content of a record.
#[derive(Debug, Error)]
pub enum BackupError {
    #[error(
        "{} is open in keywork (or another program) right now; ask colleagues to quit keywork{}, \
         then try again",
        .0.display(), litestream_hint(.0)
    )]
    InUse(PathBuf),
    #[error("{} is not a SQLite database", .0.display())]
    NotSqlite(PathBuf),
    #[error("{} is a SQLite database but not a keywork one", .0.display())]
    NotKeywork(PathBuf),
    #[error(
        "{} has schema version {found}, newer than this keywork understands (up to {supported}); \
         use a newer keywork",
        .path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{what} failed SQLite's integrity check ({problems})")]
    Damaged { what: String, problems: String },
    /// Restoring it would make a tampered or damaged trail the team's live one.
    #[error("its audit chain does not verify ({why})")]
    BrokenChain { why: String },
    #[error(
        "{} holds changes not yet in {} itself; back it up with `keywork backup NEW --db {}` and \
         restore NEW",
        .wal.display(), .path.display(), .path.display()
    )]
    UnmergedWal { path: PathBuf, wal: PathBuf },
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Result<T, E = BackupError> = std::result::Result<T, E>;

/// Litestream holds a replicated database open all the time: it must be stopped too.
fn litestream_hint(db: &Path) -> &'static str {
    if super::replica::leaves_checkpoints_to_litestream(db) {
        " and stop Litestream (systemctl stop keywork-litestream)"
    } else {
        ""
    }
}

/// What a finished copy holds, read from the copy itself rather than from the live file.
#[derive(Debug)]
pub struct Summary {
    pub schema_version: i64,
    /// Rows per table; `None` for an older schema, which lacks some of today's tables.
    pub counts: Option<Counts>,
    pub bytes: u64,
}

/// A restore that happened.
#[derive(Debug)]
pub struct Restored {
    pub summary: Summary,
    /// Where the database that was replaced is kept; `None` if there was none.
    pub replaced: Option<PathBuf>,
}

/// SQLite's unix VFS keeps its locks in the `-shm` file from byte 120 (eight lock bytes), then
/// the "DMS" byte, which every connection to a WAL database holds a read lock on while open.
const SHM_DMS_BYTE: i64 = 120 + 8;

/// How long the fold into the file waits for a connection that is just closing.
const CLOSING_GRACE: Duration = Duration::from_secs(1);

impl Store {
    /// Copies the whole database as of one moment into `empty`, which must exist and be empty
    /// (`VACUUM INTO` never writes over data), and checks the copy as `keywork check` would.
    /// Colleagues go on saving meanwhile; what they save after it starts is not in the copy.
    pub fn backup_into(&self, empty: &Path) -> Result<Summary> {
        let name = empty.to_str().ok_or_else(|| io_error(empty, non_utf8()))?;
        self.conn.execute("VACUUM INTO ?1", [name])?;
        let taken =
            super::sql::timestamp(audit::stamp_for(self.is_demo()?, self.clock.timestamp()));
        Connection::open_with_flags(empty, read_write())?.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [META_TAKEN, &taken],
        )?;
        let copy = Connection::open_with_flags(empty, read_only())?;
        inspect(self.alongside(copy, empty), "the copy")
    }

    /// A store over another connection, acting for the same login on the same clock: it lends
    /// the copy the checks and counts of the real thing.
    fn alongside(&self, conn: Connection, path: &Path) -> Store {
        Store::over(conn, path, self.clock, self.actor.clone())
    }
}

/// Puts the backup at `backup` in place of the database at `target`, keeping the database it
/// replaces as `TARGET.replaced-YYYYMMDDTHHMMSS` (in a team's shared directory, inside a
/// directory of the restorer's own: see [`kept`]).
///
/// Only a team lead of the database it replaces may restore (see [`refuse_unless_lead`]). The
/// restored file's trail gets one more row saying who restored which backup over which trail, so
/// the live trail never goes back silently: its head moves on, it never returns to an earlier one.
///
/// Refused, with nothing changed, while any other process has `target` open, and for a backup
/// that is not a sound keywork database this build understands. `target` never goes missing: the
/// old file gets its second name first, then the checked copy replaces it in one rename.
pub fn restore(backup: &Path, target: &Path, clock: Clock, actor: Login) -> Result<Restored> {
    check_header(backup)?;
    refuse_unmerged_wal(backup)?;
    let lead_checked = refuse_unless_lead(target, clock, &actor)?;
    let _sole = SoleUser::lock(target)?;
    let dir = directory_of(target)?;
    let keep_in = kept::place(&dir, &actor).map_err(|(path, e)| io_error(&path, e))?;
    let aside = aside_path(target, &keep_in, clock);
    if aside.symlink_metadata().is_ok() {
        return Err(BackupError::Exists(aside));
    }
    let copy = copy_beside(backup, target, &dir)?;
    let inspected = checked_copy(&copy, backup, clock, actor.clone(), !lead_checked)?;
    let replaced_head = if target.exists() {
        Some(fold_wal_into_file(target)?)
    } else {
        None
    };
    let note = RestoreNote {
        backup_head: inspected.head.as_ref(),
        taken: inspected.taken.as_deref(),
        replaced_head: replaced_head.as_ref(),
        kept: replaced_head.as_ref().map(|_| {
            let relative = aside.strip_prefix(&dir).unwrap_or(&aside);
            relative.display().to_string()
        }),
    };
    let counts = record_restore(
        copy.path(),
        inspected.summary.schema_version,
        &note,
        clock,
        actor,
    )?;
    let summary = Summary {
        counts: counts.or(inspected.summary.counts),
        ..inspected.summary
    };
    seal(&copy)?;
    let replaced = match replaced_head {
        Some(_) => {
            if keep_in != dir {
                kept::make(&keep_in).map_err(|e| io_error(&keep_in, e))?;
            }
            Some(link_aside(target, aside)?)
        }
        None => None,
    };
    swap_in(copy, target, replaced.as_deref())?;
    sync_directory(&dir);
    // Nothing is mapped from it now: the next keywork to open the database starts a fresh one.
    let _ = std::fs::remove_file(sibling(target, "-shm"));
    Ok(Restored { summary, replaced })
}

/// What a checked copy holds, and what its trail and meta say of it.
struct Inspected {
    summary: Summary,
    head: Option<Head>,
    /// When `keywork backup` took it, as it noted in the copy; `None` for other files.
    taken: Option<String>,
}

/// The backup copied beside `target` (as `copy`), checked, and (`lead_from_copy`) the actor
/// checked as a team lead of its team list.
fn checked_copy(
    copy: &NamedTempFile,
    backup: &Path,
    clock: Clock,
    actor: Login,
    lead_from_copy: bool,
) -> Result<Inspected> {
    // A backup from `keywork backup` is in rollback mode already; a copy of a live file is not,
    // and reading that read-only would leave a -wal and -shm beside the copy.
    set_journal_mode(copy.path(), "DELETE").map_err(not_a_database(backup))?;
    // Read-only: SQLite's integrity check runs several times faster so.
    let conn = Connection::open_with_flags(copy.path(), read_only())?;
    inspect_backup(conn, copy.path(), backup, clock, actor, lead_from_copy)
}

/// As keywork keeps every database, in WAL mode (then even a reader holds the lock a later
/// restore checks for), and synced to disk.
fn seal(copy: &NamedTempFile) -> Result<()> {
    set_journal_mode(copy.path(), "WAL")?;
    copy.as_file()
        .sync_all()
        .map_err(|e| io_error(copy.path(), e))
}

/// Renames the copy over `target`; if that fails, the old file's second name (`replaced`) goes
/// again, leaving things as they were.
fn swap_in(copy: NamedTempFile, target: &Path, replaced: Option<&Path>) -> Result<()> {
    if let Err(e) = copy.persist(target) {
        if let Some(aside) = replaced {
            let _ = std::fs::remove_file(aside);
        }
        return Err(io_error(target, e.error));
    }
    Ok(())
}

/// Checks what a backup holds before anything is replaced: a keywork schema no newer than this
/// build, and SQLite's integrity and foreign-key checks.
fn inspect_backup(
    conn: Connection,
    copy: &Path,
    backup: &Path,
    clock: Clock,
    actor: Login,
    lead_from_copy: bool,
) -> Result<Inspected> {
    let found = migrate::schema_version(&conn).map_err(not_a_database(backup))?;
    if found > migrate::LATEST {
        return Err(BackupError::NewerSchema {
            path: backup.to_owned(),
            found,
            supported: migrate::LATEST,
        });
    }
    let has_records: bool = conn.query_row(
        "SELECT count(*) = 2 FROM sqlite_schema WHERE type = 'table' AND name IN ('clients', 'audit')",
        [],
        |r| r.get(0),
    )?;
    if found < 1 || !has_records {
        return Err(BackupError::NotKeywork(backup.to_owned()));
    }
    let store = Store::over(conn, copy, clock, actor);
    if lead_from_copy {
        store.may_restore()?;
    }
    let head = if found >= FIRST_CHAINED_SCHEMA {
        refuse_broken_chain(&store)?;
        audit::head(&store.conn)?
    } else {
        None
    };
    let taken = store.meta(META_TAKEN)?;
    let summary = inspect(store, &format!("the backup {}", backup.display()))?;
    Ok(Inspected {
        summary,
        head,
        taken,
    })
}

/// A backup is checked as `keywork check` checks the live file: a trail edited, cut or stripped
/// of its append-only triggers would otherwise become the team's record unnoticed.
fn refuse_broken_chain(copy: &Store) -> Result<()> {
    let chain = copy.verify_audit()?;
    let why = match (&chain.first_bad, chain.missing_triggers.first()) {
        (Some((row, _)), _) => format!("first bad row: {row}"),
        (None, Some(trigger)) => format!("the append-only trigger {trigger} is missing"),
        (None, None) => return Ok(()),
    };
    Err(BackupError::BrokenChain { why })
}

/// SQLite's integrity and foreign-key checks on a copy, then its size and row counts.
fn inspect(copy: Store, what: &str) -> Result<Summary> {
    let problems = match copy.integrity_problems() {
        Ok(problems) => problems,
        // Damage bad enough stops the check itself.
        Err(StoreError::Sqlite(e)) if e.sqlite_error_code() == Some(ErrorCode::DatabaseCorrupt) => {
            vec![e.to_string()]
        }
        Err(e) => return Err(e.into()),
    };
    if !problems.is_empty() {
        let shown: Vec<_> = problems.into_iter().take(3).collect();
        return Err(BackupError::Damaged {
            what: what.to_owned(),
            problems: shown.join("; "),
        });
    }
    let schema_version = copy.schema_version()?;
    let counts = if schema_version == migrate::LATEST {
        Some(copy.counts()?)
    } else {
        None
    };
    let bytes = std::fs::metadata(&copy.path)
        .map_err(|e| io_error(&copy.path, e))?
        .len();
    Ok(Summary {
        schema_version,
        counts,
        bytes,
    })
}

/// Refuses at once, before copying anything, a file that does not start as SQLite files do.
fn check_header(path: &Path) -> Result<()> {
    let mut header = [0u8; 16];
    let read = File::open(path).and_then(|mut file| file.read_exact(&mut header));
    match read {
        Ok(()) if &header == b"SQLite format 3\0" => Ok(()),
        Err(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => Err(io_error(path, e)),
        _ => Err(BackupError::NotSqlite(path.to_owned())),
    }
}

/// A backup with a non-empty `-wal` beside it is a live database, not a backup: copying the main
/// file alone would lose what the log holds.
fn refuse_unmerged_wal(backup: &Path) -> Result<()> {
    let wal = sibling(backup, "-wal");
    match std::fs::metadata(&wal) {
        Ok(meta) if meta.len() > 0 => Err(BackupError::UnmergedWal {
            path: backup.to_owned(),
            wal,
        }),
        _ => Ok(()),
    }
}

/// Our write lock on the DMS byte of the database's `-shm` file. Getting it proves no other
/// process has the database open in WAL mode; holding it keeps new connections out (SQLite
/// refuses to start beside a write lock there) until the restore is done.
///
/// An open-file-description lock on Linux: it conflicts with SQLite's own locks even in this
/// process, and closing some other descriptor of the file cannot drop it.
struct SoleUser {
    _shm: Option<File>,
}

impl SoleUser {
    fn lock(db: &Path) -> Result<Self> {
        let shm = sibling(db, "-shm");
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&shm)
        {
            Ok(file) => file,
            // No -shm: nobody has the database open in WAL mode.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self { _shm: None }),
            Err(e) => return Err(io_error(&shm, e)),
        };
        match write_lock_dms(&file) {
            Ok(()) => Ok(Self { _shm: Some(file) }),
            Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EACCES) => {
                Err(BackupError::InUse(db.to_owned()))
            }
            Err(e) => Err(io_error(&shm, e.into())),
        }
    }
}

fn write_lock_dms(shm: &File) -> nix::Result<()> {
    use nix::fcntl::{FcntlArg, fcntl};
    use nix::libc;
    let lock = libc::flock {
        l_type: libc::F_WRLCK as libc::c_short,
        l_whence: libc::SEEK_SET as libc::c_short,
        l_start: SHM_DMS_BYTE,
        l_len: 1,
        l_pid: 0,
    };
    #[cfg(target_os = "linux")]
    let arg = FcntlArg::F_OFD_SETLK(&lock);
    // Elsewhere a process-wide lock: nothing else in this process opens the -shm meanwhile.
    #[cfg(not(target_os = "linux"))]
    let arg = FcntlArg::F_SETLK(&lock);
    fcntl(shm, arg).map(drop)
}

/// Copies the backup to a hidden file in the target's directory (so the final rename is atomic),
/// with the permissions and group of the file it will replace.
fn copy_beside(backup: &Path, target: &Path, dir: &Path) -> Result<NamedTempFile> {
    let prefix = format!(
        ".{}.",
        target.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut copy = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".restore")
        .tempfile_in(dir)
        .map_err(|e| io_error(dir, e))?;
    let mut from = File::open(backup).map_err(|e| io_error(backup, e))?;
    std::io::copy(&mut from, &mut copy).map_err(|e| io_error(copy.path(), e))?;
    take_over_permissions(copy.as_file(), target).map_err(|e| io_error(target, e))?;
    Ok(copy)
}

/// A shared team database is 0660 in the team's group: its replacement must be too, or
/// colleagues are locked out. A new database stays owner-only.
#[cfg(unix)]
fn take_over_permissions(new: &File, old: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let old = match std::fs::metadata(old) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    new.set_permissions(old.permissions())?;
    if new.metadata()?.gid() != old.gid() {
        std::os::unix::fs::fchown(new, None, Some(old.gid()))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn take_over_permissions(_new: &File, _old: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Folds the write-ahead log into the database file and leaves WAL mode, so the file alone holds
/// every committed record and no `-wal` is left to be replayed onto its replacement; returns the
/// head of its trail as it is replaced. Exclusive locking mode keeps SQLite off the `-shm` (whose
/// lock we hold) and fails if any other connection still has the file open.
fn fold_wal_into_file(target: &Path) -> Result<Option<Head>> {
    let conn = Connection::open_with_flags(target, read_write())?;
    conn.busy_timeout(CLOSING_GRACE)?;
    let in_use = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            BackupError::InUse(target.to_owned())
        }
        _ => e.into(),
    };
    conn.query_row("PRAGMA locking_mode = EXCLUSIVE", [], |_| Ok(()))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .map_err(in_use)?;
    // A file keywork cannot read a trail from (damaged, not keywork's) is replaced all the same:
    // the restore row then says its head is unknown.
    let head = audit::head(&conn).ok().flatten();
    conn.close().map_err(|(_, e)| in_use(e))?;
    let wal = sibling(target, "-wal");
    if mode != "delete" || std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(BackupError::InUse(target.to_owned()));
    }
    Ok(head)
}

/// Gives the folded database its second name `aside`; returns it.
fn link_aside(target: &Path, aside: PathBuf) -> Result<PathBuf> {
    std::fs::hard_link(target, &aside).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BackupError::Exists(aside.clone()),
        _ => io_error(&aside, e),
    })?;
    Ok(aside)
}

/// Sets the journal mode of the restore's own copy, closing it again so no -wal is left.
fn set_journal_mode(copy: &Path, mode: &str) -> rusqlite::Result<()> {
    let conn = Connection::open_with_flags(copy, read_write())?;
    conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |_| Ok(()))?;
    conn.close().map_err(|(_, e)| e)
}

/// SQLite's "file is not a database" about the copy, said of the backup it came from.
fn not_a_database(backup: &Path) -> impl FnOnce(rusqlite::Error) -> BackupError {
    move |e| match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => BackupError::NotSqlite(backup.to_owned()),
        _ => e.into(),
    }
}

/// `DIR/NAME.replaced-YYYYMMDDTHHMMSS`, in the directory `kept::place` chose.
fn aside_path(target: &Path, dir: &Path, clock: Clock) -> PathBuf {
    let stamp = clock.timestamp().with_timezone(&Local);
    let mut name = target.file_name().unwrap_or_default().to_owned();
    name.push(format!(".replaced-{}", stamp.format("%Y%m%dT%H%M%S")));
    dir.join(name)
}

/// `path` with `suffix` added to its file name, as SQLite names its `-wal` and `-shm`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn directory_of(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::canonicalize(dir).map_err(|e| io_error(dir, e))
}

/// Makes a rename survive a power cut; a filesystem that cannot sync a directory is no failure.
fn sync_directory(dir: &Path) {
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

fn read_only() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

fn read_write() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

fn io_error(path: &Path, source: std::io::Error) -> BackupError {
    BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

fn non_utf8() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, "the name is not UTF-8")
}
