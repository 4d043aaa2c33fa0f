//! The client record as a scrollable document: details and flags, prescription, reviews, the
//! recovery plan, readiness notes and the sessions timeline with full notes.
//!
//! It is laid out here, once per opening or resize, so scrolling knows how long it is; the view
//! only styles and draws the lines.

use crate::display::{clean, wrap};
use crate::domain::*;
use crate::export::{version_fields, version_header};
use crate::store::ClientRecord;
use chrono::NaiveDate;

mod checks;
mod doses;
mod health;
mod reviews;

/// What a line is, which decides how it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Title,
    Heading,
    Text,
    Muted,
    Alert,
    Blank,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLine {
    pub kind: LineKind,
    pub text: String,
}

pub use crate::domain::uk_date;

/// An entry of the record that can be corrected: a session, readiness note, goal, action, TOP,
/// completed review or alert acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef {
    pub what: RecordType,
    pub id: i64,
    /// A missed dose recorded against the prescription `id`: it has no record type of its own
    /// (the audit's record types are a CHECK; it is audited on its prescription), so it is
    /// selected as a part of that prescription and corrected by its own id.
    pub missed_dose: Option<i64>,
}

/// The record laid out: its lines, and where each correctable entry starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub lines: Vec<DocLine>,
    /// The line each entry starts on, in order down the page.
    pub entries: Vec<(usize, EntryRef)>,
}

struct Doc {
    lines: Vec<DocLine>,
    width: usize,
    entries: Vec<(usize, EntryRef)>,
    /// The entry the next line pushed starts.
    starting: Option<EntryRef>,
    /// The entry being laid out is entered in error: its lines are muted until the next.
    muting: bool,
}

impl Doc {
    fn push(&mut self, kind: LineKind, text: impl Into<String>) {
        if let Some(entry) = self.starting.take() {
            self.entries.push((self.lines.len(), entry));
            self.muting = false;
        }
        let kind = match kind {
            LineKind::Text | LineKind::Title if self.muting => LineKind::Muted,
            other => other,
        };
        self.lines.push(DocLine {
            kind,
            text: text.into(),
        });
    }

    /// Marks the next line pushed as the start of an entry.
    fn entry(&mut self, what: RecordType, id: i64) {
        self.starting = Some(EntryRef {
            what,
            id,
            missed_dose: None,
        });
    }

    /// Mutes the entry being laid out, from its first line on: it was entered in error.
    fn mute_entry(&mut self) {
        let start = self
            .entries
            .last()
            .map_or(self.lines.len(), |(line, _)| *line);
        for line in &mut self.lines[start..] {
            if matches!(line.kind, LineKind::Text | LineKind::Title) {
                line.kind = LineKind::Muted;
            }
        }
        self.muting = true;
    }

    fn heading(&mut self, text: &str) {
        self.muting = false;
        if !self.lines.is_empty() {
            self.push(LineKind::Blank, "");
        }
        self.push(LineKind::Heading, text);
    }

    /// Text wrapped to the width, each line indented.
    fn wrapped(&mut self, kind: LineKind, text: &str, indent: usize) {
        for line in wrap(text, self.width.saturating_sub(indent)) {
            self.push(kind, format!("{:indent$}{line}", ""));
        }
    }

    fn field(&mut self, label: &str, value: impl AsRef<str>) {
        self.wrapped(
            LineKind::Text,
            &format!("{label:<18} {}", value.as_ref()),
            2,
        );
    }
}

/// Beside an entry: "entered in error" with who, when and why (it counts for nothing), and
/// "amended" when an earlier version is kept.
fn marks(doc: &mut Doc, record: &ClientRecord, what: RecordType, id: i64, indent: usize) {
    if let Some(mark) = record.corrections.in_error(what, id) {
        in_error_mark(doc, mark, indent);
    }
    let amended = record
        .corrections
        .get(what, id)
        .is_some_and(|c| c.amendments > 0);
    // A goal's progress is updated as a matter of course: its versions are there (v), unmarked.
    if amended && !matches!(what, RecordType::Goal | RecordType::GoalAction) {
        doc.wrapped(
            LineKind::Muted,
            "[amended: v shows the earlier versions]",
            indent,
        );
    }
}

/// Mutes the entry being laid out and says who marked it entered in error, when and why.
fn in_error_mark(doc: &mut Doc, mark: &InError, indent: usize) {
    doc.mute_entry();
    doc.wrapped(
        LineKind::Alert,
        &format!(
            "[entered in error: {} on {}: {}; counts for nothing]",
            mark.by,
            uk_date(mark.at.date_naive()),
            clean(mark.reason.as_str())
        ),
        indent,
    );
}

/// "1 day", "12 days".
fn days_words(days: i64) -> String {
    format!("{days} day{}", if days == 1 { "" } else { "s" })
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn optional_date(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "not recorded".into(), uk_date)
}

fn scores(note: &ReadinessNote) -> String {
    let s = |score: Option<Score>| score.map_or_else(|| "-".into(), |s| s.get().to_string());
    format!(
        "importance {}  confidence {}  readiness {}",
        s(note.importance),
        s(note.confidence),
        s(note.readiness)
    )
}

/// How the record is laid out: the service's review intervals (for the reasons a review is due)
/// and whether to draw charts in plain ASCII.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub today: NaiveDate,
    pub width: usize,
    pub intervals: ReviewIntervals,
    pub ascii: bool,
}

pub fn document(record: &ClientRecord, layout: &Layout) -> Document {
    let today = layout.today;
    let mut doc = Doc {
        lines: Vec::new(),
        width: layout.width.max(20),
        entries: Vec::new(),
        starting: None,
        muting: false,
    };
    title(&mut doc, record, today);
    alerts(&mut doc, record);
    checks::data_checks(&mut doc, record);
    details(&mut doc, record, today);
    health::risks(&mut doc, &record.client.record);
    health::bbv_tests(&mut doc, record);
    health::prescriptions(&mut doc, record, today, layout.ascii);
    doses::missed_doses(&mut doc, record);
    health::ecgs(&mut doc, record);
    reviews::reviews(&mut doc, record, layout);
    reviews::outcomes(&mut doc, record, layout.ascii);
    reviews::reviews_done(&mut doc, record);
    plan(&mut doc, record);
    readiness(&mut doc, record);
    sessions(&mut doc, record);
    earlier_versions(&mut doc, record);
    audit(&mut doc, record);
    Document {
        lines: doc.lines,
        entries: doc.entries,
    }
}

fn title(doc: &mut Doc, record: &ClientRecord, today: NaiveDate) {
    let c = &record.client.record;
    let known = c
        .preferred_name
        .as_ref()
        .map(|p| format!(" (known as {})", clean(p.as_str())))
        .unwrap_or_default();
    doc.wrapped(
        LineKind::Title,
        &format!(
            "{}  {} {}{known}, age {}",
            c.reference,
            clean(c.given_name.as_str()),
            clean(c.family_name.as_str()),
            c.age(today)
        ),
        0,
    );
    // A trainer's cue: which story this demo client's record tells.
    if let Some(story) = &record.scenario {
        doc.wrapped(LineKind::Text, &format!("Scenario: {}", clean(story)), 0);
    }
}

/// The alerts first, each with its reason: what needs doing before anything else is read.
fn alerts(doc: &mut Doc, record: &ClientRecord) {
    let assessment = &record.status.assessment;
    doc.heading("Alerts");
    if let Some(recovery) = &assessment.recovery {
        doc.wrapped(
            LineKind::Text,
            &format!("+ {}: {recovery}", alert::RECOVERY_LABEL),
            2,
        );
    }
    for alert in &assessment.open {
        doc.wrapped(
            LineKind::Alert,
            &format!("! {}: {}", alert.kind.label(), alert.reason),
            2,
        );
    }
    for alert in &assessment.quiet {
        let ack = record
            .acks
            .iter()
            .find(|a| a.record.kind == alert.kind && a.record.cause == alert.cause);
        if let Some(a) = ack {
            doc.entry(RecordType::AlertAck, a.id);
        }
        let why = ack.map_or_else(String::new, |a| {
            format!(
                " (acknowledged {}: {})",
                uk_date(a.record.acknowledged_on),
                clean(a.record.reason.as_str())
            )
        });
        doc.wrapped(
            LineKind::Muted,
            &format!("- {}: {}{why}", alert.kind.label(), alert.reason),
            2,
        );
    }
    if assessment.open.is_empty() && assessment.quiet.is_empty() {
        doc.push(LineKind::Muted, "  No alerts.");
    }
    if !assessment.open.is_empty() {
        doc.push(
            LineKind::Muted,
            "  A acknowledges an alert with the reason.",
        );
    }
}

fn details(doc: &mut Doc, record: &ClientRecord, today: NaiveDate) {
    let c = &record.client.record;
    doc.heading("Details");
    doc.field("Status", c.status.label());
    doc.field("Key worker", clean(record.key_worker.as_str()));
    doc.field("Treatment", c.modality.label());
    let days = c
        .days_in_treatment(today)
        .map(|d| format!(" ({d} days in treatment)"))
        .unwrap_or_default();
    doc.field("Referred", uk_date(c.referral_date));
    doc.field(
        "Treatment start",
        format!("{}{days}", optional_date(c.treatment_start)),
    );
    let others: Vec<_> = c.other_substances.iter().map(|s| s.label()).collect();
    let substances = if others.is_empty() {
        c.primary_substance.label().to_owned()
    } else {
        format!(
            "{}; also {}",
            c.primary_substance.label(),
            others.join(", ")
        )
    };
    doc.field("Substances", substances);
    doc.field("Injecting", c.injecting.label());
    doc.field("Date of birth", uk_date(c.date_of_birth));
    doc.field(
        "NHS number",
        c.nhs_number
            .as_ref()
            .map_or_else(|| "not recorded".into(), |n| n.to_string()),
    );
    doc.field(
        "Shared care",
        c.shared_care
            .as_ref()
            .map_or_else(|| "none".into(), |n| clean(n.as_str()).into_owned()),
    );
}

fn plan(doc: &mut Doc, record: &ClientRecord) {
    doc.heading("Recovery plan");
    if record.goals.is_empty() {
        doc.push(LineKind::Muted, "  No goals yet.");
    }
    for (goal, actions) in &record.goals {
        let g = &goal.record;
        let level = g
            .area
            .level()
            .map(|l| format!(" (level {}: {})", l.number(), l.label()))
            .unwrap_or_default();
        doc.entry(RecordType::Goal, goal.id);
        doc.wrapped(
            LineKind::Text,
            &format!("{}{level}", g.area.domain().label()),
            2,
        );
        doc.wrapped(
            LineKind::Title,
            &format!("\"{}\"", g.in_own_words.as_str()),
            4,
        );
        marks(doc, record, RecordType::Goal, goal.id, 4);
        if let Some(why) = &g.why_it_matters {
            doc.wrapped(LineKind::Text, &format!("Why: {}", why.as_str()), 4);
        }
        let target = g
            .target_date
            .map(|d| format!(", target {}", uk_date(d)))
            .unwrap_or_default();
        doc.wrapped(
            LineKind::Muted,
            &format!(
                "{}, progress {}/10, set {}{target}",
                g.status.label(),
                g.progress.get(),
                uk_date(g.set_on)
            ),
            4,
        );
        for action in actions {
            let a = &action.record;
            let mark = if a.done_on.is_some() { "[x]" } else { "[ ]" };
            let due = a
                .due_on
                .map(|d| format!(", due {}", uk_date(d)))
                .unwrap_or_default();
            doc.entry(RecordType::GoalAction, action.id);
            doc.wrapped(
                LineKind::Text,
                &format!(
                    "{mark} {} ({}{due})",
                    a.step.as_str(),
                    a.owner.label().to_lowercase()
                ),
                6,
            );
            marks(doc, record, RecordType::GoalAction, action.id, 10);
        }
    }
}

fn readiness(doc: &mut Doc, record: &ClientRecord) {
    doc.heading("Readiness for change");
    if record.readiness.is_empty() {
        doc.push(LineKind::Muted, "  No readiness notes yet.");
    }
    for note in &record.readiness {
        let n = &note.record;
        doc.entry(RecordType::ReadinessNote, note.id);
        doc.wrapped(
            LineKind::Text,
            &format!(
                "{}  {:<16} {}",
                uk_date(n.noted_on),
                n.stage.label(),
                scores(n)
            ),
            2,
        );
        marks(doc, record, RecordType::ReadinessNote, note.id, 6);
        if !n.note.as_str().is_empty() {
            doc.wrapped(LineKind::Muted, n.note.as_str(), 6);
        }
    }
}

fn sessions(doc: &mut Doc, record: &ClientRecord) {
    doc.heading("Sessions");
    if record.sessions.is_empty() {
        doc.push(LineKind::Muted, "  No sessions recorded.");
    }
    for session in &record.sessions {
        let s = &session.record;
        let kind = if s.attendance == Attendance::Attended {
            LineKind::Text
        } else {
            LineKind::Alert
        };
        let header = format!(
            "{}  {}, {} min, {}",
            s.started_at.format("%a %d/%m/%Y %H:%M"),
            s.kind.label(),
            s.duration.get(),
            s.attendance.label()
        );
        doc.entry(RecordType::Session, session.id);
        doc.wrapped(kind, &header, 2);
        marks(doc, record, RecordType::Session, session.id, 6);
        if !s.interventions.is_empty() {
            let list: Vec<_> = s.interventions.iter().map(|i| i.label()).collect();
            doc.wrapped(
                LineKind::Muted,
                &format!("Delivered: {}", list.join(", ")),
                6,
            );
        }
        if !s.note.as_str().is_empty() {
            doc.wrapped(LineKind::Text, s.note.as_str(), 6);
        }
        if let Some(next) = s.next_appointment {
            doc.wrapped(
                LineKind::Muted,
                &format!("Next appointment {}", next.format("%a %d/%m/%Y %H:%M")),
                6,
            );
        }
    }
}

/// Who viewed and changed this record, newest first: what the audit holds about it, never the
/// text of an entry.
fn audit(doc: &mut Doc, record: &ClientRecord) {
    doc.heading("Audit");
    if record.audit.is_empty() {
        doc.push(LineKind::Muted, "  Nothing audited yet.");
    }
    for entry in &record.audit {
        let when = entry.at.with_timezone(&chrono::Local);
        doc.wrapped(
            LineKind::Muted,
            &format!(
                "{}  {}  {} {}",
                when.format("%d/%m/%Y %H:%M"),
                entry.login,
                entry.action.label(),
                entry.record_type.label()
            ),
            2,
        );
    }
}

/// Every earlier version of the record's entries, oldest first: what was believed when, kept
/// in the record's own text as well as behind `v` on each entry.
fn earlier_versions(doc: &mut Doc, record: &ClientRecord) {
    if record.earlier_versions.is_empty() {
        return;
    }
    doc.heading("Earlier versions of corrected entries");
    let width = doc.width;
    for v in &record.earlier_versions {
        for line in version_lines(v, width) {
            doc.push(line.kind, format!("  {}", line.text));
        }
    }
}

/// One earlier version as lines a person reads, wrapped to `width`: who wrote it and what
/// replaced it ([`version_header`]), then each field on its own line ([`version_fields`]).
pub fn version_lines(v: &EarlierVersion, width: usize) -> Vec<DocLine> {
    let mut lines: Vec<DocLine> = wrap(&version_header(v), width.saturating_sub(4))
        .into_iter()
        .map(|text| DocLine {
            kind: LineKind::Text,
            text,
        })
        .collect();
    for field in version_fields(v) {
        for paragraph in field.split('\n') {
            for wrapped in wrap(paragraph, width.saturating_sub(6)) {
                lines.push(DocLine {
                    kind: LineKind::Muted,
                    text: format!("    {wrapped}"),
                });
            }
        }
    }
    lines
}
