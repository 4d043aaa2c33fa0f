//! The demo reads as a clinician would keep a record (issue 21): `keywork check --clinical`'s
//! goal and exit-TOP rules find nothing on generated services of several seeds and sizes, and
//! `generate --as LOGIN --as-name NAME` puts the trainer's own name on the team list.
//!
//! Each rule is asserted over seeds {1, 7, 42} and sizes {40, 200} on two fixed days,
//! generated once into temporary files, so a change that makes one seed incoherent fails.

#[path = "common/fixture.rs"]
mod fixture;

#[path = "common/demo.rs"]
mod demo_support;

use chrono::NaiveDate;
use fixture::{TODAY, today};
use keywork::clock::Clock;
use keywork::demo::{self, Plan};
use keywork::domain::Login;
use keywork::domain::clinical_check::{Finding, Rule};
use keywork::store::{Access, Store};
use std::process::Command;
use std::sync::OnceLock;

/// The showcase client whose story is a discharge with the exit TOP still owed (KW-00029, the
/// fifteenth showcase place): the one record the exit-TOP rule is there to find.
const EXIT_TOP_OWED: &str = "KW-00029";

/// Every (day, seed, clients) service's findings, generated once for all the tests in this
/// file: the fixed day the other tests use, and one in another season (the demo is dated from
/// today, so it must hold on any day).
fn findings() -> &'static [(String, Vec<Finding>)] {
    static ALL: OnceLock<Vec<(String, Vec<Finding>)>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = Vec::new();
        for day in [today(), "2027-06-14".parse().expect("a date")] {
            for seed in [1, 7, 42] {
                for clients in [40, 200] {
                    let found = generated(day, seed, clients);
                    all.push((format!("{day}, seed {seed}, {clients} clients"), found));
                }
            }
        }
        all
    })
}

/// A service generated into a temporary file on `day`, and what the clinical check finds in it.
fn generated(day: NaiveDate, seed: u64, clients: u32) -> Vec<Finding> {
    let (_dir, store) = demo_support::generated_on(day, seed, clients);
    let limits = store.dose_limits().expect("limits");
    store.clinical_findings(&limits).expect("check")
}

/// The findings of `rule` in every generated service, one line each (references and dates
/// only: the check never names a client).
fn found(rule: Rule, except: &[&str]) -> Vec<String> {
    findings()
        .iter()
        .flat_map(|(plan, found)| {
            found
                .iter()
                .filter(|f| f.rule == rule && !except.contains(&f.reference.as_str()))
                .map(move |f| format!("{plan}: {} {}", f.reference, f.detail))
        })
        .collect()
}

#[test]
fn no_active_goal_runs_past_its_target() {
    let found = found(Rule::GoalPastTarget, &[]);
    assert!(
        found.is_empty(),
        "{} active goals past target:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn no_achieved_goal_keeps_open_actions() {
    let found = found(Rule::AchievedGoalOpenActions, &[]);
    assert!(
        found.is_empty(),
        "{} achieved goals with open actions:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn every_client_who_left_after_treatment_has_an_exit_top() {
    let found = found(Rule::DischargedWithoutExitTop, &[EXIT_TOP_OWED]);
    assert!(
        found.is_empty(),
        "{} discharged without an exit TOP:\n{}",
        found.len(),
        found.join("\n")
    );
    // The showcase client still owes theirs, which is what it is there to show.
    let owed = findings()
        .iter()
        .filter(|(_, found)| {
            found
                .iter()
                .any(|f| f.rule == Rule::DischargedWithoutExitTop && f.reference == EXIT_TOP_OWED)
        })
        .count();
    assert_eq!(owed, findings().len(), "{EXIT_TOP_OWED} owes its exit TOP");
}

/// Goals and their actions as a worker keeps them: each goal's actions are distinct steps, an
/// achieved goal's actions were done by the day it was achieved, and goals are set on a day the
/// client was seen.
#[test]
fn goals_are_set_at_sessions_with_distinct_actions_done_before_achieved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("demo.db");
    let mut store = Store::open_unchecked(
        &path,
        Access::Create,
        Clock::fixed(today()),
        Login::new("trainer").expect("valid login"),
    )
    .expect("create store");
    demo::generate(
        &mut store,
        Plan {
            clients: 120,
            ..Plan::default()
        },
    )
    .expect("generate");
    let conn = rusqlite::Connection::open(&path).expect("open");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let repeated = count(
        "SELECT count(*) FROM (SELECT goal_id FROM goal_actions
         GROUP BY goal_id, step HAVING count(*) > 1)",
    );
    assert_eq!(repeated, 0, "goals repeating one action");
    let late = count(
        "SELECT count(*) FROM goal_actions a JOIN goals g ON g.id = a.goal_id
         WHERE g.status = 'achieved' AND a.done_on > g.progress_on",
    );
    assert_eq!(late, 0, "actions done after their goal was achieved");
    let unseen = count(
        "SELECT count(*) FROM goals g WHERE NOT EXISTS (SELECT 1 FROM sessions s
             WHERE s.client_id = g.client_id AND s.attendance = 'attended'
               AND date(s.started_at) = g.set_on)",
    );
    assert_eq!(unseen, 0, "goals set on a day the client was not seen");
}

/// A living diary: every active client's last session booked the next appointment it names, in
/// the future (this afternoon's clinic included), with the worker who recorded it (issue 21: the
/// notes' "next appointment" dates were not bookings).
#[test]
fn every_active_client_has_their_next_appointment_booked() {
    for seed in [1, 42] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("demo.db");
        let mut store = Store::open_unchecked(
            &path,
            Access::Create,
            Clock::fixed(today()),
            Login::new("trainer").expect("valid login"),
        )
        .expect("create store");
        demo::generate(
            &mut store,
            Plan {
                clients: 120,
                seed,
                ..Plan::default()
            },
        )
        .expect("generate");
        let conn = rusqlite::Connection::open(&path).expect("open");
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
        let unbooked = count(
            "SELECT count(*) FROM clients c WHERE c.status = 'active'
               AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.client_id = c.id
                               AND a.status = 'booked' AND date(a.at) >= date('2026-11-23'))",
        );
        assert_eq!(
            unbooked, 0,
            "seed {seed}: active clients with nothing booked"
        );
        let unlinked = count(
            "SELECT count(*) FROM sessions s
             WHERE s.next_appointment > '2026-11-24'
               AND s.id = (SELECT max(t.id) FROM sessions t WHERE t.client_id = s.client_id)
               AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.booked_by_session = s.id
                               AND a.at = s.next_appointment)",
        );
        assert_eq!(
            unlinked, 0,
            "seed {seed}: a last session's next appointment not booked"
        );
    }
}

/// `generate --as LOGIN --as-name NAME`: the team list (and so the header) names the trainer;
/// without --as-name, the login itself, never the demo's "Alex Morgan".
#[test]
fn generate_as_names_the_trainer_on_the_team() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name_of = |db: &std::path::Path, extra: &[&str]| -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
            .args(["--today", TODAY, "generate", "--db", db.to_str().unwrap()])
            .args(["--clients", "30", "--as", "trainer.one"])
            .args(extra)
            .env_remove("KEYWORK_DB")
            .output()
            .expect("generate");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let login = Login::new("trainer.one").expect("login");
        let store = Store::open_unchecked(db, Access::Read, Clock::fixed(today()), login.clone())
            .expect("open");
        let worker = store
            .worker_by_login(&login)
            .expect("look up")
            .expect("the trainer is on the team");
        worker.record.display_name.to_string()
    };
    let named = dir.path().join("named.db");
    assert_eq!(name_of(&named, &["--as-name", "Robin Ash"]), "Robin Ash");
    assert_eq!(name_of(&dir.path().join("login.db"), &[]), "trainer.one");
    // A reset makes the service again as it was made: the name too.
    let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args([
            "--today",
            TODAY,
            "generate",
            "--db",
            named.to_str().unwrap(),
        ])
        .arg("--reset")
        .env_remove("KEYWORK_DB")
        .output()
        .expect("reset");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let login = Login::new("trainer.one").expect("login");
    let store =
        Store::open_unchecked(&named, Access::Read, Clock::fixed(today()), login.clone()).unwrap();
    let worker = store.worker_by_login(&login).unwrap().expect("on the team");
    assert_eq!(worker.record.display_name.to_string(), "Robin Ash");
    // A blank name is refused, naming the option.
    let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY, "generate", "--db"])
        .arg(dir.path().join("blank.db"))
        .args(["--as", "trainer.one", "--as-name", " "])
        .env_remove("KEYWORK_DB")
        .output()
        .expect("generate");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--as-name"), "{err}");
    assert!(!dir.path().join("blank.db").exists(), "nothing made");
}
