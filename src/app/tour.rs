//! The guided tour: a trainer's script of stops (a pane, the record, a form, the plan structure
//! view), each with a short caption. The tour moves the app to each stop in turn and shows the
//! caption beside what it describes; Space or Enter goes on, Backspace goes back, Esc leaves.
//!
//! The script is a text file a trainer can adapt (`assets/tour.txt` is the one built in):
//! a line `[stop]` starts a step, the lines under it are its caption, a blank line starts a new
//! paragraph, and lines starting with `#` are comments.

use super::{App, Modal, Pane};
use crate::form::forms::FormKind;
use crate::store::{Result, Store};

/// The tour built into the program.
pub const BUILT_IN: &str = include_str!("../../assets/tour.txt");

/// The most characters a caption may have: what fits in the half of an 80x23 screen (the smallest) beside the
/// pane it describes.
pub const MAX_CAPTION: usize = 360;

/// The most lines a caption may take at 80 columns (the box's border and margin leave 76): what
/// the box beside a pane holds at 80x23 (and 80x24).
pub const MAX_LINES: usize = 8;
const LINE_WIDTH: usize = crate::display::MIN_WIDTH as usize - 4;

/// Where a step takes the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Caseload,
    Reviews,
    Readiness,
    Plan,
    Record,
    Structure,
    /// The plan structure view with its `?` explanations shown.
    StructureExplained,
    SessionForm,
    ReadinessForm,
    GoalForm,
    ReviewForm,
    Help,
}

/// Where the caption goes: in the half of the screen away from what it describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Top,
    Bottom,
}

impl Stop {
    /// Every stop by the name a script gives it.
    pub const ALL: [(&'static str, Stop); 12] = [
        ("caseload", Stop::Caseload),
        ("reviews", Stop::Reviews),
        ("readiness", Stop::Readiness),
        ("plan", Stop::Plan),
        ("record", Stop::Record),
        ("structure", Stop::Structure),
        ("structure-explained", Stop::StructureExplained),
        ("session-form", Stop::SessionForm),
        ("readiness-form", Stop::ReadinessForm),
        ("goal-form", Stop::GoalForm),
        ("review-form", Stop::ReviewForm),
        ("help", Stop::Help),
    ];

    pub fn named(name: &str) -> Option<Stop> {
        Stop::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, stop)| *stop)
    }

    /// What the caption's box is titled.
    pub fn title(self) -> &'static str {
        match self {
            Stop::Caseload => Pane::Caseload.title(),
            Stop::Reviews => Pane::Reviews.title(),
            Stop::Readiness => Pane::Readiness.title(),
            Stop::Plan => Pane::Plan.title(),
            Stop::Record => "Client record",
            Stop::Structure | Stop::StructureExplained => "Plan structure",
            Stop::SessionForm => "Session form",
            Stop::ReadinessForm => "Readiness form",
            Stop::GoalForm => "Goal form",
            Stop::ReviewForm => "Review form",
            Stop::Help => "Help",
        }
    }

    /// The top panes' captions go below them, the lower panes' above; over a full-screen view or
    /// a form, at the bottom, where it hides the least.
    pub fn place(self) -> Place {
        match self {
            Stop::Readiness | Stop::Plan => Place::Top,
            _ => Place::Bottom,
        }
    }
}

/// One step of the tour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub stop: Stop,
    /// Paragraphs separated by `\n`.
    pub caption: String,
}

/// A tour script, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub steps: Vec<Step>,
}

/// What is wrong with a tour script, naming the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("line {line}: unknown stop [{name}]; the tour knows {}", known_stops())]
    UnknownStop { line: usize, name: String },
    #[error(
        "line {line}: a stop is a name in square brackets on a line of its own, like [caseload]"
    )]
    BadStopLine { line: usize },
    #[error("line {line}: caption text before the first [stop] line")]
    TextBeforeStop { line: usize },
    #[error("line {line}: [{name}] has no caption under it")]
    EmptyCaption { line: usize, name: String },
    #[error(
        "line {line}: the caption of [{name}] has {chars} characters; at most {MAX_CAPTION} fit beside a pane at 80x23"
    )]
    TooLong {
        line: usize,
        name: String,
        chars: usize,
    },
    #[error(
        "line {line}: the caption of [{name}] takes {lines} lines at 80 columns; at most {MAX_LINES} fit beside a pane"
    )]
    TooManyLines {
        line: usize,
        name: String,
        lines: usize,
    },
    #[error("line {line}: a control character (such as a tab) is not allowed in a tour")]
    ControlCharacter { line: usize },
    #[error("the tour has no steps: start one with a [stop] line and a caption under it")]
    NoSteps,
}

fn known_stops() -> String {
    Stop::ALL
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Script {
    /// The tour built into the program (`assets/tour.txt`).
    pub fn built_in() -> Script {
        Script::parse(BUILT_IN).expect("the built-in tour is checked by a test")
    }

    pub fn parse(text: &str) -> std::result::Result<Script, ScriptError> {
        // Some editors start a UTF-8 file with a byte-order mark: it is not the caption's.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut steps: Vec<(usize, String, Step)> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim_end_matches('\r').trim();
            if trimmed.chars().any(char::is_control) {
                return Err(ScriptError::ControlCharacter { line });
            }
            if trimmed.starts_with('#') {
                continue;
            }
            if trimmed.starts_with('[') {
                let name = trimmed
                    .strip_prefix('[')
                    .and_then(|t| t.strip_suffix(']'))
                    .map(str::trim)
                    .filter(|n| !n.is_empty() && !n.contains(['[', ']']))
                    .ok_or(ScriptError::BadStopLine { line })?;
                let stop = Stop::named(name).ok_or_else(|| ScriptError::UnknownStop {
                    line,
                    name: name.to_owned(),
                })?;
                finish(steps.last())?;
                steps.push((
                    line,
                    name.to_owned(),
                    Step {
                        stop,
                        caption: String::new(),
                    },
                ));
                continue;
            }
            let Some((_, _, step)) = steps.last_mut() else {
                if trimmed.is_empty() {
                    continue;
                }
                return Err(ScriptError::TextBeforeStop { line });
            };
            let caption = &mut step.caption;
            if trimmed.is_empty() {
                if !caption.is_empty() && !caption.ends_with('\n') {
                    caption.push('\n');
                }
            } else {
                if !caption.is_empty() && !caption.ends_with('\n') {
                    caption.push(' ');
                }
                caption.push_str(trimmed);
            }
        }
        finish(steps.last())?;
        if steps.is_empty() {
            return Err(ScriptError::NoSteps);
        }
        Ok(Script {
            steps: steps
                .into_iter()
                .map(|(_, _, mut step)| {
                    step.caption = step.caption.trim_end().to_owned();
                    step
                })
                .collect(),
        })
    }
}

/// Checks the step just ended: it has a caption, and not too long a one.
fn finish(step: Option<&(usize, String, Step)>) -> std::result::Result<(), ScriptError> {
    let Some((line, name, step)) = step else {
        return Ok(());
    };
    let chars = step.caption.trim().chars().filter(|c| *c != '\n').count();
    if chars == 0 {
        return Err(ScriptError::EmptyCaption {
            line: *line,
            name: name.clone(),
        });
    }
    if chars > MAX_CAPTION {
        return Err(ScriptError::TooLong {
            line: *line,
            name: name.clone(),
            chars,
        });
    }
    let lines = crate::display::wrap(step.caption.trim(), LINE_WIDTH).len();
    if lines > MAX_LINES {
        return Err(ScriptError::TooManyLines {
            line: *line,
            name: name.clone(),
            lines,
        });
    }
    Ok(())
}

/// The tour under way: its script and the step shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tour {
    pub script: Script,
    pub step: usize,
}

impl Tour {
    pub fn current(&self) -> &Step {
        &self.script.steps[self.step]
    }
}

impl App {
    /// Starts the tour from its first step, over the panes.
    pub fn start_tour(&mut self, script: Script, store: &mut Store) -> Result<()> {
        self.show_step(Tour { script, step: 0 }, store)
    }

    /// The tour's script when the tour key is pressed: the one given at start, else the built-in.
    pub(super) fn take_tour_key(&mut self, store: &mut Store) -> Result<()> {
        if !self.masthead.demo {
            self.message = Some(
                "The guided tour runs on the demo's fictional clients only: keywork --demo --tour."
                    .into(),
            );
            return Ok(());
        }
        let script = self.tour_script.clone().unwrap_or_else(Script::built_in);
        self.start_tour(script, store)
    }

    /// The next step, or the end of the tour after the last.
    pub(super) fn tour_next(&mut self, store: &mut Store) -> Result<()> {
        let Some(mut tour) = self.modal.tour().cloned() else {
            return Ok(());
        };
        if tour.step + 1 >= tour.script.steps.len() {
            self.leave_tour();
            self.message = Some(
                "That was the end of the tour: the demo is yours to explore (w takes it again)."
                    .into(),
            );
            return Ok(());
        }
        tour.step += 1;
        self.show_step(tour, store)
    }

    pub(super) fn tour_back(&mut self, store: &mut Store) -> Result<()> {
        let Some(mut tour) = self.modal.tour().cloned() else {
            return Ok(());
        };
        if tour.step == 0 {
            self.message = Some("This is the tour's first step.".into());
            return Ok(());
        }
        tour.step -= 1;
        self.show_step(tour, store)
    }

    /// Leaves the tour for the panes, closing what it opened (nothing was typed into a form it
    /// showed: the keys were the tour's).
    pub(super) fn leave_tour(&mut self) {
        self.modal = Modal::Panes;
        self.focus = Pane::Caseload;
        self.message = Some("Left the tour (w in the demo takes it again).".into());
    }

    /// Moves the app to the step's stop, then shows its caption over it.
    fn show_step(&mut self, tour: Tour, store: &mut Store) -> Result<()> {
        self.modal = Modal::Panes;
        let stop = tour.current().stop;
        let pane = match stop {
            Stop::Reviews => Pane::Reviews,
            Stop::Readiness => Pane::Readiness,
            Stop::Plan => Pane::Plan,
            _ => Pane::Caseload,
        };
        self.focus_pane(pane, store)?;
        match stop {
            Stop::Caseload | Stop::Reviews | Stop::Readiness | Stop::Plan => {}
            Stop::Record => self.open_record(store)?,
            Stop::Structure => self.open_structure(store, false)?,
            Stop::StructureExplained => self.open_structure(store, true)?,
            Stop::SessionForm => self.open_form(FormKind::Session, false, store)?,
            Stop::ReadinessForm => self.open_form(FormKind::Readiness, false, store)?,
            Stop::GoalForm => self.open_form(FormKind::Goal, false, store)?,
            Stop::ReviewForm => self.open_form(FormKind::Review, false, store)?,
            Stop::Help => self.modal.open_help(),
        }
        self.modal.open_tour(tour);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_at_the_start_is_not_text_before_the_first_stop() {
        let plain = Script::parse(BUILT_IN).unwrap();
        let marked = Script::parse(&format!("\u{feff}{BUILT_IN}")).unwrap();
        assert_eq!(marked, plain);
    }

    #[test]
    fn the_built_in_tour_parses_and_visits_a_pane_a_form_the_record_and_the_structure() {
        let script = Script::parse(BUILT_IN).expect("built-in tour");
        let stops: Vec<Stop> = script.steps.iter().map(|s| s.stop).collect();
        for wanted in [
            Stop::Caseload,
            Stop::Reviews,
            Stop::Readiness,
            Stop::Plan,
            Stop::SessionForm,
            Stop::Record,
            Stop::Structure,
        ] {
            assert!(stops.contains(&wanted), "{wanted:?}");
        }
    }

    #[test]
    fn captions_join_lines_and_keep_paragraphs() {
        let script =
            Script::parse("# a comment\n\n[caseload]\nOne\ntwo.\n\nThree.\n\n[plan]\nFour.\n")
                .expect("valid");
        assert_eq!(script.steps.len(), 2);
        assert_eq!(script.steps[0].caption, "One two.\nThree.");
        assert_eq!(script.steps[1].stop, Stop::Plan);
    }

    #[test]
    fn a_bad_script_names_the_line_and_the_problem() {
        let cases = [
            (
                "[caseload]\nok\n[nowhere]\nx\n",
                ScriptError::UnknownStop {
                    line: 3,
                    name: "nowhere".into(),
                },
            ),
            (
                "hello\n[caseload]\nx\n",
                ScriptError::TextBeforeStop { line: 1 },
            ),
            (
                "[caseload]\n\n[plan]\nx\n",
                ScriptError::EmptyCaption {
                    line: 1,
                    name: "caseload".into(),
                },
            ),
            ("[caseload\nx\n", ScriptError::BadStopLine { line: 1 }),
            (
                "[caseload]\na\tb\n",
                ScriptError::ControlCharacter { line: 2 },
            ),
            ("# only a comment\n", ScriptError::NoSteps),
        ];
        for (text, expected) in cases {
            assert_eq!(Script::parse(text), Err(expected), "{text:?}");
        }
        let long = format!("[plan]\n{}\n", "word ".repeat(100));
        assert!(matches!(
            Script::parse(&long),
            Err(ScriptError::TooLong { line: 1, .. })
        ));
        let paragraphs = format!("[plan]\n{}", "A line.\n\n".repeat(9));
        assert!(matches!(
            Script::parse(&paragraphs),
            Err(ScriptError::TooManyLines {
                line: 1,
                lines: 9,
                ..
            })
        ));
        let message = Script::parse("[x]\ny\n").unwrap_err().to_string();
        assert!(message.starts_with("line 1: unknown stop [x]"), "{message}");
        assert!(message.contains("caseload, reviews"), "{message}");
    }
}
