//! What used to come out as a generic message ("attempt to write a readonly database", "disk I/O
//! error", "File exists (os error 17)", "0 entries", "'99999w' is not an interval", "unexpected
//! argument '-3'") is one line that names the file or value and says what to do.
//!
//! The read-only tests need a login other than root (root writes anywhere): they create OS users
//! when run as root, and otherwise say why and return.

#[path = "common/fixture.rs"]
mod fixture;

#[path = "common/users.rs"]
mod users;

use fixture::login;
use rusqlite::Connection;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";

fn command(binary: &Path, db: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .args(["--today", TODAY])
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env_remove("KEYWORK_DB")
        .env("KEYWORK_CONFIG", "/nonexistent/keywork-config.toml");
    command
}

fn keywork(db: &Path, args: &[&str]) -> Output {
    let binary = Path::new(env!("CARGO_BIN_EXE_keywork"));
    users::output(&mut command(binary, db, args))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A generated demo service in `dir` (where `--today` may write) with these logins on its team.
fn demo_service(dir: &Path, team: &[(&str, &str)]) -> PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&db, &["generate", "--clients", "14"]);
    assert!(out.status.success(), "generate: {}", text(&out.stderr));
    let conn = Connection::open(&db).unwrap();
    for (login, role) in team {
        conn.execute(
            "INSERT INTO workers (login, display_name, role, created_at, updated_at)
             VALUES (?1, 'Test Worker', ?2, '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')",
            [login, role],
        )
        .unwrap();
    }
    // No -wal or -shm is left: the first write must create them.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    db
}

fn sessions(db: &Path) -> i64 {
    let conn = Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap()
}

/// Failed with exit 1 and one line (warnings about loose permissions aside) holding every
/// `expected` part and none of the generic texts.
fn assert_one_line(out: &Output, expected: &[&str]) -> String {
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("keywork: warning:"))
        .collect();
    assert_eq!(out.status.code(), Some(1), "refused: {stderr}");
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    for part in expected {
        assert!(lines[0].contains(part), "{part:?} in: {}", lines[0]);
    }
    for generic in [
        "os error",
        "attempt to write a readonly database",
        "database error",
    ] {
        assert!(!lines[0].contains(generic), "{generic:?} in: {}", lines[0]);
    }
    lines[0].to_owned()
}

/// `keywork session add` as Sam, an OS user on the team, on a database in a directory made by
/// `prepare` (given the directory, the database and Sam's user id).
fn session_add_as_sam(prepare: impl FnOnce(&Path, &Path, nix::unistd::Uid)) -> Option<Output> {
    let Some(users) = users::users() else {
        eprintln!("{}", users::SKIP);
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let team = dir.path().join("team");
    std::fs::create_dir(&team).unwrap();
    let db = demo_service(&team, &[(users::SAM, "key_worker")]);
    prepare(&team, &db, users.sam.uid);
    let binary = users::binary_for_everyone(dir.path());
    let mut command = command(&binary, &db, &["session", "add", "--client", "KW-00003"]);
    users::as_user(&mut command, &users.sam, users.team_gid);
    let before = sessions(&db);
    let out = users::output(&mut command);
    assert_eq!(sessions(&db), before, "nothing was recorded");
    Some(out)
}

#[test]
fn a_read_only_directory_is_named_with_what_to_do() {
    let Some(out) = session_add_as_sam(|team, db, sam| {
        nix::unistd::chown(db, Some(sam), None).unwrap();
        std::fs::set_permissions(team, std::fs::Permissions::from_mode(0o555)).unwrap();
    }) else {
        return;
    };
    let line = assert_one_line(&out, &["read-only", "chmod 2770"]);
    assert!(line.contains("/team"), "names the directory: {line}");
}

#[test]
fn a_database_file_another_login_owns_is_named_with_what_to_do() {
    let Some(out) = session_add_as_sam(|team, db, _| {
        std::fs::set_permissions(team, std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::set_permissions(db, std::fs::Permissions::from_mode(0o644)).unwrap();
    }) else {
        return;
    };
    let line = assert_one_line(&out, &["demo.db", "read-only", "chmod 660"]);
    assert!(
        !line.contains("directory"),
        "the file, not its directory: {line}"
    );
}

#[test]
fn a_failing_disk_is_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), &[(&login(), "key_worker")]);
    let before = sessions(&db);
    // No file may grow past 32 KiB: the first write-ahead log frames fail as on a full disk.
    let mut limited = Command::new("sh");
    limited
        .args(["-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY, "--db", db.to_str().unwrap()])
        .args(["session", "add", "--client", "KW-00003", "--note", "Seen"])
        .env_remove("KEYWORK_DB")
        .env("KEYWORK_CONFIG", "/nonexistent/keywork-config.toml");
    let out = users::output(&mut limited);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for part in [
        db.to_str().unwrap(),
        "may be full",
        "free some space",
        "Nothing was saved",
    ] {
        assert!(stderr.contains(part), "{part:?} in: {stderr}");
    }
    assert_eq!(sessions(&db), before, "nothing was recorded");
}

#[test]
fn an_output_path_that_is_taken_says_why_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), &[(&login(), "team_lead")]);
    let existing = dir.path().join("keep.csv");
    std::fs::write(&existing, "precious").unwrap();
    let cases = [
        (
            dir.path().to_str().unwrap(),
            "is a directory: name a new file inside it",
        ),
        ("/dev/full", "is a device or other special file"),
        (
            existing.to_str().unwrap(),
            "already exists, and keywork never writes over one",
        ),
    ];
    for (path, why) in cases {
        for args in [
            &["export", "--format", "csv", "--out", path][..],
            &["report", "reviews", "--team", "--out", path],
            &["backup", path],
        ] {
            let out = keywork(&db, args);
            assert_one_line(&out, &[why, "nothing was written to", path]);
        }
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");
}

#[test]
fn audit_of_a_login_never_on_the_team_is_refused_like_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), &[(&login(), "team_lead")]);
    let out = keywork(&db, &["audit", "--worker", "nobodyhere"]);
    assert_one_line(&out, &["--worker", "nobodyhere", "not on the team list"]);

    // Someone off the list who did act (a colleague since removed, an outsider) is shown.
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO audit (at, login, action, record_type, record_id, detail, hash)
         VALUES ('2026-11-20T10:00:00Z', 'gonenow', 'view', 'client', 1, NULL, printf('%064d', 0))",
        [],
    )
    .unwrap();
    let out = keywork(&db, &["audit", "--worker", "gonenow"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 entr"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn an_interval_too_long_to_count_says_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), &[(&login(), "team_lead")]);
    let out = keywork(&db, &["settings", "set", "care_plan", "99999w"]);
    assert_one_line(
        &out,
        &["care_plan", "'99999w' is out of range", "1 day to 3 years"],
    );
}

#[test]
fn text_that_starts_with_a_minus_is_text_not_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), &[(&login(), "key_worker")]);
    let note = "-3+2 units a day, down from 6";
    let out = keywork(
        &db,
        &["session", "add", "--client", "KW-00003", "--note", note],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let conn = Connection::open(&db).unwrap();
    let (id, stored): (i64, String) = conn
        .query_row(
            "SELECT id, note FROM sessions ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stored, note);
    let id = id.to_string();
    let out = keywork(
        &db,
        &["session", "void", "--id", &id, "--reason", "-wrong client"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn standard_output_on_a_full_disk_says_so_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), &[(&login(), "team_lead")]);
    for args in [
        &["report", "reviews", "--team"][..],
        &["worker", "list"],
        &["check"],
    ] {
        let mut to_full = Command::new("sh");
        to_full
            .args(["-c", "exec \"$0\" \"$@\" > /dev/full"])
            .arg(env!("CARGO_BIN_EXE_keywork"))
            .args(["--today", TODAY, "--db", db.to_str().unwrap()])
            .args(args)
            .env_remove("KEYWORK_DB")
            .env("KEYWORK_CONFIG", "/nonexistent/keywork-config.toml");
        let out = users::output(&mut to_full);
        assert_one_line(&out, &["standard output", "is full", "free some space"]);
    }
}
