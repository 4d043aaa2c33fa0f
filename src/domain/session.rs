//! Sessions (contacts) with a client and what was delivered in them.

use super::{DomainError, NoteText};
use chrono::{NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

code_enum! {
    pub enum SessionKind {
        KeyWork = ("key_work", "1:1 key-work"),
        Group = ("group", "Group"),
        Phone = ("phone", "Phone"),
        Video = ("video", "Video"),
        HomeVisit = ("home_visit", "Home visit"),
        Outreach = ("outreach", "Outreach"),
    }
}

code_enum! {
    pub enum Attendance {
        Attended = ("attended", "Attended"),
        DidNotAttend = ("dna", "Did not attend"),
        CancelledByClient = ("cancelled_by_client", "Cancelled by client"),
        CancelledByService = ("cancelled_by_service", "Cancelled by service"),
    }
}

code_enum! {
    pub enum Intervention {
        MotivationalInterviewing = ("motivational_interviewing", "Motivational interviewing"),
        RelapsePrevention = ("relapse_prevention", "CBT / relapse prevention"),
        ContingencyManagement = ("contingency_management", "Contingency management"),
        HarmReduction = ("harm_reduction", "Harm-reduction advice"),
        NaloxoneSupplied = ("naloxone_supplied", "Naloxone supplied"),
        BbvTest = ("bbv_test", "BBV test"),
        HepBVaccination = ("hep_b_vaccination", "Hep B vaccine dose"),
        HepCTreatmentReferral = ("hep_c_treatment_referral", "Hep C treatment referral"),
        MutualAid = ("mutual_aid", "Mutual-aid link"),
        HousingReferral = ("housing_referral", "Housing referral"),
        EmploymentReferral = ("employment_referral", "Employment referral"),
        BenefitsDebtReferral = ("benefits_debt_referral", "Benefits and debt referral"),
        FamilyReferral = ("family_referral", "Family referral"),
        MedicationReview = ("medication_review", "Medication review"),
    }
}

/// A session's length in minutes, at most eight hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Minutes(u16);

impl Minutes {
    pub const MAX: u16 = 480;
    pub fn new(minutes: u16) -> Result<Self, DomainError> {
        if minutes <= Self::MAX {
            Ok(Self(minutes))
        } else {
            Err(DomainError::OutOfRange {
                what: "duration in minutes",
                min: 0,
                max: Self::MAX.into(),
                value: minutes.into(),
            })
        }
    }
    pub fn get(self) -> u16 {
        self.0
    }
}
impl TryFrom<u16> for Minutes {
    type Error = DomainError;
    fn try_from(m: u16) -> Result<Self, DomainError> {
        Self::new(m)
    }
}
impl From<Minutes> for u16 {
    fn from(m: Minutes) -> u16 {
        m.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub client_id: i64,
    pub worker_id: i64,
    /// Local time at the service.
    pub started_at: NaiveDateTime,
    pub duration: Minutes,
    pub kind: SessionKind,
    pub attendance: Attendance,
    pub note: NoteText,
    pub interventions: BTreeSet<Intervention>,
    pub next_appointment: Option<NaiveDateTime>,
}

impl Session {
    /// Rules across fields, and that a session recorded has happened (by `today`'s date).
    pub fn validate(&self, today: chrono::NaiveDate) -> Result<(), DomainError> {
        if self.started_at.date() > today {
            return Err(DomainError::Rule(
                "a session cannot be in the future; put it as the next appointment instead".into(),
            ));
        }
        let to_the_minute = |t: NaiveDateTime| t.second() == 0 && t.nanosecond() == 0;
        if !to_the_minute(self.started_at) || !self.next_appointment.is_none_or(to_the_minute) {
            return Err(DomainError::Rule(
                "session times are kept to the minute; seconds must be 0".into(),
            ));
        }
        if self
            .next_appointment
            .is_some_and(|next| next <= self.started_at)
        {
            return Err(DomainError::Rule(
                "next appointment is not after this session".into(),
            ));
        }
        if self.attendance != Attendance::Attended && !self.interventions.is_empty() {
            return Err(DomainError::Rule(
                "interventions can only be recorded for a session the client attended".into(),
            ));
        }
        Ok(())
    }
}
