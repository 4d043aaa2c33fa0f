//! `keywork check`: schema, integrity, the audit chain, the caseload summary, replication, sizes,
//! permissions and row counts, with a non-zero exit on any problem.

use super::{CliError, anchor, replicate};
use crate::store::Store;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// An anchor log written by `keywork audit anchor --to FILE`: fail unless the chain still
    /// holds every head recorded there (rows cut from the end show so).
    #[arg(long, value_name = "FILE", conflicts_with = "clinical")]
    pub anchors: Option<PathBuf>,
    /// Check the record's clinical data instead (overlapping prescriptions, OST with no
    /// prescription, doses outside the safe-prescribing checks, early take-home doses, future
    /// dates, stale goals, missing exit TOPs). Exits non-zero on any error; warnings do not.
    #[arg(long)]
    pub clinical: bool,
    /// With --clinical: the findings and counts as JSON.
    #[arg(long, requires = "clinical")]
    pub json: bool,
}

pub(super) fn check(store: &Store, args: &CheckArgs) -> Result<(), CliError> {
    let path = store.path();
    let mut failed = Vec::new();
    let integrity = store.integrity_problems()?;
    if !integrity.is_empty() {
        return damaged(store, &integrity);
    }
    let chain = store.verify_audit()?;
    if !chain.is_intact() {
        failed.push("audit");
    }
    let anchors = args
        .anchors
        .as_deref()
        .map(|log| anchor::check_anchors(store, log))
        .transpose()?;
    if anchors.as_ref().is_some_and(|a| a.failure.is_some()) {
        failed.push("anchors");
    }
    let permissions = crate::store::team_files::problems(path);
    if !permissions.is_empty() {
        failed.push("permissions");
    }
    // An older file's schema has no summary yet: it is built when the file is upgraded.
    let drift = if store.schema_version()? >= 9 {
        store.summary_drift()?
    } else {
        0
    };
    if drift > 0 {
        failed.push("summary");
    }
    let (replication, replicating) = replicate::check_line(path);
    if !replicating {
        failed.push("replication");
    }
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let wal = crate::store::team_files::sibling(path, "-wal");
    let mut lines = vec![
        format!("database: {}", path.display()),
        format!(
            "schema version: {} (this keywork writes {})",
            store.schema_version()?,
            crate::store::migrate::LATEST
        ),
        format!(
            "integrity: {}",
            if integrity.is_empty() {
                "ok".to_owned()
            } else {
                integrity.join("; ")
            }
        ),
        format!("audit: {}", audit_summary(&chain)),
        format!("audit head: {}", head_line(store.audit_head()?)),
        format!(
            "size: {} (WAL {})",
            human_bytes(size(path)),
            human_bytes(size(&wal))
        ),
        format!(
            "permissions: {}",
            if permissions.is_empty() {
                "ok".to_owned()
            } else {
                permissions.join("; ")
            }
        ),
        format!(
            "caseload summary: {}",
            if drift == 0 {
                "matches the records".to_owned()
            } else {
                format!("{drift} rows differ from the records")
            }
        ),
        format!("demo data: {}", if store.is_demo()? { "yes" } else { "no" }),
        format!("replication: {replication}"),
        "rows:".to_owned(),
    ];
    if let Some(anchors) = &anchors {
        // Beside the audit lines, before the row counts.
        lines.insert(5, anchors.line.clone());
    }
    let counts = store.counts()?;
    for (table, n) in &counts.0 {
        lines.push(format!("  {table:<22} {n:>9}"));
    }
    lines.push(format!("  {:<22} {:>9}", "total", counts.total()));
    // Through the module's `println!`, which never fails: the exit status says whether the
    // check passed, whether or not anyone is still reading (`keywork check | head -1`).
    for line in lines {
        println!("{line}");
    }
    if failed.is_empty() {
        return Ok(());
    }
    let first_bad = chain
        .first_bad
        .map(|(id, _)| format!(" (first bad audit row: {id})"))
        .unwrap_or_default();
    let anchor_failure = anchors
        .and_then(|a| a.failure)
        .map(|why| format!(" ({why})"))
        .unwrap_or_default();
    Err(CliError::Usage(format!(
        "check failed: {}{first_bad}{anchor_failure}",
        failed.join(", ")
    )))
}

/// "row 18 of 18, hash 9f2c..." in full: the line to compare with an anchor, or to write down.
fn head_line(head: Option<crate::store::Head>) -> String {
    match head {
        Some(head) => format!("row {} of {}, hash {}", head.id, head.rows, head.hash),
        None => "none (the trail is empty)".to_owned(),
    }
}

/// A damaged file: what SQLite found, line by line, and no further checks, whose reads would
/// fail or mislead on the damaged pages.
fn damaged(store: &Store, problems: &[String]) -> Result<(), CliError> {
    let path = store.path();
    let mut lines = vec![
        format!("database: {}", path.display()),
        format!(
            "integrity: DAMAGED, SQLite's integrity_check reports (at most {}):",
            crate::store::MAX_PROBLEMS
        ),
    ];
    lines.extend(problems.iter().map(|line| format!("  {line}")));
    for line in lines {
        println!("{line}");
    }
    Err(CliError::Usage(format!(
        "check failed: integrity: {} is damaged and keywork will not write to it; restore it \
         from a backup (keywork restore BACKUP)",
        path.display()
    )))
}

fn audit_summary(chain: &crate::store::ChainReport) -> String {
    let mut parts = Vec::new();
    match &chain.first_bad {
        None => parts.push(format!("{} rows, hash chain intact", chain.rows)),
        Some((id, why)) => parts.push(format!(
            "{} rows, hash chain BROKEN at row {id}: {why}",
            chain.rows
        )),
    }
    if chain.missing_triggers.is_empty() {
        parts.push("append-only triggers present".to_owned());
    } else {
        parts.push(format!(
            "append-only triggers MISSING: {}",
            chain.missing_triggers.join(", ")
        ));
    }
    parts.join("; ")
}

fn human_bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}
