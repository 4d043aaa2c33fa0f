//! What shapes one client's history beyond their record: the days it spans and the course their
//! care takes (reviews on time or lapsing, a stalled plan, a change of medicine, the stages a
//! scenario passes through). Every part of the generator reads these; none of them writes them.

use super::outcomes::Response;
use crate::domain::{GoalDomain, Stage};
use chrono::NaiveDate;

/// The dates that bound a client's time with the service.
pub(super) struct Span {
    pub(super) start: NaiveDate,
    /// Discharge or transfer; `None` while the client is still with the service.
    pub(super) end: Option<NaiveDate>,
}

impl Span {
    pub(super) fn last_day(&self, today: NaiveDate) -> NaiveDate {
        self.end.unwrap_or(today)
    }
}

/// How the latest appointments went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LastSessions {
    /// As chance has it (a few active clients miss three in a row).
    Random,
    /// The latest one attended.
    Attended,
    /// The latest three missed.
    ThreeDnas,
}

/// The choices that shape one client's history beyond their record: ordinary clients draw them,
/// the showcase clients have them set.
pub(super) struct Course {
    /// Every review done on time up to today: none lapses at the end.
    pub(super) on_time: bool,
    /// Care-plan reviews due on or after this day were not done.
    pub(super) care_plan_stops: Option<NaiveDate>,
    /// Prescribing reviews due on or after this day were not done.
    pub(super) prescribing_stops: Option<NaiveDate>,
    /// The plan stalled this day: no goal set or moved since.
    pub(super) stalled_on: Option<NaiveDate>,
    pub(super) exit_goal: bool,
    pub(super) start_top: bool,
    pub(super) exit_top: bool,
    pub(super) response: Response,
    /// The day the client's modality changed, if it did: to another OST medicine (made at a
    /// prescribing review), or from a finished detox to psychosocial support.
    pub(super) switched_on: Option<NaiveDate>,
    /// On hold since this day (reviews stop then).
    pub(super) on_hold_since: Option<NaiveDate>,
    pub(super) last_sessions: LastSessions,
    /// The stages of change the client passes through, spread evenly over their sessions, every
    /// one attended: a scenario's story. `None` draws them as chance has it.
    pub(super) arc: Option<&'static [Stage]>,
    /// The dose came down from this day: a planned reduction towards exit.
    pub(super) reduce_from: Option<NaiveDate>,
    /// Life domains the plan has an active goal in, besides those drawn.
    pub(super) goal_domains: &'static [GoalDomain],
}

impl Course {
    /// A client whose care runs as it should: every review on time, a plan that moves, an
    /// exit goal, every TOP taken.
    pub(super) fn on_time(response: Response) -> Self {
        Self {
            on_time: true,
            care_plan_stops: None,
            prescribing_stops: None,
            stalled_on: None,
            exit_goal: true,
            start_top: true,
            exit_top: true,
            response,
            switched_on: None,
            on_hold_since: None,
            last_sessions: LastSessions::Attended,
            arc: None,
            reduce_from: None,
            goal_domains: &[],
        }
    }
}
