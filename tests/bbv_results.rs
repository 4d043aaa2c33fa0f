//! BBV test results through the store: one entry records the result and moves the client's test
//! dates on; a positive hep C RNA prompts a treatment referral until a session records one; a
//! result that arrives later stands in place of the "not known"; a sample dated ahead is refused
//! and changes nothing; and migration 17 keeps every session's interventions and their triggers.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::{NaiveDate, NaiveDateTime};
use fixture::{Fixture, date};
use keywork::domain::*;
use keywork::store::{CaseloadRow, Scope, migrate};
use rusqlite::Connection;

/// A client who injects, tested for nothing yet, hep B course completed.
fn fixture() -> Fixture {
    Fixture::new(
        fixture::worker("kim.worker", "Kim Worker", Role::KeyWorker),
        |worker_id| Client {
            referral_date: date(2026, 10, 20),
            treatment_start: Some(date(2026, 11, 1)),
            injecting: InjectingStatus::Currently,
            risk: RiskFlags {
                hep_b: Some(HepBStatus::Completed),
                naloxone_held: true,
                naloxone_supplied_on: Some(date(2026, 11, 1)),
                ..RiskFlags::default()
            },
            ..fixture::client(7, worker_id)
        },
    )
}

fn record(
    f: &mut Fixture,
    test: BbvTest,
    on: NaiveDate,
    result: BbvResult,
) -> keywork::store::Result<i64> {
    let (client, worker) = (f.client_id, f.worker_id);
    f.store.write(|w| {
        w.record_bbv_result(
            client,
            worker,
            &BbvEntry {
                test,
                taken_on: on,
                result,
            },
        )
    })
}

/// The client's open BBV alerts' causes, the same whether read for the client alone, their
/// worker's caseload, the whole team's (which reads the referrals another way, for speed) or the
/// team's rows of this client alone (a colleague's save).
fn bbv_causes(f: &Fixture) -> Vec<String> {
    let intervals = ReviewIntervals::default();
    let causes = |row: &CaseloadRow| -> Vec<String> {
        row.assessment
            .open
            .iter()
            .filter(|a| a.kind == AlertKind::BbvTest)
            .map(|a| a.cause.clone())
            .collect()
    };
    let one = causes(&f.store.client_status(f.client_id, &intervals).unwrap());
    for scope in [Scope::Team, Scope::Worker(f.worker_id)] {
        let rows = f.store.caseload(scope, &intervals).unwrap();
        assert_eq!(causes(&rows[0]), one, "{scope:?}");
        let rows = f
            .store
            .caseload_rows_of(scope, None, &[f.client_id], &intervals)
            .unwrap();
        assert_eq!(causes(&rows[0]), one, "{scope:?}, this client");
    }
    one
}

fn session_with(f: &mut Fixture, at: NaiveDateTime, delivered: &[Intervention]) {
    let session = Session {
        client_id: f.client_id,
        worker_id: f.worker_id,
        started_at: at,
        duration: Minutes::new(30).unwrap(),
        kind: SessionKind::KeyWork,
        attendance: Attendance::Attended,
        note: NoteText::empty(),
        interventions: delivered.iter().copied().collect(),
        next_appointment: None,
    };
    f.store
        .write(|w| w.record_session(&session, None))
        .expect("session");
}

#[test]
fn a_result_moves_the_test_date_on_and_the_audit_names_no_result() {
    let mut f = fixture();
    assert_eq!(bbv_causes(&f), ["hep_c test never", "hiv test never"]);
    record(
        &mut f,
        BbvTest::HepCAntibody,
        date(2026, 11, 20),
        BbvResult::Negative,
    )
    .unwrap();
    let client = f.store.get::<Client>(f.client_id).unwrap().record;
    assert_eq!(client.risk.hep_c_tested_on, Some(date(2026, 11, 20)));
    assert_eq!(client.risk.hiv_tested_on, None, "HIV was not tested");
    assert_eq!(bbv_causes(&f), ["hiv test never"]);
    let audit = f
        .store
        .audit_trail(&keywork::store::AuditFilter {
            client_id: Some(f.client_id),
            login: None,
            since: None,
        })
        .unwrap();
    let details: Vec<String> = audit.iter().filter_map(|e| e.detail.clone()).collect();
    assert!(
        details.iter().any(|d| d.starts_with("bbv result ")),
        "the entry is audited: {details:?}"
    );
    assert!(
        details
            .iter()
            .all(|d| !d.contains("negative") && !d.contains("positive")),
        "no result in the audit trail: {details:?}"
    );
}

#[test]
fn a_positive_rna_prompts_a_referral_until_a_session_records_one() {
    let mut f = fixture();
    record(&mut f, BbvTest::Hiv, date(2026, 11, 2), BbvResult::Negative).unwrap();
    record(
        &mut f,
        BbvTest::HepCRna,
        date(2026, 11, 2),
        BbvResult::NotKnown,
    )
    .unwrap();
    assert_eq!(
        bbv_causes(&f),
        Vec::<String>::new(),
        "sample taken, result awaited"
    );
    record(
        &mut f,
        BbvTest::HepCRna,
        date(2026, 11, 2),
        BbvResult::Positive,
    )
    .unwrap();
    assert_eq!(bbv_causes(&f), ["hep_c_rna positive 2026-11-02"]);
    let rna = f
        .store
        .bbv_results(f.client_id)
        .unwrap()
        .iter()
        .filter(|r| r.test == BbvTest::HepCRna)
        .count();
    assert_eq!(rna, 2, "both RNA entries kept");
    session_with(
        &mut f,
        date(2026, 11, 1).and_hms_opt(10, 0, 0).unwrap(),
        &[Intervention::HepCTreatmentReferral],
    );
    assert_eq!(
        bbv_causes(&f),
        ["hep_c_rna positive 2026-11-02"],
        "a referral before the result answers nothing"
    );
    session_with(
        &mut f,
        date(2026, 11, 20).and_hms_opt(10, 0, 0).unwrap(),
        &[Intervention::HepCTreatmentReferral],
    );
    assert_eq!(bbv_causes(&f), Vec::<String>::new());
}

#[test]
fn a_sample_dated_ahead_is_refused_and_changes_nothing() {
    let mut f = fixture();
    let err = record(
        &mut f,
        BbvTest::Hiv,
        date(2026, 11, 24),
        BbvResult::Negative,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("24/11/2026 is in the future"),
        "{err}"
    );
    assert!(f.store.bbv_results(f.client_id).unwrap().is_empty());
    let client = f.store.get::<Client>(f.client_id).unwrap().record;
    assert_eq!(client.risk.hiv_tested_on, None);
}

#[test]
fn migration_17_keeps_interventions_and_their_triggers_and_takes_the_referral() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v15.db");
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    migrate::run_up_to(&mut conn, 15).unwrap();
    let stamp = "2026-11-01T09:00:00Z";
    conn.execute_batch(&format!(
        "INSERT INTO workers (id, login, display_name, role, created_at, updated_at)
           VALUES (1, 'lead', 'Test Lead', 'team_lead', '{stamp}', '{stamp}');
         INSERT INTO clients (id, reference, given_name, family_name, date_of_birth, key_worker_id,
           status, referral_date, primary_substance, injecting, modality, created_at, updated_at)
           VALUES (1, 'KW-00001', 'A', 'B', '1980-01-01', 1, 'active', '2026-01-01', 'heroin',
           'currently', 'psychosocial', '{stamp}', '{stamp}');
         INSERT INTO sessions (id, client_id, worker_id, started_at, duration_min, kind, attendance,
           created_at, updated_at)
           VALUES (1, 1, 1, '2026-11-01 10:00', 30, 'key_work', 'attended', '{stamp}', '{stamp}');
         INSERT INTO session_interventions (session_id, intervention)
           VALUES (1, 'bbv_test'), (1, 'naloxone_supplied');"
    ))
    .unwrap();
    let triggers = |conn: &Connection| -> Vec<String> {
        let mut stmt = conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'trigger'
                 AND tbl_name = 'session_interventions' ORDER BY name",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = triggers(&conn);
    assert!(!before.is_empty(), "the summary triggers name the table");
    assert!(
        conn.execute(
            "INSERT INTO session_interventions VALUES (1, 'hep_c_treatment_referral')",
            []
        )
        .is_err(),
        "schema 15 does not know the code"
    );
    migrate::run(&mut conn).unwrap();
    assert_eq!(triggers(&conn), before, "every trigger made again");
    let kept: i64 = conn
        .query_row("SELECT count(*) FROM session_interventions", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, 2);
    conn.execute(
        "INSERT INTO session_interventions VALUES (1, 'hep_c_treatment_referral')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO bbv_results (client_id, test, taken_on, result, worker_id, created_at)
         VALUES (1, 'hep_c_rna', '2026-11-02', 'positive', 1, ?1)",
        [stamp],
    )
    .unwrap();
}

#[test]
fn a_result_entered_in_error_is_kept_marked_and_counts_for_nothing() {
    let mut f = fixture();
    let id = record(
        &mut f,
        BbvTest::HepCRna,
        date(2026, 11, 2),
        BbvResult::Positive,
    )
    .unwrap();
    assert!(bbv_causes(&f).contains(&"hep_c_rna positive 2026-11-02".to_owned()));
    let reason = ShortText::new("Recorded against the wrong client".to_owned()).unwrap();
    f.store.write(|w| w.void_bbv_result(id, &reason)).unwrap();
    assert!(
        !bbv_causes(&f).iter().any(|c| c.starts_with("hep_c_rna")),
        "a voided result prompts nothing: {:?}",
        bbv_causes(&f)
    );
    let rows = f.store.bbv_results(f.client_id).unwrap();
    assert_eq!(rows.len(), 1, "kept on the record");
    assert_eq!(
        rows[0].in_error_reason.as_deref(),
        Some("Recorded against the wrong client")
    );
    let again = f
        .store
        .write(|w| w.void_bbv_result(id, &reason))
        .unwrap_err();
    assert!(again.to_string().contains("already marked"), "{again}");
    let missing = f
        .store
        .write(|w| w.void_bbv_result(id + 99, &reason))
        .unwrap_err();
    assert!(
        missing.to_string().contains("there is no BBV result"),
        "{missing}"
    );
}
