use super::sql::conversion_error;
use super::{Result, Table, Writer, invalid};
use crate::domain::{Goal, GoalAction, GoalArea, HierarchyLevel, RecordType};
use rusqlite::params;
use rusqlite::types::FromSqlError;

impl Table for Goal {
    const RECORD: RecordType = RecordType::Goal;
    const SELECT: &'static str = "SELECT t.* FROM goals t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let level: Option<u8> = row.get("hierarchy_level")?;
        let level =
            level.map(|n| HierarchyLevel::from_number(n).ok_or(FromSqlError::OutOfRange(n.into())));
        let level = level
            .transpose()
            .map_err(|e| conversion_error(row, "hierarchy_level", e))?;
        let area = GoalArea::new(row.get("domain")?, level)
            .map_err(|e| conversion_error(row, "domain", FromSqlError::Other(Box::new(e))))?;
        Ok(Goal {
            client_id: row.get("client_id")?,
            area,
            in_own_words: row.get("in_own_words")?,
            why_it_matters: row.get("why_it_matters")?,
            set_on: row.get("set_on")?,
            target_date: row.get("target_date")?,
            status: row.get("status")?,
            progress: row.get("progress")?,
        })
    }

    fn insert(w: &Writer<'_>, g: &Self) -> Result<i64> {
        g.validate().map_err(invalid(RecordType::Goal))?;
        w.tx.prepare_cached(
            "INSERT INTO goals (client_id, domain, hierarchy_level, in_own_words, why_it_matters, set_on, target_date,
                status, progress, progress_on, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?6, ?10, ?10)",
        )?
        .execute(params![
            g.client_id,
            g.area.domain(),
            g.area.level().map(HierarchyLevel::number),
            g.in_own_words,
            g.why_it_matters,
            g.set_on,
            g.target_date,
            g.status,
            g.progress,
            w.stamp
        ])?;
        Ok(w.tx.last_insert_rowid())
    }
}

impl Table for GoalAction {
    const RECORD: RecordType = RecordType::GoalAction;
    const SELECT: &'static str = "SELECT t.* FROM goal_actions t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(GoalAction {
            goal_id: row.get("goal_id")?,
            step: row.get("step")?,
            owner: row.get("owner")?,
            due_on: row.get("due_on")?,
            done_on: row.get("done_on")?,
        })
    }

    fn insert(w: &Writer<'_>, a: &Self) -> Result<i64> {
        w.tx.prepare_cached(
            "INSERT INTO goal_actions (goal_id, step, owner, due_on, done_on, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        )?
        .execute(params![a.goal_id, a.step, a.owner, a.due_on, a.done_on, w.stamp])?;
        Ok(w.tx.last_insert_rowid())
    }
}

impl Writer<'_> {
    /// Saves a changed goal if nobody else has saved it since `read_version`.
    /// The version it replaces is kept, as with an amendment.
    pub fn update_goal(&self, id: i64, read_version: i64, g: &Goal) -> Result<()> {
        g.validate().map_err(invalid(RecordType::Goal))?;
        self.keep_if_current::<Goal>(id, read_version)?;
        let changed = self
            .tx
            .prepare_cached(
                "UPDATE goals SET domain = ?3, hierarchy_level = ?4, in_own_words = ?5, why_it_matters = ?6,
                    target_date = ?7, status = ?8, progress = ?9, updated_at = ?10, row_version = row_version + 1,
                    progress_on = CASE WHEN progress IS ?9 AND status IS ?8 THEN progress_on ELSE ?11 END
                 WHERE id = ?1 AND row_version = ?2",
            )?
            .execute(params![
                id,
                read_version,
                g.area.domain(),
                g.area.level().map(HierarchyLevel::number),
                g.in_own_words,
                g.why_it_matters,
                g.target_date,
                g.status,
                g.progress,
                self.stamp,
                self.today
            ])?;
        self.expect_updated(RecordType::Goal, "goals", id, changed)
    }

    /// Saves a changed action (its step, or ticked done) if unchanged since `read_version`.
    /// The version it replaces is kept, as with an amendment.
    pub fn update_goal_action(&self, id: i64, read_version: i64, a: &GoalAction) -> Result<()> {
        self.keep_if_current::<GoalAction>(id, read_version)?;
        let changed = self
            .tx
            .prepare_cached(
                "UPDATE goal_actions SET step = ?3, owner = ?4, due_on = ?5, done_on = ?6, updated_at = ?7,
                    row_version = row_version + 1
                 WHERE id = ?1 AND row_version = ?2",
            )?
            .execute(params![id, read_version, a.step, a.owner, a.due_on, a.done_on, self.stamp])?;
        self.expect_updated(RecordType::GoalAction, "goal_actions", id, changed)
    }

    /// Sets the day a goal's progress was last recorded. For imports of past records; otherwise
    /// insert and update keep it.
    pub fn set_goal_progress_on(&self, id: i64, on: chrono::NaiveDate) -> Result<()> {
        self.tx.execute(
            "UPDATE goals SET progress_on = ?2 WHERE id = ?1",
            params![id, on],
        )?;
        Ok(())
    }
}
