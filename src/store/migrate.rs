//! Versioned schema migrations over `PRAGMA user_version`.
//!
//! A crate would pin its own rusqlite (rusqlite_migration needs 0.40, which cannot share a build
//! with 0.42), and the whole job is a loop: apply each SQL file newer than the file's version, in
//! its own transaction, and record the new version in the same transaction.

use rusqlite::Connection;

/// The migrations in order; migration `n` (1-based) takes the schema from version `n - 1` to `n`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../assets/migrations/0001_initial.sql"),
    include_str!("../../assets/migrations/0002_drafts.sql"),
    include_str!("../../assets/migrations/0003_outcomes_alerts.sql"),
];

/// The schema version this build writes and understands.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the schema up to [`LATEST`]. The caller has already refused a newer schema.
///
/// Each step takes the write lock first and reads the version under it, so when two workers
/// open an older file at the same moment one migrates and the other finds nothing left to do.
pub fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let target = index as i64 + 1;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if schema_version(&tx)? >= target {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", target)?;
        tx.commit()?;
    }
    Ok(())
}
