//! Files keywork writes for people to take away (exports, reports, backups), from the command
//! line or the screen. Each appears whole, owner-only, or not at all: a failure half way must
//! never leave a file that looks complete.

use std::error::Error;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Why an output file was not written. The message says so, so nobody goes looking for it.
#[derive(Debug, thiserror::Error)]
#[error("could not {what}: {source}; nothing was written to {}", .path.display())]
pub struct OutputError {
    what: &'static str,
    path: PathBuf,
    source: Box<dyn Error + Send + Sync>,
}

/// Writes the new file `path` through `fill`, which gets an empty temporary file (mode 0600) in
/// the same directory. Only once `fill` succeeds and the data is on disk is the file renamed into
/// place; an existing file is refused, and on any error the temporary file is removed.
///
/// `what` names the job for the message: "could not {what}: ...".
pub fn write_new<T, E>(
    path: &Path,
    what: &'static str,
    fill: impl FnOnce(&mut NamedTempFile) -> Result<T, E>,
) -> Result<T, OutputError>
where
    E: Into<Box<dyn Error + Send + Sync>>,
{
    let fail = |source: Box<dyn Error + Send + Sync>| OutputError {
        what,
        path: path.to_owned(),
        source,
    };
    // Refused before the work, not only at the rename: an export can take a while.
    if path.symlink_metadata().is_ok() {
        return Err(fail(already_exists().into()));
    }
    let dir = directory_of(path).map_err(|e| fail(e.into()))?;
    let mut temp = temporary_in(&dir, path).map_err(|e| fail(e.into()))?;
    let value = fill(&mut temp).map_err(|e| fail(e.into()))?;
    temp.as_file().sync_all().map_err(|e| fail(e.into()))?;
    temp.persist_noclobber(path)
        .map_err(|e| fail(e.error.into()))?;
    sync_directory(&dir);
    Ok(value)
}

/// The error `create_new` gives for a name that is taken, so both checks read the same.
fn already_exists() -> std::io::Error {
    std::io::Error::from_raw_os_error(nix::libc::EEXIST)
}

/// The absolute directory that will hold `path`: absolute, so that SQLite never reads the
/// temporary file's name as a `file:` URI.
fn directory_of(path: &Path) -> std::io::Result<PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::canonicalize(dir)
}

/// A hidden, owner-only file beside `path` whose name says what it will become.
fn temporary_in(dir: &Path, path: &Path) -> std::io::Result<NamedTempFile> {
    let prefix = format!(
        ".{}.",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    builder.tempfile_in(dir)
}

/// Makes the rename itself survive a power cut. Some filesystems cannot sync a directory; the
/// file is complete and in place by then, so that is not a failure.
fn sync_directory(dir: &Path) {
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// `path`, or the first of `stem-2.ext`, `stem-3.ext`, ... that is free: a new name rather than
/// writing over an earlier export.
pub fn free_name(path: &Path) -> PathBuf {
    if path.symlink_metadata().is_err() {
        return path.to_owned();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2..)
        .map(|n| path.with_file_name(format!("{stem}-{n}{ext}")))
        .find(|p| p.symlink_metadata().is_err())
        .expect("some number is free")
}
