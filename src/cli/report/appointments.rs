//! `report appointments`: the clinic list for a day, attended or not.

use super::*;

#[derive(Debug, Serialize)]
pub(super) struct AppointmentLine {
    pub(super) time: String,
    pub(super) date: NaiveDate,
    pub(super) reference: String,
    pub(super) known_as: String,
    pub(super) worker: String,
    pub(super) kind: &'static str,
    pub(super) kind_label: &'static str,
    pub(super) status: &'static str,
    pub(super) status_label: &'static str,
}

pub(super) const APPOINTMENT_COLUMNS: &[&str] = &[
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

pub(super) fn appointment_line(row: &AppointmentRow) -> AppointmentLine {
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

pub(super) fn appointments(store: &Store, args: &AppointmentsArgs) -> Result<Vec<u8>, CliError> {
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
pub(super) fn appointments_summary(lines: &[AppointmentLine]) -> String {
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
