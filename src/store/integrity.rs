//! SQLite's own checks of the file: the full one `check` runs, and the quick one that stands
//! between a damaged file and the first write of a run.

use super::{Result, Store};
use rusqlite::{Connection, OpenFlags};

/// How many problems a check lists: enough to say what is damaged, not a page per broken row.
pub const MAX_PROBLEMS: usize = 20;

impl Store {
    /// SQLite's own `integrity_check` and `foreign_key_check`, at most [`MAX_PROBLEMS`] lines;
    /// empty when all is well.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = pragma_problems(&self.conn, "integrity_check")?;
        if !problems.is_empty() {
            // Reading the tables of a damaged file fails or misleads: what is damaged is said.
            return Ok(problems);
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        for row in stmt.query_map([], |r| {
            Ok(format!(
                "{} row {} breaks a foreign key",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?
            ))
        })? {
            problems.push(row?);
            if problems.len() == MAX_PROBLEMS {
                break;
            }
        }
        Ok(problems)
    }

    /// SQLite's `quick_check` (the structure of every page, without comparing indexes to their
    /// tables); empty when all is well. Run on a read-only connection of its own: on the
    /// 10,000-client file it took 0.6 s there against 10-17 s on a read-write connection
    /// (measured with the bundled SQLite 3.54.1, release build).
    pub fn quick_problems(&self) -> Result<Vec<String>> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        pragma_problems(&conn, "quick_check")
    }
}

/// The lines of `PRAGMA {check}(N)` other than "ok". On a badly damaged file SQLite gives what
/// it found and then fails with "malformed": the lines found are kept and the failure becomes
/// the last line, so the damage is named rather than lost in an error.
fn pragma_problems(conn: &Connection, check: &str) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare(&format!("PRAGMA {check}({MAX_PROBLEMS})"))?;
    let mut rows = stmt.query([])?;
    loop {
        match rows.next() {
            Ok(Some(row)) => {
                let line: String = row.get(0)?;
                if line != "ok" {
                    problems.extend(line.lines().map(str::to_owned));
                }
            }
            Ok(None) => break,
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
                ) =>
            {
                problems.push(format!("{check} stopped: {e}"));
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }
    problems.truncate(MAX_PROBLEMS);
    Ok(problems)
}
