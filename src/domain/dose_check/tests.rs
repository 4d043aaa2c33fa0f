//! Each check on both sides of its threshold. Today is 23/11/2026.

use super::*;
use crate::domain::prescription::{Prescription, Supervision, Terms};

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect(text)
}

const TODAY: &str = "2026-11-23";

fn rx(medicine: Medicine, dose_mg: f64, from: &str) -> OstPrescription {
    OstPrescription {
        rx: Prescription {
            client_id: 1,
            medicine,
            dose_mg,
            interval: DoseInterval::Daily,
            started_on: d(from),
            ended_on: None,
            supervision: Supervision::DailySupervised,
        },
        terms: Terms::default(),
    }
}

fn depot(dose_mg: f64, every_days: u8) -> OstPrescription {
    let mut p = rx(Medicine::BuprenorphineDepot, dose_mg, TODAY);
    p.terms.interval_days = Some(every_days);
    p.rx.interval = if every_days <= 7 {
        DoseInterval::Weekly
    } else {
        DoseInterval::Monthly
    };
    p
}

fn was(medicine: Medicine, dose_mg: f64, from: &str) -> EarlierDose {
    EarlierDose {
        medicine,
        dose_mg,
        started_on: d(from),
        ended_on: None,
    }
}

/// An earlier prescription that ended on `until`.
fn ended(medicine: Medicine, dose_mg: f64, from: &str, until: &str) -> EarlierDose {
    EarlierDose {
        ended_on: Some(d(until)),
        ..was(medicine, dose_mg, from)
    }
}

/// `None`: nothing found; `Some(true)`: refused; `Some(false)`: needs a reason.
fn outcome(next: &OstPrescription, earlier: &[EarlierDose]) -> Option<bool> {
    let findings = check_dose(next, earlier, d(TODAY), &DoseLimits::default());
    assert!(findings.len() <= 1, "{findings:?}");
    findings.first().map(Finding::is_refusal)
}

const REFUSED: Option<bool> = Some(true);
const REASON: Option<bool> = Some(false);
const FINE: Option<bool> = None;

use Medicine::{Buprenorphine, Methadone};

#[test]
fn a_course_starting_above_the_usual_induction_dose_needs_a_reason() {
    let cases = [
        (
            "methadone 30 mg first dose",
            rx(Methadone, 30.0, TODAY),
            FINE,
        ),
        (
            "methadone 35 mg first dose",
            rx(Methadone, 35.0, TODAY),
            REASON,
        ),
        (
            "methadone 100 mg first dose",
            rx(Methadone, 100.0, TODAY),
            REASON,
        ),
        (
            "buprenorphine 8 mg first day",
            rx(Buprenorphine, 8.0, TODAY),
            FINE,
        ),
        (
            "buprenorphine 10 mg first day",
            rx(Buprenorphine, 10.0, TODAY),
            REASON,
        ),
        (
            "buprenorphine 24 mg first day",
            rx(Buprenorphine, 24.0, TODAY),
            REASON,
        ),
    ];
    for (name, next, expect) in cases {
        assert_eq!(outcome(&next, &[]), expect, "{name}");
    }
    // A switch of medicine starts a course of the new one.
    let switched = [was(Methadone, 60.0, "2026-09-01")];
    assert_eq!(outcome(&rx(Buprenorphine, 16.0, TODAY), &switched), REASON);
    assert_eq!(outcome(&rx(Buprenorphine, 8.0, TODAY), &switched), FINE);
}

#[test]
fn a_dose_above_the_ceiling_is_refused_outright() {
    let on = [was(Methadone, 290.0, "2026-09-01")];
    assert_eq!(outcome(&rx(Methadone, 300.0, TODAY), &on), FINE);
    assert_eq!(outcome(&rx(Methadone, 301.0, TODAY), &on), REFUSED);
    assert_eq!(outcome(&rx(Methadone, 500.0, TODAY), &[]), REFUSED);
    let bup = [was(Buprenorphine, 28.0, "2026-09-01")];
    assert_eq!(outcome(&rx(Buprenorphine, 32.0, TODAY), &bup), FINE);
    assert_eq!(outcome(&rx(Buprenorphine, 33.0, TODAY), &bup), REFUSED);
}

#[test]
fn an_increase_larger_than_the_usual_step_needs_a_reason() {
    let on_60 = [was(Methadone, 60.0, "2026-09-01")];
    assert_eq!(outcome(&rx(Methadone, 70.0, TODAY), &on_60), FINE);
    assert_eq!(outcome(&rx(Methadone, 71.0, TODAY), &on_60), REASON);
    assert_eq!(
        outcome(&rx(Methadone, 40.0, TODAY), &on_60),
        FINE,
        "a reduction"
    );
    let on_8 = [was(Buprenorphine, 8.0, "2026-09-01")];
    assert_eq!(outcome(&rx(Buprenorphine, 16.0, TODAY), &on_8), FINE);
    assert_eq!(outcome(&rx(Buprenorphine, 18.0, TODAY), &on_8), REASON);
}

#[test]
fn methadone_rising_more_than_thirty_mg_in_seven_days_needs_a_reason() {
    // 30 -> 40 -> 50 -> 60 within the week: each step 10 mg, 30 mg in all: fine.
    let titrating = [
        was(Methadone, 50.0, "2026-11-20"),
        was(Methadone, 40.0, "2026-11-18"),
        was(Methadone, 30.0, "2026-11-16"),
    ];
    assert_eq!(outcome(&rx(Methadone, 60.0, TODAY), &titrating), FINE);
    // One more step the same week: 35 mg over the week.
    let faster = [
        was(Methadone, 60.0, "2026-11-21"),
        was(Methadone, 50.0, "2026-11-19"),
        was(Methadone, 40.0, "2026-11-17"),
        was(Methadone, 30.0, "2026-11-10"),
    ];
    assert_eq!(outcome(&rx(Methadone, 65.0, TODAY), &faster), REASON);
    // The same rise spread over more than a week: fine.
    let slower = [
        was(Methadone, 60.0, "2026-11-16"),
        was(Methadone, 50.0, "2026-11-09"),
        was(Methadone, 40.0, "2026-11-02"),
    ];
    assert_eq!(outcome(&rx(Methadone, 65.0, TODAY), &slower), FINE);
}

#[test]
fn a_depot_comes_only_in_its_products_strengths() {
    for (dose, days, expect) in [
        (8.0, 7, FINE),
        (16.0, 7, FINE),
        (24.0, 7, FINE),
        (32.0, 7, FINE),
        (18.0, 7, REFUSED),
        (20.0, 7, REFUSED),
        (26.0, 7, REFUSED),
        (64.0, 7, REFUSED),
        (64.0, 28, FINE),
        (96.0, 28, FINE),
        (128.0, 28, FINE),
        (160.0, 28, FINE),
        (100.0, 30, FINE),
        (300.0, 30, FINE),
        (150.0, 28, REFUSED),
        (32.0, 28, REFUSED),
    ] {
        assert_eq!(
            outcome(&depot(dose, days), &[]),
            expect,
            "{dose} mg every {days} days"
        );
    }
}

#[test]
fn a_prescription_dated_more_than_four_weeks_ahead_is_refused() {
    let on = [was(Methadone, 60.0, "2026-09-01")];
    assert_eq!(
        outcome(&rx(Methadone, 60.0, "2026-12-21"), &on),
        FINE,
        "28 days ahead"
    );
    assert_eq!(
        outcome(&rx(Methadone, 60.0, "2026-12-22"), &on),
        REFUSED,
        "29 days ahead"
    );
    assert_eq!(outcome(&rx(Methadone, 60.0, "2090-01-01"), &on), REFUSED);
}

#[test]
fn diamorphine_and_other_medicines_are_not_checked_here() {
    assert_eq!(outcome(&rx(Medicine::Diamorphine, 400.0, TODAY), &[]), FINE);
}

#[test]
fn a_reason_lets_a_questioned_dose_through_but_never_a_refused_one() {
    let questioned = [Finding::NeedsReason("steep".into())];
    assert_eq!(blocking(&questioned, false), questioned.first());
    assert_eq!(blocking(&questioned, true), None);
    let refused = [
        Finding::NeedsReason("steep".into()),
        Finding::Refused("typo".into()),
    ];
    assert_eq!(blocking(&refused, true), refused.get(1));
    assert_eq!(blocking(&[], false), None);
}

#[test]
fn a_restart_after_a_break_of_more_than_three_days_is_a_new_course() {
    // Stopped a year ago on 120 mg: restarting on 120 mg is a first dose, not a step of 0.
    let stopped = [ended(Methadone, 120.0, "2025-06-01", "2025-11-20")];
    assert_eq!(outcome(&rx(Methadone, 120.0, TODAY), &stopped), REASON);
    assert_eq!(outcome(&rx(Methadone, 30.0, TODAY), &stopped), FINE);
    // A change ends the old prescription the day before: the course carries on.
    let changed = [ended(Methadone, 60.0, "2026-09-01", "2026-11-22")];
    assert_eq!(outcome(&rx(Methadone, 65.0, TODAY), &changed), FINE);
    // Three days without (20, 21, 22 November) still carries on; four do not.
    let three = [ended(Methadone, 60.0, "2026-09-01", "2026-11-19")];
    assert_eq!(outcome(&rx(Methadone, 60.0, TODAY), &three), FINE);
    let four = [ended(Methadone, 60.0, "2026-09-01", "2026-11-18")];
    assert_eq!(outcome(&rx(Methadone, 60.0, TODAY), &four), REASON);
}

/// Each row: name, supervision, safe storage discussed, facts, and the findings expected
/// (refused or needing a reason, by a word of their text).
#[test]
fn take_home_doses_warn_on_opiate_use_and_missed_doses_and_need_safe_storage_with_children() {
    use Supervision::*;
    let top = |days: Option<f64>| Some((d("2026-11-02"), days));
    type Row<'a> = (
        &'a str,
        Supervision,
        Option<bool>,
        TakeHomeFacts,
        &'a [(bool, &'a str)],
    );
    let none = TakeHomeFacts::default();
    let rows: &[Row] = &[
        (
            "nothing known, take-home",
            PartlySupervised,
            None,
            none,
            &[],
        ),
        (
            "opiate use at the latest TOP, supervised: nothing",
            DailySupervised,
            None,
            TakeHomeFacts {
                latest_top: top(Some(4.0)),
                ..none
            },
            &[],
        ),
        (
            "opiate use on 4 days, take-home: a reason",
            PartlySupervised,
            None,
            TakeHomeFacts {
                latest_top: top(Some(4.0)),
                ..none
            },
            &[(false, "illicit opiate use on 4 of 28 days")],
        ),
        (
            "no opiate use at the latest TOP: nothing",
            TakeHome,
            None,
            TakeHomeFacts {
                latest_top: top(Some(0.0)),
                ..none
            },
            &[],
        ),
        (
            "TOP declined: nothing to go on",
            TakeHome,
            None,
            TakeHomeFacts {
                latest_top: top(None),
                ..none
            },
            &[],
        ),
        (
            "one dose missed in four weeks: a reason",
            TakeHome,
            None,
            TakeHomeFacts {
                missed_recently: 1,
                ..none
            },
            &[(false, "1 dose missed in the last four weeks")],
        ),
        (
            "children, safe storage not asked: refused",
            PartlySupervised,
            None,
            TakeHomeFacts {
                safeguarding_children: true,
                ..none
            },
            &[(true, "need safe storage discussed")],
        ),
        (
            "children, safe storage not discussed: refused",
            PartlySupervised,
            Some(false),
            TakeHomeFacts {
                safeguarding_children: true,
                ..none
            },
            &[(true, "need safe storage discussed")],
        ),
        (
            "children, safe storage discussed: nothing",
            PartlySupervised,
            Some(true),
            TakeHomeFacts {
                safeguarding_children: true,
                ..none
            },
            &[],
        ),
        (
            "children, supervised daily: nothing",
            DailySupervised,
            None,
            TakeHomeFacts {
                safeguarding_children: true,
                ..none
            },
            &[],
        ),
        (
            "everything at once",
            TakeHome,
            Some(false),
            TakeHomeFacts {
                latest_top: top(Some(1.0)),
                missed_recently: 3,
                safeguarding_children: true,
                latest_ecg: None,
            },
            &[
                (false, "on 1 of 28 days"),
                (false, "3 doses missed"),
                (true, "safe storage"),
            ],
        ),
    ];
    for (name, supervision, safe, facts, expected) in rows {
        let mut p = rx(Medicine::Methadone, 30.0, TODAY);
        p.rx.supervision = *supervision;
        p.terms.safe_storage_discussed = *safe;
        let got = check_take_home(&p, facts);
        assert_eq!(got.len(), expected.len(), "{name}: {got:?}");
        for (finding, (refused, words)) in got.iter().zip(expected.iter()) {
            assert_eq!(finding.is_refusal(), *refused, "{name}: {finding:?}");
            assert!(finding.text().contains(words), "{name}: {finding:?}");
        }
    }
}

#[test]
fn methadone_above_100_mg_with_no_ecg_in_12_months_needs_a_reason() {
    let ecg_on = |on: Option<&str>| TakeHomeFacts {
        latest_ecg: on.map(d),
        ..TakeHomeFacts::default()
    };
    // Starting 23/11/2026: 12 months back is 23/11/2025.
    let cases = [
        ("100 mg, no ECG", rx(Methadone, 100.0, TODAY), None, FINE),
        (
            "100.5 mg, no ECG",
            rx(Methadone, 100.5, TODAY),
            None,
            REASON,
        ),
        (
            "120 mg, ECG exactly 12 months before",
            rx(Methadone, 120.0, TODAY),
            Some("2025-11-23"),
            FINE,
        ),
        (
            "120 mg, ECG 12 months and a day before",
            rx(Methadone, 120.0, TODAY),
            Some("2025-11-22"),
            REASON,
        ),
        (
            "120 mg starting in 3 weeks, ECG current today but not then",
            rx(Methadone, 120.0, "2026-12-14"),
            Some("2025-12-01"),
            REASON,
        ),
        (
            "buprenorphine is not checked for the ECG",
            rx(Buprenorphine, 24.0, TODAY),
            None,
            FINE,
        ),
    ];
    for (name, next, ecg, expected) in cases {
        let found = check_ecg(&next, &ecg_on(ecg), &DoseLimits::default());
        assert_eq!(found.as_ref().map(Finding::is_refusal), expected, "{name}");
        if let Some(finding) = found {
            assert!(
                finding.text().starts_with(
                    "ECG recommended: methadone above 100 mg a day and no ECG recorded in the \
                     last 12 months"
                ),
                "{name}: {}",
                finding.text()
            );
        }
    }
}

#[test]
fn the_ecg_threshold_and_validity_are_the_services_settings() {
    let limits = DoseLimits {
        ecg_methadone_mg: 120.0,
        ecg_valid_for: Interval::Months(6),
        ..DoseLimits::default()
    };
    let facts = |on: &str| TakeHomeFacts {
        latest_ecg: Some(d(on)),
        ..TakeHomeFacts::default()
    };
    let none = TakeHomeFacts::default();
    assert_eq!(
        check_ecg(&rx(Methadone, 120.0, TODAY), &none, &limits),
        None
    );
    assert!(check_ecg(&rx(Methadone, 121.0, TODAY), &none, &limits).is_some());
    let within = facts("2026-05-23");
    let past = facts("2026-05-22");
    assert_eq!(
        check_ecg(&rx(Methadone, 130.0, TODAY), &within, &limits),
        None
    );
    let found = check_ecg(&rx(Methadone, 130.0, TODAY), &past, &limits).expect("6 months");
    assert!(found.text().contains("above 120 mg"), "{}", found.text());
    assert!(found.text().contains("last 6 months"), "{}", found.text());
    assert!(
        found.text().contains("the latest was on 22/05/2026"),
        "{}",
        found.text()
    );
}

#[test]
fn a_set_of_limits_that_contradicts_itself_is_named() {
    assert_eq!(DoseLimits::default().check(), Ok(()));
    let bad = [
        DoseLimits {
            methadone_induction_mg: 301.0,
            ..DoseLimits::default()
        },
        DoseLimits {
            ecg_methadone_mg: 300.0,
            ..DoseLimits::default()
        },
        DoseLimits {
            buprenorphine_step_mg: 33.0,
            ..DoseLimits::default()
        },
        DoseLimits {
            methadone_week_mg: 9.0,
            ..DoseLimits::default()
        },
    ];
    for limits in bad {
        assert!(limits.check().is_err(), "{limits:?}");
    }
}
