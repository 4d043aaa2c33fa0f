//! Recording a session: attendance, what was delivered, the note, the next appointment, and in
//! the same breath a readiness note and progress on the plan's goals.

use super::*;
use crate::domain::*;
use crate::form::dates::show_date_time;
use crate::form::{Form, Kind, Now, Spec};
use std::collections::BTreeSet;

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const NOTE: &str = "note";
    pub const AT: &str = "at";
    pub const KIND: &str = "kind";
    pub const MINUTES: &str = "minutes";
    pub const ATTENDANCE: &str = "attendance";
    pub const INTERVENTIONS: &str = "interventions";
    pub const BBV: &str = "bbv_tests";
    pub const STAGE: &str = "stage";
    pub const IMPORTANCE: &str = "importance";
    pub const CONFIDENCE: &str = "confidence";
    pub const READINESS: &str = "readiness";
    pub const NEXT: &str = "next";
}

/// An active goal offered for a progress change in the session form.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalOnPlan {
    pub goal: Stored<Goal>,
}

/// A goal's progress as changed in a session: a new score, or achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalChange {
    pub goal_id: i64,
    pub read_version: i64,
    pub goal: Goal,
}

pub struct SessionContext<'a> {
    pub client_id: i64,
    pub worker_id: i64,
    pub now: Now,
    /// Minutes of the client's last attended session: the likeliest length of this one.
    pub usual_minutes: u16,
    pub goals: &'a [GoalOnPlan],
}

/// A session recorded, with the readiness note and plan changes made in the same breath.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub session: Session,
    pub readiness: Option<ReadinessNote>,
    pub goal_changes: Vec<GoalChange>,
    /// Which BBV tests were done, when "BBV test" is ticked: they move the client's test dates.
    pub bbv: Option<BbvTests>,
}

fn goal_key(goal_id: i64) -> String {
    format!("goal:{goal_id}")
}

pub fn session_form(title: String, ctx: &SessionContext<'_>) -> Form {
    let mut specs = vec![
        Spec::new(
            key::NOTE,
            "Note",
            Kind::Note {
                max: text::NOTE_MAX_CHARS,
                rows: 6,
            },
        ),
        Spec::new(key::AT, "When", Kind::DateTime).required(),
        Spec::new(key::KIND, "Kind", Kind::Choice(coded_options!(SessionKind))).required(),
        Spec::new(
            key::MINUTES,
            "Minutes",
            Kind::Integer {
                min: 0,
                max: i64::from(Minutes::MAX),
            },
        )
        .required(),
        Spec::new(
            key::ATTENDANCE,
            "Attendance",
            Kind::Choice(coded_options!(Attendance)),
        )
        .required(),
        Spec::new(
            key::INTERVENTIONS,
            "Delivered",
            Kind::Multi(coded_options!(Intervention)),
        ),
        bbv_spec(),
        Spec::new(
            key::STAGE,
            "Stage of change",
            Kind::Choice(with_none("(no readiness note)", coded_options!(Stage))),
        ),
        ruler_spec(key::IMPORTANCE, "Importance 0-10"),
        ruler_spec(key::CONFIDENCE, "Confidence 0-10"),
        ruler_spec(key::READINESS, "Readiness 0-10"),
    ];
    for plan_goal in ctx.goals {
        let g = &plan_goal.goal;
        let label = format!(
            "Goal: {} (now {}/10; type 0-10, or a for achieved)",
            crate::display::clean(g.record.in_own_words.as_str()),
            g.record.progress.get()
        );
        specs.push(Spec::new(goal_key(g.id), label, Kind::Line { max: 8 }));
    }
    specs.push(Spec::new(key::NEXT, "Next appointment", Kind::DateTime));
    let initial = [
        (key::AT, show_date_time(ctx.now.now)),
        (key::KIND, SessionKind::KeyWork.code().to_owned()),
        (key::MINUTES, ctx.usual_minutes.to_string()),
        (key::ATTENDANCE, Attendance::Attended.code().to_owned()),
    ];
    Form::new(title, specs, &initial, ctx.now)
}

/// Which BBV tests, asked only once "BBV test" is ticked: the client's hep C and HIV test dates
/// are kept apart because each falls due on its own.
fn bbv_spec() -> Spec {
    Spec::new(
        key::BBV,
        "Which BBV test",
        Kind::Choice(with_none("(say which)", coded_options!(BbvTests))),
    )
    .shown_when(key::INTERVENTIONS, Intervention::BbvTest.code())
}

/// The BBV tests done, when the session records a BBV test (a choice left over from a box since
/// unticked counts for nothing).
fn bbv_tests(
    form: &Form,
    interventions: &BTreeSet<Intervention>,
    errors: &mut Errors,
) -> Option<BbvTests> {
    interventions
        .contains(&Intervention::BbvTest)
        .then(|| parse_code(form, key::BBV, errors))
        .flatten()
}

/// A new session recording a BBV test must say which, or the client's test dates could not move
/// on. (An amendment may leave it unsaid: an older entry may never have said, and amending does
/// not move the client's record.)
pub fn unsaid_bbv(record: &SessionRecord) -> Errors {
    let tested = record
        .session
        .interventions
        .contains(&Intervention::BbvTest);
    if tested && record.bbv.is_none() {
        vec![err(key::BBV, "say which BBV test: hep C, HIV or both")]
    } else {
        Errors::new()
    }
}

pub fn build_session(form: &Form, ctx: &SessionContext<'_>) -> Result<SessionRecord, Errors> {
    let mut errors = Errors::new();
    let started_at = form.date_time(key::AT).unwrap_or(ctx.now.now);
    let attendance = parse_code(form, key::ATTENDANCE, &mut errors).unwrap_or(Attendance::Attended);
    let interventions: BTreeSet<Intervention> = form
        .codes(key::INTERVENTIONS)
        .iter()
        .filter_map(|c| Intervention::from_code(c))
        .collect();
    let bbv = bbv_tests(form, &interventions, &mut errors);
    let session = Session {
        client_id: ctx.client_id,
        worker_id: ctx.worker_id,
        started_at,
        duration: Minutes::new(form.integer(key::MINUTES).unwrap_or(0) as u16).unwrap_or_else(
            |e| {
                errors.push(err(key::MINUTES, e.to_string()));
                Minutes::new(0).expect("zero")
            },
        ),
        kind: parse_code(form, key::KIND, &mut errors).unwrap_or(SessionKind::KeyWork),
        attendance,
        note: note(form, key::NOTE, &mut errors),
        interventions,
        next_appointment: form.date_time(key::NEXT),
    };
    // A few minutes' grace for a clock that runs slightly behind the worker's watch.
    if started_at > form.now.now + chrono::Duration::minutes(5) {
        errors.push(err(
            key::AT,
            "a session cannot be in the future; put it as the next appointment instead",
        ));
    } else if let Err(e) = session.validate(form.now.today) {
        let key = if session.next_appointment.is_some_and(|n| n <= started_at) {
            key::NEXT
        } else {
            key::INTERVENTIONS
        };
        errors.push(err(key, e.to_string()));
    }
    let stage: Option<Stage> = parse_code(form, key::STAGE, &mut errors);
    let scores = [
        score(form, key::IMPORTANCE),
        score(form, key::CONFIDENCE),
        score(form, key::READINESS),
    ];
    let readiness = match stage {
        Some(stage) => Some(ReadinessNote {
            client_id: ctx.client_id,
            worker_id: ctx.worker_id,
            noted_on: started_at.date(),
            stage,
            importance: scores[0],
            confidence: scores[1],
            readiness: scores[2],
            note: NoteText::empty(),
            session_id: None,
        }),
        None => {
            if scores.iter().any(Option::is_some) {
                errors.push(err(
                    key::STAGE,
                    "choose a stage of change to record ruler scores with it",
                ));
            }
            None
        }
    };
    let mut goal_changes = Vec::new();
    for plan_goal in ctx.goals {
        let key = goal_key(plan_goal.goal.id);
        let Some(text) = form.optional(&key) else {
            continue;
        };
        let mut goal = plan_goal.goal.record.clone();
        match text.to_lowercase().as_str() {
            "a" | "achieved" => {
                goal.status = GoalStatus::Achieved;
                goal.progress = Score::new(10).expect("ten");
            }
            number => match number.parse::<u8>().ok().and_then(|n| Score::new(n).ok()) {
                Some(progress) => goal.progress = progress,
                None => {
                    errors.push(err(&key, "a score from 0 to 10, or a for achieved"));
                    continue;
                }
            },
        }
        goal_changes.push(GoalChange {
            goal_id: plan_goal.goal.id,
            read_version: plan_goal.goal.row_version,
            goal,
        });
    }
    if errors.is_empty() {
        Ok(SessionRecord {
            session,
            readiness,
            goal_changes,
            bbv,
        })
    } else {
        Err(errors)
    }
}

/// An open session form: the active goals offered (with the versions read) and the usual
/// length; or the session being amended, with the version read.
#[derive(Debug)]
pub struct SessionForm {
    goals: Vec<GoalOnPlan>,
    usual_minutes: u16,
    amending: Option<Stored<Session>>,
}

/// The session an amendment form opens on: the entry selected, or a resumed draft's target.
fn to_amend(o: &Opening<'_>) -> Result<Option<Stored<Session>>> {
    let id = match (o.entry, o.draft) {
        (Some((RecordType::Session, id)), _) => Some(id),
        (_, Some(draft)) => draft.target_id,
        _ => None,
    };
    id.map(|id| o.store.get::<Session>(id)).transpose()
}

/// A stored session's values, keyed for the form.
fn values(s: &Session) -> Vec<(&'static str, String)> {
    let interventions: Vec<&str> = s.interventions.iter().map(|i| i.code()).collect();
    vec![
        (key::NOTE, s.note.as_str().to_owned()),
        (key::AT, show_date_time(s.started_at)),
        (key::KIND, s.kind.code().to_owned()),
        (key::MINUTES, s.duration.get().to_string()),
        (key::ATTENDANCE, s.attendance.code().to_owned()),
        (key::INTERVENTIONS, interventions.join(",")),
        (
            key::NEXT,
            s.next_appointment.map(show_date_time).unwrap_or_default(),
        ),
    ]
}

/// The form to amend a session (or DNA): its values, no goals to move, the earlier version kept
/// on save.
fn open_amendment(o: &Opening<'_>, session: Stored<Session>) -> Opens {
    let ctx = SessionContext {
        client_id: session.record.client_id,
        worker_id: 0,
        now: o.now,
        usual_minutes: session.record.duration.get(),
        goals: &[],
    };
    let title = o.client_title("Amend session", session.record.client_id)?;
    let mut form = session_form(title, &ctx);
    prefill(&mut form, &values(&session.record));
    Ok(Ok(Opened {
        form,
        client_id: Some(session.record.client_id),
        handler: Box::new(SessionForm {
            goals: Vec::new(),
            usual_minutes: session.record.duration.get(),
            amending: Some(session),
        }),
    }))
}

pub fn open(o: &Opening<'_>) -> Opens {
    if let Some(session) = to_amend(o)? {
        return open_amendment(o, session);
    }
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let goals: Vec<GoalOnPlan> = o
        .store
        .plan(client)?
        .into_iter()
        .filter(|g| g.goal.record.status == GoalStatus::Active)
        .map(|g| GoalOnPlan { goal: g.goal })
        .collect();
    let usual_minutes = o
        .store
        .usual_minutes(client)?
        .filter(|m| *m > 0)
        .unwrap_or(45);
    let ctx = SessionContext {
        client_id: client,
        worker_id: 0,
        now: o.now,
        usual_minutes,
        goals: &goals,
    };
    let form = session_form(o.client_title("Record session", client)?, &ctx);
    Ok(Ok(Opened {
        form,
        client_id: Some(client),
        handler: Box::new(SessionForm {
            goals,
            usual_minutes,
            amending: None,
        }),
    }))
}

impl Handler for SessionForm {
    fn check(&self, form: &Form, s: &Saving<'_>) -> Errors {
        let built = build_session(
            form,
            &SessionContext {
                client_id: s.client_id,
                worker_id: s.worker_id,
                now: form.now,
                usual_minutes: self.usual_minutes,
                goals: &self.goals,
            },
        );
        match built {
            Ok(_) if self.amending.is_some() => Errors::new(),
            Ok(record) => unsaid_bbv(&record),
            Err(errors) => errors,
        }
    }

    fn kind(&self) -> FormKind {
        FormKind::Session
    }

    fn target(&self) -> (Option<i64>, Option<i64>) {
        super::target_of(&self.amending)
    }

    fn read_versions(&self) -> Vec<(String, i64)> {
        self.goals
            .iter()
            .map(|g| (goal_key(g.goal.id), g.goal.row_version))
            .collect()
    }

    fn adopt_versions(&mut self, target: Option<i64>, version: &dyn Fn(&str) -> Option<i64>) {
        adopt_target(&mut self.amending, target);
        for g in &mut self.goals {
            g.goal.row_version = version(&goal_key(g.goal.id)).unwrap_or(g.goal.row_version);
        }
    }

    /// A goal changed only for its progress is read afresh, so the second save changes its
    /// progress and nothing else the colleague wrote.
    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, store: &Store) {
        accept_target(&mut self.amending, what, id, current);
        if what != RecordType::Goal {
            return;
        }
        if let Some(g) = self.goals.iter_mut().find(|g| g.goal.id == id) {
            match store.get::<Goal>(id) {
                Ok(fresh) => g.goal = fresh,
                Err(_) => g.goal.row_version = current,
            }
        }
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let ctx = SessionContext {
            client_id: s.client_id,
            worker_id: s.worker_id,
            now: form.now,
            usual_minutes: self.usual_minutes,
            goals: &self.goals,
        };
        let record = built!(build_session(form, &ctx));
        let missed = record.session.attendance == Attendance::DidNotAttend;
        if let Some(previous) = &self.amending {
            // The session keeps whoever ran it; only what it says is amended. A readiness note
            // typed into the form is a new entry of its own.
            let amended = Session {
                worker_id: previous.record.worker_id,
                ..record.session.clone()
            };
            write_and_forget_draft(store, s.draft_id, |w| {
                w.amend(previous.id, previous.row_version, &amended)?;
                if let Some(mut note) = record.readiness.clone() {
                    note.session_id = Some(previous.id);
                    w.insert(&note)?;
                }
                Ok(())
            })?;
            return Ok(Ok(Saved {
                message: "Session amended; the earlier version is kept (v on it shows it).".into(),
                check_dna_streak: missed,
            }));
        }
        let unsaid = unsaid_bbv(&record);
        if !unsaid.is_empty() {
            return Ok(Err(unsaid));
        }
        write_and_forget_draft(store, s.draft_id, |w| {
            let session_id = w.record_session(&record.session, record.bbv)?;
            w.settle_and_book(session_id, &record.session)?;
            if let Some(mut note) = record.readiness.clone() {
                note.session_id = Some(session_id);
                w.insert(&note)?;
            }
            for change in &record.goal_changes {
                w.update_goal(change.goal_id, change.read_version, &change.goal)?;
            }
            Ok(())
        })?;
        let extra = match record.goal_changes.len() {
            0 => String::new(),
            n => format!(", {n} goal{} updated", plural(n)),
        };
        Ok(Ok(Saved {
            message: format!("Session saved{extra}."),
            check_dna_streak: missed,
        }))
    }
}
