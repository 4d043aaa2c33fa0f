//! `report alerts`: the open alerts, and the clients in medication-assisted recovery.

use super::*;

pub(super) const RECOVERY_KIND: &str = "medication_assisted_recovery";

#[derive(Debug, Serialize)]
pub(super) struct AlertLine {
    pub(super) reference: String,
    pub(super) known_as: String,
    pub(super) key_worker: String,
    /// "alert", or [`RECOVERY_KIND`] for the positive status.
    pub(super) kind: &'static str,
    pub(super) code: Option<&'static str>,
    pub(super) label: &'static str,
    pub(super) reason: String,
}

pub(super) const ALERT_COLUMNS: &[&str] = &[
    "reference",
    "known_as",
    "key_worker",
    "kind",
    "code",
    "label",
    "reason",
];

pub(super) fn alert_lines(rows: &[CaseloadRow]) -> (Vec<AlertLine>, Vec<AlertLine>) {
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

pub(super) fn alerts(
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
