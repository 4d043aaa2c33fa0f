//! `keywork audit anchor --to FILE` and `keywork check --anchors FILE`: the audit chain's head
//! recorded outside the database's file. Rows cut from the end of the trail, with
//! `meta.audit_head` moved back by hand, leave a shorter chain that is intact in itself; only a
//! head written down elsewhere, where those who can change the database cannot, shows the cut.

use super::CliError;
use crate::store::{Head, Store};
use clap::{Args, Subcommand};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Append the audit chain's head (time, rows, last row and its hash) to a log kept outside
    /// the database's directory, for `keywork check --anchors FILE`; run it nightly from cron.
    Anchor(AnchorArgs),
}

#[derive(Debug, Args)]
pub struct AnchorArgs {
    /// The anchor log: appended to, made owner-only (0600) if new. Refused inside the
    /// database's directory, where anyone who can change the database could change it too.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
}

/// The word that marks an anchor line, so a log can hold other lines (comments) too.
const MARKER: &str = "keywork-anchor";

/// An anchor log grows by about 150 bytes a night: the bound only stops a wrong file (a
/// device, a huge log) from being read whole.
const MAX_LOG_BYTES: u64 = 64 << 20;

/// One recorded head, as read back from a log.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Anchor {
    /// Line number in the log, from 1.
    line: usize,
    at: String,
    id: i64,
    hash: String,
}

fn format_line(at: &str, head: &Head, db: &Path) -> String {
    format!(
        "{at} {MARKER} rows={} id={} hash={} db={}",
        head.rows,
        head.id,
        head.hash,
        db.display()
    )
}

/// Reads an anchor line; `None` for one keywork did not write. Blank lines and `#` comments are
/// not anchors and are skipped by the caller.
fn parse_line(line: usize, text: &str) -> Option<Anchor> {
    let mut words = text.split_whitespace();
    let at = words.next()?.to_owned();
    if words.next()? != MARKER {
        return None;
    }
    let mut field = |name: &str| words.next()?.strip_prefix(name).map(str::to_owned);
    let _rows: i64 = field("rows=")?.parse().ok()?;
    let id: i64 = field("id=")?.parse().ok()?;
    let hash = field("hash=")?;
    let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    (id > 0 && hex).then_some(Anchor { line, at, id, hash })
}

fn parse_log(path: &Path, text: &str) -> Result<Vec<Anchor>, CliError> {
    let mut anchors = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let anchor = parse_line(n + 1, trimmed).ok_or_else(|| {
            CliError::Usage(format!(
                "{} line {} is not an anchor `keywork audit anchor` wrote; remove it or name \
                 the right file",
                path.display(),
                n + 1
            ))
        })?;
        anchors.push(anchor);
    }
    Ok(anchors)
}

/// `keywork audit anchor --to FILE`.
pub fn anchor(store: &Store, args: &AnchorArgs) -> Result<(), CliError> {
    let log = &args.to;
    refuse_inside_database_directory(store.path(), log)?;
    let chain = store.verify_audit()?;
    if let Some((row, _)) = chain.first_bad {
        return Err(CliError::Usage(format!(
            "the audit chain does not verify (first bad row: {row}); run `keywork check`; no \
             anchor was written"
        )));
    }
    let head = store.audit_head()?.ok_or_else(|| {
        CliError::Usage("the audit trail is empty: there is nothing to anchor yet".into())
    })?;
    let at = crate::clock::wall_now()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let line = format_line(&at, &head, store.path());
    append_line(log, &line).map_err(|source| CliError::Io {
        path: log.clone(),
        source,
    })?;
    let said = format!(
        "Anchored the audit head of {} (row {} of {}, hash {}) in {}.",
        store.path().display(),
        head.id,
        head.rows,
        head.hash,
        log.display()
    );
    writeln!(std::io::stdout().lock(), "{said}").map_err(|source| CliError::Io {
        path: PathBuf::from("stdout"),
        source,
    })
}

/// The log must not be where the database is: whoever can rewrite the trail there could
/// rewrite its anchors as well.
fn refuse_inside_database_directory(db: &Path, log: &Path) -> Result<(), CliError> {
    let resolve = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let db_dir = resolve(&crate::store::team_files::directory_of(db));
    let log_dir = match log.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let resolved = match std::fs::canonicalize(log) {
        Ok(path) => path,
        Err(_) => resolve(log_dir).join(log.file_name().unwrap_or_default()),
    };
    if resolved.starts_with(&db_dir) {
        return Err(CliError::Usage(format!(
            "{} is inside the database's directory {}: keep the anchor log where those who can \
             change the database cannot (the team lead's home, another host); nothing was \
             written",
            log.display(),
            db_dir.display()
        )));
    }
    Ok(())
}

#[cfg(unix)]
fn append_line(log: &Path, line: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(log)?;
    // One write of the whole line: appends from two cron jobs never interleave within it.
    file.write_all(format!("{line}\n").as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn append_line(log: &Path, line: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(log)?;
    file.write_all(format!("{line}\n").as_bytes())?;
    file.sync_all()
}

/// What `check --anchors FILE` found: its report line, and why it failed if it did.
pub(super) struct AnchorCheck {
    pub line: String,
    pub failure: Option<String>,
}

/// Every anchor in the log must still be in the chain: the row with its id, with its hash.
/// The first that is not is named (the trail was cut or rewritten from there).
pub(super) fn check_anchors(store: &Store, log: &Path) -> Result<AnchorCheck, CliError> {
    let io = |source| CliError::Io {
        path: log.to_owned(),
        source,
    };
    let mut text = String::new();
    std::fs::File::open(log)
        .map_err(io)?
        .take(MAX_LOG_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_LOG_BYTES {
        return Err(CliError::Usage(format!(
            "{} is larger than {} MB: not an anchor log",
            log.display(),
            MAX_LOG_BYTES >> 20
        )));
    }
    let anchors = parse_log(log, &text)?;
    if anchors.is_empty() {
        let why = format!("{} holds no anchors", log.display());
        return Ok(AnchorCheck {
            line: format!("anchors: none in {}", log.display()),
            failure: Some(why),
        });
    }
    for anchor in &anchors {
        if store.audit_hash_at(anchor.id)?.as_deref() != Some(anchor.hash.as_str()) {
            let which = format!(
                "row {} anchored {} ({} line {})",
                anchor.id,
                anchor.at,
                log.display(),
                anchor.line
            );
            return Ok(AnchorCheck {
                line: format!(
                    "anchors: {} in {}; NOT FOUND: {which}: the chain no longer holds that row \
                     with that hash (rows cut or rewritten)",
                    anchors.len(),
                    log.display()
                ),
                failure: Some(format!("first anchor not found: {which}")),
            });
        }
    }
    Ok(AnchorCheck {
        line: format!(
            "anchors: {} in {}, every one found in the chain",
            anchors.len(),
            log.display()
        ),
        failure: None,
    })
}

#[cfg(test)]
mod tests {
    use super::{Anchor, format_line, parse_line};
    use crate::store::Head;
    use std::path::Path;

    #[test]
    fn an_anchor_line_reads_back_as_written_even_with_spaces_in_the_path() {
        let head = Head {
            rows: 18,
            id: 18,
            hash: "ab".repeat(32),
        };
        let line = format_line(
            "2026-12-07T02:30:00Z",
            &head,
            Path::new("/srv/my team/k.db"),
        );
        assert_eq!(
            parse_line(3, &line),
            Some(Anchor {
                line: 3,
                at: "2026-12-07T02:30:00Z".into(),
                id: 18,
                hash: "ab".repeat(32),
            })
        );
    }

    #[test]
    fn lines_keywork_did_not_write_are_not_anchors() {
        let hash = "ab".repeat(32);
        for text in [
            "Dec  7 02:30:00 host cron[1]: done".to_owned(),
            format!("2026-12-07T02:30:00Z keywork-anchor rows=1 id=x hash={hash}"),
            "2026-12-07T02:30:00Z keywork-anchor rows=1 id=1 hash=short".to_owned(),
            format!("2026-12-07T02:30:00Z keywork-anchor rows=0 id=0 hash={hash}"),
        ] {
            assert_eq!(parse_line(1, &text), None, "{text}");
        }
    }
}
