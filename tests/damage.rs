//! A damaged database file, with the real binary: `check` names what SQLite found damaged, and a
//! write is refused before it lands in the damaged file.

#[path = "common/fixture.rs"]
mod fixture;

use fixture::login;
use rusqlite::Connection;
use std::path::Path;
use std::process::{Command, Output};

fn keywork(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("KEYWORK_DB")
        .env_remove("KEYWORK_CONFIG")
        .env("KEYWORK_SYSTEM_CONFIG", db.with_extension("system.toml"))
        .output()
        .expect("run keywork")
}

/// A small generated service the test's user records in, every change checkpointed into the
/// main file; then one page overwritten with zeros, as a failing disk leaves it: the page of a
/// table a session never reads (the scenario list), so SQLite itself would not notice.
fn damaged_service(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("small.db");
    let out = keywork(
        &db,
        &[
            "generate",
            "--clients",
            "20",
            "--years",
            "1",
            "--as",
            &login(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (page, size): (i64, i64) = {
        let conn = Connection::open(&db).expect("open");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint");
        let page = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'scenarios'",
                [],
                |r| r.get(0),
            )
            .expect("the scenario table's page");
        let size = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page size");
        (page, size)
    };
    let mut bytes = std::fs::read(&db).expect("read the file");
    let start = usize::try_from((page - 1) * size).expect("an offset");
    let end = start + usize::try_from(size).expect("a size");
    bytes[start..end].fill(0);
    std::fs::write(&db, bytes).expect("damage the file");
    let quick: String = Connection::open(&db)
        .expect("open")
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .unwrap_or_else(|e| e.to_string());
    assert_ne!(quick, "ok", "the fixture must be damaged");
    db
}

#[test]
fn check_lists_what_sqlite_finds_damaged_bounded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = damaged_service(dir.path());
    let out = keywork(&db, &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stdout.contains("integrity: DAMAGED"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("  ") && l.to_lowercase().contains("page")),
        "the damaged page is named: {stdout}"
    );
    assert!(stdout.lines().count() <= 22, "bounded: {stdout}");
    assert!(
        stderr.contains("is damaged") && stderr.contains("restore it from a backup"),
        "{stderr}"
    );
}

#[test]
fn a_write_to_a_file_that_fails_the_quick_check_is_refused_and_the_file_is_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = damaged_service(dir.path());
    let before = std::fs::read(&db).expect("read");
    let out = keywork(
        &db,
        &[
            "session",
            "add",
            "--client",
            "KW-00001",
            "--note",
            "After the damage",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.contains("the database looks damaged ("), "{stderr}");
    assert!(stderr.contains("restore from a backup"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        std::fs::read(&db).expect("read") == before,
        "file unchanged"
    );
    let wal = db.with_extension("db-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "nothing waiting in the WAL"
    );
}
