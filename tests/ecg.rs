//! The ECG (issue 20): recorded from the record's quick form or the shell, never dated ahead and
//! with a plausible QTc; methadone above the service's threshold with no ECG in its validity
//! period needs a reason on every path that prescribes; the record and the subject access export
//! show the ECGs; erasure removes them; the audit records them.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::NaiveDate;
use fixture::{Fixture, date, today};
use keywork::app::record::{Layout, document};
use keywork::domain::ecg::Ecg;
use keywork::domain::*;
use keywork::export::{self, Format, Kind};
use keywork::store::{AuditFilter, SettingKey, parse_setting};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A client not yet on OST, and a team lead who prescribes for them.
fn fixture() -> Fixture {
    Fixture::new(
        fixture::worker("ana.lead", "Ana Lead", Role::TeamLead),
        |worker_id| Client {
            referral_date: date(2025, 1, 10),
            treatment_start: Some(date(2025, 1, 20)),
            ..fixture::client(7, worker_id)
        },
    )
}

fn prescription(
    f: &Fixture,
    dose_mg: f64,
    from: NaiveDate,
    reason: Option<&str>,
) -> OstPrescription {
    OstPrescription {
        rx: Prescription {
            client_id: f.client_id,
            medicine: Medicine::Methadone,
            dose_mg,
            interval: DoseInterval::Daily,
            started_on: from,
            ended_on: None,
            supervision: Supervision::DailySupervised,
        },
        terms: Terms {
            pharmacy: Some("Boots, High St".into()),
            prescriber: Some(Prescriber::Worker(f.worker_id)),
            dose_reason: reason.map(str::to_owned),
            ..Terms::default()
        },
    }
}

/// Methadone 30 mg from 01/01/2026, then a change to `dose_mg` on 23/11/2026 in steps the
/// step checks allow (so only the ECG check can question it).
fn titrate_to(f: &mut Fixture, dose_mg: f64) -> keywork::store::Result<i64> {
    let mut dose = 30.0;
    let mut day = date(2026, 1, 1);
    let start = prescription(f, dose, day, None);
    f.store
        .write_as_prescriber(|w| w.start_prescription(&start))?;
    while dose < dose_mg {
        dose = f64::min(dose + 10.0, dose_mg);
        day += chrono::Duration::days(14);
        let on = if dose == dose_mg { today() } else { day };
        let next = prescription(f, dose, on, None);
        let id = change(f, &next)?;
        if dose == dose_mg {
            return Ok(id);
        }
    }
    unreachable!("the loop returns on the last step")
}

/// Changes the client's current prescription to `next`.
fn change(f: &mut Fixture, next: &OstPrescription) -> keywork::store::Result<i64> {
    let current = f.store.prescriptions_of(f.client_id).expect("read")[0].clone();
    f.store.write_as_prescriber(|w| {
        w.change_prescription(current.id, current.row_version, next, Some("dose change"))
    })
}

fn ecg(f: &mut Fixture, taken_on: NaiveDate, qtc_ms: Option<u16>) -> keywork::store::Result<i64> {
    let (client, worker) = (f.client_id, f.worker_id);
    f.store
        .write(|w| w.record_ecg(client, worker, &Ecg { taken_on, qtc_ms }))
}

#[test]
fn methadone_above_100_mg_needs_an_ecg_in_the_last_12_months_or_a_reason() {
    // Above the threshold with no ECG: refused without a reason, the sentence saying why.
    let mut f = fixture();
    let err = titrate_to(&mut f, 110.0).expect_err("no ECG");
    assert!(
        err.to_string()
            .contains("ECG recommended: methadone above 100 mg a day and no ECG recorded in the last 12 months"),
        "{err}"
    );
    // At the threshold: nothing asked.
    let mut f = fixture();
    titrate_to(&mut f, 100.0).expect("100 mg asks for no ECG");

    // An ECG a year and a day old does not count; one exactly a year old does.
    let mut f = fixture();
    ecg(&mut f, date(2025, 11, 22), Some(430)).expect("ECG");
    assert!(titrate_to(&mut f, 110.0).is_err(), "12 months and a day");
    let mut f = fixture();
    ecg(&mut f, date(2025, 11, 23), None).expect("ECG");
    titrate_to(&mut f, 110.0).expect("an ECG exactly 12 months old counts");
}

#[test]
fn a_reason_lets_a_dose_through_without_an_ecg_and_the_setting_moves_the_threshold() {
    let mut f = fixture();
    let start = prescription(&f, 30.0, date(2026, 1, 1), None);
    f.store
        .write_as_prescriber(|w| w.start_prescription(&start))
        .unwrap();
    let mut dose = 30.0;
    for (i, step) in [40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0]
        .iter()
        .enumerate()
    {
        dose = *step;
        let on = date(2026, 2, 1) + chrono::Duration::days(14 * i as i64);
        let reason = (dose > 100.0).then_some("ECG booked for next week; cardiology aware");
        let next = prescription(&f, dose, on, reason);
        change(&mut f, &next).expect("with a reason above 100 mg");
    }
    assert_eq!(dose, 110.0);

    let mut f = fixture();
    let key = SettingKey::parse("ecg_methadone").unwrap();
    f.store
        .set_setting(key, parse_setting(key, "120mg").unwrap())
        .unwrap();
    titrate_to(&mut f, 120.0).expect("at the service's threshold");
}

#[test]
fn an_ecg_dated_ahead_or_with_an_implausible_qtc_is_refused_and_nothing_is_recorded() {
    let mut f = fixture();
    let err = ecg(&mut f, date(2026, 11, 24), None).expect_err("tomorrow");
    assert!(
        err.to_string().contains("24/11/2026 is in the future"),
        "{err}"
    );
    let err = ecg(&mut f, today(), Some(150)).expect_err("QTc 150");
    assert!(err.to_string().contains("outside 300-700 ms"), "{err}");
    assert!(f.store.ecgs(f.client_id).unwrap().is_empty());
}

#[test]
fn the_record_and_the_subject_access_export_show_the_ecgs_and_the_audit_records_them() {
    let mut f = fixture();
    let intervals = ReviewIntervals::default();
    let layout = Layout {
        today: today(),
        width: 100,
        intervals,
        ascii: true,
    };
    let shown = |f: &Fixture| -> String {
        let record = f.store.client_record(f.client_id, &intervals).unwrap();
        document(&record, &layout)
            .lines
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(!shown(&f).contains("ECGs"), "no section without an ECG");
    let id = ecg(&mut f, date(2026, 10, 2), Some(452)).unwrap();
    ecg(&mut f, date(2025, 9, 1), None).unwrap();
    let text = shown(&f);
    let at = text.find("ECGs").expect("an ECG section");
    assert!(text[at..].contains("02/10/2026  QTc 452 ms"), "{text}");
    assert!(text[at..].contains("01/09/2025  QTc not given"), "{text}");

    let md = export::render(&f.store, f.client_id, Kind::Record(Format::Markdown)).unwrap();
    assert!(md.contains("ECG, 02/10/2026"), "{md}");
    assert!(md.contains("QTc: 452 ms"), "{md}");
    let json: serde_json::Value = serde_json::from_str(
        &export::render(&f.store, f.client_id, Kind::Record(Format::Json)).unwrap(),
    )
    .unwrap();
    assert_eq!(json["ecgs"][0]["qtc_ms"], 452);

    let trail = f
        .store
        .audit_trail(&AuditFilter {
            client_id: Some(f.client_id),
            login: None,
            since: None,
        })
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.detail.as_deref() == Some(format!("ecg {id} recorded").as_str())),
        "{trail:?}"
    );
    assert_eq!(
        (trail[0].action, trail[0].record_type),
        (AuditAction::Create, RecordType::Client),
        "the client's trail still starts at its creation: {trail:?}"
    );
}

#[test]
fn erasing_a_client_removes_their_ecgs() {
    let mut f = fixture();
    ecg(&mut f, date(2026, 10, 2), Some(430)).unwrap();
    let reference = ServiceRef::from_number(7);
    let preview = f.store.erasure_preview(&reference).unwrap().unwrap();
    assert!(
        preview.removed.iter().any(|r| r.phrase() == "1 ECG"),
        "{:?}",
        preview.removed
    );
    f.store.erase_client(&reference).unwrap().expect("erased");
    let left: i64 = Connection::open(f.dir.path().join("caseload.db"))
        .unwrap()
        .query_row("SELECT count(*) FROM ecgs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn the_quick_form_records_an_ecg_and_refuses_a_day_ahead_on_its_field() {
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
            FormKind::Ecg,
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
        opened.form.text("taken_on"),
        "23/11/2026",
        "today by default"
    );
    opened.form.set("taken_on", "+1d").unwrap();
    let errors = opened
        .handler
        .save(&opened.form, &mut f.store, &saving)
        .unwrap()
        .expect_err("tomorrow is refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "taken_on");
    assert!(errors[0].1.contains("is in the future"), "{errors:?}");
    assert!(f.store.ecgs(f.client_id).unwrap().is_empty());

    let mut opened = open(&f);
    opened.form.set("taken_on", "20/11/2026").unwrap();
    opened.form.set("qtc", "441").unwrap();
    let saved = opened
        .handler
        .save(&opened.form, &mut f.store, &saving)
        .unwrap()
        .expect("saved");
    assert_eq!(saved.message, "ECG recorded: 20/11/2026, QTc 441 ms.");
    let stored = f.store.ecgs(f.client_id).unwrap();
    assert_eq!(
        (stored.len(), stored[0].taken_on, stored[0].qtc_ms),
        (1, date(2026, 11, 20), Some(441))
    );
}

// ---------------------------------------------------------------------------------------------
// From the shell
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

/// A small generated service with the test's login on its team as a key worker.
fn service(dir: &Path) -> PathBuf {
    let db = dir.join("ecg.db");
    let out = keywork(&db, &["generate", "--clients", "3", "--years", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fixture::join_team(&db, "Kim Worker", "key_worker");
    db
}

fn ecg_rows(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM ecgs", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn ecg_add_records_from_the_shell_and_refuses_a_bad_value_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = service(dir.path());
    for (args, words) in [
        (&["--on", "+2d"][..], "is in the future"),
        (
            &["--on", "yesterday", "--qtc", "0.44"],
            "--qtc: '0.44' is not a QTc",
        ),
        (&["--on", "yesterday", "--qtc", "900"], "outside 300-700 ms"),
        (&["--on", "31/02/2026"], "--on: "),
    ] {
        let mut all = vec!["ecg", "add", "--client", "KW-00001"];
        all.extend_from_slice(args);
        let out = keywork(&db, &all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert_eq!(ecg_rows(&db), 0);
    }
    let out = keywork(
        &db,
        &[
            "ecg",
            "add",
            "--client",
            "KW-00001",
            "--on",
            "yesterday",
            "--qtc",
            "430",
        ],
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.starts_with("KW-00001: ECG 1 recorded, "), "{said}");
    assert!(said.contains("QTc 430 ms"), "{said}");
    assert_eq!(ecg_rows(&db), 1);

    for (args, words) in [
        (&["--id", "1", "--reason", " "][..], "give the reason"),
        (&["--id", "99", "--reason", "wrong client"], "no ECG 99"),
    ] {
        let mut all = vec!["ecg", "void"];
        all.extend_from_slice(args);
        let out = keywork(&db, &all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
    let out = keywork(
        &db,
        &["ecg", "void", "--id", "1", "--reason", "wrong client"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let marked: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM ecgs WHERE in_error_at IS NOT NULL AND in_error_reason = 'wrong client'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(marked, 1);
}

#[test]
fn an_ecg_marked_entered_in_error_no_longer_counts_for_the_dose_check() {
    let mut f = fixture();
    let id = ecg(&mut f, date(2026, 11, 1), Some(430)).unwrap();
    f.store
        .write(|w| w.void_ecg(id, "recorded against the wrong client"))
        .unwrap();
    let err = titrate_to(&mut f, 110.0).expect_err("the only ECG is in error");
    assert!(err.to_string().contains("ECG recommended"), "{err}");
    let record = f
        .store
        .client_record(f.client_id, &ReviewIntervals::default())
        .unwrap();
    let layout = Layout {
        today: today(),
        width: 100,
        intervals: ReviewIntervals::default(),
        ascii: true,
    };
    let text: Vec<String> = document(&record, &layout)
        .lines
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert!(
        text.iter()
            .any(|l| l.contains("01/11/2026") && l.contains("entered in error")),
        "{text:#?}"
    );
}

#[test]
fn amending_a_dose_above_100_mg_without_an_ecg_needs_a_reason_too() {
    let mut f = fixture();
    let id = titrate_to(&mut f, 100.0).expect("100 mg");
    // A 15 mg step over the 90 mg before it would need its own reason at the default 10 mg.
    let step = SettingKey::parse("methadone_step").unwrap();
    f.store
        .set_setting(step, parse_setting(step, "20mg").unwrap())
        .unwrap();
    let stored = f
        .store
        .prescriptions_of(f.client_id)
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .expect("the latest");
    let mut amended = stored.record.clone();
    amended.rx.dose_mg = 105.0;
    let err = f
        .store
        .write_as_prescriber(|w| w.amend(id, stored.row_version, &amended))
        .expect_err("no ECG");
    assert!(err.to_string().contains("ECG recommended"), "{err}");
    ecg(&mut f, date(2026, 6, 1), Some(440)).unwrap();
    f.store
        .write_as_prescriber(|w| w.amend(id, stored.row_version, &amended))
        .expect("with an ECG in the last 12 months");
}

#[test]
fn the_prescription_form_applies_the_services_limits_and_asks_for_the_ecg_on_the_reason() {
    use keywork::form::Now;
    use keywork::form::kinds::prescription::key;
    use keywork::form::kinds::{self, FormKind, Opening, Saving};
    let mut f = fixture();
    // An induction limit above 100 mg, so a first dose of 110 mg meets only the ECG check.
    let key_setting = SettingKey::parse("methadone_induction").unwrap();
    f.store
        .set_setting(key_setting, parse_setting(key_setting, "150mg").unwrap())
        .unwrap();
    let intervals = ReviewIntervals::default();
    let now = Now {
        today: today(),
        now: today().and_hms_opt(11, 0, 0).unwrap(),
    };
    let attempt = |f: &mut Fixture| {
        let mut opened = kinds::open(
            FormKind::Prescription,
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
        .expect("opens");
        for (k, v) in [
            (key::MEDICINE, "methadone"),
            (key::DOSE, "110"),
            (key::SUPERVISION, "daily_supervised"),
            (key::FROM, "23/11/2026"),
        ] {
            opened.form.set(k, v).unwrap();
        }
        let saving = Saving {
            client_id: f.client_id,
            worker_id: f.worker_id,
            draft_id: None,
            intervals: &intervals,
        };
        opened
            .handler
            .save(&opened.form, &mut f.store, &saving)
            .unwrap()
    };
    let errors = attempt(&mut f).expect_err("no ECG");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, key::DOSE_REASON);
    assert!(errors[0].1.starts_with("ECG recommended"), "{errors:?}");
    ecg(&mut f, date(2026, 11, 20), None).unwrap();
    attempt(&mut f).expect("with an ECG, and 110 mg under the service's induction limit");
}

#[test]
fn check_clinical_names_a_dose_above_100_mg_with_no_ecg_and_no_reason() {
    let mut f = fixture();
    let id = titrate_to(&mut f, 100.0).expect("100 mg");
    // As an import or an older keywork could have left it: 110 mg with no reason.
    Connection::open(f.dir.path().join("caseload.db"))
        .unwrap()
        .execute("UPDATE prescriptions SET dose_mg = 110 WHERE id = ?1", [id])
        .unwrap();
    let ecg_findings = |f: &Fixture| -> Vec<String> {
        let limits = f.store.dose_limits().unwrap();
        f.store
            .clinical_findings(&limits)
            .unwrap()
            .into_iter()
            .filter(|x| x.detail.contains("ECG recommended"))
            .map(|x| format!("{:?} {}", x.rule, x.detail))
            .collect()
    };
    let found = ecg_findings(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("DoseWithoutReason"), "{found:?}");
    ecg(&mut f, date(2026, 11, 1), None).unwrap();
    assert_eq!(ecg_findings(&f), Vec::<String>::new());
}
