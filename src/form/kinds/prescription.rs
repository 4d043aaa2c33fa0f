//! Starting, changing or stopping an OST prescription. A change is a new prescription from a
//! date (the previous one ends the day before), never an edit of history; a stop asks what the
//! client's treatment is now. The client's modality follows in the same transaction (see
//! `store::prescriptions`). Only prescribers and team leads record prescriptions.

use super::*;
use crate::domain::dose_check::{
    DoseLimits, EarlierDose, Finding, TakeHomeFacts, blocking, check_dose, check_ecg,
};
use crate::domain::prescription::{Action, LINE_MAX, MAX_DOSE_MG, early_take_home};
use crate::domain::*;
use crate::form::dates::show_date;
use crate::form::{Form, Kind, Now, Opt, Spec};
use crate::store::{Stopping, StoreError, TAKE_HOME_REASON_NEEDED, ost_start};
use chrono::NaiveDate;

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const ACTION: &str = "action";
    pub const MEDICINE: &str = "medicine";
    pub const MEDICINE_NAME: &str = "medicine_name";
    pub const DOSE: &str = "dose_mg";
    pub const INTERVAL_DAYS: &str = "interval_days";
    pub const SUPERVISION: &str = "supervision";
    pub const TAKE_HOME_DAYS: &str = "take_home_days";
    pub const TAKE_HOME_REASON: &str = "take_home_reason";
    pub const DOSE_REASON: &str = "dose_reason";
    pub const SAFE_STORAGE: &str = "safe_storage_discussed";
    pub const PHARMACY: &str = "pharmacy";
    pub const FROM: &str = "from";
    pub const UNTIL: &str = "until";
    pub const PRESCRIBER: &str = "prescriber";
    pub const GP: &str = "gp";
    pub const ENDED: &str = "ended_on";
    pub const REASON: &str = "reason";
    pub const MODALITY: &str = "modality";
}

/// The prescriber choice meaning a shared-care GP named in the next field.
pub const SHARED_CARE_GP: &str = "gp";

/// Fields shown while starting, changing or amending.
const PRESCRIBING: &str = "start|change|amend";

/// The prescribers the form offers: those on the team, then a shared-care GP by name.
#[derive(Debug, Clone, Default)]
pub struct Prescribers(pub Vec<(i64, String)>);

impl Prescribers {
    fn options(&self) -> Vec<Opt> {
        let mut options = vec![Opt::new("", "Not recorded")];
        options.extend(
            self.0
                .iter()
                .map(|(id, name)| Opt::new(id.to_string(), name.clone())),
        );
        options.push(Opt::new(SHARED_CARE_GP, "Shared-care GP (name below)"));
        options
    }
}

fn line(key: &str, label: &str) -> Spec {
    Spec::new(key, label, Kind::Line { max: LINE_MAX })
}

/// The prescribing fields a start or change shows.
fn prescribing_specs(prescribers: &Prescribers) -> Vec<Spec> {
    let depot = Medicine::BuprenorphineDepot.code();
    vec![
        Spec::new(
            key::MEDICINE,
            "Medicine",
            Kind::Choice(coded_options!(Medicine)),
        )
        .required()
        .shown_when(key::ACTION, PRESCRIBING),
        line(key::MEDICINE_NAME, "Medicine's name")
            .required()
            .shown_when(key::MEDICINE, Medicine::Other.code()),
        Spec::new(key::DOSE, "Dose (mg)", Kind::Line { max: 8 })
            .required()
            .shown_when(key::ACTION, PRESCRIBING),
        Spec::new(
            key::INTERVAL_DAYS,
            "Depot every (days)",
            Kind::Integer { min: 1, max: 90 },
        )
        .required()
        .shown_when(key::MEDICINE, depot),
        Spec::new(
            key::SUPERVISION,
            "Supervision",
            Kind::Choice(coded_options!(Supervision)),
        )
        .required()
        .shown_when(key::ACTION, PRESCRIBING),
        Spec::new(
            key::TAKE_HOME_DAYS,
            "Take-home days a week",
            Kind::Integer { min: 1, max: 6 },
        )
        .required()
        .shown_when(key::SUPERVISION, Supervision::PartlySupervised.code()),
        line(
            key::TAKE_HOME_REASON,
            "Reason for take-home (first 3 months)",
        )
        .shown_when(key::SUPERVISION, "some_take_home|all_take_home"),
        line(key::PHARMACY, "Dispensing pharmacy").shown_when(key::ACTION, PRESCRIBING),
        Spec::new(key::FROM, "From", Kind::Date)
            .required()
            .shown_when(key::ACTION, PRESCRIBING),
        Spec::new(key::UNTIL, "Until (optional)", Kind::Date).shown_when(key::ACTION, PRESCRIBING),
        Spec::new(
            key::PRESCRIBER,
            "Prescriber",
            Kind::Choice(prescribers.options()),
        )
        .shown_when(key::ACTION, PRESCRIBING),
        line(key::GP, "Shared-care GP")
            .required()
            .shown_when(key::PRESCRIBER, SHARED_CARE_GP),
        // Last, so typing ahead through the usual fields is unchanged; a check that asks for it
        // puts its message here.
        line(key::DOSE_REASON, "Reason for the dose (if asked)")
            .shown_when(key::ACTION, PRESCRIBING),
        // After the reason, for the same reason: asked of every take-home arrangement, required
        // (by the store's check) when children are in the household.
        Spec::new(key::SAFE_STORAGE, "Safe storage discussed", Kind::YesNo)
            .shown_when(key::SUPERVISION, "some_take_home|all_take_home"),
    ]
}

/// The modalities a client may be on once OST stops.
fn after_ost() -> Vec<Opt> {
    Modality::ALL
        .iter()
        .filter(|m| !m.is_ost())
        .map(|m| Opt::new(m.code(), m.label()))
        .collect()
}

/// The prescription form. `actions` are those open to the client: start when nothing is
/// prescribed, else change or stop.
pub fn prescription_form(
    title: String,
    now: Now,
    actions: &[Action],
    prescribers: &Prescribers,
) -> Form {
    let mut specs = vec![
        Spec::new(
            key::ACTION,
            "Action",
            Kind::Choice(options(actions, Action::code, Action::label)),
        )
        .required(),
    ];
    specs.extend(prescribing_specs(prescribers));
    specs.extend([
        Spec::new(key::ENDED, "Last day", Kind::Date)
            .required()
            .shown_when(key::ACTION, Action::Stop.code()),
        line(key::REASON, "Reason").shown_when(key::ACTION, "change|stop"),
        Spec::new(key::MODALITY, "Treatment now", Kind::Choice(after_ost()))
            .required()
            .shown_when(key::ACTION, Action::Stop.code()),
    ]);
    let first = actions.first().copied().unwrap_or(Action::Start);
    let mut form = Form::new(
        title,
        specs,
        &[
            (key::ACTION, first.code().to_owned()),
            (key::FROM, show_date(now.today)),
            (key::ENDED, show_date(now.today)),
        ],
        now,
    );
    form.focus_key(key::MEDICINE);
    form
}

/// What the form's content builds: a prescription to start, one to change to, or a stop.
#[derive(Debug, Clone, PartialEq)]
pub enum Built {
    Start(OstPrescription),
    Change {
        next: OstPrescription,
        reason: Option<String>,
    },
    Stop(Stopping),
    /// The prescription opened for correction, as it should have said.
    Amend(OstPrescription),
}

/// What building needs besides the form: whose prescription, when their OST began, and their
/// prescriptions so far (newest first) for the dose checks.
#[derive(Debug, Clone)]
pub struct Context {
    pub client_id: i64,
    pub modality: Modality,
    pub ost_since: Option<NaiveDate>,
    pub history: Vec<EarlierDose>,
    /// The service's limits for the dose checks, as the store will apply them on saving.
    pub limits: DoseLimits,
    /// The latest ECG not in error (the ECG check counts back from the prescription's start).
    pub latest_ecg: Option<NaiveDate>,
}

/// The safe-prescribing checks on what the form says, as field errors: a refused date on the
/// start date, a refused dose on the dose, a questioned dose without a reason on the reason.
/// The store runs the same checks when it writes ([`crate::store`]'s `prescribed`).
fn dose_errors(p: &OstPrescription, ctx: &Context, today: NaiveDate) -> Errors {
    let earlier: Vec<EarlierDose> = ctx
        .history
        .iter()
        .filter(|e| e.started_on < p.rx.started_on)
        .copied()
        .collect();
    let mut findings = check_dose(p, &earlier, today, &ctx.limits);
    let ecg = TakeHomeFacts {
        latest_ecg: ctx.latest_ecg.filter(|on| *on <= p.rx.started_on),
        ..TakeHomeFacts::default()
    };
    findings.extend(check_ecg(p, &ecg, &ctx.limits));
    let Some(finding) = blocking(&findings, p.terms.dose_reason.is_some()) else {
        return Errors::new();
    };
    let field = match finding {
        Finding::TooFarAhead(_) => key::FROM,
        Finding::Refused(_) => key::DOSE,
        Finding::NeedsReason(_) => key::DOSE_REASON,
    };
    vec![err(field, finding.text())]
}

fn dose(form: &Form, errors: &mut Errors) -> Option<f64> {
    let text = form.text(key::DOSE);
    match text.trim().parse::<f64>() {
        Ok(mg) if mg > 0.0 && mg <= MAX_DOSE_MG => Some(mg),
        _ => {
            errors.push(err(
                key::DOSE,
                format!("a dose in mg, more than 0 and at most {}", MAX_DOSE_MG),
            ));
            None
        }
    }
}

/// The prescriber the form names, if it names one.
fn prescriber(form: &Form) -> Option<Prescriber> {
    match form.text(key::PRESCRIBER).as_str() {
        "" => None,
        SHARED_CARE_GP => form.optional(key::GP).map(Prescriber::Named),
        id => id.parse().ok().map(Prescriber::Worker),
    }
}

/// The interval a depot's days fall in, for the coarse interval column.
fn interval(days: Option<u8>) -> DoseInterval {
    match days {
        None => DoseInterval::Daily,
        Some(d) if d <= 7 => DoseInterval::Weekly,
        Some(_) => DoseInterval::Monthly,
    }
}

fn build_prescribed(form: &Form, ctx: &Context) -> Result<OstPrescription, Errors> {
    let mut errors = Errors::new();
    let medicine = parse_code::<Medicine>(form, key::MEDICINE, &mut errors);
    let supervision = parse_code::<Supervision>(form, key::SUPERVISION, &mut errors);
    let dose_mg = dose(form, &mut errors);
    let from = form.date(key::FROM);
    let (Some(medicine), Some(supervision), Some(dose_mg), Some(from)) =
        (medicine, supervision, dose_mg, from)
    else {
        return Err(errors);
    };
    let interval_days = medicine
        .is_depot()
        .then(|| form.integer(key::INTERVAL_DAYS))
        .flatten()
        .and_then(|d| u8::try_from(d).ok());
    let take_home_days = (supervision == Supervision::PartlySupervised)
        .then(|| form.integer(key::TAKE_HOME_DAYS))
        .flatten()
        .and_then(|d| u8::try_from(d).ok());
    let take_home_reason = supervision
        .has_take_home()
        .then(|| form.optional(key::TAKE_HOME_REASON))
        .flatten();
    let since = ost_start(ctx.modality, ctx.ost_since, from);
    if early_take_home(since, from, supervision) && take_home_reason.is_none() {
        errors.push(err(key::TAKE_HOME_REASON, TAKE_HOME_REASON_NEEDED));
    }
    let ended_on = form.date(key::UNTIL);
    if ended_on.is_some_and(|end| end < from) {
        errors.push(err(key::UNTIL, "the prescription ends before it starts"));
    }
    let p = OstPrescription {
        rx: Prescription {
            client_id: ctx.client_id,
            medicine,
            dose_mg,
            interval: interval(interval_days),
            started_on: from,
            ended_on,
            supervision,
        },
        terms: Terms {
            medicine_name: (medicine == Medicine::Other)
                .then(|| form.optional(key::MEDICINE_NAME))
                .flatten(),
            interval_days,
            take_home_days,
            pharmacy: form.optional(key::PHARMACY),
            prescriber: prescriber(form),
            take_home_reason,
            dose_reason: form.optional(key::DOSE_REASON),
            end_reason: None,
            safe_storage_discussed: supervision
                .has_take_home()
                .then(|| form.yes(key::SAFE_STORAGE)),
        },
    };
    if let Err(e) = p.validate() {
        errors.push(err(key::DOSE, e.to_string()));
    }
    errors.extend(dose_errors(&p, ctx, form.now.today));
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

fn build_stop(form: &Form) -> Result<Stopping, Errors> {
    let mut errors = Errors::new();
    let modality = parse_code::<Modality>(form, key::MODALITY, &mut errors);
    if modality.is_some_and(Modality::is_ost) {
        errors.push(err(key::MODALITY, "after stopping OST: what treatment now"));
    }
    match (form.date(key::ENDED), modality) {
        (Some(day), _) if day > form.now.today => Err(vec![err(
            key::ENDED,
            "a stop is recorded on or after its last day",
        )]),
        (Some(ended_on), Some(modality)) if errors.is_empty() => Ok(Stopping {
            ended_on,
            reason: form.optional(key::REASON),
            modality,
        }),
        (None, _) => Err(vec![err(key::ENDED, "required")]),
        _ => Err(errors),
    }
}

/// Builds what the form says to do, or the fields in error.
pub fn build_prescription(form: &Form, ctx: &Context) -> Result<Built, Errors> {
    let mut errors = Errors::new();
    match parse_code::<Action>(form, key::ACTION, &mut errors) {
        Some(Action::Start) => build_prescribed(form, ctx).map(Built::Start),
        Some(Action::Change) => build_prescribed(form, ctx).map(|next| Built::Change {
            next,
            reason: form.optional(key::REASON),
        }),
        Some(Action::Stop) => build_stop(form).map(Built::Stop),
        Some(Action::Amend) => build_prescribed(form, ctx).map(Built::Amend),
        None if errors.is_empty() => Err(vec![err(key::ACTION, "required")]),
        None => Err(errors),
    }
}

/// Writes what was built against the prescription open when the form opened, as a prescriber
/// (or team lead), with the draft gone in the same transaction. A prescribing rule the store
/// finds (a start while one is open) comes back as a field error.
pub fn write_built(
    store: &mut Store,
    built: &Built,
    current: Option<&Stored<OstPrescription>>,
    draft: Option<i64>,
) -> Saves {
    let open = current.map(|c| (c.id, c.row_version));
    let written = store.write_as_prescriber(|w| {
        let said = match (built, open) {
            (Built::Start(p), _) => {
                w.start_prescription(p)?;
                format!("Prescription started: {}.", p.summary())
            }
            (Built::Change { next, reason }, Some((id, version))) => {
                w.change_prescription(id, version, next, reason.as_deref())?;
                format!(
                    "Prescription changed from {}: {}.",
                    uk_date(next.rx.started_on),
                    next.summary()
                )
            }
            (Built::Amend(p), Some((id, version))) => {
                // Why it ended is not on the form: the correction keeps it.
                let mut amended = p.clone();
                amended.terms.end_reason = current.and_then(|c| c.record.terms.end_reason.clone());
                w.amend(id, version, &amended)?;
                format!(
                    "Prescription amended (earlier version kept): {}.",
                    amended.summary()
                )
            }
            (Built::Stop(stop), Some((id, version))) => {
                w.stop_prescription(id, version, stop)?;
                format!(
                    "Prescription stopped after {}; treatment now {}.",
                    uk_date(stop.ended_on),
                    stop.modality.label()
                )
            }
            (_, None) => {
                return Err(StoreError::Invalid {
                    what: RecordType::Prescription,
                    source: DomainError::Rule("there is no prescription to change or stop".into()),
                });
            }
        };
        if let Some(id) = draft {
            w.delete_draft(id)?;
        }
        Ok(said)
    });
    match written {
        Ok(said) => Ok(Ok(Saved::said(said))),
        Err(StoreError::Invalid { source, .. }) => {
            let field = match built {
                Built::Stop(_) => key::ENDED,
                _ if source.to_string().contains(TAKE_HOME_REASON_NEEDED) => key::TAKE_HOME_REASON,
                _ if source.to_string().contains("record the reason") => key::DOSE_REASON,
                _ if source.to_string().contains("keeps the medicine") => key::MEDICINE,
                _ => key::FROM,
            };
            Ok(Err(vec![err(field, source.to_string())]))
        }
        Err(e) => Err(e),
    }
}

/// The prescribers on the team (current ones), for the prescriber choice.
pub fn team_prescribers(store: &Store) -> crate::store::Result<Prescribers> {
    Ok(Prescribers(
        store
            .members()?
            .into_iter()
            .filter(|m| m.retired_on.is_none() && m.worker.role == Role::Prescriber)
            .map(|m| (m.id, m.worker.display_name.as_str().to_owned()))
            .collect(),
    ))
}

/// The client's facts a prescription is built against, and the prescription open today.
pub fn context_of(
    store: &Store,
    client_id: i64,
    today: NaiveDate,
) -> crate::store::Result<(Context, Option<Stored<OstPrescription>>)> {
    let client = store.get::<Client>(client_id)?.record;
    let ost_since = store.ost_start_for(client_id, today)?;
    let prescriptions = store.prescriptions_of(client_id)?;
    let history = prescriptions
        .iter()
        .map(|p| EarlierDose::from(&p.record.rx))
        .collect();
    let current = prescriptions
        .into_iter()
        .find(|p| p.record.rx.ended_on.is_none_or(|end| end >= today));
    Ok((
        Context {
            client_id,
            modality: client.modality,
            ost_since: client.modality.is_ost().then_some(ost_since),
            history,
            limits: store.dose_limits()?,
            latest_ecg: store.latest_ecg(client_id)?,
        },
        current,
    ))
}

/// An open prescription form: the client's facts and the prescription it changes or stops,
/// at the version read.
#[derive(Debug)]
pub struct PrescriptionForm {
    ctx: Context,
    current: Option<Stored<OstPrescription>>,
    /// Opened from the record to correct `current`: no draft (it could not be resumed as one).
    amending: bool,
}

/// The one line a worker who may not prescribe reads on pressing P: who may, and where to read
/// the prescription instead. Other refusals (a read-only run...) say their own reason.
fn refusal_line(refusal: &Refusal) -> String {
    if let Refusal::NotPrescriber { .. } = refusal {
        return "Only prescribers and team leads record prescriptions; Enter reads the record."
            .to_owned();
    }
    let reason = refusal.reason();
    let mut chars = reason.chars();
    chars.next().map_or_else(String::new, |first| {
        format!("{}{}.", first.to_uppercase(), chars.as_str())
    })
}

pub fn open(o: &Opening<'_>) -> Opens {
    if let Some(refusal) = o.store.prescribing_refusal()? {
        return Ok(Err(refusal_line(&refusal)));
    }
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    if let Some((RecordType::Prescription, id)) = o.entry {
        return open_amendment(o, client, id);
    }
    let (ctx, current) = context_of(o.store, client, o.now.today)?;
    let actions: &[Action] = match current {
        Some(_) => &[Action::Change, Action::Stop],
        None => &[Action::Start],
    };
    let prescribers = team_prescribers(o.store)?;
    let title = o.client_title("Prescription", client)?;
    let mut form = prescription_form(title, o.now, actions, &prescribers);
    if let Some(p) = &current {
        prefill_current(&mut form, &p.record);
    } else if let Some(me) = o
        .default_worker
        .filter(|id| prescribers.0.iter().any(|p| p.0 == *id))
    {
        prefill(&mut form, &[(key::PRESCRIBER, me.to_string())]);
    }
    Ok(Ok(Opened {
        form,
        client_id: Some(client),
        handler: Box::new(PrescriptionForm {
            ctx,
            current,
            amending: false,
        }),
    }))
}

/// `e` on a prescription in the record: the form filled with what it says, to correct it. The
/// dose checks read the client's other prescriptions, not this one's own earlier dose.
fn open_amendment(o: &Opening<'_>, client: i64, id: i64) -> Opens {
    let stored = o.store.get::<OstPrescription>(id)?;
    if o.store.in_error(RecordType::Prescription, id)?.is_some() {
        return Ok(Err(
            "This prescription is marked entered in error: it stays so; record the right one with P."
                .into(),
        ));
    }
    let (mut ctx, _) = context_of(o.store, client, o.now.today)?;
    ctx.history = o
        .store
        .prescriptions_of(client)?
        .iter()
        .filter(|p| p.id != id)
        .map(|p| EarlierDose::from(&p.record.rx))
        .collect();
    let prescribers = team_prescribers(o.store)?;
    let title = o.client_title("Amend prescription", client)?;
    let mut form = prescription_form(title, o.now, &[Action::Amend], &prescribers);
    prefill_current(&mut form, &stored.record);
    let (rx, t) = (&stored.record.rx, &stored.record.terms);
    let mut values = vec![(key::FROM, show_date(rx.started_on))];
    values.extend(
        [
            (key::UNTIL, rx.ended_on.map(show_date)),
            (key::TAKE_HOME_REASON, t.take_home_reason.clone()),
            (key::DOSE_REASON, t.dose_reason.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v))),
    );
    prefill(&mut form, &values);
    Ok(Ok(Opened {
        form,
        client_id: Some(client),
        handler: Box::new(PrescriptionForm {
            ctx,
            current: Some(stored),
            amending: true,
        }),
    }))
}

/// A change starts from what is prescribed now: only what changes is typed.
fn prefill_current(form: &mut Form, p: &OstPrescription) {
    let t = &p.terms;
    let mut values = vec![
        (key::MEDICINE, p.rx.medicine.code().to_owned()),
        (key::DOSE, p.rx.dose_mg.to_string()),
        (key::SUPERVISION, p.rx.supervision.code().to_owned()),
    ];
    let optional = [
        (key::MEDICINE_NAME, t.medicine_name.clone()),
        (key::INTERVAL_DAYS, t.interval_days.map(|d| d.to_string())),
        (key::TAKE_HOME_DAYS, t.take_home_days.map(|d| d.to_string())),
        (key::PHARMACY, t.pharmacy.clone()),
    ];
    values.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    match &t.prescriber {
        Some(Prescriber::Worker(id)) => values.push((key::PRESCRIBER, id.to_string())),
        Some(Prescriber::Named(name)) => {
            values.push((key::PRESCRIBER, SHARED_CARE_GP.to_owned()));
            values.push((key::GP, name.clone()));
        }
        None => {}
    }
    let values: Vec<(&str, String)> = values.into_iter().collect();
    prefill(form, &values);
}

impl Handler for PrescriptionForm {
    fn kind(&self) -> FormKind {
        FormKind::Prescription
    }

    fn target(&self) -> (Option<i64>, Option<i64>) {
        target_of(&self.current)
    }

    fn adopt_versions(&mut self, target: Option<i64>, _version: &dyn Fn(&str) -> Option<i64>) {
        adopt_target(&mut self.current, target);
    }

    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, _store: &Store) {
        accept_target(&mut self.current, what, id, current);
    }

    fn check(&self, form: &Form, _s: &Saving<'_>) -> Errors {
        build_prescription(form, &self.ctx)
            .err()
            .unwrap_or_default()
    }

    fn keeps_drafts(&self) -> bool {
        !self.amending
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let built = built!(build_prescription(form, &self.ctx));
        write_built(store, &built, self.current.as_ref(), s.draft_id)
    }
}
