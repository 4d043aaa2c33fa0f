//! Taking a client's record or plan out from the screen: `x` on a client. The file goes in the
//! current directory, owner-only, under a new name if one is taken, and the export is audited
//! before the file appears.

use super::*;
use crate::export::{Format, Kind as ExportKind};
use crate::store::Store;
use std::path::PathBuf;

/// The fields of this form, by key.
pub mod key {
    pub const WHAT: &str = "what";
}

/// The exports offered, by code: what, and the file name's ending.
const CHOICES: &[(&str, &str, ExportKind, &str)] = &[
    (
        "record_html",
        "Whole record, HTML (prints on A4)",
        ExportKind::Record(Format::Html),
        "record",
    ),
    (
        "record_md",
        "Whole record, Markdown",
        ExportKind::Record(Format::Markdown),
        "record",
    ),
    (
        "record_json",
        "Whole record, JSON",
        ExportKind::Record(Format::Json),
        "record",
    ),
    (
        "plan_html",
        "Recovery plan to take home, HTML",
        ExportKind::Plan(Format::Html),
        "plan",
    ),
    (
        "plan_md",
        "Recovery plan to take home, Markdown",
        ExportKind::Plan(Format::Markdown),
        "plan",
    ),
];

/// An open export form: the client it takes out.
#[derive(Debug)]
pub struct ExportForm {
    reference: String,
}

pub fn open(o: &Opening<'_>) -> Opens {
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let reference = o.store.get::<Client>(client)?.record.reference.to_string();
    let title = o.client_title(
        "Export to a file in the current directory (Ctrl-S writes it)",
        client,
    )?;
    let options = CHOICES
        .iter()
        .map(|(code, label, _, _)| Opt::new(*code, *label))
        .collect();
    let specs = vec![Spec::new(key::WHAT, "What", Kind::Choice(options)).required()];
    Ok(Ok(Opened {
        form: Form::new(title, specs, &[(key::WHAT, CHOICES[0].0.to_owned())], o.now),
        client_id: Some(client),
        handler: Box::new(ExportForm { reference }),
    }))
}

impl Handler for ExportForm {
    fn kind(&self) -> FormKind {
        FormKind::Export
    }

    fn keeps_drafts(&self) -> bool {
        false
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let chosen = form.text(key::WHAT);
        let Some((_, _, kind, part)) = CHOICES.iter().find(|(code, ..)| *code == chosen) else {
            return Ok(Err(vec![err(key::WHAT, "choose one of the options")]));
        };
        let text = crate::export::render(store, s.client_id, *kind)?;
        let extension = match kind {
            ExportKind::Record(f) | ExportKind::Plan(f) => f.extension(),
        };
        let path = crate::files::free_name(&PathBuf::from(format!(
            "{}-{part}.{extension}",
            self.reference
        )));
        let written = crate::files::write_new(&path, "export", |file| {
            use std::io::Write;
            file.write_all(text.as_bytes())?;
            // Audited before the file appears: an export the audit cannot hold is not made.
            store
                .audit_client_export(s.client_id, &kind.audit_detail())
                .map_err(std::io::Error::other)
        });
        match written {
            Ok(()) => Ok(Ok(Saved::said(format!(
                "Written to {} (owner-only); the export is in the audit.",
                path.display()
            )))),
            Err(e) => Ok(Err(vec![err(key::WHAT, e.to_string())])),
        }
    }
}
