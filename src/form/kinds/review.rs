//! Completing a review that is owed: care plan, prescribing or risk.

use super::*;
use crate::domain::*;
use crate::form::dates::show_date;
use crate::form::{Form, Kind, Now, Spec};

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const KIND: &str = "kind";
    pub const OUTCOME: &str = "outcome";
    pub const DONE: &str = "done";
}

/// The reviews completed with this form; a TOP review is done by recording a TOP.
const REVIEW_KINDS: [ReviewKind; 3] = [
    ReviewKind::CarePlan,
    ReviewKind::Prescribing,
    ReviewKind::Risk,
];

/// The review form, its kind preset to the review the worker chose.
pub fn review_form(title: String, now: Now, kind: ReviewKind) -> Form {
    let kinds = options(&REVIEW_KINDS, ReviewKind::code, ReviewKind::label);
    let specs = vec![
        Spec::new(key::KIND, "Review", Kind::Choice(kinds)).required(),
        Spec::new(
            key::OUTCOME,
            "Outcome",
            Kind::Note {
                max: text::NOTE_MAX_CHARS,
                rows: 5,
            },
        ),
        Spec::new(key::DONE, "Date done", Kind::Date).required(),
    ];
    let mut form = Form::new(
        title,
        specs,
        &[
            (key::DONE, show_date(now.today)),
            (key::KIND, kind.code().to_owned()),
        ],
        now,
    );
    form.focus_key(key::OUTCOME);
    form
}

pub fn build_review(form: &Form, worker_id: i64) -> Result<(ReviewKind, ReviewCompletion), Errors> {
    let mut errors = Errors::new();
    let outcome = note(form, key::OUTCOME, &mut errors);
    let kind = parse_code::<ReviewKind>(form, key::KIND, &mut errors);
    match (kind, form.date(key::DONE)) {
        (_, Some(day)) if day > form.now.today => Err(vec![err(
            key::DONE,
            "a review cannot be done in the future",
        )]),
        (Some(kind), Some(completed_on)) if errors.is_empty() => Ok((
            kind,
            ReviewCompletion {
                completed_on,
                completed_by: worker_id,
                outcome,
            },
        )),
        _ => Err(errors),
    }
}

/// An open review form: the reviews owed when it opened. The save answers one of these due
/// dates, so a colleague completing the same review meanwhile is noticed rather than doubled.
#[derive(Debug)]
pub struct ReviewForm {
    owed: Vec<Due>,
    /// The completed review being amended, if it is one.
    amending: Option<Stored<Review>>,
}

/// The review an amendment form opens on: the entry selected, or a resumed draft's target.
fn to_amend(o: &Opening<'_>) -> Result<Option<Stored<Review>>> {
    let id = match (o.entry, o.draft) {
        (Some((RecordType::Review, id)), _) => Some(id),
        (_, Some(draft)) => draft.target_id,
        _ => None,
    };
    id.map(|id| o.store.get::<Review>(id)).transpose()
}

/// The form to amend a completed review: its kind stays, its outcome and date may change.
fn open_amendment(o: &Opening<'_>, review: Stored<Review>) -> Opens {
    let client = review.record.client_id;
    let title = o.client_title("Amend review", client)?;
    let mut form = review_form(title, o.now, review.record.kind);
    if let Some(done) = &review.record.completion {
        prefill(
            &mut form,
            &[
                (key::OUTCOME, done.outcome.as_str().to_owned()),
                (key::DONE, show_date(done.completed_on)),
            ],
        );
    }
    Ok(Ok(Opened {
        form,
        client_id: Some(client),
        handler: Box::new(ReviewForm {
            owed: Vec::new(),
            amending: Some(review),
        }),
    }))
}

/// The review the worker means by "complete a review": the one selected in the reviews pane,
/// else the client's most overdue (a TOP counts: it opens the TOP form), else the care plan.
fn review_to_complete(selected: Option<Due>, owed: &[Due]) -> ReviewKind {
    match selected {
        Some(due) => due.kind,
        None => owed
            .iter()
            .min_by_key(|d| d.due_on)
            .map_or(ReviewKind::CarePlan, |d| d.kind),
    }
}

pub fn open(o: &Opening<'_>) -> Opens {
    if let Some(review) = to_amend(o)? {
        return open_amendment(o, review);
    }
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let owed = o.store.client_status(client, o.intervals)?.owed;
    // A resumed draft brings back the kind it was written for.
    let kind = match o.draft {
        Some(_) => ReviewKind::CarePlan,
        None => review_to_complete(o.selected_review, &owed),
    };
    if kind == ReviewKind::Outcomes {
        return super::top::open(o);
    }
    let title = o.client_title("Complete a review", client)?;
    Ok(Ok(Opened {
        form: review_form(title, o.now, kind),
        client_id: Some(client),
        handler: Box::new(ReviewForm {
            owed,
            amending: None,
        }),
    }))
}

impl Handler for ReviewForm {
    fn target(&self) -> (Option<i64>, Option<i64>) {
        super::target_of(&self.amending)
    }

    fn adopt_versions(&mut self, target: Option<i64>, _version: &dyn Fn(&str) -> Option<i64>) {
        adopt_target(&mut self.amending, target);
    }

    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, _store: &Store) {
        accept_target(&mut self.amending, what, id, current);
    }

    fn check(&self, form: &Form, s: &Saving<'_>) -> Errors {
        build_review(form, s.worker_id).err().unwrap_or_default()
    }

    fn kind(&self) -> FormKind {
        FormKind::Review
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let (kind, done) = built!(build_review(form, s.worker_id));
        if let Some(previous) = &self.amending {
            if kind != previous.record.kind {
                return Ok(Err(vec![err(
                    key::KIND,
                    "an amendment keeps the review's kind: mark it entered in error and record \
                     the right one",
                )]));
            }
            let completed_by = previous
                .record
                .completion
                .as_ref()
                .map_or(done.completed_by, |c| c.completed_by);
            let amended = Review {
                completion: Some(ReviewCompletion {
                    completed_by,
                    ..done
                }),
                ..previous.record.clone()
            };
            write_and_forget_draft(store, s.draft_id, |w| {
                w.amend(previous.id, previous.row_version, &amended)
            })?;
            return Ok(Ok(Saved::said(
                "Review amended; the earlier version is kept (v on it shows it).",
            )));
        }
        let Some(due) = self.owed.iter().find(|d| d.kind == kind) else {
            return Ok(Err(vec![err(
                key::KIND,
                format!("{} is not owed by this client", kind.label()),
            )]));
        };
        let review = Review {
            client_id: s.client_id,
            kind,
            due_on: due.due_on,
            completion: Some(done),
        };
        write_and_forget_draft(store, s.draft_id, |w| w.complete_review(&review))?;
        // Saved: from here nothing may report failure, or the worker would save it twice.
        let next = store
            .client_status(s.client_id, s.intervals)
            .ok()
            .and_then(|status| status.owed.into_iter().find(|d| d.kind == kind));
        Ok(Ok(Saved::said(match next {
            Some(next) => format!(
                "{} done; the next is due {}.",
                kind.label(),
                uk_date(next.due_on)
            ),
            None => format!("{} done.", kind.label()),
        })))
    }
}
