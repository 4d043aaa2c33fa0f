//! An earlier version of a corrected entry in words a person reads: who wrote it and what
//! replaced it, then each field in the export's words without the bookkeeping. The record
//! screen wraps these lines to its width; the subject access export keeps them whole.

use crate::domain::{EarlierVersion, uk_date};

/// The fields a person does not need to read: the database's own bookkeeping.
const BOOKKEEPING: &[&str] = &["id", "created_at", "updated_at", "row_version", "client_id"];

/// "Session 12, version 1: written by jo on 01/12/2026; amended by sam on 02/12/2026".
pub fn version_header(v: &EarlierVersion) -> String {
    let by = v
        .written_by
        .as_ref()
        .map_or_else(|| "the demo generator".to_owned(), |l| l.to_string());
    format!(
        "{} {}, version {}: written by {by} on {}; {} by {} on {}",
        v.record_type.label(),
        v.record_id,
        v.version,
        uk_date(v.written_at.date_naive()),
        v.change.label(),
        v.replaced_by,
        uk_date(v.replaced_at.date_naive())
    )
}

/// Each field the version held, as "name: value" (a value may hold line breaks), in the order
/// stored, without the bookkeeping and the empty ones.
pub fn version_fields(v: &EarlierVersion) -> Vec<String> {
    v.content
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| !BOOKKEEPING.contains(&k.as_str()) && !v.is_null())
        .map(|(key, value)| format!("{}: {}", key.replace('_', " "), plain(value)))
        .collect()
}

/// A JSON value as words: text as it is, a list as its items, a mark as its fields.
fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        serde_json::Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k} {}", plain(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
