//! The only place that reads the wall clock.
//!
//! Tests and training scripts pass `--today` so every date the program computes (days in
//! treatment, what is overdue, demo data) is reproducible.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    fixed_today: Option<NaiveDate>,
}

impl Clock {
    pub fn system() -> Self {
        Self { fixed_today: None }
    }

    /// A clock stopped at noon on `today`: every timestamp it gives is the same, so runs repeat.
    pub fn fixed(today: NaiveDate) -> Self {
        Self {
            fixed_today: Some(today),
        }
    }

    /// Whether this clock was set by `--today` rather than read from the system.
    pub fn is_fixed(&self) -> bool {
        self.fixed_today.is_some()
    }

    pub fn today(&self) -> NaiveDate {
        self.fixed_today
            .unwrap_or_else(|| Local::now().date_naive())
    }

    /// Local date and time at the service, to the minute.
    pub fn now_local(&self) -> NaiveDateTime {
        let now = match self.fixed_today {
            Some(day) => day.and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("noon")),
            None => Local::now().naive_local(),
        };
        now.date()
            .and_hms_opt(now.time().hour(), now.time().minute(), 0)
            .expect("valid")
    }

    /// The UTC instant recorded in bookkeeping columns, to the second.
    pub fn timestamp(&self) -> DateTime<Utc> {
        match self.fixed_today {
            Some(day) => Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).expect("noon")),
            None => wall_now(),
        }
    }
}

/// The wall clock's UTC instant, to the second, whatever `--today` says: for what must record
/// when a thing really happened (an audit row in a real record, an anchor line, a replica's
/// age), never for a clinical date.
pub fn wall_now() -> DateTime<Utc> {
    let now = Utc::now();
    now.with_nanosecond(0).unwrap_or(now)
}

use chrono::Timelike;
