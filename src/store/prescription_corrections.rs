//! Correcting a prescription, like any other entry: amended with the earlier version kept, or
//! marked entered in error with a reason. A prescription is not alone in the record, though: a
//! change ends the one before it the day before it starts, and prescribing sets the client's
//! modality and OST dates, which the review rules and the caseload's "Tx" column read. So a
//! correction carries through:
//!
//! - **Amending a change's start date** moves the end of the prescription it ended with it (the
//!   day before). An end date tied to the next change cannot be amended on its own: amend that
//!   change's start. The amended prescription must not overlap another that stands, and the
//!   safe-prescribing checks ([`check_dose`]) and NICE TA114's take-home rule apply to it as to a
//!   new one.
//! - **Marking a change entered in error** gives its end back to the prescription it ended: open
//!   again if the change was open, ended on the same day for the same reason if the change had
//!   been stopped (the stop happened; the change did not). When it was the client's latest
//!   prescription, their modality returns to that prescription's medicine.
//! - **Marking a start entered in error** gives the client back the treatment they had before it
//!   (kept with each prescription since schema 13; for older ones it is not known, so the
//!   modality is left for the client details). A start followed by later prescriptions leaves
//!   OST beginning with the next one.
//! - The mark stays: a prescription is never restored from entered in error (its neighbours
//!   have moved on); record it again instead. Only prescribers and team leads correct one.

use super::correctable::{Correctable, rule};
use super::prescriptions::{TAKE_HOME_REASON_NEEDED, ost_start, refused};
use super::{Result, StoreError, Table, Writer, invalid};
use crate::domain::dose_check::{blocking, check_dose, check_ecg};
use crate::domain::prescription::early_take_home;
use crate::domain::{AuditAction, Change, Modality, OstPrescription, Prescriber, Terms, uk_date};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

/// A neighbouring prescription that stands: its id and start.
#[derive(Debug, Clone, Copy)]
struct Neighbour {
    id: i64,
    started_on: NaiveDate,
}

impl Correctable for OstPrescription {
    const TABLE: &'static str = "prescriptions";
    const CLIENT_OF: &'static str = "SELECT client_id FROM prescriptions WHERE id = ?1";

    fn check_amendment(w: &Writer<'_>, previous: &Self, amended: &Self) -> Result<()> {
        w.may_correct_prescriptions()?;
        if previous.rx.client_id != amended.rx.client_id {
            return Err(rule(
                Self::RECORD,
                "an amendment cannot move a prescription to another client; mark it entered in \
                 error and record it for the right client",
            ));
        }
        if previous.rx.medicine != amended.rx.medicine {
            return Err(rule(
                Self::RECORD,
                "an amendment keeps the medicine; mark the prescription entered in error and \
                 record the right medicine",
            ));
        }
        if amended.terms == Terms::default() {
            amended.rx.validate()
        } else {
            amended.validate()
        }
        .map_err(invalid(Self::RECORD))
    }

    fn write_content(w: &Writer<'_>, id: i64, p: &Self) -> Result<()> {
        let (worker, named) = match &p.terms.prescriber {
            Some(Prescriber::Worker(id)) => (Some(*id), None),
            Some(Prescriber::Named(name)) => (None, Some(name.as_str())),
            None => (None, None),
        };
        let (rx, t) = (&p.rx, &p.terms);
        w.tx.prepare_cached(
            "UPDATE prescriptions SET medicine_name = ?2, dose_mg = ?3, interval = ?4,
                interval_days = ?5, started_on = ?6, ended_on = ?7, supervision = ?8,
                take_home_days = ?9, pharmacy = ?10, prescriber_id = ?11, prescriber_name = ?12,
                take_home_reason = ?13, dose_reason = ?14, end_reason = ?15
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            t.medicine_name,
            rx.dose_mg,
            rx.interval,
            t.interval_days,
            rx.started_on,
            rx.ended_on,
            rx.supervision,
            t.take_home_days,
            t.pharmacy,
            worker,
            named,
            t.take_home_reason,
            t.dose_reason,
            t.end_reason
        ])?;
        Ok(())
    }

    fn after_amend(w: &Writer<'_>, id: i64, previous: &Self, amended: &Self) -> Result<()> {
        if w.prescription_in_error(id)? {
            return Err(refused(
                "a prescription entered in error cannot be amended; record the right one",
            ));
        }
        let client_id = amended.rx.client_id;
        let (was, now) = (&previous.rx, &amended.rx);
        let before = w.ended_day_before(client_id, id, was.started_on)?;
        if was.ended_on != now.ended_on
            && let Some(next) = w.started_day_after(client_id, id, was.ended_on)?
        {
            return Err(refused(format!(
                "this prescription ended when the next one started on {}: amend that one's start \
                 date instead",
                uk_date(next.started_on)
            )));
        }
        if was.started_on != now.started_on
            && let Some(before) = before
        {
            let ends = now
                .started_on
                .pred_opt()
                .ok_or_else(|| refused("no day before the change"))?;
            if ends < before.started_on {
                return Err(refused(format!(
                    "the prescription it changes started on {}: a change starts after that",
                    uk_date(before.started_on)
                )));
            }
            w.follow_end(
                before.id,
                Some(ends),
                None,
                "its end follows the amended start of the change after it",
            )?;
        }
        // Only new dates are checked: an overlap already on file is not this correction's.
        let dates_changed = was.started_on != now.started_on || was.ended_on != now.ended_on;
        if dates_changed
            && let Some(other) = w.overlapping(client_id, id, now.started_on, now.ended_on)?
        {
            return Err(refused(format!(
                "it would overlap the prescription from {}: correct the dates",
                uk_date(other.started_on)
            )));
        }
        if was.dose_mg != now.dose_mg || was.started_on != now.started_on {
            let earlier = w.earlier_doses(client_id, now.started_on, Some(id))?;
            let limits = w.dose_limits()?;
            let mut findings = check_dose(amended, &earlier, w.today, &limits);
            let facts = w.take_home_facts(client_id, now.started_on)?;
            findings.extend(check_ecg(amended, &facts, &limits));
            if let Some(finding) = blocking(&findings, amended.terms.dose_reason.is_some()) {
                return Err(refused(finding.text()));
            }
        }
        if (was.supervision != now.supervision || was.started_on != now.started_on)
            && amended.terms.take_home_reason.is_none()
            && let Some((client, milestones)) = w.client_as_read(client_id)?
        {
            let since = ost_start(client.modality, milestones.ost_since, now.started_on);
            if early_take_home(since, now.started_on, now.supervision) {
                return Err(refused(TAKE_HOME_REASON_NEEDED));
            }
        }
        // The latest prescription dates the client's medicine (and OST, when it began it).
        if was.started_on != now.started_on && !w.started_after(client_id, id, now.started_on)? {
            w.move_milestones(client_id, was.started_on, now.started_on)?;
        }
        Ok(())
    }

    fn may_mark(w: &Writer<'_>, _id: i64, marking: bool) -> Result<()> {
        w.may_correct_prescriptions()?;
        if marking {
            Ok(())
        } else {
            Err(refused(
                "a prescription marked entered in error stays so (the prescriptions around it \
                 have moved on): record it again if it was right",
            ))
        }
    }

    fn after_void(w: &Writer<'_>, id: i64, entry: &Self) -> Result<()> {
        let client_id = entry.rx.client_id;
        let before = w.ended_day_before(client_id, id, entry.rx.started_on)?;
        if let Some(before) = before {
            w.follow_end(
                before.id,
                entry.rx.ended_on,
                entry.terms.end_reason.as_deref(),
                "its end follows the change after it, entered in error",
            )?;
        }
        let latest = !w.started_after(client_id, id, entry.rx.started_on)?;
        match (before, latest) {
            // The change never happened: the client is on the prescription before it again.
            (Some(before), true) if entry.rx.ended_on.is_none() => {
                let medicine = w.read::<OstPrescription>(before.id)?.record.rx.medicine;
                if let Some(modality) = medicine.modality() {
                    w.set_modality(client_id, modality, before.started_on)?;
                }
            }
            // The start never happened: back to the treatment before it, where it is known.
            (None, true) if entry.rx.ended_on.is_none() => {
                if let Some(modality) = w.modality_before(id)? {
                    w.set_modality(client_id, modality, entry.rx.started_on)?;
                }
            }
            // OST began with the prescription after it.
            (None, false) => {
                if let Some(next) = w.next_start(client_id, id, entry.rx.started_on)? {
                    w.move_milestones(client_id, entry.rx.started_on, next)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl Writer<'_> {
    /// Only prescribers and team leads correct a prescription, whichever screen asks.
    fn may_correct_prescriptions(&self) -> Result<()> {
        match &self.prescriber_refusal {
            Some(refusal) => Err(StoreError::Refused(refusal.clone())),
            None => Ok(()),
        }
    }

    fn prescription_in_error(&self, id: i64) -> Result<bool> {
        Ok(self.tx.query_row(
            "SELECT in_error_at IS NOT NULL FROM prescriptions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    fn neighbour(&self, sql: &str, args: impl rusqlite::Params) -> Result<Option<Neighbour>> {
        Ok(self
            .tx
            .prepare_cached(sql)?
            .query_row(args, |r| {
                Ok(Neighbour {
                    id: r.get(0)?,
                    started_on: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// The standing prescription a change starting on `started_on` ended: it ends the day before.
    fn ended_day_before(
        &self,
        client_id: i64,
        id: i64,
        started_on: NaiveDate,
    ) -> Result<Option<Neighbour>> {
        let Some(day_before) = started_on.pred_opt() else {
            return Ok(None);
        };
        self.neighbour(
            "SELECT id, started_on FROM prescriptions
             WHERE client_id = ?1 AND id != ?2 AND ended_on = ?3 AND in_error_at IS NULL
             ORDER BY started_on DESC, id DESC LIMIT 1",
            params![client_id, id, day_before],
        )
    }

    /// The standing prescription that starts the day after `ended_on`: the change that ended it.
    fn started_day_after(
        &self,
        client_id: i64,
        id: i64,
        ended_on: Option<NaiveDate>,
    ) -> Result<Option<Neighbour>> {
        let Some(day_after) = ended_on.and_then(|d| d.succ_opt()) else {
            return Ok(None);
        };
        self.neighbour(
            "SELECT id, started_on FROM prescriptions
             WHERE client_id = ?1 AND id != ?2 AND started_on = ?3 AND in_error_at IS NULL
             ORDER BY id LIMIT 1",
            params![client_id, id, day_after],
        )
    }

    /// A standing prescription other than `id` whose days meet `from`..`until`.
    fn overlapping(
        &self,
        client_id: i64,
        id: i64,
        from: NaiveDate,
        until: Option<NaiveDate>,
    ) -> Result<Option<Neighbour>> {
        self.neighbour(
            "SELECT id, started_on FROM prescriptions
             WHERE client_id = ?1 AND id != ?2 AND in_error_at IS NULL
               AND started_on <= coalesce(?4, '9999-12-31')
               AND coalesce(ended_on, '9999-12-31') >= ?3
             ORDER BY started_on LIMIT 1",
            params![client_id, id, from, until],
        )
    }

    /// Whether a standing prescription other than `id` starts after `on`.
    fn started_after(&self, client_id: i64, id: i64, on: NaiveDate) -> Result<bool> {
        Ok(self.next_start(client_id, id, on)?.is_some())
    }

    /// The first start of a standing prescription other than `id` after `on`.
    fn next_start(&self, client_id: i64, id: i64, on: NaiveDate) -> Result<Option<NaiveDate>> {
        Ok(self.tx.query_row(
            "SELECT min(started_on) FROM prescriptions
             WHERE client_id = ?1 AND id != ?2 AND started_on > ?3 AND in_error_at IS NULL",
            params![client_id, id, on],
            |r| r.get(0),
        )?)
    }

    /// The client's treatment before the prescription started, if it was recorded.
    fn modality_before(&self, id: i64) -> Result<Option<Modality>> {
        Ok(self.tx.query_row(
            "SELECT modality_before FROM prescriptions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Sets a prescription's end as a consequence of correcting its neighbour, keeping the
    /// version it replaces and auditing why.
    fn follow_end(
        &self,
        id: i64,
        ended_on: Option<NaiveDate>,
        end_reason: Option<&str>,
        why: &str,
    ) -> Result<()> {
        let previous = self.read::<OstPrescription>(id)?;
        let reason = match (ended_on, end_reason) {
            (None, _) => None,
            (Some(_), Some(reason)) => Some(reason.to_owned()),
            (Some(_), None) => previous.record.terms.end_reason.clone(),
        };
        self.keep_version(&previous, Change::Amend)?;
        self.tx.execute(
            "UPDATE prescriptions SET ended_on = ?2, end_reason = ?3 WHERE id = ?1",
            params![id, ended_on, reason],
        )?;
        self.next_version::<OstPrescription>(id)?;
        if self.audit_each {
            self.audit_detail(
                AuditAction::Amend,
                OstPrescription::RECORD,
                Some(id),
                Some(why),
            )?;
        }
        Ok(())
    }

    /// The client's modality and OST dates that began on `from` begin on `to` instead.
    fn move_milestones(&self, client_id: i64, from: NaiveDate, to: NaiveDate) -> Result<()> {
        let Some((_, milestones)) = self.client_as_read(client_id)? else {
            return Ok(());
        };
        let mut moved = milestones;
        let shift = |d: Option<NaiveDate>| if d == Some(from) { Some(to) } else { d };
        moved.modality_since = shift(milestones.modality_since);
        moved.ost_since = shift(milestones.ost_since);
        if moved != milestones {
            self.set_milestones(client_id, &moved)?;
        }
        Ok(())
    }
}
