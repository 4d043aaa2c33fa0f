//! Documents a client takes away: their whole record for a subject access request, and their
//! recovery plan. Each is built once as a [`Document`] and rendered as Markdown or HTML, so the
//! two formats always hold the same content; the JSON of a record is built from the record itself.

mod plan;
mod record;
mod render;
mod versions;

pub use plan::{PlanPart, plan_document};
pub use record::{RecordContext, record_document, record_json};
pub use render::{html, markdown};
pub use versions::{version_fields, version_header};

use crate::store::{Result, Store};

/// What to take out of a client's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The whole record, for a subject access request.
    Record(Format),
    /// The recovery plan alone, to take home (Markdown or HTML).
    Plan(Format),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Json,
}

impl Format {
    /// The file name extension, also the word the audit row keeps.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
        }
    }
}

impl Kind {
    /// What the audit row says was exported: never anything about the client.
    pub fn audit_detail(self) -> String {
        match self {
            Kind::Record(f) => format!("subject access record, {}", f.extension()),
            Kind::Plan(f) => format!("recovery plan, {}", f.extension()),
        }
    }
}

/// One client's record or plan rendered, read as of now. The caller writes it out and audits it
/// with [`Store::audit_client_export`].
pub fn render(store: &Store, client_id: i64, kind: Kind) -> Result<String> {
    let intervals = store.review_intervals()?;
    let format = match kind {
        Kind::Record(f) | Kind::Plan(f) => f,
    };
    let doc = match kind {
        Kind::Record(_) => {
            let record = store.client_record(client_id, &intervals)?;
            let cx = RecordContext {
                service: store.service_name()?,
                today: store.today(),
                exported_by: store.actor().to_string(),
                intervals,
            };
            if format == Format::Json {
                let json = record_json(&record, &cx);
                let text = serde_json::to_string_pretty(&json)
                    .map_err(|e| crate::store::StoreError::Export(e.into()))?;
                return Ok(format!("{}\n", crate::display::json_safe(&text)));
            }
            record_document(&record, &cx)
        }
        Kind::Plan(_) => {
            let client = store.get::<crate::domain::Client>(client_id)?.record;
            let plan = store.plan_with_actions(client_id)?;
            let parts: Vec<PlanPart<'_>> = plan
                .iter()
                .map(|(goal, actions)| PlanPart {
                    goal,
                    actions: actions.iter().collect(),
                })
                .collect();
            let next = store
                .client_status(client_id, &intervals)?
                .owed
                .iter()
                .filter(|d| d.kind == crate::domain::ReviewKind::CarePlan)
                .map(|d| d.due_on)
                .min();
            plan_document(&client, &parts, next, store.today())
        }
    };
    Ok(match format {
        Format::Html => html(&doc),
        _ => markdown(&doc),
    })
}

/// A document laid out for a person to read and print.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    /// Printed at the top of every page: only the reference and the date, never a name, so a
    /// page left on a printer says little about whose it is.
    pub running_header: String,
    /// Paragraphs under the title saying what the document is.
    pub intro: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// One piece of a section. All text is stored text or words of ours, unescaped: the renderers
/// escape it for their format.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Label and value pairs.
    Fields(Vec<(String, String)>),
    /// A bulleted list.
    List(Vec<String>),
    /// A paragraph of words of ours ("None recorded.").
    Note(String),
    /// One dated entry: its title, marks (entered in error, amended), and body paragraphs
    /// (stored text, whose own line breaks are kept).
    Entry {
        title: String,
        marks: Vec<String>,
        body: Vec<String>,
    },
}

impl Section {
    fn new(heading: impl Into<String>) -> Self {
        Self {
            heading: heading.into(),
            blocks: Vec::new(),
        }
    }

    /// The section, or a note that it holds nothing, so an empty heading never looks like a
    /// page gone missing.
    fn or_none(mut self, none: &str) -> Self {
        if self.blocks.is_empty() {
            self.blocks.push(Block::Note(none.to_owned()));
        }
        self
    }
}
