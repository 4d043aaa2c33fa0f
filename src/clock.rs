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

    /// How long until the service's date next changes, for the screen to wake then and move to
    /// the new day; `None` on a clock set by `--today`, whose day never turns.
    pub fn until_next_day(&self) -> Option<std::time::Duration> {
        match self.fixed_today {
            Some(_) => None,
            None => Some(until_next_day(&Local::now())),
        }
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

/// The time from `now` to the start of its next local day, plus a second so that a wake-up at
/// the end of it finds the date already turned. Where a clock change skips midnight (a few zones
/// move their clocks at 00:00), the day starts at the first local time that exists.
pub fn until_next_day<Tz: TimeZone>(now: &DateTime<Tz>) -> std::time::Duration {
    let zone = now.timezone();
    let tomorrow = now.date_naive().succ_opt().unwrap_or(NaiveDate::MAX);
    let start = (0..24)
        .filter_map(|hour| {
            let local = tomorrow.and_hms_opt(hour, 0, 0)?;
            zone.from_local_datetime(&local).earliest()
        })
        .next();
    let wait = match start {
        Some(start) => start.signed_duration_since(now.clone()),
        // No hour of tomorrow exists here: wake in a day and look again.
        None => chrono::TimeDelta::days(1),
    };
    wait.to_std().unwrap_or_default() + std::time::Duration::from_secs(1)
}

use chrono::Timelike;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;
    use std::time::Duration;

    fn at(
        offset_hours: i32,
        date: (i32, u32, u32),
        time: (u32, u32, u32),
    ) -> DateTime<FixedOffset> {
        let zone = FixedOffset::east_opt(offset_hours * 3600).unwrap();
        let local = NaiveDate::from_ymd_opt(date.0, date.1, date.2)
            .unwrap()
            .and_hms_opt(time.0, time.1, time.2)
            .unwrap();
        zone.from_local_datetime(&local).unwrap()
    }

    #[test]
    fn the_next_day_starts_at_local_midnight_and_a_second() {
        assert_eq!(
            until_next_day(&at(0, (2026, 12, 8), (23, 59, 0))),
            Duration::from_secs(61)
        );
        assert_eq!(
            until_next_day(&at(0, (2026, 12, 8), (0, 0, 0))),
            Duration::from_secs(24 * 3600 + 1),
            "just after midnight, the whole day"
        );
        assert_eq!(
            until_next_day(&at(0, (2026, 12, 8), (12, 30, 15))),
            Duration::from_secs(11 * 3600 + 29 * 60 + 45 + 1)
        );
    }

    #[test]
    fn the_next_day_is_local_not_utc() {
        // 22:00 in UTC+1 is 21:00 UTC: two hours to the local midnight, not three.
        assert_eq!(
            until_next_day(&at(1, (2026, 7, 1), (22, 0, 0))),
            Duration::from_secs(2 * 3600 + 1)
        );
        assert_eq!(
            until_next_day(&at(-5, (2026, 7, 1), (23, 0, 0))),
            Duration::from_secs(3600 + 1)
        );
    }

    #[test]
    fn the_year_and_a_leap_day_turn_like_any_other() {
        assert_eq!(
            until_next_day(&at(0, (2026, 12, 31), (23, 0, 0))),
            Duration::from_secs(3600 + 1)
        );
        assert_eq!(
            until_next_day(&at(0, (2028, 2, 28), (23, 30, 0))),
            Duration::from_secs(1800 + 1)
        );
    }

    #[test]
    fn a_clock_set_by_today_never_turns() {
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(clock.until_next_day(), None);
        let wait = Clock::system()
            .until_next_day()
            .expect("the system clock turns");
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(25 * 3600 + 1));
    }
}
