//! What a restore says, from a backup or a replica alike: why it did not happen
//! ([`RestoreError`]: nothing was changed), or what it put in place ([`contents`],
//! [`megabytes`]).

use crate::store::backup::{BackupError, Summary};
use crate::store::{Counts, StoreError};

/// Why a restore did not happen: the database was left as it was.
#[derive(Debug, thiserror::Error)]
#[error("could not restore {from}: {}", said(.source))]
pub struct RestoreError {
    from: String,
    source: BackupError,
}

/// The reason and "nothing was changed"; a refusal of the login already says both (and its
/// remedy, which must come last).
fn said(source: &BackupError) -> String {
    match source {
        BackupError::Store(e @ StoreError::Refused(_)) => e.to_string(),
        e => format!("{e}; nothing was changed"),
    }
}

impl RestoreError {
    /// `from` says what was being restored: a backup's path, or "from the replica URL".
    pub(super) fn new(from: String, source: BackupError) -> Self {
        Self { from, source }
    }
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

/// "40 clients, 1,200 sessions, ..., 5,934 rows in all", or the schema version of an older
/// backup, whose tables differ.
pub(super) fn contents(summary: &Summary) -> String {
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
pub(super) fn megabytes(bytes: u64) -> String {
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
