//! Completing a review that is owed: care plan, prescribing or risk.

use super::*;
use crate::domain::*;
use crate::form::dates::show_date;
use crate::form::{Form, Kind, Now, Spec};

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const KIND: &str = "kind";
    pub const OUTCOME: &str = "outcome";
    pub const DONE: &str = "done";
    // The prescribing review's checklist, shown only for a prescribing review.
    pub const DOSE: &str = "dose";
    pub const NEW_DOSE: &str = "new_dose_mg";
    pub const DOSE_REASON: &str = "dose_reason";
    pub const SUPERVISION: &str = "supervision";
    pub const NEW_SUPERVISION: &str = "new_supervision";
    pub const TAKE_HOME_DAYS: &str = "take_home_days";
    pub const TAKE_HOME_REASON: &str = "take_home_reason";
    pub const ON_TOP: &str = "on_top_use";
    pub const SEDATIVES: &str = "sedatives";
    pub const DIVERSION: &str = "diversion";
    pub const NALOXONE: &str = "naloxone";
    pub const REDUCE: &str = "ready_to_reduce";
}

/// The prescribing review's checklist fields, shown only while the kind is prescribing.
fn checklist_specs() -> Vec<Spec> {
    let prescribing = ReviewKind::Prescribing.code();
    let shown = |spec: Spec| spec.shown_when(key::KIND, prescribing);
    vec![
        shown(
            Spec::new(
                key::DOSE,
                "Dose",
                Kind::Choice(coded_options!(DoseDecision)),
            )
            .required(),
        ),
        Spec::new(key::NEW_DOSE, "New dose (mg)", Kind::Line { max: 8 })
            .required()
            .shown_when(key::DOSE, "increased|reduced"),
        Spec::new(
            key::DOSE_REASON,
            "Reason for the dose (if asked)",
            Kind::Line {
                max: crate::domain::prescription::LINE_MAX,
            },
        )
        .shown_when(key::DOSE, "increased"),
        shown(
            Spec::new(
                key::SUPERVISION,
                "Supervision",
                Kind::Choice(coded_options!(SupervisionDecision)),
            )
            .required(),
        ),
        Spec::new(
            key::NEW_SUPERVISION,
            "Supervision now",
            Kind::Choice(coded_options!(Supervision)),
        )
        .required()
        .shown_when(key::SUPERVISION, "relaxed|increased"),
        Spec::new(
            key::TAKE_HOME_DAYS,
            "Take-home days a week",
            Kind::Integer { min: 1, max: 6 },
        )
        .required()
        .shown_when(key::NEW_SUPERVISION, Supervision::PartlySupervised.code()),
        Spec::new(
            key::TAKE_HOME_REASON,
            "Reason for take-home (first 3 months)",
            Kind::Line {
                max: crate::domain::prescription::LINE_MAX,
            },
        )
        .shown_when(key::NEW_SUPERVISION, "some_take_home|all_take_home"),
        shown(Spec::new(key::ON_TOP, "On-top use discussed", Kind::YesNo)),
        shown(Spec::new(
            key::SEDATIVES,
            "Sedatives alongside",
            Kind::Multi(coded_options!(Sedative)),
        )),
        shown(Spec::new(key::DIVERSION, "Diversion concerns", Kind::YesNo)),
        shown(Spec::new(key::NALOXONE, "Naloxone offered", Kind::YesNo)),
        shown(Spec::new(key::REDUCE, "Ready to reduce", Kind::YesNo)),
    ]
}

/// The risk flags a risk review confirms or changes, by key: shown only for a risk review.
pub mod risk_key {
    pub const OVERDOSE: &str = "risk_overdose";
    pub const NALOXONE: &str = "risk_naloxone";
    pub const NALOXONE_ON: &str = "risk_naloxone_on";
    pub const SAFEGUARDING: &str = "risk_safeguarding";
    pub const INJECTING: &str = "risk_injecting";
    pub const HEP_B: &str = "risk_hep_b";
    pub const HEP_C: &str = "risk_hep_c";
    pub const HIV: &str = "risk_hiv";
}

/// The reviews completed with this form; a TOP review is done by recording a TOP.
const REVIEW_KINDS: [ReviewKind; 3] = [
    ReviewKind::CarePlan,
    ReviewKind::Prescribing,
    ReviewKind::Risk,
];

/// The review form, its kind preset to the review the worker chose.
pub fn review_form(title: String, now: Now, kind: ReviewKind) -> Form {
    let kinds = options(&REVIEW_KINDS, ReviewKind::code, ReviewKind::label);
    let mut specs = vec![Spec::new(key::KIND, "Review", Kind::Choice(kinds)).required()];
    specs.extend(checklist_specs());
    specs.extend([
        Spec::new(
            key::OUTCOME,
            "Outcome",
            Kind::Note {
                max: text::NOTE_MAX_CHARS,
                rows: 5,
            },
        ),
        Spec::new(key::DONE, "Date done", Kind::Date).required(),
    ]);
    let specs = [specs, risk_fields()].concat();
    let mut form = Form::new(
        title,
        specs,
        &[
            (key::DONE, show_date(now.today)),
            (key::KIND, kind.code().to_owned()),
            (key::DOSE, DoseDecision::Unchanged.code().to_owned()),
            (
                key::SUPERVISION,
                SupervisionDecision::Unchanged.code().to_owned(),
            ),
        ],
        now,
    );
    form.focus_key(if kind == ReviewKind::Prescribing {
        key::DOSE
    } else {
        key::OUTCOME
    });
    form
}

/// The prescribing review's checklist, for a prescribing review only.
pub fn build_checklist(form: &Form) -> Result<Option<PrescribingChecklist>, Errors> {
    let mut errors = Errors::new();
    if parse_code::<ReviewKind>(form, key::KIND, &mut errors) != Some(ReviewKind::Prescribing) {
        return Ok(None);
    }
    let dose = parse_code::<DoseDecision>(form, key::DOSE, &mut errors);
    let supervision = parse_code::<SupervisionDecision>(form, key::SUPERVISION, &mut errors);
    let (Some(dose), Some(supervision)) = (dose, supervision) else {
        return Err(errors);
    };
    let new_dose_mg = match dose {
        DoseDecision::Unchanged => None,
        _ => match form.text(key::NEW_DOSE).trim().parse::<f64>() {
            Ok(mg) if mg > 0.0 && mg <= crate::domain::prescription::MAX_DOSE_MG => Some(mg),
            _ => {
                errors.push(err(key::NEW_DOSE, "a dose in mg, more than 0"));
                None
            }
        },
    };
    let new_supervision = match supervision {
        SupervisionDecision::Unchanged => None,
        _ => parse_code::<Supervision>(form, key::NEW_SUPERVISION, &mut errors),
    };
    let sedatives = form
        .codes(key::SEDATIVES)
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect();
    let checklist = PrescribingChecklist {
        dose,
        new_dose_mg,
        supervision,
        new_supervision,
        on_top_use_discussed: form.yes(key::ON_TOP),
        sedatives,
        diversion_concerns: form.yes(key::DIVERSION),
        naloxone_offered: form.yes(key::NALOXONE),
        ready_to_reduce: form.yes(key::REDUCE),
    };
    if errors.is_empty() {
        Ok(Some(checklist))
    } else {
        Err(errors)
    }
}

/// The risk flags, asked in a risk review so the worker confirms or changes each in the same
/// breath as recording the review (prefilled from the client's record when the form opens).
fn risk_fields() -> Vec<Spec> {
    use risk_key::*;
    let risk = ReviewKind::Risk.code();
    [
        Spec::new(OVERDOSE, "Overdose risk", Kind::YesNo),
        Spec::new(NALOXONE, "Naloxone held", Kind::YesNo),
        Spec::new(NALOXONE_ON, "Naloxone supplied", Kind::Date),
        Spec::new(SAFEGUARDING, "Safeguarding children", Kind::YesNo),
        Spec::new(
            INJECTING,
            "Injecting",
            Kind::Choice(coded_options!(InjectingStatus)),
        ),
        Spec::new(
            HEP_B,
            "Hep B vaccination",
            Kind::Choice(with_none("not recorded", coded_options!(HepBStatus))),
        ),
        Spec::new(HEP_C, "Last hep C test", Kind::Date),
        Spec::new(HIV, "Last HIV test", Kind::Date),
    ]
    .into_iter()
    .map(|spec| spec.shown_when(key::KIND, risk))
    .collect()
}

/// The client's risk flags as the risk fields show them.
fn risk_values(c: &Client) -> Vec<(&'static str, String)> {
    use risk_key::*;
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let date = |d: Option<chrono::NaiveDate>| d.map(show_date).unwrap_or_default();
    let r = &c.risk;
    vec![
        (OVERDOSE, yes(r.overdose_risk)),
        (NALOXONE, yes(r.naloxone_held)),
        (NALOXONE_ON, date(r.naloxone_supplied_on)),
        (SAFEGUARDING, yes(r.safeguarding_children)),
        (INJECTING, c.injecting.code().to_owned()),
        (
            HEP_B,
            r.hep_b.map(|h| h.code().to_owned()).unwrap_or_default(),
        ),
        (HEP_C, date(r.hep_c_tested_on)),
        (HIV, date(r.hiv_tested_on)),
    ]
}

/// The client as the risk fields leave them: flags confirmed or changed, the rest as read.
pub fn build_risk(form: &Form, read: &Client) -> Result<Client, Errors> {
    use risk_key::*;
    let mut errors = Errors::new();
    let mut date = |key: &str| {
        let day = form.date(key);
        if day.is_some_and(|d| d > form.now.today) {
            errors.push(err(key, "this date is in the future"));
        }
        day
    };
    let risk = RiskFlags {
        overdose_risk: form.yes(OVERDOSE),
        naloxone_held: form.yes(NALOXONE),
        naloxone_supplied_on: date(NALOXONE_ON),
        safeguarding_children: form.yes(SAFEGUARDING),
        hep_c_tested_on: date(HEP_C),
        hiv_tested_on: date(HIV),
        hep_b: None,
        ..read.risk.clone()
    };
    let injecting = parse_code(form, INJECTING, &mut errors).unwrap_or(read.injecting);
    let hep_b = parse_code(form, HEP_B, &mut errors);
    if errors.is_empty() {
        Ok(Client {
            injecting,
            risk: RiskFlags { hep_b, ..risk },
            ..read.clone()
        })
    } else {
        Err(errors)
    }
}

/// The prescription a review's dose or supervision change makes, from the review's date: the
/// current one with what changed.
pub fn changed_prescription(
    form: &Form,
    checklist: &PrescribingChecklist,
    current: &OstPrescription,
    on: chrono::NaiveDate,
) -> OstPrescription {
    let mut next = current.clone();
    next.rx.started_on = on;
    next.rx.ended_on = None;
    next.terms.end_reason = None;
    // A reason belongs to the dose it explains: a new one, or none.
    next.terms.dose_reason = None;
    if let Some(mg) = checklist.new_dose_mg {
        next.rx.dose_mg = mg;
        next.terms.dose_reason = form.optional(key::DOSE_REASON);
    }
    if let Some(s) = checklist.new_supervision {
        next.rx.supervision = s;
        next.terms.take_home_days = (s == Supervision::PartlySupervised)
            .then(|| form.integer(key::TAKE_HOME_DAYS))
            .flatten()
            .and_then(|d| u8::try_from(d).ok());
        next.terms.take_home_reason = s
            .has_take_home()
            .then(|| form.optional(key::TAKE_HOME_REASON))
            .flatten();
    }
    next
}

pub fn build_review(form: &Form, worker_id: i64) -> Result<(ReviewKind, ReviewCompletion), Errors> {
    let mut errors = Errors::new();
    let outcome = note(form, key::OUTCOME, &mut errors);
    let kind = parse_code::<ReviewKind>(form, key::KIND, &mut errors);
    match (kind, form.date(key::DONE)) {
        (_, Some(day)) if day > form.now.today => Err(vec![err(
            key::DONE,
            "a review cannot be done in the future",
        )]),
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

/// What a review changes besides itself: a prescribing review's checklist and prescription
/// change, or a risk review's flags over the client as read.
struct Changes<'a> {
    checklist: Option<&'a PrescribingChecklist>,
    prescription: Option<(&'a Stored<OstPrescription>, OstPrescription)>,
    risk: Option<(&'a Stored<Client>, Client)>,
}

/// Completes the review with what it changes, all in one transaction: the checklist, the
/// prescription change (a new one from the review's date; for prescribers and team leads), the
/// risk flags confirmed or changed.
fn write_review(
    store: &mut Store,
    draft: Option<i64>,
    review: &Review,
    changes: Changes<'_>,
) -> Result<std::result::Result<(), Errors>> {
    let done_on = review.completion.as_ref().map(|c| c.completed_on);
    let prescribes = changes.prescription.is_some();
    let write = |w: &Writer<'_>| {
        let id = w.complete_review(review)?;
        if let Some(checklist) = changes.checklist {
            w.set_review_checklist(id, checklist)?;
        }
        if let Some((current, next)) = &changes.prescription {
            w.change_prescription(
                current.id,
                current.row_version,
                next,
                Some("prescribing review"),
            )?;
        }
        if let (Some((read, client)), Some(on)) = (&changes.risk, done_on) {
            w.review_risk_flags(read.id, read.row_version, client, on)?;
        }
        if let Some(id) = draft {
            w.delete_draft(id)?;
        }
        Ok(())
    };
    let written = if prescribes {
        store.write_as_prescriber(write)
    } else {
        store.write(write)
    };
    match written {
        Ok(()) => Ok(Ok(())),
        Err(crate::store::StoreError::Invalid {
            what: RecordType::Prescription,
            source,
        }) => Ok(Err(vec![err(key::DOSE, source.to_string())])),
        Err(e) => Err(e),
    }
}

/// An open review form: the reviews owed when it opened. The save answers one of these due
/// dates, so a colleague completing the same review meanwhile is noticed rather than doubled.
#[derive(Debug)]
pub struct ReviewForm {
    owed: Vec<Due>,
    /// The prescription open when the form opened, which a dose or supervision change ends.
    prescribing: Option<Stored<OstPrescription>>,
    /// The client as read when a new review opened: a risk review saves its risk fields over it.
    client: Option<Stored<Client>>,
    /// The completed review being amended, if it is one.
    amending: Option<Stored<Review>>,
    /// The review being amended has a checklist kept with it.
    had_checklist: bool,
}

/// The review an amendment form opens on: the entry selected, or a resumed draft's target.
fn to_amend(o: &Opening<'_>) -> Result<Option<Stored<Review>>> {
    let id = match (o.entry, o.draft) {
        (Some((RecordType::Review, id)), _) => Some(id),
        (_, Some(draft)) => draft.target_id,
        _ => None,
    };
    id.map(|id| o.store.get::<Review>(id)).transpose()
}

/// The checklist's values, to open an amendment on what the review recorded.
fn checklist_values(c: &PrescribingChecklist) -> Vec<(&'static str, String)> {
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let mut values = vec![
        (key::DOSE, c.dose.code().to_owned()),
        (key::SUPERVISION, c.supervision.code().to_owned()),
        (key::ON_TOP, yes(c.on_top_use_discussed)),
        (
            key::SEDATIVES,
            c.sedatives
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>()
                .join(","),
        ),
        (key::DIVERSION, yes(c.diversion_concerns)),
        (key::NALOXONE, yes(c.naloxone_offered)),
        (key::REDUCE, yes(c.ready_to_reduce)),
    ];
    if let Some(mg) = c.new_dose_mg {
        values.push((key::NEW_DOSE, mg.to_string()));
    }
    if let Some(s) = c.new_supervision {
        values.push((key::NEW_SUPERVISION, s.code().to_owned()));
    }
    values
}

/// The form to amend a completed review: its kind stays; its outcome, date and (a prescribing
/// review's) checklist may change. Correcting the checklist corrects what the review recorded,
/// not the prescription it changed: that is amended on its own entry.
fn open_amendment(o: &Opening<'_>, review: Stored<Review>) -> Opens {
    let client = review.record.client_id;
    let title = o.client_title("Amend review", client)?;
    let mut form = review_form(title, o.now, review.record.kind);
    let mut values = Vec::new();
    if let Some(done) = &review.record.completion {
        values.push((key::OUTCOME, done.outcome.as_str().to_owned()));
        values.push((key::DONE, show_date(done.completed_on)));
    }
    let checklist = o.store.review_checklist(review.id)?;
    if let Some(checklist) = &checklist {
        values.extend(checklist_values(checklist));
    }
    prefill(&mut form, &values);
    Ok(Ok(Opened {
        form,
        client_id: Some(client),
        handler: Box::new(ReviewForm {
            owed: Vec::new(),
            prescribing: None,
            client: None,
            amending: Some(review),
            had_checklist: checklist.is_some(),
        }),
    }))
}

/// The review the worker means by "complete a review": the one selected in the reviews pane,
/// else the client's most overdue (a TOP counts: it opens the TOP form), else the care plan.
fn review_to_complete(selected: Option<Due>, owed: &[Due]) -> ReviewKind {
    match selected {
        Some(due) => due.kind,
        None => owed
            .iter()
            .min_by_key(|d| d.due_on)
            .map_or(ReviewKind::CarePlan, |d| d.kind),
    }
}

pub fn open(o: &Opening<'_>) -> Opens {
    if let Some(review) = to_amend(o)? {
        return open_amendment(o, review);
    }
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let owed = o.store.client_status(client, o.intervals)?.owed;
    // A resumed draft brings back the kind it was written for.
    let kind = match o.draft {
        Some(_) => ReviewKind::CarePlan,
        None => review_to_complete(o.selected_review, &owed),
    };
    if kind == ReviewKind::Outcomes {
        return super::top::open(o);
    }
    let title = o.client_title("Complete a review", client)?;
    let (_, prescribing) = super::prescription::context_of(o.store, client, o.now.today)?;
    let mut form = review_form(title, o.now, kind);
    let read = o.store.get::<Client>(client)?;
    prefill(&mut form, &risk_values(&read.record));
    Ok(Ok(Opened {
        form,
        client_id: Some(client),
        handler: Box::new(ReviewForm {
            owed,
            prescribing,
            client: Some(read),
            amending: None,
            had_checklist: false,
        }),
    }))
}

impl ReviewForm {
    /// The client with the risk fields applied, when a new risk review changes any flag.
    fn risk_change(&self, form: &Form) -> Option<Result<Client, Errors>> {
        let read = self.client.as_ref()?;
        if form.text(key::KIND) != ReviewKind::Risk.code() {
            return None;
        }
        match build_risk(form, &read.record) {
            Ok(client) if client == read.record => None,
            built => Some(built),
        }
    }
}

impl Handler for ReviewForm {
    fn target(&self) -> (Option<i64>, Option<i64>) {
        super::target_of(&self.amending)
    }

    fn adopt_versions(&mut self, target: Option<i64>, _version: &dyn Fn(&str) -> Option<i64>) {
        adopt_target(&mut self.amending, target);
    }

    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, _store: &Store) {
        accept_target(&mut self.amending, what, id, current);
        accept_target(&mut self.client, what, id, current);
    }

    fn check(&self, form: &Form, s: &Saving<'_>) -> Errors {
        let mut errors = build_review(form, s.worker_id).err().unwrap_or_default();
        errors.extend(build_checklist(form).err().unwrap_or_default());
        if let Some(Err(risk)) = self.risk_change(form) {
            errors.extend(risk);
        }
        errors
    }

    fn kind(&self) -> FormKind {
        FormKind::Review
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let (kind, done) = built!(build_review(form, s.worker_id));
        if let Some(previous) = &self.amending {
            if kind != previous.record.kind {
                return Ok(Err(vec![err(
                    key::KIND,
                    "an amendment keeps the review's kind: mark it entered in error and record \
                     the right one",
                )]));
            }
            let completed_by = previous
                .record
                .completion
                .as_ref()
                .map_or(done.completed_by, |c| c.completed_by);
            let amended = Review {
                completion: Some(ReviewCompletion {
                    completed_by,
                    ..done
                }),
                ..previous.record.clone()
            };
            // A review kept without a checklist (recorded before there was one) gains one only
            // when the amendment says something in it: the form's defaults are not an answer.
            let checklist = built!(build_checklist(form)).filter(|c| {
                self.had_checklist
                    || c.changes_prescription()
                    || c.on_top_use_discussed
                    || !c.sedatives.is_empty()
                    || c.diversion_concerns
                    || c.naloxone_offered
                    || c.ready_to_reduce
            });
            write_and_forget_draft(store, s.draft_id, |w| {
                w.amend(previous.id, previous.row_version, &amended)?;
                match &checklist {
                    Some(checklist) => w.set_review_checklist(previous.id, checklist),
                    None => Ok(()),
                }
            })?;
            return Ok(Ok(Saved::said(
                "Review amended; the earlier version is kept (v on it shows it).",
            )));
        }
        let Some(due) = self.owed.iter().find(|d| d.kind == kind) else {
            return Ok(Err(vec![err(
                key::KIND,
                format!("{} is not owed by this client", kind.label()),
            )]));
        };
        let checklist = built!(build_checklist(form));
        let change = match (&checklist, &self.prescribing) {
            (Some(c), Some(current)) if c.changes_prescription() => Some((
                current,
                changed_prescription(form, c, &current.record, done.completed_on),
            )),
            (Some(c), None) if c.changes_prescription() => {
                return Ok(Err(vec![err(
                    key::DOSE,
                    "no prescription is recorded to change: record it with P first",
                )]));
            }
            _ => None,
        };
        let review = Review {
            client_id: s.client_id,
            kind,
            due_on: due.due_on,
            completion: Some(done),
        };
        let risk = match self.risk_change(form) {
            Some(Err(errors)) => return Ok(Err(errors)),
            Some(Ok(client)) => self.client.as_ref().map(|read| (read, client)),
            None => None,
        };
        let changes = Changes {
            checklist: checklist.as_ref(),
            prescription: change,
            risk,
        };
        if let Err(errors) = write_review(store, s.draft_id, &review, changes)? {
            return Ok(Err(errors));
        }
        // Saved: from here nothing may report failure, or the worker would save it twice.
        let next = store
            .client_status(s.client_id, s.intervals)
            .ok()
            .and_then(|status| status.owed.into_iter().find(|d| d.kind == kind));
        Ok(Ok(Saved::said(match next {
            Some(next) => format!(
                "{} done; the next is due {}.",
                kind.label(),
                uk_date(next.due_on)
            ),
            None => format!("{} done.", kind.label()),
        })))
    }
}
