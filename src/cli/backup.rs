//! `keywork backup` and `keywork restore`: a consistent copy taken while colleagues keep working
//! (a nightly cron job), and putting one back when nobody has the database open.

use super::{CliError, output};
use crate::clock::Clock;
use crate::domain::Login;
use crate::store::backup::{BackupError, Summary};
use crate::store::{Counts, Store};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new backup file, e.g. /srv/keywork/backups/team-2026-11-29.db (never overwritten).
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup made by `keywork backup`; it is copied, never changed.
    #[arg(value_name = "BACKUP")]
    pub backup: PathBuf,
}

/// Why a restore did not happen: the database was left as it was.
#[derive(Debug, thiserror::Error)]
#[error("could not restore {}: {source}; nothing was changed", .backup.display())]
pub struct RestoreError {
    backup: PathBuf,
    source: BackupError,
}

/// The tables a summary names, with the words for one row and for several; the rest count
/// towards the total.
const SUMMARY_TABLES: &[(&str, &str, &str)] = &[
    ("workers", "worker", "workers"),
    ("clients", "client", "clients"),
    ("sessions", "session", "sessions"),
    ("readiness_notes", "readiness note", "readiness notes"),
    ("goals", "goal", "goals"),
    ("reviews", "review", "reviews"),
    ("tops", "TOP", "TOPs"),
    ("audit", "audit entry", "audit entries"),
];

/// Copies the database (opened for reading: anyone who can read it may back it up) to a new
/// owner-only file, and says what the copy holds.
pub fn backup(store: &Store, args: &BackupArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let bar = super::progress::working("Backing up");
    let summary = output::write_new(&args.path, "back up", |file| store.backup_into(file.path()))?;
    bar.finish_and_clear();
    println!(
        "Backed up {} to {} ({} in {:.1} s): {}; integrity ok",
        store.path().display(),
        args.path.display(),
        megabytes(summary.bytes),
        started.elapsed().as_secs_f64(),
        contents(&summary)
    );
    Ok(())
}

/// Puts a backup in place of the database at `db` and says where the replaced file was kept.
pub fn restore(db: &Path, args: &RestoreArgs, clock: Clock, actor: Login) -> Result<(), CliError> {
    let restored =
        crate::store::backup::restore(&args.backup, db, clock, actor).map_err(|source| {
            RestoreError {
                backup: args.backup.clone(),
                source,
            }
        })?;
    println!(
        "Restored {} to {} ({}): {}; integrity ok",
        args.backup.display(),
        db.display(),
        megabytes(restored.summary.bytes),
        contents(&restored.summary)
    );
    match restored.replaced {
        Some(aside) => println!("The database it replaced is kept as {}.", aside.display()),
        None => println!("There was no database at {} before.", db.display()),
    }
    Ok(())
}

/// "40 clients, 1,200 sessions, ..., 5,934 rows in all", or the schema version of an older
/// backup, whose tables differ.
fn contents(summary: &Summary) -> String {
    match &summary.counts {
        Some(counts) => rows(counts),
        None => format!(
            "schema version {} (keywork upgrades it when first opened for writing)",
            summary.schema_version
        ),
    }
}

fn rows(counts: &Counts) -> String {
    let mut parts: Vec<String> = SUMMARY_TABLES
        .iter()
        .filter_map(|(table, one, many)| {
            let (_, n) = counts.0.iter().find(|(name, _)| name == table)?;
            Some(format!(
                "{} {}",
                thousands(*n),
                if *n == 1 { one } else { many }
            ))
        })
        .collect();
    parts.push(format!("{} rows in all", thousands(counts.total())));
    parts.join(", ")
}

/// 1234567 as "1,234,567".
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Decimal megabytes to one place, as `ls -h --si` and file managers show them.
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-12_345), "-12,345");
    }
}
