//! Reviews, outcomes and alerts through the store: the dates the store keeps as a record changes,
//! TOPs with declined answers, acknowledgements that stay quiet until their cause changes, a
//! review completed once only, configured intervals, and the upgrade from schema 2.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::{NaiveDate, NaiveDateTime};
use fixture::{Fixture, date, today};
use keywork::clock::Clock;
use keywork::domain::*;
use keywork::store::{Access, CaseloadRow, Scope, Store, StoreError, migrate};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::path::PathBuf;
use tempfile::TempDir;

fn at(y: i32, m: u32, d: u32, hour: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(hour, 0, 0).expect("valid time")
}

/// The fixture's worker, whom the store acts as: not the OS login of `fixture::login`.
fn login() -> Login {
    Login::new("sam.okoro").expect("valid login")
}

/// A worker and one client on OST methadone since 2024-01-08, at overdose risk with no naloxone.
fn fixture() -> Fixture {
    Fixture::new(
        fixture::worker("sam.okoro", "Sam Okoro", Role::KeyWorker),
        client,
    )
}

fn client(key_worker_id: i64) -> Client {
    Client {
        referral_date: date(2024, 1, 2),
        treatment_start: Some(date(2024, 1, 8)),
        modality: Modality::OstMethadone,
        risk: RiskFlags {
            overdose_risk: true,
            ..RiskFlags::default()
        },
        ..fixture::client(1, key_worker_id)
    }
}

fn status(f: &Fixture, intervals: &ReviewIntervals) -> CaseloadRow {
    f.store
        .client_status(f.client_id, intervals)
        .expect("client status")
}

fn owed(row: &CaseloadRow, kind: ReviewKind) -> Due {
    *row.owed
        .iter()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| panic!("{kind:?} owed"))
}

fn update_client(f: &mut Fixture, change: impl FnOnce(&mut Client)) {
    let stored = f.store.get::<Client>(f.client_id).expect("client");
    let mut client = stored.record.clone();
    change(&mut client);
    f.store
        .write(|w| w.update_client(f.client_id, stored.row_version, &client))
        .expect("update client");
}

fn done(
    f: &mut Fixture,
    kind: ReviewKind,
    on: NaiveDate,
    due_on: NaiveDate,
) -> Result<i64, StoreError> {
    let review = Review {
        client_id: f.client_id,
        kind,
        due_on,
        completion: Some(ReviewCompletion {
            completed_on: on,
            completed_by: f.worker_id,
            outcome: NoteText::new("Reviewed with the client.").unwrap(),
        }),
    };
    f.store.write(|w| w.complete_review(&review))
}

fn dna(f: &mut Fixture, when: NaiveDateTime) {
    let session = Session {
        client_id: f.client_id,
        worker_id: f.worker_id,
        started_at: when,
        duration: Minutes::new(0).unwrap(),
        kind: SessionKind::KeyWork,
        attendance: Attendance::DidNotAttend,
        note: NoteText::empty(),
        interventions: BTreeSet::new(),
        next_appointment: None,
    };
    f.store.write(|w| w.insert(&session)).expect("insert DNA");
}

fn top(f: &Fixture, on: NaiveDate, stage: TopStage, answers: &[(TopItem, Answer)]) -> Top {
    Top {
        client_id: f.client_id,
        worker_id: f.worker_id,
        completed_on: on,
        stage,
        other_substance: None,
        answers: answers.iter().copied().collect(),
    }
}

fn audit_actions(path: &PathBuf) -> Vec<(String, String)> {
    let conn = Connection::open(path).expect("open raw");
    let mut stmt = conn
        .prepare("SELECT action, record_type FROM audit ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_new_client_owes_reviews_from_treatment_start() {
    let f = fixture();
    let row = status(&f, &ReviewIntervals::default());
    assert_eq!(owed(&row, ReviewKind::CarePlan).due_on, date(2024, 4, 1));
    assert_eq!(owed(&row, ReviewKind::Prescribing).due_on, date(2024, 2, 5));
    assert_eq!(owed(&row, ReviewKind::Outcomes).due_on, date(2024, 1, 8));
    assert_eq!(
        owed(&row, ReviewKind::Outcomes).basis,
        Basis::StartTop {
            on: date(2024, 1, 8)
        }
    );
}

#[test]
fn switching_ost_medicine_calls_for_a_prescribing_review_within_four_weeks() {
    let mut f = fixture();
    done(
        &mut f,
        ReviewKind::Prescribing,
        date(2026, 11, 2),
        date(2026, 11, 5),
    )
    .unwrap();
    let before = status(&f, &ReviewIntervals::default());
    assert_eq!(
        owed(&before, ReviewKind::Prescribing).due_on,
        date(2027, 1, 25)
    );
    update_client(&mut f, |c| c.modality = Modality::OstBuprenorphine);
    let after = status(&f, &ReviewIntervals::default());
    let due = owed(&after, ReviewKind::Prescribing);
    assert_eq!(due.due_on, date(2026, 12, 21));
    assert_eq!(
        due.basis,
        Basis::OstStart {
            on: today(),
            modality: Modality::OstBuprenorphine
        }
    );
}

#[test]
fn time_on_ost_survives_a_change_of_medicine_and_ends_when_ost_ends() {
    let mut f = fixture();
    update_client(&mut f, |c| c.modality = Modality::OstBuprenorphine);
    // Still on OST since 2024: nearly three years, so a stalled plan reads as parked.
    let row = status(&f, &ReviewIntervals::default());
    assert!(
        row.assessment.has(AlertKind::Parked),
        "{:?}",
        row.assessment
    );
    update_client(&mut f, |c| c.modality = Modality::Psychosocial);
    let row = status(&f, &ReviewIntervals::default());
    assert!(!row.assessment.has(AlertKind::Parked));
    assert!(row.owed.iter().all(|d| d.kind != ReviewKind::Prescribing));
}

#[test]
fn a_risk_flag_changing_brings_the_risk_review_within_a_week() {
    let mut f = fixture();
    done(
        &mut f,
        ReviewKind::Risk,
        date(2026, 11, 2),
        date(2026, 11, 2),
    )
    .unwrap();
    assert_eq!(
        owed(&status(&f, &ReviewIntervals::default()), ReviewKind::Risk).due_on,
        date(2027, 1, 25)
    );
    update_client(&mut f, |c| c.injecting = InjectingStatus::Currently);
    let due = owed(&status(&f, &ReviewIntervals::default()), ReviewKind::Risk);
    assert_eq!(due.due_on, date(2026, 11, 30));
    assert_eq!(due.basis, Basis::RiskFlagChanged { on: today() });
    // A change of name is not a change of risk.
    update_client(&mut f, |c| {
        c.preferred_name = Some(Name::new("Joey").unwrap())
    });
    let due = owed(&status(&f, &ReviewIntervals::default()), ReviewKind::Risk);
    assert_eq!(due.basis, Basis::RiskFlagChanged { on: today() });
}

#[test]
fn a_discharged_client_owes_an_exit_top_until_one_is_recorded() {
    let mut f = fixture();
    update_client(&mut f, |c| c.status = ClientStatus::Discharged);
    let intervals = ReviewIntervals::default();
    let row = status(&f, &intervals);
    assert_eq!(row.owed.len(), 1);
    assert_eq!(
        owed(&row, ReviewKind::Outcomes).basis,
        Basis::ExitTop { on: today() }
    );
    let exited = f.store.exited_owing_top(Scope::Team, &intervals).unwrap();
    assert_eq!(exited.len(), 1);
    let exit = top(&f, today(), TopStage::Exit, &[]);
    f.store.write(|w| w.insert(&exit)).unwrap();
    assert!(status(&f, &intervals).owed.is_empty());
    assert!(
        f.store
            .exited_owing_top(Scope::Team, &intervals)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn configured_intervals_change_what_the_store_reports_due() {
    let mut f = fixture();
    done(
        &mut f,
        ReviewKind::CarePlan,
        date(2026, 10, 1),
        date(2026, 10, 1),
    )
    .unwrap();
    let defaults = ReviewIntervals::default();
    let monthly = ReviewIntervals {
        care_plan: Interval::Months(1),
        ..defaults
    };
    assert_eq!(
        owed(&status(&f, &defaults), ReviewKind::CarePlan).due_on,
        date(2026, 12, 24)
    );
    assert_eq!(
        owed(&status(&f, &monthly), ReviewKind::CarePlan).due_on,
        date(2026, 11, 1)
    );
    let due = f.store.reviews_due(Scope::Team, &monthly, today()).unwrap();
    assert!(
        due.iter()
            .any(|d| d.due.kind == ReviewKind::CarePlan && d.due.due_on == date(2026, 11, 1))
    );
    let due = f
        .store
        .reviews_due(Scope::Team, &defaults, today())
        .unwrap();
    assert!(due.iter().all(|d| d.due.kind != ReviewKind::CarePlan));
}

#[test]
fn a_review_is_completed_once_and_a_second_completion_is_refused() {
    let mut f = fixture();
    let due = owed(
        &status(&f, &ReviewIntervals::default()),
        ReviewKind::CarePlan,
    );
    done(&mut f, ReviewKind::CarePlan, today(), due.due_on).unwrap();
    let err = done(&mut f, ReviewKind::CarePlan, today(), due.due_on).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyDone { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "this review has already been recorded by someone else; nothing was saved"
    );
    let actions = audit_actions(&f.path);
    let completes = actions
        .iter()
        .filter(|(a, r)| a == "complete" && r == "review")
        .count();
    assert_eq!(completes, 1);
}

#[test]
fn top_answers_round_trip_with_declined_kept_apart_from_zero() {
    let mut f = fixture();
    let record = Top {
        other_substance: Some(Name::new("Pregabalin").unwrap()),
        ..top(
            &f,
            date(2026, 11, 20),
            TopStage::Review,
            &[
                (TopItem::OpiatesDays, Answer::Declined),
                (TopItem::CrackDays, Answer::Value(0.0)),
                (TopItem::AlcoholDays, Answer::Value(4.0)),
                (TopItem::AlcoholUnits, Answer::Value(12.5)),
                (TopItem::OtherDays, Answer::Value(3.0)),
                (TopItem::QualityOfLife, Answer::Value(14.0)),
                (TopItem::Fraud, Answer::Value(0.0)),
            ],
        )
    };
    let id = f.store.write(|w| w.insert(&record)).unwrap();
    let stored = f.store.get::<Top>(id).unwrap();
    assert_eq!(stored.record, record);
    assert_eq!(stored.record.opiate_days(), None);
    assert!(audit_actions(&f.path).contains(&("create".into(), "top".into())));
}

#[test]
fn impossible_top_answers_are_refused_by_sql_too() {
    let mut f = fixture();
    let start = top(&f, today(), TopStage::Start, &[]);
    let id = f.store.write(|w| w.insert(&start)).unwrap();
    let conn = Connection::open(&f.path).unwrap();
    let insert = |item: &str, declined: i64, value: Option<f64>| {
        conn.execute(
            "INSERT INTO top_answers (top_id, item, declined, value) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, item, declined, value],
        )
    };
    assert!(insert("opiates_days", 0, Some(29.0)).is_err(), "29 days");
    assert!(insert("opiates_days", 0, Some(2.5)).is_err(), "half a day");
    assert!(
        insert("quality_of_life", 0, Some(21.0)).is_err(),
        "21 of 20"
    );
    assert!(insert("fraud", 0, Some(2.0)).is_err(), "yes/no of 2");
    assert!(insert("crack_grams", 0, Some(1000.0)).is_err(), "a kilo");
    assert!(
        insert("crack_days", 1, Some(0.0)).is_err(),
        "declined with a value"
    );
    assert!(insert("crack_days", 0, None).is_err(), "neither");
    assert!(insert("unknown_item", 1, None).is_err(), "unknown item");
    assert!(insert("crack_days", 1, None).is_ok(), "declined");
    assert!(insert("crack_grams", 0, Some(0.5)).is_ok(), "half a gram");
}

#[test]
fn the_six_month_signal_reads_the_latest_recorded_top_and_a_declined_answer_is_no_signal() {
    let mut f = fixture();
    let opiates = |days| [(TopItem::OpiatesDays, Answer::Value(days))];
    let first = top(&f, date(2024, 1, 8), TopStage::Start, &opiates(28.0));
    let review = top(&f, date(2026, 11, 1), TopStage::Review, &opiates(6.0));
    f.store.write(|w| w.insert(&first)).unwrap();
    f.store.write(|w| w.insert(&review)).unwrap();
    let row = status(&f, &ReviewIntervals::default());
    let signal = row
        .assessment
        .open
        .iter()
        .find(|a| a.kind == AlertKind::SixMonthSignal)
        .expect("six-month signal");
    assert_eq!(
        signal.reason,
        "On OST 2 years 10 months and the TOP of 01/11/2026 records illicit opiate use on 6 of 28 days"
    );
    let declined = top(
        &f,
        date(2026, 11, 20),
        TopStage::Review,
        &[(TopItem::OpiatesDays, Answer::Declined)],
    );
    f.store.write(|w| w.insert(&declined)).unwrap();
    assert!(
        !status(&f, &ReviewIntervals::default())
            .assessment
            .has(AlertKind::SixMonthSignal)
    );
}

#[test]
fn an_acknowledged_alert_is_quiet_until_its_cause_changes_and_the_ack_is_audited() {
    let mut f = fixture();
    for day in [2, 9, 16] {
        dna(&mut f, at(2026, 11, day, 10));
    }
    let row = status(&f, &ReviewIntervals::default());
    let alert = row
        .assessment
        .open
        .iter()
        .find(|a| a.kind == AlertKind::ThreeDnas)
        .expect("three DNAs")
        .clone();
    let ack = AlertAck {
        client_id: f.client_id,
        kind: alert.kind,
        cause: alert.cause.clone(),
        reason: ShortText::new("In hospital; ward confirmed, visiting Friday").unwrap(),
        worker_id: f.worker_id,
        acknowledged_on: today(),
    };
    f.store.write(|w| w.acknowledge(&ack)).unwrap();
    let row = status(&f, &ReviewIntervals::default());
    assert!(!row.assessment.has(AlertKind::ThreeDnas));
    assert_eq!(row.assessment.quiet, vec![alert]);
    assert!(audit_actions(&f.path).contains(&("acknowledge".into(), "alert_ack".into())));
    // The reason is a record, not an audit detail.
    let record = f
        .store
        .client_record(f.client_id, &ReviewIntervals::default())
        .unwrap();
    assert_eq!(record.acks.len(), 1);
    assert_eq!(record.acks[0].record, ack);

    dna(&mut f, at(2026, 11, 23, 10));
    let row = status(&f, &ReviewIntervals::default());
    assert!(
        row.assessment.has(AlertKind::ThreeDnas),
        "a new DNA is a new cause"
    );
    assert!(row.assessment.quiet.is_empty());
}

#[test]
fn goal_progress_date_moves_only_when_progress_or_status_changes() {
    let mut f = fixture();
    let goal = Goal {
        client_id: f.client_id,
        area: GoalArea::new(GoalDomain::Exit, None).unwrap(),
        in_own_words: ShortText::new("Come off my script by next summer").unwrap(),
        why_it_matters: None,
        set_on: date(2026, 1, 5),
        target_date: None,
        status: GoalStatus::Active,
        progress: Score::new(3).unwrap(),
    };
    let id = f.store.write(|w| w.insert(&goal)).unwrap();
    let progress_on = |f: &Fixture| -> Option<NaiveDate> {
        Connection::open(&f.path)
            .unwrap()
            .query_row("SELECT progress_on FROM goals WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(progress_on(&f), Some(date(2026, 1, 5)));
    let reworded = Goal {
        in_own_words: ShortText::new("Come off my script by the summer").unwrap(),
        ..goal.clone()
    };
    f.store.write(|w| w.update_goal(id, 1, &reworded)).unwrap();
    assert_eq!(
        progress_on(&f),
        Some(date(2026, 1, 5)),
        "wording is not progress"
    );
    let progressed = Goal {
        progress: Score::new(5).unwrap(),
        ..reworded
    };
    f.store
        .write(|w| w.update_goal(id, 2, &progressed))
        .unwrap();
    assert_eq!(progress_on(&f), Some(today()));
}

/// A schema-2 file with an open and a completed review, an audit entry and a draft.
fn version_two_file(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("old.db");
    let conn = Connection::open(&path).unwrap();
    for migration in &migrate::MIGRATIONS[..2] {
        conn.execute_batch(migration.sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 2).unwrap();
    let stamp = "2026-06-01T12:00:00Z";
    conn.execute_batch(&format!(
        "INSERT INTO workers (login, display_name, role, created_at, updated_at)
             VALUES ('sam.okoro', 'Sam Okoro', 'key_worker', '{stamp}', '{stamp}');
         INSERT INTO clients (reference, given_name, family_name, date_of_birth, key_worker_id, status,
             referral_date, treatment_start, primary_substance, injecting, modality, created_at, updated_at)
             VALUES ('KW-00001', 'Jo', 'Wren', '1985-06-15', 1, 'active', '2025-01-02', '2025-01-06', 'heroin',
                     'never', 'ost_methadone', '{stamp}', '{stamp}');
         INSERT INTO reviews (client_id, kind, due_on, created_at, updated_at)
             VALUES (1, 'care_plan', '2026-12-01', '{stamp}', '{stamp}');
         INSERT INTO reviews (client_id, kind, due_on, completed_on, completed_by, outcome, created_at, updated_at)
             VALUES (1, 'care_plan', '2026-09-01', '2026-09-08', 1, 'Plan agreed.', '{stamp}', '{stamp}');
         INSERT INTO reviews (client_id, kind, due_on, completed_on, completed_by, outcome, created_at, updated_at)
             VALUES (1, 'outcomes', '2026-07-01', '2026-07-06', 1, 'TOP done.', '{stamp}', '{stamp}');
         INSERT INTO drafts (login, form, client_id, target_id, target_version, content, created_at, updated_at)
             VALUES ('sam.okoro', 'review', 1, 1, 1, '{{\"outcome\": \"half an outcome\"}}', '{stamp}', '{stamp}');
         INSERT INTO audit (at, login, action, record_type, record_id)
             VALUES ('{stamp}', 'sam.okoro', 'create', 'client', 1);
         INSERT INTO drafts (login, form, client_id, content, created_at, updated_at)
             VALUES ('sam.okoro', 'session', 1, '{{\"note\": \"half a note\"}}', '{stamp}', '{stamp}');"
    ))
    .unwrap();
    path
}

#[test]
fn upgrading_from_schema_two_keeps_completed_reviews_audit_and_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let path = version_two_file(&dir);
    let store = Store::open_unchecked(&path, Access::Write, Clock::fixed(today()), login())
        .expect("upgrade");
    assert_eq!(store.schema_version().unwrap(), migrate::LATEST);
    let conn = Connection::open(&path).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM reviews"),
        2,
        "the open review is gone"
    );
    assert_eq!(
        count("SELECT count(*) FROM reviews WHERE completed_on = '2026-09-08'"),
        1
    );
    assert_eq!(count("SELECT count(*) FROM audit"), 1);
    let chain = store.verify_audit().unwrap();
    assert!(
        chain.is_intact(),
        "the old trail is chained on upgrade: {chain:?}"
    );
    assert_eq!(chain.rows, 1);
    assert_eq!(
        count("SELECT count(*) FROM workers WHERE role = 'team_lead'"),
        1,
        "a team list without a lead (locked by the old first-worker rule) gets its first worker as lead"
    );
    assert_eq!(count("SELECT count(*) FROM drafts"), 2);
    let kind: String = conn
        .query_row(
            "SELECT json_extract(content, '$.kind') FROM drafts WHERE form = 'review'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        kind, "care_plan",
        "a review draft keeps the kind of its review"
    );
    assert_eq!(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    let indexes = count(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'index'
         AND name IN ('audit_by_record', 'drafts_by_login', 'reviews_done_by_client', 'tops_by_client')",
    );
    assert_eq!(indexes, 4);
    let since: (String, String, String) = conn
        .query_row(
            "SELECT status_since, modality_since, ost_since FROM clients WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        since,
        (
            "2025-01-06".into(),
            "2025-01-06".into(),
            "2025-01-06".into()
        )
    );
    // The rebuilt audit table is still append-only.
    assert!(conn.execute("DELETE FROM audit", []).is_err());
    assert!(conn.execute("UPDATE audit SET login = 'x'", []).is_err());
    // And the next care-plan review is computed from the completed one.
    let row = store.client_status(1, &ReviewIntervals::default()).unwrap();
    assert_eq!(owed(&row, ReviewKind::CarePlan).due_on, date(2026, 12, 1));
    // An outcomes review completed before TOPs were recorded still counts as the last TOP.
    assert_eq!(owed(&row, ReviewKind::Outcomes).due_on, date(2027, 1, 4));
}

#[test]
fn a_client_on_hold_owes_no_reviews_but_keeps_safety_alerts() {
    let mut f = fixture();
    update_client(&mut f, |c| {
        c.status = ClientStatus::OnHold;
        c.risk.prison_release_on = Some(date(2026, 11, 20));
    });
    let row = status(&f, &ReviewIntervals::default());
    assert!(row.owed.is_empty());
    assert!(row.assessment.has(AlertKind::PrisonRelease));
    assert!(row.assessment.has(AlertKind::Naloxone));
    assert!(
        !row.assessment
            .open
            .iter()
            .any(|a| matches!(a.kind, AlertKind::ReviewOverdue(_)))
    );
}

#[test]
fn time_on_ost_counts_from_this_treatment_episode_only() {
    let mut f = fixture();
    // Back in treatment a month ago after an earlier episode: the stored OST start is old.
    update_client(&mut f, |c| {
        c.referral_date = date(2026, 10, 20);
        c.treatment_start = Some(date(2026, 10, 23));
    });
    let row = status(&f, &ReviewIntervals::default());
    assert!(
        !row.assessment.has(AlertKind::Parked),
        "{:?}",
        row.assessment
    );
}
