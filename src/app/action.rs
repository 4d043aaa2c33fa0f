//! What a key can ask for ([`Action`]), what each kind of action is (a step through a list, a
//! form that records), and the panes it can point at. `keymap` binds keys to them.

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    NextPane,
    PreviousPane,
    FocusPane(Pane),
    Up,
    Down,
    First,
    Last,
    PageUp,
    PageDown,
    Open,
    Back,
    /// In the client record: select the next or previous entry (to amend or mark in error).
    NextEntry,
    PreviousEntry,
    /// In the client record: amend the selected entry, keeping its earlier version.
    Amend,
    /// In the client record: mark the selected entry entered in error, or undo the mark.
    MarkInError,
    /// In the client record: show the selected entry's earlier versions.
    EarlierVersions,
    ToggleScope,
    CycleSort,
    RecordSession,
    RecordDna,
    AddReadiness,
    AddGoal,
    NewClient,
    Edit,
    CompleteReview,
    RecordTop,
    /// Start, change or stop the selected client's OST prescription (prescribers, team leads).
    RecordPrescription,
    Acknowledge,
    /// Record the days a pharmacy reports doses missed.
    RecordMissedDoses,
    RecordBbvTest,
    /// Record an ECG (the day taken, the QTc).
    RecordEcg,
    /// Export the selected client's record or recovery plan to a file.
    ExportClient,
    /// Today's appointments: the worker's, or the team's in team view.
    Today,
    /// In a form: move to the next or previous field.
    NextField,
    PreviousField,
    Save,
    Cancel,
    /// In a form: the key goes to the field being edited (listed so the help can name it).
    Type,
    /// In a question: the answer that keeps what was typed; yes; no; or discard the draft.
    Keep,
    Yes,
    No,
    Discard,
    /// Open Find, the search line over the caseload.
    Find,
    /// In Find: go to the highlighted match (the best, unless moved) and close.
    Pick,
    /// Open the command palette.
    Palette,
    /// In the palette: run the highlighted action.
    RunCommand,
    /// Open the caseload filter chooser.
    OpenFilters,
    /// Turn every caseload filter off.
    ClearFilters,
    /// In the filter chooser: the selected line's next or previous value.
    NextValue,
    PreviousValue,
    /// In the filter chooser: put the filters in force and close.
    Apply,
    /// Open the plan structure view of the selected client.
    PlanStructure,
    /// In the plan structure view: show or hide the explanation of each part.
    Explain,
    /// Start the guided tour (demo only).
    StartTour,
    /// In the tour: the next step, the step before, or leave.
    TourNext,
    TourBack,
    LeaveTour,
    /// A key kept for a feature that is not built yet; it says so in the footer.
    Reserved(&'static str),
}

impl Action {
    /// A step through a list: held down, these come many a second.
    pub fn is_step(self) -> bool {
        matches!(
            self,
            Action::Up
                | Action::Down
                | Action::First
                | Action::Last
                | Action::PageUp
                | Action::PageDown
        )
    }

    /// Whether the action opens a form to record, correct or export something: refused, with
    /// the reason, on a run that may not record (`--read-only`, a trainer's login). Every action
    /// is named here, so a new one must say whether it opens a form, and the read-only test of
    /// every form key covers it.
    pub fn opens_form(self) -> bool {
        match self {
            Action::RecordSession
            | Action::RecordDna
            | Action::AddReadiness
            | Action::AddGoal
            | Action::NewClient
            | Action::Edit
            | Action::CompleteReview
            | Action::RecordTop
            | Action::RecordPrescription
            | Action::Acknowledge
            | Action::RecordMissedDoses
            | Action::RecordBbvTest
            | Action::RecordEcg
            | Action::ExportClient
            | Action::Amend
            | Action::MarkInError => true,
            Action::Quit
            | Action::ToggleHelp
            | Action::NextPane
            | Action::PreviousPane
            | Action::FocusPane(_)
            | Action::Up
            | Action::Down
            | Action::First
            | Action::Last
            | Action::PageUp
            | Action::PageDown
            | Action::Open
            | Action::Back
            | Action::NextEntry
            | Action::PreviousEntry
            | Action::EarlierVersions
            | Action::ToggleScope
            | Action::CycleSort
            | Action::Today
            | Action::NextField
            | Action::PreviousField
            | Action::Save
            | Action::Cancel
            | Action::Type
            | Action::Keep
            | Action::Yes
            | Action::No
            | Action::Discard
            | Action::Find
            | Action::Pick
            | Action::Palette
            | Action::RunCommand
            | Action::OpenFilters
            | Action::ClearFilters
            | Action::NextValue
            | Action::PreviousValue
            | Action::Apply
            | Action::PlanStructure
            | Action::Explain
            | Action::StartTour
            | Action::TourNext
            | Action::TourBack
            | Action::LeaveTour
            | Action::Reserved(_) => false,
        }
    }
}

/// The four panes of the main screen, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Caseload,
    Reviews,
    Readiness,
    Plan,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Caseload, Pane::Reviews, Pane::Readiness, Pane::Plan];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Caseload => "Caseload",
            Pane::Reviews => "Next reviews",
            Pane::Readiness => "Readiness for change",
            Pane::Plan => "Recovery plan",
        }
    }

    pub fn number(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).expect("listed") + 1
    }

    pub fn next(self) -> Pane {
        Pane::ALL[self.number() % 4]
    }

    pub fn previous(self) -> Pane {
        Pane::ALL[(self.number() + 2) % 4]
    }
}
