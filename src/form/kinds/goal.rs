//! A recovery-plan goal and its actions, new or edited.

use super::*;
use crate::domain::*;
use crate::form::dates::show_date;
use crate::form::{Form, Kind, Now, Opt, Spec};

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const DOMAIN: &str = "domain";
    pub const LEVEL: &str = "level";
    pub const WORDS: &str = "words";
    pub const WHY: &str = "why";
    pub const TARGET: &str = "target";
    pub const STATUS: &str = "status";
    pub const PROGRESS: &str = "progress";
    pub const NEW_STEP: &str = "new_step";
    pub const NEW_OWNER: &str = "new_owner";
    pub const NEW_DUE: &str = "new_due";
}

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
        Spec::new(
            key::DOMAIN,
            "Domain",
            Kind::Choice(coded_options!(GoalDomain)),
        )
        .required(),
        Spec::new(key::LEVEL, "Hierarchy level", Kind::Choice(levels))
            .shown_when(key::DOMAIN, GoalDomain::SubstanceUse.code()),
        Spec::new(key::WORDS, "In their words", Kind::Line { max: 500 }).required(),
        Spec::new(key::WHY, "Why it matters", Kind::Line { max: 500 }),
        Spec::new(key::TARGET, "Target date", Kind::Date),
        Spec::new(
            key::STATUS,
            "Status",
            Kind::Choice(coded_options!(GoalStatus)),
        )
        .required(),
        Spec::new(
            key::PROGRESS,
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
    specs.push(Spec::new(
        key::NEW_STEP,
        "New action",
        Kind::Line { max: 500 },
    ));
    specs.push(Spec::new(
        key::NEW_OWNER,
        "  who does it",
        Kind::Choice(coded_options!(ActionOwner)),
    ));
    specs.push(Spec::new(key::NEW_DUE, "  due", Kind::Date));
    match ctx.existing {
        Some(goal) => {
            let g = &goal.record;
            initial.extend([
                (key::DOMAIN.into(), g.area.domain().code().into()),
                (
                    key::LEVEL.into(),
                    g.area
                        .level()
                        .map(|l| l.code().to_owned())
                        .unwrap_or_default(),
                ),
                (key::WORDS.into(), g.in_own_words.as_str().into()),
                (
                    key::WHY.into(),
                    g.why_it_matters
                        .as_ref()
                        .map(|w| w.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                (
                    key::TARGET.into(),
                    g.target_date.map(show_date).unwrap_or_default(),
                ),
                (key::STATUS.into(), g.status.code().into()),
                (key::PROGRESS.into(), g.progress.get().to_string()),
            ]);
        }
        None => initial.extend([
            (key::STATUS.into(), GoalStatus::Active.code().into()),
            (key::PROGRESS.into(), "0".into()),
            (key::NEW_OWNER.into(), ActionOwner::Client.code().into()),
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
    let domain: Option<GoalDomain> = parse_code(form, key::DOMAIN, &mut errors);
    let level = if domain == Some(GoalDomain::SubstanceUse) {
        parse_code(form, key::LEVEL, &mut errors)
    } else {
        None
    };
    let area = domain.and_then(|d| {
        GoalArea::new(d, level)
            .map_err(|e| errors.push(err(key::LEVEL, e.to_string())))
            .ok()
    });
    let words = ShortText::new(form.text(key::WORDS).trim())
        .map_err(|e| errors.push(err(key::WORDS, e.to_string())))
        .ok();
    let why = form.optional(key::WHY).and_then(|w| {
        ShortText::new(w)
            .map_err(|e| errors.push(err(key::WHY, e.to_string())))
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
            target_date: form.date(key::TARGET),
            status: parse_code(form, key::STATUS, &mut errors).unwrap_or(GoalStatus::Active),
            progress: score(form, key::PROGRESS).unwrap_or(Score::new(0).expect("zero")),
        }),
        _ => None,
    };
    if let Some(goal) = &goal
        && let Err(e) = goal.validate()
    {
        errors.push(err(key::TARGET, e.to_string()));
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
        .optional(key::NEW_STEP)
        .and_then(|step| match ShortText::new(step) {
            Ok(step) => Some(GoalAction {
                goal_id,
                step,
                owner: parse_code(form, key::NEW_OWNER, &mut errors).unwrap_or(ActionOwner::Client),
                due_on: form.date(key::NEW_DUE),
                done_on: None,
            }),
            Err(e) => {
                errors.push(err(key::NEW_STEP, e.to_string()));
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

/// An open goal form: the goal edited (if any) and its actions, with the versions read.
#[derive(Debug)]
pub struct GoalForm {
    existing: Option<Stored<Goal>>,
    actions: Vec<Stored<GoalAction>>,
}

/// The draft key of an action's version.
fn action_version_key(id: i64) -> String {
    format!("action:{id}")
}

pub fn open(o: &Opening<'_>) -> Opens {
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let target = match o.draft {
        Some(d) => d.target_id,
        None if o.edit => match o.selected_goal {
            Some(id) => Some(id),
            None => return Ok(Err("This plan has no goals to edit yet; a adds one.".into())),
        },
        None => None,
    };
    let existing = target.map(|id| o.store.get::<Goal>(id)).transpose()?;
    let actions = target
        .map(|id| o.store.goal_actions(id))
        .transpose()?
        .unwrap_or_default();
    let what = if existing.is_some() {
        "Edit goal"
    } else {
        "New goal"
    };
    let ctx = GoalContext {
        client_id: client,
        existing: existing.as_ref(),
        actions: &actions,
    };
    let form = goal_form(o.client_title(what, client)?, o.now, &ctx);
    Ok(Ok(Opened {
        form,
        client_id: Some(client),
        handler: Box::new(GoalForm { existing, actions }),
    }))
}

impl Handler for GoalForm {
    fn check(&self, form: &Form, s: &Saving<'_>) -> Errors {
        build_goal(
            form,
            &GoalContext {
                client_id: s.client_id,
                existing: self.existing.as_ref(),
                actions: &self.actions,
            },
        )
        .err()
        .unwrap_or_default()
    }

    fn kind(&self) -> FormKind {
        FormKind::Goal
    }

    fn target(&self) -> (Option<i64>, Option<i64>) {
        super::target_of(&self.existing)
    }

    fn read_versions(&self) -> Vec<(String, i64)> {
        self.actions
            .iter()
            .map(|a| (action_version_key(a.id), a.row_version))
            .collect()
    }

    fn adopt_versions(&mut self, target: Option<i64>, version: &dyn Fn(&str) -> Option<i64>) {
        adopt_target(&mut self.existing, target);
        for a in &mut self.actions {
            a.row_version = version(&action_version_key(a.id)).unwrap_or(a.row_version);
        }
    }

    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, _store: &Store) {
        match what {
            RecordType::Goal => accept_target(&mut self.existing, what, id, current),
            RecordType::GoalAction => {
                if let Some(a) = self.actions.iter_mut().find(|a| a.id == id) {
                    a.row_version = current;
                }
            }
            _ => {}
        }
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let ctx = GoalContext {
            client_id: s.client_id,
            existing: self.existing.as_ref(),
            actions: &self.actions,
        };
        let record = built!(build_goal(form, &ctx));
        write_and_forget_draft(store, s.draft_id, |w| {
            let goal_id = match &self.existing {
                Some(g) => {
                    w.update_goal(g.id, g.row_version, &record.goal)?;
                    g.id
                }
                None => w.insert(&record.goal)?,
            };
            for (id, version, action) in &record.changed_actions {
                w.update_goal_action(*id, *version, action)?;
            }
            if let Some(action) = &record.new_action {
                w.insert(&GoalAction {
                    goal_id,
                    ..action.clone()
                })?;
            }
            Ok(())
        })?;
        Ok(Ok(Saved::said(if self.existing.is_some() {
            "Goal saved."
        } else {
            "Goal added to the plan."
        })))
    }
}
