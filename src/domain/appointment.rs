//! A booked appointment: the "next appointment" a session sets, then on the day attended or
//! missed. A DNA belongs to the appointment it missed, so each appointment has one outcome.

use super::{DomainError, SessionKind};
use chrono::{NaiveDateTime, Timelike};

code_enum! {
    /// Where a booked appointment stands; attended and DNA are final.
    pub enum AppointmentStatus {
        Booked = ("booked", "not yet"),
        Attended = ("attended", "attended"),
        Dna = ("dna", "DNA"),
    }
}

/// An appointment booked with a client.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BookedAppointment {
    pub client_id: i64,
    /// Whose appointment it is: the worker who booked it.
    pub worker_id: i64,
    pub at: NaiveDateTime,
    pub kind: SessionKind,
    pub status: AppointmentStatus,
    /// The session that set it as its next appointment.
    pub booked_by_session: Option<i64>,
    /// The session that attended it, or the DNA recorded against it.
    pub outcome_session: Option<i64>,
}

impl BookedAppointment {
    /// Times are kept to the minute, and an outcome is there exactly when it is not booked: the
    /// schema's own checks, refused here first with words.
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.at.second() != 0 || self.at.nanosecond() != 0 {
            return Err(DomainError::Rule(
                "appointment times are kept to the minute; seconds must be 0".into(),
            ));
        }
        if (self.status == AppointmentStatus::Booked) != self.outcome_session.is_none() {
            return Err(DomainError::Rule(
                "an appointment has a session linked exactly when it was attended or missed".into(),
            ));
        }
        Ok(())
    }
}
