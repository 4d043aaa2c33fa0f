//! Drafts: an open form's content kept in the database while the worker types, so a dropped
//! connection, Ctrl-C or a crash loses nothing; offered back at the next start.

use super::{App, DocLine, Editor, LineKind, Question};
use crate::domain::*;
use crate::form::kinds::FormKind;
use crate::store::{Draft, Result, Store, StoreError};
use serde_json::Value;

/// Draft key holding the versions read of the records a form may change besides its target.
const VERSIONS: &str = "_versions";

impl Editor {
    fn draft_content(&self) -> Value {
        let mut content = self.form.snapshot();
        if let Value::Object(map) = &mut content {
            let versions = self
                .handler
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
        let version = |key: &str| {
            content
                .get(VERSIONS)
                .and_then(|m| m.get(key))
                .and_then(Value::as_i64)
        };
        self.handler.adopt_versions(target_version, &version);
    }
}

impl App {
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
        let Some(editor) = self.modal.editor_mut() else {
            return Ok(());
        };
        if !editor.form.dirty || !editor.handler.keeps_drafts() {
            return Ok(());
        }
        let (target_id, target_version) = editor.handler.target();
        let draft = Draft {
            login: store.actor().clone(),
            form: editor.kind().code().to_owned(),
            client_id: editor.client_id,
            target_id,
            target_version,
            content: editor.draft_content(),
        };
        editor.draft_id = Some(store.save_draft(editor.draft_id, &draft)?);
        Ok(())
    }

    pub(super) fn resume(&mut self, draft: Stored<Draft>, store: &mut Store) -> Result<()> {
        let Some(kind) = FormKind::from_code(&draft.record.form) else {
            return Ok(());
        };
        match self.build_editor(kind, store, Some(&draft.record), false) {
            Ok(Ok(mut editor)) => {
                editor.adopt_versions(draft.record.target_version, &draft.record.content);
                editor.form.restore(&draft.record.content);
                editor.draft_id = Some(draft.id);
                self.modal.open_form(editor);
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
        self.modal.set_view(Some(super::Overlay::Text {
            title,
            lines,
            scroll: 0,
            back: None,
        }));
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
        self.modal.ask(Question::Resume { draft, text });
        Ok(())
    }
}
