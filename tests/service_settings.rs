//! The clinical limits as service settings (issue 20): each moves its rule's threshold (both
//! sides of it), bad values are refused with one line and change nothing, only a team lead sets
//! them, and a file of schema 15 keeps the settings it had.

#[path = "common/fixture.rs"]
mod fixture;

use fixture::{date, today};
use keywork::clock::Clock;
use keywork::domain::*;
use keywork::store::{Access, SettingKey, Store, migrate, parse_setting};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// A team lead and no client yet, unlike `fixture::Fixture`: each test adds the clients whose
/// facts sit either side of the setting it moves.
struct Fixture {
    _dir: TempDir,
    store: Store,
    worker_id: i64,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("caseload.db");
    let login = Login::new("lee.lead").expect("login");
    let mut store =
        Store::open_unchecked(&path, Access::Create, Clock::fixed(today()), login.clone())
            .expect("create store");
    let worker_id = store
        .write(|w| w.insert(&fixture::worker("lee.lead", "Lee Lead", Role::TeamLead)))
        .expect("insert");
    Fixture {
        _dir: dir,
        store,
        worker_id,
    }
}

/// A client numbered `n`, in treatment since 01/11/2026, with these injecting and risk facts.
fn client(f: &mut Fixture, n: u32, injecting: InjectingStatus, risk: RiskFlags) -> i64 {
    let worker_id = f.worker_id;
    f.store
        .write(|w| {
            w.insert(&Client {
                referral_date: date(2026, 10, 20),
                treatment_start: Some(date(2026, 11, 1)),
                injecting,
                risk,
                ..fixture::client(n, worker_id)
            })
        })
        .expect("insert client")
}

fn methadone(f: &mut Fixture, client_id: i64, dose_mg: f64) -> keywork::store::Result<i64> {
    let p = OstPrescription {
        rx: Prescription {
            client_id,
            medicine: Medicine::Methadone,
            dose_mg,
            interval: DoseInterval::Daily,
            started_on: date(2026, 11, 2),
            ended_on: None,
            supervision: Supervision::DailySupervised,
        },
        terms: Terms {
            pharmacy: Some("Boots, High St".into()),
            prescriber: Some(Prescriber::Worker(f.worker_id)),
            ..Terms::default()
        },
    };
    f.store.write_as_prescriber(|w| w.start_prescription(&p))
}

fn set(f: &mut Fixture, key: &str, value: &str) {
    let key = SettingKey::parse(key).expect("a setting");
    let value = parse_setting(key, value).expect("a good value");
    f.store.set_setting(key, value).expect("set");
}

fn alerts(f: &Fixture, client_id: i64) -> Vec<AlertKind> {
    let intervals = f.store.review_intervals().expect("intervals");
    let row = f
        .store
        .client_status(client_id, &intervals)
        .expect("status");
    row.assessment.open.iter().map(|a| a.kind).collect()
}

#[test]
fn the_methadone_induction_setting_moves_the_start_threshold_both_sides() {
    let mut f = fixture();
    let first = client(&mut f, 1, InjectingStatus::Never, RiskFlags::default());
    let err = methadone(&mut f, first, 40.0).expect_err("above the default 30 mg");
    assert!(err.to_string().contains("no more than 30 mg"), "{err}");

    set(&mut f, "methadone_induction", "40mg");
    methadone(&mut f, first, 40.0).expect("at the setting: no reason needed");
    let second = client(&mut f, 2, InjectingStatus::Never, RiskFlags::default());
    let err = methadone(&mut f, second, 40.5).expect_err("above the setting");
    assert!(err.to_string().contains("no more than 40 mg"), "{err}");
}

#[test]
fn the_bbv_retest_setting_moves_when_a_retest_is_due_both_sides() {
    let mut f = fixture();
    let tested = |on| RiskFlags {
        hep_c_tested_on: Some(on),
        hiv_tested_on: Some(on),
        hep_b: Some(HepBStatus::Immune),
        ..RiskFlags::default()
    };
    let seven_months = client(
        &mut f,
        1,
        InjectingStatus::Currently,
        tested(date(2026, 4, 20)),
    );
    let five_months = client(
        &mut f,
        2,
        InjectingStatus::Currently,
        tested(date(2026, 6, 20)),
    );
    assert!(
        !alerts(&f, seven_months).contains(&AlertKind::BbvTest),
        "12 months by default"
    );

    set(&mut f, "bbv_retest", "6m");
    assert!(alerts(&f, seven_months).contains(&AlertKind::BbvTest));
    assert!(!alerts(&f, five_months).contains(&AlertKind::BbvTest));
}

#[test]
fn the_exit_plan_and_readiness_settings_move_their_prompts_both_sides() {
    let mut f = fixture();
    // In treatment since 01/11/2026 and on methadone since 02/11/2026: 22 and 21 days by today.
    let id = client(&mut f, 1, InjectingStatus::Never, RiskFlags::default());
    methadone(&mut f, id, 30.0).expect("start");
    let got = alerts(&f, id);
    assert!(!got.contains(&AlertKind::ExitPlan) && !got.contains(&AlertKind::ReadinessCheck));

    set(&mut f, "exit_plan", "4w");
    set(&mut f, "readiness_check", "4w");
    let got = alerts(&f, id);
    assert!(!got.contains(&AlertKind::ExitPlan) && !got.contains(&AlertKind::ReadinessCheck));

    set(&mut f, "exit_plan", "3w");
    set(&mut f, "readiness_check", "3w");
    let got = alerts(&f, id);
    assert!(got.contains(&AlertKind::ExitPlan), "{got:?}");
    assert!(got.contains(&AlertKind::ReadinessCheck), "{got:?}");
}

#[test]
fn bad_setting_values_are_refused_with_a_sentence_naming_the_setting() {
    for (key, value, words) in [
        ("methadone_induction", "lots", "is not a dose"),
        ("methadone_induction", "-5mg", "out of range"),
        ("methadone_step", "0", "out of range"),
        ("buprenorphine_ceiling", "5000mg", "out of range"),
        ("ecg_methadone", "NaN", "is not a dose"),
        ("days_ahead", "2m", "counted in days"),
        ("days_ahead", "400d", "out of range"),
        ("ecg_valid_for", "0w", "out of range"),
        ("bbv_retest", "12", "not an interval"),
    ] {
        let key = SettingKey::parse(key).expect("a setting");
        let err = parse_setting(key, value).expect_err(value).to_string();
        assert!(err.starts_with(key.code()), "{err}");
        assert!(err.contains(words), "{value}: {err}");
        assert!(err.ends_with("nothing was changed"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn limits_that_contradict_each_other_are_refused_and_nothing_changes() {
    let mut f = fixture();
    let audit = |f: &Fixture| -> i64 {
        Connection::open(f._dir.path().join("caseload.db"))
            .unwrap()
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap()
    };
    let before = (f.store.dose_limits().unwrap(), audit(&f));
    for (key, value, words) in [
        (
            "methadone_induction",
            "400mg",
            "above methadone_ceiling (300 mg)",
        ),
        (
            "methadone_ceiling",
            "20mg",
            "above methadone_ceiling (20 mg)",
        ),
        ("ecg_methadone", "300mg", "equal to methadone_ceiling"),
        ("methadone_week", "5mg", "above methadone_week (5 mg)"),
        ("buprenorphine_step", "40mg", "above buprenorphine_ceiling"),
    ] {
        let key = SettingKey::parse(key).unwrap();
        let value = parse_setting(key, value).expect("well formed");
        let err = f.store.set_setting(key, value).expect_err(key.code());
        let err = err.to_string();
        assert!(err.contains(words), "{err}");
        assert!(err.ends_with("nothing was changed"), "{err}");
    }
    assert_eq!((f.store.dose_limits().unwrap(), audit(&f)), before);
    assert!(f.store.settings_set().unwrap().is_empty());
}

#[test]
fn a_file_of_schema_15_keeps_its_settings_and_takes_the_new_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v15.db");
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    migrate::run_up_to(&mut conn, 15).unwrap();
    conn.execute(
        "INSERT INTO service_settings (key, value, updated_at)
         VALUES ('care_plan', '8w', '2026-11-01T09:00:00Z')",
        [],
    )
    .unwrap();
    migrate::run(&mut conn).unwrap();
    drop(conn);
    let store = Store::open_unchecked(
        &path,
        Access::Write,
        Clock::fixed(today()),
        Login::new("lee.lead").unwrap(),
    )
    .unwrap();
    assert_eq!(store.schema_version().unwrap(), migrate::LATEST);
    assert_eq!(
        store.review_intervals().unwrap().care_plan,
        Interval::Weeks(8)
    );
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO service_settings (key, value, updated_at)
         VALUES ('ecg_methadone', '120mg', '2026-11-02T09:00:00Z')",
        [],
    )
    .expect("a new key is accepted");
    assert!(
        conn.execute(
            "INSERT INTO service_settings (key, value, updated_at)
             VALUES ('no_such_setting', '1w', '2026-11-02T09:00:00Z')",
            [],
        )
        .is_err(),
        "an unknown key is still refused by the schema"
    );
    assert_eq!(store.dose_limits().unwrap().ecg_methadone_mg, 120.0);
}

// ---------------------------------------------------------------------------------------------
// From the shell: a team lead only, one line for a bad value
// ---------------------------------------------------------------------------------------------

fn keywork(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("KEYWORK_DB")
        .env_remove("KEYWORK_CONFIG")
        .output()
        .expect("the binary runs")
}

/// A small generated service with the test's login on its team in `role`.
fn service(dir: &Path, role: &str) -> PathBuf {
    let db = dir.join("settings.db");
    let out = keywork(&db, &["generate", "--clients", "5", "--years", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fixture::join_team(&db, "Test Worker", role);
    db
}

fn refused_in_one_line(out: &Output, words: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(words), "{stderr}");
}

#[test]
fn only_a_team_lead_sets_a_clinical_limit_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let db = service(dir.path(), "prescriber");
    let before = std::fs::read(&db).unwrap();
    let out = keywork(&db, &["settings", "set", "methadone_induction", "40mg"]);
    refused_in_one_line(&out, "team lead");
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing written");

    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE workers SET role = 'team_lead' WHERE login = ?1",
            [fixture::login()],
        )
        .unwrap();
    let out = keywork(&db, &["settings", "set", "methadone_induction", "40mg"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("is now 40mg for every worker (was 30mg)"),
        "{said}"
    );
    let shown = String::from_utf8_lossy(&keywork(&db, &["settings", "show"]).stdout).into_owned();
    let line = shown
        .lines()
        .find(|l| l.trim_start().starts_with("methadone_induction"))
        .unwrap_or_else(|| panic!("{shown}"))
        .to_owned();
    assert!(line.contains("40mg") && line.contains("(set "), "{line}");
    let audit = String::from_utf8_lossy(&keywork(&db, &["audit"]).stdout).into_owned();
    assert!(
        audit.contains("methadone_induction: 30mg -> 40mg"),
        "{audit}"
    );

    let before = std::fs::read(&db).unwrap();
    for (value, words) in [
        ("400mg", "above methadone_ceiling"),
        ("forty", "is not a dose"),
    ] {
        let out = keywork(&db, &["settings", "set", "methadone_induction", value]);
        refused_in_one_line(&out, words);
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "{value}: nothing written"
        );
    }
}
