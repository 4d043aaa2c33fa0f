//! Treatment Outcomes Profiles: one row per TOP and one per answered item.

use super::sql::conversion_error;
use super::{Result, Table, Writer, invalid};
use crate::domain::{Answer, RecordType, Top, TopItem};
use rusqlite::params;
use rusqlite::types::FromSqlError;
use std::collections::BTreeMap;

impl Table for Top {
    const RECORD: RecordType = RecordType::Top;
    /// The answers come as one JSON object, item code to value or `"declined"`, so a TOP is one
    /// row to read.
    const SELECT: &'static str = "SELECT t.*,
        (SELECT json_group_object(a.item, CASE WHEN a.declined THEN 'declined' ELSE a.value END)
         FROM top_answers a WHERE a.top_id = t.id) AS answers
        FROM tops t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let json: String = row.get("answers")?;
        let answers = parse_answers(&json)
            .map_err(|e| conversion_error(row, "answers", FromSqlError::Other(e.into())))?;
        Ok(Top {
            client_id: row.get("client_id")?,
            worker_id: row.get("worker_id")?,
            completed_on: row.get("completed_on")?,
            stage: row.get("stage")?,
            other_substance: row.get("other_substance")?,
            answers,
        })
    }

    fn insert(w: &Writer<'_>, top: &Self) -> Result<i64> {
        top.validate().map_err(invalid(RecordType::Top))?;
        w.tx.prepare_cached(
            "INSERT INTO tops (client_id, worker_id, completed_on, stage, other_substance, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        )?
        .execute(params![
            top.client_id,
            top.worker_id,
            top.completed_on,
            top.stage,
            top.other_substance,
            w.stamp
        ])?;
        let id = w.tx.last_insert_rowid();
        let mut stmt = w.tx.prepare_cached(
            "INSERT INTO top_answers (top_id, item, declined, value) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (item, answer) in &top.answers {
            stmt.execute(params![
                id,
                item,
                *answer == Answer::Declined,
                answer.value()
            ])?;
        }
        Ok(id)
    }
}

fn parse_answers(json: &str) -> std::result::Result<BTreeMap<TopItem, Answer>, String> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|e| e.to_string())?;
    object
        .into_iter()
        .map(|(code, value)| {
            let item =
                TopItem::from_code(&code).ok_or_else(|| format!("unknown TOP item {code}"))?;
            let answer = match value {
                serde_json::Value::String(s) if s == "declined" => Answer::Declined,
                serde_json::Value::Number(n) => Answer::Value(n.as_f64().unwrap_or_default()),
                other => return Err(format!("TOP item {code}: unexpected {other}")),
            };
            Ok((item, answer))
        })
        .collect()
}
