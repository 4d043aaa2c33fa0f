//! What each kind of entry does when amended: the [`Correctable`] trait, its table and columns,
//! and the rules an amendment must keep (the same client; what the kind forbids changing).

use super::{Result, StoreError, Table, Writer, invalid};
use crate::domain::{
    AlertAck, Answer, DomainError, Goal, GoalAction, HierarchyLevel, ReadinessNote, RecordType,
    Review, Session, Top,
};
use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

/// An entry kind that can be amended and marked entered in error.
pub trait Correctable: Table + Serialize {
    /// Its table.
    const TABLE: &'static str;
    /// The client id of the entry whose id is `?1`.
    const CLIENT_OF: &'static str;

    /// Rules an amendment must keep beyond the record's own: it stays the same client's (and
    /// the same goal's), and is as valid as a new entry would be.
    fn check_amendment(w: &Writer<'_>, previous: &Self, amended: &Self) -> Result<()>;

    /// Writes the amended content over the entry (its child rows too); the caller keeps the
    /// earlier version, bumps the version and audits.
    fn write_content(w: &Writer<'_>, id: i64, amended: &Self) -> Result<()>;

    /// What the entry holds outside its own fields that its earlier versions must keep too (a
    /// prescribing review's checklist), under a name of its own in the kept content.
    fn kept_with(_w: &Writer<'_>, _id: i64) -> Result<Option<(&'static str, serde_json::Value)>> {
        Ok(None)
    }

    /// What else follows an amendment once it is written (a prescription's neighbour and the
    /// client's treatment dates); nothing for most kinds.
    fn after_amend(_w: &Writer<'_>, _id: i64, _previous: &Self, _amended: &Self) -> Result<()> {
        Ok(())
    }

    /// Whether the entry may be marked entered in error (`marking`) or have the mark taken off.
    fn may_mark(_w: &Writer<'_>, _id: i64, _marking: bool) -> Result<()> {
        Ok(())
    }

    /// What else follows once the entry is marked entered in error: it counts for nothing, so
    /// whatever it set is undone.
    fn after_void(_w: &Writer<'_>, _id: i64, _entry: &Self) -> Result<()> {
        Ok(())
    }
}

pub(super) fn rule(what: RecordType, message: &str) -> StoreError {
    StoreError::Invalid {
        what,
        source: DomainError::Rule(message.to_owned()),
    }
}

fn same_client(what: RecordType, previous: i64, amended: i64) -> Result<()> {
    if previous == amended {
        Ok(())
    } else {
        Err(rule(
            what,
            "an amendment cannot move an entry to another client; mark it entered in error and \
             record it for the right client",
        ))
    }
}

impl Correctable for Session {
    const TABLE: &'static str = "sessions";
    const CLIENT_OF: &'static str = "SELECT client_id FROM sessions WHERE id = ?1";

    fn check_amendment(w: &Writer<'_>, previous: &Self, amended: &Self) -> Result<()> {
        same_client(Self::RECORD, previous.client_id, amended.client_id)?;
        amended.validate(w.today).map_err(invalid(Self::RECORD))
    }

    fn write_content(w: &Writer<'_>, id: i64, s: &Self) -> Result<()> {
        w.tx.prepare_cached(
            "UPDATE sessions SET started_at = ?2, duration_min = ?3, kind = ?4, attendance = ?5, note = ?6,
                next_appointment = ?7
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            super::sql::minute(s.started_at),
            s.duration,
            s.kind,
            s.attendance,
            s.note,
            s.next_appointment.map(super::sql::minute)
        ])?;
        w.tx.execute(
            "DELETE FROM session_interventions WHERE session_id = ?1",
            [id],
        )?;
        let mut stmt = w.tx.prepare_cached(
            "INSERT INTO session_interventions (session_id, intervention) VALUES (?1, ?2)",
        )?;
        for intervention in &s.interventions {
            stmt.execute(params![id, intervention])?;
        }
        Ok(())
    }
}

impl Correctable for ReadinessNote {
    const TABLE: &'static str = "readiness_notes";
    const CLIENT_OF: &'static str = "SELECT client_id FROM readiness_notes WHERE id = ?1";

    fn check_amendment(w: &Writer<'_>, previous: &Self, amended: &Self) -> Result<()> {
        same_client(Self::RECORD, previous.client_id, amended.client_id)?;
        let referral: NaiveDate = w.tx.query_row(
            "SELECT referral_date FROM clients WHERE id = ?1",
            [amended.client_id],
            |r| r.get(0),
        )?;
        amended
            .validate_date(w.today, referral)
            .map_err(invalid(Self::RECORD))
    }

    fn write_content(w: &Writer<'_>, id: i64, n: &Self) -> Result<()> {
        w.tx.prepare_cached(
            "UPDATE readiness_notes SET noted_on = ?2, stage = ?3, importance = ?4, confidence = ?5,
                readiness = ?6, note = ?7, session_id = ?8
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            n.noted_on,
            n.stage,
            n.importance,
            n.confidence,
            n.readiness,
            n.note,
            n.session_id
        ])?;
        Ok(())
    }
}

impl Correctable for Goal {
    const TABLE: &'static str = "goals";
    const CLIENT_OF: &'static str = "SELECT client_id FROM goals WHERE id = ?1";

    fn check_amendment(_: &Writer<'_>, previous: &Self, amended: &Self) -> Result<()> {
        same_client(Self::RECORD, previous.client_id, amended.client_id)?;
        amended.validate().map_err(invalid(Self::RECORD))
    }

    fn write_content(w: &Writer<'_>, id: i64, g: &Self) -> Result<()> {
        // A correction of what was written is not progress recorded today: progress_on moves
        // only with an ordinary update.
        w.tx.prepare_cached(
            "UPDATE goals SET domain = ?2, hierarchy_level = ?3, in_own_words = ?4, why_it_matters = ?5,
                set_on = ?6, target_date = ?7, status = ?8, progress = ?9,
                progress_on = max(coalesce(progress_on, ?6), ?6)
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            g.area.domain(),
            g.area.level().map(HierarchyLevel::number),
            g.in_own_words,
            g.why_it_matters,
            g.set_on,
            g.target_date,
            g.status,
            g.progress
        ])?;
        Ok(())
    }
}

impl Correctable for GoalAction {
    const TABLE: &'static str = "goal_actions";
    const CLIENT_OF: &'static str =
        "SELECT g.client_id FROM goal_actions a JOIN goals g ON g.id = a.goal_id WHERE a.id = ?1";

    fn check_amendment(_: &Writer<'_>, previous: &Self, amended: &Self) -> Result<()> {
        if previous.goal_id == amended.goal_id {
            Ok(())
        } else {
            Err(rule(
                Self::RECORD,
                "an amendment cannot move an action to another goal",
            ))
        }
    }

    fn write_content(w: &Writer<'_>, id: i64, a: &Self) -> Result<()> {
        w.tx.prepare_cached(
            "UPDATE goal_actions SET step = ?2, owner = ?3, due_on = ?4, done_on = ?5 WHERE id = ?1",
        )?
        .execute(params![id, a.step, a.owner, a.due_on, a.done_on])?;
        Ok(())
    }
}

impl Correctable for Review {
    const TABLE: &'static str = "reviews";
    const CLIENT_OF: &'static str = "SELECT client_id FROM reviews WHERE id = ?1";

    /// A prescribing review's checklist is amendable, so the version it replaces keeps it.
    fn kept_with(w: &Writer<'_>, id: i64) -> Result<Option<(&'static str, serde_json::Value)>> {
        let json: Option<String> =
            w.tx.query_row("SELECT checklist FROM reviews WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        Ok(json
            .and_then(|j| serde_json::from_str(&j).ok())
            .map(|v| ("checklist", v)))
    }

    fn check_amendment(_: &Writer<'_>, previous: &Self, amended: &Self) -> Result<()> {
        same_client(Self::RECORD, previous.client_id, amended.client_id)?;
        if amended.completion.is_none() {
            return Err(rule(
                Self::RECORD,
                "a completed review stays completed; mark it entered in error instead",
            ));
        }
        Ok(())
    }

    fn write_content(w: &Writer<'_>, id: i64, r: &Self) -> Result<()> {
        let done = r.completion.as_ref();
        w.tx.prepare_cached(
            "UPDATE reviews SET kind = ?2, due_on = ?3, completed_on = ?4, completed_by = ?5, outcome = ?6
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            r.kind,
            r.due_on,
            done.map(|d| d.completed_on),
            done.map(|d| d.completed_by),
            done.map(|d| &d.outcome)
        ])?;
        Ok(())
    }
}

impl Correctable for Top {
    const TABLE: &'static str = "tops";
    const CLIENT_OF: &'static str = "SELECT client_id FROM tops WHERE id = ?1";

    fn check_amendment(_: &Writer<'_>, previous: &Self, amended: &Self) -> Result<()> {
        same_client(Self::RECORD, previous.client_id, amended.client_id)?;
        amended.validate().map_err(invalid(Self::RECORD))
    }

    fn write_content(w: &Writer<'_>, id: i64, top: &Self) -> Result<()> {
        w.tx.prepare_cached(
            "UPDATE tops SET completed_on = ?2, stage = ?3, other_substance = ?4 WHERE id = ?1",
        )?
        .execute(params![
            id,
            top.completed_on,
            top.stage,
            top.other_substance
        ])?;
        w.tx.execute("DELETE FROM top_answers WHERE top_id = ?1", [id])?;
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
        Ok(())
    }
}

impl Correctable for AlertAck {
    const TABLE: &'static str = "alert_acks";
    const CLIENT_OF: &'static str = "SELECT client_id FROM alert_acks WHERE id = ?1";

    fn check_amendment(_: &Writer<'_>, previous: &Self, amended: &Self) -> Result<()> {
        same_client(Self::RECORD, previous.client_id, amended.client_id)
    }

    fn write_content(w: &Writer<'_>, id: i64, ack: &Self) -> Result<()> {
        w.tx.prepare_cached(
            "UPDATE alert_acks SET alert = ?2, cause = ?3, reason = ?4, acknowledged_on = ?5 WHERE id = ?1",
        )?
        .execute(params![
            id,
            ack.kind,
            ack.cause,
            ack.reason,
            ack.acknowledged_on
        ])?;
        Ok(())
    }
}
