//! Correcting the record through the store: each kind of entry amended with its earlier version
//! kept, marked entered in error with a reason and restored, each audited; entries in error
//! count for nothing in the rules; erasure takes the earlier versions with the client; and a
//! schema-4 file upgrades with its audit chain intact.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::{NaiveDate, NaiveDateTime};
use fixture::{Fixture, at, date, today};
use keywork::clock::Clock;
use keywork::domain::*;
use keywork::store::{Access, Correctable, Store, StoreError, migrate};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The fixture's worker, whom the store acts as: not the OS login of `fixture::login`.
fn login() -> Login {
    Login::new("sam.okoro").expect("valid login")
}

/// A worker and one client on OST methadone since 2024-01-08.
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
        ..fixture::client(1, key_worker_id)
    }
}

fn session(f: &Fixture, when: NaiveDateTime, attendance: Attendance) -> Session {
    Session {
        client_id: f.client_id,
        worker_id: f.worker_id,
        started_at: when,
        duration: Minutes::new(if attendance == Attendance::Attended {
            45
        } else {
            0
        })
        .unwrap(),
        kind: SessionKind::KeyWork,
        attendance,
        note: NoteText::new("Talked about housing.").unwrap(),
        interventions: BTreeSet::new(),
        next_appointment: None,
    }
}

fn note(f: &Fixture, on: NaiveDate, stage: Stage) -> ReadinessNote {
    ReadinessNote {
        client_id: f.client_id,
        worker_id: f.worker_id,
        noted_on: on,
        stage,
        importance: Some(Score::new(7).unwrap()),
        confidence: None,
        readiness: None,
        note: NoteText::new("Wants to cut down.").unwrap(),
        session_id: None,
    }
}

fn goal(f: &Fixture, domain: GoalDomain) -> Goal {
    Goal {
        client_id: f.client_id,
        area: GoalArea::new(domain, None).unwrap(),
        in_own_words: ShortText::new("Get my own flat").unwrap(),
        why_it_matters: None,
        set_on: date(2026, 9, 1),
        target_date: None,
        status: GoalStatus::Active,
        progress: Score::new(3).unwrap(),
    }
}

fn review(f: &Fixture, kind: ReviewKind, on: NaiveDate, due_on: NaiveDate) -> Review {
    Review {
        client_id: f.client_id,
        kind,
        due_on,
        completion: Some(ReviewCompletion {
            completed_on: on,
            completed_by: f.worker_id,
            outcome: NoteText::new("Reviewed with the client.").unwrap(),
        }),
    }
}

fn top(f: &Fixture, on: NaiveDate, opiate_days: f64) -> Top {
    Top {
        client_id: f.client_id,
        worker_id: f.worker_id,
        completed_on: on,
        stage: TopStage::Review,
        other_substance: None,
        answers: [(TopItem::OpiatesDays, Answer::Value(opiate_days))]
            .into_iter()
            .collect(),
    }
}

fn audit_of(path: &Path, record_type: RecordType, id: i64) -> Vec<String> {
    let conn = Connection::open(path).expect("open raw");
    let mut stmt = conn
        .prepare("SELECT action FROM audit WHERE record_type = ?1 AND record_id = ?2 ORDER BY id")
        .unwrap();
    stmt.query_map(rusqlite::params![record_type.code(), id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Inserts the entry `make` builds from the fixture.
fn insert<T: Correctable>(f: &mut Fixture, make: impl FnOnce(&Fixture) -> T) -> i64 {
    let record = make(f);
    f.store.write(|w| w.insert(&record)).expect("insert")
}

/// Amends, voids and restores one entry, checking what is kept and audited at each step.
fn amend_void_unvoid<T: Correctable + Clone + PartialEq + std::fmt::Debug>(
    f: &mut Fixture,
    original: T,
    amended: T,
) {
    let id = insert(f, |_| original.clone());
    let what = T::RECORD;
    f.store.write(|w| w.amend(id, 1, &amended)).expect("amend");
    let stored = f.store.get::<T>(id).unwrap();
    assert_eq!(stored.record, amended, "{what}: the amendment is saved");
    assert_eq!(stored.row_version, 2);
    let earlier = f.store.earlier_versions(what, id).unwrap();
    assert_eq!(earlier.len(), 1, "{what}: the earlier version is kept");
    assert_eq!(earlier[0].version, 1);
    assert_eq!(earlier[0].change, Change::Amend);
    assert_eq!(earlier[0].written_by.as_ref(), Some(&login()));
    assert_eq!(earlier[0].replaced_by, login());
    let mut original_json = serde_json::to_value(&original).unwrap();
    original_json["in_error"] = serde_json::Value::Null;
    assert_eq!(earlier[0].content, original_json, "{what}: kept whole");

    let blank = f.store.write(|w| w.void(what, id, "  "));
    assert!(
        matches!(blank, Err(StoreError::Invalid { .. })),
        "{what}: a reason is required"
    );
    f.store
        .write(|w| w.void(what, id, "Recorded against the wrong client"))
        .expect("void");
    let mark = f.store.in_error(what, id).unwrap().expect("marked");
    assert_eq!(mark.reason.as_str(), "Recorded against the wrong client");
    assert_eq!(mark.by, login());
    let twice = f.store.write(|w| w.void(what, id, "again"));
    assert!(
        matches!(twice, Err(StoreError::AlreadyInError { .. })),
        "{what}: voided once only"
    );
    let record = f
        .store
        .client_record(f.client_id, &ReviewIntervals::default())
        .unwrap();
    assert!(record.corrections.is_amended(what, id));
    assert_eq!(
        record
            .corrections
            .in_error(what, id)
            .map(|m| m.reason.as_str()),
        Some("Recorded against the wrong client")
    );

    f.store.write(|w| w.unvoid(what, id)).expect("unvoid");
    assert_eq!(f.store.in_error(what, id).unwrap(), None);
    let again = f.store.write(|w| w.unvoid(what, id));
    assert!(matches!(again, Err(StoreError::NotInError { .. })));
    let earlier = f.store.earlier_versions(what, id).unwrap();
    let changes: Vec<(i64, Change)> = earlier.iter().map(|e| (e.version, e.change)).collect();
    assert_eq!(
        changes,
        [(3, Change::Unvoid), (2, Change::Void), (1, Change::Amend)],
        "{what}: newest first"
    );
    assert_eq!(
        earlier[0].content["in_error"]["reason"], "Recorded against the wrong client",
        "{what}: the marked version keeps its reason"
    );
    let actions = audit_of(&f.path, what, id);
    assert_eq!(
        &actions[actions.len() - 3..],
        ["amend", "void", "unvoid"],
        "{what}: each audited"
    );
    let stale = f.store.write(|w| w.amend(id, 1, &original));
    assert!(
        matches!(stale, Err(StoreError::Conflict { current: 4, .. })),
        "{what}: an amendment from an old read is a conflict: {stale:?}"
    );
}

#[test]
fn a_session_is_amended_voided_and_restored_with_every_version_kept() {
    let mut f = fixture();
    let original = session(&f, at(2026, 11, 20, 10, 0), Attendance::Attended);
    let amended = Session {
        note: NoteText::new("Talked about housing and benefits.").unwrap(),
        duration: Minutes::new(50).unwrap(),
        ..original.clone()
    };
    amend_void_unvoid(&mut f, original, amended);
}

#[test]
fn a_readiness_note_is_amended_voided_and_restored_with_every_version_kept() {
    let mut f = fixture();
    let original = note(&f, date(2026, 11, 20), Stage::Contemplation);
    let amended = ReadinessNote {
        stage: Stage::Preparation,
        ..original.clone()
    };
    amend_void_unvoid(&mut f, original, amended);
}

#[test]
fn a_goal_is_amended_voided_and_restored_with_every_version_kept() {
    let mut f = fixture();
    let original = goal(&f, GoalDomain::Housing);
    let amended = Goal {
        in_own_words: ShortText::new("Get my own flat near my sister").unwrap(),
        ..original.clone()
    };
    amend_void_unvoid(&mut f, original, amended);
}

#[test]
fn a_goal_action_is_amended_voided_and_restored_with_every_version_kept() {
    let mut f = fixture();
    let goal_id = insert(&mut f, |f| goal(f, GoalDomain::Housing));
    let original = GoalAction {
        goal_id,
        step: ShortText::new("Call the housing office").unwrap(),
        owner: ActionOwner::Client,
        due_on: Some(date(2026, 12, 1)),
        done_on: None,
    };
    let amended = GoalAction {
        owner: ActionOwner::KeyWorker,
        ..original.clone()
    };
    amend_void_unvoid(&mut f, original, amended);
}

#[test]
fn a_completed_review_is_amended_voided_and_restored_with_every_version_kept() {
    let mut f = fixture();
    let original = review(
        &f,
        ReviewKind::CarePlan,
        date(2026, 11, 2),
        date(2026, 11, 2),
    );
    let mut amended = original.clone();
    amended.completion.as_mut().unwrap().outcome =
        NoteText::new("Reviewed with the client and her sister.").unwrap();
    amend_void_unvoid(&mut f, original, amended);
}

#[test]
fn a_top_is_amended_voided_and_restored_with_every_version_kept() {
    let mut f = fixture();
    let original = top(&f, date(2026, 11, 16), 4.0);
    let amended = top(&f, date(2026, 11, 16), 14.0);
    amend_void_unvoid(&mut f, original, amended);
}

#[test]
fn an_alert_acknowledgement_is_amended_voided_and_restored_with_every_version_kept() {
    let mut f = fixture();
    let original = AlertAck {
        client_id: f.client_id,
        kind: AlertKind::Naloxone,
        cause: "held false supplied never".into(),
        reason: ShortText::new("Declined a kit today").unwrap(),
        worker_id: f.worker_id,
        acknowledged_on: today(),
    };
    let amended = AlertAck {
        reason: ShortText::new("Declined a kit today; will ask again next week").unwrap(),
        ..original.clone()
    };
    amend_void_unvoid(&mut f, original, amended);
}

#[test]
fn an_amendment_cannot_move_an_entry_to_another_client_nor_into_the_future() {
    let mut f = fixture();
    let original = session(&f, at(2026, 11, 20, 10, 0), Attendance::Attended);
    let id = insert(&mut f, |_| original.clone());
    let moved = Session {
        client_id: f.client_id + 1,
        ..original.clone()
    };
    assert!(matches!(
        f.store.write(|w| w.amend(id, 1, &moved)),
        Err(StoreError::Invalid { .. })
    ));
    let future = Session {
        started_at: at(2026, 11, 24, 10, 0),
        ..original
    };
    assert!(matches!(
        f.store.write(|w| w.amend(id, 1, &future)),
        Err(StoreError::Invalid { .. })
    ));
    assert!(
        f.store
            .earlier_versions(RecordType::Session, id)
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        f.store
            .write(|w| w.void(RecordType::Session, id + 100, "no such")),
        Err(StoreError::NotFound { .. })
    ));
}

fn has(f: &Fixture, kind: AlertKind) -> bool {
    f.store
        .client_status(f.client_id, &ReviewIntervals::default())
        .unwrap()
        .assessment
        .has(kind)
}

#[test]
fn a_dna_in_error_no_longer_makes_three_in_a_row_and_restoring_it_brings_the_alert_back() {
    let mut f = fixture();
    let mut ids = Vec::new();
    for day in [2, 9, 16] {
        let dna = session(&f, at(2026, 11, day, 10, 0), Attendance::DidNotAttend);
        ids.push(insert(&mut f, |_| dna));
    }
    assert!(has(&f, AlertKind::ThreeDnas));
    assert!(f.store.three_dnas_in_a_row(f.client_id).unwrap());
    f.store
        .write(|w| w.void(RecordType::Session, ids[1], "Recorded twice"))
        .unwrap();
    assert!(!has(&f, AlertKind::ThreeDnas), "voiding one removes it");
    assert!(!f.store.three_dnas_in_a_row(f.client_id).unwrap());
    f.store
        .write(|w| w.unvoid(RecordType::Session, ids[1]))
        .unwrap();
    assert!(has(&f, AlertKind::ThreeDnas), "unvoiding restores it");
}

#[test]
fn a_dna_already_recorded_today_is_found_unless_in_error() {
    let mut f = fixture();
    assert_eq!(f.store.dna_recorded_on(f.client_id, today()).unwrap(), None);
    let early = insert(&mut f, |f| {
        session(f, at(2026, 11, 23, 9, 0), Attendance::DidNotAttend)
    });
    insert(&mut f, |f| {
        session(f, at(2026, 11, 23, 10, 5), Attendance::DidNotAttend)
    });
    insert(&mut f, |f| {
        session(f, at(2026, 11, 23, 11, 0), Attendance::Attended)
    });
    insert(&mut f, |f| {
        session(f, at(2026, 11, 22, 23, 59), Attendance::DidNotAttend)
    });
    assert_eq!(
        f.store.dna_recorded_on(f.client_id, today()).unwrap(),
        Some(at(2026, 11, 23, 10, 5))
    );
    let late = early + 1;
    f.store
        .write(|w| w.void(RecordType::Session, late, "Recorded twice"))
        .unwrap();
    assert_eq!(
        f.store.dna_recorded_on(f.client_id, today()).unwrap(),
        Some(at(2026, 11, 23, 9, 0))
    );
    f.store
        .write(|w| w.void(RecordType::Session, early, "Recorded twice"))
        .unwrap();
    assert_eq!(f.store.dna_recorded_on(f.client_id, today()).unwrap(), None);
}

#[test]
fn a_top_in_error_is_no_longer_the_latest_nor_the_six_month_signal() {
    let mut f = fixture();
    insert(&mut f, |f| top(f, date(2026, 8, 10), 0.0));
    let bad = insert(&mut f, |f| top(f, date(2026, 11, 16), 12.0));
    let row = f
        .store
        .client_status(f.client_id, &ReviewIntervals::default())
        .unwrap();
    assert!(row.assessment.has(AlertKind::SixMonthSignal));
    let due_with = row
        .owed
        .iter()
        .find(|d| d.kind == ReviewKind::Outcomes)
        .unwrap()
        .due_on;
    f.store
        .write(|w| w.void(RecordType::Top, bad, "Another client's answers"))
        .unwrap();
    let row = f
        .store
        .client_status(f.client_id, &ReviewIntervals::default())
        .unwrap();
    assert!(!row.assessment.has(AlertKind::SixMonthSignal));
    let due_without = row
        .owed
        .iter()
        .find(|d| d.kind == ReviewKind::Outcomes)
        .unwrap()
        .due_on;
    assert!(
        due_without < due_with,
        "the earlier TOP is the latest again: {due_without} vs {due_with}"
    );
}

#[test]
fn a_completed_review_in_error_is_owed_again_and_can_be_recorded_again() {
    let mut f = fixture();
    let owed = |f: &Fixture| {
        f.store
            .client_status(f.client_id, &ReviewIntervals::default())
            .unwrap()
            .owed
            .iter()
            .find(|d| d.kind == ReviewKind::CarePlan)
            .map(|d| d.due_on)
    };
    let before = owed(&f).unwrap();
    let done = review(&f, ReviewKind::CarePlan, today(), before);
    let id = f.store.write(|w| w.complete_review(&done)).unwrap();
    assert_ne!(owed(&f), Some(before));
    f.store
        .write(|w| w.void(RecordType::Review, id, "Recorded for the wrong review"))
        .unwrap();
    assert_eq!(owed(&f), Some(before), "the review is owed again");
    f.store
        .write(|w| w.complete_review(&done))
        .expect("and can be recorded again");
}

#[test]
fn an_acknowledgement_in_error_no_longer_quietens_its_alert() {
    let mut f = fixture();
    for day in [2, 9, 16] {
        insert(&mut f, |f| {
            session(f, at(2026, 11, day, 10, 0), Attendance::DidNotAttend)
        });
    }
    let ack = AlertAck {
        client_id: f.client_id,
        kind: AlertKind::ThreeDnas,
        cause: "dna 2026-11-16 10:00".into(),
        reason: ShortText::new("In hospital").unwrap(),
        worker_id: f.worker_id,
        acknowledged_on: today(),
    };
    let id = f.store.write(|w| w.acknowledge(&ack)).unwrap();
    assert!(!has(&f, AlertKind::ThreeDnas));
    f.store
        .write(|w| w.void(RecordType::AlertAck, id, "Wrong client"))
        .unwrap();
    assert!(has(&f, AlertKind::ThreeDnas));
}

#[test]
fn a_readiness_note_in_error_is_not_the_current_stage() {
    let mut f = fixture();
    insert(&mut f, |f| note(f, date(2026, 10, 1), Stage::Contemplation));
    let wrong = insert(&mut f, |f| note(f, date(2026, 11, 20), Stage::Maintenance));
    let stage = |f: &Fixture| {
        f.store
            .client_status(f.client_id, &ReviewIntervals::default())
            .unwrap()
            .stage
    };
    assert_eq!(stage(&f), Some(Stage::Maintenance));
    f.store
        .write(|w| w.void(RecordType::ReadinessNote, wrong, "Another client's note"))
        .unwrap();
    assert_eq!(stage(&f), Some(Stage::Contemplation));
}

#[test]
fn an_exit_goal_in_error_counts_for_nothing() {
    let mut f = fixture();
    let id = insert(&mut f, |f| goal(f, GoalDomain::Exit));
    let parked_reason = |f: &Fixture| {
        f.store
            .client_status(f.client_id, &ReviewIntervals::default())
            .unwrap()
            .assessment
            .open
            .into_iter()
            .find(|a| a.kind == AlertKind::Parked)
            .map(|a| a.cause)
            .unwrap_or_default()
    };
    assert!(!parked_reason(&f).contains("no exit goal"));
    assert!(!parked_reason(&f).contains("progress never"));
    f.store
        .write(|w| w.void(RecordType::Goal, id, "Set for the wrong client"))
        .unwrap();
    assert!(parked_reason(&f).contains("no exit goal"));
    assert!(
        parked_reason(&f).contains("progress never"),
        "its progress date counts for nothing either"
    );
}

#[test]
fn erasing_a_client_removes_their_earlier_versions_which_nothing_else_may_delete() {
    let mut f = fixture();
    let id = insert(&mut f, |f| {
        session(f, at(2026, 11, 20, 10, 0), Attendance::Attended)
    });
    f.store
        .write(|w| w.void(RecordType::Session, id, "Wrong client"))
        .unwrap();
    let conn = Connection::open(&f.path).unwrap();
    assert!(conn.execute("DELETE FROM earlier_versions", []).is_err());
    assert!(
        conn.execute("UPDATE earlier_versions SET version = 9", [])
            .is_err()
    );
    let preview = f
        .store
        .erasure_preview(&ServiceRef::from_number(1))
        .unwrap()
        .unwrap();
    assert!(
        preview
            .removed
            .iter()
            .any(|r| r.phrase() == "1 earlier version")
    );
    f.store.erase_client(&ServiceRef::from_number(1)).unwrap();
    let left: i64 = conn
        .query_row("SELECT count(*) FROM earlier_versions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

/// A schema-4 file: the migrations up to 4 applied by hand, one record and a chained audit row.
fn schema_four_file(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("v4.db");
    let mut conn = Connection::open(&path).unwrap();
    for (index, migration) in migrate::MIGRATIONS[..4].iter().enumerate() {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(migration.sql).unwrap();
        if let Some((step, sql)) = migration.then {
            step(&tx).unwrap();
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .unwrap();
        tx.commit().unwrap();
    }
    conn.execute_batch(
        "INSERT INTO workers (login, display_name, role, created_at, updated_at)
             VALUES ('sam.okoro', 'Sam Okoro', 'team_lead', '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z');",
    )
    .unwrap();
    let mut previous = keywork::domain::audit::GENESIS_HASH.to_owned();
    for id in 1..=3 {
        let at = format!("2026-11-0{id}T09:00:00Z");
        let hash = keywork::domain::audit::chain_hash(
            &previous,
            &keywork::domain::audit::ChainFields {
                id,
                at: &at,
                login: "sam.okoro",
                action: "create",
                record_type: "worker",
                record_id: Some(1),
                detail: None,
            },
        );
        conn.execute(
            "INSERT INTO audit (id, at, login, action, record_type, record_id, detail, hash)
             VALUES (?1, ?2, 'sam.okoro', 'create', 'worker', 1, NULL, ?3)",
            rusqlite::params![id, at, hash],
        )
        .unwrap();
        previous = hash;
    }
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1)",
        [format!("3:{previous}")],
    )
    .unwrap();
    path
}

#[test]
fn a_schema_four_file_upgrades_with_its_audit_chain_intact_and_learns_the_new_actions() {
    let dir = tempfile::tempdir().unwrap();
    let path = schema_four_file(&dir);
    let hashes = |path: &Path| -> Vec<String> {
        let conn = Connection::open(path).unwrap();
        let mut stmt = conn.prepare("SELECT hash FROM audit ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = hashes(&path);
    let mut store = Store::open_unchecked(&path, Access::Write, Clock::fixed(today()), login())
        .expect("upgrade");
    assert_eq!(store.schema_version().unwrap(), migrate::LATEST);
    assert_eq!(hashes(&path), before, "rows copied unchanged");
    let chain = store.verify_audit().unwrap();
    assert!(chain.is_intact(), "{chain:?}");
    assert_eq!(chain.rows, 3);

    let client_id = store.write(|w| w.insert(&client(1))).unwrap();
    let session = Session {
        client_id,
        worker_id: 1,
        started_at: at(2026, 11, 20, 10, 0),
        duration: Minutes::new(0).unwrap(),
        kind: SessionKind::KeyWork,
        attendance: Attendance::DidNotAttend,
        note: NoteText::empty(),
        interventions: BTreeSet::new(),
        next_appointment: None,
    };
    let id = store.write(|w| w.insert(&session)).unwrap();
    store
        .write(|w| w.void(RecordType::Session, id, "Recorded twice"))
        .unwrap();
    let chain = store.verify_audit().unwrap();
    assert!(chain.is_intact(), "after a void: {chain:?}");
    assert_eq!(chain.rows, 6);
    let conn = Connection::open(&path).unwrap();
    assert!(conn.execute("DELETE FROM audit", []).is_err());
    assert!(conn.execute("UPDATE audit SET login = 'x'", []).is_err());
    drop(store);

    // And `keywork check` says so (on a file kept from other users, as check asks).
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        use std::os::unix::fs::PermissionsExt;
        let entry = entry.unwrap().path();
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["check", "--db", path.to_str().unwrap()])
        .env_remove("KEYWORK_DB")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("6 rows, hash chain intact"), "{text}");
}

#[test]
fn the_panes_leave_out_notes_and_goals_in_error_while_the_record_keeps_them() {
    let mut f = fixture();
    let kept = insert(&mut f, |f| note(f, date(2026, 10, 1), Stage::Contemplation));
    let wrong = insert(&mut f, |f| note(f, date(2026, 11, 1), Stage::Action));
    let goal_id = insert(&mut f, |f| goal(f, GoalDomain::Housing));
    f.store
        .write(|w| {
            w.void(RecordType::ReadinessNote, wrong, "Wrong client")?;
            w.void(RecordType::Goal, goal_id, "Duplicate")
        })
        .unwrap();
    let in_force: Vec<i64> = f
        .store
        .readiness_in_force(f.client_id)
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(in_force, vec![kept]);
    assert!(f.store.plan(f.client_id).unwrap().is_empty());
    let record = f
        .store
        .client_record(f.client_id, &ReviewIntervals::default())
        .unwrap();
    assert_eq!(record.readiness.len(), 2, "the record lists both, marked");
    assert_eq!(record.goals.len(), 1);
    assert!(
        record
            .corrections
            .in_error(RecordType::Goal, goal_id)
            .is_some()
    );
}

/// The subject access export keeps an amended entry's earlier version whole: who wrote it and
/// what replaced it on one line, then each field the earlier version held (its note among
/// them), without the database's bookkeeping.
#[test]
fn the_subject_access_export_shows_an_earlier_version_in_words() {
    let mut f = fixture();
    let original = session(&f, at(2026, 11, 20, 10, 0), Attendance::Attended);
    let id = insert(&mut f, |_| original.clone());
    let amended = Session {
        note: NoteText::new("Talked about housing and benefits.").unwrap(),
        ..original.clone()
    };
    f.store.write(|w| w.amend(id, 1, &amended)).expect("amend");
    let markdown = keywork::export::render(
        &f.store,
        f.client_id,
        keywork::export::Kind::Record(keywork::export::Format::Markdown),
    )
    .expect("export");
    let section = markdown
        .split("Corrections: earlier versions")
        .nth(1)
        .expect("the corrections section");
    assert!(
        section.contains(&format!("version 1: written by {}", login())),
        "{section}"
    );
    assert!(section.contains("amended by"), "{section}");
    assert!(
        section.contains(&format!("note: {}", original.note.as_str())),
        "the earlier note: {section}"
    );
    assert!(
        !section.contains("row version"),
        "no bookkeeping: {section}"
    );
}
