//! The reviews done and the TOPs taken, each on its schedule and on a day the client attended a
//! session (a review is done with the client, on a working day): care plan, risk and
//! prescribing reviews every 12 weeks (sooner after an event). The one exception: a client
//! whose care runs on time but who has stopped coming (three DNAs) has a review that falls due
//! after their last attended session held in their absence, on a weekday, and its outcome says
//! so; a TOP never is. TOPs are taken at the first session, every 26 weeks and at the last.
//! Prescribing reviews are also held on every day a prescription changes after titration: the
//! review is where the change is decided.

use super::course::{Course, Span};
use super::outcomes::Profile;
use super::review_words::{self, Decision};
use super::timeline::weekday_within;
use super::{Dice, Team};
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Duration, NaiveDate};

/// The days the client attended a session, in order: the only days a review or TOP is done.
pub(super) struct Seen<'a>(pub(super) &'a [NaiveDate]);

impl Seen<'_> {
    pub(super) fn first(&self) -> Option<NaiveDate> {
        self.0.first().copied()
    }

    pub(super) fn last(&self) -> Option<NaiveDate> {
        self.0.last().copied()
    }

    /// The attended days in `first..=last`.
    pub(super) fn within(&self, first: NaiveDate, last: NaiveDate) -> &[NaiveDate] {
        let from = self.0.partition_point(|d| *d < first);
        let to = self.0.partition_point(|d| *d <= last);
        &self.0[from..to.max(from)]
    }

    /// The attended day in `first..=last` nearest `target` (the earlier of two as near).
    pub(super) fn nearest(
        &self,
        target: NaiveDate,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Option<NaiveDate> {
        self.within(first, last)
            .iter()
            .copied()
            .min_by_key(|d| (*d - target).num_days().abs())
    }

    pub(super) fn attended(&self, day: NaiveDate) -> bool {
        self.0.binary_search(&day).is_ok()
    }

    /// The first attended day on or after `from`, up to `last`.
    pub(super) fn from(&self, from: NaiveDate, last: NaiveDate) -> Option<NaiveDate> {
        self.within(from, last).first().copied()
    }
}

/// The first prescribing review is due four weeks after OST starts, the later ones every 12
/// weeks (the Orange Book 2017, ch. 4: review more often while the dose is being stabilised;
/// the service's own intervals in [`crate::domain::schedule`]).
const PRESCRIBING_FIRST: Duration = Duration::weeks(4);
const EVERY: Duration = Duration::weeks(12);

/// The prescribing reviews the schedule brings, and the days a change of prescription was
/// decided (`changes`, each a review whatever the schedule): each review's due date and the day
/// it was done. The reviews start again after a change of medicine (`switched_on`).
pub(super) fn prescribing_days(
    dice: &mut Dice,
    client: &Client,
    span: &Span,
    course: &Course,
    switched_on: Option<NaiveDate>,
    seen: &Seen<'_>,
    changes: &[NaiveDate],
) -> Vec<(NaiveDate, NaiveDate)> {
    let until = reviews_until(span, course, dice.today);
    let series = |from: NaiveDate, until: NaiveDate, stop, lapse| Series {
        from,
        first_due: from + PRESCRIBING_FIRST,
        every: EVERY,
        until,
        stop,
        events: &[],
        fixed: changes,
        seen,
        on_time: course.on_time,
        lapse,
        in_absence: true,
    };
    let lapse = lapses(client, course);
    match switched_on {
        Some(on) => {
            // The review that decided the switch closes the first medicine's reviews.
            let mut days = series(span.start, on.min(until), None, false).completed(dice);
            let after = on + Duration::days(1);
            let current = Series {
                first_due: on + PRESCRIBING_FIRST,
                ..series(after, until, course.prescribing_stops, lapse)
            };
            days.extend(current.completed(dice));
            days
        }
        None => series(span.start, until, course.prescribing_stops, lapse).completed(dice),
    }
}

/// The prescribing reviews done on `days`, each with the checklist of what it decided (read
/// from the prescriptions: a change exactly when a new one starts that day) and its outcome in
/// words built from that decision.
#[allow(clippy::too_many_arguments)]
pub(super) fn prescribing_reviews(
    w: &Writer<'_>,
    dice: &mut Dice,
    team: &Team,
    client_id: i64,
    client: &Client,
    course: &Course,
    seen: &Seen<'_>,
    days: &[(NaiveDate, NaiveDate)],
    written: &[OstPrescription],
    tops: &[Top],
) -> Result<()> {
    for (due_on, completed_on) in days {
        let decision = Decision::on(*completed_on, written, tops, client, course);
        let outcome = if seen.attended(*completed_on) {
            review_words::prescribing(dice, &decision)
        } else {
            review_words::in_absence(ReviewKind::Prescribing)
        };
        w.insert_review_with_checklist(
            &Review {
                client_id,
                kind: ReviewKind::Prescribing,
                due_on: *due_on,
                completion: Some(ReviewCompletion {
                    completed_on: *completed_on,
                    completed_by: team.prescriber,
                    outcome: NoteText::new(outcome).expect("short"),
                }),
            },
            &decision.checklist,
        )?;
    }
    Ok(())
}

/// The completed care-plan and risk reviews, by the key worker. Risk reviews also follow within
/// a week of a risk flag changing or a release from prison (`events`).
#[allow(clippy::too_many_arguments)]
pub(super) fn reviews(
    w: &Writer<'_>,
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    span: &Span,
    course: &Course,
    final_stage: Stage,
    seen: &Seen<'_>,
    events: &[NaiveDate],
    written: &[OstPrescription],
) -> Result<()> {
    let until = reviews_until(span, course, dice.today);
    let series = |first_due: NaiveDate, stop: Option<NaiveDate>| Series {
        from: span.start,
        first_due,
        every: EVERY,
        until,
        stop,
        events: &[],
        fixed: &[],
        seen,
        on_time: course.on_time,
        lapse: lapses(client, course),
        in_absence: true,
    };
    let care_plan = series(span.start + EVERY, course.care_plan_stops).completed(dice);
    let last_care_plan = care_plan.last().map(|(_, on)| *on);
    let mut done = Vec::new();
    for (due_on, on) in care_plan {
        let latest = Some(on) == last_care_plan;
        let words = if seen.attended(on) {
            review_words::care_plan(dice, span, course, final_stage, latest)
        } else {
            review_words::in_absence(ReviewKind::CarePlan)
        };
        done.push((ReviewKind::CarePlan, due_on, on, words));
    }
    let risk = Series {
        events,
        ..series(span.start + EVERY, None)
    };
    for (due_on, on) in risk.completed(dice) {
        let words = if seen.attended(on) {
            review_words::risk(dice, client, on, written)
        } else {
            review_words::in_absence(ReviewKind::Risk)
        };
        done.push((ReviewKind::Risk, due_on, on, words));
    }
    for (kind, due_on, completed_on, outcome) in done {
        w.insert(&Review {
            client_id,
            kind,
            due_on,
            completion: Some(ReviewCompletion {
                completed_on,
                completed_by: client.key_worker_id,
                outcome: NoteText::new(outcome).expect("short"),
            }),
        })?;
    }
    Ok(())
}

/// The last day reviews were done: discharge, the start of a hold, or today.
pub(super) fn reviews_until(span: &Span, course: &Course, today: NaiveDate) -> NaiveDate {
    course.on_hold_since.unwrap_or_else(|| span.last_day(today))
}

/// Whether the latest reviews may have lapsed: only for ordinary clients still in treatment.
fn lapses(client: &Client, course: &Course) -> bool {
    !course.on_time && client.status == ClientStatus::Active
}

/// Reviews of one kind, each due an interval after the last was done (or sooner, a week after an
/// event), done at the attended session nearest the due date, a little early or late.
struct Series<'a> {
    /// Nothing is done before this day.
    from: NaiveDate,
    first_due: NaiveDate,
    every: Duration,
    /// Nothing is done after this day.
    until: NaiveDate,
    /// Reviews due on or after this day were not done (the days in `fixed` still are).
    stop: Option<NaiveDate>,
    /// Days that bring the next review forward to a week after.
    events: &'a [NaiveDate],
    /// Days a review is done whatever the schedule (a change of prescription decided there); the
    /// schedule runs on from each.
    fixed: &'a [NaiveDate],
    /// The days the client attended.
    seen: &'a Seen<'a>,
    /// Every review due by `until` is done by then.
    on_time: bool,
    /// The latest one or two may not have been done.
    lapse: bool,
    /// A review owed on time after the client's last attended session may be done in their
    /// absence (a review, not a TOP, which needs the client's answers).
    in_absence: bool,
}

impl Series<'_> {
    /// Each review's due date and the day it was done.
    fn completed(&self, dice: &mut Dice) -> Vec<(NaiveDate, NaiveDate)> {
        let mut done: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        let mut last: Option<NaiveDate> = None;
        loop {
            let after = last.map_or(self.from, |l| (l + Duration::days(1)).max(self.from));
            let regular = last.map_or(self.first_due, |l| l + self.every);
            let event = self
                .events
                .iter()
                .filter(|e| **e >= self.from && last.is_none_or(|l| **e > l))
                .min()
                .copied();
            let soonest_event = event.map(|e| e + Duration::weeks(1));
            let due = soonest_event.map_or(regular, |e| e.min(regular));
            // A review after an event is done on or after it; a regular one up to two weeks early.
            let earliest = match event {
                Some(e) if soonest_event == Some(due) => e,
                _ => due - Duration::weeks(2),
            }
            .max(after);
            let scheduled = if self.stop.is_some_and(|stop| due >= stop) {
                None
            } else {
                self.on_a_seen_day(dice, due, earliest, after)
            };
            let fixed = self
                .fixed
                .iter()
                .copied()
                .filter(|f| *f >= after && *f <= self.until)
                .min();
            let next = match (scheduled, fixed) {
                (Some(on), Some(f)) if f <= on => (due.min(f), f),
                (Some(on), _) => (due, on),
                (None, Some(f)) => (due.min(f), f),
                (None, None) => break,
            };
            done.push(next);
            last = Some(next.1);
        }
        if self.lapse && dice.chance(0.05) {
            // A change of prescription is always reviewed: only the plain reviews after the last
            // one lapse.
            let missed = if dice.chance(0.7) { 1 } else { 2 };
            for _ in 0..missed {
                if done.last().is_some_and(|(_, on)| !self.fixed.contains(on)) {
                    done.pop();
                }
            }
        }
        done
    }

    /// The attended day a review due on `due` is done: the one nearest a day a little before or
    /// after it, from `earliest`; when none is left before `until` and every review is done on
    /// time, the latest attended day since `after` (a few weeks early rather than overdue), or
    /// when the client has attended none since, a weekday in their absence (after missed
    /// appointments a review is still held: risk rises when a client stops attending).
    fn on_a_seen_day(
        &self,
        dice: &mut Dice,
        due: NaiveDate,
        earliest: NaiveDate,
        after: NaiveDate,
    ) -> Option<NaiveDate> {
        let target = due + Duration::days(dice.between(-7, 14));
        let owed = self.on_time && due <= self.until;
        self.seen
            .nearest(target, earliest, self.until)
            .or_else(|| {
                owed.then(|| self.seen.within(after, self.until).last().copied())
                    .flatten()
            })
            .or_else(|| {
                (owed && self.in_absence && self.seen.last().is_none_or(|l| l < after))
                    .then(|| weekday_within(due.clamp(after, self.until), after, self.until))
            })
    }
}

/// TOPs: at the first session attended (for most), about every 26 weeks at a session, and at the
/// last session, the day the client left (for most who left).
pub(super) fn outcomes(
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    span: &Span,
    course: &Course,
    seen: &Seen<'_>,
) -> Vec<Top> {
    let until = reviews_until(span, course, dice.today);
    let every = Duration::weeks(26);
    let mut dates = Vec::new();
    if let Some(first) = seen.first().filter(|_| course.start_top) {
        dates.push((first, TopStage::Start));
    }
    let reviews = Series {
        from: seen.first().map_or(span.start, |f| f + Duration::days(1)),
        first_due: span.start + every,
        every,
        // No review TOP in the last month before an exit TOP.
        until: span
            .end
            .map_or(until, |end| (end - Duration::weeks(4)).max(span.start)),
        stop: None,
        events: &[],
        fixed: &[],
        seen,
        on_time: course.on_time,
        lapse: lapses(client, course),
        in_absence: false,
    };
    dates.extend(
        reviews
            .completed(dice)
            .into_iter()
            .map(|(_, on)| (on, TopStage::Review)),
    );
    let left_on = span.end.and_then(|_| seen.last());
    if let Some(end) = left_on.filter(|_| course.exit_top) {
        dates.push((end, TopStage::Exit));
    }
    let profile = Profile::new(dice, client, course.response);
    dates
        .into_iter()
        .map(|(on, stage)| {
            let months = (on - span.start).num_days() as f64 / 30.44;
            profile.top(dice, client_id, client.key_worker_id, on, stage, months)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    #[test]
    fn the_nearest_attended_day_within_bounds() {
        let days = [d(2), d(9), d(20), d(27)];
        let seen = Seen(&days);
        assert_eq!(
            seen.nearest(d(14), d(1), d(30)),
            Some(d(9)),
            "earlier of two"
        );
        assert_eq!(seen.nearest(d(16), d(10), d(30)), Some(d(20)));
        assert_eq!(seen.nearest(d(16), d(21), d(26)), None);
        assert_eq!(seen.from(d(10), d(30)), Some(d(20)));
        assert_eq!(seen.within(d(3), d(20)), &[d(9), d(20)]);
    }
}
