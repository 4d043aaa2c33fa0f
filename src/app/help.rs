//! The help screen as a document, from the keymap, grouped by where each key works; and the
//! legend of the caseload's risk letters.

use super::keymap::{Binding, Context, KEYMAP};
use super::record::{DocLine, LineKind};
use crate::store::RiskSummary;
use chrono::NaiveDate;

/// The risk letters, in the order they are shown: letter, words for the legend, short words for a
/// narrow pane.
pub const FLAG_LEGEND: &[(char, &str, &str)] = &[
    ('O', "overdose risk", "od"),
    ('P', "prison release in the last 4 weeks", "prison"),
    ('S', "safeguarding children", "sfg"),
    ('I', "injecting now", "inj"),
    ('N', "no naloxone kit", "no nalox"),
    ('D', "last 3 appointments missed", "3DNA"),
];

/// The letters for one client's risks.
pub fn flags(risk: &RiskSummary, today: NaiveDate) -> String {
    let recent_release = crate::domain::client::released_recently(risk.prison_release_on, today);
    let set = [
        risk.overdose_risk,
        recent_release,
        risk.safeguarding_children,
        risk.injecting,
        risk.no_naloxone,
        risk.three_dnas,
    ];
    FLAG_LEGEND
        .iter()
        .zip(set)
        .filter(|(_, on)| *on)
        .map(|((letter, ..), _)| *letter)
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
        "Due column: ! marks an overdue review, with the days over.",
    ));
    lines.push(line(LineKind::Muted, "Esc or ? closes this help."));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_spell_the_risks_in_legend_order() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let risk = RiskSummary {
            overdose_risk: true,
            prison_release_on: Some(NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()),
            no_naloxone: true,
            three_dnas: true,
            ..RiskSummary::default()
        };
        assert_eq!(flags(&risk, today), "OPND");
        let old_release = RiskSummary {
            prison_release_on: Some(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            ..risk
        };
        assert_eq!(flags(&old_release, today), "OND");
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
