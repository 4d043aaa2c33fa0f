//! Who may back up and restore a team's database, and the row a restore leaves in the trail it
//! puts in place: a restore rolls the whole team back, so it is a team lead's act, and visible.

use super::audit::{self, Head};
use super::{Counts, Need, Result, Store, StoreError};
use crate::clock::Clock;
use crate::domain::{AuditAction, Login, RecordType, Refusal, Role};
use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

/// The schema version from which the audit trail is chained by hash (migration 4).
pub(super) const FIRST_CHAINED_SCHEMA: i64 = 4;

/// `meta` key a backup's copy holds: when `keywork backup` took it (UTC), for the restore row.
/// The restore removes it, so a live file never carries a stale one into a later copy.
pub(super) const META_TAKEN: &str = "backup_taken_at";

/// Restore rolls the whole team back to an earlier moment, so only a team lead of the database
/// being replaced may do it. Where there is no database yet, nobody is rolled back. Where the one
/// there does not open as this build's (an older schema awaiting its upgrade), its team list is
/// read directly: else anyone could restore a backup of a database of their own, where they are
/// lead. Only where even that fails (a file too damaged to read, or not keywork's) does the
/// backup's team list count, checked once the copy is (returns `false` then).
pub(super) fn refuse_unless_lead(target: &Path, clock: Clock, actor: &Login) -> Result<bool> {
    if !target.exists() {
        return Ok(true);
    }
    match Store::open(target, super::Access::Read, clock, actor.clone()) {
        Ok(store) => store.may_restore().map(|()| true),
        Err(_) => match listed_role(target, actor) {
            Ok(Listed::EmptyTeam) => Ok(true),
            Ok(Listed::Member(Role::TeamLead, None)) => Ok(true),
            Ok(Listed::Member(role, None)) => Err(StoreError::Refused(Refusal::NotTeamLead {
                login: actor.clone(),
                role,
            })),
            Ok(Listed::Member(_, Some(on))) => Err(StoreError::Refused(Refusal::Retired {
                login: actor.clone(),
                on,
            })),
            Ok(Listed::NotOnTeam) => Err(StoreError::Refused(Refusal::NotOnTeam {
                login: actor.clone(),
            })),
            Err(_) => Ok(false),
        },
    }
}

/// Where a login stands on a team list read straight from the file.
enum Listed {
    EmptyTeam,
    NotOnTeam,
    /// Role, and the day retired if they have left.
    Member(Role, Option<NaiveDate>),
}

/// The team list of a file that does not open as this build's, read with a plain read-only
/// connection (the workers table has kept these columns since it was made, in schema 4).
fn listed_role(db: &Path, actor: &Login) -> rusqlite::Result<Listed> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db, flags)?;
    let empty: bool = conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM workers)", [], |r| {
        r.get(0)
    })?;
    if empty {
        return Ok(Listed::EmptyTeam);
    }
    let member = conn
        .query_row(
            "SELECT role, retired_on FROM workers WHERE login = ?1",
            [actor],
            |r| Ok(Listed::Member(r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(member.unwrap_or(Listed::NotOnTeam))
}

impl Store {
    /// Refuses a backup by a login not (or no longer) on the team list: a copy of every record
    /// leaving the team's directory is the team's business. Read-only workers (auditors) may.
    /// A database whose team list is still empty (a personal one before its first worker) has
    /// nobody to ask.
    pub fn may_back_up(&self) -> Result<()> {
        if !self.enforce || self.team_is_empty()? {
            return Ok(());
        }
        match self.standing()?.refusal(&self.actor) {
            None | Some(Refusal::ReadOnlyRole { .. }) => Ok(()),
            Some(refusal) => Err(StoreError::Refused(refusal)),
        }
    }

    /// Refuses a restore unless this login is a current team lead (on a demo file, anyone who
    /// may write it), and the run may write.
    pub fn may_restore(&self) -> Result<()> {
        if self.team_is_empty()? {
            return self.require(Need::Bootstrap);
        }
        // A generated (demo) file holds no one's records: whoever may write the file may put it
        // back as it was (`generate --reset`, a trainer between sessions); a read-only run or a
        // damaged file still refuses.
        if self.is_demo()? {
            return self.require(Need::Bootstrap);
        }
        self.require(Need::TeamLead)
    }

    fn team_is_empty(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM workers)", [], |r| {
                r.get(0)
            })?)
    }
}

/// What the restore row says.
pub(super) struct RestoreNote<'a> {
    pub backup_head: Option<&'a Head>,
    pub taken: Option<&'a str>,
    pub replaced_head: Option<&'a Option<Head>>,
    /// Where the replaced file is kept, relative to the database's directory.
    pub kept: Option<String>,
}

/// The audit's CHECK on `detail`.
const DETAIL_MAX: usize = 200;

/// Hex digits of each hash the restore row gives: 96 bits tell trails apart beyond doubt, and
/// two whole hashes would not fit the audit's 200-character detail beside the kept file's name.
const NOTE_HASH_DIGITS: usize = 24;

impl RestoreNote<'_> {
    /// "restored backup of T (head 17:ab..) over head 18:cd.., kept as F":
    /// which backup replaced which trail, and where that file is. The kept file's name is left
    /// out when it would not fit: it is named by the restore's time, as the row is.
    fn detail(&self) -> String {
        let head = |h: Option<&Head>| {
            h.map_or_else(
                || "none".to_owned(),
                |h| {
                    format!(
                        "{}:{}",
                        h.id,
                        h.hash.get(..NOTE_HASH_DIGITS).unwrap_or(&h.hash)
                    )
                },
            )
        };
        let over = match self.replaced_head {
            Some(replaced) => format!("over head {}", head(replaced.as_ref())),
            None => "where there was no database".to_owned(),
        };
        let mut detail = format!(
            "restored backup of {} (head {}) {over}",
            self.taken.unwrap_or("at an unknown time"),
            head(self.backup_head)
        );
        if let Some(kept) = &self.kept {
            let tail = format!(", kept as {kept}");
            if detail.chars().count() + tail.chars().count() <= DETAIL_MAX {
                detail.push_str(&tail);
            }
        }
        detail
    }
}

/// Appends the restore row to the trail of the copy at `copy` (of schema `schema_version`), in
/// one transaction, and returns its rows counted again (`None` unless the schema is this
/// build's, whose tables the counts name). A copy from before the chained trail (schema 3 and
/// older) is left as it is: its trail is chained when it is upgraded.
pub(super) fn record_restore(
    copy: &Path,
    schema_version: i64,
    note: &RestoreNote<'_>,
    clock: Clock,
    actor: Login,
) -> Result<Option<Counts>> {
    if schema_version < FIRST_CHAINED_SCHEMA {
        return Ok(None);
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(copy, flags)?;
    let mut store = Store::over(conn, copy, clock, actor.clone());
    let stamp = super::sql::timestamp(audit::stamp_for(store.is_demo()?, clock.timestamp()));
    let detail = note.detail();
    let tx = store.conn.transaction()?;
    audit::append(
        &tx,
        &audit::NewEntry {
            at: &stamp,
            login: actor.as_str(),
            action: AuditAction::Update,
            record_type: RecordType::Service,
            record_id: None,
            detail: Some(&detail),
        },
    )?;
    tx.execute("DELETE FROM meta WHERE key = ?1", [META_TAKEN])?;
    tx.commit()?;
    if schema_version == super::migrate::LATEST {
        Ok(Some(store.counts()?))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::{Head, RestoreNote};

    #[test]
    fn the_longest_restore_note_fits_the_audit_detail() {
        let head = Head {
            rows: i64::MAX,
            id: i64::MAX,
            hash: "f".repeat(64),
        };
        let replaced = Some(head.clone());
        let note = RestoreNote {
            backup_head: Some(&head),
            taken: Some("2026-12-07T17:15:00Z"),
            replaced_head: Some(&replaced),
            kept: Some(format!(
                "replaced-by-{}/team.db.replaced-20261207T171500",
                "x".repeat(32)
            )),
        };
        let detail = note.detail();
        assert!(detail.len() <= 200, "{} characters: {detail}", detail.len());
        let short = Head {
            id: 1843,
            ..head.clone()
        };
        let replaced = Some(short.clone());
        let note = RestoreNote {
            backup_head: Some(&short),
            replaced_head: Some(&replaced),
            kept: Some("replaced-by-alex/team.db.replaced-20261207T171500".to_owned()),
            ..note
        };
        assert!(
            note.detail()
                .ends_with(", kept as replaced-by-alex/team.db.replaced-20261207T171500"),
            "{}",
            note.detail()
        );
    }
}
