//! When each review falls due: the rules that keep anyone from being parked on treatment
//! unreviewed. Pure: the store gathers the facts, this module decides.
//!
//! The rules, with every interval configurable ([`ReviewIntervals`]):
//! - care plan: an interval after the last care-plan review, or after treatment start;
//! - prescribing (OST only): a first review soon after the current OST medicine started, then an
//!   interval after the last; switching medicine starts the clock again;
//! - outcomes (TOP): at treatment start, an interval after the last TOP, and at exit;
//! - risk: an interval after the last risk review, and sooner when a risk flag changed or the
//!   client was released from prison since that review.
//!
//! Only reviews completed since treatment started count, so a client who comes back starts
//! afresh. Discharged and transferred clients owe nothing but an exit TOP; clients on hold owe
//! nothing while on hold.

use super::{ClientStatus, Modality, ReviewKind};
use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// A span of time a service counts reviews in: days, weeks or calendar months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Interval {
    Days(u16),
    Weeks(u16),
    Months(u16),
}

/// The longest interval accepted: anything longer is a typing slip, not a review policy.
const MAX_INTERVAL_DAYS: u32 = 3 * 366;

impl Interval {
    /// Reads `12w`, `6m`, `28d` (also `12 weeks`, `6 months`, `1 day`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim().to_ascii_lowercase();
        let digits_end = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(digits_end);
        let expected = || format!("'{text}' is not an interval; write it like 12w, 6m or 28d");
        let unit: fn(u16) -> Self = match unit.trim() {
            "d" | "day" | "days" => Self::Days,
            "w" | "week" | "weeks" => Self::Weeks,
            "m" | "month" | "months" => Self::Months,
            _ => return Err(expected()),
        };
        if number.is_empty() {
            return Err(expected());
        }
        // Well formed but too many to count (`99999w`) is out of range, not a typing error.
        let out_of_range = |shown: &dyn std::fmt::Display| {
            format!("{shown} is out of range; use 1 day to 3 years")
        };
        let n: u16 = number
            .parse()
            .map_err(|_| out_of_range(&format!("'{text}'")))?;
        let interval = unit(n);
        if n == 0 || interval.approximate_days() > MAX_INTERVAL_DAYS {
            return Err(out_of_range(&interval));
        }
        Ok(interval)
    }

    /// The short form `parse` reads back: `12w`, `6m`, `28d`.
    pub fn code(self) -> String {
        match self {
            Self::Days(n) => format!("{n}d"),
            Self::Weeks(n) => format!("{n}w"),
            Self::Months(n) => format!("{n}m"),
        }
    }

    fn approximate_days(self) -> u32 {
        match self {
            Self::Days(n) => u32::from(n),
            Self::Weeks(n) => u32::from(n) * 7,
            Self::Months(n) => u32::from(n) * 31,
        }
    }

    /// The date this interval after `date`. A month after 31 January is the last day of
    /// February; past the calendar's end it stays at the end.
    pub fn after(self, date: NaiveDate) -> NaiveDate {
        match self {
            Self::Days(n) => date.checked_add_days(Days::new(n.into())),
            Self::Weeks(n) => date.checked_add_days(Days::new(u64::from(n) * 7)),
            Self::Months(n) => date.checked_add_months(Months::new(n.into())),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// The date this interval before `date`, the mirror of [`Interval::after`].
    pub fn before(self, date: NaiveDate) -> NaiveDate {
        match self {
            Self::Days(n) => date.checked_sub_days(Days::new(n.into())),
            Self::Weeks(n) => date.checked_sub_days(Days::new(u64::from(n) * 7)),
            Self::Months(n) => date.checked_sub_months(Months::new(n.into())),
        }
        .unwrap_or(NaiveDate::MIN)
    }
}

/// Read from the config file as `"12w"`, `"6m"`, `"28d"`, or a bare number of weeks.
impl<'de> serde::Deserialize<'de> for Interval {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Interval;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an interval like \"12w\", \"6m\" or \"28d\", or a number of weeks")
            }
            fn visit_i64<E: serde::de::Error>(self, weeks: i64) -> Result<Interval, E> {
                Interval::parse(&format!("{weeks}w")).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, weeks: u64) -> Result<Interval, E> {
                Interval::parse(&format!("{weeks}w")).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Interval, E> {
                Interval::parse(text).map_err(E::custom)
            }
        }
        d.deserialize_any(Visit)
    }
}

impl std::fmt::Display for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (n, unit) = match *self {
            Self::Days(n) => (n, "day"),
            Self::Weeks(n) => (n, "week"),
            Self::Months(n) => (n, "month"),
        };
        write!(f, "{n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

/// How often each review is due. The defaults are common practice in England (domain.md);
/// each service sets its own with `keywork settings set`, stored in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewIntervals {
    pub care_plan: Interval,
    pub prescribing: Interval,
    /// From the start of an OST medicine to its first prescribing review.
    pub prescribing_first: Interval,
    pub outcomes: Interval,
    pub risk: Interval,
    /// From a change of a risk flag (or a release from prison) to the risk review it calls for.
    pub risk_after_change: Interval,
    /// From the last test of a blood-borne virus to its re-test, while injecting.
    pub bbv_retest: Interval,
    /// From the last readiness note (or the start of OST) to the next readiness check.
    pub readiness_check: Interval,
    /// From the start of treatment to when a missing exit-plan goal is raised.
    pub exit_plan: Interval,
}

/// People still injecting should be re-tested for each blood-borne virus this often (Orange Book
/// 2017; NICE PH43). The default of [`ReviewIntervals::bbv_retest`].
pub const BBV_RETEST_AFTER: Interval = Interval::Months(12);
/// On OST with no readiness note for this long, readiness should be checked again. The seeds
/// ("Medications in recovery": readiness is not asked once and filed, it is revisited) give no
/// number; 12 weeks is the default and matches the usual three-monthly prescribing
/// review, so each review has a current readiness note to read. The default of
/// [`ReviewIntervals::readiness_check`].
pub const READINESS_CHECK_AFTER: Interval = Interval::Weeks(12);
/// In treatment this long (any modality) with no exit-plan goal, the exit has not been discussed.
/// The seeds ask for the exit to be visible from the moment someone walks in; 12 weeks (the
/// issue's default) is the first care-plan review at the usual interval, well before the two
/// years after which the parked rule counts a missing exit plan as a stalled plan. The default
/// of [`ReviewIntervals::exit_plan`].
pub const EXIT_PLAN_AFTER: Interval = Interval::Weeks(12);

impl Default for ReviewIntervals {
    fn default() -> Self {
        Self {
            care_plan: Interval::Weeks(12),
            prescribing: Interval::Weeks(12),
            prescribing_first: Interval::Weeks(4),
            outcomes: Interval::Weeks(26),
            risk: Interval::Weeks(12),
            risk_after_change: Interval::Weeks(1),
            bbv_retest: BBV_RETEST_AFTER,
            readiness_check: READINESS_CHECK_AFTER,
            exit_plan: EXIT_PLAN_AFTER,
        }
    }
}

/// The latest completed review of each kind, whenever it was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LastReviews {
    pub care_plan: Option<NaiveDate>,
    pub prescribing: Option<NaiveDate>,
    pub risk: Option<NaiveDate>,
    /// The latest TOP of any kind: recording a TOP is the outcomes review.
    pub top: Option<NaiveDate>,
    /// The latest exit TOP.
    pub exit_top: Option<NaiveDate>,
}

/// What the review rules need to know about one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleFacts {
    pub status: ClientStatus,
    /// Since when the client has had this status (the discharge date for a discharged client).
    pub status_since: Option<NaiveDate>,
    pub treatment_start: Option<NaiveDate>,
    pub modality: Modality,
    /// Since when the client has been on this modality (for OST: this medicine).
    pub modality_since: Option<NaiveDate>,
    /// The latest change of a risk flag (overdose risk, naloxone held, safeguarding, injecting).
    pub risk_changed_on: Option<NaiveDate>,
    pub prison_release_on: Option<NaiveDate>,
    pub last: LastReviews,
}

/// Why a review is due when it is, in terms a worker can check against the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum Basis {
    /// No review of this kind yet in this treatment episode.
    TreatmentStart { on: NaiveDate },
    /// The interval after the last completed review.
    LastReview { on: NaiveDate },
    /// The first prescribing review after this OST medicine started.
    OstStart { on: NaiveDate, modality: Modality },
    /// A risk flag changed after the last risk review.
    RiskFlagChanged { on: NaiveDate },
    /// Released from prison after the last risk review.
    PrisonRelease { on: NaiveDate },
    /// The start TOP, owed at treatment start.
    StartTop { on: NaiveDate },
    /// The exit TOP, owed at discharge or transfer.
    ExitTop { on: NaiveDate },
}

impl Basis {
    /// The reason in words: "12 weeks after the last on 01/09/2026".
    pub fn words(&self, kind: ReviewKind, intervals: &ReviewIntervals) -> String {
        let date = |d: &NaiveDate| super::uk_date(*d);
        match self {
            Self::TreatmentStart { on } => format!(
                "{} after treatment started on {}",
                interval_of(kind, intervals),
                date(on)
            ),
            Self::LastReview { on } => format!(
                "{} after the last on {}",
                interval_of(kind, intervals),
                date(on)
            ),
            Self::OstStart { on, modality } => format!(
                "first within {} of starting {} on {}",
                intervals.prescribing_first,
                modality.label(),
                date(on)
            ),
            Self::RiskFlagChanged { on } => format!(
                "within {} of a risk flag changing on {}",
                intervals.risk_after_change,
                date(on)
            ),
            Self::PrisonRelease { on } => format!(
                "within {} of release from prison on {}",
                intervals.risk_after_change,
                date(on)
            ),
            Self::StartTop { on } => format!("start TOP, treatment started on {}", date(on)),
            Self::ExitTop { on } => format!("exit TOP, treatment ended on {}", date(on)),
        }
    }
}

fn interval_of(kind: ReviewKind, intervals: &ReviewIntervals) -> Interval {
    match kind {
        ReviewKind::CarePlan => intervals.care_plan,
        ReviewKind::Prescribing => intervals.prescribing,
        ReviewKind::Outcomes => intervals.outcomes,
        ReviewKind::Risk => intervals.risk,
    }
}

/// One review owed: its kind, when, and why then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub kind: ReviewKind,
    pub due_on: NaiveDate,
    #[serde(flatten)]
    pub basis: Basis,
}

impl Due {
    /// Days past the due date (positive) or still to go (negative).
    pub fn days_over(&self, today: NaiveDate) -> i64 {
        (today - self.due_on).num_days()
    }
}

/// Every review the client owes, in [`ReviewKind::ALL`] order.
pub fn reviews_owed(facts: &ScheduleFacts, intervals: &ReviewIntervals) -> Vec<Due> {
    match facts.status {
        ClientStatus::Active => {}
        ClientStatus::OnHold => return Vec::new(),
        ClientStatus::Discharged | ClientStatus::Transferred => {
            return exit_top(facts).into_iter().collect();
        }
    }
    let Some(start) = facts.treatment_start else {
        return Vec::new();
    };
    let since_start = |date: Option<NaiveDate>| date.filter(|d| *d >= start);
    let mut owed = Vec::with_capacity(4);
    owed.push(periodic(
        ReviewKind::CarePlan,
        start,
        since_start(facts.last.care_plan),
        intervals.care_plan,
    ));
    if let Some(due) = prescribing(facts, start, intervals) {
        owed.push(due);
    }
    owed.push(match since_start(facts.last.top) {
        Some(last) => Due {
            kind: ReviewKind::Outcomes,
            due_on: intervals.outcomes.after(last),
            basis: Basis::LastReview { on: last },
        },
        None => Due {
            kind: ReviewKind::Outcomes,
            due_on: start,
            basis: Basis::StartTop { on: start },
        },
    });
    owed.push(risk(facts, start, since_start(facts.last.risk), intervals));
    owed
}

/// A review due an interval after the last, or after treatment start when there is none.
fn periodic(kind: ReviewKind, start: NaiveDate, last: Option<NaiveDate>, every: Interval) -> Due {
    match last {
        Some(last) => Due {
            kind,
            due_on: every.after(last),
            basis: Basis::LastReview { on: last },
        },
        None => Due {
            kind,
            due_on: every.after(start),
            basis: Basis::TreatmentStart { on: start },
        },
    }
}

fn prescribing(facts: &ScheduleFacts, start: NaiveDate, iv: &ReviewIntervals) -> Option<Due> {
    if !facts.modality.is_ost() {
        return None;
    }
    let ost_start = facts.modality_since.map_or(start, |since| since.max(start));
    Some(match facts.last.prescribing.filter(|d| *d >= ost_start) {
        Some(last) => Due {
            kind: ReviewKind::Prescribing,
            due_on: iv.prescribing.after(last),
            basis: Basis::LastReview { on: last },
        },
        None => Due {
            kind: ReviewKind::Prescribing,
            due_on: iv.prescribing_first.after(ost_start),
            basis: Basis::OstStart {
                on: ost_start,
                modality: facts.modality,
            },
        },
    })
}

/// The regular risk review, brought forward by a flag change or a release from prison that
/// came after the last risk review.
fn risk(
    facts: &ScheduleFacts,
    start: NaiveDate,
    last: Option<NaiveDate>,
    iv: &ReviewIntervals,
) -> Due {
    let regular = periodic(ReviewKind::Risk, start, last, iv.risk);
    let reviewed_since = |event: NaiveDate| last.is_some_and(|l| l >= event);
    let events = [
        facts
            .risk_changed_on
            .map(|on| (on, Basis::RiskFlagChanged { on })),
        facts
            .prison_release_on
            .map(|on| (on, Basis::PrisonRelease { on })),
    ];
    events
        .into_iter()
        .flatten()
        // A release the day before treatment starts calls for a risk review as much as one after.
        .filter(|(on, _)| *on >= iv.risk_after_change.before(start) && !reviewed_since(*on))
        .map(|(on, basis)| Due {
            kind: ReviewKind::Risk,
            due_on: iv.risk_after_change.after(on),
            basis,
        })
        .chain([regular])
        .min_by_key(|due| due.due_on)
        .unwrap_or(regular)
}

/// The exit TOP a client who has left owes, unless one was recorded this episode. Without a
/// known date of leaving (records from before keywork tracked it) none is asked for.
fn exit_top(facts: &ScheduleFacts) -> Option<Due> {
    let ended = facts.status_since?;
    let episode_start = facts.treatment_start.unwrap_or(NaiveDate::MIN);
    let done = facts.last.exit_top.is_some_and(|d| d >= episode_start);
    (!done && facts.treatment_start.is_some()).then_some(Due {
        kind: ReviewKind::Outcomes,
        due_on: ended,
        basis: Basis::ExitTop { on: ended },
    })
}

#[cfg(test)]
mod tests;
