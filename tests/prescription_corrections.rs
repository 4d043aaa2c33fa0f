//! Prescriptions correctable like every other entry (issue 20): amended with the earlier version
//! kept, marked entered in error with a reason, the entry in error counting for nothing in the
//! rules (modality, OST dates, review dates), and the mistake the issue names (a change dated
//! tomorrow blocks any stop) fixable both ways.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::NaiveDate;
use fixture::{Fixture, date, today};
use keywork::clock::Clock;
use keywork::domain::*;
use keywork::store::{Access, Stopping, Store, StoreError};

fn tomorrow() -> NaiveDate {
    date(2026, 11, 24)
}

/// A psychosocial client in treatment since 2026-06-01, and a prescriber acting.
fn fixture() -> Fixture {
    Fixture::new(
        fixture::worker("ana.prescriber", "Ana Prescriber", Role::Prescriber),
        client,
    )
}

fn client(key_worker_id: i64) -> Client {
    Client {
        referral_date: date(2026, 5, 20),
        treatment_start: Some(date(2026, 6, 1)),
        ..fixture::client(7, key_worker_id)
    }
}

fn rx(f: &Fixture, medicine: Medicine, dose_mg: f64, from: NaiveDate) -> OstPrescription {
    OstPrescription {
        rx: Prescription {
            client_id: f.client_id,
            medicine,
            dose_mg,
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
    }
}

fn start(f: &mut Fixture, medicine: Medicine, dose_mg: f64, from: NaiveDate) -> i64 {
    let p = rx(f, medicine, dose_mg, from);
    f.store
        .write_as_prescriber(|w| w.start_prescription(&p))
        .expect("start")
}

fn change(f: &mut Fixture, medicine: Medicine, dose_mg: f64, from: NaiveDate) -> i64 {
    let next = rx(f, medicine, dose_mg, from);
    let current = f.store.prescriptions_of(f.client_id).expect("read")[0].clone();
    f.store
        .write_as_prescriber(|w| {
            w.change_prescription(current.id, current.row_version, &next, Some("titration"))
        })
        .expect("change")
}

/// Stops the prescription the form would stop: the latest standing one open today or later.
fn stop_today(f: &mut Fixture) -> Result<(), StoreError> {
    let current = f
        .store
        .prescriptions_of(f.client_id)
        .expect("read")
        .into_iter()
        .find(|p| p.record.rx.ended_on.is_none_or(|end| end >= today()))
        .expect("a prescription open today or later");
    let stopping = Stopping {
        ended_on: today(),
        reason: Some("completed detox".into()),
        modality: Modality::Detox,
    };
    f.store
        .write_as_prescriber(|w| w.stop_prescription(current.id, current.row_version, &stopping))
}

fn amend(
    f: &mut Fixture,
    id: i64,
    change: impl FnOnce(&mut OstPrescription),
) -> Result<(), StoreError> {
    let stored = f.store.get::<OstPrescription>(id).expect("read");
    let mut amended = stored.record.clone();
    change(&mut amended);
    f.store
        .write_as_prescriber(|w| w.amend(id, stored.row_version, &amended))
}

fn void(f: &mut Fixture, id: i64) -> Result<(), StoreError> {
    f.store
        .write_as_prescriber(|w| w.void(RecordType::Prescription, id, "dated tomorrow by mistake"))
}

fn get(f: &Fixture, id: i64) -> Prescription {
    f.store.get::<OstPrescription>(id).expect("read").record.rx
}

fn status(f: &Fixture) -> keywork::store::CaseloadRow {
    f.store
        .client_status(f.client_id, &ReviewIntervals::default())
        .expect("status")
}

fn refusal(result: Result<(), StoreError>) -> String {
    match result {
        Err(StoreError::Invalid { source, .. }) => source.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn an_amended_prescription_keeps_its_earlier_version_with_who_and_when() {
    let mut f = fixture();
    let id = start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2));
    amend(&mut f, id, |p| {
        p.rx.dose_mg = 25.0;
        p.terms.pharmacy = Some("Lloyds, Mill Lane".into());
    })
    .expect("amend");
    let now = f.store.get::<OstPrescription>(id).expect("read");
    assert_eq!(now.record.rx.dose_mg, 25.0);
    assert_eq!(
        now.record.terms.pharmacy.as_deref(),
        Some("Lloyds, Mill Lane")
    );
    let versions = f
        .store
        .earlier_versions(RecordType::Prescription, id)
        .expect("versions");
    assert_eq!(versions.len(), 1, "{versions:?}");
    let kept = &versions[0];
    assert_eq!(kept.change, Change::Amend);
    assert_eq!(kept.content["dose_mg"], 30.0);
    assert_eq!(kept.content["pharmacy"], "Boots, High St");
    assert_eq!(
        kept.written_by.as_ref().map(Login::as_str),
        Some("ana.prescriber")
    );
    assert_eq!(kept.replaced_by.as_str(), "ana.prescriber");
    let corrections = f.store.corrections(f.client_id).expect("corrections");
    assert!(corrections.is_amended(RecordType::Prescription, id));
}

#[test]
fn a_change_dated_tomorrow_by_mistake_then_voided_then_the_stop_goes_through() {
    let mut f = fixture();
    let first = start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2));
    let mistake = change(&mut f, Medicine::Methadone, 35.0, tomorrow());
    // The defect: the change dated tomorrow blocks a stop today.
    let blocked = stop_today(&mut f);
    assert!(blocked.is_err(), "{blocked:?}");
    void(&mut f, mistake).expect("void the mistaken change");
    // The prescription it ended is open again, with its earlier (ended) version kept.
    assert_eq!(get(&f, first).ended_on, None);
    assert_eq!(
        f.store
            .get::<OstPrescription>(first)
            .expect("read")
            .record
            .terms
            .end_reason,
        None
    );
    assert_eq!(
        f.store
            .earlier_versions(RecordType::Prescription, first)
            .expect("versions")[0]
            .content["ended_on"],
        "2026-11-23"
    );
    stop_today(&mut f).expect("the stop goes through");
    assert_eq!(get(&f, first).ended_on, Some(today()));
    assert_eq!(status(&f).modality, Modality::Detox);
    // The entry in error stays in the record, marked.
    let record = f
        .store
        .client_record(f.client_id, &ReviewIntervals::default())
        .expect("record");
    assert!(record.prescriptions.iter().any(|p| p.id == mistake));
    assert!(
        record
            .corrections
            .in_error(RecordType::Prescription, mistake)
            .is_some()
    );
    // And so does the client's exported record.
    let md = keywork::export::render(
        &f.store,
        f.client_id,
        keywork::export::Kind::Record(keywork::export::Format::Markdown),
    )
    .expect("export");
    assert!(
        md.contains("Entered in error: ana.prescriber on 23/11/2026: dated tomorrow by mistake"),
        "{md}"
    );
}

#[test]
fn a_change_dated_tomorrow_by_mistake_amended_to_today_lets_the_stop_through() {
    let mut f = fixture();
    let first = start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2));
    let mistake = change(&mut f, Medicine::Methadone, 35.0, tomorrow());
    amend(&mut f, mistake, |p| p.rx.started_on = today()).expect("amend the start");
    // The previous prescription's end follows the change's start.
    assert_eq!(get(&f, first).ended_on, Some(date(2026, 11, 22)));
    stop_today(&mut f).expect("the stop goes through");
    assert_eq!(get(&f, mistake).ended_on, Some(today()));
}

#[test]
fn voiding_a_start_gives_back_the_treatment_before_and_no_prescribing_review_is_owed() {
    let mut f = fixture();
    let id = start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2));
    assert_eq!(status(&f).modality, Modality::OstMethadone);
    void(&mut f, id).expect("void");
    let s = status(&f);
    assert_eq!(s.modality, Modality::Psychosocial);
    assert!(
        s.owed.iter().all(|d| d.kind != ReviewKind::Prescribing),
        "{:?}",
        s.owed
    );
    assert!(
        f.store
            .prescriptions_of(f.client_id)
            .expect("read")
            .is_empty()
    );
}

#[test]
fn voiding_a_switch_returns_the_client_to_the_medicine_before() {
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 9, 1));
    let switch = change(&mut f, Medicine::Buprenorphine, 8.0, date(2026, 11, 16));
    assert_eq!(status(&f).modality, Modality::OstBuprenorphine);
    void(&mut f, switch).expect("void");
    assert_eq!(status(&f).modality, Modality::OstMethadone);
}

#[test]
fn amending_a_start_date_moves_the_prescribing_review_with_it() {
    let mut f = fixture();
    let id = start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2));
    let due = |f: &Fixture| {
        status(f)
            .owed
            .into_iter()
            .find(|d| d.kind == ReviewKind::Prescribing)
            .map(|d| d.due_on)
    };
    assert_eq!(due(&f), Some(date(2026, 11, 30)));
    amend(&mut f, id, |p| p.rx.started_on = date(2026, 11, 9)).expect("amend");
    assert_eq!(due(&f), Some(date(2026, 12, 7)));
}

#[test]
fn an_amended_dose_meets_the_safe_prescribing_checks() {
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2));
    let id = change(&mut f, Medicine::Methadone, 35.0, date(2026, 11, 16));
    let steep = refusal(amend(&mut f, id, |p| p.rx.dose_mg = 80.0));
    assert!(steep.contains("mg"), "{steep}");
    assert_eq!(get(&f, id).dose_mg, 35.0, "nothing changed");
    let ceiling = refusal(amend(&mut f, id, |p| {
        p.rx.dose_mg = 400.0;
        p.terms.dose_reason = Some("prescriber's decision".into());
    }));
    assert!(ceiling.contains("mg"), "{ceiling}");
    amend(&mut f, id, |p| {
        p.rx.dose_mg = 50.0;
        p.terms.dose_reason = Some("tolerance confirmed, seen daily".into());
    })
    .expect("a questioned dose with its reason");
    assert_eq!(get(&f, id).dose_mg, 50.0);
}

#[test]
fn an_amendment_cannot_overlap_another_prescription_or_cut_an_end_a_change_set() {
    let mut f = fixture();
    let first = start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2));
    let second = change(&mut f, Medicine::Methadone, 35.0, date(2026, 11, 16));
    let tied = refusal(amend(&mut f, first, |p| {
        p.rx.ended_on = Some(date(2026, 11, 10))
    }));
    assert!(tied.contains("amend that one's start"), "{tied}");
    let before = refusal(amend(&mut f, second, |p| {
        p.rx.started_on = date(2026, 11, 1)
    }));
    assert!(before.contains("started on"), "{before}");
    assert_eq!(get(&f, first).ended_on, Some(date(2026, 11, 15)));
}

#[test]
fn a_prescription_in_error_stays_so_and_cannot_be_amended() {
    let mut f = fixture();
    let id = start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2));
    void(&mut f, id).expect("void");
    let restore = f
        .store
        .write_as_prescriber(|w| w.unvoid(RecordType::Prescription, id));
    assert!(refusal(restore).contains("record it again"));
    let amended = refusal(amend(&mut f, id, |p| p.rx.dose_mg = 25.0));
    assert!(amended.contains("entered in error"), "{amended}");
}

#[test]
fn a_key_worker_cannot_amend_or_void_a_prescription() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("team.db");
    let lead = Login::new("lee.lead").expect("login");
    let key_worker = Login::new("kim.kw").expect("login");
    let mut store =
        Store::open(&path, Access::Create, Clock::system(), lead.clone()).expect("create");
    for (login, name, role) in [
        (&lead, "Lee Lead", Role::TeamLead),
        (&key_worker, "Kim Kw", Role::KeyWorker),
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
    let client_id = store.write(|w| w.insert(&client(kw.id))).expect("a client");
    let p = OstPrescription {
        rx: Prescription {
            client_id,
            medicine: Medicine::Methadone,
            dose_mg: 30.0,
            interval: DoseInterval::Daily,
            started_on: store.today(),
            ended_on: None,
            supervision: Supervision::DailySupervised,
        },
        terms: Terms::default(),
    };
    let id = store
        .write_as_prescriber(|w| w.start_prescription(&p))
        .expect("the lead prescribes");
    store.act_as(key_worker);
    let stored = store.get::<OstPrescription>(id).expect("read");
    let mut amended = stored.record.clone();
    amended.rx.dose_mg = 20.0;
    let amend = store.write(|w| w.amend(id, stored.row_version, &amended));
    assert!(
        matches!(
            amend,
            Err(StoreError::Refused(Refusal::NotPrescriber { .. }))
        ),
        "{amend:?}"
    );
    let void = store.write(|w| w.void(RecordType::Prescription, id, "wrong client"));
    assert!(
        matches!(
            void,
            Err(StoreError::Refused(Refusal::NotPrescriber { .. }))
        ),
        "{void:?}"
    );
    assert_eq!(
        store
            .get::<OstPrescription>(id)
            .expect("read")
            .record
            .rx
            .dose_mg,
        30.0
    );
}

// ---------------------------------------------------------------------------------------------
// From the shell: `keywork prescription amend|void --id N` on the real binary.
// ---------------------------------------------------------------------------------------------

const CLI_TODAY: &str = "2026-11-23";

fn keywork(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", CLI_TODAY])
        .args(args)
        .env_remove("KEYWORK_DB")
        .output()
        .expect("the binary runs")
}

/// A generated demo database with the login running the tests on its team as a team lead.
fn demo(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&["generate", "--db", db.to_str().unwrap(), "--clients", "6"]);
    assert!(out.status.success(), "generate failed");
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

#[test]
fn the_shell_amends_and_voids_a_prescription_by_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo(dir.path());
    let conn = rusqlite::Connection::open(&db).expect("open");
    let id: i64 = conn
        .query_row(
            "SELECT id FROM prescriptions WHERE supervision = 'daily_supervised'
               AND medicine = 'methadone' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the demo has a supervised methadone prescription");
    let db = db.to_str().unwrap();
    let id_text = id.to_string();
    let nothing = keywork(&["prescription", "amend", "--db", db, "--id", &id_text]);
    assert!(!nothing.status.success());
    let said = String::from_utf8_lossy(&nothing.stderr).into_owned();
    assert!(said.contains("nothing to amend"), "{said}");
    assert_eq!(said.trim_end().lines().count(), 1, "{said}");
    let amended = keywork(&[
        "prescription",
        "amend",
        "--db",
        db,
        "--id",
        &id_text,
        "--pharmacy",
        "Lloyds, Mill Lane",
    ]);
    assert!(
        amended.status.success(),
        "{}",
        String::from_utf8_lossy(&amended.stderr)
    );
    let kept: i64 = conn
        .query_row(
            "SELECT count(*) FROM earlier_versions
             WHERE record_type = 'prescription' AND record_id = ?1 AND change = 'amend'",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1);
    let voided = keywork(&[
        "prescription",
        "void",
        "--db",
        db,
        "--id",
        &id_text,
        "--reason",
        "wrong client",
    ]);
    assert!(
        voided.status.success(),
        "{}",
        String::from_utf8_lossy(&voided.stderr)
    );
    let reason: Option<String> = conn
        .query_row(
            "SELECT in_error_reason FROM prescriptions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason.as_deref(), Some("wrong client"));
}

// ---------------------------------------------------------------------------------------------
// From the screens: the record's prescription is an entry like any other; `e` amends it and `X`
// marks it entered in error. The real binary in a pseudo-terminal, as a prescriber.
//
// The keys, from the caseload with the client selected:
//   Enter  Tab  e  Tab  Backspace x3  25  Ctrl-S     amend the dose from 30 to 25 mg
//   X  wrong client  Ctrl-S                          mark it entered in error
// ---------------------------------------------------------------------------------------------

mod common;

const TAB: &[u8] = b"\t";
const ENTER: &[u8] = b"\r";
const BACKSPACE: &[u8] = b"\x7f";
const CTRL_S: &[u8] = b"\x13";

#[test]
fn the_record_amends_and_voids_a_prescription_with_the_same_keys_as_other_entries() {
    assert_eq!(common::TODAY, "2026-11-23", "the fixture's dates assume it");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("caseload.db");
    let login = fixture::me();
    let mut store =
        Store::open_unchecked(&db, Access::Create, Clock::fixed(today()), login.clone())
            .expect("create store");
    let id = store
        .write(|w| {
            w.set_meta(keywork::store::META_DEMO, "1")?;
            let prescriber = w.insert(&Worker {
                login: login.clone(),
                display_name: Name::new("Ana Mistry").unwrap(),
                role: Role::Prescriber,
            })?;
            let client_id = w.insert(&client(prescriber))?;
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
                    prescriber: Some(Prescriber::Worker(prescriber)),
                    ..Terms::default()
                },
            })
        })
        .expect("write the fixture");
    drop(store);
    let mut s = common::Session::on_db(&db);
    s.timeout = std::time::Duration::from_secs(15);
    s.wait_for_panes();
    s.wait_for_text("KW-00007");
    s.send(ENTER);
    s.wait_for_text("Client record");
    s.send(TAB);
    s.send(b"e");
    s.wait_for_text("Amend prescription: KW-00007");
    s.send(TAB); // Medicine -> Dose (mg)
    for _ in 0..3 {
        s.send(BACKSPACE);
    }
    s.send(b"25");
    s.send(CTRL_S);
    s.wait_for_text("Prescription amended (earlier version kept)");
    s.send(b"X");
    s.wait_for_text("Entered in error: prescription from 02/11/2026");
    s.send(b"wrong client");
    s.send(CTRL_S);
    s.wait_for_text("Marked entered in error");
    s.send(b"q");
    let check =
        Store::open_unchecked(&db, Access::Read, Clock::fixed(today()), login).expect("open");
    let now = check.get::<OstPrescription>(id).expect("read");
    assert_eq!(now.record.rx.dose_mg, 25.0);
    assert!(
        check
            .in_error(RecordType::Prescription, id)
            .expect("read")
            .is_some()
    );
    assert_eq!(
        check
            .earlier_versions(RecordType::Prescription, id)
            .expect("versions")
            .len(),
        2
    );
    assert_eq!(
        check
            .client_status(1, &ReviewIntervals::default())
            .expect("status")
            .modality,
        Modality::Psychosocial
    );
}

// ---------------------------------------------------------------------------------------------
// Amending a prescribing review can change its checklist; the earlier version keeps the old one.
// ---------------------------------------------------------------------------------------------

fn open_review_form(
    f: &Fixture,
    intervals: &ReviewIntervals,
    selected_review: Option<Due>,
    entry: Option<(RecordType, i64)>,
) -> keywork::form::kinds::Opened {
    let opening = keywork::form::kinds::Opening {
        store: &f.store,
        now: keywork::form::Now {
            today: today(),
            now: today().and_hms_opt(11, 0, 0).unwrap(),
        },
        client_id: Some(f.client_id),
        draft: None,
        edit: false,
        selected_goal: None,
        selected_review,
        intervals,
        default_worker: Some(f.worker_id),
        entry,
    };
    keywork::form::kinds::open(keywork::form::kinds::FormKind::Review, &opening)
        .expect("open")
        .unwrap_or_else(|why| panic!("the review form did not open: {why}"))
}

fn save_review(
    f: &mut Fixture,
    opened: &keywork::form::kinds::Opened,
    intervals: &ReviewIntervals,
) {
    let saving = keywork::form::kinds::Saving {
        client_id: f.client_id,
        worker_id: f.worker_id,
        draft_id: None,
        intervals,
    };
    opened
        .handler
        .save(&opened.form, &mut f.store, &saving)
        .expect("save")
        .unwrap_or_else(|errors| panic!("refused: {errors:?}"));
}

#[test]
fn amending_a_prescribing_review_changes_its_checklist_and_keeps_the_one_before() {
    use keywork::form::kinds::review::key;
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2));
    let intervals = ReviewIntervals::default();
    let due = status(&f)
        .owed
        .into_iter()
        .find(|d| d.kind == ReviewKind::Prescribing)
        .expect("a prescribing review is owed");
    let mut opened = open_review_form(&f, &intervals, Some(due), None);
    opened.form.set(key::ON_TOP, "yes").expect("on-top use");
    save_review(&mut f, &opened, &intervals);
    let id: i64 = rusqlite::Connection::open(f.store.path())
        .unwrap()
        .query_row("SELECT id FROM reviews", [], |r| r.get(0))
        .unwrap();
    let mut opened = open_review_form(&f, &intervals, None, Some((RecordType::Review, id)));
    assert_eq!(
        opened.form.text(key::ON_TOP),
        "yes",
        "opens on its checklist"
    );
    opened.form.set(key::NALOXONE, "yes").expect("naloxone");
    save_review(&mut f, &opened, &intervals);
    let now = f
        .store
        .review_checklist(id)
        .expect("read")
        .expect("a checklist");
    assert!(now.naloxone_offered && now.on_top_use_discussed, "{now:?}");
    let kept = f
        .store
        .earlier_versions(RecordType::Review, id)
        .expect("versions");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].content["checklist"]["naloxone_offered"], false);
    assert_eq!(kept[0].content["checklist"]["on_top_use_discussed"], true);
}

#[test]
fn an_overlap_already_on_file_does_not_block_a_correction_that_leaves_the_dates_alone() {
    let mut f = fixture();
    // Loaded as history (an import, the demo): the second starts on the day the first ends.
    let mut first = rx(&f, Medicine::Methadone, 30.0, date(2026, 8, 1));
    first.rx.ended_on = Some(date(2026, 9, 1));
    let second = rx(&f, Medicine::Methadone, 40.0, date(2026, 9, 1));
    let id = f
        .store
        .write(|w| {
            w.insert(&first)?;
            w.insert(&second)
        })
        .expect("load");
    amend(&mut f, id, |p| {
        p.terms.pharmacy = Some("Lloyds, Mill Lane".into())
    })
    .expect("a correction of the pharmacy");
    let moved = refusal(amend(&mut f, id, |p| p.rx.started_on = date(2026, 8, 20)));
    assert!(moved.contains("overlap"), "{moved}");
}
