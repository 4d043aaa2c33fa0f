//! Opening the database honestly, with the real binary: a login the operating system keeps out
//! is told why (not offered a new, empty database), the service's database named system-wide
//! is found without KEYWORK_DB, and oversized or endless files are refused.
//!
//! Tests that need several logins create OS users (as root, with useradd); run by anyone else
//! they say why and return.

#[path = "common/users.rs"]
mod users;

use nix::unistd::Gid;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;
use users::OsUser;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file under `dir`, so a test can show nothing was created.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a test directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                todo.push(path.clone());
            }
            found.push(path);
        }
    }
    found.sort();
    found
}

/// A directory every login can reach, holding the binary, a team database made by `init` (as
/// root, kwt-lead its lead) and a home directory per login.
struct Place {
    dir: TempDir,
    bin: PathBuf,
    db: PathBuf,
    /// Where the system-wide configuration is looked for (never the real /etc in a test).
    system_config: PathBuf,
}

impl Place {
    fn new(executable_by_all: bool) -> Place {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod the temp dir");
        let bin = if executable_by_all {
            users::binary_for_everyone(dir.path())
        } else {
            PathBuf::from(env!("CARGO_BIN_EXE_keywork"))
        };
        let db = dir.path().join("team").join("keywork.db");
        let system_config = dir.path().join("etc").join("keywork").join("config.toml");
        Place {
            dir,
            bin,
            db,
            system_config,
        }
    }

    /// The home directory of `who` (the test's own user when `None`), made on first use.
    fn home(&self, who: Option<&OsUser>) -> PathBuf {
        let home = self
            .dir
            .path()
            .join("home")
            .join(who.map_or("admin", |u| u.login.as_str()));
        if !home.exists() {
            std::fs::create_dir_all(&home).expect("make the home directory");
            std::fs::set_permissions(
                home.parent().expect("home/"),
                std::fs::Permissions::from_mode(0o755),
            )
            .expect("chmod home/");
            std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700))
                .expect("chmod the home directory");
            if let Some(user) = who {
                std::os::unix::fs::chown(&home, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                    .expect("chown the home directory");
            }
        }
        home
    }

    /// `keywork ARGS` as `who` with the supplementary group `groups` (as after a login), with
    /// their own HOME and nothing from the test's environment choosing a database or config.
    fn command(&self, who: Option<(&OsUser, Gid)>, args: &[&str]) -> Command {
        let home = self.home(who.map(|(user, _)| user));
        let mut command = Command::new(&self.bin);
        command
            .args(args)
            .current_dir(&home)
            .env("HOME", &home)
            .env("KEYWORK_SYSTEM_CONFIG", &self.system_config)
            .env_remove("KEYWORK_DB")
            .env_remove("KEYWORK_CONFIG")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("NO_COLOR");
        if let Some((user, group)) = who {
            users::as_user(&mut command, user, group);
        }
        command
    }

    fn run(&self, who: Option<(&OsUser, Gid)>, args: &[&str]) -> Output {
        users::output(&mut self.command(who, args))
    }

    fn db_arg(&self) -> String {
        self.db.display().to_string()
    }

    /// A team database as an administrator sets one up: `init` by root, kwt-lead its lead,
    /// kwt-sam a key worker.
    fn team(users: &users::Users) -> Place {
        let place = Place::new(true);
        let db = place.db_arg();
        let init = place.run(
            None,
            &[
                "--db",
                &db,
                "init",
                "--group",
                users::GROUP,
                "--lead",
                users::LEAD,
                "--name",
                "Lee Lead",
            ],
        );
        assert!(init.status.success(), "init: {}", stderr(&init));
        let add = place.run(
            Some((&users.lead, users.team_gid)),
            &[
                "--db",
                &db,
                "worker",
                "add",
                "--login",
                users::SAM,
                "--name",
                "Sam Worker",
                "--role",
                "key_worker",
            ],
        );
        assert!(add.status.success(), "worker add: {}", stderr(&add));
        place
    }
}

/// The commands a worker runs first: the screens on a client, a session from the shell, the
/// team list. Each opens the database a different way (create, write, read).
const FIRST_COMMANDS: [&[&str]; 3] = [
    &["open", "KW-00001"],
    &["session", "add", "--client", "KW-00001", "--note", "First"],
    &["worker", "list"],
];

#[test]
fn a_login_outside_the_group_is_told_permission_denied_and_which_group_not_offered_a_new_database()
{
    let (Some(users), Some(outsider)) = (users::users(), users::outsider()) else {
        eprintln!("{}", users::SKIP);
        return;
    };
    let place = Place::team(users);
    let db = place.db_arg();
    place.home(Some(outsider));
    let before = files_under(place.dir.path());
    for args in FIRST_COMMANDS {
        let out = place.run(
            Some((outsider, outsider.gid)),
            &[&["--db", db.as_str()], args].concat(),
        );
        let err = stderr(&out);
        assert!(
            !out.status.success(),
            "{args:?} succeeded: {}",
            stdout(&out)
        );
        assert!(
            err.contains(&format!("permission denied on {db}")),
            "{args:?}: {err}"
        );
        assert!(
            err.contains(&format!("belongs to the group {}", users::GROUP))
                && err.contains(&format!("usermod -aG {} {}", users::GROUP, users::OUTSIDER))
                && err.contains("log in again"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("no database here"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
    assert_eq!(
        files_under(place.dir.path()),
        before,
        "nothing created, here or in the outsider's home"
    );
}

#[test]
fn a_login_added_to_the_group_since_it_logged_in_is_told_to_log_in_again() {
    let Some(users) = users::users() else {
        eprintln!("{}", users::SKIP);
        return;
    };
    let place = Place::team(users);
    let db = place.db_arg();
    // Sam is in the group in /etc/group, but this session started before: only her own group.
    let out = place.run(
        Some((&users.sam, users.sam.gid)),
        &[
            "--db", &db, "session", "add", "--client", "KW-00001", "--note", "x",
        ],
    );
    let err = stderr(&out);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(
        err.contains(&format!(
            "{} has been added to {} since this login started: log in again",
            users::SAM,
            users::GROUP
        )),
        "{err}"
    );
}
