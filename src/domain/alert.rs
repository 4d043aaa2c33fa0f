//! Alerts: what a key worker must act on, each with its reason in words, and the one positive
//! status, medication-assisted recovery. Pure: the store gathers [`AlertFacts`], this decides.
//!
//! Each alert carries a *cause*: the facts that raised it, as a short stable text (the overdue
//! review's due date, the date of the latest missed appointment). An acknowledgement names the
//! cause it answered, so the alert stays quiet until the cause changes and then speaks again.

use super::schedule::{Due, Interval, ReviewIntervals};
// The defaults of the settings the rules below read; they live beside `ReviewIntervals`.
pub use super::schedule::{BBV_RETEST_AFTER, EXIT_PLAN_AFTER, READINESS_CHECK_AFTER};
use super::{Attendance, HepBStatus, InjectingStatus, ReviewKind, ShortText, TopStage};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// On OST this long, a client whose plan has stalled may be parked.
pub const PARKED_AFTER: Interval = Interval::Months(24);
/// No goal progress recorded for this long counts as a stalled plan.
pub const NO_PROGRESS_FOR: Interval = Interval::Months(6);
/// The ACMD's six months: heroin use still going on after this long on OST is a signal.
pub const SIX_MONTH_SIGNAL_AFTER: Interval = Interval::Months(6);
/// Stable on OST this long is medication-assisted recovery (ACMD 2015).
pub const RECOVERY_AFTER: Interval = Interval::Months(60);
/// Naloxone supplied longer ago than this should be re-offered (kits expire).
pub const NALOXONE_STALE_AFTER: Interval = Interval::Months(12);
/// The risk of drug-related death is highest in the first two weeks after release from prison.
pub const PRISON_RELEASE_DAYS: i64 = 14;

/// The positive status's name, beside the reason in [`Assessment::recovery`].
pub const RECOVERY_LABEL: &str = "Medication-assisted recovery";

/// What an alert is about. Stored by [`AlertKind::code`] in acknowledgements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "String")]
pub enum AlertKind {
    ReviewOverdue(ReviewKind),
    Parked,
    SixMonthSignal,
    ThreeDnas,
    Naloxone,
    BbvTest,
    PrisonRelease,
    MissedDoses,
    ReadinessCheck,
    ExitPlan,
}

impl AlertKind {
    pub const ALL: [AlertKind; 13] = [
        Self::ReviewOverdue(ReviewKind::CarePlan),
        Self::ReviewOverdue(ReviewKind::Prescribing),
        Self::ReviewOverdue(ReviewKind::Outcomes),
        Self::ReviewOverdue(ReviewKind::Risk),
        Self::Parked,
        Self::SixMonthSignal,
        Self::ThreeDnas,
        Self::Naloxone,
        Self::BbvTest,
        Self::PrisonRelease,
        Self::MissedDoses,
        Self::ReadinessCheck,
        Self::ExitPlan,
    ];

    /// The stable code stored with an acknowledgement and shown in reports.
    pub fn code(self) -> &'static str {
        match self {
            Self::ReviewOverdue(ReviewKind::CarePlan) => "overdue_care_plan",
            Self::ReviewOverdue(ReviewKind::Prescribing) => "overdue_prescribing",
            Self::ReviewOverdue(ReviewKind::Outcomes) => "overdue_outcomes",
            Self::ReviewOverdue(ReviewKind::Risk) => "overdue_risk",
            Self::Parked => "parked",
            Self::SixMonthSignal => "six_month_signal",
            Self::ThreeDnas => "three_dnas",
            Self::Naloxone => "naloxone",
            Self::BbvTest => "bbv_test",
            Self::PrisonRelease => "prison_release",
            Self::MissedDoses => "missed_doses",
            Self::ReadinessCheck => "readiness_check",
            Self::ExitPlan => "exit_plan",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A heading a worker reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::ReviewOverdue(ReviewKind::CarePlan) => "Care-plan review overdue",
            Self::ReviewOverdue(ReviewKind::Prescribing) => "Prescribing review overdue",
            Self::ReviewOverdue(ReviewKind::Outcomes) => "TOP overdue",
            Self::ReviewOverdue(ReviewKind::Risk) => "Risk review overdue",
            Self::Parked => "At risk of being parked",
            Self::SixMonthSignal => "Six-month signal",
            Self::ThreeDnas => "Three DNAs in a row",
            Self::Naloxone => "Naloxone needed",
            Self::BbvTest => "BBV care due",
            Self::PrisonRelease => "Released from prison",
            Self::MissedDoses => "3 missed doses",
            Self::ReadinessCheck => "Readiness check due",
            Self::ExitPlan => "Exit plan not yet discussed",
        }
    }

    /// The letter in the caseload's flags column; overdue reviews show in the due column instead.
    pub fn letter(self) -> Option<char> {
        match self {
            Self::ReviewOverdue(_) => None,
            Self::Parked => Some('Z'),
            Self::SixMonthSignal => Some('6'),
            Self::ThreeDnas => Some('D'),
            Self::Naloxone => Some('N'),
            Self::BbvTest => Some('B'),
            Self::PrisonRelease => Some('P'),
            Self::MissedDoses => Some('M'),
            Self::ReadinessCheck => Some('R'),
            Self::ExitPlan => Some('X'),
        }
    }
}

impl From<AlertKind> for String {
    fn from(kind: AlertKind) -> String {
        kind.code().to_owned()
    }
}

impl std::fmt::Display for AlertKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One alert: what, why in words, and the cause an acknowledgement answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub reason: String,
    pub cause: String,
}

/// A worker's acknowledgement of an alert, as recorded: the alert stays quiet until its cause
/// changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertAck {
    pub client_id: i64,
    pub kind: AlertKind,
    pub cause: String,
    /// Why no action is needed now, in the worker's words.
    pub reason: ShortText,
    pub worker_id: i64,
    pub acknowledged_on: NaiveDate,
}

/// A worker's acknowledgement of an alert with this cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledged {
    pub kind: AlertKind,
    pub cause: String,
    /// Marked entered in error: it quietens nothing.
    pub in_error: bool,
}

/// One TOP as the alerts read it: when, which, and days of illicit opiate use (None: declined or
/// not asked).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TopOpiates {
    pub completed_on: NaiveDate,
    pub stage: TopStage,
    pub opiate_days: Option<f64>,
    /// Marked entered in error: it is no TOP at all to the rules.
    pub in_error: bool,
}

/// One appointment as the alerts read it: when, and whether the client came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appointment {
    pub at: NaiveDateTime,
    pub attendance: Attendance,
    /// Marked entered in error (a DNA recorded twice, or against the wrong client): it is no
    /// appointment at all to the rules.
    pub in_error: bool,
}

/// What the alert rules need to know about one client.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertFacts {
    pub today: NaiveDate,
    /// The reviews owed, from [`super::schedule::reviews_owed`].
    pub owed: Vec<Due>,
    /// Since when the client has been on OST without a break (any medicine); None when not on OST.
    pub ost_since: Option<NaiveDate>,
    pub last_care_plan_review: Option<NaiveDate>,
    /// The latest day a goal's progress or status was recorded.
    pub last_goal_progress: Option<NaiveDate>,
    /// A goal in the exit-plan domain that has not been dropped.
    pub has_exit_goal: bool,
    /// TOPs newest first (the two latest not in error are enough).
    pub tops: Vec<TopOpiates>,
    /// The latest appointments (three not in error are enough), newest first.
    pub recent_attendance: Vec<Appointment>,
    pub overdose_risk: bool,
    pub injecting: InjectingStatus,
    /// Heroin or other opioids among the client's substances, or on OST.
    pub uses_opioids: bool,
    pub naloxone_held: bool,
    pub naloxone_supplied_on: Option<NaiveDate>,
    pub hep_c_tested_on: Option<NaiveDate>,
    pub hiv_tested_on: Option<NaiveDate>,
    pub hep_b: Option<HepBStatus>,
    /// The BBV test results as they stand ([`super::bbv::standing`]), any order.
    pub bbv_results: Vec<super::BbvEntry>,
    /// The latest session that referred the client for hep C treatment.
    pub hep_c_referred_on: Option<NaiveDate>,
    pub prison_release_on: Option<NaiveDate>,
    /// When this treatment episode began (any modality).
    pub treatment_start: Option<NaiveDate>,
    /// The latest readiness note not in error.
    pub last_readiness_note: Option<NaiveDate>,
    /// The days the pharmacy reported doses missed, not in error, any order.
    pub missed_doses: Vec<NaiveDate>,
    pub last_prescribing_review: Option<NaiveDate>,
    /// The start of the latest prescription not in error.
    pub latest_prescription_start: Option<NaiveDate>,
}

/// A client's alerts: those needing action, those acknowledged (quiet), and the positive status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub open: Vec<Alert>,
    pub quiet: Vec<Alert>,
    /// Why the client is in medication-assisted recovery ([`RECOVERY_LABEL`]), when they are.
    pub recovery: Option<String>,
}

impl Assessment {
    pub fn has(&self, kind: AlertKind) -> bool {
        self.open.iter().any(|a| a.kind == kind)
    }

    /// The caseload letters of the open alerts, in [`AlertKind::ALL`] order, then `+` for recovery.
    pub fn letters(&self) -> String {
        let mut letters: String = AlertKind::ALL
            .iter()
            .filter(|k| self.has(**k))
            .filter_map(|k| k.letter())
            .collect();
        if self.recovery.is_some() {
            letters.push('+');
        }
        letters
    }
}

use super::uk_date as uk;

/// Whole years and months between two dates, in words: "2 years 3 months".
fn span_words(from: NaiveDate, to: NaiveDate) -> String {
    let months = (0..)
        .take_while(|m| Interval::Months(*m + 1).after(from) <= to && *m < 1200)
        .count();
    let (years, months) = (months / 12, months % 12);
    let part = |n: usize, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match (years, months) {
        (0, m) => part(m, "month"),
        (y, 0) => part(y, "year"),
        (y, m) => format!("{} {}", part(y, "year"), part(m, "month")),
    }
}

/// Every alert for one client, with acknowledged ones set apart.
pub fn assess(
    facts: &AlertFacts,
    intervals: &ReviewIntervals,
    acks: &[Acknowledged],
) -> Assessment {
    let mut raised: Vec<Alert> = overdue_reviews(facts);
    raised.extend(
        [
            parked(facts, intervals),
            six_month_signal(facts),
            three_dnas(facts),
            naloxone(facts),
            prison_release(facts),
            missed_doses(facts),
            readiness_check(facts, intervals.readiness_check),
            exit_plan(facts, intervals.exit_plan),
        ]
        .into_iter()
        .flatten(),
    );
    raised.extend(bbv_care(facts, intervals.bbv_retest));
    let (quiet, open) = raised.into_iter().partition(|alert| {
        acks.iter()
            .filter(|ack| !ack.in_error)
            .any(|ack| ack.kind == alert.kind && ack.cause == alert.cause)
    });
    Assessment {
        open,
        quiet,
        recovery: recovery(facts),
    }
}

fn overdue_reviews(facts: &AlertFacts) -> Vec<Alert> {
    facts
        .owed
        .iter()
        .filter(|due| due.days_over(facts.today) > 0)
        .map(|due| {
            let days = due.days_over(facts.today);
            Alert {
                kind: AlertKind::ReviewOverdue(due.kind),
                reason: format!(
                    "{} was due {}: {days} day{} over",
                    due.kind.label(),
                    uk(due.due_on),
                    if days == 1 { "" } else { "s" }
                ),
                cause: format!("due {}", due.due_on),
            }
        })
        .collect()
}

/// On OST two years or more, and the plan has stopped moving: no care-plan review in the
/// interval, no goal progress in six months, or no exit plan at all.
///
/// A client in medication-assisted recovery is never parked for lacking goal progress or an
/// exit-plan goal: the ACMD says this group must be positively regarded, and staying on OST is
/// their recovery. A care-plan review missed is still missed (and still alerts as overdue).
fn parked(facts: &AlertFacts, intervals: &ReviewIntervals) -> Option<Alert> {
    let since = facts.ost_since?;
    if PARKED_AFTER.after(since) > facts.today {
        return None;
    }
    let in_recovery = recovery(facts).is_some();
    let mut why = Vec::new();
    let mut cause = Vec::new();
    let review_window = intervals.care_plan.before(facts.today);
    if facts
        .last_care_plan_review
        .is_none_or(|d| d < review_window)
    {
        why.push(format!("no care-plan review in {}", intervals.care_plan));
        cause.push(format!(
            "review {}",
            facts
                .last_care_plan_review
                .map_or("never".into(), |d| d.to_string())
        ));
    }
    if !in_recovery
        && facts
            .last_goal_progress
            .is_none_or(|d| d < NO_PROGRESS_FOR.before(facts.today))
    {
        why.push(format!("no goal progress recorded in {NO_PROGRESS_FOR}"));
        cause.push(format!(
            "progress {}",
            facts
                .last_goal_progress
                .map_or("never".into(), |d| d.to_string())
        ));
    }
    if !in_recovery && !facts.has_exit_goal {
        why.push("no exit-plan goal".into());
        cause.push("no exit goal".into());
    }
    (!why.is_empty()).then(|| Alert {
        kind: AlertKind::Parked,
        reason: format!(
            "On OST {} (since {}): {}",
            span_words(since, facts.today),
            uk(since),
            why.join("; ")
        ),
        cause: cause.join("; "),
    })
}

/// ACMD: on OST six months or more and the latest review TOP still records heroin use.
fn six_month_signal(facts: &AlertFacts) -> Option<Alert> {
    let since = facts.ost_since?;
    if SIX_MONTH_SIGNAL_AFTER.after(since) > facts.today {
        return None;
    }
    let latest = facts.tops.iter().find(|t| !t.in_error)?;
    let days = latest.opiate_days?;
    (latest.stage != TopStage::Start && latest.completed_on >= since && days > 0.0).then(|| Alert {
        kind: AlertKind::SixMonthSignal,
        reason: format!(
            "On OST {} and the TOP of {} records illicit opiate use on {days} of 28 days",
            span_words(since, facts.today),
            uk(latest.completed_on)
        ),
        cause: format!("top {}", latest.completed_on),
    })
}

/// ACMD: stable on OST five years or more: no illicit opiate use at the last two TOPs.
fn recovery(facts: &AlertFacts) -> Option<String> {
    let since = facts.ost_since?;
    if RECOVERY_AFTER.after(since) > facts.today {
        return None;
    }
    let valid: Vec<&TopOpiates> = facts.tops.iter().filter(|t| !t.in_error).collect();
    let last_two = valid.get(..2)?;
    last_two
        .iter()
        .all(|t| t.opiate_days == Some(0.0) && t.completed_on >= since)
        .then(|| {
            format!(
                "On OST {} and no illicit opiate use at the last two TOPs ({} and {})",
                span_words(since, facts.today),
                uk(last_two[1].completed_on),
                uk(last_two[0].completed_on)
            )
        })
}

/// When the latest of three missed appointments in a row was, if the newest three appointments
/// (newest first) not in error were all missed. The one rule for the alert and for the warning
/// after a DNA.
pub fn last_of_three_missed(recent: &[Appointment]) -> Option<NaiveDateTime> {
    let valid: Vec<&Appointment> = recent.iter().filter(|a| !a.in_error).collect();
    let recent = valid.get(..3)?;
    recent
        .iter()
        .all(|a| a.attendance == Attendance::DidNotAttend)
        .then_some(recent[0].at)
}

fn three_dnas(facts: &AlertFacts) -> Option<Alert> {
    let latest = last_of_three_missed(&facts.recent_attendance)?;
    Some(Alert {
        kind: AlertKind::ThreeDnas,
        reason: format!(
            "The last three appointments were missed, the latest on {}",
            uk(latest.date())
        ),
        cause: format!("dna {}", latest.format("%Y-%m-%d %H:%M")),
    })
}

/// At risk of opioid overdose and without an in-date naloxone kit.
fn naloxone(facts: &AlertFacts) -> Option<Alert> {
    let mut at_risk = Vec::new();
    if facts.overdose_risk {
        at_risk.push("overdose risk");
    }
    if facts.injecting == InjectingStatus::Currently {
        at_risk.push("injecting");
    }
    if facts.uses_opioids {
        at_risk.push("uses opioids or on OST");
    }
    if at_risk.is_empty() {
        return None;
    }
    let stale_before = NALOXONE_STALE_AFTER.before(facts.today);
    let problem = match (facts.naloxone_held, facts.naloxone_supplied_on) {
        (false, _) => "No naloxone kit held".to_owned(),
        (true, Some(on)) if on < stale_before => {
            format!(
                "Naloxone supplied {}, over {NALOXONE_STALE_AFTER} ago",
                uk(on)
            )
        }
        (true, _) => return None,
    };
    Some(Alert {
        kind: AlertKind::Naloxone,
        reason: format!("{problem} ({})", at_risk.join(", ")),
        cause: format!(
            "held {} supplied {}",
            facts.naloxone_held,
            facts
                .naloxone_supplied_on
                .map_or("never".into(), |d| d.to_string())
        ),
    })
}

fn prison_release(facts: &AlertFacts) -> Option<Alert> {
    let on = facts.prison_release_on?;
    let days = (facts.today - on).num_days();
    (0..=PRISON_RELEASE_DAYS).contains(&days).then(|| Alert {
        kind: AlertKind::PrisonRelease,
        reason: format!(
            "Released from prison on {} ({days} day{} ago): overdose risk is highest now",
            uk(on),
            if days == 1 { "" } else { "s" }
        ),
        cause: format!("released {on}"),
    })
}

/// The pharmacy's three-in-a-row rule ([`super::missed_dose::unanswered_run`]): dispensing has
/// stopped and the prescriber must reassess before the next dose.
fn missed_doses(facts: &AlertFacts) -> Option<Alert> {
    let run = super::missed_dose::unanswered_run(
        &facts.missed_doses,
        facts.last_prescribing_review,
        facts.latest_prescription_start,
    )?;
    Some(Alert {
        kind: AlertKind::MissedDoses,
        reason: format!(
            "Reassess before the next dose ({} in a row, {} to {})",
            run.days(),
            uk(run.first),
            uk(run.last)
        ),
        cause: format!("missed from {}", run.first),
    })
}

/// On OST and no readiness note in `after` (the service's setting, by default
/// [`READINESS_CHECK_AFTER`]; counted from the start of OST when there is none since):
/// readiness to reduce or change is asked again, not assumed.
fn readiness_check(facts: &AlertFacts, after: Interval) -> Option<Alert> {
    let since = facts.ost_since?;
    let last = facts.last_readiness_note.filter(|d| *d >= since);
    let from = last.unwrap_or(since);
    if after.after(from) > facts.today {
        return None;
    }
    let reason = match last {
        Some(on) => format!(
            "No readiness note since {}, over {after}: check readiness again",
            uk(on)
        ),
        None => format!(
            "On OST since {} and no readiness note since: check readiness",
            uk(since)
        ),
    };
    Some(Alert {
        kind: AlertKind::ReadinessCheck,
        reason,
        cause: format!("readiness {}", from),
    })
}

/// In treatment `after` or more (the service's setting, by default [`EXIT_PLAN_AFTER`]; any
/// modality) with no exit-plan goal. Kept apart
/// from [`parked`], which weighs a missing exit plan after two years on OST among other signs of
/// a stalled plan; this one asks only that leaving has been talked about. Never raised for
/// medication-assisted recovery, where staying on OST is the recovery (ACMD 2015).
fn exit_plan(facts: &AlertFacts, after: Interval) -> Option<Alert> {
    let start = facts.treatment_start?;
    if facts.has_exit_goal || after.after(start) > facts.today || recovery(facts).is_some() {
        return None;
    }
    Some(Alert {
        kind: AlertKind::ExitPlan,
        reason: format!(
            "In treatment since {} ({} weeks) and no exit-plan goal: discuss what leaving treatment would look like",
            uk(start),
            (facts.today - start).num_days() / 7
        ),
        cause: format!("no exit goal, start {start}"),
    })
}

mod bbv;
use bbv::bbv_care;

#[cfg(test)]
mod tests;
