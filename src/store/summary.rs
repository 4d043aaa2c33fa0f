//! The per-client summary the caseload reads, and the change sequence an open screen follows.
//!
//! Schema 9 defines `client_facts_computed` (a view: the facts the review and alert rules need,
//! computed from the records) and `client_summary` (the same columns, stored). Triggers (made by
//! migration 9, frozen in `store::migrate::client_summary`, and by later migrations for later
//! tables) keep the table equal to the view in the same transaction as every write, whoever
//! writes and however (a form, the command line, a correction, an import, an erasure), so the
//! team view reads one row per client. They also stamp `client_changes` with a growing sequence
//! number, so a screen can reload only the clients a colleague's save touched. This module
//! pauses them for a bulk load, rebuilds, and reads the changes.

use super::{Result, Store};

/// Set (in `meta`) while a bulk load writes: the triggers stand aside and the load rebuilds the
/// summary once at the end, instead of once per row.
pub(super) const META_SUMMARY_PAUSED: &str = "summary_paused";

/// The client id `client_changes` uses for a change to the whole service (the team list, the
/// settings, a bulk load): an open screen reloads everything.
pub const WHOLE_SERVICE: i64 = 0;

/// Stamps the client `id` (an SQL expression) with the next change number; nothing for a client
/// no longer there (the rows an erasure removes with the client) or when the expression is NULL.
fn stamp_change(id: &str) -> String {
    format!(
        "INSERT INTO client_changes (client_id, seq)
           SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT {id} AS x)
           WHERE x = {WHOLE_SERVICE} OR EXISTS (SELECT 1 FROM clients WHERE id = x)
           ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;\n"
    )
}

/// Rebuilds the whole summary from the records and marks the whole service changed: the end of
/// a bulk load, which paused the triggers.
pub(super) const REBUILD: &str = "
    DELETE FROM client_summary;
    INSERT INTO client_summary SELECT * FROM client_facts_computed;";

/// Marks the whole service changed (after a bulk load, whose rows the triggers let pass).
pub(super) fn stamp_whole_service() -> String {
    stamp_change(&WHOLE_SERVICE.to_string())
}

/// What an open screen should reload after a colleague's save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Nothing since the sequence number the screen holds.
    None,
    /// These clients (erased ones among them) changed.
    Clients(Vec<i64>),
    /// The team list, the settings or everything changed: reload it all.
    Everything,
}

const DRIFT: &str = "
    SELECT (SELECT count(*) FROM (SELECT * FROM client_facts_computed EXCEPT SELECT * FROM client_summary))
         + (SELECT count(*) FROM (SELECT * FROM client_summary EXCEPT SELECT * FROM client_facts_computed))";

/// In debug builds (every test run), each write transaction ends by checking that the summary
/// still equals the facts computed afresh, so every kind of write, correction, void, import and
/// erasure the tests make is also a test of the triggers. Skipped on service-sized files, where
/// the check would take a noticeable part of a second.
#[cfg(debug_assertions)]
pub(super) fn assert_no_drift(tx: &rusqlite::Transaction<'_>) {
    let small = tx
        .query_row("SELECT count(*) <= 2000 FROM clients", [], |r| r.get(0))
        .unwrap_or(false);
    if !small {
        return;
    }
    let drift: i64 = tx
        .query_row(DRIFT, [], |r| r.get(0))
        .expect("the summary drift check runs");
    assert_eq!(
        drift, 0,
        "client_summary drifted from client_facts_computed"
    );
}

impl Store {
    /// The latest change number (0 before any change was recorded).
    pub fn change_seq(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM client_changes",
            [],
            |r| r.get(0),
        )?)
    }

    /// What changed after change number `since`, and the latest number to hold next.
    pub fn changes_since(&self, since: i64) -> Result<(Changes, i64)> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT client_id, seq FROM client_changes WHERE seq > ?1")?;
        let mut latest = since;
        let mut clients = Vec::new();
        let rows = stmt.query_map([since], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (client, seq) = row?;
            latest = latest.max(seq);
            clients.push(client);
        }
        let changes = if clients.is_empty() {
            Changes::None
        } else if clients.contains(&WHOLE_SERVICE) {
            Changes::Everything
        } else {
            clients.sort_unstable();
            Changes::Clients(clients)
        };
        Ok((changes, latest))
    }

    /// How many clients' stored summary differs from the facts computed afresh (0 when sound):
    /// `keywork check` reports it, and tests hold it at 0 after every kind of write.
    pub fn summary_drift(&self) -> Result<i64> {
        Ok(self.conn.query_row(DRIFT, [], |r| r.get(0))?)
    }
}
