//! Missed doses: the days a pharmacy reports a client did not collect or take a dose, and the
//! three-in-a-row rule.
//!
//! Pharmacies stop dispensing opioid substitution after three consecutive missed doses and tell
//! the prescriber, because tolerance falls quickly and the usual dose may then be an overdose
//! (the Orange Book 2017, "Drug misuse and dependence", 4.3 and annex A5). The prescriber
//! reassesses before the next dose: a prescribing review, or a new prescription.

use chrono::NaiveDate;

/// How many consecutive missed days stop dispensing (the pharmacies' rule in the Orange Book).
pub const CONSECUTIVE_MISSED_LIMIT: usize = 3;

/// The most dates one quick entry takes: a pharmacy reports a week or two at a time.
pub const MAX_DATES_PER_ENTRY: usize = 31;

/// A run of consecutive missed days that reached [`CONSECUTIVE_MISSED_LIMIT`] and has not been
/// answered by a reassessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissedRun {
    /// The run's first missed day: stable while the run grows, so an acknowledgement holds.
    pub first: NaiveDate,
    /// The day the run reached the limit.
    pub limit_reached: NaiveDate,
    /// The run's latest missed day.
    pub last: NaiveDate,
}

impl MissedRun {
    /// Missed days in the run.
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
}

/// The latest unanswered run of [`CONSECUTIVE_MISSED_LIMIT`] or more consecutive missed days.
///
/// A run is answered by a reassessment after it reached the limit: a prescribing review
/// completed on or after that day (the prescriber reviewed after the pharmacy's call), or a new
/// prescription starting after it. A prescription changed in the middle of a run answers nothing:
/// the pharmacy still counts the days in a row. Once answered, only the days after the
/// reassessment count, so a client who misses three more is flagged again.
pub fn unanswered_run(
    missed: &[NaiveDate],
    last_prescribing_review: Option<NaiveDate>,
    latest_prescription_start: Option<NaiveDate>,
) -> Option<MissedRun> {
    let mut days: Vec<NaiveDate> = missed.to_vec();
    days.sort_unstable();
    days.dedup();
    loop {
        let run = latest_run(&days)?;
        if let Some(review) = last_prescribing_review.filter(|r| *r >= run.limit_reached) {
            days.retain(|d| *d > review);
        } else if let Some(start) = latest_prescription_start.filter(|s| *s > run.limit_reached) {
            days.retain(|d| *d >= start);
        } else {
            return Some(run);
        }
    }
}

/// The latest run reaching the limit in sorted, distinct days.
fn latest_run(days: &[NaiveDate]) -> Option<MissedRun> {
    let mut latest = None;
    let mut start = 0;
    for i in 0..days.len() {
        if i > 0 && (days[i] - days[i - 1]).num_days() != 1 {
            start = i;
        }
        if i - start + 1 >= CONSECUTIVE_MISSED_LIMIT {
            latest = Some(MissedRun {
                first: days[start],
                limit_reached: days[start + CONSECUTIVE_MISSED_LIMIT - 1],
                last: days[i],
            });
        }
    }
    latest
}

/// How many of `missed` fall in the `days` days up to and including `today`: the take-home
/// check's "doses missed in the last four weeks".
pub fn missed_within(missed: &[NaiveDate], today: NaiveDate, days: i64) -> usize {
    missed
        .iter()
        .filter(|d| **d <= today && (today - **d).num_days() < days)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect(text)
    }

    fn days(texts: &[&str]) -> Vec<NaiveDate> {
        texts.iter().map(|t| d(t)).collect()
    }

    /// Each row: name, missed days, last prescribing review, latest prescription start, and the
    /// run expected (first, limit reached, last) or none.
    #[test]
    fn three_consecutive_missed_days_until_reassessed() {
        type Row<'a> = (
            &'a str,
            &'a [&'a str],
            Option<&'a str>,
            Option<&'a str>,
            Option<(&'a str, &'a str, &'a str)>,
        );
        let rows: &[Row] = &[
            ("none missed", &[], None, None, None),
            (
                "two in a row",
                &["2026-12-01", "2026-12-02"],
                None,
                None,
                None,
            ),
            (
                "three in a row",
                &["2026-12-01", "2026-12-02", "2026-12-03"],
                None,
                None,
                Some(("2026-12-01", "2026-12-03", "2026-12-03")),
            ),
            (
                "three, in any order, one twice",
                &["2026-12-03", "2026-12-01", "2026-12-02", "2026-12-02"],
                None,
                None,
                Some(("2026-12-01", "2026-12-03", "2026-12-03")),
            ),
            (
                "three with a gap is not in a row",
                &["2026-12-01", "2026-12-02", "2026-12-04"],
                None,
                None,
                None,
            ),
            (
                "a run growing to five keeps its first day",
                &[
                    "2026-12-01",
                    "2026-12-02",
                    "2026-12-03",
                    "2026-12-04",
                    "2026-12-05",
                ],
                None,
                None,
                Some(("2026-12-01", "2026-12-03", "2026-12-05")),
            ),
            (
                "a review the day before the third does not answer it",
                &["2026-12-01", "2026-12-02", "2026-12-03"],
                Some("2026-12-02"),
                None,
                Some(("2026-12-01", "2026-12-03", "2026-12-03")),
            ),
            (
                "a review on the third day answers it",
                &["2026-12-01", "2026-12-02", "2026-12-03"],
                Some("2026-12-03"),
                None,
                None,
            ),
            (
                "a review before the run answers nothing",
                &["2026-12-01", "2026-12-02", "2026-12-03"],
                Some("2026-11-30"),
                None,
                Some(("2026-12-01", "2026-12-03", "2026-12-03")),
            ),
            (
                "three more after a review raise it again",
                &[
                    "2026-12-01",
                    "2026-12-02",
                    "2026-12-03",
                    "2026-12-05",
                    "2026-12-06",
                    "2026-12-07",
                ],
                Some("2026-12-04"),
                None,
                Some(("2026-12-05", "2026-12-07", "2026-12-07")),
            ),
            (
                "a new prescription starting after the third day answers it",
                &["2026-12-01", "2026-12-02", "2026-12-03"],
                None,
                Some("2026-12-04"),
                None,
            ),
            (
                "a prescription starting on the third day does not",
                &["2026-12-01", "2026-12-02", "2026-12-03"],
                None,
                Some("2026-12-03"),
                Some(("2026-12-01", "2026-12-03", "2026-12-03")),
            ),
            (
                "a prescription changed mid-run resets nothing",
                &["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"],
                None,
                Some("2026-12-02"),
                Some(("2026-12-01", "2026-12-03", "2026-12-04")),
            ),
            (
                "three missed on a new prescription after a run count again",
                &[
                    "2026-12-01",
                    "2026-12-02",
                    "2026-12-03",
                    "2026-12-04",
                    "2026-12-05",
                    "2026-12-06",
                ],
                None,
                Some("2026-12-04"),
                Some(("2026-12-04", "2026-12-06", "2026-12-06")),
            ),
            (
                "a prescription starting on the first day does not",
                &["2026-12-01", "2026-12-02", "2026-12-03"],
                None,
                Some("2026-12-01"),
                Some(("2026-12-01", "2026-12-03", "2026-12-03")),
            ),
        ];
        for (name, missed, review, start, expected) in rows {
            let got = unanswered_run(&days(missed), review.map(d), start.map(d));
            let expected = expected.map(|(first, limit, last)| MissedRun {
                first: d(first),
                limit_reached: d(limit),
                last: d(last),
            });
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn missed_within_counts_the_window_inclusive_of_today() {
        let today = d("2026-12-29");
        let missed = days(&["2026-12-01", "2026-12-02", "2026-12-29", "2026-12-30"]);
        // 28 days up to 29/12 start on 02/12; 30/12 is tomorrow.
        assert_eq!(missed_within(&missed, today, 28), 2);
        assert_eq!(missed_within(&missed, today, 29), 3);
        assert_eq!(missed_within(&[], today, 28), 0);
    }
}
