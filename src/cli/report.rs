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
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

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
    let mut out = std::io::stdout().lock();
    match out.write_all(&report).and_then(|()| out.flush()) {
        // Piped into `head`: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.map_err(|source| CliError::Io {
            path: PathBuf::from("stdout"),
            source,
        }),
    }
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

#[derive(Debug, Serialize)]
struct ReviewLine {
    #[serde(skip)]
    kind: ReviewKind,
    reference: String,
    known_as: String,
    key_worker: String,
    review: &'static str,
    review_label: &'static str,
    due_on: NaiveDate,
    days_over: i64,
    overdue: bool,
    acknowledged: bool,
    basis: String,
}

const REVIEW_COLUMNS: &[&str] = &[
    "reference",
    "known_as",
    "key_worker",
    "review",
    "review_label",
    "due_on",
    "days_over",
    "overdue",
    "acknowledged",
    "basis",
];

fn review_line(due: &DueReview, today: NaiveDate, intervals: &ReviewIntervals) -> ReviewLine {
    let days_over = due.due.days_over(today);
    ReviewLine {
        kind: due.due.kind,
        reference: text(due.reference.as_str()),
        known_as: text(due.known_as.as_str()),
        key_worker: text(due.key_worker.as_str()),
        review: due.due.kind.code(),
        review_label: due.due.kind.label(),
        due_on: due.due.due_on,
        days_over,
        overdue: days_over > 0,
        acknowledged: due.quiet,
        basis: text(&due.due.basis.words(due.due.kind, intervals)),
    }
}

fn reviews(store: &Store, settings: &Settings, args: &ReviewsArgs) -> Result<Vec<u8>, CliError> {
    let (scope, whose) = whose(store, &args.whose)?;
    let today = store.today();
    let within = args.within.unwrap_or(settings.review_window_days);
    let until = today
        .checked_add_days(Days::new(within.into()))
        .unwrap_or(NaiveDate::MAX);
    let intervals = &store.review_intervals()?;
    let lines: Vec<ReviewLine> = store
        .reviews_due(scope, intervals, until)?
        .iter()
        .map(|due| review_line(due, today, intervals))
        .collect();
    match args.format {
        ReportFormat::Json => json(&lines),
        ReportFormat::Csv => csv(REVIEW_COLUMNS, &lines),
        ReportFormat::Text => {
            let mut out = format!(
                "{whose}: reviews overdue or due by {} (today {})\n\n",
                uk_date(until),
                uk_date(today)
            );
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    vec![
                        l.reference.clone(),
                        l.known_as.clone(),
                        l.key_worker.clone(),
                        l.kind.short().to_owned(),
                        uk_date(l.due_on),
                        l.days_over.to_string(),
                        if l.acknowledged { "yes" } else { "" }.to_owned(),
                        l.basis.clone(),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                table(
                    &mut out,
                    &[
                        ("Reference", Align::Left),
                        ("Client", Align::Left),
                        ("Key worker", Align::Left),
                        ("Review", Align::Left),
                        ("Due", Align::Left),
                        ("Days over", Align::Right),
                        ("Acknowledged", Align::Left),
                        ("Basis", Align::Left),
                    ],
                    &rows,
                );
                out.push('\n');
            }
            out.push_str(&reviews_summary(&lines, within));
            out.push('\n');
            Ok(out.into_bytes())
        }
    }
}

/// "12 reviews: 5 overdue (1 acknowledged), 7 due within 28 days".
fn reviews_summary(lines: &[ReviewLine], within: u16) -> String {
    let overdue = lines.iter().filter(|l| l.overdue).count();
    let acknowledged = lines.iter().filter(|l| l.overdue && l.acknowledged).count();
    let coming = lines.len() - overdue;
    let window = match within {
        0 => "today".to_owned(),
        1 => "within 1 day".to_owned(),
        n => format!("within {n} days"),
    };
    let quiet = if acknowledged > 0 {
        format!(" ({acknowledged} acknowledged)")
    } else {
        String::new()
    };
    format!(
        "{}: {overdue} overdue{quiet}, {coming} due {window}",
        plural(lines.len(), "review", "reviews")
    )
}

// ---------------------------------------------------------------------------------------------
// Alerts

const RECOVERY_KIND: &str = "medication_assisted_recovery";

#[derive(Debug, Serialize)]
struct AlertLine {
    reference: String,
    known_as: String,
    key_worker: String,
    /// "alert", or [`RECOVERY_KIND`] for the positive status.
    kind: &'static str,
    code: Option<&'static str>,
    label: &'static str,
    reason: String,
}

const ALERT_COLUMNS: &[&str] = &[
    "reference",
    "known_as",
    "key_worker",
    "kind",
    "code",
    "label",
    "reason",
];

fn alert_lines(rows: &[CaseloadRow]) -> (Vec<AlertLine>, Vec<AlertLine>) {
    let mut alerts = Vec::new();
    let mut recovery = Vec::new();
    for row in rows {
        let line = |kind, code, label, reason: &str| AlertLine {
            reference: text(row.reference.as_str()),
            known_as: text(row.known_as.as_str()),
            key_worker: text(row.key_worker.as_str()),
            kind,
            code,
            label,
            reason: text(reason),
        };
        for alert in &row.assessment.open {
            alerts.push(line(
                "alert",
                Some(alert.kind.code()),
                alert.kind.label(),
                &alert.reason,
            ));
        }
        if let Some(why) = &row.assessment.recovery {
            recovery.push(line(RECOVERY_KIND, None, RECOVERY_LABEL, why));
        }
    }
    (alerts, recovery)
}

fn alerts(
    store: &Store,
    intervals: &ReviewIntervals,
    args: &AlertsArgs,
) -> Result<Vec<u8>, CliError> {
    let (scope, whose) = whose(store, &args.whose)?;
    let rows = store.caseload(scope, intervals)?;
    let (alerts, recovery) = alert_lines(&rows);
    match args.format {
        ReportFormat::Json => json(&alerts.iter().chain(&recovery).collect::<Vec<_>>()),
        ReportFormat::Csv => csv(ALERT_COLUMNS, alerts.iter().chain(&recovery)),
        ReportFormat::Text => {
            let mut out = format!(
                "{whose}: open alerts (today {})\n\n",
                uk_date(store.today())
            );
            if !alerts.is_empty() {
                let rows: Vec<Vec<String>> = alerts
                    .iter()
                    .map(|a| {
                        vec![
                            a.reference.clone(),
                            a.known_as.clone(),
                            a.key_worker.clone(),
                            a.label.to_owned(),
                            a.code.unwrap_or_default().to_owned(),
                            a.reason.clone(),
                        ]
                    })
                    .collect();
                table(
                    &mut out,
                    &[
                        ("Reference", Align::Left),
                        ("Client", Align::Left),
                        ("Key worker", Align::Left),
                        ("Alert", Align::Left),
                        ("Code", Align::Left),
                        ("Reason", Align::Left),
                    ],
                    &rows,
                );
                out.push('\n');
            }
            let clients = alerts
                .iter()
                .map(|a| &a.reference)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            let quiet: usize = rows.iter().map(|r| r.assessment.quiet.len()).sum();
            out.push_str(&format!(
                "{} for {}",
                plural(alerts.len(), "open alert", "open alerts"),
                plural(clients, "client", "clients")
            ));
            if quiet > 0 {
                out.push_str(&format!(
                    "; {} not listed",
                    plural(quiet, "acknowledged alert", "acknowledged alerts")
                ));
            }
            out.push_str("\n\n");
            out.push_str(RECOVERY_LABEL);
            out.push('\n');
            if recovery.is_empty() {
                out.push_str("None.\n");
            } else {
                let rows: Vec<Vec<String>> = recovery
                    .iter()
                    .map(|r| {
                        vec![
                            r.reference.clone(),
                            r.known_as.clone(),
                            r.key_worker.clone(),
                            r.reason.clone(),
                        ]
                    })
                    .collect();
                table(
                    &mut out,
                    &[
                        ("Reference", Align::Left),
                        ("Client", Align::Left),
                        ("Key worker", Align::Left),
                        ("Why", Align::Left),
                    ],
                    &rows,
                );
                out.push_str(&format!(
                    "{} in medication-assisted recovery\n",
                    plural(recovery.len(), "client", "clients")
                ));
            }
            Ok(out.into_bytes())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Caseload

#[derive(Debug, Serialize)]
struct WorkerLine {
    worker: String,
    login: String,
    role: &'static str,
    active_clients: usize,
    overdue_reviews: usize,
    open_alerts: usize,
    sessions_28_days: i64,
    dnas_28_days: i64,
}

const WORKER_COLUMNS: &[&str] = &[
    "worker",
    "login",
    "role",
    "active_clients",
    "overdue_reviews",
    "open_alerts",
    "sessions_28_days",
    "dnas_28_days",
];

/// What one worker's clients add up to.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    active: usize,
    overdue: usize,
    alerts: usize,
}

fn caseload(
    store: &Store,
    intervals: &ReviewIntervals,
    args: &CaseloadArgs,
) -> Result<Vec<u8>, CliError> {
    let today = store.today();
    let since = today
        .checked_sub_days(Days::new(ACTIVITY_DAYS - 1))
        .unwrap_or(NaiveDate::MIN);
    let overdue = |row: &CaseloadRow| {
        row.owed
            .iter()
            .filter(|d| d.due_on < today && !row.is_quiet(d))
            .count()
    };
    let mut tallies: BTreeMap<i64, Tally> = BTreeMap::new();
    for row in store.caseload(Scope::Team, intervals)? {
        let tally = tallies.entry(row.key_worker_id).or_default();
        tally.active += 1;
        tally.overdue += overdue(&row);
        tally.alerts += row.assessment.open.len();
    }
    for row in store.exited_owing_top(Scope::Team, intervals)? {
        tallies.entry(row.key_worker_id).or_default().overdue += overdue(&row);
    }
    let lines: Vec<WorkerLine> = store
        .activity_by_worker(since)?
        .into_iter()
        .map(|a| {
            let tally = tallies.get(&a.worker_id).copied().unwrap_or_default();
            WorkerLine {
                worker: text(a.name.as_str()),
                login: text(a.login.as_str()),
                role: a.role.label(),
                active_clients: tally.active,
                overdue_reviews: tally.overdue,
                open_alerts: tally.alerts,
                sessions_28_days: a.sessions,
                dnas_28_days: a.dnas,
            }
        })
        .filter(|l| {
            l.active_clients + l.overdue_reviews > 0 || l.sessions_28_days + l.dnas_28_days > 0
        })
        .collect();
    match args.format {
        ReportFormat::Json => json(&lines),
        ReportFormat::Csv => csv(WORKER_COLUMNS, &lines),
        ReportFormat::Text => {
            let mut out = format!(
                "Team caseloads on {} (sessions and DNAs from {} to {})\n\n",
                uk_date(today),
                uk_date(since),
                uk_date(today)
            );
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    vec![
                        l.worker.clone(),
                        l.login.clone(),
                        l.role.to_owned(),
                        l.active_clients.to_string(),
                        l.overdue_reviews.to_string(),
                        l.open_alerts.to_string(),
                        l.sessions_28_days.to_string(),
                        l.dnas_28_days.to_string(),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                table(
                    &mut out,
                    &[
                        ("Worker", Align::Left),
                        ("Login", Align::Left),
                        ("Role", Align::Left),
                        ("Clients", Align::Right),
                        ("Overdue reviews", Align::Right),
                        ("Open alerts", Align::Right),
                        ("Sessions 28d", Align::Right),
                        ("DNAs 28d", Align::Right),
                    ],
                    &rows,
                );
                out.push('\n');
            }
            let total = |f: fn(&WorkerLine) -> usize| lines.iter().map(f).sum::<usize>();
            let activity = |f: fn(&WorkerLine) -> i64| {
                usize::try_from(lines.iter().map(f).sum::<i64>()).unwrap_or(0)
            };
            out.push_str(&format!(
                "{}: {}, {}, {}, {} and {} in the last {ACTIVITY_DAYS} days\n",
                plural(lines.len(), "worker", "workers"),
                plural(
                    total(|l| l.active_clients),
                    "active client",
                    "active clients"
                ),
                plural(
                    total(|l| l.overdue_reviews),
                    "overdue review",
                    "overdue reviews"
                ),
                plural(total(|l| l.open_alerts), "open alert", "open alerts"),
                plural(activity(|l| l.sessions_28_days), "session", "sessions"),
                plural(activity(|l| l.dnas_28_days), "DNA", "DNAs"),
            ));
            Ok(out.into_bytes())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Appointments

#[derive(Debug, Serialize)]
struct AppointmentLine {
    time: String,
    date: NaiveDate,
    reference: String,
    known_as: String,
    worker: String,
    kind: &'static str,
    kind_label: &'static str,
    status: &'static str,
    status_label: &'static str,
}

const APPOINTMENT_COLUMNS: &[&str] = &[
    "time",
    "date",
    "reference",
    "known_as",
    "worker",
    "kind",
    "kind_label",
    "status",
    "status_label",
];

fn appointment_line(row: &AppointmentRow) -> AppointmentLine {
    AppointmentLine {
        time: row.at.format("%H:%M").to_string(),
        date: row.at.date(),
        reference: text(row.reference.as_str()),
        known_as: text(row.known_as.as_str()),
        worker: text(row.worker.as_str()),
        kind: row.kind.code(),
        kind_label: row.kind.label(),
        status: row.status.code(),
        status_label: row.status.label(),
    }
}

fn appointments(store: &Store, args: &AppointmentsArgs) -> Result<Vec<u8>, CliError> {
    let (scope, whose) = whose(store, &args.whose)?;
    let on = match &args.on {
        Some(text) => crate::form::dates::parse_date(text, store.today())
            .map_err(|e| CliError::Usage(format!("--on: {e}")))?,
        None => store.today(),
    };
    let lines: Vec<AppointmentLine> = store
        .appointments_on(scope, on)?
        .iter()
        .map(appointment_line)
        .collect();
    match args.format {
        ReportFormat::Json => json(&lines),
        ReportFormat::Csv => csv(APPOINTMENT_COLUMNS, &lines),
        ReportFormat::Text => {
            let mut out = format!("{whose}: appointments on {}\n\n", uk_date(on));
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    vec![
                        l.time.clone(),
                        l.reference.clone(),
                        l.known_as.clone(),
                        l.worker.clone(),
                        l.kind_label.to_owned(),
                        l.status_label.to_owned(),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                table(
                    &mut out,
                    &[
                        ("Time", Align::Left),
                        ("Reference", Align::Left),
                        ("Client", Align::Left),
                        ("Worker", Align::Left),
                        ("Kind", Align::Left),
                        ("Status", Align::Left),
                    ],
                    &rows,
                );
                out.push('\n');
            }
            out.push_str(&appointments_summary(&lines));
            out.push('\n');
            Ok(out.into_bytes())
        }
    }
}

/// "3 appointments: 1 attended, 1 DNA, 1 not yet".
fn appointments_summary(lines: &[AppointmentLine]) -> String {
    let count =
        |status: AppointmentStatus| lines.iter().filter(|l| l.status == status.code()).count();
    format!(
        "{}: {} attended, {} DNA, {} not yet",
        plural(lines.len(), "appointment", "appointments"),
        count(AppointmentStatus::Attended),
        count(AppointmentStatus::Dna),
        count(AppointmentStatus::Booked)
    )
}

// ---------------------------------------------------------------------------------------------
// Formats

fn json<T: Serialize>(lines: &T) -> Result<Vec<u8>, CliError> {
    let mut out = serde_json::to_vec_pretty(lines).map_err(|e| stdout_error(e.into()))?;
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
/// characters count two); the last column is not padded and no line ends in spaces.
fn table(out: &mut String, columns: &[(&str, Align)], rows: &[Vec<String>]) {
    let cleaned: Vec<Vec<String>> =
        std::iter::once(columns.iter().map(|(head, _)| *head).collect())
            .chain(
                rows.iter()
                    .map(|row| row.iter().map(String::as_str).collect()),
            )
            .map(|cells: Vec<&str>| cells.into_iter().map(text).collect())
            .collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            cleaned
                .iter()
                .map(|row| row.get(i).map_or(0, |cell| display::width(cell)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &cleaned {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let fill = " ".repeat(widths[i].saturating_sub(display::width(cell)));
            if i > 0 {
                line.push_str("  ");
            }
            match columns[i].1 {
                Align::Right => {
                    line.push_str(&fill);
                    line.push_str(cell);
                }
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&fill);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            reference: String::new(),
            known_as: String::new(),
            key_worker: String::new(),
            review: "risk",
            review_label: "Risk review",
            due_on: NaiveDate::MIN,
            days_over,
            overdue: days_over > 0,
            acknowledged,
            basis: String::new(),
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
