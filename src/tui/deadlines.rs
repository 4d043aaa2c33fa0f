//! When the event loop must wake by itself, with nothing typed and no notification: the only
//! timers it has. Each exists only while it has work to do, so an idle screen on a fixed day has
//! none at all and sleeps until something happens (issue 22).

use std::time::{Duration, Instant};

/// How long typing must pause before the lower panes follow a moved selection: a held key's
/// repeats come every 30-50 ms, so they wait until it is let go.
pub const SETTLE_AFTER: Duration = Duration::from_millis(80);

/// How long typing must pause before the open form's draft is written: often enough that a
/// dropped connection loses at most a moment's typing, rarely enough not to write per key.
pub const DRAFT_AFTER: Duration = Duration::from_millis(400);

/// How soon to try again what could not be done (a refresh that failed, `view` audit rows not
/// yet written): the database busy past its timeout is usually free again within a second.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The loop's deadlines. `draft` and `settle` follow the worker's typing; the rest decide when
/// to look at the database, the size and the date without being asked (see [`Deadlines::look_due`]).
#[derive(Debug, Clone)]
pub struct Deadlines {
    /// When the open form's draft is written, after a pause in typing.
    pub draft: Option<Instant>,
    /// When the lower panes follow a moved selection.
    pub settle: Option<Instant>,
    /// The start of the next day, when the dates on screen change.
    new_day: Option<Instant>,
    /// Something failed or is waiting to be written: try again then.
    retry: Option<Instant>,
    /// The last file-change notification and how many of `look_again` have passed since.
    notified: Option<(Instant, usize)>,
    look_again: &'static [Duration],
    /// Without notification, how often to look, and when it last did.
    poll: Option<(Duration, Instant)>,
}

impl Deadlines {
    /// `look_again`: when to look again after a notification (see
    /// `colleagues::LOOK_AGAIN`); `poll`: how often to look when there are no notifications.
    pub fn new(
        now: Instant,
        look_again: &'static [Duration],
        poll: Option<Duration>,
        until_next_day: Option<Duration>,
    ) -> Self {
        Self {
            draft: None,
            settle: None,
            new_day: until_next_day.map(|wait| now + wait),
            retry: None,
            notified: None,
            look_again,
            poll: poll.map(|every| (every, now)),
        }
    }

    /// The earliest deadline, or `None` when nothing is due ever: then only a key, a signal or
    /// a notification wakes the loop.
    pub fn next(&self) -> Option<Instant> {
        [
            self.draft,
            self.settle,
            self.new_day,
            self.retry,
            self.next_look_again(),
            self.poll.map(|(every, last)| last + every),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn next_look_again(&self) -> Option<Instant> {
        let (at, passed) = self.notified?;
        self.look_again.get(passed).map(|after| at + *after)
    }

    /// A file-change notification came: look now (the caller does) and again after each of
    /// `look_again`, counted from this one.
    pub fn notified(&mut self, now: Instant) {
        self.notified = Some((now, 0));
    }

    /// Whether it is time to look at the database, the size and the date without a
    /// notification: a look-again after one, the slow poll, the new day or a retry is due.
    /// Each deadline that passed is spent; [`Deadlines::looked`] sets the next ones.
    pub fn look_due(&mut self, now: Instant) -> bool {
        let mut due = false;
        if self.next_look_again().is_some_and(|at| at <= now) {
            // Past every one that is due: a late wake-up looks once, not once each.
            while self.next_look_again().is_some_and(|at| at <= now) {
                if let Some((_, passed)) = &mut self.notified {
                    *passed += 1;
                }
            }
            due = true;
        }
        if self.poll.is_some_and(|(every, last)| last + every <= now) {
            due = true;
        }
        if self.new_day.is_some_and(|at| at <= now) {
            self.new_day = None;
            due = true;
        }
        if self.retry.is_some_and(|at| at <= now) {
            self.retry = None;
            due = true;
        }
        due
    }

    /// A look was taken at `now`: the poll (if any) starts again from it, and the next day's
    /// start (from the clock) is kept.
    pub fn looked(&mut self, now: Instant, until_next_day: Option<Duration>) {
        if let Some((_, last)) = &mut self.poll {
            *last = now;
        }
        self.new_day = until_next_day.map(|wait| now + wait);
    }

    /// Keeps a retry set [`RETRY_AFTER`] from `now` while something `needs` one, and none
    /// once nothing does.
    pub fn retry_while(&mut self, now: Instant, needs: bool) {
        if !needs {
            self.retry = None;
        } else if self.retry.is_none() {
            self.retry = Some(now + RETRY_AFTER);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOK_AGAIN: [Duration; 3] = [
        Duration::from_millis(40),
        Duration::from_millis(150),
        Duration::from_secs(1),
    ];
    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn idle_on_a_fixed_day_with_notifications_nothing_is_due_ever() {
        let now = Instant::now();
        let mut d = Deadlines::new(now, &LOOK_AGAIN, None, None);
        assert_eq!(d.next(), None);
        assert!(!d.look_due(now + Duration::from_secs(3600)));
        d.looked(now, None);
        d.retry_while(now, false);
        assert_eq!(
            d.next(),
            None,
            "a look that worked leaves nothing to wake for"
        );
    }

    #[test]
    fn the_next_day_is_the_only_wake_up_of_an_idle_screen() {
        let now = Instant::now();
        let wait = Duration::from_secs(3 * 3600);
        let mut d = Deadlines::new(now, &LOOK_AGAIN, None, Some(wait));
        assert_eq!(d.next(), Some(now + wait));
        assert!(!d.look_due(now + wait - MS));
        let at = now + wait;
        assert!(d.look_due(at), "the day turned: look");
        assert_eq!(d.next(), None, "spent");
        d.looked(at, Some(Duration::from_secs(24 * 3600)));
        assert_eq!(d.next(), Some(at + Duration::from_secs(24 * 3600)));
    }

    #[test]
    fn a_notification_looks_again_three_times_then_sleeps() {
        let now = Instant::now();
        let mut d = Deadlines::new(now, &LOOK_AGAIN, None, None);
        d.notified(now);
        let mut looks = Vec::new();
        while let Some(at) = d.next() {
            assert!(d.look_due(at));
            d.looked(at, None);
            looks.push(at - now);
            assert!(looks.len() <= 3, "more looks than asked for: {looks:?}");
        }
        assert_eq!(looks, LOOK_AGAIN.to_vec());
    }

    #[test]
    fn a_late_wake_up_looks_once_for_all_the_looks_again_it_missed() {
        let now = Instant::now();
        let mut d = Deadlines::new(now, &LOOK_AGAIN, None, None);
        d.notified(now);
        assert!(d.look_due(now + Duration::from_millis(500)));
        assert_eq!(
            d.next(),
            Some(now + Duration::from_secs(1)),
            "only the last is left"
        );
    }

    #[test]
    fn a_new_notification_starts_the_looks_again_from_it() {
        let now = Instant::now();
        let mut d = Deadlines::new(now, &LOOK_AGAIN, None, None);
        d.notified(now);
        assert!(d.look_due(now + LOOK_AGAIN[0]));
        let later = now + Duration::from_millis(100);
        d.notified(later);
        assert_eq!(d.next(), Some(later + LOOK_AGAIN[0]));
    }

    #[test]
    fn without_notification_it_polls_slowly_from_the_last_look() {
        let now = Instant::now();
        let every = Duration::from_secs(5);
        let mut d = Deadlines::new(now, &LOOK_AGAIN, Some(every), None);
        assert_eq!(d.next(), Some(now + every));
        assert!(!d.look_due(now + every - MS));
        assert!(d.look_due(now + every));
        d.looked(now + every, None);
        assert_eq!(d.next(), Some(now + 2 * every));
    }

    #[test]
    fn a_retry_is_due_only_while_something_needs_it() {
        let now = Instant::now();
        let mut d = Deadlines::new(now, &LOOK_AGAIN, None, None);
        d.retry_while(now, true);
        assert_eq!(d.next(), Some(now + RETRY_AFTER));
        d.retry_while(now + MS, true);
        assert_eq!(d.next(), Some(now + RETRY_AFTER), "kept, not pushed back");
        let first = now + RETRY_AFTER;
        assert!(d.look_due(first));
        d.looked(first, None);
        d.retry_while(first, true);
        assert_eq!(d.next(), Some(first + RETRY_AFTER), "still failing: again");
        d.retry_while(first + MS, false);
        assert_eq!(d.next(), None, "done: no more retries");
    }

    #[test]
    fn typing_deadlines_come_first_when_they_are_sooner() {
        let now = Instant::now();
        let mut d = Deadlines::new(now, &LOOK_AGAIN, None, Some(Duration::from_secs(60)));
        d.draft = Some(now + DRAFT_AFTER);
        d.settle = Some(now + SETTLE_AFTER);
        assert_eq!(d.next(), Some(now + SETTLE_AFTER));
        d.settle = None;
        assert_eq!(d.next(), Some(now + DRAFT_AFTER));
        assert!(
            !d.look_due(now + DRAFT_AFTER),
            "typing deadlines are not looks"
        );
    }
}
