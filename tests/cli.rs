//! The command line as a user meets it: the real binary, real files.

use std::path::Path;
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

fn generate(path: &Path, seed: &str) {
    let out = keywork(&[
        "generate",
        "--db",
        path.to_str().unwrap(),
        "--clients",
        "12",
        "--seed",
        seed,
    ]);
    assert!(out.status.success(), "generate failed: {}", stderr(&out));
}

fn export(path: &Path) -> Vec<u8> {
    let out = keywork(&["export", "--db", path.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "export failed: {}", stderr(&out));
    out.stdout
}

/// Asserts the command failed with one line naming the problem, and no backtrace.
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
    assert!(!message.contains("backtrace") && !message.contains("panicked"));
}

#[test]
fn generate_with_one_seed_twice_gives_identical_exports() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.db"),
        dir.path().join("b.db"),
        dir.path().join("c.db"),
    );
    generate(&a, "7");
    generate(&b, "7");
    generate(&c, "8");
    let export_a = export(&a);
    assert_eq!(export_a, export(&b));
    assert_ne!(
        export_a,
        export(&c),
        "a different seed gives a different service"
    );
    let json: serde_json::Value = serde_json::from_slice(&export_a).unwrap();
    assert_eq!(json["clients"].as_array().unwrap().len(), 12);
    assert!(!json["sessions"].as_array().unwrap().is_empty());
}

#[test]
fn demo_service_covers_every_goal_domain_hierarchy_level_and_some_overdue_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = keywork(&["generate", "--db", db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&export(&db)).unwrap();
    let values = |array: &str, field: &str| -> std::collections::BTreeSet<String> {
        json[array]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[field].to_string())
            .collect()
    };
    assert_eq!(
        json["clients"].as_array().unwrap().len(),
        40,
        "a trainer's 40 clients by default"
    );
    assert_eq!(values("goals", "domain").len(), 10, "every domain");
    assert_eq!(
        values("goals", "hierarchy_level").len(),
        7,
        "six levels plus null"
    );
    assert!(values("sessions", "attendance").contains("\"dna\""));
    assert!(values("readiness_notes", "stage").contains("\"relapse\""));
    let overdue = json["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["completed_on"].is_null() && r["due_on"].as_str().unwrap() < TODAY)
        .count();
    assert!(overdue > 0, "some reviews are overdue");
    assert_eq!(json["workers"][0]["login"], "alex.demo");
}

#[test]
fn check_reports_schema_integrity_and_row_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    generate(&db, "1");
    let out = keywork(&["check", "--db", db.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(
        text.contains(&format!(
            "schema version: {}",
            keywork::store::migrate::LATEST
        )),
        "{text}"
    );
    assert!(text.contains("integrity: ok"), "{text}");
    assert!(text.contains("demo data: yes"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("clients") && l.trim_end().ends_with(" 12")),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn new_database_and_export_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    generate(&db, "1");
    let out_file = dir.path().join("export.json");
    let out = keywork(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for path in [&db, &out_file] {
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
}

#[test]
fn missing_directory_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("absent").join("k.db");
    assert_refused(
        &keywork(&["check", "--db", db.to_str().unwrap()]),
        "does not exist",
    );
    assert_refused(
        &keywork(&["generate", "--db", db.to_str().unwrap()]),
        "does not exist",
    );
    assert!(!dir.path().join("absent").exists());
}

#[test]
fn directory_given_as_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused(
        &keywork(&["check", "--db", dir.path().to_str().unwrap()]),
        "is a directory",
    );
}

#[test]
fn file_that_is_not_sqlite_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "shopping list, not a database\n").unwrap();
    for args in [
        vec!["check"],
        vec!["export", "--format", "json"],
        vec!["generate"],
    ] {
        let mut args = args.clone();
        args.extend(["--db", path.to_str().unwrap()]);
        let out = keywork(&args);
        assert!(!out.status.success());
        assert!(stderr(&out).lines().count() == 1, "{}", stderr(&out));
    }
    assert_refused(
        &keywork(&["check", "--db", path.to_str().unwrap()]),
        "not a SQLite database",
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "shopping list, not a database\n"
    );
    assert!(!dir.path().join("notes.txt-wal").exists());
}

#[cfg(unix)]
#[test]
fn read_only_file_is_refused_for_writing_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    generate(&db, "1");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
    let before = std::fs::read(&db).unwrap();
    assert_refused(
        &keywork(&["export", "--db", db.to_str().unwrap(), "--format", "json"]),
        "read-only",
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // Reading is still allowed.
    assert!(
        keywork(&["check", "--db", db.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn newer_schema_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    generate(&db, "1");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = keywork(&["export", "--db", db.to_str().unwrap(), "--format", "json"]);
    assert_refused(
        &out,
        "schema version 99, newer than this keywork understands",
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn generate_refuses_an_existing_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    generate(&db, "1");
    let before = std::fs::read(&db).unwrap();
    assert_refused(
        &keywork(&["generate", "--db", db.to_str().unwrap()]),
        "already exists",
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn unknown_option_is_a_usage_error_without_backtrace() {
    let out = keywork(&["--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.starts_with("error: unexpected argument '--frobnicate'"),
        "{message}"
    );
    assert!(!message.contains("panicked"));
}

#[test]
fn export_to_an_existing_file_is_refused_and_the_file_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    generate(&db, "1");
    let target = dir.path().join("keep.json");
    std::fs::write(&target, "precious").unwrap();
    let out = keywork(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_refused(&out, "File exists");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
}

#[test]
fn short_help_hides_today_but_shows_the_default_database() {
    let out = keywork(&["-h"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("--today"), "{text}");
    assert!(text.contains("Default database:"), "{text}");
    let long = String::from_utf8(keywork(&["--help"]).stdout).unwrap();
    assert!(long.contains("--today"));
}

#[test]
fn the_first_worker_sets_up_the_team_and_then_only_a_team_lead_adds_people() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("new.db");
    let out = keywork(&[
        "worker",
        "add",
        "--db",
        empty.to_str().unwrap(),
        "--name",
        "First Lead",
        "--role",
        "team_lead",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = keywork(&[
        "worker",
        "add",
        "--db",
        empty.to_str().unwrap(),
        "--login",
        "sam.new",
        "--name",
        "Sam New",
    ]);
    assert!(
        out.status.success(),
        "a team lead adds people: {}",
        stderr(&out)
    );

    // On the demo service this login is not on the team, let alone a lead.
    let demo = dir.path().join("demo.db");
    generate(&demo, "1");
    let before = std::fs::read(&demo).unwrap();
    let out = keywork(&[
        "worker",
        "add",
        "--db",
        demo.to_str().unwrap(),
        "--name",
        "Me Myself",
        "--role",
        "team_lead",
    ]);
    assert_refused(&out, "only a team lead can add workers");
    assert_eq!(std::fs::read(&demo).unwrap(), before);
}
