//! `keywork ecg add --client REF --on DATE [--qtc MS]`: an ECG recorded from the shell under the
//! same rules and audit as the screen's quick form, so the dose check's "ECG recommended" can be
//! answered from wherever the result arrives.

use super::CliError;
use super::record::{author, client};
use crate::domain::ecg::{Ecg, parse_qtc};
use crate::domain::uk_date;
use crate::form::dates::parse_date;
use crate::store::Store;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum EcgCommand {
    /// Record an ECG: the day it was taken and, from the report, the QTc.
    Add(AddArgs),
    /// Mark an ECG entered in error (its id is printed by `ecg add` and in the export): it stays
    /// on the record, marked, and no longer counts for the dose check.
    Void(VoidArgs),
}

#[derive(Debug, Args)]
pub struct VoidArgs {
    /// The ECG's id.
    #[arg(long)]
    pub id: i64,
    /// Why it was entered in error.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The client's reference (KW-00042).
    #[arg(long)]
    pub client: String,
    /// The day the ECG was taken: `19/11/2026`, `2026-11-19`, `yesterday` (not in the future).
    #[arg(long)]
    pub on: String,
    /// The corrected QT interval in ms, 300 to 700 (e.g. 430), when the report gives it.
    #[arg(long)]
    pub qtc: Option<String>,
}

pub fn ecg(store: &mut Store, command: &EcgCommand) -> Result<(), CliError> {
    let args = match command {
        EcgCommand::Add(args) => args,
        EcgCommand::Void(args) => {
            store.write(|w| w.void_ecg(args.id, &args.reason))?;
            println!("ECG {} marked entered in error.", args.id);
            return Ok(());
        }
    };
    let worker = author(store)?;
    let (client_id, reference) = client(store, &args.client)?;
    let taken_on =
        parse_date(&args.on, store.today()).map_err(|e| CliError::Usage(format!("--on: {e}")))?;
    let qtc_ms = args
        .qtc
        .as_deref()
        .map(parse_qtc)
        .transpose()
        .map_err(|e| CliError::Usage(format!("--qtc: {e}")))?;
    let ecg = Ecg { taken_on, qtc_ms };
    ecg.check(store.today())
        .map_err(|e| CliError::Usage(format!("--on: {e}")))?;
    let id = store.write(|w| w.record_ecg(client_id, worker, &ecg))?;
    let qtc = qtc_ms
        .map(|ms| format!(", QTc {ms} ms"))
        .unwrap_or_default();
    println!("{reference}: ECG {id} recorded, {}{qtc}", uk_date(taken_on));
    Ok(())
}
