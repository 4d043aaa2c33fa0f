//! Recording from the shell: `keywork session add` and `keywork note add`. They fill the same
//! form declarations the screen uses, so the rules, the messages and the audit are the same.
//! Corrections (`amend`, `void`, `unvoid`) change the stored record through the store's
//! corrections, which keep every earlier version.

use super::CliError;
use crate::domain::{
    Attendance, Client, Intervention, Minutes, NoteText, ReadinessNote, RecordType, Refusal, Score,
    ServiceRef, Session, SessionKind, Stage,
};
use crate::form::forms::readiness::key as note_key;
use crate::form::forms::session::key as session_key;
use crate::form::forms::{self, GoalOnPlan};
use crate::form::{Form, Now};
use crate::store::{Store, StoreError};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Record a session (contact) with a client.
    Add(SessionArgs),
    /// Correct a session; the earlier version is kept.
    Amend(SessionAmendArgs),
    /// Mark a session (or DNA) entered in error; it stays in the record and counts for nothing.
    Void(VoidArgs),
    /// Take the entered-in-error mark off a session.
    Unvoid(IdArgs),
}

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Record a readiness-for-change note.
    Add(NoteArgs),
    /// Correct a readiness note; the earlier version is kept.
    Amend(NoteAmendArgs),
    /// Mark a readiness note entered in error; it stays in the record and counts for nothing.
    Void(VoidArgs),
    /// Take the entered-in-error mark off a readiness note.
    Unvoid(IdArgs),
}

#[derive(Debug, Args)]
pub struct SessionAmendArgs {
    /// The session's id.
    #[arg(long)]
    pub id: i64,
    /// The corrected session note.
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// attended, dna, cancelled_by_client or cancelled_by_service.
    #[arg(long)]
    pub attendance: Option<String>,
    /// key_work, group, phone, video, home_visit or outreach.
    #[arg(long)]
    pub kind: Option<String>,
    /// Length in minutes.
    #[arg(long)]
    pub minutes: Option<String>,
}

#[derive(Debug, Args)]
pub struct NoteAmendArgs {
    /// The readiness note's id.
    #[arg(long)]
    pub id: i64,
    /// The stage of change: precontemplation, contemplation, preparation, action, maintenance
    /// or relapse.
    #[arg(long)]
    pub stage: Option<String>,
    /// How important the change is to the client, 0-10 (their own rating).
    #[arg(long)]
    pub importance: Option<String>,
    /// How confident the client is of making it, 0-10.
    #[arg(long)]
    pub confidence: Option<String>,
    /// How ready the client is to start, 0-10.
    #[arg(long)]
    pub readiness: Option<String>,
    /// The client's own words, in place of the note's.
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// The date of the note.
    #[arg(long)]
    pub on: Option<String>,
}

#[derive(Debug, Args)]
pub struct VoidArgs {
    /// The entry's id.
    #[arg(long)]
    pub id: i64,
    /// Why it was entered in error (required; kept with the entry, never in the audit).
    #[arg(long, allow_hyphen_values = true)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// The entry's id.
    #[arg(long)]
    pub id: i64,
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
    #[arg(long, allow_hyphen_values = true, default_value = "")]
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
    /// A BBV test was done: which, hep_c, hiv or both. Also records the bbv_test intervention
    /// (no need for --intervention bbv_test) and moves the client's test dates to the session's.
    #[arg(long = "bbv-test", value_name = "WHICH")]
    pub bbv: Option<String>,
    /// Next appointment, e.g. +2w 10:00.
    #[arg(long)]
    pub next: Option<String>,
    /// With --attendance dna: record it even though a DNA is already recorded for the client
    /// that day (a second missed appointment). Without it a second one is refused, as the
    /// screens ask first: a script run twice records nothing twice.
    #[arg(long)]
    pub again: bool,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    /// The client's reference (KW-00042).
    #[arg(long)]
    pub client: String,
    /// precontemplation, contemplation, preparation, action, maintenance or relapse.
    #[arg(long)]
    pub stage: String,
    /// How important the change is to the client, 0-10 (their own rating).
    #[arg(long)]
    pub importance: Option<String>,
    /// How confident the client is of making it, 0-10.
    #[arg(long)]
    pub confidence: Option<String>,
    /// How ready the client is to start, 0-10.
    #[arg(long)]
    pub readiness: Option<String>,
    /// The client's own words.
    #[arg(long, allow_hyphen_values = true, default_value = "")]
    pub note: String,
    /// The date of the note [default: today].
    #[arg(long)]
    pub on: Option<String>,
}

/// The worker recording: the login must be on the team and allowed to write now.
pub(super) fn author(store: &Store) -> Result<i64, CliError> {
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
pub(super) fn fill(form: &mut Form, values: &[(&str, &str, Option<&str>)]) -> Result<(), CliError> {
    for (key, flag, value) in values {
        if let Some(value) = value {
            form.set(key, value)
                .map_err(|e| CliError::Usage(format!("--{flag}: {e}")))?;
        }
    }
    Ok(())
}

/// Runs the form's own checks, reporting the first problem by flag name.
pub(super) fn check(form: &mut Form, flags: &[(&str, &str)]) -> Result<(), CliError> {
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

pub(super) fn first_error(errors: forms::Errors, flags: &[(&str, &str)]) -> CliError {
    let (key, message) = errors.into_iter().next().unwrap_or_default();
    let flag = flags
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key.clone(), |(_, f)| (*f).to_owned());
    CliError::Usage(format!("--{flag}: {message}"))
}

const SESSION_FLAGS: &[(&str, &str)] = &[
    (session_key::NOTE, "note"),
    (session_key::AT, "at"),
    (session_key::KIND, "kind"),
    (session_key::MINUTES, "minutes"),
    (session_key::ATTENDANCE, "attendance"),
    (session_key::INTERVENTIONS, "intervention"),
    (session_key::BBV, "bbv-test"),
    (session_key::NEXT, "next"),
];

fn add_session(store: &mut Store, args: &SessionArgs) -> Result<(), CliError> {
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
    let interventions = interventions_with_bbv(args).join(",");
    fill(
        &mut form,
        &[
            (session_key::NOTE, "note", Some(&args.note)),
            (session_key::KIND, "kind", Some(&args.kind)),
            (
                session_key::ATTENDANCE,
                "attendance",
                Some(&args.attendance),
            ),
            (session_key::AT, "at", args.at.as_deref()),
            (session_key::MINUTES, "minutes", args.minutes.as_deref()),
            (
                session_key::INTERVENTIONS,
                "intervention",
                Some(&interventions),
            ),
            (session_key::BBV, "bbv-test", args.bbv.as_deref()),
            (session_key::NEXT, "next", args.next.as_deref()),
        ],
    )?;
    check(&mut form, SESSION_FLAGS)?;
    let record = forms::build_session(&form, &ctx).map_err(|e| first_error(e, SESSION_FLAGS))?;
    let unsaid = forms::unsaid_bbv(&record);
    if !unsaid.is_empty() {
        return Err(first_error(unsaid, SESSION_FLAGS));
    }
    let session: Session = record.session;
    if session.attendance == Attendance::DidNotAttend && !args.again {
        refuse_second_dna(store, &session, &reference)?;
    }
    // As the form's save does: the client's record updated by what was delivered, the day's
    // appointment settled, the next one booked.
    let id = store.write(|w| {
        let id = w.record_session(&session, record.bbv)?;
        w.settle_and_book(id, &session)?;
        Ok(id)
    })?;
    let dna_streak = store.three_dnas_in_a_row(client_id)?;
    println!("Recorded session {id} for {reference}.");
    if dna_streak {
        println!("{reference} has now missed 3 appointments in a row: please follow up.");
    }
    Ok(())
}

/// A DNA for a day that already has one is refused unless `--again` says it is a second missed
/// appointment: the same rule by which the screens ask first ([`forms::DnaOnDay`]).
fn refuse_second_dna(
    store: &Store,
    session: &Session,
    reference: &ServiceRef,
) -> Result<(), CliError> {
    let day = session.started_at.date();
    let earlier = match forms::DnaOnDay::of(store, session.client_id, day)? {
        forms::DnaOnDay::AlreadyAgainst(a) => {
            format!(
                "for {reference}'s {} appointment",
                a.record.at.format("%H:%M")
            )
        }
        forms::DnaOnDay::AlreadyAt(at) => format!("for {reference} at {}", at.format("%H:%M")),
        forms::DnaOnDay::Booked(_) | forms::DnaOnDay::First => return Ok(()),
    };
    Err(CliError::Usage(format!(
        "a DNA is already recorded {earlier} on {}; nothing was recorded. If they missed \
         another appointment that day, add --again",
        crate::domain::uk_date(day)
    )))
}

/// The interventions given, and the BBV test when --bbv-test names one: the test is the
/// intervention, and a form asked only "which test" after it is ticked would drop it silently.
fn interventions_with_bbv(args: &SessionArgs) -> Vec<String> {
    let mut interventions = args.interventions.clone();
    let code = Intervention::BbvTest.code();
    if args.bbv.is_some() && !interventions.iter().any(|i| i.trim() == code) {
        interventions.push(code.to_owned());
    }
    interventions
}

const NOTE_FLAGS: &[(&str, &str)] = &[
    (note_key::ON, "on"),
    (note_key::STAGE, "stage"),
    (note_key::IMPORTANCE, "importance"),
    (note_key::CONFIDENCE, "confidence"),
    (note_key::READINESS, "readiness"),
    (note_key::NOTE, "note"),
];

fn add_note(store: &mut Store, args: &NoteArgs) -> Result<(), CliError> {
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
            (note_key::STAGE, "stage", Some(&args.stage)),
            (
                note_key::IMPORTANCE,
                "importance",
                args.importance.as_deref(),
            ),
            (
                note_key::CONFIDENCE,
                "confidence",
                args.confidence.as_deref(),
            ),
            (note_key::READINESS, "readiness", args.readiness.as_deref()),
            (note_key::NOTE, "note", Some(&args.note)),
            (note_key::ON, "on", args.on.as_deref()),
        ],
    )?;
    check(&mut form, NOTE_FLAGS)?;
    let note: ReadinessNote = forms::build_readiness(&form, client_id, worker_id)
        .map_err(|e| first_error(e, NOTE_FLAGS))?;
    check_note_date(store, &note)?;
    let id = store.write(|w| w.insert(&note))?;
    println!("Recorded readiness note {id} for {reference}.");
    Ok(())
}

/// A readiness note is dated between the client's referral and today.
fn check_note_date(store: &Store, note: &ReadinessNote) -> Result<(), CliError> {
    let referral = store.get::<Client>(note.client_id)?.record.referral_date;
    note.validate_date(store.today(), referral)
        .map_err(|e| CliError::Usage(format!("--on: {e}")))
}

pub fn session(store: &mut Store, command: &SessionCommand) -> Result<(), CliError> {
    match command {
        SessionCommand::Add(args) => add_session(store, args),
        SessionCommand::Amend(args) => amend_session(store, args),
        SessionCommand::Void(args) => void(store, RecordType::Session, args),
        SessionCommand::Unvoid(args) => unvoid(store, RecordType::Session, args.id),
    }
}

pub fn note(store: &mut Store, command: &NoteCommand) -> Result<(), CliError> {
    match command {
        NoteCommand::Add(args) => add_note(store, args),
        NoteCommand::Amend(args) => amend_note(store, args),
        NoteCommand::Void(args) => void(store, RecordType::ReadinessNote, args),
        NoteCommand::Unvoid(args) => unvoid(store, RecordType::ReadinessNote, args.id),
    }
}

/// Parses a flag's value with the domain's own constructor, naming the flag if it is refused.
fn parsed<T, E: std::fmt::Display>(
    flag: &str,
    value: Option<&String>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, CliError> {
    value
        .map(|v| parse(v).map_err(|e| CliError::Usage(format!("--{flag}: {e}"))))
        .transpose()
}

fn score(text: &str) -> Result<Score, String> {
    let n: u8 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a score from 0 to 10"))?;
    Score::new(n).map_err(|e| e.to_string())
}

fn minutes(text: &str) -> Result<Minutes, String> {
    let n: u16 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of minutes"))?;
    Minutes::new(n).map_err(|e| e.to_string())
}

fn nothing_to_amend(what: &str, flags: &str) -> CliError {
    CliError::Usage(format!(
        "nothing to amend: give the {what}'s corrected {flags}"
    ))
}

pub fn amend_session(store: &mut Store, args: &SessionAmendArgs) -> Result<(), CliError> {
    author(store)?;
    let stored = store.get::<Session>(args.id)?;
    let mut session = stored.record.clone();
    let note = parsed("note", args.note.as_ref(), |t| NoteText::new(t))?;
    let attendance = parsed("attendance", args.attendance.as_ref(), |t| {
        t.parse::<Attendance>()
    })?;
    let kind = parsed("kind", args.kind.as_ref(), |t| t.parse::<SessionKind>())?;
    let length = parsed("minutes", args.minutes.as_ref(), minutes)?;
    if note.is_none() && attendance.is_none() && kind.is_none() && length.is_none() {
        return Err(nothing_to_amend(
            "session",
            "--note, --attendance, --kind or --minutes",
        ));
    }
    session.note = note.unwrap_or(session.note);
    session.attendance = attendance.unwrap_or(session.attendance);
    session.kind = kind.unwrap_or(session.kind);
    session.duration = length.unwrap_or(session.duration);
    store.write(|w| w.amend(args.id, stored.row_version, &session))?;
    println!("Amended session {} (earlier version kept).", args.id);
    Ok(())
}

pub fn amend_note(store: &mut Store, args: &NoteAmendArgs) -> Result<(), CliError> {
    author(store)?;
    let stored = store.get::<ReadinessNote>(args.id)?;
    let mut note = stored.record.clone();
    let today = store.today();
    let stage = parsed("stage", args.stage.as_ref(), |t| t.parse::<Stage>())?;
    let importance = parsed("importance", args.importance.as_ref(), score)?;
    let confidence = parsed("confidence", args.confidence.as_ref(), score)?;
    let readiness = parsed("readiness", args.readiness.as_ref(), score)?;
    let on = parsed("on", args.on.as_ref(), |t| {
        crate::form::dates::parse_date(t.trim(), today)
    })?;
    let text = parsed("note", args.note.as_ref(), |t| NoteText::new(t))?;
    if stage.is_none()
        && importance.is_none()
        && confidence.is_none()
        && readiness.is_none()
        && on.is_none()
        && text.is_none()
    {
        return Err(nothing_to_amend(
            "note",
            "--stage, --importance, --confidence, --readiness, --note or --on",
        ));
    }
    note.note = text.unwrap_or(note.note);
    note.stage = stage.unwrap_or(note.stage);
    note.importance = importance.or(note.importance);
    note.confidence = confidence.or(note.confidence);
    note.readiness = readiness.or(note.readiness);
    note.noted_on = on.unwrap_or(note.noted_on);
    check_note_date(store, &note)?;
    store.write(|w| w.amend(args.id, stored.row_version, &note))?;
    println!("Amended readiness note {} (earlier version kept).", args.id);
    Ok(())
}

fn void(store: &mut Store, what: RecordType, args: &VoidArgs) -> Result<(), CliError> {
    author(store)?;
    store.write(|w| w.void(what, args.id, &args.reason))?;
    println!("Marked {what} {} entered in error.", args.id);
    Ok(())
}

fn unvoid(store: &mut Store, what: RecordType, id: i64) -> Result<(), CliError> {
    author(store)?;
    store.write(|w| w.unvoid(what, id))?;
    println!("Restored {what} {id}: no longer marked entered in error.");
    Ok(())
}
