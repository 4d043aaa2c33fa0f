//! What the application's state is made of, besides `App` itself: who is using it, the list
//! panes and their lines, the full-screen views and the questions, and the caseload's order.

use super::record::{self, DocLine};
use super::scroll::Cursor;
use crate::domain::{RecordType, Stored, Worker};
use crate::store::{Draft, DueReview, PlanGoal};
use chrono::NaiveDate;

/// How the caseload is ordered; `o` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Next review due first: what needs doing soonest.
    Due,
    /// By family name, then the name the client goes by: how a service's lists and letters are
    /// filed, and two clients who go by "Jo" stay apart.
    Name,
    /// Longest in treatment first: who may be parked.
    DaysInTreatment,
    /// Longest since last seen first: who has gone quiet.
    LastSeen,
}

impl Sort {
    pub fn label(self) -> &'static str {
        match self {
            Sort::Due => "next due",
            Sort::Name => "family name",
            Sort::DaysInTreatment => "days in treatment",
            Sort::LastSeen => "last seen",
        }
    }

    pub(super) fn next(self) -> Sort {
        match self {
            Sort::Due => Sort::Name,
            Sort::Name => Sort::DaysInTreatment,
            Sort::DaysInTreatment => Sort::LastSeen,
            Sort::LastSeen => Sort::Due,
        }
    }
}

/// Who is using the program, as the header shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub login: String,
    pub worker: Option<Stored<Worker>>,
    /// Acting as the demo team's first key worker (`--demo`).
    pub demo_persona: bool,
}

/// What the header says about the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Masthead {
    pub service: String,
    pub demo: bool,
}

/// Rows each scrolling area can show, worked out from the terminal size by the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Viewport {
    pub caseload: usize,
    pub reviews: usize,
    pub readiness: usize,
    pub plan: usize,
    pub reader: usize,
    /// Columns for wrapped text in the client record.
    pub reader_width: usize,
}

/// A full-screen view over the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The client record, as lines, how far down it is scrolled, and the entry selected (an
    /// index into `entries`) for correcting.
    Record {
        client_id: i64,
        lines: Vec<DocLine>,
        entries: Vec<(usize, record::EntryRef)>,
        scroll: usize,
        selected: Option<usize>,
    },
    /// Text to read and copy, with a title: a draft that can no longer be saved, an entry's
    /// earlier versions. Esc goes back to the view it was opened from, if any.
    Text {
        title: String,
        lines: Vec<DocLine>,
        scroll: usize,
        back: Option<Box<Overlay>>,
    },
}

/// A question waiting for an answer before anything else.
#[derive(Debug, Clone)]
pub enum Question {
    /// Esc on a form with typing in it.
    DiscardForm,
    /// A draft left by a dropped connection, a crash or Ctrl-C.
    Resume { draft: Stored<Draft>, text: String },
    /// A yes or no before doing something: undoing an entered-in-error mark, a second DNA.
    Confirm { text: String, then: Confirmed },
}

/// What a yes to a confirming question does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// Take the entered-in-error mark off this entry.
    Unvoid(RecordType, i64),
    /// Record a second DNA for the selected client today.
    AnotherDna,
}

impl Question {
    pub fn text(&self) -> &str {
        match self {
            Question::DiscardForm => "Discard what you typed? Nothing will be saved.",
            Question::Resume { text, .. } | Question::Confirm { text, .. } => text,
        }
    }
}

/// One list pane: the rows it lists, the lines it draws them as where that differs (headings
/// between rows, a row over two lines), and its cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPane<Row, Line = ()> {
    pub rows: Vec<Row>,
    pub lines: Vec<Line>,
    pub cursor: Cursor,
}

impl<Row, Line> Default for ListPane<Row, Line> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            lines: Vec::new(),
            cursor: Cursor::default(),
        }
    }
}

/// One line of the "Next reviews" pane: a group heading or a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewLine {
    Group(ReviewGroup),
    Review(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewGroup {
    Overdue,
    ThisWeek,
    Later,
}

impl ReviewGroup {
    pub fn label(self) -> &'static str {
        match self {
            ReviewGroup::Overdue => "Overdue",
            ReviewGroup::ThisWeek => "This week",
            ReviewGroup::Later => "Later",
        }
    }

    pub fn of_review(due_on: NaiveDate, today: NaiveDate) -> ReviewGroup {
        match (due_on - today).num_days() {
            ..0 => ReviewGroup::Overdue,
            0..7 => ReviewGroup::ThisWeek,
            _ => ReviewGroup::Later,
        }
    }
}

/// One line of the "Recovery plan" pane: a domain heading or one of a goal's two lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanLine {
    Domain(crate::domain::GoalDomain),
    Words(usize),
    Progress(usize),
}

/// Reviews grouped Overdue / This week / Later, in due order, each group under its heading.
pub fn review_lines(reviews: &[DueReview], today: NaiveDate) -> Vec<ReviewLine> {
    let mut lines = Vec::with_capacity(reviews.len() + 3);
    let mut group = None;
    for (index, review) in reviews.iter().enumerate() {
        let this = ReviewGroup::of_review(review.due.due_on, today);
        if group != Some(this) {
            lines.push(ReviewLine::Group(this));
            group = Some(this);
        }
        lines.push(ReviewLine::Review(index));
    }
    lines
}

/// Goals under their domain headings, two lines each.
pub fn plan_lines(plan: &[PlanGoal]) -> Vec<PlanLine> {
    let mut lines = Vec::with_capacity(plan.len() * 3);
    let mut domain = None;
    for (index, goal) in plan.iter().enumerate() {
        let this = goal.goal.record.area.domain();
        if domain != Some(this) {
            lines.push(PlanLine::Domain(this));
            domain = Some(this);
        }
        lines.push(PlanLine::Words(index));
        lines.push(PlanLine::Progress(index));
    }
    lines
}
