//! Migration 14: tobacco items and the post-treatment exit stage in the TOP's CHECKs (see
//! `assets/migrations/0014_top_tobacco_post_treatment.sql`).
//!
//! The CHECK text before and after is frozen here, so what the migration does cannot change
//! when later code does; a file whose tables do not read as expected is refused, not guessed at.

use rusqlite::{OptionalExtension, Transaction, params};

/// Each table rebuilt, with the exact text replaced in its definition (each must occur once).
const EDITS: &[(&str, &[(&str, &str)])] = &[
    (
        "tops",
        &[(
            "CHECK (stage IN ('start', 'review', 'exit'))",
            "CHECK (stage IN ('start', 'review', 'exit', 'post_treatment_exit'))",
        )],
    ),
    (
        "top_answers",
        &[
            (
                "'college_days', 'acute_housing', 'eviction_risk'))",
                "'college_days', 'acute_housing', 'eviction_risk', 'tobacco_days',\n                 'tobacco_cigarettes'))",
            ),
            (
                "OR item = 'other_amount'",
                "OR item = 'other_amount'\n            OR item = 'tobacco_cigarettes'",
            ),
        ],
    ),
];

/// Suffix of the new table while both exist.
const NEW: &str = "_v14";

/// The Rust step of migration 14. Runs inside the migration's transaction, with foreign keys
/// off (set by the runner); fails, rolling everything back, if any foreign key is left broken.
pub fn widen_top_checks(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let dependents = dependents(tx)?;
    // Renaming a table re-reads every view and trigger, so they go first and come back after;
    // indexes go with their tables.
    for (kind, name, _) in dependents.iter().filter(|(kind, _, _)| kind != "index") {
        tx.execute_batch(&format!("DROP {kind} \"{name}\";"))?;
    }
    // Dropping an AUTOINCREMENT table forgets its sequence; the copy would start again from its
    // highest row, below ids an erasure took away.
    let sequence: Option<i64> = tx
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'tops'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    for (table, edits) in EDITS {
        rebuild(tx, table, edits)?;
    }
    if let Some(seq) = sequence {
        let updated = tx.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'tops'",
            params![seq],
        )?;
        if updated == 0 {
            tx.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('tops', ?1)",
                params![seq],
            )?;
        }
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
            "migration 14: a row of {table} names a record that does not exist"
        ))),
    }
}

/// Every view, trigger and named index (type, name, SQL), in the order they were made.
fn dependents(tx: &Transaction<'_>) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = tx.prepare(
        "SELECT type, name, sql FROM sqlite_schema
         WHERE type IN ('view', 'trigger', 'index') AND sql IS NOT NULL
         ORDER BY CASE type WHEN 'index' THEN 0 WHEN 'view' THEN 1 ELSE 2 END, rowid",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// Makes `table` again from its own definition with `edits` applied, rows copied as they are.
fn rebuild(tx: &Transaction<'_>, table: &str, edits: &[(&str, &str)]) -> rusqlite::Result<()> {
    let sql: String = tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    let definition = edited(&sql, edits).ok_or_else(|| {
        failure(format!(
            "migration 14: table {table} is not defined as the schema before it defines it"
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
/// each edit made; `None` unless every old text occurs exactly once.
fn edited(create_table: &str, edits: &[(&str, &str)]) -> Option<String> {
    let mut definition = create_table[create_table.find('(')?..].to_owned();
    for (old, new) in edits {
        if definition.matches(old).count() != 1 {
            return None;
        }
        definition = definition.replacen(old, new, 1);
    }
    Some(definition)
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
    use super::edited;

    #[test]
    fn a_definition_is_edited_only_when_each_old_text_occurs_once() {
        let edits: &[(&str, &str)] = &[("'a', 'b'", "'a', 'b', 'c'")];
        assert_eq!(
            edited("CREATE TABLE t (x TEXT CHECK (x IN ('a', 'b')))", edits).as_deref(),
            Some("(x TEXT CHECK (x IN ('a', 'b', 'c')))")
        );
        assert_eq!(edited("CREATE TABLE t (x TEXT)", edits), None);
        assert_eq!(
            edited(
                "CREATE TABLE t (x CHECK (x IN ('a', 'b')), y CHECK (y IN ('a', 'b')))",
                edits
            ),
            None
        );
    }
}
