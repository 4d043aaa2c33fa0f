//! What the client spreadsheet (CSV) import and export need from the database: every client,
//! and an audited export. The file format itself lives with the command (`cli::import`).

use super::{Need, Result, Store, StoreError, Table, sql};
use crate::domain::{AuditAction, Client, RecordType, Stored};

impl Store {
    /// Every client, by service reference: a re-import matches against all of them, whatever
    /// their status, so a discharged client is never imported twice.
    pub fn all_clients(&self) -> Result<Vec<Stored<Client>>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{} ORDER BY t.reference", Client::SELECT))?;
        let rows = stmt.query_map([], |row| sql::get_stored(row, Client::from_row(row)?))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Hands every client to `write` (which writes the file), then audits the export as the JSON
    /// export is: the caseload leaving the database is for those who may record, and recorded.
    pub fn export_clients(
        &mut self,
        write: impl FnOnce(&[Stored<Client>]) -> std::io::Result<()>,
    ) -> Result<()> {
        self.require(Need::Record)?;
        let clients = self.all_clients()?;
        write(&clients).map_err(StoreError::Export)?;
        let stamp = self.audit_time();
        self.write_stamped(stamp, false, None, |w| {
            w.audit(AuditAction::Export, RecordType::Service, None)
        })
    }
}
