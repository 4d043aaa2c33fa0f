//! Running the `litestream` program: finding it, asking for the replica's latest position and
//! restoring from it. Kept out of the store, which only writes and reads the configuration.

use crate::store::replica::{LITESTREAM_ENV, Replica, ReplicaError, config_path};
use chrono::{DateTime, Utc};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

type Result<T, E = ReplicaError> = std::result::Result<T, E>;

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

/// The program a service should run, for the unit and cron line `replicate init` prints:
/// `found` with symlinks resolved and, when it is a pyenv shim, the program behind it. A shim is
/// a bash script that needs the pyenv set-up of a login shell, which systemd and cron do not
/// give, so a unit naming it never starts Litestream. With it, a warning when what is left is
/// still a script rather than the program. `None` when nothing is there (`$KEYWORK_LITESTREAM`
/// may name a path that does not exist).
pub fn program_for_service(found: &Path) -> Option<(PathBuf, Option<String>)> {
    let path = std::fs::canonicalize(found).ok()?;
    Some(for_service(path))
}

fn for_service(path: PathBuf) -> (PathBuf, Option<String>) {
    let Some(script) = script_text(&path) else {
        return (path, None);
    };
    let name = path
        .file_name()
        .map_or_else(|| "litestream".into(), |n| n.to_string_lossy().into_owned());
    if !script.contains("pyenv") {
        let warning = format!(
            "Warning: {} is a script, not the litestream program (a version manager's shim?): \
             make sure it runs without a login shell's set-up, or give the program's own path \
             below.",
            path.display()
        );
        return (path, Some(warning));
    }
    match pyenv_which(&script, &name) {
        Some(real) => (real, None),
        None => {
            let warning = format!(
                "Warning: {} is a pyenv shim, which a service cannot run (it needs a login \
                 shell's pyenv set-up), and pyenv could not say which program it runs: put the \
                 path `pyenv which litestream` prints in the lines below, or copy that program to \
                 /usr/local/bin/litestream.",
                path.display()
            );
            (path, Some(warning))
        }
    }
}

/// The text of `path` if it is a script (`#!`), from its first few kilobytes.
fn script_text(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    head.starts_with(b"#!")
        .then(|| String::from_utf8_lossy(&head).into_owned())
}

/// Asks pyenv which program the shim `script` runs as `name`: the pyenv and root the shim names
/// (so no shell set-up is needed), from `/` and without `PYENV_VERSION`, as a service would be
/// run. `None` unless the answer is an executable that is not itself a script.
fn pyenv_which(script: &str, name: &str) -> Option<PathBuf> {
    let quoted = |line: &str, prefix: &str| -> Option<String> {
        let rest = line.trim().strip_prefix(prefix)?;
        Some(rest.split('"').next()?.to_owned())
    };
    let root = script
        .lines()
        .find_map(|l| quoted(l, "export PYENV_ROOT=\""))?;
    let pyenv = script.lines().find_map(|l| quoted(l, "exec \""))?;
    let out = Command::new(&pyenv)
        .args(["which", name])
        .env("PYENV_ROOT", &root)
        .env_remove("PYENV_VERSION")
        .current_dir("/")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let real = PathBuf::from(text.trim());
    let real = std::fs::canonicalize(&real).unwrap_or(real);
    (out.status.success() && is_executable(&real) && script_text(&real).is_none()).then_some(real)
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
