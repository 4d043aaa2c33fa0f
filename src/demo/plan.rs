//! One demo client's recovery plan: an exit goal from day one, a substance-use goal on the
//! hierarchy of goals, and goals in other life domains, each with actions and progress.

use super::Dice;
use super::fit;
use super::history::{Course, Span};
use super::text::{self, action_steps, goal_words};
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Duration, NaiveDate};

/// The recovery plan: an exit goal from day one, a substance-use goal that may have moved up the
/// hierarchy, and goals in other life domains, each with actions. Progress is recorded up to
/// the last day, or only until the day a stalled plan stopped moving.
pub(super) fn plan(
    w: &Writer<'_>,
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    span: &Span,
    stage: Stage,
    course: &Course,
) -> Result<()> {
    let last_day = span.last_day(dice.today);
    let until = course
        .stalled_on
        .map_or(last_day, |d| d.clamp(span.start, last_day));
    let some_day = |dice: &mut Dice| {
        span.start + Duration::days(dice.between(0, (until - span.start).num_days()))
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
    goal(
        w,
        dice,
        (client_id, client),
        substance_goal,
        span.start,
        until,
        first_status,
    )?;
    if progressed {
        let higher = dice.pick(&[
            HierarchyLevel::ControlledUse,
            HierarchyLevel::AbstinenceMain,
            HierarchyLevel::AbstinenceAll,
        ]);
        let set_on = some_day(dice);
        goal(
            w,
            dice,
            (client_id, client),
            GoalArea::substance_use(higher),
            set_on,
            until,
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
        goal(
            w,
            dice,
            (client_id, client),
            exit,
            span.start,
            until,
            status,
        )?;
    }
    for domain in course.goal_domains {
        let area = GoalArea::new(*domain, None).expect("no level");
        let set_on = some_day(dice);
        goal(
            w,
            dice,
            (client_id, client),
            area,
            set_on,
            until,
            GoalStatus::Active,
        )?;
    }
    let life_domains = &GoalDomain::ALL[1..GoalDomain::ALL.len() - 1];
    for _ in 0..dice.between(1, 4) {
        let area = GoalArea::new(dice.pick(life_domains), None).expect("no level");
        let set_on = some_day(dice);
        let status = dice.weighted(&[
            (15, GoalStatus::Proposed),
            (45, GoalStatus::Active),
            (25, GoalStatus::Achieved),
            (10, GoalStatus::Paused),
            (5, GoalStatus::Dropped),
        ]);
        goal(w, dice, (client_id, client), area, set_on, until, status)?;
    }
    Ok(())
}

/// One goal with its actions, in words and steps that fit the client and the goal's domain. Its
/// progress was last recorded on or before `until`: lately for goals in hand, when it closed for
/// those achieved or dropped.
fn goal(
    w: &Writer<'_>,
    dice: &mut Dice,
    (client_id, client): (i64, &Client),
    area: GoalArea,
    set_on: NaiveDate,
    until: NaiveDate,
    status: GoalStatus,
) -> Result<()> {
    let progress = match status {
        GoalStatus::Proposed => 0,
        GoalStatus::Active => dice.between(1, 8),
        GoalStatus::Achieved => 10,
        GoalStatus::Paused => dice.between(1, 5),
        GoalStatus::Dropped => dice.between(0, 3),
    };
    let goal_id = w.insert(&Goal {
        client_id,
        area,
        in_own_words: ShortText::new(fit::pick(
            dice,
            goal_words(area.domain(), area.level()),
            client,
        ))
        .expect("short"),
        why_it_matters: dice
            .chance(0.5)
            .then(|| ShortText::new(dice.pick(text::WHY_IT_MATTERS)).expect("short")),
        set_on,
        target_date: Some(set_on + Duration::weeks(dice.between(8, 26))),
        status,
        progress: Score::new(progress as u8).expect("0-10"),
    })?;
    let days = (until - set_on).num_days().max(0);
    let progress_on = match status {
        GoalStatus::Proposed => set_on,
        GoalStatus::Active | GoalStatus::Paused => {
            until - Duration::days(dice.between(0, days.min(70)))
        }
        GoalStatus::Achieved | GoalStatus::Dropped => {
            set_on + Duration::days(dice.between(days / 3, days))
        }
    };
    if progress_on != set_on {
        w.set_goal_progress_on(goal_id, progress_on)?;
    }
    for _ in 0..dice.between(1, 3) {
        let due = set_on + Duration::days(dice.between(7, 56));
        let done = (due <= until && (status == GoalStatus::Achieved || dice.chance(0.6)))
            .then(|| (due + Duration::days(dice.between(-5, 5))).clamp(set_on, until));
        w.insert(&GoalAction {
            goal_id,
            step: ShortText::new(fit::pick(dice, action_steps(area.domain()), client))
                .expect("short"),
            owner: dice.weighted(&[
                (50, ActionOwner::Client),
                (35, ActionOwner::KeyWorker),
                (15, ActionOwner::OtherAgency),
            ]),
            due_on: Some(due),
            done_on: done,
        })?;
    }
    Ok(())
}
