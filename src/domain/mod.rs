//! Pure types and rules of key-working: no I/O, no SQL, no terminal.
//!
//! Every value that reaches the store is built from these types, so an invalid value (an NHS number
//! with a wrong check digit, a ruler score of 11, a substance-use goal without a hierarchy level)
//! is refused here before any SQL runs. The schema repeats each rule as a `CHECK` so no other path
//! can write a bad row either.

#[macro_use]
mod code;
pub mod alert;
pub mod appointment;
pub mod audit;
pub mod bbv;
pub mod client;
pub mod clinical_check;
pub mod correction;
pub mod dose_check;
pub mod ecg;
mod error;
pub mod goal;
pub mod missed_dose;
pub mod one_entry;
pub mod plan_structure;
pub mod prescription;
pub mod readiness;
pub mod record;
pub mod review;
pub mod schedule;
pub mod session;
pub mod text;
pub mod top;
pub mod worker;

pub use alert::{
    Acknowledged, Alert, AlertAck, AlertFacts, AlertKind, Appointment, Assessment, TopOpiates,
};
pub use appointment::{AppointmentStatus, BookedAppointment};
pub use audit::{AuditAction, AuditEntry, RecordType};
pub use bbv::{BbvEntry, BbvResult, BbvTest};
pub use client::{
    Client, ClientStatus, HepBStatus, InjectingStatus, Milestones, Modality, NhsNumber, RiskFlags,
    ServiceRef, Substance,
};
pub use correction::{Change, EarlierVersion, InError};
pub use error::DomainError;
pub use goal::{ActionOwner, Goal, GoalAction, GoalArea, GoalDomain, GoalStatus, HierarchyLevel};
pub use one_entry::{BbvTests, HEP_B_COURSE_DOSES};
pub use prescription::{
    DoseDecision, DoseInterval, Medicine, OstPrescription, Prescriber, PrescribingChecklist,
    Prescription, Sedative, Supervision, SupervisionDecision, Terms,
};
pub use readiness::{ReadinessNote, Score, Stage};
pub use record::Stored;
pub use review::{Review, ReviewCompletion, ReviewKind};
pub use schedule::{Basis, Due, Interval, LastReviews, ReviewIntervals, ScheduleFacts};
pub use session::{Attendance, Intervention, Minutes, Session, SessionKind};
pub use text::{Name, NoteText, ShortText};
pub use top::{Answer, Measure, Top, TopItem, TopStage};
pub use worker::{Login, Refusal, Role, Worker};

/// A date as workers write it, UK style: 23/11/2026 (stored ISO 8601).
pub fn uk_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    // What `%d/%m/%Y` writes, without parsing the format string for each of the tens of
    // thousands of dates a team report writes; chrono for years %Y writes otherwise.
    match date.year() {
        year @ 0..=9999 => format!("{:02}/{:02}/{year:04}", date.day(), date.month()),
        _ => date.format("%d/%m/%Y").to_string(),
    }
}

#[cfg(test)]
mod uk_date_tests {
    use chrono::NaiveDate;

    #[test]
    fn uk_date_writes_what_chrono_writes_for_day_month_year() {
        let dates = [
            NaiveDate::MIN,
            NaiveDate::MAX,
            NaiveDate::from_ymd_opt(-1, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(0, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(7, 3, 9).unwrap(),
            NaiveDate::from_ymd_opt(999, 10, 10).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
        ];
        for date in dates {
            assert_eq!(super::uk_date(date), date.format("%d/%m/%Y").to_string());
        }
        assert_eq!(
            super::uk_date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
            "05/01/2026"
        );
    }
}
