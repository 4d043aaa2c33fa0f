//! `keywork bbv result|list --client REF`: blood-borne virus tests from the shell, under the same
//! rules and audit as the screen's quick entry (`B`).

use super::CliError;
use super::record::{author, client};
use crate::domain::{AlertKind, BbvEntry, BbvResult, BbvTest, ShortText, uk_date};
use crate::form::dates::parse_date;
use crate::store::Store;
use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum BbvCommand {
    /// Record a test: the sample taken (result not known yet), its result when it comes, or the
    /// test offered and declined. A later entry for the same test and day stands in place of
    /// the earlier, which stays on the record.
    Result(ResultArgs),
    /// A client's BBV tests, oldest first, with the alerts they leave open.
    List(ListArgs),
    /// Mark a result entered in error (kept on the record, marked; counts for nothing).
    Void(VoidArgs),
}

#[derive(Debug, Args)]
pub struct VoidArgs {
    /// The result's number, as `keywork bbv list` shows it.
    #[arg(long)]
    pub id: i64,
    /// Why it was in error (kept with it).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ResultArgs {
    /// The client's reference (KW-00042).
    #[arg(long)]
    pub client: String,
    /// Which test.
    #[arg(long, value_parser = PossibleValuesParser::new(BbvTest::ALL.iter().map(|t| t.code())))]
    pub test: String,
    /// The day the sample was taken, or the test declined: `19/11/2026`, `2026-11-19`,
    /// `yesterday`.
    #[arg(long)]
    pub taken_on: String,
    /// What it showed (`not_known` while the result is awaited).
    #[arg(long, value_parser = PossibleValuesParser::new(BbvResult::ALL.iter().map(|r| r.code())))]
    pub result: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The client's reference (KW-00042).
    #[arg(long)]
    pub client: String,
}

pub fn bbv(store: &mut Store, command: &BbvCommand) -> Result<(), CliError> {
    match command {
        BbvCommand::Result(args) => record(store, args),
        BbvCommand::List(args) => list(store, args),
        BbvCommand::Void(args) => void(store, args),
    }
}

fn void(store: &mut Store, args: &VoidArgs) -> Result<(), CliError> {
    let reason = ShortText::new(args.reason.trim().to_owned())
        .map_err(|e| CliError::Usage(format!("--reason: {e}")))?;
    let (client_id, entry) = store.write(|w| w.void_bbv_result(args.id, &reason))?;
    let reference = store
        .get::<crate::domain::Client>(client_id)?
        .record
        .reference;
    println!(
        "{reference}: BBV result {} marked entered in error: {}",
        args.id,
        entry.describe()
    );
    if entry.result.sample_taken() {
        println!(
            "{reference}: the client's details keep their test dates; if {} was wrong there too, correct it on the client's details",
            uk_date(entry.taken_on)
        );
    }
    print_open_alerts(store, client_id, &reference)
}

fn record(store: &mut Store, args: &ResultArgs) -> Result<(), CliError> {
    let worker = author(store)?;
    let (client_id, reference) = client(store, &args.client)?;
    let entry = BbvEntry {
        // Both are among the parser's possible values.
        test: BbvTest::from_code(&args.test).ok_or_else(|| bad("--test", &args.test))?,
        result: BbvResult::from_code(&args.result).ok_or_else(|| bad("--result", &args.result))?,
        taken_on: parse_date(&args.taken_on, store.today())
            .map_err(|e| CliError::Usage(format!("--taken-on: {e}")))?,
    };
    let id = store.write(|w| w.record_bbv_result(client_id, worker, &entry))?;
    println!(
        "{reference}: recorded BBV result {id}: {}",
        entry.describe()
    );
    print_open_alerts(store, client_id, &reference)
}

fn bad(flag: &str, value: &str) -> CliError {
    CliError::Usage(format!("{flag}: '{value}' is not one of the choices"))
}

fn list(store: &mut Store, args: &ListArgs) -> Result<(), CliError> {
    let (client_id, reference) = client(store, &args.client)?;
    let rows = store.bbv_results(client_id)?;
    if rows.is_empty() {
        println!("{reference}: no BBV tests recorded");
    }
    for row in &rows {
        let entry = row.entry();
        let in_error = row
            .in_error_reason
            .as_deref()
            .map_or(String::new(), |why| format!(" [entered in error: {why}]"));
        println!(
            "{reference}  {}  {:<26} {}{in_error}  (result {}, recorded {})",
            uk_date(entry.taken_on),
            entry.test.label(),
            entry.test.result_words(entry.result),
            row.id,
            &row.created_at[..10.min(row.created_at.len())],
        );
    }
    print_open_alerts(store, client_id, &reference)
}

/// The client's open BBV alerts, one a line.
fn print_open_alerts(
    store: &Store,
    client_id: i64,
    reference: &crate::domain::ServiceRef,
) -> Result<(), CliError> {
    let status = store.client_status(client_id, &store.review_intervals()?)?;
    for alert in status
        .assessment
        .open
        .iter()
        .filter(|a| a.kind == AlertKind::BbvTest)
    {
        println!("{reference}: {}", alert.reason);
    }
    Ok(())
}
