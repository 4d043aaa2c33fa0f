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
        insert_review(w, r, None)
    }
}

/// Writes one review row, with a prescribing review's checklist (as JSON) when it has one.
fn insert_review(w: &Writer<'_>, r: &Review, checklist: Option<&str>) -> Result<i64> {
    let done = r.completion.as_ref();
    w.tx.prepare_cached(
        "INSERT INTO reviews (client_id, kind, due_on, completed_on, completed_by, outcome,
                              checklist, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        r.client_id,
        r.kind,
        r.due_on,
        done.map(|d| d.completed_on),
        done.map(|d| d.completed_by),
        done.map(|d| &d.outcome),
        checklist,
        w.stamp
    ])?;
    Ok(w.tx.last_insert_rowid())
}

impl Writer<'_> {
    /// Records a completed review of the one due on `due_on`, unless someone has recorded it
    /// already (the write lock makes the check and the insert one step). A completion entered
    /// in error answers nothing, so the review can be recorded again.
    pub fn complete_review(&self, review: &Review) -> Result<i64> {
        use rusqlite::OptionalExtension;
        let done: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM reviews WHERE client_id = ?1 AND kind = ?2 AND due_on = ?3
                   AND completed_on IS NOT NULL AND in_error_at IS NULL",
                rusqlite::params![review.client_id, review.kind, review.due_on],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = done {
            return Err(super::StoreError::AlreadyDone {
                what: RecordType::Review,
                id,
            });
        }
        let id = Review::insert(self, review)?;
        if self.audit_each {
            self.audit(
                crate::domain::AuditAction::Complete,
                RecordType::Review,
                Some(id),
            )?;
        }
        Ok(id)
    }
}

impl Writer<'_> {
    /// Inserts a completed prescribing review with its checklist in one statement: what the demo
    /// generator writes by the ten thousand, where an insert then an update costs twice the time.
    pub fn insert_review_with_checklist(
        &self,
        r: &Review,
        checklist: &crate::domain::PrescribingChecklist,
    ) -> Result<i64> {
        let json = serde_json::to_string(checklist).map_err(|e| super::StoreError::Invalid {
            what: RecordType::Review,
            source: crate::domain::DomainError::Rule(e.to_string()),
        })?;
        let id = insert_review(self, r, Some(&json))?;
        if self.audit_each {
            self.audit(
                crate::domain::AuditAction::Create,
                RecordType::Review,
                Some(id),
            )?;
        }
        Ok(id)
    }

    /// Keeps a prescribing review's checklist with it.
    pub fn set_review_checklist(
        &self,
        review_id: i64,
        checklist: &crate::domain::PrescribingChecklist,
    ) -> Result<()> {
        let json = serde_json::to_string(checklist).map_err(|e| super::StoreError::Invalid {
            what: RecordType::Review,
            source: crate::domain::DomainError::Rule(e.to_string()),
        })?;
        self.tx.execute(
            "UPDATE reviews SET checklist = ?2 WHERE id = ?1",
            params![review_id, json],
        )?;
        Ok(())
    }
}

impl super::Store {
    /// The checklists kept with a client's prescribing reviews, by review id.
    pub fn review_checklists(
        &self,
        client_id: i64,
    ) -> Result<std::collections::BTreeMap<i64, crate::domain::PrescribingChecklist>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, checklist FROM reviews WHERE client_id = ?1 AND checklist IS NOT NULL",
        )?;
        let rows = stmt.query_map([client_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut checklists = std::collections::BTreeMap::new();
        for row in rows {
            let (id, json) = row?;
            // A checklist this version cannot read (written by a newer one) is left out.
            if let Ok(checklist) = serde_json::from_str(&json) {
                checklists.insert(id, checklist);
            }
        }
        Ok(checklists)
    }

    /// A prescribing review's checklist, if one was kept.
    pub fn review_checklist(
        &self,
        review_id: i64,
    ) -> Result<Option<crate::domain::PrescribingChecklist>> {
        let json: Option<String> = self.conn.query_row(
            "SELECT checklist FROM reviews WHERE id = ?1",
            [review_id],
            |r| r.get(0),
        )?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }
}
