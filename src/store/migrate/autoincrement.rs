//! Migration 11: row ids are never given twice (see `assets/migrations/0011_ids_never_reused.sql`).
//!
//! Everything the migration needs is frozen here (the table list, the record types the audit
//! names them by), so what it does cannot change when later code does.

use rusqlite::{OptionalExtension, Transaction, params};

/// The tables rebuilt with AUTOINCREMENT, and the record type by which the audit names their
/// rows (`None`: not audited, but their ids are kept by drafts and earlier versions).
const TABLES: &[(&str, Option<&str>)] = &[
    ("workers", Some("worker")),
    ("clients", Some("client")),
    ("prescriptions", Some("prescription")),
    ("sessions", Some("session")),
    ("readiness_notes", Some("readiness_note")),
    ("goals", Some("goal")),
    ("goal_actions", Some("goal_action")),
    ("reviews", Some("review")),
    ("tops", Some("top")),
    ("alert_acks", Some("alert_ack")),
    ("appointments", Some("appointment")),
    ("earlier_versions", None),
    ("drafts", None),
];

/// Suffix of the new table while both exist.
const NEW: &str = "_v11";

/// One view, trigger or index as the schema stores it, to make again after the rebuild.
struct Dependent {
    kind: String,
    name: String,
    sql: String,
}

/// The Rust step of migration 11. Runs inside the migration's transaction, with foreign keys
/// off (set by the runner); fails, rolling everything back, if any foreign key is left broken.
pub fn rebuild_with_autoincrement(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let dependents = dependents(tx)?;
    // Views and triggers name the tables in their bodies; renaming a table checks them all, so
    // they go first and come back after. Indexes go with their tables.
    for dependent in dependents.iter().filter(|d| d.kind != "index") {
        tx.execute_batch(&format!("DROP {} \"{}\";", dependent.kind, dependent.name))?;
    }
    for (table, _) in TABLES {
        rebuild(tx, table)?;
    }
    for dependent in &dependents {
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = ?1 AND name = ?2)",
            params![dependent.kind, dependent.name],
            |r| r.get(0),
        )?;
        if !exists {
            tx.execute_batch(&dependent.sql)?;
        }
    }
    for (table, record_type) in TABLES {
        start_sequence_above_audited_ids(tx, table, *record_type)?;
    }
    refuse_broken_foreign_keys(tx)
}

/// Every view, trigger and named index, in the order they were made (a view may read another).
fn dependents(tx: &Transaction<'_>) -> rusqlite::Result<Vec<Dependent>> {
    let mut stmt = tx.prepare(
        "SELECT type, name, sql FROM sqlite_schema
         WHERE type IN ('view', 'trigger', 'index') AND sql IS NOT NULL
         ORDER BY CASE type WHEN 'index' THEN 0 WHEN 'view' THEN 1 ELSE 2 END, rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Dependent {
            kind: r.get(0)?,
            name: r.get(1)?,
            sql: r.get(2)?,
        })
    })?;
    rows.collect()
}

/// Makes `table` again from its own definition with `AUTOINCREMENT` on its `id`, rows copied
/// as they are (same ids, same columns in the same order).
fn rebuild(tx: &Transaction<'_>, table: &str) -> rusqlite::Result<()> {
    let sql: String = tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    let definition = with_autoincrement(&sql).ok_or_else(|| {
        failure(format!(
            "migration 11: table {table} has no `id INTEGER PRIMARY KEY` column"
        ))
    })?;
    tx.execute_batch(&format!(
        "CREATE TABLE {table}{NEW} {definition};
         INSERT INTO {table}{NEW} SELECT * FROM {table};
         DROP TABLE {table};
         ALTER TABLE {table}{NEW} RENAME TO {table};"
    ))
}

/// The column list and constraints of a `CREATE TABLE` statement (from its first `(`), with
/// `AUTOINCREMENT` added to the `id INTEGER PRIMARY KEY` column; `None` if there is none.
fn with_autoincrement(create_table: &str) -> Option<String> {
    const KEY: &str = "INTEGER PRIMARY KEY";
    let definition = &create_table[create_table.find('(')?..];
    let at = definition.find(KEY)?;
    let column = definition[..at].trim_end();
    let names_id = column.ends_with("id")
        && column[..column.len() - 2].ends_with(|c: char| c == '(' || c.is_whitespace());
    if !names_id
        || definition[at + KEY.len()..]
            .trim_start()
            .starts_with("AUTOINCREMENT")
    {
        return None;
    }
    let end = at + KEY.len();
    Some(format!(
        "{} AUTOINCREMENT{}",
        &definition[..end],
        &definition[end..]
    ))
}

/// Sets the table's next id above both its highest row and the highest id the audit has ever
/// named for its record type, so no new row is ever named by an older audit row.
fn start_sequence_above_audited_ids(
    tx: &Transaction<'_>,
    table: &str,
    record_type: Option<&str>,
) -> rusqlite::Result<()> {
    let highest_row: i64 = tx.query_row(
        &format!("SELECT coalesce(max(id), 0) FROM {table}"),
        [],
        |r| r.get(0),
    )?;
    let highest_audited: i64 = match record_type {
        Some(record_type) => tx.query_row(
            "SELECT coalesce(max(record_id), 0) FROM audit WHERE record_type = ?1",
            [record_type],
            |r| r.get(0),
        )?,
        None => 0,
    };
    let seq = highest_row.max(highest_audited);
    let known: Option<i64> = tx
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .optional()?;
    match known {
        Some(_) => tx.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1",
            params![table, seq],
        )?,
        None => tx.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
            params![table, seq],
        )?,
    };
    Ok(())
}

/// Foreign keys are off while the tables are rebuilt; every one must hold before commit.
fn refuse_broken_foreign_keys(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let broken: Option<String> = tx
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()?;
    match broken {
        None => Ok(()),
        Some(table) => Err(failure(format!(
            "migration 11: a row of {table} names a record that does not exist"
        ))),
    }
}

/// A migration's own refusal, as SQLite's generic error with a message.
fn failure(message: String) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
        Some(message),
    )
}

#[cfg(test)]
mod tests {
    use super::with_autoincrement;

    #[test]
    fn autoincrement_goes_on_the_id_column_only() {
        assert_eq!(
            with_autoincrement("CREATE TABLE t (\n    id  INTEGER PRIMARY KEY,\n    x TEXT\n)")
                .as_deref(),
            Some("(\n    id  INTEGER PRIMARY KEY AUTOINCREMENT,\n    x TEXT\n)")
        );
        assert_eq!(
            with_autoincrement("CREATE TABLE \"t\" (id INTEGER PRIMARY KEY, x TEXT) STRICT")
                .as_deref(),
            Some("(id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT) STRICT")
        );
        assert_eq!(
            with_autoincrement("CREATE TABLE t (client_id INTEGER PRIMARY KEY, x TEXT)"),
            None
        );
        assert_eq!(
            with_autoincrement("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)"),
            None
        );
    }
}
