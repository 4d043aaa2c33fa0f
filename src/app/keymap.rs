//! The one table of key bindings. Key handling, the footer hints and the help screen all read it,
//! so what the help says is what the keys do.
//!
//! Nothing here uses Ctrl-A or Ctrl-B (screen's and tmux's prefixes), Ctrl-H/I/M (indistinguishable
//! from Backspace/Tab/Enter over many terminals) or Ctrl-L (often taken).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use super::action::{Action, Pane};

/// Where the worker is, which decides which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Any screen.
    Anywhere,
    /// The four panes, whichever has focus.
    Panes,
    /// One pane of the four.
    Pane(Pane),
    /// Scrolling a full-screen view: the client record or help.
    Reader,
    /// Editing a form.
    Form,
    /// Answering a question (discard this? resume that?).
    Question,
    /// Typing in Find's search line.
    Find,
    /// Choosing caseload filters.
    Filters,
    /// Typing in the command palette.
    Palette,
    /// Reading the plan structure view.
    Structure,
    /// On the guided tour.
    Tour,
}

/// A key as the table names it: a code and whether Ctrl is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}
const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    /// How the help and footer write the key.
    pub fn name(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "Up".to_owned(),
            KeyCode::Down => "Down".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "Shift-Tab".to_owned(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }

    fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let same_code = match (self.code, event.code) {
            // Terminals differ on whether Ctrl-letter arrives upper or lower case.
            (KeyCode::Char(a), KeyCode::Char(b)) if self.ctrl => a.eq_ignore_ascii_case(&b),
            (a, b) => a == b,
        };
        same_code && ctrl == self.ctrl
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub contexts: &'static [Context],
    /// Short words for the footer; `None` keeps the binding out of the footer.
    pub hint: Option<&'static str>,
    /// What the help screen says.
    pub help: &'static str,
}

use Context::{Anywhere, Form, Panes, Question, Reader};

const MOVING: &[Context] = &[Panes, Reader, Context::Structure];

/// Every key binding. Order is the order of the help screen and the footer.
pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[key('j'), code(KeyCode::Down)],
        action: Action::Down,
        contexts: MOVING,
        hint: Some("move"),
        help: "Move down",
    },
    Binding {
        keys: &[key('k'), code(KeyCode::Up)],
        action: Action::Up,
        contexts: MOVING,
        hint: None,
        help: "Move up",
    },
    Binding {
        keys: &[key('g'), code(KeyCode::Home)],
        action: Action::First,
        contexts: MOVING,
        hint: None,
        help: "Go to the first line",
    },
    Binding {
        keys: &[key('G'), code(KeyCode::End)],
        action: Action::Last,
        contexts: MOVING,
        hint: None,
        help: "Go to the last line",
    },
    Binding {
        keys: &[code(KeyCode::PageUp)],
        action: Action::PageUp,
        contexts: MOVING,
        hint: None,
        help: "Page up",
    },
    Binding {
        keys: &[code(KeyCode::PageDown)],
        action: Action::PageDown,
        contexts: MOVING,
        hint: None,
        help: "Page down",
    },
    Binding {
        keys: &[code(KeyCode::Enter)],
        action: Action::Open,
        contexts: &[Panes],
        hint: Some("open record"),
        help: "Open the selected client's record",
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        action: Action::Back,
        contexts: &[Reader, Context::Structure],
        hint: Some("back"),
        help: "Close and go back to where you were",
    },
    Binding {
        keys: &[code(KeyCode::Tab)],
        action: Action::NextEntry,
        contexts: &[Reader],
        hint: Some("select entry"),
        help: "Record: select the next entry, to correct it",
    },
    Binding {
        keys: &[code(KeyCode::BackTab)],
        action: Action::PreviousEntry,
        contexts: &[Reader],
        hint: None,
        help: "Record: select the previous entry",
    },
    Binding {
        keys: &[key('e')],
        action: Action::Amend,
        contexts: &[Reader],
        hint: None,
        help: "Record: amend the selected entry (the earlier version is kept)",
    },
    Binding {
        keys: &[key('X')],
        action: Action::MarkInError,
        contexts: &[
            Reader,
            Context::Pane(Pane::Readiness),
            Context::Pane(Pane::Plan),
        ],
        hint: None,
        help: "Mark the selected entry (record, readiness note, goal) entered in error, or undo",
    },
    Binding {
        keys: &[key('v')],
        action: Action::EarlierVersions,
        contexts: &[
            Reader,
            Context::Pane(Pane::Readiness),
            Context::Pane(Pane::Plan),
        ],
        hint: None,
        help: "Show the selected entry's earlier versions",
    },
    Binding {
        keys: &[key('?')],
        action: Action::ToggleHelp,
        contexts: &[Panes, Reader],
        hint: Some("help"),
        help: "Show or hide this help",
    },
    Binding {
        keys: &[key('q')],
        action: Action::Quit,
        contexts: &[Panes, Reader, Context::Structure],
        hint: Some("quit"),
        help: "Quit",
    },
    Binding {
        keys: &[code(KeyCode::Tab)],
        action: Action::NextPane,
        contexts: &[Panes],
        hint: Some("next pane"),
        help: "Next pane",
    },
    Binding {
        keys: &[code(KeyCode::BackTab)],
        action: Action::PreviousPane,
        contexts: &[Panes],
        hint: None,
        help: "Previous pane",
    },
    Binding {
        keys: &[key('1')],
        action: Action::FocusPane(Pane::Caseload),
        contexts: &[Panes],
        hint: None,
        help: "Caseload pane",
    },
    Binding {
        keys: &[key('2')],
        action: Action::FocusPane(Pane::Reviews),
        contexts: &[Panes],
        hint: None,
        help: "Next reviews pane",
    },
    Binding {
        keys: &[key('3')],
        action: Action::FocusPane(Pane::Readiness),
        contexts: &[Panes],
        hint: None,
        help: "Readiness for change pane",
    },
    Binding {
        keys: &[key('4')],
        action: Action::FocusPane(Pane::Plan),
        contexts: &[Panes],
        hint: None,
        help: "Recovery plan pane",
    },
    Binding {
        keys: &[key('o')],
        action: Action::CycleSort,
        contexts: &[Context::Pane(Pane::Caseload)],
        hint: Some("sort"),
        help: "Sort the caseload: due, family name, days in treatment, last seen",
    },
    Binding {
        keys: &[key('T')],
        action: Action::ToggleScope,
        contexts: &[Panes],
        hint: Some("my/team"),
        help: "Switch between my caseload and the whole team's",
    },
    Binding {
        keys: &[key('s')],
        action: Action::RecordSession,
        contexts: &[Panes],
        hint: Some("session"),
        help: "Record a session with the selected client",
    },
    Binding {
        keys: &[key('d')],
        action: Action::RecordDna,
        contexts: &[Panes],
        hint: Some("DNA"),
        help: "Record that the selected client did not attend today",
    },
    Binding {
        keys: &[key('r')],
        action: Action::AddReadiness,
        contexts: &[Panes],
        hint: None,
        help: "Add a readiness note for the selected client",
    },
    Binding {
        keys: &[key('a')],
        action: Action::AddGoal,
        contexts: &[Panes],
        hint: None,
        help: "Add a goal to the selected client's plan",
    },
    Binding {
        keys: &[key('e')],
        action: Action::Edit,
        contexts: &[Panes],
        hint: None,
        help: "Edit the client; in the plan, the goal; in readiness, amend the note",
    },
    Binding {
        keys: &[key('c')],
        action: Action::CompleteReview,
        contexts: &[Panes],
        hint: Some("review"),
        help: "Complete a review: the one selected, else the client's most overdue",
    },
    Binding {
        keys: &[key('t')],
        action: Action::RecordTop,
        contexts: &[Panes],
        hint: None,
        help: "Record a Treatment Outcomes Profile (TOP) for the selected client",
    },
    Binding {
        keys: &[key('P')],
        action: Action::RecordPrescription,
        contexts: &[Panes],
        hint: None,
        help: "Start, change or stop the selected client's OST prescription (prescribers)",
    },
    Binding {
        keys: &[key('A')],
        action: Action::Acknowledge,
        contexts: &[Panes],
        hint: None,
        help: "Acknowledge one of the selected client's alerts, with the reason",
    },
    Binding {
        keys: &[key('M')],
        action: Action::RecordMissedDoses,
        contexts: &[Panes],
        hint: None,
        help: "Record the days the pharmacy reports the selected client's doses missed",
    },
    Binding {
        keys: &[key('B')],
        action: Action::RecordBbvTest,
        contexts: &[Panes],
        hint: None,
        help: "Record a blood-borne virus test for the selected client: taken, declined or its result",
    },
    Binding {
        keys: &[key('E')],
        action: Action::RecordEcg,
        contexts: &[Panes],
        hint: None,
        help: "Record an ECG for the selected client (the day taken, the QTc)",
    },
    Binding {
        keys: &[key('y')],
        action: Action::Today,
        contexts: &[Panes],
        hint: None,
        help: "Today's appointments (mine, or the team's in team view): attended, DNA or not yet",
    },
    Binding {
        keys: &[key('n')],
        action: Action::NewClient,
        contexts: &[Panes],
        hint: None,
        help: "Add a new client",
    },
    Binding {
        keys: &[key('x')],
        action: Action::ExportClient,
        contexts: &[Panes],
        hint: None,
        help: "Export the selected client's record or plan to a file here (owner-only, audited)",
    },
    Binding {
        keys: &[key('p')],
        action: Action::PlanStructure,
        contexts: &[Panes],
        hint: None,
        help: "Plan structure: the client's rung on the hierarchy of goals, stage cycle, exit plan and domains",
    },
    Binding {
        keys: &[key('?')],
        action: Action::Explain,
        contexts: &[Context::Structure],
        hint: Some("explain"),
        help: "Plan structure: explain each part in plain words, or hide the explanations",
    },
    Binding {
        keys: &[key('w')],
        action: Action::StartTour,
        contexts: &[Panes],
        hint: None,
        help: "Guided tour of the screens, with captions (demo only)",
    },
    Binding {
        keys: &[key(' '), code(KeyCode::Enter)],
        action: Action::TourNext,
        contexts: &[Context::Tour],
        hint: Some("next"),
        help: "Tour: the next step (after the last, the tour ends)",
    },
    Binding {
        keys: &[code(KeyCode::Backspace)],
        action: Action::TourBack,
        contexts: &[Context::Tour],
        hint: Some("back"),
        help: "Tour: the step before",
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        action: Action::LeaveTour,
        contexts: &[Context::Tour],
        hint: Some("leave tour"),
        help: "Tour: leave it, back to the panes",
    },
    Binding {
        keys: &[key('/')],
        action: Action::Find,
        contexts: &[Panes],
        hint: Some("find"),
        help: "Find a client on the caseload by reference, name or NHS number",
    },
    Binding {
        keys: &[code(KeyCode::Enter)],
        action: Action::Pick,
        contexts: &[Context::Find],
        hint: Some("go to"),
        help: "Select the best match (or the one highlighted) and close",
    },
    Binding {
        keys: &[code(KeyCode::Down)],
        action: Action::Down,
        contexts: &[Context::Find],
        hint: Some("next match"),
        help: "Highlight the next match",
    },
    Binding {
        keys: &[code(KeyCode::Up)],
        action: Action::Up,
        contexts: &[Context::Find],
        hint: None,
        help: "Highlight the previous match",
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: &[Context::Find],
        hint: Some("back"),
        help: "Close Find: the view and selection are as before",
    },
    Binding {
        keys: &[key(':')],
        action: Action::Palette,
        contexts: &[Panes],
        hint: None,
        help: "Command palette: every action here by name, fuzzy-matched as you type",
    },
    Binding {
        keys: &[code(KeyCode::Enter)],
        action: Action::RunCommand,
        contexts: &[Context::Palette],
        hint: Some("run"),
        help: "Run the highlighted action, as its key would",
    },
    Binding {
        keys: &[code(KeyCode::Down)],
        action: Action::Down,
        contexts: &[Context::Palette],
        hint: Some("next"),
        help: "Highlight the next action",
    },
    Binding {
        keys: &[code(KeyCode::Up)],
        action: Action::Up,
        contexts: &[Context::Palette],
        hint: None,
        help: "Highlight the previous action",
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: &[Context::Palette],
        hint: Some("back"),
        help: "Close the palette, running nothing",
    },
    Binding {
        keys: &[key('f')],
        action: Action::OpenFilters,
        contexts: &[Panes],
        hint: None,
        help: "Filter the caseload: status (past clients too), modality, stage, alert, overdue, key worker, not seen",
    },
    Binding {
        keys: &[key('F')],
        action: Action::ClearFilters,
        contexts: &[Panes],
        hint: None,
        help: "Clear every caseload filter",
    },
    Binding {
        keys: &[key('F')],
        action: Action::ClearFilters,
        contexts: &[Context::Filters],
        hint: None,
        help: "Clear every filter in the chooser (Enter applies)",
    },
    Binding {
        keys: &[key('j'), code(KeyCode::Down)],
        action: Action::Down,
        contexts: &[Context::Filters],
        hint: Some("move"),
        help: "Next filter",
    },
    Binding {
        keys: &[key('k'), code(KeyCode::Up)],
        action: Action::Up,
        contexts: &[Context::Filters],
        hint: None,
        help: "Previous filter",
    },
    Binding {
        keys: &[key(' '), code(KeyCode::Right)],
        action: Action::NextValue,
        contexts: &[Context::Filters],
        hint: Some("change"),
        help: "The filter's next value",
    },
    Binding {
        keys: &[code(KeyCode::Left)],
        action: Action::PreviousValue,
        contexts: &[Context::Filters],
        hint: None,
        help: "The filter's previous value",
    },
    Binding {
        keys: &[code(KeyCode::Enter)],
        action: Action::Apply,
        contexts: &[Context::Filters],
        hint: Some("apply"),
        help: "Apply the filters and close",
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: &[Context::Filters],
        hint: Some("cancel"),
        help: "Close, leaving the filters as they were",
    },
    Binding {
        keys: &[code(KeyCode::Tab)],
        action: Action::NextField,
        contexts: &[Form],
        hint: Some("next field"),
        help: "Next field",
    },
    Binding {
        keys: &[code(KeyCode::BackTab)],
        action: Action::PreviousField,
        contexts: &[Form],
        hint: None,
        help: "Previous field",
    },
    Binding {
        keys: &[code(KeyCode::Enter)],
        action: Action::Type,
        contexts: &[Form],
        hint: None,
        help: "Next field (a new line inside a note)",
    },
    Binding {
        keys: &[key(' ')],
        action: Action::Type,
        contexts: &[Form],
        hint: Some("toggle"),
        help: "Toggle a choice or a tick box",
    },
    Binding {
        keys: &[ctrl('s')],
        action: Action::Save,
        contexts: &[Form],
        hint: Some("save"),
        help: "Save the form, from any field",
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        action: Action::Cancel,
        contexts: &[Form],
        hint: Some("cancel"),
        help: "Cancel the form (asks first if anything was typed)",
    },
    Binding {
        keys: &[code(KeyCode::Enter)],
        action: Action::Keep,
        contexts: &[Question],
        hint: Some("keep"),
        help: "Keep what was typed: go on editing, or resume the draft",
    },
    Binding {
        keys: &[key('y')],
        action: Action::Yes,
        contexts: &[Question],
        hint: Some("yes"),
        help: "Yes (discard the form; resume the draft)",
    },
    Binding {
        keys: &[key('n'), code(KeyCode::Esc)],
        action: Action::No,
        contexts: &[Question],
        hint: Some("no"),
        help: "No: keep the form; keep the draft for later",
    },
    Binding {
        keys: &[key('x')],
        action: Action::Discard,
        contexts: &[Question],
        hint: Some("discard draft"),
        help: "Discard the unsaved draft (only when asked to resume it)",
    },
    Binding {
        keys: &[ctrl('c')],
        action: Action::Quit,
        contexts: &[Anywhere],
        hint: None,
        help: "Quit from anywhere (an open form is kept as a draft)",
    },
];

/// The situation a key arrives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Situation {
    Panes(Pane),
    Reader,
    Form,
    Question,
    Find,
    Filters,
    Palette,
    Structure,
    Tour,
}

impl Binding {
    pub fn applies(&self, situation: Situation) -> bool {
        self.contexts
            .iter()
            .any(|context| match (context, situation) {
                (Context::Anywhere, _) => true,
                (Context::Panes, Situation::Panes(_)) => true,
                (Context::Pane(pane), Situation::Panes(focus)) => *pane == focus,
                (Context::Reader, Situation::Reader) => true,
                (Context::Form, Situation::Form) => true,
                (Context::Question, Situation::Question) => true,
                (Context::Find, Situation::Find) => true,
                (Context::Filters, Situation::Filters) => true,
                (Context::Palette, Situation::Palette) => true,
                (Context::Structure, Situation::Structure) => true,
                (Context::Tour, Situation::Tour) => true,
                _ => false,
            })
    }

    /// The keys joined for display: `j/Down`.
    pub fn key_names(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The action a key press asks for here, if any. Key releases and repeats of other kinds are
/// ignored, so terminals that report releases do not act twice.
pub fn action_for(event: &KeyEvent, situation: Situation) -> Option<Action> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    KEYMAP
        .iter()
        .filter(|b| b.applies(situation))
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
}

/// Bindings to hint at in the footer, in table order.
pub fn hints(situation: Situation) -> impl Iterator<Item = (String, &'static str)> {
    KEYMAP
        .iter()
        .filter(move |b| b.applies(situation))
        .filter_map(|b| b.hint.map(|hint| (b.key_names(), hint)))
}

#[cfg(test)]
mod tests;
