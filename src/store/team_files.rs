//! The files of a team database: the group-shared directory `init` prepares, and the
//! permission checks every open and `check` make.

use super::StoreError;
use nix::unistd::Gid;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// setgid plus read, write and search for owner and group: files made inside take the group.
const TEAM_DIR_MODE: u32 = 0o2770;
const TEAM_FILE_MODE: u32 = 0o660;

/// The directory holding `path`.
pub fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Makes the directory for a new team database (or takes an empty one): group `gid`, mode 2770;
/// then the empty database file, group `gid`, mode 0660. The process umask becomes 007 so the
/// files SQLite makes beside it (-wal, -shm) are group-writable too. Returns the directory.
pub fn prepare(path: &Path, gid: Gid) -> Result<PathBuf, StoreError> {
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o007));
    let dir = directory_of(path);
    let io = |p: &Path| {
        let p = p.to_owned();
        move |source| StoreError::Io { path: p, source }
    };
    if dir.exists() {
        let others: Vec<_> = std::fs::read_dir(&dir)
            .map_err(io(&dir))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path() != path)
            .collect();
        if !others.is_empty() {
            return Err(StoreError::TeamDirectoryInUse(dir));
        }
    } else {
        std::fs::create_dir(&dir).map_err(io(&dir))?;
    }
    set_group_and_mode(&dir, gid, TEAM_DIR_MODE).map_err(io(&dir))?;
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(TEAM_FILE_MODE)
            .open(path)
            .map_err(io(path))?;
    }
    set_group_and_mode(path, gid, TEAM_FILE_MODE).map_err(io(path))?;
    Ok(dir)
}

fn set_group_and_mode(path: &Path, gid: Gid, mode: u32) -> std::io::Result<()> {
    nix::unistd::chown(path, None, Some(gid)).map_err(std::io::Error::from)?;
    // chmod after chown: changing the group clears the setgid bit.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// One line, if users outside the database's group can read or write it or the files beside it,
/// naming the files and the command that fixes it.
pub fn outsiders_warning(path: &Path) -> Option<String> {
    let open: Vec<String> = [
        path.to_owned(),
        sibling(path, "-wal"),
        sibling(path, "-shm"),
    ]
    .into_iter()
    .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o006 != 0))
    .map(|p| p.display().to_string())
    .collect();
    if open.is_empty() {
        return None;
    }
    let mode = std::fs::metadata(path)
        .map(|m| format!(" (mode {:04o})", m.permissions().mode() & 0o7777))
        .unwrap_or_default();
    Some(format!(
        "warning: {}{mode} can be read or written by users outside its group; fix with: chmod o-rwx {}",
        path.display(),
        open.join(" ")
    ))
}

/// Permission problems `check` reports: access for outsiders, and in a team directory (setgid)
/// files the group cannot write or that belong to another group.
pub fn problems(path: &Path) -> Vec<String> {
    let mut problems: Vec<String> = outsiders_warning(path)
        .map(|w| w.trim_start_matches("warning: ").to_owned())
        .into_iter()
        .collect();
    let dir = directory_of(path);
    let Ok(dir_meta) = std::fs::metadata(&dir) else {
        return problems;
    };
    if dir_meta.permissions().mode() & 0o2000 == 0 {
        return problems;
    }
    for file in [
        path.to_owned(),
        sibling(path, "-wal"),
        sibling(path, "-shm"),
    ] {
        let Ok(meta) = std::fs::metadata(&file) else {
            continue;
        };
        if meta.gid() != dir_meta.gid() {
            problems.push(format!(
                "{} belongs to group {} but its team directory to group {}; fix with: chgrp {} {}",
                file.display(),
                group_name(meta.gid()),
                group_name(dir_meta.gid()),
                group_name(dir_meta.gid()),
                file.display()
            ));
        }
        if meta.permissions().mode() & 0o060 != 0o060 {
            problems.push(format!(
                "{} is not readable and writable by its group, so colleagues cannot open it; fix with: chmod g+rw {}",
                file.display(),
                file.display()
            ));
        }
    }
    problems
}

/// The operating system refused us `path` (or a directory on the way to it): say where, which
/// group it belongs to, and what to do. The usual cause is a worker not yet in the team's group,
/// or added to it since they logged in: group membership is fixed when a login starts.
pub fn denied(path: &Path) -> StoreError {
    let blocker = blocking_component(path);
    let gid = std::fs::metadata(&blocker).map(|m| m.gid()).ok();
    let group = gid.map(group_name);
    let login = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .ok()
        .flatten()
        .map(|u| u.name);
    let listed = match (&group, &login) {
        (Some(group), Some(login)) => nix::unistd::Group::from_name(group)
            .ok()
            .flatten()
            .is_some_and(|g| g.mem.iter().any(|m| m == login)),
        _ => false,
    };
    let what = if blocker == path {
        "it".to_owned()
    } else {
        format!("the directory {}", blocker.display())
    };
    let login = login.unwrap_or_else(|| "LOGIN".to_owned());
    let remedy = match group {
        Some(group) if listed => format!(
            "{what} belongs to the group {group}; {login} has been added to {group} since this \
             login started: log in again (a new group membership needs a new login)"
        ),
        Some(group) => format!(
            "{what} belongs to the group {group}, which {login} is not in: ask an administrator to \
             run `usermod -aG {group} {login}`, then log in again (a new group membership needs a new \
             login)"
        ),
        None => "ask an administrator for access".to_owned(),
    };
    StoreError::PermissionDenied {
        path: path.to_owned(),
        remedy,
    }
}

/// The first directory on the way to `path` this process may not enter, or else `path` itself.
fn blocking_component(path: &Path) -> PathBuf {
    use nix::unistd::{AccessFlags, access};
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut dirs: Vec<&Path> = absolute.ancestors().skip(1).collect();
    dirs.reverse();
    dirs.into_iter()
        .find(|dir| access(*dir, AccessFlags::X_OK).is_err())
        .map_or_else(|| path.to_owned(), Path::to_owned)
}

fn group_name(gid: u32) -> String {
    nix::unistd::Group::from_gid(Gid::from_raw(gid))
        .ok()
        .flatten()
        .map_or_else(|| gid.to_string(), |g| g.name)
}

pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
