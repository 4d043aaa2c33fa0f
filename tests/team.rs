//! A team sharing one database on one server, end to end with the real binary: the files `init`
//! makes and keeps group-writable, several logins writing to one file, roles and retiring,
//! refusals that leave the file as it was, the service's settings over personal config files,
//! `--today` on real and demo data, tampering found by `check`, views in the audit, and many
//! writers at once.
//!
//! Tests that need more than one login create OS users (as root, with useradd); run by anyone
//! else they say why and return. The rest run as whoever runs the tests.

#[path = "common/fixture.rs"]
mod fixture;

#[path = "common/users.rs"]
mod users;

use chrono::NaiveDate;
use fixture::{date, me};
use keywork::clock::Clock;
use keywork::domain::audit::{ChainFields, chain_hash};
use keywork::domain::{
    Client, ClientStatus, InjectingStatus, Login, Modality, Name, RiskFlags, Role, ServiceRef,
    Substance, Worker,
};
use keywork::store::{Access, Store};
use nix::unistd::{Gid, Group, Uid, User};
use rusqlite::{Connection, params};
use std::collections::BTreeSet;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;
use users::{OsUser, Users};

const TODAY: &str = "2026-11-23";
/// The client every fixture holds.
const CLIENT: &str = "KW-00001";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn skip() {
    eprintln!("{}", users::SKIP);
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the command failed with one line naming the problem, and no backtrace.
fn assert_refused(out: &Output, expected: &str) {
    let message = stderr(out);
    assert!(
        !out.status.success(),
        "expected a refusal mentioning {expected:?}, got success: {}",
        stdout(out)
    );
    assert!(
        message.contains(expected),
        "expected {expected:?} in {message:?}"
    );
    assert_eq!(
        message.trim_end().lines().count(),
        1,
        "one line only: {message:?}"
    );
    assert!(!message.contains("backtrace") && !message.contains("panicked"));
}

fn meta(path: &Path) -> std::fs::Metadata {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Permission bits including setuid, setgid and sticky.
fn mode(path: &Path) -> u32 {
    meta(path).permissions().mode() & 0o7777
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One number from the database, read directly.
fn count(db: &Path, sql: &str) -> i64 {
    let conn = Connection::open(db).expect("open the database");
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// The logins in `sql`'s first column, in order.
fn logins(db: &Path, sql: &str) -> Vec<String> {
    let conn = Connection::open(db).expect("open the database");
    let mut stmt = conn.prepare(sql).expect(sql);
    stmt.query_map([], |r| r.get(0))
        .expect(sql)
        .collect::<Result<_, _>>()
        .expect(sql)
}

/// A client with the required fields, in treatment since 20 January 2026.
fn fixture_client(key_worker_id: i64, number: u32) -> Client {
    Client {
        reference: ServiceRef::from_number(number),
        given_name: Name::new("Jo").expect("valid name"),
        family_name: Name::new("Bloggs").expect("valid name"),
        preferred_name: None,
        date_of_birth: date(1985, 6, 15),
        nhs_number: None,
        key_worker_id,
        status: ClientStatus::Active,
        referral_date: date(2026, 1, 10),
        treatment_start: Some(date(2026, 1, 20)),
        primary_substance: Substance::Heroin,
        other_substances: BTreeSet::new(),
        injecting: InjectingStatus::Never,
        modality: Modality::Psychosocial,
        shared_care: None,
        risk: RiskFlags::default(),
    }
}

/// Puts client `number` on `key_worker`'s caseload directly through the store: there is no
/// command for adding a client yet.
fn add_client(db: &Path, key_worker: &str, number: u32) {
    let mut store =
        Store::open_unchecked(db, Access::Write, Clock::system(), me()).expect("open the store");
    let key_worker = Login::new(key_worker).expect("valid login");
    let id = store
        .worker_by_login(&key_worker)
        .expect("read the team")
        .expect("the key worker is on the team")
        .id;
    store
        .write(|w| w.insert(&fixture_client(id, number)))
        .expect("add the client");
}

/// A directory every user can reach, holding the keywork binary, a database's directory (made by
/// `init`) and a home directory per user (so the config file keywork reads is theirs).
struct Place {
    dir: TempDir,
    bin: PathBuf,
    db: PathBuf,
    team_gid: Option<Gid>,
}

impl Place {
    /// With `team_gid`, for commands run as the team's OS users, who must be able to run the
    /// binary. Without, every command runs as the user running the tests.
    fn new(team_gid: Option<Gid>) -> Place {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod the temp dir");
        let bin = match team_gid {
            Some(_) => users::binary_for_everyone(dir.path()),
            None => PathBuf::from(env!("CARGO_BIN_EXE_keywork")),
        };
        let db = dir.path().join("team").join("keywork.db");
        Place {
            dir,
            bin,
            db,
            team_gid,
        }
    }

    /// The home directory of `who` (the user running the tests when `None`), made on first use
    /// and owned by them.
    fn home(&self, who: Option<&OsUser>) -> PathBuf {
        let home = self
            .dir
            .path()
            .join("home")
            .join(who.map_or("admin", |u| u.login.as_str()));
        if !home.exists() {
            std::fs::create_dir_all(&home).expect("make the home directory");
            std::fs::set_permissions(
                home.parent().unwrap(),
                std::fs::Permissions::from_mode(0o755),
            )
            .expect("chmod home/");
            std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700))
                .expect("chmod the home directory");
            if let Some(user) = who {
                chown(&home, user);
            }
        }
        home
    }

    /// `keywork --db DB ARGS` as `who`, with their own HOME and nothing from the test's
    /// environment that would choose another database or config file.
    fn command(&self, db: &Path, who: Option<&OsUser>, args: &[&str]) -> Command {
        let home = self.home(who);
        let mut command = Command::new(&self.bin);
        command
            .arg("--db")
            .arg(db)
            .args(args)
            .current_dir(&home)
            .env("HOME", &home)
            // `init` as root names its database system-wide: never in the real /etc.
            .env(
                "KEYWORK_SYSTEM_CONFIG",
                self.dir.path().join("etc").join("config.toml"),
            )
            .env_remove("KEYWORK_DB")
            .env_remove("KEYWORK_CONFIG")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("NO_COLOR");
        if let Some(user) = who {
            let team_gid = self.team_gid.expect("a place for the team's users");
            users::as_user(&mut command, user, team_gid);
        }
        command
    }

    fn run_on(&self, db: &Path, who: Option<&OsUser>, args: &[&str]) -> Output {
        users::output(&mut self.command(db, who, args))
    }

    fn run(&self, who: Option<&OsUser>, args: &[&str]) -> Output {
        self.run_on(&self.db, who, args)
    }

    /// The command's standard output; it must succeed.
    fn ok(&self, who: Option<&OsUser>, args: &[&str]) -> String {
        let out = self.run(who, args);
        let login = who.map_or("the test's user", |u| u.login.as_str());
        assert!(
            out.status.success(),
            "{args:?} as {login} failed: {}",
            stderr(&out)
        );
        stdout(&out)
    }
}

fn chown(path: &Path, user: &OsUser) {
    std::os::unix::fs::chown(path, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
        .unwrap_or_else(|e| panic!("chown {}: {e}", path.display()));
}

/// A team database set up as an administrator would: `init` run by root with kwt-lead as team
/// lead, who then adds kwt-sam and kwt-kim as key workers; client KW-00001 is on sam's
/// caseload.
struct Team {
    place: Place,
}

impl Team {
    fn new(users: &'static Users) -> Team {
        let place = Place::new(Some(users.team_gid));
        let lead = Some(&users.lead);
        place.ok(
            None,
            &[
                "init",
                "--group",
                users::GROUP,
                "--lead",
                users::LEAD,
                "--name",
                "Lee Lead",
                "--service",
                "Team Test Service",
            ],
        );
        for (login, name) in [(users::SAM, "Sam Worker"), (users::KIM, "Kim Worker")] {
            place.ok(
                lead,
                &[
                    "worker",
                    "add",
                    "--login",
                    login,
                    "--name",
                    name,
                    "--role",
                    "key_worker",
                ],
            );
        }
        add_client(&place.db, users::SAM, 1);
        Team { place }
    }

    fn db(&self) -> &Path {
        &self.place.db
    }

    fn run(&self, who: &OsUser, args: &[&str]) -> Output {
        self.place.run(Some(who), args)
    }

    fn ok(&self, who: &OsUser, args: &[&str]) -> String {
        self.place.ok(Some(who), args)
    }

    /// `keywork session add` for the fixture client.
    fn add_session(&self, who: &OsUser, note: &str) -> Output {
        self.run(who, &["session", "add", "--client", CLIENT, "--note", note])
    }
}

/// A team database made by `init` as the user running the tests, who is its team lead (in their
/// own primary group; no other OS users needed), with client KW-00001 on their caseload.
fn solo_team() -> Place {
    let place = Place::new(None);
    let group = Group::from_gid(Gid::current())
        .expect("read the group database")
        .expect("the test's user has a primary group")
        .name;
    let lead = me();
    place.ok(
        None,
        &[
            "init",
            "--group",
            &group,
            "--lead",
            lead.as_str(),
            "--name",
            "Solo Lead",
        ],
    );
    add_client(&place.db, lead.as_str(), 1);
    place
}

/// A reader's lock on a database file, as a colleague's open connection holds it: SQLite's SHARED
/// lock bytes (the 510 bytes from 0x40000002 in the lock-byte page, as every SQLite build uses).
/// While it is held, a closing connection cannot take the exclusive lock it needs to checkpoint
/// and delete the -wal and -shm files, so they stay to be looked at. Locks belong to the
/// process: nothing else in the test may open and close the file while one is held.
struct ReaderLock {
    _file: std::fs::File,
}

impl ReaderLock {
    fn hold(db: &Path) -> ReaderLock {
        use nix::fcntl::{FcntlArg, fcntl};
        use nix::libc;
        let file = std::fs::File::open(db).expect("open the database file");
        // SAFETY: `flock` is plain data, for which all zeros is a valid value.
        let mut lock: libc::flock = unsafe { std::mem::zeroed() };
        lock.l_type = libc::F_RDLCK as libc::c_short;
        lock.l_whence = libc::SEEK_SET as libc::c_short;
        lock.l_start = 0x4000_0002;
        lock.l_len = 510;
        fcntl(&file, FcntlArg::F_SETLK(&lock)).expect("take a reader's lock");
        ReaderLock { _file: file }
    }
}

// ---------------------------------------------------------------------------------------------
// init: the team's directory and files
// ---------------------------------------------------------------------------------------------

#[test]
fn init_makes_a_setgid_team_directory_whose_files_stay_group_writable_as_workers_write() {
    let Some(users) = users::users() else {
        return skip();
    };
    let team = Team::new(users);
    let db = team.db();
    let dir = db.parent().expect("the team directory");
    let gid = users.team_gid.as_raw();
    assert_eq!(mode(dir), 0o2770, "directory setgid, group rwx, no others");
    assert_eq!(meta(dir).gid(), gid, "directory group");
    assert_eq!(mode(db), 0o660, "database group rw, no others");
    assert_eq!(meta(db).gid(), gid, "database group");

    let (wal, shm) = (sibling(db, "-wal"), sibling(db, "-shm"));
    assert!(
        !wal.exists() && !shm.exists(),
        "nobody has the database open yet, so a worker's write makes -wal and -shm"
    );
    let colleague = ReaderLock::hold(db);
    let made_by_sam = |after: &str| {
        for file in [&wal, &shm] {
            let m = meta(file);
            let name = file.display();
            assert_eq!(
                m.uid(),
                users.sam.uid.as_raw(),
                "{name} made by sam ({after})"
            );
            assert_eq!(m.gid(), gid, "{name} in the team group ({after})");
            assert_eq!(m.mode() & 0o060, 0o060, "{name} group rw ({after})");
            assert_eq!(m.mode() & 0o007, 0, "{name} closed to others ({after})");
        }
    };
    let out = team.add_session(&users.sam, "First worker's write");
    assert!(out.status.success(), "sam: {}", stderr(&out));
    made_by_sam("after sam's write");
    let out = team.add_session(&users.kim, "Second worker's write");
    assert!(
        out.status.success(),
        "kim writes through the files sam's write made: {}",
        stderr(&out)
    );
    made_by_sam("after kim's write");
    drop(colleague);

    let checked = team.ok(&users.kim, &["check"]);
    assert!(checked.contains("permissions: ok"), "{checked}");
    assert_eq!(count(db, "SELECT count(*) FROM sessions"), 2);
    assert_eq!(
        (mode(db), meta(db).gid()),
        (0o660, gid),
        "database after writes"
    );
    assert_eq!(
        (mode(dir), meta(dir).gid()),
        (0o2770, gid),
        "directory after writes"
    );

    let before = bytes(db);
    let out = team.place.run(
        None,
        &[
            "init",
            "--group",
            users::GROUP,
            "--lead",
            users::KIM,
            "--name",
            "Kim Worker",
        ],
    );
    assert_refused(&out, "already exists");
    assert_eq!(bytes(db), before, "init again changed the database");
    assert_eq!((mode(db), meta(db).gid()), (0o660, gid));
    assert_eq!((mode(dir), meta(dir).gid()), (0o2770, gid));
}

// ---------------------------------------------------------------------------------------------
// Several logins, roles and retiring
// ---------------------------------------------------------------------------------------------

#[test]
fn two_logins_record_sessions_in_one_team_database_and_the_audit_names_each() {
    let Some(users) = users::users() else {
        return skip();
    };
    let team = Team::new(users);
    for (who, note) in [(&users.sam, "Sam's session"), (&users.kim, "Kim's session")] {
        let out = team.add_session(who, note);
        assert!(out.status.success(), "{}: {}", who.login, stderr(&out));
        assert!(
            stdout(&out).contains(&format!("for {CLIENT}")),
            "{}",
            stdout(&out)
        );
    }

    let audit: serde_json::Value =
        serde_json::from_str(&team.ok(&users.lead, &["audit", "--format", "json"]))
            .expect("audit JSON");
    let recorders: Vec<&str> = audit
        .as_array()
        .expect("an array")
        .iter()
        .filter(|e| e["action"] == "create" && e["record_type"] == "session")
        .map(|e| e["login"].as_str().expect("a login"))
        .collect();
    assert_eq!(recorders, [users::SAM, users::KIM]);
    assert_eq!(
        logins(
            team.db(),
            "SELECT w.login FROM sessions s JOIN workers w ON w.id = s.worker_id ORDER BY s.id"
        ),
        [users::SAM, users::KIM],
        "each session is the recording worker's"
    );
    let checked = team.ok(&users.sam, &["check"]);
    assert!(checked.contains("hash chain intact"), "{checked}");
}

#[test]
fn the_last_team_lead_can_be_neither_demoted_nor_retired_until_another_is_made_lead() {
    let Some(users) = users::users() else {
        return skip();
    };
    let team = Team::new(users);
    let (lead, sam, kim) = (&users.lead, &users.sam, &users.kim);
    let role_of = |login: &str| {
        let list = team.ok(lead, &["worker", "list"]);
        let line = list
            .lines()
            .find(|l| l.starts_with(login))
            .unwrap_or_else(|| panic!("{login} listed: {list}"))
            .to_owned();
        ["Team lead", "Key worker", "Prescriber"]
            .into_iter()
            .find(|role| line.contains(role))
            .unwrap_or_else(|| panic!("a role in {line:?}"))
    };
    assert_eq!(role_of(users::LEAD), "Team lead", "init's lead");

    let before = bytes(team.db());
    for args in [
        &["worker", "role", users::LEAD, "key_worker"][..],
        &["worker", "role", users::LEAD, "read_only"],
        &["worker", "retire", users::LEAD],
    ] {
        assert_refused(&team.run(lead, args), "at least one current team lead");
        assert_eq!(bytes(team.db()), before, "{args:?} changed the database");
    }
    assert_refused(
        &team.run(sam, &["worker", "role", users::SAM, "team_lead"]),
        "only a team lead",
    );
    assert_eq!(bytes(team.db()), before);

    team.ok(lead, &["worker", "role", users::KIM, "team_lead"]);
    let said = team.ok(kim, &["worker", "role", users::LEAD, "key_worker"]);
    assert!(said.contains("is now key worker (was team lead)"), "{said}");
    assert_eq!(role_of(users::LEAD), "Key worker");
    assert_eq!(role_of(users::KIM), "Team lead");

    // A retired team lead does not count: kim is the last current one.
    team.ok(kim, &["worker", "role", users::SAM, "team_lead"]);
    team.ok(kim, &["worker", "retire", users::SAM]);
    let before = bytes(team.db());
    assert_refused(
        &team.run(kim, &["worker", "role", users::KIM, "key_worker"]),
        "at least one current team lead",
    );
    assert_refused(
        &team.run(kim, &["worker", "retire", users::KIM]),
        "at least one current team lead",
    );
    assert_eq!(bytes(team.db()), before);
}

#[test]
fn a_retired_login_can_no_longer_record_and_the_team_list_shows_when_they_left() {
    let Some(users) = users::users() else {
        return skip();
    };
    let team = Team::new(users);
    let (lead, sam) = (&users.lead, &users.sam);
    let day_before = chrono::Local::now().date_naive();
    let said = team.ok(lead, &["worker", "retire", users::SAM]);
    let day_after = chrono::Local::now().date_naive();
    assert!(said.contains("Retired kwt-sam"), "{said}");
    assert!(
        said.contains("1 open client") && said.contains(CLIENT),
        "names the open clients to reassign: {said}"
    );

    let before = bytes(team.db());
    assert_refused(&team.add_session(sam, "After leaving"), "retired");
    assert_refused(
        &team.run(
            sam,
            &["note", "add", "--client", CLIENT, "--stage", "action"],
        ),
        "retired",
    );
    assert_eq!(bytes(team.db()), before, "nothing recorded");

    let list = team.ok(sam, &["worker", "list"]);
    let line = list
        .lines()
        .find(|l| l.starts_with(users::SAM))
        .unwrap_or_else(|| panic!("sam still listed: {list}"));
    let uk = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    assert!(
        line.ends_with(&uk(day_before)) || line.ends_with(&uk(day_after)),
        "the retired date ends sam's line: {line:?}"
    );
    assert!(list.contains("2 current workers, 1 retired"), "{list}");

    assert_refused(
        &team.run(lead, &["worker", "retire", users::SAM]),
        "already retired",
    );
    let said = team.ok(lead, &["worker", "retire", users::KIM]);
    assert!(said.contains("They hold no open clients."), "{said}");
}

// ---------------------------------------------------------------------------------------------
// Refusals change nothing
// ---------------------------------------------------------------------------------------------

/// Every command that writes to the database, with arguments that would succeed for the lead.
const WRITES: &[&[&str]] = &[
    &[
        "session",
        "add",
        "--client",
        CLIENT,
        "--note",
        "Refused note",
    ],
    &[
        "note",
        "add",
        "--client",
        CLIENT,
        "--stage",
        "contemplation",
    ],
    &[
        "worker",
        "add",
        "--login",
        "kwt-extra",
        "--name",
        "Extra Person",
    ],
    &["worker", "role", users::SAM, "prescriber"],
    &["worker", "retire", users::SAM],
    &["settings", "set", "care_plan", "4w"],
    &["settings", "set", "ecg_methadone", "120mg"],
    &["ecg", "add", "--client", CLIENT, "--on", "yesterday"],
    &["ecg", "void", "--id", "1", "--reason", "wrong client"],
    &["export", "--format", "json"],
];

/// Runs every write command as `who` with `flags` in front, and lists those that were not
/// refused with one line on standard error, the database file left byte for byte.
fn writes_not_refused(team: &Team, who: &OsUser, flags: &[&str], expected: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for write in WRITES {
        let before = bytes(team.db());
        let args: Vec<&str> = flags.iter().chain(write.iter()).copied().collect();
        let out = team.run(who, &args);
        let message = stderr(&out);
        let shown = format!("{} {}", who.login, args.join(" "));
        if out.status.success() {
            problems.push(format!("`{shown}` succeeded"));
        } else if message.trim_end().lines().count() != 1 || !message.contains(expected) {
            problems.push(format!(
                "`{shown}`: expected one line mentioning {expected:?}, got {message:?}"
            ));
        }
        if bytes(team.db()) != before {
            problems.push(format!("`{shown}` changed the database file"));
        }
    }
    problems
}

#[test]
fn a_read_only_worker_is_refused_every_write_command_and_the_file_is_unchanged() {
    let Some(users) = users::users() else {
        return skip();
    };
    let team = Team::new(users);
    team.ok(
        &users.lead,
        &[
            "worker",
            "add",
            "--login",
            users::READER,
            "--name",
            "Robin Reader",
            "--role",
            "read_only",
        ],
    );
    let problems = writes_not_refused(&team, &users.reader, &[], "read-only");
    assert!(problems.is_empty(), "{problems:#?}");
    // Looking is still allowed.
    team.ok(&users.reader, &["worker", "list"]);
    team.ok(
        &users.reader,
        &["--today", TODAY, "report", "reviews", "--team"],
    );
}

#[test]
fn read_only_flag_refuses_every_write_command_even_for_the_team_lead() {
    let Some(users) = users::users() else {
        return skip();
    };
    let team = Team::new(users);
    let problems = writes_not_refused(&team, &users.lead, &["--read-only"], "--read-only");
    assert!(problems.is_empty(), "{problems:#?}");
}

// ---------------------------------------------------------------------------------------------
// Service settings over personal config
// ---------------------------------------------------------------------------------------------

/// Writes `text` to the user's ~/.config/keywork/config.toml, owned by them.
fn write_config(home: &Path, user: &OsUser, text: &str) {
    let dir = home.join(".config").join("keywork");
    std::fs::create_dir_all(&dir).expect("make the config directory");
    let file = dir.join("config.toml");
    std::fs::write(&file, text).expect("write the config file");
    for path in [&home.join(".config"), &dir, &file] {
        chown(path, user);
    }
}

/// The due date of the fixture client's care-plan review in a JSON reviews report.
fn care_plan_due(report: &[u8]) -> String {
    let json: serde_json::Value = serde_json::from_slice(report).expect("report JSON");
    json.as_array()
        .expect("an array")
        .iter()
        .find(|r| r["reference"] == CLIENT && r["review"] == "care_plan")
        .unwrap_or_else(|| panic!("a care-plan review for {CLIENT}: {json}"))["due_on"]
        .as_str()
        .expect("a date")
        .to_owned()
}

#[test]
fn service_review_intervals_override_personal_config_and_change_for_everyone_at_once() {
    let Some(users) = users::users() else {
        return skip();
    };
    let team = Team::new(users);
    let (sam, kim) = (&users.sam, &users.kim);
    write_config(
        &team.place.home(Some(sam)),
        sam,
        "[review_intervals]\ncare_plan = \"52w\"\n",
    );
    write_config(&team.place.home(Some(kim)), kim, "ascii = true\n");
    let report = |who: &OsUser| {
        let out = team.run(
            who,
            &[
                "--today", TODAY, "report", "reviews", "--team", "--format", "json",
            ],
        );
        assert!(out.status.success(), "{}: {}", who.login, stderr(&out));
        out
    };

    let (by_sam, by_kim) = (report(sam), report(kim));
    let note = stderr(&by_sam);
    assert!(
        note.contains("[review_intervals] in your config file is ignored"),
        "sam is told: {note:?}"
    );
    assert_eq!(note.trim_end().lines().count(), 1, "{note:?}");
    assert_eq!(stderr(&by_kim), "", "kim's config has no intervals");
    assert_eq!(stdout(&by_sam), stdout(&by_kim), "the same report for both");
    assert_eq!(
        care_plan_due(&by_sam.stdout),
        "2026-04-14",
        "12 weeks (the default) after treatment started on 20/01/2026"
    );

    let said = team.ok(&users.lead, &["settings", "set", "care_plan", "4w"]);
    assert!(said.contains("for every worker"), "{said}");
    let (by_sam, by_kim) = (report(sam), report(kim));
    assert_eq!(stdout(&by_sam), stdout(&by_kim), "the same report for both");
    assert_eq!(care_plan_due(&by_sam.stdout), "2026-02-17", "4 weeks");
}

// ---------------------------------------------------------------------------------------------
// --today: reading real data, writing demo data
// ---------------------------------------------------------------------------------------------

#[test]
fn today_refuses_writes_to_a_real_database_and_dates_the_audit_of_a_demo_one() {
    let place = solo_team();
    let session = |flags: &[&'static str]| -> Vec<&'static str> {
        let mut args = flags.to_vec();
        args.extend(["session", "add", "--client", CLIENT, "--note", "Dated note"]);
        args
    };
    let rows = count(&place.db, "SELECT count(*) FROM audit");
    let before = bytes(&place.db);
    assert_refused(
        &place.run(None, &session(&["--today", TODAY])),
        "--today is only for reading",
    );
    assert_eq!(bytes(&place.db), before, "nothing written");
    assert_eq!(count(&place.db, "SELECT count(*) FROM audit"), rows);
    place.ok(None, &session(&[]));
    assert_eq!(
        count(&place.db, "SELECT count(*) FROM audit"),
        rows + 1,
        "the same session on the real clock is recorded"
    );

    let demo = place.dir.path().join("demo.db");
    let out = place.run_on(
        &demo,
        None,
        &["--today", TODAY, "generate", "--clients", "3"],
    );
    assert!(out.status.success(), "generate: {}", stderr(&out));
    // The user running the tests joins the demo team, as a fixture.
    let mut store =
        Store::open_unchecked(&demo, Access::Write, Clock::fixed(date(2026, 11, 23)), me())
            .expect("open the demo");
    store
        .write(|w| {
            w.insert(&Worker {
                login: me(),
                display_name: Name::new("Demo Joiner").expect("valid name"),
                role: Role::KeyWorker,
            })
        })
        .expect("join the demo team");
    drop(store);
    let out = place.run_on(&demo, None, &session(&["--today", TODAY]));
    assert!(out.status.success(), "demo write: {}", stderr(&out));
    let conn = Connection::open(&demo).expect("open the demo");
    // The session's own row (the appointment it settles is audited after it).
    let last: (String, String, String, String) = conn
        .query_row(
            "SELECT at, login, action, record_type FROM audit WHERE record_type = 'session'
             ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("the session's audit row");
    assert_eq!(
        last,
        (
            "2026-11-23T12:00:00Z".to_owned(),
            me().to_string(),
            "create".to_owned(),
            "session".to_owned()
        )
    );
}

#[test]
fn export_with_today_on_a_real_database_never_puts_a_false_date_in_the_audit() {
    let place = solo_team();
    let rows = count(&place.db, "SELECT count(*) FROM audit");
    let out = place.run(
        None,
        &["--today", "2020-01-01", "export", "--format", "json"],
    );
    let conn = Connection::open(&place.db).expect("open the database");
    let (after, last_at): (i64, String) = conn
        .query_row(
            "SELECT count(*), (SELECT at FROM audit ORDER BY id DESC LIMIT 1) FROM audit",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("read the audit");
    if out.status.success() {
        assert_eq!(after, rows + 1, "the export is audited");
        assert!(
            !last_at.starts_with("2020-01-01"),
            "the export's audit row carries the --today date {last_at} on a real database"
        );
    } else {
        assert_refused(&out, "--today");
        assert_eq!(after, rows);
    }
}

// ---------------------------------------------------------------------------------------------
// check finds tampering with the audit trail
// ---------------------------------------------------------------------------------------------

/// A solo team database with three sessions recorded through the binary: six audit rows (init,
/// the lead, the client, three sessions).
fn audited_team() -> Place {
    let place = solo_team();
    for n in 1..=3 {
        place.ok(
            None,
            &[
                "session",
                "add",
                "--client",
                CLIENT,
                "--note",
                &format!("Session {n}"),
            ],
        );
    }
    assert_eq!(count(&place.db, "SELECT count(*) FROM audit"), 6);
    place
}

/// Copies the database to a fresh directory, lets `tamper` change the copy directly through
/// SQLite, and runs `check` on it.
fn check_after(place: &Place, tamper: impl FnOnce(&Connection)) -> Output {
    assert!(
        !sibling(&place.db, "-wal").exists(),
        "the database is closed, so its file holds everything"
    );
    let copy_dir = tempfile::tempdir().expect("temp dir");
    let copy = copy_dir.path().join("copy.db");
    std::fs::copy(&place.db, &copy).expect("copy the database");
    let conn = Connection::open(&copy).expect("open the copy");
    tamper(&conn);
    conn.close().expect("close the copy");
    place.run_on(&copy, None, &["check"])
}

/// Does `change` with the trigger `name` dropped, then puts the trigger back as it was: what the
/// owner of the file can do by hand.
fn without_trigger(conn: &Connection, name: &str, change: &str) {
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
            [name],
            |r| r.get(0),
        )
        .expect("the trigger exists");
    conn.execute_batch(&format!("DROP TRIGGER {name}; {change}; {sql};"))
        .expect("tamper");
}

/// Asserts `check` failed on the audit alone, naming `row` as the first bad one.
fn assert_first_bad_row(out: &Output, row: i64) {
    assert!(!out.status.success(), "check passed: {}", stdout(out));
    assert_eq!(
        stderr(out),
        format!("keywork: check failed: audit (first bad audit row: {row})\n")
    );
    assert!(
        stdout(out).contains(&format!("hash chain BROKEN at row {row}:")),
        "{}",
        stdout(out)
    );
}

#[test]
fn check_passes_an_untouched_copy_of_an_audited_database() {
    let place = audited_team();
    let out = check_after(&place, |_| {});
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("audit: 6 rows, hash chain intact; append-only triggers present"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_names_an_edited_audit_row() {
    let place = audited_team();
    let out = check_after(&place, |conn| {
        without_trigger(
            conn,
            "audit_is_append_only_update",
            "UPDATE audit SET login = 'someone.else' WHERE id = 3",
        );
    });
    assert_first_bad_row(&out, 3);
}

#[test]
fn check_names_the_row_after_a_deleted_middle_row() {
    let place = audited_team();
    let out = check_after(&place, |conn| {
        without_trigger(
            conn,
            "audit_is_append_only_delete",
            "DELETE FROM audit WHERE id = 3",
        );
    });
    assert_first_bad_row(&out, 4);
    assert!(
        stdout(&out).contains("row 3 is missing"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_names_the_first_of_the_rows_cut_from_the_end() {
    let place = audited_team();
    for (cut, first_missing) in [("id = 6", 6), ("id >= 5", 5)] {
        let out = check_after(&place, |conn| {
            without_trigger(
                conn,
                "audit_is_append_only_delete",
                &format!("DELETE FROM audit WHERE {cut}"),
            );
        });
        assert_first_bad_row(&out, first_missing);
    }
}

#[test]
fn check_names_a_forged_row_appended_with_a_correctly_chained_hash() {
    let place = audited_team();
    let out = check_after(&place, |conn| {
        let previous: String = conn
            .query_row("SELECT hash FROM audit WHERE id = 6", [], |r| r.get(0))
            .expect("the last row");
        let at = "2026-11-23T09:00:00Z";
        let hash = chain_hash(
            &previous,
            &ChainFields {
                id: 7,
                at,
                login: "kwt-forger",
                action: "view",
                record_type: "client",
                record_id: Some(1),
                detail: None,
            },
        );
        conn.execute(
            "INSERT INTO audit (id, at, login, action, record_type, record_id, detail, hash)
             VALUES (7, ?1, 'kwt-forger', 'view', 'client', 1, NULL, ?2)",
            params![at, hash],
        )
        .expect("forge a row");
    });
    assert_first_bad_row(&out, 7);
}

#[test]
fn check_names_the_first_of_two_swapped_rows() {
    let place = audited_team();
    let out = check_after(&place, |conn| {
        let columns = "at, login, action, record_type, record_id, detail, hash";
        without_trigger(
            conn,
            "audit_is_append_only_update",
            &format!(
                "CREATE TEMP TABLE swap AS SELECT id, {columns} FROM audit WHERE id IN (2, 4);
                 UPDATE audit SET ({columns}) =
                     (SELECT {columns} FROM swap WHERE swap.id = 6 - audit.id)
                 WHERE id IN (2, 4)"
            ),
        );
    });
    assert_first_bad_row(&out, 2);
}

#[test]
fn check_names_a_dropped_append_only_trigger() {
    let place = audited_team();
    for trigger in ["audit_is_append_only_update", "audit_is_append_only_delete"] {
        let out = check_after(&place, |conn| {
            conn.execute_batch(&format!("DROP TRIGGER {trigger}"))
                .expect("drop the trigger");
        });
        assert!(!out.status.success(), "check passed without {trigger}");
        assert_eq!(stderr(&out), "keywork: check failed: audit\n");
        assert!(
            stdout(&out).contains(&format!(
                "hash chain intact; append-only triggers MISSING: {trigger}"
            )),
            "{}",
            stdout(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Views in the audit
// ---------------------------------------------------------------------------------------------

#[test]
fn opening_a_record_twice_within_the_hour_is_one_view_row_per_login() {
    let place = solo_team();
    let db = &place.db;
    let lead = me();
    let kim = Login::new("kwt-kim").expect("valid login");
    let mut as_lead =
        Store::open(db, Access::Write, Clock::system(), lead.clone()).expect("open as the lead");
    as_lead
        .add_worker(&Worker {
            login: kim.clone(),
            display_name: Name::new("Kim Worker").expect("valid name"),
            role: Role::KeyWorker,
        })
        .expect("the lead adds kim");
    let client_id = as_lead
        .client_id_by_reference(&ServiceRef::new(CLIENT).expect("valid reference"))
        .expect("read")
        .expect("the fixture client");
    let views = || {
        let sql = format!(
            "SELECT login FROM audit WHERE action = 'view' AND record_type = 'client' \
             AND record_id = {client_id} ORDER BY id"
        );
        logins(db, &sql)
    };

    assert!(as_lead.record_view(client_id).expect("view"), "first view");
    assert!(!as_lead.record_view(client_id).expect("view"), "coalesced");
    assert_eq!(views(), [lead.to_string()]);

    let mut as_kim = Store::open(db, Access::Write, Clock::system(), kim.clone()).expect("open");
    assert!(
        as_kim.record_view(client_id).expect("view"),
        "kim's first view"
    );
    assert!(!as_kim.record_view(client_id).expect("view"), "coalesced");
    assert!(
        !as_lead.record_view(client_id).expect("view"),
        "still coalesced"
    );
    assert_eq!(views(), [lead.to_string(), kim.to_string()]);
    assert!(as_kim.verify_audit().expect("verify").is_intact());
}

// ---------------------------------------------------------------------------------------------
// Many writers at once
// ---------------------------------------------------------------------------------------------

#[test]
fn eight_processes_of_two_logins_record_1600_sessions_at_once_without_an_error() {
    let Some(users) = users::users() else {
        return skip();
    };
    const WRITERS: usize = 8;
    const EACH: usize = 200;
    let team = Team::new(users);
    let (sam, kim) = (&users.sam, &users.kim);
    team.place.home(Some(sam));
    team.place.home(Some(kim));
    let start = std::sync::Barrier::new(WRITERS);
    let failures: Vec<String> = std::thread::scope(|s| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|n| {
                let (team, start) = (&team, &start);
                let who = if n % 2 == 0 { sam } else { kim };
                s.spawn(move || {
                    start.wait();
                    let mut failures = Vec::new();
                    for i in 0..EACH {
                        let out = team.add_session(who, &format!("Load {n}-{i}"));
                        if !out.status.success() {
                            failures.push(format!("{} {n}-{i}: {}", who.login, stderr(&out)));
                        }
                    }
                    failures
                })
            })
            .collect();
        writers
            .into_iter()
            .flat_map(|w| w.join().expect("a writer thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} failed, e.g. {:#?}",
        failures.len(),
        WRITERS * EACH,
        &failures[..failures.len().min(5)]
    );
    let db = team.db();
    assert_eq!(
        count(db, "SELECT count(*) FROM sessions"),
        (WRITERS * EACH) as i64
    );
    for who in [sam, kim] {
        let sql = format!(
            "SELECT count(*) FROM sessions s JOIN workers w ON w.id = s.worker_id \
             WHERE w.login = '{}'",
            who.login
        );
        assert_eq!(
            count(db, &sql),
            (WRITERS * EACH / 2) as i64,
            "{}",
            who.login
        );
    }
    let checked = team.ok(&users.lead, &["check"]);
    assert!(checked.contains("hash chain intact"), "{checked}");
}

// ---------------------------------------------------------------------------------------------
// Set-up lines: what `replicate init` prints for the server, and warnings about logins
// ---------------------------------------------------------------------------------------------

/// The cron line `replicate init` prints redirected Litestream's output to /var/log, which the
/// database's owner (the unit's `User=`) cannot write: the shell refused the redirection and
/// Litestream never started. Run as that user, the printed line now starts it and logs.
#[test]
fn the_printed_cron_line_starts_litestream_as_the_user_it_names() {
    let Some(users) = users::users() else {
        skip();
        return;
    };
    let team = Team::new(users);
    chown(team.db(), &users.lead);
    // A stand-in for Litestream that says how it was run and stops.
    let fake = team.place.dir.path().join("litestream");
    std::fs::write(&fake, "#!/bin/sh\necho \"litestream ran: $*\"\n").expect("write");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let replica = format!("file://{}/replica", team.place.dir.path().display());
    let mut init = team.place.command(
        team.db(),
        Some(&users.lead),
        &["replicate", "init", "--to", &replica],
    );
    init.env("KEYWORK_LITESTREAM", &fake);
    let out = users::output(&mut init);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    let user = printed
        .lines()
        .find_map(|l| l.strip_prefix("User="))
        .expect("a User= line");
    assert_eq!(user, users::LEAD, "the database's owner runs it");
    let cron = printed
        .lines()
        .find_map(|l| l.strip_prefix("@reboot "))
        .expect("a cron line");

    let home = team.place.home(Some(&users.lead));
    let mut sh = Command::new("sh");
    sh.args(["-c", cron]).current_dir(&home).env("HOME", &home);
    users::as_user(&mut sh, &users.lead, users.team_gid);
    let ran = users::output(&mut sh);
    assert!(
        ran.status.success(),
        "the cron line failed as {user}: {}",
        stderr(&ran)
    );
    let log = cron
        .rsplit_once(">>")
        .map(|(_, rest)| rest.split_whitespace().next().unwrap().trim_matches('\''))
        .expect("the line names its log");
    let logged = std::fs::read_to_string(log).expect("the log was written");
    assert!(
        logged.contains("litestream ran: replicate -config"),
        "{logged}"
    );
}

/// The unit and cron line run Litestream as the database's owner: a program where that user
/// cannot reach it (under /root, say, where pip under pyenv puts it) is named with a warning.
#[test]
fn replicate_init_warns_when_the_user_it_runs_as_cannot_reach_litestream() {
    let Some(users) = users::users() else {
        skip();
        return;
    };
    let team = Team::new(users);
    chown(team.db(), &users.lead);
    let private = team.place.dir.path().join("private");
    std::fs::create_dir(&private).expect("mkdir");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let fake = private.join("litestream");
    std::fs::write(&fake, b"\x7fELF\x02\x01\x01\0").expect("write");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let replica = format!("file://{}/replica", team.place.dir.path().display());
    let mut init = team
        .place
        .command(team.db(), None, &["replicate", "init", "--to", &replica]);
    init.env("KEYWORK_LITESTREAM", &fake);
    let out = users::output(&mut init);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(
        printed.contains(&format!(
            "Warning: {}, who runs it, cannot reach {}: {} is closed to them",
            users::LEAD,
            fake.display(),
            private.display()
        )),
        "{printed}"
    );
}

/// `worker add` took a login that does not exist on the server without a word: the worker
/// could never open keywork and nobody knew why. The worker is added (the account may come
/// later) with a warning.
#[test]
fn worker_add_warns_of_a_login_that_does_not_exist_on_the_server() {
    let place = solo_team();
    let said = place.ok(
        None,
        &[
            "worker",
            "add",
            "--login",
            "kwt-nosuchlogin",
            "--name",
            "Not Yet",
            "--role",
            "key_worker",
        ],
    );
    assert!(
        said.starts_with("Added Not Yet (kwt-nosuchlogin)"),
        "{said}"
    );
    assert!(
        said.contains("Warning: there is no login kwt-nosuchlogin on this server"),
        "{said}"
    );
}

/// `init --lead` and `worker add` took a login outside the team's group without a word: they
/// could not open the database. Both go ahead (the administrator may add them next) and warn
/// with the command that fixes it.
#[test]
fn a_lead_or_worker_outside_the_teams_group_is_warned_about() {
    let Some(users) = users::users() else {
        skip();
        return;
    };
    let outsider = User::from_uid(Uid::current())
        .expect("read the user database")
        .expect("the test's user has a login");
    assert!(
        !Group::from_gid(users.team_gid)
            .unwrap()
            .unwrap()
            .mem
            .contains(&outsider.name),
        "the test's user must not be in {}",
        users::GROUP
    );
    let place = Place::new(Some(users.team_gid));
    let said = place.ok(
        None,
        &[
            "init",
            "--group",
            users::GROUP,
            "--lead",
            &outsider.name,
            "--name",
            "Outside Lead",
        ],
    );
    let warning = format!(
        "Warning: {} is not in the group {}, so cannot open the database: an administrator runs \
         `usermod -aG {} {}`",
        outsider.name,
        users::GROUP,
        users::GROUP,
        outsider.name
    );
    assert!(said.contains(&warning), "{said}");

    let team = Team::new(users);
    let said = team.ok(
        &users.lead,
        &[
            "worker",
            "add",
            "--login",
            &outsider.name,
            "--name",
            "Outside Worker",
            "--role",
            "read_only",
        ],
    );
    assert!(said.contains(&warning), "{said}");
    // A login that exists and is in the group: nothing to warn about.
    let quiet = team.ok(
        &users.lead,
        &[
            "worker",
            "add",
            "--login",
            users::READER,
            "--name",
            "Rita Reader",
            "--role",
            "read_only",
        ],
    );
    assert!(!quiet.contains("Warning"), "{quiet}");
}
