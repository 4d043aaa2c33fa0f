//! The Treatment Outcomes Profile as a form: when and at which stage, the other substance's name,
//! then every item in the order of the paper form, each typed as a number or `d` for declined.

use super::{
    Errors, FormKind, Handler, Opened, Opening, Opens, Saved, Saves, Saving, built,
    write_and_forget_draft,
};
use crate::domain::Name;
use crate::domain::top::{Answer, Measure, Top, TopItem, TopStage};
use crate::form::dates::{parse_date, show_date};
use crate::form::{Form, Kind, Now, Opt, REQUIRED_ANSWER, Spec, parse_answer};
use crate::store::Store;
use std::collections::BTreeMap;

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const ON: &str = "on";
    pub const STAGE: &str = "stage";
}

const OTHER_NAME: &str = "other_substance";

fn err(key: &str, message: impl Into<String>) -> (String, String) {
    (key.to_owned(), message.into())
}

/// A TOP to fill in: completed today at `stage`, every item blank.
pub fn top_form(title: String, now: Now, stage: TopStage) -> Form {
    let stages = TopStage::ALL
        .iter()
        .map(|s| Opt::new(s.code(), s.label()))
        .collect();
    let mut specs = vec![
        Spec::new(key::ON, "Completed on", Kind::Date).required(),
        Spec::new(key::STAGE, "Stage", Kind::Choice(stages)).required(),
        Spec::new(OTHER_NAME, "Other substance", Kind::Line { max: 100 }),
    ];
    for item in TopItem::ALL {
        let measure = item.measure();
        let spec = Spec::new(item.code(), item.short_label(), Kind::Answer { measure });
        // An amount is asked only for a substance used, which the build checks.
        specs.push(if measure == Measure::Amount {
            spec
        } else {
            spec.required()
        });
    }
    let initial = [
        (key::ON, show_date(now.today)),
        (key::STAGE, stage.code().to_owned()),
    ];
    let mut form = Form::new(title, specs, &initial, now);
    form.focus_key(TopItem::AlcoholDays.code());
    form
}

/// The field a [`Top::validate`] message belongs on.
fn key_for(message: &str) -> &'static str {
    TopItem::ALL
        .iter()
        .find(|item| message.starts_with(&format!("{}:", item.label())))
        .map_or(
            if message.contains("other substance") {
                OTHER_NAME
            } else {
                key::ON
            },
            |item| item.code(),
        )
}

/// The TOP the form holds, or each field's error. Every days, scale and yes/no item the form
/// requires (all but an item never asked of a TOP being amended) needs an answer or declined;
/// an amount is needed when its days are above 0 and must be blank when they are 0.
pub fn build_top(form: &Form, client_id: i64, worker_id: i64) -> Result<Top, Errors> {
    let mut errors = Errors::new();
    let completed_on = match parse_date(form.text(key::ON).trim(), form.now.today) {
        Ok(day) if day > form.now.today => {
            errors.push(err(key::ON, "a TOP cannot be completed in the future"));
            None
        }
        Ok(day) => Some(day),
        Err(_) if form.optional(key::ON).is_none() => {
            errors.push(err(key::ON, "required"));
            None
        }
        Err(why) => {
            errors.push(err(key::ON, why));
            None
        }
    };
    let stage = TopStage::from_code(&form.text(key::STAGE));
    if stage.is_none() {
        errors.push(err(key::STAGE, "choose one of the options"));
    }
    let other_substance = form.optional(OTHER_NAME).and_then(|n| {
        Name::new(n)
            .map_err(|e| errors.push(err(OTHER_NAME, e.to_string())))
            .ok()
    });
    let mut answers = BTreeMap::new();
    for item in TopItem::ALL {
        let key = item.code();
        let measure = item.measure();
        let answer = match parse_answer(&form.text(key), measure) {
            Ok(answer) => answer,
            Err(why) => {
                errors.push(err(key, why));
                continue;
            }
        };
        let days = item.days_item().map(|d| form.answer(d.code()));
        let required = form.field(key).is_some_and(|f| f.spec.required);
        match (answer, days) {
            (None, None) if required => errors.push(err(key, REQUIRED_ANSWER)),
            (None, None) => {}
            (None, Some(Some(Answer::Value(d)))) if d > 0.0 => errors.push(err(
                key,
                "required when the days used are above 0, or d for declined",
            )),
            (Some(_), Some(Some(Answer::Value(0.0)))) => {
                errors.push(err(key, "leave blank when the days used are 0"))
            }
            (Some(answer), _) => {
                answers.insert(*item, answer);
            }
            (None, Some(_)) => {}
        }
    }
    let (Some(completed_on), Some(stage)) = (completed_on, stage) else {
        return Err(errors);
    };
    let top = Top {
        client_id,
        worker_id,
        completed_on,
        stage,
        other_substance,
        answers,
    };
    if errors.is_empty()
        && let Err(e) = top.validate()
    {
        let message = e.to_string();
        errors.push(err(key_for(&message), message));
    }
    if errors.is_empty() {
        Ok(top)
    } else {
        Err(errors)
    }
}

/// An open TOP form, with the referral date that bounds its date, and the TOP being amended,
/// if it is one.
#[derive(Debug)]
pub struct TopForm {
    referral: chrono::NaiveDate,
    amending: Option<crate::domain::Stored<Top>>,
}

/// An answer as it is typed: a number, or `d` for declined.
fn answer_text(answer: Answer) -> String {
    match answer {
        Answer::Declined => "d".to_owned(),
        Answer::Value(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Answer::Value(v) => v.to_string(),
    }
}

/// A stored TOP's values, keyed for the form.
fn values(top: &Top) -> Vec<(&'static str, String)> {
    let mut values = vec![
        (key::ON, show_date(top.completed_on)),
        (key::STAGE, top.stage.code().to_owned()),
        (
            OTHER_NAME,
            top.other_substance
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
        ),
    ];
    values.extend(TopItem::ALL.iter().map(|item| {
        (
            item.code(),
            top.answer(*item).map(answer_text).unwrap_or_default(),
        )
    }));
    values
}

/// A TOP recorded before tobacco was asked (schema 14) has no tobacco answer: its amendment
/// leaves the item optional, since an answer never asked can be neither required nor declined.
fn leave_unasked_optional(form: &mut Form, top: &Top) {
    if top.answer(TopItem::TobaccoDays).is_none()
        && let Some(field) = form
            .fields
            .iter_mut()
            .find(|f| f.spec.key == TopItem::TobaccoDays.code())
    {
        field.spec.required = false;
    }
}

/// The TOP an amendment form opens on: the entry selected, or a resumed draft's target.
fn to_amend(o: &Opening<'_>) -> crate::store::Result<Option<crate::domain::Stored<Top>>> {
    use crate::domain::RecordType;
    let id = match (o.entry, o.draft) {
        (Some((RecordType::Top, id)), _) => Some(id),
        (_, Some(draft)) => draft.target_id,
        _ => None,
    };
    id.map(|id| o.store.get::<Top>(id)).transpose()
}

/// Which TOP a client owes now: the start TOP, a review, or once they have left the exit TOP
/// and, when that is recorded, the post-treatment exit (`exit_top_recorded`).
fn top_stage(status: &crate::store::CaseloadRow, exit_top_recorded: bool) -> TopStage {
    use crate::domain::{Basis, ClientStatus, ReviewKind};
    if matches!(
        status.status,
        ClientStatus::Discharged | ClientStatus::Transferred
    ) {
        // The exit TOP is owed only by a client who started treatment (see the caseload's rule).
        return if exit_top_recorded && status.treatment_start.is_some() {
            TopStage::PostTreatmentExit
        } else {
            TopStage::Exit
        };
    }
    let owed = status.owed.iter().find(|d| d.kind == ReviewKind::Outcomes);
    match owed.map(|d| d.basis) {
        Some(Basis::StartTop { .. }) => TopStage::Start,
        _ => TopStage::Review,
    }
}

pub fn open(o: &Opening<'_>) -> Opens {
    if let Some(top) = to_amend(o)? {
        let client = top.record.client_id;
        let title = o.client_title("Amend TOP", client)?;
        let mut form = top_form(title, o.now, top.record.stage);
        super::prefill(&mut form, &values(&top.record));
        leave_unasked_optional(&mut form, &top.record);
        return Ok(Ok(Opened {
            form,
            client_id: Some(client),
            handler: Box::new(TopForm {
                referral: super::referral_of(o.store, client)?,
                amending: Some(top),
            }),
        }));
    }
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let status = o.store.client_status(client, o.intervals)?;
    let exit_top_recorded = o
        .store
        .exited_owing_top_of(crate::store::Scope::Team, &[client], o.intervals)?
        .is_empty();
    let title = o.client_title("Treatment Outcomes Profile", client)?;
    Ok(Ok(Opened {
        form: top_form(title, o.now, top_stage(&status, exit_top_recorded)),
        client_id: Some(client),
        handler: Box::new(TopForm {
            referral: super::referral_of(o.store, client)?,
            amending: None,
        }),
    }))
}

impl Handler for TopForm {
    fn target(&self) -> (Option<i64>, Option<i64>) {
        super::target_of(&self.amending)
    }

    fn adopt_versions(&mut self, target: Option<i64>, _version: &dyn Fn(&str) -> Option<i64>) {
        super::adopt_target(&mut self.amending, target);
    }

    fn accept_current(
        &mut self,
        what: crate::domain::RecordType,
        id: i64,
        current: i64,
        _store: &Store,
    ) {
        super::accept_target(&mut self.amending, what, id, current);
    }

    fn check(&self, form: &Form, s: &Saving<'_>) -> Errors {
        build_top(form, s.client_id, s.worker_id)
            .err()
            .unwrap_or_default()
    }

    fn kind(&self) -> FormKind {
        FormKind::Top
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let top = built!(build_top(form, s.client_id, s.worker_id));
        if let Some(error) = super::before_referral(key::ON, top.completed_on, self.referral) {
            return Ok(Err(vec![error]));
        }
        if let Some(previous) = &self.amending {
            let amended = Top {
                worker_id: previous.record.worker_id,
                ..top
            };
            write_and_forget_draft(store, s.draft_id, |w| {
                w.amend(previous.id, previous.row_version, &amended)
            })?;
            return Ok(Ok(Saved::said(
                "TOP amended; the earlier version is kept (v on it shows it).",
            )));
        }
        write_and_forget_draft(store, s.draft_id, |w| w.insert(&top))?;
        Ok(Ok(Saved::said(format!("{} TOP saved.", top.stage.label()))))
    }
}
