//! Prescriptions (OST) through the store: start, change and stop each keep the client's
//! modality in step, so the prescribing review rule follows the medicine; early take-home
//! doses need a reason (NICE TA114); only prescribers and team leads record them.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::NaiveDate;
use fixture::{Fixture, date};
use keywork::clock::Clock;
use keywork::domain::*;
use keywork::store::{Access, Stopping, Store, StoreError, TAKE_HOME_REASON_NEEDED};

/// A psychosocial client in treatment since 2026-06-01, and a prescriber.
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

fn take_home(mut p: OstPrescription, days: u8, reason: Option<&str>) -> OstPrescription {
    p.rx.supervision = Supervision::PartlySupervised;
    p.terms.take_home_days = Some(days);
    p.terms.take_home_reason = reason.map(str::to_owned);
    p
}

fn start(
    f: &mut Fixture,
    medicine: Medicine,
    dose_mg: f64,
    from: NaiveDate,
) -> Result<i64, StoreError> {
    let p = rx(f, medicine, dose_mg, from);
    f.store.write_as_prescriber(|w| w.start_prescription(&p))
}

fn change_to(
    f: &mut Fixture,
    medicine: Medicine,
    dose_mg: f64,
    from: NaiveDate,
) -> Result<i64, StoreError> {
    let next = rx(f, medicine, dose_mg, from);
    change(f, &next)
}

fn change(f: &mut Fixture, next: &OstPrescription) -> Result<i64, StoreError> {
    let current = f.store.prescriptions_of(f.client_id).expect("read")[0].clone();
    f.store.write_as_prescriber(|w| {
        w.change_prescription(current.id, current.row_version, next, Some("titration"))
    })
}

fn stop(f: &mut Fixture, on: NaiveDate, modality: Modality) -> Result<(), StoreError> {
    let current = f.store.prescriptions_of(f.client_id).expect("read")[0].clone();
    let stopping = Stopping {
        ended_on: on,
        reason: Some("completed detox".into()),
        modality,
    };
    f.store
        .write_as_prescriber(|w| w.stop_prescription(current.id, current.row_version, &stopping))
}

fn modality(f: &Fixture) -> Modality {
    f.store
        .client_status(f.client_id, &ReviewIntervals::default())
        .expect("status")
        .modality
}

fn prescribing_due(f: &Fixture) -> Option<Due> {
    f.store
        .client_status(f.client_id, &ReviewIntervals::default())
        .expect("status")
        .owed
        .into_iter()
        .find(|d| d.kind == ReviewKind::Prescribing)
}

#[test]
fn starting_methadone_makes_the_client_ost_methadone_with_a_review_within_four_weeks() {
    let mut f = fixture();
    let from = date(2026, 11, 2);
    start(&mut f, Medicine::Methadone, 30.0, from).expect("start");
    assert_eq!(modality(&f), Modality::OstMethadone);
    let due = prescribing_due(&f).expect("prescribing review owed");
    assert_eq!(due.due_on, date(2026, 11, 30));
    assert!(matches!(due.basis, Basis::OstStart { on, .. } if on == from));
}

#[test]
fn each_medicine_brings_its_own_modality() {
    // (medicine, a usual first dose, modality the client is on after starting it)
    let cases = [
        (Medicine::Methadone, 20.0, Modality::OstMethadone),
        (Medicine::Buprenorphine, 8.0, Modality::OstBuprenorphine),
        (
            Medicine::BuprenorphineDepot,
            16.0,
            Modality::LaiBuprenorphine,
        ),
        (Medicine::Diamorphine, 30.0, Modality::HeroinAssisted),
    ];
    for (medicine, dose, expected) in cases {
        let mut f = fixture();
        start(&mut f, medicine, dose, date(2026, 11, 2)).expect("start");
        assert_eq!(modality(&f), expected, "{medicine:?}");
    }
}

#[test]
fn a_dose_change_ends_the_previous_prescription_the_day_before_and_keeps_the_review_date() {
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2)).expect("start");
    change_to(&mut f, Medicine::Methadone, 40.0, date(2026, 11, 9)).expect("change");
    let all = f.store.prescriptions_of(f.client_id).expect("read");
    let doses: Vec<_> = all
        .iter()
        .map(|p| {
            (
                p.record.rx.dose_mg,
                p.record.rx.started_on,
                p.record.rx.ended_on,
            )
        })
        .collect();
    assert_eq!(
        doses,
        [
            (40.0, date(2026, 11, 9), None),
            (30.0, date(2026, 11, 2), Some(date(2026, 11, 8))),
        ]
    );
    assert_eq!(all[1].record.terms.end_reason.as_deref(), Some("titration"));
    assert_eq!(
        prescribing_due(&f).expect("owed").due_on,
        date(2026, 11, 30)
    );
}

#[test]
fn switching_medicine_switches_modality_and_restarts_the_first_prescribing_review() {
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 9, 1)).expect("start");
    let switch = date(2026, 11, 16);
    change_to(&mut f, Medicine::Buprenorphine, 8.0, switch).expect("switch");
    assert_eq!(modality(&f), Modality::OstBuprenorphine);
    let due = prescribing_due(&f).expect("owed");
    assert_eq!(due.due_on, date(2026, 12, 14));
    assert!(matches!(due.basis, Basis::OstStart { on, .. } if on == switch));
}

#[test]
fn stopping_sets_the_chosen_modality_and_no_prescribing_review_is_owed() {
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 9, 1)).expect("start");
    stop(&mut f, date(2026, 11, 20), Modality::Detox).expect("stop");
    assert_eq!(modality(&f), Modality::Detox);
    assert_eq!(prescribing_due(&f), None);
    let ended = f.store.prescriptions_of(f.client_id).expect("read")[0].clone();
    assert_eq!(ended.record.rx.ended_on, Some(date(2026, 11, 20)));
}

#[test]
fn a_stop_must_leave_the_client_on_something_other_than_ost() {
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 9, 1)).expect("start");
    let refused = stop(&mut f, date(2026, 11, 20), Modality::OstBuprenorphine);
    assert!(
        matches!(refused, Err(StoreError::Invalid { .. })),
        "{refused:?}"
    );
    assert_eq!(modality(&f), Modality::OstMethadone);
}

#[test]
fn a_second_start_while_one_is_open_is_refused() {
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 9, 1)).expect("start");
    let again = start(&mut f, Medicine::Methadone, 40.0, date(2026, 10, 1));
    assert!(
        matches!(again, Err(StoreError::Invalid { .. })),
        "{again:?}"
    );
}

#[test]
fn take_home_doses_within_three_months_of_ost_need_a_reason_and_after_do_not() {
    let ost_began = date(2026, 8, 3);
    // (take-home from, reason given, saved)
    let cases = [
        (date(2026, 11, 2), None, false),
        (date(2026, 11, 2), Some("works nights; stable"), true),
        (date(2026, 11, 3), None, true),
    ];
    for (from, reason, saves) in cases {
        let mut f = fixture();
        start(&mut f, Medicine::Methadone, 30.0, ost_began).expect("start");
        let next = take_home(rx(&f, Medicine::Methadone, 30.0, from), 2, reason);
        let result = change(&mut f, &next);
        assert_eq!(result.is_ok(), saves, "{from} {reason:?}: {result:?}");
        if let Err(StoreError::Invalid { source, .. }) = result {
            assert!(source.to_string().contains(TAKE_HOME_REASON_NEEDED));
        }
    }
}

#[test]
fn early_take_home_is_judged_at_both_sides_of_three_months() {
    let began = date(2026, 8, 3);
    // (take-home from, needs a reason)
    let cases = [
        (began, true),
        (date(2026, 11, 2), true),
        (date(2026, 11, 3), false),
        (date(2027, 1, 1), false),
    ];
    for (from, early) in cases {
        let needs = prescription::early_take_home(began, from, Supervision::PartlySupervised);
        assert_eq!(needs, early, "{from}");
        assert!(!prescription::early_take_home(
            began,
            from,
            Supervision::DailySupervised
        ));
    }
}

#[test]
fn a_key_worker_cannot_record_a_prescription() {
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
    store.act_as(key_worker);
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
    let refused = store.write_as_prescriber(|w| w.start_prescription(&p));
    assert!(
        matches!(
            refused,
            Err(StoreError::Refused(Refusal::NotPrescriber { .. }))
        ),
        "{refused:?}"
    );
    assert!(store.prescribing_refusal().expect("standing").is_some());
}

// ---------------------------------------------------------------------------------------------
// Safe-prescribing checks (issue 20; the rules and their sources: `domain::dose_check`). The
// store applies them on every path that prescribes.
// ---------------------------------------------------------------------------------------------

fn refusal(result: Result<i64, StoreError>) -> String {
    match result {
        Err(StoreError::Invalid { source, .. }) => source.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_typing_slip_of_500_mg_methadone_is_never_recorded() {
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2)).expect("start");
    let mut next = rx(&f, Medicine::Methadone, 500.0, date(2026, 11, 23));
    next.terms.dose_reason = Some("as agreed".into());
    let why = refusal(change(&mut f, &next));
    assert!(why.contains("500 mg of methadone"), "{why}");
    assert_eq!(f.store.prescriptions_of(f.client_id).unwrap().len(), 1);
}

#[test]
fn a_start_above_the_induction_dose_needs_a_reason_which_is_kept() {
    let mut f = fixture();
    let why = refusal(start(
        &mut f,
        Medicine::Methadone,
        100.0,
        date(2026, 11, 23),
    ));
    assert!(why.contains("record the reason"), "{why}");
    assert!(f.store.prescriptions_of(f.client_id).unwrap().is_empty());

    let mut p = rx(&f, Medicine::Methadone, 60.0, date(2026, 11, 23));
    p.terms.dose_reason =
        Some("transferred from prison on 60 mg, confirmed with the prison".into());
    f.store
        .write_as_prescriber(|w| w.start_prescription(&p))
        .expect("with a reason");
    let kept = f.store.prescriptions_of(f.client_id).unwrap();
    assert_eq!(
        kept[0].record.terms.dose_reason.as_deref(),
        Some("transferred from prison on 60 mg, confirmed with the prison")
    );
}

#[test]
fn a_change_dated_years_ahead_is_refused() {
    let mut f = fixture();
    start(&mut f, Medicine::Methadone, 30.0, date(2026, 11, 2)).expect("start");
    let why = refusal(change_to(
        &mut f,
        Medicine::Methadone,
        35.0,
        date(2090, 1, 1),
    ));
    assert!(why.contains("days ahead"), "{why}");
    change_to(&mut f, Medicine::Methadone, 35.0, date(2026, 12, 1)).expect("a week ahead");
}

#[test]
fn a_depot_strength_that_does_not_exist_is_refused() {
    let mut f = fixture();
    let mut p = rx(&f, Medicine::BuprenorphineDepot, 18.0, date(2026, 11, 23));
    p.rx.interval = DoseInterval::Weekly;
    p.terms.interval_days = Some(7);
    let why = refusal(f.store.write_as_prescriber(|w| w.start_prescription(&p)));
    assert!(why.contains("8, 16, 24, 32 mg"), "{why}");
    p.rx.dose_mg = 16.0;
    f.store
        .write_as_prescriber(|w| w.start_prescription(&p))
        .expect("a real strength");
}
