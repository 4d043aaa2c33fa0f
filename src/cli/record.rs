//! Recording from the shell: `keywork session add` and `keywork note add`. They fill the same
//! form declarations the screen uses, so the rules, the messages and the audit are the same.

use super::CliError;
use crate::domain::{ReadinessNote, Refusal, ServiceRef, Session};
use crate::form::forms::{self, GoalOnPlan};
use crate::form::{Form, Now};
use crate::store::{Store, StoreError};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Record a session (contact) with a client.
    Add(SessionArgs),
}

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Record a readiness-for-change note.
    Add(NoteArgs),
}

#[derive(Debug, Args)]
pub struct SessionArgs {
    /// The client's service reference, e.g. KW-00042.
    #[arg(long)]
    pub client: String,
    /// key_work, group, phone, video, home_visit or outreach.
    #[arg(long, default_value = "key_work")]
    pub kind: String,
    /// The session note.
    #[arg(long, default_value = "")]
    pub note: String,
    /// attended, dna, cancelled_by_client or cancelled_by_service.
    #[arg(long, default_value = "attended")]
    pub attendance: String,
    /// When: 23/11/2026 14:30, today 09:15, now (default).
    #[arg(long)]
    pub at: Option<String>,
    /// Length in minutes [default: the client's last session, or 45].
    #[arg(long)]
    pub minutes: Option<String>,
    /// An intervention delivered (repeat for several), e.g. motivational_interviewing.
    #[arg(long = "intervention", value_name = "CODE")]
    pub interventions: Vec<String>,
    /// Next appointment, e.g. +2w 10:00.
    #[arg(long)]
    pub next: Option<String>,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    #[arg(long)]
    pub client: String,
    /// precontemplation, contemplation, preparation, action, maintenance or relapse.
    #[arg(long)]
    pub stage: String,
    #[arg(long)]
    pub importance: Option<String>,
    #[arg(long)]
    pub confidence: Option<String>,
    #[arg(long)]
    pub readiness: Option<String>,
    /// The client's own words.
    #[arg(long, default_value = "")]
    pub note: String,
    /// The date of the note [default: today].
    #[arg(long)]
    pub on: Option<String>,
}

/// The worker recording: the login must be on the team and allowed to write now.
fn author(store: &Store) -> Result<i64, CliError> {
    if let Some(refusal) = store.refusal()? {
        return Err(StoreError::Refused(refusal).into());
    }
    match store.worker_by_login(store.actor())? {
        Some(w) => Ok(w.id),
        None => Err(StoreError::Refused(Refusal::NotOnTeam {
            login: store.actor().clone(),
        })
        .into()),
    }
}

pub(super) fn client(store: &Store, reference: &str) -> Result<(i64, ServiceRef), CliError> {
    let reference =
        ServiceRef::new(reference).map_err(|e| CliError::Usage(format!("--client: {e}")))?;
    match store.client_id_by_reference(&reference)? {
        Some(id) => Ok((id, reference)),
        None => Err(CliError::Usage(format!("--client: no client {reference}"))),
    }
}

/// Fills fields from flags; the first refusal names its flag.
fn fill(form: &mut Form, values: &[(&str, &str, Option<&str>)]) -> Result<(), CliError> {
    for (key, flag, value) in values {
        if let Some(value) = value {
            form.set(key, value)
                .map_err(|e| CliError::Usage(format!("--{flag}: {e}")))?;
        }
    }
    Ok(())
}

/// Runs the form's own checks, reporting the first problem by flag name.
fn check(form: &mut Form, flags: &[(&str, &str)]) -> Result<(), CliError> {
    let flag = |key: &str| {
        flags
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(key.to_owned(), |(_, f)| (*f).to_owned())
    };
    if !form.validate() {
        let field = form.focused();
        return Err(CliError::Usage(format!(
            "--{}: {}",
            flag(&field.spec.key),
            field.error.clone().unwrap_or_default()
        )));
    }
    Ok(())
}

fn first_error(errors: forms::Errors, flags: &[(&str, &str)]) -> CliError {
    let (key, message) = errors.into_iter().next().unwrap_or_default();
    let flag = flags
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key.clone(), |(_, f)| (*f).to_owned());
    CliError::Usage(format!("--{flag}: {message}"))
}

const SESSION_FLAGS: &[(&str, &str)] = &[
    ("note", "note"),
    ("at", "at"),
    ("kind", "kind"),
    ("minutes", "minutes"),
    ("attendance", "attendance"),
    ("interventions", "intervention"),
    ("next", "next"),
];

pub fn add_session(store: &mut Store, args: &SessionArgs) -> Result<(), CliError> {
    let worker_id = author(store)?;
    let (client_id, reference) = client(store, &args.client)?;
    let now = Now {
        today: store.today(),
        now: store.clock().now_local(),
    };
    let usual_minutes = store
        .usual_minutes(client_id)?
        .filter(|m| *m > 0)
        .unwrap_or(45);
    let goals: [GoalOnPlan; 0] = [];
    let ctx = forms::SessionContext {
        client_id,
        worker_id,
        now,
        usual_minutes,
        goals: &goals,
    };
    let mut form = forms::session_form(String::new(), &ctx);
    let interventions = args.interventions.join(",");
    fill(
        &mut form,
        &[
            ("note", "note", Some(&args.note)),
            ("kind", "kind", Some(&args.kind)),
            ("attendance", "attendance", Some(&args.attendance)),
            ("at", "at", args.at.as_deref()),
            ("minutes", "minutes", args.minutes.as_deref()),
            ("interventions", "intervention", Some(&interventions)),
            ("next", "next", args.next.as_deref()),
        ],
    )?;
    check(&mut form, SESSION_FLAGS)?;
    let record = forms::build_session(&form, &ctx).map_err(|e| first_error(e, SESSION_FLAGS))?;
    let session: Session = record.session;
    let id = store.write(|w| w.insert(&session))?;
    let dna_streak = store.three_dnas_in_a_row(client_id)?;
    println!("Recorded session {id} for {reference}.");
    if dna_streak {
        println!("{reference} has now missed 3 appointments in a row: please follow up.");
    }
    Ok(())
}

const NOTE_FLAGS: &[(&str, &str)] = &[
    ("on", "on"),
    ("stage", "stage"),
    ("importance", "importance"),
    ("confidence", "confidence"),
    ("readiness", "readiness"),
    ("note", "note"),
];

pub fn add_note(store: &mut Store, args: &NoteArgs) -> Result<(), CliError> {
    let worker_id = author(store)?;
    let (client_id, reference) = client(store, &args.client)?;
    let now = Now {
        today: store.today(),
        now: store.clock().now_local(),
    };
    let mut form = forms::readiness_form(String::new(), now, None);
    fill(
        &mut form,
        &[
            ("stage", "stage", Some(&args.stage)),
            ("importance", "importance", args.importance.as_deref()),
            ("confidence", "confidence", args.confidence.as_deref()),
            ("readiness", "readiness", args.readiness.as_deref()),
            ("note", "note", Some(&args.note)),
            ("on", "on", args.on.as_deref()),
        ],
    )?;
    check(&mut form, NOTE_FLAGS)?;
    let note: ReadinessNote = forms::build_readiness(&form, client_id, worker_id)
        .map_err(|e| first_error(e, NOTE_FLAGS))?;
    let id = store.write(|w| w.insert(&note))?;
    println!("Recorded readiness note {id} for {reference}.");
    Ok(())
}
