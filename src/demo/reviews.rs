//! The reviews done and the TOPs taken, each on its schedule: care plan, risk and prescribing
//! reviews every 12 weeks (sooner after an event), TOPs at the start, every 26 weeks and at exit.

use super::fit;
use super::history::{Course, Span};
use super::outcomes::Profile;
use super::text::review_outcomes;
use super::{Dice, Team};
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Duration, NaiveDate};

/// The completed reviews: care plan and risk by the key worker, prescribing (OST only) by the
/// prescriber. Risk reviews also follow within a week of a risk flag changing or a release from
/// prison (`events`). Prescribing reviews start again after a change of medicine.
#[allow(clippy::too_many_arguments)]
pub(super) fn reviews(
    w: &Writer<'_>,
    dice: &mut Dice,
    team: &Team,
    client_id: i64,
    client: &Client,
    span: &Span,
    course: &Course,
    events: &[NaiveDate],
) -> Result<()> {
    let until = reviews_until(span, course, dice.today);
    let lapse = lapses(client, course);
    let twelve_weeks = Duration::weeks(12);
    let key_worker = client.key_worker_id;
    let done = |dice: &mut Dice, kind: ReviewKind, by: i64, series: Series<'_>| -> Result<()> {
        for (due_on, completed_on) in series.completed(dice) {
            w.insert(&Review {
                client_id,
                kind,
                due_on,
                completion: Some(ReviewCompletion {
                    completed_on,
                    completed_by: by,
                    outcome: NoteText::new(fit::pick(dice, review_outcomes(kind), client))
                        .expect("short"),
                }),
            })?;
        }
        Ok(())
    };
    let series = |first_due: NaiveDate, stop: Option<NaiveDate>| Series {
        from: span.start,
        first_due,
        every: twelve_weeks,
        until,
        stop,
        events: &[],
        on_time: course.on_time,
        lapse,
    };
    done(
        dice,
        ReviewKind::CarePlan,
        key_worker,
        series(span.start + twelve_weeks, course.care_plan_stops),
    )?;
    if client.modality.is_ost() {
        let first = Duration::weeks(4);
        let current_from = match course.switched_on {
            Some(on) => {
                let before = Series {
                    until: on.min(until),
                    lapse: false,
                    ..series(span.start + first, None)
                };
                done(dice, ReviewKind::Prescribing, team.prescriber, before)?;
                on
            }
            None => span.start,
        };
        let current = Series {
            from: current_from,
            ..series(current_from + first, course.prescribing_stops)
        };
        done(dice, ReviewKind::Prescribing, team.prescriber, current)?;
    }
    let risk = Series {
        events,
        ..series(span.start + twelve_weeks, None)
    };
    done(dice, ReviewKind::Risk, key_worker, risk)
}

/// The last day reviews were done: discharge, the start of a hold, or today.
fn reviews_until(span: &Span, course: &Course, today: NaiveDate) -> NaiveDate {
    course.on_hold_since.unwrap_or_else(|| span.last_day(today))
}

/// Whether the latest reviews may have lapsed: only for ordinary clients still in treatment.
fn lapses(client: &Client, course: &Course) -> bool {
    !course.on_time && client.status == ClientStatus::Active
}

/// Reviews of one kind, each due an interval after the last was done (or sooner, a week after an
/// event), done a little early or late.
struct Series<'a> {
    /// Nothing is done before this day.
    from: NaiveDate,
    first_due: NaiveDate,
    every: Duration,
    /// Nothing is done after this day.
    until: NaiveDate,
    /// Reviews due on or after this day were not done.
    stop: Option<NaiveDate>,
    /// Days that bring the next review forward to a week after.
    events: &'a [NaiveDate],
    /// Every review due by `until` is done by then.
    on_time: bool,
    /// The latest one or two may not have been done.
    lapse: bool,
}

impl Series<'_> {
    /// Each review's due date and the day it was done.
    fn completed(&self, dice: &mut Dice) -> Vec<(NaiveDate, NaiveDate)> {
        let mut done: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        let mut last: Option<NaiveDate> = None;
        loop {
            let regular = last.map_or(self.first_due, |l| l + self.every);
            let soonest_event = self
                .events
                .iter()
                .filter(|e| **e >= self.from && last.is_none_or(|l| **e > l))
                .map(|e| *e + Duration::weeks(1))
                .min();
            let due = soonest_event.map_or(regular, |e| e.min(regular));
            if self.stop.is_some_and(|stop| due >= stop) {
                break;
            }
            let mut on = (due + Duration::days(dice.between(-7, 14))).max(self.from);
            if self.on_time && due <= self.until {
                on = on.min(self.until);
            }
            if on > self.until {
                break;
            }
            done.push((due, on));
            last = Some(on);
        }
        if self.lapse && dice.chance(0.05) {
            let missed = if dice.chance(0.7) { 1 } else { 2 };
            done.truncate(done.len().saturating_sub(missed));
        }
        done
    }
}

/// TOPs: at the start (for most), about every 26 weeks, and at exit (for most who left).
pub(super) fn outcomes(
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    span: &Span,
    course: &Course,
) -> Vec<Top> {
    let until = reviews_until(span, course, dice.today);
    let every = Duration::weeks(26);
    let mut dates = Vec::new();
    if course.start_top {
        dates.push((span.start, TopStage::Start));
    }
    let reviews = Series {
        from: span.start,
        first_due: span.start + every,
        every,
        // No review TOP in the last month before an exit TOP.
        until: span
            .end
            .map_or(until, |end| (end - Duration::weeks(4)).max(span.start)),
        stop: None,
        events: &[],
        on_time: course.on_time,
        lapse: lapses(client, course),
    };
    dates.extend(
        reviews
            .completed(dice)
            .into_iter()
            .map(|(_, on)| (on, TopStage::Review)),
    );
    if let Some(end) = span.end.filter(|_| course.exit_top) {
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
