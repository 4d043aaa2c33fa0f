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
    date.format("%d/%m/%Y").to_string()
}
