//! The record's health and prescribing sections: risk and safety, blood-borne virus tests, the
//! prescription history with its charts, and ECGs.

use super::*;
pub(super) fn risks(doc: &mut Doc, c: &Client) {
    doc.heading("Risk and safety");
    let r = &c.risk;
    if r.overdose_risk {
        doc.push(LineKind::Alert, "  ! Overdose risk");
    }
    if r.safeguarding_children {
        doc.push(
            LineKind::Alert,
            "  ! Safeguarding: children in the household",
        );
    }
    doc.field("Overdose risk", yes_no(r.overdose_risk));
    let naloxone = match (r.naloxone_held, r.naloxone_supplied_on) {
        (true, Some(d)) => format!("held, supplied {}", uk_date(d)),
        (true, None) => "held".into(),
        (false, Some(d)) => format!("not held (last supplied {})", uk_date(d)),
        (false, None) => "not held".into(),
    };
    doc.field("Naloxone", naloxone);
    doc.field("Safeguarding", yes_no(r.safeguarding_children));
    doc.field("Prison release", optional_date(r.prison_release_on));
    doc.field(
        "Hep B vaccination",
        r.hep_b.map_or("not recorded", |h| h.label()),
    );
    doc.field("Hep C test", optional_date(r.hep_c_tested_on));
    doc.field("HIV test", optional_date(r.hiv_tested_on));
}

/// Each blood-borne virus test recorded, oldest first: a result recorded after the sample
/// ("not known" then the result) shows as two lines, the later standing.
pub(super) fn bbv_tests(doc: &mut Doc, record: &ClientRecord) {
    if record.bbv_results.is_empty() {
        return;
    }
    doc.push(LineKind::Text, "  BBV tests");
    for row in &record.bbv_results {
        let e = row.entry();
        let line = format!(
            "{}  {}: {}",
            uk_date(e.taken_on),
            e.test.label(),
            e.test.result_words(e.result)
        );
        match &row.in_error_reason {
            Some(why) => doc.wrapped(
                LineKind::Muted,
                &format!("{line} [entered in error: {why}]"),
                4,
            ),
            None => doc.wrapped(LineKind::Text, &line, 4),
        }
    }
}

/// The prescription history: dose chart, supervision line, then each prescription latest first.
/// A prescription entered in error is left out of the charts and listed, muted and marked, as a
/// correctable entry like any other.
pub(super) fn prescriptions(doc: &mut Doc, record: &ClientRecord, today: NaiveDate, ascii: bool) {
    use crate::app::dosing;
    doc.heading("Prescription");
    if record.prescriptions.is_empty() {
        doc.push(LineKind::Muted, "  No prescription recorded.");
        return;
    }
    let oldest_first: Vec<&OstPrescription> = record
        .prescriptions
        .iter()
        .rev()
        .map(|p| &p.record)
        .collect();
    let counts: Vec<bool> = record
        .prescriptions
        .iter()
        .rev()
        .map(|p| {
            record
                .corrections
                .in_error(RecordType::Prescription, p.id)
                .is_none()
        })
        .collect();
    let standing: Vec<&OstPrescription> = oldest_first
        .iter()
        .zip(&counts)
        .filter(|(_, counts)| **counts)
        .map(|(p, _)| *p)
        .collect();
    if standing.is_empty() {
        doc.push(
            LineKind::Muted,
            "  No prescription stands: each is marked entered in error.",
        );
    } else {
        doc.push(
            LineKind::Text,
            format!("  {}", dosing::dose_chart(&standing, ascii)),
        );
        doc.wrapped(LineKind::Muted, &dosing::supervision_chart(&standing), 2);
    }
    for (i, lines) in dosing::history_of(&oldest_first, &counts, today) {
        let id = record.prescriptions[record.prescriptions.len() - 1 - i].id;
        doc.entry(RecordType::Prescription, id);
        for (n, line) in lines.iter().enumerate() {
            let kind = match (line.alert, line.past) {
                (true, _) => LineKind::Alert,
                (false, true) => LineKind::Muted,
                (false, false) => LineKind::Text,
            };
            // A detail line (pharmacy, reason, note) sits under its prescription.
            let (text, indent) = match line.text.strip_prefix("  ") {
                Some(detail) => (detail, 4),
                None => (line.text.as_str(), 2),
            };
            doc.wrapped(kind, &clean(text), indent);
            if n == 0 {
                marks(doc, record, RecordType::Prescription, id, 4);
            }
        }
    }
}

/// The ECGs the methadone check reads, latest first; shown only when there is one, so a record
/// without reads as it always did.
pub(super) fn ecgs(doc: &mut Doc, record: &ClientRecord) {
    if record.ecgs.is_empty() {
        return;
    }
    doc.heading("ECGs");
    for e in &record.ecgs {
        let qtc = e
            .qtc_ms
            .map_or_else(|| "QTc not given".to_owned(), |ms| format!("QTc {ms} ms"));
        let line = format!("{}  {qtc}", uk_date(e.taken_on));
        match &e.in_error_reason {
            Some(reason) => doc.wrapped(
                LineKind::Muted,
                &format!("{line}  entered in error: {}", clean(reason)),
                2,
            ),
            None => doc.wrapped(LineKind::Text, &line, 2),
        }
    }
}
