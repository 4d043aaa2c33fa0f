//! Correcting the record from the screen: an entry selected in the client record is amended in
//! its own form (the earlier version kept), marked entered in error with a reason (or the mark
//! undone), and its earlier versions read.

use super::record::EntryRef;
use super::state::Confirmed;
use super::{App, DocLine, LineKind, Overlay, Question};
use crate::domain::RecordType;
use crate::form::kinds::FormKind;
use crate::store::{Result, Store};

impl App {
    /// `e` in the record: the selected entry opens in its own form, filled with what it says.
    pub(super) fn amend_selected(&mut self, store: &mut Store) -> Result<()> {
        let Some(entry) = self.selected_entry() else {
            self.message =
                Some("Select an entry first: Tab moves through the record's entries.".into());
            return Ok(());
        };
        if entry.missed_dose.is_some() {
            self.message = Some(
                "A missed dose is not amended: X marks it entered in error, and M records the right day."
                    .into(),
            );
            return Ok(());
        }
        match entry.what {
            RecordType::Session => self.open_about(FormKind::Session, entry, store),
            RecordType::ReadinessNote => self.open_about(FormKind::Readiness, entry, store),
            RecordType::Top => self.open_about(FormKind::Top, entry, store),
            RecordType::Review => self.open_about(FormKind::Review, entry, store),
            RecordType::AlertAck => self.open_about(FormKind::Acknowledge, entry, store),
            RecordType::Prescription => self.open_about(FormKind::Prescription, entry, store),
            RecordType::Goal => self.edit_goal(entry.id, store),
            RecordType::GoalAction => {
                let goal_id = store
                    .get::<crate::domain::GoalAction>(entry.id)?
                    .record
                    .goal_id;
                self.edit_goal(goal_id, store)
            }
            other => {
                self.message = Some(format!(
                    "This {} cannot be amended on screen yet: X marks it entered in error, and a new one can be recorded.",
                    other.label()
                ));
                Ok(())
            }
        }
    }

    /// `X` in the record: mark the selected entry entered in error, or undo the mark.
    pub(super) fn toggle_in_error(&mut self, store: &mut Store) -> Result<()> {
        let Some(entry) = self.selected_entry() else {
            self.message =
                Some("Select an entry first: Tab moves through the record's entries.".into());
            return Ok(());
        };
        if let Err(why) = self.author() {
            self.message = Some(why);
            return Ok(());
        }
        if let Some(dose) = entry.missed_dose {
            return self.void_missed_dose(dose, store);
        }
        let marked = store.in_error(entry.what, entry.id)?.is_some();
        if marked && entry.what == RecordType::Prescription {
            self.message = Some(
                "This prescription stays entered in error (the prescriptions around it have moved on): record the right one with P."
                    .into(),
            );
            return Ok(());
        }
        if marked {
            self.modal.ask(Question::Confirm {
                text: format!(
                    "This {} is marked entered in error. Undo that, so it counts again?",
                    entry.what.label()
                ),
                then: Confirmed::Unvoid(entry.what, entry.id),
            });
            return Ok(());
        }
        self.open_about(FormKind::Void, entry, store)
    }

    /// Carries out a confirmed question.
    pub(super) fn confirmed(&mut self, then: Confirmed, store: &mut Store) -> Result<()> {
        match then {
            Confirmed::Unvoid(what, id) => {
                let before = store.change_seq()?;
                store.write(|w| w.unvoid(what, id))?;
                self.reload_after_write(before, store)?;
                self.message = Some(format!(
                    "The {} counts again; the mark and its reason are kept among its earlier versions.",
                    what.label()
                ));
            }
            Confirmed::AnotherDna => self.open_form_checked(FormKind::Dna, false, store)?,
        }
        Ok(())
    }

    /// `v` in the record: the selected entry's earlier versions, newest first.
    pub(super) fn show_versions(&mut self, store: &Store) -> Result<()> {
        let Some(entry) = self.selected_entry() else {
            self.message =
                Some("Select an entry first: Tab moves through the record's entries.".into());
            return Ok(());
        };
        if entry.missed_dose.is_some() {
            self.message = Some(
                "A missed dose has no earlier versions: an entered-in-error mark shows beside it."
                    .into(),
            );
            return Ok(());
        }
        let versions = store.earlier_versions(entry.what, entry.id)?;
        if versions.is_empty() {
            self.message = Some(format!(
                "This {} has never been changed: there are no earlier versions.",
                entry.what.label()
            ));
            return Ok(());
        }
        let width = self.viewport.reader_width.max(20);
        let mut lines = Vec::new();
        for v in &versions {
            if !lines.is_empty() {
                lines.push(DocLine {
                    kind: LineKind::Blank,
                    text: String::new(),
                });
            }
            lines.extend(super::record::version_lines(v, width));
        }
        let back = self.modal.take_view().map(Box::new);
        self.modal.set_view(Some(Overlay::Text {
            title: format!(
                "Earlier versions of this {} (Esc to go back)",
                entry.what.label()
            ),
            lines,
            scroll: 0,
            back,
        }));
        Ok(())
    }

    /// `X` on a missed dose: its own "entered in error" form (the mark is not undone: the day is
    /// recorded again instead).
    fn void_missed_dose(&mut self, id: i64, store: &mut Store) -> Result<()> {
        let Some(client_id) = self.selected_client else {
            self.message = Some("Select a client first.".into());
            return Ok(());
        };
        let now = self.now(store);
        match crate::form::kinds::void::open_missed_dose(store, now, client_id, id)? {
            Ok(opened) => self.modal.open_form(super::editor::Editor {
                form: opened.form,
                client_id: opened.client_id,
                handler: opened.handler,
                draft_id: None,
            }),
            Err(why) => self.message = Some(why),
        }
        Ok(())
    }

    /// Opens a form about one entry of the record.
    fn open_about(&mut self, kind: FormKind, entry: EntryRef, store: &mut Store) -> Result<()> {
        if let Err(why) = self.author() {
            self.message = Some(why);
            return Ok(());
        }
        match self.build_editor_for(kind, store, None, false, Some((entry.what, entry.id)))? {
            Ok(editor) => self.modal.open_form(editor),
            Err(why) => self.message = Some(why),
        }
        Ok(())
    }

    /// Opens a goal for editing (its update keeps the earlier version).
    fn edit_goal(&mut self, goal_id: i64, store: &mut Store) -> Result<()> {
        if let Err(why) = self.author() {
            self.message = Some(why);
            return Ok(());
        }
        let entry = Some((RecordType::Goal, goal_id));
        match self.build_editor_for(FormKind::Goal, store, None, true, entry)? {
            Ok(editor) => self.modal.open_form(editor),
            Err(why) => self.message = Some(why),
        }
        Ok(())
    }
}
