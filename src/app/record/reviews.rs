//! The record's review sections: the reviews owed (with why then), the TOP trend, and the
//! reviews done.

use super::*;
pub(super) fn reviews(doc: &mut Doc, record: &ClientRecord, layout: &Layout) {
    doc.heading("Reviews");
    let status = &record.status;
    let mut owed = status.owed.clone();
    owed.sort_by_key(|d| d.due_on);
    for due in &owed {
        let days = due.days_over(layout.today);
        let quiet = status.is_quiet(due);
        let (kind, when) = match days {
            1.. if quiet => (
                LineKind::Text,
                format!(
                    "overdue by {} (due {}, acknowledged)",
                    days_words(days),
                    uk_date(due.due_on)
                ),
            ),
            1.. => (
                LineKind::Alert,
                format!(
                    "! overdue by {} (due {})",
                    days_words(days),
                    uk_date(due.due_on)
                ),
            ),
            0 => (
                LineKind::Text,
                format!("due today ({})", uk_date(due.due_on)),
            ),
            _ => (
                LineKind::Text,
                format!("due {} (in {})", uk_date(due.due_on), days_words(-days)),
            ),
        };
        doc.wrapped(kind, &format!("{:<22} {when}", due.kind.label()), 2);
        doc.wrapped(
            LineKind::Muted,
            &format!("why then: {}", due.basis.words(due.kind, &layout.intervals)),
            6,
        );
    }
    if owed.is_empty() {
        doc.push(LineKind::Muted, "  No reviews owed.");
    }
}

/// Completed reviews, newest first, with what was agreed.
pub(super) fn reviews_done(doc: &mut Doc, record: &ClientRecord) {
    doc.heading("Reviews done");
    if record.reviews.is_empty() {
        doc.push(LineKind::Muted, "  None yet.");
    }
    for review in &record.reviews {
        let r = &review.record;
        let Some(done) = r.completion.as_ref() else {
            continue;
        };
        doc.entry(RecordType::Review, review.id);
        doc.wrapped(
            LineKind::Muted,
            &format!("{:<22} done {}", r.kind.label(), uk_date(done.completed_on)),
            2,
        );
        marks(doc, record, RecordType::Review, review.id, 6);
        if let Some(checklist) = record.checklists.get(&review.id) {
            doc.wrapped(LineKind::Text, &checklist.summary(), 6);
        }
        if !done.outcome.as_str().is_empty() {
            doc.wrapped(LineKind::Text, done.outcome.as_str(), 6);
        }
    }
}

/// TOPs: the trend of use and wellbeing as small charts, then each TOP by date.
pub(super) fn outcomes(doc: &mut Doc, record: &ClientRecord, ascii: bool) {
    doc.heading("Outcomes (TOP)");
    if record.tops.is_empty() {
        doc.push(LineKind::Muted, "  No TOP recorded yet; t records one.");
        return;
    }
    // A TOP entered in error is listed below with its mark, and left out of the trends.
    let tops: Vec<Top> = record
        .tops
        .iter()
        .filter(|t| record.corrections.in_error(RecordType::Top, t.id).is_none())
        .map(|t| t.record.clone())
        .collect();
    if !tops.is_empty() {
        doc.wrapped(
            LineKind::Muted,
            &crate::app::trends::top_trend_caption(&tops, ascii),
            2,
        );
        for line in crate::app::trends::top_trend_lines(&tops, ascii) {
            doc.push(LineKind::Text, format!("  {}", line.text()));
        }
    }
    doc.push(LineKind::Muted, "  Recorded, newest first:");
    for top in record.tops.iter().rev() {
        doc.entry(RecordType::Top, top.id);
        doc.wrapped(
            LineKind::Text,
            &format!(
                "{}  {} TOP",
                uk_date(top.record.completed_on),
                top.record.stage.label()
            ),
            4,
        );
        marks(doc, record, RecordType::Top, top.id, 6);
    }
}
