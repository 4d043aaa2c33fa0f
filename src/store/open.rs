//! Opening a database file: refusing what is not ours before anything is written.

use super::{BUSY_TIMEOUT, StoreError, migrate};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::io::Read;
use std::path::Path;

/// What the caller will do with the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read only: the file must exist and is never changed.
    Read,
    /// Read and write an existing database.
    Write,
    /// Read and write, creating the file (owner-only) if it does not exist.
    Create,
    /// Create the schema in a file [`Access::Create`] found new or empty: the first write.
    Materialise,
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Opens the database. A new or empty file opened to write is not touched yet: the connection
/// returned is then an in-memory copy of the empty schema (the `bool` is true), and the file is
/// created and given its schema by [`Access::Materialise`] when something is first written.
pub fn connect(path: &Path, access: Access) -> Result<(Connection, bool), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_owned(),
        source,
    };
    // Asked of the filesystem rather than with `exists()`, which says "no" when the answer is
    // "not allowed": a worker not yet in the team's group must hear that, not be offered a new,
    // empty database.
    let found = match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => return Err(StoreError::IsDirectory(path.to_owned())),
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Err(super::team_files::denied(path));
        }
        Err(_) => false,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Err(super::team_files::denied(path));
        }
        _ => {
            return Err(StoreError::MissingDirectory {
                path: path.to_owned(),
                dir: dir.to_owned(),
            });
        }
    }
    if let Some(kind) = network_filesystem(dir) {
        return Err(StoreError::NetworkFilesystem {
            path: path.to_owned(),
            kind,
        });
    }
    if !found {
        match access {
            Access::Create => return Ok((empty_schema()?, true)),
            Access::Materialise => create_owner_only(path).map_err(io)?,
            Access::Read | Access::Write => return Err(StoreError::NoDatabase(path.to_owned())),
        }
    }
    check_header(path).map_err(|e| match e {
        HeaderError::Io(source) if source.kind() == std::io::ErrorKind::PermissionDenied => {
            super::team_files::denied(path)
        }
        HeaderError::Io(source) => StoreError::Io {
            path: path.to_owned(),
            source,
        },
        HeaderError::NotSqlite => StoreError::NotSqlite(path.to_owned()),
    })?;
    let writable = access != Access::Read;
    if writable && is_read_only(path).map_err(io)? {
        return Err(StoreError::ReadOnly(path.to_owned()));
    }
    let empty = std::fs::metadata(path).map_err(io)?.len() == 0;
    if empty && matches!(access, Access::Create | Access::Write) {
        return Ok((empty_schema()?, true));
    }

    let flags = if writable {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    check_schema(&conn, path, writable)?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")?;
    if writable {
        // WAL lets readers work while one writer saves; FULL keeps a committed note through a
        // power cut. Both are set only now, once the file is known to be ours.
        // Setting WAL on a file already in WAL takes no lock, so a colleague's long write does
        // not stop the screens opening; migrating does, so it runs only when needed.
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        if super::replica::leaves_checkpoints_to_litestream(path) {
            let pages = super::replica::SAFETY_NET_CHECKPOINT_PAGES;
            conn.pragma_update(None, "wal_autocheckpoint", pages)?;
        }
        if migrate::needed(&conn)? {
            migrate::run(&mut conn)?;
        }
    }
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    Ok((conn, false))
}

/// An in-memory database holding the current schema and nothing else: what a new file reads as
/// until its first write.
fn empty_schema() -> Result<Connection, StoreError> {
    let mut conn = Connection::open_in_memory()?;
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    migrate::run(&mut conn)?;
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    Ok(conn)
}

#[cfg(unix)]
fn create_owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
}

#[cfg(not(unix))]
fn create_owner_only(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map(drop)
}

/// A file whose permission bits allow no writing at all. Checked by mode rather than by trying,
/// so that even root (who could write anyway) respects a file someone made read-only.
fn is_read_only(path: &Path) -> std::io::Result<bool> {
    Ok(std::fs::metadata(path)?.permissions().readonly())
}

enum HeaderError {
    Io(std::io::Error),
    NotSqlite,
}

/// An empty file is a new database; anything else must start with SQLite's magic header.
fn check_header(path: &Path) -> Result<(), HeaderError> {
    let mut file = std::fs::File::open(path).map_err(HeaderError::Io)?;
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]).map_err(HeaderError::Io)? {
            0 => break,
            n => read += n,
        }
    }
    match read {
        0 => Ok(()),
        16 if &header == SQLITE_HEADER => Ok(()),
        _ => Err(HeaderError::NotSqlite),
    }
}

fn check_schema(conn: &Connection, path: &Path, writable: bool) -> Result<(), StoreError> {
    let found = migrate::schema_version(conn).map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotSqlite(path.to_owned()),
        _ => StoreError::Sqlite(e),
    })?;
    let supported = migrate::LATEST;
    if found > supported {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found,
            supported,
        });
    }
    if found == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables > 0 {
            return Err(StoreError::NotKeywork(path.to_owned()));
        }
    }
    if found < supported && !writable {
        return Err(if found == 0 {
            StoreError::NoDatabase(path.to_owned())
        } else {
            StoreError::NeedsUpgrade {
                path: path.to_owned(),
                found,
                supported,
            }
        });
    }
    Ok(())
}

/// The kind of network filesystem `dir` is on, if it is one. SQLite's WAL needs every process on
/// one host sharing memory-mapped index files, which NFS and SMB cannot give: a database there
/// can be corrupted, so it is refused rather than risked.
#[cfg(target_os = "linux")]
fn network_filesystem(dir: &Path) -> Option<&'static str> {
    // The kernel's magic numbers (statfs(2)).
    const NFS: i64 = 0x6969;
    const SMB: i64 = 0x517B;
    const CIFS: i64 = 0xFF53_4D42;
    const SMB2: i64 = 0xFE53_4D42;
    // The field's integer type differs between platforms; i64 holds them all.
    #[allow(clippy::useless_conversion)]
    let magic = i64::from(nix::sys::statfs::statfs(dir).ok()?.filesystem_type().0);
    match magic {
        NFS => Some("NFS"),
        SMB | CIFS | SMB2 => Some("SMB/CIFS"),
        _ => None,
    }
}

#[cfg(not(target_os = "linux"))]
fn network_filesystem(_dir: &Path) -> Option<&'static str> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn autocheckpoint(path: &Path) -> i64 {
        let (conn, _) = connect(path, Access::Write).unwrap();
        conn.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn checkpoints_are_left_to_litestream_only_while_replication_is_configured() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.db");
        let (conn, _) = connect(&path, Access::Materialise).unwrap();
        migrate::run(&mut { conn }).unwrap();
        assert_eq!(autocheckpoint(&path), 1000, "SQLite's own default");
        std::fs::write(super::super::replica::config_path(&path), "dbs: []\n").unwrap();
        assert_eq!(
            autocheckpoint(&path),
            4000,
            "Litestream checkpoints; keywork only far above its 1,000 pages"
        );
    }
}
