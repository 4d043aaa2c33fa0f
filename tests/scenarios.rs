//! The scenario clients a trainer teaches from: each record tells its one story, consistently
//! across sessions, readiness, TOPs, prescriptions and goals, on the demo and on a database made
//! by `keywork generate` (with `--as` and `--reset`), for several seeds and days.

use chrono::{Duration, NaiveDate};
use keywork::clock::Clock;
use keywork::demo::{self, Plan, scenario::SCENARIOS};
use keywork::domain::{AlertKind, Login, ReviewIntervals, ReviewKind};
use keywork::store::{Access, CaseloadRow, Scope, Store};
use std::path::Path;
use std::process::{Command, Output};
use tempfile::TempDir;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid date")
}

fn keywork(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(args)
        .env_remove("KEYWORK_DB")
        .env_remove("KEYWORK_CONFIG")
        .output()
        .expect("the binary runs")
}

fn succeeded(output: &Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn open(path: &Path, today: NaiveDate) -> Store {
    Store::open_unchecked(
        path,
        Access::Read,
        Clock::fixed(today),
        Login::new("trainer").expect("valid login"),
    )
    .expect("open store")
}

/// The demo service as `--demo` makes it, on `today`.
fn demo_on(today: NaiveDate, seed: u64) -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_unchecked(
        &dir.path().join("demo.db"),
        Access::Create,
        Clock::fixed(today),
        Login::new("trainer").expect("valid login"),
    )
    .expect("create store");
    let plan = Plan {
        seed,
        ..Plan::default()
    };
    demo::generate(&mut store, plan).expect("generate demo");
    (dir, store)
}

/// A database made by the binary's `generate`, as a trainer would, with their own login.
fn generated_on(today: NaiveDate, seed: u64, login: &str) -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("teaching.db");
    let db_arg = db.to_str().expect("UTF-8 path");
    let today_arg = today.to_string();
    let seed_arg = seed.to_string();
    let args = [
        "generate",
        "--db",
        db_arg,
        "--today",
        &today_arg,
        "--seed",
        &seed_arg,
        "--clients",
        "60",
        "--as",
        login,
    ];
    succeeded(&keywork(&args), "generate");
    let store = open(&db, today);
    (dir, store)
}

/// Rows a query finds, each as its first column's text.
fn column(store: &Store, sql: &str, client_id: i64) -> Vec<String> {
    let conn = rusqlite::Connection::open(store.path()).expect("open file");
    let mut stmt = conn.prepare(sql).expect("query");
    stmt.query_map([client_id], |r| {
        r.get::<_, rusqlite::types::Value>(0).map(|v| match v {
            rusqlite::types::Value::Text(t) => t,
            rusqlite::types::Value::Integer(n) => n.to_string(),
            rusqlite::types::Value::Real(x) => x.to_string(),
            _ => String::new(),
        })
    })
    .expect("rows")
    .collect::<rusqlite::Result<Vec<_>>>()
    .expect("rows")
}

fn one(store: &Store, sql: &str, client_id: i64) -> String {
    column(store, sql, client_id)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// The client's readiness stages, oldest first.
fn stages(store: &Store, id: i64) -> Vec<String> {
    column(
        store,
        "SELECT stage FROM readiness_notes WHERE client_id = ?1 ORDER BY noted_on, id",
        id,
    )
}

/// Illicit opiate days at each TOP, oldest first, with the TOP's stage (NaN: declined).
fn opiate_days(store: &Store, id: i64) -> Vec<(String, f64)> {
    column(
        store,
        "SELECT t.stage || ' ' || coalesce(a.value, 'NaN') FROM tops t JOIN top_answers a ON a.top_id = t.id
         WHERE t.client_id = ?1 AND a.item = 'opiates_days' ORDER BY t.completed_on, t.id",
        id,
    )
    .into_iter()
    .map(|row| {
        let (stage, days) = row.split_once(' ').expect("stage and days");
        (stage.to_owned(), days.parse().expect("a number"))
    })
    .collect()
}

/// Days from the client's first readiness note at Action to their first at Maintenance, if
/// they reached both: the stages of change count maintenance from six months of action kept up.
fn days_in_action_before_maintenance(store: &Store, id: i64) -> Option<i64> {
    let first = |stage: &str| {
        let day = one(
            store,
            &format!(
                "SELECT min(noted_on) FROM readiness_notes WHERE client_id = ?1 AND stage = '{stage}'"
            ),
            id,
        );
        (!day.is_empty()).then(|| date(&day))
    };
    Some((first("maintenance")? - first("action")?).num_days())
}

/// The client's session notes, oldest first.
fn session_notes(store: &Store, id: i64) -> Vec<String> {
    column(
        store,
        "SELECT note FROM sessions WHERE client_id = ?1 ORDER BY started_at, id",
        id,
    )
}

fn open_kinds(row: &CaseloadRow) -> Vec<AlertKind> {
    row.assessment.open.iter().map(|a| a.kind).collect()
}

fn days_on_ost(store: &Store, id: i64, today: NaiveDate) -> i64 {
    let since = one(store, "SELECT ost_since FROM clients WHERE id = ?1", id);
    (today - date(&since)).num_days()
}

/// Every claim each scenario's story makes, checked against the whole record.
fn assert_stories(store: &Store, today: NaiveDate, what: &str) {
    let listed = store.scenarios().expect("scenarios");
    assert_eq!(listed.len(), SCENARIOS.len(), "{what}: {listed:?}");
    let rows = store
        .caseload(Scope::Team, &ReviewIntervals::default())
        .expect("caseload");
    for (scenario, row) in SCENARIOS.iter().zip(&listed) {
        let what = format!("{what}, scenario {}", scenario.number);
        assert_eq!(row.number, scenario.number, "{what}");
        assert_eq!(row.story, scenario.story, "{what}");
        assert_eq!(row.reference, scenario.reference(), "{what}");
        assert_eq!(
            row.name,
            format!("{} {}", scenario.given_name, scenario.family_name),
            "{what}"
        );
        assert_eq!(
            store.scenario_story(row.client_id).expect("story"),
            Some(scenario.story.to_owned()),
            "{what}: the record shows the story"
        );
        let client = rows
            .iter()
            .find(|r| r.client_id == row.client_id)
            .unwrap_or_else(|| panic!("{what}: not an active client"));
        let id = row.client_id;
        let open = open_kinds(client);
        let stages = stages(store, id);
        let latest_stage = stages.last().cloned().unwrap_or_default();
        let tops = opiate_days(store, id);
        let modality = one(store, "SELECT modality FROM clients WHERE id = ?1", id);
        let goals = |domain: &str| {
            column(
                store,
                &format!("SELECT status FROM goals WHERE client_id = ?1 AND domain = '{domain}'"),
                id,
            )
        };
        let facts = format!("{what}: {modality}, open {open:?}, stages {stages:?}, tops {tops:?}");
        if let Some(days) = days_in_action_before_maintenance(store, id) {
            assert!(
                days >= 183,
                "{facts}: maintenance only after six months in action, not {days} days"
            );
        }
        let notes = session_notes(store, id);
        assert!(
            notes
                .first()
                .is_some_and(|first| !first.to_lowercase().contains("since last session")),
            "{facts}: the first session is not a follow-up: {:?}",
            notes.first()
        );
        match scenario.number {
            1 => {
                assert_eq!(modality, "ost_methadone", "{facts}");
                assert!(days_on_ost(store, id, today) <= 31, "{facts}: first month");
                let supervision = column(
                    store,
                    "SELECT supervision FROM prescriptions WHERE client_id = ?1",
                    id,
                );
                assert!(!supervision.is_empty(), "{facts}: a prescription");
                assert!(
                    supervision.iter().all(|s| s == "daily_supervised"),
                    "{facts}: daily supervised, {supervision:?}"
                );
                assert_eq!(tops.len(), 1, "{facts}: the start TOP only");
                assert_eq!(tops[0].0, "start", "{facts}");
                assert!(
                    ["preparation", "action"].contains(&latest_stage.as_str()),
                    "{facts}"
                );
                assert!(open.is_empty(), "{facts}: nothing overdue yet");
            }
            2 => {
                assert!(modality.starts_with("ost_"), "{facts}");
                let days = days_on_ost(store, id, today);
                assert!((183..730).contains(&days), "{facts}: {days} days on OST");
                assert!(
                    tops[0].0 == "start" && tops[0].1 > 0.0,
                    "{facts}: using at start"
                );
                let reviews: Vec<_> = tops.iter().filter(|(s, _)| s == "review").collect();
                assert!(
                    !reviews.is_empty(),
                    "{facts}: a review TOP after six months"
                );
                assert!(
                    reviews.iter().all(|(_, d)| *d == 0.0),
                    "{facts}: no heroin at any review TOP"
                );
                assert!(
                    goals("exit").contains(&"active".to_owned()),
                    "{facts}: exit goal"
                );
                let exit_progress = one(
                    store,
                    "SELECT max(progress) FROM goals
                     WHERE client_id = ?1 AND domain = 'exit' AND status = 'active'",
                    id,
                );
                assert!(
                    exit_progress.parse::<i64>().expect("progress") >= 5,
                    "{facts}: the exit goal well under way with the dose coming down, \
                     {exit_progress}/10"
                );
                let doses = column(
                    store,
                    "SELECT dose_mg FROM prescriptions WHERE client_id = ?1 ORDER BY started_on",
                    id,
                );
                let doses: Vec<f64> = doses.iter().map(|d| d.parse().expect("dose")).collect();
                assert!(
                    doses.len() >= 2 && doses[doses.len() - 1] < doses[doses.len() - 2],
                    "{facts}: the dose is coming down, {doses:?}"
                );
                assert_eq!(latest_stage, "maintenance", "{facts}");
                assert!(open.is_empty(), "{facts}: no six-month signal, not parked");
            }
            3 => {
                assert!(days_on_ost(store, id, today) >= 5 * 365, "{facts}");
                assert!(
                    client.assessment.recovery.is_some(),
                    "{facts}: medication-assisted recovery"
                );
                assert!(!open.contains(&AlertKind::Parked), "{facts}: never parked");
                assert!(open.is_empty(), "{facts}");
            }
            4 => {
                assert!(days_on_ost(store, id, today) >= 2 * 365, "{facts}");
                assert!(open.contains(&AlertKind::Parked), "{facts}: parked");
                assert!(
                    open.contains(&AlertKind::ReviewOverdue(ReviewKind::CarePlan)),
                    "{facts}: no care-plan review"
                );
                assert!(goals("exit").is_empty(), "{facts}: no exit plan");
                assert!(client.assessment.recovery.is_none(), "{facts}");
                assert!(
                    tops.iter().skip(1).all(|(_, days)| *days > 0.0),
                    "{facts}: still using on top at every review TOP, as the notes say"
                );
                let last_plan_review = one(
                    store,
                    "SELECT max(completed_on) FROM reviews
                     WHERE client_id = ?1 AND kind = 'care_plan' AND completed_on IS NOT NULL",
                    id,
                );
                assert!(
                    last_plan_review.is_empty()
                        || today - date(&last_plan_review) >= Duration::days(180),
                    "{facts}: the plan not reviewed for months, last {last_plan_review}"
                );
                let readiness = column(
                    store,
                    "SELECT note FROM readiness_notes WHERE client_id = ?1 ORDER BY noted_on, id",
                    id,
                );
                assert!(
                    readiness.windows(2).all(|w| w[0] != w[1]),
                    "{facts}: readiness checked, not one line copied forward: {readiness:?}"
                );
            }
            5 => {
                // The detox is over: she stays in psychosocial support since it ended.
                assert_eq!(modality, "psychosocial", "{facts}");
                let detox = column(
                    store,
                    "SELECT medicine || ' ' || dose_mg || ' ' || started_on || ' ' ||
                            coalesce(ended_on, 'open')
                     FROM prescriptions WHERE client_id = ?1 ORDER BY started_on",
                    id,
                );
                let doses: Vec<f64> = detox
                    .iter()
                    .map(|row| row.split(' ').nth(1).expect("dose").parse().expect("mg"))
                    .collect();
                assert!(
                    detox.iter().all(|row| row.starts_with("buprenorphine ")),
                    "{facts}: a buprenorphine detox, {detox:?}"
                );
                assert!(
                    doses.first().is_some_and(|d| *d <= 8.0)
                        && doses.len() >= 4
                        && doses[1..].windows(2).all(|w| w[1] < w[0]),
                    "{facts}: started in range, steadied, reduced: {detox:?}"
                );
                let ended = detox.last().and_then(|r| r.split(' ').nth(3)).unwrap_or("");
                let since = one(
                    store,
                    "SELECT modality_since FROM clients WHERE id = ?1",
                    id,
                );
                assert!(
                    ended != "open" && date(&since) > date(ended),
                    "{facts}: the detox ended ({ended}) before support went on ({since})"
                );
                let relapse = stages.iter().position(|s| s == "relapse");
                let changed = stages
                    .iter()
                    .position(|s| s == "action" || s == "maintenance");
                assert!(
                    matches!((changed, relapse), (Some(c), Some(r)) if c < r),
                    "{facts}: off after detox, then relapsed"
                );
                assert_eq!(latest_stage, "contemplation", "{facts}");
                let latest_use = tops.last().map_or(0.0, |(_, d)| *d);
                assert!(latest_use > 0.0, "{facts}: using again at the latest TOP");
                assert!(open.is_empty(), "{facts}: naloxone in hand");
            }
            6 => {
                let released = one(
                    store,
                    "SELECT prison_release_on FROM clients WHERE id = ?1",
                    id,
                );
                assert!(
                    today - date(&released) <= Duration::days(14),
                    "{facts}: released {released}"
                );
                let risk = one(
                    store,
                    "SELECT overdose_risk || naloxone_held FROM clients WHERE id = ?1",
                    id,
                );
                assert_eq!(risk, "10", "{facts}: overdose risk, no naloxone");
                assert!(open.contains(&AlertKind::PrisonRelease), "{facts}");
                assert!(open.contains(&AlertKind::Naloxone), "{facts}");
                let talk = column(
                    store,
                    "SELECT note FROM sessions WHERE client_id = ?1
                     UNION ALL SELECT note FROM readiness_notes WHERE client_id = ?1",
                    id,
                );
                assert!(
                    !talk.iter().any(|n| n.to_lowercase().contains("reduc")),
                    "{facts}: nobody talks of reducing in the days after release"
                );
            }
            7 => {
                assert_eq!(modality, "alcohol", "{facts}");
                let substances = one(
                    store,
                    "SELECT primary_substance || ' ' ||
                            (SELECT count(*) FROM client_substances s WHERE s.client_id = c.id)
                     FROM clients c WHERE id = ?1",
                    id,
                );
                assert_eq!(substances, "alcohol 0", "{facts}: alcohol only");
                let scripts = one(
                    store,
                    "SELECT count(*) FROM prescriptions WHERE client_id = ?1",
                    id,
                );
                assert_eq!(scripts, "0", "{facts}: no prescription");
                assert!(goals("family").contains(&"active".to_owned()), "{facts}");
                assert!(open.is_empty(), "{facts}");
            }
            n => panic!("scenario {n} has no checks: add them here"),
        }
    }
}

const DAYS: [&str; 3] = ["2026-11-23", "2028-02-29", "2027-06-05"];

#[test]
fn each_demo_scenario_record_tells_its_story_for_any_seed_and_day() {
    for day in DAYS {
        for seed in [42, 7] {
            let today = date(day);
            let (_dir, store) = demo_on(today, seed);
            assert_stories(&store, today, &format!("demo seed {seed} on {day}"));
        }
    }
}

#[test]
fn each_generated_scenario_record_tells_its_story_on_the_trainers_caseload() {
    for (day, seed) in [(DAYS[0], 3), (DAYS[1], 42)] {
        let today = date(day);
        let (_dir, store) = generated_on(today, seed, "pat.trainer");
        assert_stories(&store, today, &format!("generate seed {seed} on {day}"));
        let trainer = store
            .worker_by_login(&Login::new("pat.trainer").expect("login"))
            .expect("look up")
            .expect("--as puts the trainer on the team");
        let theirs = store
            .caseload(Scope::Worker(trainer.id), &ReviewIntervals::default())
            .expect("caseload");
        for scenario in store.scenarios().expect("scenarios") {
            assert!(
                theirs.iter().any(|r| r.client_id == scenario.client_id),
                "scenario {} is on the trainer's caseload",
                scenario.number
            );
        }
        let demo_worker = store
            .worker_by_login(&Login::new(demo::FIRST_KEY_WORKER).expect("login"))
            .expect("look up");
        assert!(demo_worker.is_none(), "--as takes the demo worker's place");
    }
}

#[test]
fn the_trainer_named_by_as_records_in_the_generated_database_and_others_cannot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("teaching.db");
    let db = db.to_str().expect("UTF-8 path");
    let me = keywork_login();
    succeeded(&keywork(&["generate", "--db", db, "--as", &me]), "generate");
    let out = succeeded(
        &keywork(&[
            "session",
            "add",
            "--db",
            db,
            "--client",
            "KW-00001",
            "--note",
            "Practice.",
        ]),
        "record as the --as login",
    );
    assert!(out.contains("Recorded session"), "{out}");

    let other = dir.path().join("other.db");
    let other = other.to_str().expect("UTF-8 path");
    succeeded(&keywork(&["generate", "--db", other]), "generate");
    let refused = keywork(&[
        "session", "add", "--db", other, "--client", "KW-00001", "--note", "x",
    ]);
    assert!(
        !refused.status.success(),
        "without --as, this login is not on the team"
    );
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("not on the team list"), "{said}");
}

/// A real (not demo) database: the first worker added, on the real clock.
fn real_database(db: &str) {
    succeeded(
        &keywork(&["worker", "add", "--db", db, "--name", "First Worker"]),
        "first worker",
    );
}

/// The login the tests run as, which `--as` names.
fn keywork_login() -> String {
    let uid = nix::unistd::Uid::current();
    nix::unistd::User::from_uid(uid)
        .expect("look up user")
        .expect("a user")
        .name
}

#[test]
fn as_refuses_another_demo_workers_login_and_a_bad_login() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("x.db");
    let db = db.to_str().expect("UTF-8 path");
    for (login, says) in [("jo.demo", "another member of the demo team"), ("", "--as")] {
        let out = keywork(&["generate", "--db", db, "--as", login]);
        assert!(!out.status.success(), "{login}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(says), "{login}: {said}");
        assert!(
            std::fs::metadata(db).map_or(true, |m| m.len() == 0),
            "nothing written"
        );
    }
}

#[test]
fn reset_restores_the_scenario_data_and_keeps_the_trainer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("teaching.db");
    let db_arg = db.to_str().expect("UTF-8 path");
    let me = keywork_login();
    let today = "2026-11-23";
    let made = [
        "generate", "--db", db_arg, "--today", today, "--seed", "9", "--as", &me,
    ];
    succeeded(&keywork(&made), "generate");
    let note = [
        "session", "add", "--db", db_arg, "--today", today, "--client", "KW-00005",
    ];
    let with_note = [&note[..], &["--note", "A practice note from the class."]].concat();
    succeeded(&keywork(&with_note), "record");
    let sessions = |store: &Store| {
        one(
            store,
            "SELECT count(*) FROM sessions s JOIN clients c ON c.id = s.client_id
             WHERE c.reference = 'KW-00005' AND s.note LIKE '%from the class%' AND ?1 = ?1",
            0,
        )
    };
    assert_eq!(sessions(&open(&db, date(today))), "1", "the practice note");

    let out = succeeded(
        &keywork(&["generate", "--db", db_arg, "--today", today, "--reset"]),
        "reset",
    );
    assert!(out.contains("Reset"), "{out}");
    let store = open(&db, date(today));
    assert_stories(&store, date(today), "after reset");
    assert!(
        store
            .worker_by_login(&Login::new(me.as_str()).expect("login"))
            .expect("look up")
            .is_some(),
        "the --as login is kept"
    );
    assert_eq!(sessions(&store), "0", "the practice note is gone");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("teaching.db"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "nothing left beside it: {leftovers:?}"
    );
}

#[test]
fn reset_refuses_a_real_database_and_a_missing_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("team.db");
    let db_arg = db.to_str().expect("UTF-8 path");
    let missing = keywork(&["generate", "--db", db_arg, "--reset"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no database"));

    real_database(db_arg);
    let size = std::fs::metadata(&db).expect("file").len();
    let refused = keywork(&["generate", "--db", db_arg, "--reset"]);
    assert!(!refused.status.success(), "a real database is never reset");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("real records"), "{said}");
    assert_eq!(std::fs::metadata(&db).expect("file").len(), size);
}

#[test]
fn scenarios_are_listed_for_the_demo_and_a_generated_file_and_in_the_help() {
    let listed = succeeded(&keywork(&["--demo", "--scenarios"]), "--demo --scenarios");
    for line in listed.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line}");
    }
    let help = succeeded(&keywork(&["--help"]), "--help");
    for s in SCENARIOS {
        let reference = s.reference().to_string();
        for (what, text) in [("--scenarios", &listed), ("--help", &help)] {
            let lines: Vec<&str> = text.lines().collect();
            let at = lines
                .iter()
                .position(|l| l.contains(&reference))
                .unwrap_or_else(|| panic!("{what} lists {reference}:\n{text}"));
            let line = lines[at];
            // A story too long for 80 columns goes on the next line, under the name.
            let story = [line, lines.get(at + 1).copied().unwrap_or("")].join(" ");
            assert!(story.contains(s.story), "{what}: {story}");
            assert!(line.contains(s.family_name), "{what}: {line}");
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("g.db");
    let db = db.to_str().expect("UTF-8 path");
    succeeded(&keywork(&["generate", "--db", db]), "generate");
    let again = succeeded(&keywork(&["--db", db, "--scenarios"]), "--scenarios");
    assert!(again.contains(SCENARIOS[2].story), "{again}");

    let real = dir.path().join("real.db");
    let real = real.to_str().expect("UTF-8 path");
    real_database(real);
    let none = keywork(&["--db", real, "--scenarios"]);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("no scenario clients"));
}

#[test]
fn help_names_the_database_and_settings_actually_in_use() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("where.db");
    let config = dir.path().join("settings.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
        .arg("--help")
        .env("KEYWORK_DB", &db)
        .env("KEYWORK_CONFIG", &config)
        .output()
        .expect("runs");
    let help = succeeded(&out, "--help");
    assert!(
        help.contains(&format!("Database: {} (from KEYWORK_DB)", db.display())),
        "{help}"
    );
    assert!(
        help.contains(&format!(
            "Settings: {} (from KEYWORK_CONFIG)",
            config.display()
        )),
        "{help}"
    );
    let home = tempfile::tempdir().expect("temp home");
    let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
        .arg("--help")
        .env_remove("KEYWORK_DB")
        .env_remove("KEYWORK_CONFIG")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("runs");
    let help = succeeded(&out, "--help");
    let data = home.path().join("data").join("keywork").join("keywork.db");
    assert!(
        help.contains(&format!("Database: {} (default)", data.display())),
        "{help}"
    );
}

#[test]
fn a_story_shows_only_on_a_demo_database() {
    let today = date(DAYS[0]);
    let (dir, store) = demo_on(today, 42);
    let id = store.scenarios().expect("scenarios")[0].client_id;
    drop(store);
    let path = dir.path().join("demo.db");
    let conn = rusqlite::Connection::open(&path).expect("open file");
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'demo'", [])
        .expect("unmark");
    drop(conn);
    let store = open(&path, today);
    assert_eq!(store.scenario_story(id).expect("story"), None);
}

#[test]
fn generate_is_quiet_on_a_pipe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("g.db");
    let out = keywork(&[
        "generate",
        "--db",
        db.to_str().expect("UTF-8"),
        "--clients",
        "120",
    ]);
    succeeded(&out, "generate");
    assert!(
        out.stderr.is_empty(),
        "no progress on a pipe: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
