//! Migration 17: `session_interventions` learns the hep C treatment referral (see
//! `assets/migrations/0017_bbv_results.sql`). SQLite cannot change a CHECK in place, so the table
//! is made again from its stored definition with the code added, rows copied whole, and every
//! view and trigger (the summary triggers that name it among them) made again exactly as they
//! were. Everything it needs is frozen here.

use rusqlite::{OptionalExtension, Transaction, params};

/// The last code of the list as migration 7 wrote it, and the list with the new code after it.
const OLD_END: &str = "'medication_review'))";
const NEW_END: &str = "'medication_review',\n                     'hep_c_treatment_referral'))";

/// The Rust step of migration 17. Runs inside the migration's transaction with foreign keys off
/// (set by the runner); fails, rolling everything back, if any foreign key is left broken.
pub fn add_hep_c_referral(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let sql: String = tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'session_interventions'",
        [],
        |r| r.get(0),
    )?;
    if sql.matches(OLD_END).count() != 1 {
        return Err(failure(
            "migration 17: session_interventions' list of codes is not the one expected".into(),
        ));
    }
    let definition = &sql[sql.find('(').unwrap_or(0)..];
    let definition = definition.replace(OLD_END, NEW_END);
    let dependents = dependents(tx)?;
    for (kind, name, _) in dependents.iter().filter(|d| d.0 != "index") {
        tx.execute_batch(&format!("DROP {kind} \"{name}\";"))?;
    }
    tx.execute_batch(&format!(
        "CREATE TABLE session_interventions_v17 {definition};
         INSERT INTO session_interventions_v17 SELECT * FROM session_interventions;
         DROP TABLE session_interventions;
         ALTER TABLE session_interventions_v17 RENAME TO session_interventions;"
    ))?;
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
            "migration 17: a row of {table} names a record that does not exist"
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
