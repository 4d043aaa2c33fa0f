//! Forms over the screen: opening the right form for the key and pane, saving it in one
//! transaction, conflicts, cancelling, and drafts that survive a dropped connection.

use super::{App, DocLine, LineKind, Question};
use crate::domain::*;
use crate::form::forms::{self, FormKind, GoalOnPlan};
use crate::form::{Form, Now, Outcome};
use crate::store::{Draft, Result, Store, StoreError};
use crossterm::event::{KeyCode, KeyEvent};
use serde_json::Value;

/// The data a form was opened with, kept so saving builds from what the worker saw (including
/// the row versions read, which is how a colleague's save in the meantime is noticed).
#[derive(Debug, Clone)]
pub enum Context {
    Session {
        goals: Vec<GoalOnPlan>,
        usual_minutes: u16,
    },
    Dna,
    Readiness,
    Goal {
        existing: Option<Stored<Goal>>,
        actions: Vec<Stored<GoalAction>>,
    },
    Client {
        existing: Option<Stored<Client>>,
    },
    /// The reviews owed when the form was opened: the save answers one of these due dates, so
    /// a colleague completing the same review meanwhile is noticed rather than doubled.
    Review {
        owed: Vec<Due>,
    },
    Top,
    /// The alerts as the worker saw them: the acknowledgement answers that cause, and is refused
    /// if the cause has changed since.
    Acknowledge {
        shown: Vec<Alert>,
    },
}

/// An open form.
#[derive(Debug, Clone)]
pub struct Editor {
    pub kind: FormKind,
    pub form: Form,
    pub client_id: Option<i64>,
    pub context: Context,
    pub draft_id: Option<i64>,
}

/// Draft key holding the versions read of the records a form may change besides its target.
const VERSIONS: &str = "_versions";

impl Editor {
    /// The record the form edits and the version it was read at, for the draft.
    fn target(&self) -> (Option<i64>, Option<i64>) {
        match &self.context {
            Context::Goal {
                existing: Some(g), ..
            } => (Some(g.id), Some(g.row_version)),
            Context::Client {
                existing: Some(c), ..
            } => (Some(c.id), Some(c.row_version)),
            _ => (None, None),
        }
    }

    /// The versions read of the records a form may change besides its target: the goals in a
    /// session form, the actions in a goal form.
    fn read_versions(&self) -> Vec<(String, i64)> {
        match &self.context {
            Context::Session { goals, .. } => goals
                .iter()
                .map(|g| (format!("goal:{}", g.goal.id), g.goal.row_version))
                .collect(),
            Context::Goal { actions, .. } => actions
                .iter()
                .map(|a| (format!("action:{}", a.id), a.row_version))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn draft_content(&self) -> Value {
        let mut content = self.form.snapshot();
        if let Value::Object(map) = &mut content {
            let versions = self
                .read_versions()
                .into_iter()
                .map(|(k, v)| (k, Value::from(v)))
                .collect();
            map.insert(VERSIONS.into(), Value::Object(versions));
        }
        content
    }

    /// Takes the versions a draft was read at, so resuming it later still notices changes made
    /// since the form was first opened.
    fn adopt_versions(&mut self, target_version: Option<i64>, content: &Value) {
        let version = |key: String| {
            content
                .get(VERSIONS)
                .and_then(|m| m.get(key))
                .and_then(Value::as_i64)
        };
        match &mut self.context {
            Context::Goal { existing, actions } => {
                if let Some(g) = existing {
                    g.row_version = target_version.unwrap_or(g.row_version);
                }
                for a in actions {
                    a.row_version = version(format!("action:{}", a.id)).unwrap_or(a.row_version);
                }
            }
            Context::Client {
                existing: Some(c), ..
            } => c.row_version = target_version.unwrap_or(c.row_version),
            Context::Session { goals, .. } => {
                for g in goals {
                    g.goal.row_version =
                        version(format!("goal:{}", g.goal.id)).unwrap_or(g.goal.row_version);
                }
            }
            _ => {}
        }
    }

    /// After a conflict, take the colleague's version as read: a second Ctrl-S then saves over
    /// it, knowingly. A goal changed only for its progress in a session form is read afresh, so
    /// the second save changes its progress and nothing else the colleague wrote.
    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, store: &Store) {
        match (&mut self.context, what) {
            (
                Context::Goal {
                    existing: Some(g), ..
                },
                RecordType::Goal,
            ) if g.id == id => g.row_version = current,
            (Context::Goal { actions, .. }, RecordType::GoalAction) => {
                if let Some(a) = actions.iter_mut().find(|a| a.id == id) {
                    a.row_version = current;
                }
            }
            (
                Context::Client {
                    existing: Some(c), ..
                },
                RecordType::Client,
            ) if c.id == id => c.row_version = current,
            (Context::Session { goals, .. }, RecordType::Goal) => {
                if let Some(g) = goals.iter_mut().find(|g| g.goal.id == id) {
                    match store.get::<Goal>(id) {
                        Ok(fresh) => g.goal = fresh,
                        Err(_) => g.goal.row_version = current,
                    }
                }
            }
            _ => {}
        }
    }
}

impl App {
    fn now(&self, store: &Store) -> Now {
        Now {
            today: self.today,
            now: store.clock().now_local(),
        }
    }

    /// The worker records are saved in the name of, or why there is none.
    fn author(&self) -> std::result::Result<i64, String> {
        if let Some(refusal) = &self.refusal {
            return Err(refusal.notice());
        }
        match &self.identity.worker {
            None => Err(format!(
                "Login {} is not on the team list, so nothing can be recorded in its name.",
                self.identity.login
            )),
            Some(w) if w.record.role == Role::ReadOnly => {
                Err("This login is read-only (trainer): it can look but not record.".into())
            }
            Some(w) => Ok(w.id),
        }
    }

    fn client_title(&self, store: &Store, what: &str, client_id: i64) -> Result<String> {
        let client = store.get::<Client>(client_id)?.record;
        let name = crate::display::clean(client.known_as().as_str()).into_owned();
        Ok(format!("{what}: {} {name}", client.reference))
    }

    /// Opens the form an action asks for, if the worker may and something is selected.
    /// `edit` opens the selected goal or client for editing rather than a new one.
    pub(super) fn open_form(
        &mut self,
        kind: FormKind,
        edit: bool,
        store: &mut Store,
    ) -> Result<()> {
        if let Err(why) = self.author() {
            self.message = Some(why);
            return Ok(());
        }
        let editor = match self.build_editor(kind, store, None, edit)? {
            Ok(editor) => editor,
            Err(why) => {
                self.message = Some(why);
                return Ok(());
            }
        };
        self.editor = Some(editor);
        Ok(())
    }

    /// Builds a form for the selection, or for a draft's record when resuming one.
    fn build_editor(
        &self,
        kind: FormKind,
        store: &Store,
        draft: Option<&Draft>,
        edit: bool,
    ) -> Result<std::result::Result<Editor, String>> {
        let now = self.now(store);
        let client_id = match draft {
            Some(d) => d.client_id,
            None => self.selected_client,
        };
        let need_client = || client_id.ok_or_else(|| "Select a client first.".to_owned());
        let editor = match kind {
            FormKind::Session => {
                let Ok(client) = need_client() else {
                    return Ok(Err("Select a client first.".into()));
                };
                let goals: Vec<GoalOnPlan> = store
                    .plan(client)?
                    .into_iter()
                    .filter(|g| g.goal.record.status == GoalStatus::Active)
                    .map(|g| GoalOnPlan { goal: g.goal })
                    .collect();
                let usual_minutes = store
                    .usual_minutes(client)?
                    .filter(|m| *m > 0)
                    .unwrap_or(45);
                let ctx = forms::SessionContext {
                    client_id: client,
                    worker_id: 0,
                    now,
                    usual_minutes,
                    goals: &goals,
                };
                let form =
                    forms::session_form(self.client_title(store, "Record session", client)?, &ctx);
                Editor {
                    kind,
                    form,
                    client_id: Some(client),
                    context: Context::Session {
                        goals,
                        usual_minutes,
                    },
                    draft_id: None,
                }
            }
            FormKind::Dna => {
                let Ok(client) = need_client() else {
                    return Ok(Err("Select a client first.".into()));
                };
                let title =
                    self.client_title(store, "Did not attend today (Enter saves)", client)?;
                Editor {
                    kind,
                    form: forms::dna_form(title, now),
                    client_id: Some(client),
                    context: Context::Dna,
                    draft_id: None,
                }
            }
            FormKind::Readiness => {
                let Ok(client) = need_client() else {
                    return Ok(Err("Select a client first.".into()));
                };
                let latest = store
                    .readiness_notes(client)?
                    .first()
                    .map(|n| n.record.stage);
                let title = self.client_title(store, "Readiness note", client)?;
                let form = forms::readiness_form(title, now, latest);
                Editor {
                    kind,
                    form,
                    client_id: Some(client),
                    context: Context::Readiness,
                    draft_id: None,
                }
            }
            FormKind::Goal => {
                let Ok(client) = need_client() else {
                    return Ok(Err("Select a client first.".into()));
                };
                let target = match draft {
                    Some(d) => d.target_id,
                    None if edit => match self.plan.get(self.plan_cursor.selected) {
                        Some(g) => Some(g.goal.id),
                        None => {
                            return Ok(Err(
                                "This plan has no goals to edit yet; a adds one.".into()
                            ));
                        }
                    },
                    None => None,
                };
                let existing = target.map(|id| store.get::<Goal>(id)).transpose()?;
                let actions = target
                    .map(|id| store.goal_actions(id))
                    .transpose()?
                    .unwrap_or_default();
                let what = if existing.is_some() {
                    "Edit goal"
                } else {
                    "New goal"
                };
                let ctx = forms::GoalContext {
                    client_id: client,
                    existing: existing.as_ref(),
                    actions: &actions,
                };
                let form = forms::goal_form(self.client_title(store, what, client)?, now, &ctx);
                Editor {
                    kind,
                    form,
                    client_id: Some(client),
                    context: Context::Goal { existing, actions },
                    draft_id: None,
                }
            }
            FormKind::Client => {
                let target = match draft {
                    Some(d) => d.target_id,
                    None if edit => match self.selected_client {
                        Some(id) => Some(id),
                        None => return Ok(Err("Select a client first.".into())),
                    },
                    None => None,
                };
                let existing = target.map(|id| store.get::<Client>(id)).transpose()?;
                let workers = store.key_workers()?;
                let suggested = store.next_reference()?;
                let default_worker = self.identity.worker.as_ref().map(|w| w.id);
                let ctx = forms::ClientContext {
                    existing: existing.as_ref(),
                    workers: &workers,
                    default_worker,
                    suggested_reference: suggested,
                };
                let title = match &existing {
                    Some(c) => self.client_title(store, "Edit client", c.id)?,
                    None => "New client".to_owned(),
                };
                let form = forms::client_form(title, now, &ctx);
                let client_id = existing.as_ref().map(|c| c.id);
                Editor {
                    kind,
                    form,
                    client_id,
                    context: Context::Client { existing },
                    draft_id: None,
                }
            }
            FormKind::Review => {
                let Ok(client) = need_client() else {
                    return Ok(Err("Select a client first.".into()));
                };
                let owed = store.client_status(client, &self.intervals)?.owed;
                // A resumed draft brings back the kind it was written for.
                let kind = match draft {
                    Some(_) => ReviewKind::CarePlan,
                    None => self.review_to_complete(client, &owed),
                };
                if kind == ReviewKind::Outcomes {
                    return self.build_editor(FormKind::Top, store, draft, edit);
                }
                let title = self.client_title(store, "Complete a review", client)?;
                Editor {
                    kind: FormKind::Review,
                    form: forms::review_form(title, now, kind),
                    client_id: Some(client),
                    context: Context::Review { owed },
                    draft_id: None,
                }
            }
            FormKind::Top => {
                let Ok(client) = need_client() else {
                    return Ok(Err("Select a client first.".into()));
                };
                let status = store.client_status(client, &self.intervals)?;
                let stage = top_stage(&status);
                let title = self.client_title(store, "Treatment Outcomes Profile", client)?;
                Editor {
                    kind,
                    form: crate::form::top::top_form(title, now, stage),
                    client_id: Some(client),
                    context: Context::Top,
                    draft_id: None,
                }
            }
            FormKind::Acknowledge => {
                let Ok(client) = need_client() else {
                    return Ok(Err("Select a client first.".into()));
                };
                let status = store.client_status(client, &self.intervals)?;
                if status.assessment.open.is_empty() {
                    return Ok(Err("This client has no open alerts to acknowledge.".into()));
                }
                let preset = self.selected_review_for(client).and_then(|due| {
                    let kind = AlertKind::ReviewOverdue(due.kind);
                    status.assessment.has(kind).then_some(kind)
                });
                let title = self.client_title(store, "Acknowledge an alert", client)?;
                Editor {
                    kind,
                    form: forms::acknowledge_form(title, now, &status.assessment.open, preset),
                    client_id: Some(client),
                    context: Context::Acknowledge {
                        shown: status.assessment.open,
                    },
                    draft_id: None,
                }
            }
        };
        Ok(Ok(editor))
    }

    /// A key typed while a form is open (not one of the form's own commands).
    pub(super) fn type_key(&mut self, key: KeyEvent, store: &mut Store) -> Result<()> {
        let Some(editor) = &mut self.editor else {
            return Ok(());
        };
        if editor.kind == FormKind::Dna && key.code == KeyCode::Enter {
            return self.save_form(store);
        }
        if editor.form.key(key) == Outcome::Edited {
            self.message = None;
        }
        Ok(())
    }

    /// Pasted text goes into the focused field whole, unless it is far beyond any field's limit
    /// (a stray paste of a log file): that is refused with its size and changes nothing.
    pub fn paste(&mut self, text: &str) {
        const PASTE_MAX_CHARS: usize = 100_000;
        let Some(editor) = &mut self.editor else {
            return;
        };
        let count = text.chars().count();
        if count > PASTE_MAX_CHARS {
            self.message = Some(format!(
                "That paste is {count} characters, far beyond any field (at most {PASTE_MAX_CHARS} at once); nothing was pasted."
            ));
            return;
        }
        editor.form.paste(text);
    }

    /// Whether the open form changed since last asked; the caller writes the draft soon after.
    pub fn form_changed(&mut self) -> bool {
        self.editor.as_mut().is_some_and(|e| e.form.take_changed())
    }

    /// Writes the draft; if that fails, says so in the footer (the form stays open with its
    /// text) and answers false. Never ends the program: losing the form to save a draft would
    /// defeat the point.
    pub fn keep_draft(&mut self, store: &mut Store) -> bool {
        match self.write_draft(store) {
            Ok(()) => true,
            Err(e) => {
                self.message = Some(format!(
                    "Could not keep a draft of this form ({e}). Save it with Ctrl-S, or copy your text."
                ));
                false
            }
        }
    }

    /// Writes the open form's content as a draft, if it has any.
    pub fn write_draft(&mut self, store: &mut Store) -> Result<()> {
        let Some(editor) = &mut self.editor else {
            return Ok(());
        };
        if !editor.form.dirty {
            return Ok(());
        }
        let (target_id, target_version) = editor.target();
        let draft = Draft {
            login: store.actor().clone(),
            form: editor.kind.code().to_owned(),
            client_id: editor.client_id,
            target_id,
            target_version,
            content: editor.draft_content(),
        };
        editor.draft_id = Some(store.save_draft(editor.draft_id, &draft)?);
        Ok(())
    }

    pub(super) fn cancel_form(&mut self, store: &mut Store) -> Result<()> {
        match &self.editor {
            Some(editor) if editor.form.dirty => self.question = Some(Question::DiscardForm),
            Some(_) => self.close_form(store)?,
            None => {}
        }
        Ok(())
    }

    fn close_form(&mut self, store: &mut Store) -> Result<()> {
        if let Some(id) = self.editor.take().and_then(|e| e.draft_id) {
            store.delete_draft(id)?;
        }
        Ok(())
    }

    /// Answers the open question.
    pub(super) fn answer(&mut self, action: super::Action, store: &mut Store) -> Result<()> {
        use super::Action;
        let Some(question) = self.question.take() else {
            return Ok(());
        };
        match (question, action) {
            // Only an explicit yes throws typing away; Enter, n and Esc all keep it.
            (Question::DiscardForm, Action::Yes) => {
                self.close_form(store)?;
                self.message = Some("Discarded; nothing was saved.".into());
            }
            (Question::DiscardForm, _) => {}
            (Question::Resume { draft, .. }, Action::Yes | Action::Keep) => {
                self.resume(draft, store)?
            }
            (Question::Resume { draft, .. }, Action::Discard) => {
                store.delete_draft(draft.id)?;
                self.message = Some("Draft discarded.".into());
                self.offer_next_draft(store)?;
            }
            (Question::Resume { .. }, _) => {
                self.message = Some("Draft kept; you will be asked again next time.".into());
            }
        }
        Ok(())
    }

    fn resume(&mut self, draft: Stored<Draft>, store: &mut Store) -> Result<()> {
        let Some(kind) = FormKind::from_code(&draft.record.form) else {
            return Ok(());
        };
        match self.build_editor(kind, store, Some(&draft.record), false) {
            Ok(Ok(mut editor)) => {
                editor.adopt_versions(draft.record.target_version, &draft.record.content);
                editor.form.restore(&draft.record.content);
                editor.draft_id = Some(draft.id);
                self.editor = Some(editor);
                self.message = Some("Draft restored. Ctrl-S saves it.".into());
            }
            Ok(Err(why)) => self.show_unsaveable(&draft, &why),
            Err(StoreError::NotFound { what, .. }) => {
                self.show_unsaveable(&draft, &format!("its {what} no longer exists"));
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Shows a draft that can no longer be saved where it belongs, so its words can be read and
    /// copied; it stays until discarded (x when asked again).
    fn show_unsaveable(&mut self, draft: &Stored<Draft>, why: &str) {
        let line = |kind, text: String| DocLine { kind, text };
        let mut lines = vec![
            line(LineKind::Alert, format!("This draft cannot be saved: {why}.")),
            line(LineKind::Muted, "Copy what you need; Esc closes. It is offered again next time, where x discards it.".into()),
        ];
        if let Value::Object(fields) = &draft.record.content {
            for (key, value) in fields.iter().filter(|(k, _)| !k.starts_with('_')) {
                let Some(text) = value.as_str().filter(|t| !t.trim().is_empty()) else {
                    continue;
                };
                lines.push(line(LineKind::Blank, String::new()));
                lines.push(line(LineKind::Heading, key.clone()));
                for wrapped in crate::display::wrap(text, self.viewport.reader_width.max(20)) {
                    lines.push(line(LineKind::Text, wrapped));
                }
            }
        }
        let title = "Unsaved draft (Esc to close)".to_owned();
        self.overlay = Some(super::Overlay::Text {
            title,
            lines,
            scroll: 0,
        });
    }

    /// Offers this login's newest draft, if any.
    pub(super) fn offer_next_draft(&mut self, store: &Store) -> Result<()> {
        let Some(draft) = store.drafts(store.actor())?.into_iter().next() else {
            return Ok(());
        };
        let noun = FormKind::from_code(&draft.record.form).map_or("form", FormKind::noun);
        let whom = match draft.record.client_id {
            Some(id) => store
                .get::<Client>(id)
                .map(|c| format!(" for {}", c.record.reference))
                .unwrap_or_default(),
            None => String::new(),
        };
        let when = draft
            .updated_at
            .with_timezone(&chrono::Local)
            .format("%H:%M on %d/%m/%Y");
        let text = format!("Resume unsaved {noun}{whom} from {when}?");
        self.question = Some(Question::Resume { draft, text });
        Ok(())
    }

    /// Validates and saves the open form in one transaction. On any failure the form stays
    /// open with its text and says why.
    pub(super) fn save_form(&mut self, store: &mut Store) -> Result<()> {
        let worker_id = match self.author() {
            Ok(id) => id,
            Err(why) => {
                self.message = Some(why);
                return Ok(());
            }
        };
        let intervals = self.intervals;
        let Some(editor) = &mut self.editor else {
            return Ok(());
        };
        if !editor.form.validate() {
            self.message = Some(needs_attention(&editor.form));
            return Ok(());
        }
        let outcome = match save(editor, store, worker_id, &intervals) {
            Ok(Ok(done)) => done,
            Ok(Err(errors)) => {
                editor.form.set_errors(errors);
                self.message = Some(needs_attention(&editor.form));
                return Ok(());
            }
            Err(StoreError::AlreadyDone { .. }) => {
                self.message = Some(
                    "A colleague has already completed this review; nothing was saved. \
                     Your outcome is still here to copy; Esc closes the form."
                        .into(),
                );
                self.keep_draft(store);
                return Ok(());
            }
            Err(StoreError::Conflict { what, id, current }) => {
                editor.accept_current(what, id, current, store);
                self.message = Some(format!(
                    "Someone else changed this {what} since you opened the form; nothing was saved and your text is kept. \
                     Ctrl-S again saves yours over theirs; Esc discards yours."
                ));
                self.keep_draft(store);
                return Ok(());
            }
            Err(StoreError::Duplicate(what)) => {
                let key = if what == "NHS number" {
                    "nhs"
                } else {
                    "reference"
                };
                editor.form.set_errors(vec![(
                    key.to_owned(),
                    format!("another client already has this {what}"),
                )]);
                self.message = Some(format!(
                    "Another client already has this {what}; nothing was saved."
                ));
                return Ok(());
            }
            Err(e @ (StoreError::Invalid { .. } | StoreError::NotFound { .. })) => {
                self.message = Some(format!("Not saved: {e}. Your text is kept."));
                self.keep_draft(store);
                return Ok(());
            }
            Err(e) if e.is_busy() => {
                self.message = Some(
                    "Not saved yet: the database is busy with a colleague's long save. Your text is \
                     kept on screen and goes into a draft once the file is free; Ctrl-S tries again."
                        .into(),
                );
                return Ok(());
            }
            Err(e) => {
                let e = self.store_failed(e, store);
                self.message = Some(format!("Not saved: {e}. Your text is kept."));
                self.keep_draft(store);
                return Ok(());
            }
        };
        let client_id = editor.client_id;
        self.close_form(store)?;
        self.reload(store)?;
        self.message = Some(outcome.message);
        if outcome.check_dna_streak
            && let Some(client) = client_id
            && store.three_dnas_in_a_row(client)?
        {
            let reference = store.get::<Client>(client)?.record.reference;
            self.message = Some(format!(
                "! {reference} has now missed 3 appointments in a row: please follow up."
            ));
        }
        Ok(())
    }
}

/// "2 fields need attention; nothing was saved yet."
fn needs_attention(form: &Form) -> String {
    match form.error_count() {
        1 => "1 field needs attention; nothing was saved yet.".to_owned(),
        n => format!("{n} fields need attention; nothing was saved yet."),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What a save did, for the footer.
struct Saved {
    message: String,
    check_dna_streak: bool,
}

fn saved(message: impl Into<String>) -> Saved {
    Saved {
        message: message.into(),
        check_dna_streak: false,
    }
}

/// Writes the records and removes the form's draft in the same transaction: saved and draft
/// gone, or neither (a draft left behind would be offered back and saved twice).
fn write_and_forget_draft<T>(
    store: &mut Store,
    draft: Option<i64>,
    records: impl FnOnce(&crate::store::Writer<'_>) -> Result<T>,
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

/// Builds the records from the form and writes them in one transaction.
fn save(
    editor: &Editor,
    store: &mut Store,
    worker_id: i64,
    intervals: &ReviewIntervals,
) -> Result<std::result::Result<Saved, forms::Errors>> {
    let form = &editor.form;
    let client_id = editor.client_id.unwrap_or(0);
    let result = match &editor.context {
        Context::Session {
            goals,
            usual_minutes,
        } => {
            let ctx = forms::SessionContext {
                client_id,
                worker_id,
                now: form.now,
                usual_minutes: *usual_minutes,
                goals,
            };
            let record = built!(forms::build_session(form, &ctx));
            let missed = record.session.attendance == Attendance::DidNotAttend;
            write_and_forget_draft(store, editor.draft_id, |w| {
                let session_id = w.insert(&record.session)?;
                if let Some(mut note) = record.readiness.clone() {
                    note.session_id = Some(session_id);
                    w.insert(&note)?;
                }
                for change in &record.goal_changes {
                    w.update_goal(change.goal_id, change.read_version, &change.goal)?;
                }
                Ok(())
            })?;
            let extra = match record.goal_changes.len() {
                0 => String::new(),
                n => format!(", {n} goal{} updated", plural(n)),
            };
            Saved {
                message: format!("Session saved{extra}."),
                check_dna_streak: missed,
            }
        }
        Context::Dna => {
            let session = built!(forms::build_dna(form, client_id, worker_id));
            write_and_forget_draft(store, editor.draft_id, |w| w.insert(&session))?;
            Saved {
                message: "Did-not-attend recorded.".into(),
                check_dna_streak: true,
            }
        }
        Context::Readiness => {
            let note = built!(forms::build_readiness(form, client_id, worker_id));
            write_and_forget_draft(store, editor.draft_id, |w| w.insert(&note))?;
            saved("Readiness note saved.")
        }
        Context::Goal { existing, actions } => {
            let ctx = forms::GoalContext {
                client_id,
                existing: existing.as_ref(),
                actions,
            };
            let record = built!(forms::build_goal(form, &ctx));
            write_and_forget_draft(store, editor.draft_id, |w| {
                let goal_id = match existing {
                    Some(g) => {
                        w.update_goal(g.id, g.row_version, &record.goal)?;
                        g.id
                    }
                    None => w.insert(&record.goal)?,
                };
                for (id, version, action) in &record.changed_actions {
                    w.update_goal_action(*id, *version, action)?;
                }
                if let Some(action) = &record.new_action {
                    w.insert(&GoalAction {
                        goal_id,
                        ..action.clone()
                    })?;
                }
                Ok(())
            })?;
            saved(if existing.is_some() {
                "Goal saved."
            } else {
                "Goal added to the plan."
            })
        }
        Context::Client { existing, .. } => {
            let client = built!(forms::build_client(form));
            match existing {
                Some(c) => write_and_forget_draft(store, editor.draft_id, |w| {
                    w.update_client(c.id, c.row_version, &client)
                })?,
                None => {
                    write_and_forget_draft(store, editor.draft_id, |w| w.insert(&client))?;
                }
            }
            saved(format!("Client {} saved.", client.reference))
        }
        Context::Review { owed } => {
            let (kind, done) = built!(forms::build_review(form, worker_id));
            let Some(due) = owed.iter().find(|d| d.kind == kind) else {
                return Ok(Err(vec![(
                    "kind".into(),
                    format!("{} is not owed by this client", kind.label()),
                )]));
            };
            let review = Review {
                client_id,
                kind,
                due_on: due.due_on,
                completion: Some(done),
            };
            write_and_forget_draft(store, editor.draft_id, |w| w.complete_review(&review))?;
            // Saved: from here nothing may report failure, or the worker would save it twice.
            let next = store
                .client_status(client_id, intervals)
                .ok()
                .and_then(|s| s.owed.into_iter().find(|d| d.kind == kind));
            saved(match next {
                Some(next) => format!(
                    "{} done; the next is due {}.",
                    kind.label(),
                    uk_date(next.due_on)
                ),
                None => format!("{} done.", kind.label()),
            })
        }
        Context::Top => {
            let top = built!(crate::form::top::build_top(form, client_id, worker_id));
            write_and_forget_draft(store, editor.draft_id, |w| w.insert(&top))?;
            saved(format!("{} TOP saved.", top.stage.label()))
        }
        Context::Acknowledge { shown } => {
            let ack = built!(forms::build_acknowledgement(
                form, client_id, worker_id, shown
            ));
            let now_open = store.client_status(client_id, intervals)?.assessment.open;
            if !now_open
                .iter()
                .any(|a| a.kind == ack.kind && a.cause == ack.cause)
            {
                return Ok(Err(vec![(
                    "alert".into(),
                    "this alert has changed since the form opened (a new cause, or a colleague \
                     acknowledged it): Esc and open the form again"
                        .into(),
                )]));
            }
            write_and_forget_draft(store, editor.draft_id, |w| w.acknowledge(&ack))?;
            saved(format!(
                "{} acknowledged; it stays quiet until its cause changes.",
                ack.kind.label()
            ))
        }
    };
    Ok(Ok(result))
}

/// Which TOP a client owes now: the start TOP, an exit TOP once they have left, or a review.
fn top_stage(status: &crate::store::CaseloadRow) -> TopStage {
    if matches!(
        status.status,
        ClientStatus::Discharged | ClientStatus::Transferred
    ) {
        return TopStage::Exit;
    }
    let owed = status.owed.iter().find(|d| d.kind == ReviewKind::Outcomes);
    match owed.map(|d| d.basis) {
        Some(Basis::StartTop { .. }) => TopStage::Start,
        _ => TopStage::Review,
    }
}

impl App {
    /// The review the worker means by "complete a review" for this client: the one selected in
    /// the reviews pane, else the client's most overdue (a TOP counts: it opens the TOP form),
    /// else the care plan.
    fn review_to_complete(&self, client: i64, owed: &[Due]) -> ReviewKind {
        match self.selected_review_for(client) {
            Some(due) => due.kind,
            None => owed
                .iter()
                .min_by_key(|d| d.due_on)
                .map_or(ReviewKind::CarePlan, |d| d.kind),
        }
    }

    /// The review selected in the reviews pane, if that pane has focus and it is this client's.
    fn selected_review_for(&self, client: i64) -> Option<Due> {
        (self.focus == super::Pane::Reviews)
            .then(|| self.reviews.get(self.reviews_cursor.selected))
            .flatten()
            .filter(|r| r.client_id == client)
            .map(|r| r.due)
    }
}
