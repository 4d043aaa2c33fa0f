//! `keywork dose missed --client REF --on DATES`: the days a pharmacy reports doses missed,
//! recorded from the shell under the same rules and audit as the screen's quick entry.

use super::CliError;
use super::record::{author, client};
use crate::domain::missed_dose::MAX_DATES_PER_ENTRY;
use crate::domain::uk_date;
use crate::form::dates::parse_date;
use crate::store::Store;
use chrono::NaiveDate;
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
    let list = |days: &[NaiveDate]| {
        days.iter()
            .map(|d| uk_date(*d))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !recorded.added.is_empty() {
        println!(
            "{reference}: missed doses recorded: {}",
            list(&recorded.added)
        );
    }
    if !recorded.already.is_empty() {
        println!(
            "{reference}: already recorded, left as they were: {}",
            list(&recorded.already)
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

/// Reads `a,b,c..d` into days, oldest first, each once; a range is inclusive.
pub fn parse_days(text: &str, today: NaiveDate) -> Result<Vec<NaiveDate>, String> {
    let mut days = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once("..") {
            Some((from, to)) => {
                let (from, to) = (parse_date(from, today)?, parse_date(to, today)?);
                if to < from {
                    return Err(format!(
                        "the range {} to {} runs backwards: put the earlier day first",
                        uk_date(from),
                        uk_date(to)
                    ));
                }
                let mut day = from;
                while day <= to && days.len() <= MAX_DATES_PER_ENTRY {
                    days.push(day);
                    match day.succ_opt() {
                        Some(next) => day = next,
                        None => break,
                    }
                }
            }
            None => days.push(parse_date(part, today)?),
        }
    }
    if days.is_empty() {
        return Err("give at least one date a dose was missed, e.g. --on 19/11/2026".into());
    }
    days.sort_unstable();
    days.dedup();
    if days.len() > MAX_DATES_PER_ENTRY {
        return Err(format!(
            "more than {MAX_DATES_PER_ENTRY} days at once: record them in parts"
        ));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn days_are_read_as_lists_and_inclusive_ranges() {
        let today = d("2026-11-23");
        assert_eq!(
            parse_days("19/11/2026, 2026-11-21,yesterday", today).unwrap(),
            [d("2026-11-19"), d("2026-11-21"), d("2026-11-22")]
        );
        assert_eq!(
            parse_days("2026-11-19..2026-11-21,20/11/2026", today).unwrap(),
            [d("2026-11-19"), d("2026-11-20"), d("2026-11-21")]
        );
        assert_eq!(
            parse_days("2026-11-19..2026-11-19", today).unwrap(),
            [d("2026-11-19")]
        );
        assert!(
            parse_days("2026-11-21..2026-11-19", today)
                .unwrap_err()
                .contains("backwards")
        );
        assert!(
            parse_days(" , ", today)
                .unwrap_err()
                .contains("at least one date")
        );
        assert!(
            parse_days("2026-01-01..2026-12-31", today)
                .unwrap_err()
                .contains("more than 31")
        );
        assert!(
            parse_days("19/13/2026", today)
                .unwrap_err()
                .contains("not a date")
        );
    }
}
