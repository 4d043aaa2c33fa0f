//! The demo service a trainer opens with `keywork --demo`: its first key worker's caseload shows
//! every alert, medication-assisted recovery, a quiet (acknowledged) alert and a client owing an
//! exit TOP, on any day; it stores completed reviews only; the same seed and day give the same
//! service.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::NaiveDate;
use fixture::date;
use keywork::clock::Clock;
use keywork::demo::{self, Plan};
use keywork::domain::{AlertKind, Login, ReviewIntervals, ReviewKind};
use keywork::store::{Access, CaseloadRow, Scope, Store};
use tempfile::TempDir;

/// The default demo service generated into a new file, with today fixed.
fn demo_on(today: NaiveDate, plan: Plan) -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_unchecked(
        &dir.path().join("demo.db"),
        Access::Create,
        Clock::fixed(today),
        Login::new("trainer").expect("valid login"),
    )
    .expect("create store");
    demo::generate(&mut store, plan).expect("generate demo");
    (dir, store)
}

fn first_key_worker(store: &Store) -> i64 {
    let login = Login::new(demo::FIRST_KEY_WORKER).expect("valid login");
    store
        .worker_by_login(&login)
        .expect("look up worker")
        .expect("the first key worker is on the team")
        .id
}

fn describe(rows: &[CaseloadRow]) -> String {
    rows.iter()
        .map(|r| {
            let open: Vec<_> = r.assessment.open.iter().map(|a| a.kind.code()).collect();
            let quiet: Vec<_> = r.assessment.quiet.iter().map(|a| a.kind.code()).collect();
            format!(
                "{} {:?} open {open:?} quiet {quiet:?} recovery {}\n",
                r.reference,
                r.modality,
                r.assessment.recovery.is_some()
            )
        })
        .collect()
}

/// Everything a trainer needs to show is on the first key worker's caseload.
fn assert_showcase(store: &Store, today: NaiveDate) {
    let alex = first_key_worker(store);
    let intervals = ReviewIntervals::default();
    let rows = store
        .caseload(Scope::Worker(alex), &intervals)
        .expect("caseload");
    let all = describe(&rows);
    let has = |kind: AlertKind| rows.iter().any(|r| r.assessment.has(kind));
    for kind in [
        AlertKind::Parked,
        AlertKind::SixMonthSignal,
        AlertKind::ThreeDnas,
        AlertKind::Naloxone,
        AlertKind::BbvTest,
        AlertKind::PrisonRelease,
        AlertKind::ExitPlan,
        AlertKind::ReviewOverdue(ReviewKind::CarePlan),
        AlertKind::ReviewOverdue(ReviewKind::Prescribing),
    ] {
        assert!(has(kind), "{today}: no {kind} on the caseload:\n{all}");
    }
    let overdue = rows.iter().any(|r| {
        r.assessment
            .open
            .iter()
            .any(|a| matches!(a.kind, AlertKind::ReviewOverdue(_)))
    });
    assert!(overdue, "{today}: no overdue review:\n{all}");

    let recovery: Vec<_> = rows
        .iter()
        .filter(|r| r.assessment.recovery.is_some())
        .collect();
    assert!(!recovery.is_empty(), "{today}: nobody in recovery:\n{all}");
    assert!(
        recovery.iter().any(|r| r.assessment.open.is_empty()),
        "{today}: the client in medication-assisted recovery carries problem alerts:\n{all}"
    );

    let quiet: Vec<_> = rows
        .iter()
        .filter(|r| !r.assessment.quiet.is_empty())
        .collect();
    assert!(!quiet.is_empty(), "{today}: no acknowledged alert:\n{all}");
    assert!(
        quiet.iter().any(|r| r.assessment.open.is_empty()),
        "{today}: the acknowledged client has other alerts:\n{all}"
    );

    let exited = store
        .exited_owing_top(Scope::Worker(alex), &intervals)
        .expect("exited owing TOP");
    assert!(!exited.is_empty(), "{today}: nobody owes an exit TOP");
}

/// The showcase clients by reference, with the alerts each shows (none: the scenarios that tell
/// a story of care going well, recovery, or the acknowledged one, quiet), as a trainer's notes
/// would list them. Two scenarios show more than one alert: parked with its overdue care-plan
/// review, its exit plan not yet discussed and its use on top still reported (the six-month
/// signal), and release from prison without naloxone.
const SHOWCASE: &[(&str, &[AlertKind])] = &[
    ("KW-00001", &[]),
    ("KW-00003", &[]),
    ("KW-00005", &[]),
    (
        "KW-00007",
        &[
            AlertKind::ReviewOverdue(ReviewKind::CarePlan),
            AlertKind::Parked,
            AlertKind::ExitPlan,
            AlertKind::SixMonthSignal,
        ],
    ),
    ("KW-00009", &[]),
    ("KW-00011", &[AlertKind::Naloxone, AlertKind::PrisonRelease]),
    ("KW-00013", &[]),
    ("KW-00015", &[AlertKind::SixMonthSignal]),
    (
        "KW-00017",
        &[AlertKind::ReviewOverdue(ReviewKind::CarePlan)],
    ),
    ("KW-00019", &[AlertKind::ThreeDnas]),
    ("KW-00021", &[AlertKind::Naloxone]),
    (
        "KW-00023",
        &[AlertKind::ReviewOverdue(ReviewKind::Prescribing)],
    ),
    ("KW-00025", &[AlertKind::BbvTest]),
    ("KW-00027", &[]),
];

/// Each showcase client shows its alerts and nothing else, so a trainer can point at them.
fn assert_one_alert_each(store: &Store, today: NaiveDate) {
    let alex = first_key_worker(store);
    let intervals = ReviewIntervals::default();
    let rows = store
        .caseload(Scope::Worker(alex), &intervals)
        .expect("caseload");
    let all = describe(&rows);
    for (reference, kinds) in SHOWCASE {
        let row = rows
            .iter()
            .find(|r| r.reference.as_str() == *reference)
            .unwrap_or_else(|| panic!("{today}: {reference} is not on the caseload:\n{all}"));
        let mut open: Vec<String> = row
            .assessment
            .open
            .iter()
            .map(|a| a.kind.code().to_owned())
            .collect();
        let mut expected: Vec<String> = kinds.iter().map(|k| k.code().to_owned()).collect();
        // One kind may speak more than once (BBV care: a test per virus, hep B vaccination).
        open.sort();
        open.dedup();
        expected.sort();
        assert_eq!(open, expected, "{today}: {reference}:\n{all}");
    }
    let recovery = rows
        .iter()
        .find(|r| r.reference.as_str() == "KW-00005")
        .expect("KW-00005");
    assert!(
        recovery.assessment.recovery.is_some(),
        "{today}: KW-00005 in recovery:\n{all}"
    );
    let acknowledged = rows
        .iter()
        .find(|r| r.reference.as_str() == "KW-00027")
        .expect("KW-00027");
    let quiet: Vec<AlertKind> = acknowledged
        .assessment
        .quiet
        .iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(
        quiet,
        [AlertKind::Naloxone],
        "{today}: KW-00027's naloxone alert is quiet"
    );
    let exited = store
        .exited_owing_top(Scope::Worker(alex), &intervals)
        .expect("exited owing TOP");
    assert!(
        exited.iter().any(|r| r.reference.as_str() == "KW-00029"),
        "{today}: KW-00029 owes an exit TOP"
    );
}

fn open_reviews(store: &Store) -> i64 {
    let conn = rusqlite::Connection::open(store.path()).expect("open file");
    conn.query_row(
        "SELECT count(*) FROM reviews WHERE completed_on IS NULL",
        [],
        |r| r.get(0),
    )
    .expect("count")
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .counts()
        .expect("counts")
        .0
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(0, |(_, n)| *n)
}

#[test]
fn the_first_key_worker_can_show_every_alert() {
    let today = date(2026, 11, 23);
    let (_dir, store) = demo_on(today, Plan::default());
    assert_showcase(&store, today);
    assert_one_alert_each(&store, today);
}

#[test]
fn the_showcase_works_on_any_day() {
    for today in [
        date(2027, 3, 1),
        date(2028, 2, 29),
        date(2026, 12, 27),
        date(2030, 7, 14),
    ] {
        let (_dir, store) = demo_on(today, Plan::default());
        assert_showcase(&store, today);
        assert_one_alert_each(&store, today);
    }
}

#[test]
fn other_seeds_keep_the_showcase() {
    let today = date(2026, 11, 23);
    for seed in [1, 7, 99] {
        let (_dir, store) = demo_on(
            today,
            Plan {
                seed,
                ..Plan::default()
            },
        );
        assert_showcase(&store, today);
        assert_one_alert_each(&store, today);
    }
}

#[test]
fn only_completed_reviews_are_stored_and_tops_are_kept_apart() {
    let (_dir, store) = demo_on(date(2026, 11, 23), Plan::default());
    assert_eq!(open_reviews(&store), 0, "no open review rows");
    let conn = rusqlite::Connection::open(store.path()).expect("open file");
    let outcome_reviews: i64 = conn
        .query_row(
            "SELECT count(*) FROM reviews WHERE kind = 'outcomes'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(outcome_reviews, 0, "TOPs are stored as TOPs");
    assert!(
        count(&store, "tops") > 40,
        "TOPs at start, reviews and exit"
    );
    let stages: Vec<String> = conn
        .prepare("SELECT DISTINCT stage FROM tops ORDER BY stage")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .expect("stages");
    assert_eq!(stages, ["exit", "review", "start"]);
    // Every TOP answers the items that apply: thirty less the amounts of substances not used.
    let thin: i64 = conn
        .query_row(
            "SELECT count(*) FROM tops p
             WHERE (SELECT count(*) FROM top_answers a WHERE a.top_id = p.id) < 23",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(
        thin, 0,
        "every TOP answers at least the 23 items without amounts"
    );
    // The review rules read milestones the history set: status since discharge for those who left.
    let wrong_since: i64 = conn
        .query_row(
            "SELECT count(*) FROM clients
             WHERE status IN ('discharged', 'transferred') AND status_since <= treatment_start",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(wrong_since, 0, "status_since is the day a client left");
}

#[test]
fn the_same_seed_and_day_give_the_same_service() {
    let export = |seed: u64| {
        let (_dir, mut store) = demo_on(
            date(2026, 11, 23),
            Plan {
                seed,
                ..Plan::default()
            },
        );
        let mut out = Vec::new();
        store.export_json(&mut out).expect("export");
        out
    };
    let first = export(42);
    assert_eq!(first, export(42));
    assert_ne!(first, export(43), "another seed gives another service");
}

#[test]
fn a_small_service_still_generates() {
    for clients in [1, 5, 12] {
        let (_dir, store) = demo_on(
            date(2026, 11, 23),
            Plan {
                clients,
                ..Plan::default()
            },
        );
        assert_eq!(count(&store, "clients"), i64::from(clients));
        assert_eq!(open_reviews(&store), 0);
    }
}

/// The demo services the coherence checks read: several seeds, on several days.
fn services() -> Vec<(String, TempDir, Store)> {
    let mut out = Vec::new();
    for today in [date(2026, 11, 23), date(2028, 2, 29)] {
        for seed in [42, 1, 7] {
            let (dir, store) = demo_on(
                today,
                Plan {
                    seed,
                    ..Plan::default()
                },
            );
            out.push((format!("seed {seed} on {today}"), dir, store));
        }
    }
    out
}

/// The rows `sql` finds, each as one line: what contradicts the rule it states.
fn found(store: &Store, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(store.path()).expect("open file");
    let mut stmt = conn.prepare(sql).expect("query");
    let columns = stmt.column_count();
    stmt.query_map([], |row| {
        (0..columns)
            .map(|i| row.get::<_, rusqlite::types::Value>(i).map(cell))
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|cells| cells.join(" | "))
    })
    .expect("rows")
    .collect::<rusqlite::Result<Vec<_>>>()
    .expect("rows")
}

/// A value as the failure message shows it.
fn cell(value: rusqlite::types::Value) -> String {
    use rusqlite::types::Value;
    match value {
        Value::Text(t) => t,
        Value::Integer(n) => n.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Null | Value::Blob(_) => String::new(),
    }
}

/// Sessions that delivered `intervention`, by client, with their dates.
fn delivered(intervention: &str) -> String {
    format!(
        "SELECT s.client_id, substr(s.started_at, 1, 10) AS on_day FROM sessions s
         JOIN session_interventions i ON i.session_id = s.id
         WHERE i.intervention = '{intervention}'"
    )
}

/// Each client's first session day.
const FIRST_SESSION: &str =
    "(SELECT min(substr(started_at, 1, 10)) FROM sessions f WHERE f.client_id = c.id)";

#[test]
fn the_naloxone_on_each_demo_record_is_the_latest_kit_its_sessions_supplied() {
    for (what, _dir, store) in services() {
        let sql = format!(
            "WITH kits AS ({}), latest AS (SELECT client_id, max(on_day) AS on_day FROM kits GROUP BY client_id)
             SELECT c.reference, c.naloxone_held, c.naloxone_supplied_on, l.on_day
             FROM clients c LEFT JOIN latest l ON l.client_id = c.id
             WHERE (l.on_day IS NOT NULL AND (c.naloxone_held = 0 OR c.naloxone_supplied_on IS NOT l.on_day))
                OR (l.on_day IS NULL AND c.naloxone_supplied_on >= {FIRST_SESSION})",
            delivered("naloxone_supplied")
        );
        let wrong = found(&store, &sql);
        assert!(
            wrong.is_empty(),
            "{what}: naloxone contradicts the sessions: {wrong:#?}"
        );
        let kits = found(&store, &delivered("naloxone_supplied"));
        assert!(!kits.is_empty(), "{what}: no session supplied naloxone");
    }
}

#[test]
fn the_bbv_test_dates_on_each_demo_record_are_days_its_sessions_tested() {
    for (what, _dir, store) in services() {
        let sql = format!(
            "WITH tests AS ({})
             SELECT c.reference, 'a test session after the dates recorded', t.on_day
             FROM clients c JOIN tests t ON t.client_id = c.id
             WHERE t.on_day > coalesce(max(c.hep_c_tested_on, c.hiv_tested_on),
                                       c.hep_c_tested_on, c.hiv_tested_on, '')
             UNION ALL
             SELECT c.reference, 'a test date in treatment with no session', d.on_day
             FROM clients c
             JOIN (SELECT id, hep_c_tested_on AS on_day FROM clients
                   UNION ALL SELECT id, hiv_tested_on FROM clients) d ON d.id = c.id
             WHERE d.on_day >= {FIRST_SESSION}
               AND NOT EXISTS (SELECT 1 FROM tests t WHERE t.client_id = c.id AND t.on_day = d.on_day)",
            delivered("bbv_test")
        );
        let wrong = found(&store, &sql);
        assert!(
            wrong.is_empty(),
            "{what}: BBV tests contradict the sessions: {wrong:#?}"
        );
        let tests = found(&store, &delivered("bbv_test"));
        assert!(!tests.is_empty(), "{what}: no session tested for BBVs");
    }
}

/// Every piece of demo text about a client: notes, readiness notes, goals, actions, reviews.
const CLIENT_TEXT: &str = "
    SELECT client_id, note AS words FROM sessions
    UNION ALL SELECT client_id, note FROM readiness_notes
    UNION ALL SELECT client_id, in_own_words FROM goals
    UNION ALL SELECT g.client_id, a.step FROM goal_actions a JOIN goals g ON g.id = a.goal_id
    UNION ALL SELECT client_id, outcome FROM reviews";

#[test]
fn no_demo_client_who_never_injected_is_given_injecting_advice() {
    for (what, _dir, store) in services() {
        let sql = format!(
            "SELECT c.reference, t.words FROM clients c JOIN ({CLIENT_TEXT}) t ON t.client_id = c.id
             WHERE c.injecting = 'never'
               AND (t.words LIKE '%inject%' OR t.words LIKE '%needle%' OR t.words LIKE '%works again%'
                    OR t.words LIKE '%veins%' OR t.words LIKE '%hep C%')"
        );
        let wrong = found(&store, &sql);
        assert!(
            wrong.is_empty(),
            "{what}: injecting advice to non-injectors: {wrong:#?}"
        );
    }
}

#[test]
fn no_demo_client_without_a_prescription_hears_about_the_pharmacy_or_their_script() {
    for (what, _dir, store) in services() {
        let sql = format!(
            "SELECT c.reference, c.modality, t.words FROM clients c JOIN ({CLIENT_TEXT}) t ON t.client_id = c.id
             WHERE c.modality NOT IN ('ost_methadone', 'ost_buprenorphine', 'lai_buprenorphine', 'heroin_assisted')
               AND (t.words LIKE '%pharmacy%' OR t.words LIKE '%script%' OR t.words LIKE '%on top%'
                    OR t.words LIKE '%prescriber%' OR t.words LIKE '%take-home%'
                    OR (' ' || t.words) LIKE '% dose%')"
        );
        let wrong = found(&store, &sql);
        assert!(
            wrong.is_empty(),
            "{what}: prescription talk without one: {wrong:#?}"
        );
    }
}

/// Words an action must use to belong to a goal of each domain.
const ACTION_WORDS: &[(&str, &[&str])] = &[
    (
        "substance_use",
        &["craving", "group", "prescriber", "needle exchange"],
    ),
    ("physical_health", &["GP", "dentist"]),
    ("mental_health", &["GP", "talking therapies"]),
    ("housing", &["housing"]),
    ("ete", &["college", "employment"]),
    ("family", &["family"]),
    ("money_debt", &["benefits", "debt"]),
    ("offending_legal", &["probation", "solicitor"]),
    ("mutual_aid", &["mutual-aid", "meeting"]),
    ("exit", &["prescriber", "exit plan", "mutual-aid"]),
];

#[test]
fn every_demo_action_belongs_to_its_goals_domain() {
    for (what, _dir, store) in services() {
        let rows = found(
            &store,
            "SELECT g.domain, g.in_own_words, a.step FROM goal_actions a JOIN goals g ON g.id = a.goal_id",
        );
        assert!(!rows.is_empty(), "{what}: no actions at all");
        let wrong: Vec<&String> = rows
            .iter()
            .filter(|row| {
                let domain = row.split(" | ").next().unwrap_or_default();
                let step = row.rsplit(" | ").next().unwrap_or_default();
                let words = ACTION_WORDS
                    .iter()
                    .find(|(d, _)| *d == domain)
                    .map_or(&[][..], |(_, w)| *w);
                !words.iter().any(|w| step.contains(w))
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{what}: actions outside their goal's domain: {wrong:#?}"
        );
    }
}

#[test]
fn the_demo_never_prescribes_take_home_doses_in_the_first_three_months_without_a_reason() {
    for seed in [42, 1, 7] {
        let (dir, store) = demo_on(
            date(2026, 11, 23),
            Plan {
                seed,
                ..Plan::default()
            },
        );
        drop(store);
        let conn = rusqlite::Connection::open(dir.path().join("demo.db")).unwrap();
        let early: i64 = conn
            .query_row(
                "SELECT count(*) FROM prescriptions p JOIN clients c ON c.id = p.client_id
                 WHERE p.supervision IN ('some_take_home', 'all_take_home')
                   AND p.take_home_reason IS NULL
                   AND p.started_on < date(
                       (SELECT min(q.started_on) FROM prescriptions q WHERE q.client_id = p.client_id),
                       '+3 months')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            early, 0,
            "seed {seed}: NICE TA114 in the demo's own prescriptions"
        );
    }
}

/// Defect 9: a `generate` that fails part way (here a file-size limit, as a full disk would)
/// left a 4 KB database and its WAL that `check` passed and `generate` then refused. It builds
/// in a temporary file beside the target and renames it only when whole: nothing is left.
#[test]
fn a_generate_that_fails_part_way_leaves_nothing_and_the_next_one_succeeds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.db");
    let keywork = env!("CARGO_BIN_EXE_keywork");
    // `ulimit -f 64`: 64 blocks of 512 bytes, so writes past 32 KB fail.
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "ulimit -f 64; exec \"$0\" --db \"$1\" generate --clients 20",
        ])
        .arg(keywork)
        .arg(&db)
        .env_remove("KEYWORK_DB")
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "generate under a 32 KB limit succeeded"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "an error, not a signal: {stderr}"
    );
    assert!(stderr.contains("nothing was left"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    let out = std::process::Command::new(keywork)
        .args([
            "--db",
            db.to_str().expect("utf-8"),
            "generate",
            "--clients",
            "20",
        ])
        .env_remove("KEYWORK_DB")
        .output()
        .expect("keywork runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["demo.db"], "only the database, its WAL folded in");
    let store = Store::open_unchecked(
        &db,
        Access::Read,
        Clock::fixed(date(2026, 11, 23)),
        Login::new("trainer").expect("valid login"),
    )
    .expect("open the generated file");
    assert!(store.is_demo().expect("read meta"));
    assert_eq!(store.scenarios().expect("scenarios").len(), 7);
}
