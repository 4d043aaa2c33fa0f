//! The audit trail: appended to in every write transaction, chained by hash, verified by
//! `keywork check`, and read by `keywork audit` and the client record.

use super::sql::parse_timestamp;
use super::{Result, Store};
use crate::domain::audit::{ChainFields, GENESIS_HASH, chain_hash};
use crate::domain::{AuditAction, AuditEntry, Login, RecordType};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

pub const SELECT: &str =
    "SELECT at, login, action, record_type, record_id, detail FROM audit ORDER BY id";

/// `meta` key holding the id and hash of the last audit row written through keywork, so that
/// rows cut from the end of the trail (which leave the chain itself intact) are noticed too.
const META_HEAD: &str = "audit_head";

/// The triggers that make the trail append-only; `check` reports any that are missing.
pub const TRIGGERS: &[&str] = &["audit_is_append_only_update", "audit_is_append_only_delete"];

pub fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    let at: String = row.get(0)?;
    Ok(AuditEntry {
        at: parse_timestamp(&at).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })?,
        login: row.get(1)?,
        action: row.get(2)?,
        record_type: row.get(3)?,
        record_id: row.get(4)?,
        detail: row.get(5)?,
    })
}

/// One row to append.
pub struct NewEntry<'a> {
    pub at: &'a str,
    pub login: &'a str,
    pub action: AuditAction,
    pub record_type: RecordType,
    pub record_id: Option<i64>,
    pub detail: Option<&'a str>,
}

/// Appends one row, chained to the last, inside the caller's write transaction (which holds the
/// write lock, so no one else can append between the read of the last row and this insert).
pub fn append(conn: &Connection, entry: &NewEntry<'_>) -> rusqlite::Result<()> {
    let (last_id, last_hash) = conn
        .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS_HASH.to_owned()));
    let id = last_id + 1;
    let hash = chain_hash(
        &last_hash,
        &ChainFields {
            id,
            at: entry.at,
            login: entry.login,
            action: entry.action.code(),
            record_type: entry.record_type.code(),
            record_id: entry.record_id,
            detail: entry.detail,
        },
    );
    conn.prepare_cached(
        "INSERT INTO audit (id, at, login, action, record_type, record_id, detail, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        entry.at,
        entry.login,
        entry.action,
        entry.record_type,
        entry.record_id,
        entry.detail,
        hash
    ])?;
    set_head(conn, id, &hash)
}

fn set_head(conn: &Connection, id: i64, hash: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![META_HEAD, format!("{id}:{hash}")])?;
    Ok(())
}

/// One audit row as stored, read for hashing.
struct ChainRow {
    id: i64,
    at: String,
    login: String,
    action: String,
    record_type: String,
    record_id: Option<i64>,
    detail: Option<String>,
    /// The stored hash; `None` in the trail from before migration 4.
    hash: Option<String>,
}

impl ChainRow {
    /// Reads `id, at, login, action, record_type, record_id, detail, hash`, in that order.
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(ChainRow {
            id: row.get(0)?,
            at: row.get(1)?,
            login: row.get(2)?,
            action: row.get(3)?,
            record_type: row.get(4)?,
            record_id: row.get(5)?,
            detail: row.get(6)?,
            hash: row.get(7)?,
        })
    }

    /// The hash this row should carry after a row hashed `previous`.
    fn hash_after(&self, previous: &str) -> String {
        chain_hash(
            previous,
            &ChainFields {
                id: self.id,
                at: &self.at,
                login: &self.login,
                action: &self.action,
                record_type: &self.record_type,
                record_id: self.record_id,
                detail: self.detail.as_deref(),
            },
        )
    }
}

/// The end of the trail: how many rows it holds, and the id and hash of its last one. Every
/// earlier row is bound into that hash, so recording it somewhere else (an anchor) pins the
/// whole trail up to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub rows: i64,
    pub id: i64,
    pub hash: String,
}

impl std::fmt::Display for Head {
    /// `ID:HASH`, as the `meta` key holds it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
}

/// The trail's head as stored, on any connection (a backup's, a file about to be replaced);
/// `None` for an empty trail.
pub fn head(conn: &Connection) -> rusqlite::Result<Option<Head>> {
    let rows: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
    conn.query_row(
        "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
        [],
        |r| {
            Ok(Head {
                rows,
                id: r.get(0)?,
                hash: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            })
        },
    )
    .optional()
}

/// What `check` found in the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub rows: i64,
    /// The first row whose hash does not follow from the rows before it, and why.
    pub first_bad: Option<(i64, String)>,
    /// Append-only triggers that are missing.
    pub missing_triggers: Vec<&'static str>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none() && self.missing_triggers.is_empty()
    }
}

impl Store {
    /// Walks the whole trail recomputing every hash. Finds rows edited, deleted, inserted or
    /// reordered by hand, rows cut from its end, and the append-only triggers dropped.
    pub fn verify_audit(&self) -> Result<ChainReport> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, login, action, record_type, record_id, detail, hash FROM audit ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut previous = GENESIS_HASH.to_owned();
        let mut expected_id = 1;
        let mut count = 0;
        let mut first_bad = None;
        let mut last = None;
        while let Some(row) = rows.next()? {
            count += 1;
            let row = ChainRow::read(row)?;
            let stored = row.hash.clone().unwrap_or_default();
            if first_bad.is_none() {
                if row.id != expected_id {
                    first_bad = Some((
                        row.id,
                        format!("row {expected_id} is missing before it (rows deleted)"),
                    ));
                } else if row.hash_after(&previous) != stored {
                    first_bad = Some((
                        row.id,
                        "its hash does not match its contents and the row before it \
                         (edited, inserted or reordered)"
                            .to_owned(),
                    ));
                }
            }
            expected_id = row.id + 1;
            last = Some((row.id, stored.clone()));
            previous = stored;
        }
        if first_bad.is_none() {
            first_bad = self.head_mismatch(last)?;
        }
        if first_bad.is_none() && count == 0 && self.holds_records()? {
            first_bad = Some((
                1,
                "the trail is empty but the database holds records (every row and the \
                 recorded head deleted)"
                    .to_owned(),
            ));
        }
        Ok(ChainReport {
            rows: count,
            first_bad,
            missing_triggers: self.missing_audit_triggers()?,
        })
    }

    /// The trail's last row must be the last one keywork wrote.
    fn head_mismatch(&self, last: Option<(i64, String)>) -> Result<Option<(i64, String)>> {
        let head = self.meta(META_HEAD)?;
        let recorded = head.as_deref().and_then(|h| {
            let (id, hash) = h.split_once(':')?;
            Some((id.parse::<i64>().ok()?, hash.to_owned()))
        });
        Ok(match (last, recorded) {
            (None, None) => None,
            (Some(last), Some(recorded)) if last == recorded => None,
            (Some((id, _)), Some((recorded_id, _))) if recorded_id > id => Some((
                id + 1,
                format!("rows {} to {recorded_id} are missing from the end", id + 1),
            )),
            (Some((id, _)), _) => Some((
                id,
                "the last row is not the last one keywork wrote".to_owned(),
            )),
            (None, Some((recorded_id, _))) => {
                Some((1, format!("every row up to {recorded_id} has been deleted")))
            }
        })
    }

    /// Every worker, client and session is written with an audit row, so a database holding
    /// any has a trail: an empty one was emptied.
    fn holds_records(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM workers) OR EXISTS (SELECT 1 FROM clients)
                 OR EXISTS (SELECT 1 FROM sessions)",
            [],
            |r| r.get(0),
        )?)
    }

    /// The trail's head: row count, last id and hash; `None` for an empty trail.
    pub fn audit_head(&self) -> Result<Option<Head>> {
        Ok(head(&self.conn)?)
    }

    /// The stored hash of audit row `id`, if there is such a row.
    pub fn audit_hash_at(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT hash FROM audit WHERE id = ?1", [id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten())
    }

    fn missing_audit_triggers(&self) -> Result<Vec<&'static str>> {
        let mut missing = Vec::new();
        for name in TRIGGERS {
            let sql: Option<String> = self
                .conn
                .query_row(
                    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1 AND tbl_name = 'audit'",
                    [name],
                    |r| r.get(0),
                )
                .optional()?;
            let raises = sql.is_some_and(|sql| sql.contains("RAISE(ABORT"));
            if !raises {
                missing.push(*name);
            }
        }
        Ok(missing)
    }

    /// The trail, filtered, oldest first. Never the text of a note: only who, when, what.
    pub fn audit_trail(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let since = filter
            .since
            .map(|d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")));
        // A client's trail is the rows naming its records, each from that record's creation on:
        // before schema 11 an erased record's id could be given again, and the rows about the
        // erased record (its creation, its erasure) must never read as the new one's.
        let mut stmt = self.conn.prepare(
            "SELECT at, login, action, record_type, record_id, detail FROM audit AS a
             WHERE (?1 IS NULL OR login = ?1)
               AND (?2 IS NULL OR at >= ?2)
               AND (?3 IS NULL OR ((record_type, record_id) IN
                       (SELECT record_type, record_id FROM client_records WHERE client_id = ?3)
                   AND id >= (SELECT coalesce(max(c.id), 0) FROM audit AS c
                              WHERE c.record_type = a.record_type AND c.record_id = a.record_id
                                AND c.action = 'create')))
             ORDER BY id",
        )?;
        let rows = stmt.query_map(
            params![filter.login.as_ref(), since, filter.client_id],
            from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records that the actor opened a client's record: at most one row per client per worker per
    /// hour, so the trail answers "who looked at this record" without flooding. Bookkeeping, not
    /// a change: it does not make other screens reload.
    pub fn record_view(&mut self, client_id: i64) -> Result<bool> {
        if self.damaged.is_some() {
            return Ok(false);
        }
        let now = self.audit_time();
        let stamp = super::sql::timestamp(now);
        let hour_ago = super::sql::timestamp(now - chrono::Duration::hours(1));
        let actor = self.actor.to_string();
        let conn = self.writable_conn()?;
        // A view is noted, not worth stalling the screen for: wait briefly for a busy file and
        // let the caller try again later.
        conn.busy_timeout(std::time::Duration::from_millis(200))?;
        let noted = note_view(conn, client_id, &actor, &stamp, &hour_ago);
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        noted
    }
}

fn note_view(
    conn: &mut Connection,
    client_id: i64,
    actor: &str,
    stamp: &str,
    hour_ago: &str,
) -> Result<bool> {
    {
        let tx = conn.transaction()?;
        let recent: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM audit WHERE record_type = 'client' AND record_id = ?1
                                 AND action = 'view' AND login = ?2 AND at > ?3)",
            )?
            .query_row(params![client_id, actor, hour_ago], |r| r.get(0))?;
        if !recent {
            append(
                &tx,
                &NewEntry {
                    at: stamp,
                    login: actor,
                    action: AuditAction::View,
                    record_type: RecordType::Client,
                    record_id: Some(client_id),
                    detail: None,
                },
            )?;
        }
        tx.commit()?;
        Ok(!recent)
    }
}

/// Which part of the trail to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub client_id: Option<i64>,
    pub login: Option<Login>,
    pub since: Option<NaiveDate>,
}

/// When an audit row is stamped: the wall clock, except in demo and generated databases, where
/// `--today` moves it so training scripts and tests repeat.
pub fn stamp_for(demo: bool, fixed: DateTime<Utc>) -> DateTime<Utc> {
    if demo {
        fixed
    } else {
        crate::clock::wall_now()
    }
}
