//! Booked appointments: booked by a session's "next appointment" in the same transaction as the
//! session, settled on the day by the session that attended or the DNA that missed them, and
//! listed for the day.

use super::sql::{get_minute, get_stored, minute};
use super::{Result, Scope, Store, StoreError, Table, Writer, invalid};
use crate::domain::*;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{OptionalExtension, params};

impl Table for BookedAppointment {
    const RECORD: RecordType = RecordType::Appointment;
    const SELECT: &'static str = "SELECT t.* FROM appointments t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(BookedAppointment {
            client_id: row.get("client_id")?,
            worker_id: row.get("worker_id")?,
            at: get_minute(row, "at")?,
            kind: row.get("kind")?,
            status: row.get("status")?,
            booked_by_session: row.get("booked_by_session")?,
            outcome_session: row.get("outcome_session")?,
        })
    }

    fn insert(w: &Writer<'_>, a: &Self) -> Result<i64> {
        a.validate().map_err(invalid(RecordType::Appointment))?;
        w.tx.prepare_cached(
            "INSERT INTO appointments (client_id, worker_id, at, kind, status, booked_by_session,
                outcome_session, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .execute(params![
            a.client_id,
            a.worker_id,
            minute(a.at),
            a.kind,
            a.status,
            a.booked_by_session,
            a.outcome_session,
            w.stamp
        ])?;
        Ok(w.tx.last_insert_rowid())
    }
}

/// One appointment as the day's list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentRow {
    pub id: i64,
    pub client_id: i64,
    pub reference: ServiceRef,
    pub known_as: Name,
    pub worker: Name,
    pub at: NaiveDateTime,
    pub kind: SessionKind,
    pub status: AppointmentStatus,
}

/// The local minutes bounding one day, as stored: from its midnight to the next.
fn day_bounds(date: NaiveDate) -> (String, String) {
    let until = date
        .succ_opt()
        .map_or_else(|| "9999-12-31 24:00".to_owned(), |d| format!("{d} 00:00"));
    (format!("{date} 00:00"), until)
}

impl Writer<'_> {
    /// What a new session does to appointments, in its own transaction: it settles the client's
    /// booked appointment of that day (nearest in time: attended, or missed if it is a DNA) and
    /// books its next appointment, if it sets one. A cancellation settles nothing.
    pub fn settle_and_book(&self, session_id: i64, session: &Session) -> Result<()> {
        let outcome = match session.attendance {
            Attendance::Attended => Some(AppointmentStatus::Attended),
            Attendance::DidNotAttend => Some(AppointmentStatus::Dna),
            _ => None,
        };
        if let Some(status) = outcome
            && let Some(id) = self.booked_nearest(session.client_id, session.started_at)?
        {
            self.settle(id, status, session_id)?;
        }
        self.book_next_appointment(session_id, session)
    }

    /// Books, for a bulk load, the appointment each session's "next appointment" names, with
    /// the worker who recorded it, of that session's kind, in one statement (a service of ten
    /// thousand clients has a few hundred thousand; one row each, written already settled, not
    /// booked then updated). Met by a session of the same client at that minute, it is settled
    /// by it: attended, or missed with the DNA recorded against it. Met by a cancellation, it
    /// is not kept: the schema has no "cancelled" status, and a cancelled slot left booked
    /// would read as still to come, or in the past as never followed up; the cancellation's own
    /// next appointment books the one that follows. Met by none, it stays booked. Returns how
    /// many were written.
    ///
    /// The day index (`appointments_by_time`, by time across every client) is made again once
    /// after the rows are in, from its own stored definition, rather than kept up row by row:
    /// the rows come client by client, so each would land at a random place in it. The rules
    /// (checks, keys, triggers) apply to every row as ever; an index holds none of them.
    pub fn book_from_sessions(&self) -> Result<usize> {
        let day_index: Option<String> = self
            .tx
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'appointments_by_time'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if day_index.is_some() {
            self.tx.execute_batch("DROP INDEX appointments_by_time")?;
        }
        let written = self.tx.execute(
            "INSERT INTO appointments (client_id, worker_id, at, kind, status, booked_by_session,
                outcome_session, created_at, updated_at)
             SELECT b.client_id, b.worker_id, b.next_appointment, b.kind,
                    CASE s.attendance WHEN 'attended' THEN 'attended' WHEN 'dna' THEN 'dna'
                                      ELSE 'booked' END,
                    b.id, s.id, ?1, ?1
             FROM sessions b
             LEFT JOIN sessions s ON s.client_id = b.client_id AND s.started_at = b.next_appointment
             WHERE b.next_appointment IS NOT NULL AND (s.id IS NULL OR s.attendance IN ('attended', 'dna'))
             ORDER BY b.id",
            params![self.stamp],
        )?;
        if let Some(sql) = day_index {
            self.tx.execute_batch(&sql)?;
        }
        Ok(written)
    }

    /// Books the session's next appointment with the worker who recorded it, of the session's
    /// kind. A time the client is already booked for is left as it is.
    pub fn book_next_appointment(&self, session_id: i64, session: &Session) -> Result<()> {
        let Some(at) = session.next_appointment else {
            return Ok(());
        };
        let taken: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM appointments WHERE client_id = ?1 AND at = ?2",
                params![session.client_id, minute(at)],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_none() {
            self.insert(&BookedAppointment {
                client_id: session.client_id,
                worker_id: session.worker_id,
                at,
                kind: session.kind,
                status: AppointmentStatus::Booked,
                booked_by_session: Some(session_id),
                outcome_session: None,
            })?;
        }
        Ok(())
    }

    /// Records a DNA against one booked appointment: the DNA session, linked to it, and the
    /// appointment marked missed. Refused, with nothing saved, if it already has its outcome (a
    /// colleague recorded it meanwhile).
    pub fn record_dna_against(&self, appointment_id: i64, dna: &Session) -> Result<i64> {
        let session_id = self.insert(dna)?;
        self.settle(appointment_id, AppointmentStatus::Dna, session_id)?;
        self.book_next_appointment(session_id, dna)?;
        Ok(session_id)
    }

    /// The client's still-booked appointment on the day of `at`, nearest to it.
    fn booked_nearest(&self, client_id: i64, at: NaiveDateTime) -> Result<Option<i64>> {
        let (from, until) = day_bounds(at.date());
        Ok(self
            .tx
            .query_row(
                "SELECT id FROM appointments
                 WHERE client_id = ?1 AND at >= ?2 AND at < ?3 AND status = 'booked'
                 ORDER BY abs(julianday(at) - julianday(?4)), at LIMIT 1",
                params![client_id, from, until, minute(at)],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Gives a booked appointment its outcome and the session that settled it, audited.
    fn settle(&self, id: i64, status: AppointmentStatus, session_id: i64) -> Result<()> {
        let changed = self.tx.execute(
            "UPDATE appointments SET status = ?2, outcome_session = ?3, updated_at = ?4,
                row_version = row_version + 1
             WHERE id = ?1 AND status = 'booked'",
            params![id, status, session_id, self.stamp],
        )?;
        if changed == 0 {
            return Err(StoreError::AlreadyDone {
                what: RecordType::Appointment,
                id,
            });
        }
        if self.audit_each {
            self.audit(AuditAction::Update, RecordType::Appointment, Some(id))?;
        }
        Ok(())
    }
}

impl Store {
    /// The appointment a DNA for this client on this day belongs to: the earliest still booked,
    /// else the latest already missed (so a second DNA can be refused). None if neither.
    pub fn appointment_for_dna(
        &self,
        client_id: i64,
        date: NaiveDate,
    ) -> Result<Option<Stored<BookedAppointment>>> {
        let (from, until) = day_bounds(date);
        let sql = format!(
            "{} WHERE t.client_id = ?1 AND t.at >= ?2 AND t.at < ?3 AND t.status IN ('booked', 'dna')
             ORDER BY t.status = 'booked' DESC,
                      CASE t.status WHEN 'booked' THEN t.at END ASC, t.at DESC
             LIMIT 1",
            BookedAppointment::SELECT
        );
        Ok(self
            .conn
            .query_row(&sql, params![client_id, from, until], |row| {
                get_stored(row, BookedAppointment::from_row(row)?)
            })
            .optional()?)
    }

    /// The day's appointments in time order, for one worker (theirs, and their clients') or the
    /// whole team.
    pub fn appointments_on(&self, scope: Scope, date: NaiveDate) -> Result<Vec<AppointmentRow>> {
        let (from, until) = day_bounds(date);
        let whose = match scope {
            Scope::Worker(_) => "(a.worker_id = ?1 OR c.key_worker_id = ?1)",
            Scope::Team => "?1 IS NULL",
        };
        let worker = match scope {
            Scope::Worker(id) => Some(id),
            Scope::Team => None,
        };
        let sql = format!(
            "SELECT a.id, a.client_id, c.reference, coalesce(c.preferred_name, c.given_name) AS known_as,
                    w.display_name AS worker, a.at, a.kind, a.status
             FROM appointments a
             JOIN clients c ON c.id = a.client_id
             JOIN workers w ON w.id = a.worker_id
             WHERE a.at >= ?2 AND a.at < ?3 AND {whose}
             ORDER BY a.at, c.reference"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![worker, from, until], |r| {
            Ok(AppointmentRow {
                id: r.get("id")?,
                client_id: r.get("client_id")?,
                reference: r.get("reference")?,
                known_as: r.get("known_as")?,
                worker: r.get("worker")?,
                at: get_minute(r, "at")?,
                kind: r.get("kind")?,
                status: r.get("status")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
