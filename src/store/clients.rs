use super::sql::get_code_set;
use super::{Result, StoreError, Table, Writer, invalid};
use crate::domain::{BbvTests, Client, Milestones, RecordType, RiskFlags, Session};
use rusqlite::{named_params, params};

const COLUMNS: &str = "reference = :reference, given_name = :given_name, family_name = :family_name,
    preferred_name = :preferred_name, date_of_birth = :date_of_birth, nhs_number = :nhs_number,
    key_worker_id = :key_worker_id, status = :status, referral_date = :referral_date,
    treatment_start = :treatment_start, primary_substance = :primary_substance, injecting = :injecting,
    modality = :modality, shared_care = :shared_care, overdose_risk = :overdose_risk,
    naloxone_held = :naloxone_held, naloxone_supplied_on = :naloxone_supplied_on,
    safeguarding_children = :safeguarding_children, prison_release_on = :prison_release_on,
    hep_b = :hep_b, hep_c_tested_on = :hep_c_tested_on, hiv_tested_on = :hiv_tested_on";

/// Binds every client column by name, so insert and update cannot disagree on the order.
macro_rules! client_params {
    ($c:expr, $($extra:tt)*) => {
        named_params! {
            ":reference": $c.reference, ":given_name": $c.given_name, ":family_name": $c.family_name,
            ":preferred_name": $c.preferred_name, ":date_of_birth": $c.date_of_birth,
            ":nhs_number": $c.nhs_number, ":key_worker_id": $c.key_worker_id, ":status": $c.status,
            ":referral_date": $c.referral_date, ":treatment_start": $c.treatment_start,
            ":primary_substance": $c.primary_substance, ":injecting": $c.injecting,
            ":modality": $c.modality, ":shared_care": $c.shared_care,
            ":overdose_risk": $c.risk.overdose_risk, ":naloxone_held": $c.risk.naloxone_held,
            ":naloxone_supplied_on": $c.risk.naloxone_supplied_on,
            ":safeguarding_children": $c.risk.safeguarding_children,
            ":prison_release_on": $c.risk.prison_release_on, ":hep_b": $c.risk.hep_b,
            ":hep_c_tested_on": $c.risk.hep_c_tested_on, ":hiv_tested_on": $c.risk.hiv_tested_on,
            $($extra)*
        }
    };
}

impl Table for Client {
    const RECORD: RecordType = RecordType::Client;
    const SELECT: &'static str = "SELECT t.*,
        (SELECT group_concat(substance, ',') FROM client_substances s WHERE s.client_id = t.id) AS other_substances
        FROM clients t";

    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Client {
            reference: row.get("reference")?,
            given_name: row.get("given_name")?,
            family_name: row.get("family_name")?,
            preferred_name: row.get("preferred_name")?,
            date_of_birth: row.get("date_of_birth")?,
            nhs_number: row.get("nhs_number")?,
            key_worker_id: row.get("key_worker_id")?,
            status: row.get("status")?,
            referral_date: row.get("referral_date")?,
            treatment_start: row.get("treatment_start")?,
            primary_substance: row.get("primary_substance")?,
            other_substances: get_code_set(row, "other_substances")?,
            injecting: row.get("injecting")?,
            modality: row.get("modality")?,
            shared_care: row.get("shared_care")?,
            risk: RiskFlags {
                overdose_risk: row.get("overdose_risk")?,
                naloxone_held: row.get("naloxone_held")?,
                naloxone_supplied_on: row.get("naloxone_supplied_on")?,
                safeguarding_children: row.get("safeguarding_children")?,
                prison_release_on: row.get("prison_release_on")?,
                hep_b: row.get("hep_b")?,
                hep_c_tested_on: row.get("hep_c_tested_on")?,
                hiv_tested_on: row.get("hiv_tested_on")?,
            },
        })
    }

    fn insert(w: &Writer<'_>, client: &Self) -> Result<i64> {
        client
            .validate(w.today)
            .map_err(invalid(RecordType::Client))?;
        let sql = format!(
            "INSERT INTO clients (reference, given_name, family_name, preferred_name, date_of_birth, nhs_number,
                key_worker_id, status, referral_date, treatment_start, primary_substance, injecting, modality,
                shared_care, overdose_risk, naloxone_held, naloxone_supplied_on, safeguarding_children,
                prison_release_on, hep_b, hep_c_tested_on, hiv_tested_on, created_at, updated_at)
             VALUES ({}, :stamp, :stamp)",
            placeholders(COLUMNS)
        );
        w.tx.prepare_cached(&sql)?
            .execute(client_params!(client, ":stamp": w.stamp))
            .map_err(name_duplicate)?;
        let id = w.tx.last_insert_rowid();
        insert_substances(w, id, client)?;
        w.set_milestones(id, &Milestones::at_start(client, w.today))?;
        Ok(id)
    }
}

/// A client field no two clients may share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueField {
    Reference,
    NhsNumber,
}

impl UniqueField {
    pub fn label(self) -> &'static str {
        match self {
            UniqueField::Reference => "service reference",
            UniqueField::NhsNumber => "NHS number",
        }
    }
}

impl std::fmt::Display for UniqueField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Turns a broken uniqueness rule into the field it names (SQLite says which only in its
/// message); other errors pass through.
fn name_duplicate(error: rusqlite::Error) -> StoreError {
    let message = error.to_string();
    if message.contains("UNIQUE constraint failed: clients.reference") {
        StoreError::Duplicate(UniqueField::Reference)
    } else if message.contains("UNIQUE constraint failed: clients.nhs_number") {
        StoreError::Duplicate(UniqueField::NhsNumber)
    } else {
        StoreError::Sqlite(error)
    }
}

/// The `:name` placeholders of a `column = :name, ...` list, in order.
fn placeholders(columns: &str) -> String {
    columns
        .split(',')
        .map(|pair| pair.split('=').nth(1).unwrap_or_default().trim())
        .collect::<Vec<_>>()
        .join(", ")
}

fn insert_substances(w: &Writer<'_>, client_id: i64, client: &Client) -> Result<()> {
    let mut stmt = w
        .tx
        .prepare_cached("INSERT INTO client_substances (client_id, substance) VALUES (?1, ?2)")?;
    for substance in &client.other_substances {
        stmt.execute(params![client_id, substance])?;
    }
    Ok(())
}

impl Writer<'_> {
    /// Saves a changed client if nobody else has saved it since `read_version`.
    pub fn update_client(&self, id: i64, read_version: i64, client: &Client) -> Result<()> {
        client
            .validate(self.today)
            .map_err(invalid(RecordType::Client))?;
        let before = self.client_as_read(id)?;
        let sql = format!(
            "UPDATE clients SET {COLUMNS}, updated_at = :stamp, row_version = row_version + 1
             WHERE id = :id AND row_version = :version"
        );
        let changed = self
            .tx
            .prepare_cached(&sql)?
            .execute(
                client_params!(client, ":stamp": self.stamp, ":id": id, ":version": read_version),
            )
            .map_err(name_duplicate)?;
        self.expect_updated(RecordType::Client, "clients", id, changed)?;
        self.tx
            .execute("DELETE FROM client_substances WHERE client_id = ?1", [id])?;
        insert_substances(self, id, client)?;
        if let Some((old, milestones)) = before {
            self.set_milestones(id, &milestones.after_change(&old, client, self.today))?;
        }
        Ok(())
    }

    /// Moves the client's risk flags on for what `session` (already saved) delivered, in the
    /// session's transaction, so the record and its alerts agree the moment the session is
    /// saved. The client is changed (and audited) only if a flag moves.
    pub fn apply_session(&self, session: &Session, bbv: Option<BbvTests>) -> Result<()> {
        let id = session.client_id;
        let Some((client, _)) = self.client_as_read(id)? else {
            return Err(StoreError::NotFound {
                what: RecordType::Client,
                id,
            });
        };
        let risk = client
            .risk
            .after_session(session, bbv, self.hep_b_doses(id)?);
        if risk == client.risk {
            return Ok(());
        }
        let version: i64 =
            self.tx
                .query_row("SELECT row_version FROM clients WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
        self.update_client(id, version, &Client { risk, ..client })
    }

    /// Saves the risk flags a risk review done on `reviewed_on` confirmed or changed. A flag
    /// changed in the review dates from the review, which has covered it, so it does not call
    /// for another risk review at once.
    pub fn review_risk_flags(
        &self,
        id: i64,
        read_version: i64,
        client: &Client,
        reviewed_on: chrono::NaiveDate,
    ) -> Result<()> {
        let before = self.client_as_read(id)?.map(|(_, m)| m);
        self.update_client(id, read_version, client)?;
        let Some((_, after)) = self.client_as_read(id)? else {
            return Ok(());
        };
        let earlier = before.and_then(|m| m.risk_changed_on);
        if after.risk_changed_on != earlier {
            let on = earlier.map_or(reviewed_on, |e| e.max(reviewed_on));
            self.set_milestones(
                id,
                &Milestones {
                    risk_changed_on: Some(on),
                    ..after
                },
            )?;
        }
        Ok(())
    }

    /// Hep B vaccine doses on the client's record, leaving out entries made in error.
    fn hep_b_doses(&self, client_id: i64) -> Result<usize> {
        let n: i64 = self.tx.query_row(
            "SELECT count(*) FROM sessions s JOIN session_interventions i ON i.session_id = s.id
             WHERE s.client_id = ?1 AND s.in_error_at IS NULL AND i.intervention = 'hep_b_vaccination'",
            [client_id],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The client and their milestones as stored now, inside this transaction.
    pub(super) fn client_as_read(&self, id: i64) -> Result<Option<(Client, Milestones)>> {
        use rusqlite::OptionalExtension;
        let sql = format!("{} WHERE t.id = ?1", Client::SELECT);
        Ok(self
            .tx
            .query_row(&sql, [id], |row| {
                Ok((Client::from_row(row)?, milestones_from_row(row)?))
            })
            .optional()?)
    }

    /// Sets the dates the review rules read. Imports of past records set them from history;
    /// otherwise insert and update keep them.
    pub fn set_milestones(&self, id: i64, m: &Milestones) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE clients SET status_since = ?2, modality_since = ?3, ost_since = ?4, risk_changed_on = ?5
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                m.status_since,
                m.modality_since,
                m.ost_since,
                m.risk_changed_on
            ])?;
        Ok(())
    }
}

/// The milestone columns of a `clients` row.
pub(super) fn milestones_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Milestones> {
    Ok(Milestones {
        status_since: row.get("status_since")?,
        modality_since: row.get("modality_since")?,
        ost_since: row.get("ost_since")?,
        risk_changed_on: row.get("risk_changed_on")?,
    })
}
