//! The record's "Data checks": the findings of `keywork check --clinical` for this client alone
//! (the rules of `domain::clinical_check`, read by `store::clinical_check` over this client's
//! rows), so a worker looking at one client sees what a reviewer would correct. Absent when the
//! record is clean: it costs no line then.

use super::{Doc, LineKind};
use crate::domain::clinical_check::Severity;
use crate::store::ClientRecord;

/// Errors first (something could be acted on wrongly today), then warnings, each with its rule's
/// name as `check --clinical` prints it, so the two can be matched.
pub(super) fn data_checks(doc: &mut Doc, record: &ClientRecord) {
    if record.data_checks.is_empty() {
        return;
    }
    doc.heading("Data checks");
    let mut findings: Vec<_> = record.data_checks.iter().collect();
    findings.sort_by_key(|f| (f.rule.severity(), f.rule));
    for f in findings {
        let severity = f.rule.severity();
        let (kind, sign) = match severity {
            Severity::Error => (LineKind::Alert, '!'),
            Severity::Warning => (LineKind::Text, '-'),
        };
        doc.wrapped(
            kind,
            &format!(
                "{sign} {} ({}): {}",
                f.rule.name(),
                severity.word(),
                uk_dates(&f.detail)
            ),
            2,
        );
    }
    doc.push(
        LineKind::Muted,
        "  Correct the entry named; keywork check --clinical lists every client's.",
    );
}

/// The finding's ISO dates (`2026-11-23`, as the command prints them for tickets) in the
/// screen's dd/mm/yyyy.
fn uk_dates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let date = rest
            .get(..10)
            .filter(|d| d.as_bytes().get(4) == Some(&b'-'))
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        match date {
            Some(date) => {
                out.push_str(&crate::domain::uk_date(date));
                rest = &rest[10..];
            }
            None => {
                let digits = rest
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len());
                out.push_str(&rest[..digits]);
                rest = &rest[digits..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::uk_dates;

    #[test]
    fn iso_dates_in_a_finding_read_as_uk_dates_and_other_numbers_stay() {
        assert_eq!(
            uk_dates("prescriptions 2 and 3 both in force from 2026-08-09 to 2026-08-10"),
            "prescriptions 2 and 3 both in force from 09/08/2026 to 10/08/2026"
        );
        assert_eq!(uk_dates("goal 12 (exit), 30 mg"), "goal 12 (exit), 30 mg");
        assert_eq!(uk_dates("2026-13-01 is no date"), "2026-13-01 is no date");
    }
}
