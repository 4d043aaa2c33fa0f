//! `report caseload`: each worker's caseload, with its reviews overdue and its alerts.

use super::*;

#[derive(Debug, Serialize)]
pub(super) struct WorkerLine {
    pub(super) worker: String,
    pub(super) login: String,
    pub(super) role: &'static str,
    pub(super) active_clients: usize,
    pub(super) overdue_reviews: usize,
    pub(super) open_alerts: usize,
    pub(super) sessions_28_days: i64,
    pub(super) dnas_28_days: i64,
}

pub(super) const WORKER_COLUMNS: &[&str] = &[
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
pub(super) struct Tally {
    pub(super) active: usize,
    pub(super) overdue: usize,
    pub(super) alerts: usize,
}

pub(super) fn caseload(
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
