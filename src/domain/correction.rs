//! Correcting the record: clinical records are corrected, never erased. An amendment keeps the
//! earlier version (who wrote what, when); an entry made by mistake is marked "entered in error"
//! with a reason, stays visible to those who need it, and counts for nothing in the rules.

use super::{DomainError, Login, ReadinessNote, RecordType, ShortText};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

code_enum! {
    /// What replaced an earlier version of an entry.
    pub enum Change {
        Amend = ("amend", "amended"),
        Update = ("update", "updated"),
        Void = ("void", "marked entered in error"),
        Unvoid = ("unvoid", "restored from entered in error"),
    }
}

/// The mark on an entry made by mistake: when, by whom, and why (the reason is required, so a
/// reader of the record knows what to make of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InError {
    pub at: DateTime<Utc>,
    pub by: Login,
    pub reason: ShortText,
}

/// One replaced version of an entry, kept whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EarlierVersion {
    pub record_type: RecordType,
    pub record_id: i64,
    /// The entry's `row_version` while this content stood.
    pub version: i64,
    /// The entry as it stood, as JSON (the export's shape), with its `in_error` mark.
    pub content: serde_json::Value,
    /// Who saved this version; `None` for entries loaded in bulk (demo data), which have no
    /// audit row of their own.
    pub written_by: Option<Login>,
    pub written_at: DateTime<Utc>,
    pub change: Change,
    pub replaced_by: Login,
    pub replaced_at: DateTime<Utc>,
}

/// The kinds of entry that can be amended and marked entered in error.
pub const CORRECTABLE: &[RecordType] = &[
    RecordType::Session,
    RecordType::ReadinessNote,
    RecordType::Goal,
    RecordType::GoalAction,
    RecordType::Review,
    RecordType::Top,
    RecordType::AlertAck,
    RecordType::Prescription,
];

impl ReadinessNote {
    /// A note is dated within the client's time with the service: not in the future, not before
    /// their referral.
    pub fn validate_date(&self, today: NaiveDate, referral: NaiveDate) -> Result<(), DomainError> {
        if self.noted_on > today {
            return Err(DomainError::Rule(
                "a readiness note cannot be dated in the future".into(),
            ));
        }
        if self.noted_on < referral {
            return Err(DomainError::Rule(format!(
                "a readiness note cannot be dated before the client's referral ({})",
                super::uk_date(referral)
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NoteText, Stage};

    fn note_on(on: &str) -> ReadinessNote {
        ReadinessNote {
            client_id: 1,
            worker_id: 1,
            noted_on: on.parse().unwrap(),
            stage: Stage::Action,
            importance: None,
            confidence: None,
            readiness: None,
            note: NoteText::empty(),
            session_id: None,
        }
    }

    #[test]
    fn a_readiness_note_is_dated_between_referral_and_today() {
        let today: NaiveDate = "2026-11-23".parse().unwrap();
        let referral: NaiveDate = "2026-01-10".parse().unwrap();
        let cases = [
            ("2026-11-23", None),
            ("2026-01-10", None),
            (
                "2026-11-24",
                Some("a readiness note cannot be dated in the future"),
            ),
            (
                "2026-01-09",
                Some("a readiness note cannot be dated before the client's referral (10/01/2026)"),
            ),
        ];
        for (on, expected) in cases {
            let got = note_on(on).validate_date(today, referral).err();
            assert_eq!(got.map(|e| e.to_string()).as_deref(), expected, "{on}");
        }
    }

    #[test]
    fn change_codes_read_back() {
        for change in Change::ALL {
            assert_eq!(Change::from_code(change.code()), Some(*change));
        }
    }
}
