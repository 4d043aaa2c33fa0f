//! Every CSV keywork writes is safe to open in a spreadsheet: a text cell that starts like a
//! formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed with `'`, while numbers stay numbers.

use std::path::Path;
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
        .unwrap()
}

/// A demo service whose first and third clients (both on the first key worker's caseload) and
/// that worker have names a spreadsheet would run as formulas, written by hand as another
/// program writing the file could.
fn hostile_service(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&db, &["generate", "--clients", "6", "--seed", "3"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    for (name, reference) in [("=1+2", "KW-00001"), ("@SUM(A1)", "KW-00003")] {
        conn.execute(
            "UPDATE clients SET given_name = ?1, preferred_name = NULL WHERE reference = ?2",
            [name, reference],
        )
        .unwrap();
    }
    conn.execute(
        "UPDATE workers SET display_name = '-Alex' WHERE login = ?1",
        [keywork::demo::FIRST_KEY_WORKER],
    )
    .unwrap();
    db
}

/// Every cell that starts like a formula is a number; returns all cells.
fn assert_no_formula(what: &str, text: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let cells: Vec<String> = reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    for cell in &cells {
        let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        assert!(
            !risky || cell.parse::<f64>().is_ok(),
            "{what}: unguarded cell {cell:?}"
        );
    }
    cells
}

fn csv_of(db: &Path, args: &[&str]) -> String {
    let out = keywork(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn reports_guard_names_that_look_like_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_service(dir.path());
    let mut all = Vec::new();
    for report in ["reviews", "alerts", "caseload", "appointments"] {
        let mut args = vec!["report", report, "--format", "csv"];
        if report != "caseload" {
            args.push("--team");
        }
        if report == "reviews" {
            args.extend(["--within", "365"]);
        }
        all.extend(assert_no_formula(report, &csv_of(&db, &args)));
    }
    for guarded in ["'=1+2", "'@SUM(A1)", "'-Alex"] {
        assert!(all.iter().any(|c| c == guarded), "{guarded} in {all:?}");
    }
}

#[test]
fn a_negative_days_over_stays_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_service(dir.path());
    let text = csv_of(
        &db,
        &[
            "report", "reviews", "--team", "--within", "365", "--format", "csv",
        ],
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "days_over")
        .unwrap();
    let days: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[column].to_owned())
        .collect();
    assert!(days.iter().any(|d| d.starts_with('-')), "some still to go");
    assert!(days.iter().all(|d| d.parse::<i64>().is_ok()), "{days:?}");
}

#[test]
fn audit_csv_has_a_header_and_no_unguarded_formula() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_service(dir.path());
    let text = csv_of(&db, &["audit", "--format", "csv"]);
    assert_eq!(
        text.lines().next(),
        Some("at,login,action,record_type,record_id,detail")
    );
    let cells = assert_no_formula("audit", &text);
    assert!(cells.len() > 6, "rows as well as the header");
}
