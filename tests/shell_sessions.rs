//! `keywork session add` from the shell records what the screens would, and asks (by refusing
//! until told) what the screens ask: the real binary on a generated service.

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

/// The login running the tests, which keywork acts as.
fn login() -> String {
    let uid = nix::unistd::Uid::current();
    nix::unistd::User::from_uid(uid)
        .unwrap()
        .expect("the test's user has a login")
        .name
}

/// A generated demo service (where `--today` may write) with the test's login as a key worker.
fn demo_service(dir: &Path) -> PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&db, &["generate", "--clients", "14", "--seed", "9"]);
    assert!(out.status.success(), "generate: {}", text(&out.stderr));
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO workers (login, display_name, role, created_at, updated_at)
         VALUES (?1, 'Test Runner', 'key_worker', '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')",
        [login()],
    )
    .unwrap();
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
