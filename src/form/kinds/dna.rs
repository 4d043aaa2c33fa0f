//! A did-not-attend, recorded in two keys.

use super::*;
use crate::domain::*;
use crate::form::{Form, Kind, Now, Spec};
use std::collections::BTreeSet;

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const NOTE: &str = "note";
}

pub fn dna_form(title: String, now: Now) -> Form {
    Form::new(
        title,
        vec![Spec::new(
            key::NOTE,
            "Note (optional)",
            Kind::Line { max: 500 },
        )],
        &[],
        now,
    )
}

pub fn build_dna(form: &Form, client_id: i64, worker_id: i64) -> Result<Session, Errors> {
    let mut errors = Errors::new();
    let session = Session {
        client_id,
        worker_id,
        started_at: form.now.now,
        duration: Minutes::new(0).expect("zero"),
        kind: SessionKind::KeyWork,
        attendance: Attendance::DidNotAttend,
        note: note(form, key::NOTE, &mut errors),
        interventions: BTreeSet::new(),
        next_appointment: None,
    };
    if errors.is_empty() {
        Ok(session)
    } else {
        Err(errors)
    }
}

/// An open did-not-attend form.
#[derive(Debug)]
pub struct DnaForm;

pub fn open(o: &Opening<'_>) -> Opens {
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let title = o.client_title("Did not attend today (Enter saves)", client)?;
    Ok(Ok(Opened {
        form: dna_form(title, o.now),
        client_id: Some(client),
        handler: Box::new(DnaForm),
    }))
}

impl Handler for DnaForm {
    fn check(&self, form: &Form, s: &Saving<'_>) -> Errors {
        build_dna(form, s.client_id, s.worker_id)
            .err()
            .unwrap_or_default()
    }

    fn kind(&self) -> FormKind {
        FormKind::Dna
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let session = built!(build_dna(form, s.client_id, s.worker_id));
        write_and_forget_draft(store, s.draft_id, |w| w.insert(&session))?;
        Ok(Ok(Saved {
            message: "Did-not-attend recorded.".into(),
            check_dna_streak: true,
        }))
    }
}
