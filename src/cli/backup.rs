//! `keywork backup` and `keywork restore`: a consistent copy taken while colleagues keep working
//! (a nightly cron job), and putting one back when nobody has the database open.

use super::restored::{RestoreError, contents, megabytes};
use super::{CliError, encrypted, output};
use crate::clock::Clock;
use crate::domain::Login;
use crate::store::{Store, StoreError};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new backup file, e.g. /srv/keywork/backups/team-2026-11-29.db (never overwritten).
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Encrypt the backup to this age X25519 recipient (age1..., the service's public key; the
    /// private key stays offline). Repeat for a second key, e.g. one kept in a safe.
    #[arg(long = "encrypt-to", value_name = "RECIPIENT")]
    pub encrypt_to: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup made by `keywork backup`; it is copied, never changed.
    #[arg(
        value_name = "BACKUP",
        required_unless_present = "from_replica",
        conflicts_with = "from_replica"
    )]
    pub backup: Option<PathBuf>,
    /// Restore through Litestream from the replica `keywork replicate init` set up
    /// (file:///PATH, sftp://USER@HOST/PATH or s3://BUCKET/PATH).
    #[arg(long, value_name = "URL")]
    pub from_replica: Option<String>,
    /// With --from-replica: the database as it was at this moment, e.g. 2026-11-29T16:00:00Z or
    /// 2026-11-29 16:00 (local time) [default: as late as the replica holds].
    #[arg(long, value_name = "TIMESTAMP", requires = "from_replica")]
    pub at: Option<String>,
    /// For a backup made with --encrypt-to: the age identity file holding the service's key. It
    /// is decrypted into a private temporary file beside the database, then restored as usual.
    #[arg(long, value_name = "FILE", conflicts_with = "from_replica")]
    pub identity: Option<PathBuf>,
}

/// Copies the database (opened for reading: anyone on the team list may back it up, a
/// read-only worker too) to a new owner-only file, and says what the copy holds.
pub fn backup(store: &Store, args: &BackupArgs) -> Result<(), CliError> {
    store.may_back_up().map_err(|e| match e {
        StoreError::Refused(refusal) => CliError::Usage(format!(
            "could not back up: {}; no backup was made{}",
            refusal.reason(),
            refusal
                .remedy()
                .map(|remedy| format!("; {remedy}"))
                .unwrap_or_default()
        )),
        e => e.into(),
    })?;
    let recipients = encrypted::recipients(&args.encrypt_to)?;
    let started = Instant::now();
    let bar = super::progress::working("Backing up");
    let summary = if recipients.is_empty() {
        output::write_new(&args.path, "back up", |file| store.backup_into(file.path()))?
    } else {
        encrypted::backup(store, &args.path, &recipients)?
    };
    bar.finish_and_clear();
    let sealed = match recipients.len() {
        0 => String::new(),
        1 => ", encrypted to 1 recipient".to_owned(),
        n => format!(", encrypted to {n} recipients"),
    };
    println!(
        "Backed up {} to {} ({} in {:.1} s{sealed}): {}; integrity ok",
        store.path().display(),
        args.path.display(),
        megabytes(summary.bytes),
        started.elapsed().as_secs_f64(),
        contents(&summary)
    );
    Ok(())
}

/// Puts a backup in place of the database at `db` and says where the replaced file was kept.
/// With `--from-replica`, rebuilds it through Litestream first (see [`super::replicate`]).
/// `read_only` is the global `--read-only`: a restore is a write, refused then.
pub fn restore(
    db: &Path,
    args: &RestoreArgs,
    read_only: bool,
    clock: Clock,
    actor: Login,
) -> Result<(), CliError> {
    if read_only {
        return Err(StoreError::Refused(crate::domain::Refusal::ReadOnlyRun).into());
    }
    let backup = match (&args.backup, &args.from_replica) {
        (_, Some(url)) => {
            return super::replicate::restore_from_replica(
                db,
                url,
                args.at.as_deref(),
                clock,
                actor,
            );
        }
        // clap lets `--at` through beside BACKUP (the two conflict with --from-replica).
        (Some(_), None) if args.at.is_some() => {
            return Err(CliError::Usage(
                "--at is for --from-replica: a backup holds one moment only; nothing was changed"
                    .into(),
            ));
        }
        (Some(backup), None) => backup,
        (None, None) => {
            return Err(CliError::Usage(
                "restore needs a BACKUP file or --from-replica URL".into(),
            ));
        }
    };
    let plain = match &args.identity {
        Some(identity) => Some(encrypted::decrypt(backup, identity, db)?),
        None if encrypted::is_encrypted(backup) => {
            return Err(CliError::Usage(format!(
                "could not restore {}: it is encrypted; give --identity FILE (the service's age \
                 key); nothing was changed",
                backup.display()
            )));
        }
        None => None,
    };
    let source = plain
        .as_ref()
        .map_or(backup.as_path(), |plain| plain.path());
    let restored = crate::store::backup::restore(source, db, clock, actor)
        .map_err(|source| RestoreError::new(backup.display().to_string(), source))?;
    println!(
        "Restored {} to {} ({}): {}; integrity ok",
        backup.display(),
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
