//! `keywork session add` from the shell records what the screens would, and asks (by refusing
//! until told) what the screens ask: the real binary on a generated service.

#[path = "common/fixture.rs"]
mod fixture;

use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";

fn keywork(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY])
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env_remove("KEYWORK_DB")
        .env("KEYWORK_CONFIG", db.with_file_name("no-config.toml"))
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A generated demo service (where `--today` may write) with the test's login as a key worker.
fn demo_service(dir: &Path) -> PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&db, &["generate", "--clients", "14", "--seed", "9"]);
    assert!(out.status.success(), "generate: {}", text(&out.stderr));
    fixture::join_team(&db, "Test Runner", "key_worker");
    db
}

fn session_add(db: &Path, args: &[&str]) -> Output {
    let mut all = vec!["session", "add"];
    all.extend(args);
    keywork(db, &all)
}

fn one<T: rusqlite::types::FromSql>(db: &Path, sql: &str, reference: &str) -> Option<T> {
    let conn = Connection::open(db).unwrap();
    conn.query_row(sql, [reference], |row| row.get(0))
        .optional()
        .unwrap()
}

#[test]
fn bbv_test_without_the_intervention_records_the_test_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let hiv = "SELECT hiv_tested_on FROM clients WHERE reference = ?1";
    let before: Option<String> = one(&db, hiv, "KW-00004").flatten();
    assert_ne!(
        before.as_deref(),
        Some(TODAY),
        "a test the fixture did not make already"
    );

    let out = session_add(
        &db,
        &[
            "--client",
            "KW-00004",
            "--bbv-test",
            "hiv",
            "--at",
            "today 10:00",
        ],
    );
    assert!(out.status.success(), "session add: {}", text(&out.stderr));

    let after: Option<String> = one(&db, hiv, "KW-00004").flatten();
    assert_eq!(
        after.as_deref(),
        Some(TODAY),
        "the HIV test date moved to the session's"
    );
    let intervention: Option<String> = one(
        &db,
        "SELECT intervention FROM session_interventions
         WHERE session_id = (SELECT max(s.id) FROM sessions s JOIN clients c ON c.id = s.client_id
                             WHERE c.reference = ?1)",
        "KW-00004",
    );
    assert_eq!(
        intervention.as_deref(),
        Some("bbv_test"),
        "the session says a test was done"
    );
}

#[test]
fn bbv_test_in_help_says_it_records_the_intervention() {
    let dir = tempfile::tempdir().unwrap();
    let out = keywork(&dir.path().join("none.db"), &["session", "add", "--help"]);
    let help = text(&out.stdout);
    assert!(
        help.contains("records the bbv_test intervention"),
        "--help says what --bbv-test implies:\n{help}"
    );
}

/// DNAs recorded for the client on the day, not counting any marked entered in error.
fn dnas_on(db: &Path, reference: &str, day: &str) -> i64 {
    let conn = Connection::open(db).unwrap();
    conn.query_row(
        "SELECT count(*) FROM sessions s JOIN clients c ON c.id = s.client_id
         WHERE c.reference = ?1 AND s.attendance = 'dna' AND s.in_error_at IS NULL
           AND substr(s.started_at, 1, 10) = ?2",
        [reference, day],
        |row| row.get(0),
    )
    .unwrap()
}

/// An active client with nothing at all (no session, no appointment) on `TODAY` or the day
/// before, so that each DNA the test records is the only thing that day.
fn quiet_client(db: &Path) -> String {
    let conn = Connection::open(db).unwrap();
    conn.query_row(
        "SELECT reference FROM clients c WHERE status = 'active'
           AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.client_id = c.id
                           AND substr(s.started_at, 1, 10) IN ('2026-11-22', '2026-11-23'))
           AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.client_id = c.id
                           AND substr(a.at, 1, 10) IN ('2026-11-22', '2026-11-23'))
         ORDER BY reference LIMIT 1",
        [],
        |row| row.get(0),
    )
    .expect("the demo has a client with a quiet weekend")
}

fn assert_refused(out: &Output, expected: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "refused: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for part in expected {
        assert!(stderr.contains(part), "{part:?} in: {stderr}");
    }
}

#[test]
fn a_second_dna_the_same_day_is_refused_unless_told_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let client = quiet_client(&db);
    let dna = |at: &str, again: bool| {
        let mut args = vec!["--client", &client, "--attendance", "dna", "--at", at];
        if again {
            args.push("--again");
        }
        session_add(&db, &args)
    };

    let first = dna("today 10:00", false);
    assert!(first.status.success(), "first DNA: {}", text(&first.stderr));
    assert_eq!(dnas_on(&db, &client, TODAY), 1);

    let twice = dna("today 10:20", false);
    assert_refused(&twice, &["already recorded", "10:00", "--again"]);
    assert_eq!(dnas_on(&db, &client, TODAY), 1, "nothing recorded");

    let other_day = dna("22/11/2026 10:00", false);
    assert!(other_day.status.success(), "{}", text(&other_day.stderr));

    let again = dna("today 11:30", true);
    assert!(
        again.status.success(),
        "with --again: {}",
        text(&again.stderr)
    );
    assert_eq!(
        dnas_on(&db, &client, TODAY),
        2,
        "the second missed appointment"
    );
}

#[test]
fn a_second_dna_for_the_same_appointment_is_refused_unless_told_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let client = quiet_client(&db);
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO appointments (client_id, worker_id, at, kind, created_at, updated_at)
         SELECT id, key_worker_id, '2026-11-23 11:00', 'key_work',
                '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z'
         FROM clients WHERE reference = ?1",
        [&client],
    )
    .unwrap();
    drop(conn);
    let dna = |again: bool| {
        let mut args = vec![
            "--client",
            &client,
            "--attendance",
            "dna",
            "--at",
            "today 11:20",
        ];
        if again {
            args.push("--again");
        }
        session_add(&db, &args)
    };

    let first = dna(false);
    assert!(first.status.success(), "first DNA: {}", text(&first.stderr));
    let status: Option<String> = one(
        &db,
        "SELECT a.status FROM appointments a JOIN clients c ON c.id = a.client_id
         WHERE c.reference = ?1 AND a.at = '2026-11-23 11:00'",
        &client,
    );
    assert_eq!(
        status.as_deref(),
        Some("dna"),
        "the DNA settled the appointment"
    );

    let twice = dna(false);
    assert_refused(
        &twice,
        &["11:00 appointment", "already recorded", "--again"],
    );
    assert_eq!(dnas_on(&db, &client, TODAY), 1, "nothing recorded");

    let again = dna(true);
    assert!(
        again.status.success(),
        "with --again: {}",
        text(&again.stderr)
    );
    assert_eq!(dnas_on(&db, &client, TODAY), 2);
}
