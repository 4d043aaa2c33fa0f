//! Corrections: an entry is amended with its earlier version kept whole, or marked "entered in
//! error" with a reason, or restored; never overwritten without trace, never deleted. Entries in
//! error stay in every list (the record screen shows them marked) and the rules' reads leave
//! them out.

pub use super::correctable::Correctable;
use super::correctable::rule;
use super::sql::{get_stored, parse_timestamp, timestamp};
use super::{Result, Store, StoreError, Table, Writer};
use crate::domain::correction::CORRECTABLE;
use crate::domain::{
    AlertAck, AuditAction, Change, DomainError, EarlierVersion, Goal, GoalAction, InError,
    OstPrescription, ReadinessNote, RecordType, Review, Session, ShortText, Stored, Top,
};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;

/// The table of a correctable record type.
fn table_of(what: RecordType) -> Option<&'static str> {
    Some(match what {
        RecordType::Session => Session::TABLE,
        RecordType::ReadinessNote => ReadinessNote::TABLE,
        RecordType::Goal => Goal::TABLE,
        RecordType::GoalAction => GoalAction::TABLE,
        RecordType::Review => Review::TABLE,
        RecordType::Top => Top::TABLE,
        RecordType::AlertAck => AlertAck::TABLE,
        RecordType::Prescription => OstPrescription::TABLE,
        _ => return None,
    })
}

fn not_correctable(what: RecordType) -> StoreError {
    rule(
        what,
        "this kind of record cannot be marked entered in error",
    )
}

/// Reads the in-error mark from the three columns every correctable table has.
pub(super) fn in_error_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<InError>> {
    InErrorColumns::of(row.as_ref())?.get(row)
}

/// Where a statement has the in-error columns, found once for all its rows (see
/// [`super::sql::StoredColumns`]). Who and why are looked for only in a row marked in error, as
/// a lookup by name would.
#[derive(Debug, Clone, Copy)]
pub(super) struct InErrorColumns {
    at: usize,
    by: Option<usize>,
    reason: Option<usize>,
}

impl InErrorColumns {
    pub(super) fn of(stmt: &rusqlite::Statement<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            at: stmt.column_index("in_error_at")?,
            by: stmt.column_index("in_error_by").ok(),
            reason: stmt.column_index("in_error_reason").ok(),
        })
    }

    pub(super) fn get(self, row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<InError>> {
        let at: Option<String> = row.get(self.at)?;
        let Some(at) = at else {
            return Ok(None);
        };
        let column = |index: Option<usize>, name: &str| {
            index.ok_or_else(|| rusqlite::Error::InvalidColumnName(name.to_owned()))
        };
        Ok(Some(InError {
            at: parse_timestamp(&at)
                .map_err(|e| super::sql::conversion_error(row, "in_error_at", e))?,
            by: row.get(column(self.by, "in_error_by")?)?,
            reason: row.get(column(self.reason, "in_error_reason")?)?,
        }))
    }
}

fn in_error_of(conn: &rusqlite::Connection, table: &str, id: i64) -> Result<Option<InError>> {
    Ok(conn
        .query_row(
            &format!("SELECT in_error_at, in_error_by, in_error_reason FROM {table} WHERE id = ?1"),
            [id],
            in_error_from_row,
        )
        .optional()?
        .flatten())
}

/// Runs `$body` with `$T` bound to the entry type of a runtime record type.
macro_rules! with_correctable {
    ($what:expr, $T:ident => $body:expr) => {
        match $what {
            RecordType::Session => {
                type $T = Session;
                $body
            }
            RecordType::ReadinessNote => {
                type $T = ReadinessNote;
                $body
            }
            RecordType::Goal => {
                type $T = Goal;
                $body
            }
            RecordType::GoalAction => {
                type $T = GoalAction;
                $body
            }
            RecordType::Review => {
                type $T = Review;
                $body
            }
            RecordType::Top => {
                type $T = Top;
                $body
            }
            RecordType::AlertAck => {
                type $T = AlertAck;
                $body
            }
            RecordType::Prescription => {
                type $T = OstPrescription;
                $body
            }
            other => Err(not_correctable(other)),
        }
    };
}

impl Writer<'_> {
    /// Replaces an entry's content with `amended` if nobody has changed it since `read_version`,
    /// keeping the version it replaces whole (who wrote it, when) and auditing an `amend`.
    pub fn amend<T: Correctable>(&self, id: i64, read_version: i64, amended: &T) -> Result<()> {
        let previous = self.read::<T>(id)?;
        if previous.row_version != read_version {
            return Err(StoreError::Conflict {
                what: T::RECORD,
                id,
                current: previous.row_version,
            });
        }
        T::check_amendment(self, &previous.record, amended)?;
        self.keep_version(&previous, Change::Amend)?;
        T::write_content(self, id, amended)?;
        self.next_version::<T>(id)?;
        self.audit_correction(AuditAction::Amend, T::RECORD, id)?;
        T::after_amend(self, id, &previous.record, amended)
    }

    /// Marks an entry entered in error with the reason (required), keeping the version before
    /// the mark. Refused for an entry already in error: its first reason stands.
    pub fn void(&self, what: RecordType, id: i64, reason: &str) -> Result<()> {
        let reason = ShortText::new(reason).map_err(|e| match e {
            DomainError::Blank { .. } => rule(
                what,
                "give the reason it was entered in error; nothing was changed",
            ),
            other => StoreError::Invalid {
                what,
                source: other,
            },
        })?;
        with_correctable!(what, T => self.set_in_error::<T>(id, Some(&reason)))
    }

    /// Takes the entered-in-error mark off an entry (it was right after all), keeping the marked
    /// version with its reason.
    pub fn unvoid(&self, what: RecordType, id: i64) -> Result<()> {
        with_correctable!(what, T => self.set_in_error::<T>(id, None))
    }

    fn set_in_error<T: Correctable>(&self, id: i64, reason: Option<&ShortText>) -> Result<()> {
        let previous = self.read::<T>(id)?;
        T::may_mark(self, id, reason.is_some())?;
        let marked = in_error_of(&self.tx, T::TABLE, id)?.is_some();
        match (reason, marked) {
            (Some(_), true) => {
                return Err(StoreError::AlreadyInError {
                    what: T::RECORD,
                    id,
                });
            }
            (None, false) => {
                return Err(StoreError::NotInError {
                    what: T::RECORD,
                    id,
                });
            }
            _ => {}
        }
        let change = if reason.is_some() {
            Change::Void
        } else {
            Change::Unvoid
        };
        self.keep_version(&previous, change)?;
        let by = reason.map(|_| self.actor.as_str());
        let at = reason.map(|_| self.stamp.as_str());
        self.tx.execute(
            &format!(
                "UPDATE {} SET in_error_at = ?2, in_error_by = ?3, in_error_reason = ?4 WHERE id = ?1",
                T::TABLE
            ),
            params![id, at, by, reason],
        )?;
        self.next_version::<T>(id)?;
        let action = if reason.is_some() {
            AuditAction::Void
        } else {
            AuditAction::Unvoid
        };
        self.audit_correction(action, T::RECORD, id)?;
        if reason.is_some() {
            T::after_void(self, id, &previous.record)?;
        }
        Ok(())
    }

    /// Keeps the version about to be replaced by an ordinary update (goals and their actions
    /// change as the plan moves), if it is still the version the caller read; otherwise the
    /// update itself reports the conflict.
    pub(super) fn keep_if_current<T: Correctable>(&self, id: i64, read_version: i64) -> Result<()> {
        match self.read::<T>(id) {
            Ok(previous) if previous.row_version == read_version => {
                self.keep_version(&previous, Change::Update)
            }
            Ok(_) | Err(StoreError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Reads one entry as it stands inside this transaction.
    pub(super) fn read<T: Table>(&self, id: i64) -> Result<Stored<T>> {
        let sql = format!("{} WHERE t.id = ?1", T::SELECT);
        self.tx
            .prepare_cached(&sql)?
            .query_row([id], |row| get_stored(row, T::from_row(row)?))
            .optional()?
            .ok_or(StoreError::NotFound {
                what: T::RECORD,
                id,
            })
    }

    /// Appends the entry as it stands (content, child rows and in-error mark) to its earlier
    /// versions.
    pub(super) fn keep_version<T: Correctable>(
        &self,
        previous: &Stored<T>,
        change: Change,
    ) -> Result<()> {
        let id = previous.id;
        let mut content = serde_json::to_value(&previous.record).map_err(|e| {
            rule(
                T::RECORD,
                &format!("could not keep the earlier version: {e}"),
            )
        })?;
        let in_error = in_error_of(&self.tx, T::TABLE, id)?;
        let kept_with = T::kept_with(self, id)?;
        if let serde_json::Value::Object(map) = &mut content {
            map.insert(
                "in_error".into(),
                serde_json::to_value(&in_error).unwrap_or_default(),
            );
            if let Some((name, value)) = kept_with {
                map.insert(name.into(), value);
            }
        }
        let client_id: i64 = self.tx.query_row(T::CLIENT_OF, [id], |r| r.get(0))?;
        let written_by = self.last_writer(T::RECORD, id, &timestamp(previous.created_at))?;
        self.tx
            .prepare_cached(
                "INSERT INTO earlier_versions (client_id, record_type, record_id, version, content,
                    written_by, written_at, change, replaced_by, replaced_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                client_id,
                T::RECORD,
                id,
                previous.row_version,
                content.to_string(),
                written_by,
                timestamp(previous.updated_at),
                change.code(),
                self.actor,
                self.stamp
            ])?;
        Ok(())
    }

    /// Who saved the entry's current version: the login of its latest audited write since it was
    /// created (ids of erased entries can be used again, so older rows are someone else's).
    fn last_writer(&self, what: RecordType, id: i64, since: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT login FROM audit WHERE record_type = ?1 AND record_id = ?2 AND at >= ?3
                   AND action IN ('create', 'update', 'complete', 'acknowledge', 'amend', 'void', 'unvoid')
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![what, id, since], |r| r.get(0))
            .optional()?)
    }

    /// Stamps the entry as changed now, one version on: an open form on the old version then
    /// meets a conflict rather than overwriting the correction.
    pub(super) fn next_version<T: Correctable>(&self, id: i64) -> Result<()> {
        self.tx.execute(
            &format!(
                "UPDATE {} SET updated_at = ?2, row_version = row_version + 1 WHERE id = ?1",
                T::TABLE
            ),
            params![id, self.stamp],
        )?;
        Ok(())
    }

    fn audit_correction(&self, action: AuditAction, what: RecordType, id: i64) -> Result<()> {
        if self.audit_each {
            self.audit(action, what, Some(id))?;
        }
        Ok(())
    }
}

/// What the record screen shows beside one entry: "amended" and "entered in error: reason".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryCorrection {
    pub in_error: Option<InError>,
    /// How many times its content was amended (or, for goals and actions, updated).
    pub amendments: usize,
    /// How many earlier versions are kept, whatever replaced them.
    pub earlier_versions: usize,
}

/// The corrections of one client's entries, by record type and id; entries never corrected are
/// absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Corrections(pub BTreeMap<(RecordType, i64), EntryCorrection>);

impl Corrections {
    pub fn get(&self, what: RecordType, id: i64) -> Option<&EntryCorrection> {
        self.0.get(&(what, id))
    }

    /// The entered-in-error mark of an entry, if it has one.
    pub fn in_error(&self, what: RecordType, id: i64) -> Option<&InError> {
        self.get(what, id).and_then(|c| c.in_error.as_ref())
    }

    /// Whether an entry's content was ever amended (so "amended" shows beside it).
    pub fn is_amended(&self, what: RecordType, id: i64) -> bool {
        self.get(what, id).is_some_and(|c| c.amendments > 0)
    }
}

/// The client's entries of one type, `?1` the client: for the in-error marks.
fn client_entries(what: RecordType) -> Option<String> {
    let table = table_of(what)?;
    Some(match what {
        RecordType::GoalAction => "SELECT a.id, a.in_error_at, a.in_error_by, a.in_error_reason
             FROM goal_actions a JOIN goals g ON g.id = a.goal_id
             WHERE g.client_id = ?1 AND a.in_error_at IS NOT NULL"
            .to_owned(),
        _ => format!(
            "SELECT id, in_error_at, in_error_by, in_error_reason FROM {table}
             WHERE client_id = ?1 AND in_error_at IS NOT NULL"
        ),
    })
}

/// One row of `earlier_versions`, all columns.
pub(super) fn earlier_version_from_row(
    row: &rusqlite::Row<'_>,
) -> rusqlite::Result<EarlierVersion> {
    let text = |column: &str| -> rusqlite::Result<String> { row.get(column) };
    let stamp = |column: &str| {
        parse_timestamp(&text(column)?).map_err(|e| super::sql::conversion_error(row, column, e))
    };
    let content: String = row.get("content")?;
    let change: String = row.get("change")?;
    Ok(EarlierVersion {
        record_type: row.get("record_type")?,
        record_id: row.get("record_id")?,
        version: row.get("version")?,
        content: serde_json::from_str(&content).unwrap_or(serde_json::Value::Null),
        written_by: row.get("written_by")?,
        written_at: stamp("written_at")?,
        change: Change::from_code(&change).unwrap_or(Change::Amend),
        replaced_by: row.get("replaced_by")?,
        replaced_at: stamp("replaced_at")?,
    })
}

pub(super) const SELECT_EARLIER: &str =
    "SELECT record_type, record_id, version, content, written_by,
    written_at, change, replaced_by, replaced_at FROM earlier_versions";

impl Store {
    /// The earlier versions of one entry, newest first.
    pub fn earlier_versions(&self, what: RecordType, id: i64) -> Result<Vec<EarlierVersion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_EARLIER} WHERE record_type = ?1 AND record_id = ?2 ORDER BY version DESC, id DESC"
        ))?;
        let rows = stmt.query_map(params![what, id], earlier_version_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every earlier version of one client's entries, oldest first: the record's history of
    /// corrections.
    pub fn client_earlier_versions(&self, client_id: i64) -> Result<Vec<EarlierVersion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_EARLIER} WHERE client_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([client_id], earlier_version_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The entered-in-error mark of one entry, if it has one.
    pub fn in_error(&self, what: RecordType, id: i64) -> Result<Option<InError>> {
        let table = table_of(what).ok_or_else(|| not_correctable(what))?;
        in_error_of(&self.conn, table, id)
    }

    /// Every correction of one client's entries: in-error marks and counts of earlier versions.
    pub fn corrections(&self, client_id: i64) -> Result<Corrections> {
        let mut found: BTreeMap<(RecordType, i64), EntryCorrection> = BTreeMap::new();
        for what in CORRECTABLE {
            let Some(sql) = client_entries(*what) else {
                continue;
            };
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([client_id], |r| {
                Ok((r.get::<_, i64>("id")?, in_error_from_row(r)?))
            })?;
            for row in rows {
                let (id, mark) = row?;
                found.entry((*what, id)).or_default().in_error = mark;
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_type, record_id, count(*) AS kept,
                sum(change IN ('amend', 'update')) AS amendments
             FROM earlier_versions WHERE client_id = ?1 GROUP BY record_type, record_id",
        )?;
        let rows = stmt.query_map([client_id], |r| {
            Ok((
                r.get::<_, RecordType>("record_type")?,
                r.get::<_, i64>("record_id")?,
                r.get::<_, i64>("kept")?,
                r.get::<_, i64>("amendments")?,
            ))
        })?;
        for row in rows {
            let (what, id, kept, amendments) = row?;
            let entry = found.entry((what, id)).or_default();
            entry.earlier_versions = usize::try_from(kept).unwrap_or_default();
            entry.amendments = usize::try_from(amendments).unwrap_or_default();
        }
        Ok(Corrections(found))
    }

    /// When a DNA not in error was recorded for the client on `date` (the latest, if several):
    /// for "already recorded a DNA today at 10:05: record another?".
    pub fn dna_recorded_on(
        &self,
        client_id: i64,
        date: NaiveDate,
    ) -> Result<Option<NaiveDateTime>> {
        let from = format!("{date} 00:00");
        let until = date
            .succ_opt()
            .map_or_else(|| "9999-12-31 24:00".to_owned(), |d| format!("{d} 00:00"));
        let latest: Option<String> = self.conn.query_row(
            "SELECT max(started_at) FROM sessions
             WHERE client_id = ?1 AND started_at >= ?2 AND started_at < ?3
               AND attendance = 'dna' AND in_error_at IS NULL",
            params![client_id, from, until],
            |r| r.get(0),
        )?;
        Ok(latest.and_then(|t| super::sql::parse_minute(&t).ok()))
    }
}
