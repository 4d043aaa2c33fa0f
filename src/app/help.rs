//! The help screen as a document, from the keymap, grouped by where each key works; and the
//! legends of the caseload's risk letters and the plan's rungs (L1-L6).

use super::keymap::{Binding, Context, KEYMAP};
use super::record::{DocLine, LineKind};
#[cfg(test)]
use crate::domain::AlertKind;
use crate::domain::HierarchyLevel;
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
    ('B', "BBV care due: a test or hep B vaccination", "bbv"),
    ('P', "released from prison in the last 2 weeks", "prison"),
    (
        'M',
        "3 missed doses in a row: reassess before the next dose",
        "3miss",
    ),
    (
        'R',
        "readiness check due: no readiness note in 12 weeks on OST",
        "ready",
    ),
    (
        'X',
        "exit plan not yet discussed after 12 weeks in treatment",
        "exit",
    ),
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
    ("In Find (/)", |c| matches!(c, Context::Find)),
    ("Choosing filters (f)", |c| matches!(c, Context::Filters)),
    ("In the command palette (:)", |c| {
        matches!(c, Context::Palette)
    }),
    (
        "In the plan structure view (p); moving, Esc and q as above",
        |c| matches!(c, Context::Structure),
    ),
    ("On the guided tour (w, demo only)", |c| {
        matches!(c, Context::Tour)
    }),
];

fn line(kind: LineKind, text: impl Into<String>) -> DocLine {
    DocLine {
        kind,
        text: text.into(),
    }
}

/// Columns of text in the help on the smallest screen (80, less border and margin): every line
/// is wrapped to it, so none is cut there, and the app's scrolling counts the same lines.
const WIDTH: usize = crate::display::MIN_WIDTH as usize - 4;

/// Column where a key's words start.
const KEY_INDENT: usize = 16;

/// Lines of one kind wrapped to [`WIDTH`], the rows after the first indented by `indent`.
fn wrapped(kind: LineKind, lead: &str, text: &str, indent: usize) -> Vec<DocLine> {
    let first = WIDTH.saturating_sub(crate::display::width(lead));
    let mut rows = crate::display::wrap(text, first);
    let rest = rows.split_off(1.min(rows.len())).join(" ");
    let mut lines = vec![line(kind, format!("{lead}{}", rows.concat()))];
    if !rest.is_empty() {
        lines.extend(
            crate::display::wrap(&rest, WIDTH - indent)
                .into_iter()
                .map(|row| line(kind, format!("{}{row}", " ".repeat(indent)))),
        );
    }
    lines
}

fn key_lines(binding: &Binding) -> Vec<DocLine> {
    let lead = format!("  {:<14}", binding.key_names());
    wrapped(LineKind::Text, &lead, binding.help, KEY_INDENT)
}

pub fn document() -> Vec<DocLine> {
    let mut lines = Vec::new();
    // A binding that works in several places (moving works in the panes and the plan structure
    // view) is listed once, in the first section it belongs to.
    let mut listed = vec![false; KEYMAP.len()];
    for (title, belongs) in SECTIONS {
        lines.push(line(LineKind::Heading, *title));
        for (index, binding) in KEYMAP.iter().enumerate() {
            if !listed[index] && binding.contexts.iter().any(belongs) {
                listed[index] = true;
                lines.extend(key_lines(binding));
            }
        }
        lines.push(line(LineKind::Blank, ""));
    }
    lines.push(line(LineKind::Heading, "Risk flags in the caseload"));
    for (letter, words, _) in FLAG_LEGEND {
        lines.push(line(LineKind::Text, format!("  {letter}  {words}")));
    }
    lines.push(line(LineKind::Blank, ""));
    lines.extend(hierarchy_lines());
    lines.push(line(LineKind::Blank, ""));
    lines.extend(wrapped(
        LineKind::Muted,
        "",
        "Due column: ! marks an overdue review, with the days over (no ! once acknowledged).",
        0,
    ));
    lines.extend(wrapped(
        LineKind::Muted,
        "",
        "KW column (team view, where the key worker's name does not fit): their initials.",
        0,
    ));
    lines.push(line(LineKind::Muted, "Esc or ? closes this help."));
    lines
}

/// What the plan pane's L1-L6 mean: a substance-use goal's rung on the hierarchy of goals
/// (BJGP editorial, Box 1; see `domain::goal::HierarchyLevel`).
fn hierarchy_lines() -> Vec<DocLine> {
    let mut lines = vec![line(
        LineKind::Heading,
        "Hierarchy of goals in the recovery plan (L1-L6)",
    )];
    lines.extend(wrapped(
        LineKind::Text,
        "  ",
        "A substance-use goal's rung, highest first. Every rung is a legitimate goal; a step \
         up is progress, and benefits short of abstinence count.",
        2,
    ));
    for level in HierarchyLevel::ALL {
        lines.push(line(
            LineKind::Text,
            format!("  L{}  {}", level.number(), level.label()),
        ));
    }
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
    fn help_explains_every_rung_the_plan_pane_shows() {
        let doc = document();
        for level in HierarchyLevel::ALL {
            let expected = format!("  L{}  {}", level.number(), level.label());
            assert!(doc.iter().any(|l| l.text == expected), "{expected}");
        }
    }

    #[test]
    fn help_lists_every_binding_once() {
        let doc = document();
        for binding in KEYMAP {
            let expected = key_lines(binding)[0].text.clone();
            assert_eq!(
                doc.iter().filter(|l| l.text == expected).count(),
                1,
                "{expected}"
            );
        }
    }

    #[test]
    fn every_help_line_fits_the_smallest_screen_and_no_word_is_lost() {
        let doc = document();
        for l in &doc {
            assert!(
                crate::display::width(&l.text) <= WIDTH,
                "{:?} is wider than {WIDTH}",
                l.text
            );
        }
        let all = doc
            .iter()
            .map(|l| l.text.trim())
            .collect::<Vec<_>>()
            .join(" ");
        let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
        for binding in KEYMAP {
            let help = binding
                .help
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert!(all.contains(&help), "{help:?} whole in the help");
        }
    }
}
