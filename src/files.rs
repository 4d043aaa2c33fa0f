//! Files keywork writes for people to take away (exports, reports, backups), from the command
//! line or the screen. Each appears whole, owner-only, or not at all: a failure half way must
//! never leave a file that looks complete.

use std::error::Error;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Why an output file was not written. The message says so, so nobody goes looking for it, and
/// says what to do in words rather than as an error number.
#[derive(Debug, thiserror::Error)]
#[error("could not {what}: {}; nothing was written to {}", reason(.source.as_ref(), .path), .path.display())]
pub struct OutputError {
    what: &'static str,
    path: PathBuf,
    source: Box<dyn Error + Send + Sync>,
}

/// The output path names something that is already there.
#[derive(Debug, thiserror::Error)]
enum Taken {
    #[error("that is a directory: name a new file inside it")]
    Directory,
    #[error("that file already exists, and keywork never writes over one: name a new file")]
    File,
    #[error("that is a device or other special file, not a new file: name a new file")]
    Special,
}

impl Taken {
    fn of(meta: &std::fs::Metadata) -> Taken {
        let kind = meta.file_type();
        if kind.is_dir() {
            Taken::Directory
        } else if kind.is_file() || kind.is_symlink() {
            Taken::File
        } else {
            Taken::Special
        }
    }
}

/// The cause in words, with what to do about it: the system's own text only for the rare
/// failures with no plain remedy.
fn reason(source: &(dyn Error + Send + Sync + 'static), path: &Path) -> String {
    use std::io::ErrorKind;
    let Some(io) = source.downcast_ref::<std::io::Error>() else {
        return source.to_string();
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match io.kind() {
        ErrorKind::AlreadyExists => Taken::File.to_string(),
        ErrorKind::StorageFull => {
            "the disk is full: free some space, or name a file on another disk".to_owned()
        }
        ErrorKind::FileTooLarge => "the file grew past the size this login may write \
                                    (ulimit -f) or the disk allows: name a file on another disk"
            .to_owned(),
        ErrorKind::PermissionDenied => format!(
            "this login may not write in {}: name a file in a directory you can write to",
            dir.display()
        ),
        ErrorKind::ReadOnlyFilesystem => {
            "that disk is mounted read-only: name a file on another disk".to_owned()
        }
        ErrorKind::NotFound => format!(
            "the directory {} does not exist: create it or name another",
            dir.display()
        ),
        _ => io.to_string(),
    }
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
    if let Ok(meta) = path.symlink_metadata() {
        return Err(fail(Taken::of(&meta).into()));
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
