//! `keywork replicate init`, the replication line of `keywork check`, and
//! `keywork restore --from-replica`: continuous off-host copies through Litestream, so a dead
//! server loses seconds of work rather than a day.

use super::litestream::{self, Position, Source};
use super::litestream_service;
use super::restored::{self, RestoreError};
use super::{CliError, output};
use crate::clock::Clock;
use crate::domain::Login;
use crate::store::replica::{self, Replica, ReplicaError};
use crate::store::{Access, Store, StoreError, team_files};
use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use clap::{Args, Subcommand};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

#[derive(Debug, Subcommand)]
pub enum ReplicateCommand {
    /// Write Litestream's configuration for the database (beside it, as DB.litestream.yml) and
    /// print the systemd unit and the cron line that run Litestream.
    #[command(after_long_help = INIT_HELP)]
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where the replica goes: file:///PATH (a directory on other storage), sftp://USER@HOST/PATH
    /// or s3://BUCKET/PATH.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// For an sftp replica: the SSH private key Litestream logs in with (no password in the URL).
    #[arg(long, value_name = "FILE")]
    pub sftp_key: Option<PathBuf>,
}

const INIT_HELP: &str = "\
Litestream copies each commit from the database's write-ahead log to the replica within about
two seconds, and `keywork restore --from-replica URL` rebuilds the database from it, as it was
at any moment the replica still holds (--at). While the configuration exists, keywork leaves WAL
checkpoints to Litestream, but folds the WAL in itself if it reaches 4,000 pages (Litestream
stopped). Credentials for s3 go in environment variables of the service
(LITESTREAM_ACCESS_KEY_ID, LITESTREAM_SECRET_ACCESS_KEY): a URL holding any (KEY:SECRET@) is
refused, since the file is readable by the team.";

/// How long after the latest replicated position the database may change before `check` says
/// replication looks stopped: the sync interval and then a generous margin.
const BEHIND_MARGIN_SECS: i64 = 60;

pub fn replicate(store: &Store, command: &ReplicateCommand) -> Result<(), CliError> {
    match command {
        ReplicateCommand::Init(args) => init(store.path(), args),
    }
}

fn init(db: &Path, args: &InitArgs) -> Result<(), CliError> {
    let usage = |e: ReplicaError| CliError::Usage(format!("--to: {e}; nothing was written"));
    let replica = Replica::parse(&args.to).map_err(usage)?;
    let db = std::fs::canonicalize(db).map_err(|source| CliError::Io {
        path: db.to_owned(),
        source,
    })?;
    let dir = team_files::directory_of(&db);
    let key = sftp_key(&replica, args.sftp_key.as_deref())?;
    let same_disk = match &replica {
        Replica::File(path) => check_file_replica(path, &dir)?,
        _ => false,
    };
    let config = replica::config_path(&db);
    if config.symlink_metadata().is_ok() {
        return Err(CliError::Usage(format!(
            "{} already exists, so nothing was written; to replicate elsewhere, stop Litestream, \
             remove that file and run this again",
            config.display()
        )));
    }
    let yaml = replica::render_config(&db, &replica, key);
    let group = std::fs::metadata(&dir).map(|m| m.gid()).ok();
    output::write_new(&config, "write the Litestream configuration", |file| {
        use std::io::Write;
        file.write_all(yaml.as_bytes())?;
        share_with_group(file.as_file(), group)
    })?;
    litestream_service::print_init(&db, &config, &replica, same_disk);
    Ok(())
}

/// The key file, given only for an sftp replica and by its absolute path (Litestream runs from
/// another directory).
fn sftp_key<'a>(replica: &Replica, key: Option<&'a Path>) -> Result<Option<&'a Path>, CliError> {
    match (replica, key) {
        (Replica::Sftp(_), Some(key)) if key.is_absolute() => Ok(Some(key)),
        (Replica::Sftp(_), Some(_)) => Err(CliError::Usage(
            "--sftp-key: give the key's absolute path; nothing was written".into(),
        )),
        (_, Some(_)) => Err(CliError::Usage(
            "--sftp-key is only for an sftp:// replica; nothing was written".into(),
        )),
        (_, None) => Ok(None),
    }
}

/// Refuses a replica directory inside the database's own directory (it would die with it);
/// returns whether it is on the same disk, which protects against mistakes but not a dead disk.
fn check_file_replica(path: &Path, db_dir: &Path) -> Result<bool, CliError> {
    let existing = path
        .ancestors()
        .find(|p| p.exists())
        .unwrap_or(Path::new("/"));
    let existing = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_owned());
    // Another database's replica: Litestream would add this one to it, and a restore of "the
    // latest" would then bring back whichever wrote last.
    if path
        .read_dir()
        .is_ok_and(|mut entries| entries.next().is_some())
    {
        return Err(CliError::Usage(format!(
            "--to: {} already holds files (another database's replica?); replicate to a new,              empty place; nothing was written",
            path.display()
        )));
    }
    if existing.starts_with(db_dir) {
        return Err(CliError::Usage(format!(
            "--to: {} is inside the database's own directory {}; put the replica on other \
             storage; nothing was written",
            path.display(),
            db_dir.display()
        )));
    }
    let device = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
    Ok(device(&existing).is_some() && device(&existing) == device(db_dir))
}

/// Owner read-write, group read (Litestream and `keywork check` read it), in the team's group.
fn share_with_group(file: &std::fs::File, group: Option<u32>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = file.metadata()?.gid();
    if let Some(gid) = group.filter(|&gid| gid != current) {
        std::os::unix::fs::fchown(file, None, Some(gid))?;
    }
    file.set_permissions(std::fs::Permissions::from_mode(0o640))
}

/// The replication line of `keywork check`, and whether it is a problem: configured but the
/// replica unreadable, empty, or older than the database's last change by more than a margin.
pub(super) fn check_line(db: &Path) -> (String, bool) {
    // The configuration names the database by the path `init` resolved (through any symlink).
    let resolved = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_owned());
    let db = resolved.as_path();
    let config = replica::config_path(db);
    if !config.exists() {
        return (
            "not configured (set it up with `keywork replicate init --to URL`)".into(),
            true,
        );
    }
    let url = read_config(&config)
        .and_then(|text| replica::configured_url(&text))
        .unwrap_or_else(|| format!("the replica in {}", config.display()));
    if replica::holds_credentials(&url) {
        // Written before keywork refused them: say so without repeating them.
        return (
            format!(
                "{} holds credentials in its replica URL, readable by the team: move them to \
                 the service's environment (LITESTREAM_ACCESS_KEY_ID, \
                 LITESTREAM_SECRET_ACCESS_KEY), change the keys, and remove them from the file",
                config.display()
            ),
            false,
        );
    }
    let position = litestream::litestream_program()
        .and_then(|program| litestream::latest_position(&program, db));
    match position {
        Err(e) => (format!("to {url}, but its position is unknown: {e}"), false),
        Ok(None) => (
            format!("to {url}, which holds nothing yet: is Litestream running?"),
            false,
        ),
        Ok(Some(position)) => describe(&url, &position, last_change(db)),
    }
}

fn describe(url: &str, position: &Position, changed: Option<DateTime<Utc>>) -> (String, bool) {
    let now = crate::clock::wall_now();
    let mut line = format!(
        "to {url}; latest replicated position {} (Litestream txid {}), {} ago",
        position
            .at
            .with_timezone(&Local)
            .format("%Y-%m-%d %H:%M:%S %Z"),
        position.txid,
        duration_words((now - position.at).num_seconds())
    );
    match changed.map(|changed| (changed - position.at).num_seconds()) {
        Some(behind) if behind > BEHIND_MARGIN_SECS => {
            line.push_str(&format!(
                "; BEHIND: the database changed {} after it: is Litestream running?",
                duration_words(behind)
            ));
            (line, false)
        }
        _ => (line, true),
    }
}

/// When the database or its WAL was last written.
fn last_change(db: &Path) -> Option<DateTime<Utc>> {
    [db.to_owned(), team_files::sibling(db, "-wal")]
        .iter()
        .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .max()
        .map(|t: SystemTime| t.into())
}

/// "42 s", "3 min", "5 h", "2 days".
fn duration_words(secs: i64) -> String {
    match secs.max(0) {
        s @ 0..120 => format!("{s} s"),
        s @ 120..7200 => format!("{} min", s / 60),
        s @ 7200..172_800 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

/// `keywork restore --from-replica URL [--at TIMESTAMP]`: Litestream rebuilds the database in a
/// private directory beside `db`; its audit chain is verified; then it goes in place by the same
/// path, checks and refusals as a restore from a backup.
pub(super) fn restore_from_replica(
    db: &Path,
    url: &str,
    at: Option<&str>,
    clock: Clock,
    actor: Login,
) -> Result<(), CliError> {
    let replica = Replica::parse(url)
        .map_err(|e| CliError::Usage(format!("--from-replica: {e}; nothing was changed")))?;
    let at = at
        .map(|text| parse_moment(text, crate::clock::wall_now()))
        .transpose()?;
    let program = litestream::litestream_program().map_err(|e| refused(&replica, e))?;
    let dir = team_files::directory_of(db);
    let name = db.file_name().unwrap_or_default().to_string_lossy();
    let work = tempfile::Builder::new()
        .prefix(&format!(".{name}.from-replica-"))
        .tempdir_in(&dir)
        .map_err(|source| CliError::Io {
            path: dir.clone(),
            source,
        })?;
    let rebuilt = work.path().join(&*name);
    let configured = read_config(&replica::config_path(db))
        .and_then(|text| replica::configured_url(&text))
        .is_some_and(|configured| configured == replica.url());
    let resolved = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_owned());
    let source = if configured {
        Source::Configured { db: &resolved }
    } else {
        Source::Url(&replica)
    };
    let started = Instant::now();
    let txid =
        litestream::restore(&program, source, &rebuilt, at).map_err(|e| refused(&replica, e))?;
    let fetched = started.elapsed();
    let chain_checked = verify_audit(&rebuilt, &replica, clock, actor.clone())?;
    let restored = crate::store::backup::restore(&rebuilt, db, clock, actor).map_err(|source| {
        RestoreError::new(format!("from the replica {}", replica.url()), source)
    })?;
    let when = at.map_or_else(
        || "as late as it holds".to_owned(),
        |at| {
            format!(
                "as at {}",
                at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S%.3f %Z")
            )
        },
    );
    println!(
        "Restored the replica {} {when}{} to {} in {:.1} s (Litestream {:.1} s), {}: {}; \
         integrity ok, {}",
        replica.url(),
        txid.map(|t| format!(" (Litestream txid {t})"))
            .unwrap_or_default(),
        db.display(),
        started.elapsed().as_secs_f64(),
        fetched.as_secs_f64(),
        restored::megabytes(restored.summary.bytes),
        restored::contents(&restored.summary),
        if chain_checked {
            "audit chain intact"
        } else {
            "audit chain not checked yet (an older schema: it is checked when the file is upgraded)"
        }
    );
    match restored.replaced {
        Some(aside) => println!("The database it replaced is kept as {}.", aside.display()),
        None => println!("There was no database at {} before.", db.display()),
    }
    println!(
        "Replication of the restored database is not running yet: replicate it to a new place \
         (see README, \"If the server dies\")."
    );
    Ok(())
}

fn refused(replica: &Replica, e: ReplicaError) -> CliError {
    let why = match e {
        ReplicaError::Litestream { message, .. }
            if message.contains("timestamp does not exist") =>
        {
            "it holds nothing as early as --at".to_owned()
        }
        e => e.to_string(),
    };
    CliError::Usage(format!(
        "could not restore from the replica {}: {why}; nothing was changed",
        replica.url()
    ))
}

/// The audit chain of the rebuilt copy, verified before it can replace anything; false when it
/// could not be read yet (an older schema is left to the restore's own checks, which say what
/// it is).
fn verify_audit(
    rebuilt: &Path,
    replica: &Replica,
    clock: Clock,
    actor: Login,
) -> Result<bool, CliError> {
    let store = match Store::open(rebuilt, Access::Read, clock, actor) {
        Ok(store) => store,
        Err(StoreError::NeedsUpgrade { .. }) => return Ok(false),
        Err(e) => return Err(refused_store(replica, e)),
    };
    let chain = store
        .verify_audit()
        .map_err(|e| refused_store(replica, e))?;
    if chain.is_intact() {
        return Ok(true);
    }
    let row = chain
        .first_bad
        .map(|(id, _)| format!(" (first bad row: {id})"))
        .unwrap_or_default();
    Err(CliError::Usage(format!(
        "could not restore from the replica {}: its audit chain does not verify{row}; nothing was \
         changed",
        replica.url()
    )))
}

fn refused_store(replica: &Replica, e: StoreError) -> CliError {
    CliError::Usage(format!(
        "could not restore from the replica {}: {e}; nothing was changed",
        replica.url()
    ))
}

/// `--at`: RFC 3339 (`2026-11-29T16:00:00Z`, `2026-11-29T16:00:00+00:00`) or local time
/// (`2026-11-29 16:00`, `2026-11-29T16:00:30`); not in the future.
fn parse_moment(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, CliError> {
    let text = text.trim();
    let local = || {
        [
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        // In the hour the clocks go back a local time names two moments: ask for an offset.
        .and_then(|naive| Local.from_local_datetime(&naive).single())
        .map(|moment| moment.with_timezone(&Utc))
    };
    let moment = DateTime::parse_from_rfc3339(text)
        .map(|m| m.with_timezone(&Utc))
        .ok()
        .or_else(local)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--at: '{text}' is not a moment like 2026-11-29T16:00:00Z or 2026-11-29 16:00 \
                 (local time; in the hour the clocks change, give an offset: \
                 2026-10-25T01:30:00+01:00); nothing was changed"
            ))
        })?;
    if moment > now {
        return Err(CliError::Usage(format!(
            "--at: {text} is in the future; nothing was changed"
        )));
    }
    Ok(moment)
}

/// The Litestream configuration's text, read with a bound: it sits in the team's group-writable
/// directory, where anyone could put a link to /dev/zero in its place.
fn read_config(path: &Path) -> Option<String> {
    const LIMIT: u64 = 64 * 1024;
    let bytes = crate::bounded::read(path, LIMIT).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_read_in_rfc3339_and_local_time_and_the_future_refused() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 18, 0, 0).unwrap();
        let utc = parse_moment("2026-11-29T16:00:00.250Z", now).unwrap();
        assert_eq!(utc.to_rfc3339(), "2026-11-29T16:00:00.250+00:00");
        let offset = parse_moment("2026-11-29T17:00:00+01:00", now).unwrap();
        assert_eq!(
            offset,
            Utc.with_ymd_and_hms(2026, 11, 29, 16, 0, 0).unwrap()
        );
        let local = parse_moment("2026-11-29 16:00", now).unwrap();
        let expected = Local.with_ymd_and_hms(2026, 11, 29, 16, 0, 0).unwrap();
        assert_eq!(local, expected.with_timezone(&Utc));
        for bad in ["yesterday", "2026-11-29", "16:00", "2026-13-01 10:00"] {
            let message = parse_moment(bad, now).unwrap_err().to_string();
            assert!(message.contains("is not a moment like"), "{bad}: {message}");
        }
        let future = parse_moment("2026-11-30T00:00:00Z", now)
            .unwrap_err()
            .to_string();
        assert!(future.contains("is in the future"), "{future}");
    }

    #[test]
    fn a_replica_older_than_the_last_change_by_more_than_the_margin_is_behind() {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 16, 0, 0).unwrap();
        let position = Position { txid: 42, at };
        let soon = at + chrono::Duration::seconds(5);
        let (line, ok) = describe("file:///r", &position, Some(soon));
        assert!(ok, "{line}");
        assert!(line.contains("Litestream txid 42"), "{line}");
        let late = at + chrono::Duration::seconds(BEHIND_MARGIN_SECS + 30);
        let (line, ok) = describe("file:///r", &position, Some(late));
        assert!(!ok);
        assert!(
            line.contains("BEHIND: the database changed 90 s after it"),
            "{line}"
        );
    }

    #[test]
    fn the_help_names_the_safety_net_threshold_keywork_sets() {
        let pages = replica::SAFETY_NET_CHECKPOINT_PAGES;
        let shown = format!("{},{:03} pages", pages / 1000, pages % 1000);
        assert!(INIT_HELP.contains(&shown), "{shown} in {INIT_HELP}");
    }

    #[test]
    fn durations_read_in_the_largest_sensible_unit() {
        assert_eq!(duration_words(3), "3 s");
        assert_eq!(duration_words(600), "10 min");
        assert_eq!(duration_words(3 * 3600), "3 h");
        assert_eq!(duration_words(5 * 86_400), "5 days");
    }
}
