//! Opioid substitution treatment prescriptions.

use super::{DomainError, Modality};
use chrono::{Months, NaiveDate};
use serde::Serialize;

code_enum! {
    /// The OST medicines; any other opioid is recorded by its name.
    pub enum Medicine {
        Methadone = ("methadone", "Methadone oral solution"),
        Buprenorphine = ("buprenorphine", "Buprenorphine sublingual"),
        BuprenorphineDepot = ("buprenorphine_depot", "Buprenorphine prolonged-release injection"),
        Diamorphine = ("diamorphine", "Diamorphine (heroin-assisted treatment)"),
        Other = ("other", "Other (named)"),
    }
}

impl Medicine {
    /// The client's modality while on this medicine; an other medicine does not say which.
    pub fn modality(self) -> Option<Modality> {
        match self {
            Self::Methadone => Some(Modality::OstMethadone),
            Self::Buprenorphine => Some(Modality::OstBuprenorphine),
            Self::BuprenorphineDepot => Some(Modality::LaiBuprenorphine),
            Self::Diamorphine => Some(Modality::HeroinAssisted),
            Self::Other => None,
        }
    }

    /// A depot injection is given every so many days rather than daily.
    pub fn is_depot(self) -> bool {
        self == Self::BuprenorphineDepot
    }
}

code_enum! {
    /// How often the dose is given: daily for oral OST, weekly or monthly for depot injections.
    pub enum DoseInterval {
        Daily = ("daily", "daily"),
        Weekly = ("weekly", "weekly"),
        Monthly = ("monthly", "monthly"),
    }
}

code_enum! {
    /// Supervised consumption: NICE TA114 asks for daily supervision for at least the first three
    /// months, relaxed only when compliance is assured.
    pub enum Supervision {
        DailySupervised = ("daily_supervised", "Supervised daily"),
        PartlySupervised = ("some_take_home", "Some take-home days a week"),
        TakeHome = ("all_take_home", "All take-home"),
        ClinicAdministered = ("clinic_administered", "Administered in clinic"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prescription {
    pub client_id: i64,
    pub medicine: Medicine,
    /// Dose in milligrams per interval.
    pub dose_mg: f64,
    pub interval: DoseInterval,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub supervision: Supervision,
}

/// Highest dose accepted in mg: above any licensed OST dose, low enough to catch a slip of the keys.
pub const MAX_DOSE_MG: f64 = 1000.0;

impl Prescription {
    pub fn validate(&self) -> Result<(), DomainError> {
        if !(self.dose_mg > 0.0 && self.dose_mg <= MAX_DOSE_MG) {
            return Err(DomainError::Rule(format!(
                "dose must be more than 0 and at most {MAX_DOSE_MG} mg, got {}",
                self.dose_mg
            )));
        }
        if self.ended_on.is_some_and(|end| end < self.started_on) {
            return Err(DomainError::Rule(
                "prescription ends before it starts".into(),
            ));
        }
        Ok(())
    }

    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.started_on <= today && self.ended_on.is_none_or(|end| end >= today)
    }
}

code_enum! {
    /// What a prescriber does to the client's prescription. `Amend` corrects what one says (a
    /// slip of the keys), keeping its earlier version: not a change of treatment.
    pub enum Action {
        Start = ("start", "Start"),
        Change = ("change", "Change from a date"),
        Stop = ("stop", "Stop"),
        Amend = ("amend", "Amend (correct this entry)"),
    }
}

impl Supervision {
    /// Whether the client takes any doses home, which NICE TA114 asks to wait three months.
    pub fn has_take_home(self) -> bool {
        matches!(self, Self::PartlySupervised | Self::TakeHome)
    }
}

/// Who prescribes: a prescriber on the team, or a shared-care GP named as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Prescriber {
    Worker(i64),
    Named(String),
}

/// Longest free text of a prescription's one-line fields (a pharmacy, a reason).
pub const LINE_MAX: usize = 200;

/// What a prescription says besides its medicine, dose, dates and supervision. Kept apart from
/// [`Prescription`] so records made before prescribing was recorded in full still read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Terms {
    /// The medicine's name when it is [`Medicine::Other`].
    pub medicine_name: Option<String>,
    /// A depot's interval in days.
    pub interval_days: Option<u8>,
    /// Take-home days a week, with [`Supervision::PartlySupervised`].
    pub take_home_days: Option<u8>,
    pub pharmacy: Option<String>,
    pub prescriber: Option<Prescriber>,
    /// Why take-home doses within the first three months (NICE TA114).
    pub take_home_reason: Option<String>,
    /// Why a dose the safe-prescribing checks question ([`super::dose_check`]).
    pub dose_reason: Option<String>,
    /// Why it ended: changed or stopped.
    pub end_reason: Option<String>,
    /// With take-home doses and children in the household: whether safe storage was discussed
    /// (None: not asked, as before schema 14).
    pub safe_storage_discussed: Option<bool>,
}

/// A prescription as the prescribing forms record it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OstPrescription {
    #[serde(flatten)]
    pub rx: Prescription,
    #[serde(flatten)]
    pub terms: Terms,
}

/// NICE TA114: daily supervised consumption for at least the first three months of OST.
pub const SUPERVISED_MONTHS: u32 = 3;

/// Whether take-home doses from `from` fall within the first three months of OST begun on
/// `ost_since`, so a reason must be recorded (not forbidden: the prescriber decides).
pub fn early_take_home(ost_since: NaiveDate, from: NaiveDate, supervision: Supervision) -> bool {
    supervision.has_take_home()
        && ost_since
            .checked_add_months(Months::new(SUPERVISED_MONTHS))
            .is_some_and(|three_months| from < three_months)
}

/// The plain-words note the record shows beside early take-home doses.
pub const EARLY_TAKE_HOME_NOTE: &str =
    "take-home doses within the first 3 months: record the reason";

fn line(what: &str, text: &Option<String>) -> Result<(), DomainError> {
    match text {
        Some(t) if t.trim().is_empty() || t.chars().count() > LINE_MAX => Err(DomainError::Rule(
            format!("{what} must be 1 to {LINE_MAX} characters"),
        )),
        _ => Ok(()),
    }
}

impl OstPrescription {
    /// The prescription's own rules and those of its terms, which the schema repeats.
    pub fn validate(&self) -> Result<(), DomainError> {
        self.rx.validate()?;
        let t = &self.terms;
        if (self.rx.medicine == Medicine::Other) != t.medicine_name.is_some() {
            return Err(DomainError::Rule(
                "an other medicine is recorded by its name, and only then".into(),
            ));
        }
        if t.take_home_days.is_some() != (self.rx.supervision == Supervision::PartlySupervised) {
            return Err(DomainError::Rule(
                "some take-home days says how many a week, and only then".into(),
            ));
        }
        if t.take_home_days.is_some_and(|d| !(1..=6).contains(&d)) {
            return Err(DomainError::Rule("take-home days are 1 to 6 a week".into()));
        }
        if t.interval_days.is_some_and(|d| !(1..=90).contains(&d)) {
            return Err(DomainError::Rule("a depot interval is 1 to 90 days".into()));
        }
        line("the medicine's name", &t.medicine_name)?;
        line("the pharmacy", &t.pharmacy)?;
        line("the take-home reason", &t.take_home_reason)?;
        line("the reason for the dose", &t.dose_reason)?;
        line("the reason", &t.end_reason)?;
        if let Some(Prescriber::Named(name)) = &t.prescriber {
            line("the prescriber", &Some(name.clone()))?;
        }
        Ok(())
    }

    /// The medicine as the record names it: an "other" medicine's own name, else the label.
    pub fn medicine(&self) -> &str {
        self.terms
            .medicine_name
            .as_deref()
            .unwrap_or(self.rx.medicine.label())
    }

    /// "Methadone oral solution 30 mg daily, supervised daily", as the record lists it.
    pub fn summary(&self) -> String {
        let p = &self.rx;
        let medicine = self.medicine();
        let every = match self.terms.interval_days {
            Some(days) => format!("every {days} days"),
            None => p.interval.label().to_owned(),
        };
        let supervision = match (p.supervision, self.terms.take_home_days) {
            (Supervision::PartlySupervised, Some(n)) => format!("{n} take-home days a week"),
            (s, _) => s.label().to_lowercase(),
        };
        format!("{medicine} {} mg {every}, {supervision}", p.dose_mg)
    }
}

/// The answer to "safe storage discussed" in words, the same on the screen and in the export:
/// a prescription from before the question was asked (schema 15) says so rather than "no".
pub fn safe_storage_words(answer: Option<bool>) -> &'static str {
    match answer {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not recorded",
    }
}

code_enum! {
    /// A prescribing review's decision on the dose.
    pub enum DoseDecision {
        Unchanged = ("unchanged", "Unchanged"),
        Increased = ("increased", "Increased"),
        Reduced = ("reduced", "Reduced"),
    }
}

code_enum! {
    /// A prescribing review's decision on supervised consumption.
    pub enum SupervisionDecision {
        Unchanged = ("unchanged", "Unchanged"),
        Relaxed = ("relaxed", "Relaxed"),
        Increased = ("increased", "Increased"),
    }
}

code_enum! {
    /// Sedatives taken alongside OST, each adding to overdose risk.
    pub enum Sedative {
        Benzodiazepines = ("benzodiazepines", "Benzodiazepines"),
        Gabapentinoids = ("gabapentinoids", "Gabapentinoids"),
        Alcohol = ("alcohol", "Alcohol"),
    }
}

/// What a prescribing review decided and checked, kept with the review as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PrescribingChecklist {
    pub dose: DoseDecision,
    /// The new dose in mg when it changed.
    pub new_dose_mg: Option<f64>,
    pub supervision: SupervisionDecision,
    /// The new arrangement when it changed.
    pub new_supervision: Option<Supervision>,
    pub on_top_use_discussed: bool,
    pub sedatives: Vec<Sedative>,
    pub diversion_concerns: bool,
    pub naloxone_offered: bool,
    pub ready_to_reduce: bool,
}

impl PrescribingChecklist {
    /// Whether the review changes the prescription (a new one from the review's date).
    pub fn changes_prescription(&self) -> bool {
        self.dose != DoseDecision::Unchanged || self.supervision != SupervisionDecision::Unchanged
    }

    /// The checklist in a line for the record: "dose increased to 40 mg; on-top use discussed".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        match (self.dose, self.new_dose_mg) {
            (DoseDecision::Unchanged, _) => parts.push("dose unchanged".to_owned()),
            (d, Some(mg)) => parts.push(format!("dose {} to {mg} mg", d.label().to_lowercase())),
            (d, None) => parts.push(format!("dose {}", d.label().to_lowercase())),
        }
        match (self.supervision, self.new_supervision) {
            (SupervisionDecision::Unchanged, _) => parts.push("supervision unchanged".to_owned()),
            (d, Some(s)) => parts.push(format!(
                "supervision {}: {}",
                d.label().to_lowercase(),
                s.label().to_lowercase()
            )),
            (d, None) => parts.push(format!("supervision {}", d.label().to_lowercase())),
        }
        let checks = [
            (self.on_top_use_discussed, "on-top use discussed"),
            (self.diversion_concerns, "diversion concerns"),
            (self.naloxone_offered, "naloxone offered"),
            (self.ready_to_reduce, "ready to reduce"),
        ];
        parts.extend(
            checks
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, w)| (*w).to_owned()),
        );
        if !self.sedatives.is_empty() {
            let names: Vec<_> = self
                .sedatives
                .iter()
                .map(|s| s.label().to_lowercase())
                .collect();
            parts.push(format!("sedatives alongside: {}", names.join(", ")));
        }
        parts.join("; ")
    }
}
