//! Who may back up and restore a team's database, with real OS users (issue 19, defect 3): a
//! login not on the team list may do neither, a key worker may back up but not restore, and a
//! team lead's restore leaves a row in the restored trail naming both trails' heads, and keeps
//! the replaced file where colleagues cannot delete it.
//!
//! Run by anyone but root these tests say why and return.

#[path = "common/users.rs"]
mod users;

use rusqlite::{Connection, OpenFlags};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;
use users::{OsUser, Users};

/// A team database made by `init` (as root) in `dir/team/`, with kwt-lead its team lead and
/// kwt-sam a key worker; kwt-ro is in the team's group but not on the team list.
struct Team {
    dir: TempDir,
    bin: PathBuf,
    db: PathBuf,
    users: &'static Users,
}

impl Team {
    fn new(users: &'static Users) -> Team {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let bin = users::binary_for_everyone(dir.path());
        let db = dir.path().join("team").join("keywork.db");
        let team = Team {
            dir,
            bin,
            db,
            users,
        };
        let init = [
            "init",
            "--group",
            users::GROUP,
            "--lead",
            users::LEAD,
            "--name",
            "Lee Lead",
        ];
        team.ok(None, &init);
        let add = [
            "worker",
            "add",
            "--login",
            users::SAM,
            "--name",
            "Sam Worker",
        ];
        team.ok(Some(&users.lead), &add);
        team
    }

    /// A home directory of `who`'s own, so keywork reads no one else's settings.
    fn home(&self, who: Option<&OsUser>) -> PathBuf {
        let home = self
            .dir
            .path()
            .join(format!("home-{}", who.map_or("root", |u| u.login.as_str())));
        if !home.exists() {
            std::fs::create_dir(&home).unwrap();
            if let Some(user) = who {
                std::os::unix::fs::chown(&home, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                    .unwrap();
            }
        }
        home
    }

    /// `keywork --db DB ARGS` as `who` (root when `None`).
    fn run(&self, who: Option<&OsUser>, args: &[&str]) -> Output {
        self.run_on(&self.db, who, args)
    }

    /// `keywork --db DB ARGS` on another database.
    fn run_on(&self, db: &Path, who: Option<&OsUser>, args: &[&str]) -> Output {
        let home = self.home(who);
        let mut command = Command::new(&self.bin);
        command
            .arg("--db")
            .arg(db)
            .args(args)
            .current_dir(&home)
            .env("HOME", &home)
            // `init` as root would write the real /etc/keywork/config.toml otherwise.
            .env("KEYWORK_SYSTEM_CONFIG", self.dir.path().join("system.toml"))
            .env_remove("KEYWORK_DB")
            .env_remove("KEYWORK_CONFIG")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME");
        if let Some(user) = who {
            users::as_user(&mut command, user, self.users.team_gid);
        }
        users::output(&mut command)
    }

    fn ok(&self, who: Option<&OsUser>, args: &[&str]) -> String {
        let out = self.run(who, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    }

    /// A backup taken by the lead, made readable by everyone (as if handed over) so that a
    /// refusal is about the login, not about reading the file.
    fn lead_backup(&self) -> PathBuf {
        let home = self.home(Some(&self.users.lead));
        let backup = home.join("backup.db");
        self.ok(
            Some(&self.users.lead),
            &["backup", backup.to_str().unwrap()],
        );
        let shared = self.dir.path().join("backup.db");
        std::fs::copy(&backup, &shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
        shared
    }

    /// The database's files and directories, with their contents: what "nothing changed" means.
    /// Not the `-shm` and an empty `-wal`, which any reader (a refused restore too) may leave.
    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let dir = self.db.parent().unwrap();
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap_or_default();
                (path.display().to_string(), bytes)
            })
            .filter(|(name, bytes)| {
                !(name.ends_with("-shm") || name.ends_with("-wal") && bytes.is_empty())
            })
            .collect();
        files.sort();
        files
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Refused in one line holding each of `expected`, no backtrace.
fn assert_refused(out: &Output, expected: &[&str]) {
    let message = stderr(out);
    assert!(!out.status.success(), "succeeded: {}", stdout(out));
    for text in expected {
        assert!(message.contains(text), "expected {text:?} in {message:?}");
    }
    assert_eq!(message.trim_end().lines().count(), 1, "{message:?}");
}

/// The last audit row's id and hash, and the number of rows, read straight from the file.
fn head(db: &Path) -> (i64, String, i64) {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    let (id, hash) = conn
        .query_row(
            "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    (id, hash, rows)
}

fn last_audit_row(db: &Path) -> (String, String, String, String) {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(
        "SELECT login, action, record_type, detail FROM audit ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .unwrap()
}

/// Runs a shell command as `who`; true if it succeeded.
fn shell_as(team: &Team, who: &OsUser, script: &str) -> bool {
    let mut command = Command::new("sh");
    command.args(["-c", script]);
    users::as_user(&mut command, who, team.users.team_gid);
    users::output(&mut command).status.success()
}

#[test]
fn a_login_not_on_the_team_list_can_neither_back_up_nor_restore() {
    let Some(users) = users::users() else {
        return eprintln!("{}", users::SKIP);
    };
    let team = Team::new(users);
    let backup = team.lead_backup();
    let before = team.snapshot();

    let own = team.home(Some(&users.reader)).join("mine.db");
    let out = team.run(Some(&users.reader), &["backup", own.to_str().unwrap()]);
    assert_refused(
        &out,
        &[
            &format!("login {} is not on the team list", users::READER),
            "no backup was made",
        ],
    );
    assert!(!own.exists(), "a backup was left at {}", own.display());

    let out = team.run(Some(&users.reader), &["restore", backup.to_str().unwrap()]);
    assert_refused(
        &out,
        &[
            &format!("login {} is not on the team list", users::READER),
            "nothing was changed",
        ],
    );
    assert!(team.snapshot() == before, "the team's directory changed");
}

#[test]
fn a_key_worker_may_back_up_but_not_restore() {
    let Some(users) = users::users() else {
        return eprintln!("{}", users::SKIP);
    };
    let team = Team::new(users);
    let own = team.home(Some(&users.sam)).join("mine.db");
    team.ok(Some(&users.sam), &["backup", own.to_str().unwrap()]);
    let backup = team.lead_backup();
    let before = team.snapshot();

    let out = team.run(Some(&users.sam), &["restore", backup.to_str().unwrap()]);
    assert_refused(
        &out,
        &[
            "only a team lead can do this",
            users::SAM,
            "nothing was changed",
        ],
    );
    assert!(team.snapshot() == before, "the team's directory changed");
}

#[test]
fn a_key_worker_cannot_restore_a_backup_of_their_own_over_a_team_database_awaiting_upgrade() {
    let Some(users) = users::users() else {
        return eprintln!("{}", users::SKIP);
    };
    let team = Team::new(users);
    let sam = Some(&users.sam);
    // Sam's own database, where Sam is the first worker and so its team lead, backed up.
    let home = team.home(sam);
    let own = home.join("own.db");
    let out = team.run_on(&own, sam, &["worker", "add", "--name", "Sam Worker"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let backup = home.join("own-backup.db");
    let out = team.run_on(&own, sam, &["backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The team's file as a newer keywork finds it before anyone has opened it for writing: it
    // cannot be opened for reading until upgraded.
    Connection::open(&team.db)
        .unwrap()
        .pragma_update(None, "user_version", 9)
        .unwrap();
    let before = team.snapshot();

    let out = team.run(sam, &["restore", backup.to_str().unwrap()]);
    assert_refused(
        &out,
        &[
            "only a team lead can do this",
            users::SAM,
            "nothing was changed",
        ],
    );
    assert!(team.snapshot() == before, "the team's directory changed");
}

#[test]
fn a_lead_restore_is_audited_with_both_heads_and_the_replaced_file_is_kept_from_colleagues() {
    let Some(users) = users::users() else {
        return eprintln!("{}", users::SKIP);
    };
    let team = Team::new(users);
    let lead = Some(&users.lead);
    let backup = team.lead_backup();
    // A change after the backup: the restore takes the team back before it.
    let add = [
        "worker",
        "add",
        "--login",
        users::KIM,
        "--name",
        "Kim Worker",
    ];
    team.ok(lead, &add);
    let (backup_id, backup_hash, backup_rows) = head(&backup);
    let (live_id, live_hash, live_rows) = head(&team.db);
    assert!(live_rows > backup_rows);

    let out = team.ok(lead, &["restore", backup.to_str().unwrap()]);
    let kept = PathBuf::from(
        out.split("kept as ")
            .nth(1)
            .unwrap_or_else(|| panic!("no 'kept as' in {out:?}"))
            .trim_end()
            .trim_end_matches('.'),
    );
    let kept_name = kept.file_name().unwrap().to_string_lossy().into_owned();
    let (login, action, record_type, detail) = last_audit_row(&team.db);
    assert_eq!(
        (login.as_str(), action.as_str(), record_type.as_str()),
        (users::LEAD, "update", "service")
    );
    assert!(
        detail.contains(&format!("(head {backup_id}:{})", &backup_hash[..24]))
            && detail.contains(&format!("over head {live_id}:{}", &live_hash[..24]))
            && detail.ends_with(&format!(
                "kept as replaced-by-{}/{}",
                users::LEAD,
                kept_name
            )),
        "{detail}"
    );
    assert!(!detail.contains("unknown time"), "{detail}");
    // The backup's note of when it was taken stays with the backup, not the live file.
    let taken: i64 = Connection::open_with_flags(&team.db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM meta WHERE key = 'backup_taken_at'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(taken, 0);
    let (_, _, restored_rows) = head(&team.db);
    assert_eq!(
        restored_rows,
        backup_rows + 1,
        "one row more than the backup"
    );
    team.ok(lead, &["check"]);

    let keep_dir = kept.parent().unwrap().to_owned();
    assert_eq!(
        keep_dir,
        team.db.parent().unwrap().join("replaced-by-kwt-lead")
    );
    let meta = std::fs::metadata(&keep_dir).unwrap();
    assert_eq!(meta.uid(), users.lead.uid.as_raw());
    assert_eq!(meta.permissions().mode() & 0o077, 0, "owner-only");
    assert_eq!(head(&kept).0, live_id, "the kept file is the one replaced");

    let kept_arg = kept.display();
    let dir_arg = keep_dir.display();
    for script in [
        format!("rm -f '{kept_arg}'"),
        format!(": > '{kept_arg}'"),
        format!("rm -rf '{dir_arg}'"),
    ] {
        assert!(
            !shell_as(&team, &users.sam, &script),
            "{script} as sam worked"
        );
    }
    assert_eq!(head(&kept).0, live_id, "the kept file is still whole");
}
