//! The recovery plan: goals in the client's words across life domains, each with actions.

use super::{DomainError, Score, ShortText};
use chrono::NaiveDate;
use serde::{Serialize, Serializer};

code_enum! {
    /// The life domains a recovery plan spans, ending with the exit plan that must be visible from
    /// the first day.
    pub enum GoalDomain {
        SubstanceUse = ("substance_use", "Substance use"),
        PhysicalHealth = ("physical_health", "Physical health"),
        MentalHealth = ("mental_health", "Mental health and wellbeing"),
        Housing = ("housing", "Housing"),
        Ete = ("ete", "Education, training and employment"),
        Family = ("family", "Family and relationships"),
        MoneyDebt = ("money_debt", "Money and debt"),
        OffendingLegal = ("offending_legal", "Offending and legal"),
        MutualAid = ("mutual_aid", "Mutual aid and community"),
        Exit = ("exit", "Exit from treatment"),
    }
}

code_enum! {
    /// The hierarchy of goals for substance use (BJGP editorial, Box 1), highest first. Every
    /// level is a legitimate goal; moving up a level is progress.
    pub enum HierarchyLevel {
        AbstinenceAll = ("abstinence_all", "Abstinence from all drugs"),
        AbstinenceMain = ("abstinence_main", "Abstinence from the main problem drug(s)"),
        ControlledUse = ("controlled_use", "Controlled, non-dependent or non-problematic use"),
        IndirectHarms = ("indirect_harms", "Reduce problems not directly due to drug use"),
        RiskyBehaviour = ("risky_behaviour", "Reduce harmful or risky behaviours"),
        DirectHarms = ("direct_harms", "Reduce problems directly related to drug use"),
    }
}

impl HierarchyLevel {
    /// 1 for abstinence from all drugs down to 6.
    pub fn number(self) -> u8 {
        Self::ALL.iter().position(|l| *l == self).expect("listed") as u8 + 1
    }

    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }
}

/// Where a goal sits in the plan. Only a substance-use goal has a level on the hierarchy, and it
/// always has one: the type cannot hold any other combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoalArea {
    domain: GoalDomain,
    level: Option<HierarchyLevel>,
}

impl GoalArea {
    pub fn substance_use(level: HierarchyLevel) -> Self {
        Self {
            domain: GoalDomain::SubstanceUse,
            level: Some(level),
        }
    }

    pub fn new(domain: GoalDomain, level: Option<HierarchyLevel>) -> Result<Self, DomainError> {
        match (domain, level) {
            (GoalDomain::SubstanceUse, None) => Err(DomainError::Rule(
                "a substance-use goal needs its level on the hierarchy of goals".into(),
            )),
            (GoalDomain::SubstanceUse, Some(_)) | (_, None) => Ok(Self { domain, level }),
            (_, Some(_)) => Err(DomainError::Rule(format!(
                "only substance-use goals have a hierarchy level, not {}",
                domain.label().to_lowercase()
            ))),
        }
    }

    pub fn domain(self) -> GoalDomain {
        self.domain
    }

    pub fn level(self) -> Option<HierarchyLevel> {
        self.level
    }
}

impl Serialize for GoalArea {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("GoalArea", 2)?;
        s.serialize_field("domain", &self.domain)?;
        s.serialize_field("hierarchy_level", &self.level.map(HierarchyLevel::number))?;
        s.end()
    }
}

code_enum! {
    pub enum GoalStatus {
        Proposed = ("proposed", "Proposed"),
        Active = ("active", "Active"),
        Achieved = ("achieved", "Achieved"),
        Paused = ("paused", "Paused"),
        Dropped = ("dropped", "Dropped"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Goal {
    pub client_id: i64,
    #[serde(flatten)]
    pub area: GoalArea,
    /// The goal as the client put it.
    pub in_own_words: ShortText,
    pub why_it_matters: Option<ShortText>,
    pub set_on: NaiveDate,
    pub target_date: Option<NaiveDate>,
    pub status: GoalStatus,
    /// Progress agreed in session, 0 to 10.
    pub progress: Score,
}

impl Goal {
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.target_date.is_some_and(|target| target < self.set_on) {
            return Err(DomainError::Rule(
                "target date is before the goal was set".into(),
            ));
        }
        Ok(())
    }
}

code_enum! {
    /// Who takes an action forward.
    pub enum ActionOwner {
        Client = ("client", "Client"),
        KeyWorker = ("key_worker", "Key worker"),
        OtherAgency = ("other_agency", "Another agency"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalAction {
    pub goal_id: i64,
    pub step: ShortText,
    pub owner: ActionOwner,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substance_use_goal_requires_a_hierarchy_level() {
        assert!(GoalArea::new(GoalDomain::SubstanceUse, None).is_err());
        let area = GoalArea::new(
            GoalDomain::SubstanceUse,
            Some(HierarchyLevel::RiskyBehaviour),
        );
        assert_eq!(area.unwrap().level().map(HierarchyLevel::number), Some(5));
    }

    #[test]
    fn other_domains_refuse_a_hierarchy_level() {
        assert!(GoalArea::new(GoalDomain::Housing, Some(HierarchyLevel::AbstinenceAll)).is_err());
        assert!(GoalArea::new(GoalDomain::Housing, None).is_ok());
    }

    #[test]
    fn hierarchy_levels_number_from_one_highest_first() {
        assert_eq!(HierarchyLevel::AbstinenceAll.number(), 1);
        assert_eq!(HierarchyLevel::DirectHarms.number(), 6);
        for level in HierarchyLevel::ALL {
            assert_eq!(HierarchyLevel::from_number(level.number()), Some(*level));
        }
        assert_eq!(HierarchyLevel::from_number(0), None);
        assert_eq!(HierarchyLevel::from_number(7), None);
    }
}
