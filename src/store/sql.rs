//! Conversions between domain values and SQL values.
//!
//! Codes and checked text go in as their text and come back through the same constructors the
//! rest of the program uses, so a row that somehow broke a rule fails loudly on reading.

use crate::domain::*;
use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! sql_as_code {
    ($($ty:ty),+ $(,)?) => {$(
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.code()))
            }
        }
        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                <$ty>::from_code(text).ok_or_else(|| FromSqlError::Other(text.to_owned().into()))
            }
        }
    )+};
}

sql_as_code!(
    Role,
    ClientStatus,
    Modality,
    Substance,
    InjectingStatus,
    HepBStatus,
    Medicine,
    DoseInterval,
    Supervision,
    SessionKind,
    Attendance,
    Intervention,
    Stage,
    GoalDomain,
    GoalStatus,
    ActionOwner,
    ReviewKind,
    AuditAction,
    RecordType,
    TopStage,
    TopItem,
    AlertKind,
    AppointmentStatus,
    BbvTest,
    BbvResult,
);

macro_rules! sql_as_text {
    ($($ty:ty => $make:expr),+ $(,)?) => {$(
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let make: fn(&str) -> Result<$ty, DomainError> = $make;
                make(value.as_str()?).map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}

sql_as_text!(
    Name => |s| Name::new(s),
    ShortText => |s| ShortText::new(s),
    NoteText => |s| NoteText::new(s),
    Login => |s| Login::new(s),
    NhsNumber => NhsNumber::new,
    ServiceRef => ServiceRef::new,
);

impl ToSql for Score {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.get())))
    }
}
impl FromSql for Score {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = value.as_i64()?;
        let n = u8::try_from(n).map_err(|_| FromSqlError::OutOfRange(n))?;
        Score::new(n).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl ToSql for Minutes {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.get())))
    }
}
impl FromSql for Minutes {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = value.as_i64()?;
        let n = u16::try_from(n).map_err(|_| FromSqlError::OutOfRange(n))?;
        Minutes::new(n).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// Bookkeeping timestamps: UTC to the second, with a `Z`, as the schema checks.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn parse_timestamp(text: &str) -> FromSqlResult<DateTime<Utc>> {
    if let Some(at) = fast_timestamp(text) {
        return Ok(at);
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ")
        .map(|dt| dt.and_utc())
        .map_err(|e| FromSqlError::Other(Box::new(e)))
}

/// Local date-times (sessions, appointments) are kept to the minute.
pub fn minute(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

pub fn parse_minute(text: &str) -> FromSqlResult<NaiveDateTime> {
    if let Some(at) = fast_minute(text) {
        return Ok(at);
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .map_err(|e| FromSqlError::Other(Box::new(e)))
}

/// Reads `YYYY-MM-DD` by its digits: the caseload reads a dozen dates per client, and chrono's
/// format-string parser was a tenth of the team view's time. `None` for anything else.
pub fn fast_date(text: &str) -> Option<chrono::NaiveDate> {
    date_from_bytes(text.as_bytes())
}

/// [`fast_date`] over the bytes SQLite hands back, so they need no UTF-8 check first.
fn date_from_bytes(b: &[u8]) -> Option<chrono::NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(
        digits(&b[0..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

/// Reads `YYYY-MM-DD HH:MM` by its digits (see [`fast_date`]).
fn fast_minute(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[10] != b' ' || b[13] != b':' {
        return None;
    }
    date_from_bytes(&b[..10])?.and_hms_opt(digits(&b[11..13])?, digits(&b[14..16])?, 0)
}

/// Reads `YYYY-MM-DDTHH:MM:SSZ` by its digits (see [`fast_date`]).
fn fast_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let at = date_from_bytes(&b[..10])?.and_hms_opt(
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    )?;
    Some(at.and_utc())
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// A nullable date column read by position (see [`fast_date`]); text that is not a date is a
/// conversion error, as with rusqlite's own reading.
pub fn date_at(
    row: &rusqlite::Row<'_>,
    index: usize,
) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    match row.get_ref(index)? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(t) => match date_from_bytes(t) {
            Some(date) => Ok(Some(date)),
            None => row.get(index),
        },
        _ => row.get(index),
    }
}

/// Reads a column holding a local date-time to the minute.
pub fn get_minute(row: &rusqlite::Row<'_>, column: &str) -> rusqlite::Result<NaiveDateTime> {
    let text: String = row.get(column)?;
    parse_minute(&text).map_err(|e| conversion_error(row, column, e))
}

pub fn get_opt_minute(
    row: &rusqlite::Row<'_>,
    column: &str,
) -> rusqlite::Result<Option<NaiveDateTime>> {
    let text: Option<String> = row.get(column)?;
    text.map(|t| parse_minute(&t).map_err(|e| conversion_error(row, column, e)))
        .transpose()
}

/// Reads a comma-separated list of codes made by `group_concat` into a set.
pub fn get_code_set<T: FromSqlCode + Ord>(
    row: &rusqlite::Row<'_>,
    column: &str,
) -> rusqlite::Result<std::collections::BTreeSet<T>> {
    let text: Option<String> = row.get(column)?;
    text.unwrap_or_default()
        .split(',')
        .filter(|code| !code.is_empty())
        .map(|code| {
            T::parse_code(code).ok_or_else(|| {
                conversion_error(row, column, FromSqlError::Other(code.to_owned().into()))
            })
        })
        .collect()
}

/// The codes of a set can be parsed back one by one.
pub trait FromSqlCode: Sized {
    fn parse_code(code: &str) -> Option<Self>;
}
impl FromSqlCode for Substance {
    fn parse_code(code: &str) -> Option<Self> {
        Self::from_code(code)
    }
}
impl FromSqlCode for Intervention {
    fn parse_code(code: &str) -> Option<Self> {
        Self::from_code(code)
    }
}

pub fn get_stored<T>(row: &rusqlite::Row<'_>, record: T) -> rusqlite::Result<Stored<T>> {
    StoredColumns::of(row.as_ref())?.get(row, record)
}

/// Where a statement has the columns every stored row has, found once: a lookup by name
/// compares the name with each column's in turn, which for an export's hundreds of thousands of
/// rows was a fifth of its time. The same columns as a lookup by name finds (the first of that
/// name).
#[derive(Debug, Clone, Copy)]
pub(super) struct StoredColumns {
    id: usize,
    created_at: usize,
    updated_at: usize,
    row_version: usize,
}

impl StoredColumns {
    pub(super) fn of(stmt: &rusqlite::Statement<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: stmt.column_index("id")?,
            created_at: stmt.column_index("created_at")?,
            updated_at: stmt.column_index("updated_at")?,
            row_version: stmt.column_index("row_version")?,
        })
    }

    /// [`get_stored`] for a row of the statement these columns were found in.
    pub(super) fn get<T>(self, row: &rusqlite::Row<'_>, record: T) -> rusqlite::Result<Stored<T>> {
        let created: String = row.get(self.created_at)?;
        let updated: String = row.get(self.updated_at)?;
        Ok(Stored {
            id: row.get(self.id)?,
            record,
            created_at: parse_timestamp(&created)
                .map_err(|e| conversion_error(row, "created_at", e))?,
            updated_at: parse_timestamp(&updated)
                .map_err(|e| conversion_error(row, "updated_at", e))?,
            row_version: row.get(self.row_version)?,
        })
    }
}

pub(super) fn conversion_error(
    row: &rusqlite::Row<'_>,
    column: &str,
    e: FromSqlError,
) -> rusqlite::Error {
    let index = row.as_ref().column_index(column).unwrap_or(0);
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_readers_agree_with_chrono_and_refuse_what_it_refuses() {
        for text in ["2026-11-23", "2024-02-29", "1999-12-31", "2026-01-01"] {
            let chrono = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            assert_eq!(fast_date(text), chrono, "{text}");
        }
        for text in [
            "2026-02-30",
            "2026-1-01",
            "2026-13-01",
            "abcd-ef-gh",
            "2026-11-2x",
            "",
        ] {
            assert_eq!(fast_date(text), None, "{text}");
        }
        let at = parse_minute("2026-11-23 09:05").unwrap();
        assert_eq!(minute(at), "2026-11-23 09:05");
        assert!(parse_minute("2026-11-23 24:00").is_err());
        let stamp = parse_timestamp("2026-11-23T09:05:59Z").unwrap();
        assert_eq!(timestamp(stamp), "2026-11-23T09:05:59Z");
        assert!(parse_timestamp("2026-11-23T09:61:00Z").is_err());
        assert!(parse_timestamp("2026-11-23 09:05:59").is_err());
    }
}
