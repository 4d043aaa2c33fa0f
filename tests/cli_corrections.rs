//! Corrections from the shell: `session amend/void/unvoid` and `note amend/void/unvoid` on the
//! real binary over a generated demo database, and readiness notes refused a date outside the
//! client's time with the service.

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";

fn keywork(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY])
        .args(args)
        .env_remove("KEYWORK_DB")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A generated demo database (where `--today` may write) with the login running the tests on
/// its team, as in tests/cli.rs.
fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&["generate", "--db", db.to_str().unwrap(), "--clients", "3"]);
    assert!(out.status.success(), "generate failed: {}", stderr(&out));
    join_team(&db);
    db
}

fn join_team(path: &Path) {
    use keywork::domain::{Login, Name, Role, Worker};
    use keywork::store::{Access, Store};
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .unwrap()
        .expect("the current user has a name");
    let login = Login::new(user.name).expect("a valid login");
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let clock = keywork::clock::Clock::fixed(today);
    let mut store = Store::open_unchecked(path, Access::Write, clock, login.clone()).unwrap();
    if store.worker_by_login(&login).unwrap().is_some() {
        return;
    }
    let worker = Worker {
        login,
        display_name: Name::new("Test Runner").unwrap(),
        role: Role::TeamLead,
    };
    store.write(|w| w.insert(&worker)).unwrap();
}

fn ok(args: &[&str]) -> String {
    let out = keywork(args);
    assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
    stdout(&out)
}

fn assert_refused(out: &Output, expected: &str) {
    let message = stderr(out);
    assert!(!out.status.success(), "expected failure, got success");
    assert!(
        message.contains(expected),
        "expected {expected:?} in {message:?}"
    );
    assert_eq!(
        message.trim_end().lines().count(),
        1,
        "one line only: {message:?}"
    );
}

/// The id in "Recorded session 12 for KW-00001." (the word before "for").
fn recorded_id(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| *w == "for")
        .unwrap_or_else(|| panic!("an id in {line:?}"));
    words[at - 1].to_owned()
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_session_is_amended_marked_in_error_and_restored_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let path = db.to_str().unwrap();
    let line = ok(&[
        "session",
        "add",
        "--db",
        path,
        "--client",
        "KW-00001",
        "--note",
        "First words",
        "--at",
        "today 10:00",
    ]);
    let id = recorded_id(&line);

    let out = ok(&[
        "session",
        "amend",
        "--db",
        path,
        "--id",
        &id,
        "--note",
        "Corrected words",
        "--minutes",
        "30",
    ]);
    assert_eq!(
        out,
        format!("Amended session {id} (earlier version kept).\n")
    );
    let out = ok(&[
        "session",
        "void",
        "--db",
        path,
        "--id",
        &id,
        "--reason",
        "Wrong client",
    ]);
    assert_eq!(out, format!("Marked session {id} entered in error.\n"));
    let out = ok(&["session", "unvoid", "--db", path, "--id", &id]);
    assert_eq!(
        out,
        format!("Restored session {id}: no longer marked entered in error.\n")
    );

    let kept = format!(
        "SELECT count(*) FROM earlier_versions WHERE record_type = 'session' AND record_id = {id}"
    );
    assert_eq!(count(&db, &kept), 3);
    let first = format!(
        "SELECT count(*) FROM earlier_versions WHERE record_type = 'session' AND record_id = {id}
         AND version = 1 AND json_extract(content, '$.note') = 'First words'"
    );
    assert_eq!(count(&db, &first), 1, "the first words are kept");
    for action in ["amend", "void", "unvoid"] {
        let audited = format!(
            "SELECT count(*) FROM audit WHERE action = '{action}' AND record_type = 'session'
             AND record_id = {id}"
        );
        assert_eq!(count(&db, &audited), 1, "{action} audited");
    }
}

#[test]
fn corrections_from_the_shell_are_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let path = db.to_str().unwrap();
    let line = ok(&[
        "session",
        "add",
        "--db",
        path,
        "--client",
        "KW-00001",
        "--attendance",
        "dna",
        "--at",
        "today 10:05",
    ]);
    let id = recorded_id(&line);
    assert_refused(
        &keywork(&[
            "session", "void", "--db", path, "--id", &id, "--reason", " ",
        ]),
        "give the reason",
    );
    ok(&[
        "session",
        "void",
        "--db",
        path,
        "--id",
        &id,
        "--reason",
        "Recorded twice",
    ]);
    assert_refused(
        &keywork(&[
            "session", "void", "--db", path, "--id", &id, "--reason", "Again",
        ]),
        "already marked entered in error",
    );
    assert_refused(
        &keywork(&["session", "amend", "--db", path, "--id", &id]),
        "nothing to amend",
    );
    assert_refused(
        &keywork(&[
            "session",
            "amend",
            "--db",
            path,
            "--id",
            &id,
            "--minutes",
            "999",
        ]),
        "--minutes",
    );
    assert_refused(
        &keywork(&["session", "unvoid", "--db", path, "--id", "999999"]),
        "no session with id 999999",
    );
    assert_refused(
        &keywork(&[
            "--read-only",
            "session",
            "unvoid",
            "--db",
            path,
            "--id",
            &id,
        ]),
        "read-only",
    );
    let before = count(&db, "SELECT count(*) FROM earlier_versions");
    assert_eq!(before, 1, "only the void was saved");
}

#[test]
fn a_login_not_on_the_team_may_not_correct() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = keywork(&["generate", "--db", db.to_str().unwrap(), "--clients", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_refused(
        &keywork(&[
            "session",
            "void",
            "--db",
            db.to_str().unwrap(),
            "--id",
            "1",
            "--reason",
            "Wrong",
        ]),
        "is not on the team list",
    );
}

#[test]
fn a_readiness_note_is_amended_marked_in_error_and_restored_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let path = db.to_str().unwrap();
    let line = ok(&[
        "note",
        "add",
        "--db",
        path,
        "--client",
        "KW-00001",
        "--stage",
        "contemplation",
        "--importance",
        "6",
    ]);
    let id = recorded_id(&line);
    let out = ok(&[
        "note",
        "amend",
        "--db",
        path,
        "--id",
        &id,
        "--stage",
        "preparation",
        "--confidence",
        "4",
    ]);
    assert_eq!(
        out,
        format!("Amended readiness note {id} (earlier version kept).\n")
    );
    let out = ok(&[
        "note",
        "void",
        "--db",
        path,
        "--id",
        &id,
        "--reason",
        "Another client's note",
    ]);
    assert_eq!(
        out,
        format!("Marked readiness note {id} entered in error.\n")
    );
    ok(&["note", "unvoid", "--db", path, "--id", &id]);
    let stored = format!(
        "SELECT count(*) FROM readiness_notes WHERE id = {id} AND stage = 'preparation'
         AND importance = 6 AND confidence = 4 AND in_error_at IS NULL"
    );
    assert_eq!(count(&db, &stored), 1);
    let kept = format!(
        "SELECT count(*) FROM earlier_versions WHERE record_type = 'readiness_note' AND record_id = {id}"
    );
    assert_eq!(count(&db, &kept), 3);
}

#[test]
fn a_readiness_note_cannot_be_dated_in_the_future_or_before_referral() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let path = db.to_str().unwrap();
    let before = count(&db, "SELECT count(*) FROM readiness_notes");
    assert_refused(
        &keywork(&[
            "note", "add", "--db", path, "--client", "KW-00001", "--stage", "action", "--on",
            "tomorrow",
        ]),
        "cannot be dated in the future",
    );
    assert_refused(
        &keywork(&[
            "note",
            "add",
            "--db",
            path,
            "--client",
            "KW-00001",
            "--stage",
            "action",
            "--on",
            "01/01/1950",
        ]),
        "before the client's referral",
    );
    assert_eq!(count(&db, "SELECT count(*) FROM readiness_notes"), before);
    let line = ok(&[
        "note", "add", "--db", path, "--client", "KW-00001", "--stage", "action",
    ]);
    let id = recorded_id(&line);
    assert_refused(
        &keywork(&[
            "note", "amend", "--db", path, "--id", &id, "--on", "tomorrow",
        ]),
        "cannot be dated in the future",
    );
}
