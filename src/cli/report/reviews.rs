//! `report reviews`: the reviews owed, soonest first, with a summary line.

use super::*;

/// One review owed as the report writes it; stored text borrowed from the [`DueReview`] where it
/// needs no cleaning, so the 10,000-client report does not copy every name.
#[derive(Debug, Serialize)]
pub(super) struct ReviewLine<'a> {
    #[serde(skip)]
    pub(super) kind: ReviewKind,
    pub(super) reference: Cow<'a, str>,
    pub(super) known_as: Cow<'a, str>,
    pub(super) key_worker: Cow<'a, str>,
    pub(super) review: &'static str,
    pub(super) review_label: &'static str,
    pub(super) due_on: NaiveDate,
    pub(super) days_over: i64,
    pub(super) overdue: bool,
    pub(super) acknowledged: bool,
    pub(super) basis: Cow<'a, str>,
}

pub(super) const REVIEW_COLUMNS: &[&str] = &[
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

pub(super) fn review_line<'a>(
    due: &'a DueReview,
    today: NaiveDate,
    intervals: &ReviewIntervals,
) -> ReviewLine<'a> {
    let days_over = due.due.days_over(today);
    ReviewLine {
        kind: due.due.kind,
        reference: clean(due.reference.as_str()),
        known_as: clean(due.known_as.as_str()),
        key_worker: clean(due.key_worker.as_str()),
        review: due.due.kind.code(),
        review_label: due.due.kind.label(),
        due_on: due.due.due_on,
        days_over,
        overdue: days_over > 0,
        acknowledged: due.quiet,
        basis: Cow::Owned(text(&due.due.basis.words(due.due.kind, intervals))),
    }
}

pub(super) fn reviews(
    store: &Store,
    settings: &Settings,
    args: &ReviewsArgs,
) -> Result<Vec<u8>, CliError> {
    let (scope, whose) = whose(store, &args.whose)?;
    let today = store.today();
    let within = args.within.unwrap_or(settings.review_window_days);
    let until = today
        .checked_add_days(Days::new(within.into()))
        .unwrap_or(NaiveDate::MAX);
    let intervals = &store.review_intervals()?;
    let due = store.reviews_due(scope, intervals, until)?;
    let lines: Vec<ReviewLine<'_>> = due
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
            let rows: Vec<[Cow<'_, str>; 8]> = lines
                .iter()
                .map(|l| {
                    [
                        Cow::Borrowed(&*l.reference),
                        Cow::Borrowed(&*l.known_as),
                        Cow::Borrowed(&*l.key_worker),
                        Cow::Borrowed(l.kind.short()),
                        Cow::Owned(uk_date(l.due_on)),
                        Cow::Owned(l.days_over.to_string()),
                        Cow::Borrowed(if l.acknowledged { "yes" } else { "" }),
                        Cow::Borrowed(&*l.basis),
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
pub(super) fn reviews_summary(lines: &[ReviewLine<'_>], within: u16) -> String {
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
