use chrono::{DateTime, Utc};
use serde::Serialize;

/// A record as the store holds it: its content plus identity and the bookkeeping every table keeps.
///
/// `row_version` starts at 1 and rises with each update, so a form opened on version 3 can tell on
/// saving that someone else saved version 4 meanwhile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stored<T> {
    pub id: i64,
    #[serde(flatten)]
    pub record: T,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub row_version: i64,
}
