//! The rules the plan structure view draws by: which substance-use goal is the one in hand and
//! how the client's rung on the hierarchy of goals moved over time, the order of the stages of
//! change round their cycle, and which way readiness is heading.

use super::{GoalStatus, HierarchyLevel, Score, Stage};
use chrono::NaiveDate;

/// A rung held from a day on: the substance-use goal's level until the next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RungStep {
    pub from: NaiveDate,
    pub level: HierarchyLevel,
}

/// How many of the latest moves on the ladder the view shows; older ones are left out.
pub const RUNG_STEPS_SHOWN: usize = 6;

/// The rungs over time, oldest first, from every level the substance-use goal in hand (and the
/// finished goals before it) held and the day it began: the latest [`RUNG_STEPS_SHOWN`]. A run
/// of days on one level is one step: a goal rewritten in new words on the same rung is not a move.
pub fn rung_history(mut held: Vec<(NaiveDate, HierarchyLevel)>) -> Vec<RungStep> {
    held.sort_by_key(|(from, _)| *from);
    let mut steps: Vec<RungStep> = Vec::with_capacity(held.len());
    for (from, level) in held {
        if steps.last().is_none_or(|s| s.level != level) {
            steps.push(RungStep { from, level });
        }
    }
    let skip = steps.len().saturating_sub(RUNG_STEPS_SHOWN);
    steps.split_off(skip)
}

/// Of a client's substance-use goals (set on, status), the index of the one in hand: the latest
/// set of those active, else proposed, else paused, else achieved. A dropped goal is never the
/// one in hand.
pub fn goal_in_hand(goals: &[(NaiveDate, GoalStatus)]) -> Option<usize> {
    let rank = |status: GoalStatus| match status {
        GoalStatus::Active => Some(4),
        GoalStatus::Proposed => Some(3),
        GoalStatus::Paused => Some(2),
        GoalStatus::Achieved => Some(1),
        GoalStatus::Dropped => None,
    };
    goals
        .iter()
        .enumerate()
        .filter_map(|(index, (set_on, status))| rank(*status).map(|r| ((r, *set_on, index), index)))
        .max_by_key(|(key, _)| *key)
        .map(|(_, index)| index)
}

/// The stages of change in the order of their cycle: relapse leads back round to the start.
pub const STAGE_CYCLE: [Stage; 6] = [
    Stage::Precontemplation,
    Stage::Contemplation,
    Stage::Preparation,
    Stage::Action,
    Stage::Maintenance,
    Stage::Relapse,
];

/// The stages over time, oldest first, with the day each was first judged: a run of notes at one
/// stage is one step.
pub fn stage_path(notes: &[(NaiveDate, Stage)]) -> Vec<(NaiveDate, Stage)> {
    let mut notes = notes.to_vec();
    notes.sort_by_key(|(on, _)| *on);
    let mut path: Vec<(NaiveDate, Stage)> = Vec::with_capacity(notes.len());
    for (on, stage) in notes {
        if path.last().is_none_or(|(_, last)| *last != stage) {
            path.push((on, stage));
        }
    }
    path
}

/// How many of the latest readiness scores the trend compares across.
pub const TREND_SPAN: usize = 4;
/// How far (on the 0-10 ruler) the score must move across the span to count as a change.
pub const TREND_STEP: i16 = 2;

/// Which way the "how ready" ruler is heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// Fewer than two scores: no trend yet.
    TooFew,
    Rising {
        from: u8,
        to: u8,
        over: usize,
    },
    Falling {
        from: u8,
        to: u8,
        over: usize,
    },
    Steady {
        from: u8,
        to: u8,
        over: usize,
    },
}

/// The trend of the readiness scores (oldest first; `None` where the ruler was not asked): the
/// latest against the earliest of the last [`TREND_SPAN`] scored notes.
pub fn readiness_trend(scores: &[Option<Score>]) -> Trend {
    let scored: Vec<u8> = scores.iter().flatten().map(|s| s.get()).collect();
    let window = &scored[scored.len().saturating_sub(TREND_SPAN)..];
    let (Some(&from), Some(&to)) = (window.first(), window.last()) else {
        return Trend::TooFew;
    };
    if window.len() < 2 {
        return Trend::TooFew;
    }
    let over = window.len();
    match i16::from(to) - i16::from(from) {
        d if d >= TREND_STEP => Trend::Rising { from, to, over },
        d if d <= -TREND_STEP => Trend::Falling { from, to, over },
        _ => Trend::Steady { from, to, over },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).expect("valid")
    }

    fn scores(values: &[Option<u8>]) -> Vec<Option<Score>> {
        values
            .iter()
            .map(|v| v.map(|v| Score::new(v).expect("0-10")))
            .collect()
    }

    #[test]
    fn moving_up_the_hierarchy_shows_each_rung_once_in_date_order() {
        let history = rung_history(vec![
            (day(20), HierarchyLevel::AbstinenceMain),
            (day(1), HierarchyLevel::RiskyBehaviour),
            (day(9), HierarchyLevel::RiskyBehaviour),
        ]);
        assert_eq!(
            history,
            vec![
                RungStep {
                    from: day(1),
                    level: HierarchyLevel::RiskyBehaviour
                },
                RungStep {
                    from: day(20),
                    level: HierarchyLevel::AbstinenceMain
                },
            ]
        );
        assert!(rung_history(Vec::new()).is_empty());
    }

    #[test]
    fn the_goal_in_hand_is_the_latest_active_and_never_a_dropped_one() {
        let goals = [
            (day(1), GoalStatus::Achieved),
            (day(5), GoalStatus::Active),
            (day(9), GoalStatus::Dropped),
            (day(3), GoalStatus::Active),
        ];
        assert_eq!(goal_in_hand(&goals), Some(1));
        assert_eq!(goal_in_hand(&goals[..1]), Some(0), "achieved counts alone");
        assert_eq!(goal_in_hand(&[(day(1), GoalStatus::Dropped)]), None);
        assert_eq!(goal_in_hand(&[]), None);
    }

    #[test]
    fn the_stage_path_merges_runs_and_keeps_a_return_to_an_earlier_stage() {
        let path = stage_path(&[
            (day(9), Stage::Contemplation),
            (day(1), Stage::Precontemplation),
            (day(4), Stage::Contemplation),
            (day(12), Stage::Relapse),
            (day(15), Stage::Contemplation),
        ]);
        let stages: Vec<Stage> = path.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            stages,
            [
                Stage::Precontemplation,
                Stage::Contemplation,
                Stage::Relapse,
                Stage::Contemplation
            ]
        );
        assert_eq!(path[1].0, day(4), "the day the stage was first judged");
    }

    #[test]
    fn the_cycle_lists_every_stage_once() {
        for stage in Stage::ALL {
            assert_eq!(STAGE_CYCLE.iter().filter(|s| *s == stage).count(), 1);
        }
    }

    #[test]
    fn readiness_trend_compares_the_latest_with_the_start_of_the_span() {
        assert_eq!(readiness_trend(&scores(&[])), Trend::TooFew);
        assert_eq!(readiness_trend(&scores(&[Some(5), None])), Trend::TooFew);
        assert_eq!(
            readiness_trend(&scores(&[
                Some(9),
                Some(2),
                None,
                Some(3),
                Some(4),
                Some(6)
            ])),
            Trend::Rising {
                from: 2,
                to: 6,
                over: 4
            },
            "only the last four scored notes count; a gap is skipped"
        );
        assert_eq!(
            readiness_trend(&scores(&[Some(7), Some(5)])),
            Trend::Falling {
                from: 7,
                to: 5,
                over: 2
            }
        );
        assert_eq!(
            readiness_trend(&scores(&[Some(6), Some(8), Some(7)])),
            Trend::Steady {
                from: 6,
                to: 7,
                over: 3
            }
        );
    }
}
