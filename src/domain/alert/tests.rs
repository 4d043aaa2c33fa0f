//! Table-driven tests of the alert rules: each row is a client's facts and the alert (reason and
//! cause) expected of one rule, with rows on both sides of every threshold. Today is 23/11/2026
//! unless a row says otherwise.

use super::*;
use crate::domain::schedule::Basis;
use AlertKind::*;
use Attendance::*;
use TopStage::*;

const TODAY: &str = "2026-11-23";

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect(text)
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect(text)
}

/// A client with nothing wrong: not on OST, plan reviewed and moving, an exit goal, no risk.
fn fine() -> AlertFacts {
    AlertFacts {
        today: d(TODAY),
        owed: Vec::new(),
        ost_since: None,
        last_care_plan_review: Some(d("2026-11-02")),
        last_goal_progress: Some(d("2026-11-02")),
        has_exit_goal: true,
        tops: Vec::new(),
        recent_attendance: Vec::new(),
        overdose_risk: false,
        injecting: InjectingStatus::Never,
        uses_opioids: false,
        naloxone_held: false,
        naloxone_supplied_on: None,
        hep_c_tested_on: None,
        hiv_tested_on: None,
        bbv_results: Vec::new(),
        hep_c_referred_on: None,
        hep_b: None,
        prison_release_on: None,
        treatment_start: None,
        last_readiness_note: Some(d("2026-11-02")),
        missed_doses: Vec::new(),
        last_prescribing_review: None,
        latest_prescription_start: None,
    }
}

/// A client with nothing wrong who has been on OST since `since`.
fn on_ost(since: &str) -> AlertFacts {
    AlertFacts {
        ost_since: Some(d(since)),
        ..fine()
    }
}

fn top(completed_on: &str, stage: TopStage, opiate_days: Option<f64>) -> TopOpiates {
    TopOpiates {
        completed_on: d(completed_on),
        stage,
        opiate_days,
        in_error: false,
    }
}

/// A TOP marked entered in error.
fn top_in_error(completed_on: &str, stage: TopStage, opiate_days: Option<f64>) -> TopOpiates {
    TopOpiates {
        in_error: true,
        ..top(completed_on, stage, opiate_days)
    }
}

fn appt(when: &str, attendance: Attendance) -> Appointment {
    Appointment {
        at: at(when),
        attendance,
        in_error: false,
    }
}

fn owe(kind: ReviewKind, due_on: &str) -> Due {
    Due {
        kind,
        due_on: d(due_on),
        basis: Basis::LastReview {
            on: d("2026-01-01"),
        },
    }
}

fn ack(kind: AlertKind, cause: &str) -> Acknowledged {
    Acknowledged {
        kind,
        cause: cause.to_owned(),
        in_error: false,
    }
}

/// One row: what is true of the client and the alert of the rule under test expected, as
/// (reason, cause); None: the rule raises nothing.
struct Case {
    name: &'static str,
    facts: AlertFacts,
    expect: Option<(&'static str, &'static str)>,
}

/// Each row raises exactly the expected alert of `kind` and no other alert at all.
fn check_with(kind: AlertKind, cases: &[Case], intervals: &ReviewIntervals) {
    for case in cases {
        let got = assess(&case.facts, intervals, &[]);
        let of_kind: Vec<(&str, &str)> = got
            .open
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| (a.reason.as_str(), a.cause.as_str()))
            .collect();
        let expect: Vec<(&str, &str)> = case.expect.into_iter().collect();
        assert_eq!(of_kind, expect, "{}", case.name);
        let others: Vec<AlertKind> = got
            .open
            .iter()
            .map(|a| a.kind)
            .filter(|k| *k != kind)
            .collect();
        assert_eq!(others, [], "{}: no other alert expected", case.name);
        assert_eq!(got.quiet, [], "{}: nothing acknowledged", case.name);
    }
}

fn check(kind: AlertKind, cases: &[Case]) {
    check_with(kind, cases, &ReviewIntervals::default());
}

#[test]
fn a_client_with_nothing_wrong_has_no_alerts() {
    let intervals = ReviewIntervals::default();
    assert_eq!(assess(&fine(), &intervals, &[]), Assessment::default());
    assert_eq!(
        assess(&on_ost("2026-01-05"), &intervals, &[]),
        Assessment::default()
    );
    assert_eq!(assess(&fine(), &intervals, &[]).letters(), "");
}

#[test]
fn a_review_is_overdue_from_the_day_after_it_was_due() {
    use ReviewKind::*;
    let owing = |due: Due| AlertFacts {
        owed: vec![due],
        ..fine()
    };
    let rows = [
        (
            CarePlan,
            Case {
                name: "due today is not overdue",
                facts: owing(owe(CarePlan, "2026-11-23")),
                expect: None,
            },
        ),
        (
            CarePlan,
            Case {
                name: "due next week is not overdue",
                facts: owing(owe(CarePlan, "2026-11-30")),
                expect: None,
            },
        ),
        (
            CarePlan,
            Case {
                name: "due yesterday is one day over",
                facts: owing(owe(CarePlan, "2026-11-22")),
                expect: Some((
                    "Care-plan review was due 22/11/2026: 1 day over",
                    "due 2026-11-22",
                )),
            },
        ),
        (
            CarePlan,
            Case {
                name: "due ten days ago is ten days over",
                facts: owing(owe(CarePlan, "2026-11-13")),
                expect: Some((
                    "Care-plan review was due 13/11/2026: 10 days over",
                    "due 2026-11-13",
                )),
            },
        ),
        (
            Prescribing,
            Case {
                name: "an overdue prescribing review",
                facts: owing(owe(Prescribing, "2026-11-21")),
                expect: Some((
                    "Prescribing review was due 21/11/2026: 2 days over",
                    "due 2026-11-21",
                )),
            },
        ),
        (
            Outcomes,
            Case {
                name: "an overdue TOP, over a year",
                facts: owing(owe(Outcomes, "2025-11-01")),
                expect: Some((
                    "Outcomes (TOP) review was due 01/11/2025: 387 days over",
                    "due 2025-11-01",
                )),
            },
        ),
        (
            Risk,
            Case {
                name: "an overdue risk review",
                facts: owing(owe(Risk, "2026-11-16")),
                expect: Some((
                    "Risk review was due 16/11/2026: 7 days over",
                    "due 2026-11-16",
                )),
            },
        ),
        (
            Risk,
            Case {
                name: "a risk review due today is not overdue",
                facts: owing(owe(Risk, "2026-11-23")),
                expect: None,
            },
        ),
    ];
    for (kind, case) in rows {
        check(ReviewOverdue(kind), &[case]);
    }
}

#[test]
fn only_the_overdue_reviews_of_those_owed_are_raised_in_order() {
    use ReviewKind::*;
    let facts = AlertFacts {
        owed: vec![
            owe(CarePlan, "2026-11-13"),
            owe(Prescribing, "2026-11-23"),
            owe(Outcomes, "2026-12-01"),
            owe(Risk, "2026-11-22"),
        ],
        ..fine()
    };
    let got: Vec<(AlertKind, String)> = assess(&facts, &ReviewIntervals::default(), &[])
        .open
        .into_iter()
        .map(|a| (a.kind, a.cause))
        .collect();
    assert_eq!(
        got,
        [
            (ReviewOverdue(CarePlan), "due 2026-11-13".to_owned()),
            (ReviewOverdue(Risk), "due 2026-11-22".to_owned()),
        ]
    );
}

#[test]
fn a_client_on_ost_two_years_with_a_stalled_plan_is_parked() {
    let cases = [
        Case {
            name: "not on OST: never parked, however stalled",
            facts: AlertFacts {
                last_care_plan_review: None,
                last_goal_progress: None,
                has_exit_goal: false,
                ..fine()
            },
            expect: None,
        },
        Case {
            name: "on OST exactly 2 years, no exit goal: parked",
            facts: AlertFacts {
                has_exit_goal: false,
                ..on_ost("2024-11-23")
            },
            expect: Some((
                "On OST 2 years (since 23/11/2024): no exit-plan goal",
                "no exit goal",
            )),
        },
        Case {
            name: "on OST a day short of 2 years, no exit goal: not parked",
            facts: AlertFacts {
                has_exit_goal: false,
                ..on_ost("2024-11-24")
            },
            expect: None,
        },
        Case {
            name: "on OST 23 months with everything stalled: not parked",
            facts: AlertFacts {
                last_care_plan_review: None,
                last_goal_progress: None,
                has_exit_goal: false,
                ..on_ost("2024-12-23")
            },
            expect: None,
        },
        Case {
            name: "on OST 2 years with review, progress and exit goal all fine: not parked",
            facts: on_ost("2024-11-23"),
            expect: None,
        },
        Case {
            name: "on OST 10 years with review, progress and exit goal all fine: not parked",
            facts: on_ost("2016-01-04"),
            expect: None,
        },
        Case {
            name: "care-plan review 12 weeks and a day ago: parked",
            facts: AlertFacts {
                last_care_plan_review: Some(d("2026-08-30")),
                ..on_ost("2024-11-23")
            },
            expect: Some((
                "On OST 2 years (since 23/11/2024): no care-plan review in 12 weeks",
                "review 2026-08-30",
            )),
        },
        Case {
            name: "care-plan review 12 weeks less a day ago: not parked",
            facts: AlertFacts {
                last_care_plan_review: Some(d("2026-09-01")),
                ..on_ost("2024-11-23")
            },
            expect: None,
        },
        Case {
            name: "never a care-plan review: parked",
            facts: AlertFacts {
                last_care_plan_review: None,
                ..on_ost("2024-11-23")
            },
            expect: Some((
                "On OST 2 years (since 23/11/2024): no care-plan review in 12 weeks",
                "review never",
            )),
        },
        Case {
            name: "goal progress 6 months and a day ago: parked",
            facts: AlertFacts {
                last_goal_progress: Some(d("2026-05-22")),
                ..on_ost("2024-11-23")
            },
            expect: Some((
                "On OST 2 years (since 23/11/2024): no goal progress recorded in 6 months",
                "progress 2026-05-22",
            )),
        },
        Case {
            name: "goal progress 6 months less a day ago: not parked",
            facts: AlertFacts {
                last_goal_progress: Some(d("2026-05-24")),
                ..on_ost("2024-11-23")
            },
            expect: None,
        },
        Case {
            name: "never any goal progress: parked",
            facts: AlertFacts {
                last_goal_progress: None,
                ..on_ost("2024-11-23")
            },
            expect: Some((
                "On OST 2 years (since 23/11/2024): no goal progress recorded in 6 months",
                "progress never",
            )),
        },
        Case {
            name: "all three conditions hold: each is listed, in order",
            facts: AlertFacts {
                last_care_plan_review: Some(d("2026-05-01")),
                last_goal_progress: Some(d("2025-12-01")),
                has_exit_goal: false,
                ..on_ost("2023-08-01")
            },
            expect: Some((
                "On OST 3 years 3 months (since 01/08/2023): no care-plan review in 12 weeks; \
                 no goal progress recorded in 6 months; no exit-plan goal",
                "review 2026-05-01; progress 2025-12-01; no exit goal",
            )),
        },
        Case {
            name: "two of three hold: only those two are listed",
            facts: AlertFacts {
                last_care_plan_review: None,
                last_goal_progress: None,
                ..on_ost("2024-10-23")
            },
            expect: Some((
                "On OST 2 years 1 month (since 23/10/2024): no care-plan review in 12 weeks; \
                 no goal progress recorded in 6 months",
                "review never; progress never",
            )),
        },
    ];
    check(Parked, &cases);
}

#[test]
fn parking_reads_the_services_own_care_plan_interval() {
    let nine_weeks_ago = AlertFacts {
        last_care_plan_review: Some(d("2026-09-20")),
        ..on_ost("2024-11-23")
    };
    let eight_weekly = ReviewIntervals {
        care_plan: Interval::Weeks(8),
        ..ReviewIntervals::default()
    };
    check_with(
        Parked,
        &[Case {
            name: "a review 9 weeks ago misses an 8-week interval",
            facts: nine_weeks_ago.clone(),
            expect: Some((
                "On OST 2 years (since 23/11/2024): no care-plan review in 8 weeks",
                "review 2026-09-20",
            )),
        }],
        &eight_weekly,
    );
    check(
        Parked,
        &[Case {
            name: "a review 9 weeks ago is within the default 12 weeks",
            facts: nine_weeks_ago,
            expect: None,
        }],
    );
}

#[test]
fn parking_counts_two_years_in_calendar_months_at_month_ends() {
    let on = |since: &str, today: &str, reviewed: &str| AlertFacts {
        today: d(today),
        last_care_plan_review: Some(d(reviewed)),
        last_goal_progress: Some(d(reviewed)),
        has_exit_goal: false,
        ..on_ost(since)
    };
    let cases = [
        Case {
            name: "30 Nov 2024 to 30 Nov 2026 is two years: parked",
            facts: on("2024-11-30", "2026-11-30", "2026-11-02"),
            expect: Some((
                "On OST 2 years (since 30/11/2024): no exit-plan goal",
                "no exit goal",
            )),
        },
        Case {
            name: "30 Nov 2024 to 29 Nov 2026 is short of two years: not parked",
            facts: on("2024-11-30", "2026-11-29", "2026-11-02"),
            expect: None,
        },
        Case {
            name: "two years after a leap day is 28 Feb: parked",
            facts: on("2024-02-29", "2026-02-28", "2026-02-02"),
            expect: Some((
                "On OST 2 years (since 29/02/2024): no exit-plan goal",
                "no exit goal",
            )),
        },
        Case {
            name: "31 Mar 2024 to 28 Feb 2026 is 23 months (the month end): not parked",
            facts: on("2024-03-31", "2026-02-28", "2026-02-02"),
            expect: None,
        },
        Case {
            name: "31 Mar 2024 to 31 Mar 2026 is two years: parked",
            facts: on("2024-03-31", "2026-03-31", "2026-03-02"),
            expect: Some((
                "On OST 2 years (since 31/03/2024): no exit-plan goal",
                "no exit goal",
            )),
        },
        Case {
            name: "31 Jan 2024 to 28 Feb 2026 is 2 years 1 month (month end counts as a month)",
            facts: on("2024-01-31", "2026-02-28", "2026-02-02"),
            expect: Some((
                "On OST 2 years 1 month (since 31/01/2024): no exit-plan goal",
                "no exit goal",
            )),
        },
        Case {
            name: "31 Jan 2024 to 27 Feb 2026 is 2 years 0 months, said as 2 years",
            facts: on("2024-01-31", "2026-02-27", "2026-02-02"),
            expect: Some((
                "On OST 2 years (since 31/01/2024): no exit-plan goal",
                "no exit goal",
            )),
        },
    ];
    check(Parked, &cases);
}

/// The schedule's rule is that a review due today is not yet overdue: a care-plan review done
/// exactly one interval ago (31/08/2026, 12 weeks before 23/11/2026) is due today, so the plan
/// has been reviewed within the interval and the client must not be called parked for it.
#[test]
fn a_care_plan_review_exactly_one_interval_ago_is_still_within_the_interval() {
    check(
        Parked,
        &[Case {
            name: "care-plan review exactly 12 weeks ago",
            facts: AlertFacts {
                last_care_plan_review: Some(d("2026-08-31")),
                ..on_ost("2024-11-23")
            },
            expect: None,
        }],
    );
}

/// As with naloxone (a kit supplied exactly 12 months ago is still in date), goal progress
/// recorded exactly 6 months ago (23/05/2026) is progress within the 6 months.
#[test]
fn goal_progress_exactly_six_months_ago_is_still_within_six_months() {
    check(
        Parked,
        &[Case {
            name: "goal progress exactly 6 months ago",
            facts: AlertFacts {
                last_goal_progress: Some(d("2026-05-23")),
                ..on_ost("2024-11-23")
            },
            expect: None,
        }],
    );
}

#[test]
fn opiate_use_at_the_latest_review_top_after_six_months_of_ost_is_a_signal() {
    let with = |since: &str, tops: Vec<TopOpiates>| AlertFacts {
        tops,
        ..on_ost(since)
    };
    let cases = [
        Case {
            name: "exactly 6 months on OST, review TOP with 12 days: signal",
            facts: with("2026-05-23", vec![top("2026-11-16", Review, Some(12.0))]),
            expect: Some((
                "On OST 6 months and the TOP of 16/11/2026 records illicit opiate use on 12 of 28 days",
                "top 2026-11-16",
            )),
        },
        Case {
            name: "a day short of 6 months on OST: no signal",
            facts: with("2026-05-24", vec![top("2026-11-16", Review, Some(12.0))]),
            expect: None,
        },
        Case {
            name: "5 months on OST: no signal",
            facts: with("2026-06-23", vec![top("2026-11-16", Review, Some(12.0))]),
            expect: None,
        },
        Case {
            name: "not on OST: no signal",
            facts: AlertFacts {
                tops: vec![top("2026-11-16", Review, Some(12.0))],
                ..fine()
            },
            expect: None,
        },
        Case {
            name: "an exit TOP with use counts: signal",
            facts: with("2025-01-10", vec![top("2026-11-20", Exit, Some(3.0))]),
            expect: Some((
                "On OST 1 year 10 months and the TOP of 20/11/2026 records illicit opiate use on 3 of 28 days",
                "top 2026-11-20",
            )),
        },
        Case {
            name: "a single day of use is a signal",
            facts: with("2026-01-05", vec![top("2026-11-02", Review, Some(1.0))]),
            expect: Some((
                "On OST 10 months and the TOP of 02/11/2026 records illicit opiate use on 1 of 28 days",
                "top 2026-11-02",
            )),
        },
        Case {
            name: "the latest TOP is a start TOP: no signal",
            facts: with("2026-01-05", vec![top("2026-11-16", Start, Some(20.0))]),
            expect: None,
        },
        Case {
            name: "opiate use declined at the latest TOP: no signal",
            facts: with("2026-01-05", vec![top("2026-11-16", Review, None)]),
            expect: None,
        },
        Case {
            name: "0 days at the latest TOP: no signal",
            facts: with("2026-01-05", vec![top("2026-11-16", Review, Some(0.0))]),
            expect: None,
        },
        Case {
            name: "0 days at the latest TOP, use at an older one: no signal",
            facts: with(
                "2026-01-05",
                vec![
                    top("2026-11-16", Review, Some(0.0)),
                    top("2026-05-18", Review, Some(14.0)),
                ],
            ),
            expect: None,
        },
        Case {
            name: "use at the latest TOP, none at an older one: signal",
            facts: with(
                "2026-01-05",
                vec![
                    top("2026-11-16", Review, Some(4.0)),
                    top("2026-05-18", Review, Some(0.0)),
                ],
            ),
            expect: Some((
                "On OST 10 months and the TOP of 16/11/2026 records illicit opiate use on 4 of 28 days",
                "top 2026-11-16",
            )),
        },
        Case {
            name: "the latest review TOP is from before this OST began: no signal",
            facts: with("2026-05-10", vec![top("2026-05-09", Review, Some(12.0))]),
            expect: None,
        },
        Case {
            name: "a review TOP on the day OST began counts: signal",
            facts: with("2026-05-10", vec![top("2026-05-10", Review, Some(12.0))]),
            expect: Some((
                "On OST 6 months and the TOP of 10/05/2026 records illicit opiate use on 12 of 28 days",
                "top 2026-05-10",
            )),
        },
        Case {
            name: "part days are shown as recorded",
            facts: with("2026-01-05", vec![top("2026-11-16", Review, Some(2.5))]),
            expect: Some((
                "On OST 10 months and the TOP of 16/11/2026 records illicit opiate use on 2.5 of 28 days",
                "top 2026-11-16",
            )),
        },
        Case {
            name: "no TOP at all: no signal",
            facts: with("2026-01-05", Vec::new()),
            expect: None,
        },
        Case {
            name: "use at the latest TOP, entered in error: no signal from it",
            facts: with(
                "2026-01-05",
                vec![
                    top_in_error("2026-11-16", Review, Some(4.0)),
                    top("2026-05-18", Review, Some(0.0)),
                ],
            ),
            expect: None,
        },
        Case {
            name: "a clean TOP entered in error: the one before it is the latest: signal",
            facts: with(
                "2026-01-05",
                vec![
                    top_in_error("2026-11-16", Review, Some(0.0)),
                    top("2026-08-10", Review, Some(6.0)),
                ],
            ),
            expect: Some((
                "On OST 10 months and the TOP of 10/08/2026 records illicit opiate use on 6 of 28 days",
                "top 2026-08-10",
            )),
        },
        Case {
            name: "the only TOP entered in error: no signal",
            facts: with(
                "2026-01-05",
                vec![top_in_error("2026-11-16", Review, Some(12.0))],
            ),
            expect: None,
        },
    ];
    check(SixMonthSignal, &cases);
}

#[test]
fn five_years_on_ost_without_opiate_use_at_the_last_two_tops_is_medication_assisted_recovery() {
    let clean = || {
        vec![
            top("2026-10-01", Review, Some(0.0)),
            top("2026-04-01", Review, Some(0.0)),
        ]
    };
    let with = |since: &str, tops: Vec<TopOpiates>| AlertFacts {
        tops,
        ..on_ost(since)
    };
    let cases: [(&str, AlertFacts, Option<&str>); 12] = [
        (
            "exactly 5 years with two clean TOPs: recovery",
            with("2021-11-23", clean()),
            Some(
                "On OST 5 years and no illicit opiate use at the \
                 last two TOPs (01/04/2026 and 01/10/2026)",
            ),
        ),
        (
            "a day short of 5 years: not yet",
            with("2021-11-24", clean()),
            None,
        ),
        ("not on OST: no recovery status", fine(), None),
        (
            "only one TOP: not enough to say",
            with("2020-01-06", vec![top("2026-10-01", Review, Some(0.0))]),
            None,
        ),
        (
            "the newest TOP declined: not enough to say",
            with(
                "2020-01-06",
                vec![
                    top("2026-10-01", Review, None),
                    top("2026-04-01", Review, Some(0.0)),
                ],
            ),
            None,
        ),
        (
            "the older TOP declined: not enough to say",
            with(
                "2020-01-06",
                vec![
                    top("2026-10-01", Review, Some(0.0)),
                    top("2026-04-01", Review, None),
                ],
            ),
            None,
        ),
        (
            "use at the newest TOP: not recovery",
            with(
                "2020-01-06",
                vec![
                    top("2026-10-01", Review, Some(1.0)),
                    top("2026-04-01", Review, Some(0.0)),
                ],
            ),
            None,
        ),
        (
            "use at the older TOP: not recovery",
            with(
                "2020-01-06",
                vec![
                    top("2026-10-01", Review, Some(0.0)),
                    top("2026-04-01", Review, Some(2.0)),
                ],
            ),
            None,
        ),
        (
            "use at a third, older TOP does not matter: recovery",
            with(
                "2020-01-06",
                vec![
                    top("2026-10-01", Review, Some(0.0)),
                    top("2026-04-01", Review, Some(0.0)),
                    top("2025-10-01", Review, Some(9.0)),
                ],
            ),
            Some(
                "On OST 6 years 10 months and no illicit opiate \
                 use at the last two TOPs (01/04/2026 and 01/10/2026)",
            ),
        ),
        (
            "no TOP at all: not enough to say",
            with("2020-01-06", Vec::new()),
            None,
        ),
        (
            "a newer TOP with use, entered in error: recovery",
            with(
                "2020-01-06",
                vec![
                    top_in_error("2026-11-01", Review, Some(9.0)),
                    top("2026-10-01", Review, Some(0.0)),
                    top("2026-04-01", Review, Some(0.0)),
                ],
            ),
            Some(
                "On OST 6 years 10 months and no illicit opiate \
                 use at the last two TOPs (01/04/2026 and 01/10/2026)",
            ),
        ),
        (
            "one of the two clean TOPs entered in error: not enough to say",
            with(
                "2020-01-06",
                vec![
                    top("2026-10-01", Review, Some(0.0)),
                    top_in_error("2026-04-01", Review, Some(0.0)),
                ],
            ),
            None,
        ),
    ];
    for (name, facts, expect) in cases {
        let got = assess(&facts, &ReviewIntervals::default(), &[]);
        assert_eq!(got.recovery.as_deref(), expect, "{name}");
        // The status is never an alert; only use at the newest TOP raises one (the signal).
        let open: Vec<AlertKind> = got.open.iter().map(|a| a.kind).collect();
        let signal = facts
            .tops
            .iter()
            .find(|t| !t.in_error)
            .is_some_and(|t| t.opiate_days > Some(0.0));
        let expect_open: &[AlertKind] = if signal { &[SixMonthSignal] } else { &[] };
        assert_eq!(open, expect_open, "{name}: open alerts");
    }
}

#[test]
fn a_well_reviewed_client_in_recovery_has_no_open_alert_for_long_treatment() {
    use ReviewKind::*;
    let facts = AlertFacts {
        owed: vec![
            owe(CarePlan, "2027-01-25"),
            owe(Prescribing, "2027-01-25"),
            owe(Outcomes, "2027-04-01"),
            owe(Risk, "2026-11-23"),
        ],
        ost_since: Some(d("2020-09-01")),
        last_care_plan_review: Some(d("2026-11-02")),
        last_goal_progress: Some(d("2026-11-02")),
        has_exit_goal: true,
        tops: vec![
            top("2026-10-01", Review, Some(0.0)),
            top("2026-04-01", Review, Some(0.0)),
        ],
        recent_attendance: vec![
            appt("2026-11-16 10:00", Attended),
            appt("2026-11-09 10:00", DidNotAttend),
            appt("2026-11-02 10:00", Attended),
        ],
        uses_opioids: true,
        injecting: InjectingStatus::Previously,
        naloxone_held: true,
        naloxone_supplied_on: Some(d("2026-06-01")),
        hep_c_tested_on: Some(d("2021-03-01")),
        hiv_tested_on: Some(d("2021-03-01")),
        hep_b: Some(HepBStatus::Completed),
        ..fine()
    };
    let got = assess(&facts, &ReviewIntervals::default(), &[]);
    assert_eq!(got.open, []);
    assert_eq!(got.quiet, []);
    assert_eq!(
        got.recovery.as_deref(),
        Some(
            "On OST 6 years 2 months and no illicit opiate use at \
             the last two TOPs (01/04/2026 and 01/10/2026)"
        )
    );
    assert_eq!(got.letters(), "+");
}

#[test]
fn a_client_in_medication_assisted_recovery_is_never_parked_for_goals_or_an_exit_plan() {
    // Five years on OST on 23/11/2026 means since 23/11/2021; clean at the last two TOPs.
    let stable = |since: &str| AlertFacts {
        tops: vec![
            top("2026-10-01", Review, Some(0.0)),
            top("2026-04-01", Review, Some(0.0)),
        ],
        last_goal_progress: None,
        has_exit_goal: false,
        ..on_ost(since)
    };
    let cases = [
        Case {
            name: "exactly 5 years on OST, clean, no goals moving, no exit goal: not parked",
            facts: stable("2021-11-23"),
            expect: None,
        },
        Case {
            name: "a day short of 5 years, the same: parked for goals and the exit plan",
            facts: stable("2021-11-24"),
            expect: Some((
                "On OST 4 years 11 months (since 24/11/2021): no goal progress recorded in 6 months; no exit-plan goal",
                "progress never; no exit goal",
            )),
        },
        Case {
            name: "in recovery but no care-plan review in the interval: parked for that alone",
            facts: AlertFacts {
                last_care_plan_review: None,
                ..stable("2020-01-01")
            },
            expect: Some((
                "On OST 6 years 10 months (since 01/01/2020): no care-plan review in 12 weeks",
                "review never",
            )),
        },
    ];
    check(Parked, &cases);
}

#[test]
fn the_six_month_signal_stops_once_a_later_review_top_shows_no_use() {
    // On OST since 05/01/2026: six months on 05/07/2026.
    let with = |tops: Vec<TopOpiates>| AlertFacts {
        tops,
        ..on_ost("2026-01-05")
    };
    let cases = [
        Case {
            name: "use at the first review TOP after six months: signal",
            facts: with(vec![top("2026-07-20", Review, Some(8.0))]),
            expect: Some((
                "On OST 10 months and the TOP of 20/07/2026 records illicit opiate use on 8 of 28 days",
                "top 2026-07-20",
            )),
        },
        Case {
            name: "a later review TOP after six months with no use: the signal stops",
            facts: with(vec![
                top("2026-11-02", Review, Some(0.0)),
                top("2026-07-20", Review, Some(8.0)),
            ]),
            expect: None,
        },
        Case {
            name: "use again at a later review TOP: the signal is back, from that TOP",
            facts: with(vec![
                top("2026-11-02", Review, Some(3.0)),
                top("2026-07-20", Review, Some(0.0)),
            ]),
            expect: Some((
                "On OST 10 months and the TOP of 02/11/2026 records illicit opiate use on 3 of 28 days",
                "top 2026-11-02",
            )),
        },
    ];
    check(SixMonthSignal, &cases);
}

#[test]
fn three_dnas_in_a_row_are_flagged() {
    let attending = |rows: &[(&str, Attendance)]| AlertFacts {
        recent_attendance: rows.iter().map(|(when, a)| appt(when, *a)).collect(),
        ..fine()
    };
    // The same, with the appointments marked entered in error flagged `true`.
    let marked = |rows: &[(&str, Attendance, bool)]| AlertFacts {
        recent_attendance: rows
            .iter()
            .map(|(when, a, in_error)| Appointment {
                in_error: *in_error,
                ..appt(when, *a)
            })
            .collect(),
        ..fine()
    };
    let flagged = Some((
        "The last three appointments were missed, the latest on 20/11/2026",
        "dna 2026-11-20 10:00",
    ));
    let cases = [
        Case {
            name: "three DNAs: flagged, dated by the newest",
            facts: attending(&[
                ("2026-11-20 10:00", DidNotAttend),
                ("2026-11-13 10:00", DidNotAttend),
                ("2026-11-06 10:00", DidNotAttend),
            ]),
            expect: flagged,
        },
        Case {
            name: "only two appointments, both DNAs: not flagged",
            facts: attending(&[
                ("2026-11-20 10:00", DidNotAttend),
                ("2026-11-13 10:00", DidNotAttend),
            ]),
            expect: None,
        },
        Case {
            name: "no appointments: not flagged",
            facts: attending(&[]),
            expect: None,
        },
        Case {
            name: "the newest attended: not flagged",
            facts: attending(&[
                ("2026-11-20 10:00", Attended),
                ("2026-11-13 10:00", DidNotAttend),
                ("2026-11-06 10:00", DidNotAttend),
            ]),
            expect: None,
        },
        Case {
            name: "the middle cancelled by the client: not flagged",
            facts: attending(&[
                ("2026-11-20 10:00", DidNotAttend),
                ("2026-11-13 10:00", CancelledByClient),
                ("2026-11-06 10:00", DidNotAttend),
            ]),
            expect: None,
        },
        Case {
            name: "the oldest cancelled by the service: not flagged",
            facts: attending(&[
                ("2026-11-20 10:00", DidNotAttend),
                ("2026-11-13 10:00", DidNotAttend),
                ("2026-11-06 10:00", CancelledByService),
            ]),
            expect: None,
        },
        Case {
            name: "three newest DNAs after an attended one: flagged",
            facts: attending(&[
                ("2026-11-20 10:00", DidNotAttend),
                ("2026-11-13 10:00", DidNotAttend),
                ("2026-11-06 10:00", DidNotAttend),
                ("2026-10-30 10:00", Attended),
            ]),
            expect: flagged,
        },
        Case {
            name: "three DNAs before the newest, attended: not flagged",
            facts: attending(&[
                ("2026-11-20 10:00", Attended),
                ("2026-11-13 10:00", DidNotAttend),
                ("2026-11-06 10:00", DidNotAttend),
                ("2026-10-30 10:00", DidNotAttend),
            ]),
            expect: None,
        },
        Case {
            name: "the cause names the newest appointment's time",
            facts: attending(&[
                ("2026-11-21 14:30", DidNotAttend),
                ("2026-11-13 10:00", DidNotAttend),
                ("2026-11-06 10:00", DidNotAttend),
            ]),
            expect: Some((
                "The last three appointments were missed, the latest on 21/11/2026",
                "dna 2026-11-21 14:30",
            )),
        },
        Case {
            name: "three DNAs, one entered in error: not flagged",
            facts: marked(&[
                ("2026-11-20 10:00", DidNotAttend, false),
                ("2026-11-13 10:00", DidNotAttend, true),
                ("2026-11-06 10:00", DidNotAttend, false),
            ]),
            expect: None,
        },
        Case {
            name: "an attended session entered in error does not break a run of DNAs: flagged",
            facts: marked(&[
                ("2026-11-20 10:00", DidNotAttend, false),
                ("2026-11-16 10:00", Attended, true),
                ("2026-11-13 10:00", DidNotAttend, false),
                ("2026-11-06 10:00", DidNotAttend, false),
            ]),
            expect: flagged,
        },
        Case {
            name: "the newest DNA entered in error: the cause names the newest one standing",
            facts: marked(&[
                ("2026-11-22 10:00", DidNotAttend, true),
                ("2026-11-20 10:00", DidNotAttend, false),
                ("2026-11-13 10:00", DidNotAttend, false),
                ("2026-11-06 10:00", DidNotAttend, false),
            ]),
            expect: flagged,
        },
    ];
    check(ThreeDnas, &cases);
}

#[test]
fn naloxone_is_needed_by_anyone_at_risk_without_an_in_date_kit() {
    // A current injector is also owed a BBV test; a recent one keeps that alert out of the rows.
    // BBV care up to date, so that only the naloxone rule speaks.
    let injecting = AlertFacts {
        injecting: InjectingStatus::Currently,
        hep_c_tested_on: Some(d("2026-06-01")),
        hiv_tested_on: Some(d("2026-06-01")),
        hep_b: Some(HepBStatus::Immune),
        ..fine()
    };
    let opioids = AlertFacts {
        uses_opioids: true,
        ..fine()
    };
    let held = |on: Option<&str>| AlertFacts {
        naloxone_held: true,
        naloxone_supplied_on: on.map(d),
        ..opioids.clone()
    };
    let cases = [
        Case {
            name: "overdose risk and no kit: flagged",
            facts: AlertFacts {
                overdose_risk: true,
                ..fine()
            },
            expect: Some((
                "No naloxone kit held (overdose risk)",
                "held false supplied never",
            )),
        },
        Case {
            name: "injecting currently and no kit: flagged",
            facts: injecting.clone(),
            expect: Some((
                "No naloxone kit held (injecting)",
                "held false supplied never",
            )),
        },
        Case {
            name: "uses opioids and no kit: flagged",
            facts: opioids.clone(),
            expect: Some((
                "No naloxone kit held (uses opioids or on OST)",
                "held false supplied never",
            )),
        },
        Case {
            name: "every risk factor and no kit: each named",
            facts: AlertFacts {
                overdose_risk: true,
                uses_opioids: true,
                ..injecting.clone()
            },
            expect: Some((
                "No naloxone kit held (overdose risk, injecting, uses opioids or on OST)",
                "held false supplied never",
            )),
        },
        Case {
            name: "no risk factor and no kit: not flagged",
            facts: fine(),
            expect: None,
        },
        Case {
            name: "previously injecting only and no kit: not flagged",
            facts: AlertFacts {
                injecting: InjectingStatus::Previously,
                ..injecting.clone()
            },
            expect: None,
        },
        Case {
            name: "declined to say about injecting and no kit: not flagged",
            facts: AlertFacts {
                injecting: InjectingStatus::Declined,
                ..fine()
            },
            expect: None,
        },
        Case {
            name: "a kit supplied once but no longer held: flagged, with the date in the cause",
            facts: AlertFacts {
                naloxone_supplied_on: Some(d("2026-06-01")),
                ..opioids.clone()
            },
            expect: Some((
                "No naloxone kit held (uses opioids or on OST)",
                "held false supplied 2026-06-01",
            )),
        },
        Case {
            name: "held, supplied 12 months and a day ago: flagged",
            facts: held(Some("2025-11-22")),
            expect: Some((
                "Naloxone supplied 22/11/2025, over 12 months ago (uses opioids or on OST)",
                "held true supplied 2025-11-22",
            )),
        },
        Case {
            name: "held, supplied exactly 12 months ago: not flagged",
            facts: held(Some("2025-11-23")),
            expect: None,
        },
        Case {
            name: "held, supplied this year: not flagged",
            facts: held(Some("2026-06-01")),
            expect: None,
        },
        Case {
            name: "held with no supply date recorded: not flagged",
            facts: held(None),
            expect: None,
        },
        Case {
            name: "held long ago but no risk factor: not flagged",
            facts: AlertFacts {
                naloxone_held: true,
                naloxone_supplied_on: Some(d("2020-01-01")),
                ..fine()
            },
            expect: None,
        },
    ];
    check(Naloxone, &cases);
}

#[test]
fn naloxone_supplied_over_a_year_ago_is_flagged() {
    let facts = AlertFacts {
        overdose_risk: true,
        naloxone_held: true,
        naloxone_supplied_on: Some(d("2024-03-15")),
        ..fine()
    };
    let got = assess(&facts, &ReviewIntervals::default(), &[]);
    assert!(got.has(Naloxone));
    assert_eq!(got.letters(), "N");
}

/// A row of the BBV tables: its name, the facts, and the alerts expected (reason, cause).
type BbvCase<'a> = (&'a str, AlertFacts, &'a [(&'a str, &'a str)]);

/// Each row: the BBV alerts expected (reason, cause), in order: hep C, HIV, hep B; no other alert.
fn check_bbv(cases: &[BbvCase<'_>]) {
    for (name, facts, expect) in cases {
        let got = assess(facts, &ReviewIntervals::default(), &[]);
        let bbv: Vec<(&str, &str)> = got
            .open
            .iter()
            .filter(|a| a.kind == BbvTest)
            .map(|a| (a.reason.as_str(), a.cause.as_str()))
            .collect();
        assert_eq!(bbv, *expect, "{name}");
        let others: Vec<AlertKind> = got
            .open
            .iter()
            .map(|a| a.kind)
            .filter(|k| *k != BbvTest)
            .collect();
        assert_eq!(others, [], "{name}: no other alert expected");
    }
}

/// Someone who injects, with naloxone in date (injecting is a naloxone risk too) and hep B done.
fn injector(status: InjectingStatus, hep_c: Option<&str>, hiv: Option<&str>) -> AlertFacts {
    AlertFacts {
        injecting: status,
        naloxone_held: true,
        naloxone_supplied_on: Some(d("2026-10-01")),
        hep_c_tested_on: hep_c.map(d),
        hiv_tested_on: hiv.map(d),
        hep_b: Some(HepBStatus::Completed),
        ..fine()
    }
}

const HEP_C_NEVER: (&str, &str) = (
    "Injecting now, and no hep C test is recorded: offer one",
    "hep_c test never",
);
const HIV_NEVER: (&str, &str) = (
    "Injecting now, and no HIV test is recorded: offer one",
    "hiv test never",
);

#[test]
fn each_blood_borne_virus_is_tested_on_its_own_clock() {
    use InjectingStatus::*;
    check_bbv(&[
        (
            "injecting now, never tested: both tests due",
            injector(Currently, None, None),
            &[HEP_C_NEVER, HIV_NEVER],
        ),
        (
            "injecting now, recent HIV test, never a hep C test: hep C due (HIV does not stand in)",
            injector(Currently, None, Some("2026-09-01")),
            &[HEP_C_NEVER],
        ),
        (
            "injecting now, recent hep C test, HIV over a year ago: HIV re-test due",
            injector(Currently, Some("2026-09-01"), Some("2025-01-01")),
            &[(
                "Injecting now, and the last HIV test was on 01/01/2025, over 12 months ago: offer a re-test",
                "hiv test 2025-01-01",
            )],
        ),
        (
            "injecting now, hep C 12 months and a day ago: re-test due",
            injector(Currently, Some("2025-11-22"), Some("2026-09-01")),
            &[(
                "Injecting now, and the last hep C test was on 22/11/2025, over 12 months ago: offer a re-test",
                "hep_c test 2025-11-22",
            )],
        ),
        (
            "injecting now, hep C exactly 12 months ago: due today, not yet overdue",
            injector(Currently, Some("2025-11-23"), Some("2026-09-01")),
            &[],
        ),
        (
            "injecting now, both tested within the year: nothing",
            injector(Currently, Some("2025-11-24"), Some("2026-09-01")),
            &[],
        ),
        (
            "injected before, never tested: both tests due",
            injector(Previously, None, None),
            &[
                (
                    "Injected before, and no hep C test is recorded: offer one",
                    "hep_c test never",
                ),
                (
                    "Injected before, and no HIV test is recorded: offer one",
                    "hiv test never",
                ),
            ],
        ),
        (
            "injected before, tested years ago: no yearly re-test",
            injector(Previously, Some("2022-05-01"), Some("2022-05-01")),
            &[],
        ),
        (
            "never injected, never tested: nothing",
            injector(Never, None, None),
            &[],
        ),
        (
            "declined to say about injecting: nothing",
            injector(Declined, None, None),
            &[],
        ),
    ]);
}

#[test]
fn hep_b_vaccination_is_due_until_the_course_is_completed_or_the_client_is_immune() {
    use InjectingStatus::*;
    let tested = |status: InjectingStatus, hep_b: Option<HepBStatus>| AlertFacts {
        hep_b,
        ..injector(status, Some("2026-09-01"), Some("2026-09-01"))
    };
    check_bbv(&[
        (
            "injecting now, not recorded",
            tested(Currently, None),
            &[(
                "Injecting now, and hep B vaccination not recorded",
                "hep_b not recorded",
            )],
        ),
        (
            "injecting now, not started",
            tested(Currently, Some(HepBStatus::NotStarted)),
            &[(
                "Injecting now, and hep B vaccination not started",
                "hep_b not_started",
            )],
        ),
        (
            "injected before, course in progress",
            tested(Previously, Some(HepBStatus::InProgress)),
            &[(
                "Injected before, and hep B vaccination course not finished",
                "hep_b in_progress",
            )],
        ),
        (
            "injecting now, declined: offered again",
            tested(Currently, Some(HepBStatus::Declined)),
            &[(
                "Injecting now, and hep B vaccination declined: offer again",
                "hep_b declined",
            )],
        ),
        (
            "injecting now, course completed",
            tested(Currently, Some(HepBStatus::Completed)),
            &[],
        ),
        (
            "injecting now, immune",
            tested(Currently, Some(HepBStatus::Immune)),
            &[],
        ),
        (
            "never injected, not started",
            tested(Never, Some(HepBStatus::NotStarted)),
            &[],
        ),
    ]);
}

/// A BBV result taken on `on`.
fn result(
    test: crate::domain::BbvTest,
    on: &str,
    result: crate::domain::BbvResult,
) -> crate::domain::BbvEntry {
    crate::domain::BbvEntry {
        test,
        taken_on: d(on),
        result,
    }
}

#[test]
fn results_move_the_bbv_pathway_on() {
    use crate::domain::BbvResult::{Declined, Negative, NotKnown, Positive};
    use crate::domain::BbvTest::{HepBImmunity, HepCAntibody, HepCRna, Hiv};
    use InjectingStatus::{Currently, Never, Previously};
    let with = |status: InjectingStatus, results: Vec<crate::domain::BbvEntry>| AlertFacts {
        bbv_results: results,
        ..injector(status, Some("2026-09-01"), Some("2026-09-01"))
    };
    let referred = |on: &str, facts: AlertFacts| AlertFacts {
        hep_c_referred_on: Some(d(on)),
        ..facts
    };
    const REFER: (&str, &str) = (
        "Hep C RNA positive on 01/10/2026: refer for hep C treatment (record the referral in a session)",
        "hep_c_rna positive 2026-10-01",
    );
    const RNA_DUE: (&str, &str) = (
        "Hep C antibody positive on 01/09/2026, and no RNA (PCR) test since: arrange one to see whether the infection is current",
        "hep_c_antibody positive 2026-09-01",
    );
    check_bbv(&[
        (
            "RNA positive, never injected: referral prompted all the same",
            with(Never, vec![result(HepCRna, "2026-10-01", Positive)]),
            &[REFER],
        ),
        (
            "RNA positive, referred the day of the result: nothing",
            referred(
                "2026-10-01",
                with(Currently, vec![result(HepCRna, "2026-10-01", Positive)]),
            ),
            &[],
        ),
        (
            "RNA positive, the only referral before it: prompted",
            referred(
                "2026-09-30",
                with(Currently, vec![result(HepCRna, "2026-10-01", Positive)]),
            ),
            &[REFER],
        ),
        (
            "RNA positive, a later RNA sample awaiting its result: still prompted",
            with(
                Currently,
                vec![
                    result(HepCRna, "2026-10-01", Positive),
                    result(HepCRna, "2026-11-01", NotKnown),
                ],
            ),
            &[REFER],
        ),
        (
            "RNA positive, then negative (cleared or treated): nothing",
            with(
                Currently,
                vec![
                    result(HepCRna, "2026-10-01", Positive),
                    result(HepCRna, "2026-11-01", Negative),
                ],
            ),
            &[],
        ),
        (
            "antibody positive, no RNA since: RNA due",
            with(
                Previously,
                vec![result(HepCAntibody, "2026-09-01", Positive)],
            ),
            &[RNA_DUE],
        ),
        (
            "antibody positive, RNA declined since: RNA still due",
            with(
                Previously,
                vec![
                    result(HepCAntibody, "2026-09-01", Positive),
                    result(HepCRna, "2026-09-10", Declined),
                ],
            ),
            &[RNA_DUE],
        ),
        (
            "antibody positive, RNA taken the same day, result awaited: nothing",
            with(
                Currently,
                vec![
                    result(HepCAntibody, "2026-09-01", Positive),
                    result(HepCRna, "2026-09-01", NotKnown),
                ],
            ),
            &[],
        ),
        (
            "antibody positive long ago, RNA negative over a year ago, injecting now: re-test by RNA",
            AlertFacts {
                hep_c_tested_on: None,
                ..with(
                    Currently,
                    vec![
                        result(HepCAntibody, "2024-01-01", Positive),
                        result(HepCRna, "2025-02-01", Negative),
                    ],
                )
            },
            &[(
                "Injecting now, and the last hep C RNA (PCR) test was on 01/02/2025, over 12 months ago: offer a re-test",
                "hep_c test 2025-02-01",
            )],
        ),
        (
            "a result alone (no date on the client's details) counts as the test",
            AlertFacts {
                hep_c_tested_on: None,
                hiv_tested_on: None,
                ..with(
                    Currently,
                    vec![
                        result(HepCAntibody, "2026-06-01", Negative),
                        result(Hiv, "2026-06-01", NotKnown),
                    ],
                )
            },
            &[],
        ),
        (
            "HIV positive once: no re-test prompt however long ago",
            AlertFacts {
                hiv_tested_on: Some(d("2020-01-01")),
                ..with(Currently, vec![result(Hiv, "2020-01-01", Positive)])
            },
            &[],
        ),
        (
            "HIV declined after the last test: the prompt says so",
            AlertFacts {
                hiv_tested_on: Some(d("2025-01-01")),
                ..with(Currently, vec![result(Hiv, "2026-03-01", Declined)])
            },
            &[(
                "Injecting now, and the last HIV test was on 01/01/2025, over 12 months ago: offer a re-test (declined on 01/03/2026)",
                "hiv test 2025-01-01",
            )],
        ),
        (
            "hep B immunity shown by a test, status not started: nothing",
            AlertFacts {
                hep_b: Some(HepBStatus::NotStarted),
                ..with(
                    Currently,
                    vec![result(HepBImmunity, "2026-05-01", Positive)],
                )
            },
            &[],
        ),
        (
            "hep B course completed, later test not immune: booster due",
            with(
                Previously,
                vec![result(HepBImmunity, "2026-05-01", Negative)],
            ),
            &[(
                "Injected before: hep B course completed, but not immune on 01/05/2026: a booster or repeat course is due",
                "hep_b not immune 2026-05-01",
            )],
        ),
        (
            "hep B course completed, immunity test awaited: nothing",
            with(
                Previously,
                vec![result(HepBImmunity, "2026-05-01", NotKnown)],
            ),
            &[],
        ),
    ]);
}

#[test]
fn release_from_prison_is_flagged_for_fourteen_days() {
    let released = |on: &str| AlertFacts {
        prison_release_on: Some(d(on)),
        ..fine()
    };
    let cases = [
        Case {
            name: "released today: flagged",
            facts: released("2026-11-23"),
            expect: Some((
                "Released from prison on 23/11/2026 (0 days ago): overdose risk is highest now",
                "released 2026-11-23",
            )),
        },
        Case {
            name: "released yesterday: flagged, one day",
            facts: released("2026-11-22"),
            expect: Some((
                "Released from prison on 22/11/2026 (1 day ago): overdose risk is highest now",
                "released 2026-11-22",
            )),
        },
        Case {
            name: "released 14 days ago: flagged",
            facts: released("2026-11-09"),
            expect: Some((
                "Released from prison on 09/11/2026 (14 days ago): overdose risk is highest now",
                "released 2026-11-09",
            )),
        },
        Case {
            name: "released 15 days ago: not flagged",
            facts: released("2026-11-08"),
            expect: None,
        },
        Case {
            name: "a release date tomorrow: not flagged",
            facts: released("2026-11-24"),
            expect: None,
        },
        Case {
            name: "never in prison: not flagged",
            facts: fine(),
            expect: None,
        },
    ];
    check(PrisonRelease, &cases);
}

#[test]
fn an_acknowledged_alert_is_quiet_until_its_cause_changes() {
    let intervals = ReviewIntervals::default();
    let dnas = |newest: &str| AlertFacts {
        recent_attendance: vec![
            appt(newest, DidNotAttend),
            appt("2026-11-13 10:00", DidNotAttend),
            appt("2026-11-06 10:00", DidNotAttend),
        ],
        ..fine()
    };
    let acks = [ack(ThreeDnas, "dna 2026-11-20 10:00")];

    let same = assess(&dnas("2026-11-20 10:00"), &intervals, &acks);
    assert_eq!(same.open, []);
    assert_eq!(
        same.quiet,
        [Alert {
            kind: ThreeDnas,
            reason: "The last three appointments were missed, the latest on 20/11/2026".into(),
            cause: "dna 2026-11-20 10:00".into(),
        }]
    );
    assert!(!same.has(ThreeDnas));
    assert_eq!(same.letters(), "");

    let voided = [Acknowledged {
        in_error: true,
        ..ack(ThreeDnas, "dna 2026-11-20 10:00")
    }];
    let ack_in_error = assess(&dnas("2026-11-20 10:00"), &intervals, &voided);
    assert_eq!(
        ack_in_error.quiet,
        [],
        "an acknowledgement in error quietens nothing"
    );
    assert_eq!(ack_in_error.letters(), "D");

    let another_dna = assess(&dnas("2026-11-22 10:00"), &intervals, &acks);
    assert_eq!(another_dna.quiet, []);
    assert_eq!(
        another_dna.open,
        [Alert {
            kind: ThreeDnas,
            reason: "The last three appointments were missed, the latest on 22/11/2026".into(),
            cause: "dna 2026-11-22 10:00".into(),
        }]
    );
    assert_eq!(another_dna.letters(), "D");
}

#[test]
fn acknowledgements_match_on_both_kind_and_cause() {
    use ReviewKind::*;
    let intervals = ReviewIntervals::default();
    let owing = |due_on: &str| AlertFacts {
        owed: vec![owe(CarePlan, due_on), owe(Risk, "2026-11-13")],
        ..fine()
    };
    let kinds = |alerts: &[Alert]| -> Vec<(AlertKind, String)> {
        alerts.iter().map(|a| (a.kind, a.cause.clone())).collect()
    };
    let acks = [ack(ReviewOverdue(CarePlan), "due 2026-11-13")];

    // Same cause text, different kind: the risk review stays open.
    let got = assess(&owing("2026-11-13"), &intervals, &acks);
    assert_eq!(
        kinds(&got.quiet),
        [(ReviewOverdue(CarePlan), "due 2026-11-13".to_owned())]
    );
    assert_eq!(
        kinds(&got.open),
        [(ReviewOverdue(Risk), "due 2026-11-13".to_owned())]
    );

    // A different due date (a review was done and the next is overdue): open again.
    let got = assess(&owing("2026-11-16"), &intervals, &acks);
    assert_eq!(got.quiet, []);
    assert_eq!(
        kinds(&got.open),
        [
            (ReviewOverdue(CarePlan), "due 2026-11-16".to_owned()),
            (ReviewOverdue(Risk), "due 2026-11-13".to_owned()),
        ]
    );
}

#[test]
fn each_rules_acknowledgement_quietens_it_until_its_cause_changes() {
    let intervals = ReviewIntervals::default();
    // (kind, facts raising it, the acknowledged cause, the same alert with a changed cause)
    let rows: [(AlertKind, AlertFacts, &str, AlertFacts); 5] = [
        (
            Parked,
            AlertFacts {
                last_care_plan_review: Some(d("2026-08-01")),
                ..on_ost("2024-01-08")
            },
            "review 2026-08-01",
            AlertFacts {
                last_care_plan_review: Some(d("2026-08-15")),
                ..on_ost("2024-01-08")
            },
        ),
        (
            SixMonthSignal,
            AlertFacts {
                tops: vec![top("2026-05-18", Review, Some(6.0))],
                ..on_ost("2026-01-05")
            },
            "top 2026-05-18",
            AlertFacts {
                tops: vec![top("2026-11-16", Review, Some(6.0))],
                ..on_ost("2026-01-05")
            },
        ),
        (
            Naloxone,
            AlertFacts {
                overdose_risk: true,
                ..fine()
            },
            "held false supplied never",
            AlertFacts {
                overdose_risk: true,
                naloxone_held: true,
                naloxone_supplied_on: Some(d("2025-01-01")),
                ..fine()
            },
        ),
        (
            BbvTest,
            AlertFacts {
                injecting: InjectingStatus::Currently,
                naloxone_held: true,
                naloxone_supplied_on: Some(d("2026-10-01")),
                hiv_tested_on: Some(d("2026-10-01")),
                hep_b: Some(HepBStatus::Immune),
                ..fine()
            },
            "hep_c test never",
            AlertFacts {
                injecting: InjectingStatus::Currently,
                naloxone_held: true,
                naloxone_supplied_on: Some(d("2026-10-01")),
                hep_c_tested_on: Some(d("2025-02-01")),
                hiv_tested_on: Some(d("2026-10-01")),
                hep_b: Some(HepBStatus::Immune),
                ..fine()
            },
        ),
        (
            PrisonRelease,
            AlertFacts {
                prison_release_on: Some(d("2026-11-12")),
                ..fine()
            },
            "released 2026-11-12",
            AlertFacts {
                prison_release_on: Some(d("2026-11-20")),
                ..fine()
            },
        ),
    ];
    for (kind, facts, cause, changed) in rows {
        let acks = [ack(kind, cause)];
        let quiet = assess(&facts, &intervals, &acks);
        let quiet_kinds: Vec<AlertKind> = quiet.quiet.iter().map(|a| a.kind).collect();
        assert_eq!(quiet_kinds, [kind], "{kind:?}: acknowledged");
        assert_eq!(quiet.open, [], "{kind:?}: nothing open");
        let again = assess(&changed, &intervals, &acks);
        let open_kinds: Vec<AlertKind> = again.open.iter().map(|a| a.kind).collect();
        assert_eq!(open_kinds, [kind], "{kind:?}: open again");
        assert_ne!(again.open[0].cause, cause, "{kind:?}: a new cause");
        assert_eq!(again.quiet, [], "{kind:?}: nothing quiet");
    }
}

fn alert(kind: AlertKind) -> Alert {
    Alert {
        kind,
        reason: String::new(),
        cause: String::new(),
    }
}

#[test]
fn letters_follow_the_kinds_order_then_plus_for_recovery() {
    let every_flag = Assessment {
        open: [
            PrisonRelease,
            BbvTest,
            Naloxone,
            ThreeDnas,
            SixMonthSignal,
            Parked,
            ReviewOverdue(ReviewKind::CarePlan),
        ]
        .into_iter()
        .map(alert)
        .collect(),
        quiet: Vec::new(),
        recovery: Some("in recovery".into()),
    };
    let cases: [(&str, Assessment, &str); 7] = [
        ("nothing", Assessment::default(), ""),
        (
            "every flag and recovery, in ALL order",
            every_flag,
            "Z6DNBP+",
        ),
        (
            "recovery alone",
            Assessment {
                recovery: Some("in recovery".into()),
                ..Assessment::default()
            },
            "+",
        ),
        (
            "overdue reviews have no letter",
            Assessment {
                open: ReviewKind::ALL
                    .iter()
                    .map(|k| alert(ReviewOverdue(*k)))
                    .collect(),
                ..Assessment::default()
            },
            "",
        ),
        (
            "quiet alerts have no letter",
            Assessment {
                quiet: vec![alert(Naloxone), alert(ThreeDnas)],
                ..Assessment::default()
            },
            "",
        ),
        (
            "a kind raised twice shows once",
            Assessment {
                open: vec![alert(Naloxone), alert(Naloxone)],
                ..Assessment::default()
            },
            "N",
        ),
        (
            "some flags with recovery",
            Assessment {
                open: vec![alert(PrisonRelease), alert(Parked)],
                quiet: vec![alert(BbvTest)],
                recovery: Some("in recovery".into()),
            },
            "ZP+",
        ),
    ];
    for (name, assessment, letters) in cases {
        assert_eq!(assessment.letters(), letters, "{name}");
    }
}

#[test]
fn letters_of_an_assessed_client_show_each_open_flag() {
    let facts = AlertFacts {
        uses_opioids: true,
        prison_release_on: Some(d("2026-11-20")),
        recent_attendance: vec![
            appt("2026-11-21 10:00", DidNotAttend),
            appt("2026-11-14 10:00", DidNotAttend),
            appt("2026-11-07 10:00", DidNotAttend),
        ],
        ..on_ost("2026-11-20")
    };
    let got = assess(&facts, &ReviewIntervals::default(), &[]);
    assert_eq!(got.letters(), "DNP");
    let acked = assess(
        &facts,
        &ReviewIntervals::default(),
        &[ack(ThreeDnas, "dna 2026-11-21 10:00")],
    );
    assert_eq!(acked.letters(), "NP");
}

#[test]
fn every_alert_kind_code_reads_back_as_the_same_kind() {
    let codes: Vec<&str> = AlertKind::ALL.iter().map(|k| k.code()).collect();
    assert_eq!(
        codes,
        [
            "overdue_care_plan",
            "overdue_prescribing",
            "overdue_outcomes",
            "overdue_risk",
            "parked",
            "six_month_signal",
            "three_dnas",
            "naloxone",
            "bbv_test",
            "prison_release",
            "missed_doses",
            "readiness_check",
            "exit_plan",
        ]
    );
    for kind in AlertKind::ALL {
        assert_eq!(AlertKind::from_code(kind.code()), Some(kind), "{kind:?}");
        assert_eq!(
            serde_json::to_string(&kind).unwrap(),
            format!("\"{}\"", kind.code()),
            "{kind:?} serialises as its code"
        );
        assert_eq!(String::from(kind), kind.code());
    }
    assert_eq!(AlertKind::from_code("overdue"), None);
    assert_eq!(AlertKind::from_code("Parked"), None);
    assert_eq!(AlertKind::from_code(""), None);
}

#[test]
fn all_lists_every_review_kind_and_every_letter_once() {
    for kind in ReviewKind::ALL {
        assert!(AlertKind::ALL.contains(&ReviewOverdue(*kind)), "{kind:?}");
    }
    let letters: String = AlertKind::ALL.iter().filter_map(|k| k.letter()).collect();
    assert_eq!(letters, "Z6DNBPMRX");
    assert_eq!(Parked.to_string(), "At risk of being parked");
    assert_eq!(
        ReviewOverdue(ReviewKind::Outcomes).to_string(),
        "TOP overdue"
    );
}

/// On OST since 2025, prescription started then, with these days missed and this review.
fn missed(days: &[&str], review: Option<&str>, start: &str) -> AlertFacts {
    AlertFacts {
        missed_doses: days.iter().map(|t| d(t)).collect(),
        last_prescribing_review: review.map(d),
        latest_prescription_start: Some(d(start)),
        ..on_ost("2025-01-01")
    }
}

const THREE: &[&str] = &["2026-11-19", "2026-11-20", "2026-11-21"];

#[test]
fn three_missed_doses_in_a_row_alert_until_a_review_or_new_prescription() {
    let raised = Some((
        "Reassess before the next dose (3 in a row, 19/11/2026 to 21/11/2026)",
        "missed from 2026-11-19",
    ));
    let cases = [
        Case {
            name: "none missed",
            facts: missed(&[], None, "2025-01-01"),
            expect: None,
        },
        Case {
            name: "two in a row",
            facts: missed(&THREE[1..], None, "2025-01-01"),
            expect: None,
        },
        Case {
            name: "three with a gap",
            facts: missed(
                &["2026-11-18", "2026-11-20", "2026-11-21"],
                None,
                "2025-01-01",
            ),
            expect: None,
        },
        Case {
            name: "three in a row",
            facts: missed(THREE, None, "2025-01-01"),
            expect: raised,
        },
        Case {
            name: "four in a row: the same cause, the run's first day",
            facts: missed(
                &["2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"],
                None,
                "2025-01-01",
            ),
            expect: Some((
                "Reassess before the next dose (4 in a row, 19/11/2026 to 22/11/2026)",
                "missed from 2026-11-19",
            )),
        },
        Case {
            name: "prescribing review the day before the third: still raised",
            facts: missed(THREE, Some("2026-11-20"), "2025-01-01"),
            expect: raised,
        },
        Case {
            name: "prescribing review on the third day: answered",
            facts: missed(THREE, Some("2026-11-21"), "2025-01-01"),
            expect: None,
        },
        Case {
            name: "new prescription starting on the third day: still raised",
            facts: missed(THREE, None, "2026-11-21"),
            expect: raised,
        },
        Case {
            name: "new prescription starting the day after the third: answered",
            facts: missed(THREE, None, "2026-11-22"),
            expect: None,
        },
    ];
    check(MissedDoses, &cases);
}

#[test]
fn readiness_check_is_due_after_12_weeks_on_ost_without_a_note() {
    let cases = [
        Case {
            name: "not on OST, no note ever: nothing",
            facts: AlertFacts {
                last_readiness_note: None,
                ..fine()
            },
            expect: None,
        },
        Case {
            name: "on OST exactly 12 weeks, no note: due",
            facts: AlertFacts {
                last_readiness_note: None,
                ..on_ost("2026-08-31")
            },
            expect: Some((
                "On OST since 31/08/2026 and no readiness note since: check readiness",
                "readiness 2026-08-31",
            )),
        },
        Case {
            name: "on OST a day short of 12 weeks, no note: not yet",
            facts: AlertFacts {
                last_readiness_note: None,
                ..on_ost("2026-09-01")
            },
            expect: None,
        },
        Case {
            name: "last note exactly 12 weeks ago: due",
            facts: AlertFacts {
                last_readiness_note: Some(d("2026-08-31")),
                ..on_ost("2025-01-01")
            },
            expect: Some((
                "No readiness note since 31/08/2026, over 12 weeks: check readiness again",
                "readiness 2026-08-31",
            )),
        },
        Case {
            name: "last note a day short of 12 weeks ago: not yet",
            facts: AlertFacts {
                last_readiness_note: Some(d("2026-09-01")),
                ..on_ost("2025-01-01")
            },
            expect: None,
        },
        Case {
            name: "a note from before this OST began counts from the start of OST",
            facts: AlertFacts {
                last_readiness_note: Some(d("2024-12-01")),
                ..on_ost("2025-01-01")
            },
            expect: Some((
                "On OST since 01/01/2025 and no readiness note since: check readiness",
                "readiness 2025-01-01",
            )),
        },
    ];
    check(ReadinessCheck, &cases);
}

#[test]
fn exit_plan_not_yet_discussed_after_12_weeks_in_any_treatment() {
    let no_exit = |start: Option<&str>| AlertFacts {
        treatment_start: start.map(d),
        has_exit_goal: false,
        ..fine()
    };
    let cases = [
        Case {
            name: "no treatment start recorded: nothing",
            facts: no_exit(None),
            expect: None,
        },
        Case {
            name: "in treatment (not OST) exactly 12 weeks, no exit goal: raised",
            facts: no_exit(Some("2026-08-31")),
            expect: Some((
                "In treatment since 31/08/2026 (12 weeks) and no exit-plan goal: discuss what leaving treatment would look like",
                "no exit goal, start 2026-08-31",
            )),
        },
        Case {
            name: "a day short of 12 weeks: not yet",
            facts: no_exit(Some("2026-09-01")),
            expect: None,
        },
        Case {
            name: "12 weeks with an exit goal: nothing",
            facts: AlertFacts {
                has_exit_goal: true,
                ..no_exit(Some("2026-08-31"))
            },
            expect: None,
        },
        Case {
            name: "on OST under two years, no exit goal: this alert, not parked",
            facts: AlertFacts {
                ost_since: Some(d("2025-06-01")),
                ..no_exit(Some("2025-06-01"))
            },
            expect: Some((
                "In treatment since 01/06/2025 (77 weeks) and no exit-plan goal: discuss what leaving treatment would look like",
                "no exit goal, start 2025-06-01",
            )),
        },
        Case {
            name: "medication-assisted recovery, no exit goal: never raised",
            facts: AlertFacts {
                ost_since: Some(d("2020-01-01")),
                tops: vec![
                    top("2026-09-01", Review, Some(0.0)),
                    top("2026-03-01", Review, Some(0.0)),
                ],
                ..no_exit(Some("2020-01-01"))
            },
            expect: None,
        },
    ];
    check(ExitPlan, &cases);
}

#[test]
fn exit_plan_and_parked_are_told_apart_after_two_years_on_ost() {
    let facts = AlertFacts {
        treatment_start: Some(d("2024-01-01")),
        has_exit_goal: false,
        ..on_ost("2024-01-01")
    };
    let got = assess(&facts, &ReviewIntervals::default(), &[]);
    let kinds: Vec<AlertKind> = got.open.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [Parked, ExitPlan]);
    assert_ne!(got.open[0].cause, got.open[1].cause);
}
