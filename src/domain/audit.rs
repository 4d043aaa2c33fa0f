//! Who changed what, and when. Never the text of a note: an audit trail must not become a second
//! copy of the record.

use super::Login;
use chrono::{DateTime, Utc};
use serde::Serialize;

code_enum! {
    pub enum AuditAction {
        Create = ("create", "created"),
        Update = ("update", "updated"),
        Delete = ("delete", "deleted"),
        Complete = ("complete", "completed"),
        Generate = ("generate", "generated demo data"),
        Export = ("export", "exported"),
        Acknowledge = ("acknowledge", "acknowledged"),
        View = ("view", "viewed"),
        Erase = ("erase", "erased"),
        Init = ("init", "set up the team database"),
        Retire = ("retire", "retired"),
        Role = ("role", "changed the role of"),
        Setting = ("setting", "changed a service setting"),
        Amend = ("amend", "amended"),
        Void = ("void", "marked entered in error"),
        Unvoid = ("unvoid", "restored from entered in error"),
    }
}

code_enum! {
    pub enum RecordType {
        Service = ("service", "service"),
        Worker = ("worker", "worker"),
        Client = ("client", "client"),
        Prescription = ("prescription", "prescription"),
        Session = ("session", "session"),
        ReadinessNote = ("readiness_note", "readiness note"),
        Goal = ("goal", "goal"),
        GoalAction = ("goal_action", "goal action"),
        Review = ("review", "review"),
        Top = ("top", "TOP"),
        AlertAck = ("alert_ack", "alert acknowledgement"),
        Appointment = ("appointment", "appointment"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub login: Login,
    pub action: AuditAction,
    pub record_type: RecordType,
    pub record_id: Option<i64>,
    /// A short non-clinical detail: a setting's old and new value, a role change, an erased
    /// client's reference. Never the text of a note.
    pub detail: Option<String>,
}

/// The hash the first audit row chains from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit row as it is hashed: every stored field, in a fixed order.
#[derive(Debug, Clone, Copy)]
pub struct ChainFields<'a> {
    pub id: i64,
    /// The stored UTC timestamp text, exactly as written.
    pub at: &'a str,
    pub login: &'a str,
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: Option<i64>,
    pub detail: Option<&'a str>,
}

/// SHA-256, as lower-case hex, over the previous row's hash and this row's fields.
///
/// Each field is written with its length before it, so no two different rows can produce the
/// same bytes (`"ab" + "c"` and `"a" + "bc"` differ). Chaining makes the trail tamper-evident:
/// changing, removing, inserting or reordering a row breaks every hash after it.
pub fn chain_hash(previous: &str, row: &ChainFields<'_>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let record_id = row.record_id.map(|id| id.to_string());
    let id = row.id.to_string();
    let fields: [Option<&str>; 8] = [
        Some(previous),
        Some(&id),
        Some(row.at),
        Some(row.login),
        Some(row.action),
        Some(row.record_type),
        record_id.as_deref(),
        row.detail,
    ];
    for field in fields {
        match field {
            Some(text) => {
                hasher.update((text.len() as u64).to_be_bytes());
                hasher.update(text.as_bytes());
            }
            // A null is told apart from an empty text by a length no text can have.
            None => hasher.update(u64::MAX.to_be_bytes()),
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, detail: Option<&str>) -> ChainFields<'_> {
        ChainFields {
            id,
            at: "2026-11-29T10:00:00Z",
            login: "sam",
            action: "create",
            record_type: "session",
            record_id: Some(7),
            detail,
        }
    }

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let base = chain_hash(GENESIS_HASH, &row(1, None));
        assert_eq!(base.len(), 64);
        assert_eq!(base, chain_hash(GENESIS_HASH, &row(1, None)));
        assert_ne!(base, chain_hash(GENESIS_HASH, &row(2, None)));
        assert_ne!(base, chain_hash(GENESIS_HASH, &row(1, Some(""))));
        assert_ne!(base, chain_hash(&base, &row(1, None)));
        let other_login = ChainFields {
            login: "sa",
            ..row(1, None)
        };
        assert_ne!(base, chain_hash(GENESIS_HASH, &other_login));
        let no_record = ChainFields {
            record_id: None,
            ..row(1, None)
        };
        assert_ne!(base, chain_hash(GENESIS_HASH, &no_record));
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let a = ChainFields {
            login: "ab",
            action: "c",
            ..row(1, None)
        };
        let b = ChainFields {
            login: "a",
            action: "bc",
            ..row(1, None)
        };
        assert_ne!(chain_hash(GENESIS_HASH, &a), chain_hash(GENESIS_HASH, &b));
    }
}
