//! The whole record out as JSON, and the row counts `check` reports.

use super::corrections::{InErrorColumns, SELECT_EARLIER, earlier_version_from_row};
use super::sql::StoredColumns;
use super::{Correctable, Result, Store, StoreError, Table, audit, migrate};
use crate::domain::{
    AlertAck, AuditAction, BookedAppointment, Client, Goal, GoalAction, InError, OstPrescription,
    ReadinessNote, RecordType, Review, Session, Stored, Top, Worker,
};
use serde::Serialize;
use std::io::Write;

/// Tables in the order `check` lists them and `export` writes them.
pub const TABLES: &[&str] = &[
    "workers",
    "clients",
    "client_substances",
    "prescriptions",
    "sessions",
    "session_interventions",
    "readiness_notes",
    "goals",
    "goal_actions",
    "reviews",
    "tops",
    "top_answers",
    "alert_acks",
    "appointments",
    "missed_doses",
    "bbv_results",
    "ecgs",
    "earlier_versions",
    "audit",
];

/// Rows per table, in [`TABLES`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts(pub Vec<(&'static str, i64)>);

impl Counts {
    pub fn total(&self) -> i64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

impl Store {
    pub fn counts(&self) -> Result<Counts> {
        let mut counts = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let n: i64 =
                self.conn
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            counts.push((*table, n));
        }
        Ok(Counts(counts))
    }

    /// Writes every record as one JSON object with an array per record type, one record per line,
    /// streaming so a service-sized file never sits in memory. The export is itself audited.
    pub fn export_json(&mut self, out: &mut dyn Write) -> Result<()> {
        // The whole service leaves the database: only for those who may record, and audited on
        // the real clock.
        self.require(super::Need::Record)?;
        // One read transaction: every table as of the same moment, even while colleagues save.
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let written = self.write_export(out);
        self.conn.execute_batch("COMMIT")?;
        written?;
        out.flush().map_err(StoreError::Export)?;
        let stamp = self.audit_time();
        self.write_stamped(stamp, false, None, |w| {
            w.audit(AuditAction::Export, RecordType::Service, None)
        })
    }

    /// Audits that one client's record (or plan) left the program, `detail` saying which form:
    /// refused under the same rules as any write, so a login that may not record may not take a
    /// client's record away either.
    pub fn audit_client_export(&mut self, client_id: i64, detail: &str) -> Result<()> {
        self.require(super::Need::Record)?;
        let stamp = self.audit_time();
        self.write_stamped(stamp, false, None, |w| {
            w.audit_detail(
                AuditAction::Export,
                RecordType::Client,
                Some(client_id),
                Some(detail),
            )
        })
        .map_err(|e| self.note_damage(e))
    }

    /// The plan in force with each goal's actions in force, for the plan a client takes home.
    pub fn plan_with_actions(
        &self,
        client_id: i64,
    ) -> Result<Vec<(super::PlanGoal, Vec<GoalAction>)>> {
        let sql = format!(
            "{} WHERE t.goal_id = ?1 AND t.in_error_at IS NULL ORDER BY t.due_on, t.id",
            GoalAction::SELECT
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut plan = Vec::new();
        for goal in self.plan(client_id)? {
            let actions = stmt
                .query_map([goal.goal.id], GoalAction::from_row)?
                .collect::<rusqlite::Result<_>>()?;
            plan.push((goal, actions));
        }
        Ok(plan)
    }

    /// The service's name for the top of a document, or the database file's name.
    pub fn service_name(&self) -> Result<String> {
        Ok(self.meta(super::META_SERVICE_NAME)?.unwrap_or_else(|| {
            self.path.file_stem().map_or_else(
                || "the service".into(),
                |s| s.to_string_lossy().into_owned(),
            )
        }))
    }

    fn write_export(&self, out: &mut dyn Write) -> Result<()> {
        let header = serde_json::json!({
            "format": "keywork-export",
            "schema_version": migrate::LATEST,
            "exported_on": self.today(),
        });
        let header = header.to_string();
        write!(out, "{}", &header[..header.len() - 1]).map_err(StoreError::Export)?;
        self.export_table::<Worker>(out, "workers")?;
        self.export_table::<Client>(out, "clients")?;
        // With their terms (pharmacy, prescriber, reasons) and in-error mark: a subject access
        // request sees all.
        export_entries::<OstPrescription>(self, out, "prescriptions")?;
        // Entries carry their in-error mark; their earlier versions follow them.
        export_entries::<Session>(self, out, "sessions")?;
        export_entries::<ReadinessNote>(self, out, "readiness_notes")?;
        export_entries::<Goal>(self, out, "goals")?;
        export_entries::<GoalAction>(self, out, "goal_actions")?;
        export_entries::<Review>(self, out, "reviews")?;
        export_entries::<Top>(self, out, "tops")?;
        export_entries::<AlertAck>(self, out, "alert_acks")?;
        self.export_table::<BookedAppointment>(out, "appointments")?;
        let mut stmt = self.conn.prepare(super::missed_doses::SELECT_ALL)?;
        write_array(
            out,
            "missed_doses",
            stmt.query_map([], super::missed_doses::from_row)?,
        )?;
        let mut stmt = self.conn.prepare(super::bbv::SELECT_ALL)?;
        write_array(
            out,
            "bbv_results",
            stmt.query_map([], super::bbv::from_row)?,
        )?;
        let mut stmt = self.conn.prepare(super::ecgs::SELECT_ALL)?;
        write_array(out, "ecgs", stmt.query_map([], super::ecgs::from_row)?)?;
        export_earlier_versions(self, out)?;
        // Unsaved drafts hold clients' details too: a full export includes them.
        let mut stmt = self.conn.prepare(super::drafts::SELECT_ALL)?;
        write_array(out, "drafts", stmt.query_map([], super::drafts::from_row)?)?;
        let mut stmt = self.conn.prepare(audit::SELECT)?;
        let rows = stmt.query_map([], audit::from_row)?;
        write_array(out, "audit", rows)?;
        writeln!(out, "\n}}").map_err(StoreError::Export)
    }

    fn export_table<T: Table + Serialize>(&self, out: &mut dyn Write, name: &str) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!("{} ORDER BY t.id", T::SELECT))?;
        let stored = StoredColumns::of(&stmt)?;
        let rows = stmt.query_map([], |row| stored.get(row, T::from_row(row)?))?;
        write_array(out, name, rows)
    }
}

pub(super) fn write_array<T: Serialize>(
    out: &mut dyn Write,
    name: &str,
    rows: impl Iterator<Item = rusqlite::Result<T>>,
) -> Result<()> {
    write!(out, ",\n\"{name}\": [").map_err(StoreError::Export)?;
    // Each record is serialised into one reused buffer, then written at once: serde_json's many
    // small writes (a quote, a key, a comma) land in a Vec rather than each going through `dyn
    // Write`, and no record allocates its own.
    let mut line = Vec::with_capacity(1024);
    for (index, row) in rows.enumerate() {
        line.clear();
        line.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
        serde_json::to_writer(&mut line, &row?).map_err(|e| StoreError::Export(e.into()))?;
        out.write_all(&line).map_err(StoreError::Export)?;
    }
    write!(out, "\n]").map_err(StoreError::Export)
}

/// Every earlier version, oldest first, for the export.
pub(super) fn export_earlier_versions(store: &Store, out: &mut dyn std::io::Write) -> Result<()> {
    let mut stmt = store
        .conn
        .prepare(&format!("{SELECT_EARLIER} ORDER BY id"))?;
    let rows = stmt.query_map([], earlier_version_from_row)?;
    write_array(out, "earlier_versions", rows)
}

/// An entry as exported: its fields and its in-error mark (null when it stands).
#[derive(Serialize)]
struct ExportedEntry<T> {
    #[serde(flatten)]
    stored: Stored<T>,
    in_error: Option<InError>,
}

/// Every entry of one kind, each with its in-error mark, for the export.
pub(super) fn export_entries<T: Correctable>(
    store: &Store,
    out: &mut dyn std::io::Write,
    name: &str,
) -> Result<()> {
    let mut stmt = store
        .conn
        .prepare(&format!("{} ORDER BY t.id", T::SELECT))?;
    let (stored, in_error) = (StoredColumns::of(&stmt)?, InErrorColumns::of(&stmt)?);
    let rows = stmt.query_map([], |row| {
        Ok(ExportedEntry {
            stored: stored.get(row, T::from_row(row)?)?,
            in_error: in_error.get(row)?,
        })
    })?;
    write_array(out, name, rows)
}
