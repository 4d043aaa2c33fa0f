//! Where a restore keeps the database it replaced.
//!
//! A team's directory is setgid 2770 and group-writable, so any colleague may delete or rename
//! any file in it. The replaced database is the only copy of what was saved after the backup,
//! so in a shared directory it goes into a directory of the restorer's own, `replaced-by-LOGIN`,
//! mode 0700: colleagues can neither enter it (to delete, rename or overwrite the file) nor
//! remove it while it holds anything; at most they could rename it within the team directory. A sticky directory (1770) would stop deletion but not
//! writing: the kept file keeps the live file's mode (0660, the group's), which only its owner,
//! not the restoring lead, may change. A private directory (a personal database) needs none of
//! this: the file is kept beside the database as before.

use crate::domain::Login;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The directory to keep the replaced database in: `dir` itself when nobody else may write to
/// it, else `dir/replaced-by-LOGIN`, which must be (if it exists) a real directory owned by this
/// process's user and closed to everyone else; a colleague could have made it first, as a trap.
/// An error comes with the path it is about.
pub(super) fn place(dir: &Path, actor: &Login) -> Result<PathBuf, (PathBuf, std::io::Error)> {
    let meta = std::fs::metadata(dir).map_err(|e| (dir.to_owned(), e))?;
    if meta.permissions().mode() & 0o022 == 0 {
        return Ok(dir.to_owned());
    }
    let own = dir.join(format!("replaced-by-{actor}"));
    match std::fs::symlink_metadata(&own) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(own),
        Err(e) => Err((own, e)),
        Ok(meta) if ours_alone(&meta) => Ok(own),
        Ok(_) => Err((own, not_ours_alone())),
    }
}

/// Makes the restorer's own directory `place` named (never the database's directory itself).
pub(super) fn make(dir: &Path) -> std::io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {
            // Clears the setgid bit the team directory passes on: nothing else is shared here.
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        }
        // Checked again now, not trusted from `place`: the backup's checks ran in between, and
        // a colleague could have put a symlink to their own directory in its place meanwhile.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if ours_alone(&std::fs::symlink_metadata(dir)?) {
                Ok(())
            } else {
                Err(not_ours_alone())
            }
        }
        Err(e) => Err(e),
    }
}

/// A real directory (not a symlink), owned by this login and closed to everyone else.
fn ours_alone(meta: &std::fs::Metadata) -> bool {
    meta.is_dir()
        && meta.uid() == nix::unistd::Uid::effective().as_raw()
        && meta.permissions().mode() & 0o077 == 0
}

fn not_ours_alone() -> std::io::Error {
    std::io::Error::other(
        "not a directory of yours alone (someone else made it, or it is open to others); move it \
         away and try again",
    )
}
