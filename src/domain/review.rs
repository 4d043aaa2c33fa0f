//! Reviews a service must hold on time: the care plan, the prescription, outcomes and risk.

use super::NoteText;
use chrono::NaiveDate;
use serde::Serialize;

code_enum! {
    pub enum ReviewKind {
        CarePlan = ("care_plan", "Care-plan review"),
        Prescribing = ("prescribing", "Prescribing review"),
        Outcomes = ("outcomes", "Outcomes (TOP) review"),
        Risk = ("risk", "Risk review"),
    }
}

impl ReviewKind {
    pub fn short(self) -> &'static str {
        match self {
            Self::CarePlan => "Care plan",
            Self::Prescribing => "Prescribing",
            Self::Outcomes => "TOP",
            Self::Risk => "Risk",
        }
    }
}

/// A completed review: when, by whom, and what was agreed. Date and worker come together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewCompletion {
    pub completed_on: NaiveDate,
    pub completed_by: i64,
    pub outcome: NoteText,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub client_id: i64,
    pub kind: ReviewKind,
    pub due_on: NaiveDate,
    #[serde(flatten)]
    pub completion: Option<ReviewCompletion>,
}

impl Review {
    /// Days past the due date (positive), or days to go (negative); `None` once done.
    pub fn days_overdue(&self, today: NaiveDate) -> Option<i64> {
        self.completion
            .is_none()
            .then(|| (today - self.due_on).num_days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_review_counts_days_over() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let review = Review {
            client_id: 1,
            kind: ReviewKind::Prescribing,
            due_on: NaiveDate::from_ymd_opt(2026, 11, 13).unwrap(),
            completion: None,
        };
        assert_eq!(review.days_overdue(today), Some(10));
        let done = Review {
            completion: Some(ReviewCompletion {
                completed_on: today,
                completed_by: 1,
                outcome: NoteText::empty(),
            }),
            ..review
        };
        assert_eq!(done.days_overdue(today), None);
    }
}
