//! `keywork dose missed --client REF --on DATES`: the days a pharmacy reports doses missed,
//! recorded from the shell under the same rules and audit as the screen's quick entry; and
//! `keywork dose void`, which marks one entered in error as `X` does on the record.

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
    /// Mark a missed dose entered in error, with the reason: it stays in the record, marked, and
    /// counts for nothing (so it no longer makes three in a row). By its id (the export's), or by
    /// the client and the day.
    Void(VoidMissedArgs),
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["id", "client"]))]
pub struct VoidMissedArgs {
    /// The missed dose's id (the export lists each with its id).
    #[arg(long, conflicts_with_all = ["client", "on"])]
    pub id: Option<i64>,
    /// The client's reference (KW-00042), with --on.
    #[arg(long, requires = "on")]
    pub client: Option<String>,
    /// The day recorded missed, with --client.
    #[arg(long, requires = "client")]
    pub on: Option<String>,
    /// Why it was entered in error (required; kept with the entry, never in the audit).
    #[arg(long, allow_hyphen_values = true)]
    pub reason: String,
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
    let args = match command {
        DoseCommand::Missed(args) => args,
        DoseCommand::Void(args) => return void(store, args),
    };
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
    print_missed_alert(store, client_id, &reference)
}

/// The three-in-a-row alert, if it is open now.
fn print_missed_alert(
    store: &Store,
    client_id: i64,
    reference: &crate::domain::ServiceRef,
) -> Result<(), CliError> {
    let status = store.client_status(client_id, &store.review_intervals()?)?;
    if let Some(alert) = status
        .assessment
        .open
        .iter()
        .find(|a| a.kind == crate::domain::AlertKind::MissedDoses)
    {
        println!("{reference}: {}: {}", alert.kind.label(), alert.reason);
    }
    Ok(())
}

/// `keywork dose void`: the missed dose named by id, or by client and day, marked entered in
/// error under the same rule as recording one (whoever may record may correct).
fn void(store: &mut Store, args: &VoidMissedArgs) -> Result<(), CliError> {
    author(store)?;
    let (id, client_id) = match (args.id, &args.client, &args.on) {
        (Some(id), _, _) => match store.missed_dose_client(id)? {
            Some(client_id) => (id, client_id),
            None => {
                return Err(CliError::Usage(format!(
                    "--id: there is no missed dose {id}; the client's export lists each with its id, \
                     or name it with --client and --on"
                )));
            }
        },
        (None, Some(reference), Some(on)) => {
            let (client_id, reference) = client(store, reference)?;
            let day = crate::form::dates::parse_date(on.trim(), store.today())
                .map_err(|e| CliError::Usage(format!("--on: {e}")))?;
            match store.missed_dose_on(client_id, day)? {
                Some(id) => (id, client_id),
                None => {
                    return Err(CliError::Usage(format!(
                        "--on: no missed dose of {reference} is recorded on {} (or it is already \
                         entered in error); the record lists them",
                        crate::domain::uk_date(day)
                    )));
                }
            }
        }
        _ => {
            return Err(CliError::Usage(
                "name the missed dose: --id N, or --client REF --on DATE".into(),
            ));
        }
    };
    let day = store.write(|w| w.void_missed_dose(id, &args.reason))?;
    let reference = store
        .get::<crate::domain::Client>(client_id)?
        .record
        .reference;
    println!(
        "{reference}: the missed dose on {} is marked entered in error and counts for nothing.",
        crate::domain::uk_date(day)
    );
    print_missed_alert(store, client_id, &reference)
}
