//! Today's clinic for the demo key worker: the slots of a working day, each taken by one of the
//! worker's own active clients whose diary then runs to it (issue 21: the Today view showed
//! three bookings unrelated to anyone's sessions, all "not yet").
//!
//! The morning is over: those seen came, and one did not. The afternoon is still to come:
//! booked by each client's previous session. Appointments "not yet" are all later than any
//! already settled, as on a real day looked at at lunchtime.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

/// How a slot of today's clinic went, or is to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Seen this morning: a session today settled the booking.
    Attended,
    /// Missed this morning: the DNA is recorded against the booking.
    Missed,
    /// This afternoon, booked by the client's previous session.
    NotYet,
}

/// One appointment of today's clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    pub(super) at: NaiveDateTime,
    pub(super) outcome: Outcome,
}

/// The clinic as the generator fills it: whose it is (none on a day without one) and the slot
/// offered to the client being drawn, which that client's timeline takes if it can.
#[derive(Debug, Default)]
pub(super) struct Clinic {
    pub(super) worker_id: Option<i64>,
    pub(super) offer: Option<Slot>,
}

/// The slots in the order they are offered: so that even a small caseload that fills only
/// four (the trainer's 40-client demo may) shows one seen, one DNA and some still to come, the
/// morning and the afternoon alternate.
const SLOTS: [(u32, u32, Outcome); 7] = [
    (9, 30, Outcome::Attended),
    (14, 0, Outcome::NotYet),
    (11, 30, Outcome::Missed),
    (15, 0, Outcome::NotYet),
    (10, 30, Outcome::Attended),
    (16, 0, Outcome::NotYet),
    (12, 0, Outcome::Attended),
];

/// Today's slots: none at a weekend. A key worker holds no clinic on a Saturday or a Sunday
/// (the demo's sessions are never at weekends), so a demo made at a weekend shows an empty
/// today rather than a clinic moved to a day the Today view does not show; the clients'
/// next appointments fall on the coming working days.
pub(super) fn slots(today: NaiveDate) -> Vec<Slot> {
    if is_weekend(today) {
        return Vec::new();
    }
    SLOTS
        .iter()
        .filter_map(|(h, m, outcome)| {
            let at = today.and_hms_opt(*h, *m, 0)?;
            Some(Slot {
                at,
                outcome: *outcome,
            })
        })
        .collect()
}

/// The working day before `date`: the Friday before a Monday.
pub(super) fn working_day_before(date: NaiveDate) -> NaiveDate {
    let mut day = date - Duration::days(1);
    while is_weekend(day) {
        day -= Duration::days(1);
    }
    day
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn a_weekday_has_a_clinic_with_the_morning_before_the_afternoon() {
        // 7 December 2026 is a Monday.
        let slots = slots(d(7));
        assert!((4..=8).contains(&slots.len()));
        let latest_settled = slots
            .iter()
            .filter(|s| s.outcome != Outcome::NotYet)
            .map(|s| s.at)
            .max();
        let earliest_to_come = slots
            .iter()
            .filter(|s| s.outcome == Outcome::NotYet)
            .map(|s| s.at)
            .min();
        assert!(latest_settled < earliest_to_come);
        let first_four: Vec<Outcome> = slots[..4].iter().map(|s| s.outcome).collect();
        assert!(first_four.contains(&Outcome::Attended) && first_four.contains(&Outcome::NotYet));
    }

    #[test]
    fn no_clinic_at_a_weekend_and_the_day_before_a_monday_is_friday() {
        assert!(slots(d(5)).is_empty(), "Saturday");
        assert!(slots(d(6)).is_empty(), "Sunday");
        assert_eq!(working_day_before(d(7)), d(4));
        assert_eq!(working_day_before(d(8)), d(7));
    }
}
