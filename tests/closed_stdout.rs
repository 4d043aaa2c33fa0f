//! A reader that has gone (`keywork ... | head -1`, `| true`, a closed terminal) is not a failed
//! command. A write is committed before its confirmation is printed, so reporting failure then
//! would make a retrying script record it twice; a reader stops quietly, as Unix tools do.
//!
//! Each run gets a pipe whose reading end was closed before the program started, so its first
//! write to standard output meets EPIPE every time, whatever the size of its output.

#[path = "common/fixture.rs"]
mod fixture;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const TODAY: &str = "2026-11-23";

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keywork"));
    command
        .args(["--today", TODAY])
        .args(args)
        .env_remove("KEYWORK_DB")
        .env("KEYWORK_CONFIG", "/nonexistent/keywork-config.toml")
        .stdin(Stdio::null());
    command
}

fn keywork(args: &[&str]) -> Output {
    command(args).output().expect("the binary runs")
}

/// `keywork ARGS` with its standard output a pipe nobody reads.
fn keywork_into_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    command(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
        .wait_with_output()
        .expect("the binary finishes")
}

fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A generated demo service (where `--today` may write) with the test's login as team lead.
fn demo_service(dir: &Path) -> PathBuf {
    demo_service_of(dir, "15")
}

/// [`demo_service`] with this many clients.
fn demo_service_of(dir: &Path, clients: &str) -> PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&["generate", "--db", s(&db), "--clients", clients]);
    assert!(out.status.success(), "generate: {}", text(&out.stderr));
    fixture::join_team(&db, "Test Runner", "team_lead");
    db
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = Connection::open(db).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

/// Exit 0, and nothing on standard error that reads as a failure: no panic, no "internal
/// error", no "Broken pipe".
fn assert_quiet_success(out: &Output, what: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what} into a closed pipe: {:?}, stderr: {stderr}",
        out.status
    );
    for bad in ["internal error", "panicked", "Broken pipe", "BACKTRACE"] {
        assert!(
            !stderr.contains(bad),
            "{what} into a closed pipe said {bad:?}: {stderr}"
        );
    }
}

#[test]
fn a_session_saved_before_the_reader_went_exits_0_and_is_recorded_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let sessions = "SELECT count(*) FROM sessions";
    let before = count(&db, sessions);
    let out = keywork_into_closed_pipe(&[
        "session",
        "add",
        "--db",
        s(&db),
        "--client",
        "KW-00003",
        "--note",
        "Seen at the hub",
    ]);
    assert_quiet_success(&out, "session add");
    assert_eq!(count(&db, sessions), before + 1, "recorded exactly once");
}

#[test]
fn writes_whose_confirmation_meets_a_closed_pipe_complete_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());

    let notes = "SELECT count(*) FROM readiness_notes";
    let before = count(&db, notes);
    let out = keywork_into_closed_pipe(&[
        "note",
        "add",
        "--db",
        s(&db),
        "--client",
        "KW-00003",
        "--stage",
        "preparation",
    ]);
    assert_quiet_success(&out, "note add");
    assert_eq!(count(&db, notes), before + 1, "note recorded once");

    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample_clients.csv");
    let clients = "SELECT count(*) FROM clients";
    let before = count(&db, clients);
    let out = keywork_into_closed_pipe(&["import", "--db", s(&db), s(&csv)]);
    assert_quiet_success(&out, "import");
    assert_eq!(
        count(&db, clients),
        before + 3,
        "the three clients imported once"
    );

    let backup = dir.path().join("backup.db");
    let out = keywork_into_closed_pipe(&["backup", "--db", s(&db), s(&backup)]);
    assert_quiet_success(&out, "backup");
    assert!(backup.exists(), "the backup was made");

    let out = keywork_into_closed_pipe(&[
        "erase",
        "--db",
        s(&db),
        "--client",
        "KW-00012",
        "--confirm",
        "KW-00012",
    ]);
    assert_quiet_success(&out, "erase");
    let wal_len = std::fs::metadata(format!("{}-wal", s(&db))).map_or(0, |m| m.len());
    assert_eq!(wal_len, 0, "erase went on to clear the -wal file");

    let out = keywork_into_closed_pipe(&["restore", "--db", s(&db), s(&backup)]);
    assert_quiet_success(&out, "restore");

    let fresh = dir.path().join("fresh.db");
    let out = keywork_into_closed_pipe(&["generate", "--db", s(&fresh), "--clients", "13"]);
    assert_quiet_success(&out, "generate");
    assert_eq!(count(&fresh, clients), 13, "the generated file is whole");
}

#[test]
fn readers_stop_quietly_when_their_reader_has_gone() {
    let dir = tempfile::tempdir().unwrap();
    // Enough clients that each output fills its writer's buffer before it ends (the CSV
    // writer's own 8 KiB among them), so a write fails half way as well as at the end.
    let db = demo_service_of(dir.path(), "80");
    let db = s(&db);
    let readers: &[&[&str]] = &[
        &["export", "--format", "json"],
        &["export", "--format", "csv"],
        &["export", "--format", "md", "--client", "KW-00003"],
        &["export", "--format", "html", "--plan", "KW-00003"],
        &["audit"],
        &["audit", "--format", "json"],
        &["audit", "--format", "csv"],
        &["report", "reviews"],
        &["report", "alerts", "--format", "csv"],
        &["worker", "list"],
        &["settings", "show"],
        &["check"],
        &["--scenarios"],
        &["man"],
        &["completions", "bash"],
    ];
    for args in readers {
        let mut with_db = args.to_vec();
        with_db.extend(["--db", db]);
        let out = keywork_into_closed_pipe(&with_db);
        assert_quiet_success(&out, &args.join(" "));
    }
}

#[test]
fn a_failing_check_into_a_closed_pipe_still_fails() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service_of(dir.path(), "20");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TRIGGER audit_is_append_only_update;")
        .unwrap();
    let out = keywork_into_closed_pipe(&["check", "--db", s(&db)]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a broken audit must not pass because nobody read the report: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
