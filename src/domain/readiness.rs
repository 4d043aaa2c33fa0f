//! Readiness for change: the worker's judgement of the stage of change and the client's own
//! readiness-ruler scores.

use super::{DomainError, NoteText};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum! {
    /// Stages of change (Prochaska and DiClemente), with relapse as recycling back.
    pub enum Stage {
        Precontemplation = ("precontemplation", "Precontemplation"),
        Contemplation = ("contemplation", "Contemplation"),
        Preparation = ("preparation", "Preparation"),
        Action = ("action", "Action"),
        Maintenance = ("maintenance", "Maintenance"),
        Relapse = ("relapse", "Relapse"),
    }
}

impl Stage {
    pub fn short(self) -> &'static str {
        match self {
            Self::Precontemplation => "Precontemp",
            Self::Contemplation => "Contemp",
            Self::Preparation => "Prep",
            Self::Action => "Action",
            Self::Maintenance => "Maintain",
            Self::Relapse => "Relapse",
        }
    }
}

/// A score from 0 to 10: a readiness-ruler answer or progress on a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Score(u8);

impl Score {
    pub const MAX: u8 = 10;
    pub fn new(value: u8) -> Result<Self, DomainError> {
        if value <= Self::MAX {
            Ok(Self(value))
        } else {
            Err(DomainError::OutOfRange {
                what: "score",
                min: 0,
                max: 10,
                value: value.into(),
            })
        }
    }
    pub fn get(self) -> u8 {
        self.0
    }
}
impl TryFrom<u8> for Score {
    type Error = DomainError;
    fn try_from(v: u8) -> Result<Self, DomainError> {
        Self::new(v)
    }
}
impl From<Score> for u8 {
    fn from(s: Score) -> u8 {
        s.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadinessNote {
    pub client_id: i64,
    pub worker_id: i64,
    pub noted_on: NaiveDate,
    pub stage: Stage,
    /// "How important is it for you to change?"
    pub importance: Option<Score>,
    /// "How confident are you that you could?"
    pub confidence: Option<Score>,
    /// "How ready are you?"
    pub readiness: Option<Score>,
    /// The client's own words.
    pub note: NoteText,
    pub session_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruler_scores_stop_at_ten() {
        assert!(Score::new(10).is_ok());
        assert_eq!(
            Score::new(11).unwrap_err().to_string(),
            "score must be between 0 and 10, got 11"
        );
    }
}
