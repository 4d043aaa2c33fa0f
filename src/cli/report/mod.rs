//! `keywork report`: the reviews due, the open alerts and the team's caseloads, as plain text for a
//! morning list or a cron mail, or as JSON or CSV for other tools.
//!
//! Reports read the database without writing to it and go to standard output, or with `--out` to
//! a new owner-only file: nothing about a client is ever written to standard error. Every piece of stored text is cleaned
//! ([`clean`]) in every format, so a hostile name cannot drive the terminal that shows it.

use super::{CliError, output};
use crate::config::Settings;
use crate::display::{self, clean};
use crate::domain::alert::RECOVERY_LABEL;
use crate::domain::{AppointmentStatus, Login, ReviewIntervals, ReviewKind, uk_date};
use crate::store::{AppointmentRow, CaseloadRow, DueReview, Scope, Store};
use chrono::{Days, NaiveDate};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

mod alerts;
mod appointments;
mod caseloads;
mod reviews;

use alerts::alerts;
use appointments::appointments;
use caseloads::caseload;
use reviews::reviews;

/// The days `report caseload` counts sessions and DNAs over, today included.
pub const ACTIVITY_DAYS: u64 = 28;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Reviews overdue and due soon: a morning list, or a cron mail.
    #[command(after_help = REVIEWS_HELP)]
    Reviews(ReviewsArgs),
    /// Every open alert with its reason, and who is in medication-assisted recovery.
    #[command(after_help = ALERTS_HELP)]
    Alerts(AlertsArgs),
    /// One line per worker: clients, overdue reviews, open alerts, recent sessions and DNAs.
    #[command(after_help = CASELOAD_HELP)]
    Caseload(CaseloadArgs),
    /// The day's booked appointments: who, when, and attended, DNA or not yet.
    #[command(after_help = APPOINTMENTS_HELP)]
    Appointments(AppointmentsArgs),
}

const REVIEWS_HELP: &str = "\
Lists every review owed by active clients, and every exit TOP still owed by clients who have left, \
due on or before today + DAYS, most overdue first. A review is overdue the day after its due date; \
'days over' is negative for days still to go. 'acknowledged' marks an overdue review whose alert \
a worker acknowledged.

Text: an aligned table (dates dd/mm/yyyy) and a summary line.
JSON: an array of objects with the keys reference, known_as, key_worker, review (a code such as \
care_plan), review_label, due_on (YYYY-MM-DD), days_over, overdue, acknowledged and basis (why it \
is due then, in words).
CSV: the same columns, with a header row.";

const ALERTS_HELP: &str = "\
Lists every open (not acknowledged) alert of active clients, one line each, by client reference; \
then, separately, the clients in medication-assisted recovery, a positive status.

Text: a table of alerts and a summary line, then a section 'Medication-assisted recovery'.
JSON: one array of objects with the keys reference, known_as, key_worker, kind, code, label and \
reason. kind is \"alert\" for an alert (code: e.g. overdue_care_plan, three_dnas, naloxone) or \
\"medication_assisted_recovery\" for the positive status (code: null). Alerts come first.
CSV: the same columns, with a header row; code is empty on recovery rows.";

const CASELOAD_HELP: &str = "\
One line per worker, team-wide: active clients; overdue reviews (past their due date and not \
acknowledged, including exit TOPs still owed by clients who have left); open alerts; and the \
attended sessions and the DNAs of the worker's clients over the last 28 days (today and the 27 \
days before). Sessions count for the client's key worker, whoever ran them. Lists key workers, \
team leads and prescribers who have clients or such activity, and anyone else holding clients.

JSON: an array of objects with the keys worker, login, role, active_clients, overdue_reviews, \
open_alerts, sessions_28_days and dnas_28_days.
CSV: the same columns, with a header row.";

const APPOINTMENTS_HELP: &str = "\
Lists the appointments booked for one day (today unless --on), in time order: the worker's own \
and their clients' appointments, or with --team everyone's. A session's next appointment books \
one; on the day a session marks it attended and a DNA marks it missed.

Text: an aligned table (times HH:MM) and a summary line.
JSON: an array of objects with the keys time (HH:MM), date (YYYY-MM-DD), reference, known_as, \
worker, kind (a code such as key_work), kind_label, status (booked, attended or dna) and \
status_label.
CSV: the same columns, with a header row.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ReportFormat {
    /// An aligned table for reading.
    #[default]
    Text,
    /// An array of objects.
    Json,
    /// A header row, then one row per line of the report.
    Csv,
}

/// Whose clients a report covers.
#[derive(Debug, Args)]
pub struct WhoseArgs {
    /// Another worker's caseload, by their login [default: your own].
    #[arg(long, value_name = "LOGIN")]
    pub worker: Option<String>,
    /// Everyone's clients.
    #[arg(long, conflicts_with = "worker")]
    pub team: bool,
}

#[derive(Debug, Args)]
pub struct ReviewsArgs {
    /// How many days ahead to look; 0 lists only what is overdue or due today [default:
    /// review_window_days in the config file (KEYWORK_CONFIG, or `keywork --config FILE report`),
    /// 28 unless set].
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u16).range(0..=365))]
    pub within: Option<u16>,
    #[command(flatten)]
    pub whose: WhoseArgs,
    /// How to write the report.
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Write to this new file (owner-only) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    #[command(flatten)]
    pub whose: WhoseArgs,
    /// How to write the report.
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Write to this new file (owner-only) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CaseloadArgs {
    /// How to write the report.
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Write to this new file (owner-only) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AppointmentsArgs {
    #[command(flatten)]
    pub whose: WhoseArgs,
    /// The day to list: 23/11/2026, 2026-11-23, today, tomorrow, +1d [default: today].
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// How to write the report.
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Write to this new file (owner-only) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs one report against a store opened for reading, and writes it to standard output or to
/// the new file named by `--out`.
pub fn run(store: &Store, settings: &Settings, command: &ReportCommand) -> Result<(), CliError> {
    let (report, out) = match command {
        ReportCommand::Reviews(args) => (reviews(store, settings, args)?, &args.out),
        ReportCommand::Alerts(args) => {
            (alerts(store, &store.review_intervals()?, args)?, &args.out)
        }
        ReportCommand::Caseload(args) => (
            caseload(store, &store.review_intervals()?, args)?,
            &args.out,
        ),
        ReportCommand::Appointments(args) => (appointments(store, args)?, &args.out),
    };
    if let Some(path) = out {
        return Ok(output::write_new(path, "write the report", |file| {
            file.write_all(&report)
        })?);
    }
    // Piped into `head`, the reader goes early: `cli::main` lets that pass quietly.
    let mut out = std::io::stdout().lock();
    out.write_all(&report)
        .and_then(|()| out.flush())
        .map_err(|source| CliError::Io {
            path: PathBuf::from("stdout"),
            source,
        })
}

/// The clients a report covers, and how its title names them.
fn whose(store: &Store, args: &WhoseArgs) -> Result<(Scope, String), CliError> {
    if args.team {
        return Ok((Scope::Team, "The whole team".to_owned()));
    }
    let login = match &args.worker {
        Some(text) => {
            Login::new(text.as_str()).map_err(|e| CliError::Usage(format!("--worker: {e}")))?
        }
        None => store.actor().clone(),
    };
    match store.worker_by_login(&login)? {
        Some(worker) => Ok((
            Scope::Worker(worker.id),
            format!("{}'s caseload", clean(worker.record.display_name.as_str())),
        )),
        None if args.worker.is_some() => Err(CliError::Usage(format!(
            "--worker: {login} is not on the team list"
        ))),
        None => Err(CliError::Usage(format!(
            "login {login} is not on the team list, so has no caseload; \
             name one with --worker LOGIN, or use --team"
        ))),
    }
}

fn text(stored: &str) -> String {
    clean(stored).into_owned()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------------------------------------
// Reviews

fn json<T: Serialize>(lines: &T) -> Result<Vec<u8>, CliError> {
    let mut out = Vec::new();
    serde_json::to_writer_pretty(&mut out, lines).map_err(|e| stdout_error(e.into()))?;
    let text = std::str::from_utf8(&out).map_err(|e| stdout_error(std::io::Error::other(e)))?;
    // Copied again only in the rare case that some character needs escaping.
    let mut out = match crate::display::json_safe(text) {
        Cow::Borrowed(_) => out,
        Cow::Owned(safe) => safe.into_bytes(),
    };
    out.push(b'\n');
    Ok(out)
}

/// A header row, written even when there are no rows, then one record per line, its text
/// cells guarded against formulas ([`output::csv_with_guarded_text`]).
fn csv<'a, T: Serialize + 'a>(
    columns: &[&str],
    lines: impl IntoIterator<Item = &'a T>,
) -> Result<Vec<u8>, CliError> {
    output::csv_with_guarded_text(columns, lines)
        .map_err(|e| stdout_error(std::io::Error::other(e)))
}

fn stdout_error(source: std::io::Error) -> CliError {
    CliError::Io {
        path: PathBuf::from("stdout"),
        source,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// A header line and rows, columns two spaces apart and as wide as their widest cell (wide
/// characters count two); the last column is not padded and no line ends in spaces. Cells are
/// cleaned here, borrowed when clean already, and lines written straight into `out`.
fn table<R: AsRef<[S]>, S: AsRef<str>>(out: &mut String, columns: &[(&str, Align)], rows: &[R]) {
    // Each cell cleaned once and measured once.
    let cleaned: Vec<Vec<(Cow<'_, str>, usize)>> = std::iter::once(
        columns
            .iter()
            .map(|(head, _)| clean(head))
            .collect::<Vec<_>>(),
    )
    .chain(rows.iter().map(|row| {
        row.as_ref()
            .iter()
            .map(|cell| clean(cell.as_ref()))
            .collect()
    }))
    .map(|row| {
        row.into_iter()
            .map(|cell| {
                let width = display::width(&cell);
                (cell, width)
            })
            .collect()
    })
    .collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            cleaned
                .iter()
                .map(|row| row.get(i).map_or(0, |(_, width)| *width))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &cleaned {
        let start = out.len();
        for (i, (cell, width)) in row.iter().enumerate() {
            let fill = widths[i].saturating_sub(*width);
            if i > 0 {
                out.push_str("  ");
            }
            match columns[i].1 {
                Align::Right => {
                    out.extend(std::iter::repeat_n(' ', fill));
                    out.push_str(cell);
                }
                Align::Left => {
                    out.push_str(cell);
                    out.extend(std::iter::repeat_n(' ', fill));
                }
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::{alerts::*, appointments::*, caseloads::*, reviews::*};

    fn keys<T: Serialize>(line: &T) -> Vec<String> {
        match serde_json::to_value(line).unwrap() {
            serde_json::Value::Object(map) => map.keys().cloned().collect(),
            other => panic!("not an object: {other}"),
        }
    }

    fn sorted(columns: &[&str]) -> Vec<String> {
        let mut columns: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
        columns.sort();
        columns
    }

    /// The CSV header is written by hand (so it is there when no rows are), and must name the
    /// fields each row is serialised with, in the same order.
    #[test]
    fn csv_headers_match_the_row_fields() {
        let review = ReviewLine {
            kind: ReviewKind::CarePlan,
            reference: "KW-00001".into(),
            known_as: "A".into(),
            key_worker: "B".into(),
            review: "care_plan",
            review_label: "Care-plan review",
            due_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            days_over: 1,
            overdue: true,
            acknowledged: false,
            basis: "why".into(),
        };
        let alert = AlertLine {
            reference: "KW-00001".into(),
            known_as: "A".into(),
            key_worker: "B".into(),
            kind: "alert",
            code: Some("naloxone"),
            label: "Naloxone needed",
            reason: "why".into(),
        };
        let worker = WorkerLine {
            worker: "B".into(),
            login: "b".into(),
            role: "Key worker",
            active_clients: 1,
            overdue_reviews: 0,
            open_alerts: 0,
            sessions_28_days: 0,
            dnas_28_days: 0,
        };
        // serde_json's map is sorted by key; compare as sets, then the order via CSV.
        assert_eq!(keys(&review), sorted(REVIEW_COLUMNS));
        assert_eq!(keys(&alert), sorted(ALERT_COLUMNS));
        assert_eq!(keys(&worker), sorted(WORKER_COLUMNS));
        let appointment = AppointmentLine {
            time: "14:00".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            reference: "KW-00001".into(),
            known_as: "A".into(),
            worker: "B".into(),
            kind: "key_work",
            kind_label: "Key work",
            status: "booked",
            status_label: "not yet",
        };
        assert_eq!(keys(&appointment), sorted(APPOINTMENT_COLUMNS));
        let mut auto = csv::Writer::from_writer(Vec::new());
        auto.serialize(&appointment).unwrap();
        let auto = String::from_utf8(auto.into_inner().unwrap()).unwrap();
        assert_eq!(
            auto.lines().next(),
            Some(APPOINTMENT_COLUMNS.join(",").as_str())
        );
        let mut auto = csv::Writer::from_writer(Vec::new());
        auto.serialize(&review).unwrap();
        let auto = String::from_utf8(auto.into_inner().unwrap()).unwrap();
        assert_eq!(auto.lines().next(), Some(REVIEW_COLUMNS.join(",").as_str()));
    }

    #[test]
    fn table_aligns_columns_and_cleans_cells() {
        let mut out = String::new();
        table(
            &mut out,
            &[
                ("Name", Align::Left),
                ("N", Align::Right),
                ("Why", Align::Left),
            ],
            &[
                vec!["Jo\u{1b}[2J".into(), "12".into(), "a".into()],
                vec!["Samantha".into(), "3".into(), String::new()],
            ],
        );
        assert_eq!(out, "Name       N  Why\nJo^[[2J   12  a\nSamantha   3\n");
    }

    #[test]
    fn summary_counts_overdue_and_coming_reviews() {
        let line = |days_over: i64, acknowledged| ReviewLine {
            kind: ReviewKind::Risk,
            reference: "".into(),
            known_as: "".into(),
            key_worker: "".into(),
            review: "risk",
            review_label: "Risk review",
            due_on: NaiveDate::MIN,
            days_over,
            overdue: days_over > 0,
            acknowledged,
            basis: "".into(),
        };
        let lines = [
            line(5, true),
            line(1, false),
            line(0, false),
            line(-3, false),
        ];
        assert_eq!(
            reviews_summary(&lines, 28),
            "4 reviews: 2 overdue (1 acknowledged), 2 due within 28 days"
        );
        assert_eq!(
            reviews_summary(&lines[2..3], 0),
            "1 review: 0 overdue, 1 due today"
        );
    }
}
