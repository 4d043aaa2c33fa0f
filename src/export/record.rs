//! A client's whole record as a subject access request answers it: everything the service holds,
//! entries entered in error included and marked, earlier versions of corrected entries, and who
//! viewed or changed the record.

mod health;

use super::{Block, Document, Section};
use crate::display::clean;
use crate::domain::*;
use crate::store::ClientRecord;
use chrono::NaiveDate;
use health::{bbv_tests, ecgs, missed_doses, prescriptions, risks};

/// What the document says about its making.
#[derive(Debug, Clone)]
pub struct RecordContext {
    pub service: String,
    pub today: NaiveDate,
    pub exported_by: String,
    pub intervals: ReviewIntervals,
}

/// Stored text made safe to show: control characters become visible placeholders, line breaks
/// stay.
fn text(s: &str) -> String {
    s.split('\n')
        .map(|line| clean(line.trim_end_matches('\r')).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn or_not_recorded(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "not recorded".into(), uk_date)
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

pub fn record_document(record: &ClientRecord, cx: &RecordContext) -> Document {
    let c = &record.client.record;
    Document {
        title: format!(
            "Your record: {} {}",
            text(c.given_name.as_str()),
            text(c.family_name.as_str())
        ),
        running_header: format!("{}: health record, confidential", c.reference),
        intro: vec![
            format!(
                "A copy of everything {} holds about you, as it stood on {}, made by {} at your \
                 request (a subject access request under UK GDPR).",
                text(&cx.service),
                uk_date(cx.today),
                cx.exported_by
            ),
            "An entry marked \"entered in error\" was recorded by mistake and counts for \
             nothing; it is kept because a health record is never rewritten. Where an entry was \
             corrected, its earlier versions are listed near the end."
                .to_owned(),
        ],
        sections: vec![
            details(record),
            risks(c),
            bbv_tests(record),
            prescriptions(record),
            missed_doses(record),
            ecgs(record),
            reviews_owed(record, cx),
            reviews_done(record),
            tops(record),
            plan(record),
            readiness(record),
            sessions(record),
            alerts(record),
            earlier_versions(record),
            audit(record),
        ],
    }
}

fn details(record: &ClientRecord) -> Section {
    let c = &record.client.record;
    let mut substances = c.primary_substance.label().to_owned();
    if !c.other_substances.is_empty() {
        let others: Vec<_> = c.other_substances.iter().map(|s| s.label()).collect();
        substances = format!("{substances}; also {}", others.join(", "));
    }
    let fields = [
        ("Reference", c.reference.to_string()),
        ("Name", format!("{} {}", c.given_name, c.family_name)),
        (
            "Known as",
            c.preferred_name
                .as_ref()
                .map_or_else(|| "none".into(), |n| n.to_string()),
        ),
        ("Date of birth", uk_date(c.date_of_birth)),
        (
            "NHS number",
            c.nhs_number
                .as_ref()
                .map_or_else(|| "not recorded".into(), |n| n.to_string()),
        ),
        ("Status", c.status.label().to_owned()),
        ("Key worker", record.key_worker.to_string()),
        ("Treatment", c.modality.label().to_owned()),
        ("Referred", uk_date(c.referral_date)),
        ("Treatment start", or_not_recorded(c.treatment_start)),
        ("Substances", substances),
        ("Injecting", c.injecting.label().to_owned()),
        (
            "Shared care",
            c.shared_care
                .as_ref()
                .map_or_else(|| "none".into(), |n| n.to_string()),
        ),
    ];
    Section {
        heading: "Your details".into(),
        blocks: vec![fields_block(fields)],
    }
}

fn fields_block<const N: usize>(fields: [(&str, String); N]) -> Block {
    Block::Fields(
        fields
            .into_iter()
            .map(|(label, value)| (label.to_owned(), text(&value)))
            .collect(),
    )
}

fn reviews_owed(record: &ClientRecord, cx: &RecordContext) -> Section {
    let mut owed = record.status.owed.clone();
    owed.sort_by_key(|d| d.due_on);
    let items = owed
        .iter()
        .map(|due| {
            format!(
                "{}: due {} ({})",
                due.kind.label(),
                uk_date(due.due_on),
                due.basis.words(due.kind, &cx.intervals)
            )
        })
        .collect::<Vec<_>>();
    let mut section = Section::new("Reviews coming up");
    if !items.is_empty() {
        section.blocks.push(Block::List(items));
    }
    section.or_none("No reviews owed.")
}

/// "Entered in error" and "amended" beside an entry, as the record screen shows them.
fn marks(record: &ClientRecord, what: RecordType, id: i64) -> Vec<String> {
    let mut marks = Vec::new();
    if let Some(mark) = record.corrections.in_error(what, id) {
        marks.push(format!(
            "Entered in error: {} on {}: {}. It counts for nothing.",
            mark.by,
            uk_date(mark.at.date_naive()),
            text(mark.reason.as_str())
        ));
    }
    let routine = matches!(what, RecordType::Goal | RecordType::GoalAction);
    if !routine && record.corrections.is_amended(what, id) {
        marks.push("Amended: the earlier versions are listed near the end.".to_owned());
    }
    marks
}

fn reviews_done(record: &ClientRecord) -> Section {
    let mut section = Section::new("Reviews done");
    for review in &record.reviews {
        let Some(done) = review.record.completion.as_ref() else {
            continue;
        };
        let mut body = Vec::new();
        if let Some(checklist) = record.checklists.get(&review.id) {
            body.push(checklist.summary());
        }
        if !done.outcome.as_str().is_empty() {
            body.push(text(done.outcome.as_str()));
        }
        section.blocks.push(Block::Entry {
            title: format!(
                "{}: {}",
                uk_date(done.completed_on),
                review.record.kind.label()
            ),
            marks: marks(record, RecordType::Review, review.id),
            body,
        });
    }
    section.or_none("None yet.")
}

fn tops(record: &ClientRecord) -> Section {
    let mut section = Section::new("Treatment Outcomes Profile (TOP)");
    for top in record.tops.iter().rev() {
        let t = &top.record;
        let mut body: Vec<String> = t
            .answers
            .iter()
            .map(|(item, answer)| {
                // A yes/no item in words, as the form asks it: "0" would read as a count.
                let value = match (answer, item.measure()) {
                    (Answer::Declined, _) => "declined".to_owned(),
                    (Answer::Value(v), Measure::YesNo) if *v == 1.0 => "yes".to_owned(),
                    (Answer::Value(_), Measure::YesNo) => "no".to_owned(),
                    (Answer::Value(v), _) => v.to_string(),
                };
                format!("{}: {value}", item.label())
            })
            .collect();
        if let Some(other) = &t.other_substance {
            body.insert(0, format!("Other substance: {}", text(other.as_str())));
        }
        section.blocks.push(Block::Entry {
            title: format!("{}: {} TOP", uk_date(t.completed_on), t.stage.label()),
            marks: marks(record, RecordType::Top, top.id),
            body: vec![body.join("\n")],
        });
    }
    section.or_none("No TOP recorded.")
}

/// Where a substance-use goal sits on the hierarchy, in plain words.
pub(super) fn level_words(level: HierarchyLevel) -> String {
    format!(
        "Step {} of 6 (1 is stopping all drugs): {}",
        level.number(),
        level.label().to_lowercase()
    )
}

pub(super) fn action_line(a: &GoalAction) -> String {
    let done = if a.done_on.is_some() { "[x]" } else { "[ ]" };
    let due = a
        .due_on
        .map(|d| format!(", by {}", uk_date(d)))
        .unwrap_or_default();
    let finished = a
        .done_on
        .map(|d| format!(", done {}", uk_date(d)))
        .unwrap_or_default();
    format!(
        "{done} {} ({}{due}{finished})",
        text(a.step.as_str()),
        who(a.owner)
    )
}

/// Who takes an action forward, as the client reads it.
fn who(owner: ActionOwner) -> &'static str {
    match owner {
        ActionOwner::Client => "you",
        ActionOwner::KeyWorker => "your key worker",
        ActionOwner::OtherAgency => "another agency",
    }
}

fn plan(record: &ClientRecord) -> Section {
    let mut section = Section::new("Recovery plan");
    for (goal, actions) in &record.goals {
        let g = &goal.record;
        let mut body = vec![format!("Area: {}", g.area.domain().label())];
        if let Some(level) = g.area.level() {
            body.push(level_words(level));
        }
        if let Some(why) = &g.why_it_matters {
            body.push(format!("Why it matters: {}", text(why.as_str())));
        }
        let target = g
            .target_date
            .map(|d| format!(", target {}", uk_date(d)))
            .unwrap_or_default();
        body.push(format!(
            "{}, progress {}/10, set {}{target}",
            g.status.label(),
            g.progress.get(),
            uk_date(g.set_on)
        ));
        let mut marked = marks(record, RecordType::Goal, goal.id);
        for action in actions {
            body.push(action_line(&action.record));
            for mark in marks(record, RecordType::GoalAction, action.id) {
                marked.push(format!(
                    "Action \"{}\": {mark}",
                    text(action.record.step.as_str())
                ));
            }
        }
        section.blocks.push(Block::Entry {
            title: format!("\"{}\"", text(g.in_own_words.as_str())),
            marks: marked,
            body,
        });
    }
    section.or_none("No goals yet.")
}

fn readiness(record: &ClientRecord) -> Section {
    let mut section = Section::new("Readiness for change");
    for note in &record.readiness {
        let n = &note.record;
        let s = |score: Option<Score>| score.map_or_else(|| "-".into(), |s| s.get().to_string());
        let mut body = vec![format!(
            "Importance {}, confidence {}, readiness {} (out of 10)",
            s(n.importance),
            s(n.confidence),
            s(n.readiness)
        )];
        if !n.note.as_str().is_empty() {
            body.push(text(n.note.as_str()));
        }
        section.blocks.push(Block::Entry {
            title: format!("{}: {}", uk_date(n.noted_on), n.stage.label()),
            marks: marks(record, RecordType::ReadinessNote, note.id),
            body,
        });
    }
    section.or_none("No readiness notes.")
}

fn sessions(record: &ClientRecord) -> Section {
    let mut section = Section::new("Sessions");
    for session in &record.sessions {
        let s = &session.record;
        let mut body = Vec::new();
        if !s.interventions.is_empty() {
            let list: Vec<_> = s.interventions.iter().map(|i| i.label()).collect();
            body.push(format!("Delivered: {}", list.join(", ")));
        }
        if !s.note.as_str().is_empty() {
            body.push(text(s.note.as_str()));
        }
        if let Some(next) = s.next_appointment {
            body.push(format!(
                "Next appointment {}",
                next.format("%a %d/%m/%Y %H:%M")
            ));
        }
        section.blocks.push(Block::Entry {
            title: format!(
                "{}: {}, {} min, {}",
                s.started_at.format("%a %d/%m/%Y %H:%M"),
                s.kind.label(),
                s.duration.get(),
                s.attendance.label()
            ),
            marks: marks(record, RecordType::Session, session.id),
            body,
        });
    }
    section.or_none("No sessions recorded.")
}

/// The alerts open now, then each acknowledged with the worker's reason.
fn alerts(record: &ClientRecord) -> Section {
    let mut section = Section::new("Alerts");
    let open: Vec<String> = record
        .status
        .assessment
        .open
        .iter()
        .map(|a| format!("{}: {}", a.kind.label(), a.reason))
        .collect();
    if !open.is_empty() {
        section.blocks.push(Block::Note("Open now:".into()));
        section.blocks.push(Block::List(open));
    }
    for ack in &record.acks {
        let a = &ack.record;
        section.blocks.push(Block::Entry {
            title: format!(
                "{}: acknowledged {}",
                uk_date(a.acknowledged_on),
                a.kind.label()
            ),
            marks: marks(record, RecordType::AlertAck, ack.id),
            body: vec![text(a.reason.as_str())],
        });
    }
    section.or_none("No alerts.")
}

/// Every earlier version of a corrected entry, in the record screen's words.
fn earlier_versions(record: &ClientRecord) -> Section {
    let mut section = Section::new("Corrections: earlier versions");
    for v in &record.earlier_versions {
        let fields: Vec<String> = super::version_fields(v)
            .iter()
            .flat_map(|field| field.split('\n').map(|line| text(line.trim())))
            .collect();
        section.blocks.push(Block::Entry {
            title: text(&super::version_header(v)),
            marks: Vec::new(),
            body: vec![fields.join("\n")],
        });
    }
    section.or_none("No entry has been corrected.")
}

/// Who viewed and changed the record, newest first: what the audit holds, never an entry's text.
fn audit(record: &ClientRecord) -> Section {
    let items: Vec<String> = record
        .audit
        .iter()
        .map(|e| {
            let id = e.record_id.map(|id| format!(" {id}")).unwrap_or_default();
            format!(
                "{} UTC: {} {} {}{id}",
                e.at.format("%d/%m/%Y %H:%M"),
                e.login,
                e.action.label(),
                e.record_type.label()
            )
        })
        .collect();
    let mut section = Section::new("Who viewed or changed this record");
    if !items.is_empty() {
        section.blocks.push(Block::List(items));
    }
    section.or_none("Nothing audited yet.")
}

/// The same record as one JSON object, each part as the store holds it: for a request that asks
/// for the data in a machine-readable form.
pub fn record_json(record: &ClientRecord, cx: &RecordContext) -> serde_json::Value {
    let goals: Vec<_> = record
        .goals
        .iter()
        .map(|(goal, actions)| serde_json::json!({ "goal": goal, "actions": actions }))
        .collect();
    let in_error: Vec<_> = record
        .corrections
        .0
        .iter()
        .filter_map(|((what, id), c)| {
            c.in_error.as_ref().map(|m| {
                serde_json::json!({
                    "record_type": what.code(), "record_id": id, "at": m.at,
                    "by": m.by.as_str(), "reason": m.reason.as_str(),
                })
            })
        })
        .collect();
    let open: Vec<_> = record
        .status
        .assessment
        .open
        .iter()
        .map(|a| serde_json::json!({ "alert": a.kind.code(), "reason": a.reason }))
        .collect();
    serde_json::json!({
        "format": "keywork-subject-access",
        "service": cx.service,
        "exported_on": cx.today,
        "exported_by": cx.exported_by,
        "client": record.client,
        "key_worker": record.key_worker.as_str(),
        "prescriptions": record.prescriptions,
        "missed_doses": record.missed_doses,
        "ecgs": record.ecgs,
        "sessions": record.sessions,
        "readiness_notes": record.readiness,
        "goals": goals,
        "reviews": record.reviews,
        "prescribing_checklists": record.checklists,
        "reviews_owed": record.status.owed,
        "tops": record.tops,
        "bbv_results": record.bbv_results,
        "open_alerts": open,
        "alert_acks": record.acks,
        "entered_in_error": in_error,
        "earlier_versions": record.earlier_versions,
        "audit": record.audit,
    })
}
