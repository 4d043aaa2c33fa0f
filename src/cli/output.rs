//! Files keywork writes for people to take away (exports, reports, backups). Each appears whole,
//! owner-only, or not at all: a failure half way must never leave a file that looks complete.

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

/// A text cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, tab or
/// CR) with `'` put in front, as OWASP advises against CSV injection: the cell then reads as the
/// text it is. Only for text: a number such as `-3` must stay a number.
pub fn guard_csv_text(text: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// What a spreadsheet would run as a formula at the start of a cell.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell needs the `'` guard: it starts with a formula character, or is already `'`s
/// before one (so that taking one `'` off on import always gives back the original).
fn needs_guard(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell as read back: exactly the guard [`guard_csv_text`] adds comes off, nothing else.
pub fn unguard_csv_text(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => text,
    }
}

/// CSV: a header row of `columns` (written even when there are no rows), then each row's fields
/// in that order. Which cells are guarded is decided by each field's type, not its contents:
/// text fields pass through [`guard_csv_text`]; numbers, booleans and absent values are written
/// as they are, so a negative count stays a number a spreadsheet can sum.
pub fn csv_with_guarded_text<T: serde::Serialize>(
    columns: &[&str],
    rows: impl IntoIterator<Item = T>,
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    writer.write_record(columns)?;
    for row in rows {
        let fields = serde_json::to_value(&row).map_err(std::io::Error::other)?;
        let record = columns.iter().map(|column| cell(&fields[*column]));
        writer.write_record(record.collect::<Vec<_>>())?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

fn cell(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => guard_csv_text(s).into_owned(),
        other => guard_csv_text(&other.to_string()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_guarded_and_other_text_is_not() {
        for formula in ["=1+2", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(guard_csv_text(formula), format!("'{formula}"));
        }
        for plain in ["Jo", "1+2", "", "'quoted", "KW-00001"] {
            assert_eq!(guard_csv_text(plain), plain);
        }
    }

    #[test]
    fn numbers_stay_numbers_and_text_that_looks_like_one_is_guarded() {
        #[derive(serde::Serialize)]
        struct Row {
            name: &'static str,
            days_over: i64,
            note: Option<&'static str>,
            overdue: bool,
        }
        let rows = [Row {
            name: "-3",
            days_over: -3,
            note: None,
            overdue: false,
        }];
        let out = csv_with_guarded_text(&["name", "days_over", "note", "overdue"], rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,days_over,note,overdue\n'-3,-3,,false\n"
        );
    }
}
