//! One entry updates the record: a session that supplied naloxone, tested for BBVs or gave a hep
//! B dose moves the client's risk flags on in the session's own transaction, and the alert it
//! answered clears.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::NaiveDateTime;
use fixture::{Fixture, date, today};
use keywork::clock::Clock;
use keywork::domain::*;
use keywork::store::{Access, Store};
use std::collections::BTreeSet;

/// A key worker and one client on methadone, injecting now, with no naloxone kit and no BBV
/// test: both the naloxone and the BBV alerts are open.
fn fixture() -> Fixture {
    Fixture::new(
        fixture::worker("sam.okoro", "Sam Okoro", Role::KeyWorker),
        client,
    )
}

fn client(key_worker_id: i64) -> Client {
    Client {
        referral_date: date(2026, 1, 2),
        treatment_start: Some(date(2026, 1, 8)),
        injecting: InjectingStatus::Currently,
        modality: Modality::OstMethadone,
        risk: RiskFlags {
            overdose_risk: true,
            ..RiskFlags::default()
        },
        ..fixture::client(1, key_worker_id)
    }
}

fn at(m: u32, d: u32) -> NaiveDateTime {
    date(2026, m, d).and_hms_opt(10, 0, 0).expect("valid time")
}

/// Records an attended session on `when` that delivered `delivered`, as the session form does.
fn record(f: &mut Fixture, when: NaiveDateTime, delivered: &[Intervention], bbv: Option<BbvTests>) {
    let session = Session {
        client_id: f.client_id,
        worker_id: f.worker_id,
        started_at: when,
        duration: Minutes::new(45).unwrap(),
        kind: SessionKind::KeyWork,
        attendance: Attendance::Attended,
        note: NoteText::empty(),
        interventions: delivered.iter().copied().collect(),
        next_appointment: None,
    };
    f.store
        .write(|w| w.record_session(&session, bbv))
        .expect("record session");
}

fn risk(f: &Fixture) -> RiskFlags {
    f.store
        .get::<Client>(f.client_id)
        .expect("client")
        .record
        .risk
}

fn has_alert(f: &Fixture, kind: AlertKind) -> bool {
    f.store
        .client_status(f.client_id, &ReviewIntervals::default())
        .expect("client status")
        .assessment
        .has(kind)
}

#[test]
fn naloxone_supplied_in_a_session_means_a_kit_held_from_that_day_and_the_alert_clears() {
    let mut f = fixture();
    assert!(has_alert(&f, AlertKind::Naloxone), "no kit held yet");
    record(&mut f, at(11, 20), &[Intervention::NaloxoneSupplied], None);
    let after = risk(&f);
    assert!(after.naloxone_held);
    assert_eq!(after.naloxone_supplied_on, Some(date(2026, 11, 20)));
    assert!(!has_alert(&f, AlertKind::Naloxone), "the kit answers it");
}

/// The causes of the open BBV care alerts: one per virus whose test is due, and hep B.
fn bbv_causes(f: &Fixture) -> Vec<String> {
    f.store
        .client_status(f.client_id, &ReviewIntervals::default())
        .expect("client status")
        .assessment
        .open
        .into_iter()
        .filter(|a| a.kind == AlertKind::BbvTest)
        .map(|a| a.cause)
        .collect()
}

#[test]
fn a_bbv_test_moves_the_dates_of_the_tests_done_and_answers_those_tests_alone() {
    let on = date(2026, 11, 20);
    // (which tests, hep C date after, HIV date after, the BBV causes left open)
    let cases = [
        (
            BbvTests::HepC,
            Some(on),
            None,
            &["hiv test never", "hep_b not recorded"][..],
        ),
        (
            BbvTests::Hiv,
            None,
            Some(on),
            &["hep_c test never", "hep_b not recorded"][..],
        ),
        (
            BbvTests::Both,
            Some(on),
            Some(on),
            &["hep_b not recorded"][..],
        ),
    ];
    for (tests, hep_c, hiv, left) in cases {
        let mut f = fixture();
        assert_eq!(
            bbv_causes(&f),
            ["hep_c test never", "hiv test never", "hep_b not recorded"],
            "never tested"
        );
        record(&mut f, at(11, 20), &[Intervention::BbvTest], Some(tests));
        let after = risk(&f);
        assert_eq!(
            (after.hep_c_tested_on, after.hiv_tested_on),
            (hep_c, hiv),
            "{tests:?}"
        );
        assert_eq!(bbv_causes(&f), left, "{tests:?} answers its own tests only");
    }
}

#[test]
fn hep_b_doses_start_the_course_and_the_third_completes_it() {
    let mut f = fixture();
    assert_eq!(risk(&f).hep_b, None);
    let expected = [
        HepBStatus::InProgress,
        HepBStatus::InProgress,
        HepBStatus::Completed,
    ];
    for (dose, want) in expected.into_iter().enumerate() {
        record(
            &mut f,
            at(9 + dose as u32, 1),
            &[Intervention::HepBVaccination],
            None,
        );
        assert_eq!(risk(&f).hep_b, Some(want), "after dose {}", dose + 1);
    }
}

#[test]
fn a_session_delivering_nothing_on_the_record_leaves_the_client_unchanged() {
    let mut f = fixture();
    let before = f.store.get::<Client>(f.client_id).expect("client");
    record(
        &mut f,
        at(11, 20),
        &[
            Intervention::MotivationalInterviewing,
            Intervention::HarmReduction,
        ],
        None,
    );
    let after = f.store.get::<Client>(f.client_id).expect("client");
    assert_eq!(after.record, before.record);
    assert_eq!(
        after.row_version, before.row_version,
        "no needless new version of the client, which a colleague's open form would trip over"
    );
}

#[test]
fn a_session_that_cannot_be_saved_changes_nothing_on_the_client() {
    let mut f = fixture();
    let before = risk(&f);
    let session = Session {
        client_id: f.client_id,
        worker_id: f.worker_id,
        // A session cannot be in the future: refused, and the kit with it.
        started_at: at(12, 20),
        duration: Minutes::new(45).unwrap(),
        kind: SessionKind::KeyWork,
        attendance: Attendance::Attended,
        note: NoteText::empty(),
        interventions: BTreeSet::from([Intervention::NaloxoneSupplied]),
        next_appointment: None,
    };
    assert!(f.store.write(|w| w.record_session(&session, None)).is_err());
    assert_eq!(risk(&f), before);
}

/// The binary on a generated demo database (where `--today` may write), with the login running
/// the tests on its team, as in tests/cli_corrections.rs.
fn demo_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    let out = keywork_cli(&["generate", "--db", db.to_str().unwrap(), "--clients", "3"]);
    assert!(out.status.success(), "generate: {out:?}");
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .unwrap()
        .expect("the current user has a name");
    let login = Login::new(user.name).expect("a valid login");
    let mut store =
        Store::open_unchecked(&db, Access::Write, Clock::fixed(today()), login.clone()).unwrap();
    if store.worker_by_login(&login).unwrap().is_none() {
        let worker = Worker {
            login,
            display_name: Name::new("Test Runner").unwrap(),
            role: Role::TeamLead,
        };
        store.write(|w| w.insert(&worker)).unwrap();
    }
    db
}

fn keywork_cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", "2026-11-23"])
        .args(args)
        .env_remove("KEYWORK_DB")
        .output()
        .expect("the binary runs")
}

#[test]
fn a_session_from_the_shell_says_which_bbv_test_and_the_record_follows() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let path = db.to_str().unwrap();
    let add = |extra: &[&str]| {
        let mut args = vec![
            "session",
            "add",
            "--db",
            path,
            "--client",
            "KW-00001",
            "--at",
            "today 10:00",
            "--intervention",
            "bbv_test",
        ];
        args.extend_from_slice(extra);
        keywork_cli(&args)
    };
    let unsaid = add(&[]);
    assert!(!unsaid.status.success(), "which test is asked for");
    assert!(
        String::from_utf8_lossy(&unsaid.stderr).contains("--bbv-test"),
        "{unsaid:?}"
    );
    let said = add(&["--bbv-test", "hiv"]);
    assert!(said.status.success(), "{said:?}");
    let hiv: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT hiv_tested_on FROM clients WHERE reference = 'KW-00001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hiv, "2026-11-23");
}
