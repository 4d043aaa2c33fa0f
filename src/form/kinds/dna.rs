//! A did-not-attend, recorded in two keys. With an appointment booked for the client today, the
//! DNA is recorded against it (one per appointment); without one, the form asks when, defaulting
//! to now.

use super::*;
use crate::domain::*;
use crate::form::dates::show_date_time;
use crate::form::{Form, Kind, Now, Spec};
use std::collections::BTreeSet;

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const NOTE: &str = "note";
    pub const AT: &str = "at";
}

fn note_spec() -> Spec {
    Spec::new(key::NOTE, "Note (optional)", Kind::Line { max: 500 })
}

/// The form for a DNA with no appointment booked: the note, then when (now unless changed).
pub fn dna_form(title: String, now: Now) -> Form {
    Form::new(
        title,
        vec![
            note_spec(),
            Spec::new(key::AT, "When", Kind::DateTime).required(),
        ],
        &[(key::AT, show_date_time(now.now))],
        now,
    )
}

/// The form for a DNA against a booked appointment: its time is the appointment's.
pub fn dna_against_form(title: String, now: Now) -> Form {
    Form::new(title, vec![note_spec()], &[], now)
}

pub fn build_dna(form: &Form, client_id: i64, worker_id: i64) -> Result<Session, Errors> {
    let mut errors = Errors::new();
    let started_at = form.date_time(key::AT).unwrap_or(form.now.now);
    // The same few minutes' grace as a session's.
    if started_at > form.now.now + chrono::Duration::minutes(5) {
        errors.push(err(key::AT, "a missed appointment cannot be in the future"));
    }
    let session = Session {
        client_id,
        worker_id,
        started_at,
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

/// Where a new DNA for a client on a day stands: the one rule the screens and `keywork session
/// add` share. A second DNA the same day is more often a key pressed (or a script run) twice
/// than a second missed appointment, so it is asked about first.
#[derive(Debug)]
pub enum DnaOnDay {
    /// The day's booked appointment: the DNA is recorded against it.
    Booked(Stored<BookedAppointment>),
    /// The day's appointment already has its DNA: one per appointment.
    AlreadyAgainst(Stored<BookedAppointment>),
    /// No appointment, but a DNA was recorded that day at this time: ask before another.
    AlreadyAt(chrono::NaiveDateTime),
    /// Nothing recorded that day.
    First,
}

impl DnaOnDay {
    pub fn of(store: &Store, client_id: i64, date: chrono::NaiveDate) -> Result<DnaOnDay> {
        Ok(match store.appointment_for_dna(client_id, date)? {
            Some(a) if a.record.status == AppointmentStatus::Dna => DnaOnDay::AlreadyAgainst(a),
            Some(a) => DnaOnDay::Booked(a),
            None => match store.dna_recorded_on(client_id, date)? {
                Some(at) => DnaOnDay::AlreadyAt(at),
                None => DnaOnDay::First,
            },
        })
    }
}

/// An open did-not-attend form, and the appointment it is recorded against, if any.
#[derive(Debug)]
pub struct DnaForm {
    appointment: Option<Stored<BookedAppointment>>,
}

pub fn open(o: &Opening<'_>) -> Opens {
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    // A same-day DNA without an appointment was asked about before the form opened.
    let (form, appointment) = match DnaOnDay::of(o.store, client, o.now.today)? {
        DnaOnDay::AlreadyAgainst(a) => {
            return Ok(Err(already_recorded(o, client, &a.record)?));
        }
        DnaOnDay::Booked(a) => {
            let what = format!(
                "Did not attend today's {} appointment (Enter saves)",
                a.record.at.format("%H:%M")
            );
            let form = dna_against_form(o.client_title(&what, client)?, o.now);
            (form, Some(a))
        }
        DnaOnDay::AlreadyAt(_) | DnaOnDay::First => {
            let title = o.client_title("Did not attend (Enter saves)", client)?;
            (dna_form(title, o.now), None)
        }
    };
    Ok(Ok(Opened {
        form,
        client_id: Some(client),
        handler: Box::new(DnaForm { appointment }),
    }))
}

/// "The DNA for KW-00042's 14:00 appointment today is already recorded."
fn already_recorded(o: &Opening<'_>, client: i64, a: &BookedAppointment) -> Result<String> {
    let reference = o.store.get::<Client>(client)?.record.reference;
    Ok(format!(
        "The DNA for {reference}'s {} appointment today is already recorded.",
        a.at.format("%H:%M")
    ))
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
        let mut session = built!(build_dna(form, s.client_id, s.worker_id));
        let message = match &self.appointment {
            Some(a) => {
                session.started_at = a.record.at;
                write_and_forget_draft(store, s.draft_id, |w| {
                    w.record_dna_against(a.id, &session)
                })?;
                format!(
                    "DNA recorded against the {} appointment.",
                    a.record.at.format("%H:%M")
                )
            }
            None => {
                write_and_forget_draft(store, s.draft_id, |w| {
                    let id = w.insert(&session)?;
                    w.settle_and_book(id, &session)
                })?;
                "Did-not-attend recorded.".to_owned()
            }
        };
        Ok(Ok(Saved {
            message,
            check_dna_streak: true,
        }))
    }
}
