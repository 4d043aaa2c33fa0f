//! A readiness-for-change note: stage of change, the three rulers and the client's own words.

use super::*;
use crate::domain::*;
use crate::form::dates::show_date;
use crate::form::{Form, Kind, Now, Spec};

pub fn readiness_form(title: String, now: Now, latest: Option<Stage>) -> Form {
    let specs = vec![
        Spec::new("on", "Date", Kind::Date).required(),
        Spec::new(
            "stage",
            "Stage of change",
            Kind::Choice(coded_options!(Stage)),
        )
        .required(),
        ruler_spec("importance", "Importance 0-10"),
        ruler_spec("confidence", "Confidence 0-10"),
        ruler_spec("readiness", "Readiness 0-10"),
        Spec::new(
            "note",
            "Client's words",
            Kind::Note {
                max: text::NOTE_MAX_CHARS,
                rows: 4,
            },
        ),
    ];
    let initial = [
        ("on", show_date(now.today)),
        (
            "stage",
            latest.map(|s| s.code().to_owned()).unwrap_or_default(),
        ),
    ];
    let mut form = Form::new(title, specs, &initial, now);
    form.focus_key(if latest.is_some() {
        "importance"
    } else {
        "stage"
    });
    form
}

pub fn build_readiness(
    form: &Form,
    client_id: i64,
    worker_id: i64,
) -> Result<ReadinessNote, Errors> {
    let mut errors = Errors::new();
    let stage = parse_code(form, "stage", &mut errors);
    let note = note(form, "note", &mut errors);
    match (stage, form.date("on")) {
        (Some(stage), Some(noted_on)) if errors.is_empty() => Ok(ReadinessNote {
            client_id,
            worker_id,
            noted_on,
            stage,
            importance: score(form, "importance"),
            confidence: score(form, "confidence"),
            readiness: score(form, "readiness"),
            note,
            session_id: None,
        }),
        _ => Err(errors),
    }
}

/// An open readiness-note form.
#[derive(Debug)]
pub struct ReadinessForm;

pub fn open(o: &Opening<'_>) -> Opens {
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let latest = o
        .store
        .readiness_notes(client)?
        .first()
        .map(|n| n.record.stage);
    let title = o.client_title("Readiness note", client)?;
    Ok(Ok(Opened {
        form: readiness_form(title, o.now, latest),
        client_id: Some(client),
        handler: Box::new(ReadinessForm),
    }))
}

impl Handler for ReadinessForm {
    fn kind(&self) -> FormKind {
        FormKind::Readiness
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let note = built!(build_readiness(form, s.client_id, s.worker_id));
        write_and_forget_draft(store, s.draft_id, |w| w.insert(&note))?;
        Ok(Ok(Saved::said("Readiness note saved.")))
    }
}
