//! `keywork export --format csv`: every client in the columns `keywork import` reads, so a
//! spreadsheet can go out and come back. Cells a spreadsheet would run as formulas are guarded.

use super::import::COLUMNS;
use super::{CliError, output};
use crate::domain::{Client, Stored};
use crate::form::forms::client::key;
use crate::store::{Store, StoreError};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// A date as the export writes it: ISO, which no spreadsheet locale misreads.
fn iso(date: Option<chrono::NaiveDate>) -> String {
    date.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.to_owned()
}

/// One client's cells, in [`COLUMNS`] order.
fn cells(c: &Client, login: &str) -> Vec<String> {
    let text = |n: &Option<crate::domain::Name>| n.as_ref().map(|n| n.to_string());
    let r = &c.risk;
    COLUMNS
        .iter()
        .map(|column| match column.key {
            key::REFERENCE => c.reference.to_string(),
            key::GIVEN => c.given_name.to_string(),
            key::FAMILY => c.family_name.to_string(),
            key::PREFERRED => text(&c.preferred_name).unwrap_or_default(),
            key::DOB => iso(Some(c.date_of_birth)),
            key::NHS => c.nhs_number.as_ref().map_or("", |n| n.as_str()).to_owned(),
            key::WORKER => login.to_owned(),
            key::STATUS => c.status.code().to_owned(),
            key::REFERRAL => iso(Some(c.referral_date)),
            key::START => iso(c.treatment_start),
            key::MODALITY => c.modality.code().to_owned(),
            key::PRIMARY => c.primary_substance.code().to_owned(),
            key::OTHERS => c
                .other_substances
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>()
                .join(";"),
            key::INJECTING => c.injecting.code().to_owned(),
            key::SHARED_CARE => text(&c.shared_care).unwrap_or_default(),
            key::OVERDOSE => yes_no(r.overdose_risk),
            key::NALOXONE => yes_no(r.naloxone_held),
            key::NALOXONE_ON => iso(r.naloxone_supplied_on),
            key::SAFEGUARDING => yes_no(r.safeguarding_children),
            key::PRISON => iso(r.prison_release_on),
            key::HEP_B => r.hep_b.map_or("", |h| h.code()).to_owned(),
            key::HEP_C => iso(r.hep_c_tested_on),
            key::HIV => iso(r.hiv_tested_on),
            _ => String::new(),
        })
        .map(|cell| output::csv_cell(&cell))
        .collect()
}

/// Writes the clients as CSV: the header, then one row each, every cell guarded.
fn write_csv(
    out: &mut dyn Write,
    clients: &[Stored<Client>],
    logins: &HashMap<i64, String>,
) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS.iter().map(|c| c.name))?;
    for stored in clients {
        let c = &stored.record;
        let login = logins.get(&c.key_worker_id).map_or("", String::as_str);
        writer.write_record(cells(c, login))?;
    }
    writer.flush()
}

/// `keywork export --format csv`: the clients, in the columns `import` reads.
pub fn export_csv(store: &mut Store, out: Option<&Path>) -> Result<(), CliError> {
    // Refused before any output is made, so a refusal is one line and no file.
    if let Some(refusal) = store.refusal()? {
        return Err(StoreError::Refused(refusal).into());
    }
    let logins: HashMap<i64, String> = store
        .members()?
        .into_iter()
        .map(|m| (m.id, m.worker.login.to_string()))
        .collect();
    let bar = super::progress::working("Exporting the clients");
    match out {
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            store.export_clients(|clients| write_csv(&mut lock, clients, &logins))?;
        }
        Some(path) => output::write_new(path, "export", |file| {
            let written = store.export_clients(|clients| write_csv(file, clients, &logins));
            written.map_err(|e| store.note_damage(e))
        })?,
    }
    bar.finish_and_clear();
    Ok(())
}
