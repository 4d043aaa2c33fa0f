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

/// The binary on the real clock: what writes to a real (not demo) database must use.
fn keywork_now(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
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

/// Puts the login running the tests on the generated team as a team lead (fixture set-up: the
/// demo's own team has only fictional logins), so it may export and record.
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

fn export(path: &Path) -> Vec<u8> {
    join_team(path);
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
    // Reviews are computed, not stored ahead: the morning report shows some overdue.
    let due: serde_json::Value = serde_json::from_str(&report_text(
        &db,
        &["reviews", "--team", "--within", "0", "--format", "json"],
    ))
    .unwrap();
    let overdue = due
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["overdue"] == true)
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
    join_team(&db);
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
    join_team(&db);
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
    assert_refused(&out, "already exists, and keywork never writes over one");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
}

#[test]
fn short_help_hides_today_but_shows_the_default_database() {
    let out = keywork(&["-h"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("--today"), "{text}");
    assert!(text.contains("Database: "), "{text}");
    let long = String::from_utf8(keywork(&["--help"]).stdout).unwrap();
    assert!(long.contains("--today"));
}

#[test]
fn the_first_worker_is_made_team_lead_and_then_only_a_team_lead_adds_people() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("new.db");
    let db = empty.to_str().unwrap();
    let out = keywork_now(&["worker", "add", "--db", db, "--name", "First Worker"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("team lead") && said.contains("first"),
        "the message says why the first worker is a team lead: {said}"
    );
    let out = keywork_now(&[
        "worker", "add", "--db", db, "--login", "sam.new", "--name", "Sam New",
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
    assert_refused(&out, "is not on the team list");
    assert_eq!(std::fs::read(&demo).unwrap(), before);
}

// `keywork report`: reviews, alerts and caseloads on a generated service. The demo data changes
// as the demo grows, so these check the shape of each report and that its parts agree, not counts.

const REVIEW_KEYS: [&str; 10] = [
    "reference",
    "known_as",
    "key_worker",
    "review",
    "review_label",
    "due_on",
    "days_over",
    "overdue",
    "acknowledged",
    "basis",
];

/// A default-sized demo service (40 clients, a few of each alert) in `dir`.
fn demo_service(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&["generate", "--db", db.to_str().unwrap()]);
    assert!(out.status.success(), "generate failed: {}", stderr(&out));
    db
}

/// `keywork report ARGS --db DB` with the default settings (the config file named does not exist).
fn report(db: &Path, args: &[&str]) -> Output {
    let config = db.with_file_name("no-config.toml");
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY, "report"])
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env_remove("KEYWORK_DB")
        .env("KEYWORK_CONFIG", config)
        .output()
        .expect("the binary runs")
}

/// The report's standard output; it must succeed and say nothing on standard error.
fn report_text(db: &Path, args: &[&str]) -> String {
    let out = report(db, args);
    assert!(
        out.status.success(),
        "report {args:?} failed: {}",
        stderr(&out)
    );
    assert!(out.stderr.is_empty(), "nothing on stderr: {}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains(|c: char| c.is_control() && c != '\n'),
        "no control characters: {text:?}"
    );
    text
}

fn report_json(db: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&report_text(db, &args)).unwrap();
    json.as_array().expect("an array").clone()
}

fn uk_date(iso: &str) -> String {
    let date = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap();
    date.format("%d/%m/%Y").to_string()
}

/// The numbers in a summary line, in order: "12 reviews: 5 overdue, 7 due within 28 days".
fn numbers(line: &str) -> Vec<usize> {
    line.split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().unwrap())
        .collect()
}

#[test]
fn reviews_report_text_has_a_header_the_rows_and_a_summary_that_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let text = report_text(&db, &["reviews", "--team"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("The whole team: reviews overdue or due by 21/12/2026"),
        "{text}"
    );
    let header = lines[2];
    for column in [
        "Reference",
        "Client",
        "Key worker",
        "Review",
        "Due",
        "Days over",
        "Acknowledged",
        "Basis",
    ] {
        assert!(header.contains(column), "{column} in {header:?}");
    }
    assert!(
        lines.iter().all(|l| l.trim_end() == *l),
        "no trailing spaces"
    );

    let json = report_json(&db, &["reviews", "--team"]);
    let overdue = json
        .iter()
        .filter(|r| r["days_over"].as_i64().unwrap() > 0)
        .count();
    let summary = *lines.last().unwrap();
    assert!(
        summary.contains(" reviews: ") && summary.ends_with("due within 28 days"),
        "{summary}"
    );
    let counts = numbers(summary);
    assert_eq!(counts[0], json.len(), "{summary}");
    assert_eq!(counts[1], overdue, "{summary}");
    assert_eq!(*counts.last().unwrap(), 28);
    assert!(overdue > 0, "the demo has overdue reviews");
    assert_eq!(
        lines.len(),
        3 + json.len() + 2,
        "title, blank, header, one line a review, blank, summary"
    );

    // The most overdue comes first, with its UK date and days over.
    let first = &json[0];
    let row = lines[3];
    assert!(
        row.starts_with(first["reference"].as_str().unwrap()),
        "{row}"
    );
    assert!(
        row.contains(&uk_date(first["due_on"].as_str().unwrap())),
        "{row}"
    );
    assert!(row.contains(&format!(" {} ", first["days_over"])), "{row}");
    assert!(first["days_over"].as_i64().unwrap() > 0);
}

#[test]
fn reviews_report_json_has_stable_keys_and_consistent_values() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let json = report_json(&db, &["reviews", "--team", "--within", "28"]);
    assert!(!json.is_empty());
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let mut previous = chrono::NaiveDate::MIN;
    for row in &json {
        let keys: std::collections::BTreeSet<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, REVIEW_KEYS.into_iter().collect(), "{row}");
        let due =
            chrono::NaiveDate::parse_from_str(row["due_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let days_over = row["days_over"].as_i64().unwrap();
        assert_eq!(days_over, (today - due).num_days(), "{row}");
        assert!(days_over >= -28, "within the window: {row}");
        assert_eq!(row["overdue"].as_bool().unwrap(), days_over > 0, "{row}");
        assert!(
            !row["acknowledged"].as_bool().unwrap() || days_over > 0,
            "{row}"
        );
        assert!(
            ["care_plan", "prescribing", "outcomes", "risk"]
                .contains(&row["review"].as_str().unwrap()),
            "{row}"
        );
        assert!(!row["basis"].as_str().unwrap().is_empty());
        assert!(due >= previous, "most overdue first");
        previous = due;
    }

    // Another worker's caseload holds only their clients.
    let alex = report_json(&db, &["reviews", "--worker", "alex.demo"]);
    assert!(!alex.is_empty());
    assert!(
        alex.iter().all(|r| r["key_worker"] == "Alex Morgan"),
        "{alex:?}"
    );
    assert!(alex.len() < json.len());
}

#[test]
fn reviews_report_csv_has_a_header_and_a_row_per_review() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let text = report_text(&db, &["reviews", "--team", "--format", "csv"]);
    assert_eq!(text.lines().next().unwrap(), REVIEW_KEYS.join(","));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        records.len(),
        report_json(&db, &["reviews", "--team"]).len()
    );
    assert!(records.iter().all(|r| r.len() == REVIEW_KEYS.len()));
    assert!(records.iter().any(|r| r[7] == *"true"), "an overdue row");
}

#[test]
fn reviews_within_zero_days_lists_only_what_is_overdue_or_due_today() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let now = report_json(&db, &["reviews", "--team", "--within", "0"]);
    assert!(
        now.iter().all(|r| r["days_over"].as_i64().unwrap() >= 0),
        "{now:?}"
    );
    let month = report_json(&db, &["reviews", "--team", "--within", "28"]);
    let not_yet = month
        .iter()
        .filter(|r| r["days_over"].as_i64().unwrap() < 0)
        .count();
    assert_eq!(now.len() + not_yet, month.len());
    let summary = report_text(&db, &["reviews", "--team", "--within", "0"]);
    assert!(summary.trim_end().ends_with(" due today"), "{summary}");
}

#[test]
fn reviews_report_for_someone_not_on_the_team_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let out = report(&db, &["reviews", "--worker", "nobody"]);
    assert_refused(&out, "--worker: nobody is not on the team list");
    assert!(out.stdout.is_empty());
    // This test's own login is not on the demo team, so it has no caseload of its own.
    let out = report(&db, &["alerts"]);
    assert_refused(&out, "is not on the team list");
    assert!(stderr(&out).contains("--team"), "says what to do instead");
    let out = report(&db, &["reviews", "--worker", "alex.demo", "--team"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "conflicting scopes: {}",
        stderr(&out)
    );
}

#[test]
fn alerts_report_lists_open_alerts_with_reasons_and_recovery_separately() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let json = report_json(&db, &["alerts", "--team"]);
    let (alerts, recovery): (Vec<_>, Vec<_>) = json.iter().partition(|r| r["kind"] == "alert");
    assert!(!alerts.is_empty(), "the demo has open alerts");
    for row in &json {
        let keys: std::collections::BTreeSet<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let expected = [
            "reference",
            "known_as",
            "key_worker",
            "kind",
            "code",
            "label",
            "reason",
        ];
        assert_eq!(keys, expected.into_iter().collect(), "{row}");
        assert!(!row["reason"].as_str().unwrap().is_empty(), "{row}");
    }
    assert!(alerts.iter().all(|a| a["code"].is_string()));
    assert!(
        recovery
            .iter()
            .all(|r| r["kind"] == "medication_assisted_recovery" && r["code"].is_null())
    );

    let text = report_text(&db, &["alerts", "--team"]);
    let first = alerts[0];
    assert!(
        text.lines()
            .any(|l| l.starts_with(first["reference"].as_str().unwrap())
                && l.contains(first["label"].as_str().unwrap())
                && l.contains(first["code"].as_str().unwrap())
                && l.ends_with(first["reason"].as_str().unwrap())),
        "{first} in {text}"
    );
    let summary = text
        .lines()
        .find(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(" open alert"))
        .expect("a summary line");
    assert_eq!(numbers(summary)[0], alerts.len(), "{summary}");
    assert!(text.contains("\nMedication-assisted recovery\n"), "{text}");
    for row in &recovery {
        assert!(text.contains(row["reason"].as_str().unwrap()), "{row}");
    }
    let csv = report_text(&db, &["alerts", "--team", "--format", "csv"]);
    assert_eq!(
        csv.lines().next().unwrap(),
        "reference,known_as,key_worker,kind,code,label,reason"
    );
    assert_eq!(csv.lines().count(), json.len() + 1);
}

#[test]
fn caseload_report_has_a_line_per_worker_whose_counts_agree_with_the_other_reports() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let workers = report_json(&db, &["caseload"]);
    assert!(!workers.is_empty());
    let text = report_text(&db, &["caseload"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[2].starts_with("Worker") && lines[2].contains("Overdue reviews"),
        "{text}"
    );
    assert_eq!(
        lines.len(),
        3 + workers.len() + 2,
        "one line a worker: {text}"
    );
    let count = |w: &serde_json::Value, key: &str| w[key].as_u64().unwrap() as usize;
    let keys = [
        "active_clients",
        "overdue_reviews",
        "open_alerts",
        "sessions_28_days",
        "dnas_28_days",
    ];
    for worker in &workers {
        let line = lines
            .iter()
            .find(|l| l.starts_with(worker["worker"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("{worker} in {text}"));
        let shown: Vec<usize> = line
            .split_whitespace()
            .rev()
            .take(5)
            .map(|n| n.parse().unwrap())
            .collect();
        let expected: Vec<usize> = keys.iter().rev().map(|k| count(worker, k)).collect();
        assert_eq!(shown, expected, "{line}");
    }
    let total = |key: &str| workers.iter().map(|w| count(w, key)).sum::<usize>();

    let overdue = report_json(&db, &["reviews", "--team", "--within", "0"])
        .iter()
        .filter(|r| r["overdue"] == true && r["acknowledged"] == false)
        .count();
    assert_eq!(total("overdue_reviews"), overdue);
    let alerts = report_json(&db, &["alerts", "--team"]);
    assert_eq!(
        total("open_alerts"),
        alerts.iter().filter(|a| a["kind"] == "alert").count()
    );
    let export: serde_json::Value = serde_json::from_slice(&export(&db)).unwrap();
    let active = export["clients"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "active")
        .count();
    assert_eq!(total("active_clients"), active);
    assert!(
        total("sessions_28_days") > 0,
        "the demo has recent sessions"
    );
    assert_eq!(
        numbers(lines.last().unwrap())[..4],
        [workers.len(), active, overdue, total("open_alerts")],
        "{text}"
    );
    let csv = report_text(&db, &["caseload", "--format", "csv"]);
    assert_eq!(
        csv.lines().next().unwrap(),
        "worker,login,role,active_clients,overdue_reviews,open_alerts,sessions_28_days,dnas_28_days"
    );
}

#[test]
fn reports_clean_stored_text_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let first = report_json(&db, &["reviews", "--team"])[0]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE clients SET preferred_name = ?1 WHERE reference = ?2",
            ["Jo\u{1b}[2J\u{202e}", first.as_str()],
        )
        .unwrap();
    }
    for format in ["text", "json", "csv"] {
        let text = report_text(&db, &["reviews", "--team", "--format", format]);
        assert!(text.contains("Jo^[[2J<?>"), "{format}: {text}");
        assert!(!text.contains('\u{202e}'), "{format}");
    }
}

#[cfg(unix)]
#[test]
fn reports_read_a_read_only_database_and_leave_it_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
    let before = std::fs::read(&db).unwrap();
    for args in [
        &["reviews", "--team"][..],
        &["alerts", "--team"],
        &["caseload"],
    ] {
        report_text(&db, args);
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn an_empty_file_given_to_a_command_that_refuses_is_left_empty() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o600)).unwrap();
    let db = empty.to_str().unwrap();
    let out = keywork_now(&[
        "session", "add", "--db", db, "--client", "KW-00001", "--note", "x",
    ]);
    assert_refused(&out, "is not on the team list");
    let out = keywork_now(&["settings", "set", "care_plan", "8w", "--db", db]);
    assert_refused(&out, "is not on the team list");
    assert_eq!(std::fs::read(&empty).unwrap(), b"", "still empty");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no -wal or -shm"
    );
}
