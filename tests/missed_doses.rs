//! Missed doses through the store: a quick entry of the days the pharmacy reports, refused whole
//! when any day is wrong; three in a row raise the alert until a prescribing review or a new
//! prescription; and migration 15 keeps the acknowledgements and their id counter.

mod common;
#[path = "common/fixture.rs"]
mod fixture;

use chrono::NaiveDate;
use fixture::{Fixture, date, today};
use keywork::clock::Clock;
use keywork::domain::*;
use keywork::store::{Access, Store, migrate};
use rusqlite::{Connection, params};

/// A client on methadone since 02/11/2026, and a prescriber who records for them.
fn fixture() -> Fixture {
    fixture_with(RiskFlags::default())
}

fn fixture_with(risk: RiskFlags) -> Fixture {
    let mut f = Fixture::new(
        fixture::worker("ana.prescriber", "Ana Prescriber", Role::Prescriber),
        |worker_id| Client {
            referral_date: date(2026, 10, 20),
            treatment_start: Some(date(2026, 11, 1)),
            risk,
            ..fixture::client(7, worker_id)
        },
    );
    start(&mut f, date(2026, 11, 2)).expect("start");
    f
}

fn start(f: &mut Fixture, from: NaiveDate) -> keywork::store::Result<i64> {
    let p = OstPrescription {
        rx: Prescription {
            client_id: f.client_id,
            medicine: Medicine::Methadone,
            dose_mg: 30.0,
            interval: DoseInterval::Daily,
            started_on: from,
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

fn record(f: &mut Fixture, days: &[NaiveDate]) -> keywork::store::Result<MissedRecorded> {
    let (client, worker) = (f.client_id, f.worker_id);
    f.store
        .write(|w| w.record_missed_doses(client, worker, days))
}

use keywork::store::MissedRecorded;

/// The prescription changed from 10/11/2026 to take-home doses (a reason for the first three
/// months given), with this dose reason and safe-storage answer.
fn change_to_take_home(
    f: &mut Fixture,
    dose_reason: Option<&str>,
    safe_storage: Option<bool>,
) -> keywork::store::Result<i64> {
    let current = f.store.prescriptions_of(f.client_id).expect("read")[0].clone();
    let mut next = current.record.clone();
    next.rx.started_on = date(2026, 11, 22);
    next.rx.supervision = Supervision::PartlySupervised;
    next.terms.take_home_days = Some(2);
    next.terms.take_home_reason = Some("working shifts".into());
    next.terms.dose_reason = dose_reason.map(str::to_owned);
    next.terms.safe_storage_discussed = safe_storage;
    f.store.write_as_prescriber(|w| {
        w.change_prescription(current.id, current.row_version, &next, Some("take-home"))
    })
}

#[test]
fn take_home_doses_after_a_missed_dose_in_four_weeks_need_a_reason() {
    let mut f = fixture();
    record(&mut f, &[date(2026, 11, 5)]).expect("one missed");
    let refused = change_to_take_home(&mut f, None, None)
        .expect_err("a reason is needed")
        .to_string();
    assert!(
        refused.contains("1 dose missed in the last four weeks"),
        "{refused}"
    );
    change_to_take_home(&mut f, Some("pharmacy closed that day"), None).expect("with a reason");
}

#[test]
fn take_home_doses_with_no_missed_dose_or_opiate_use_need_no_reason() {
    let mut f = fixture();
    change_to_take_home(&mut f, None, None).expect("nothing to warn about");
}

#[test]
fn take_home_doses_after_a_top_recording_opiate_use_need_a_reason() {
    let mut f = fixture();
    let top = Top {
        client_id: f.client_id,
        worker_id: f.worker_id,
        completed_on: date(2026, 11, 16),
        stage: TopStage::Review,
        other_substance: None,
        answers: [(TopItem::OpiatesDays, Answer::Value(3.0))]
            .into_iter()
            .collect(),
    };
    f.store.write(|w| w.insert(&top)).expect("TOP");
    let refused = change_to_take_home(&mut f, None, None)
        .expect_err("a reason is needed")
        .to_string();
    assert!(
        refused.contains("illicit opiate use on 3 of 28 days"),
        "{refused}"
    );
    change_to_take_home(&mut f, Some("stable, occasional use only"), None).expect("with a reason");
}

#[test]
fn take_home_doses_with_children_in_the_household_need_safe_storage_discussed() {
    let mut f = fixture_with(RiskFlags {
        safeguarding_children: true,
        ..RiskFlags::default()
    });
    for answer in [None, Some(false)] {
        let refused = change_to_take_home(&mut f, Some("any reason"), answer)
            .expect_err("safe storage first")
            .to_string();
        assert!(refused.contains("safe storage discussed"), "{refused}");
    }
    let id = change_to_take_home(&mut f, None, Some(true)).expect("discussed");
    let stored = f.store.prescriptions_of(f.client_id).expect("read");
    let saved = stored
        .iter()
        .find(|p| p.id == id)
        .expect("the new prescription");
    assert_eq!(saved.record.terms.safe_storage_discussed, Some(true));
}

fn missed_alert(f: &Fixture) -> Option<Alert> {
    f.store
        .client_status(f.client_id, &ReviewIntervals::default())
        .expect("status")
        .assessment
        .open
        .into_iter()
        .find(|a| a.kind == AlertKind::MissedDoses)
}

#[test]
fn three_missed_days_in_a_row_raise_the_alert_and_a_prescribing_review_answers_it() {
    let mut f = fixture();
    record(&mut f, &[date(2026, 11, 19), date(2026, 11, 20)]).expect("two days");
    assert_eq!(missed_alert(&f), None, "two days in a row");
    record(&mut f, &[date(2026, 11, 21)]).expect("the third");
    let alert = missed_alert(&f).expect("three in a row");
    assert!(
        alert
            .reason
            .starts_with("Reassess before the next dose (3 in a row"),
        "{}",
        alert.reason
    );
    assert_eq!(alert.kind.letter(), Some('M'));
    let review = Review {
        client_id: f.client_id,
        kind: ReviewKind::Prescribing,
        due_on: date(2026, 11, 30),
        completion: Some(ReviewCompletion {
            completed_on: date(2026, 11, 22),
            completed_by: f.worker_id,
            outcome: NoteText::new("Reassessed after missed doses.").unwrap(),
        }),
    };
    f.store
        .write(|w| w.complete_review(&review))
        .expect("review");
    assert_eq!(missed_alert(&f), None, "answered by the review");
}

#[test]
fn a_new_prescription_after_the_third_day_answers_the_alert() {
    let mut f = fixture();
    record(
        &mut f,
        &[date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)],
    )
    .expect("three days");
    assert!(missed_alert(&f).is_some());
    let current = f.store.prescriptions_of(f.client_id).expect("read")[0].clone();
    let mut next = current.record.clone();
    next.rx.started_on = date(2026, 11, 22);
    next.rx.dose_mg = 20.0;
    f.store
        .write_as_prescriber(|w| {
            w.change_prescription(current.id, current.row_version, &next, Some("reassessed"))
        })
        .expect("change");
    assert_eq!(missed_alert(&f), None);
}

#[test]
fn a_wrong_day_refuses_the_whole_entry_and_records_nothing() {
    let mut f = fixture();
    let future = record(&mut f, &[date(2026, 11, 20), date(2026, 11, 24)])
        .expect_err("tomorrow")
        .to_string();
    assert!(future.contains("24/11/2026 is in the future"), "{future}");
    let before = record(&mut f, &[date(2026, 11, 1), date(2026, 11, 20)])
        .expect_err("before the prescription")
        .to_string();
    assert!(
        before.contains("no prescription covers 01/11/2026"),
        "{before}"
    );
    let none = record(&mut f, &[]).expect_err("no dates").to_string();
    assert!(none.contains("at least one date"), "{none}");
    assert_eq!(f.store.missed_doses(f.client_id).expect("read"), []);
}

#[test]
fn a_day_recorded_twice_is_kept_once_and_reported() {
    let mut f = fixture();
    record(&mut f, &[date(2026, 11, 20)]).expect("first");
    let again = record(&mut f, &[date(2026, 11, 20), date(2026, 11, 21)]).expect("again");
    assert_eq!(again.added, [date(2026, 11, 21)]);
    assert_eq!(again.already, [date(2026, 11, 20)]);
    assert_eq!(
        f.store.missed_doses(f.client_id).expect("read"),
        [date(2026, 11, 20), date(2026, 11, 21)]
    );
}

/// A schema-12 file with an acknowledgement whose higher neighbour was erased: migration 15
/// keeps the row, keeps the id counter above the erased id, and takes the new alert codes.
#[test]
fn migration_15_keeps_acknowledgements_and_their_id_counter_and_takes_the_new_codes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v12.db");
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    migrate::run_up_to(&mut conn, 12).unwrap();
    let stamp = "2026-11-01T09:00:00Z";
    conn.execute_batch(&format!(
        "INSERT INTO workers (id, login, display_name, role, created_at, updated_at)
           VALUES (1, 'lead', 'Test Lead', 'team_lead', '{stamp}', '{stamp}');
         INSERT INTO clients (id, reference, given_name, family_name, date_of_birth, key_worker_id,
           status, referral_date, primary_substance, injecting, modality, created_at, updated_at)
           VALUES (1, 'KW-00001', 'A', 'B', '1980-01-01', 1, 'active', '2026-01-01', 'heroin',
           'never', 'psychosocial', '{stamp}', '{stamp}');"
    ))
    .unwrap();
    for id in [1, 2] {
        conn.execute(
            "INSERT INTO alert_acks (id, client_id, alert, cause, reason, worker_id, acknowledged_on,
               created_at, updated_at) VALUES (?1, 1, 'naloxone', 'c', 'r', 1, '2026-11-01', ?2, ?2)",
            params![id, stamp],
        )
        .unwrap();
    }
    conn.execute("DELETE FROM alert_acks WHERE id = 2", [])
        .unwrap();
    migrate::run(&mut conn).unwrap();
    let kept: i64 = conn
        .query_row("SELECT count(*) FROM alert_acks WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, 1);
    conn.execute(
        "INSERT INTO alert_acks (client_id, alert, cause, reason, worker_id, acknowledged_on,
           created_at, updated_at) VALUES (1, 'missed_doses', 'c', 'r', 1, '2026-11-02', ?1, ?1)",
        [stamp],
    )
    .expect("a new code is accepted");
    let id: i64 = conn.last_insert_rowid();
    assert_eq!(id, 3, "the erased id 2 is never given again");
    let triggers: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'summary_alert_acks_%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        triggers, 3,
        "the summary triggers on alert_acks are made again"
    );
}

mod shell {
    //! `keywork dose missed` on the real binary over a generated demo database.

    use rusqlite::Connection;
    use std::path::Path;
    use std::process::{Command, Output};

    const TODAY: &str = "2026-11-23";

    fn keywork(db: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_keywork"))
            .args(["--today", TODAY, "--db", db.to_str().unwrap()])
            .args(args)
            .env_remove("KEYWORK_DB")
            .output()
            .expect("the binary runs")
    }

    fn join_team(path: &Path) {
        use keywork::domain::{Login, Name, Role, Worker};
        use keywork::store::{Access, Store};
        let user = nix::unistd::User::from_uid(nix::unistd::Uid::current())
            .unwrap()
            .expect("the current user has a name");
        let login = Login::new(user.name).expect("a valid login");
        let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
        let clock = keywork::clock::Clock::fixed(today);
        let mut store = Store::open_unchecked(path, Access::Write, clock, login.clone()).unwrap();
        if store.worker_by_login(&login).unwrap().is_none() {
            let worker = Worker {
                login,
                display_name: Name::new("Test Runner").unwrap(),
                role: Role::TeamLead,
            };
            store.write(|w| w.insert(&worker)).unwrap();
        }
    }

    #[test]
    fn dose_missed_records_the_days_and_says_when_three_in_a_row_need_reassessing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
            .args(["--today", TODAY, "generate", "--db", db.to_str().unwrap()])
            .args(["--clients", "12"])
            .env_remove("KEYWORK_DB")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        join_team(&db);
        let conn = Connection::open(&db).unwrap();
        let reference: String = conn
            .query_row(
                "SELECT c.reference FROM clients c JOIN prescriptions p ON p.client_id = c.id
                 WHERE c.status = 'active' AND p.started_on <= '2026-11-10'
                   AND (p.ended_on IS NULL OR p.ended_on >= '2026-11-22')
                   AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.client_id = c.id
                     AND v.kind = 'prescribing' AND v.completed_on >= '2026-11-20')
                 ORDER BY c.id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("a demo client on a prescription");
        let count = || -> i64 {
            conn.query_row("SELECT count(*) FROM missed_doses", [], |r| r.get(0))
                .unwrap()
        };
        let before = count();

        let refused = keywork(
            &db,
            &[
                "dose",
                "missed",
                "--client",
                &reference,
                "--on",
                "21/11/2026,24/11/2026",
            ],
        );
        assert!(!refused.status.success());
        let err = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("24/11/2026 is in the future"), "{err}");
        assert_eq!(count(), before, "nothing recorded");

        let out = keywork(
            &db,
            &[
                "dose",
                "missed",
                "--client",
                &reference,
                "--on",
                "2026-11-20..2026-11-22",
            ],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("missed doses recorded: 20/11/2026, 21/11/2026, 22/11/2026"),
            "{text}"
        );
        assert!(
            text.contains(
                "3 missed doses: Reassess before the next dose (3 in a row, 20/11/2026 to 22/11/2026)"
            ),
            "{text}"
        );
        assert_eq!(count(), before + 3);
        let audited: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit WHERE record_type = 'prescription'
                 AND detail LIKE 'missed dose %'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, 3, "each day audited");
        let export = keywork(&db, &["export", "--format", "json"]);
        assert!(
            export.status.success(),
            "{}",
            String::from_utf8_lossy(&export.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&export.stdout).expect("JSON");
        let exported = json["missed_doses"]
            .as_array()
            .expect("a missed_doses array");
        assert_eq!(
            exported.len() as i64,
            before + 3,
            "the whole export holds them"
        );
    }

    #[test]
    fn dose_void_marks_a_missed_day_by_client_and_day_or_by_id_and_clears_the_alert() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
            .args(["--today", TODAY, "generate", "--db", db.to_str().unwrap()])
            .args(["--clients", "12"])
            .env_remove("KEYWORK_DB")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        join_team(&db);
        let conn = Connection::open(&db).unwrap();
        let reference: String = conn
            .query_row(
                "SELECT c.reference FROM clients c JOIN prescriptions p ON p.client_id = c.id
                 WHERE c.status = 'active' AND p.started_on <= '2026-11-10'
                   AND (p.ended_on IS NULL OR p.ended_on >= '2026-11-22')
                   AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.client_id = c.id
                     AND v.kind = 'prescribing' AND v.completed_on >= '2026-11-20')
                   AND NOT EXISTS (SELECT 1 FROM missed_doses m WHERE m.client_id = c.id)
                 ORDER BY c.id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("a demo client on a prescription");
        let recorded = keywork(
            &db,
            &[
                "dose",
                "missed",
                "--client",
                &reference,
                "--on",
                "2026-11-20..2026-11-22",
            ],
        );
        assert!(
            recorded.status.success(),
            "{}",
            String::from_utf8_lossy(&recorded.stderr)
        );
        assert!(String::from_utf8_lossy(&recorded.stdout).contains("3 missed doses"));

        let wrong_day = keywork(
            &db,
            &[
                "dose",
                "void",
                "--client",
                &reference,
                "--on",
                "19/11/2026",
                "--reason",
                "x",
            ],
        );
        assert!(!wrong_day.status.success());
        let err = String::from_utf8_lossy(&wrong_day.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            err.contains("no missed dose of") && err.contains("19/11/2026"),
            "{err}"
        );

        let out = keywork(
            &db,
            &[
                "dose",
                "void",
                "--client",
                &reference,
                "--on",
                "21/11/2026",
                "--reason",
                "pharmacy rang about another client",
            ],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("the missed dose on 21/11/2026 is marked entered in error"),
            "{text}"
        );
        assert!(
            !text.contains("3 missed doses"),
            "the run is broken: {text}"
        );
        let reason: String = conn
            .query_row(
                "SELECT in_error_reason FROM missed_doses WHERE missed_on = '2026-11-21'
                   AND client_id = (SELECT id FROM clients WHERE reference = ?1)",
                [&reference],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(reason, "pharmacy rang about another client");
        let audited: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit WHERE action = 'void' AND record_type = 'prescription'
                   AND detail = 'missed dose 2026-11-21'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, 1, "the void is audited, without the reason");

        let id: i64 = conn
            .query_row(
                "SELECT id FROM missed_doses WHERE missed_on = '2026-11-22'
                   AND client_id = (SELECT id FROM clients WHERE reference = ?1)",
                [&reference],
                |r| r.get(0),
            )
            .unwrap();
        let by_id = keywork(
            &db,
            &[
                "dose",
                "void",
                "--id",
                &id.to_string(),
                "--reason",
                "duplicate",
            ],
        );
        assert!(
            by_id.status.success(),
            "{}",
            String::from_utf8_lossy(&by_id.stderr)
        );
        let again = keywork(
            &db,
            &["dose", "void", "--id", &id.to_string(), "--reason", "again"],
        );
        assert!(!again.status.success());
        let err = String::from_utf8_lossy(&again.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("already marked entered in error"), "{err}");
    }
}

/// The screens' quick entry (`M`): the form opens on the selected client with yesterday filled
/// in, takes a range, and says when three in a row need reassessing; a wrong day is an error on
/// the field and nothing is recorded.
#[test]
fn the_quick_entry_form_records_a_range_and_refuses_a_wrong_day_on_its_field() {
    use keywork::form::Now;
    use keywork::form::kinds::{self, FormKind, Opening, Saving};
    let mut f = fixture();
    let intervals = ReviewIntervals::default();
    let now = Now {
        today: today(),
        now: today().and_hms_opt(11, 0, 0).unwrap(),
    };
    let open = |f: &Fixture| {
        kinds::open(
            FormKind::MissedDoses,
            &Opening {
                store: &f.store,
                now,
                client_id: Some(f.client_id),
                draft: None,
                edit: false,
                selected_goal: None,
                selected_review: None,
                intervals: &intervals,
                default_worker: Some(f.worker_id),
                entry: None,
            },
        )
        .unwrap()
        .expect("opens on a selected client")
    };
    let saving = Saving {
        client_id: f.client_id,
        worker_id: f.worker_id,
        draft_id: None,
        intervals: &intervals,
    };
    let mut opened = open(&f);
    assert_eq!(
        opened.form.text("days"),
        "22/11/2026",
        "yesterday by default"
    );
    opened.form.set("days", "21/11/2026, 24/11/2026").unwrap();
    let errors = opened
        .handler
        .save(&opened.form, &mut f.store, &saving)
        .unwrap()
        .expect_err("tomorrow is refused");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, "days");
    assert!(
        errors[0].1.contains("24/11/2026 is in the future"),
        "{errors:?}"
    );
    assert_eq!(f.store.missed_doses(f.client_id).unwrap(), []);

    let mut opened = open(&f);
    opened.form.set("days", "20/11/2026..22/11/2026").unwrap();
    let saved = opened
        .handler
        .save(&opened.form, &mut f.store, &saving)
        .unwrap()
        .expect("saved");
    assert!(
        saved
            .message
            .starts_with("Missed doses recorded: 20/11/2026, 21/11/2026, 22/11/2026."),
        "{}",
        saved.message
    );
    assert!(
        saved
            .message
            .contains("3 missed doses: Reassess before the next dose"),
        "{}",
        saved.message
    );
}

// ---------------------------------------------------------------------------------------------
// A missed dose entered by mistake: marked entered in error with a reason, kept and listed.
// ---------------------------------------------------------------------------------------------

fn void_day(f: &mut Fixture, day: NaiveDate, reason: &str) -> keywork::store::Result<NaiveDate> {
    let id = f
        .store
        .missed_dose_on(f.client_id, day)
        .expect("read")
        .expect("the day is recorded");
    f.store.write(|w| w.void_missed_dose(id, reason))
}

#[test]
fn a_missed_day_entered_in_error_breaks_the_run_and_the_alert_clears() {
    let mut f = fixture();
    let run = [date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 21)];
    record(&mut f, &run).expect("three days");
    assert!(missed_alert(&f).is_some(), "three in a row");
    let voided = void_day(&mut f, run[1], "the pharmacy rang about another client").expect("void");
    assert_eq!(voided, run[1]);
    assert_eq!(missed_alert(&f), None, "the voided day breaks the run");
    assert_eq!(
        f.store.missed_doses(f.client_id).expect("read"),
        [run[0], run[2]],
        "the rules read only the days that stand"
    );
    let listed = f.store.client_missed_doses(f.client_id).expect("read");
    assert_eq!(listed.len(), 3, "the day in error stays in the record");
    let marked = listed
        .iter()
        .find(|d| d.missed_on == run[1])
        .and_then(|d| d.in_error.as_ref())
        .expect("marked");
    assert_eq!(
        marked.reason.as_str(),
        "the pharmacy rang about another client"
    );
    assert_eq!(marked.by.as_str(), "ana.prescriber");
    let conn = Connection::open(f.store.path()).expect("open");
    let (action, detail): (String, String) = conn
        .query_row(
            "SELECT action, detail FROM audit WHERE record_type = 'prescription'
             ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("audited");
    assert_eq!(
        (action.as_str(), detail.as_str()),
        ("void", "missed dose 2026-11-20")
    );
    record(&mut f, &[run[1]]).expect("the day can be recorded again");
    assert!(missed_alert(&f).is_some(), "and then counts again");
}

#[test]
fn a_missed_day_entered_in_error_outside_the_run_leaves_the_alert() {
    let mut f = fixture();
    let days = [
        date(2026, 11, 18),
        date(2026, 11, 19),
        date(2026, 11, 20),
        date(2026, 11, 21),
    ];
    record(&mut f, &days).expect("four days");
    void_day(&mut f, days[0], "recorded on the wrong day").expect("void");
    let alert = missed_alert(&f).expect("three in a row still");
    assert!(
        alert
            .reason
            .starts_with("Reassess before the next dose (3 in a row"),
        "{}",
        alert.reason
    );
}

#[test]
fn a_missed_dose_is_voided_once_and_only_with_a_reason() {
    let mut f = fixture();
    record(&mut f, &[date(2026, 11, 20)]).expect("one day");
    let id = f
        .store
        .missed_dose_on(f.client_id, date(2026, 11, 20))
        .expect("read")
        .expect("recorded");
    let blank = f
        .store
        .write(|w| w.void_missed_dose(id, "   "))
        .expect_err("a reason is required")
        .to_string();
    assert!(blank.contains("give the reason"), "{blank}");
    assert_eq!(
        f.store.missed_doses(f.client_id).expect("read"),
        [date(2026, 11, 20)],
        "nothing changed"
    );
    f.store
        .write(|w| w.void_missed_dose(id, "wrong client"))
        .expect("void");
    let again = f
        .store
        .write(|w| w.void_missed_dose(id, "twice"))
        .expect_err("already in error")
        .to_string();
    assert!(again.contains("already marked entered in error"), "{again}");
    let missing = f
        .store
        .write(|w| w.void_missed_dose(id + 100, "no such"))
        .expect_err("no such dose")
        .to_string();
    assert!(
        missing.contains(&format!("no missed dose {}", id + 100)),
        "{missing}"
    );
    let kept = f.store.client_missed_doses(f.client_id).expect("read");
    assert_eq!(
        kept[0].in_error.as_ref().map(|m| m.reason.as_str()),
        Some("wrong client"),
        "the first reason stands"
    );
}

/// Whoever may record a missed dose may mark one entered in error; a read-only login may do
/// neither.
#[test]
fn a_read_only_worker_cannot_void_a_missed_dose_and_a_key_worker_can() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("team.db");
    let lead = Login::new("lee.lead").expect("login");
    let key_worker = Login::new("kim.kw").expect("login");
    let trainer = Login::new("tia.trainer").expect("login");
    let mut store =
        Store::open(&path, Access::Create, Clock::system(), lead.clone()).expect("create");
    for (login, name, role) in [
        (&lead, "Lee Lead", Role::TeamLead),
        (&key_worker, "Kim Kw", Role::KeyWorker),
        (&trainer, "Tia Trainer", Role::ReadOnly),
    ] {
        store
            .add_worker(&Worker {
                login: login.clone(),
                display_name: Name::new(name).unwrap(),
                role,
            })
            .expect("add to the team");
    }
    let kw = store
        .member(&key_worker)
        .expect("read")
        .expect("on the team");
    let today = store.today();
    let client_id = store
        .write(|w| {
            w.insert(&Client {
                referral_date: today - chrono::Duration::days(60),
                treatment_start: Some(today - chrono::Duration::days(30)),
                ..fixture::client(9, kw.id)
            })
        })
        .expect("a client");
    let p = OstPrescription {
        rx: Prescription {
            client_id,
            medicine: Medicine::Methadone,
            dose_mg: 30.0,
            interval: DoseInterval::Daily,
            started_on: today - chrono::Duration::days(20),
            ended_on: None,
            supervision: Supervision::DailySupervised,
        },
        terms: Terms::default(),
    };
    store
        .write_as_prescriber(|w| w.start_prescription(&p))
        .expect("the lead prescribes");
    let day = today - chrono::Duration::days(2);
    store.act_as(key_worker);
    store
        .write(|w| w.record_missed_doses(client_id, kw.id, &[day]))
        .expect("a key worker records it");
    let id = store
        .missed_dose_on(client_id, day)
        .expect("read")
        .expect("recorded");
    store.act_as(trainer);
    let refused = store.write(|w| w.void_missed_dose(id, "not so"));
    assert!(
        matches!(
            refused,
            Err(keywork::store::StoreError::Refused(
                Refusal::ReadOnlyRole { .. }
            ))
        ),
        "{refused:?}"
    );
    assert_eq!(store.missed_doses(client_id).expect("read"), [day]);
    store.act_as(Login::new("kim.kw").unwrap());
    store
        .write(|w| w.void_missed_dose(id, "recorded against the wrong client"))
        .expect("a key worker corrects it");
    assert_eq!(store.missed_doses(client_id).expect("read"), []);
}

/// The record screen's text and the subject access export list every missed dose (a voided one
/// marked with its reason) and a take-home prescription's safe-storage answer.
#[test]
fn the_record_and_the_export_list_missed_doses_and_the_safe_storage_answer() {
    use keywork::app::record::{Layout, document};
    use keywork::export::{Format, Kind, render};
    let mut f = fixture_with(RiskFlags {
        safeguarding_children: true,
        ..RiskFlags::default()
    });
    let layout = Layout {
        today: today(),
        width: 76,
        intervals: ReviewIntervals::default(),
        ascii: false,
    };
    let screen = |f: &Fixture| -> String {
        let record = f
            .store
            .client_record(f.client_id, &ReviewIntervals::default())
            .expect("record");
        document(&record, &layout)
            .lines
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let before = screen(&f);
    assert!(before.contains("Missed doses"), "{before}");
    assert!(before.contains("None recorded"), "{before}");
    assert!(
        !before.contains("safe storage discussed"),
        "supervised daily: {before}"
    );

    record(&mut f, &[date(2026, 11, 5), date(2026, 11, 6)]).expect("two days");
    void_day(&mut f, date(2026, 11, 6), "another client's dose").expect("void");
    change_to_take_home(&mut f, Some("working shifts"), Some(true)).expect("take-home");
    let after = screen(&f);
    for expected in [
        "05/11/2026  missed, against Methadone oral solution 30 mg from 02/11/2026",
        "06/11/2026  missed, against Methadone oral solution 30 mg from 02/11/2026\n      [entered in error: ana.prescriber on 23/11/2026: another client's",
        "safe storage discussed: yes",
    ] {
        assert!(after.contains(expected), "{expected}\n{after}");
    }
    let markdown = render(&f.store, f.client_id, Kind::Record(Format::Markdown)).expect("export");
    for expected in [
        "Missed doses",
        "05/11/2026: dose missed",
        "Recorded against the Methadone oral solution 30 mg prescription from 02/11/2026.",
        "Entered in error: ana.prescriber on 23/11/2026: another client's dose. It counts for nothing.",
        "Safe storage discussed: yes",
    ] {
        assert!(markdown.contains(expected), "{expected}\n{markdown}");
    }
    let json = render(&f.store, f.client_id, Kind::Record(Format::Json)).expect("export");
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let doses = json["missed_doses"].as_array().expect("missed_doses");
    assert_eq!(doses.len(), 2);
    assert_eq!(doses[0]["missed_on"], "2026-11-06");
    assert_eq!(doses[0]["in_error"]["reason"], "another client's dose");
    assert!(doses[1]["in_error"].is_null());
}

/// On the screen: Tab reaches a missed dose like any entry, `X` asks the reason, and the day
/// then counts for nothing; `e` on it says how a missed dose is corrected instead.
#[test]
fn x_on_a_missed_dose_in_the_record_marks_it_entered_in_error() {
    assert_eq!(common::TODAY, "2026-11-23", "the fixture's dates assume it");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("caseload.db");
    let login = Login::new(fixture::login()).expect("a valid login");
    let mut store =
        Store::open_unchecked(&db, Access::Create, Clock::fixed(today()), login.clone())
            .expect("create store");
    let client_id = store
        .write(|w| {
            w.set_meta(keywork::store::META_DEMO, "1")?;
            let worker = w.insert(&Worker {
                login: login.clone(),
                display_name: Name::new("Ana Mistry").unwrap(),
                role: Role::Prescriber,
            })?;
            let client_id = w.insert(&Client {
                referral_date: date(2026, 10, 20),
                treatment_start: Some(date(2026, 11, 1)),
                ..fixture::client(7, worker)
            })?;
            w.start_prescription(&OstPrescription {
                rx: Prescription {
                    client_id,
                    medicine: Medicine::Methadone,
                    dose_mg: 30.0,
                    interval: DoseInterval::Daily,
                    started_on: date(2026, 11, 2),
                    ended_on: None,
                    supervision: Supervision::DailySupervised,
                },
                terms: Terms {
                    prescriber: Some(Prescriber::Worker(worker)),
                    ..Terms::default()
                },
            })?;
            w.record_missed_doses(
                client_id,
                worker,
                &[date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)],
            )?;
            Ok(client_id)
        })
        .expect("write the fixture");
    drop(store);
    let mut s = common::Session::on_db(&db);
    s.timeout = std::time::Duration::from_secs(15);
    s.wait_for_panes();
    s.wait_for_text("KW-00007");
    s.send(b"\r");
    s.wait_for_text("Client record");
    s.send(b"\t"); // the prescription
    s.send(b"\t"); // the newest missed dose
    s.send(b"e");
    s.wait_for_text("A missed dose is not amended");
    s.send(b"X");
    s.wait_for_text("Entered in error: missed dose 22/11/2026");
    s.send(b"pharmacy rang about another client");
    s.send(b"\x13");
    s.wait_for_text("Marked entered in error: the missed dose on 22/11/2026");
    s.send(b"q");
    let check =
        Store::open_unchecked(&db, Access::Read, Clock::fixed(today()), login).expect("open");
    assert_eq!(
        check.missed_doses(client_id).expect("read"),
        [date(2026, 11, 20), date(2026, 11, 21)]
    );
    let status = check
        .client_status(client_id, &ReviewIntervals::default())
        .expect("status");
    assert!(
        !status
            .assessment
            .open
            .iter()
            .any(|a| a.kind == AlertKind::MissedDoses),
        "two days left: no alert"
    );
}
