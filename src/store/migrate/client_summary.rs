//! Migration 9: the triggers that keep `client_summary` equal to `client_facts_computed` and
//! stamp `client_changes` (see `assets/migrations/0009_client_summary.sql`), then the summary
//! filled from the records.
//!
//! Frozen here as they were at schema 9: the tables that had triggers, how each row names its
//! client, the trigger bodies and the rebuild. Later schemas carry on from these triggers
//! (15, 16 and 17 add and remake some in their SQL) and the live summary code (`store::summary`)
//! reads and rebuilds the summary its own way; a file upgraded from schema 8 must still get the
//! triggers a schema-9 keywork made, so this migration calls none of it. One pattern for two
//! dozen triggers is clearer made than written out, hence Rust and not SQL.

use rusqlite::Transaction;

/// The `meta` key that, while set, makes the triggers stand aside (a bulk load).
const META_SUMMARY_PAUSED: &str = "summary_paused";

/// The client id `client_changes` uses for a change to the whole service.
const WHOLE_SERVICE: i64 = 0;

/// Tables whose rows fed the summary at schema 9, and how a row names its client (`{row}` is
/// NEW or OLD).
const SUMMARY_SOURCES: &[(&str, &str)] = &[
    ("sessions", "{row}.client_id"),
    ("readiness_notes", "{row}.client_id"),
    ("reviews", "{row}.client_id"),
    ("tops", "{row}.client_id"),
    (
        "top_answers",
        "(SELECT client_id FROM tops WHERE id = {row}.top_id)",
    ),
    ("goals", "{row}.client_id"),
    ("alert_acks", "{row}.client_id"),
    ("client_substances", "{row}.client_id"),
];

/// Further tables whose changes a screen showed at schema 9, though the summary did not read
/// them.
const CHANGE_ONLY_SOURCES: &[(&str, &str)] = &[
    ("clients", "{row}.id"),
    (
        "goal_actions",
        "(SELECT client_id FROM goals WHERE id = {row}.goal_id)",
    ),
    (
        "session_interventions",
        "(SELECT client_id FROM sessions WHERE id = {row}.session_id)",
    ),
    ("prescriptions", "{row}.client_id"),
    ("appointments", "{row}.client_id"),
    ("workers", "0"),
    ("service_settings", "0"),
];

const EVENTS: &[(&str, &[&str])] = &[
    ("INSERT", &["NEW"]),
    ("UPDATE", &["OLD", "NEW"]),
    ("DELETE", &["OLD"]),
];

/// The summary made from the records, once the triggers exist: the SQL run after
/// [`create_triggers`] in migration 9's transaction.
pub const REBUILD: &str = "
    DELETE FROM client_summary;
    INSERT INTO client_summary SELECT * FROM client_facts_computed;";

/// The Rust step of migration 9: creates the triggers. Runs inside the migration's transaction.
pub fn create_triggers(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(&triggers_sql())
}

fn triggers_sql() -> String {
    let mut sql = String::new();
    let sources = SUMMARY_SOURCES
        .iter()
        .map(|s| (s, true))
        .chain(CHANGE_ONLY_SOURCES.iter().map(|s| (s, false)));
    for (&(table, client), summarised) in sources {
        for (event, rows) in EVENTS {
            let clients: Vec<String> = rows.iter().map(|r| client.replace("{row}", r)).collect();
            let mut body = String::new();
            if summarised {
                let ids = clients.join(", ");
                body.push_str(&format!(
                    "DELETE FROM client_summary WHERE client_id IN ({ids});
                     INSERT INTO client_summary SELECT * FROM client_facts_computed WHERE client_id IN ({ids});\n"
                ));
            }
            if table == "clients" {
                body.push_str(&clients_trigger_extra(event));
            }
            if table == "clients" && *event == "DELETE" {
                // An erasure leaves no row naming the client, not even here; screens reload all.
                body.push_str(&stamp_change(&WHOLE_SERVICE.to_string()));
            } else {
                for id in &clients {
                    body.push_str(&stamp_change(id));
                }
            }
            sql.push_str(&format!(
                "CREATE TRIGGER summary_{table}_{event} AFTER {event} ON {table}
                 WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = '{META_SUMMARY_PAUSED}')
                 BEGIN {body} END;\n",
                event = event.to_lowercase(),
            ));
        }
    }
    sql
}

/// A new client starts with an (empty) summary row; an erased one leaves none.
fn clients_trigger_extra(event: &str) -> String {
    match event {
        "INSERT" => {
            "INSERT INTO client_summary SELECT * FROM client_facts_computed WHERE client_id = NEW.id;\n"
                .to_owned()
        }
        "DELETE" => "DELETE FROM client_summary WHERE client_id = OLD.id;
                     DELETE FROM client_changes WHERE client_id = OLD.id;\n"
            .to_owned(),
        _ => String::new(),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_table_gets_a_trigger_per_event() {
        let sql = triggers_sql();
        for (table, _) in SUMMARY_SOURCES.iter().chain(CHANGE_ONLY_SOURCES) {
            for event in ["insert", "update", "delete"] {
                assert!(
                    sql.contains(&format!("CREATE TRIGGER summary_{table}_{event} ")),
                    "{table} {event}"
                );
            }
        }
    }
}
