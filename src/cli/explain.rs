//! SQLite's generic failures ("attempt to write a readonly database", "disk I/O error") as one
//! line that names the file and says what to do. SQLite cannot tell which file or why; keywork
//! can look: at the directory's and the file's permissions, and at the space left on the disk.

use super::CliError;
use crate::store::StoreError;
use nix::unistd::{AccessFlags, access};
use rusqlite::ErrorCode;
use std::path::Path;

/// `error` in plain words when it is one of SQLite's generic failures on the database `db`;
/// any other error as it was.
pub(super) fn store_error(error: StoreError, db: &Path) -> CliError {
    let StoreError::Sqlite(e) = &error else {
        return error.into();
    };
    match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => CliError::Usage(read_only(db)),
        Some(ErrorCode::SystemIoFailure | ErrorCode::DiskFull) => {
            CliError::Usage(cannot_write(db, &e.to_string()))
        }
        _ => error.into(),
    }
}

fn directory_of(db: &Path) -> &Path {
    db.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn writable(path: &Path) -> bool {
    access(path, AccessFlags::W_OK).is_ok()
}

/// Which of the directory, the database file or its -wal/-shm files this login cannot write.
fn read_only(db: &Path) -> String {
    let dir = directory_of(db);
    let name = db.file_name().unwrap_or_default().to_string_lossy();
    let sidecar = |suffix: &str| dir.join(format!("{name}{suffix}"));
    let what = if !writable(dir) {
        format!(
            "its directory {} is read-only for this login, and SQLite must create {name}-wal and \
             {name}-shm there. Ask the administrator to let the team's group write to the \
             directory (chmod 2770, as `keywork init` sets it)",
            dir.display()
        )
    } else if !writable(db) {
        "the file is read-only for this login. Ask the administrator to let the team's group \
         write to it (chmod 660)"
            .to_owned()
    } else if let Some(file) = ["-wal", "-shm"]
        .map(sidecar)
        .into_iter()
        .find(|f| f.exists() && !writable(f))
    {
        format!(
            "{} is read-only for this login. Ask the administrator to let the team's group write \
             to it (chmod 660)",
            file.display()
        )
    } else {
        "SQLite found it read-only (a disk mounted read-only?). Ask the administrator to check \
         the disk"
            .to_owned()
    };
    format!(
        "{} cannot be written: {what}. Nothing was changed",
        db.display()
    )
}

/// A failed write to the disk: most often a full disk, which the free space shows.
fn cannot_write(db: &Path, sqlite: &str) -> String {
    let dir = directory_of(db);
    // The field types differ between platforms, hence the casts.
    #[allow(clippy::unnecessary_cast)]
    let free = nix::sys::statvfs::statvfs(dir)
        .map(|s| {
            let bytes = s.blocks_available() as u64 * s.fragment_size() as u64;
            format!("{} MiB free", bytes / 1_048_576)
        })
        .unwrap_or_else(|_| "free space unknown".to_owned());
    format!(
        "{}: SQLite could not write to the disk ({sqlite}; {free} in {}). The disk may be full or \
         failing: free some space there or ask the administrator to check the disk, then run the \
         command again. Nothing was saved",
        db.display(),
        dir.display()
    )
}
