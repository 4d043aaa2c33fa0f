//! `keywork check --clinical`: the record's clinical data quality, one line per finding by
//! client reference and rule, then the count of each rule. References only, never names: the
//! output is meant to be pasted into a ticket or a governance report.

use super::CliError;
use super::check::CheckArgs;
use crate::domain::clinical_check::{Finding, Rule, Severity, counts};
use crate::store::Store;
use serde::Serialize;

#[derive(Serialize)]
struct Count {
    rule: Rule,
    severity: Severity,
    count: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    findings: Vec<Line<'a>>,
    counts: Vec<Count>,
}

#[derive(Serialize)]
struct Line<'a> {
    reference: &'a str,
    rule: Rule,
    severity: Severity,
    detail: &'a str,
}

pub(super) fn check(store: &Store, args: &CheckArgs) -> Result<(), CliError> {
    let findings = store.clinical_findings(&store.dose_limits()?)?;
    let counts: Vec<Count> = counts(&findings)
        .into_iter()
        .map(|(rule, count)| Count {
            rule,
            severity: rule.severity(),
            count,
        })
        .collect();
    if args.json {
        let report = Report {
            findings: findings
                .iter()
                .map(|f| Line {
                    reference: &f.reference,
                    rule: f.rule,
                    severity: f.rule.severity(),
                    detail: &f.detail,
                })
                .collect(),
            counts,
        };
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Usage(format!("could not write the report as JSON: {e}")))?;
        println!("{}", crate::display::json_safe(&text));
    } else {
        print_text(&findings, &counts);
    }
    let errors: usize = findings
        .iter()
        .filter(|f| f.rule.severity() == Severity::Error)
        .count();
    if errors == 0 {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "clinical check failed: {errors} error(s) in the record; correct each entry listed above"
    )))
}

fn print_text(findings: &[Finding], counts: &[Count]) {
    for f in findings {
        println!("{}  {}  {}", f.reference, f.rule.name(), f.detail);
    }
    if !findings.is_empty() {
        println!();
    }
    let width = Rule::ALL.iter().map(|r| r.name().len()).max().unwrap_or(0);
    for c in counts {
        println!(
            "{:<width$}  {:<7}  {:>6}",
            c.rule.name(),
            c.severity.word(),
            c.count
        );
    }
}
