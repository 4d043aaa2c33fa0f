//! Encrypted backups: `keywork backup PATH --encrypt-to age1...` and `keywork restore --identity
//! FILE BACKUP`, with age. A backup that leaves the server (another disk, a colleague's laptop,
//! cloud storage) is then unreadable without the service's key, which is kept offline, never on
//! the server: the server holds only the public recipient.
//!
//! The plain copy exists only as a private (0600) temporary file in the database's own directory,
//! on the database's own disk, for the few seconds of the copy and its check; it is removed on
//! every path (a SIGKILL may leave a hidden `.NAME.plain-*` there: as private as the database).
//!
//! Recipients are X25519 (`age1...`, what `age-keygen` makes by default) or age's hybrid
//! post-quantum ones (`age1pq1...`, `age-keygen -pq`). age 0.13 marks X25519 encryption
//! deprecated in favour of the latter; it is still what most services' keys are, so it is
//! accepted on purpose.
#![allow(deprecated)]

use super::CliError;
use crate::store::Store;
use crate::store::backup::Summary;
use age::{pq, x25519};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use tempfile::NamedTempFile;

/// Every age file starts with this line.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1";

/// An identity file holds a few keys and comments: the bound stops a wrong file being read whole.
const MAX_IDENTITY_BYTES: u64 = 64 * 1024;

/// The recipients `--encrypt-to` names: all X25519 or all post-quantum (age cannot mix them in
/// one file).
pub(super) fn recipients(given: &[String]) -> Result<Vec<Box<dyn age::Recipient>>, CliError> {
    let mut keys: Vec<Box<dyn age::Recipient>> = Vec::new();
    let mut post_quantum = 0;
    for text in given {
        let text = text.trim();
        if let Ok(key) = pq::Recipient::from_str(text) {
            post_quantum += 1;
            keys.push(Box::new(key));
        } else if let Ok(key) = x25519::Recipient::from_str(text) {
            keys.push(Box::new(key));
        } else {
            return Err(CliError::Usage(format!(
                "--encrypt-to: '{text}' is not an age X25519 recipient (age1..., from \
                 `age-keygen -y KEYFILE`) or post-quantum one (age1pq1...); no backup was made"
            )));
        }
    }
    if post_quantum > 0 && post_quantum < keys.len() {
        return Err(CliError::Usage(
            "--encrypt-to: give post-quantum (age1pq1...) or X25519 (age1...) recipients, not \
             both: age cannot encrypt one file to both kinds; no backup was made"
                .into(),
        ));
    }
    Ok(keys)
}

/// Backs up into a private plain copy beside the database, checks it, then writes it to `path`
/// encrypted to `recipients`.
pub(super) fn backup(
    store: &Store,
    path: &Path,
    recipients: &[Box<dyn age::Recipient>],
) -> Result<Summary, CliError> {
    let plain = private_temp(store.path(), "plain")?;
    let summary = store
        .backup_into(plain.path())
        .map_err(|e| CliError::Usage(format!("could not back up: {e}; no backup was made")))?;
    super::output::write_new(path, "back up", |file| {
        encrypt(plain.path(), recipients, file)
    })?;
    Ok(summary)
}

fn encrypt(
    plain: &Path,
    recipients: &[Box<dyn age::Recipient>],
    out: &mut NamedTempFile,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r.as_ref()))?;
    let mut writer = encryptor.wrap_output(std::io::BufWriter::new(out.as_file_mut()))?;
    std::io::copy(&mut std::fs::File::open(plain)?, &mut writer)?;
    writer.finish()?.flush()?;
    Ok(())
}

/// True if the file at `path` starts as an age file does.
pub(super) fn is_encrypted(path: &Path) -> bool {
    let mut start = [0u8; AGE_MAGIC.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| start == AGE_MAGIC)
}

/// Decrypts `backup` with the keys in `identity` into a private temporary file beside the
/// database `target`, for the normal restore to check and copy. Refused in one line (nothing
/// made) for a file that is not age's, or is not encrypted to any of those keys.
pub(super) fn decrypt(
    backup: &Path,
    identity: &Path,
    target: &Path,
) -> Result<NamedTempFile, CliError> {
    let refuse = |why: String| {
        CliError::Usage(format!(
            "could not restore {}: {why}; nothing was changed",
            backup.display()
        ))
    };
    let identities = read_identities(identity).map_err(&refuse)?;
    if !is_encrypted(backup) {
        return Err(refuse(
            "it is not an encrypted backup (--identity is for backups made with --encrypt-to)"
                .to_owned(),
        ));
    }
    let file = std::fs::File::open(backup).map_err(|e| refuse(e.to_string()))?;
    let decryptor = age::Decryptor::new_buffered(BufReader::new(file))
        .map_err(|e| refuse(format!("it is not a readable age file ({e})")))?;
    let mut reader = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref()))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => refuse(format!(
                "it is not encrypted to any key in {}",
                identity.display()
            )),
            e => refuse(format!("it could not be decrypted ({e})")),
        })?;
    let mut plain = private_temp(target, "plain")?;
    std::io::copy(&mut reader, plain.as_file_mut()).map_err(|e| {
        refuse(format!(
            "it could not be decrypted whole ({e}): damaged or cut short"
        ))
    })?;
    plain
        .as_file()
        .sync_all()
        .map_err(|e| refuse(e.to_string()))?;
    Ok(plain)
}

/// The keys in an age identity file (`age-keygen` output: comments and AGE-SECRET-KEY-1 or
/// AGE-SECRET-KEY-PQ-1 lines).
fn read_identities(path: &Path) -> Result<Vec<Box<dyn age::Identity>>, String> {
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_IDENTITY_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let not_keys = || {
        format!(
            "{} is not an age identity file (AGE-SECRET-KEY-... lines, from age-keygen)",
            path.display()
        )
    };
    if text.len() as u64 > MAX_IDENTITY_BYTES {
        return Err(not_keys());
    }
    let mut keys: Vec<Box<dyn age::Identity>> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Ok(key) = pq::Identity::from_str(line) {
            keys.push(Box::new(key));
        } else if let Ok(key) = x25519::Identity::from_str(line) {
            keys.push(Box::new(key));
        } else {
            return Err(not_keys());
        }
    }
    if keys.is_empty() {
        return Err(not_keys());
    }
    Ok(keys)
}

/// A hidden owner-only temporary file in the directory of the database `db`.
fn private_temp(db: &Path, what: &str) -> Result<NamedTempFile, CliError> {
    let dir: PathBuf = crate::store::team_files::directory_of(db);
    let name = db.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.{what}-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    builder
        .tempfile_in(&dir)
        .map_err(|source| CliError::Io { path: dir, source })
}
