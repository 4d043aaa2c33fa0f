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

/// The personal database a run would make in `home` when nothing names another.
fn personal_db(home: &Path) -> PathBuf {
    home.join(".local/share/keywork/keywork.db")
}

#[test]
fn init_as_root_names_the_team_database_system_wide_and_every_login_opens_it_without_keywork_db() {
    let Some(users) = users::users() else {
        eprintln!("{}", users::SKIP);
        return;
    };
    let place = Place::team(users);
    let written = std::fs::read_to_string(&place.system_config).expect("init wrote it");
    assert!(
        written.contains(&format!("database = \"{}\"", place.db.display())),
        "{written}"
    );
    let mode = std::fs::metadata(&place.system_config)
        .expect("the config")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o644, "every login reads it");
    // As over `ssh host keywork`: no --db and no KEYWORK_DB, a login's own empty home.
    let sam = Some((&users.sam, users.team_gid));
    let out = place.run(sam, &["worker", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Lee Lead") && stdout(&out).contains("Sam Worker"),
        "{}",
        stdout(&out)
    );
    assert!(!personal_db(&place.home(Some(&users.sam))).exists());
}

#[test]
fn init_never_overwrites_a_system_config_naming_another_database() {
    let Some(users) = users::users() else {
        eprintln!("{}", users::SKIP);
        return;
    };
    let place = Place::team(users);
    let before = std::fs::read_to_string(&place.system_config).expect("the first init's");
    let second = place.dir.path().join("second").join("keywork.db");
    let out = place.run(
        None,
        &[
            "--db",
            &second.display().to_string(),
            "init",
            "--group",
            users::GROUP,
            "--lead",
            users::LEAD,
            "--name",
            "Lee Lead",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("left as it was"), "{}", stdout(&out));
    assert_eq!(
        std::fs::read_to_string(&place.system_config).expect("still there"),
        before
    );
}

#[test]
fn a_missing_service_database_is_never_replaced_by_a_new_or_personal_one() {
    let place = Place::new(false);
    std::fs::create_dir_all(place.db.parent().expect("team/")).expect("the team directory");
    std::fs::create_dir_all(place.system_config.parent().expect("etc/")).expect("etc/");
    std::fs::write(
        &place.system_config,
        format!("database = \"{}\"\n", place.db.display()),
    )
    .expect("the system config");
    for args in FIRST_COMMANDS {
        let out = place.run(None, args);
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?}: {}", stdout(&out));
        assert!(
            err.contains(&format!(
                "{}, the service's database named in {}, does not exist; nothing was created",
                place.db.display(),
                place.system_config.display()
            )),
            "{args:?}: {err}"
        );
    }
    assert!(
        !place.db.exists(),
        "not created where the service's belongs"
    );
    assert!(!personal_db(&place.home(None)).exists(), "no personal one");
}

#[test]
fn an_explicit_db_wins_over_the_system_config() {
    let place = Place::new(false);
    std::fs::create_dir_all(place.system_config.parent().expect("etc/")).expect("etc/");
    std::fs::write(
        &place.system_config,
        format!("database = \"{}\"\n", place.db.display()),
    )
    .expect("the system config");
    let mine = place.dir.path().join("mine.db");
    let out = place.run(
        None,
        &["--db", &mine.display().to_string(), "worker", "list"],
    );
    assert!(
        stderr(&out).contains(&format!("{}: no database here", mine.display())),
        "{}",
        stderr(&out)
    );
    let mut with_env = place.command(None, &["worker", "list"]);
    with_env.env("KEYWORK_DB", &mine);
    let out = users::output(&mut with_env);
    assert!(
        stderr(&out).contains(&format!("{}: no database here", mine.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_broken_system_config_is_refused_with_its_file_and_line() {
    let place = Place::new(false);
    std::fs::create_dir_all(place.system_config.parent().expect("etc/")).expect("etc/");
    std::fs::write(
        &place.system_config,
        "# the service\ndatabase = \"team.db\"\n",
    )
    .expect("the system config");
    let out = place.run(None, &["worker", "list"]);
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "keywork: {}, line 2: database must be an absolute path, got team.db",
            place.system_config.display()
        )
    );
}

#[test]
fn help_names_the_database_the_system_config_chose() {
    let place = Place::new(false);
    std::fs::create_dir_all(place.system_config.parent().expect("etc/")).expect("etc/");
    std::fs::write(
        &place.system_config,
        format!("database = \"{}\"\n", place.db.display()),
    )
    .expect("the system config");
    let out = place.run(None, &["--help"]);
    assert!(
        stdout(&out).contains(&format!(
            "Database: {} (from {})",
            place.db.display(),
            place.system_config.display()
        )),
        "{}",
        stdout(&out)
    );
}
