//! `keywork dose missed --client REF --on DATES`: the days a pharmacy reports doses missed,
//! recorded from the shell under the same rules and audit as the screen's quick entry.

use super::CliError;
use super::record::{author, client};
use crate::form::kinds::missed_doses::{day_list, parse_days};
use crate::store::Store;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum DoseCommand {
    /// Record the days the pharmacy reports doses missed (three in a row stop dispensing until
    /// the prescriber reassesses).
    Missed(MissedArgs),
}

#[derive(Debug, Args)]
pub struct MissedArgs {
    /// The client's reference (KW-00042).
    #[arg(long)]
    pub client: String,
    /// The days missed, comma-separated, each a date or a range: `19/11/2026,20/11/2026`,
    /// `2026-11-19..2026-11-21`, `yesterday`.
    #[arg(long)]
    pub on: String,
}

pub fn dose(store: &mut Store, command: &DoseCommand) -> Result<(), CliError> {
    let DoseCommand::Missed(args) = command;
    let worker = author(store)?;
    let (client_id, reference) = client(store, &args.client)?;
    let days =
        parse_days(&args.on, store.today()).map_err(|e| CliError::Usage(format!("--on: {e}")))?;
    let recorded = store.write(|w| w.record_missed_doses(client_id, worker, &days))?;
    if !recorded.added.is_empty() {
        println!(
            "{reference}: missed doses recorded: {}",
            day_list(&recorded.added)
        );
    }
    if !recorded.already.is_empty() {
        println!(
            "{reference}: already recorded, left as they were: {}",
            day_list(&recorded.already)
        );
    }
    let status = store.client_status(client_id, &store.review_intervals()?)?;
    if let Some(alert) = status
        .assessment
        .open
        .iter()
        .find(|a| a.kind == crate::domain::AlertKind::MissedDoses)
    {
        println!("{reference}: {}", alert.reason);
    }
    Ok(())
}
