//! `keywork check --clinical` (issue 20): for each rule, a record that breaks it and one that
//! does not, written as SQL into a new database (the check reads what is in the file, however
//! it got there: an import, an older version, a slip); entries marked entered in error count for
//! nothing; errors fail the command, warnings do not, and no client's name is printed.

use keywork::clock::Clock;
use keywork::domain::clinical_check::Rule;
use keywork::domain::dose_check::DoseLimits;
use keywork::domain::{Login, Name, Role, Worker};
use keywork::store::{Access, Store};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";
const STAMP: &str = "2026-01-01T09:00:00Z";
/// Names no output may contain.
const GIVEN: &str = "Philippa";
const FAMILY: &str = "Quennell";

fn clock() -> Clock {
    Clock::fixed(TODAY.parse().expect("a date"))
}

/// A new database with one worker (id 1) and one client (id 1, KW-00001) on OST since
/// 2026-01-01, then `sql` run on it.
fn record(sql: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("clinical.db");
    let login = Login::new("sam.okoro").expect("login");
    let mut store =
        Store::open_unchecked(&path, Access::Create, clock(), login.clone()).expect("create");
    // The schema is written with the first write.
    let worker = Worker {
        login,
        display_name: Name::new("Sam Okoro").expect("name"),
        role: Role::Prescriber,
    };
    store.write(|w| w.insert(&worker)).expect("worker");
    drop(store);
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch(&format!(
        "INSERT INTO clients (id, reference, given_name, family_name, date_of_birth, key_worker_id,
                              status, referral_date, treatment_start, primary_substance, injecting,
                              modality, ost_since, created_at, updated_at)
             VALUES (1, 'KW-00001', '{GIVEN}', '{FAMILY}', '1980-05-05', 1, 'active', '2025-12-01',
                     '2026-01-01', 'heroin', 'never', 'ost_methadone', '2026-01-01', '{STAMP}',
                     '{STAMP}');
         {sql}"
    ))
    .expect("fixture SQL");
    (dir, path)
}

/// A prescription row recorded on the day it starts.
fn rx(medicine: &str, dose: f64, from: &str, to: Option<&str>, extra: &[(&str, &str)]) -> String {
    let mut columns = String::new();
    let mut values = String::new();
    for (column, value) in extra {
        columns.push_str(&format!(", {column}"));
        values.push_str(&format!(", '{value}'"));
    }
    let interval = if medicine == "buprenorphine_depot" {
        "weekly"
    } else {
        "daily"
    };
    let supervision = if extra.iter().any(|(c, _)| *c == "supervision") {
        String::new()
    } else {
        ", supervision".into()
    };
    let supervised = if supervision.is_empty() {
        String::new()
    } else {
        ", 'daily_supervised'".into()
    };
    format!(
        "INSERT INTO prescriptions (client_id, medicine, dose_mg, interval, started_on, ended_on,
                                    created_at, updated_at{supervision}{columns})
             VALUES (1, '{medicine}', {dose}, '{interval}', '{from}', {}, '{from}T09:00:00Z',
                     '{from}T09:00:00Z'{supervised}{values});",
        to.map_or("NULL".to_owned(), |d| format!("'{d}'"))
    )
}

/// The methadone prescription in force today, so only the rule under test has anything to say.
fn current() -> String {
    rx("methadone", 30.0, "2026-01-01", None, &[])
}

fn review(completed_on: &str, in_error: bool) -> String {
    format!(
        "INSERT INTO reviews (client_id, kind, due_on, completed_on, completed_by, outcome,
                              created_at, updated_at{})
             VALUES (1, 'care_plan', '2026-11-01', '{completed_on}', 1, '', '{STAMP}', '{STAMP}'{});",
        in_error_columns(in_error),
        in_error_values(in_error)
    )
}

fn top(stage: &str, completed_on: &str, in_error: bool) -> String {
    format!(
        "INSERT INTO tops (client_id, worker_id, completed_on, stage, created_at, updated_at{})
             VALUES (1, 1, '{completed_on}', '{stage}', '{STAMP}', '{STAMP}'{});",
        in_error_columns(in_error),
        in_error_values(in_error)
    )
}

fn goal(status: &str, target: &str) -> String {
    format!(
        "INSERT INTO goals (id, client_id, domain, in_own_words, set_on, target_date, status,
                            progress, created_at, updated_at)
             VALUES (1, 1, 'housing', 'A place of my own', '2026-01-01', '{target}', '{status}', 5,
                     '{STAMP}', '{STAMP}');"
    )
}

fn action(done_on: Option<&str>, in_error: bool) -> String {
    format!(
        "INSERT INTO goal_actions (goal_id, step, owner, done_on, created_at, updated_at{})
             VALUES (1, 'Call the housing office', 'client', {}, '{STAMP}', '{STAMP}'{});",
        in_error_columns(in_error),
        done_on.map_or("NULL".to_owned(), |d| format!("'{d}'")),
        in_error_values(in_error)
    )
}

fn discharged() -> String {
    "UPDATE clients SET status = 'discharged', status_since = '2026-10-01',
         modality = 'psychosocial', ost_since = NULL WHERE id = 1;"
        .to_owned()
}

fn in_error_columns(in_error: bool) -> &'static str {
    if in_error {
        ", in_error_at, in_error_by, in_error_reason"
    } else {
        ""
    }
}

fn in_error_values(in_error: bool) -> String {
    if in_error {
        format!(", '{STAMP}', 'sam.okoro', 'wrong client'")
    } else {
        String::new()
    }
}

/// The rules the check finds on the record made by `sql`.
fn rules_found(sql: &str) -> Vec<Rule> {
    let (_dir, path) = record(sql);
    let login = Login::new("sam.okoro").expect("login");
    let store = Store::open_unchecked(&path, Access::Read, clock(), login).expect("open");
    let findings = store
        .clinical_findings(&DoseLimits::default())
        .expect("the check runs");
    assert!(findings.iter().all(|f| f.reference == "KW-00001"));
    let one = store
        .client_findings(1, &DoseLimits::default())
        .expect("the one client's check runs");
    assert_eq!(
        one, findings,
        "the record's Data checks find what the command finds"
    );
    findings.iter().map(|f| f.rule).collect()
}

struct Case {
    rule: Rule,
    why: &'static str,
    sql: String,
}

fn breaks(rule: Rule, why: &'static str, sql: String) -> Case {
    Case { rule, why, sql }
}

/// Each rule's fixture that breaks it: the rule is found.
#[test]
fn each_rule_finds_the_record_that_breaks_it() {
    let cases = [
        breaks(
            Rule::OverlappingPrescriptions,
            "the old prescription ends the day the new one starts",
            rx("methadone", 30.0, "2026-01-01", Some("2026-03-01"), &[])
                + &rx("methadone", 35.0, "2026-03-01", None, &[]),
        ),
        breaks(
            Rule::OstWithoutPrescription,
            "on OST, the last prescription ended in October",
            rx("methadone", 30.0, "2026-01-01", Some("2026-10-01"), &[]),
        ),
        breaks(
            Rule::DoseRefused,
            "a weekly depot of 26 mg, a strength that does not exist",
            current()
                + &rx(
                    "buprenorphine_depot",
                    26.0,
                    "2026-03-01",
                    Some("2026-03-07"),
                    &[],
                ),
        ),
        breaks(
            Rule::DoseRefused,
            "methadone 400 mg, above the ceiling, even with a reason",
            rx(
                "methadone",
                400.0,
                "2026-01-01",
                None,
                &[("dose_reason", "typed")],
            ),
        ),
        breaks(
            Rule::DoseWithoutReason,
            "a course starting at 60 mg methadone with no reason",
            rx("methadone", 60.0, "2026-01-01", None, &[]),
        ),
        breaks(
            Rule::EarlyTakeHomeWithoutReason,
            "all take-home two months after OST began, no reason",
            rx("methadone", 30.0, "2026-01-01", Some("2026-02-28"), &[])
                + &rx(
                    "methadone",
                    30.0,
                    "2026-03-01",
                    None,
                    &[("supervision", "all_take_home")],
                ),
        ),
        breaks(
            Rule::EarlyTakeHomeWithoutReason,
            "take-home a month into a second course, after a break in OST",
            "UPDATE clients SET ost_since = '2026-08-01' WHERE id = 1;".to_owned()
                + &rx("methadone", 30.0, "2026-01-01", Some("2026-05-31"), &[])
                + &rx("methadone", 30.0, "2026-08-01", Some("2026-08-31"), &[])
                + &rx(
                    "methadone",
                    30.0,
                    "2026-09-01",
                    None,
                    &[("supervision", "all_take_home")],
                ),
        ),
        breaks(
            Rule::FutureReview,
            "a review completed next week",
            current() + &review("2026-11-30", false),
        ),
        breaks(
            Rule::FutureTop,
            "a TOP dated next month",
            current() + &top("review", "2026-12-01", false),
        ),
        breaks(
            Rule::GoalPastTarget,
            "active, 29 days past its target",
            current() + &goal("active", "2026-10-25"),
        ),
        breaks(
            Rule::AchievedGoalOpenActions,
            "achieved, one action not done",
            current() + &goal("achieved", "2026-12-01") + &action(None, false),
        ),
        breaks(
            Rule::DischargedWithoutExitTop,
            "discharged after treatment with a start TOP only",
            discharged() + &top("start", "2026-01-01", false),
        ),
        breaks(
            Rule::DischargedWithoutExitTop,
            "the only exit TOP was entered in error",
            discharged() + &top("exit", "2026-10-01", true),
        ),
    ];
    for case in cases {
        let found = rules_found(&case.sql);
        assert!(
            found.contains(&case.rule),
            "{} not found ({}): found {found:?}",
            case.rule.name(),
            case.why
        );
    }
}

/// Each rule's fixture that does not break it (often the other side of its threshold): the rule
/// says nothing.
#[test]
fn each_rule_passes_the_record_that_keeps_it() {
    let cases = [
        breaks(
            Rule::OverlappingPrescriptions,
            "the old prescription ends the day before the new one starts",
            rx("methadone", 30.0, "2026-01-01", Some("2026-02-28"), &[])
                + &rx("methadone", 35.0, "2026-03-01", None, &[]),
        ),
        breaks(
            Rule::OstWithoutPrescription,
            "a discharged client whose prescription ended",
            rx("methadone", 30.0, "2026-01-01", Some("2026-10-01"), &[]) + &discharged(),
        ),
        breaks(
            Rule::DoseRefused,
            "a weekly depot of 24 mg",
            current()
                + &rx(
                    "buprenorphine_depot",
                    24.0,
                    "2026-03-01",
                    Some("2026-03-07"),
                    &[],
                ),
        ),
        breaks(
            Rule::DoseWithoutReason,
            "a course starting at 30 mg methadone, the top of the induction range",
            rx("methadone", 30.0, "2026-01-01", None, &[]),
        ),
        breaks(
            Rule::DoseWithoutReason,
            "a course starting at 60 mg with its reason recorded",
            rx(
                "methadone",
                60.0,
                "2026-01-01",
                None,
                &[("dose_reason", "stable dose in custody")],
            ),
        ),
        breaks(
            Rule::EarlyTakeHomeWithoutReason,
            "take-home two months in, with the reason",
            rx("methadone", 30.0, "2026-01-01", Some("2026-02-28"), &[])
                + &rx(
                    "methadone",
                    30.0,
                    "2026-03-01",
                    None,
                    &[
                        ("supervision", "all_take_home"),
                        ("take_home_reason", "compliance assured"),
                    ],
                ),
        ),
        breaks(
            Rule::EarlyTakeHomeWithoutReason,
            "take-home from three months after OST began",
            rx("methadone", 30.0, "2026-01-01", Some("2026-03-31"), &[])
                + &rx(
                    "methadone",
                    30.0,
                    "2026-04-01",
                    None,
                    &[("supervision", "all_take_home")],
                ),
        ),
        breaks(
            Rule::EarlyTakeHomeWithoutReason,
            "take-home a month into the record of a client on OST since long before (a transfer in)",
            "UPDATE clients SET ost_since = '2025-06-01' WHERE id = 1;".to_owned()
                + &rx("methadone", 30.0, "2026-01-01", Some("2026-01-31"), &[])
                + &rx(
                    "methadone",
                    30.0,
                    "2026-02-01",
                    None,
                    &[("supervision", "all_take_home")],
                ),
        ),
        breaks(
            Rule::FutureReview,
            "a review completed today",
            current() + &review(TODAY, false),
        ),
        breaks(
            Rule::FutureReview,
            "a future-dated review entered in error",
            current() + &review("2026-11-30", true),
        ),
        breaks(
            Rule::FutureTop,
            "a TOP dated today",
            current() + &top("review", TODAY, false),
        ),
        breaks(
            Rule::FutureTop,
            "a future-dated TOP entered in error",
            current() + &top("review", "2026-12-01", true),
        ),
        breaks(
            Rule::GoalPastTarget,
            "active, exactly four weeks past its target",
            current() + &goal("active", "2026-10-26"),
        ),
        breaks(
            Rule::GoalPastTarget,
            "paused, long past its target",
            current() + &goal("paused", "2026-02-01"),
        ),
        breaks(
            Rule::AchievedGoalOpenActions,
            "achieved, its action done",
            current() + &goal("achieved", "2026-12-01") + &action(Some("2026-11-01"), false),
        ),
        breaks(
            Rule::AchievedGoalOpenActions,
            "achieved, its open action entered in error",
            current() + &goal("achieved", "2026-12-01") + &action(None, true),
        ),
        breaks(
            Rule::DischargedWithoutExitTop,
            "discharged with an exit TOP",
            discharged() + &top("exit", "2026-10-01", false),
        ),
        breaks(
            Rule::DischargedWithoutExitTop,
            "discharged before treatment started",
            "UPDATE clients SET treatment_start = NULL, ost_since = NULL,
                 modality = 'psychosocial' WHERE id = 1;"
                .to_owned()
                + &discharged(),
        ),
    ];
    for case in cases {
        let found = rules_found(&case.sql);
        assert!(
            !found.contains(&case.rule),
            "{} found ({}): {found:?}",
            case.rule.name(),
            case.why
        );
    }
}

fn keywork(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY, "--db"])
        .arg(db)
        .args(args)
        .env_remove("KEYWORK_DB")
        .env_remove("KEYWORK_CONFIG")
        .output()
        .expect("the binary runs")
}

/// Warnings alone exit 0; one error exits non-zero; each finding is one line by reference and
/// rule, the counts follow, and the client's name appears nowhere.
#[test]
fn errors_fail_the_command_warnings_do_not_and_no_name_is_printed() {
    let (_dir, db) = record(&(current() + &goal("active", "2026-01-31")));
    let out = keywork(&db, &["check", "--clinical"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("KW-00001  goal-past-target  goal 1")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("goal-past-target") && l.ends_with(" 1")),
        "{stdout}"
    );

    let (_dir, db) = record(&(current() + &review("2026-12-25", false)));
    let out = keywork(&db, &["check", "--clinical"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("KW-00001  future-review  "), "{stdout}");
    assert!(stderr.contains("1 error(s)"), "{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains(GIVEN) && !text.contains(FAMILY), "{text}");
    }

    let out = keywork(&db, &["check", "--clinical", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["findings"][0]["rule"], "future-review");
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(
        json["counts"].as_array().map(Vec::len),
        Some(Rule::ALL.len())
    );
}

// ---------------------------------------------------------------------------------------------
// The same rules on one client's record: the "Data checks" section (src/app/record/checks.rs).
// ---------------------------------------------------------------------------------------------

/// A second client (id 2, KW-00002) on OST with overlapping prescriptions and a review dated
/// tomorrow: findings that must stay on their own record.
fn second_client_breaking_rules() -> String {
    format!(
        "INSERT INTO clients (id, reference, given_name, family_name, date_of_birth, key_worker_id,
                              status, referral_date, treatment_start, primary_substance, injecting,
                              modality, ost_since, created_at, updated_at)
             VALUES (2, 'KW-00002', 'Other', 'Person', '1981-05-05', 1, 'active', '2025-12-01',
                     '2026-01-01', 'heroin', 'never', 'ost_methadone', '2026-01-01', '{STAMP}',
                     '{STAMP}');
         INSERT INTO prescriptions (client_id, medicine, dose_mg, interval, started_on, ended_on,
                                    supervision, created_at, updated_at)
             VALUES (2, 'methadone', 30, 'daily', '2026-01-01', '2026-03-01', 'daily_supervised',
                     '2026-01-01T09:00:00Z', '2026-01-01T09:00:00Z'),
                    (2, 'methadone', 35, 'daily', '2026-03-01', NULL, 'daily_supervised',
                     '2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z');
         INSERT INTO reviews (client_id, kind, due_on, completed_on, completed_by, outcome,
                              created_at, updated_at)
             VALUES (2, 'care_plan', '2026-11-01', '2026-11-24', 1, '', '{STAMP}', '{STAMP}');"
    )
}

/// The record screen's text for client `id`.
fn record_text(path: &Path, id: i64) -> String {
    use keywork::app::record::{Layout, document};
    use keywork::domain::ReviewIntervals;
    let login = Login::new("sam.okoro").expect("login");
    let store = Store::open_unchecked(path, Access::Read, clock(), login).expect("open");
    let record = store
        .client_record(id, &ReviewIntervals::default())
        .expect("record");
    let layout = Layout {
        today: TODAY.parse().expect("a date"),
        width: 78,
        intervals: ReviewIntervals::default(),
        ascii: false,
    };
    document(&record, &layout)
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_record_lists_its_own_clients_data_checks_and_nothing_when_clean() {
    let (_dir, path) = record(&(current() + &second_client_breaking_rules()));
    let login = Login::new("sam.okoro").expect("login");
    let store = Store::open_unchecked(&path, Access::Read, clock(), login).expect("open");
    let limits = DoseLimits::default();
    assert_eq!(
        store.client_findings(1, &limits).expect("check"),
        [],
        "client 1 keeps every rule"
    );
    let second = store.client_findings(2, &limits).expect("check");
    let rules: Vec<Rule> = second.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [Rule::OverlappingPrescriptions, Rule::FutureReview],
        "{second:?}"
    );
    assert_eq!(
        store.clinical_findings(&limits).expect("check"),
        second,
        "the whole check finds the same, and nothing more"
    );
    drop(store);

    let clean = record_text(&path, 1);
    assert!(!clean.contains("Data checks"), "{clean}");
    let broken = record_text(&path, 2);
    for expected in [
        "Data checks",
        "! overlapping-prescriptions (error): prescriptions",
        "from 01/03/2026 to 01/03/2026",
        "! future-review (error): care_plan review",
        "completed on 24/11/2026",
    ] {
        assert!(broken.contains(expected), "{expected}\n{broken}");
    }
}

/// On a generated database, each client's Data checks are exactly the command's findings for
/// that client: one set of rules, read two ways.
#[test]
fn every_clients_data_checks_are_the_commands_findings_for_that_client() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("generated.db");
    let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY, "generate", "--db", db.to_str().unwrap()])
        .args(["--clients", "80"])
        .env_remove("KEYWORK_DB")
        .output()
        .expect("generate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let login = Login::new("sam.okoro").expect("login");
    let store = Store::open_unchecked(&db, Access::Read, clock(), login).expect("open");
    let limits = DoseLimits::default();
    let whole = store.clinical_findings(&limits).expect("check");
    assert!(
        !whole.is_empty(),
        "the generated record has findings to compare"
    );
    let conn = Connection::open(&db).expect("open");
    let mut stmt = conn
        .prepare("SELECT id, reference FROM clients ORDER BY id")
        .expect("prepare");
    let clients: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut seen = 0;
    for (id, reference) in clients {
        let own: Vec<_> = whole
            .iter()
            .filter(|f| f.reference == reference)
            .cloned()
            .collect();
        let one = store.client_findings(id, &limits).expect("check");
        assert_eq!(one, own, "{reference}");
        seen += one.len();
    }
    assert_eq!(seen, whole.len());
}
