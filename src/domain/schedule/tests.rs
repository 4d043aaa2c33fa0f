//! Table-driven tests of the review rules: each row is a client's facts and the review it owes.

use super::*;
use ClientStatus::*;
use Modality::*;
use ReviewKind::*;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect(text)
}

fn facts(start: &str) -> ScheduleFacts {
    ScheduleFacts {
        status: Active,
        status_since: None,
        treatment_start: Some(d(start)),
        modality: Psychosocial,
        modality_since: None,
        risk_changed_on: None,
        prison_release_on: None,
        last: LastReviews::default(),
    }
}

fn due(facts: &ScheduleFacts, kind: ReviewKind, intervals: &ReviewIntervals) -> Option<Due> {
    reviews_owed(facts, intervals)
        .into_iter()
        .find(|d| d.kind == kind)
}

/// One row: what is true of the client, which review, and the due date expected (None: not owed).
struct Case {
    name: &'static str,
    facts: ScheduleFacts,
    kind: ReviewKind,
    expect: Option<&'static str>,
}

fn check(cases: &[Case], intervals: &ReviewIntervals) {
    for case in cases {
        let got = due(&case.facts, case.kind, intervals).map(|d| d.due_on);
        assert_eq!(got, case.expect.map(d), "{}", case.name);
    }
}

#[test]
fn review_due_dates_follow_the_rules() {
    let ost = |start: &str| ScheduleFacts {
        modality: OstMethadone,
        modality_since: Some(d(start)),
        ..facts(start)
    };
    let with_last = |mut f: ScheduleFacts, kind: ReviewKind, on: &str| {
        match kind {
            CarePlan => f.last.care_plan = Some(d(on)),
            Prescribing => f.last.prescribing = Some(d(on)),
            Risk => f.last.risk = Some(d(on)),
            Outcomes => f.last.top = Some(d(on)),
        }
        f
    };
    let cases = [
        Case {
            name: "care plan 12 weeks after start when never reviewed",
            facts: facts("2026-09-01"),
            kind: CarePlan,
            expect: Some("2026-11-24"),
        },
        Case {
            name: "care plan 12 weeks after the last review",
            facts: with_last(facts("2025-01-06"), CarePlan, "2026-10-05"),
            kind: CarePlan,
            expect: Some("2026-12-28"),
        },
        Case {
            name: "a review completed early moves the next one earlier",
            facts: with_last(facts("2026-01-05"), CarePlan, "2026-03-02"),
            kind: CarePlan,
            expect: Some("2026-05-25"),
        },
        Case {
            name: "a review completed late moves the next one later",
            facts: with_last(facts("2026-01-05"), CarePlan, "2026-05-11"),
            kind: CarePlan,
            expect: Some("2026-08-03"),
        },
        Case {
            name: "a review from an earlier treatment episode does not count",
            facts: with_last(facts("2026-09-01"), CarePlan, "2024-03-01"),
            kind: CarePlan,
            expect: Some("2026-11-24"),
        },
        Case {
            name: "no prescribing review for a client not on OST",
            facts: facts("2026-09-01"),
            kind: Prescribing,
            expect: None,
        },
        Case {
            name: "first prescribing review within 4 weeks of starting OST",
            facts: ost("2026-10-26"),
            kind: Prescribing,
            expect: Some("2026-11-23"),
        },
        Case {
            name: "prescribing review 12 weeks after the last",
            facts: with_last(ost("2025-06-02"), Prescribing, "2026-09-07"),
            kind: Prescribing,
            expect: Some("2026-11-30"),
        },
        Case {
            name: "switching OST medicine calls for a first review of the new one",
            facts: ScheduleFacts {
                modality: OstBuprenorphine,
                modality_since: Some(d("2026-11-02")),
                ..with_last(ost("2024-06-03"), Prescribing, "2026-10-12")
            },
            kind: Prescribing,
            expect: Some("2026-11-30"),
        },
        Case {
            name: "moving from psychosocial work onto OST mid-treatment starts the OST clock",
            facts: ScheduleFacts {
                modality_since: Some(d("2026-11-16")),
                ..ost("2026-02-02")
            },
            kind: Prescribing,
            expect: Some("2026-12-14"),
        },
        Case {
            name: "moving off OST ends prescribing reviews",
            facts: ScheduleFacts {
                modality: Detox,
                modality_since: Some(d("2026-11-01")),
                ..ost("2024-01-01")
            },
            kind: Prescribing,
            expect: None,
        },
        Case {
            name: "start TOP is owed at treatment start",
            facts: facts("2026-11-16"),
            kind: Outcomes,
            expect: Some("2026-11-16"),
        },
        Case {
            name: "TOP 26 weeks after the last",
            facts: with_last(facts("2026-01-05"), Outcomes, "2026-07-06"),
            kind: Outcomes,
            expect: Some("2027-01-04"),
        },
        Case {
            name: "risk review 12 weeks after start",
            facts: facts("2026-09-01"),
            kind: Risk,
            expect: Some("2026-11-24"),
        },
        Case {
            name: "a risk flag changing brings the risk review within a week",
            facts: ScheduleFacts {
                risk_changed_on: Some(d("2026-11-20")),
                ..with_last(facts("2025-01-06"), Risk, "2026-10-05")
            },
            kind: Risk,
            expect: Some("2026-11-27"),
        },
        Case {
            name: "a flag change already reviewed does not bring it forward",
            facts: ScheduleFacts {
                risk_changed_on: Some(d("2026-10-01")),
                ..with_last(facts("2025-01-06"), Risk, "2026-10-05")
            },
            kind: Risk,
            expect: Some("2026-12-28"),
        },
        Case {
            name: "release from prison brings the risk review within a week",
            facts: ScheduleFacts {
                prison_release_on: Some(d("2026-11-18")),
                ..with_last(facts("2025-01-06"), Risk, "2026-10-05")
            },
            kind: Risk,
            expect: Some("2026-11-25"),
        },
        Case {
            name: "a discharged client owes only the exit TOP, from the discharge date",
            facts: ScheduleFacts {
                status: Discharged,
                status_since: Some(d("2026-11-10")),
                ..ost("2025-01-06")
            },
            kind: Outcomes,
            expect: Some("2026-11-10"),
        },
        Case {
            name: "a discharged client owes no care-plan review",
            facts: ScheduleFacts {
                status: Discharged,
                status_since: Some(d("2026-11-10")),
                ..facts("2025-01-06")
            },
            kind: CarePlan,
            expect: None,
        },
        Case {
            name: "an exit TOP recorded ends what a discharged client owes",
            facts: ScheduleFacts {
                status: Transferred,
                status_since: Some(d("2026-11-10")),
                last: LastReviews {
                    exit_top: Some(d("2026-11-09")),
                    ..LastReviews::default()
                },
                ..facts("2025-01-06")
            },
            kind: Outcomes,
            expect: None,
        },
        Case {
            name: "a client who left before their leaving date was recorded owes no exit TOP",
            facts: ScheduleFacts {
                status: Discharged,
                status_since: None,
                ..facts("2025-01-06")
            },
            kind: Outcomes,
            expect: None,
        },
        Case {
            name: "release from prison the day before treatment starts brings the risk review forward",
            facts: ScheduleFacts {
                prison_release_on: Some(d("2026-11-15")),
                ..facts("2026-11-16")
            },
            kind: Risk,
            expect: Some("2026-11-22"),
        },
        Case {
            name: "a client on hold owes nothing while on hold",
            facts: ScheduleFacts {
                status: OnHold,
                ..facts("2025-01-06")
            },
            kind: CarePlan,
            expect: None,
        },
        Case {
            name: "a client not yet started owes nothing",
            facts: ScheduleFacts {
                treatment_start: None,
                ..facts("2025-01-06")
            },
            kind: Outcomes,
            expect: None,
        },
    ];
    check(&cases, &ReviewIntervals::default());
}

#[test]
fn month_intervals_end_at_month_ends_and_leap_days() {
    let monthly = ReviewIntervals {
        care_plan: Interval::Months(1),
        outcomes: Interval::Months(6),
        risk: Interval::Months(12),
        ..ReviewIntervals::default()
    };
    let cases = [
        Case {
            name: "a month after 31 January in a leap year is 29 February",
            facts: facts("2028-01-31"),
            kind: CarePlan,
            expect: Some("2028-02-29"),
        },
        Case {
            name: "a month after 31 January in a common year is 28 February",
            facts: facts("2027-01-31"),
            kind: CarePlan,
            expect: Some("2027-02-28"),
        },
        Case {
            name: "six months after 31 August is the end of February",
            facts: ScheduleFacts {
                last: LastReviews {
                    top: Some(d("2027-08-31")),
                    ..LastReviews::default()
                },
                ..facts("2027-01-04")
            },
            kind: Outcomes,
            expect: Some("2028-02-29"),
        },
        Case {
            name: "a year after a leap day is 28 February",
            facts: facts("2028-02-29"),
            kind: Risk,
            expect: Some("2029-02-28"),
        },
    ];
    check(&cases, &monthly);
    // Weeks count days, so a 12-week interval over February 2028 keeps its weekday.
    let weekly = ReviewIntervals::default();
    let got = due(&facts("2028-02-14"), CarePlan, &weekly).unwrap().due_on;
    assert_eq!(got, d("2028-05-08"));
}

#[test]
fn configured_intervals_override_the_defaults() {
    let local = ReviewIntervals {
        care_plan: Interval::Weeks(8),
        prescribing_first: Interval::Days(14),
        ..ReviewIntervals::default()
    };
    let ost = ScheduleFacts {
        modality: OstBuprenorphine,
        modality_since: Some(d("2026-11-02")),
        ..facts("2026-11-02")
    };
    assert_eq!(due(&ost, CarePlan, &local).unwrap().due_on, d("2026-12-28"));
    assert_eq!(
        due(&ost, Prescribing, &local).unwrap().due_on,
        d("2026-11-16")
    );
    let defaults = ReviewIntervals::default();
    assert_eq!(
        due(&ost, CarePlan, &defaults).unwrap().due_on,
        d("2027-01-25")
    );
    assert_eq!(
        due(&ost, Prescribing, &defaults).unwrap().due_on,
        d("2026-11-30")
    );
}

#[test]
fn each_due_review_says_why_in_words() {
    let intervals = ReviewIntervals::default();
    let f = ScheduleFacts {
        modality: OstMethadone,
        modality_since: Some(d("2026-11-02")),
        prison_release_on: Some(d("2026-11-18")),
        ..facts("2026-11-02")
    };
    let words: Vec<String> = reviews_owed(&f, &intervals)
        .iter()
        .map(|due| due.basis.words(due.kind, &intervals))
        .collect();
    assert_eq!(
        words,
        [
            "12 weeks after treatment started on 02/11/2026",
            "first within 4 weeks of starting OST methadone on 02/11/2026",
            "start TOP, treatment started on 02/11/2026",
            "within 1 week of release from prison on 18/11/2026",
        ]
    );
}

#[test]
fn intervals_are_read_in_days_weeks_or_months() {
    assert_eq!(Interval::parse("12w"), Ok(Interval::Weeks(12)));
    assert_eq!(Interval::parse(" 6 months "), Ok(Interval::Months(6)));
    assert_eq!(Interval::parse("28d"), Ok(Interval::Days(28)));
    assert_eq!(Interval::parse("1 week").unwrap().to_string(), "1 week");
    assert!(Interval::parse("0w").is_err());
    assert!(Interval::parse("12").is_err());
    assert!(Interval::parse("fortnight").is_err());
    assert_eq!(
        Interval::parse("40m").unwrap_err(),
        "40 months is out of range; use 1 day to 3 years"
    );
}

#[test]
fn a_well_formed_interval_too_long_to_count_says_the_range() {
    for text in ["99999w", "70000d", "99999999999999999999m"] {
        assert_eq!(
            Interval::parse(text).unwrap_err(),
            format!("'{text}' is out of range; use 1 day to 3 years"),
        );
    }
    assert!(
        Interval::parse("12x")
            .unwrap_err()
            .contains("is not an interval"),
        "a typing slip is still one"
    );
}
