use super::{Result, Table, Writer};
use crate::domain::{RecordType, Review, ReviewCompletion};
use rusqlite::params;

impl Table for Review {
    const RECORD: RecordType = RecordType::Review;
    const SELECT: &'static str = "SELECT t.* FROM reviews t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let completed_on = row.get("completed_on")?;
        let completed_by = row.get("completed_by")?;
        let outcome = row.get("outcome")?;
        let completion = match (completed_on, completed_by, outcome) {
            (Some(completed_on), Some(completed_by), Some(outcome)) => Some(ReviewCompletion {
                completed_on,
                completed_by,
                outcome,
            }),
            _ => None,
        };
        Ok(Review {
            client_id: row.get("client_id")?,
            kind: row.get("kind")?,
            due_on: row.get("due_on")?,
            completion,
        })
    }

    fn insert(w: &Writer<'_>, r: &Self) -> Result<i64> {
        let done = r.completion.as_ref();
        w.tx.prepare_cached(
            "INSERT INTO reviews (client_id, kind, due_on, completed_on, completed_by, outcome, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?
        .execute(params![
            r.client_id,
            r.kind,
            r.due_on,
            done.map(|d| d.completed_on),
            done.map(|d| d.completed_by),
            done.map(|d| &d.outcome),
            w.stamp
        ])?;
        Ok(w.tx.last_insert_rowid())
    }
}

impl Writer<'_> {
    /// Marks an open review done if unchanged since `read_version` (nobody completed it meanwhile).
    pub fn complete_review(
        &self,
        id: i64,
        read_version: i64,
        done: &ReviewCompletion,
    ) -> Result<()> {
        let changed = self
            .tx
            .prepare_cached(
                "UPDATE reviews SET completed_on = ?3, completed_by = ?4, outcome = ?5, updated_at = ?6,
                    row_version = row_version + 1
                 WHERE id = ?1 AND row_version = ?2 AND completed_on IS NULL",
            )?
            .execute(params![id, read_version, done.completed_on, done.completed_by, done.outcome, self.stamp])?;
        if changed == 1 && self.audit_each {
            self.audit(
                crate::domain::AuditAction::Complete,
                RecordType::Review,
                Some(id),
            )?;
            return Ok(());
        }
        self.expect_updated(RecordType::Review, "reviews", id, changed)
    }
}
