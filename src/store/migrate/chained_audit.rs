//! Migration 4: the audit trail becomes a hash chain (see `assets/migrations/0004_team.sql`).
//! The rows of the old, unchained trail are copied into `audit_v4` with each row's hash, and the
//! trail's head is recorded in `meta`.
//!
//! Frozen here as it was at schema 4: the row format the chain hashes (every field with its
//! length before it, a null told apart from an empty text, over the previous row's hash), the
//! genesis hash and the `meta` key of the head. The live audit code (`store::audit`,
//! `domain::audit`) verifies and extends the chain and may change how it reads or writes; a
//! file upgraded from schema 3 must still get the hashes a schema-4 keywork gave it, so this
//! migration calls none of it.

use rusqlite::{Transaction, params};
use sha2::{Digest, Sha256};

/// The hash the first row chains from.
const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The `meta` key holding `ID:HASH` of the trail's last row.
const META_HEAD: &str = "audit_head";

/// One row of the schema-3 trail (which had no detail: it is hashed as null).
struct OldRow {
    id: i64,
    at: String,
    login: String,
    action: String,
    record_type: String,
    record_id: Option<i64>,
}

/// The Rust step of migration 4: copies the unchained trail into `audit_v4`, computing each
/// row's hash, and records the head. Runs inside the migration's transaction.
pub fn chain_old_rows(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut read =
        tx.prepare("SELECT id, at, login, action, record_type, record_id FROM audit ORDER BY id")?;
    let mut insert = tx.prepare(
        "INSERT INTO audit_v4 (id, at, login, action, record_type, record_id, detail, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)",
    )?;
    let mut previous = GENESIS_HASH.to_owned();
    let mut last_id = None;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let row = OldRow {
            id: row.get(0)?,
            at: row.get(1)?,
            login: row.get(2)?,
            action: row.get(3)?,
            record_type: row.get(4)?,
            record_id: row.get(5)?,
        };
        let hash = hash_after(&previous, &row);
        insert.execute(params![
            row.id,
            row.at,
            row.login,
            row.action,
            row.record_type,
            row.record_id,
            hash
        ])?;
        previous = hash;
        last_id = Some(row.id);
    }
    if let Some(id) = last_id {
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![META_HEAD, format!("{id}:{previous}")],
        )?;
    }
    Ok(())
}

/// SHA-256, as lower-case hex, over the previous row's hash and this row's fields in the order
/// previous, id, at, login, action, record_type, record_id, detail: each text with its length
/// (8 bytes, big-endian) before it, a null as the length `u64::MAX`.
fn hash_after(previous: &str, row: &OldRow) -> String {
    let id = row.id.to_string();
    let record_id = row.record_id.map(|id| id.to_string());
    let fields: [Option<&str>; 8] = [
        Some(previous),
        Some(&id),
        Some(&row.at),
        Some(&row.login),
        Some(&row.action),
        Some(&row.record_type),
        record_id.as_deref(),
        None,
    ];
    let mut hasher = Sha256::new();
    for field in fields {
        match field {
            Some(text) => {
                hasher.update((text.len() as u64).to_be_bytes());
                hasher.update(text.as_bytes());
            }
            None => hasher.update(u64::MAX.to_be_bytes()),
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
