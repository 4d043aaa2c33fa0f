//! Every form keywork shows, one module each: how it opens from the selection and the store,
//! its declaration over the one engine, how its values become domain records, and how it saves
//! them (one transaction with their audit rows). The editor in `app` keeps only what every form
//! shares: open, type, validate, draft, conflict, save, cancel. The command line reuses the same
//! declarations, so a typed session and a scripted one pass the same rules.
//!
//! Adding a form is one new module here, its `FormKind` variant, and one line in [`KINDS`].

pub mod acknowledge;
pub mod bbv;
pub mod client;
pub mod dna;
pub mod ecg;
pub mod export;
pub mod goal;
pub mod missed_doses;
pub mod prescription;
pub mod readiness;
pub mod review;
pub mod session;
pub mod top;
pub mod void;

pub use acknowledge::{acknowledge_form, build_acknowledgement};
pub use client::{ClientContext, build_client, client_form};
pub use dna::{DnaOnDay, build_dna, dna_against_form, dna_form};
pub use goal::{GoalContext, GoalRecord, build_goal, goal_form};
pub use readiness::{build_readiness, readiness_form};
pub use review::{build_review, review_form};
pub use session::{
    GoalChange, GoalOnPlan, SessionContext, SessionRecord, build_session, session_form, unsaid_bbv,
};

use crate::domain::*;
use crate::form::{Form, Kind, Now, Opt, Spec};
use crate::store::{Draft, Result, Store, Writer};

/// Which form, as stored with a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Session,
    Dna,
    Readiness,
    Goal,
    Client,
    Review,
    Top,
    Acknowledge,
    /// Marking an entry entered in error, with the reason.
    Void,
    /// Starting, changing or stopping an OST prescription.
    Prescription,
    /// Taking a client's record or plan out to a file.
    Export,
    /// The days a pharmacy reports doses missed.
    MissedDoses,
    /// A blood-borne virus test and its result.
    Bbv,
    /// An ECG: the day taken and the QTc.
    Ecg,
}

impl FormKind {
    pub const ALL: &'static [FormKind] = &[
        FormKind::Session,
        FormKind::Dna,
        FormKind::Readiness,
        FormKind::Goal,
        FormKind::Client,
        FormKind::Review,
        FormKind::Top,
        FormKind::Acknowledge,
        FormKind::Void,
        FormKind::Prescription,
        FormKind::Export,
        FormKind::MissedDoses,
        FormKind::Bbv,
        FormKind::Ecg,
    ];

    fn listed(self) -> &'static Listed {
        KINDS
            .iter()
            .find(|listed| listed.kind == self)
            .expect("every form kind is listed in KINDS")
    }

    /// The code a draft of this form is stored under.
    pub fn code(self) -> &'static str {
        self.listed().code
    }

    pub fn from_code(code: &str) -> Option<FormKind> {
        KINDS.iter().find(|l| l.code == code).map(|l| l.kind)
    }

    /// What the worker was writing, for "Resume unsaved session note for KW-00042?".
    pub fn noun(self) -> &'static str {
        self.listed().noun
    }
}

/// Field errors a declaration found: field key and message.
pub type Errors = Vec<(String, String)>;

pub(crate) fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Opt> {
    all.iter().map(|v| Opt::new(code(*v), label(*v))).collect()
}

macro_rules! coded_options {
    ($ty:ty) => {
        $crate::form::kinds::options(<$ty>::ALL, <$ty>::code, <$ty>::label)
    };
}
pub(crate) use coded_options;

pub(crate) fn with_none(none_label: &str, mut options: Vec<Opt>) -> Vec<Opt> {
    options.insert(0, Opt::new("", none_label));
    options
}

/// One of the three readiness-ruler questions, each a score from 0 to 10 and optional.
pub(crate) fn ruler_spec(key: &str, label: &str) -> Spec {
    Spec::new(key, label, Kind::Integer { min: 0, max: 10 })
}

pub(crate) fn err(key: &str, message: impl Into<String>) -> (String, String) {
    (key.to_owned(), message.into())
}

pub(crate) fn score(form: &Form, key: &str) -> Option<Score> {
    form.integer(key)
        .and_then(|n| u8::try_from(n).ok())
        .and_then(|n| Score::new(n).ok())
}

pub(crate) fn note(form: &Form, key: &str, errors: &mut Errors) -> NoteText {
    NoteText::new(form.text(key).trim_end().to_owned()).unwrap_or_else(|e| {
        errors.push(err(key, e.to_string()));
        NoteText::empty()
    })
}

pub(crate) fn parse_code<T: std::str::FromStr>(
    form: &Form,
    key: &str,
    errors: &mut Errors,
) -> Option<T> {
    let text = form.text(key);
    if text.is_empty() {
        return None;
    }
    text.parse()
        .map_err(|_| errors.push(err(key, "choose one of the options")))
        .ok()
}

/// What the screen knows when a form is asked for.
pub struct Opening<'a> {
    pub store: &'a Store,
    pub now: Now,
    /// The selected client, or the client of the draft being resumed.
    pub client_id: Option<i64>,
    /// A draft being resumed: its record and content decide what opens.
    pub draft: Option<&'a Draft>,
    /// Open the selected record for editing rather than a new one.
    pub edit: bool,
    /// The goal selected in the plan pane.
    pub selected_goal: Option<i64>,
    /// The review selected in the reviews pane, if it is this client's.
    pub selected_review: Option<Due>,
    pub intervals: &'a ReviewIntervals,
    /// The worker a new client is given by default: whoever is recording.
    pub default_worker: Option<i64>,
    /// The entry to amend, or to mark entered in error, selected in the client record.
    pub entry: Option<(RecordType, i64)>,
}

impl Opening<'_> {
    /// The client the form is for, or why there is none.
    pub fn client(&self) -> std::result::Result<i64, String> {
        self.client_id
            .ok_or_else(|| "Select a client first.".to_owned())
    }

    /// "Record session: KW-00042 Dana", the title of a form about one client.
    pub fn client_title(&self, what: &str, client_id: i64) -> Result<String> {
        let client = self.store.get::<Client>(client_id)?.record;
        let name = crate::display::clean(client.known_as().as_str()).into_owned();
        Ok(format!("{what}: {} {name}", client.reference))
    }
}

/// A form opened: its fields, the client it is about, and the kind's own state (what it was
/// opened with, including the row versions read, which is how a colleague's save meanwhile is
/// noticed).
pub struct Opened {
    pub form: Form,
    pub client_id: Option<i64>,
    pub handler: Box<dyn Handler>,
}

/// Opening a form either gives one, or a sentence saying why not (no client selected...).
pub type Opens = Result<std::result::Result<Opened, String>>;

/// What a save needs besides the form.
pub struct Saving<'a> {
    pub client_id: i64,
    pub worker_id: i64,
    /// The draft to remove in the same transaction.
    pub draft_id: Option<i64>,
    pub intervals: &'a ReviewIntervals,
}

/// What a save did, for the footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub message: String,
    /// A DNA was recorded: the screen checks for three in a row.
    pub check_dna_streak: bool,
}

impl Saved {
    pub fn said(message: impl Into<String>) -> Saved {
        Saved {
            message: message.into(),
            check_dna_streak: false,
        }
    }
}

/// A save either happened, or the fields in error say why not.
pub type Saves = Result<std::result::Result<Saved, Errors>>;

/// One form kind's behaviour once open. Only what differs between kinds is here; the rest is the
/// editor's.
pub trait Handler: std::fmt::Debug {
    fn kind(&self) -> FormKind;

    /// The record the form edits and the version it was read at, for the draft.
    fn target(&self) -> (Option<i64>, Option<i64>) {
        (None, None)
    }

    /// The versions read of the records the form may change besides its target (the goals in a
    /// session form, the actions in a goal form), keyed for the draft.
    fn read_versions(&self) -> Vec<(String, i64)> {
        Vec::new()
    }

    /// Takes the versions a draft was read at, so resuming it later still notices changes
    /// made since the form was first opened.
    fn adopt_versions(
        &mut self,
        _target_version: Option<i64>,
        _version: &dyn Fn(&str) -> Option<i64>,
    ) {
    }

    /// After a conflict, takes the colleague's version as read: a second save then saves over
    /// it, knowingly.
    fn accept_current(&mut self, _what: RecordType, _id: i64, _current: i64, _store: &Store) {}

    /// Builds the records from the form and writes them in one transaction.
    fn save(&self, form: &Form, store: &mut Store, saving: &Saving<'_>) -> Saves;

    /// The errors building the records would meet, found without writing, so they are shown
    /// with the fields' own in one round.
    fn check(&self, _form: &Form, _saving: &Saving<'_>) -> Errors {
        Vec::new()
    }

    /// Whether the form's typing is kept as a draft while it is open (a one-line reason is not
    /// worth one).
    fn keeps_drafts(&self) -> bool {
        true
    }
}

/// The record a form edits, as the draft names it: its id and the version read.
pub(crate) fn target_of<T>(edited: &Option<Stored<T>>) -> (Option<i64>, Option<i64>) {
    edited
        .as_ref()
        .map_or((None, None), |r| (Some(r.id), Some(r.row_version)))
}

/// A resumed draft's version read becomes the edited record's, so a change made since the
/// draft was written is still noticed.
pub(crate) fn adopt_target<T>(edited: &mut Option<Stored<T>>, target_version: Option<i64>) {
    if let Some(r) = edited {
        r.row_version = target_version.unwrap_or(r.row_version);
    }
}

/// After a conflict on the edited record, the colleague's version is taken as read, so a
/// second save saves over it knowingly.
pub(crate) fn accept_target<T: crate::store::Table>(
    edited: &mut Option<Stored<T>>,
    what: RecordType,
    id: i64,
    current: i64,
) {
    if let Some(r) = edited.as_mut().filter(|r| r.id == id)
        && what == T::RECORD
    {
        r.row_version = current;
    }
}

/// Puts a stored entry's values into a form opened to amend it. They are what the entry says,
/// not the worker's typing: the form starts unchanged, so Esc closes it without asking.
pub(crate) fn prefill(form: &mut Form, values: &[(&str, String)]) {
    for (key, value) in values {
        // A value the form cannot take (a code from a newer version) is left for the worker.
        let _ = form.set(key, value);
    }
    form.dirty = false;
    form.take_changed();
}

/// One kind of form in the list: its code (drafts are stored under it), what a draft of it
/// holds in words, and how it opens.
struct Listed {
    kind: FormKind,
    code: &'static str,
    noun: &'static str,
    open: fn(&Opening<'_>) -> Opens,
}

const fn listed(
    kind: FormKind,
    code: &'static str,
    noun: &'static str,
    open: fn(&Opening<'_>) -> Opens,
) -> Listed {
    Listed {
        kind,
        code,
        noun,
        open,
    }
}

/// The one list of forms.
const KINDS: &[Listed] = &[
    listed(FormKind::Session, "session", "session note", session::open),
    listed(FormKind::Dna, "dna", "did-not-attend note", dna::open),
    listed(
        FormKind::Readiness,
        "readiness",
        "readiness note",
        readiness::open,
    ),
    listed(FormKind::Goal, "goal", "goal", goal::open),
    listed(FormKind::Client, "client", "client details", client::open),
    listed(FormKind::Review, "review", "review outcome", review::open),
    listed(FormKind::Top, "top", "TOP", top::open),
    listed(
        FormKind::Acknowledge,
        "acknowledge",
        "alert acknowledgement",
        acknowledge::open,
    ),
    listed(
        FormKind::Void,
        "void",
        "reason an entry was in error",
        void::open,
    ),
    listed(
        FormKind::Prescription,
        "prescription",
        "prescription",
        prescription::open,
    ),
    listed(FormKind::Export, "export", "export", export::open),
    listed(
        FormKind::MissedDoses,
        "missed_doses",
        "missed doses",
        missed_doses::open,
    ),
    listed(FormKind::Bbv, "bbv", "BBV test", bbv::open),
    listed(FormKind::Ecg, "ecg", "ECG", ecg::open),
];

/// Opens a form of this kind for the selection (or the draft being resumed).
pub fn open(kind: FormKind, opening: &Opening<'_>) -> Opens {
    (kind.listed().open)(opening)
}

/// Writes the records and removes the form's draft in the same transaction: saved and draft
/// gone, or neither (a draft left behind would be offered back and saved twice).
pub fn write_and_forget_draft<T>(
    store: &mut Store,
    draft: Option<i64>,
    records: impl FnOnce(&Writer<'_>) -> Result<T>,
) -> Result<T> {
    store.write(|w| {
        let out = records(w)?;
        if let Some(id) = draft {
            w.delete_draft(id)?;
        }
        Ok(out)
    })
}

/// The records a form's content builds, or (returned at once) the fields in error.
macro_rules! built {
    ($build:expr) => {
        match $build {
            Ok(records) => records,
            Err(errors) => return Ok(Err(errors)),
        }
    };
}
pub(crate) use built;

/// An entry about the client's care dated before they were referred is a typing slip: the field
/// error saying so, if it is one.
pub(crate) fn before_referral(
    key: &str,
    on: chrono::NaiveDate,
    referral: chrono::NaiveDate,
) -> Option<(String, String)> {
    (on < referral).then(|| {
        err(
            key,
            format!(
                "this is before the client's referral on {}",
                uk_date(referral)
            ),
        )
    })
}

/// The referral date of a client, which bounds the dates of entries about them.
pub(crate) fn referral_of(store: &Store, client_id: i64) -> Result<chrono::NaiveDate> {
    Ok(store.get::<Client>(client_id)?.record.referral_date)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
