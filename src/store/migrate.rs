//! Versioned schema migrations over `PRAGMA user_version`.
//!
//! A crate would pin its own rusqlite (rusqlite_migration needs 0.40, which cannot share a build
//! with 0.42), and the whole job is a loop: apply each SQL file newer than the file's version, in
//! its own transaction, and record the new version in the same transaction.
//!
//! A migration calls no live code: what its Rust step needs is frozen in a module of its own
//! below this one, so an old migration means the same however the code that came after it
//! changes (`tests/layers.rs` checks that nothing here names another module of the crate).

use rusqlite::Connection;

pub mod alert_kinds;
pub mod autoincrement;
pub mod chained_audit;
pub mod client_summary;
pub mod intervention_codes;
pub mod top_items;

/// Work done in Rust inside a migration's transaction.
pub type Step = fn(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>;

/// One migration: SQL, then optionally a step SQL cannot do (hashing), then more SQL, all in one
/// transaction.
pub struct Migration {
    pub sql: &'static str,
    pub then: Option<(Step, &'static str)>,
    /// Run with foreign keys off: a migration that rebuilds a parent table (dropping it with
    /// them on would delete its children). It must check them itself before it ends.
    pub foreign_keys_off: bool,
}

const fn sql(sql: &'static str) -> Migration {
    Migration {
        sql,
        then: None,
        foreign_keys_off: false,
    }
}

/// The migrations in order; migration `n` (1-based) takes the schema from version `n - 1` to `n`.
pub const MIGRATIONS: &[Migration] = &[
    sql(include_str!("../../assets/migrations/0001_initial.sql")),
    sql(include_str!("../../assets/migrations/0002_drafts.sql")),
    sql(include_str!(
        "../../assets/migrations/0003_outcomes_alerts.sql"
    )),
    Migration {
        sql: include_str!("../../assets/migrations/0004_team.sql"),
        then: Some((
            chained_audit::chain_old_rows,
            include_str!("../../assets/migrations/0004_team_after_chain.sql"),
        )),
        foreign_keys_off: false,
    },
    sql(include_str!("../../assets/migrations/0005_corrections.sql")),
    sql(include_str!(
        "../../assets/migrations/0006_appointments.sql"
    )),
    sql(include_str!("../../assets/migrations/0007_one_entry.sql")),
    sql(include_str!("../../assets/migrations/0008_prescribing.sql")),
    Migration {
        sql: include_str!("../../assets/migrations/0009_client_summary.sql"),
        then: Some((client_summary::create_triggers, client_summary::REBUILD)),
        foreign_keys_off: false,
    },
    sql(include_str!("../../assets/migrations/0010_scenarios.sql")),
    Migration {
        sql: include_str!("../../assets/migrations/0011_ids_never_reused.sql"),
        then: Some((autoincrement::rebuild_with_autoincrement, "")),
        foreign_keys_off: true,
    },
    sql(include_str!("../../assets/migrations/0012_dose_reason.sql")),
    sql(include_str!(
        "../../assets/migrations/0013_prescription_corrections.sql"
    )),
    Migration {
        sql: include_str!("../../assets/migrations/0014_top_tobacco_post_treatment.sql"),
        then: Some((top_items::widen_top_checks, "")),
        foreign_keys_off: true,
    },
    Migration {
        sql: include_str!("../../assets/migrations/0015_missed_doses.sql"),
        then: Some((alert_kinds::extend_alert_codes, "")),
        foreign_keys_off: true,
    },
    sql(include_str!(
        "../../assets/migrations/0016_clinical_settings_ecg.sql"
    )),
    Migration {
        sql: include_str!("../../assets/migrations/0017_bbv_results.sql"),
        then: Some((intervention_codes::add_hep_c_referral, "")),
        foreign_keys_off: true,
    },
    sql(include_str!(
        "../../assets/migrations/0018_interventions_by_code.sql"
    )),
    sql(include_str!(
        "../../assets/migrations/0019_erasure_reaches_open_screens.sql"
    )),
];

/// The schema version this build writes and understands.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Applies one migration in its own transaction, unless another process got there first.
fn apply(conn: &mut Connection, migration: &Migration, target: i64) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if schema_version(&tx)? >= target {
        return Ok(());
    }
    tx.execute_batch(migration.sql)?;
    if let Some((step, sql)) = migration.then {
        step(&tx)?;
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()
}

/// Whether the schema is older than this build's.
pub fn needed(conn: &Connection) -> rusqlite::Result<bool> {
    Ok(schema_version(conn)? < LATEST)
}

/// Brings the schema up to [`LATEST`]. The caller has already refused a newer schema.
///
/// Each step takes the write lock first and reads the version under it, so when two workers
/// open an older file at the same moment one migrates and the other finds nothing left to do.
pub fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    run_up_to(conn, LATEST)
}

/// Brings the schema up to version `last` (tests build files of an older schema with it).
pub fn run_up_to(conn: &mut Connection, last: i64) -> rusqlite::Result<()> {
    for (index, migration) in MIGRATIONS.iter().enumerate().take(last.max(0) as usize) {
        let target = index as i64 + 1;
        if migration.foreign_keys_off {
            // Only takes effect outside a transaction, so it is set before the migration's.
            conn.pragma_update(None, "foreign_keys", "OFF")?;
        }
        let applied = apply(conn, migration, target);
        if migration.foreign_keys_off {
            conn.pragma_update(None, "foreign_keys", "ON")?;
        }
        applied?;
    }
    Ok(())
}
