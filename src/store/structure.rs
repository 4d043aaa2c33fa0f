//! What the plan structure view reads about one client: the plan's goals with their actions, the
//! levels their substance-use goals held over time, and the readiness notes.

use super::{Result, Store, Table};
use crate::domain::*;
use chrono::NaiveDate;

/// One client's recovery plan laid bare, for the plan structure view.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStructure {
    pub reference: ServiceRef,
    /// The name the client goes by: the preferred name, else the given name, and the family name.
    pub known_as: String,
    /// The goals that count (not entered in error) in the plan's order of domains, each domain's
    /// newest first, with their actions that count, soonest due first.
    pub goals: Vec<(Stored<Goal>, Vec<Stored<GoalAction>>)>,
    /// Every level any of the client's goals held on the hierarchy of goals, with the day it
    /// began: a goal's first version from the day it was set, each later one from the day it
    /// replaced the one before.
    pub levels_held: Vec<(NaiveDate, HierarchyLevel)>,
    /// The readiness notes that count, oldest first (the order of a trend).
    pub readiness: Vec<Stored<ReadinessNote>>,
}

impl Store {
    pub fn plan_structure(&self, client_id: i64) -> Result<PlanStructure> {
        let client: Stored<Client> = self.get(client_id)?;
        let c = &client.record;
        let known_as = format!(
            "{} {}",
            c.preferred_name.as_ref().unwrap_or(&c.given_name).as_str(),
            c.family_name.as_str()
        );
        let plan = self.plan(client_id)?;
        let mut goals = Vec::with_capacity(plan.len());
        let mut actions = self.conn.prepare_cached(&format!(
            "{} WHERE t.goal_id = ?1 AND t.in_error_at IS NULL ORDER BY t.due_on IS NULL, t.due_on, t.id",
            GoalAction::SELECT
        ))?;
        for goal in plan {
            let rows = actions.query_map([goal.goal.id], |row| {
                super::sql::get_stored(row, GoalAction::from_row(row)?)
            })?;
            goals.push((goal.goal, rows.collect::<rusqlite::Result<Vec<_>>>()?));
        }
        let levels_held = self.levels_held(client_id, &goals)?;
        let mut readiness = self.readiness_in_force(client_id)?;
        readiness.reverse();
        Ok(PlanStructure {
            reference: c.reference.clone(),
            known_as,
            goals,
            levels_held,
            readiness,
        })
    }

    /// The levels the substance-use goal in hand held, and the finished goals before it, from
    /// their earlier versions and as they stand.
    fn levels_held(
        &self,
        client_id: i64,
        goals: &[(Stored<Goal>, Vec<Stored<GoalAction>>)],
    ) -> Result<Vec<(NaiveDate, HierarchyLevel)>> {
        let versions = self.client_earlier_versions(client_id)?;
        let mut held = Vec::new();
        for goal in succession(goals) {
            let mut earlier: Vec<&EarlierVersion> = versions
                .iter()
                .filter(|v| v.record_type == RecordType::Goal && v.record_id == goal.id)
                .collect();
            earlier.sort_by_key(|v| v.version);
            let mut from = goal.record.set_on;
            for version in earlier {
                let level = version
                    .content
                    .get("hierarchy_level")
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|n| u8::try_from(n).ok())
                    .and_then(HierarchyLevel::from_number);
                if let Some(level) = level {
                    held.push((from, level));
                }
                from = version.replaced_at.date_naive().max(goal.record.set_on);
            }
            if let Some(level) = goal.record.area.level() {
                held.push((from, level));
            }
        }
        Ok(held)
    }
}

/// The substance-use goals whose rungs make the client's path: the goal in hand, and the goals
/// set before it that were finished (achieved or paused). A goal dropped, or another held at the
/// same time (one for crack beside one for opiates), is not a step on that path.
fn succession(goals: &[(Stored<Goal>, Vec<Stored<GoalAction>>)]) -> Vec<&Stored<Goal>> {
    let substance: Vec<&Stored<Goal>> = goals
        .iter()
        .map(|(goal, _)| goal)
        .filter(|goal| goal.record.area.domain() == GoalDomain::SubstanceUse)
        .collect();
    let keys: Vec<(NaiveDate, GoalStatus)> = substance
        .iter()
        .map(|goal| (goal.record.set_on, goal.record.status))
        .collect();
    let Some(in_hand) = crate::domain::plan_structure::goal_in_hand(&keys).map(|i| substance[i])
    else {
        return Vec::new();
    };
    substance
        .into_iter()
        .filter(|goal| {
            goal.id == in_hand.id
                || (goal.record.set_on <= in_hand.record.set_on
                    && matches!(
                        goal.record.status,
                        GoalStatus::Achieved | GoalStatus::Paused
                    ))
        })
        .collect()
}
