//! A readiness-for-change note: stage of change, the three rulers and the client's own words.

use super::*;
use crate::domain::*;
use crate::form::dates::show_date;
use crate::form::{Form, Kind, Now, Spec};

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const ON: &str = "on";
    pub const STAGE: &str = "stage";
    pub const IMPORTANCE: &str = "importance";
    pub const CONFIDENCE: &str = "confidence";
    pub const READINESS: &str = "readiness";
    pub const NOTE: &str = "note";
}

pub fn readiness_form(title: String, now: Now, latest: Option<Stage>) -> Form {
    let specs = vec![
        Spec::new(key::ON, "Date", Kind::Date).required(),
        Spec::new(
            key::STAGE,
            "Stage of change",
            Kind::Choice(coded_options!(Stage)),
        )
        .required(),
        ruler_spec(key::IMPORTANCE, "Importance 0-10"),
        ruler_spec(key::CONFIDENCE, "Confidence 0-10"),
        ruler_spec(key::READINESS, "Readiness 0-10"),
        Spec::new(
            key::NOTE,
            "Client's words",
            Kind::Note {
                max: text::NOTE_MAX_CHARS,
                rows: 4,
            },
        ),
    ];
    let initial = [
        (key::ON, show_date(now.today)),
        (
            key::STAGE,
            latest.map(|s| s.code().to_owned()).unwrap_or_default(),
        ),
    ];
    let mut form = Form::new(title, specs, &initial, now);
    form.focus_key(if latest.is_some() {
        key::IMPORTANCE
    } else {
        key::STAGE
    });
    form
}

pub fn build_readiness(
    form: &Form,
    client_id: i64,
    worker_id: i64,
) -> Result<ReadinessNote, Errors> {
    let mut errors = Errors::new();
    let stage = parse_code(form, key::STAGE, &mut errors);
    let note = note(form, key::NOTE, &mut errors);
    let noted_on = form.date(key::ON);
    if noted_on.is_some_and(|on| on > form.now.today) {
        errors.push(err(
            key::ON,
            "a readiness note cannot be dated in the future",
        ));
    }
    match (stage, noted_on) {
        (Some(stage), Some(noted_on)) if errors.is_empty() => Ok(ReadinessNote {
            client_id,
            worker_id,
            noted_on,
            stage,
            importance: score(form, key::IMPORTANCE),
            confidence: score(form, key::CONFIDENCE),
            readiness: score(form, key::READINESS),
            note,
            session_id: None,
        }),
        _ => Err(errors),
    }
}

/// An open readiness-note form, with the referral date that bounds the note's date, and the
/// note being amended, if it is one.
#[derive(Debug)]
pub struct ReadinessForm {
    referral: chrono::NaiveDate,
    amending: Option<Stored<ReadinessNote>>,
}

/// The note an amendment form opens on: the entry selected, or a resumed draft's target.
fn to_amend(o: &Opening<'_>) -> Result<Option<Stored<ReadinessNote>>> {
    let id = match (o.entry, o.draft) {
        (Some((RecordType::ReadinessNote, id)), _) => Some(id),
        (_, Some(draft)) => draft.target_id,
        _ => None,
    };
    id.map(|id| o.store.get::<ReadinessNote>(id)).transpose()
}

/// A stored note's values, keyed for the form.
fn values(n: &ReadinessNote) -> Vec<(&'static str, String)> {
    let score = |s: Option<Score>| s.map(|s| s.get().to_string()).unwrap_or_default();
    vec![
        (key::ON, show_date(n.noted_on)),
        (key::STAGE, n.stage.code().to_owned()),
        (key::IMPORTANCE, score(n.importance)),
        (key::CONFIDENCE, score(n.confidence)),
        (key::READINESS, score(n.readiness)),
        (key::NOTE, n.note.as_str().to_owned()),
    ]
}

pub fn open(o: &Opening<'_>) -> Opens {
    if let Some(note) = to_amend(o)? {
        let client = note.record.client_id;
        let title = o.client_title("Amend readiness note", client)?;
        let mut form = readiness_form(title, o.now, None);
        prefill(&mut form, &values(&note.record));
        return Ok(Ok(Opened {
            form,
            client_id: Some(client),
            handler: Box::new(ReadinessForm {
                referral: referral_of(o.store, client)?,
                amending: Some(note),
            }),
        }));
    }
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let latest = o
        .store
        .readiness_in_force(client)?
        .first()
        .map(|n| n.record.stage);
    let title = o.client_title("Readiness note", client)?;
    Ok(Ok(Opened {
        form: readiness_form(title, o.now, latest),
        client_id: Some(client),
        handler: Box::new(ReadinessForm {
            referral: referral_of(o.store, client)?,
            amending: None,
        }),
    }))
}

impl Handler for ReadinessForm {
    fn check(&self, form: &Form, s: &Saving<'_>) -> Errors {
        build_readiness(form, s.client_id, s.worker_id)
            .err()
            .unwrap_or_default()
    }

    fn kind(&self) -> FormKind {
        FormKind::Readiness
    }

    fn target(&self) -> (Option<i64>, Option<i64>) {
        super::target_of(&self.amending)
    }

    fn adopt_versions(&mut self, target: Option<i64>, _version: &dyn Fn(&str) -> Option<i64>) {
        adopt_target(&mut self.amending, target);
    }

    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, _store: &Store) {
        accept_target(&mut self.amending, what, id, current);
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let note = built!(build_readiness(form, s.client_id, s.worker_id));
        if let Some(error) = before_referral(key::ON, note.noted_on, self.referral) {
            return Ok(Err(vec![error]));
        }
        if let Some(previous) = &self.amending {
            // The note keeps its author and its session; only what it says is amended.
            let amended = ReadinessNote {
                worker_id: previous.record.worker_id,
                session_id: previous.record.session_id,
                ..note
            };
            write_and_forget_draft(store, s.draft_id, |w| {
                w.amend(previous.id, previous.row_version, &amended)
            })?;
            return Ok(Ok(Saved::said(
                "Readiness note amended; the earlier version is kept (v on it shows it).",
            )));
        }
        write_and_forget_draft(store, s.draft_id, |w| w.insert(&note))?;
        Ok(Ok(Saved::said("Readiness note saved.")))
    }
}
