use super::sql::parse_timestamp;
use crate::domain::AuditEntry;

pub const SELECT: &str = "SELECT at, login, action, record_type, record_id FROM audit ORDER BY id";

pub fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    let at: String = row.get("at")?;
    Ok(AuditEntry {
        at: parse_timestamp(&at).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })?,
        login: row.get("login")?,
        action: row.get("action")?,
        record_type: row.get("record_type")?,
        record_id: row.get("record_id")?,
    })
}
