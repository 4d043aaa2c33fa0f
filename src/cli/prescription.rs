//! `keywork prescription start|change|stop`: the prescription form filled from flags, so the
//! shell passes the same rules, role check and audit as the screen.

use super::CliError;
use super::record::{VoidArgs, check, client, fill, first_error};
use crate::domain::prescription::Action;
use crate::domain::{Login, OstPrescription, Prescriber, RecordType, Supervision};
use crate::form::Now;
use crate::form::forms::prescription::{
    SHARED_CARE_GP, build_prescription, context_of, key, prescription_form, team_prescribers,
    write_built,
};
use crate::store::{Store, StoreError};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum PrescriptionCommand {
    /// Start an OST prescription for a client with none.
    Start(PrescribeArgs),
    /// Change the prescription from a date: a new one; the previous ends the day before.
    Change(PrescribeArgs),
    /// Stop the prescription, saying what the client's treatment is now.
    Stop(StopArgs),
    /// Correct a prescription (dose, dates, supervision, pharmacy, prescriber); the earlier
    /// version is kept, and the safe-prescribing checks apply to the corrected dose.
    Amend(AmendArgs),
    /// Mark a prescription entered in error; it stays in the record and counts for nothing
    /// (a change's end goes back to the prescription it ended).
    Void(VoidArgs),
}

#[derive(Debug, Args)]
pub struct AmendArgs {
    /// The prescription's id (the record and the export show it).
    #[arg(long)]
    pub id: i64,
    /// The corrected dose in mg.
    #[arg(long)]
    pub dose_mg: Option<String>,
    /// The corrected start date.
    #[arg(long)]
    pub from: Option<String>,
    /// The corrected last day.
    #[arg(long)]
    pub until: Option<String>,
    /// daily_supervised, some_take_home, all_take_home or clinic_administered.
    #[arg(long)]
    pub supervision: Option<String>,
    /// Take-home days a week, with some_take_home.
    #[arg(long)]
    pub take_home_days: Option<String>,
    /// The dispensing pharmacy, by name.
    #[arg(long, allow_hyphen_values = true)]
    pub pharmacy: Option<String>,
    /// The prescriber on the team, by login.
    #[arg(long, conflicts_with = "gp")]
    pub prescriber: Option<String>,
    /// A shared-care GP who prescribes, by name.
    #[arg(long)]
    pub gp: Option<String>,
    /// Why take-home doses within the first 3 months of OST.
    #[arg(long, allow_hyphen_values = true)]
    pub reason: Option<String>,
    /// Why this dose, when the safe-prescribing checks ask.
    #[arg(long, allow_hyphen_values = true)]
    pub dose_reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct PrescribeArgs {
    /// The client's reference (KW-00042).
    #[arg(long)]
    pub client: String,
    /// methadone, buprenorphine, buprenorphine_depot, diamorphine or other.
    #[arg(long)]
    pub medicine: String,
    /// The name of an other medicine.
    #[arg(long)]
    pub medicine_name: Option<String>,
    /// Dose in mg (a day; for a depot, each injection).
    #[arg(long)]
    pub dose_mg: String,
    /// A depot's interval in days.
    #[arg(long)]
    pub interval_days: Option<String>,
    /// daily_supervised, some_take_home, all_take_home or clinic_administered.
    #[arg(long)]
    pub supervision: String,
    /// Take-home days a week, with some_take_home.
    #[arg(long)]
    pub take_home_days: Option<String>,
    /// From this date [default: today].
    #[arg(long)]
    pub from: Option<String>,
    /// Until this date, if it is known.
    #[arg(long)]
    pub until: Option<String>,
    /// The dispensing pharmacy, by name.
    #[arg(long, allow_hyphen_values = true)]
    pub pharmacy: Option<String>,
    /// Why (a change), and why take-home doses within the first 3 months of OST.
    #[arg(long, allow_hyphen_values = true)]
    pub reason: Option<String>,
    /// Why this dose, when the safe-prescribing checks ask (a start above the usual induction
    /// dose, a steep increase).
    #[arg(long, allow_hyphen_values = true)]
    pub dose_reason: Option<String>,
    /// With take-home doses: yes when safe storage was discussed (required when children are in
    /// the household).
    #[arg(long)]
    pub safe_storage: Option<String>,
    /// A shared-care GP who prescribes, by name [default: the prescriber running this].
    #[arg(long)]
    pub gp: Option<String>,
}

#[derive(Debug, Args)]
pub struct StopArgs {
    /// The client's reference (KW-00042).
    #[arg(long)]
    pub client: String,
    /// The last day of the prescription [default: today].
    #[arg(long, alias = "from")]
    pub on: Option<String>,
    /// Why the prescription stops.
    #[arg(long, allow_hyphen_values = true)]
    pub reason: Option<String>,
    /// The client's treatment now: psychosocial, detox or alcohol.
    #[arg(long)]
    pub modality: String,
}

/// Field keys to flag names, for messages.
const FLAGS: &[(&str, &str)] = &[
    (key::ACTION, "action"),
    (key::MEDICINE, "medicine"),
    (key::MEDICINE_NAME, "medicine-name"),
    (key::DOSE, "dose-mg"),
    (key::INTERVAL_DAYS, "interval-days"),
    (key::SUPERVISION, "supervision"),
    (key::TAKE_HOME_DAYS, "take-home-days"),
    (key::TAKE_HOME_REASON, "reason"),
    (key::DOSE_REASON, "dose-reason"),
    (key::SAFE_STORAGE, "safe-storage"),
    (key::PHARMACY, "pharmacy"),
    (key::FROM, "from"),
    (key::UNTIL, "until"),
    (key::PRESCRIBER, "gp"),
    (key::GP, "gp"),
    (key::ENDED, "on"),
    (key::REASON, "reason"),
    (key::MODALITY, "modality"),
];

pub fn prescription(store: &mut Store, command: &PrescriptionCommand) -> Result<(), CliError> {
    if let Some(refusal) = store.prescribing_refusal()? {
        return Err(StoreError::Refused(refusal).into());
    }
    let (action, reference) = match command {
        PrescriptionCommand::Start(a) => (Action::Start, &a.client),
        PrescriptionCommand::Change(a) => (Action::Change, &a.client),
        PrescriptionCommand::Stop(a) => (Action::Stop, &a.client),
        PrescriptionCommand::Amend(a) => return amend(store, a),
        PrescriptionCommand::Void(a) => {
            store.write_as_prescriber(|w| w.void(RecordType::Prescription, a.id, &a.reason))?;
            println!("Marked prescription {} entered in error.", a.id);
            return Ok(());
        }
    };
    let (client_id, reference) = client(store, reference)?;
    let now = Now {
        today: store.today(),
        now: store.clock().now_local(),
    };
    let (ctx, current) = context_of(store, client_id, now.today)?;
    let prescribers = team_prescribers(store)?;
    let mut form = prescription_form(String::new(), now, &[action], &prescribers);
    let me = store
        .worker_by_login(store.actor())?
        .map(|w| w.id.to_string())
        .filter(|id| prescribers.0.iter().any(|(p, _)| p.to_string() == *id));
    match command {
        PrescriptionCommand::Start(a) | PrescriptionCommand::Change(a) => {
            let prescriber = match &a.gp {
                Some(_) => Some(SHARED_CARE_GP.to_owned()),
                None => me,
            };
            fill(
                &mut form,
                &[
                    (key::MEDICINE, "medicine", Some(&a.medicine)),
                    (
                        key::MEDICINE_NAME,
                        "medicine-name",
                        a.medicine_name.as_deref(),
                    ),
                    (key::DOSE, "dose-mg", Some(&a.dose_mg)),
                    (
                        key::INTERVAL_DAYS,
                        "interval-days",
                        a.interval_days.as_deref(),
                    ),
                    (key::SUPERVISION, "supervision", Some(&a.supervision)),
                    (
                        key::TAKE_HOME_DAYS,
                        "take-home-days",
                        a.take_home_days.as_deref(),
                    ),
                    (key::TAKE_HOME_REASON, "reason", a.reason.as_deref()),
                    (key::DOSE_REASON, "dose-reason", a.dose_reason.as_deref()),
                    (key::SAFE_STORAGE, "safe-storage", a.safe_storage.as_deref()),
                    (key::PHARMACY, "pharmacy", a.pharmacy.as_deref()),
                    (key::FROM, "from", a.from.as_deref()),
                    (key::UNTIL, "until", a.until.as_deref()),
                    (key::PRESCRIBER, "gp", prescriber.as_deref()),
                    (key::GP, "gp", a.gp.as_deref()),
                    (key::REASON, "reason", a.reason.as_deref()),
                ],
            )?;
        }
        PrescriptionCommand::Amend(_) | PrescriptionCommand::Void(_) => {}
        PrescriptionCommand::Stop(a) => fill(
            &mut form,
            &[
                (key::ENDED, "on", a.on.as_deref()),
                (key::REASON, "reason", a.reason.as_deref()),
                (key::MODALITY, "modality", Some(&a.modality)),
            ],
        )?,
    }
    check(&mut form, FLAGS)?;
    let built = build_prescription(&form, &ctx).map_err(|e| first_error(e, FLAGS))?;
    match write_built(store, &built, current.as_ref(), None)? {
        Ok(saved) => {
            println!("{reference}: {}", saved.message);
            Ok(())
        }
        Err(errors) => Err(first_error(errors, FLAGS)),
    }
}

/// Parses a flag's value, naming the flag if it is refused.
fn flag<T>(
    name: &str,
    value: Option<&String>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, CliError> {
    value
        .map(|v| parse(v.trim()).map_err(|e| CliError::Usage(format!("--{name}: {e}"))))
        .transpose()
}

/// A one-line text flag: blank is refused rather than stored.
fn text(value: &str) -> Result<String, String> {
    if value.is_empty() {
        Err("give the text, or leave the flag out".into())
    } else {
        Ok(value.to_owned())
    }
}

/// `keywork prescription amend --id N ...`: the stored prescription with the flags given
/// changed, written through the store's amendment (earlier version kept, checks run).
fn amend(store: &mut Store, a: &AmendArgs) -> Result<(), CliError> {
    let today = store.today();
    let stored = store.get::<OstPrescription>(a.id)?;
    let mut p = stored.record.clone();
    let date = |t: &str| crate::form::dates::parse_date(t, today);
    let dose = flag("dose-mg", a.dose_mg.as_ref(), |t| {
        t.parse::<f64>()
            .map_err(|_| format!("'{t}' is not a dose in mg"))
    })?;
    let from = flag("from", a.from.as_ref(), date)?;
    let until = flag("until", a.until.as_ref(), date)?;
    let supervision = flag("supervision", a.supervision.as_ref(), |t| {
        t.parse::<Supervision>().map_err(|e| e.to_string())
    })?;
    let days = flag("take-home-days", a.take_home_days.as_ref(), |t| {
        t.parse::<u8>()
            .map_err(|_| format!("'{t}' is not a number of days from 1 to 6"))
    })?;
    let pharmacy = flag("pharmacy", a.pharmacy.as_ref(), text)?;
    let gp = flag("gp", a.gp.as_ref(), text)?;
    let reason = flag("reason", a.reason.as_ref(), text)?;
    let dose_reason = flag("dose-reason", a.dose_reason.as_ref(), text)?;
    let prescriber = match &a.prescriber {
        Some(login) => {
            let worker = Login::new(login.trim())
                .ok()
                .and_then(|l| store.worker_by_login(&l).ok().flatten())
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "--prescriber: {login} is not on the team; `keywork worker list` shows who is"
                    ))
                })?;
            Some(Prescriber::Worker(worker.id))
        }
        None => gp.map(Prescriber::Named),
    };
    let given = [
        dose.is_some(),
        from.is_some(),
        until.is_some(),
        supervision.is_some(),
        days.is_some(),
        pharmacy.is_some(),
        prescriber.is_some(),
        reason.is_some(),
        dose_reason.is_some(),
    ];
    if !given.contains(&true) {
        return Err(CliError::Usage(
            "nothing to amend: give the prescription's corrected --dose-mg, --from, --until, \
             --supervision, --take-home-days, --pharmacy, --prescriber or --gp"
                .into(),
        ));
    }
    p.rx.dose_mg = dose.unwrap_or(p.rx.dose_mg);
    p.rx.started_on = from.unwrap_or(p.rx.started_on);
    p.rx.ended_on = until.or(p.rx.ended_on);
    p.rx.supervision = supervision.unwrap_or(p.rx.supervision);
    p.terms.take_home_days = match p.rx.supervision {
        Supervision::PartlySupervised => days.or(p.terms.take_home_days),
        _ if days.is_some() => {
            return Err(CliError::Usage(
                "--take-home-days: only with --supervision some_take_home".into(),
            ));
        }
        _ => None,
    };
    if p.rx.supervision == Supervision::PartlySupervised && p.terms.take_home_days.is_none() {
        return Err(CliError::Usage(
            "--take-home-days: some_take_home says how many days a week (1 to 6)".into(),
        ));
    }
    if !p.rx.supervision.has_take_home() {
        p.terms.take_home_reason = None;
    }
    p.terms.take_home_reason = reason.or(p.terms.take_home_reason);
    p.terms.pharmacy = pharmacy.or(p.terms.pharmacy);
    p.terms.prescriber = prescriber.or(p.terms.prescriber);
    p.terms.dose_reason = dose_reason.or(p.terms.dose_reason);
    store.write_as_prescriber(|w| w.amend(a.id, stored.row_version, &p))?;
    println!(
        "Amended prescription {} (earlier version kept): {}.",
        a.id,
        p.summary()
    );
    Ok(())
}
