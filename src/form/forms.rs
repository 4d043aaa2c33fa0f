//! Every form keywork shows, as declarations over the one engine: which fields, what they start
//! with, and how their content becomes domain records. The command line reuses the same
//! declarations, so a typed session and a scripted one pass the same rules.

use super::dates::{show_date, show_date_time};
use super::{Form, Kind, Now, Opt, Spec};
use crate::domain::*;
use std::collections::BTreeSet;

/// Which form, as stored with a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Session,
    Dna,
    Readiness,
    Goal,
    Client,
    Review,
    Top,
    Acknowledge,
}

impl FormKind {
    pub fn code(self) -> &'static str {
        match self {
            FormKind::Session => "session",
            FormKind::Dna => "dna",
            FormKind::Readiness => "readiness",
            FormKind::Goal => "goal",
            FormKind::Client => "client",
            FormKind::Review => "review",
            FormKind::Top => "top",
            FormKind::Acknowledge => "acknowledge",
        }
    }

    pub fn from_code(code: &str) -> Option<FormKind> {
        [
            FormKind::Session,
            FormKind::Dna,
            FormKind::Readiness,
            FormKind::Goal,
            FormKind::Client,
            FormKind::Review,
            FormKind::Top,
            FormKind::Acknowledge,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    /// What the worker was writing, for "Resume unsaved session note for KW-00042?".
    pub fn noun(self) -> &'static str {
        match self {
            FormKind::Session => "session note",
            FormKind::Dna => "did-not-attend note",
            FormKind::Readiness => "readiness note",
            FormKind::Goal => "goal",
            FormKind::Client => "client details",
            FormKind::Review => "review outcome",
            FormKind::Top => "TOP",
            FormKind::Acknowledge => "alert acknowledgement",
        }
    }
}

/// Field errors a declaration found: field key and message.
pub type Errors = Vec<(String, String)>;

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Opt> {
    all.iter().map(|v| Opt::new(code(*v), label(*v))).collect()
}

macro_rules! coded_options {
    ($ty:ty) => {
        options(<$ty>::ALL, <$ty>::code, <$ty>::label)
    };
}

fn with_none(none_label: &str, mut options: Vec<Opt>) -> Vec<Opt> {
    options.insert(0, Opt::new("", none_label));
    options
}

/// One of the three readiness-ruler questions, each a score from 0 to 10 and optional.
fn ruler_spec(key: &str, label: &str) -> Spec {
    Spec::new(key, label, Kind::Integer { min: 0, max: 10 })
}

fn err(key: &str, message: impl Into<String>) -> (String, String) {
    (key.to_owned(), message.into())
}

fn score(form: &Form, key: &str) -> Option<Score> {
    form.integer(key)
        .and_then(|n| u8::try_from(n).ok())
        .and_then(|n| Score::new(n).ok())
}

fn note(form: &Form, key: &str, errors: &mut Errors) -> NoteText {
    NoteText::new(form.text(key).trim_end().to_owned()).unwrap_or_else(|e| {
        errors.push(err(key, e.to_string()));
        NoteText::empty()
    })
}

fn parse_code<T: std::str::FromStr>(form: &Form, key: &str, errors: &mut Errors) -> Option<T> {
    let text = form.text(key);
    if text.is_empty() {
        return None;
    }
    text.parse()
        .map_err(|_| errors.push(err(key, "choose one of the options")))
        .ok()
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

// ---------------------------------------------------------------- record session

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
}

fn goal_key(goal_id: i64) -> String {
    format!("goal:{goal_id}")
}

pub fn session_form(title: String, ctx: &SessionContext<'_>) -> Form {
    let mut specs = vec![
        Spec::new(
            "note",
            "Note",
            Kind::Note {
                max: text::NOTE_MAX_CHARS,
                rows: 6,
            },
        ),
        Spec::new("at", "When", Kind::DateTime).required(),
        Spec::new("kind", "Kind", Kind::Choice(coded_options!(SessionKind))).required(),
        Spec::new(
            "minutes",
            "Minutes",
            Kind::Integer {
                min: 0,
                max: i64::from(Minutes::MAX),
            },
        )
        .required(),
        Spec::new(
            "attendance",
            "Attendance",
            Kind::Choice(coded_options!(Attendance)),
        )
        .required(),
        Spec::new(
            "interventions",
            "Delivered",
            Kind::Multi(coded_options!(Intervention)),
        ),
        Spec::new(
            "stage",
            "Stage of change",
            Kind::Choice(with_none("(no readiness note)", coded_options!(Stage))),
        ),
        ruler_spec("importance", "Importance 0-10"),
        ruler_spec("confidence", "Confidence 0-10"),
        ruler_spec("readiness", "Readiness 0-10"),
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
    specs.push(Spec::new("next", "Next appointment", Kind::DateTime));
    let initial = [
        ("at", show_date_time(ctx.now.now)),
        ("kind", SessionKind::KeyWork.code().to_owned()),
        ("minutes", ctx.usual_minutes.to_string()),
        ("attendance", Attendance::Attended.code().to_owned()),
    ];
    Form::new(title, specs, &initial, ctx.now)
}

pub fn build_session(form: &Form, ctx: &SessionContext<'_>) -> Result<SessionRecord, Errors> {
    let mut errors = Errors::new();
    let started_at = form.date_time("at").unwrap_or(ctx.now.now);
    let attendance = parse_code(form, "attendance", &mut errors).unwrap_or(Attendance::Attended);
    let interventions: BTreeSet<Intervention> = form
        .codes("interventions")
        .iter()
        .filter_map(|c| Intervention::from_code(c))
        .collect();
    let session = Session {
        client_id: ctx.client_id,
        worker_id: ctx.worker_id,
        started_at,
        duration: Minutes::new(form.integer("minutes").unwrap_or(0) as u16).unwrap_or_else(|e| {
            errors.push(err("minutes", e.to_string()));
            Minutes::new(0).expect("zero")
        }),
        kind: parse_code(form, "kind", &mut errors).unwrap_or(SessionKind::KeyWork),
        attendance,
        note: note(form, "note", &mut errors),
        interventions,
        next_appointment: form.date_time("next"),
    };
    // A few minutes' grace for a clock that runs slightly behind the worker's watch.
    if started_at > form.now.now + chrono::Duration::minutes(5) {
        errors.push(err(
            "at",
            "a session cannot be in the future; put it as the next appointment instead",
        ));
    } else if let Err(e) = session.validate(form.now.today) {
        let key = if session.next_appointment.is_some_and(|n| n <= started_at) {
            "next"
        } else {
            "interventions"
        };
        errors.push(err(key, e.to_string()));
    }
    let stage: Option<Stage> = parse_code(form, "stage", &mut errors);
    let scores = [
        score(form, "importance"),
        score(form, "confidence"),
        score(form, "readiness"),
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
                    "stage",
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
        })
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------- did not attend

pub fn dna_form(title: String, now: Now) -> Form {
    Form::new(
        title,
        vec![Spec::new(
            "note",
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
        note: note(form, "note", &mut errors),
        interventions: BTreeSet::new(),
        next_appointment: None,
    };
    if errors.is_empty() {
        Ok(session)
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------- readiness note

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

// ---------------------------------------------------------------- goal and its actions

/// A goal being edited, with its actions.
pub struct GoalContext<'a> {
    pub client_id: i64,
    pub existing: Option<&'a Stored<Goal>>,
    pub actions: &'a [Stored<GoalAction>],
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalRecord {
    pub goal: Goal,
    /// Changed actions: id, version read, new content.
    pub changed_actions: Vec<(i64, i64, GoalAction)>,
    pub new_action: Option<GoalAction>,
}

fn action_key(id: i64, part: &str) -> String {
    format!("action:{id}:{part}")
}

pub fn goal_form(title: String, now: Now, ctx: &GoalContext<'_>) -> Form {
    let levels: Vec<Opt> = HierarchyLevel::ALL
        .iter()
        .map(|l| Opt::new(l.code(), format!("{}. {}", l.number(), l.label())))
        .collect();
    let mut specs = vec![
        Spec::new("domain", "Domain", Kind::Choice(coded_options!(GoalDomain))).required(),
        Spec::new("level", "Hierarchy level", Kind::Choice(levels))
            .shown_when("domain", GoalDomain::SubstanceUse.code()),
        Spec::new("words", "In their words", Kind::Line { max: 500 }).required(),
        Spec::new("why", "Why it matters", Kind::Line { max: 500 }),
        Spec::new("target", "Target date", Kind::Date),
        Spec::new("status", "Status", Kind::Choice(coded_options!(GoalStatus))).required(),
        Spec::new(
            "progress",
            "Progress 0-10",
            Kind::Integer { min: 0, max: 10 },
        )
        .required(),
    ];
    let mut initial: Vec<(String, String)> = Vec::new();
    for action in ctx.actions {
        let a = &action.record;
        specs.push(
            Spec::new(
                action_key(action.id, "step"),
                "Action",
                Kind::Line { max: 500 },
            )
            .required(),
        );
        specs.push(Spec::new(
            action_key(action.id, "done"),
            "  done",
            Kind::YesNo,
        ));
        initial.push((action_key(action.id, "step"), a.step.as_str().to_owned()));
        initial.push((
            action_key(action.id, "done"),
            if a.done_on.is_some() { "yes" } else { "no" }.to_owned(),
        ));
    }
    specs.push(Spec::new("new_step", "New action", Kind::Line { max: 500 }));
    specs.push(Spec::new(
        "new_owner",
        "  who does it",
        Kind::Choice(coded_options!(ActionOwner)),
    ));
    specs.push(Spec::new("new_due", "  due", Kind::Date));
    match ctx.existing {
        Some(goal) => {
            let g = &goal.record;
            initial.extend([
                ("domain".into(), g.area.domain().code().into()),
                (
                    "level".into(),
                    g.area
                        .level()
                        .map(|l| l.code().to_owned())
                        .unwrap_or_default(),
                ),
                ("words".into(), g.in_own_words.as_str().into()),
                (
                    "why".into(),
                    g.why_it_matters
                        .as_ref()
                        .map(|w| w.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                (
                    "target".into(),
                    g.target_date.map(show_date).unwrap_or_default(),
                ),
                ("status".into(), g.status.code().into()),
                ("progress".into(), g.progress.get().to_string()),
            ]);
        }
        None => initial.extend([
            ("status".into(), GoalStatus::Active.code().into()),
            ("progress".into(), "0".into()),
            ("new_owner".into(), ActionOwner::Client.code().into()),
        ]),
    }
    let initial: Vec<(&str, String)> = initial
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    Form::new(title, specs, &initial, now)
}

pub fn build_goal(form: &Form, ctx: &GoalContext<'_>) -> Result<GoalRecord, Errors> {
    let mut errors = Errors::new();
    let domain: Option<GoalDomain> = parse_code(form, "domain", &mut errors);
    let level = if domain == Some(GoalDomain::SubstanceUse) {
        parse_code(form, "level", &mut errors)
    } else {
        None
    };
    let area = domain.and_then(|d| {
        GoalArea::new(d, level)
            .map_err(|e| errors.push(err("level", e.to_string())))
            .ok()
    });
    let words = ShortText::new(form.text("words").trim())
        .map_err(|e| errors.push(err("words", e.to_string())))
        .ok();
    let why = form.optional("why").and_then(|w| {
        ShortText::new(w)
            .map_err(|e| errors.push(err("why", e.to_string())))
            .ok()
    });
    let set_on = ctx.existing.map_or(form.now.today, |g| g.record.set_on);
    let goal = match (area, words) {
        (Some(area), Some(in_own_words)) => Some(Goal {
            client_id: ctx.client_id,
            area,
            in_own_words,
            why_it_matters: why,
            set_on,
            target_date: form.date("target"),
            status: parse_code(form, "status", &mut errors).unwrap_or(GoalStatus::Active),
            progress: score(form, "progress").unwrap_or(Score::new(0).expect("zero")),
        }),
        _ => None,
    };
    if let Some(goal) = &goal
        && let Err(e) = goal.validate()
    {
        errors.push(err("target", e.to_string()));
    }
    let goal_id = ctx.existing.map_or(0, |g| g.id);
    let mut changed_actions = Vec::new();
    for action in ctx.actions {
        let step_key = action_key(action.id, "step");
        let Ok(step) = ShortText::new(form.text(&step_key).trim()) else {
            errors.push(err(&step_key, "an action needs a step"));
            continue;
        };
        let done = form.yes(&action_key(action.id, "done"));
        let a = &action.record;
        let done_on = match (done, a.done_on) {
            (true, Some(day)) => Some(day),
            (true, None) => Some(form.now.today),
            (false, _) => None,
        };
        if step != a.step || done_on != a.done_on {
            changed_actions.push((
                action.id,
                action.row_version,
                GoalAction {
                    step,
                    done_on,
                    ..a.clone()
                },
            ));
        }
    }
    let new_action = form
        .optional("new_step")
        .and_then(|step| match ShortText::new(step) {
            Ok(step) => Some(GoalAction {
                goal_id,
                step,
                owner: parse_code(form, "new_owner", &mut errors).unwrap_or(ActionOwner::Client),
                due_on: form.date("new_due"),
                done_on: None,
            }),
            Err(e) => {
                errors.push(err("new_step", e.to_string()));
                None
            }
        });
    match goal {
        Some(goal) if errors.is_empty() => Ok(GoalRecord {
            goal,
            changed_actions,
            new_action,
        }),
        _ => Err(errors),
    }
}

// ---------------------------------------------------------------- client

pub struct ClientContext<'a> {
    pub existing: Option<&'a Stored<Client>>,
    /// Key workers to choose from: id and name.
    pub workers: &'a [(i64, String)],
    pub default_worker: Option<i64>,
    pub suggested_reference: ServiceRef,
}

pub fn client_form(title: String, now: Now, ctx: &ClientContext<'_>) -> Form {
    let workers: Vec<Opt> = ctx
        .workers
        .iter()
        .map(|(id, name)| Opt::new(id.to_string(), name.clone()))
        .collect();
    let substances = coded_options!(Substance);
    let specs = vec![
        Spec::new("reference", "Reference", Kind::Line { max: 12 }).required(),
        Spec::new("given", "Given name", Kind::Line { max: 100 }).required(),
        Spec::new("family", "Family name", Kind::Line { max: 100 }).required(),
        Spec::new("preferred", "Preferred name", Kind::Line { max: 100 }),
        Spec::new("dob", "Date of birth", Kind::Date).required(),
        Spec::new("nhs", "NHS number", Kind::Line { max: 12 }),
        Spec::new("worker", "Key worker", Kind::Choice(workers)).required(),
        Spec::new(
            "status",
            "Status",
            Kind::Choice(coded_options!(ClientStatus)),
        )
        .required(),
        Spec::new("referral", "Referral date", Kind::Date).required(),
        Spec::new("start", "Treatment start", Kind::Date),
        Spec::new(
            "modality",
            "Treatment",
            Kind::Choice(coded_options!(Modality)),
        )
        .required(),
        Spec::new(
            "primary",
            "Primary substance",
            Kind::Choice(substances.clone()),
        )
        .required(),
        Spec::new("others", "Other substances", Kind::Multi(substances)),
        Spec::new(
            "injecting",
            "Injecting",
            Kind::Choice(coded_options!(InjectingStatus)),
        )
        .required(),
        Spec::new("shared_care", "Shared-care GP", Kind::Line { max: 100 }),
        Spec::new("overdose", "Overdose risk", Kind::YesNo),
        Spec::new("naloxone", "Naloxone held", Kind::YesNo),
        Spec::new("naloxone_on", "Naloxone supplied", Kind::Date),
        Spec::new("safeguarding", "Safeguarding", Kind::YesNo),
        Spec::new("prison", "Prison release", Kind::Date),
        Spec::new(
            "hep_b",
            "Hep B vaccination",
            Kind::Choice(with_none("not recorded", coded_options!(HepBStatus))),
        ),
        Spec::new("hep_c", "Hep C tested", Kind::Date),
        Spec::new("hiv", "HIV tested", Kind::Date),
    ];
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let date = |d: Option<chrono::NaiveDate>| d.map(show_date).unwrap_or_default();
    let initial: Vec<(&str, String)> = match ctx.existing {
        Some(stored) => {
            let c = &stored.record;
            let r = &c.risk;
            vec![
                ("reference", c.reference.to_string()),
                ("given", c.given_name.to_string()),
                ("family", c.family_name.to_string()),
                (
                    "preferred",
                    c.preferred_name
                        .as_ref()
                        .map(Name::to_string)
                        .unwrap_or_default(),
                ),
                ("dob", show_date(c.date_of_birth)),
                (
                    "nhs",
                    c.nhs_number
                        .as_ref()
                        .map(|n| n.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                ("worker", c.key_worker_id.to_string()),
                ("status", c.status.code().into()),
                ("referral", show_date(c.referral_date)),
                ("start", date(c.treatment_start)),
                ("modality", c.modality.code().into()),
                ("primary", c.primary_substance.code().into()),
                (
                    "others",
                    c.other_substances
                        .iter()
                        .map(|s| s.code())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                ("injecting", c.injecting.code().into()),
                (
                    "shared_care",
                    c.shared_care
                        .as_ref()
                        .map(Name::to_string)
                        .unwrap_or_default(),
                ),
                ("overdose", yes(r.overdose_risk)),
                ("naloxone", yes(r.naloxone_held)),
                ("naloxone_on", date(r.naloxone_supplied_on)),
                ("safeguarding", yes(r.safeguarding_children)),
                ("prison", date(r.prison_release_on)),
                (
                    "hep_b",
                    r.hep_b.map(|h| h.code().to_owned()).unwrap_or_default(),
                ),
                ("hep_c", date(r.hep_c_tested_on)),
                ("hiv", date(r.hiv_tested_on)),
            ]
        }
        None => vec![
            ("reference", ctx.suggested_reference.to_string()),
            (
                "worker",
                ctx.default_worker
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
            ),
            ("status", ClientStatus::Active.code().into()),
            ("referral", show_date(now.today)),
            ("injecting", InjectingStatus::Never.code().into()),
        ],
    };
    let mut form = Form::new(title, specs, &initial, now);
    form.focus_key(if ctx.existing.is_some() {
        "preferred"
    } else {
        "given"
    });
    form
}

pub fn build_client(form: &Form) -> Result<Client, Errors> {
    let mut errors = Errors::new();
    let mut name = |key: &str| -> Option<Name> {
        form.optional(key).and_then(|n| {
            Name::new(n)
                .map_err(|e| errors.push(err(key, e.to_string())))
                .ok()
        })
    };
    let given = name("given");
    let family = name("family");
    let preferred = name("preferred");
    let shared_care = name("shared_care");
    let reference = ServiceRef::new(&form.text("reference"))
        .map_err(|e| errors.push(err("reference", e.to_string())))
        .ok();
    let nhs_number = form.optional("nhs").and_then(|n| {
        NhsNumber::new(&n)
            .map_err(|e| errors.push(err("nhs", e.to_string())))
            .ok()
    });
    let key_worker_id = form.text("worker").parse::<i64>().ok();
    let primary: Option<Substance> = parse_code(form, "primary", &mut errors);
    let others: BTreeSet<Substance> = form
        .codes("others")
        .iter()
        .filter_map(|c| Substance::from_code(c))
        .collect();
    let client = match (
        reference,
        given,
        family,
        form.date("dob"),
        key_worker_id,
        form.date("referral"),
        primary,
    ) {
        (
            Some(reference),
            Some(given_name),
            Some(family_name),
            Some(date_of_birth),
            Some(key_worker_id),
            Some(referral_date),
            Some(primary_substance),
        ) => Some(Client {
            reference,
            given_name,
            family_name,
            preferred_name: preferred,
            date_of_birth,
            nhs_number,
            key_worker_id,
            status: parse_code(form, "status", &mut errors).unwrap_or(ClientStatus::Active),
            referral_date,
            treatment_start: form.date("start"),
            primary_substance,
            other_substances: others,
            injecting: parse_code(form, "injecting", &mut errors).unwrap_or(InjectingStatus::Never),
            modality: parse_code(form, "modality", &mut errors).unwrap_or(Modality::Psychosocial),
            shared_care,
            risk: RiskFlags {
                overdose_risk: form.yes("overdose"),
                naloxone_held: form.yes("naloxone"),
                naloxone_supplied_on: form.date("naloxone_on"),
                safeguarding_children: form.yes("safeguarding"),
                prison_release_on: form.date("prison"),
                hep_b: parse_code(form, "hep_b", &mut errors),
                hep_c_tested_on: form.date("hep_c"),
                hiv_tested_on: form.date("hiv"),
            },
        }),
        _ => None,
    };
    if let Some(client) = &client
        && let Err(e) = client.validate(form.now.today)
    {
        let message = e.to_string();
        let key = if message.contains("birth") {
            "dob"
        } else if message.contains("treatment start") {
            "start"
        } else if message.contains("substance") {
            "others"
        } else {
            "referral"
        };
        errors.push(err(key, message));
    }
    match client {
        Some(client) if errors.is_empty() => Ok(client),
        _ => Err(errors),
    }
}

// ---------------------------------------------------------------- complete a review

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
        Spec::new("kind", "Review", Kind::Choice(kinds)).required(),
        Spec::new(
            "outcome",
            "Outcome",
            Kind::Note {
                max: text::NOTE_MAX_CHARS,
                rows: 5,
            },
        ),
        Spec::new("done", "Date done", Kind::Date).required(),
    ];
    let mut form = Form::new(
        title,
        specs,
        &[
            ("done", show_date(now.today)),
            ("kind", kind.code().to_owned()),
        ],
        now,
    );
    form.focus_key("outcome");
    form
}

pub fn build_review(form: &Form, worker_id: i64) -> Result<(ReviewKind, ReviewCompletion), Errors> {
    let mut errors = Errors::new();
    let outcome = note(form, "outcome", &mut errors);
    let kind = parse_code::<ReviewKind>(form, "kind", &mut errors);
    match (kind, form.date("done")) {
        (_, Some(day)) if day > form.now.today => {
            Err(vec![err("done", "a review cannot be done in the future")])
        }
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

// ---------------------------------------------------------------- acknowledge an alert

/// Acknowledging one of the client's open alerts, with the reason no action is needed now.
pub fn acknowledge_form(
    title: String,
    now: Now,
    open: &[Alert],
    preset: Option<AlertKind>,
) -> Form {
    let alerts = open
        .iter()
        .map(|a| Opt::new(a.kind.code(), format!("{}: {}", a.kind.label(), a.reason)))
        .collect();
    let specs = vec![
        Spec::new("alert", "Alert", Kind::Choice(alerts)).required(),
        Spec::new("reason", "Why", Kind::Line { max: 500 }).required(),
    ];
    let first = preset.or(open.first().map(|a| a.kind));
    let mut form = Form::new(
        title,
        specs,
        &[(
            "alert",
            first.map_or(String::new(), |k| k.code().to_owned()),
        )],
        now,
    );
    form.focus_key("reason");
    form
}

/// The acknowledgement of the chosen alert, answering the cause it had in `open` (the alerts as
/// the form showed them; the caller refuses it if that cause has changed since).
pub fn build_acknowledgement(
    form: &Form,
    client_id: i64,
    worker_id: i64,
    open: &[Alert],
) -> Result<AlertAck, Errors> {
    let mut errors = Errors::new();
    let chosen = AlertKind::from_code(&form.text("alert"))
        .and_then(|kind| open.iter().find(|a| a.kind == kind));
    if chosen.is_none() {
        errors.push(err(
            "alert",
            "this alert is no longer open (its cause changed or a colleague acknowledged it)",
        ));
    }
    let reason = ShortText::new(form.text("reason").trim().to_owned())
        .map_err(|e| errors.push(err("reason", e.to_string())))
        .ok();
    match (chosen, reason) {
        (Some(alert), Some(reason)) if errors.is_empty() => Ok(AlertAck {
            client_id,
            kind: alert.kind,
            cause: alert.cause.clone(),
            reason,
            worker_id,
            acknowledged_on: form.now.today,
        }),
        _ => Err(errors),
    }
}
