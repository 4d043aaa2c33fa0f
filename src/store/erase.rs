//! Erasing one client's whole record: the rare lawful erasure under UK GDPR. Health records are
//! usually exempt from the right to erasure (Art. 17(3)), so discharge stays the normal end of a
//! record; this is a deliberate act of a team lead, audited by reference only.

use super::{Need, Result, Store, Writer};
use crate::domain::{AuditAction, RecordType, ServiceRef};
use rusqlite::{Connection, OptionalExtension};

/// One kind of row a client's record holds, and how to count that client's rows of it.
struct Part {
    one: &'static str,
    many: &'static str,
    /// Counts the rows belonging to the client whose id is `?1`.
    count: &'static str,
}

/// Every table holding rows of a client. Deleting the client row removes them all through the
/// schema's `ON DELETE CASCADE` (checked by this module's tests); the counts are for the lead.
const PARTS: &[Part] = &[
    Part {
        one: "client",
        many: "clients",
        count: "SELECT count(*) FROM clients WHERE id = ?1",
    },
    Part {
        one: "session",
        many: "sessions",
        count: "SELECT count(*) FROM sessions WHERE client_id = ?1",
    },
    Part {
        one: "session intervention",
        many: "session interventions",
        count: "SELECT count(*) FROM session_interventions
                WHERE session_id IN (SELECT id FROM sessions WHERE client_id = ?1)",
    },
    Part {
        one: "readiness note",
        many: "readiness notes",
        count: "SELECT count(*) FROM readiness_notes WHERE client_id = ?1",
    },
    Part {
        one: "goal",
        many: "goals",
        count: "SELECT count(*) FROM goals WHERE client_id = ?1",
    },
    Part {
        one: "goal action",
        many: "goal actions",
        count: "SELECT count(*) FROM goal_actions
                WHERE goal_id IN (SELECT id FROM goals WHERE client_id = ?1)",
    },
    Part {
        one: "review",
        many: "reviews",
        count: "SELECT count(*) FROM reviews WHERE client_id = ?1",
    },
    Part {
        one: "TOP",
        many: "TOPs",
        count: "SELECT count(*) FROM tops WHERE client_id = ?1",
    },
    Part {
        one: "TOP answer",
        many: "TOP answers",
        count: "SELECT count(*) FROM top_answers
                WHERE top_id IN (SELECT id FROM tops WHERE client_id = ?1)",
    },
    Part {
        one: "alert acknowledgement",
        many: "alert acknowledgements",
        count: "SELECT count(*) FROM alert_acks WHERE client_id = ?1",
    },
    Part {
        one: "prescription",
        many: "prescriptions",
        count: "SELECT count(*) FROM prescriptions WHERE client_id = ?1",
    },
    Part {
        one: "missed dose",
        many: "missed doses",
        count: "SELECT count(*) FROM missed_doses WHERE client_id = ?1",
    },
    Part {
        one: "BBV test result",
        many: "BBV test results",
        count: "SELECT count(*) FROM bbv_results WHERE client_id = ?1",
    },
    Part {
        one: "ECG",
        many: "ECGs",
        count: "SELECT count(*) FROM ecgs WHERE client_id = ?1",
    },
    Part {
        one: "other substance",
        many: "other substances",
        count: "SELECT count(*) FROM client_substances WHERE client_id = ?1",
    },
    Part {
        one: "appointment",
        many: "appointments",
        count: "SELECT count(*) FROM appointments WHERE client_id = ?1",
    },
    Part {
        one: "earlier version",
        many: "earlier versions",
        count: "SELECT count(*) FROM earlier_versions WHERE client_id = ?1",
    },
    Part {
        one: "scenario story",
        many: "scenario stories",
        count: "SELECT count(*) FROM scenarios WHERE client_id = ?1",
    },
    Part {
        one: "draft",
        many: "drafts",
        count: DRAFTS_COUNT,
    },
];

/// A draft of the client form names the client it edits in `target_id`, which has no foreign
/// key; such drafts are deleted explicitly, the rest go with the client row.
const DRAFTS_COUNT: &str =
    "SELECT count(*) FROM drafts WHERE client_id = ?1 OR (form = 'client' AND target_id = ?1)";
const DELETE_CLIENT_FORM_DRAFTS: &str =
    "DELETE FROM drafts WHERE form = 'client' AND target_id = ?1";

/// `meta` key holding the number of the highest reference ever erased: the audit names an erased
/// client by reference, so no later client may be given it.
pub(super) const META_HIGHEST_ERASED: &str = "highest_erased_reference";

/// How many rows of each kind an erasure removes (or would remove).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    pub client_id: i64,
    pub removed: Vec<Removed>,
}

/// A count of one kind of row, with its name in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub count: i64,
    pub one: &'static str,
    pub many: &'static str,
}

impl Removed {
    /// "1 client", "35 sessions".
    pub fn phrase(&self) -> String {
        let name = if self.count == 1 { self.one } else { self.many };
        format!("{} {name}", self.count)
    }
}

fn client_id(conn: &Connection, reference: &ServiceRef) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM clients WHERE reference = ?1",
            [reference.as_str()],
            |r| r.get(0),
        )
        .optional()?)
}

fn count_parts(conn: &Connection, client_id: i64) -> Result<Erasure> {
    let mut removed = Vec::with_capacity(PARTS.len());
    for part in PARTS {
        let count: i64 = conn.query_row(part.count, [client_id], |r| r.get(0))?;
        removed.push(Removed {
            count,
            one: part.one,
            many: part.many,
        });
    }
    Ok(Erasure { client_id, removed })
}

/// Remembers the reference as used, so [`Store::next_reference`] never offers it again.
fn retire_reference(w: &Writer<'_>, reference: &ServiceRef) -> Result<()> {
    let number: i64 = reference.as_str()[3..].parse().unwrap_or(0);
    let highest: Option<String> =
        w.tx.query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [META_HIGHEST_ERASED],
            |r| r.get(0),
        )
        .optional()?;
    let highest = highest.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    if number > highest {
        w.set_meta(META_HIGHEST_ERASED, &number.to_string())?;
    }
    Ok(())
}

impl Store {
    /// Refuses unless this login may erase (a current team lead, on a writable run): asked
    /// before the confirmation prompt, so nobody types a reference only to be turned away.
    pub fn may_erase(&self) -> Result<()> {
        self.require(Need::TeamLead)
    }

    /// What erasing the client would remove, for the confirmation prompt; `None` if there is no
    /// such client.
    pub fn erasure_preview(&self, reference: &ServiceRef) -> Result<Option<Erasure>> {
        client_id(&self.conn, reference)?
            .map(|id| count_parts(&self.conn, id))
            .transpose()
    }

    /// Deletes every row of the client in one transaction and appends one `erase` audit row
    /// whose detail is the reference alone. The audit's earlier rows for the client stay: they
    /// hold ids, never names or notes. `None` if there is no such client (nothing is removed).
    ///
    /// `secure_delete` (set on every connection) zeroes the freed content, in pages written to
    /// the `-wal` file: until [`Store::truncate_wal`] (which the caller runs next) folds them
    /// in, the database file keeps the record's pages as they were, and the `-wal` earlier copies.
    pub fn erase_client(&mut self, reference: &ServiceRef) -> Result<Option<Erasure>> {
        self.write_as_lead(|w| {
            let Some(id) = client_id(&w.tx, reference)? else {
                return Ok(None);
            };
            let erasure = count_parts(&w.tx, id)?;
            w.tx.execute(DELETE_CLIENT_FORM_DRAFTS, [id])?;
            w.tx.execute("DELETE FROM clients WHERE id = ?1", [id])?;
            retire_reference(w, reference)?;
            w.audit_detail(
                AuditAction::Erase,
                RecordType::Client,
                Some(id),
                Some(reference.as_str()),
            )?;
            Ok(Some(erasure))
        })
    }

    /// Copies the `-wal` file into the database and truncates it to nothing, so no earlier copy
    /// of an erased record's pages stays in either file. Waits for colleagues' reads up to the
    /// busy timeout; false if one still held the log (nothing is lost: run it again later).
    pub fn truncate_wal(&mut self) -> Result<bool> {
        self.require(Need::TeamLead)?;
        let outcome = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            });
        match outcome {
            Ok(busy) => Ok(busy == 0),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn schema() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate::run(&mut conn).unwrap();
        conn
    }

    /// Each table's foreign keys: (table, column, parent table, on delete).
    fn foreign_keys(conn: &Connection) -> Vec<(String, String, String, String)> {
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut keys = Vec::new();
        for table in tables {
            let mut stmt = conn
                .prepare("SELECT \"table\", \"from\", on_delete FROM pragma_foreign_key_list(?1)")
                .unwrap();
            let rows = stmt
                .query_map([&table], |r| {
                    Ok((table.clone(), r.get(1)?, r.get(0)?, r.get(2)?))
                })
                .unwrap();
            keys.extend(rows.map(Result::unwrap));
        }
        keys
    }

    /// Tables whose rows belong to a client, directly or through a parent that does.
    fn client_tables(keys: &[(String, String, String, String)]) -> BTreeSet<String> {
        let mut owned = BTreeSet::from(["clients".to_owned()]);
        loop {
            let before = owned.len();
            for (table, column, parent, _) in keys {
                // A readiness note linked to a session is still the note's own client's.
                let link_only = table == "readiness_notes" && column == "session_id";
                if owned.contains(parent) && !link_only {
                    owned.insert(table.clone());
                }
            }
            if owned.len() == before {
                return owned;
            }
        }
    }

    #[test]
    fn every_table_holding_client_rows_cascades_from_the_client_and_is_counted() {
        let conn = schema();
        let keys = foreign_keys(&conn);
        let owned = client_tables(&keys);
        for (table, column, parent, on_delete) in &keys {
            if owned.contains(parent) {
                assert!(
                    on_delete == "CASCADE" || on_delete == "SET NULL",
                    "{table}.{column} -> {parent} is ON DELETE {on_delete}: erasure would fail"
                );
            }
        }
        let counted: BTreeSet<String> = PARTS
            .iter()
            .map(|p| {
                let mut words = p.count.split_whitespace().skip_while(|w| *w != "FROM");
                words.nth(1).unwrap().to_owned()
            })
            .collect();
        assert_eq!(counted, owned, "one part per table holding client rows");
        assert_eq!(counted.len(), PARTS.len());
    }

    #[test]
    fn removed_counts_read_in_the_singular_and_plural() {
        let part = |count| Removed {
            count,
            one: "TOP",
            many: "TOPs",
        };
        assert_eq!(part(1).phrase(), "1 TOP");
        assert_eq!(part(0).phrase(), "0 TOPs");
        assert_eq!(part(3).phrase(), "3 TOPs");
    }
}
