//! One demo client's recovery plan: an exit goal from day one, a substance-use goal on the
//! hierarchy of goals, and goals in other life domains, each with actions and progress.

use super::Dice;
use super::course::{Course, Span};
use super::fit::{self, Moment};
use super::goal_text::{self, action_steps, goal_words};
use crate::domain::clinical_check::GOAL_OVERDUE_WEEKS;
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Duration, NaiveDate};

/// The recovery plan: an exit goal from day one, a substance-use goal that may have moved up the
/// hierarchy, and goals in other life domains, each with actions. Goals are set, reviewed and
/// closed on days the client was seen (`seen`, in order). Progress is recorded up to the last
/// day, or only until the day a stalled plan stopped moving; the targets of goals in hand are
/// moved on at sessions as a worker would, even in a stalled plan (moving a date is not
/// progress). A client who has left has no goal still active: each was closed at the exit. A
/// client never seen (every appointment missed so far) has no plan yet: none was made with them.
#[allow(clippy::too_many_arguments)]
pub(super) fn plan(
    w: &Writer<'_>,
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    span: &Span,
    stage: Stage,
    course: &Course,
    seen: &[NaiveDate],
) -> Result<()> {
    if seen.is_empty() {
        return Ok(());
    }
    let last_day = span.last_day(dice.today);
    let until = course
        .stalled_on
        .map_or(last_day, |d| d.clamp(span.start, last_day));
    let seen = Seen(seen);
    let first_day = seen.first_from(span.start);
    let life = Life {
        hep_c_since: super::bbv::hep_c_current_since(client, seen.0),
        seen,
        until,
        last_day,
        left: span.end.is_some(),
        stage,
    };
    let progressed = matches!(stage, Stage::Action | Stage::Maintenance);
    let first_level = dice.pick(&[
        HierarchyLevel::DirectHarms,
        HierarchyLevel::RiskyBehaviour,
        HierarchyLevel::IndirectHarms,
    ]);
    let first_status = if progressed {
        GoalStatus::Achieved
    } else {
        GoalStatus::Active
    };
    let substance_goal = GoalArea::substance_use(first_level);
    let who = (client_id, client);
    goal(
        w,
        dice,
        who,
        (substance_goal, None),
        first_day,
        &life,
        first_status,
    )?;
    if progressed {
        let higher = dice.pick(&[
            HierarchyLevel::ControlledUse,
            HierarchyLevel::AbstinenceMain,
            HierarchyLevel::AbstinenceAll,
        ]);
        let set_on = life.seen.day(dice, span.start, until);
        let area = GoalArea::substance_use(higher);
        goal(
            w,
            dice,
            who,
            (area, None),
            set_on,
            &life,
            GoalStatus::Active,
        )?;
    }
    if course.exit_goal {
        let exit = GoalArea::new(GoalDomain::Exit, None).expect("no level");
        let status = if span.end.is_some() {
            GoalStatus::Achieved
        } else {
            GoalStatus::Active
        };
        goal(w, dice, who, (exit, None), first_day, &life, status)?;
    }
    for domain in course.goal_domains {
        let area = GoalArea::new(*domain, None).expect("no level");
        let set_on = life.seen.day(dice, span.start, until);
        goal(
            w,
            dice,
            who,
            (area, None),
            set_on,
            &life,
            GoalStatus::Active,
        )?;
    }
    // A current hep C infection on record: at the next session the worker and client set a
    // goal to have it treated (the referral went at that session, `super::fit::plan`), unless
    // the plan had already stalled. Treatment takes about three months (NICE TA507 and the
    // like: 8-12 weeks of tablets), so a goal set long enough ago may be achieved.
    if let Some(since) = life.hep_c_since {
        let set_on = life.seen.first_from(since + Duration::days(1));
        if set_on > since && set_on <= until {
            let area = GoalArea::new(GoalDomain::PhysicalHealth, None).expect("no level");
            let treated = (last_day - set_on).num_days() > 120 && dice.chance(0.6);
            let status = if treated {
                GoalStatus::Achieved
            } else {
                GoalStatus::Active
            };
            let words = Some(goal_text::HEP_C_GOAL);
            goal(w, dice, who, (area, words), set_on, &life, status)?;
        }
    }
    let life_domains = &GoalDomain::ALL[1..GoalDomain::ALL.len() - 1];
    for _ in 0..dice.between(1, 4) {
        let area = GoalArea::new(dice.pick(life_domains), None).expect("no level");
        let set_on = life.seen.day(dice, span.start, until);
        let status = dice.weighted(&[
            (15, GoalStatus::Proposed),
            (45, GoalStatus::Active),
            (25, GoalStatus::Achieved),
            (10, GoalStatus::Paused),
            (5, GoalStatus::Dropped),
        ]);
        goal(w, dice, who, (area, None), set_on, &life, status)?;
    }
    Ok(())
}

/// The days the client was seen, in order.
struct Seen<'a>(&'a [NaiveDate]);

impl Seen<'_> {
    fn within(&self, from: NaiveDate, to: NaiveDate) -> &[NaiveDate] {
        let a = self.0.partition_point(|d| *d < from);
        let b = self.0.partition_point(|d| *d <= to).max(a);
        &self.0[a..b]
    }

    /// The first day seen on or after `from`, else `from` (a client never seen: the assessment).
    fn first_from(&self, from: NaiveDate) -> NaiveDate {
        self.0[self.0.partition_point(|d| *d < from)..]
            .first()
            .copied()
            .unwrap_or(from)
    }

    /// A day seen within `from..=to`, else the first seen after `from`.
    fn day(&self, dice: &mut Dice, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let days = self.within(from, to);
        if days.is_empty() {
            self.first_from(from)
        } else {
            dice.pick(days)
        }
    }
}

/// What bounds a goal's life: the days seen, the last day progress was recorded (`until`), the
/// client's last day, and whether they have left.
struct Life<'a> {
    seen: Seen<'a>,
    /// The day a positive hep C RNA result was taken, if the record holds one: a goal that
    /// rests on it is set only after.
    hep_c_since: Option<NaiveDate>,
    until: NaiveDate,
    last_day: NaiveDate,
    left: bool,
    /// The stage of change the client has reached: a goal in hand has the progress that stage
    /// makes plausible.
    stage: Stage,
}

/// The shortest and longest a target is set ahead, in weeks. A target moved at a session
/// reaches at least the next care-plan review (12 weeks), so the plan always says what the
/// client is working towards until then.
const TARGET_WEEKS: (i64, i64) = (8, 26);
const MOVED_TARGET_WEEKS: (i64, i64) = (12, 26);

/// The progress (0-10) a goal still in hand plausibly has at a stage of change: little before
/// the client has decided to change, most once the change has held (maintenance), knocked back
/// by a relapse. Progress is agreed in session (domain.md: "scored on a simple 0-10 scale").
fn active_progress(stage: Stage) -> (i64, i64) {
    match stage {
        Stage::Precontemplation => (1, 3),
        Stage::Contemplation => (2, 4),
        Stage::Preparation => (3, 5),
        Stage::Action => (4, 7),
        Stage::Maintenance => (6, 9),
        Stage::Relapse => (2, 5),
    }
}

/// One goal with its actions, in words and steps that fit the client and the goal's domain. Its
/// progress was last recorded on a day seen on or before `life.until`: lately for goals in
/// hand, when it closed for those achieved or dropped. A goal still in hand when the client
/// left was closed at the exit, achieved or dropped.
fn goal(
    w: &Writer<'_>,
    dice: &mut Dice,
    (client_id, client): (i64, &Client),
    (area, wording): (GoalArea, Option<&'static str>),
    set_on: NaiveDate,
    life: &Life<'_>,
    status: GoalStatus,
) -> Result<()> {
    let until = life.until.max(set_on);
    let at_exit = life.left
        && matches!(
            status,
            GoalStatus::Active | GoalStatus::Paused | GoalStatus::Proposed
        );
    let status = match status {
        _ if at_exit => {
            if dice.chance(0.5) {
                GoalStatus::Achieved
            } else {
                GoalStatus::Dropped
            }
        }
        other => other,
    };
    let progress = match status {
        GoalStatus::Proposed => 0,
        GoalStatus::Active => {
            let (low, high) = active_progress(life.stage);
            dice.between(low, high)
        }
        GoalStatus::Achieved => 10,
        GoalStatus::Paused => dice.between(1, 5),
        GoalStatus::Dropped => dice.between(0, 3),
    };
    let days = (until - set_on).num_days().max(0);
    // Progress recorded at a session: the latest one before a day drawn near the end for a
    // goal in hand, one in the later part of its life for a goal closed.
    let progress_on = match status {
        GoalStatus::Proposed => set_on,
        GoalStatus::Active | GoalStatus::Paused => {
            let near = until - Duration::days(dice.between(0, days.min(70)));
            life.seen
                .within(set_on, near)
                .last()
                .copied()
                .unwrap_or(set_on)
        }
        GoalStatus::Achieved | GoalStatus::Dropped if at_exit => life
            .seen
            .within(set_on, until)
            .last()
            .copied()
            .unwrap_or(set_on),
        GoalStatus::Achieved | GoalStatus::Dropped => {
            let from = set_on + Duration::days(days / 3);
            let on = life.seen.day(dice, from, until);
            if on > until { until } else { on }.max(set_on)
        }
    };
    // The target, moved on at each session where it was near or past while the goal was in
    // hand (until it closed, or the last day).
    let in_hand_until = match status {
        GoalStatus::Proposed => set_on,
        GoalStatus::Active | GoalStatus::Paused => life.last_day,
        GoalStatus::Achieved | GoalStatus::Dropped => progress_on,
    };
    let (low, high) = TARGET_WEEKS;
    let mut target = set_on + Duration::weeks(dice.between(low, high));
    let (low, high) = MOVED_TARGET_WEEKS;
    let in_hand = life.seen.within(set_on, in_hand_until);
    for day in in_hand {
        if target < *day + Duration::weeks(low) {
            target = *day + Duration::weeks(dice.between(low, high));
        }
    }
    // A client whose attendance has faltered since: at the last session the worker gave the
    // longest target, so it stands unless they have been away longer than that.
    let allowance = dice.today - Duration::weeks(GOAL_OVERDUE_WEEKS);
    let open = matches!(status, GoalStatus::Active | GoalStatus::Paused);
    if let Some(day) = in_hand.last().filter(|_| open && target < allowance) {
        target = target.max(*day + Duration::weeks(high));
    }
    // Words for this moment of treatment: no reduction of a script before the client is stable.
    let moment = Moment::of(client, set_on);
    let words = wording.unwrap_or_else(|| {
        fit::pick_at(
            dice,
            goal_words(area.domain(), area.level()),
            client,
            moment,
            None,
        )
    });
    let goal_id = w.insert(&Goal {
        client_id,
        area,
        in_own_words: ShortText::new(words).expect("short"),
        why_it_matters: dice
            .chance(0.5)
            .then(|| ShortText::new(dice.pick(goal_text::WHY_IT_MATTERS)).expect("short")),
        set_on,
        target_date: Some(target),
        status,
        progress: Score::new(progress as u8).expect("0-10"),
    })?;
    if progress_on != set_on {
        w.set_goal_progress_on(goal_id, progress_on)?;
    }
    // Distinct steps, each under its natural owner (the step says who does it). An achieved
    // goal's were all done by the day it was achieved.
    let mut steps: Vec<(ActionOwner, &'static str)> = action_steps(area.domain(), words)
        .iter()
        .filter(|(fit, _, _)| fit.suits_at(client, moment))
        .map(|(_, owner, step)| (*owner, *step))
        .collect();
    let achieved = status == GoalStatus::Achieved;
    for _ in 0..dice.between(1, 3) {
        if steps.is_empty() {
            break;
        }
        let (owner, step) = steps.swap_remove(dice.between(0, steps.len() as i64 - 1) as usize);
        let due = set_on + Duration::days(dice.between(7, 56));
        let done = if achieved {
            Some((due + Duration::days(dice.between(-5, 5))).clamp(set_on, progress_on))
        } else {
            (due <= until && dice.chance(0.6))
                .then(|| (due + Duration::days(dice.between(-5, 5))).clamp(set_on, until))
        };
        w.insert(&GoalAction {
            goal_id,
            step: ShortText::new(step).expect("short"),
            owner,
            due_on: Some(due),
            done_on: done,
        })?;
    }
    Ok(())
}
