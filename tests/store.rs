//! Integration tests of the SQLite store: every record type round-trips, the schema itself refuses
//! invalid rows, opening refuses files that are not ours without touching them, concurrent edits
//! are detected, and the export never copies note text into the audit trail.

#[path = "common/fixture.rs"]
mod fixture;

use fixture::{Fixture, at, date, name, today};
use keywork::clock::Clock;
use keywork::domain::*;
use keywork::store::{Access, Scope, Store, StoreError, Table, migrate};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn clock() -> Clock {
    Clock::fixed(today())
}

/// The fixture's worker, whom the store acts as: not the OS login of `fixture::login`.
fn login() -> Login {
    Login::new("sam.okoro").expect("valid login")
}

fn short(text: &str) -> ShortText {
    ShortText::new(text).expect("valid short text")
}

fn note(text: &str) -> NoteText {
    NoteText::new(text).expect("valid note")
}

fn score(value: u8) -> Score {
    Score::new(value).expect("valid score")
}

/// A new, empty database in its own temporary directory.
fn new_store() -> (TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("caseload.db");
    let store =
        Store::open_unchecked(&path, Access::Create, clock(), login()).expect("create store");
    (dir, path, store)
}

/// A database holding one worker and one client, with their ids.
fn fixture() -> Fixture {
    Fixture::new(sample_worker("sam.okoro"), |worker_id| {
        sample_client(worker_id, 1)
    })
}

fn sample_worker(login: &str) -> Worker {
    fixture::worker(login, "Sam Okoro", Role::KeyWorker)
}

/// A valid client with only the required fields filled in.
fn sample_client(key_worker_id: i64, number: u32) -> Client {
    Client {
        family_name: name("Bloggs"),
        ..fixture::client(number, key_worker_id)
    }
}

/// A client with every field set to something other than its default or `None`.
fn full_client(key_worker_id: i64) -> Client {
    Client {
        reference: ServiceRef::new("KW-00042").expect("valid reference"),
        given_name: name("Margaret"),
        family_name: name("O'Neill-Ashworth"),
        preferred_name: Some(name("Peggy")),
        date_of_birth: date(1979, 2, 28),
        nhs_number: Some(NhsNumber::new("9434765919").expect("valid NHS number")),
        key_worker_id,
        status: ClientStatus::OnHold,
        referral_date: date(2025, 3, 4),
        treatment_start: Some(date(2025, 3, 18)),
        primary_substance: Substance::Heroin,
        other_substances: [
            Substance::Crack,
            Substance::Benzodiazepines,
            Substance::Other,
        ]
        .into_iter()
        .collect(),
        injecting: InjectingStatus::Currently,
        modality: Modality::OstMethadone,
        shared_care: Some(name("Dr A. Patel")),
        risk: RiskFlags {
            overdose_risk: true,
            naloxone_held: true,
            naloxone_supplied_on: Some(date(2026, 9, 1)),
            safeguarding_children: true,
            prison_release_on: Some(date(2026, 11, 10)),
            hep_b: Some(HepBStatus::InProgress),
            hep_c_tested_on: Some(date(2026, 5, 20)),
            hiv_tested_on: Some(date(2026, 5, 21)),
        },
    }
}

fn sample_prescription(client_id: i64) -> Prescription {
    Prescription {
        client_id,
        medicine: Medicine::Methadone,
        dose_mg: 62.5,
        interval: DoseInterval::Daily,
        started_on: date(2025, 3, 18),
        ended_on: Some(date(2026, 12, 31)),
        supervision: Supervision::PartlySupervised,
    }
}

fn sample_session(client_id: i64, worker_id: i64) -> Session {
    Session {
        client_id,
        worker_id,
        started_at: at(2026, 11, 20, 10, 30),
        duration: Minutes::new(45).expect("valid minutes"),
        kind: SessionKind::KeyWork,
        attendance: Attendance::Attended,
        note: note("Talked about cutting down on top; agreed to try a mutual-aid meeting."),
        interventions: [
            Intervention::MotivationalInterviewing,
            Intervention::NaloxoneSupplied,
            Intervention::MutualAid,
            Intervention::HousingReferral,
        ]
        .into_iter()
        .collect(),
        next_appointment: Some(at(2026, 12, 4, 14, 15)),
    }
}

fn sample_goal(client_id: i64, area: GoalArea) -> Goal {
    Goal {
        client_id,
        area,
        in_own_words: short("Stop using on top of my script"),
        why_it_matters: Some(short("So I can see my kids at weekends")),
        set_on: date(2026, 10, 1),
        target_date: Some(date(2027, 1, 31)),
        status: GoalStatus::Active,
        progress: score(4),
    }
}

fn sample_review(client_id: i64, kind: ReviewKind) -> Review {
    Review {
        client_id,
        kind,
        due_on: date(2026, 12, 10),
        completion: None,
    }
}

fn insert<T: Table>(store: &mut Store, record: &T) -> i64 {
    store.write(|w| w.insert(record)).expect("insert")
}

/// Inserts `record`, reads it back by id, and checks it is what was written, stamped with the
/// fixed clock's time, at version 1. Returns its id.
fn assert_round_trips<T: Table + Debug + PartialEq>(store: &mut Store, record: &T) -> i64 {
    let id = insert(store, record);
    let stored = store.get::<T>(id).expect("read back");
    assert_eq!(stored.id, id);
    assert_eq!(&stored.record, record);
    assert_eq!(stored.created_at, clock().timestamp());
    assert_eq!(stored.updated_at, clock().timestamp());
    assert_eq!(stored.row_version, 1);
    id
}

fn count(store: &Store, table: &str) -> i64 {
    let counts = store.counts().expect("counts");
    counts
        .0
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, n)| *n)
        .expect("table is counted")
}

/// A raw connection to a database, with foreign keys enforced as the store enforces them.
fn raw(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("raw open");
    conn.execute_batch("PRAGMA foreign_keys = ON;")
        .expect("foreign keys on");
    conn
}

fn read_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

// ---------------------------------------------------------------------------------------------
// Raw SQL rows: a well-formed row per table, changed one column at a time.
// ---------------------------------------------------------------------------------------------

const STAMP: &str = "'2026-11-23T12:00:00Z'";

/// A valid client row for the fixture's worker (id 1); reference differs from the fixture's.
const CLIENT_ROW: &[(&str, &str)] = &[
    ("reference", "'KW-00099'"),
    ("given_name", "'Ann'"),
    ("family_name", "'Lee'"),
    ("date_of_birth", "'1980-01-01'"),
    ("nhs_number", "NULL"),
    ("key_worker_id", "1"),
    ("status", "'active'"),
    ("referral_date", "'2026-01-01'"),
    ("primary_substance", "'heroin'"),
    ("injecting", "'never'"),
    ("modality", "'ost_methadone'"),
    ("created_at", STAMP),
    ("updated_at", STAMP),
];

const SESSION_ROW: &[(&str, &str)] = &[
    ("client_id", "1"),
    ("worker_id", "1"),
    ("started_at", "'2026-11-20 10:30'"),
    ("duration_min", "30"),
    ("kind", "'key_work'"),
    ("attendance", "'attended'"),
    ("note", "''"),
    ("created_at", STAMP),
    ("updated_at", STAMP),
];

const READINESS_ROW: &[(&str, &str)] = &[
    ("client_id", "1"),
    ("worker_id", "1"),
    ("noted_on", "'2026-11-20'"),
    ("stage", "'contemplation'"),
    ("importance", "7"),
    ("confidence", "4"),
    ("readiness", "5"),
    ("created_at", STAMP),
    ("updated_at", STAMP),
];

const GOAL_ROW: &[(&str, &str)] = &[
    ("client_id", "1"),
    ("domain", "'housing'"),
    ("hierarchy_level", "NULL"),
    ("in_own_words", "'Get my own flat'"),
    ("set_on", "'2026-10-01'"),
    ("status", "'active'"),
    ("progress", "3"),
    ("created_at", STAMP),
    ("updated_at", STAMP),
];

const REVIEW_ROW: &[(&str, &str)] = &[
    ("client_id", "1"),
    ("kind", "'care_plan'"),
    ("due_on", "'2026-12-10'"),
    ("completed_on", "NULL"),
    ("completed_by", "NULL"),
    ("outcome", "NULL"),
    ("created_at", STAMP),
    ("updated_at", STAMP),
];

/// `INSERT INTO table` of the `base` row with the `changes` applied (replacing or adding columns).
fn insert_sql(table: &str, base: &[(&str, &str)], changes: &[(&str, &str)]) -> String {
    let mut row: Vec<(&str, &str)> = base.to_vec();
    for (column, value) in changes {
        match row.iter_mut().find(|(c, _)| c == column) {
            Some(pair) => pair.1 = value,
            None => row.push((column, value)),
        }
    }
    let columns: Vec<&str> = row.iter().map(|(c, _)| *c).collect();
    let values: Vec<&str> = row.iter().map(|(_, v)| *v).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        values.join(", ")
    )
}

/// Asserts SQLite refused `sql` with the given extended constraint code, and that its message
/// mentions `mentioning` (the column of the failed CHECK, say).
fn assert_refused(conn: &Connection, sql: &str, extended_code: i32, mentioning: &str) {
    match conn.execute(sql, []) {
        Err(rusqlite::Error::SqliteFailure(err, message)) => {
            assert_eq!(
                err.code,
                rusqlite::ErrorCode::ConstraintViolation,
                "{sql}: {message:?}"
            );
            assert_eq!(err.extended_code, extended_code, "{sql}: {message:?}");
            let message = message.unwrap_or_default();
            assert!(
                message.contains(mentioning),
                "{sql}: message {message:?} should mention {mentioning:?}"
            );
        }
        other => panic!("expected SQLite to refuse {sql}, got {other:?}"),
    }
}

fn assert_check_refused(conn: &Connection, sql: &str, mentioning: &str) {
    assert_refused(
        conn,
        sql,
        rusqlite::ffi::SQLITE_CONSTRAINT_CHECK,
        mentioning,
    );
}

/// The fixture's database (one worker, id 1; one client, id 1), closed and opened raw.
fn raw_fixture() -> (TempDir, Connection) {
    let Fixture {
        dir,
        path,
        store,
        worker_id,
        client_id,
    } = fixture();
    assert_eq!(
        (worker_id, client_id),
        (1, 1),
        "raw rows below refer to worker 1 and client 1"
    );
    drop(store);
    let conn = raw(&path);
    (dir, conn)
}

// ---------------------------------------------------------------------------------------------
// 1. Every record type round-trips through the store
// ---------------------------------------------------------------------------------------------

#[test]
fn worker_round_trips_with_bookkeeping_from_the_fixed_clock() {
    let (_dir, _path, mut store) = new_store();
    let worker = Worker {
        login: Login::new("a.prescriber").unwrap(),
        display_name: name("Dr Ada Prescriber"),
        role: Role::Prescriber,
    };
    assert_round_trips(&mut store, &worker);
    assert_eq!(
        clock().timestamp().to_rfc3339(),
        "2026-11-23T12:00:00+00:00"
    );
}

#[test]
fn client_with_every_field_set_round_trips() {
    let mut f = fixture();
    let client = full_client(f.worker_id);
    assert_round_trips(&mut f.store, &client);
}

#[test]
fn client_with_only_required_fields_round_trips() {
    let (_dir, _path, mut store) = new_store();
    let worker_id = insert(&mut store, &sample_worker("sam.okoro"));
    assert_round_trips(&mut store, &sample_client(worker_id, 7));
}

#[test]
fn prescription_round_trips() {
    let mut f = fixture();
    assert_round_trips(&mut f.store, &sample_prescription(f.client_id));
}

#[test]
fn session_with_interventions_and_next_appointment_round_trips_to_the_minute() {
    let mut f = fixture();
    let session = sample_session(f.client_id, f.worker_id);
    assert!(session.interventions.len() > 1);
    assert!(session.next_appointment.is_some());
    assert_round_trips(&mut f.store, &session);
}

#[test]
fn session_without_interventions_or_next_appointment_round_trips() {
    let mut f = fixture();
    let session = Session {
        attendance: Attendance::DidNotAttend,
        interventions: BTreeSet::new(),
        next_appointment: None,
        note: NoteText::empty(),
        ..sample_session(f.client_id, f.worker_id)
    };
    assert_round_trips(&mut f.store, &session);
}

#[test]
fn readiness_note_with_all_three_scores_and_a_session_link_round_trips() {
    let mut f = fixture();
    let session_id = insert(&mut f.store, &sample_session(f.client_id, f.worker_id));
    let readiness = ReadinessNote {
        client_id: f.client_id,
        worker_id: f.worker_id,
        noted_on: date(2026, 11, 20),
        stage: Stage::Preparation,
        importance: Some(score(9)),
        confidence: Some(score(0)),
        readiness: Some(score(10)),
        note: note("\"I want to be off it before my daughter's wedding.\""),
        session_id: Some(session_id),
    };
    assert_round_trips(&mut f.store, &readiness);
}

#[test]
fn readiness_note_without_scores_round_trips() {
    let mut f = fixture();
    let readiness = ReadinessNote {
        client_id: f.client_id,
        worker_id: f.worker_id,
        noted_on: date(2026, 11, 20),
        stage: Stage::Precontemplation,
        importance: None,
        confidence: None,
        readiness: None,
        note: NoteText::empty(),
        session_id: None,
    };
    assert_round_trips(&mut f.store, &readiness);
}

#[test]
fn substance_use_goal_keeps_its_hierarchy_level() {
    let mut f = fixture();
    let goal = sample_goal(
        f.client_id,
        GoalArea::substance_use(HierarchyLevel::RiskyBehaviour),
    );
    assert_round_trips(&mut f.store, &goal);
}

#[test]
fn goal_in_another_domain_round_trips_without_a_level() {
    let mut f = fixture();
    let goal = Goal {
        why_it_matters: None,
        target_date: None,
        status: GoalStatus::Proposed,
        progress: score(0),
        ..sample_goal(
            f.client_id,
            GoalArea::new(GoalDomain::Housing, None).unwrap(),
        )
    };
    assert_round_trips(&mut f.store, &goal);
}

#[test]
fn goal_action_round_trips() {
    let mut f = fixture();
    let goal_id = insert(
        &mut f.store,
        &sample_goal(
            f.client_id,
            GoalArea::substance_use(HierarchyLevel::AbstinenceMain),
        ),
    );
    let action = GoalAction {
        goal_id,
        step: short("Ring the housing officer about the bidding number"),
        owner: ActionOwner::OtherAgency,
        due_on: Some(date(2026, 12, 1)),
        done_on: Some(date(2026, 11, 22)),
    };
    assert_round_trips(&mut f.store, &action);
    let open = GoalAction {
        owner: ActionOwner::Client,
        due_on: None,
        done_on: None,
        ..action
    };
    assert_round_trips(&mut f.store, &open);
}

#[test]
fn open_review_round_trips() {
    let mut f = fixture();
    assert_round_trips(
        &mut f.store,
        &sample_review(f.client_id, ReviewKind::Prescribing),
    );
}

#[test]
fn completed_review_round_trips_with_date_worker_and_outcome() {
    let mut f = fixture();
    let review = Review {
        completion: Some(ReviewCompletion {
            completed_on: date(2026, 11, 21),
            completed_by: f.worker_id,
            outcome: note("Dose stays at 62.5 mg; supervision relaxed to three days a week."),
        }),
        ..sample_review(f.client_id, ReviewKind::CarePlan)
    };
    assert_round_trips(&mut f.store, &review);
}

#[test]
fn completed_review_with_empty_outcome_stays_completed() {
    let mut f = fixture();
    let review = Review {
        completion: Some(ReviewCompletion {
            completed_on: date(2026, 11, 21),
            completed_by: f.worker_id,
            outcome: NoteText::empty(),
        }),
        ..sample_review(f.client_id, ReviewKind::Risk)
    };
    assert_round_trips(&mut f.store, &review);
}

#[test]
fn store_with_every_record_type_passes_integrity_check_and_audits_each_insert() {
    let mut f = fixture();
    let session_id = insert(&mut f.store, &sample_session(f.client_id, f.worker_id));
    insert(&mut f.store, &sample_prescription(f.client_id));
    let goal_id = insert(
        &mut f.store,
        &sample_goal(
            f.client_id,
            GoalArea::substance_use(HierarchyLevel::ControlledUse),
        ),
    );
    insert(
        &mut f.store,
        &GoalAction {
            goal_id,
            step: short("Go to SMART meeting"),
            owner: ActionOwner::Client,
            due_on: None,
            done_on: None,
        },
    );
    insert(
        &mut f.store,
        &sample_review(f.client_id, ReviewKind::Outcomes),
    );
    insert(
        &mut f.store,
        &ReadinessNote {
            client_id: f.client_id,
            worker_id: f.worker_id,
            noted_on: today(),
            stage: Stage::Action,
            importance: Some(score(8)),
            confidence: None,
            readiness: Some(score(6)),
            note: NoteText::empty(),
            session_id: Some(session_id),
        },
    );
    assert_eq!(f.store.integrity_problems().unwrap(), Vec::<String>::new());
    for table in [
        "workers",
        "clients",
        "prescriptions",
        "sessions",
        "readiness_notes",
        "goals",
        "goal_actions",
        "reviews",
    ] {
        assert_eq!(count(&f.store, table), 1, "{table}");
    }
    assert_eq!(count(&f.store, "session_interventions"), 4);
    assert_eq!(
        count(&f.store, "audit"),
        8,
        "one audit entry per record created"
    );
}

// --- every code of every coded enum is accepted by the schema and read back ----------------------

#[test]
fn every_role_code_is_accepted_by_sql_and_read_back() {
    let (_dir, _path, mut store) = new_store();
    for (i, role) in Role::ALL.iter().enumerate() {
        let worker = Worker {
            role: *role,
            ..sample_worker(&format!("worker{i}"))
        };
        assert_round_trips(&mut store, &worker);
    }
}

#[test]
fn every_client_code_is_accepted_by_sql_and_read_back() {
    let (_dir, _path, mut store) = new_store();
    let worker_id = insert(&mut store, &sample_worker("sam.okoro"));
    let mut number = 0;
    let mut next_client = || {
        number += 1;
        sample_client(worker_id, number)
    };
    for status in ClientStatus::ALL {
        assert_round_trips(
            &mut store,
            &Client {
                status: *status,
                ..next_client()
            },
        );
    }
    for modality in Modality::ALL {
        assert_round_trips(
            &mut store,
            &Client {
                modality: *modality,
                ..next_client()
            },
        );
    }
    for injecting in InjectingStatus::ALL {
        assert_round_trips(
            &mut store,
            &Client {
                injecting: *injecting,
                ..next_client()
            },
        );
    }
    for hep_b in HepBStatus::ALL {
        let client = next_client();
        let risk = RiskFlags {
            hep_b: Some(*hep_b),
            ..RiskFlags::default()
        };
        assert_round_trips(&mut store, &Client { risk, ..client });
    }
    for primary in Substance::ALL {
        // Each substance as the primary one, with every other substance listed alongside.
        let others: BTreeSet<Substance> = Substance::ALL
            .iter()
            .copied()
            .filter(|s| s != primary)
            .collect();
        assert_eq!(others.len(), Substance::ALL.len() - 1);
        assert_round_trips(
            &mut store,
            &Client {
                primary_substance: *primary,
                other_substances: others,
                ..next_client()
            },
        );
    }
}

#[test]
fn every_prescription_code_is_accepted_by_sql_and_read_back() {
    let mut f = fixture();
    for medicine in Medicine::ALL.iter().filter(|m| **m != Medicine::Other) {
        assert_round_trips(
            &mut f.store,
            &Prescription {
                medicine: *medicine,
                ..sample_prescription(f.client_id)
            },
        );
    }
    // An other medicine is recorded by its name.
    assert_round_trips(
        &mut f.store,
        &OstPrescription {
            rx: Prescription {
                medicine: Medicine::Other,
                ..sample_prescription(f.client_id)
            },
            terms: Terms {
                medicine_name: Some("Slow-release oral morphine".into()),
                take_home_days: Some(2),
                ..Terms::default()
            },
        },
    );
    for interval in DoseInterval::ALL {
        assert_round_trips(
            &mut f.store,
            &Prescription {
                interval: *interval,
                ..sample_prescription(f.client_id)
            },
        );
    }
    for supervision in Supervision::ALL {
        let prescription = Prescription {
            supervision: *supervision,
            ..sample_prescription(f.client_id)
        };
        assert_round_trips(&mut f.store, &prescription);
    }
}

#[test]
fn every_session_code_is_accepted_by_sql_and_read_back() {
    let mut f = fixture();
    for kind in SessionKind::ALL {
        assert_round_trips(
            &mut f.store,
            &Session {
                kind: *kind,
                ..sample_session(f.client_id, f.worker_id)
            },
        );
    }
    for attendance in Attendance::ALL {
        let session = Session {
            attendance: *attendance,
            interventions: BTreeSet::new(),
            ..sample_session(f.client_id, f.worker_id)
        };
        assert_round_trips(&mut f.store, &session);
    }
    let every_intervention = Session {
        interventions: Intervention::ALL.iter().copied().collect(),
        ..sample_session(f.client_id, f.worker_id)
    };
    assert_eq!(
        every_intervention.interventions.len(),
        Intervention::ALL.len()
    );
    assert_round_trips(&mut f.store, &every_intervention);
    for intervention in Intervention::ALL {
        let session = Session {
            interventions: [*intervention].into_iter().collect(),
            ..sample_session(f.client_id, f.worker_id)
        };
        assert_round_trips(&mut f.store, &session);
    }
}

#[test]
fn every_stage_of_change_is_accepted_by_sql_and_read_back() {
    let mut f = fixture();
    for stage in Stage::ALL {
        let readiness = ReadinessNote {
            client_id: f.client_id,
            worker_id: f.worker_id,
            noted_on: today(),
            stage: *stage,
            importance: Some(score(5)),
            confidence: Some(score(5)),
            readiness: Some(score(5)),
            note: NoteText::empty(),
            session_id: None,
        };
        assert_round_trips(&mut f.store, &readiness);
    }
}

#[test]
fn every_goal_code_is_accepted_by_sql_and_read_back() {
    let mut f = fixture();
    for domain in GoalDomain::ALL {
        let level = (*domain == GoalDomain::SubstanceUse).then_some(HierarchyLevel::AbstinenceAll);
        let area = GoalArea::new(*domain, level).expect("valid area");
        assert_round_trips(&mut f.store, &sample_goal(f.client_id, area));
    }
    for level in HierarchyLevel::ALL {
        assert_round_trips(
            &mut f.store,
            &sample_goal(f.client_id, GoalArea::substance_use(*level)),
        );
    }
    for status in GoalStatus::ALL {
        let goal = Goal {
            status: *status,
            ..sample_goal(
                f.client_id,
                GoalArea::substance_use(HierarchyLevel::DirectHarms),
            )
        };
        assert_round_trips(&mut f.store, &goal);
    }
    let goal_id = insert(
        &mut f.store,
        &sample_goal(
            f.client_id,
            GoalArea::substance_use(HierarchyLevel::AbstinenceAll),
        ),
    );
    for owner in ActionOwner::ALL {
        let action = GoalAction {
            goal_id,
            step: short("A step"),
            owner: *owner,
            due_on: None,
            done_on: None,
        };
        assert_round_trips(&mut f.store, &action);
    }
}

#[test]
fn every_review_kind_is_accepted_by_sql_and_read_back() {
    let mut f = fixture();
    for kind in ReviewKind::ALL {
        assert_round_trips(&mut f.store, &sample_review(f.client_id, *kind));
    }
}

#[test]
fn every_audit_action_and_record_type_code_is_accepted_by_sql() {
    let (_dir, conn) = raw_fixture();
    for action in AuditAction::ALL {
        for record_type in RecordType::ALL {
            conn.execute(
                "INSERT INTO audit (at, login, action, record_type, record_id, detail, hash)
                 VALUES (?1, 'sam.okoro', ?2, ?3, NULL, NULL, ?4)",
                [
                    "2026-11-23T12:00:00Z",
                    action.code(),
                    record_type.code(),
                    keywork::domain::audit::GENESIS_HASH,
                ],
            )
            .unwrap_or_else(|e| panic!("{} / {}: {e}", action.code(), record_type.code()));
        }
    }
}

/// The codes listed in `column IN (...)` in the CREATE statement of `table`.
fn check_list(conn: &Connection, table: &str, column: &str) -> BTreeSet<String> {
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("table {table}: {e}"));
    let needle = format!("{column} IN (");
    let starts: Vec<usize> = sql
        .match_indices(&needle)
        .map(|(i, _)| i)
        .filter(|&i| {
            i == 0
                || !(sql.as_bytes()[i - 1].is_ascii_alphanumeric() || sql.as_bytes()[i - 1] == b'_')
        })
        .collect();
    assert_eq!(
        starts.len(),
        1,
        "expected one CHECK list for {table}.{column}"
    );
    let rest = &sql[starts[0] + needle.len()..];
    let list = &rest[..rest.find(')').expect("closing parenthesis")];
    list.split(',')
        .map(|code| code.trim().trim_matches('\'').to_owned())
        .collect()
}

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> BTreeSet<String> {
    all.iter().map(|v| code(*v).to_owned()).collect()
}

#[test]
fn schema_check_lists_hold_exactly_the_rust_codes() {
    let (_dir, conn) = raw_fixture();
    let expect = |table: &str, column: &str, rust: BTreeSet<String>| {
        assert_eq!(check_list(&conn, table, column), rust, "{table}.{column}");
    };
    expect("workers", "role", codes(Role::ALL, Role::code));
    expect(
        "clients",
        "status",
        codes(ClientStatus::ALL, ClientStatus::code),
    );
    expect(
        "clients",
        "primary_substance",
        codes(Substance::ALL, Substance::code),
    );
    expect(
        "clients",
        "injecting",
        codes(InjectingStatus::ALL, InjectingStatus::code),
    );
    expect("clients", "modality", codes(Modality::ALL, Modality::code));
    expect("clients", "hep_b", codes(HepBStatus::ALL, HepBStatus::code));
    expect(
        "client_substances",
        "substance",
        codes(Substance::ALL, Substance::code),
    );
    expect(
        "prescriptions",
        "medicine",
        codes(Medicine::ALL, Medicine::code),
    );
    expect(
        "prescriptions",
        "interval",
        codes(DoseInterval::ALL, DoseInterval::code),
    );
    expect(
        "prescriptions",
        "supervision",
        codes(Supervision::ALL, Supervision::code),
    );
    expect(
        "sessions",
        "kind",
        codes(SessionKind::ALL, SessionKind::code),
    );
    expect(
        "sessions",
        "attendance",
        codes(Attendance::ALL, Attendance::code),
    );
    expect(
        "session_interventions",
        "intervention",
        codes(Intervention::ALL, Intervention::code),
    );
    expect("readiness_notes", "stage", codes(Stage::ALL, Stage::code));
    expect("goals", "domain", codes(GoalDomain::ALL, GoalDomain::code));
    expect("goals", "status", codes(GoalStatus::ALL, GoalStatus::code));
    expect(
        "goal_actions",
        "owner",
        codes(ActionOwner::ALL, ActionOwner::code),
    );
    expect("reviews", "kind", codes(ReviewKind::ALL, ReviewKind::code));
    expect(
        "audit",
        "action",
        codes(AuditAction::ALL, AuditAction::code),
    );
    expect(
        "audit",
        "record_type",
        codes(RecordType::ALL, RecordType::code),
    );
    expect("tops", "stage", codes(TopStage::ALL, TopStage::code));
    expect("top_answers", "item", codes(TopItem::ALL, TopItem::code));
    expect(
        "alert_acks",
        "alert",
        codes(&AlertKind::ALL, AlertKind::code),
    );
    use keywork::form::forms::FormKind;
    let forms = [
        FormKind::Session,
        FormKind::Dna,
        FormKind::Readiness,
        FormKind::Goal,
        FormKind::Client,
        FormKind::Review,
        FormKind::Top,
        FormKind::Acknowledge,
        FormKind::Prescription,
    ];
    assert!(
        forms
            .iter()
            .all(|k| FormKind::from_code(k.code()) == Some(*k))
    );
    expect("drafts", "form", codes(&forms, FormKind::code));
}

#[test]
fn hierarchy_levels_one_to_six_are_exactly_what_sql_accepts() {
    let (_dir, conn) = raw_fixture();
    for level in HierarchyLevel::ALL {
        let n = level.number().to_string();
        conn.execute(
            &insert_sql(
                "goals",
                GOAL_ROW,
                &[("domain", "'substance_use'"), ("hierarchy_level", &n)],
            ),
            [],
        )
        .unwrap_or_else(|e| panic!("level {n}: {e}"));
    }
    for bad in ["0", "7"] {
        let sql = insert_sql(
            "goals",
            GOAL_ROW,
            &[("domain", "'substance_use'"), ("hierarchy_level", bad)],
        );
        assert_check_refused(&conn, &sql, "hierarchy_level");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Invalid values are refused by the SQL itself
// ---------------------------------------------------------------------------------------------

#[test]
fn well_formed_raw_rows_are_accepted_by_sql() {
    // The control for the refusals below: each base row is valid, so each refusal is down to the
    // one value changed.
    let (_dir, conn) = raw_fixture();
    conn.execute(
        &insert_sql("clients", CLIENT_ROW, &[("nhs_number", "'9434765919'")]),
        [],
    )
    .unwrap();
    conn.execute(&insert_sql("sessions", SESSION_ROW, &[]), [])
        .unwrap();
    conn.execute(
        &insert_sql("readiness_notes", READINESS_ROW, &[("importance", "10")]),
        [],
    )
    .unwrap();
    conn.execute(&insert_sql("goals", GOAL_ROW, &[]), [])
        .unwrap();
    conn.execute(
        &insert_sql(
            "goals",
            GOAL_ROW,
            &[("domain", "'substance_use'"), ("hierarchy_level", "2")],
        ),
        [],
    )
    .unwrap();
    conn.execute(&insert_sql("reviews", REVIEW_ROW, &[]), [])
        .unwrap();
    let completed = [
        ("completed_on", "'2026-11-20'"),
        ("completed_by", "1"),
        ("outcome", "''"),
    ];
    conn.execute(&insert_sql("reviews", REVIEW_ROW, &completed), [])
        .unwrap();
}

#[test]
fn nhs_number_with_bad_check_digit_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    assert_check_refused(
        &conn,
        &insert_sql("clients", CLIENT_ROW, &[("nhs_number", "'9434765918'")]),
        "nhs_number",
    );
}

#[test]
fn nhs_number_that_is_not_ten_digits_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    for bad in [
        "'943476591'",
        "'94347659190'",
        "'943 476 5919'",
        "'94347659a9'",
    ] {
        assert_check_refused(
            &conn,
            &insert_sql("clients", CLIENT_ROW, &[("nhs_number", bad)]),
            "nhs_number",
        );
    }
}

#[test]
fn ruler_score_of_eleven_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    for column in ["importance", "confidence", "readiness"] {
        assert_check_refused(
            &conn,
            &insert_sql("readiness_notes", READINESS_ROW, &[(column, "11")]),
            column,
        );
    }
}

#[test]
fn substance_use_goal_without_hierarchy_level_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    let sql = insert_sql(
        "goals",
        GOAL_ROW,
        &[("domain", "'substance_use'"), ("hierarchy_level", "NULL")],
    );
    assert_check_refused(&conn, &sql, "hierarchy_level");
}

#[test]
fn housing_goal_with_hierarchy_level_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    let sql = insert_sql(
        "goals",
        GOAL_ROW,
        &[("domain", "'housing'"), ("hierarchy_level", "3")],
    );
    assert_check_refused(&conn, &sql, "hierarchy_level");
}

#[test]
fn unknown_modality_code_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    assert_check_refused(
        &conn,
        &insert_sql("clients", CLIENT_ROW, &[("modality", "'ost_morphine'")]),
        "modality",
    );
    // Codes are case-sensitive: a label or a capitalised code is not a code.
    assert_check_refused(
        &conn,
        &insert_sql("clients", CLIENT_ROW, &[("modality", "'OST_METHADONE'")]),
        "modality",
    );
}

#[test]
fn malformed_date_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    for bad in ["'2026-13-01'", "'2026-02-30'", "'1/2/1980'", "'1980-1-2'"] {
        let sql = insert_sql("clients", CLIENT_ROW, &[("date_of_birth", bad)]);
        assert_check_refused(&conn, &sql, "date_of_birth");
    }
    let sql = insert_sql("reviews", REVIEW_ROW, &[("due_on", "'2026-13-01'")]);
    assert_check_refused(&conn, &sql, "due_on");
}

#[test]
fn session_time_with_seconds_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    let sql = insert_sql(
        "sessions",
        SESSION_ROW,
        &[("started_at", "'2026-11-20 10:30:15'")],
    );
    assert_check_refused(&conn, &sql, "started_at");
}

#[test]
fn short_service_reference_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    assert_check_refused(
        &conn,
        &insert_sql("clients", CLIENT_ROW, &[("reference", "'KW-42'")]),
        "reference",
    );
    assert_check_refused(
        &conn,
        &insert_sql("clients", CLIENT_ROW, &[("reference", "'KW-0004X'")]),
        "reference",
    );
}

#[test]
fn review_completed_on_a_date_but_by_nobody_is_refused_by_sql() {
    let (_dir, conn) = raw_fixture();
    let sql = insert_sql(
        "reviews",
        REVIEW_ROW,
        &[("completed_on", "'2026-11-20'"), ("outcome", "''")],
    );
    assert_check_refused(&conn, &sql, "completed_by");
}

#[test]
fn session_for_a_missing_client_is_refused_by_the_foreign_key() {
    let (_dir, conn) = raw_fixture();
    let sql = insert_sql("sessions", SESSION_ROW, &[("client_id", "999")]);
    assert_refused(
        &conn,
        &sql,
        rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY,
        "FOREIGN KEY",
    );
    let count: i64 = conn
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0);
}

#[test]
fn audit_trail_cannot_be_updated_or_deleted() {
    let (_dir, conn) = raw_fixture();
    let before: i64 = conn
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert!(before >= 2, "the fixture's worker and client were audited");
    let trigger = rusqlite::ffi::SQLITE_CONSTRAINT_TRIGGER;
    assert_refused(
        &conn,
        "UPDATE audit SET login = 'someone.else'",
        trigger,
        "audit trail cannot be changed",
    );
    assert_refused(
        &conn,
        "DELETE FROM audit",
        trigger,
        "audit trail cannot be changed",
    );
    assert_refused(
        &conn,
        "DELETE FROM audit WHERE id = 1",
        trigger,
        "audit trail cannot be changed",
    );
    let after: i64 = conn
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before);
    let logins: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit WHERE login = 'sam.okoro'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logins, before);
}

// ---------------------------------------------------------------------------------------------
// 3. Invalid values are refused by the types and validation, before SQL
// ---------------------------------------------------------------------------------------------

#[test]
fn client_born_in_the_future_is_refused_and_nothing_is_written() {
    let mut f = fixture();
    let clients_before = count(&f.store, "clients");
    let audit_before = count(&f.store, "audit");
    let unborn = Client {
        date_of_birth: today().succ_opt().unwrap(),
        ..sample_client(f.worker_id, 2)
    };
    let err = f.store.write(|w| w.insert(&unborn)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                what: RecordType::Client,
                source: DomainError::Rule(_)
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&f.store, "clients"), clients_before);
    assert_eq!(count(&f.store, "audit"), audit_before);
}

#[test]
fn failed_insert_rolls_back_the_whole_write() {
    // A good client and a bad one in the same write: neither is saved.
    let mut f = fixture();
    let clients_before = count(&f.store, "clients");
    let good = sample_client(f.worker_id, 2);
    let bad = Client {
        date_of_birth: date(2099, 1, 1),
        ..sample_client(f.worker_id, 3)
    };
    let result = f.store.write(|w| {
        w.insert(&good)?;
        w.insert(&bad)
    });
    assert!(
        matches!(result, Err(StoreError::Invalid { .. })),
        "{result:?}"
    );
    assert_eq!(count(&f.store, "clients"), clients_before);
}

#[test]
fn session_whose_next_appointment_is_not_after_it_is_refused() {
    let mut f = fixture();
    let session = sample_session(f.client_id, f.worker_id);
    let session = Session {
        next_appointment: Some(session.started_at),
        ..session
    };
    let err = f.store.write(|w| w.insert(&session)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                what: RecordType::Session,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&f.store, "sessions"), 0);
}

#[test]
fn prescription_dose_over_the_limit_is_refused() {
    let mut f = fixture();
    let prescription = Prescription {
        dose_mg: 1000.5,
        ..sample_prescription(f.client_id)
    };
    let err = f.store.write(|w| w.insert(&prescription)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                what: RecordType::Prescription,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&f.store, "prescriptions"), 0);
}

#[test]
fn goal_whose_target_is_before_it_was_set_is_refused() {
    let mut f = fixture();
    let goal = Goal {
        target_date: Some(date(2026, 9, 1)),
        ..sample_goal(
            f.client_id,
            GoalArea::substance_use(HierarchyLevel::AbstinenceAll),
        )
    };
    let err = f.store.write(|w| w.insert(&goal)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                what: RecordType::Goal,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&f.store, "goals"), 0);
}

#[test]
fn readiness_note_for_a_missing_client_is_refused_by_the_store() {
    let mut f = fixture();
    let readiness = ReadinessNote {
        client_id: 999,
        worker_id: f.worker_id,
        noted_on: today(),
        stage: Stage::Action,
        importance: None,
        confidence: None,
        readiness: None,
        note: NoteText::empty(),
        session_id: None,
    };
    let err = f.store.write(|w| w.insert(&readiness)).unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err:?}");
    assert_eq!(count(&f.store, "readiness_notes"), 0);
}

#[test]
fn reading_a_missing_record_is_not_found() {
    let f = fixture();
    let err = f.store.get::<Client>(999).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: RecordType::Client,
                id: 999
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Opening and migrations
// ---------------------------------------------------------------------------------------------

#[test]
fn fresh_empty_file_is_migrated_to_the_latest_schema_by_its_first_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let mut store = Store::open_unchecked(&path, Access::Write, clock(), login())
        .expect("an empty file is a new database");
    assert_eq!(store.schema_version().unwrap(), migrate::LATEST);
    const { assert!(migrate::LATEST >= 1) };
    insert(&mut store, &sample_worker("sam.okoro"));
    drop(store);
    let user_version: i64 = raw(&path)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(user_version, migrate::LATEST);
}

#[test]
fn a_new_or_empty_file_is_left_untouched_until_something_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.db");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    for path in [&new, &empty] {
        let store = Store::open(path, Access::Create, Clock::system(), login()).unwrap();
        // Reads see an empty team; a refused write leaves the file as it was.
        assert!(!store.has_workers().unwrap());
        assert!(
            store
                .caseload(Scope::Team, &Default::default())
                .unwrap()
                .is_empty()
        );
        let mut store = store;
        let refused = store.write(|w| w.insert(&sample_client(1, 1)));
        assert!(
            matches!(refused, Err(StoreError::Refused(_))),
            "{refused:?}"
        );
        drop(store);
    }
    assert!(!new.exists(), "no file is made for a refused write");
    assert_eq!(
        std::fs::read(&empty).unwrap(),
        b"",
        "an empty file stays empty"
    );
}

#[test]
fn created_database_has_the_latest_schema_and_reopens() {
    let (_dir, path, mut store) = new_store();
    assert_eq!(store.schema_version().unwrap(), migrate::LATEST);
    insert(&mut store, &sample_worker("sam.okoro"));
    drop(store);
    for access in [Access::Read, Access::Write, Access::Create] {
        let store = Store::open_unchecked(&path, access, clock(), login()).expect("reopen");
        assert_eq!(store.schema_version().unwrap(), migrate::LATEST);
    }
}

#[test]
fn newer_schema_is_refused_and_the_file_is_untouched() {
    let (_dir, path, mut store) = new_store();
    insert(&mut store, &sample_worker("sam.okoro"));
    drop(store);
    {
        let conn = raw(&path);
        conn.pragma_update(None, "user_version", migrate::LATEST + 1)
            .unwrap();
    }
    let before = read_bytes(&path);
    for access in [Access::Write, Access::Create, Access::Read] {
        let err = Store::open_unchecked(&path, access, clock(), login())
            .err()
            .expect("refused");
        match err {
            StoreError::NewerSchema {
                found, supported, ..
            } => {
                assert_eq!(found, migrate::LATEST + 1);
                assert_eq!(supported, migrate::LATEST);
            }
            other => panic!("{access:?}: expected NewerSchema, got {other:?}"),
        }
    }
    assert_eq!(
        read_bytes(&path),
        before,
        "the newer file must be left byte for byte as it was"
    );
}

#[test]
fn text_file_is_refused_as_not_sqlite_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in [
        (
            "notes.txt",
            "Client list\nJo Bloggs, 15/06/1985\n".as_bytes(),
        ),
        ("short.txt", b"hi".as_slice()),
    ] {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        for access in [Access::Read, Access::Write, Access::Create] {
            let err = Store::open_unchecked(&path, access, clock(), login())
                .err()
                .expect("refused");
            assert!(
                matches!(err, StoreError::NotSqlite(ref p) if p == &path),
                "{access:?}: {err:?}"
            );
        }
        assert_eq!(read_bytes(&path), text);
    }
}

#[test]
fn sqlite_file_from_another_program_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE stuff (x); INSERT INTO stuff VALUES (1);")
        .unwrap();
    let before = read_bytes(&path);
    let err = Store::open_unchecked(&path, Access::Write, clock(), login())
        .err()
        .expect("refused");
    assert!(matches!(err, StoreError::NotKeywork(_)), "{err:?}");
    assert_eq!(read_bytes(&path), before);
}

#[test]
fn directory_path_is_refused_as_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    for access in [Access::Read, Access::Write, Access::Create] {
        let err = Store::open_unchecked(dir.path(), access, clock(), login())
            .err()
            .expect("refused");
        assert!(
            matches!(err, StoreError::IsDirectory(ref p) if p == dir.path()),
            "{err:?}"
        );
    }
}

#[test]
fn path_in_a_missing_directory_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let path = missing.join("caseload.db");
    for access in [Access::Read, Access::Write, Access::Create] {
        let err = Store::open_unchecked(&path, access, clock(), login())
            .err()
            .expect("refused");
        match err {
            StoreError::MissingDirectory { path: p, dir: d } => {
                assert_eq!(p, path);
                assert_eq!(d, missing);
            }
            other => panic!("expected MissingDirectory, got {other:?}"),
        }
    }
    assert!(!missing.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing was created"
    );
}

#[cfg(unix)]
#[test]
fn read_only_file_is_refused_for_writing_and_left_unchanged() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path, mut store) = new_store();
    insert(&mut store, &sample_worker("sam.okoro"));
    drop(store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = read_bytes(&path);
    for access in [Access::Write, Access::Create] {
        let err = Store::open_unchecked(&path, access, clock(), login())
            .err()
            .expect("refused");
        assert!(
            matches!(err, StoreError::ReadOnly(ref p) if p == &path),
            "{access:?}: {err:?}"
        );
    }
    assert_eq!(read_bytes(&path), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o444
    );
}

#[cfg(unix)]
#[test]
fn read_only_file_can_still_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path, mut store) = new_store();
    let worker_id = insert(&mut store, &sample_worker("sam.okoro"));
    drop(store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = read_bytes(&path);
    let store = Store::open_unchecked(&path, Access::Read, clock(), login())
        .expect("open read-only file for reading");
    assert_eq!(
        store.get::<Worker>(worker_id).unwrap().record,
        sample_worker("sam.okoro")
    );
    drop(store);
    assert_eq!(read_bytes(&path), before);
}

#[test]
fn reading_a_missing_file_is_no_database_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("caseload.db");
    for access in [Access::Read, Access::Write] {
        let err = Store::open_unchecked(&path, access, clock(), login())
            .err()
            .expect("refused");
        assert!(
            matches!(err, StoreError::NoDatabase(ref p) if p == &path),
            "{access:?}: {err:?}"
        );
    }
    assert!(!path.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn new_database_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path, mut store) = new_store();
    // The file is made by the first write, owner-only; while open, SQLite's side files carry
    // the same mode.
    insert(&mut store, &sample_worker("sam.okoro"));
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            let mode = std::fs::metadata(&side).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", side.display());
        }
    }
    drop(store);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Conflict detection
// ---------------------------------------------------------------------------------------------

#[test]
fn saving_over_someone_elses_save_is_a_conflict_and_keeps_their_version() {
    let mut f = fixture();
    let read = f.store.get::<Client>(f.client_id).unwrap();
    assert_eq!(read.row_version, 1);

    let second = Client {
        preferred_name: Some(name("Jojo")),
        other_substances: [Substance::Alcohol].into_iter().collect(),
        ..read.record.clone()
    };
    f.store
        .write(|w| w.update_client(f.client_id, 1, &second))
        .expect("first save");
    let saved = f.store.get::<Client>(f.client_id).unwrap();
    assert_eq!(saved.row_version, 2);
    assert_eq!(saved.record, second);

    let third = Client {
        status: ClientStatus::Discharged,
        other_substances: BTreeSet::new(),
        ..read.record.clone()
    };
    let err = f
        .store
        .write(|w| w.update_client(f.client_id, 1, &third))
        .unwrap_err();
    match err {
        StoreError::Conflict { what, id, current } => {
            assert_eq!(what, RecordType::Client);
            assert_eq!(id, f.client_id);
            assert_eq!(current, 2);
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    let kept = f.store.get::<Client>(f.client_id).unwrap();
    assert_eq!(kept.row_version, 2);
    assert_eq!(
        kept.record, second,
        "the second save is kept, substances included"
    );
}

#[test]
fn updating_a_missing_client_is_not_found() {
    let mut f = fixture();
    let client = sample_client(f.worker_id, 5);
    let err = f
        .store
        .write(|w| w.update_client(999, 1, &client))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: RecordType::Client,
                id: 999
            }
        ),
        "{err:?}"
    );
}

#[test]
fn client_update_is_audited_and_keeps_created_at() {
    let mut f = fixture();
    let audit_before = count(&f.store, "audit");
    let changed = Client {
        modality: Modality::Detox,
        ..sample_client(f.worker_id, 1)
    };
    f.store
        .write(|w| w.update_client(f.client_id, 1, &changed))
        .unwrap();
    let stored = f.store.get::<Client>(f.client_id).unwrap();
    assert_eq!(stored.created_at, clock().timestamp());
    assert_eq!(stored.updated_at, clock().timestamp());
    assert_eq!(count(&f.store, "audit"), audit_before + 1);
}

#[test]
fn invalid_client_update_is_refused_and_leaves_the_record() {
    let mut f = fixture();
    let before = f.store.get::<Client>(f.client_id).unwrap();
    let bad = Client {
        date_of_birth: date(2030, 1, 1),
        ..before.record.clone()
    };
    let err = f
        .store
        .write(|w| w.update_client(f.client_id, 1, &bad))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                what: RecordType::Client,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(f.store.get::<Client>(f.client_id).unwrap(), before);
}

// ---------------------------------------------------------------------------------------------
// 6. Export
// ---------------------------------------------------------------------------------------------

const SECRET_NOTE: &str = "Disclosed-ZEBRA-MARMALADE-7731-in-confidence";
const SECRET_WORDS: &str = "Own-words-QUOKKA-4410";
const SECRET_OUTCOME: &str = "Outcome-PELICAN-9902";
const AMENDED_NOTE: &str = "Amended-OCELOT-5521-in-confidence";
const VOID_REASON: &str = "Wrong-client-HERON-3307";

#[test]
fn export_has_an_array_per_record_type_and_the_audit_holds_no_note_text() {
    let mut f = fixture();
    let session_id = insert(
        &mut f.store,
        &Session {
            note: note(SECRET_NOTE),
            ..sample_session(f.client_id, f.worker_id)
        },
    );
    insert(&mut f.store, &sample_prescription(f.client_id));
    let readiness_id = insert(
        &mut f.store,
        &ReadinessNote {
            client_id: f.client_id,
            worker_id: f.worker_id,
            noted_on: today(),
            stage: Stage::Contemplation,
            importance: Some(score(7)),
            confidence: Some(score(3)),
            readiness: Some(score(5)),
            note: note(SECRET_WORDS),
            session_id: Some(session_id),
        },
    );
    let goal_id = insert(
        &mut f.store,
        &sample_goal(
            f.client_id,
            GoalArea::substance_use(HierarchyLevel::AbstinenceMain),
        ),
    );
    insert(
        &mut f.store,
        &GoalAction {
            goal_id,
            step: short("Book GP"),
            owner: ActionOwner::Client,
            due_on: None,
            done_on: None,
        },
    );
    insert(
        &mut f.store,
        &Review {
            completion: Some(ReviewCompletion {
                completed_on: today(),
                completed_by: f.worker_id,
                outcome: note(SECRET_OUTCOME),
            }),
            ..sample_review(f.client_id, ReviewKind::Prescribing)
        },
    );
    // A correction of each sort: the earlier note and the reason go to the export, never the audit.
    let amended = Session {
        note: note(AMENDED_NOTE),
        ..sample_session(f.client_id, f.worker_id)
    };
    f.store
        .write(|w| w.amend(session_id, 1, &amended))
        .expect("amend");
    f.store
        .write(|w| w.void(RecordType::ReadinessNote, readiness_id, VOID_REASON))
        .expect("void");

    let mut out = Vec::new();
    f.store.export_json(&mut out).expect("export");
    let export: serde_json::Value = serde_json::from_slice(&out).expect("export is valid JSON");

    for array in [
        "workers",
        "clients",
        "prescriptions",
        "sessions",
        "readiness_notes",
        "goals",
        "goal_actions",
        "reviews",
        "audit",
    ] {
        let items = export[array]
            .as_array()
            .unwrap_or_else(|| panic!("{array} is an array"));
        assert!(!items.is_empty(), "{array} holds the record inserted");
    }
    assert_eq!(
        export["sessions"][0]["note"], AMENDED_NOTE,
        "the note itself is exported with its session"
    );
    assert_eq!(export["sessions"][0]["in_error"], serde_json::Value::Null);
    assert_eq!(
        export["readiness_notes"][0]["in_error"]["reason"], VOID_REASON,
        "an entry in error is exported with its reason"
    );
    let earlier = export["earlier_versions"].as_array().unwrap();
    assert_eq!(earlier.len(), 2, "one per correction");
    assert_eq!(earlier[0]["record_type"], "session");
    assert_eq!(earlier[0]["record_id"], session_id);
    assert_eq!(earlier[0]["version"], 1);
    assert_eq!(earlier[0]["change"], "amend");
    assert_eq!(
        earlier[0]["content"]["note"], SECRET_NOTE,
        "the earlier version is exported whole"
    );
    let keys: BTreeSet<&str> = earlier[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "change",
            "content",
            "record_id",
            "record_type",
            "replaced_at",
            "replaced_by",
            "version",
            "written_at",
            "written_by"
        ]
        .into_iter()
        .collect()
    );

    let audit = export["audit"].as_array().unwrap();
    assert_eq!(
        audit.len(),
        10,
        "one entry per record created, amended or voided"
    );
    let audit_json = serde_json::to_string(&export["audit"]).unwrap();
    for secret in [
        SECRET_NOTE,
        SECRET_WORDS,
        SECRET_OUTCOME,
        AMENDED_NOTE,
        VOID_REASON,
        "Stop using on top",
    ] {
        assert!(
            !audit_json.contains(secret),
            "audit must not copy note text: found {secret:?}"
        );
    }
    for entry in audit {
        let keys: BTreeSet<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "action",
                "at",
                "detail",
                "login",
                "record_id",
                "record_type"
            ]
            .into_iter()
            .collect()
        );
    }
}

#[test]
fn export_of_an_empty_database_is_valid_json_with_empty_arrays() {
    let (_dir, _path, mut store) = new_store();
    let mut out = Vec::new();
    store.export_json(&mut out).unwrap();
    let export: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(export["schema_version"], migrate::LATEST);
    for array in [
        "workers",
        "clients",
        "prescriptions",
        "sessions",
        "readiness_notes",
        "goals",
        "goal_actions",
        "reviews",
        "earlier_versions",
        "audit",
    ] {
        assert_eq!(export[array], serde_json::json!([]), "{array}");
    }
}

#[test]
fn export_round_trips_record_fields_and_is_itself_audited() {
    let mut f = fixture();
    let client_id = insert(&mut f.store, &full_client(f.worker_id));
    let mut out = Vec::new();
    f.store.export_json(&mut out).unwrap();
    let export: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let client = export["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == client_id)
        .expect("exported client");
    assert_eq!(client["nhs_number"], "9434765919");
    assert_eq!(client["reference"], "KW-00042");
    assert_eq!(client["modality"], "ost_methadone");
    assert_eq!(client["row_version"], 1);
    assert_eq!(client["created_at"], "2026-11-23T12:00:00Z");
    assert_eq!(export["exported_on"], "2026-11-23");

    let audit_before = count(&f.store, "audit");
    let mut again = Vec::new();
    f.store.export_json(&mut again).unwrap();
    assert_eq!(
        count(&f.store, "audit"),
        audit_before + 1,
        "each export is audited"
    );
}

// ---------------------------------------------------------------------------------------------
// Boundaries where the Rust rules and the schema's rules must meet exactly
// ---------------------------------------------------------------------------------------------

/// Nine-digit prefixes spread over the whole range, deterministic.
fn nhs_prefixes() -> impl Iterator<Item = String> {
    (0..300u64).map(|i| format!("{:09}", (i * 3_331_333 + 12_345) % 1_000_000_000))
}

#[test]
fn rust_and_sql_agree_on_every_nhs_check_digit() {
    let (_dir, conn) = raw_fixture();
    conn.execute_batch("BEGIN").unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for (i, prefix) in nhs_prefixes().enumerate() {
        for last in 0..=9 {
            let number = format!("{prefix}{last}");
            let rust_ok = NhsNumber::new(&number).is_ok();
            let reference = format!("'KW-{:06}'", i * 10 + last + 100);
            let nhs = format!("'{number}'");
            let sql = insert_sql(
                "clients",
                CLIENT_ROW,
                &[("reference", &reference), ("nhs_number", &nhs)],
            );
            let sql_ok = conn.execute(&sql, []).is_ok();
            assert_eq!(
                rust_ok, sql_ok,
                "NHS number {number}: Rust says {rust_ok}, SQL says {sql_ok}"
            );
            if rust_ok { accepted += 1 } else { refused += 1 }
        }
    }
    conn.execute_batch("ROLLBACK").unwrap();
    // At most one check digit per prefix is valid, and some prefixes (remainder 10) have none.
    assert!(accepted > 250 && accepted < 300, "accepted {accepted}");
    assert!(refused > 2700, "refused {refused}");
}

#[test]
fn nhs_number_with_check_digit_zero_round_trips() {
    let mut f = fixture();
    // 1*10 + 2*9 + 3*8 + 4*7 + 5*6 + 6*5 + 7*4 + 8*3 + 3*2 = 198 = 18 * 11: check digit 0.
    let client = Client {
        nhs_number: Some(NhsNumber::new("123 456 7830").expect("valid NHS number")),
        ..sample_client(f.worker_id, 2)
    };
    assert_round_trips(&mut f.store, &client);
}

#[test]
fn longest_reference_name_and_login_round_trip() {
    let (_dir, _path, mut store) = new_store();
    let login = "a.b_c-d".to_owned() + &"x".repeat(25);
    assert_eq!(login.len(), 32);
    let long_name = Name::new("é".repeat(100)).expect("100 characters is allowed");
    let worker = Worker {
        login: Login::new(login).unwrap(),
        display_name: long_name.clone(),
        role: Role::TeamLead,
    };
    let worker_id = assert_round_trips(&mut store, &worker);
    let client = Client {
        reference: ServiceRef::new("KW-123456789").expect("nine digits is allowed"),
        given_name: long_name.clone(),
        family_name: long_name.clone(),
        preferred_name: Some(long_name.clone()),
        shared_care: Some(long_name),
        ..sample_client(worker_id, 1)
    };
    assert_round_trips(&mut store, &client);
}

#[test]
fn note_at_the_length_limit_round_trips_and_one_more_character_is_refused_by_sql() {
    let mut f = fixture();
    let longest =
        NoteText::new("é".repeat(keywork::domain::text::NOTE_MAX_CHARS)).expect("at the limit");
    let session = Session {
        note: longest,
        ..sample_session(f.client_id, f.worker_id)
    };
    assert_round_trips(&mut f.store, &session);
    drop(f.store);
    let conn = raw(&f.path);
    let too_long = format!(
        "'{}'",
        "é".repeat(keywork::domain::text::NOTE_MAX_CHARS + 1)
    );
    assert_check_refused(
        &conn,
        &insert_sql("sessions", SESSION_ROW, &[("note", &too_long)]),
        "note",
    );
}

#[test]
fn hierarchy_level_is_stored_as_its_number_highest_first() {
    let mut f = fixture();
    let top = insert(
        &mut f.store,
        &sample_goal(
            f.client_id,
            GoalArea::substance_use(HierarchyLevel::AbstinenceAll),
        ),
    );
    let bottom = insert(
        &mut f.store,
        &sample_goal(
            f.client_id,
            GoalArea::substance_use(HierarchyLevel::DirectHarms),
        ),
    );
    drop(f.store);
    let conn = raw(&f.path);
    let level = |id: i64| -> i64 {
        conn.query_row(
            "SELECT hierarchy_level FROM goals WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(level(top), 1);
    assert_eq!(level(bottom), 6);
}

#[test]
fn interventions_for_a_missed_session_are_refused() {
    let mut f = fixture();
    let session = Session {
        attendance: Attendance::DidNotAttend,
        ..sample_session(f.client_id, f.worker_id)
    };
    let err = f.store.write(|w| w.insert(&session)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                what: RecordType::Session,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&f.store, "sessions"), 0);
    assert_eq!(count(&f.store, "session_interventions"), 0);
}

#[test]
fn empty_file_opened_for_reading_is_no_database_and_left_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let err = Store::open_unchecked(&path, Access::Read, clock(), login())
        .err()
        .expect("refused");
    assert!(matches!(err, StoreError::NoDatabase(_)), "{err:?}");
    assert_eq!(read_bytes(&path), b"");
}

#[test]
fn session_whose_next_appointment_falls_in_the_same_minute_is_refused_as_invalid() {
    // Sessions are stored to the minute; a next appointment 30 seconds after the start passes
    // `Session::validate` yet both times become the same minute on disk.
    let mut f = fixture();
    let session = Session {
        started_at: at(2026, 11, 20, 10, 30),
        next_appointment: Some(date(2026, 11, 20).and_hms_opt(10, 30, 30).unwrap()),
        ..sample_session(f.client_id, f.worker_id)
    };
    let err = f.store.write(|w| w.insert(&session)).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                what: RecordType::Session,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn session_start_with_seconds_is_refused_or_kept_exactly() {
    let mut f = fixture();
    let session = Session {
        started_at: date(2026, 11, 20).and_hms_opt(10, 30, 45).unwrap(),
        ..sample_session(f.client_id, f.worker_id)
    };
    match f.store.write(|w| w.insert(&session)) {
        Err(StoreError::Invalid {
            what: RecordType::Session,
            ..
        }) => {}
        Ok(id) => assert_eq!(
            f.store.get::<Session>(id).unwrap().record,
            session,
            "silently changed"
        ),
        Err(other) => panic!("expected Invalid or an exact round trip, got {other:?}"),
    }
}

#[test]
fn duplicate_reference_or_nhs_number_is_refused_and_nothing_is_written() {
    let mut f = fixture();
    let first = Client {
        nhs_number: Some(NhsNumber::new("9434765919").unwrap()),
        ..sample_client(f.worker_id, 2)
    };
    insert(&mut f.store, &first);
    let clients_before = count(&f.store, "clients");
    let same_reference = Client {
        nhs_number: None,
        ..first.clone()
    };
    let same_nhs_number = Client {
        reference: ServiceRef::from_number(3),
        ..first.clone()
    };
    for duplicate in [same_reference, same_nhs_number] {
        let err = f.store.write(|w| w.insert(&duplicate)).unwrap_err();
        assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("another client already has this"),
            "{err}"
        );
        assert_eq!(count(&f.store, "clients"), clients_before);
    }
}

#[test]
fn two_connections_saving_the_same_client_conflict() {
    let f = fixture();
    drop(f.store);
    let mut alice = Store::open_unchecked(
        &f.path,
        Access::Write,
        clock(),
        Login::new("alice").unwrap(),
    )
    .unwrap();
    let mut bob =
        Store::open_unchecked(&f.path, Access::Write, clock(), Login::new("bob").unwrap()).unwrap();
    let alice_read = alice.get::<Client>(f.client_id).unwrap();
    let bob_read = bob.get::<Client>(f.client_id).unwrap();
    let alice_version = Client {
        preferred_name: Some(name("Joanne")),
        ..alice_read.record.clone()
    };
    let bob_version = Client {
        status: ClientStatus::OnHold,
        ..bob_read.record.clone()
    };
    alice
        .write(|w| w.update_client(f.client_id, alice_read.row_version, &alice_version))
        .unwrap();
    let err = bob
        .write(|w| w.update_client(f.client_id, bob_read.row_version, &bob_version))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2, .. }),
        "{err:?}"
    );
    assert_eq!(
        bob.get::<Client>(f.client_id).unwrap().record,
        alice_version
    );
}

#[test]
fn store_opened_for_reading_refuses_to_write() {
    let f = fixture();
    drop(f.store);
    let mut reader = Store::open_unchecked(&f.path, Access::Read, clock(), login()).unwrap();
    let result = reader.write(|w| w.insert(&sample_client(f.worker_id, 2)));
    assert!(result.is_err(), "{result:?}");
    assert_eq!(count(&reader, "clients"), 1);
}

/// Overwrites the root page of `table` with garbage, with every change in the main file first.
fn damage_table(path: &Path, table: &str) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    let page_size: i64 = conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .unwrap();
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    use std::io::{Seek, SeekFrom, Write};
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    let offset = u64::try_from((root - 1) * page_size).unwrap();
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.write_all(&vec![0xAB; usize::try_from(page_size).unwrap()])
        .unwrap();
    file.sync_all().unwrap();
}

#[test]
fn damage_found_while_writing_stops_every_later_write_of_that_run() {
    let mut f = fixture();
    for _ in 0..3 {
        insert(&mut f.store, &sample_session(f.client_id, f.worker_id));
    }
    drop(f.store);
    damage_table(&f.path, "sessions");
    let mut store = Store::open_unchecked(&f.path, Access::Write, clock(), login()).unwrap();
    let err = store
        .write(|w| w.insert(&sample_session(f.client_id, f.worker_id)))
        .unwrap_err();
    // Found by the quick check before the run's first write, or by SQLite during it.
    assert!(
        matches!(
            err,
            StoreError::Damaged { .. } | StoreError::Refused(Refusal::Damaged { .. })
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("keywork check") && message.contains("restore from a backup"),
        "{message}"
    );
    // A table the damage did not touch is refused too: nothing more is written this run.
    let err = store
        .write(|w| w.insert(&sample_worker("kim.new")))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Refused(Refusal::Damaged { .. })),
        "{err:?}"
    );
    let workers: i64 = Connection::open(&f.path)
        .unwrap()
        .query_row("SELECT count(*) FROM workers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(workers, 1);
}
