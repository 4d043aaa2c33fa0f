//! `keywork check --clinical`: the rules a clinical reviewer reads the record against (issue
//! 20), each an error or a warning, and the prescription rules that need no SQL. Pure: the store
//! gathers the rows ([`crate::store`]), the command line prints the findings.
//!
//! An error is something a worker or prescriber could act on wrongly today (two doses in force,
//! a dose the checks refuse, a date that silences a due review); a warning is a gap in the
//! record a reviewer should close but that misleads no one about the dose or what is due.

use super::dose_check::{
    DoseLimits, EarlierDose, Finding as DoseFinding, TakeHomeFacts, check_dose, check_ecg,
};
use super::prescription::{OstPrescription, early_take_home};
use chrono::NaiveDate;
use serde::Serialize;

/// How long an active goal may run past its target date before the check names it. No
/// guideline gives a number: four weeks is the TOP's recall period and the first prescribing
/// review's interval, and is well inside the 12-week care-plan review, so a stale goal is seen
/// before the next review rather than after it.
pub const GOAL_OVERDUE_WEEKS: i64 = 4;

/// Whether a finding fails the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One rule of the clinical check, in the order the counts are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Error: two prescriptions in force on one day show two doses, and nobody reading the
    /// record can tell which one the pharmacy dispenses.
    OverlappingPrescriptions,
    /// Error: the record says OST but no prescription is in force, so the screens show no dose
    /// and the prescribing review rule runs on a treatment nobody is prescribing (or a stopped
    /// prescription, with its loss of tolerance, went unrecorded).
    OstWithoutPrescription,
    /// Error: a dose the safe-prescribing checks refuse outright (above the ceiling, a depot
    /// strength that does not exist, dated too far ahead of when it was recorded); a reason
    /// does not make it right.
    DoseRefused,
    /// Warning: a dose the checks question (above the induction range, a steep increase) with
    /// no reason recorded. The prescriber may decide so; the record must say why.
    DoseWithoutReason,
    /// Warning: take-home doses within the first three months of OST with no reason (NICE
    /// TA114 allows them when compliance is assured; the reason is the record of that).
    EarlyTakeHomeWithoutReason,
    /// Error: a completed review dated in the future counts as the last review, so the review
    /// it stands for is never shown as due.
    FutureReview,
    /// Error: a TOP dated in the future is the outcomes review that silences the next one.
    FutureTop,
    /// Warning: an active goal more than [`GOAL_OVERDUE_WEEKS`] past its target: the plan no
    /// longer says what the client is working towards.
    GoalPastTarget,
    /// Warning: an achieved goal still has open actions, which stay on someone's list.
    AchievedGoalOpenActions,
    /// Warning: a client discharged after treatment started with no exit TOP (NDTMS asks for
    /// one at discharge); the outcome is lost, not a dose.
    DischargedWithoutExitTop,
}

impl Rule {
    pub const ALL: &'static [Rule] = &[
        Rule::OverlappingPrescriptions,
        Rule::OstWithoutPrescription,
        Rule::DoseRefused,
        Rule::DoseWithoutReason,
        Rule::EarlyTakeHomeWithoutReason,
        Rule::FutureReview,
        Rule::FutureTop,
        Rule::GoalPastTarget,
        Rule::AchievedGoalOpenActions,
        Rule::DischargedWithoutExitTop,
    ];

    /// The name printed on each finding's line.
    pub fn name(self) -> &'static str {
        match self {
            Rule::OverlappingPrescriptions => "overlapping-prescriptions",
            Rule::OstWithoutPrescription => "ost-without-prescription",
            Rule::DoseRefused => "dose-refused",
            Rule::DoseWithoutReason => "dose-without-reason",
            Rule::EarlyTakeHomeWithoutReason => "early-take-home-without-reason",
            Rule::FutureReview => "future-review",
            Rule::FutureTop => "future-top",
            Rule::GoalPastTarget => "goal-past-target",
            Rule::AchievedGoalOpenActions => "achieved-goal-open-actions",
            Rule::DischargedWithoutExitTop => "discharged-without-exit-top",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Rule::OverlappingPrescriptions
            | Rule::OstWithoutPrescription
            | Rule::DoseRefused
            | Rule::FutureReview
            | Rule::FutureTop => Severity::Error,
            Rule::DoseWithoutReason
            | Rule::EarlyTakeHomeWithoutReason
            | Rule::GoalPastTarget
            | Rule::AchievedGoalOpenActions
            | Rule::DischargedWithoutExitTop => Severity::Warning,
        }
    }
}

/// One finding: the client's reference (never a name), the rule, and dates or ids saying where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub reference: String,
    pub rule: Rule,
    pub detail: String,
}

/// A stored prescription as the rules read it: its id, what it says, and the day it was
/// recorded (the day the dose checks would have run on it).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRx {
    pub id: i64,
    pub rx: OstPrescription,
    pub recorded_on: NaiveDate,
}

/// The prescription rules for one client: overlaps, the dose checks and early take-home doses.
/// `ost_since` is the client's unbroken OST start as the record keeps it, which may predate the
/// first prescription recorded here (a transfer in); it applies to the latest course only.
/// `ecgs` are the days of the client's ECGs not in error, for the ECG check (each prescription
/// is judged against the latest ECG on or before its start, as when it was recorded).
pub fn prescription_findings(
    prescriptions: &[StoredRx],
    ost_since: Option<NaiveDate>,
    ecgs: &[NaiveDate],
    limits: &DoseLimits,
) -> Vec<(Rule, String)> {
    let mut by_start: Vec<&StoredRx> = prescriptions.iter().collect();
    by_start.sort_by_key(|p| (p.rx.rx.started_on, p.id));
    let mut found = overlaps(&by_start);
    let courses = course_starts(&by_start, ost_since);
    for (i, p) in by_start.iter().enumerate() {
        // As the store's checks read it: the prescriptions started before this one, newest first.
        let earlier: Vec<EarlierDose> = by_start[..i]
            .iter()
            .rev()
            .filter(|e| e.rx.rx.started_on < p.rx.rx.started_on)
            .map(|e| EarlierDose::from(&e.rx.rx))
            .collect();
        let mut checks = check_dose(&p.rx, &earlier, p.recorded_on, limits);
        let ecg = TakeHomeFacts {
            latest_ecg: ecgs
                .iter()
                .filter(|on| **on <= p.rx.rx.started_on)
                .max()
                .copied(),
            ..TakeHomeFacts::default()
        };
        checks.extend(check_ecg(&p.rx, &ecg, limits));
        let refused: Vec<&str> = checks
            .iter()
            .filter(|f| f.is_refusal())
            .map(DoseFinding::text)
            .collect();
        if !refused.is_empty() {
            found.push((
                Rule::DoseRefused,
                format!("prescription {}: {}", p.id, refused.join("; ")),
            ));
        } else if p.rx.terms.dose_reason.is_none() && !checks.is_empty() {
            let texts: Vec<&str> = checks.iter().map(DoseFinding::text).collect();
            found.push((
                Rule::DoseWithoutReason,
                format!("prescription {}: {}", p.id, texts.join("; ")),
            ));
        }
        if p.rx.terms.take_home_reason.is_none()
            && early_take_home(courses[i], p.rx.rx.started_on, p.rx.rx.supervision)
        {
            found.push((
                Rule::EarlyTakeHomeWithoutReason,
                format!(
                    "prescription {} from {}: take-home doses within 3 months of OST starting on {}",
                    p.id, p.rx.rx.started_on, courses[i]
                ),
            ));
        }
    }
    found
}

/// Pairs of prescriptions in force on a common day, `by_start` sorted by start.
fn overlaps(by_start: &[&StoredRx]) -> Vec<(Rule, String)> {
    let mut found = Vec::new();
    for (i, a) in by_start.iter().enumerate() {
        for b in &by_start[i + 1..] {
            let a_end = a.rx.rx.ended_on.unwrap_or(NaiveDate::MAX);
            if b.rx.rx.started_on <= a_end {
                let until = a_end.min(b.rx.rx.ended_on.unwrap_or(NaiveDate::MAX));
                let span = if until == NaiveDate::MAX {
                    format!("from {}", b.rx.rx.started_on)
                } else {
                    format!("from {} to {until}", b.rx.rx.started_on)
                };
                found.push((
                    Rule::OverlappingPrescriptions,
                    format!("prescriptions {} and {} both in force {span}", a.id, b.id),
                ));
            }
        }
    }
    found
}

/// The day each prescription's unbroken course of OST began, `by_start` sorted by start: a
/// course runs on while each prescription starts by the day after the previous one ends.
fn course_starts(by_start: &[&StoredRx], ost_since: Option<NaiveDate>) -> Vec<NaiveDate> {
    let mut starts = Vec::with_capacity(by_start.len());
    let mut course: Option<(NaiveDate, NaiveDate)> = None; // (began, in force until)
    for p in by_start {
        let (from, until) = (
            p.rx.rx.started_on,
            p.rx.rx.ended_on.unwrap_or(NaiveDate::MAX),
        );
        course = match course {
            Some((began, end)) if from <= end.succ_opt().unwrap_or(NaiveDate::MAX) => {
                Some((began, end.max(until)))
            }
            _ => Some((from, until)),
        };
        starts.push(course.map_or(from, |(began, _)| began));
    }
    // The latest course is the one the client's OST start describes.
    if let (Some(since), Some((began, _))) = (ost_since, course) {
        for start in starts.iter_mut().filter(|s| **s == began) {
            *start = since.min(began);
        }
    }
    starts
}

/// How many findings each rule has, every rule listed.
pub fn counts(findings: &[Finding]) -> Vec<(Rule, usize)> {
    Rule::ALL
        .iter()
        .map(|rule| (*rule, findings.iter().filter(|f| f.rule == *rule).count()))
        .collect()
}
