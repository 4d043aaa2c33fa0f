//! Migration 15: `alert_acks` learns three alert codes (see
//! `assets/migrations/0015_missed_doses.sql`). SQLite cannot change a CHECK in place, so the
//! table is made again from its stored definition with the code list extended, rows copied
//! whole, and every view and trigger that names it (the summary triggers among them) made again
//! exactly as they were. Everything it needs is frozen here.

use rusqlite::{OptionalExtension, Transaction, params};

/// The last code of the list as migration 3 wrote it, and the list with the new codes after it.
const OLD_END: &str = "'bbv_test', 'prison_release'))";
const NEW_END: &str = "'bbv_test', 'prison_release',\n                        'missed_doses', 'readiness_check', 'exit_plan'))";

/// The Rust step of migration 15. Runs inside the migration's transaction with foreign keys off
/// (set by the runner); fails, rolling everything back, if any foreign key is left broken.
pub fn extend_alert_codes(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let sql: String = tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'alert_acks'",
        [],
        |r| r.get(0),
    )?;
    if sql.matches(OLD_END).count() != 1 {
        return Err(failure(
            "migration 15: alert_acks' list of alert codes is not the one expected".into(),
        ));
    }
    let definition = &sql[sql.find('(').unwrap_or(0)..];
    let definition = definition.replace(OLD_END, NEW_END);
    // Dropping the table drops its AUTOINCREMENT counter, which migration 11 set above every id
    // the audit has named: kept here and restored, so no id is given twice.
    let seq: Option<i64> = tx
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'alert_acks'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let dependents = dependents(tx)?;
    for (kind, name, _) in dependents.iter().filter(|d| d.0 != "index") {
        tx.execute_batch(&format!("DROP {kind} \"{name}\";"))?;
    }
    tx.execute_batch(&format!(
        "CREATE TABLE alert_acks_v15 {definition};
         INSERT INTO alert_acks_v15 SELECT * FROM alert_acks;
         DROP TABLE alert_acks;
         ALTER TABLE alert_acks_v15 RENAME TO alert_acks;"
    ))?;
    if let Some(seq) = seq {
        tx.execute("DELETE FROM sqlite_sequence WHERE name = 'alert_acks'", [])?;
        tx.execute(
            "INSERT INTO sqlite_sequence (name, seq)
             SELECT 'alert_acks', max(?1, coalesce((SELECT max(id) FROM alert_acks), 0))",
            [seq],
        )?;
    }
    for (kind, name, sql) in &dependents {
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = ?1 AND name = ?2)",
            params![kind, name],
            |r| r.get(0),
        )?;
        if !exists {
            tx.execute_batch(sql)?;
        }
    }
    let broken: Option<String> = tx
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()?;
    match broken {
        None => Ok(()),
        Some(table) => Err(failure(format!(
            "migration 15: a row of {table} names a record that does not exist"
        ))),
    }
}

/// Every view, trigger and named index (type, name, sql), in the order they were made.
fn dependents(tx: &Transaction<'_>) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = tx.prepare(
        "SELECT type, name, sql FROM sqlite_schema
         WHERE type IN ('view', 'trigger', 'index') AND sql IS NOT NULL
         ORDER BY CASE type WHEN 'index' THEN 0 WHEN 'view' THEN 1 ELSE 2 END, rowid",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

fn failure(message: String) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
        Some(message),
    )
}
