//! Missed doses through the store: a quick entry of the days the pharmacy reports, refused whole
//! when any day is wrong; three in a row raise the alert until a prescribing review or a new
//! prescription; and migration 15 keeps the acknowledgements and their id counter.

use chrono::NaiveDate;
use keywork::clock::Clock;
use keywork::domain::*;
use keywork::store::{Access, Store, migrate};
use rusqlite::{Connection, params};
use std::collections::BTreeSet;
use tempfile::TempDir;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn today() -> NaiveDate {
    date(2026, 11, 23)
}

struct Fixture {
    _dir: TempDir,
    store: Store,
    client_id: i64,
    worker_id: i64,
}

/// A client on methadone since 02/11/2026, and a prescriber who records for them.
fn fixture() -> Fixture {
    fixture_with(RiskFlags::default())
}

fn fixture_with(risk: RiskFlags) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("caseload.db");
    let login = Login::new("ana.prescriber").expect("login");
    let mut store =
        Store::open_unchecked(&path, Access::Create, Clock::fixed(today()), login.clone())
            .expect("create store");
    let (worker_id, client_id) = store
        .write(|w| {
            let worker_id = w.insert(&Worker {
                login: login.clone(),
                display_name: Name::new("Ana Prescriber").unwrap(),
                role: Role::Prescriber,
            })?;
            let client_id = w.insert(&Client {
                reference: ServiceRef::from_number(7),
                given_name: Name::new("Jo").unwrap(),
                family_name: Name::new("Wren").unwrap(),
                preferred_name: None,
                date_of_birth: date(1985, 6, 15),
                nhs_number: None,
                key_worker_id: worker_id,
                status: ClientStatus::Active,
                referral_date: date(2026, 10, 20),
                treatment_start: Some(date(2026, 11, 1)),
                primary_substance: Substance::Heroin,
                other_substances: BTreeSet::new(),
                injecting: InjectingStatus::Never,
                modality: Modality::Psychosocial,
                shared_care: None,
                risk,
            })?;
            Ok((worker_id, client_id))
        })
        .expect("insert");
    let mut f = Fixture {
        _dir: dir,
        store,
        client_id,
        worker_id,
    };
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
            .starts_with("3 missed doses: reassess before the next dose"),
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
            text.contains("3 missed doses: reassess before the next dose"),
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
        saved.message.contains("3 missed doses: reassess"),
        "{}",
        saved.message
    );
}
