//! A client's sessions in time: their dates (weekdays, at the client's cadence), who attended,
//! the stage of change each reached, and the readiness notes. Each session names the next one's
//! time as its next appointment (the last of a client still in treatment, one to come), so the
//! appointments the generator then books from them (`Writer::book_from_sessions`) put every
//! session after the first against a booking (issue 21: "a living diary").

use super::Dice;
use super::clinic::{self, Outcome};
use super::course::{Course, LastSessions, Span};
use super::fit;
use super::session::{Past, readiness_note, recheck_words, session};
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

/// A client whose care runs on time has readiness checked again this often (under the 12 weeks
/// of [`crate::domain::alert::READINESS_CHECK_AFTER`]).
const READINESS_RECHECK_DAYS: i64 = 56;

/// Maintenance is change sustained for more than six months (Prochaska & DiClemente's
/// transtheoretical model; the project's domain primer, shared/domain.md, lists the stages and
/// the recycling back through relapse, without their lengths): a drawn client reaches it no
/// sooner than this many days after their first readiness note at Action (issue 21: Maintenance
/// two months after Action).
const MAINTENANCE_AFTER_DAYS: i64 = 183;

/// A client takes a slot in today's clinic only if they started this long before it: there is
/// a session before today to have booked it.
const CLINIC_AFTER_DAYS: i64 = 11;

/// Sessions and readiness notes from the start until discharge or today; returns the stage the
/// client has reached, the risk flags as the sessions leave them (the naloxone kit, BBV tests
/// and hep B dose the client's drawn flags date inside their treatment are delivered in the
/// session nearest each date, which the client attended) and the days the client attended, in
/// order, the days the plan is set and reviewed on.
pub(super) fn timeline(
    w: &Writer<'_>,
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    span: &Span,
    active: bool,
    course: &Course,
) -> Result<(Stage, RiskFlags, Vec<NaiveDate>)> {
    let last_sessions = course.last_sessions;
    let today = dice.today;
    let cadence = dice.between(14, 28);
    let mut stage = dice.weighted(&[
        (20, Stage::Precontemplation),
        (40, Stage::Contemplation),
        (25, Stage::Preparation),
        (15, Stage::Action),
    ]);
    // A few active clients have missed their last three appointments: a concern to follow up.
    let dna_streak = match last_sessions {
        LastSessions::Random => active && dice.chance(0.05),
        LastSessions::Attended => false,
        LastSessions::ThreeDnas => true,
    };
    // A slot in today's clinic, offered to some of the demo worker's clients: taken by one who
    // is active and was seen before today, whose diary then runs to it, unless their course
    // scripts their stages or their last three sessions (a story the clinic must not change).
    let slot = if active
        && (today - span.start).num_days() >= CLINIC_AFTER_DAYS
        && course.arc.is_none()
        && last_sessions != LastSessions::ThreeDnas
    {
        dice.clinic.offer.take()
    } else {
        None
    };
    let dna_streak = dna_streak && slot.is_none();
    let outcome = slot.map(|s| s.outcome);
    let mut dates = Vec::new();
    let mut day = span.start;
    let last = match slot {
        Some(_) => today,
        // The demo worker's other clients were last seen before today, so that their Today
        // view holds the clinic and nothing else (one who started since has their first
        // session, which settles no booking, as before).
        None if dice.clinic.worker_id == Some(client.key_worker_id)
            && span.start <= clinic::working_day_before(today) =>
        {
            span.last_day(today).min(clinic::working_day_before(today))
        }
        None => span.last_day(today),
    };
    while day <= last {
        dates.push(weekday_within(day, span.start, last));
        day += Duration::days(cadence + dice.between(-3, 3));
    }
    // A client who left was seen on the day they left (the discharge session, where the exit
    // TOP is taken), in place of a session too close before it.
    if let Some(end) = span.end.filter(|end| *end <= last) {
        let end = weekday_within(end, span.start, end);
        if dates.len() > 1
            && dates
                .last()
                .is_some_and(|d| (end - *d).num_days() < cadence / 2)
        {
            dates.pop();
        }
        if dates.last() != Some(&end) {
            dates.push(end);
        }
    }
    if slot.is_some() {
        // Today takes the place of a session too close before it.
        if dates.len() > 1
            && dates
                .last()
                .is_some_and(|d| (today - *d).num_days() < cadence / 2)
        {
            dates.pop();
        }
        if outcome != Some(Outcome::NotYet) {
            dates.push(today);
        }
    }
    let missed_today = outcome == Some(Outcome::Missed);
    // The three missed at the end of a streak, and this morning's DNA, cannot carry anything.
    let open: Vec<usize> = (0..dates.len())
        .filter(|i| !(dna_streak && i + 3 >= dates.len() || missed_today && i + 1 == dates.len()))
        .collect();
    let planned = fit::plan(client, &dates, &open);
    let mut risk = fit::before_sessions(client, dates.first().copied());
    let mut hep_b_doses = 0;
    // Each session's time, booked by the session before it: this morning's slot is the time
    // the last session was booked for.
    let mut times: Vec<NaiveDateTime> = dates.iter().map(|d| at_time(dice, *d)).collect();
    if let (Some(slot), Some(last)) = (slot, times.last_mut())
        && slot.outcome != Outcome::NotYet
    {
        *last = slot.at;
    }
    // What the last session of a client still in treatment books: this afternoon's slot, or a
    // day in the coming fortnight.
    let after_last = active.then(|| match slot {
        Some(slot) if slot.outcome == Outcome::NotYet => slot.at,
        _ => {
            let next = today + Duration::days(dice.between(1, 14));
            at_time(dice, weekday_within(next, next, next + Duration::days(2)))
        }
    });
    let mut last_note: Option<ReadinessNote> = None;
    // The day of the first readiness note at Action since the client last came to it.
    let mut action_noted_on: Option<NaiveDate> = None;
    let mut seen = Vec::new();
    for (index, date) in dates.iter().enumerate() {
        let at = times[index];
        let next_at = times.get(index + 1).copied().or(after_last);
        let last_index = index + 1 == dates.len();
        let in_final_three = index + 3 >= dates.len();
        let delivers = planned.get(&index);
        // The first session is the assessment that starts treatment: the client is there.
        let starts_treatment = index == 0 && !(last_index && missed_today);
        let attendance = if delivers.is_some() || course.arc.is_some() || starts_treatment {
            Attendance::Attended
        } else if dna_streak && in_final_three {
            Attendance::DidNotAttend
        } else if last_index
            && (last_sessions == LastSessions::Attended || outcome == Some(Outcome::Attended))
        {
            Attendance::Attended
        } else if last_index && missed_today {
            Attendance::DidNotAttend
        } else {
            dice.weighted(&[
                (84, Attendance::Attended),
                (11, Attendance::DidNotAttend),
                (3, Attendance::CancelledByClient),
                (2, Attendance::CancelledByService),
            ])
        };
        let previous = stage;
        if attendance == Attendance::Attended {
            let sustained =
                action_noted_on.is_some_and(|on| (*date - on).num_days() >= MAINTENANCE_AFTER_DAYS);
            stage = match course.arc {
                Some(arc) => stage_on_arc(arc, index, dates.len()),
                None => next_stage(dice, stage, sustained),
            };
        }
        let past = Past {
            booked: &dates[..index],
            seen: &seen,
        };
        let this = session(
            dice, client_id, client, at, next_at, attendance, stage, delivers, past,
        );
        if let Some(delivered) = delivers {
            if delivered
                .interventions
                .contains(&Intervention::HepBVaccination)
            {
                hep_b_doses += 1;
            }
            risk = risk.after_session(&this, delivered.bbv(), hep_b_doses);
        }
        let session_id = w.insert(&this)?;
        if attendance == Attendance::Attended {
            seen.push(*date);
        }
        let noted = attendance == Attendance::Attended && (stage != previous || index % 4 == 0);
        let note = if noted {
            Some(readiness_note(
                dice,
                client_id,
                client,
                *date,
                stage,
                session_id,
                last_note.as_ref(),
            ))
        } else if course.on_time
            && attendance == Attendance::Attended
            && last_note
                .as_ref()
                .is_none_or(|n| (*date - n.noted_on).num_days() >= READINESS_RECHECK_DAYS)
        {
            // A well-looked-after client has readiness checked again before the alert's 12
            // weeks, the ruler as it was; no dice, so every other client's record stays as the
            // seed draws it.
            Some(ReadinessNote {
                noted_on: *date,
                stage,
                note: NoteText::new(recheck_words(last_note.as_ref())).expect("short"),
                session_id: Some(session_id),
                ..last_note.clone().unwrap_or(ReadinessNote {
                    client_id,
                    worker_id: client.key_worker_id,
                    noted_on: *date,
                    stage,
                    importance: None,
                    confidence: None,
                    readiness: None,
                    note: NoteText::empty(),
                    session_id: None,
                })
            })
        } else {
            None
        };
        if let Some(note) = note {
            w.insert(&note)?;
            action_noted_on = match note.stage {
                Stage::Action => action_noted_on.or(Some(*date)),
                Stage::Maintenance => action_noted_on,
                _ => None,
            };
            last_note = Some(note);
        }
    }
    Ok((stage, risk, seen))
}

/// A weekday near `date` within `first..=last`: a weekend moves back to the Friday, or forward
/// to the Monday when Friday is too early; the date stays put only if neither fits.
pub(super) fn weekday_within(date: NaiveDate, first: NaiveDate, last: NaiveDate) -> NaiveDate {
    let (back, forward) = match date.weekday() {
        chrono::Weekday::Sat => (1, 2),
        chrono::Weekday::Sun => (2, 1),
        _ => return date,
    };
    let (friday, monday) = (date - Duration::days(back), date + Duration::days(forward));
    if friday >= first {
        friday
    } else if monday <= last {
        monday
    } else {
        date
    }
}

fn at_time(dice: &mut Dice, date: NaiveDate) -> NaiveDateTime {
    let hour = dice.between(9, 16) as u32;
    let minute = dice.pick(&[0, 15, 30, 45]);
    date.and_hms_opt(hour, minute, 0).expect("valid time")
}

/// The stage at session `index` of `sessions` on a scripted arc: each stage for an equal share
/// of the sessions, the last stage at the last session.
fn stage_on_arc(arc: &[Stage], index: usize, sessions: usize) -> Stage {
    let at = if index + 1 >= sessions {
        arc.len() - 1
    } else {
        index * arc.len() / sessions
    };
    arc[at.min(arc.len() - 1)]
}

/// Forward through the stages of change, with the occasional relapse and recovery from it.
/// Maintenance comes only once the change is `sustained`: six months in Action (see
/// [`MAINTENANCE_AFTER_DAYS`]).
fn next_stage(dice: &mut Dice, stage: Stage, sustained: bool) -> Stage {
    match stage {
        Stage::Action | Stage::Maintenance if dice.chance(0.05) => Stage::Relapse,
        Stage::Relapse => dice.pick(&[Stage::Relapse, Stage::Contemplation, Stage::Preparation]),
        Stage::Precontemplation if dice.chance(0.12) => Stage::Contemplation,
        Stage::Contemplation if dice.chance(0.12) => Stage::Preparation,
        Stage::Preparation if dice.chance(0.15) => Stage::Action,
        Stage::Action if sustained && dice.chance(0.2) => Stage::Maintenance,
        unchanged => unchanged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    #[test]
    fn weekend_dates_move_to_a_weekday_inside_the_span() {
        // 21 and 22 November 2026 are a Saturday and a Sunday.
        assert_eq!(
            weekday_within(d(21), d(1), d(30)),
            d(20),
            "Saturday back to Friday"
        );
        assert_eq!(
            weekday_within(d(22), d(1), d(30)),
            d(20),
            "Sunday back to Friday"
        );
        assert_eq!(
            weekday_within(d(22), d(21), d(30)),
            d(23),
            "forward to Monday when Friday is too early"
        );
        assert_eq!(
            weekday_within(d(22), d(22), d(22)),
            d(22),
            "stays when nothing fits"
        );
        assert_eq!(weekday_within(d(18), d(1), d(30)), d(18), "weekdays stay");
    }
}
