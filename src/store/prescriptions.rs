//! Prescriptions (OST): stored rows, and the writes that start, change and stop one. The
//! client's modality follows the prescription in the same transaction, so the prescribing
//! review rule (first within four weeks of this medicine starting) always reads the medicine
//! actually prescribed.

use super::{Result, StoreError, Table, Writer, invalid};
use crate::domain::dose_check::{EarlierDose, blocking, check_dose, check_ecg, check_take_home};
use crate::domain::prescription::early_take_home;
use crate::domain::{
    AuditAction, DomainError, Medicine, Modality, OstPrescription, Prescriber, Prescription,
    RecordType, Terms,
};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, named_params, params};

impl Table for Prescription {
    const RECORD: RecordType = RecordType::Prescription;
    const SELECT: &'static str = "SELECT t.* FROM prescriptions t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Prescription {
            client_id: row.get("client_id")?,
            medicine: row.get("medicine")?,
            dose_mg: row.get("dose_mg")?,
            interval: row.get("interval")?,
            started_on: row.get("started_on")?,
            ended_on: row.get("ended_on")?,
            supervision: row.get("supervision")?,
        })
    }

    fn insert(w: &Writer<'_>, p: &Self) -> Result<i64> {
        OstPrescription::insert(
            w,
            &OstPrescription {
                rx: p.clone(),
                terms: Terms::default(),
            },
        )
    }
}

impl Table for OstPrescription {
    const RECORD: RecordType = RecordType::Prescription;
    const SELECT: &'static str = Prescription::SELECT;

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let worker: Option<i64> = row.get("prescriber_id")?;
        let named: Option<String> = row.get("prescriber_name")?;
        Ok(OstPrescription {
            rx: Prescription::from_row(row)?,
            terms: Terms {
                medicine_name: row.get("medicine_name")?,
                interval_days: row.get("interval_days")?,
                take_home_days: row.get("take_home_days")?,
                pharmacy: row.get("pharmacy")?,
                prescriber: worker
                    .map(Prescriber::Worker)
                    .or(named.map(Prescriber::Named)),
                take_home_reason: row.get("take_home_reason")?,
                dose_reason: row.get("dose_reason")?,
                end_reason: row.get("end_reason")?,
                safe_storage_discussed: row.get("safe_storage_discussed")?,
            },
        })
    }

    fn insert(w: &Writer<'_>, p: &Self) -> Result<i64> {
        // A prescription from before the terms were recorded (imports, demo) has none to check.
        if p.terms == Terms::default() {
            p.rx.validate()
        } else {
            p.validate()
        }
        .map_err(invalid(RecordType::Prescription))?;
        let (worker, named) = match &p.terms.prescriber {
            Some(Prescriber::Worker(id)) => (Some(*id), None),
            Some(Prescriber::Named(name)) => (None, Some(name.as_str())),
            None => (None, None),
        };
        let (rx, t) = (&p.rx, &p.terms);
        w.tx.prepare_cached(
            "INSERT INTO prescriptions (client_id, medicine, medicine_name, dose_mg, interval, interval_days,
                started_on, ended_on, supervision, take_home_days, pharmacy, prescriber_id, prescriber_name,
                take_home_reason, dose_reason, end_reason, safe_storage_discussed, created_at, updated_at)
             VALUES (:client_id, :medicine, :medicine_name, :dose_mg, :interval, :interval_days, :started_on,
                :ended_on, :supervision, :take_home_days, :pharmacy, :prescriber_id, :prescriber_name,
                :take_home_reason, :dose_reason, :end_reason, :safe_storage, :stamp, :stamp)",
        )?
        .execute(named_params! {
            ":client_id": rx.client_id, ":medicine": rx.medicine, ":medicine_name": t.medicine_name,
            ":dose_mg": rx.dose_mg, ":interval": rx.interval, ":interval_days": t.interval_days,
            ":started_on": rx.started_on, ":ended_on": rx.ended_on, ":supervision": rx.supervision,
            ":take_home_days": t.take_home_days, ":pharmacy": t.pharmacy, ":prescriber_id": worker,
            ":prescriber_name": named, ":take_home_reason": t.take_home_reason,
            ":dose_reason": t.dose_reason,
            ":end_reason": t.end_reason, ":safe_storage": t.safe_storage_discussed,
            ":stamp": w.stamp,
        })?;
        Ok(w.tx.last_insert_rowid())
    }
}

/// What a take-home arrangement within the first three months of OST lacks (NICE TA114).
pub const TAKE_HOME_REASON_NEEDED: &str =
    "take-home doses within the first 3 months of OST: record the reason (NICE TA114)";

/// The day OST began for a prescription from `from`: the client's unbroken OST start when they
/// are on OST already (a change, a switch), else this prescription's own start.
pub fn ost_start(modality: Modality, ost_since: Option<NaiveDate>, from: NaiveDate) -> NaiveDate {
    ost_since
        .filter(|_| modality.is_ost())
        .map_or(from, |since| since.min(from))
}

impl super::Store {
    /// A client's prescriptions that stand (not entered in error), latest first: what the
    /// prescribing forms and rules read.
    pub fn prescriptions_of(
        &self,
        client_id: i64,
    ) -> Result<Vec<crate::domain::Stored<OstPrescription>>> {
        let sql = format!(
            "{} WHERE t.client_id = ?1 AND t.in_error_at IS NULL
             ORDER BY t.started_on DESC, t.id DESC",
            OstPrescription::SELECT
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([client_id], |row| {
            super::sql::get_stored(row, OstPrescription::from_row(row)?)
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The day OST began for a prescription of this client's from `from` (see [`ost_start`]).
    pub fn ost_start_for(&self, client_id: i64, from: NaiveDate) -> Result<NaiveDate> {
        let (modality, since): (Modality, Option<NaiveDate>) = self.conn.query_row(
            "SELECT modality, ost_since FROM clients WHERE id = ?1",
            [client_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(ost_start(modality, since, from))
    }
}

/// A prescribing rule broken, as the store reports it.
pub(super) fn refused(message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        what: RecordType::Prescription,
        source: DomainError::Rule(message.into()),
    }
}

/// How a stop leaves the client: the day the last dose is given, why, and the treatment now.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopping {
    pub ended_on: NaiveDate,
    pub reason: Option<String>,
    /// What the client's modality is now: required, and not OST.
    pub modality: Modality,
}

impl Writer<'_> {
    /// The client's prescription open on `on` (started by then, not ended before), if any.
    pub fn open_prescription(&self, client_id: i64, on: NaiveDate) -> Result<Option<i64>> {
        Ok(self
            .tx
            .query_row(
                "SELECT id FROM prescriptions WHERE client_id = ?1 AND started_on <= ?2
                   AND (ended_on IS NULL OR ended_on >= ?2) AND in_error_at IS NULL
                 ORDER BY started_on DESC, id DESC LIMIT 1",
                params![client_id, on],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Starts a prescription for a client with none open then, and makes their modality follow it.
    pub fn start_prescription(&self, p: &OstPrescription) -> Result<i64> {
        if self
            .open_prescription(p.rx.client_id, p.rx.started_on)?
            .is_some()
        {
            return Err(refused(
                "the client already has a prescription then: change or stop it",
            ));
        }
        let later: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM prescriptions WHERE client_id = ?1 AND started_on > ?2
                   AND in_error_at IS NULL LIMIT 1",
                params![p.rx.client_id, p.rx.started_on],
                |r| r.get(0),
            )
            .optional()?;
        if later.is_some() {
            return Err(refused(
                "a later prescription is recorded: a start cannot come before it",
            ));
        }
        self.prescribed(p)
    }

    /// Changes a prescription from a date: a new row from `next.started_on`, the previous one
    /// ending the day before (history is never edited). A switch of medicine switches modality.
    pub fn change_prescription(
        &self,
        previous: i64,
        read_version: i64,
        next: &OstPrescription,
        reason: Option<&str>,
    ) -> Result<i64> {
        let ends = next
            .rx
            .started_on
            .pred_opt()
            .ok_or_else(|| refused("no day before the change"))?;
        self.end_prescription(previous, read_version, ends, reason)?;
        self.prescribed(next)
    }

    /// Stops a prescription on a day and records what the client's treatment is now.
    pub fn stop_prescription(&self, id: i64, read_version: i64, stop: &Stopping) -> Result<()> {
        if stop.modality.is_ost() {
            return Err(refused(
                "after stopping OST the client's treatment is not OST: choose what it is now",
            ));
        }
        let client_id =
            self.end_prescription(id, read_version, stop.ended_on, stop.reason.as_deref())?;
        self.set_modality(client_id, stop.modality, stop.ended_on)
    }

    /// The client's prescriptions that started before `from`, newest first, for the dose checks
    /// (those entered in error, and `except`, left out).
    pub(super) fn earlier_doses(
        &self,
        client_id: i64,
        from: NaiveDate,
        except: Option<i64>,
    ) -> Result<Vec<EarlierDose>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT medicine, dose_mg, started_on, ended_on FROM prescriptions
             WHERE client_id = ?1 AND started_on < ?2 AND in_error_at IS NULL AND id IS NOT ?3
             ORDER BY started_on DESC, id DESC",
        )?;
        let rows = stmt.query_map(params![client_id, from, except], |r| {
            Ok(EarlierDose {
                medicine: r.get(0)?,
                dose_mg: r.get(1)?,
                started_on: r.get(2)?,
                ended_on: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts a prescription and brings the client's modality to its medicine's.
    ///
    /// The safe-prescribing checks ([`check_dose`]) run here, on every path that prescribes
    /// (the prescription form, the prescribing review, the command line): a refused dose or date
    /// is never recorded, and a questioned dose only with its reason.
    fn prescribed(&self, p: &OstPrescription) -> Result<i64> {
        let earlier = self.earlier_doses(p.rx.client_id, p.rx.started_on, None)?;
        let findings = check_dose(p, &earlier, self.today, &self.dose_limits()?);
        if let Some(finding) = blocking(&findings, p.terms.dose_reason.is_some()) {
            return Err(refused(finding.text()));
        }
        let facts = self.take_home_facts(p.rx.client_id, p.rx.started_on)?;
        let mut take_home = check_take_home(p, &facts);
        take_home.extend(check_ecg(p, &facts, &self.dose_limits()?));
        if let Some(finding) = blocking(&take_home, p.terms.dose_reason.is_some()) {
            return Err(refused(finding.text()));
        }
        if let Some((client, milestones)) = self.client_as_read(p.rx.client_id)? {
            let since = ost_start(client.modality, milestones.ost_since, p.rx.started_on);
            if early_take_home(since, p.rx.started_on, p.rx.supervision)
                && p.terms.take_home_reason.is_none()
            {
                return Err(refused(TAKE_HOME_REASON_NEEDED));
            }
        }
        let id = self.insert(p)?;
        // The treatment this prescription replaces, so marking it entered in error can give it
        // back (see `prescription_corrections`).
        self.tx.execute(
            "UPDATE prescriptions SET modality_before =
                (SELECT modality FROM clients WHERE clients.id = prescriptions.client_id)
             WHERE id = ?1",
            [id],
        )?;
        let modality = match p.rx.medicine.modality() {
            Some(modality) => modality,
            None => self.ost_modality_for_other(p.rx.client_id)?,
        };
        self.set_modality(p.rx.client_id, modality, p.rx.started_on)?;
        Ok(id)
    }

    /// An other medicine keeps the client's OST modality; it cannot say which OST a client not
    /// on OST is starting.
    fn ost_modality_for_other(&self, client_id: i64) -> Result<Modality> {
        let modality: Modality = self.tx.query_row(
            "SELECT modality FROM clients WHERE id = ?1",
            [client_id],
            |r| r.get(0),
        )?;
        if modality.is_ost() {
            Ok(modality)
        } else {
            Err(refused(format!(
                "{} does not say which OST the client is on: set their modality in the client \
                 details first",
                Medicine::Other.label()
            )))
        }
    }

    /// Ends a prescription on `ended_on` if nobody changed it since `read_version`; returns its
    /// client.
    fn end_prescription(
        &self,
        id: i64,
        read_version: i64,
        ended_on: NaiveDate,
        reason: Option<&str>,
    ) -> Result<i64> {
        let row: Option<(i64, NaiveDate, Option<NaiveDate>)> = self
            .tx
            .query_row(
                "SELECT client_id, started_on, ended_on FROM prescriptions
                 WHERE id = ?1 AND in_error_at IS NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((client_id, started_on, ended)) = row else {
            return Err(StoreError::NotFound {
                what: RecordType::Prescription,
                id,
            });
        };
        if ended_on < started_on {
            return Err(refused(format!(
                "the prescription started on {}: a change or stop comes after that",
                crate::domain::uk_date(started_on)
            )));
        }
        if ended.is_some_and(|e| e < ended_on) {
            return Err(refused("that prescription has already ended"));
        }
        let changed = self
            .tx
            .prepare_cached(
                "UPDATE prescriptions SET ended_on = ?2, end_reason = ?3, updated_at = ?4,
                    row_version = row_version + 1
                 WHERE id = ?1 AND row_version = ?5",
            )?
            .execute(params![id, ended_on, reason, self.stamp, read_version])?;
        self.expect_updated(RecordType::Prescription, "prescriptions", id, changed)?;
        Ok(client_id)
    }

    /// Sets the client's modality from a day, keeping the milestones the review rules read
    /// (a switch of medicine restarts the first prescribing review; leaving OST ends it).
    pub(super) fn set_modality(
        &self,
        client_id: i64,
        modality: Modality,
        on: NaiveDate,
    ) -> Result<()> {
        let Some((old, milestones)) = self.client_as_read(client_id)? else {
            return Err(StoreError::NotFound {
                what: RecordType::Client,
                id: client_id,
            });
        };
        if old.modality == modality {
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "UPDATE clients SET modality = ?2, updated_at = ?3, row_version = row_version + 1
                 WHERE id = ?1",
            )?
            .execute(params![client_id, modality, self.stamp])?;
        if self.audit_each {
            self.audit_detail(
                AuditAction::Update,
                RecordType::Client,
                Some(client_id),
                Some("modality follows the prescription"),
            )?;
        }
        let new = crate::domain::Client {
            modality,
            ..old.clone()
        };
        self.set_milestones(client_id, &milestones.after_change(&old, &new, on))
    }
}
