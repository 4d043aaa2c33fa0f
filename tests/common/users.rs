//! Real operating-system users for the team tests: one group and a few logins, made once with
//! `groupadd`/`useradd` when the tests run as root, and commands run as one of them without
//! `su` or `sudo`.
//!
//! Every child process of a test binary that includes this module must be started through
//! [`spawn`]: copying the keywork binary ([`binary_for_everyone`]) waits until no fork is in
//! progress, so no child inherits the copy's open file and the copy never fails to run with
//! "text file busy".
#![allow(dead_code)]

use nix::unistd::{Gid, Group, Uid, User};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::sync::{OnceLock, RwLock};

/// The team's Unix group.
pub const GROUP: &str = "kwteamt";
pub const LEAD: &str = "kwt-lead";
pub const SAM: &str = "kwt-sam";
pub const KIM: &str = "kwt-kim";
pub const READER: &str = "kwt-ro";

/// What a test that needs these users says when it cannot have them.
pub const SKIP: &str = "skipped: needs root to create OS users with useradd";

#[derive(Debug, Clone)]
pub struct OsUser {
    pub login: String,
    pub uid: Uid,
    /// The user's primary group.
    pub gid: Gid,
}

/// The team's group and its members.
#[derive(Debug)]
pub struct Users {
    pub team_gid: Gid,
    pub lead: OsUser,
    pub sam: OsUser,
    pub kim: OsUser,
    pub reader: OsUser,
}

/// The team's users, made on first use; `None` unless the tests run as root.
pub fn users() -> Option<&'static Users> {
    static USERS: OnceLock<Users> = OnceLock::new();
    if !Uid::effective().is_root() {
        return None;
    }
    Some(USERS.get_or_init(|| {
        create().unwrap_or_else(|e| panic!("could not set up the test's OS users: {e}"))
    }))
}

fn create() -> Result<Users, String> {
    let team_gid = ensure_group(GROUP)?;
    Ok(Users {
        team_gid,
        lead: ensure_user(LEAD)?,
        sam: ensure_user(SAM)?,
        kim: ensure_user(KIM)?,
        reader: ensure_user(READER)?,
    })
}

/// The group, made if missing; "already exists" (another test run made it meanwhile) is fine.
fn ensure_group(name: &str) -> Result<Gid, String> {
    if let Some(group) = Group::from_name(name).ok().flatten() {
        return Ok(group.gid);
    }
    let out = output(Command::new("groupadd").arg(name));
    // 9: the group name is already in use.
    if !(out.status.success() || out.status.code() == Some(9)) {
        return Err(format!(
            "groupadd {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Group::from_name(name)
        .ok()
        .flatten()
        .map(|g| g.gid)
        .ok_or_else(|| format!("group {name} missing after groupadd"))
}

/// A login in the team group, with no home directory and no shell, made if missing.
fn ensure_user(login: &str) -> Result<OsUser, String> {
    if User::from_name(login).ok().flatten().is_none() {
        let out = output(Command::new("useradd").args([
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "--groups",
            GROUP,
            login,
        ]));
        // 9: the login is already in use.
        if !(out.status.success() || out.status.code() == Some(9)) {
            return Err(format!(
                "useradd {login}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    let user = User::from_name(login)
        .ok()
        .flatten()
        .ok_or_else(|| format!("login {login} missing after useradd"))?;
    Ok(OsUser {
        login: login.to_owned(),
        uid: user.uid,
        gid: user.gid,
    })
}

/// Makes `command` run as `user`, with the team group as its only supplementary group (as after
/// `usermod -aG GROUP` and a new login). Done in the child between fork and exec, with system
/// calls only; std's own `uid()` would drop root before a `pre_exec` could set the groups.
pub fn as_user<'c>(command: &'c mut Command, user: &OsUser, team_gid: Gid) -> &'c mut Command {
    let (uid, gid) = (user.uid, user.gid);
    // SAFETY: the closure only makes async-signal-safe system calls and allocates nothing.
    unsafe {
        command.pre_exec(move || {
            nix::unistd::setgroups(&[team_gid])?;
            nix::unistd::setgid(gid)?;
            nix::unistd::setuid(uid)?;
            Ok(())
        });
    }
    command
}

/// Held (shared) while a child is being started, and (exclusively) while the binary is copied.
static FORKING: RwLock<()> = RwLock::new(());

/// Starts `command`, its standard output and error captured.
pub fn spawn(command: &mut Command) -> Child {
    let _forking = FORKING.read().unwrap_or_else(|e| e.into_inner());
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"))
}

/// Runs `command` to the end.
pub fn output(command: &mut Command) -> Output {
    spawn(command).wait_with_output().expect("the command ran")
}

/// The keywork binary at a path every user can run: the build's own when every directory above
/// it is open to others, else a hard link or (on another filesystem) a copy in `dir`, made 0755.
/// The build directory may be under /root, say, which other users cannot enter.
pub fn binary_for_everyone(dir: &Path) -> PathBuf {
    let built = Path::new(env!("CARGO_BIN_EXE_keywork"));
    let open_to_others =
        |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 != 0);
    if built.ancestors().all(open_to_others) {
        return built.to_owned();
    }
    let copy = dir.join("keywork");
    if std::fs::hard_link(built, &copy).is_err() {
        let _copying = FORKING.write().unwrap_or_else(|e| e.into_inner());
        std::fs::copy(built, &copy).expect("copy the binary");
    }
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    copy
}

/// A login on the server but outside the team's group (a new starter not added yet).
pub const OUTSIDER: &str = "kwt-out";

/// [`OUTSIDER`], made on first use without the team's group; `None` unless the tests run as root.
pub fn outsider() -> Option<&'static OsUser> {
    static OUTSIDER_USER: OnceLock<OsUser> = OnceLock::new();
    if !Uid::effective().is_root() {
        return None;
    }
    Some(OUTSIDER_USER.get_or_init(|| {
        if User::from_name(OUTSIDER).ok().flatten().is_none() {
            let out = output(Command::new("useradd").args([
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                OUTSIDER,
            ]));
            assert!(
                out.status.success() || out.status.code() == Some(9),
                "useradd {OUTSIDER}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let user = User::from_name(OUTSIDER)
            .ok()
            .flatten()
            .expect("the outsider's login after useradd");
        OsUser {
            login: OUTSIDER.to_owned(),
            uid: user.uid,
            gid: user.gid,
        }
    }))
}
