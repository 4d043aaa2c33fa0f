//! Drafts of open forms. Written on change (debounced) and on the way out; removed on save or
//! discard. They belong to a login: one worker never sees another's half-written note.

use super::sql::{get_stored, timestamp};
use super::{Result, Store};
use crate::domain::{Login, Stored};
use rusqlite::{OptionalExtension, params};

/// What a draft holds: which form, about whom, and the fields' text as JSON.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Draft {
    pub login: Login,
    pub form: String,
    pub client_id: Option<i64>,
    pub target_id: Option<i64>,
    pub target_version: Option<i64>,
    pub content: serde_json::Value,
}

/// Every draft, for the export.
pub(super) const SELECT_ALL: &str = "SELECT * FROM drafts ORDER BY id";

pub(super) fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Stored<Draft>> {
    let content: String = row.get("content")?;
    let content = serde_json::from_str(&content).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let draft = Draft {
        login: row.get("login")?,
        form: row.get("form")?,
        client_id: row.get("client_id")?,
        target_id: row.get("target_id")?,
        target_version: row.get("target_version")?,
        content,
    };
    get_stored(row, draft)
}

impl super::Writer<'_> {
    /// Removes a draft as part of saving its form, in the same transaction.
    pub fn delete_draft(&self, id: i64) -> Result<()> {
        self.tx.execute("DELETE FROM drafts WHERE id = ?1", [id])?;
        Ok(())
    }
}

impl Store {
    /// Writes a draft: a new one when `id` is `None`, else replaces that draft's content. Not
    /// audited: nothing is recorded until the form is saved.
    pub fn save_draft(&mut self, id: Option<i64>, draft: &Draft) -> Result<i64> {
        let stamp = timestamp(self.audit_time());
        let content = draft.content.to_string();
        let tx = self.writable_conn()?.transaction()?;
        let updated = match id {
            Some(id) => tx.execute(
                "UPDATE drafts SET content = ?2, target_version = ?3, updated_at = ?4, row_version = row_version + 1
                 WHERE id = ?1",
                params![id, content, draft.target_version, stamp],
            )?,
            None => 0,
        };
        let id = match (id, updated) {
            (Some(id), 1) => id,
            _ => {
                tx.execute(
                    "INSERT INTO drafts (login, form, client_id, target_id, target_version, content, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                    params![draft.login, draft.form, draft.client_id, draft.target_id, draft.target_version, content, stamp],
                )?;
                tx.last_insert_rowid()
            }
        };
        tx.commit()?;
        Ok(id)
    }

    pub fn delete_draft(&mut self, id: i64) -> Result<()> {
        self.writable_conn()?
            .execute("DELETE FROM drafts WHERE id = ?1", [id])?;
        Ok(())
    }

    /// This login's drafts, newest first.
    pub fn drafts(&self, login: &Login) -> Result<Vec<Stored<Draft>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT * FROM drafts WHERE login = ?1 ORDER BY updated_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([login], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn draft(&self, id: i64) -> Result<Option<Stored<Draft>>> {
        Ok(self
            .conn
            .query_row("SELECT * FROM drafts WHERE id = ?1", [id], from_row)
            .optional()?)
    }
}
