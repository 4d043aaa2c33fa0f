//! The help screen as a document, from the keymap, grouped by where each key works; and the
//! legend of the caseload's risk letters.

use super::keymap::{Binding, Context, KEYMAP};
use super::record::{DocLine, LineKind};
#[cfg(test)]
use crate::domain::AlertKind;
use crate::store::CaseloadRow;

/// The caseload's letters, in the order they are shown: letter, words for the legend, short
/// words for a narrow pane. Standing risks first, then the alerts from the rules
/// ([`AlertKind::letter`]), then `+` for medication-assisted recovery, a positive status.
pub const FLAG_LEGEND: &[(char, &str, &str)] = &[
    ('O', "overdose risk", "od"),
    ('S', "safeguarding children", "sfg"),
    ('I', "injecting now", "inj"),
    ('Z', "at risk of being parked on OST", "parked"),
    ('6', "six-month signal: still using heroin on OST", "6mo"),
    ('D', "last 3 appointments missed", "3DNA"),
    ('N', "naloxone needed", "nalox"),
    ('B', "BBV test due", "bbv"),
    ('P', "released from prison in the last 2 weeks", "prison"),
    ('+', "medication-assisted recovery", "MAR"),
];

/// The letters for one client: standing risks, then open alerts, in legend order.
pub fn flags(row: &CaseloadRow) -> String {
    let risk = &row.flags;
    let alerts = row.assessment.letters();
    let standing = [
        ('O', risk.overdose_risk),
        ('S', risk.safeguarding_children),
        ('I', risk.injecting),
    ];
    FLAG_LEGEND
        .iter()
        .map(|(letter, ..)| *letter)
        .filter(|letter| {
            standing.iter().any(|(l, on)| l == letter && *on) || alerts.contains(*letter)
        })
        .collect()
}

/// Whether a binding with this context belongs in a help section.
type Belongs = fn(&Context) -> bool;

const SECTIONS: &[(&str, Belongs)] = &[
    ("On the main screen, in the record and in help", |c| {
        matches!(
            c,
            Context::Anywhere | Context::Panes | Context::Pane(_) | Context::Reader
        )
    }),
    ("In a form", |c| matches!(c, Context::Form)),
    ("When asked a question", |c| matches!(c, Context::Question)),
];

fn line(kind: LineKind, text: impl Into<String>) -> DocLine {
    DocLine {
        kind,
        text: text.into(),
    }
}

fn key_line(binding: &Binding) -> DocLine {
    line(
        LineKind::Text,
        format!("  {:<14}{}", binding.key_names(), binding.help),
    )
}

pub fn document() -> Vec<DocLine> {
    let mut lines = Vec::new();
    for (title, belongs) in SECTIONS {
        lines.push(line(LineKind::Heading, *title));
        lines.extend(
            KEYMAP
                .iter()
                .filter(|b| b.contexts.iter().any(belongs))
                .map(key_line),
        );
        lines.push(line(LineKind::Blank, ""));
    }
    lines.push(line(LineKind::Heading, "Risk flags in the caseload"));
    for (letter, words, _) in FLAG_LEGEND {
        lines.push(line(LineKind::Text, format!("  {letter}  {words}")));
    }
    lines.push(line(LineKind::Blank, ""));
    lines.push(line(
        LineKind::Muted,
        "Due column: ! marks an overdue review, with the days over (no ! once acknowledged).",
    ));
    lines.push(line(LineKind::Muted, "Esc or ? closes this help."));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alert_letter_is_in_the_legend() {
        for kind in AlertKind::ALL {
            if let Some(letter) = kind.letter() {
                assert!(
                    FLAG_LEGEND.iter().any(|(l, ..)| *l == letter),
                    "{letter} for {kind}"
                );
            }
        }
    }

    #[test]
    fn help_lists_every_binding_once() {
        let doc = document();
        for binding in KEYMAP {
            let expected = key_line(binding).text;
            assert_eq!(
                doc.iter().filter(|l| l.text == expected).count(),
                1,
                "{expected}"
            );
        }
    }
}
