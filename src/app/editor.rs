//! Forms over the screen: the lifecycle every form shares (open, type, validate, draft,
//! conflict, save, cancel) and drafts that survive a dropped connection. What each kind of form
//! opens with and saves lives in `form::kinds`.

use super::{App, Question};
use crate::domain::*;
use crate::form::kinds::{self, FormKind, Handler, Opening, Saving};
use crate::form::{Form, Now, Outcome};
use crate::store::{Draft, Result, Store, StoreError};
use crossterm::event::{KeyCode, KeyEvent};

/// An open form: the engine's fields and the kind's own state.
#[derive(Debug)]
pub struct Editor {
    pub form: Form,
    pub client_id: Option<i64>,
    pub handler: Box<dyn Handler>,
    pub draft_id: Option<i64>,
}

impl Editor {
    pub fn kind(&self) -> FormKind {
        self.handler.kind()
    }
}

impl App {
    pub(super) fn now(&self, store: &Store) -> Now {
        Now {
            today: self.today,
            now: store.clock().now_local(),
        }
    }

    /// The worker records are saved in the name of, or why there is none.
    pub(super) fn author(&self) -> std::result::Result<i64, String> {
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

    /// Opens the form an action asks for, if the worker may and something is selected.
    /// `edit` opens the selected goal or client for editing rather than a new one.
    pub(super) fn open_form(
        &mut self,
        kind: FormKind,
        edit: bool,
        store: &mut Store,
    ) -> Result<()> {
        // A second DNA the same day without an appointment: ask first (kinds::DnaOnDay). With
        // an appointment today the DNA form itself decides (one per appointment).
        if kind == FormKind::Dna
            && self.author().is_ok()
            && let Some(client) = self.selected_client
            && let kinds::DnaOnDay::AlreadyAt(at) = kinds::DnaOnDay::of(store, client, self.today)?
        {
            self.modal.ask(Question::Confirm {
                text: format!(
                    "A DNA was already recorded for this client today at {}. Record another?",
                    at.format("%H:%M")
                ),
                then: super::state::Confirmed::AnotherDna,
            });
            return Ok(());
        }
        self.open_form_checked(kind, edit, store)
    }

    /// Opens the form, the questions before it answered.
    pub(super) fn open_form_checked(
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
        self.modal.open_form(editor);
        Ok(())
    }

    /// Builds a form for the selection, or for a draft's record when resuming one.
    pub(super) fn build_editor(
        &self,
        kind: FormKind,
        store: &Store,
        draft: Option<&Draft>,
        edit: bool,
    ) -> Result<std::result::Result<Editor, String>> {
        self.build_editor_for(kind, store, draft, edit, None)
    }

    /// Builds a form about one entry of the record: to amend it, or mark it entered in error.
    pub(super) fn build_editor_for(
        &self,
        kind: FormKind,
        store: &Store,
        draft: Option<&Draft>,
        edit: bool,
        entry: Option<(RecordType, i64)>,
    ) -> Result<std::result::Result<Editor, String>> {
        let client_id = match draft {
            Some(d) => d.client_id,
            None => self.selected_client,
        };
        let opening = Opening {
            store,
            now: self.now(store),
            client_id,
            draft,
            edit,
            selected_goal: match entry {
                Some((RecordType::Goal, id)) => Some(id),
                _ => self
                    .plan
                    .rows
                    .get(self.plan.cursor.selected)
                    .map(|g| g.goal.id),
            },
            selected_review: client_id.and_then(|c| self.selected_review_for(c)),
            intervals: &self.intervals,
            default_worker: self.identity.worker.as_ref().map(|w| w.id),
            entry,
        };
        Ok(kinds::open(kind, &opening)?.map(|opened| Editor {
            form: opened.form,
            client_id: opened.client_id,
            handler: opened.handler,
            draft_id: None,
        }))
    }

    /// A key typed while a form is open (not one of the form's own commands).
    pub(super) fn type_key(&mut self, key: KeyEvent, store: &mut Store) -> Result<()> {
        let Some(editor) = self.modal.editor_mut() else {
            return Ok(());
        };
        if editor.kind() == FormKind::Dna && key.code == KeyCode::Enter {
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
        let Some(editor) = self.modal.editor_mut() else {
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
        self.modal
            .editor_mut()
            .is_some_and(|e| e.form.take_changed())
    }

    pub(super) fn cancel_form(&mut self, store: &mut Store) -> Result<()> {
        match self.modal.editor() {
            Some(editor) if editor.form.dirty => self.modal.ask(Question::DiscardForm),
            Some(_) => self.close_form(store)?,
            None => {}
        }
        Ok(())
    }

    fn close_form(&mut self, store: &mut Store) -> Result<()> {
        if let Some(id) = self.modal.take_form().and_then(|e| e.draft_id) {
            store.delete_draft(id)?;
        }
        Ok(())
    }

    /// Answers the open question.
    pub(super) fn answer(&mut self, action: super::Action, store: &mut Store) -> Result<()> {
        use super::Action;
        let Some(question) = self.modal.take_question() else {
            return Ok(());
        };
        match (question, action) {
            // Only an explicit yes throws typing away; Enter, n and Esc all keep it.
            (Question::DiscardForm, Action::Yes) => {
                self.close_form(store)?;
                self.message = Some("Discarded; nothing was saved.".into());
            }
            (Question::DiscardForm, _) => {}
            (Question::Confirm { then, .. }, Action::Yes) => self.confirmed(then, store)?,
            (Question::Confirm { .. }, _) => {}
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
        let Some(editor) = self.modal.editor_mut() else {
            return Ok(());
        };
        let saving = Saving {
            client_id: editor.client_id.unwrap_or(0),
            worker_id,
            draft_id: editor.draft_id,
            intervals: &intervals,
        };
        // Every field's own error and the records' rules, in one round.
        let Editor { form, handler, .. } = editor;
        if !form.validate_with(|f| handler.check(f, &saving)) {
            self.message = Some(needs_attention(&editor.form));
            return Ok(());
        }
        let before = store.change_seq()?;
        let outcome = match editor.handler.save(&editor.form, store, &saving) {
            Ok(Ok(done)) => done,
            Ok(Err(errors)) => {
                editor.form.set_errors(errors);
                self.message = Some(needs_attention(&editor.form));
                return Ok(());
            }
            Err(StoreError::AlreadyDone { what, .. }) => {
                self.message = Some(already_done(what));
                self.keep_draft(store);
                return Ok(());
            }
            Err(StoreError::Conflict { what, id, current }) => {
                editor.handler.accept_current(what, id, current, store);
                self.message = Some(format!(
                    "Someone else changed this {what} since you opened the form; nothing was saved and your text is kept. \
                     Ctrl-S again saves yours over theirs; Esc discards yours."
                ));
                self.keep_draft(store);
                return Ok(());
            }
            Err(e @ (StoreError::Invalid { .. } | StoreError::NotFound { .. })) => {
                self.message = Some(format!("Not saved: {e}. Your text is kept."));
                self.keep_draft(store);
                return Ok(());
            }
            Err(StoreError::SchemaMoved {
                found, built_for, ..
            }) if found > built_for => {
                self.message = Some(
                    "keywork was upgraded on this server: quit and start it again. Not saved; \
                     your text is kept as a draft."
                        .into(),
                );
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
        self.reload_after_write(before, store)?;
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

/// What a colleague's save meanwhile means for the form: nothing was saved.
fn already_done(what: RecordType) -> String {
    match what {
        RecordType::Appointment => {
            "A colleague has already recorded this appointment as attended or missed; \
             nothing was saved. Your note is still here to copy; Esc closes the form."
                .into()
        }
        _ => "A colleague has already completed this review; nothing was saved. \
             Your outcome is still here to copy; Esc closes the form."
            .into(),
    }
}

/// "2 fields need attention; nothing was saved yet."
fn needs_attention(form: &Form) -> String {
    match form.error_count() {
        1 => "1 field needs attention; nothing was saved yet.".to_owned(),
        n => format!("{n} fields need attention; nothing was saved yet."),
    }
}

impl App {
    /// The review selected in the reviews pane, if that pane has focus and it is this client's.
    fn selected_review_for(&self, client: i64) -> Option<Due> {
        (self.focus == super::Pane::Reviews)
            .then(|| self.reviews.rows.get(self.reviews.cursor.selected))
            .flatten()
            .filter(|r| r.client_id == client)
            .map(|r| r.due)
    }
}
