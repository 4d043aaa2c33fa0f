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
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub login: Login,
    pub action: AuditAction,
    pub record_type: RecordType,
    pub record_id: Option<i64>,
}
