//! Opioid substitution treatment prescriptions.

use super::DomainError;
use chrono::NaiveDate;
use serde::Serialize;

code_enum! {
    pub enum Medicine {
        Methadone = ("methadone", "Methadone oral solution"),
        Buprenorphine = ("buprenorphine", "Buprenorphine sublingual"),
        BuprenorphineDepot = ("buprenorphine_depot", "Buprenorphine prolonged-release injection"),
        Diamorphine = ("diamorphine", "Diamorphine (heroin-assisted treatment)"),
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
        PartlySupervised = ("partly_supervised", "Supervised some days, take-home others"),
        TakeHome = ("take_home", "Take-home doses"),
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
