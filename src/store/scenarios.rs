//! Scenario clients of a generated service: the one-line story each client's record tells, kept
//! beside the records so a generated file lists its scenarios after restarts.

use super::{Result, Store, Writer};
use crate::domain::ServiceRef;
use rusqlite::{OptionalExtension, params};

/// One scenario client as listed for a trainer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioRow {
    pub number: u8,
    pub client_id: i64,
    pub reference: ServiceRef,
    pub name: String,
    pub story: String,
}

impl Writer<'_> {
    /// Names `client_id` scenario `number`, with its story.
    pub fn insert_scenario(&self, client_id: i64, number: u8, story: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO scenarios (client_id, number, story) VALUES (?1, ?2, ?3)",
            params![client_id, number, story],
        )?;
        Ok(())
    }
}

impl Store {
    /// The scenario clients, by number; empty on a real database.
    pub fn scenarios(&self) -> Result<Vec<ScenarioRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.number, s.client_id, c.reference, c.given_name || ' ' || c.family_name, s.story
             FROM scenarios s JOIN clients c ON c.id = s.client_id ORDER BY s.number",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ScenarioRow {
                number: r.get(0)?,
                client_id: r.get(1)?,
                reference: r.get(2)?,
                name: r.get(3)?,
                story: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The story of this client, if it is a scenario client of a demo database: a real database's
    /// records never carry one, whatever the table holds.
    pub fn scenario_story(&self, client_id: i64) -> Result<Option<String>> {
        if !self.is_demo()? {
            return Ok(None);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT story FROM scenarios WHERE client_id = ?1",
                [client_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}
